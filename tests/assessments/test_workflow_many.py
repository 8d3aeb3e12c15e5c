"""Moves of many assessments at once (`workflow.move_many` and its callers, issue 13 §3).

A batch writes exactly what the same moves one at a time write (Transitions, audit entries),
runs the same queries for 10 units as for 100, and is all or nothing: one unit in the wrong
status, or out of the person's reach, refuses the batch with a message naming it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dti.appraisal.models import Question, Review
from dti.appraisal.services import finish_appraisal, finish_appraisal_many
from dti.assessments import workflow
from dti.assessments.models import Assessment, Transition
from dti.assessments.signals import scores_changed
from dti.audit.models import AuditEntry
from dti.core.errors import ServiceError
from tests.conftest import World
from tests.test_list_queries import CODES, add_units

S = Assessment.Status

# move → (status the units start in, who moves them, one at a time, many at once)
One = Callable[..., Any]
MOVES: dict[str, tuple[str, str, One, One]] = {
    "start_appraisal": (S.SUBMITTED, "organiser", workflow.start_appraisal, workflow.start_appraisal_many),
    "finish_appraisal": (S.IN_APPRAISAL, "organiser", finish_appraisal, finish_appraisal_many),
    "approve": (S.APPRAISED, "chair", workflow.approve, workflow.approve_many),
    "publish": (S.APPROVED, "organiser", workflow.publish, workflow.publish_many),
}


@pytest.fixture(autouse=True)
def _sqlite_inserts_in_one_statement(monkeypatch: pytest.MonkeyPatch) -> None:
    """Django splits an SQLite insert at 999 parameters (SQLite's old limit; 32,766 since 3.32):
    a batch of 100 audit entries would be two statements on SQLite and one on PostgreSQL."""
    monkeypatch.setattr(connection.features, "max_query_params", 32766)


def units(world: World, first: int, count: int, status: str) -> list[Assessment]:
    """`count` units in `status`, every indicator accepted (so that appraisal can be finished), read as a
    page listing them reads them."""
    made = add_units(world, first, count, status)
    Review.objects.bulk_create(
        Review(assessment=a, code=c, decision=Review.Decision.ACCEPTED, version=1) for a in made for c in CODES
    )
    return list(
        Assessment.objects.filter(pk__in=[a.pk for a in made])
        .select_related("participation__unit", "participation__campaign")
        .order_by("pk")
    )


def written(assessments: Sequence[Assessment]) -> list[tuple[Any, ...]]:
    """The Transitions and audit entries written about these assessments, by their place in the list."""
    place = {a.pk: n for n, a in enumerate(assessments)}
    units = {a.participation.unit_id: n for n, a in enumerate(assessments)}
    transitions = [
        ("transition", place[t.assessment_id], t.old, t.new, t.by_id, t.comment)
        for t in Transition.objects.filter(assessment__in=assessments)
    ]
    audit = [
        (
            "audit",
            place[int(e.object_id)],
            units[e.unit_id],
            e.actor_id,
            e.action,
            e.object_type,
            e.campaign_id,
            e.code,
            e.field,
            e.old,
            e.new,
            e.comment,
        )
        for e in AuditEntry.objects.filter(object_type="assessments.assessment", object_id__in=[str(p) for p in place])
    ]
    return sorted(transitions) + sorted(audit)


@pytest.mark.parametrize("name", list(MOVES))
def test_a_batch_writes_what_one_move_at_a_time_writes(appraising: World, name: str) -> None:
    status, persona, one, many = MOVES[name]
    by = appraising["users"][persona]
    singly, together = units(appraising, 0, 3, status), units(appraising, 3, 3, status)
    for assessment in singly:
        one(assessment=assessment, by=by)
    many(assessments=together, by=by)
    target = workflow.MOVES[name][1]
    assert written(singly) == written(together)
    assert {a.status for a in together} == {target}
    assert set(Assessment.objects.filter(pk__in=[a.pk for a in together]).values_list("status", flat=True)) == {target}


def count_queries(run: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


@pytest.mark.parametrize("name", ["start_appraisal", "approve", "publish"])
def test_a_batch_of_100_runs_the_queries_of_a_batch_of_10(appraising: World, name: str) -> None:
    status, persona, _one, many = MOVES[name]
    by = appraising["users"][persona]
    few, more = units(appraising, 0, 10, status), units(appraising, 10, 100, status)
    assert count_queries(lambda: many(assessments=few, by=by)) == count_queries(lambda: many(assessments=more, by=by))


def test_finishing_100_units_runs_the_queries_of_10(appraising: World) -> None:
    """Whether each unit may be closed (`appraisal.selectors.unfinished`) is read for the whole batch
    at once, its drafted questions counted in one query (`draft_counts`)."""
    by = appraising["users"]["organiser"]
    few, more = units(appraising, 0, 10, S.IN_APPRAISAL), units(appraising, 10, 100, S.IN_APPRAISAL)
    queries = [
        count_queries(lambda batch=batch: finish_appraisal_many(assessments=batch, by=by)) for batch in (few, more)
    ]
    assert queries[0] == queries[1]


def unchanged(assessments: Sequence[Assessment]) -> Iterator[tuple[str, int, int]]:
    for assessment in Assessment.objects.filter(pk__in=[a.pk for a in assessments]).order_by("pk"):
        yield (
            assessment.status,
            Transition.objects.filter(assessment=assessment).count(),
            AuditEntry.objects.filter(object_id=str(assessment.pk), action__startswith="assessment.").count(),
        )


@pytest.mark.parametrize("name", list(MOVES))
def test_one_unit_in_another_status_refuses_the_whole_batch(appraising: World, name: str) -> None:
    status, persona, _one, many = MOVES[name]
    batch = units(appraising, 0, 5, status)
    Assessment.objects.filter(pk=batch[3].pk).update(status=S.RETURNED)
    before = list(unchanged(batch))
    with pytest.raises(ServiceError) as refused:
        many(assessments=batch, by=appraising["users"][persona])
    assert "UBND huyện Số 003" in refused.value.message
    assert "Trả lại" in refused.value.message or "trả lại" in refused.value.message
    assert list(unchanged(batch)) == before


def test_a_unit_out_of_the_appraisers_reach_refuses_the_whole_batch(appraising: World) -> None:
    from dti.appraisal.models import Assignment

    appraiser = appraising["users"]["appraiser"]
    batch = units(appraising, 0, 3, S.SUBMITTED)
    Assignment.objects.bulk_create(Assignment(participation=a.participation, appraiser=appraiser) for a in batch[:2])
    before = list(unchanged(batch))
    with pytest.raises(PermissionDenied) as refused:
        workflow.start_appraisal_many(assessments=batch, by=appraiser)
    assert str(refused.value).startswith("UBND huyện Số 002: Bạn không được phân công thẩm định")
    assert list(unchanged(batch)) == before


def test_an_unfinished_unit_refuses_the_whole_batch(appraising: World) -> None:
    batch = units(appraising, 0, 3, S.IN_APPRAISAL)
    Review.objects.filter(assessment=batch[1], code="II.2").delete()
    before = list(unchanged(batch))
    with pytest.raises(ServiceError) as refused:
        finish_appraisal_many(assessments=batch, by=appraising["users"]["organiser"])
    assert refused.value.message == (
        "Chưa thể kết thúc thẩm định UBND huyện Số 001: 1 chỉ số chưa được thẩm định (II.2)"
    )
    assert list(unchanged(batch)) == before


def test_a_campaign_not_being_appraised_refuses_starting_the_batch(appraising: World) -> None:
    from dti.campaigns.models import Campaign

    batch = units(appraising, 0, 3, S.SUBMITTED)
    Campaign.objects.filter(pk=appraising["campaign"].pk).update(state=Campaign.State.APPROVED)
    with pytest.raises(ServiceError, match="không thẩm định được"):
        workflow.start_appraisal_many(assessments=batch, by=appraising["users"]["organiser"])
    assert not Transition.objects.filter(assessment__in=batch).exists()


def test_the_stored_results_hear_a_change_of_the_scored_set(appraising: World) -> None:
    heard: list[list[int]] = []

    def listen(sender: object, assessment_ids: list[int], **kwargs: object) -> None:
        heard.append(sorted(assessment_ids))

    scores_changed.connect(listen)
    try:
        batch = units(appraising, 0, 3, S.SUBMITTED)
        workflow.start_appraisal_many(assessments=batch, by=appraising["users"]["organiser"])
        assert heard == []  # still scored: nothing to hear
        workflow.move_many(batch, "return_to_unit", by=appraising["users"]["organiser"], comment="Thiếu số liệu")
        assert heard == [sorted(a.pk for a in batch)]
    finally:
        scores_changed.disconnect(listen)


def test_an_empty_batch_does_nothing(appraising: World) -> None:
    assert count_queries(lambda: workflow.approve_many(assessments=[], by=appraising["users"]["chair"])) == 0


def test_a_unit_with_a_drafted_question_refuses_finishing_the_batch(appraising: World) -> None:
    """A question drafted but not sent to the unit (counted for the batch at once) keeps the unit open."""
    batch = units(appraising, 0, 3, S.IN_APPRAISAL)
    Question.objects.create(assessment=batch[1], code=CODES[0], text="Đề nghị giải trình số liệu.")
    with pytest.raises(ServiceError) as refused:
        finish_appraisal_many(assessments=batch, by=appraising["users"]["organiser"])
    assert str(batch[1].participation.unit) in refused.value.message
    assert "còn 1 câu hỏi giải trình chưa gửi đơn vị" in refused.value.message
    assert set(Assessment.objects.filter(pk__in=[a.pk for a in batch]).values_list("status", flat=True)) == {
        S.IN_APPRAISAL
    }
