"""The framework model: what a loaded Bộ chỉ số is. Immutable; built only by the loader."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dti.engine.methods import Scoring


class Level(StrEnum):
    """The administrative level a framework assesses."""

    SO = "so"
    HUYEN = "huyen"
    XA = "xa"
    TINH = "tinh"
    BO = "bo"


class RankBasis(StrEnum):
    """What units are ranked by: total points, or percent of the applicable max."""

    TOTAL = "total"
    PERCENT = "percent"


class Ties(StrEnum):
    """How equal displayed values share ranks: competition 1,2,2,4; dense 1,2,2,3."""

    COMPETITION = "competition"
    DENSE = "dense"


class InputType(StrEnum):
    """The kind of value a unit enters for an input or a general-info field."""

    NUMBER = "number"
    COUNT = "count"
    PERCENT = "percent"
    YES_NO = "yes_no"
    CHOICE = "choice"
    TEXT = "text"


class ItemKind(StrEnum):
    """A scored item inside an index, or a bonus/penalty item outside the indices."""

    INDICATOR = "indicator"
    BONUS = "bonus"
    PENALTY = "penalty"


@dataclass(frozen=True, slots=True)
class Decision:
    """The decision that issued the framework (Quyết định ban hành)."""

    number: str
    date: datetime.date | None
    issuer: str


@dataclass(frozen=True, slots=True)
class RankingPolicy:
    """Basis, displayed decimals and tie rule of the ranking."""

    basis: RankBasis = RankBasis.TOTAL
    decimals: int = 2
    ties: Ties = Ties.COMPETITION


@dataclass(frozen=True, slots=True)
class Band:
    """One classification band: a unit reaching `min` (and no higher band) gets `name`."""

    name: str
    min: Decimal


@dataclass(frozen=True, slots=True)
class Classification:
    """Xếp loại bands, highest first, on total points or on percent."""

    basis: RankBasis
    bands: tuple[Band, ...]


@dataclass(frozen=True, slots=True)
class Field:
    """A general-info field or an indicator's input: something a unit enters."""

    name: str
    label: str
    type: InputType
    unit: str = ""
    options: dict[str, str] = field(default_factory=dict)
    source: str | None = None  # general-info code the value is taken from
    required: bool = True
    number: str = ""


@dataclass(frozen=True, slots=True)
class Evidence:
    """What proves an indicator (Tài liệu kiểm chứng) and whether it is mandatory."""

    required: bool
    description: str


@dataclass(frozen=True, slots=True)
class Indicator:
    """A scored item: an indicator (CSTP) in an index, or a bonus/penalty item."""

    code: str
    name: str
    max: Decimal | None
    scoring: Scoring
    inputs: tuple[Field, ...] = ()
    index: str = ""
    group: str = ""
    kind: ItemKind = ItemKind.INDICATOR
    applies_to: frozenset[str] | None = None
    allow_na: bool = True
    self_score: bool = True
    evidence: Evidence | None = None

    @property
    def reference_only(self) -> bool:
        """Collected, not scored (method `reference`)."""
        return self.scoring.method == "reference"

    def applies(self, unit_type: str | None) -> bool:
        """Whether the indicator applies to a unit of this type (unknown type: yes)."""
        return self.applies_to is None or unit_type is None or unit_type in self.applies_to

    def input(self, name: str) -> Field | None:
        """The declared input called `name`, if any."""
        return next((declared for declared in self.inputs if declared.name == name), None)


@dataclass(frozen=True, slots=True)
class Group:
    """An optional level between index and indicators (Hà Nam VI.1 … VI.6)."""

    code: str
    name: str
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True, slots=True)
class Index:
    """A main index (Chỉ số chính) with its groups and indicators."""

    code: str
    name: str
    max: Decimal | None
    reference_only: bool = False
    groups: tuple[Group, ...] = ()
    direct: tuple[Indicator, ...] = ()  # indicators directly under the index
    indicators: tuple[Indicator, ...] = ()  # every indicator, direct or in a group, in code order

    @property
    def scored_directly(self) -> bool:
        """An index without indicators: its score is given as a whole."""
        return not self.direct and not self.groups


@dataclass(frozen=True, slots=True)
class Derived:
    """A derived 0–1 figure: the listed indices' points over their applicable maxima."""

    code: str
    name: str
    indices: tuple[str, ...]
    decimals: int = 4


@dataclass(frozen=True, slots=True, eq=False)
class Framework:
    """A whole Bộ chỉ số as loaded from its file."""

    code: str
    name: str
    level: Level
    year: int
    decision: Decision | None = None
    precision: int = 2
    declared_max: Decimal | None = None
    ranking: RankingPolicy = RankingPolicy()
    classification: Classification | None = None
    unit_types: dict[str, str] = field(default_factory=dict)
    general_info: tuple[Field, ...] = ()
    indices: tuple[Index, ...] = ()
    adjustments: tuple[Indicator, ...] = ()
    derived: tuple[Derived, ...] = ()
    source: str = ""
    notes: str = ""
    file: str = ""

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """Every indicator of every index, in document order."""
        return tuple(item for index in self.indices for item in index.indicators)

    @property
    def scored_indices(self) -> tuple[Index, ...]:
        """Indices that count toward the total (not reference-only)."""
        return tuple(index for index in self.indices if not index.reference_only)

    @property
    def max(self) -> Decimal | None:
        """The total maximum: the sum of the scored indices' maxima, if all are known."""
        maxima = [index.max for index in self.scored_indices]
        if any(maximum is None for maximum in maxima):
            return self.declared_max
        return sum((maximum for maximum in maxima if maximum is not None), Decimal(0))

    def index(self, code: str) -> Index | None:
        """The index with this code, if any."""
        return next((index for index in self.indices if index.code == code), None)

    def walk(self) -> Iterator[Indicator]:
        """Every scored item: indicators, then bonus/penalty items."""
        yield from self.indicators
        yield from self.adjustments

    def item(self, code: str) -> Indicator | None:
        """The indicator or adjustment with this code, if any (by a dictionary built once per framework:
        scoring a campaign asks tens of thousands of times)."""
        return _items_by_code(self).get(code)


@functools.lru_cache(maxsize=64)
def _items_by_code(framework: Framework) -> dict[str, Indicator]:
    """Every scored item by its code (the first one, should a code repeat, as a scan would find)."""
    items: dict[str, Indicator] = {}
    for item in framework.walk():
        items.setdefault(item.code, item)
    return items
