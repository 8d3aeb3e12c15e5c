"""Properties over random inputs: scores stay in [0, max] at the framework's precision, sums add
up, percent stays ≤ 100 without bonus, and ranks are valid competition/dense rankings."""

from __future__ import annotations

import functools
import itertools
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dti.engine.model import Framework, Ties
from dti.engine.ranking import ranks
from dti.engine.scoring import Status, UnitInputs, score_campaign, score_unit, summarize
from tests.engine.conftest import HEADER, framework

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def amounts(draw: st.DrawFn, *, top: int = 10**15) -> Decimal:
    """A non-negative Decimal: zero, small, fractional or huge."""
    kind = draw(st.sampled_from(["zero", "small", "fraction", "huge"]))
    if kind == "zero":
        return Decimal(0)
    if kind == "small":
        return Decimal(draw(st.integers(0, 200)))
    if kind == "fraction":
        return Decimal(draw(st.integers(0, 10**9))).scaleb(-draw(st.integers(1, 8)))
    return Decimal(draw(st.integers(0, top)))


fractions = st.integers(0, 10**6).map(lambda n: Decimal(n).scaleb(-6))  # percent inputs: 0–1 (and 1)
maybe = functools.partial(st.one_of, st.none())

NUM = "type: number"
CNT = "type: count"

# (code, max, inputs, scoring, strategies of the inputs)
ITEMS: list[tuple[str, str, str, str, dict[str, st.SearchStrategy[object]]]] = [
    ("I.1", "7", "[{name: c, label: c, type: yes_no}]", "{method: yes_no, input: c}", {"c": st.booleans()}),
    (
        "I.2",
        "5",
        "[{name: h, label: h, type: choice, options: {a: A, b: B, c: C}}]",
        "{method: choice, input: h, points: {a: max_points, b: max_points / 3, c: 0}}",
        {"h": st.sampled_from(["a", "b", "c"])},
    ),
    (
        "I.3",
        "4.5",
        f"[{{name: a, label: a, {NUM}}}, {{name: b, label: b, {NUM}}}]",
        "{method: ratio, numerator: a, denominator: b}",
        {"a": amounts(), "b": amounts()},
    ),
    (
        "I.4",
        "10",
        f"[{{name: a, label: a, {CNT}}}, {{name: b, label: b, {CNT}}}]",
        "{method: ratio_target, numerator: a, denominator: b, target: '37%'}",
        {"a": amounts(), "b": amounts()},
    ),
    (
        "I.5",
        "6",
        f"[{{name: a, label: a, {NUM}}}, {{name: b, label: b, {NUM}}}]",
        "{method: gated_ratio, numerator: a, denominator: b, full: '90%', floor: '80%', on_zero: max}",
        {"a": amounts(), "b": amounts()},
    ),
    (
        "I.6",
        "3",
        f"[{{name: a, label: a, {NUM}}}, {{name: b, label: b, {NUM}}}]",
        "{method: all_or_nothing, numerator: a, denominator: b}",
        {"a": amounts(), "b": amounts()},
    ),
    (
        "I.7",
        "10",
        f"[{{name: a, label: a, {NUM}}}, {{name: b, label: b, {NUM}}}]",
        "{method: tiers, numerator: a, denominator: b, "
        "tiers: [{min: '10%', points: 10}, {min: '7%', points: 7}, {min: '3%', points: 3}], otherwise: 1}",
        {"a": amounts(), "b": amounts()},
    ),
    (
        "I.8",
        "5",
        f"[{{name: n, label: n, {NUM}}}]",
        "{method: tiers, value: n, tiers: [{min: 2, points: max_points}, {min: 1, points: max_points / 2}]}",
        {"n": amounts()},
    ),
    (
        "I.9",
        "10",
        f"[{{name: n, label: n, {CNT}}}]",
        "{method: per_item, count: n, points_each: 3}",
        {"n": amounts()},
    ),
    (
        "I.10",
        "10",
        f"[{{name: c, label: c, type: yes_no}}, {{name: a, label: a, {CNT}}}, {{name: b, label: b, {CNT}}}]",
        "{method: split, parts: [{name: Huyện, max: 4, scoring: {method: yes_no, input: c}}, "
        "{name: Xã, max: 6, scoring: {method: ratio, numerator: a, denominator: b}}]}",
        {"c": st.booleans(), "a": amounts(), "b": amounts()},
    ),
    (
        "I.11",
        "8",
        f"[{{name: n, label: n, {CNT}}}]",
        "{method: deduction, missing: n, points_each: 1.5}",
        {"n": amounts()},
    ),
    (
        "I.12",
        "9",
        f"[{{name: a, label: a, {NUM}}}, {{name: b, label: b, {NUM}}}]",
        "{method: expression, formula: 'a / b * max_points * 1.3 if a < b * 2 else min(a, 3) - 1'}",
        {"a": amounts(), "b": amounts()},
    ),
    (
        "I.13",
        "5",
        f"[{{name: n, label: n, {CNT}}}]",
        "{method: ratio_target, value: n, target: 10}",
        {"n": amounts()},
    ),
    (
        "I.14",
        "2.5",
        "[{name: p, label: p, type: percent}]",
        "{method: ratio, value: p}",
        {"p": st.one_of(fractions, amounts())},
    ),
    ("I.15", "6", "[]", "{method: manual}", {"score": st.one_of(amounts(), amounts().map(lambda x: -x))}),
    (
        "I.16",
        "4",
        "[{name: x, label: x, type: number}]",
        "{method: relative, value: x}",
        {"x": amounts()},
    ),
]
SPLIT_AT = 8  # the first 8 items form index I, the rest index II


def _item_yaml(code: str, mx: str, inputs: str, scoring: str, *, index: str, precision: int) -> str:
    if precision == 0:
        mx = str(Decimal(mx).to_integral_value())  # a max with more decimals than the precision: see test_methods
    real = f"{index}.{code.split('.')[1]}"
    return f"      - {{code: {real}, name: Mục {code}, max: {mx}, inputs: {inputs}, scoring: {scoring}}}\n"


@functools.cache
def full_framework(precision: int) -> Framework:
    first = "".join(_item_yaml(c, m, i, s, index="I", precision=precision) for c, m, i, s, _ in ITEMS[:SPLIT_AT])
    second = "".join(_item_yaml(c, m, i, s, index="II", precision=precision) for c, m, i, s, _ in ITEMS[SPLIT_AT:])
    body = (
        f"precision: {precision}\n"
        "indices:\n"
        + '  - code: "I"\n    name: Một\n    indicators:\n'
        + first
        + '  - code: "II"\n    name: Hai\n    indicators:\n'
        + second
    )
    body += (
        "adjustments:\n"
        "  - {code: T.1, name: Thưởng, kind: bonus, max: 20, inputs: [{name: n, label: n, type: count}],"
        " scoring: {method: per_item, count: n, points_each: 5}}\n"
        "  - {code: P.1, name: Trừ, kind: penalty, max: 50, inputs: [{name: n, label: n, type: count}],"
        " scoring: {method: per_item, count: n, points_each: 7}}\n"
    )
    from dti.engine.loader import parse_framework

    return parse_framework(HEADER + body)


def real_code(code: str) -> str:
    position = [c for c, *_ in ITEMS].index(code)
    return f"{'I' if position < SPLIT_AT else 'II'}.{code.split('.')[1]}"


@st.composite
def unit_values(draw: st.DrawFn, name: str = "A") -> UnitInputs:
    values: dict[str, dict[str, object]] = {}
    na: dict[str, str] = {}
    for code, _mx, _inputs, _scoring, strategies in ITEMS:
        real = real_code(code)
        if draw(st.integers(0, 9)) == 0:
            na[real] = "Không áp dụng"
        entered = {}
        for name_, strategy in strategies.items():
            value = draw(maybe(strategy)) if draw(st.integers(0, 9)) == 0 else draw(strategy)
            if value is not None:
                entered[name_] = value
        values[real] = entered
    if draw(st.booleans()):
        values["T.1"] = {"n": draw(amounts(top=100))}
    if draw(st.booleans()):
        values["P.1"] = {"n": draw(amounts(top=100))}
    return UnitInputs(name, values=values, na=na)


def decimals_of(x: Decimal) -> int:
    exponent = x.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


# --- every method stays in [0, max] at the framework's precision -------------------------------


@SETTINGS
@given(precision=st.integers(0, 3), units=st.lists(unit_values(), min_size=1, max_size=4))
def test_scores_in_range_and_precision(precision: int, units: list[UnitInputs]) -> None:
    fw = full_framework(precision)
    for i, u in enumerate(units):
        u.unit = f"Đơn vị {i}"
    for result in score_campaign(fw, units):
        for item in fw.walk():
            s = result.items[item.code]
            if s.status is Status.NA:
                assert s.score is None
                continue
            assert s.score is not None
            assert item.max is not None
            assert Decimal(0) <= s.score <= item.max, (item.code, s)
            assert decimals_of(s.score) <= precision, (item.code, s.score)
            if s.status is Status.INVALID or (s.status is Status.MISSING and item.scoring.method != "split"):
                assert s.score == 0  # a split keeps the points of its complete parts


@SETTINGS
@given(precision=st.integers(0, 3), unit=unit_values())
def test_sums_add_up(precision: int, unit: UnitInputs) -> None:
    fw = full_framework(precision)
    r = score_unit(fw, unit)
    total = Decimal(0)
    total_max = Decimal(0)
    for index in fw.indices:
        counted = [r.items[i.code] for i in index.indicators if r.items[i.code].counts]
        expected = sum((s.score for s in counted if s.score is not None), Decimal(0))
        assert r.indices[index.code] == expected
        applicable = sum((i.max for i in index.indicators if r.items[i.code].counts and i.max is not None), Decimal(0))
        assert r.index_max[index.code] == applicable
        total += expected
        total_max += applicable
    bonus = r.items["T.1"].score or Decimal(0)
    penalty = r.items["P.1"].score or Decimal(0)
    assert (r.bonus, r.penalty) == (bonus, penalty)
    assert r.total == max(total + bonus - penalty, Decimal(0))
    assert r.max == total_max
    assert r.total is not None and r.total >= 0
    if r.max:
        assert r.percent == r.total / r.max * 100
    else:
        assert r.percent is None


@SETTINGS
@given(precision=st.integers(0, 3), unit=unit_values())
def test_percent_at_most_100_without_bonus(precision: int, unit: UnitInputs) -> None:
    unit.values.pop("T.1", None)
    r = score_unit(full_framework(precision), unit)
    assert r.bonus == 0
    if r.percent is not None:
        assert Decimal(0) <= r.percent <= 100


@SETTINGS
@given(xs=st.lists(amounts(), min_size=1, max_size=8), lower=st.booleans())
def test_relative_scores_span_zero_to_max(xs: list[Decimal], lower: bool) -> None:
    fw = relative_framework(lower)
    results = score_campaign(fw, [UnitInputs(f"U{i}", values={"I.1": {"x": x}}) for i, x in enumerate(xs)])
    scores = [r.items["I.1"].score for r in results]
    assert all(s is not None and 0 <= s <= 4 for s in scores)
    if len(set(xs)) > 1:
        best = max(xs) if not lower else min(xs)
        worst = min(xs) if not lower else max(xs)
        assert scores[xs.index(best)] == 4
        assert scores[xs.index(worst)] == 0
        # better values never score less
        ordered = sorted(zip(xs, scores, strict=True), key=lambda p: p[0], reverse=not lower)
        assert all(a[1] >= b[1] for a, b in itertools.pairwise(ordered))  # type: ignore[operator]
    else:
        assert set(scores) == {Decimal(4)}


@functools.cache
def relative_framework(lower: bool) -> Framework:
    direction = "lower" if lower else "higher"
    return framework(
        f"""
        indices:
          - code: "I"
            name: Một
            indicators:
              - {{code: I.1, name: Một, max: 4, inputs: [{{name: x, label: x, type: number}}],
                 scoring: {{method: relative, value: x, direction: {direction}}}}}
        """
    )


# --- ranks -----------------------------------------------------------------------------------

rank_values = st.lists(
    st.one_of(st.none(), st.integers(0, 6).map(Decimal), st.integers(0, 10**6).map(lambda n: Decimal(n).scaleb(-2))),
    max_size=20,
)


@SETTINGS
@given(values=rank_values, ties=st.sampled_from(list(Ties)))
def test_ranks_are_valid(values: list[Decimal | None], ties: Ties) -> None:
    result = ranks(values, ties)
    assert len(result) == len(values)
    present = [(v, r) for v, r in zip(values, result, strict=True) if v is not None]
    assert all(r is None for v, r in zip(values, result, strict=True) if v is None)
    if not present:
        return
    assert all(isinstance(r, int) and r >= 1 for _, r in present)
    assert min(r for _, r in present) == 1  # rank 1 exists
    ordered = sorted(present, key=lambda p: p[0], reverse=True)
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(ordered))  # type: ignore[operator]
    for v, r in present:
        higher = [w for w, _ in present if w > v]
        if ties is Ties.COMPETITION:
            assert r == 1 + len(higher)
        else:
            assert r == 1 + len(set(higher))
    for (v, r), (w, s) in itertools.pairwise(ordered):
        if v == w:
            assert r == s  # equal values share a rank
        else:
            assert r < s  # type: ignore[operator]


@SETTINGS
@given(precision=st.integers(0, 3), unit=unit_values(), overridden=st.lists(st.sampled_from([c for c, *_ in ITEMS])))
def test_compact_sums_equal_item_by_item_sums(precision: int, unit: UnitInputs, overridden: list[str]) -> None:
    """`summarize` adds a scored unit's stored scores slice by slice; the same items as a plain
    dict go item by item: both give the same indices, maxima and total."""
    fw = full_framework(precision)
    unit.overrides = {real_code(c): Decimal(3) for c in overridden}
    compact = score_unit(fw, unit)
    plain = summarize(fw, unit.unit, unit.group, unit.type, dict(compact.items))
    assert (compact.indices, compact.index_max) == (plain.indices, plain.index_max)
    assert (compact.total, compact.max, compact.percent) == (plain.total, plain.max, plain.percent)
