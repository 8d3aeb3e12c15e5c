"""Appraisal work on many units at once: accept the remaining indicators, assign an appraiser (issue 13 §3).

A batch writes what the same service one unit at a time writes, and is all or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dti.accounts.models import Notification
from dti.appraisal.models import Assignment, Review
from dti.appraisal.services import (
    accept_remaining,
    accept_remaining_many,
    assignment_set,
    assignment_set_many,
)
from dti.assessments.models import Assessment
from dti.assessments.signals import scores_changed
from dti.audit.models import AuditEntry
from dti.campaigns.models import Participation
from dti.core.errors import ServiceError
from tests.conftest import World
from tests.test_list_queries import add_units

S = Assessment.Status


@pytest.fixture(autouse=True)
def _sqlite_inserts_in_one_statement(monkeypatch: pytest.MonkeyPatch) -> None:
    """One insert statement per batch on SQLite too (see tests/assessments/test_workflow_many.py)."""
    monkeypatch.setattr(connection.features, "max_query_params", 32766)


def assigned(world: World, first: int, count: int, status: str = S.SUBMITTED) -> list[Assessment]:
    """`count` units in `status`, each assigned to the appraiser, read with what the services use."""
    made = add_units(world, first, count, status)
    Assignment.objects.bulk_create(
        Assignment(participation=a.participation, appraiser=world["users"]["appraiser"]) for a in made
    )
    return list(
        Assessment.objects.filter(pk__in=[a.pk for a in made])
        .select_related("participation__unit__unit_type", "participation__campaign", "participation__group__framework")
        .order_by("pk")
    )


def audit_of(objects: Sequence[Any], units: Sequence[int]) -> list[tuple[Any, ...]]:
    place = {str(o.pk): n for n, o in enumerate(objects)}
    unit_place = {u: n for n, u in enumerate(units)}
    return sorted(
        (place[e.object_id], unit_place[e.unit_id], e.actor_id, e.action, e.object_type, e.field, e.old, e.new)
        for e in AuditEntry.objects.filter(object_id__in=place, object_type=objects[0]._meta.label_lower)
    )


def verdicts(assessments: Sequence[Assessment]) -> list[tuple[int, str, str, int]]:
    place = {a.pk: n for n, a in enumerate(assessments)}
    return sorted(
        (place[r.assessment_id], r.code, r.decision, r.version)
        for r in Review.objects.filter(assessment__in=assessments)
    )


def test_accepting_many_units_writes_what_one_at_a_time_writes(appraising: World) -> None:
    appraiser = appraising["users"]["appraiser"]
    singly, together = assigned(appraising, 0, 3), assigned(appraising, 3, 3)
    Review.objects.create(assessment=singly[0], code="I.2", decision=Review.Decision.ACCEPTED, by=appraiser)
    Review.objects.create(assessment=together[0], code="I.2", decision=Review.Decision.ACCEPTED, by=appraiser)
    assert [accept_remaining(assessment=a, by=appraiser) for a in singly] == [3, 4, 4]
    assert accept_remaining_many(assessments=together, by=appraiser) == 11
    assert verdicts(singly) == verdicts(together)
    assert audit_of(singly, [a.participation.unit_id for a in singly]) == audit_of(
        together, [a.participation.unit_id for a in together]
    )
    assert set(Assessment.objects.filter(pk__in=[a.pk for a in together]).values_list("status", flat=True)) == {
        S.IN_APPRAISAL
    }


def test_a_unit_out_of_reach_refuses_accepting_the_batch(appraising: World) -> None:
    appraiser = appraising["users"]["appraiser"]
    batch = assigned(appraising, 0, 3)
    Assignment.objects.filter(participation=batch[2].participation).delete()
    with pytest.raises(PermissionDenied):
        accept_remaining_many(assessments=batch, by=appraiser)
    assert not Review.objects.filter(assessment__in=batch).exists()
    assert set(Assessment.objects.filter(pk__in=[a.pk for a in batch]).values_list("status", flat=True)) == {
        S.SUBMITTED
    }


def test_a_unit_in_another_status_refuses_accepting_the_batch(appraising: World) -> None:
    appraiser = appraising["users"]["appraiser"]
    batch = assigned(appraising, 0, 3)
    Assessment.objects.filter(pk=batch[1].pk).update(status=S.APPRAISED)
    batch[1].refresh_from_db()
    with pytest.raises(ServiceError) as refused:
        accept_remaining_many(assessments=batch, by=appraiser)
    assert "UBND huyện Số 001" in refused.value.message
    assert not Review.objects.filter(assessment__in=batch).exists()


def test_accepted_verdicts_are_heard_by_the_stored_results(appraising: World) -> None:
    heard: list[list[int]] = []

    def listen(sender: object, assessment_ids: list[int], **kwargs: object) -> None:
        heard.append(sorted(assessment_ids))

    batch = assigned(appraising, 0, 3, S.IN_APPRAISAL)
    scores_changed.connect(listen)
    try:
        accept_remaining_many(assessments=batch, by=appraising["users"]["appraiser"])
    finally:
        scores_changed.disconnect(listen)
    assert heard == [sorted(a.pk for a in batch)]


def participations(world: World, first: int, count: int) -> list[Participation]:
    """`count` units' participations, read bare (the service reads what it names)."""
    made = add_units(world, first, count, S.SUBMITTED)
    return list(Participation.objects.filter(pk__in=[a.participation_id for a in made]).order_by("pk"))


def test_assigning_many_units_writes_what_one_at_a_time_writes(appraising: World) -> None:
    organiser, appraiser = appraising["users"]["organiser"], appraising["users"]["appraiser"]
    singly, together = participations(appraising, 0, 3), participations(appraising, 3, 3)
    Assignment.objects.create(participation=singly[0], appraiser=appraiser, indices=["I"])
    Assignment.objects.create(participation=together[0], appraiser=appraiser, indices=["I"])
    for p in singly:
        assignment_set(participation=p, appraiser=appraiser, indices=["II"], by=organiser)
    assignment_set_many(participations=together, appraiser=appraiser, indices=["II"], by=organiser)
    for batch in (singly, together):
        assert (
            list(Assignment.objects.filter(participation__in=batch).values_list("indices", flat=True)) == [["II"]] * 3
        )
    made = [Assignment.objects.get(participation=p, appraiser=appraiser) for p in singly]
    made_together = [Assignment.objects.get(participation=p, appraiser=appraiser) for p in together]
    assert audit_of(made, [p.unit_id for p in singly]) == audit_of(made_together, [p.unit_id for p in together])
    assert Notification.objects.filter(user=appraiser).count() == 6


def test_assigning_the_same_scope_again_tells_nobody(appraising: World) -> None:
    organiser, appraiser = appraising["users"]["organiser"], appraising["users"]["appraiser"]
    batch = participations(appraising, 0, 3)
    assignment_set_many(participations=batch, appraiser=appraiser, indices=[], by=organiser)
    assignment_set_many(participations=batch, appraiser=appraiser, indices=[], by=organiser)
    assert Notification.objects.filter(user=appraiser).count() == 3
    assert AuditEntry.objects.filter(action="assignment.set").count() == 6


def test_assigning_100_units_runs_the_queries_of_10(appraising: World) -> None:
    organiser, appraiser = appraising["users"]["organiser"], appraising["users"]["appraiser"]
    few, more = participations(appraising, 0, 10), participations(appraising, 10, 100)
    counts = []
    for batch in (few, more):
        with CaptureQueriesContext(connection) as captured:
            assignment_set_many(participations=batch, appraiser=appraiser, indices=["I"], by=organiser)
        counts.append(len(captured))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    ("persona", "indices", "message"),
    [
        ("appraiser", [], "Chỉ cơ quan tổ chức đánh giá mới được điều hành việc thẩm định."),
        ("organiser", ["IX"], "Chỉ số chính không có trong bộ chỉ số: IX"),
    ],
)
def test_a_refused_assignment_changes_nothing(
    appraising: World, persona: str, indices: list[str], message: str
) -> None:
    batch = participations(appraising, 0, 3)
    with pytest.raises((PermissionDenied, ServiceError)) as refused:
        assignment_set_many(
            participations=batch,
            appraiser=appraising["users"]["appraiser"],
            indices=indices,
            by=appraising["users"][persona],
        )
    assert message in str(getattr(refused.value, "message", refused.value))
    assert not Assignment.objects.filter(participation__in=batch).exists()


def test_only_an_appraiser_can_be_assigned(appraising: World) -> None:
    batch = participations(appraising, 0, 2)
    with pytest.raises(ServiceError, match="không phải thành viên tổ thẩm định"):
        assignment_set_many(
            participations=batch,
            appraiser=appraising["users"]["viewer"],
            indices=[],
            by=appraising["users"]["organiser"],
        )
    assert not Assignment.objects.filter(participation__in=batch).exists()


def test_accepting_100_units_reads_two_queries_per_unit_at_most(appraising: World) -> None:
    """What remains to accept of every unit is read for the whole batch at once (`unreviewed_many`:
    assignments, verdicts and questions in three queries); only the permission checks (the APPRAISE
    rule's scope, then the start of the appraisal's) still read each unit's assignment."""
    appraiser = appraising["users"]["appraiser"]
    few, more = assigned(appraising, 0, 10), assigned(appraising, 10, 100)
    scopes, others = [], []
    for batch in (few, more):
        with CaptureQueriesContext(connection) as captured:
            accept_remaining_many(assessments=batch, by=appraiser)
        reads = [query["sql"] for query in captured.captured_queries if query["sql"].startswith("SELECT")]
        scopes.append(sum(1 for sql in reads if '"appraisal_assignment"."id"' in sql))
        others.append(len(reads) - scopes[-1])
    assert scopes == [2 * 10 + 1, 2 * 100 + 1]
    assert others[1] - others[0] <= 1
