"""Reading a campaign for its page: groups, participating units and their progress, cheaply.

Each unit's progress comes from its assessment, read through the participation's `assessment`
relation (declared by the assessments app, which stands above this one and is not imported):
its status label, `is_submitted`, and its entries scored by the engine, whose `completion`
counts the indicators done exactly as the unit's own page does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from dti.campaigns.models import Campaign, CampaignGroup, Participation, Reopening
from dti.core.listing import Filter, ListQuery, Option
from dti.core.paging import Pages, page_of
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
    """A ranking group with its framework and the units of the page in it (`count`: how many of
    its units match the search and filters, on this page or another)."""

    group: CampaignGroup
    indicators: int
    units: list[UnitRow]
    count: int = 0


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
    """The campaign page's groups with the units of the page that match the search and filters (a
    group chosen in the filter: only that one), how many match of all, how many of all have not
    submitted, and the page links."""

    groups: list[GroupRow]
    query: ListQuery
    shown: int
    total: int
    not_submitted: int
    pages: Pages


@dataclass(frozen=True, slots=True)
class _Line:
    """A participating unit as the search and filters read it (no entry loaded)."""

    pk: int
    name: str
    group: int
    state: str


def _statuses(states: Iterable[str]) -> dict[str, tuple[str, bool]]:
    """Each assessment status's label and whether it counts as submitted, by the assessment's own
    rules (`get_status_display`, `is_submitted`), read through the participation's relation."""
    assessment: Any = Participation.assessment.related.related_model  # not imported: an app above
    found = {}
    for state in states:
        if state != NOT_STARTED:
            example = assessment(status=state)  # the model, built (not saved) to ask it
            found[state] = (str(example.get_status_display()), bool(example.is_submitted))
    return {NOT_STARTED: (str(_("Chưa bắt đầu")), False), **found}


def campaign_overview(campaign: Campaign, params: Mapping[str, str]) -> Overview:
    """The groups and units of `campaign`, searched by unit name (`tim`) and filtered by status
    (`trang-thai`, not for imported results) and group (`nhom`, when there are several), a page of
    units at a time (`trang`): five queries (groups, every unit's name, group and status, the page's
    units, their entries), whatever their number; only the page's units are scored."""
    groups = {g.pk: g for g in campaign.groups.select_related("framework").order_by("order", "name")}
    lines = [
        _Line(pk, name, group, state or NOT_STARTED)
        for pk, name, group, state in Participation.objects.filter(campaign=campaign)
        .order_by("group__order", "group__name", "unit__name")
        .values_list("pk", "unit__name", "group_id", "assessment__status")
    ]
    statuses = _statuses({line.state for line in lines})
    filters = []
    if not campaign.imported_results:
        present = {line.state for line in lines}
        options = sorted(
            (Option(value, label) for value, (label, _s) in statuses.items() if value in present),
            key=lambda o: name_key(o.label),
        )
        filters.append(Filter("trang-thai", _("Trạng thái"), tuple(options)))
    if len(groups) > 1:
        filters.append(Filter("nhom", _("Nhóm xếp hạng"), tuple(Option(str(pk), g.name) for pk, g in groups.items())))
    query = ListQuery.read(params, filters)
    kept = [line for line in lines if query.keeps(line.name, {"trang-thai": line.state, "nhom": str(line.group)})]
    ids, pages = page_of([line.pk for line in kept], params)
    engines = {pk: group.framework.engine() for pk, group in groups.items()}
    by_group: dict[int, list[UnitRow]] = {}
    for participation in _participations(campaign, groups, ids):
        by_group.setdefault(participation.group_id, []).append(_unit_row(participation, engines, statuses))
    counts = Counter(line.group for line in kept)
    shown = [
        GroupRow(
            group,
            sum(1 for i in engines[pk].indicators if not i.reference_only),
            by_group.get(pk, []),
            counts[pk],
        )
        for pk, group in groups.items()
        if query.chosen("nhom") in ("", str(pk))  # the other groups' cards are left out
    ]
    return Overview(
        shown,
        query,
        shown=len(kept),
        total=len(lines),
        not_submitted=sum(1 for line in lines if not statuses[line.state][1]),
        pages=pages,
    )


def _participations(campaign: Campaign, groups: dict[int, CampaignGroup], ids: list[int]) -> list[Participation]:
    """The page's participations, in the order of `ids`, with their unit, assessment and entries (two queries)."""
    found = {
        p.pk: p
        for p in Participation.objects.filter(pk__in=ids)
        .select_related("unit__unit_type", "assessment")
        .prefetch_related("assessment__entries")
    }
    chosen = [found[pk] for pk in ids if pk in found]
    for participation in chosen:
        participation.campaign = campaign  # one object for all rows: no query per unit
        participation.group = groups[participation.group_id]
    return chosen


def _unit_row(
    participation: Participation, engines: dict[int, EngineFramework], statuses: dict[str, tuple[str, bool]]
) -> UnitRow:
    """One unit of the page: its status and its progress, scored by the engine."""
    try:
        assessment = participation.assessment
    except ObjectDoesNotExist:
        assessment = None
    state = assessment.status if assessment else NOT_STARTED
    label, submitted = statuses.get(state) or _statuses([state])[state]
    progress = _progress(participation, assessment, engines[participation.group_id])
    return UnitRow(participation, label, submitted, progress, state)


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
