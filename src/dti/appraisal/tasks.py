"""Warming the stored results after a change of many units at once (issue 13 §1, §4).

Stored figures are computed on read when stale (`standing.group_standings`), which is always
right but makes the first campaign page after a bulk change (a bulk import, a batch of verdicts,
a batch of moves) pay for scoring every changed unit: seconds at national size. So a change of
at least `WARM_AFTER` units queues this task once it commits, and a worker computes them first.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import transaction
from django_tasks import task

from dti.appraisal.standing import group_standings
from dti.campaigns.models import CampaignGroup, Participation

WARM_AFTER = 50
"""A change of this many units or more is warmed in the background; fewer are cheap to compute on read."""


@task()
def warm_standings(assessment_ids: list[int]) -> int:
    """Compute what is stale in the stored results of these units' groups now; the number of units
    those groups hold."""
    group_ids = Participation.objects.filter(assessment__pk__in=assessment_ids).values("group_id")
    groups = CampaignGroup.objects.filter(pk__in=group_ids).select_related("framework").order_by("pk")
    return sum(len(group_standings(group)) for group in groups)


def warm_after_bulk(sender: object, assessment_ids: Collection[int], **kwargs: Any) -> None:
    """`scores_changed` receiver: queue the warm-up of a large change, after commit (no query here:
    the writer's batch stays the same queries whatever its size)."""
    if len(assessment_ids) < WARM_AFTER:
        return
    ids = sorted(assessment_ids)
    transaction.on_commit(lambda: warm_standings.enqueue(ids))
