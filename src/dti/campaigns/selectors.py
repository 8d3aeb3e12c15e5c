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
from dti.core.listing import Filter, ListQuery, Option
from dti.engine import Completion, UnitInputs, completion, name_key, score_unit
from dti.engine import Framework as EngineFramework
from dti.units.selectors import Node, unit_list

NOT_STARTED = "chua-bat-dau"
"""The status filter's value for a unit that has not opened its assessment."""


@dataclass
class UnitRow:
    """One participating unit: its assessment status (`state`: its value, for the filter) and how
    many of its indicators are done."""

    participation: Participation
    status: str
    submitted: bool
    progress: Completion
    state: str = NOT_STARTED


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


@dataclass(frozen=True)
class Overview:
    """The campaign page's groups with the units that match the search and filters (a group chosen
    in the filter: only that one), how many match of all, and how many of all have not submitted."""

    groups: list[GroupRow]
    query: ListQuery
    shown: int
    total: int
    not_submitted: int


def campaign_overview(campaign: Campaign, params: Mapping[str, str]) -> Overview:
    """The groups and units of `campaign`, searched by unit name (`tim`) and filtered by status
    (`trang-thai`, not for imported results) and group (`nhom`, when there are several): three
    queries (groups, units, their entries), whatever their number."""
    groups = _groups(campaign)
    rows = [row for group in groups for row in group.units]
    filters = []
    if not campaign.imported_results:
        statuses = {row.state: row.status for row in rows}
        options = sorted((Option(value, label) for value, label in statuses.items()), key=lambda o: name_key(o.label))
        filters.append(Filter("trang-thai", _("Trạng thái"), tuple(options)))
    if len(groups) > 1:
        filters.append(Filter("nhom", _("Nhóm xếp hạng"), tuple(Option(str(g.group.pk), g.group.name) for g in groups)))
    query = ListQuery.read(params, filters)
    shown = [
        GroupRow(g.group, g.indicators, [row for row in g.units if _keeps(query, row)])
        for g in groups
        if query.chosen("nhom") in ("", str(g.group.pk))  # the other groups' cards are left out
    ]
    return Overview(
        shown,
        query,
        shown=sum(len(g.units) for g in shown),
        total=len(rows),
        not_submitted=sum(1 for row in rows if not row.submitted),
    )


def _keeps(query: ListQuery, row: UnitRow) -> bool:
    values = {"trang-thai": row.state, "nhom": str(row.participation.group_id)}
    return query.keeps(row.participation.unit.name, values)


def _groups(campaign: Campaign) -> list[GroupRow]:
    """Every group with its units."""
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
        state = assessment.status if assessment else NOT_STARTED
        row = UnitRow(participation, str(status), submitted, progress, state)
        by_group.setdefault(participation.group_id, []).append(row)
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
