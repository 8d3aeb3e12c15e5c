"""The chair's page at campaign scale: one ranking group at a time, a page of its units (issue 13 §2).

Every unit's figures come from the stored results (`dti.appraisal.standing.group_standings`,
ranked by the engine on reading), so a request reads the group's rows instead of scoring the
campaign. Only the units on the page that the appraisers adjusted are scored again, for the
indicator scores their adjustments show. A fixed number of queries whatever the number of units.

A campaign whose results were imported from a published table shows that table (its snapshot)
the same way, a group and a page at a time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from django.db.models import Count, Prefetch

from dti.appraisal.models import Review as Verdict
from dti.appraisal.standing import (
    APPRAISED_STATUSES,
    StoredScores,
    appraised_inputs,
    claimed_inputs,
    group_bounds,
    group_standings,
)
from dti.assessments.models import Assessment
from dti.campaigns.models import Campaign, CampaignGroup, Participation
from dti.core.paging import Pages, page_of
from dti.engine import UnitResult, display_key, name_key, score_unit
from dti.results.selectors import Adjustment, GroupView, group_views, versions
from dti.results.services import IN_PROGRESS
from dti.results.snapshot import Snapshot, SnapshotGroup, SnapshotUnit, framework_part, unit_part

GROUP = "nhom"
"""The query parameter of the group shown (its number, from 1)."""
SEARCH = "q"
"""The query parameter of the search in unit names."""
LISTED = 50
"""How many units the lists of units not ready are shown with (the count says how many there are)."""


@dataclass(frozen=True)
class GroupLink:
    """A ranking group in the chooser: its number, name and how many units it ranks."""

    number: int
    name: str
    count: int


@dataclass
class ChairReview:
    """What the chair sees: the groups, one group's page of units, who blocks the approval."""

    groups: list[GroupLink]
    number: int  # the group shown (from 1; 0: the campaign has no group)
    group: GroupView | None
    pages: Pages | None
    query: str
    in_progress: list[tuple[str, str]]  # (unit, status label), the first LISTED
    in_progress_count: int
    not_submitted: list[tuple[str, str]]
    not_submitted_count: int


def _number(params: Mapping[str, str], count: int) -> int:
    try:
        number = int(params.get(GROUP, "1"))
    except ValueError:
        number = 1
    return min(max(number, 1), count) if count else 0


def _matches(name: str, query: str) -> bool:
    return not query or query.casefold() in name.casefold()


def chair_review(campaign: Campaign, params: Mapping[str, str]) -> ChairReview:
    """The chair's view of the campaign for the page's parameters (group, search, page)."""
    query = params.get(SEARCH, "").strip()
    published = versions(campaign.pk).first() if campaign.imported_results else None
    if published is not None:
        views = group_views(published.snapshot)
        links = [GroupLink(n, g.name, len(g.rows)) for n, g in enumerate(views, start=1)]
        number = _number(params, len(views))
        shown = views[number - 1] if number else None
        pages = None
        if shown is not None:
            shown.rows, pages = page_of([r for r in shown.rows if _matches(r.data["unit"], query)], params)
        return ChairReview(links, number, shown, pages, query, [], 0, [], 0)
    groups = list(campaign.groups.select_related("framework").order_by("order", "name"))
    number = _number(params, len(groups))
    statuses = list(
        Assessment.objects.filter(participation__campaign=campaign).values_list(
            "pk", "participation__unit__name", "status"
        )
    )
    label = dict(Assessment.Status.choices)
    in_progress = sorted(((name, str(label[s])) for _pk, name, s in statuses if s in IN_PROGRESS), key=_by_name)
    not_submitted = [(name, str(label[s])) for _pk, name, s in statuses if s not in APPRAISED_STATUSES]
    not_submitted += [
        (name, "")
        for name in Participation.objects.filter(campaign=campaign, assessment__isnull=True).values_list(
            "unit__name", flat=True
        )
    ]
    not_submitted.sort(key=_by_name)
    counts = _counts(campaign)
    links = [GroupLink(n, g.name, counts.get(g.pk, 0)) for n, g in enumerate(groups, start=1)]
    shown, pages = None, None
    if number:
        status_of = {pk: s for pk, _name, s in statuses}
        shown, pages = _group_page(groups[number - 1], status_of, params, query)
    return ChairReview(
        links,
        number,
        shown,
        pages,
        query,
        in_progress[:LISTED],
        len(in_progress),
        not_submitted[:LISTED],
        len(not_submitted),
    )


def _by_name(row: tuple[str, str]) -> tuple[object, ...]:
    return (name_key(row[0]), row[1])


def _counts(campaign: Campaign) -> dict[int, int]:
    """How many submitted units each group of the campaign ranks (one query)."""
    rows = (
        Assessment.objects.filter(participation__campaign=campaign, status__in=APPRAISED_STATUSES)
        .values("participation__group")
        .annotate(n=Count("pk"))
        .values_list("participation__group", "n")
    )
    return dict(rows)


def _group_page(
    group: CampaignGroup, status_of: Mapping[int, str], params: Mapping[str, str], query: str
) -> tuple[GroupView, Pages]:
    """One group's page of ranked units, from the stored results, with each unit's status and the
    appraisers' adjustments."""
    framework = group.framework.engine()
    standings = sorted(group_standings(group), key=lambda s: display_key(framework, s.appraised))
    rows, pages = page_of([s for s in standings if _matches(s.unit, query)], params)
    verdicts = _changing_verdicts(rows)
    detailed = _scored(group, [s for s in rows if s.assessment_id in verdicts])
    units: list[SnapshotUnit] = []
    for scores in rows:
        appraised, claimed = detailed.get(scores.assessment_id, (scores.appraised, scores.claimed))
        appraised.rank, claimed.rank = scores.appraised.rank, scores.claimed.rank
        appraised.classification = scores.appraised.classification
        units.append(unit_part(framework, appraised, claimed, scores.appraised.type))
    part: SnapshotGroup = {
        "name": group.name,
        "framework": framework_part(framework, group.framework.code, group.framework.content_hash),
        "units": units,
        "excluded": [],
    }
    (view,) = group_views(cast(Snapshot, {"groups": [part]}))  # only its groups are read
    label = dict(Assessment.Status.choices)
    for scores, row in zip(rows, view.rows, strict=True):
        status = status_of.get(scores.assessment_id, "")
        row.status = str(label.get(status, ""))
        row.in_progress = status in IN_PROGRESS
        row.adjustments = _adjustments(view, row.data, verdicts.get(scores.assessment_id, []))
    return view, pages


def _changing_verdicts(rows: Sequence[StoredScores]) -> dict[int, list[Verdict]]:
    """By assessment, the verdicts that change what the page's units claimed (one query)."""
    ids = [s.assessment_id for s in rows if s.adjusted]
    by_unit: dict[int, list[Verdict]] = {}
    for verdict in Verdict.objects.filter(assessment_id__in=ids):
        if verdict.changes:
            by_unit.setdefault(verdict.assessment_id, []).append(verdict)
    return by_unit


def _scored(group: CampaignGroup, rows: Sequence[StoredScores]) -> dict[int, tuple[UnitResult, UnitResult]]:
    """The claim and appraised result, with indicator scores, of these units (scored by the engine
    with the group's stored bounds: their stored figures keep no indicator scores)."""
    if not rows:
        return {}
    framework = group.framework.engine()
    bounds = group_bounds(group)
    assessments = (
        Assessment.objects.filter(pk__in=[s.assessment_id for s in rows])
        .select_related("participation__unit__unit_type")
        .prefetch_related(Prefetch("entries"), Prefetch("reviews"))
    )
    scored: dict[int, tuple[UnitResult, UnitResult]] = {}
    for assessment in assessments:
        assessment.participation.group = group
        entries, reviews = list(assessment.entries.all()), list(assessment.reviews.all())
        scored[assessment.pk] = (
            score_unit(framework, appraised_inputs(assessment, entries, reviews), relative=bounds.appraised),
            score_unit(framework, claimed_inputs(assessment, entries), relative=bounds.claimed),
        )
    return scored


def _adjustments(group: GroupView, data: SnapshotUnit, verdicts: Sequence[Verdict]) -> list[Adjustment]:
    """The unit's adjusted indicators in the framework's order: claimed and appraised score, and why."""
    order = {indicator["code"]: position for position, indicator in enumerate(group.framework["indicators"])}
    own = data.get("self_items") or {}
    return [
        {"code": v.code, "old": own.get(v.code), "new": data["items"].get(v.code), "reason": v.reason}
        for v in sorted(verdicts, key=lambda v: (order.get(v.code, len(order)), v.code))
    ]
