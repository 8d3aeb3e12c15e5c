"""Reading a campaign for its page: groups, participating units and their progress, cheaply.

Each unit's progress comes from its assessment, read through the participation's `assessment`
relation (declared by the assessments app, which stands above this one and is not imported):
its status label, `is_submitted`, and its entries scored by the engine, whose `completion`
counts the indicators done exactly as the unit's own page does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from dti.campaigns.models import Campaign, CampaignGroup, Participation, Reopening
from dti.engine import Completion, UnitInputs, completion, score_unit
from dti.engine import Framework as EngineFramework


@dataclass
class UnitRow:
    """One participating unit: its assessment status and how many of its indicators are done."""

    participation: Participation
    status: str
    submitted: bool
    progress: Completion


@dataclass
class GroupRow:
    """A ranking group with its framework and units."""

    group: CampaignGroup
    indicators: int
    units: list[UnitRow]


def _progress(participation: Participation, assessment: Any, engine: EngineFramework) -> Completion:
    """How far the unit's data has got, scored by the engine (nothing entered yet without an assessment)."""
    if assessment is not None:
        inputs = assessment.unit_inputs(list(assessment.entries.all()))
    else:
        unit = participation.unit
        inputs = UnitInputs(unit=unit.name, group=participation.group.name, type=unit.unit_type.code)
    return completion(engine, score_unit(engine, inputs))


def campaign_overview(campaign: Campaign) -> list[GroupRow]:
    """Every group with its units: three queries (groups, units, their entries), whatever their number."""
    participations = (
        Participation.objects.filter(campaign=campaign)
        .select_related("unit__unit_type", "assessment")
        .prefetch_related("assessment__entries")
        .order_by("group__order", "group__name", "unit__name")
    )
    by_group: dict[int, list[UnitRow]] = {}
    groups = {g.pk: g for g in campaign.groups.select_related("framework").order_by("order", "name")}
    engines = {pk: group.framework.engine() for pk, group in groups.items()}
    for participation in participations:
        participation.campaign = campaign  # one object for all rows: no query per unit
        participation.group = groups[participation.group_id]
        try:
            assessment = participation.assessment
        except ObjectDoesNotExist:
            assessment = None
        status = assessment.get_status_display() if assessment else _("Chưa bắt đầu")
        submitted = bool(assessment and assessment.is_submitted)
        progress = _progress(participation, assessment, engines[participation.group_id])
        by_group.setdefault(participation.group_id, []).append(UnitRow(participation, str(status), submitted, progress))
    return [
        GroupRow(group, sum(1 for i in engines[pk].indicators if not i.reference_only), by_group.get(pk, []))
        for pk, group in groups.items()
    ]


def reopenings(campaign: Campaign) -> list[Reopening]:
    """Every reopening in the campaign, newest first."""
    return list(
        Reopening.objects.filter(participation__campaign=campaign)
        .select_related("by", "participation__unit")
        .order_by("-created_at", "-id")
    )
