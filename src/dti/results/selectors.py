"""Reading results for the pages: the chair's review of a campaign and the public snapshot views.

The public helpers take a published snapshot (plain JSON, see `dti.results.services`) and
nothing else, so a public page can only ever show what was published.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NotRequired, TypedDict

from django.db.models import QuerySet

from dti.appraisal.models import Review as Verdict
from dti.appraisal.selectors import APPRAISED_STATUSES
from dti.assessments.models import Assessment
from dti.campaigns.models import Campaign
from dti.engine import RankBasis, index_ranks, order_key, percent, round_half_up, shown_decimals
from dti.results.models import Publication
from dti.results.services import IN_PROGRESS, build_snapshot
from dti.results.snapshot import Figure, Snapshot, SnapshotFramework, SnapshotIndex, SnapshotUnit, ranking_policy


def dec(value: str | Decimal | None) -> Decimal | None:
    """A snapshot figure (decimal string or null) as a Decimal."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def percent_places(framework: SnapshotFramework) -> int:
    """The decimals a percentage of this group's figures is shown with, by the engine's rule."""
    return shown_decimals(framework["precision"], ranking_policy(framework), RankBasis.PERCENT)


def exact_share(score: str | Decimal | None, maximum: str | Decimal | None) -> Decimal | None:
    """A published score as a percentage of `maximum` (the engine's `percent`), before rounding."""
    return percent(dec(score), dec(maximum))


def share_percent(score: str | Decimal | None, maximum: str | Decimal | None, places: int) -> Decimal | None:
    """`exact_share` as shown: rounded half-up by the engine at `places` (see `percent_places`)."""
    exact = exact_share(score, maximum)
    return None if exact is None else round_half_up(exact, places)


def unit_slug(name: str) -> str:
    """An ASCII slug of a Vietnamese unit name: "UBND huyện Đông Anh" → "ubnd-huyen-dong-anh"."""
    text = name.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


# ---------------------------------------------------------------- the snapshot as tables


class IndexCell(TypedDict):
    """A unit's score for one main index in the ranking table, with its own claim."""

    code: str
    value: Figure
    self: Figure
    changed: bool  # the appraised score differs from the claim


class Adjustment(TypedDict):
    """An indicator the appraisers adjusted: the unit's claim, the appraised score and the reason given."""

    code: str
    old: Figure  # the claim
    new: Figure  # the appraised score
    reason: str


@dataclass
class Row:
    """One unit in a group's ranking (from a snapshot), with its key for the unit page."""

    key: str
    data: SnapshotUnit
    status: str = ""
    in_progress: bool = False
    adjustments: list[Adjustment] = field(default_factory=list)  # the appraisers' (on the chair's page)
    cells: list[IndexCell] = field(default_factory=list)  # one per main index
    delta: Decimal | None = None  # appraised total − claimed total


class IndexTableRow(TypedDict):
    """One unit in the table of one main index."""

    key: str
    unit: str
    score: Figure
    max: Figure
    percent: Decimal | None
    rank: int | None


@dataclass
class IndexTable:
    """One main index across the units of a group: score, % of the index max, rank within it.

    `relative`: the framework states no maximum for the index, so the percentages are of the
    group's highest score instead (and the page says so).
    """

    code: str
    name: str
    max: Figure
    rows: list[IndexTableRow]
    relative: bool = False


@dataclass
class GroupView:
    """A group of the snapshot ready for a template."""

    name: str
    framework: SnapshotFramework
    by_percent: bool
    indices: list[SnapshotIndex]
    rows: list[Row]
    index_tables: list[IndexTable]
    excluded: list[str]
    percent_places: int  # the decimals its percentages are shown with (`percent_places`)

    @property
    def has_max(self) -> bool:
        """Whether any unit has a maximum total (Ninh Bình's framework states none)."""
        return any(row.data["max"] is not None for row in self.rows)

    @property
    def has_classes(self) -> bool:
        """Whether the framework classifies units (Xuất sắc, Tốt…): a column worth showing."""
        return any(row.data["class"] for row in self.rows)


def unit_keys(snapshot: Snapshot) -> dict[tuple[int, int], str]:
    """Each unit's URL key: its slug, or "g-u" (group and unit numbers) when the slug is not unique."""
    slugs: dict[str, int] = {}
    for group in snapshot["groups"]:
        for unit in group["units"]:
            slug = unit_slug(unit["unit"])
            slugs[slug] = slugs.get(slug, 0) + 1
    keys = {}
    for gi, group in enumerate(snapshot["groups"], start=1):
        for ui, unit in enumerate(group["units"], start=1):
            slug = unit_slug(unit["unit"])
            keys[(gi, ui)] = slug if slug and slugs[slug] == 1 else f"{gi}-{ui}"
    return keys


def main_indices(framework: SnapshotFramework) -> list[SnapshotIndex]:
    """The indices that count (reference-only ones are left out)."""
    return [i for i in framework["indices"] if not i.get("reference", False)]


def group_views(snapshot: Snapshot) -> list[GroupView]:
    """Every group of a snapshot: the ranking rows and one table per index."""
    keys = unit_keys(snapshot)
    views = []
    for gi, group in enumerate(snapshot["groups"], start=1):
        framework = group["framework"]
        indices = main_indices(framework)
        units = group["units"]
        rows = [Row(keys[(gi, ui)], unit) for ui, unit in enumerate(units, start=1)]
        for row in rows:
            own = row.data.get("self_indices") or {}
            scores = row.data["indices"]
            row.cells = [
                {
                    "code": i["code"],
                    "value": scores.get(i["code"]),
                    "self": own.get(i["code"]),
                    "changed": bool(own) and dec(own.get(i["code"])) != dec(scores.get(i["code"])),
                }
                for i in indices
            ]
            total, claimed = dec(row.data["total"]), dec(row.data.get("self_total"))
            row.delta = None if total is None or claimed is None else total - claimed
        policy = ranking_policy(framework)
        places = percent_places(framework)
        tables = []
        for index in indices:
            code = index["code"]
            ranks = index_ranks(
                [dec(u["indices"].get(code)) for u in units], [dec(u["index_max"].get(code)) for u in units], policy
            )
            best = _best(u["indices"].get(code) for u in units)
            table_rows: list[IndexTableRow] = []
            relative = False
            for row, rank in zip(rows, ranks, strict=True):
                score = row.data["indices"].get(code)
                maximum = row.data["index_max"].get(code) or index["max"]
                relative = relative or maximum is None
                table_rows.append(
                    {
                        "key": row.key,
                        "unit": row.data["unit"],
                        "score": score,
                        "max": maximum,
                        "percent": share_percent(score, best if maximum is None else maximum, places),
                        "rank": rank,
                    }
                )
            table_rows.sort(key=lambda r: order_key(r["rank"], dec(r["score"]), r["unit"]))
            tables.append(IndexTable(code, index["name"], index["max"], table_rows, relative))
        views.append(
            GroupView(
                name=group["name"],
                framework=framework,
                by_percent=framework["basis"] == "percent",
                indices=indices,
                rows=rows,
                index_tables=tables,
                excluded=list(group["excluded"]),
                percent_places=places,
            )
        )
    return views


class Share(TypedDict):
    """A unit's score for an index or indicator as a share of its max (or of the group's best)."""

    code: str
    name: str
    score: Figure
    max: Figure
    reference: str | Decimal | None  # the max, or the group's highest score when the max is unknown
    relative: bool  # the reference is the group's highest score
    percent: Decimal | None  # score / reference × 100, as shown (rounded by the engine)
    index: NotRequired[str]  # an indicator's main index


@dataclass
class Scorecard:
    """One unit's published results: its row, group, indices as % of their max, extremes."""

    group: GroupView
    row: Row
    indices: list[Share]
    strongest: list[Share]
    weakest: list[Share]
    by_indicator: bool
    relative: bool = False  # some maxima unknown: compared with the group's highest score instead

    @property
    def index_basis(self) -> str:
        """What the indices' percentages are of: "max" (each index's maximum), "best" (the
        group's highest score: the framework states no maximum) or "mixed"."""
        kinds = {share["relative"] for share in self.indices if share["percent"] is not None}
        return "mixed" if len(kinds) > 1 else "best" if kinds == {True} else "max"

    @property
    def has_index_max(self) -> bool:
        """Whether the framework states a maximum for any main index (a column worth showing)."""
        return any(share["max"] is not None for share in self.indices)


def find_unit(snapshot: Snapshot, key: str) -> Scorecard | None:
    """The scorecard of the unit with this URL key (slug, or "g-u"), or None."""
    for group in group_views(snapshot):
        for row in group.rows:
            if row.key == key:
                return scorecard(group, row)
    return None


def _best(scores: Iterable[Figure]) -> Decimal | None:
    """The highest of the group's published scores for one code (the reference when its max is unknown)."""
    values = [v for v in map(dec, scores) if v is not None]
    return max(values) if values else None


def scorecard(group: GroupView, row: Row, extremes: int = 3) -> Scorecard:
    """Indices as % of their max and the strongest and weakest items (indicators, or indices).

    Where the framework states no maximum (a source that does not give one), a score is
    compared with the highest score in the group for the same index or indicator, and the
    page says so.
    """
    data = row.data
    places = group.percent_places
    relative = False
    indices: list[Share] = []
    for i in group.indices:
        code = i["code"]
        score = data["indices"].get(code)
        maximum = data["index_max"].get(code) or i["max"]
        reference = maximum if maximum is not None else _best(r.data["indices"].get(code) for r in group.rows)
        relative = relative or (maximum is None and reference is not None)
        indices.append(
            {
                "code": code,
                "name": i["name"],
                "score": score,
                "max": maximum,
                "reference": reference,
                "percent": share_percent(score, reference, places),
                "relative": maximum is None,
            }
        )
    items = data["items"]
    candidates: list[tuple[Decimal, Share]] = []  # (exact percent, share): the extremes are sorted by it
    by_indicator = bool(items)
    if by_indicator:
        for indicator in group.framework["indicators"]:
            code = indicator["code"]
            maximum = indicator["max"]
            reference = maximum if maximum is not None else _best(r.data["items"].get(code) for r in group.rows)
            exact = exact_share(items.get(code), reference)
            if code in items and exact is not None:
                relative = relative or maximum is None
                rounded = round_half_up(exact, places)
                share: Share = {
                    **indicator,
                    "score": items[code],
                    "reference": reference,
                    "percent": rounded,
                    "relative": maximum is None,
                }
                candidates.append((exact, share))
    else:
        candidates = [(exact, i) for i in indices if (exact := exact_share(i["score"], i["reference"])) is not None]
    shown = max(1, min(extremes, len(candidates) // 2))  # strongest and weakest never overlap
    strongest = [c for _p, c in sorted(candidates, key=lambda c: (-c[0], c[1]["code"]))[:shown]]
    weakest = (
        [c for _p, c in sorted(candidates, key=lambda c: (c[0], c[1]["code"]))[:shown]] if len(candidates) > 1 else []
    )
    return Scorecard(group, row, indices, strongest, weakest, by_indicator, relative)


# ---------------------------------------------------------------- publications


def latest_publications() -> list[Publication]:
    """The newest version of each published campaign, newest campaigns first."""
    latest: dict[int, Publication] = {}
    for publication in Publication.objects.select_related("campaign").order_by("campaign_id", "-version"):
        latest.setdefault(publication.campaign_id, publication)
    return sorted(latest.values(), key=lambda p: (-p.snapshot["campaign"]["year"], p.snapshot["campaign"]["name"]))


def versions(campaign_pk: int) -> QuerySet[Publication]:
    """Every published version of a campaign, newest first (empty: never published)."""
    return Publication.objects.filter(campaign_id=campaign_pk).select_related("by").order_by("-version")


# ---------------------------------------------------------------- the chair's review


@dataclass
class Review:
    """What the chair sees before approving: rankings, adjustments, who blocks the approval.

    For a campaign whose results were imported from a published table, the ranking is that table's
    (the publication) and no unit is in progress or missing: none entered data here.
    """

    snapshot: Snapshot
    groups: list[GroupView]
    in_progress: list[tuple[str, str]]  # (unit, status label)
    not_submitted: list[tuple[str, str]]


def _verdicts_changing_claims(campaign: Campaign) -> dict[str, list[Verdict]]:
    """By unit name, the appraisers' verdicts that change what a submitted unit claimed (one query)."""
    verdicts = Verdict.objects.filter(
        assessment__participation__campaign=campaign, assessment__status__in=APPRAISED_STATUSES
    ).select_related("assessment__participation__unit")
    by_unit: dict[str, list[Verdict]] = {}
    for verdict in verdicts:
        if verdict.changes:
            by_unit.setdefault(verdict.assessment.participation.unit.name, []).append(verdict)
    return by_unit


def _adjustments(group: GroupView, data: SnapshotUnit, verdicts: Iterable[Verdict]) -> list[Adjustment]:
    """The unit's adjusted indicators in the framework's order: claimed and appraised score, and why."""
    order = {indicator["code"]: position for position, indicator in enumerate(group.framework["indicators"])}
    own = data.get("self_items") or {}
    return [
        {"code": v.code, "old": own.get(v.code), "new": data["items"].get(v.code), "reason": v.reason}
        for v in sorted(verdicts, key=lambda v: (order.get(v.code, len(order)), v.code))
    ]


def campaign_review(campaign: Campaign) -> Review:
    """Every submitted unit ranked on its appraised scores, with its claim and the appraisers' adjustments."""
    published = versions(campaign.pk).first() if campaign.imported_results else None
    if published is not None:
        return Review(published.snapshot, group_views(published.snapshot), [], [])
    snapshot = build_snapshot(campaign, APPRAISED_STATUSES)
    assessments = Assessment.objects.filter(participation__campaign=campaign).select_related("participation__unit")
    status = {str(a.participation.unit): a for a in assessments}
    verdicts = _verdicts_changing_claims(campaign)
    groups = group_views(snapshot)
    for group in groups:
        for row in group.rows:
            assessment = status.get(row.data["unit"])
            if assessment is not None:
                row.status = assessment.get_status_display()
                row.in_progress = assessment.status in IN_PROGRESS
            row.adjustments = _adjustments(group, row.data, verdicts.get(row.data["unit"], []))
    in_progress = sorted(
        (str(a.participation.unit), a.get_status_display()) for a in assessments if a.status in IN_PROGRESS
    )
    submitted = set(APPRAISED_STATUSES)
    not_submitted = sorted(
        (str(a.participation.unit), a.get_status_display()) for a in assessments if a.status not in submitted
    )
    units_with_assessment = set(status)
    for campaign_group in campaign.groups.prefetch_related("participations__unit"):
        for participation in campaign_group.participations.all():
            if str(participation.unit) not in units_with_assessment:
                not_submitted.append((str(participation.unit), ""))
    return Review(snapshot, groups, in_progress, sorted(not_submitted))
