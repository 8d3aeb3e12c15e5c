"""The shape of a published snapshot (version 1 of the format), as typed dictionaries.

A snapshot is plain JSON, written by `dti.results.services` and stored in
`Publication.snapshot`; the pages read it through `dti.results.selectors` and
`dti.results.public`. Figures are decimal strings at the framework's precision (or null), so
the JSON reads back exactly as published. Keys marked NotRequired may be absent: `imported`
and the unit's own claim (`self_*`) by design, `ties` and an index's `reference` in snapshots
written before they were recorded (readers fall back to competition ranking and "counted").
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

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
