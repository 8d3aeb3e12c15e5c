"""One source for every figure: the CLI, the staff pages, the snapshot and the public pages agree.

A small campaign on 800 points (precision 3, ranked on the percentage at 2 decimals) whose
units exercise the engine's display rules: 649 of 800 is 81,125 %, shown 81,13 (half-up; the
CLI printed 81,12, half-even); Yên Mỹ at 81,13 % exactly shares that rank and is listed first
(the exact value orders a tie); Duy Tiên, Đông Anh and Gia Lâm tie exactly and follow in
Vietnamese alphabetical order (Đ after D; by code point Đông Anh came after Gia Lâm). The same
figures, in the same order, are read from `dti rank` (text and CSV), the chair's page, the
published snapshot and the public pages.

The last test is the min–max reference group: the self-assessment page and the appraisal
compare a unit with the same units (the submitted ones), so they show the same score.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from dti.appraisal.selectors import unit_scores
from dti.assessments.models import Assessment, Entry
from dti.assessments.selectors import assessment_page
from dti.campaigns.models import Campaign, CampaignGroup, Participation
from dti.cli import main
from dti.engine import fmt
from dti.frameworks.models import Framework
from dti.results.services import approve_campaign, publish_campaign
from dti.results.snapshot import Snapshot
from dti.units.models import Unit, UnitType
from tests.conftest import World

FRAMEWORK = """format: dti/1
code: tam-tram-2024-huyen
name: Bộ chỉ số 800 điểm
level: huyen
year: 2024
precision: 3
max: 800
ranking: {basis: percent, decimals: 2, ties: competition}
indices:
  - code: "I"
    name: Một
    max: 400
    indicators:
      - {code: I.1, name: Chỉ số một, max: 400, scoring: {method: manual}}
  - code: "II"
    name: Hai
    max: 400
    indicators:
      - {code: II.1, name: Chỉ số hai, max: 400, scoring: {method: manual}}
"""

# Each unit's two index scores, in no particular order.
SCORES = {
    "UBND huyện Gia Lâm": ("324.5", "324.5"),  # 649: 81,125 %
    "UBND huyện Ba Vì": ("324.5", "324.49"),  # 648,99: 81,12375 %
    "UBND huyện Đông Anh": ("324.5", "324.5"),
    "UBND huyện Yên Mỹ": ("324.52", "324.52"),  # 649,04: 81,13 %
    "UBND huyện Duy Tiên": ("324.5", "324.5"),
}

# (unit, rank, I, II, total, max, percent) as every output shows them, in their order.
GOLDEN = [
    ("UBND huyện Yên Mỹ", "1", "324,52", "324,52", "649,04", "800", "81,13"),
    ("UBND huyện Duy Tiên", "1", "324,5", "324,5", "649", "800", "81,13"),
    ("UBND huyện Đông Anh", "1", "324,5", "324,5", "649", "800", "81,13"),
    ("UBND huyện Gia Lâm", "1", "324,5", "324,5", "649", "800", "81,13"),
    ("UBND huyện Ba Vì", "5", "324,5", "324,49", "648,99", "800", "81,12"),
]

Row = tuple[str, ...]
DECIDED = datetime.date(2024, 11, 5)


class _Tables(HTMLParser):
    """The text of every cell of the tables with a given class, row by row."""

    def __init__(self, css_class: str) -> None:
        super().__init__()
        self.css_class, self.depth, self.cell = css_class, 0, None
        self.tables: list[list[list[str]]] = []
        self.cell_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and self.css_class in (dict(attrs).get("class") or "").split():
            self.depth = 1
            self.tables.append([])
        elif tag == "table" and self.depth:
            self.depth += 1
        elif self.depth == 1 and tag == "tr":
            self.tables[-1].append([])
        elif self.depth == 1 and tag in ("td", "th"):
            self.cell_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth == 1 and tag in ("td", "th"):
            self.tables[-1][-1].append(" ".join("".join(self.cell_text).split()))

    def handle_data(self, data: str) -> None:
        self.cell_text.append(data)


def tables(html: str, css_class: str) -> list[list[list[str]]]:
    parser = _Tables(css_class)
    parser.feed(html)
    return [[row for row in table if row and row[0] != "Hạng"] for table in parser.tables]


def shown(figure: str | None) -> str:
    """A machine figure ("649.040", from CSV or the snapshot) as the engine displays it."""
    return "" if figure is None else fmt(Decimal(figure))


@pytest.fixture
def golden(world: World) -> Campaign:
    """The campaign above, every unit appraised on its own figures."""
    framework = Framework.objects.create(code="tam-tram-2024-huyen", name="", level="", year=0, source=FRAMEWORK)
    huyen = UnitType.objects.get(code="huyen")
    campaign = Campaign.objects.create(
        name="Kỳ đánh giá 800 điểm 2024",
        year=2024,
        organiser=world["unit"].parent,
        state=Campaign.State.APPRAISAL,
        submission_deadline=timezone.now() - datetime.timedelta(days=30),
    )
    group = CampaignGroup.objects.create(campaign=campaign, name="Nhóm huyện", framework=framework)
    for name, (one, two) in SCORES.items():
        unit = Unit.objects.create(name=name, unit_type=huyen)
        participation = Participation.objects.create(campaign=campaign, group=group, unit=unit)
        assessment = Assessment.objects.create(participation=participation, status=Assessment.Status.APPRAISED)
        Entry.objects.create(assessment=assessment, code="I.1", score=Decimal(one), version=1)
        Entry.objects.create(assessment=assessment, code="II.1", score=Decimal(two), version=1)
    return campaign


def cli_rows(tmp_path: Path) -> tuple[list[Row], list[Row]]:
    """`dti rank` on the same index scores: its text table and its CSV, row by row."""
    framework = tmp_path / "tam-tram.yaml"
    framework.write_text(FRAMEWORK, encoding="utf-8")
    results = tmp_path / "ket-qua.csv"
    results.write_text("unit,I,II\n" + "".join(f"{u},{a},{b}\n" for u, (a, b) in SCORES.items()), encoding="utf-8")

    def run(*extra: str) -> str:
        out, err = io.StringIO(), io.StringIO()
        assert main(["rank", str(framework), str(results), *extra], stdout=out, stderr=err) == 0, err.getvalue()
        return out.getvalue()

    text: list[list[str]] = [re.split(r"\s{2,}", line) for line in run().splitlines()[2:]]
    records = list(csv.DictReader(io.StringIO(run("--format", "csv"))))
    table: list[Row] = [(u, rank, one, two, total, top, pct) for u, one, two, total, top, pct, rank in text]
    machine: list[Row] = [
        (r["unit"], r["rank"], *(shown(r[key]) for key in ("I", "II", "total", "max", "percent"))) for r in records
    ]
    return table, machine


def page_rows(html: str) -> list[Row]:
    """The ranking table of a results page (staff or public), as (unit, rank, I, II, total, max, %)."""
    (table,) = tables(html, "ranking")
    return [(row[1], row[0], row[2], row[3], row[4], row[5], row[6].removesuffix(" %")) for row in table]


def snapshot_rows(snapshot: Snapshot) -> list[Row]:
    (group,) = snapshot["groups"]
    return [
        (
            u["unit"],
            str(u["rank"]),
            shown(u["indices"]["I"]),
            shown(u["indices"]["II"]),
            shown(u["total"]),
            shown(u["max"]),
            shown(u["percent"]),
        )
        for u in group["units"]
    ]


def test_every_output_shows_the_same_figures_in_the_same_order(
    golden: Campaign, world: World, login: Callable[[str], Client], client: Client, tmp_path: Path
) -> None:
    text, machine = cli_rows(tmp_path)
    assert text == GOLDEN
    assert machine == GOLDEN

    staff = login("chair").get(f"/phe-duyet/{golden.pk}/")
    assert staff.status_code == 200
    assert page_rows(staff.content.decode()) == GOLDEN

    users = world["users"]
    approve_campaign(campaign=golden, by=users["chair"], decision_number="9/QĐ-UBND", decision_date=DECIDED)
    publication = publish_campaign(campaign=golden, by=users["organiser"])
    assert snapshot_rows(publication.snapshot) == GOLDEN
    assert publication.snapshot["groups"][0]["units"][1]["percent"] == "81.13"  # 81,125 % half-up

    public = client.get(f"/ket-qua/{golden.pk}/").content.decode()
    assert page_rows(public) == GOLDEN


def test_the_public_index_tables_and_scorecard_use_the_same_rules(
    golden: Campaign, world: World, client: Client
) -> None:
    users = world["users"]
    approve_campaign(campaign=golden, by=users["chair"], decision_number="9/QĐ-UBND", decision_date=DECIDED)
    publish_campaign(campaign=golden, by=users["organiser"])
    html = client.get(f"/ket-qua/{golden.pk}/").content.decode()
    index_one, index_two = tables(html, "index-table")
    # Ranked as the total is (engine index_ranks): on the percentage shown, half-up at 2 decimals,
    # so 324,52 and 324,5 of 400 (81,13 % both) share the rank; listed by exact score, then by
    # name in Vietnamese order.
    assert [(row[1], row[0], row[2], row[3]) for row in index_one] == [
        ("UBND huyện Yên Mỹ", "1", "324,52", "81,13 %"),
        ("UBND huyện Ba Vì", "1", "324,5", "81,13 %"),
        ("UBND huyện Duy Tiên", "1", "324,5", "81,13 %"),
        ("UBND huyện Đông Anh", "1", "324,5", "81,13 %"),
        ("UBND huyện Gia Lâm", "1", "324,5", "81,13 %"),
    ]
    assert [(row[1], row[0], row[3]) for row in index_two][-1] == ("UBND huyện Ba Vì", "5", "81,12 %")
    card = client.get(f"/ket-qua/{golden.pk}/don-vi/ubnd-huyen-dong-anh/").content.decode()
    assert "649" in card and "81,13 %" in card and "81,125" not in card


MIN_MAX = """format: dti/1
code: min-max-2024-huyen
name: Bộ chỉ số so sánh
level: huyen
year: 2024
indices:
  - code: "I"
    name: Một
    max: 10
    indicators:
      - code: I.1
        name: Tài khoản trên 100.000 dân
        max: 10
        inputs: [{name: x, label: Số tài khoản, type: number}]
        scoring: {method: relative, value: x}
"""


def test_the_min_max_reference_group_is_the_submitted_units(world: World) -> None:
    # Regression: the self-assessment page compared a unit with every assessment of its group,
    # drafts included, while the appraisal compared it with the submitted ones only: Hai (20,
    # the highest submitted value) saw 1,11 points on its page and 10 in the appraisal.
    framework = Framework.objects.create(code="min-max-2024-huyen", name="", level="", year=0, source=MIN_MAX)
    world["group"].framework = framework
    world["group"].save()
    draft_unit = Unit.objects.create(name="UBND huyện Ba", unit_type=world["unit"].unit_type)
    draft = Assessment.objects.create(
        participation=Participation.objects.create(campaign=world["campaign"], group=world["group"], unit=draft_unit)
    )
    values = {world["assessment"]: "10", world["other_assessment"]: "20", draft: "100"}
    for assessment, x in values.items():
        Entry.objects.create(assessment=assessment, code="I.1", values={"x": x}, version=1)
    Assessment.objects.filter(pk__in=[world["assessment"].pk, world["other_assessment"].pk]).update(
        status=Assessment.Status.SUBMITTED
    )
    for assessment in values:
        assessment.refresh_from_db()

    def on_page(assessment: Assessment) -> Decimal | None:
        return assessment_page(assessment).result.items["I.1"].score

    assert on_page(world["other_assessment"]) == unit_scores(world["other_assessment"]).claimed.items["I.1"].score
    assert on_page(world["other_assessment"]) == Decimal("10.00")  # highest of the submitted 10 and 20
    assert on_page(world["assessment"]) == unit_scores(world["assessment"]).claimed.items["I.1"].score == 0
    assert on_page(draft) == Decimal("10.00")  # a draft is compared as if it had submitted: it joins them
