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
def warm_standings(group_ids: list[int]) -> int:
    """Compute what is stale in these groups' stored results now; the number of units they hold."""
    groups = CampaignGroup.objects.filter(pk__in=group_ids).select_related("framework").order_by("pk")
    return sum(len(group_standings(group)) for group in groups)


def warm_after_bulk(sender: object, assessment_ids: Collection[int], **kwargs: Any) -> None:
    """`scores_changed` receiver: queue the warm-up of the groups of a large change, after commit."""
    if len(assessment_ids) < WARM_AFTER:
        return
    group_ids = sorted(
        set(Participation.objects.filter(assessment__pk__in=assessment_ids).values_list("group_id", flat=True))
    )
    transaction.on_commit(lambda: warm_standings.enqueue(group_ids))
