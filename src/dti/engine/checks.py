"""Consistency checks of a published results table: the mistakes a reader could catch.

A sum is flagged only when it differs from its parts by more than rounding to the printed
precision can explain: each part and the sum itself may be off by half a unit of the last
printed decimal (at the framework's precision), so the tolerance is (parts + 1) half-units.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from dti.engine.model import Framework, Index, RankBasis
from dti.engine.numbers import HUNDRED, ZERO, fmt, percent, quantum, round_half_up
from dti.engine.ranking import exact_basis, ranks, shown_decimals
from dti.engine.results import NA_VALUE, PublishedRow, PublishedTable, row_result
from dti.engine.scoring import UnitResult

KINDS = {
    "sum": "tổng không bằng cộng các thành phần",
    "above_max": "vượt điểm tối đa",
    "below_zero": "điểm âm",
    "percent": "tỷ lệ không bằng tổng điểm / điểm tối đa",
    "rank": "xếp hạng không khớp với điểm",
    "unknown_code": "mã không có trong bộ chỉ số",
    "duplicate_unit": "đơn vị xuất hiện hai lần",
}

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

    @property
    def message(self) -> str:
        """One Vietnamese line describing the finding."""
        published, expected = _shown(self.published), _shown(self.expected)
        if self.kind == "unknown_code":
            text = f"cột '{self.code}': {KINDS[self.kind]}"
        elif self.kind == "duplicate_unit":
            text = f"{self.unit}: {KINDS[self.kind]}"
        else:
            text = f"{self.unit} · {self.code}: {KINDS[self.kind]}"
        if self.kind in ("sum", "percent", "rank"):
            text += f" (công bố {published}, tính lại {expected})"
        elif self.kind == "above_max":
            text += f" ({published} > {expected})"
        elif self.kind == "below_zero":
            text += f" ({published})"
        return text + (f" [{self.place}]" if self.place else "")


def _shown(figure: Figure) -> str:
    return fmt(figure) if isinstance(figure, Decimal) else ("" if figure is None else str(figure))


def check_table(framework: Framework, table: PublishedTable) -> list[Finding]:
    """Every inconsistency in a published table, in row order, then the ranking."""
    findings: list[Finding] = [Finding("", code, "unknown_code", code, None, place) for code, place in table.unknown]
    findings += [Finding(unit, "", "duplicate_unit", unit, None, place) for unit, place in table.duplicates]
    half_unit = quantum(framework.precision) / 2  # half a unit of the last printed decimal
    for row in table.rows:
        findings += _row_findings(framework, row, half_unit)
    findings += _rank_findings(framework, table)
    return findings


def _value(row: PublishedRow, code: str) -> Decimal | None:
    """The published number under `code` (None when absent or N/A)."""
    value = row.scores.get(code)
    return value if isinstance(value, Decimal) else None


def _present(row: PublishedRow, code: str) -> bool:
    return code in row.scores


def _row_findings(framework: Framework, row: PublishedRow, half_unit: Decimal) -> list[Finding]:
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
        findings += _percent_findings(framework, row)
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
    maxima: dict[str, Decimal | None] = {item.code: item.max for item in framework.walk()}
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


def _complete(framework: Framework, result: UnitResult) -> bool:
    """Whether every scored index is known, so the recomputed total is the whole total."""
    return all(result.indices.get(index.code) is not None for index in framework.scored_indices)


def _percent_findings(framework: Framework, row: PublishedRow) -> list[Finding]:
    result = row_result(framework, row)
    total = row.published.get("total", result.total if _complete(framework, result) else None)
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


def _rank_findings(framework: Framework, table: PublishedTable) -> list[Finding]:
    policy = framework.ranking
    groups: dict[str, list[tuple[PublishedRow, Decimal | None]]] = {}
    for row in table.rows:
        if "rank" not in row.published:
            continue
        result = row_result(framework, row)
        computed = exact_basis(result, policy.basis)
        value = row.published.get(policy.basis.value, computed if _complete(framework, result) else None)
        decimals = shown_decimals(framework.precision, policy, policy.basis)
        key = round_half_up(value, decimals) if value is not None else None
        groups.setdefault(row.group, []).append((row, key))
    findings: list[Finding] = []
    for members in groups.values():
        expected = ranks([key for _, key in members], policy.ties)
        for (row, _), rank in zip(members, expected, strict=True):
            published = row.published["rank"]
            if rank is not None and published != rank:
                findings.append(Finding(row.unit, "rank", "rank", int(published), rank, row.places["rank"]))
    return findings
