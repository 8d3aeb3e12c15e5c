"""Past figures across reorganised units and changed frameworks: the rules of a year-over-year comparison.

Units are named as the snapshots name them. A `Link` records one change (a rename, a merge or a
split) with its effective date. `trace` finds what a unit's figures of an earlier year are:

- its own, when it was assessed under the same name and nothing changed it since;
- a renamed unit's, under its old name (its rank still compares);
- a merged unit's: the MEAN of its predecessors' index values and totals (as the national
  level did for the provinces merged in 2025), rounded half-up at the framework's precision,
  with no rank; a lineage may say "no comparison" instead;
- never a split unit's, nor one without any result that year: `Incomparable` says why.

Between two framework versions, codes are paired by a mapping (pre-filled by the engine's
`match_codes`, edited by people); `unmatched` names the codes of either side left without a
counterpart, so a comparison never drops one silently. `link_problems` checks a change before it
is recorded (units on each side, nobody succeeding itself, no cycle (`find_cycle`), dates in order).
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from dti.engine.analysis import mean
from dti.engine.numbers import round_half_up

K = TypeVar("K", bound=Hashable)


class LineageKind(StrEnum):
    """What happened to the units: renamed (one to one), merged (many to one), split (one to many)."""

    RENAME = "rename"
    MERGE = "merge"
    SPLIT = "split"


KIND_LABELS = {LineageKind.RENAME: "Đổi tên", LineageKind.MERGE: "Hợp nhất", LineageKind.SPLIT: "Chia tách"}


class PastRule(StrEnum):
    """What a merged unit's past figures are: the mean of its predecessors', or no comparison."""

    MEAN = "mean"
    NONE = "none"


RULE_LABELS = {PastRule.MEAN: "Bình quân các đơn vị trước hợp nhất", PastRule.NONE: "Không so sánh"}


@dataclass(frozen=True, slots=True)
class Link:
    """One recorded change: `predecessors` became `successors` on `effective`.

    In a merge the successor may be one of its predecessors (a province that absorbed two
    others and kept its name); in a split, the predecessor may be one of its successors.
    """

    kind: LineageKind
    effective: datetime.date
    predecessors: tuple[str, ...]
    successors: tuple[str, ...]
    rule: PastRule = PastRule.MEAN


@dataclass(frozen=True, slots=True)
class PastScores:
    """A unit's published figures of an earlier year, as a comparison uses them.

    `units`: the past unit(s) they come from; `mean`: the mean of several (then `rank` is None);
    `note`: how they were found ("" when the unit is the same), in Vietnamese.
    """

    units: tuple[str, ...]
    total: Decimal | None
    indices: Mapping[str, Decimal | None]
    items: Mapping[str, Decimal | None]
    rank: int | None
    mean: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class Incomparable:
    """No comparison can be made, and why (Vietnamese); `absent`: only because a unit had no
    result that year (not because of a split or a setting)."""

    reason: str
    absent: bool = False


def _day(date: datetime.date) -> str:
    return date.strftime("%d/%m/%Y")


def _mean(values: Sequence[Decimal | None], precision: int) -> Decimal | None:
    """The arithmetic mean rounded half-up; None when one of the values is missing (no mean is invented)."""
    exact = None if any(v is None for v in values) else mean(values)
    return None if exact is None else round_half_up(exact, precision)


def _means(parts: Sequence[Mapping[str, Decimal | None]], precision: int) -> dict[str, Decimal | None]:
    codes = list(dict.fromkeys(code for part in parts for code in part))
    return {code: _mean([part.get(code) for part in parts], precision) for code in codes}


def mean_scores(parts: Sequence[PastScores], precision: int, note: str = "") -> PastScores:
    """The mean of the predecessors' totals, index values and indicator scores, each rounded half-up
    at `precision`; a code one of them lacks has no mean (None). A mean has no rank."""
    return PastScores(
        units=tuple(name for part in parts for name in part.units),
        total=_mean([p.total for p in parts], precision),
        indices=_means([p.indices for p in parts], precision),
        items=_means([p.items for p in parts], precision),
        rank=None,
        mean=True,
        note=note,
    )


def trace(
    unit: str,
    links: Iterable[Link],
    found: Mapping[str, PastScores],
    *,
    since: datetime.date,
    precision: int,
    year: int,
) -> PastScores | Incomparable:
    """The figures of `unit` in an earlier year's results (`found`, by unit name), through the
    changes effective after `since` (the end of that year), newest first.

    `year` names that year in the reasons. A split, a merge whose rule is "none", and a unit
    (or predecessor) absent from that year's results each give `Incomparable` with the reason.
    """
    later = sorted((link for link in links if link.effective > since), key=lambda link: link.effective, reverse=True)
    used: set[Link] = set()

    def back(name: str) -> PastScores | Incomparable:
        link = next((k for k in later if name in k.successors and k not in used), None)
        if link is None:
            if name in found:
                return found[name]
            return Incomparable(f"{name} không có kết quả năm {year}.", absent=True)
        used.add(link)
        others = ", ".join(p for p in link.predecessors if p != name) or ", ".join(link.predecessors)
        if link.kind is LineageKind.SPLIT:
            return Incomparable(
                f"{name} hình thành do chia tách {others} từ ngày {_day(link.effective)}: không so sánh được "
                f"với kết quả năm {year}."
            )
        if link.kind is LineageKind.MERGE and link.rule is PastRule.NONE:
            return Incomparable(
                f"{name} hình thành do hợp nhất {', '.join(link.predecessors)} từ ngày {_day(link.effective)}; "
                "thiết lập của lần hợp nhất là không so sánh."
            )
        parts = [back(p) for p in link.predecessors]
        missing = [part for part in parts if isinstance(part, Incomparable)]
        if missing:
            return Incomparable(" ".join(part.reason for part in missing), all(part.absent for part in missing))
        known = [part for part in parts if isinstance(part, PastScores)]
        if link.kind is LineageKind.RENAME:
            note = f"Năm {year}: {', '.join(link.predecessors)} (đổi tên từ ngày {_day(link.effective)})."
            return replace(known[0], note=f"{note} {known[0].note}".strip())
        return mean_scores(
            known,
            precision,
            f"Bình quân của {', '.join(link.predecessors)} (hợp nhất từ ngày {_day(link.effective)}).",
        )

    return back(unit)


def fate(unit: str, links: Iterable[Link], *, until: datetime.date) -> str:
    """What became of a unit by `until` (Vietnamese, "" when nothing): renamed, merged into another
    unit or split, by the newest such change in which it does not continue."""
    ended = [k for k in links if unit in k.predecessors and unit not in k.successors and k.effective <= until]
    if not ended:
        return ""
    link = max(ended, key=lambda k: k.effective)
    others = ", ".join(link.successors)
    verb = {
        LineageKind.RENAME: "đổi tên thành",
        LineageKind.MERGE: "hợp nhất vào",
        LineageKind.SPLIT: "chia tách thành",
    }
    return f"{verb[link.kind]} {others} từ ngày {_day(link.effective)}"


def unmatched(old: Iterable[str], new: Iterable[str], mapping: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """The codes without a counterpart: (new codes no old code maps to, old codes no new code uses)."""
    used = set(mapping.values())
    return [c for c in new if not mapping.get(c)], [c for c in old if c not in used]


def link_problems(link: Link, others: Sequence[Link]) -> list[str]:
    """What is wrong with recording `link` beside the `others` (Vietnamese, empty when nothing):
    the number of units on each side for its kind, a unit succeeding itself, a cycle, and dates
    out of order (a unit cannot change before the change that made it, nor after one that ended it)."""
    problems: list[str] = []
    before, after = set(link.predecessors), set(link.successors)
    if not before or not after:
        problems.append("Cần chọn đơn vị trước và đơn vị sau khi thay đổi.")
    elif link.kind is LineageKind.RENAME and (len(before) != 1 or len(after) != 1):
        problems.append("Đổi tên: một đơn vị trước và một đơn vị sau.")
    elif link.kind is LineageKind.MERGE and (len(before) < 2 or len(after) != 1):
        problems.append("Hợp nhất: từ hai đơn vị trở lên thành một đơn vị.")
    elif link.kind is LineageKind.SPLIT and (len(before) != 1 or len(after) < 2):
        problems.append("Chia tách: một đơn vị thành hai đơn vị trở lên.")
    if link.kind is LineageKind.RENAME and before & after:
        problems.append(f"Đơn vị {', '.join(sorted(before & after))} không thể tự kế thừa chính mình.")
    if problems:
        return problems
    cycle = find_cycle(_edges([*others, link]))
    if cycle is not None:
        problems.append("Tạo thành vòng lặp kế thừa: " + " → ".join(cycle) + ".")
        return problems
    for other in others:
        made = after & set(other.predecessors) - set(other.successors)
        if made and other.effective <= link.effective:
            problems.append(
                f"{', '.join(sorted(made))} đã thay đổi tiếp từ ngày {_day(other.effective)}, "
                f"trước ngày hiệu lực {_day(link.effective)}."
            )
        came = before & set(other.successors) - set(other.predecessors)
        if came and other.effective >= link.effective:
            problems.append(
                f"{', '.join(sorted(came))} chỉ hình thành từ ngày {_day(other.effective)}, "
                f"sau ngày hiệu lực {_day(link.effective)}."
            )
    return problems


def _edges(links: Iterable[Link]) -> dict[str, list[str]]:
    """Predecessor → successors over every link (a unit continuing through its own merge or split left out)."""
    edges: dict[str, set[str]] = {}
    for link in links:
        for p in link.predecessors:
            edges.setdefault(p, set()).update(s for s in link.successors if s != p)
    return {node: sorted(nxt) for node, nxt in sorted(edges.items())}


def find_cycle(edges: Mapping[K, Iterable[K]]) -> list[K] | None:
    """A cycle in the graph (node → the nodes it leads to), as the path that closes it, or None."""
    state: dict[K, int] = {}  # 1: on the current path, 2: done
    path: list[K] = []

    def visit(node: K) -> list[K] | None:
        state[node] = 1
        path.append(node)
        for nxt in edges.get(node, ()):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)) is not None:
                return cycle
        state[node] = 2
        path.pop()
        return None

    for start in list(edges):
        if start not in state and (cycle := visit(start)) is not None:
            return cycle
    return None
