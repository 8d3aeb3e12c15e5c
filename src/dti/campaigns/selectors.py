"""Reading a campaign for its page: groups, participating units and their progress, cheaply.

Each unit's progress comes from its assessment, read through the participation's `assessment`
relation (declared by the assessments app, which stands above this one and is not imported):
its status label, `is_submitted`, and its entries scored by the engine, whose `completion`
counts the indicators done exactly as the unit's own page does.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from dti.campaigns.models import Campaign, CampaignGroup, Participation, Reopening
from dti.core.listing import ListQuery
from dti.engine import Completion, UnitInputs, completion, score_unit
from dti.engine import Framework as EngineFramework
from dti.units.selectors import Node, unit_list


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


@dataclass(frozen=True, slots=True)
class Candidate:
    """One line of the participants page: a unit of the tree, ticked or not.

    `elsewhere`: the group it already takes part in (it cannot be ticked here); a context line
    (a unit above one that matches the search) has no checkbox.
    """

    node: Node
    checked: bool
    elsewhere: str


@dataclass(frozen=True, slots=True)
class ParticipantChoice:
    """The participants page: the lines shown, the search and filters, how many units match of all.

    `kept`: the chosen units the search or filters hide; the form posts them as they are, so
    saving a filtered list never drops a unit nobody saw.
    """

    candidates: list[Candidate]
    kept: list[int]
    query: ListQuery
    shown: int
    total: int


def participant_choice(group: CampaignGroup, params: Mapping[str, str], chosen: Collection[int]) -> ParticipantChoice:
    """The unit tree searched and filtered as on the unit page (`tim`, `tinh`, `loai`, `trang-thai`),
    with the `chosen` units ticked and the units already in another group of the campaign marked:
    three queries (units, unit types, the campaign's other participations), whatever their number."""
    listing = unit_list(params)
    elsewhere = dict(
        Participation.objects.filter(campaign_id=group.campaign_id)
        .exclude(group=group)
        .values_list("unit_id", "group__name")
    )
    candidates = [Candidate(node, node.unit.pk in chosen, elsewhere.get(node.unit.pk, "")) for node in listing.nodes]
    with_box = {c.node.unit.pk for c in candidates if not c.node.context}
    kept = sorted(pk for pk in chosen if pk not in with_box)
    return ParticipantChoice(candidates, kept, listing.query, listing.shown, listing.total)
