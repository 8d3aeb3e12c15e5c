"""The shape of a published snapshot (version 1 of the format), as typed dictionaries.

A snapshot is plain JSON, written by `dti.results.services` and stored in
`Publication.snapshot`; the pages read it through `dti.results.selectors` and
`dti.results.public`. Figures are decimal strings at the framework's precision (or null), so
the JSON reads back exactly as published. Keys marked NotRequired may be absent: `imported`
and the unit's own claim (`self_*`) by design, `ties` and an index's `reference` in snapshots
written before they were recorded (readers fall back to competition ranking and "counted").
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import NotRequired, TypedDict

from dti.engine import Framework, RankBasis, RankingPolicy, Ties, UnitResult, display_key, figures, round_half_up

Figure = str | None
"""A published number: a decimal string with a dot ("12.50"), or null when there is none."""


class SnapshotCampaign(TypedDict):
    name: str
    year: int
    organiser: str  # "" when the campaign has no organiser


class SnapshotDecision(TypedDict):
    """The council's decision approving the results."""

    number: str
    date: str | None  # ISO date, or null (then `date_text` may give it as printed)
    date_text: str
    signer: str


class SnapshotIndex(TypedDict):
    """A main index of the framework."""

    code: str
    name: str
    max: Figure
    reference: NotRequired[bool]  # reference only: shown, not counted (absent: counted)


class SnapshotIndicator(TypedDict):
    """An indicator that counts (reference-only ones are left out)."""

    code: str
    name: str
    max: Figure
    index: str  # code of the main index it belongs to ("" for bonus and penalty points)


class SnapshotDerived(TypedDict):
    """A derived figure of the framework (the national DTI, a pillar): indices over their maxima."""

    code: str
    name: str
    indices: list[str]
    decimals: int


class SnapshotFramework(TypedDict):
    """The framework a group was scored with, and how it ranks."""

    code: str
    name: str
    content_hash: str
    precision: int
    basis: str  # RankBasis value: "total" or "percent"
    decimals: int
    ties: NotRequired[str]  # Ties value (absent in older snapshots: competition)
    indices: list[SnapshotIndex]
    indicators: list[SnapshotIndicator]
    derived: NotRequired[list[SnapshotDerived]]  # absent in older snapshots: none


# "class" is a Python keyword, hence the functional form.
SnapshotUnit = TypedDict(
    "SnapshotUnit",
    {
        "unit": str,  # the unit's name
        "type": str | None,  # unit type code
        "rank": int | None,
        "class": str,  # classification ("" when the framework has none)
        "total": Figure,
        "max": Figure,
        "percent": Figure,
        "indices": dict[str, Figure],  # main index code → score
        "index_max": dict[str, Figure],  # main index code → the unit's max for it
        "items": dict[str, Figure],  # indicator code → score (empty for an imported table)
        # The unit's own claim, beside the appraised scores (absent for an imported table):
        "self_total": NotRequired[Figure],
        "self_indices": NotRequired[dict[str, Figure]],
        "self_items": NotRequired[dict[str, Figure]],
        # Derived figures (DTI, pillars) on the 0–1 scale, as computed (absent: none)
        "derived": NotRequired[dict[str, Figure]],
        # What a results file published for the unit, by its column ("rank", "rank:CQS", "DTI",
        # "value:1"…), as decimal strings: facts of that publication, such as ranks of a larger
        # set than the file's (absent: nothing published beside the scores)
        "published": NotRequired[dict[str, str]],
    },
)


class SnapshotGroup(TypedDict):
    """One ranking group: its framework and its units in rank order."""

    name: str
    framework: SnapshotFramework
    units: list[SnapshotUnit]
    excluded: list[str]  # names of the units that did not submit


class Snapshot(TypedDict):
    """A whole published version of a campaign's results."""

    format: int
    imported: NotRequired[str]  # file name, for a results table the province had already issued
    campaign: SnapshotCampaign
    decision: SnapshotDecision
    groups: list[SnapshotGroup]
    notes: list[str]


class Change(TypedDict):
    """One corrected score of an amendment (`Publication.changes`)."""

    unit: str
    code: str
    old: Figure  # as the previous version published it
    new: str


def ranking_policy(framework: SnapshotFramework) -> RankingPolicy:
    """The ranking policy a group's framework recorded (older snapshots without ties: competition)."""
    ties = Ties(framework.get("ties", Ties.COMPETITION.value))
    return RankingPolicy(RankBasis(framework["basis"]), framework["decimals"], ties)


def scale(value: Decimal | None, places: int) -> Figure:
    """A number rounded half-up at `places`, as the snapshot writes it: a decimal string."""
    return None if value is None else format(round_half_up(value, places), "f")


def shown(value: Decimal | None) -> Figure:
    """A figure the engine already rounded (`figures`), as the snapshot writes it."""
    return None if value is None else format(value, "f")


def framework_part(framework: Framework, code: str, content_hash: str) -> SnapshotFramework:
    """The snapshot's record of a framework: its indices, counted indicators and ranking policy."""
    precision = framework.precision
    owner = {i.code: index.code for index in framework.indices for i in index.indicators}
    part: SnapshotFramework = {
        "code": code,
        "name": framework.name,
        "content_hash": content_hash,
        "precision": precision,
        "basis": str(framework.ranking.basis),
        "decimals": framework.ranking.decimals,
        "ties": str(framework.ranking.ties),
        "indices": [
            {"code": i.code, "name": i.name, "max": scale(i.max, precision), "reference": i.reference_only}
            for i in framework.indices
        ],
        "indicators": [
            {"code": i.code, "name": i.name, "max": scale(i.max, precision), "index": owner.get(i.code, "")}
            for i in framework.walk()
            if not i.reference_only
        ],
    }
    if framework.derived:
        part["derived"] = [
            {"code": d.code, "name": d.name, "indices": list(d.indices), "decimals": d.decimals}
            for d in framework.derived
        ]
    return part


def unit_part(
    framework: Framework, result: UnitResult, claimed: UnitResult | None, unit_type: str | None
) -> SnapshotUnit:
    """The snapshot's record of one ranked unit: every figure as `figures` rounds it."""
    own = figures(framework, result)
    part: SnapshotUnit = {
        "unit": result.unit,
        "type": unit_type,
        "rank": result.rank,
        "class": result.classification,
        "total": shown(own.total),
        "max": shown(own.max),
        "percent": shown(own.percent),
        "indices": {c: shown(v) for c, v in own.indices.items()},
        "index_max": {c: shown(v) for c, v in own.index_max.items()},
        "items": {c: shown(v) for c, v in own.items.items()},
    }
    if result.derived:
        part["derived"] = {c: shown(v) for c, v in result.derived.items()}
    if result.published:
        part["published"] = {c: format(v, "f") for c, v in result.published.items()}
    if claimed is not None:
        theirs = figures(framework, claimed)
        part["self_total"] = shown(theirs.total)
        part["self_indices"] = {c: shown(v) for c, v in theirs.indices.items()}
        part["self_items"] = {c: shown(v) for c, v in theirs.items.items()}
    return part


def group_part(
    framework: Framework, results: Sequence[UnitResult], *, name: str, code: str, content_hash: str
) -> SnapshotGroup:
    """One ranking group of ranked results (`rank_results` done), units in display order."""
    return {
        "name": name,
        "framework": framework_part(framework, code, content_hash),
        "units": [
            unit_part(framework, r, None, r.type) for r in sorted(results, key=lambda r: display_key(framework, r))
        ],
        "excluded": [],
    }


def snapshot_of_results(
    framework: Framework,
    results: Sequence[UnitResult],
    *,
    name: str,
    year: int,
    organiser: str = "",
    decision: SnapshotDecision | None = None,
    source: str = "",
) -> Snapshot:
    """A snapshot of ranked results outside the platform (`dti report` on a results file): one
    group per ranking group of the results, in order of first appearance, named by the framework's
    unit type when the results file's group is a unit type's code ("huyen" → "Huyện"), else as
    given; `source` names the file."""
    groups: dict[str, list[UnitResult]] = {}
    for result in results:
        groups.setdefault(result.group, []).append(result)
    snapshot: Snapshot = {
        "format": 1,
        "campaign": {"name": name, "year": year, "organiser": organiser},
        "decision": decision or {"number": "", "date": None, "date_text": "", "signer": ""},
        "groups": [
            group_part(
                framework, members, name=framework.unit_types.get(group, group), code=framework.code, content_hash=""
            )
            for group, members in groups.items()
        ],
        "notes": [],
    }
    if source:
        snapshot["imported"] = source
    return snapshot


class GroupPart(TypedDict):
    """What the public pages need of a whole ranking group to show a page of it or one of its
    units (`PublishedGroup.part`, derived from the snapshot by `dti.results.selectors.index_publication`)."""

    framework: SnapshotFramework
    excluded: list[str]
    size: int  # how many units it ranks
    has_max: bool  # some unit has a maximum total
    has_classes: bool  # some unit is classified
    best: dict[str, dict[str, Figure]]  # "indices" / "items" → code → the group's highest score
    orders: dict[str, list[int]]  # main index code → the units' positions in that index's table order


class GroupHead(TypedDict):
    """A ranking group as the public list and the group chooser show it."""

    name: str
    size: int


class PublishedHead(TypedDict):
    """The small part of a snapshot every public page shows (`PublishedIndex.head`)."""

    campaign: SnapshotCampaign
    decision: SnapshotDecision
    notes: list[str]
    imported: str
    groups: list[GroupHead]  # in the snapshot's order
