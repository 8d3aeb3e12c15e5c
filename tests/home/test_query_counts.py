"""The home page reads the database a fixed number of times for every role, whatever the number of units."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dti.appraisal.models import ExplanationRequest, Question
from dti.assessments.models import Assessment
from tests.appraisal.test_query_counts import add_units
from tests.conftest import World

MORE = 10


def add_work(world: World, count: int, first: int) -> None:
    """`count` more units in every state the home pages list (see `add_units`); every third one
    of those being appraised owes an answer, every fourth has answered, every fifth is appraised."""
    add_units(world, count, first)
    for assessment in Assessment.objects.filter(participation__unit__name__startswith="UBND huyện Thêm").filter(
        status=Assessment.Status.IN_APPRAISAL
    ):
        number = int(assessment.participation.unit.name.rsplit(" ", 1)[1])
        if number % 3 == 0:
            request = ExplanationRequest.objects.create(
                assessment=assessment, deadline=timezone.now() + datetime.timedelta(days=2)
            )
            Question.objects.filter(assessment=assessment).update(request=request)
            Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.EXPLANATION_REQUESTED)
        elif number % 4 == 0:
            request = ExplanationRequest.objects.create(
                assessment=assessment, deadline=timezone.now() + datetime.timedelta(days=2), answered_at=timezone.now()
            )
            Question.objects.filter(assessment=assessment).update(request=request, answer="Đã bổ sung")
            Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.EXPLAINED)
        elif number % 5 == 1:
            Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.APPRAISED)


def queries(client: Client) -> int:
    """How many queries one GET of the home page runs (after a first GET has warmed the caches)."""
    assert client.get("/").status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["reporter", "leader", "appraiser", "organiser", "chair", "viewer", "admin"])
def test_home_queries_do_not_grow_with_units(appraising: World, login: Callable[[str], Client], persona: str) -> None:
    client = login(persona)
    add_work(appraising, 5, 1)  # one unit of each kind at least (an empty list may skip its query)
    before = queries(client)
    add_work(appraising, MORE, 6)
    assert queries(client) == before


def test_the_lists_do_grow(appraising: World, login: Callable[[str], Client]) -> None:
    """The sizes differ in what the pages show, so that equal counts mean something."""
    add_work(appraising, 5, 1)
    organiser = login("organiser").get("/").content.decode()
    add_work(appraising, MORE, 6)
    assert organiser.count("UBND huyện Thêm") < login("organiser").get("/").content.decode().count("UBND huyện Thêm")
    appraiser = login("appraiser").get("/").content.decode()
    assert "UBND huyện Thêm 08" in appraiser  # answered: to re-check
