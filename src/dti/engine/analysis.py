"""The rules of a unit's analysis report: changes from last year, ranks in words, how far each
indicator got (bands of percent of max), targets as rank ranges, group means, and which index
of last year's framework an index compares with.

Plain values in, plain values out (no snapshot, no Django): the report builder
(`dti.documents.report`) and the web pages format what these compute, so a change or a count
cannot be stated two ways. Signs use the real minus sign (U+2212) everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from dti.engine.errors import DtiError
from dti.engine.numbers import HUNDRED, ZERO, fmt, percent, round_half_up

MINUS = "\u2212"
"""The minus sign of a negative change ("−3,25"), never a hyphen."""


def value_change(current: Decimal | None, previous: Decimal | None, places: int) -> Decimal | None:
    """The change between two published figures, each taken as shown (half-up at `places`), so the
    change a report states is the difference of the two numbers it prints; None when either is unknown."""
    if current is None or previous is None:
        return None
    return round_half_up(current, places) - round_half_up(previous, places)


def signed(value: Decimal, places: int) -> str:
    """A change with its sign, the Vietnamese way: "+12,50", "−3,25", "0,00" (zero has no sign)."""
    shown = round_half_up(value, places)
    text = fmt(abs(shown), places)
    if shown > 0:
        return "+" + text
    return MINUS + text if shown < 0 else text


def rank_change(current: int | None, previous: int | None) -> str | None:
    """A rank's change in words: from 20 to 16 is "tăng 4 bậc", from 1 to 16 "giảm 15 bậc", the same
    rank "giữ nguyên"; None when either rank is unknown."""
    if current is None or previous is None:
        return None
    places = previous - current
    if places > 0:
        return f"tăng {places} bậc"
    return f"giảm {-places} bậc" if places < 0 else "giữ nguyên"


def position(rank: int | None, count: int) -> str:
    """A rank within a table of `count` ranked units: "7/11" ("" when not ranked)."""
    return "" if rank is None else f"{rank}/{count}"


def out_of(score: Decimal, maximum: Decimal | None) -> str:
    """A score out of its max as a report names a weak indicator: "3/10", "8,8/10" (published
    figures drop trailing zeros)."""
    return fmt(score) + "/" + (fmt(maximum) if maximum is not None else "?")


def mean(values: Iterable[Decimal | None]) -> Decimal | None:
    """The exact mean of the known values (a group's mean of an index); None when none is known."""
    known = [value for value in values if value is not None]
    return sum(known, ZERO) / len(known) if known else None


# --- How far each indicator got -----------------------------------------------------------


class Reach(StrEnum):
    """How far an indicator's score got, as a band of percent of its max."""

    MAX = "max"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    VERY_LOW = "very_low"
    ZERO = "zero"


REACH_LABELS = {
    Reach.MAX: "Đạt tối đa",
    Reach.HIGH: "Cao",
    Reach.MEDIUM: "Trung bình",
    Reach.LOW: "Thấp",
    Reach.VERY_LOW: "Rất thấp",
    Reach.ZERO: "Không điểm",
}

WEAK = (Reach.LOW, Reach.VERY_LOW, Reach.ZERO)
"""The bands whose indicators a report names as weak (below the medium threshold)."""


@dataclass(frozen=True, slots=True)
class Bands:
    """The thresholds of the bands, in percent of the indicator's max (settings, printed in the
    report): max = 100 %, high ≥ `high`, medium ≥ `medium`, low ≥ `low`, very low > 0, zero = 0."""

    high: Decimal = Decimal(80)
    medium: Decimal = Decimal(50)
    low: Decimal = Decimal(30)

    def __post_init__(self) -> None:
        if not ZERO < self.low < self.medium < self.high < HUNDRED:
            raise DtiError(
                "ngưỡng mức đạt phải tăng dần trong khoảng 0–100 %: 0 < thấp < trung bình < cao < 100 "
                f"(đang là thấp {fmt(self.low)}, trung bình {fmt(self.medium)}, cao {fmt(self.high)})"
            )

    def reach(self, score: Decimal, maximum: Decimal) -> Reach:
        """The band of `score` out of a positive `maximum` (a score above the max counts as max)."""
        share = percent(score, maximum)
        assert share is not None  # maximum > 0
        if share >= HUNDRED:
            return Reach.MAX
        if share >= self.high:
            return Reach.HIGH
        if share >= self.medium:
            return Reach.MEDIUM
        if share >= self.low:
            return Reach.LOW
        return Reach.VERY_LOW if share > ZERO else Reach.ZERO

    def describe(self) -> list[tuple[Reach, str]]:
        """Each band with its range in words, for the report's legend."""
        high, medium, low = fmt(self.high), fmt(self.medium), fmt(self.low)
        return [
            (Reach.MAX, "100 % điểm tối đa"),
            (Reach.HIGH, f"từ {high} % đến dưới 100 %"),
            (Reach.MEDIUM, f"từ {medium} % đến dưới {high} %"),
            (Reach.LOW, f"từ {low} % đến dưới {medium} %"),
            (Reach.VERY_LOW, f"trên 0 % đến dưới {low} %"),
            (Reach.ZERO, "0 điểm"),
        ]


@dataclass(frozen=True, slots=True)
class Scored:
    """One indicator as the band count sees it: code, score (None: not applicable), max."""

    code: str
    score: Decimal | None
    max: Decimal | None


@dataclass(frozen=True, slots=True)
class BandCount:
    """The indicators of one index by band: counts (every band present), the weak ones (low, very
    low, zero, in the given order), and those that could not be placed (no max)."""

    counts: dict[Reach, int]
    weak: tuple[Scored, ...]
    unbanded: tuple[str, ...]

    @property
    def counted(self) -> int:
        """How many indicators were placed in a band."""
        return sum(self.counts.values())


def count_bands(items: Sequence[Scored], bands: Bands) -> BandCount:
    """Count an index's indicators by band. Not applicable ones (no score) are left out; one
    without a positive max cannot be placed and is listed in `unbanded`, never guessed."""
    counts = dict.fromkeys(Reach, 0)
    weak: list[Scored] = []
    unbanded: list[str] = []
    for item in items:
        if item.score is None:
            continue
        if item.max is None or item.max <= ZERO:
            unbanded.append(item.code)
            continue
        reach = bands.reach(item.score, item.max)
        counts[reach] += 1
        if reach in WEAK:
            weak.append(item)
    return BandCount(counts, tuple(weak), tuple(unbanded))


# --- Targets as rank ranges ----------------------------------------------------------------

_RANGE = re.compile(r"(\d+)\s*[-\u2010-\u2015]\s*(\d+)")
_AT_MOST = re.compile(r"(?:≤|<=|=<)\s*(\d+)")
_AT_LEAST = re.compile(r"(?:≥|>=|=>)\s*(\d+)")


@dataclass(frozen=True, slots=True)
class RankRange:
    """A target as a range of ranks: `best` (the smallest rank number, None: no bound) to `worst`."""

    best: int | None
    worst: int | None

    def __str__(self) -> str:
        if self.best == self.worst:
            return str(self.best)
        if self.best is None:
            return f"≤ {self.worst}"
        return f"≥ {self.best}" if self.worst is None else f"{self.best}–{self.worst}"


def parse_rank_range(text: str) -> RankRange:
    """Read a target rank range as reports write it: "10–15" (or "10-15"), "≤ 10" ("<= 10"),
    "≥ 5" (">= 5"), or one rank "7". Anything else is refused with a Vietnamese message."""
    raw = unicodedata.normalize("NFC", text).strip()
    if match := _RANGE.fullmatch(raw):
        best, worst = int(match[1]), int(match[2])
    elif match := _AT_MOST.fullmatch(raw):
        best, worst = None, int(match[1])
    elif match := _AT_LEAST.fullmatch(raw):
        best, worst = int(match[1]), None
    elif raw.isdigit():
        best = worst = int(raw)
    else:
        raise DtiError(f"'{raw}' không phải là khoảng thứ hạng (viết như 10–15, ≤ 10, ≥ 5 hoặc 7)")
    if 0 in (best, worst) or (best is not None and worst is not None and best > worst):
        raise DtiError(f"'{raw}': thứ hạng bắt đầu từ 1 và khoảng viết từ hạng cao đến hạng thấp (như 10–15)")
    return RankRange(best, worst)


class TargetStatus(StrEnum):
    """Where a rank stands against a target range."""

    MET = "met"  # inside the range
    AHEAD = "ahead"  # better than the range
    BEHIND = "behind"  # worse than the range


@dataclass(frozen=True, slots=True)
class Progress:
    """A rank against its target: its status and how many places from the range's edge."""

    status: TargetStatus
    places: int

    def __str__(self) -> str:
        if self.status is TargetStatus.MET:
            return "đạt mục tiêu"
        if self.status is TargetStatus.AHEAD:
            return f"vượt mục tiêu {self.places} bậc"
        return f"chưa đạt, còn cách {self.places} bậc"


def target_progress(rank: int, target: RankRange) -> Progress:
    """How `rank` stands against `target`: inside it, better (ahead) or worse (behind), and by how
    many places (rank 18 against "10–15" is 3 places behind)."""
    if target.worst is not None and rank > target.worst:
        return Progress(TargetStatus.BEHIND, rank - target.worst)
    if target.best is not None and rank < target.best:
        return Progress(TargetStatus.AHEAD, target.best - rank)
    return Progress(TargetStatus.MET, 0)


# --- Which index of last year an index compares with ---------------------------------------


def _name(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def match_codes(current: Sequence[tuple[str, str]], previous: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Pair each current (code, name) with one of the previous year's: by equal name first (case
    and spacing aside, for a framework that renumbered), then by equal code among those left.
    Codes without a counterpart are absent from the result, for the report to name them."""
    by_name = {_name(name): code for code, name in previous}
    taken: set[str] = set()
    pairs: dict[str, str] = {}
    for code, name in current:
        match = by_name.get(_name(name))
        if match is not None and match not in taken:
            pairs[code] = match
            taken.add(match)
    left = {code for code, _ in previous} - taken
    for code, _ in current:
        if code not in pairs and code in left:
            pairs[code] = code
            left.discard(code)
    return pairs
