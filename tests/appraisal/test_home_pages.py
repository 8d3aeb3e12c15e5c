"""The appraisal home at scale: a page of units at a time, grouped by campaign, sorted by name,
status or progress, with the same number of queries at 10 and 100 units."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dti.appraisal.models import Assignment, Review
from dti.appraisal.pages import PAGE_SIZE, home_page
from dti.assessments.models import Assessment
from dti.engine import name_key
from tests.conftest import World
from tests.test_list_queries import add_units


def assign(world: World, assessments: list[Assessment], indices: list[str] | None = None) -> None:
    Assignment.objects.bulk_create(
        Assignment(participation_id=a.participation_id, appraiser=world["users"]["appraiser"], indices=indices or [])
        for a in assessments
    )


def units(world: World, persona: str, **params: str) -> list[tuple[str, int, int]]:
    page = home_page(world["users"][persona], params)
    return [(row.assessment.participation.unit.name, row.reviewed, row.total) for c in page.campaigns for row in c.rows]


def test_a_page_at_a_time_with_links_that_keep_the_filter(appraising: World, login) -> None:
    add_units(appraising, 0, 60)
    first = units(appraising, "organiser")
    assert len(first) == PAGE_SIZE
    assert [name for name, *_ in first] == sorted((name for name, *_ in first), key=name_key)
    assert len(units(appraising, "organiser", trang="2")) == 62 - PAGE_SIZE
    body = login("organiser").get("/tham-dinh/", {"trang-thai": "in_appraisal"}).content.decode()
    assert 'href="?trang-thai=in_appraisal&amp;trang=2" rel="next"' in body
    assert '<th aria-sort="ascending"><a class="sort" href="?trang-thai=in_appraisal&amp;sap-xep=-ten">' in body


def test_progress_counts_the_verdicts_within_the_appraisers_indices(appraising: World) -> None:
    made = add_units(appraising, 0, 3)
    assign(appraising, made[:2])
    assign(appraising, made[2:], ["I"])
    for assessment in made:
        for code in ("I.1", "II.1"):
            Review.objects.create(assessment=assessment, code=code, decision=Review.Decision.ACCEPTED)
    shown = {name: (reviewed, total) for name, reviewed, total in units(appraising, "appraiser")}
    assert shown["UBND huyện Số 000"] == shown["UBND huyện Số 001"] == (2, 4)  # every indicator
    assert shown["UBND huyện Số 002"] == (1, 2)  # index I only


@pytest.mark.parametrize("descending", [False, True])
def test_sorted_by_progress(appraising: World, descending: bool) -> None:
    made = add_units(appraising, 0, 5)
    for number, assessment in enumerate(made):
        for code in ("I.1", "I.2", "II.1", "II.2")[: number % 4]:
            Review.objects.create(assessment=assessment, code=code, decision=Review.Decision.ACCEPTED)
    found = units(appraising, "organiser", **{"sap-xep": "-tien-do" if descending else "tien-do"})
    progress = [reviewed / total for _, reviewed, total in found]
    assert progress == sorted(progress, reverse=descending) and len(set(progress)) > 1


def test_sorted_by_status(appraising: World) -> None:
    add_units(appraising, 0, 3, status=Assessment.Status.EXPLAINED)
    found = units(appraising, "organiser", **{"sap-xep": "-trang-thai"})
    assert [name for name, *_ in found][:3] == ["UBND huyện Số 000", "UBND huyện Số 001", "UBND huyện Số 002"]


def counted(client: Client, address: str) -> tuple[int, str]:
    assert client.get(address).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        body = client.get(address).content.decode()
    return len(captured), body


@pytest.mark.parametrize("persona", ["organiser", "appraiser"])
@pytest.mark.parametrize("query", ["", "?tim=so", "?trang-thai=in_appraisal", "?sap-xep=-tien-do", "?trang=2"])
def test_the_same_queries_at_10_and_100_units(
    appraising: World, login: Callable[[str], Client], persona: str, query: str
) -> None:
    client = login(persona)
    counts = []
    for first, count in ((0, 10), (10, 90)):
        made = add_units(appraising, first, count)
        assign(appraising, made[::2])
        assign(appraising, made[1::2], ["II"])
        count, body = counted(client, f"/tham-dinh/{query}")
        counts.append(count)
    assert counts[0] == counts[1]
    assert re.search(r"UBND huyện Số \d{3}", body)
