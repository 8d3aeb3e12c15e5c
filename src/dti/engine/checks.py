"""Consistency checks of a published results table: the mistakes a reader could catch.

A sum is flagged only when it differs from its parts by more than rounding to the printed
precision can explain: each part and the sum itself may be off by half a unit of the last
printed decimal (at the framework's precision), so the tolerance is (parts + 1) half-units.
Derived figures (DTI, pillars), 0–1 values and percents get the same allowance: half a unit
of their own printed decimals plus what the rounding of the scores they come from explains.

Ranks are checked by number when the table holds the whole ranked set, and by order when it
holds part of it (a published rank beyond the number of rows, or `partial=True`): a unit may
not rank above one with a higher value, and equal values share a rank.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from dti.engine.model import Derived, Framework, Index, RankBasis
from dti.engine.numbers import HUNDRED, ZERO, fmt, percent, quantum, round_half_up
from dti.engine.ranking import classify, ranks, shown_decimals
from dti.engine.results import (
    NA_VALUE,
    PublishedRow,
    PublishedTable,
    complete,
    item_maxima,
    ranked_value,
    row_result,
)
from dti.engine.scoring import UnitResult

KINDS = {
    "sum": "tổng không bằng cộng các thành phần",
    "above_max": "vượt điểm tối đa",
    "below_zero": "điểm âm",
    "percent": "tỷ lệ không bằng tổng điểm / điểm tối đa",
    "rank": "xếp hạng không khớp với điểm",
    "unknown_code": "mã không có trong bộ chỉ số",
    "duplicate_unit": "đơn vị xuất hiện hai lần",
    "derived": "giá trị không khớp với điểm các chỉ số",
    "value": "giá trị (thang 0–1) không bằng điểm / điểm tối đa",
    "rank_order": "xếp hạng trái với thứ tự giá trị",
    "class": "xếp loại không khớp với điểm",
    "sheet_mismatch": "điểm khác nhau giữa hai bảng",
    "missing_unit": "đơn vị không có trong bảng tương ứng",
}
COMPARED = ("sum", "percent", "rank", "derived", "value", "class", "sheet_mismatch")

Figure = Decimal | int | str | None


@dataclass(frozen=True, slots=True)
class Finding:
    """One inconsistency: which unit and code, what kind, the published and expected values."""

    unit: str
    code: str
    kind: str
    published: Figure
    expected: Figure
    place: str = ""
    note: str = ""  # what else the reader needs: the other unit of a rank, the other table
    decimals: int | None = None  # the decimals both values are shown with (a derived figure's: "0,6050")

    @property
    def message(self) -> str:
        """One Vietnamese line describing the finding."""
        published, expected = _shown(self.published, self.decimals), _shown(self.expected, self.decimals)
        if self.kind == "unknown_code":
            text = f"cột '{self.code}': {KINDS[self.kind]}"
        elif self.kind == "duplicate_unit":
            text = f"{self.unit}: {KINDS[self.kind]}"
        else:
            text = f"{self.unit} · {self.code}: {KINDS[self.kind]}"
        if self.kind == "sheet_mismatch":
            text += f" ({published} ở đây, {expected} ở bảng kia)"
        elif self.kind in COMPARED:
            text += f" (công bố {published}, tính lại {expected})"
        elif self.kind == "above_max":
            text += f" ({published} > {expected})"
        elif self.kind == "below_zero":
            text += f" ({published})"
        if self.note:
            text += f": {self.note}"
        return text + (f" [{self.place}]" if self.place else "")


def _shown(figure: Figure, decimals: int | None = None) -> str:
    return fmt(figure, decimals) if isinstance(figure, Decimal) else ("" if figure is None else str(figure))


def check_table(
    framework: Framework,
    table: PublishedTable,
    *,
    partial: bool = False,
    results: Sequence[UnitResult] | None = None,
) -> list[Finding]:
    """Every inconsistency in a published table, in row order, then the ranking.

    `partial`: the table holds part of the ranked set (a region's provinces of the country's),
    so its ranks are checked by order; without it a rank beyond the row count says so.
    `results`: `row_result` of each row, in order, when the caller has them already.
    """
    findings: list[Finding] = [Finding("", code, "unknown_code", code, None, place) for code, place in table.unknown]
    findings += [Finding(unit, "", "duplicate_unit", unit, None, place) for unit, place in table.duplicates]
    half_unit = quantum(framework.precision) / 2  # half a unit of the last printed decimal
    if results is None:
        results = [row_result(framework, row) for row in table.rows]
    for row, result in zip(table.rows, results, strict=True):
        findings += _row_findings(framework, row, result, half_unit)
        findings += _published_findings(framework, row, result)
    findings += _rank_findings(framework, table.rows, results, partial=partial)
    return findings


def _value(row: PublishedRow, code: str) -> Decimal | None:
    """The published number under `code` (None when absent or N/A)."""
    value = row.scores.get(code)
    return value if isinstance(value, Decimal) else None


def _present(row: PublishedRow, code: str) -> bool:
    return code in row.scores


def _row_findings(framework: Framework, row: PublishedRow, result: UnitResult, half_unit: Decimal) -> list[Finding]:
    findings: list[Finding] = []

    def compare(code: str, published: Decimal, parts: list[Decimal], place: str) -> None:
        expected = sum(parts, ZERO)
        if abs(published - expected) > half_unit * (len(parts) + 1):
            findings.append(Finding(row.unit, code, "sum", published, expected, place))

    index_sums: list[Decimal] = []
    complete = True
    for index in framework.indices:
        value = _index_value(row, index)
        if index.reference_only:
            continue
        if value is None:
            complete = False
        else:
            index_sums.append(value)
        for group in index.groups:
            group_value = _value(row, group.code)
            parts = _parts(row, [item.code for item in group.indicators])
            if group_value is not None and parts is not None:
                compare(group.code, group_value, parts, row.places[group.code])
        published = _value(row, index.code)
        parts = _index_parts(row, index)
        if published is not None and parts is not None:
            compare(index.code, published, parts, row.places[index.code])
    adjustments = [(adjustment, _value(row, adjustment.code)) for adjustment in framework.adjustments]
    if "total" in row.published and complete:
        adjust = sum(
            (
                value if adjustment.kind.value == "bonus" else -value
                for adjustment, value in adjustments
                if value is not None
            ),
            ZERO,
        )
        compare("total", row.published["total"], [*index_sums, adjust] if adjust else index_sums, row.places["total"])
    findings += _bound_findings(framework, row)
    if "percent" in row.published:
        findings += _percent_findings(framework, row, result)
    return findings


def _parts(row: PublishedRow, codes: list[str]) -> list[Decimal] | None:
    """The published values of `codes` (N/A counts as nothing), or None if any is absent."""
    if not codes or not all(_present(row, code) for code in codes):
        return None
    return [value for code in codes if (value := _value(row, code)) is not None]


def _index_parts(row: PublishedRow, index: Index) -> list[Decimal] | None:
    direct = _parts(row, [item.code for item in index.direct]) if index.direct else []
    if direct is None:
        return None
    parts = list(direct)
    for group in index.groups:
        group_value = _value(row, group.code)
        if group_value is None:
            group_parts = _parts(row, [item.code for item in group.indicators])
            if group_parts is None:
                return None
            parts += group_parts
        else:
            parts.append(group_value)
    return parts if (index.direct or index.groups) else None


def _index_value(row: PublishedRow, index: Index) -> Decimal | None:
    published = _value(row, index.code)
    if published is not None:
        return published
    parts = _index_parts(row, index)
    return sum(parts, ZERO) if parts is not None else None


def _bound_findings(framework: Framework, row: PublishedRow) -> list[Finding]:
    findings: list[Finding] = []
    maxima = dict(item_maxima(framework))
    maxima.update({index.code: index.max for index in framework.indices})
    maxima.update(row.maxima)
    for code, value in row.scores.items():
        if value == NA_VALUE or not isinstance(value, Decimal):
            continue
        if value < ZERO:
            findings.append(Finding(row.unit, code, "below_zero", value, ZERO, row.places[code]))
        maximum = maxima.get(code)
        if maximum is not None and value > maximum:
            findings.append(Finding(row.unit, code, "above_max", value, maximum, row.places[code]))
    total = row.published.get("total")
    total_max = row.maxima.get("total", framework.max)
    if total is not None and total_max is not None and not framework.adjustments and total > total_max:
        findings.append(Finding(row.unit, "total", "above_max", total, total_max, row.places["total"]))
    return findings


def _percent_findings(framework: Framework, row: PublishedRow, result: UnitResult) -> list[Finding]:
    total = row.published.get("total", result.total if complete(framework, result) else None)
    if total is None or not result.max:
        return []
    published = row.published["percent"]
    shown_places = shown_decimals(framework.precision, framework.ranking, RankBasis.PERCENT)
    decimals = row.decimals.get("percent", shown_places)
    expected = percent(total, result.max)
    assert expected is not None  # result.max is not 0
    tolerance = quantum(decimals) / 2 + quantum(framework.precision) / 2 * HUNDRED / result.max
    if abs(published - expected) > tolerance:
        shown = round_half_up(expected, max(decimals, shown_places))
        return [Finding(row.unit, "percent", "percent", published, shown, row.places["percent"])]
    return []


def _points_error(framework: Framework, row: PublishedRow, index: Index) -> Decimal | None:
    """How far an index's points as read may be from the exact points: half a unit at the
    framework's precision (for each part when summed), or of its 0–1 value's printed decimals × max."""
    code = index.code
    if isinstance(row.scores.get(code), Decimal):
        return quantum(framework.precision) / 2  # printed decimals may drop trailing zeros ("45" for 45,00)
    parts = _index_parts(row, index)
    if parts is not None:
        return quantum(framework.precision) / 2 * len(parts)
    maximum = row.maxima.get(code, index.max)
    if f"value:{code}" in row.published and maximum is not None:
        return quantum(row.decimals[f"value:{code}"]) / 2 * maximum
    return None


def _published_findings(framework: Framework, row: PublishedRow, result: UnitResult) -> list[Finding]:
    """Derived figures, 0–1 values, index percents and the class against the scores."""
    findings = [
        finding
        for derived in framework.derived
        if derived.code in row.published and (finding := _derived_finding(framework, row, result, derived))
    ]
    for index in framework.indices:
        if f"value:{index.code}" in row.published:
            findings += _value_findings(framework, row, index)
        if f"percent:{index.code}" in row.published:
            findings += _index_percent_findings(framework, row, result, index)
    if row.classification and framework.classification and complete(framework, result):
        expected = classify(framework, result)
        if expected != row.classification:
            place = row.places.get("class", f"dòng {row.number}")
            findings.append(Finding(row.unit, "class", "class", row.classification, expected, place))
    return findings


def _derived_finding(framework: Framework, row: PublishedRow, result: UnitResult, derived: Derived) -> Finding | None:
    """The finding for a published derived figure (DTI, a pillar) its indices do not explain, if any."""
    points, maximum, error = ZERO, ZERO, ZERO
    for code in derived.indices:
        index = framework.index(code)
        score, index_max = result.indices.get(code), result.index_max.get(code)
        index_error = None if index is None else _points_error(framework, row, index)
        if score is None or index_max is None or index_error is None:
            return None
        points, maximum, error = points + score, maximum + index_max, error + index_error
    if not maximum:
        return None
    published, decimals = row.published[derived.code], row.decimals[derived.code]
    exact = points / maximum  # as `derived_values` computes it, before rounding
    if abs(published - exact) <= quantum(decimals) / 2 + error / maximum:
        return None
    places = max(decimals, derived.decimals)
    shown = round_half_up(exact, places)
    return Finding(row.unit, derived.code, "derived", published, shown, row.places[derived.code], decimals=places)


def _value_findings(framework: Framework, row: PublishedRow, index: Index) -> list[Finding]:
    """A 0–1 value outside [0, 1], or not the index's published points over its max."""
    key = f"value:{index.code}"
    published, place = row.published[key], row.places[key]
    if published < ZERO:
        return [Finding(row.unit, key, "below_zero", published, ZERO, place)]
    if published > 1:
        return [Finding(row.unit, key, "above_max", published, Decimal(1), place)]
    points = _index_value(row, index)
    maximum = row.maxima.get(index.code, index.max)
    error = _points_error(framework, row, index)
    if points is None or not maximum or error is None:
        return []
    exact = points / maximum
    decimals = row.decimals[key]
    if abs(published - exact) > quantum(decimals) / 2 + error / maximum:
        places = max(decimals, 4)
        return [Finding(row.unit, key, "value", published, round_half_up(exact, places), place, decimals=places)]
    return []


def _index_percent_findings(framework: Framework, row: PublishedRow, result: UnitResult, index: Index) -> list[Finding]:
    """An index's published percent that is not its points over the unit's max for it."""
    key = f"percent:{index.code}"
    points, maximum = result.indices.get(index.code), result.index_max.get(index.code)
    error = _points_error(framework, row, index)
    expected = percent(points, maximum)
    if expected is None or maximum is None or error is None:
        return []
    published, decimals = row.published[key], row.decimals[key]
    if abs(published - expected) > quantum(decimals) / 2 + error * HUNDRED / maximum:
        shown = round_half_up(expected, max(decimals, framework.ranking.decimals))
        return [Finding(row.unit, key, "percent", published, shown, row.places[key])]
    return []


def _rank_findings(
    framework: Framework, rows: list[PublishedRow], results: Sequence[UnitResult], *, partial: bool
) -> list[Finding]:
    """Each published rank column (`rank`, `rank:<code>`) against the values it ranks, per group."""
    columns = list(dict.fromkeys(key for row in rows for key in row.published if key.split(":")[0] == "rank"))
    findings: list[Finding] = []
    for column in sorted(columns, key=lambda key: key != "rank"):
        groups: dict[str, list[tuple[PublishedRow, int, Decimal | None]]] = {}
        for row, result in zip(rows, results, strict=True):
            if column in row.published:
                member = (row, int(row.published[column]), ranked_value(framework, result, column))
                groups.setdefault(row.group, []).append(member)
        for members in groups.values():
            if partial or any(rank > len(members) for _, rank, _ in members):
                findings += _order_findings(column, members)
            else:
                expected = ranks([value for _, _, value in members], framework.ranking.ties)
                findings += [
                    Finding(row.unit, column, "rank", rank, computed, row.places[column])
                    for (row, rank, _), computed in zip(members, expected, strict=True)
                    if computed is not None and rank != computed
                ]
    return findings


def _order_findings(column: str, members: list[tuple[PublishedRow, int, Decimal | None]]) -> list[Finding]:
    """Ranks of part of a ranked set, checked by order: listed by rank, the values must fall,
    and two units share a rank exactly when their values are equal."""
    known = sorted(
        ((row, rank, value) for row, rank, value in members if value is not None),
        key=lambda member: (member[1], -member[2] if member[2] is not None else ZERO),
    )
    findings: list[Finding] = []
    for (above, above_rank, above_value), (row, rank, value) in pairwise(known):
        assert above_value is not None and value is not None
        if (rank == above_rank) != (value == above_value) or value > above_value:
            note = f"{row.unit} hạng {rank} với {fmt(value)}, {above.unit} hạng {above_rank} với {fmt(above_value)}"
            findings.append(Finding(row.unit, column, "rank_order", rank, None, row.places[column], note))
    return findings
