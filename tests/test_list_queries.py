"""Every list page runs the same number of queries at 10 rows and at 100 (issue 10 §5).

A list page shows a variable number of rows. Each page counted here is built at 10 rows, counted,
grown to 100 rows and counted again: both counts must equal the number pinned beside the page, so an
N+1 (a query per row) and any other new query are both visible. The rows are made with
`bulk_create` to keep the tests fast. `test_every_url_is_classified` walks the project's URL map:
every named URL is a list page counted here, a list page counted by its app's own tests (named in
`COUNTED_ELSEWHERE`), or not a list (`NOT_LISTS`, with the reason), so a new page without an entry
fails.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from dti.accounts.models import Notification, User
from dti.api.models import ApiToken
from dti.appraisal.models import Assignment, ExplanationRequest, OfficialFigure, Question
from dti.assessments.models import Assessment, Entry, Evidence
from dti.audit.models import AuditEntry
from dti.campaigns.models import Campaign, CampaignGroup, Participation
from dti.core.roles import Role
from dti.frameworks.models import Framework
from dti.history.models import Lineage
from dti.results.models import Publication
from dti.units.models import Unit
from tests.conftest import ROOT, SMALL_FRAMEWORK, World
from tests.results.test_public import publish, snapshot_of

SIZES = (10, 100)
CODES = ("I.1", "I.2", "II.1", "II.2")
"""The small framework's indicators, over which evidence and questions are spread."""


def counted(client: Client, url: str) -> tuple[int, str]:
    """How many queries one GET of `url` runs, and the page; a first GET warms the caches (the
    session, the user, the parsed framework)."""
    warm = client.get(url)
    assert warm.status_code == 200
    warm.getvalue()  # a download is streamed: read, its file closed
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        body = response.getvalue()  # a streamed download reads as it is sent
    assert response.status_code == 200
    return len(captured), body.decode("utf-8-sig")


# ---------------------------------------------------------------- the rows


def add_units(world: World, first: int, count: int, status: str = Assessment.Status.IN_APPRAISAL) -> list[Assessment]:
    """`count` more units in the world's ranking group, each with an assessment holding data for every
    indicator, numbered from `first` ("UBND huyện Số 007")."""
    units = Unit.objects.bulk_create(
        Unit(name=f"UBND huyện Số {n:03}", unit_type=world["unit"].unit_type, parent=world["unit"].parent)
        for n in range(first, first + count)
    )
    participations = Participation.objects.bulk_create(
        Participation(campaign=world["campaign"], group=world["group"], unit=unit) for unit in units
    )
    assessments = Assessment.objects.bulk_create(
        Assessment(participation=p, general={"so_xa": "10"}, status=status) for p in participations
    )
    Entry.objects.bulk_create(
        entry
        for n, a in enumerate(assessments, start=first)
        for entry in (
            Entry(assessment=a, code="I.1", values={"truong_ban": "pho"}, version=1),
            Entry(assessment=a, code="I.2", values={"a": str(n % 10)}, version=1),
            Entry(assessment=a, code="II.1", values={"ban_hanh": n % 2 == 0}, version=1),
            Entry(assessment=a, code="II.2", score=n % 7, version=1),
        )
    )
    return assessments


def add_campaigns(world: World, first: int, count: int) -> None:
    """`count` more campaigns, each with a ranking group of the small framework."""
    campaigns = Campaign.objects.bulk_create(
        Campaign(
            name=f"Kỳ thêm {n:03}",
            year=2000 + n % 25,
            organiser=world["unit"].parent,
            submission_deadline=timezone.now(),
        )
        for n in range(first, first + count)
    )
    framework = world["group"].framework
    CampaignGroup.objects.bulk_create(
        CampaignGroup(campaign=c, name="Nhóm huyện", framework=framework) for c in campaigns
    )


def add_frameworks(world: World, first: int, count: int) -> None:
    """`count` more stored frameworks, every other one a copy of the small framework."""
    original = world["group"].framework
    Framework.objects.bulk_create(
        Framework(
            code=f"them-{n:03}",
            name=f"Bộ chỉ số thêm {n:03}",
            level="huyen",
            year=2023,
            source=SMALL_FRAMEWORK,
            content_hash=original.content_hash,
            copied_from=original if n % 2 else None,
            uploaded_by=world["users"]["organiser"],
        )
        for n in range(first, first + count)
    )


def add_notifications(world: World, first: int, count: int) -> None:
    """`count` more notifications for the viewer, every third one read."""
    Notification.objects.bulk_create(
        Notification(
            user=world["users"]["viewer"],
            text=f"Thông báo số {n:03}",
            url=f"/ky-danh-gia/{world['campaign'].pk}/",
            read_at=timezone.now() if n % 3 == 0 else None,
        )
        for n in range(first, first + count)
    )


def add_evidence(world: World, first: int, count: int) -> None:
    """`count` more references (number, date, title) as evidence of the assessed unit, spread over its
    indicators and uploaded by its reporter or its leader."""
    people = (world["users"]["reporter"], world["users"]["leader"])
    Evidence.objects.bulk_create(
        Evidence(
            assessment=world["assessment"],
            code=CODES[n % len(CODES)],
            kind=Evidence.Kind.REFERENCE,
            doc_number=f"{n:03}/KH-UBND",
            doc_date=datetime.date(2023, 1 + n % 12, 1),
            title=f"Kế hoạch số {n:03}",
            uploaded_by=people[n % 2],
        )
        for n in range(first, first + count)
    )


def add_changes(world: World, first: int, count: int) -> None:
    """`count` more recorded changes of indicator I.2 of the assessed unit, by its reporter or its leader."""
    assessment = world["assessment"]
    people = (world["users"]["reporter"], world["users"]["leader"])
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=people[n % 2],
            action="entry.save",
            object_type=assessment._meta.label_lower,
            object_id=str(assessment.pk),
            campaign=world["campaign"],
            unit=world["unit"],
            code="I.2",
            field="a",
            old=n,
            new=n + 1,
        )
        for n in range(first, first + count)
    )


def add_questions(world: World, first: int, count: int) -> None:
    """`count` more questions to the assessed unit with as many pieces of evidence; the questions
    belong to the explanation request open on it, if any (see `explaining`)."""
    assessment = world["assessment"]
    request = ExplanationRequest.objects.filter(assessment=assessment).first()
    Question.objects.bulk_create(
        Question(
            assessment=assessment,
            request=request,
            code=CODES[n % len(CODES)],
            text=f"Câu hỏi số {n:03}",
            asked_by=world["users"]["appraiser"],
        )
        for n in range(first, first + count)
    )
    add_evidence(world, first, count)


def add_appraisal_notes(world: World, first: int, count: int) -> None:
    """`count` more questions, pieces of evidence and recorded changes of the assessed unit."""
    add_questions(world, first, count)
    add_changes(world, first, count)


def add_figures(world: World, first: int, count: int) -> None:
    """`count` more units, each with an official figure for the communes with a section (I.2)."""
    assessments = add_units(world, first, count)
    OfficialFigure.objects.bulk_create(
        OfficialFigure(participation_id=a.participation_id, code="I.2", field="a", value=n % 10, source="Cổng DVC")
        for n, a in enumerate(assessments, start=first)
    )


def republish(world: World, first: int, count: int) -> None:
    """A new published version of the world's campaign whose group holds UBND huyện Một and
    `first + count - 1` more units."""
    units = ["UBND huyện Một", *(f"UBND huyện Số {n:03}" for n in range(1, first + count))]
    latest = Publication.objects.filter(campaign=world["campaign"]).order_by("-version").first()
    Publication.objects.create(
        campaign=world["campaign"],
        version=latest.version + 1 if latest else 1,
        snapshot=snapshot_of(world["campaign"].name, groups={"Cấp huyện": units}),
        reason="Thêm đơn vị" if latest else "",
    )


def add_assigned(world: World, first: int, count: int) -> None:
    """`count` more units in appraisal (see `add_units`), each assigned to the appraiser."""
    Assignment.objects.bulk_create(
        Assignment(participation_id=a.participation_id, appraiser=world["users"]["appraiser"])
        for a in add_units(world, first, count)
    )


def add_accounts(world: World, first: int, count: int) -> None:
    """`count` more reporters of the assessed unit, named to sort after every persona."""
    User.objects.bulk_create(
        User(username=f"zz-them-{n:03}", full_name=f"Người dùng số {n:03}", role=Role.REPORTER, unit=world["unit"])
        for n in range(first, first + count)
    )


def add_tokens(world: World, first: int, count: int) -> None:
    """`count` more API keys of the organiser, every third one revoked."""
    ApiToken.objects.bulk_create(
        ApiToken(
            owner=world["users"]["organiser"],
            name=f"Khóa số {n:03}",
            prefix=f"k{n:03}",
            secret_hash=f"{n:064}",
            revoked_at=timezone.now() if n % 3 == 0 else None,
        )
        for n in range(first, first + count)
    )


def add_lineages(world: World, first: int, count: int) -> None:
    """`count` more renamings, each of a new unit into another new one ("UBND huyện Số 007")."""
    unit_type = world["unit"].unit_type
    before = Unit.objects.bulk_create(
        Unit(name=f"UBND huyện Cũ {n:03}", unit_type=unit_type) for n in range(first, first + count)
    )
    after = Unit.objects.bulk_create(
        Unit(name=f"UBND huyện Số {n:03}", unit_type=unit_type) for n in range(first, first + count)
    )
    lineages = Lineage.objects.bulk_create(
        Lineage(kind="rename", effective=datetime.date(2000 + n % 25, 1, 1), note=f"Quyết định số {n:03}")
        for n in range(first, first + count)
    )
    Lineage.predecessors.through.objects.bulk_create(
        Lineage.predecessors.through(lineage=lineage, unit=unit) for lineage, unit in zip(lineages, before, strict=True)
    )
    Lineage.successors.through.objects.bulk_create(
        Lineage.successors.through(lineage=lineage, unit=unit) for lineage, unit in zip(lineages, after, strict=True)
    )


def add_publications(world: World, first: int, count: int) -> None:
    """`count` more published campaigns, each ranking UBND huyện Một."""
    for n in range(first, first + count):
        publish(snapshot_of(f"Kỳ công bố {n:03}", year=2000 + n % 25, groups={"Cấp huyện": ["UBND huyện Một"]}))


def add_years(world: World, first: int, count: int) -> None:
    """`count` more published campaigns of the province, one a year from 1900 + `first`, each
    ranking UBND huyện Một and UBND huyện Hai."""
    for n in range(first, first + count):
        publish(
            snapshot_of(f"Kỳ năm {1900 + n}", year=1900 + n, groups={"Cấp huyện": ["UBND huyện Một", "UBND huyện Hai"]})
        )


def _first_published(world: World) -> int:
    return Publication.objects.order_by("pk").values_list("campaign_id", flat=True).first()


def publish_more(world: World, first: int, count: int) -> None:
    """`count` more published units in the group (see `add_units`) and a new published version
    ranking them (see `republish`)."""
    add_units(world, first, count, Assessment.Status.PUBLISHED)
    republish(world, first, count)


# ---------------------------------------------------------------- the states


def appraised(world: World) -> None:
    """Both units of the world appraised."""
    Assessment.objects.filter(participation__campaign=world["campaign"]).update(status=Assessment.Status.APPRAISED)


def published(world: World) -> None:
    """Both units of the world published."""
    Assessment.objects.filter(participation__campaign=world["campaign"]).update(status=Assessment.Status.PUBLISHED)


def explaining(world: World) -> None:
    """The assessed unit is asked to explain (an open request, due in two days)."""
    Assessment.objects.filter(pk=world["assessment"].pk).update(status=Assessment.Status.EXPLANATION_REQUESTED)
    ExplanationRequest.objects.create(
        assessment=world["assessment"],
        deadline=timezone.now() + datetime.timedelta(days=2),
        sent_by=world["users"]["appraiser"],
    )


def add_jobs(world: World, first: int, count: int) -> None:
    """`count` more finished background jobs of the organiser's, each newer than the last."""
    from dti.jobs.models import Job

    now = timezone.now()
    Job.objects.bulk_create(
        Job(
            kind="dti.reports.jobs.unit_reports",
            title=f"Việc {n:03}",
            owner=world["users"]["organiser"],
            state=Job.State.DONE,
            finished_at=now + datetime.timedelta(minutes=n),
        )
        for n in range(first, first + count)
    )


@dataclass(frozen=True)
class Page:
    """A list page: who reads it, the state it needs, how rows are added, its address, what row `n`
    shows on it and the queries one GET runs (the session, the user and the header's notifications
    included)."""

    name: str
    persona: str
    grow: Callable[[World, int, int], object]
    url: Callable[[World], str]
    shown: Callable[[int], str]
    queries: int
    fixture: str = "world"
    setup: Callable[[World], None] | None = None


def _assessment(world: World) -> int:
    return world["assessment"].pk


SIGNED_IN = 3
"""What a signed-in page reads besides its own rows: the session, the user, the header's unread notifications."""

PAGES = [
    # the campaigns, their groups, the groups' frameworks
    Page(
        "campaigns:list", "organiser", add_campaigns, lambda w: "/ky-danh-gia/", "Kỳ thêm {:03}".format, SIGNED_IN + 3
    ),
    # the frameworks with their use and their original
    Page(
        "frameworks:list",
        "organiser",
        add_frameworks,
        lambda w: "/bo-chi-so/",
        "Bộ chỉ số thêm {:03}".format,
        SIGNED_IN + 1,
    ),
    Page(
        "frameworks:detail",  # the framework, whether it is used, the campaigns that use it
        "organiser",
        add_campaigns,
        lambda w: f"/bo-chi-so/{w['group'].framework_id}/",
        "Kỳ thêm {:03}".format,
        SIGNED_IN + 3,
    ),
    Page(
        "history:mapping",  # the frameworks to choose from
        "organiser",
        add_frameworks,
        lambda w: "/lich-su/doi-chieu-ma/",
        "Bộ chỉ số thêm {:03} (2023)".format,
        SIGNED_IN + 1,
    ),
    # the notifications
    Page(
        "notifications",
        "viewer",
        add_notifications,
        lambda w: "/thong-bao/",
        "Thông báo số {:03}".format,
        SIGNED_IN + 1,
    ),
    Page(
        "assessments:detail",  # the assessment, its entries, its evidence
        "reporter",
        add_evidence,
        lambda w: f"/danh-gia/{_assessment(w)}/",
        "Kế hoạch số {:03}".format,
        SIGNED_IN + 3,
    ),
    Page(
        "assessments:index",  # the same, without the header (an htmx fragment)
        "reporter",
        add_evidence,
        lambda w: f"/danh-gia/{_assessment(w)}/chi-so-chinh/I/",
        lambda n: f"Kế hoạch số {n - n % 4:03}",  # evidence of I.1
        SIGNED_IN - 1 + 3,
    ),
    Page(
        "assessments:history",  # the assessment, the indicator's recorded changes with their authors
        "reporter",
        add_changes,
        lambda w: f"/danh-gia/{_assessment(w)}/chi-so/I.2/lich-su/",
        lambda n: f"<td>{n}</td>",
        SIGNED_IN + 2,
    ),
    Page(
        "appraisal:unit",  # the workspace; its queries are per main index of the framework, none per row
        "appraiser",
        add_appraisal_notes,
        lambda w: f"/tham-dinh/{_assessment(w)}/",
        "Câu hỏi số {:03}".format,
        SIGNED_IN + 20,
        fixture="appraising",
    ),
    Page(
        "explanation:page",  # the assessment, the requests, the questions, the entries, the evidence
        "reporter",
        add_questions,
        lambda w: f"/danh-gia/{_assessment(w)}/giai-trinh/",
        "Câu hỏi số {:03}".format,
        SIGNED_IN + 7,
        fixture="appraising",
        setup=explaining,
    ),
    Page(
        "official:campaign",  # the campaign, the figures with their units, the assessments, their entries
        "organiser",
        add_figures,
        lambda w: f"/tham-dinh/ky/{w['campaign'].pk}/so-lieu-chinh-thuc/",
        "UBND huyện Số {:03}".format,
        SIGNED_IN + 4,
        fixture="appraising",
    ),
    Page(
        "official:template",  # a download, no header: the campaign, its units
        "organiser",
        add_units,
        lambda w: f"/tham-dinh/ky/{w['campaign'].pk}/so-lieu-chinh-thuc/tep-mau.csv",
        "UBND huyện Số {:03}".format,
        SIGNED_IN - 1 + 2,
        fixture="appraising",
    ),
    Page(
        "public:unit",  # public: the published version only
        "anonymous",
        republish,
        lambda w: f"/ket-qua/{w['campaign'].pk}/don-vi/ubnd-huyen-mot/",
        lambda n: f"1/{n + 1}",  # the rank of UBND huyện Một among the group's units
        4,  # the versions, the index, the unit, its group
    ),
    Page(
        "outcome:page",  # the unit's scores (its group's stored bounds), its record in the published version
        "reporter",
        publish_more,
        lambda w: f"/danh-gia/{_assessment(w)}/ket-qua/",
        lambda n: f'data-testid="rank">1/{n + 1}<',  # the rank of UBND huyện Một among the group's units
        SIGNED_IN + 9,
        fixture="appraising",
        setup=published,
    ),
    Page(
        "reports:unit",  # the draft ranking of the group scored by the engine, the notes, the targets
        "organiser",
        lambda w, first, count: add_units(w, first, count, Assessment.Status.APPRAISED),
        lambda w: f"/bao-cao/ky/{w['campaign'].pk}/don-vi/{w['unit'].pk}/",
        lambda n: f"1/{n + 3}",  # the rank of UBND huyện Một among the group's units
        SIGNED_IN + 13,
        fixture="appraising",
        setup=appraised,
    ),
    Page(
        "home",
        "appraiser",
        add_assigned,
        lambda w: "/",
        "UBND huyện Số {:03}".format,
        SIGNED_IN + 5,
        fixture="appraising",
    ),
    Page(
        "campaigns:detail",  # campaign, groups, all units (name, status), the page: units, entries; reopenings, forms
        "organiser",
        add_units,
        lambda w: f"/ky-danh-gia/{w['campaign'].pk}/?trang=99",
        "UBND huyện Số {:03}".format,
        SIGNED_IN + 7,
    ),
    Page(
        "campaigns:participants",
        "organiser",
        add_units,
        lambda w: f"/ky-danh-gia/{w['campaign'].pk}/nhom/{w['group'].pk}/don-vi/",
        "UBND huyện Số {:03}".format,
        SIGNED_IN + 5,
    ),
    Page("units:list", "viewer", add_units, lambda w: "/don-vi/", "UBND huyện Số {:03}".format, SIGNED_IN + 2),
    Page(
        "accounts:list",
        "organiser",
        add_accounts,
        lambda w: "/tai-khoan/?trang=99",
        "zz-them-{:03}".format,
        SIGNED_IN + 3,
    ),
    Page(
        "api_tokens:list",
        "organiser",
        add_tokens,
        lambda w: "/tai-khoan/khoa-api/",
        "Khóa số {:03}".format,
        SIGNED_IN + 1,
    ),
    Page(
        "appraisal:home",
        "appraiser",
        add_assigned,
        lambda w: "/tham-dinh/?trang=99",  # the last page
        "UBND huyện Số {:03}".format,
        SIGNED_IN + 4,
        fixture="appraising",
    ),
    Page(
        "appraisal:campaign",
        "appraiser",
        add_units,
        lambda w: f"/tham-dinh/ky/{w['campaign'].pk}/?trang=99",  # the last page
        "UBND huyện Số {:03}".format,
        SIGNED_IN + 10,
        fixture="appraising",
    ),
    Page(
        "results:campaign",  # one group's page from the stored results, the statuses, the groups' counts
        "chair",
        add_units,
        lambda w: f"/phe-duyet/{w['campaign'].pk}/?q=S%E1%BB%91",  # "Số": the added units, one page of 100
        "UBND huyện Số {:03}".format,
        SIGNED_IN + 7,
        fixture="appraising",
    ),
    Page(
        "reports:campaign",
        "organiser",
        lambda w, first, count: add_units(w, first, count, Assessment.Status.APPRAISED),
        lambda w: f"/bao-cao/ky/{w['campaign'].pk}/",
        "UBND huyện Số {:03}".format,
        SIGNED_IN + 10,
        fixture="appraising",
        setup=appraised,
    ),
    Page("public:index", "anonymous", add_publications, lambda w: "/ket-qua/", "Kỳ công bố {:03}".format, 1),
    Page(
        "public:campaign",  # the versions, the index, the group, the page's units
        "anonymous",
        republish,
        lambda w: f"/ket-qua/{w['campaign'].pk}/?trang=99",
        "UBND huyện Số {:03}".format,
        4,
    ),
    Page(
        "public:ranking_file",  # a download, no header: the versions, the index, its groups, every unit
        "anonymous",
        republish,
        lambda w: f"/ket-qua/{w['campaign'].pk}/bang-xep-hang.csv",
        "UBND huyện Số {:03}".format,
        4,
    ),
    Page(
        "history:lineages",
        "organiser",
        add_lineages,
        lambda w: "/lich-su/thay-doi-don-vi/",
        "UBND huyện Số {:03}".format,
        SIGNED_IN + 3,
    ),
    Page(
        "history:unit",
        "anonymous",
        add_years,
        lambda w: "/lich-su/don-vi/ubnd-huyen-mot/",
        lambda n: f">{1900 + n}<",
        5,
    ),
    Page(
        "history:campaign",
        "anonymous",
        add_years,
        lambda w: f"/lich-su/ky/{_first_published(w)}/",
        lambda n: f">{1900 + n}<",
        3,
    ),
    # the person's newest background jobs (at most 50)
    Page("jobs:list", "organiser", add_jobs, lambda w: "/viec/", "Việc {:03}".format, SIGNED_IN + 1),
    Page(
        "exports:download",  # a download, no header: one kind's CSV (the units)
        "organiser",
        add_units,
        lambda w: f"/xuat/ky/{w['campaign'].pk}/don-vi/",
        "UBND huyện Số {:03}".format,
        SIGNED_IN - 1 + 9,
    ),
]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_a_list_page_runs_the_same_queries_at_10_and_100_rows(
    page: Page, request: pytest.FixtureRequest, login: Callable[[str], Client]
) -> None:
    world: World = request.getfixturevalue(page.fixture)
    if page.setup:
        page.setup(world)
    client = login(page.persona)
    counts = []
    shown = 0
    for size in SIZES:
        page.grow(world, shown, size - shown)
        shown = size
        count, body = counted(client, page.url(world))
        assert page.shown(size - 1) in body, f"row {size - 1} is not on the page"
        counts.append(count)
    assert counts == [page.queries] * len(SIZES), f"{page.name}: {counts}"


# ---------------------------------------------------------------- every URL has its place


COUNTED_ELSEWHERE = {
    "api:frameworks": "tests/api/test_queries.py",
    "api:units": "tests/api/test_queries.py",
    "api:campaigns": "tests/api/test_queries.py",
    "api:assessments": "tests/api/test_queries.py",
    "api:results": "tests/api/test_queries.py",
    "api:result": "tests/api/test_queries.py",
    "api:appraisal": "tests/api/test_queries.py",
    "api:official_figures": "tests/api/test_queries.py",  # its GET; its POST is an upload of one file
}
"""List pages whose app's own tests count the queries at two sizes (URL name → test module)."""

NOT_LISTS = {
    "login": "a form",
    "logout": "an action",
    "campaigns:create": "a form",
    "campaigns:edit": "a form about one campaign",
    "campaigns:move": "an action (POST)",
    "campaigns:group_add": "an action (POST)",
    "campaigns:reopen": "an action (POST)",
    "frameworks:upload": "a form",
    "frameworks:download": "one file",
    "frameworks:copy": "an action (POST)",
    "frameworks:replace": "a form",
    "units:import": "an upload form and its preview (POST)",
    "units:template": "a fixed template file",
    "accounts:password_change": "a form",
    "accounts:password_reset": "a form",
    "accounts:password_reset_done": "a message",
    "accounts:password_reset_complete": "a message",
    "accounts:password_reset_confirm": "a form",
    "accounts:create": "a form",
    "accounts:edit": "a form about one account",
    "accounts:deactivate": "an action (POST)",
    "accounts:reactivate": "an action (POST)",
    "accounts:reset": "an action (POST)",
    "accounts:import": "an upload form and its preview (POST)",
    "accounts:import_confirm": "an action (POST)",
    "accounts:template": "a fixed template file",
    "assessments:open": "one unit's assessment: a redirect to it, or the offer to start it",
    "assessments:general": "an action (POST)",
    "assessments:entry": "an action (POST)",
    "assessments:evidence_add": "an action (POST)",
    "assessments:evidence_download": "one file",
    "assessments:evidence_delete": "an action (POST)",
    "assessments:submit": "an action (POST)",
    "explanation:answer": "an action (POST)",
    "explanation:send": "an action (POST)",
    "explanation:evidence": "an action (POST)",
    "explanation:evidence_delete": "an action (POST)",
    "appraisal:campaign_seen": "an action (POST)",
    "appraisal:bulk": "an action (POST)",
    "appraisal:assignment_add": "an action (POST)",
    "appraisal:assignment_delete": "an action (POST)",
    "appraisal:review": "an action (POST)",
    "appraisal:question_add": "an action (POST)",
    "appraisal:question_delete": "an action (POST)",
    "appraisal:accept_remaining": "an action (POST)",
    "appraisal:move": "an action (POST)",
    "results:publish": "an action (POST)",
    "results:amend": "an action (POST)",
    "history:import": "an upload form and its preview (POST)",
    "history:import_confirm": "an action (POST)",
    "history:lineage_add": "a form",
    "history:lineage_edit": "a form about one change",
    "history:lineage_delete": "an action (POST)",
    "reports:settings": "a form about one campaign",
    "reports:appendix": "a document download",
    "reports:targets": "a form about one unit",
    "reports:unit_report": "a document download",
    "reports:unit_reports": "an action (POST): starts a background job",
    "exports:campaign": "the links to one campaign's downloads",
    "exports:check": "an upload form and its preview (POST)",
    "exports:apply": "an action (POST)",
    "jobs:detail": "one background job",
    "jobs:status": "one background job's progress",
    "jobs:download": "one file",
    "workbooks:download": "a document download",
    "workbooks:upload": "an upload form and its preview (POST)",
    "workbooks:confirm": "an action (POST)",
    "api_tokens:revoke": "a confirmation and an action (POST)",
    "api:api-root": "a refusal (404) in JSON",
    "api:openapi-json": "the API's description, one document",
    "api:openapi-view": "the API's documentation page",
    "api:framework": "one framework",
    "api:framework_source": "one file",
    "api:campaign": "one campaign with its few groups",
    "api:assessment": "one unit's assessment",
    "api:assessment_general": "a change (PUT/PATCH) of one assessment's general info",
    "api:assessment_indicator": "a change (PUT) of one indicator",
    "api:assessment_evidence": "an upload (POST) of one evidence item",
    "api:assessment_evidence_item": "a deletion (DELETE) of one evidence item",
    "api:assessment_transition": "one workflow step (POST)",
    "api:appraisal_review": "a change (PUT) of one indicator's verdict",
    "api:appraisal_questions": "a question drafted (POST) on one indicator",
    "api:appraisal_question": "a deletion (DELETE) of one question",
    "api:appraisal_accept_remaining": "one unit's remaining verdicts at once (POST)",
    "api:appraisal_transition": "one appraisal step (POST)",
    "api:appendix": "a document download",
    "api:unit_report": "a document download",
    "health": "one line for the monitor",
    "set_language": "an action (POST)",
}
"""Named URLs that show no variable number of rows (URL name → what they are)."""


def url_names(patterns: list[URLPattern | URLResolver], namespace: str = "") -> Iterator[str]:
    """The names of the project's URLs (`namespace:name`), outside Django's admin site."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from url_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_classified() -> None:
    here = {page.name for page in PAGES}
    places = [here, set(COUNTED_ELSEWHERE), set(NOT_LISTS)]
    assert sum(len(place) for place in places) == len(set().union(*places)), "a URL is in two places"
    # A name may stand for several patterns (the API's PUT and PATCH of one address): compared as sets.
    assert sorted(set(url_names(get_resolver().url_patterns))) == sorted(set().union(*places))


@pytest.mark.parametrize("name", sorted(COUNTED_ELSEWHERE))
def test_the_tests_named_elsewhere_count_queries(name: str) -> None:
    text = Path(ROOT, COUNTED_ELSEWHERE[name]).read_text(encoding="utf-8")
    assert "CaptureQueriesContext" in text or "assert_num_queries" in text or "assert_max_num_queries" in text
