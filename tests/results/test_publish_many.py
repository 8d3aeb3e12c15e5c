"""The campaign's approval and publication move every unit at once: the same queries for 10 units as for 100."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from dti.assessments.models import Assessment, Transition
from dti.audit.models import AuditEntry
from dti.results.services import approve_campaign, publish_campaign
from tests.results.conftest import DECISION
from tests.test_list_queries import add_units

S = Assessment.Status


@pytest.fixture(autouse=True)
def _sqlite_inserts_in_one_statement(monkeypatch: pytest.MonkeyPatch) -> None:
    """One insert statement per batch on SQLite too (see tests/assessments/test_workflow_many.py)."""
    monkeypatch.setattr(connection.features, "max_query_params", 32766)


def counted_and_undone(run: Callable[[], object]) -> int:
    """How many queries `run` takes; what it wrote is rolled back."""
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        run()
        transaction.set_rollback(True)
    return len(captured)


def test_approving_100_units_runs_the_queries_of_10(appraised: dict[str, Any]) -> None:
    chair = appraised["users"]["chair"]
    counts = []
    for first, count in ((0, 10), (10, 90)):
        add_units(appraised, first, count, S.APPRAISED)
        appraised["campaign"].refresh_from_db()
        counts.append(
            counted_and_undone(lambda: approve_campaign(campaign=appraised["campaign"], by=chair, **DECISION))
        )
    assert counts[0] == counts[1]


def test_publishing_100_units_runs_the_queries_of_10(approved: dict[str, Any]) -> None:
    organiser = approved["users"]["organiser"]
    counts = []
    for first, count in ((0, 10), (10, 90)):
        add_units(approved, first, count, S.APPROVED)
        approved["campaign"].refresh_from_db()
        counts.append(counted_and_undone(lambda: publish_campaign(campaign=approved["campaign"], by=organiser)))
    assert counts[0] == counts[1]


def test_publication_records_each_unit_as_one_move_would(approved: dict[str, Any]) -> None:
    publish_campaign(campaign=approved["campaign"], by=approved["users"]["organiser"])
    for key in ("assessment", "other_assessment"):
        assessment = approved[key]
        transition = Transition.objects.filter(assessment=assessment).last()
        assert transition is not None
        assert (transition.old, transition.new, transition.comment) == (
            S.APPROVED,
            S.PUBLISHED,
            DECISION["decision_number"],
        )
        audit = AuditEntry.objects.get(action="assessment.publish", object_id=str(assessment.pk))
        assert (audit.unit_id, audit.campaign_id, audit.field, audit.old, audit.new) == (
            assessment.participation.unit_id,
            approved["campaign"].pk,
            "status",
            S.APPROVED,
            S.PUBLISHED,
        )


def test_the_publication_says_how_far_it_is(approved: dict[str, Any]) -> None:
    heard: list[tuple[int, int, str]] = []
    publish_campaign(
        campaign=approved["campaign"],
        by=approved["users"]["organiser"],
        progress=lambda done, total, message="": heard.append((done, total, message)),
    )
    assert heard == [(0, 1, "Nhóm huyện")]  # one group, scored for the snapshot
