"""The appraisal campaign overview at scale: a page of PAGE_SIZE units at a time, sorted by a
column within each ranking group, filtered by change since the person's previous visit, and the
same number of queries at 10 and 100 units whatever the filter or sort."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dti.appraisal import pages
from dti.appraisal.models import Assignment, Review
from dti.appraisal.pages import PAGE_SIZE, VISIT_GAP, CampaignRow, visit_mark
from dti.assessments.models import Assessment
from dti.audit.models import AuditEntry
from dti.audit.services import record
from dti.campaigns.models import Visit
from dti.engine import name_key
from tests.conftest import World
from tests.test_list_queries import add_units


def url(world: World, query: str = "") -> str:
    return f"/tham-dinh/ky/{world['campaign'].pk}/{query}"


def rows(world: World, persona: str = "organiser", **params: str) -> list[CampaignRow]:
    page = pages.campaign_page(world["campaign"], world["users"][persona], params=params)
    return [row for block in page.groups for row in block.rows]


def names(found: list[CampaignRow]) -> list[str]:
    return [row.participation.unit.name for row in found]


def test_a_page_of_units_at_a_time_with_links_that_keep_the_search_and_sort(appraising: World, login) -> None:
    add_units(appraising, 0, 60)
    first = rows(appraising)
    assert len(first) == PAGE_SIZE and names(first) == sorted(names(first), key=name_key)
    rest = rows(appraising, trang="2")
    assert len(rest) == 62 - PAGE_SIZE and not set(names(first)) & set(names(rest))
    body = login("organiser").get(url(appraising, "?tim=huyen&sap-xep=-ten")).content.decode()
    assert 'href="?tim=huyen&amp;sap-xep=-ten&amp;trang=2" rel="next"' in body and "Trang 1/2" in body
    assert (
        '<th rowspan="2" class="fixed" aria-sort="descending"><a class="sort" href="?tim=huyen&amp;sap-xep=ten">'
        in body
    )
    assert '<input type="hidden" name="sap-xep" value="-ten">' in body  # the filter form keeps the sort
    assert len(re.findall(r'<input type="checkbox" name="units"', body)) == PAGE_SIZE  # the page's units to assign


@pytest.mark.parametrize("key", ["ten", "trang-thai", "tien-do", "tu-danh-gia", "sau-tham-dinh"])
@pytest.mark.parametrize("descending", [False, True])
def test_each_column_sorts_every_unit_of_the_group(appraising: World, key: str, descending: bool) -> None:
    add_units(appraising, 0, 30)
    add_units(appraising, 30, 30, status=Assessment.Status.SUBMITTED)
    reviewed = Assessment.objects.filter(participation__unit__name__in=["UBND huyện Số 003", "UBND huyện Số 040"])
    for assessment in reviewed:
        Review.objects.create(assessment=assessment, code="I.1", decision=Review.Decision.ACCEPTED)
    found = rows(appraising, **{"sap-xep": f"-{key}" if descending else key}) + rows(
        appraising, **{"sap-xep": f"-{key}" if descending else key, "trang": "2"}
    )
    assert len(found) == 62

    def value(row: CampaignRow) -> object:
        totals = row.totals
        return {
            "ten": name_key(row.participation.unit.name),
            "trang-thai": list(Assessment.Status).index(row.assessment.status),
            "tien-do": row.reviewed,
            "tu-danh-gia": totals.claimed if totals else Decimal(-1),
            "sau-tham-dinh": totals.appraised if totals and row.started else Decimal(-1),
        }[key]

    values = [value(row) for row in found]
    assert values == sorted(values, reverse=descending)
    assert len(set(values)) > 1


def test_units_changed_by_someone_else_since_the_previous_visit(appraising: World, login) -> None:
    organiser, who, campaign = login("organiser"), appraising["users"]["organiser"], appraising["campaign"]
    body = organiser.get(url(appraising)).content.decode()
    assert 'name="thay-doi"' not in body  # never looked: nothing to compare with
    assert not Visit.objects.exists()  # a GET writes nothing; the page notes the look once shown
    assert f'hx-post="/tham-dinh/ky/{campaign.pk}/da-xem/" hx-trigger="load"' in body
    assert organiser.post(f"/tham-dinh/ky/{campaign.pk}/da-xem/", headers={"HX-Request": "true"}).status_code == 204
    looked = Visit.objects.get(user=who, campaign=campaign).seen_at
    one, two = appraising["assessment"], appraising["other_assessment"]
    AuditEntry.objects.filter(campaign=campaign).update(created_at=looked - datetime.timedelta(minutes=1))
    for assessment, by in ((one, appraising["users"]["appraiser"]), (two, who)):
        record(actor=by, action="review", obj=assessment, campaign=campaign, unit=assessment.participation.unit)
    body = organiser.get(url(appraising, "?thay-doi=1")).content.decode()
    label = timezone.localtime(looked).strftime("%H:%M %d/%m/%Y")
    assert f'<option value="1" selected>Có thay đổi từ lần xem trước ({label})</option>' in body
    assert re.findall(r'<td class="fixed">([^<]+) <span class="badge info">có thay đổi</span>', body) == [
        "UBND huyện Một"  # the organiser's own change is not news to them
    ]
    assert "Đang hiện 1 trên 2." in body
    # the mark stays put during the visit; at the next one it is where the last look left it
    assert visit_mark(campaign, who) == looked
    later = timezone.now() + VISIT_GAP + datetime.timedelta(minutes=1)
    assert visit_mark(campaign, who, now=later) == Visit.objects.get(user=who, campaign=campaign).last_at
    # "everything seen": the mark moves to now, back to the same filtered page
    response = organiser.post(f"/tham-dinh/ky/{campaign.pk}/da-xem/", {"tat-ca": "1", "back": "thay-doi=1&tim=mot"})
    assert response.status_code == 302 and response["Location"] == f"/tham-dinh/ky/{campaign.pk}/?thay-doi=1&tim=mot"
    body = organiser.get(response["Location"]).content.decode()
    assert "Đã đánh dấu mọi thay đổi đến lúc này là đã xem." in body and "Đang hiện 0 trên 2." in body


def test_noting_a_look_is_for_the_appraisal_side_only(appraising: World, login) -> None:
    response = login("reporter").post(f"/tham-dinh/ky/{appraising['campaign'].pk}/da-xem/", {"tat-ca": "1"})
    assert response.status_code == 403 and "tổ thẩm định" in response.content.decode()
    assert not Visit.objects.exists()


def counted(client: Client, address: str) -> int:
    assert client.get(address).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


QUERIES = ["", "?tim=so", "?trang-thai=in_appraisal", "?tham-dinh=chua-phan-cong", "?thay-doi=1", "?trang=2"]
QUERIES += [f"?sap-xep={key}" for key in ("-ten", "trang-thai", "tien-do", "tu-danh-gia", "-sau-tham-dinh")]


@pytest.mark.parametrize("persona", ["organiser", "appraiser"])
@pytest.mark.parametrize("query", QUERIES)
def test_the_same_queries_at_10_and_100_units_whatever_the_filter_or_sort(
    appraising: World, login: Callable[[str], Client], persona: str, query: str
) -> None:
    client = login(persona)
    counts = []
    for first, count in ((0, 10), (10, 90)):
        made = add_units(appraising, first, count)
        Assignment.objects.bulk_create(
            Assignment(participation_id=a.participation_id, appraiser=appraising["users"]["appraiser"])
            for a in made[::2]
        )
        counts.append(counted(client, url(appraising, query)))
    assert counts[0] == counts[1]
