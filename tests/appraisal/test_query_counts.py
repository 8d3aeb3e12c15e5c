"""The appraisal home and campaign pages read the database a fixed number of times, whatever the number of units."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dti.appraisal.models import Assignment, Question, Review
from dti.assessments.models import Assessment, Entry
from dti.campaigns.models import Participation
from dti.units.models import Unit
from tests.conftest import World

MORE = 10


def add_units(world: World, count: int, first: int) -> None:
    """`count` more units in the ranking group, each in a different state of appraisal.

    Most are submitted with data, a verdict that changes the claim, a question not yet sent and
    the appraiser assigned; every fifth has not submitted yet, every seventh has no assessment.
    """
    appraiser = world["users"]["appraiser"]
    for number in range(first, first + count):
        unit = Unit.objects.create(name=f"UBND huyện Thêm {number:02d}", unit_type=world["unit"].unit_type)
        participation = Participation.objects.create(campaign=world["campaign"], group=world["group"], unit=unit)
        Assignment.objects.create(participation=participation, appraiser=appraiser, indices=["I"] if number % 2 else [])
        if number % 7 == 0:
            continue
        submitted = number % 5 != 0
        status = Assessment.Status.IN_APPRAISAL if submitted else Assessment.Status.DRAFT
        assessment = Assessment.objects.create(participation=participation, general={"so_xa": "10"}, status=status)
        Entry.objects.create(assessment=assessment, code="I.1", values={"truong_ban": "pho"}, version=1)
        Entry.objects.create(assessment=assessment, code="I.2", values={"a": str(number % 10)}, version=1)
        Entry.objects.create(assessment=assessment, code="II.2", score=5, self_score=7, version=1)
        if submitted:
            Review.objects.create(
                assessment=assessment, code="II.2", decision=Review.Decision.ADJUSTED, score=4, reason="x", by=appraiser
            )
            Review.objects.create(assessment=assessment, code="I.1", decision=Review.Decision.ACCEPTED, by=appraiser)
            Question.objects.create(assessment=assessment, code="I.2", text="Vì sao?", asked_by=appraiser)


def queries(client: Client, url: str) -> int:
    """How many queries one GET of `url` runs (after a first GET has warmed the caches)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["organiser", "appraiser", "chair"])
def test_home_queries_do_not_grow_with_units(appraising: World, login: Callable[[str], Client], persona: str) -> None:
    client = login(persona)
    url = reverse("appraisal:home")
    add_units(appraising, 3, 1)
    before = queries(client, url)
    add_units(appraising, MORE, 4)
    assert queries(client, url) == before
    assert "UBND huyện Thêm 13" in client.get(url).content.decode()


@pytest.mark.parametrize("persona", ["organiser", "appraiser", "chair"])
def test_campaign_page_queries_do_not_grow_with_units(
    appraising: World, login: Callable[[str], Client], persona: str
) -> None:
    client = login(persona)
    url = reverse("appraisal:campaign", args=[appraising["campaign"].pk])
    add_units(appraising, 3, 1)
    before = queries(client, url)
    add_units(appraising, MORE, 4)
    after = queries(client, url)
    assert after == before
    assert "UBND huyện Thêm 13" in client.get(url).content.decode()


def test_campaign_page_refused_request_keeps_constant_queries(
    appraising: World, login: Callable[[str], Client]
) -> None:
    """A refused explanation request sent from the campaign page shows the page again, as cheaply."""
    client = login("organiser")
    one = appraising["assessment"]
    Question.objects.create(assessment=one, code="I.1", text="Vì sao?")
    url = reverse("appraisal:move", args=[one.pk, "request_explanation"])
    data = {"next": "ky", "deadline_date": "khong-phai-ngay", "deadline_time": ""}
    add_units(appraising, 3, 1)
    client.post(url, data)
    with CaptureQueriesContext(connection) as before:
        response = client.post(url, data)
    assert response.status_code == 422 and "khong-phai-ngay" in response.content.decode()
    add_units(appraising, MORE, 4)
    client.post(url, data)  # the new units' stored results computed
    with CaptureQueriesContext(connection) as after:
        assert client.post(url, data).status_code == 422
    assert len(after) == len(before)
