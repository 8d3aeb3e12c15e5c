"""A change of many units at once queues the warm-up of their groups' stored results (issue 13 §1, §4)."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django_tasks_db.models import DBTaskResult

from dti.appraisal.models import UnitStanding
from dti.appraisal.tasks import WARM_AFTER, warm_standings
from dti.assessments.models import Entry
from dti.assessments.signals import scores_changed
from tests.conftest import World
from tests.test_list_queries import add_units


def fresh(units: list[Any]) -> int:
    """How many of these units' stored figures were computed under their current token."""
    return UnitStanding.objects.filter(assessment__in=units, computed_token=F("token")).count()


def test_a_large_change_is_warmed_by_a_worker(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    units = add_units(world, 1, WARM_AFTER)  # bulk-created: nothing stored yet
    with django_capture_on_commit_callbacks(execute=True):
        scores_changed.send(sender=Entry, assessment_ids=[a.pk for a in units])
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "dti.appraisal.tasks.warm_standings"
    assert queued.args_kwargs["args"] == [sorted(a.pk for a in units)]
    assert fresh(units) == 0  # stale until someone computes them

    assert warm_standings.call([a.pk for a in units]) >= WARM_AFTER  # what the worker does
    assert fresh(units) == WARM_AFTER


def test_a_small_change_is_computed_on_read(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    units = add_units(world, 1, WARM_AFTER - 1)
    with django_capture_on_commit_callbacks(execute=True):
        scores_changed.send(sender=Entry, assessment_ids=[a.pk for a in units])
    assert not DBTaskResult.objects.exists()
