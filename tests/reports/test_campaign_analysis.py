"""The campaign analysis page: ranking bars and heatmap as accessible inline SVG with the same figures
in tables, the robustness table, links to each unit's analysis, and a fixed number of queries."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dti.assessments.models import Assessment, Entry
from dti.campaigns.models import Participation
from dti.units.models import Unit
from tests.reports.conftest import campaign_url

SVG = "{http://www.w3.org/2000/svg}"


def svgs(page: str) -> list[ET.Element]:
    """The page's charts (the figures' SVGs, not the icons)."""
    found = []
    start = page.find('<figure class="chart">')
    while start != -1:
        begin = page.index("<svg", start)
        end = page.index("</svg>", begin) + len("</svg>")
        found.append(ET.fromstring(page[begin:end]))
        start = page.find('<figure class="chart">', end)
    return found


def test_charts_are_accessible_and_in_vietnamese(published: dict[str, Any], login: Any) -> None:
    page = login("viewer").get(campaign_url(published)).content.decode()
    charts = svgs(page)
    classes = [c.get("class") for c in charts]
    assert "bars" in classes and "heatmap" in classes
    for chart in charts:
        title = chart.find(f"{SVG}title")
        assert title is not None and title.text
        assert chart.find(f"{SVG}desc") is not None
    bars = next(c for c in charts if c.get("class") == "bars")
    desc = bars.find(f"{SVG}desc")
    assert desc is not None and "1. UBND huyện Một: 32,00" in (desc.text or "")
    heat = next(c for c in charts if c.get("class") == "heatmap")
    legend = " ".join(t.text or "" for t in heat.iter(f"{SVG}text"))
    assert "I: Nhận thức số" in legend and "II: Thể chế số" in legend  # indices named in full
    # The heatmap's figures are also a table: UBND huyện Một has 16 of 20 in I (80,00 %).
    assert "80,00 %" in page
    assert "cdn" not in page.lower() and "<script" not in page.split("</header>")[-1]


def test_robustness_table(published: dict[str, Any], login: Any) -> None:
    page = login("viewer").get(campaign_url(published)).content.decode()
    assert "Độ vững của xếp hạng" in page
    # UBND huyện Hai (19) needs 13,00 to tie with UBND huyện Một (32); Một may lose 13,01 before falling.
    assert "13,00" in page and "13,01" in page
    assert f"/bao-cao/ky/{published['campaign'].pk}/don-vi/{published['unit'].pk}/" in page


def add_appraised(world: dict[str, Any], count: int, first: int) -> None:
    """`count` more units in the group, appraised with data."""
    for number in range(first, first + count):
        unit = Unit.objects.create(name=f"UBND huyện Thêm {number:02d}", unit_type=world["unit"].unit_type)
        participation = Participation.objects.create(campaign=world["campaign"], group=world["group"], unit=unit)
        assessment = Assessment.objects.create(
            participation=participation, general={"so_xa": "10"}, status=Assessment.Status.APPRAISED
        )
        Entry.objects.create(assessment=assessment, code="I.1", values={"truong_ban": "pho"}, version=1)
        Entry.objects.create(assessment=assessment, code="I.2", values={"a": str(number % 10)}, version=1)
        Entry.objects.create(assessment=assessment, code="II.2", score=number % 7, version=1)


def queries(client: Client, url: str) -> int:
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_draft_page_queries_do_not_grow_with_units(appraised: dict[str, Any], login: Callable[[str], Client]) -> None:
    client = login("organiser")
    url = campaign_url(appraised)
    add_appraised(appraised, 3, 1)
    before = queries(client, url)
    add_appraised(appraised, 12, 4)
    assert queries(client, url) == before
    assert "UBND huyện Thêm 15" in client.get(url).content.decode()


def test_published_page_queries_do_not_grow_with_units(
    published: dict[str, Any], login: Callable[[str], Client]
) -> None:
    """Version 1 has 2 units; a version 2 with 30 more (copies of UBND huyện Hai) runs the same queries."""
    import copy

    from dti.results.models import Publication

    client = login("viewer")
    url = campaign_url(published)
    small = queries(client, url + "?phien-ban=1")
    snapshot = copy.deepcopy(Publication.objects.get().snapshot)
    units = snapshot["groups"][0]["units"]
    for number in range(30):
        extra = copy.deepcopy(units[1])
        extra["unit"] = f"UBND huyện Thêm {number:02d}"
        units.append(extra)
    Publication.objects.create(campaign=published["campaign"], version=2, snapshot=snapshot, reason="Thêm đơn vị")
    assert queries(client, url) == small
    assert "UBND huyện Thêm 29" in client.get(url).content.decode()


def test_unit_page_queries_do_not_grow_with_units(appraised: dict[str, Any], login: Callable[[str], Client]) -> None:
    """A unit's analysis page (the draft, with what-if over its whole group) reads the same at two sizes."""
    client = login("organiser")
    url = f"/bao-cao/ky/{appraised['campaign'].pk}/don-vi/{appraised['unit'].pk}/"
    add_appraised(appraised, 3, 1)
    before = queries(client, url)
    add_appraised(appraised, 12, 4)
    assert queries(client, url) == before


def test_a_group_without_ranked_units_says_so_instead_of_empty_charts(world: dict[str, Any], login: Any) -> None:
    """Regression: before any unit was appraised the chair saw empty bars, an empty heatmap and an
    empty robustness table."""
    page = login("chair").get(campaign_url(world)).content.decode()
    assert "Nhóm này chưa có đơn vị nào được xếp hạng." in page
    assert not svgs(page)
    assert 'class="robustness"' not in page and 'class="heat-table"' not in page


def test_heatmap_of_a_framework_without_maxima_is_of_the_groups_best(published: dict[str, Any], login: Any) -> None:
    """Regression: without maxima every heatmap cell was '—' and the page did not say why; now each
    share is of the group's highest score (as the unit's scorecard and the index tables) and the page says so."""
    import copy

    from dti.results.models import Publication

    snapshot = copy.deepcopy(Publication.objects.get().snapshot)
    group = snapshot["groups"][0]
    for index in group["framework"]["indices"]:
        index["max"] = None
    for unit in group["units"]:
        unit["index_max"] = {}
    Publication.objects.create(campaign=published["campaign"], version=2, snapshot=snapshot, reason="Không nêu tối đa")
    page = login("viewer").get(campaign_url(published)).content.decode()
    assert "Bộ chỉ số không nêu điểm tối đa của các chỉ số: bản đồ nhiệt tính theo % điểm cao nhất trong nhóm." in page
    heat = next(c for c in svgs(page) if c.get("class") == "heatmap")
    title = heat.find(f"{SVG}title")
    assert title is not None and (title.text or "").startswith("Điểm từng chỉ số chính theo % điểm cao nhất trong nhóm")
    cells = [t.text for t in heat.iter(f"{SVG}text") if t.text and t.text[0].isdigit()]
    assert "100,00" in cells and "—" not in [t.text for t in heat.iter(f"{SVG}text")]


def test_ranking_table_at_the_frameworks_decimals(published: dict[str, Any], login: Any) -> None:
    """Regression: the page's ranking table dropped trailing zeros ('32') beside the robustness table's
    '32,00' and the appendix downloaded from it; the public pages keep the published tables' way."""
    page = login("viewer").get(campaign_url(published)).content.decode()
    ranking = page[
        page.index('<table class="ranking">') : page.index("</table>", page.index('<table class="ranking">'))
    ]
    assert "<strong>32,00</strong>" in ranking and "<strong>19,00</strong>" in ranking
    assert "<strong>32</strong>" in Client().get(f"/ket-qua/{published['campaign'].pk}/").content.decode()


def test_heatmap_names_the_indices_without_a_maximum(published: dict[str, Any], login: Any) -> None:
    """Only index I states no maximum: its column is of the group's best, II of its maximum; the note names I."""
    import copy

    from dti.results.models import Publication

    snapshot = copy.deepcopy(Publication.objects.get().snapshot)
    group = snapshot["groups"][0]
    group["framework"]["indices"][0]["max"] = None
    for unit in group["units"]:
        unit["index_max"].pop("I", None)
    Publication.objects.create(
        campaign=published["campaign"], version=2, snapshot=snapshot, reason="I không nêu tối đa"
    )
    page = login("viewer").get(campaign_url(published)).content.decode()
    assert (
        "Bộ chỉ số không nêu điểm tối đa của các chỉ số I: các chỉ số này tính theo % điểm cao nhất trong nhóm." in page
    )
    assert "Điểm từng chỉ số chính theo % điểm tối đa (hoặc % điểm cao nhất trong nhóm)" in page
