"""`make demo`'s sample data: every stage of the cycle is there, and loading twice changes nothing."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest

from dti.appraisal.models import Review
from dti.assessments.models import Assessment
from dti.campaigns.models import Campaign
from dti.demo import load_demo
from dti.results.models import Publication

S = Assessment.Status


@pytest.fixture
def demo(db: Any) -> None:
    load_demo(io.StringIO())


def test_bac_ninh_is_in_appraisal_with_adjustments_and_an_open_explanation_request(demo: None) -> None:
    campaign = Campaign.objects.get(name__startswith="Đánh giá DTI tỉnh Bắc Ninh năm 2023")
    assert campaign.state == Campaign.State.APPRAISAL
    statuses = {
        a.participation.unit.name: a.status for a in Assessment.objects.filter(participation__campaign=campaign)
    }
    assert statuses["UBND Thành phố Bắc Ninh"] == S.APPRAISED
    assert statuses["UBND huyện Lương Tài"] == S.EXPLANATION_REQUESTED
    assert "UBND huyện Gia Bình" not in statuses  # not submitted; given more time
    adjusted = Review.objects.filter(assessment__participation__campaign=campaign, decision="adjusted")
    assert adjusted.count() >= 4 and all(r.reason for r in adjusted)
    request = Assessment.objects.get(participation__unit__name="UBND huyện Lương Tài").explanation_requests.get()
    assert request.questions.count() == 1 and request.answered_at is None


def test_ninh_binh_is_published_as_printed_with_the_seed_decision(demo: None) -> None:
    publication = Publication.objects.get(campaign__name__contains="Ninh Bình năm 2023")
    assert publication.campaign.state == Campaign.State.PUBLISHED
    assert publication.intact
    snapshot = publication.snapshot
    assert snapshot["decision"] == {
        "number": "/QĐ-UBND",
        "date": None,
        "date_text": "/7/2024",
        "signer": "UBND tỉnh Ninh Bình",
    }
    units = snapshot["groups"][0]["units"]
    assert (units[0]["unit"], units[0]["total"], units[0]["rank"]) == ("UBND thành phố Ninh Bình", "605.21", 1)
    assert len(units) == 8
    assert len(snapshot["notes"]) == 3  # the three sums in the printed appendix that do not add up


def test_ninh_binh_has_a_sample_year_before_to_compare_with(demo: None) -> None:
    """The analysis reports and trend pages have a previous year: a sample 2022, consistent sums, all units."""
    from dti.history.selectors import previous_figures

    past = Publication.objects.get(campaign__year=2022, campaign__name__contains="Ninh Bình")
    assert past.campaign.is_sample and past.campaign.state == Campaign.State.PUBLISHED
    assert past.snapshot["notes"] == []  # generated from indicator scores: every sum adds up
    assert len(past.snapshot["groups"][0]["units"]) == 8
    current = Publication.objects.get(campaign__year=2023, campaign__name__contains="Ninh Bình")
    later = {unit["unit"]: unit["items"] for unit in current.snapshot["groups"][0]["units"]}
    for unit in past.snapshot["groups"][0]["units"]:  # each indicator lowered a little, never below zero
        for code, value in unit["items"].items():
            assert Decimal(0) <= Decimal(value or 0) <= Decimal(later[unit["unit"]][code] or 0)
    current = current.campaign
    participation = current.participations.select_related("unit").get(unit__name="UBND huyện Kim Sơn")
    previous = previous_figures(current, participation.unit)
    assert getattr(previous, "year", None) == 2022


def test_loading_twice_changes_nothing(demo: None) -> None:
    counts = (Assessment.objects.count(), Review.objects.count(), Publication.objects.count())
    assert load_demo(io.StringIO()) is False
    assert (Assessment.objects.count(), Review.objects.count(), Publication.objects.count()) == counts
