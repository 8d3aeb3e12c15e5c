"""Campaigns brought to appraised, approved and published through the services (as in tests/appraisal)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from dti.appraisal import services
from dti.campaigns import workflow as campaign_workflow
from dti.results.services import approve_campaign, publish_campaign

DECISION = {"decision_number": "15/QĐ-UBND", "decision_date": datetime.date(2024, 7, 1), "signer": "Chủ tịch"}


def finish(world: dict[str, Any], assessment: Any) -> None:
    """The appraiser accepts what is left and closes the unit's appraisal."""
    appraiser = world["users"]["appraiser"]
    services.accept_remaining(assessment=assessment, by=appraiser)
    services.finish_appraisal(assessment=assessment, by=appraiser)
    assessment.refresh_from_db()


@pytest.fixture
def appraised(appraising: dict[str, Any]) -> dict[str, Any]:
    """Both units appraised and the campaign in appraisal; UBND huyện Một's I.2 adjusted to 12 of 20 communes
    (6 points)."""
    appraiser = appraising["users"]["appraiser"]
    from dti.appraisal.models import Assignment

    Assignment.objects.create(participation=appraising["other_assessment"].participation, appraiser=appraiser)
    services.review_save(
        assessment=appraising["assessment"],
        code="I.2",
        data={"a": "12", "reason": "Chỉ 12 xã có chuyên mục"},
        version=0,
        by=appraiser,
    )
    for key in ("assessment", "other_assessment"):
        appraising[key].refresh_from_db()
        finish(appraising, appraising[key])
    start_campaign_appraisal(appraising)
    return appraising


def start_campaign_appraisal(world: dict[str, Any]) -> None:
    """The organiser stops taking submissions and starts the campaign's appraisal (approval needs it)."""
    organiser = world["users"]["organiser"]
    campaign_workflow.close_submissions(campaign=world["campaign"], by=organiser)
    campaign_workflow.start_appraisal(campaign=world["campaign"], by=organiser)


@pytest.fixture
def approved(appraised: dict[str, Any]) -> dict[str, Any]:
    """The chair approved the results."""
    approve_campaign(campaign=appraised["campaign"], by=appraised["users"]["chair"], **DECISION)
    return appraised


@pytest.fixture
def published(approved: dict[str, Any]) -> dict[str, Any]:
    """The organiser published them (version 1)."""
    approved["publication"] = publish_campaign(campaign=approved["campaign"], by=approved["users"]["organiser"])
    approved["campaign"].refresh_from_db()
    for key in ("assessment", "other_assessment"):
        approved[key].refresh_from_db()
    return approved
