"""Benchmark: score and rank a synthetic national campaign with the engine and with pandas.

3,500 units × 100 scored indicators using every scoring method (relative min–max and ranking
in groups included), plus a reference-only index ("Đô thị thông minh", with a reference item)
and bonus and penalty points. The same computation is written plainly with pandas on the same inputs
(Decimal columns, so both give the same numbers; the script checks they do), and both are
timed in the same run. The last line reads:

    engine: X s; pandas baseline: Y s; speedup: Z x

Run: `make bench` or `.venv/bin/python benchmarks/engine.py [--units N]`. Not a test.
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import yaml

from dti.engine import Framework, UnitInputs, UnitResult, parse_framework, score_campaign

METHODS = [
    "yes_no",
    "choice",
    "ratio",
    "ratio_target",
    "gated_ratio",
    "all_or_nothing",
    "tiers",
    "per_item",
    "split",
    "deduction",
    "relative",
    "manual",
    "expression",
]
INDICES = 10
PER_INDEX = 10
GROUPS = ["Miền Bắc", "Miền Trung", "Miền Nam", "Tây Nguyên", "Đồng bằng", "Thành phố"]
Q = Decimal("0.01")


def indicator(code: str, method: str) -> dict[str, object]:
    """One indicator of `method` with 10 points and the inputs it needs."""
    count = {"type": "count", "label": "Số lượng"}
    base: dict[str, object] = {"code": code, "name": f"Chỉ số {code}", "max": 10}
    ab = [{"name": "a", **count}, {"name": "b", **count}]
    specs: dict[str, tuple[list[dict[str, object]], dict[str, object]]] = {
        "yes_no": ([{"name": "x", "type": "yes_no", "label": "Có"}], {"input": "x"}),
        "choice": (
            [{"name": "c", "type": "choice", "label": "Chọn", "options": {"a": "A", "b": "B", "c": "C"}}],
            {"input": "c", "points": {"a": "max_points", "b": "max_points / 2", "c": 0}},
        ),
        "ratio": (ab, {"numerator": "a", "denominator": "b"}),
        "ratio_target": (ab, {"numerator": "a", "denominator": "b", "target": "50%"}),
        "gated_ratio": (ab, {"numerator": "a", "denominator": "b", "full": "90%", "floor": "80%"}),
        "all_or_nothing": (ab, {"numerator": "a", "denominator": "b"}),
        "tiers": (
            ab,
            {
                "numerator": "a",
                "denominator": "b",
                "tiers": [{"min": "90%", "points": 10}, {"min": "70%", "points": 7}, {"min": "30%", "points": 3}],
            },
        ),
        "per_item": ([{"name": "n", **count}], {"count": "n", "points_each": 3}),
        "split": (
            [{"name": "x", "type": "yes_no", "label": "Có"}, *ab],
            {
                "parts": [
                    {"name": "Cấp tỉnh", "max": 5, "scoring": {"method": "yes_no", "input": "x"}},
                    {"name": "Cấp xã", "max": 5, "scoring": {"method": "ratio", "numerator": "a", "denominator": "b"}},
                ]
            },
        ),
        "deduction": ([{"name": "n", **count}], {"missing": "n"}),
        "relative": ([{"name": "v", "type": "number", "label": "Giá trị"}], {"value": "v"}),
        "manual": ([], {}),
        "reference": ([{"name": "v", "type": "number", "label": "Giá trị"}], {}),
        "expression": (ab, {"formula": "min(a / b, 1) * max_points * 0.8 + (2 if a > 10 else 0)"}),
    }
    inputs, params = specs[method]
    return {**base, "inputs": inputs, "scoring": {"method": method, **params}}


def build_framework() -> Framework:
    """A national-style framework: 10 indices × 10 indicators, every method, a reference-only
    index, bonus and penalty points, a derived 0–1 figure."""
    indices = []
    n = 0
    for i in range(1, INDICES + 1):
        items = []
        for j in range(1, PER_INDEX + 1):
            items.append(indicator(f"{i}.{j}", METHODS[n % len(METHODS)]))
            n += 1
        indices.append({"code": str(i), "name": f"Chỉ số chính {i}", "max": 100, "indicators": items})
    # Collected and shown, not in the total (the national "Đô thị thông minh").
    reference = [indicator("11.1", "ratio"), indicator("11.2", "yes_no"), indicator("11.3", "reference")]
    reference[2].pop("max")
    indices.append({"code": "11", "name": "Đô thị thông minh", "reference_only": True, "indicators": reference})
    count = [{"name": "n", "type": "count", "label": "Số lượng"}]
    adjustments = [
        {
            "code": "T.1",
            "name": "Sáng kiến được công nhận",
            "kind": "bonus",
            "max": 20,
            "inputs": count,
            "scoring": {"method": "per_item", "count": "n", "points_each": 5},
        },
        {
            "code": "P.1",
            "name": "Sự cố mất an toàn thông tin",
            "kind": "penalty",
            "max": 50,
            "inputs": count,
            "scoring": {"method": "per_item", "count": "n", "points_each": 7},
        },
    ]
    doc = {
        "format": "dti/1",
        "code": "benchmark",
        "name": "Bộ chỉ số thử hiệu năng",
        "level": "tinh",
        "year": 2025,
        "precision": 2,
        "max": 1000,
        "ranking": {"basis": "total", "decimals": 2, "ties": "competition"},
        "indices": indices,
        "adjustments": adjustments,
        "derived": [{"code": "DTI", "name": "DTI", "indices": "all", "decimals": 4}],
    }
    return parse_framework(yaml.safe_dump(doc, allow_unicode=True), file="benchmark")


def build_units(framework: Framework, count: int, seed: int = 2025) -> list[UnitInputs]:
    """`count` units with random but plausible inputs (0,5 % zero denominators, 0,5 % a > b)."""
    rng = random.Random(seed)
    units = []
    for u in range(count):
        values: dict[str, dict[str, object]] = {}
        for item in framework.walk():
            method = item.scoring.method
            v: dict[str, object] = {}
            names = {f.name for f in item.inputs}
            if "a" in names:
                # As in real submissions: mostly a ≤ b, a few zero denominators and a > b errors.
                b = 0 if rng.random() < 0.005 else rng.randint(1, 200)
                a = b + rng.randint(1, 5) if rng.random() < 0.005 else rng.randint(0, b)
                v["a"], v["b"] = Decimal(a), Decimal(b)
            if "x" in names:
                v["x"] = rng.random() < 0.7
            if "c" in names:
                v["c"] = rng.choice("abc")
            if "n" in names:
                v["n"] = Decimal(rng.randint(0, 6))
            if "v" in names:
                v["v"] = Decimal(rng.randint(0, 100000)) / 100
            if method == "manual":
                v["score"] = Decimal(rng.randint(0, 1000)) / 100
            values[item.code] = v
        units.append(UnitInputs(unit=f"Đơn vị {u + 1}", group=GROUPS[u % len(GROUPS)], values=values))
    return units


# --- the same computation, written plainly with pandas ------------------------------------


def pandas_baseline(framework: Framework, units: list[UnitInputs]) -> pd.DataFrame:
    """Score and rank with pandas: one column per input, one vectorised rule per method."""
    rows = []
    for u in units:
        row: dict[str, object] = {"unit": u.unit, "group": u.group}
        for code, v in u.values.items():
            for name, x in v.items():
                row[f"{code}:{name}"] = x
        rows.append(row)
    df = pd.DataFrame(rows)
    zero, one = Decimal(0), Decimal(1)

    def col(code: str, name: str) -> pd.Series:
        return df[f"{code}:{name}"]

    def ratio(code: str) -> pd.Series:
        a, b = col(code, "a"), col(code, "b")
        safe_b = b.where(b != zero, one)
        r = (a / safe_b).where(a <= b, one)
        return r.where(b != zero, np.nan)

    def capped(code: str, each: int, cap: int) -> pd.Series:
        points = col(code, "n") * each
        return points.where(points < cap, Decimal(cap))

    def r_or_zero(r: pd.Series, score: pd.Series) -> pd.Series:
        return score.where(r.notna(), zero)

    rules: dict[str, Callable[[str, Decimal], pd.Series]] = {
        "yes_no": lambda c, m: col(c, "x").map({True: m, False: zero}),
        "choice": lambda c, m: col(c, "c").map({"a": m, "b": m / 2, "c": zero}),
        "ratio": lambda c, m: r_or_zero(r := ratio(c), r.fillna(zero) * m),
        "ratio_target": lambda c, m: r_or_zero(
            r := ratio(c), (r.fillna(zero) / Decimal("0.5") * m).where(r.fillna(zero) < Decimal("0.5"), m)
        ),
        "gated_ratio": lambda c, m: r_or_zero(
            r := ratio(c),
            pd.Series(
                np.select(
                    [r.fillna(zero) >= Decimal("0.9"), r.fillna(zero) >= Decimal("0.8")],
                    [m, r.fillna(zero) / Decimal("0.9") * m],
                    zero,
                ),
                index=df.index,
            ),
        ),
        "all_or_nothing": lambda c, m: r_or_zero(r := ratio(c), (r.fillna(zero) >= one).map({True: m, False: zero})),
        "tiers": lambda c, m: r_or_zero(
            r := ratio(c),
            pd.Series(
                np.select(
                    [
                        r.fillna(zero) >= Decimal("0.9"),
                        r.fillna(zero) >= Decimal("0.7"),
                        r.fillna(zero) >= Decimal("0.3"),
                    ],
                    [Decimal(10), Decimal(7), Decimal(3)],
                    zero,
                ),
                index=df.index,
            ),
        ),
        "per_item": lambda c, m: (col(c, "n") * 3).where(col(c, "n") * 3 < m, m),
        "split": lambda c, m: (
            col(c, "x").map({True: Decimal(5), False: zero})
            + r_or_zero(r := ratio(c), r.fillna(zero) * 5).map(lambda d: d.quantize(Q, ROUND_HALF_UP))
        ),
        "deduction": lambda c, m: (m - col(c, "n")).where(m - col(c, "n") > zero, zero),
        "relative": lambda c, m: (col(c, "v") - col(c, "v").min()) / (col(c, "v").max() - col(c, "v").min()) * m,
        "manual": lambda c, m: col(c, "score"),
        "expression": lambda c, m: pd.Series(
            [
                (min(a / b, one) * m * Decimal("0.8") + (2 if a > 10 else 0)) if b != zero else zero
                for a, b in zip(col(c, "a"), col(c, "b"), strict=True)
            ],
            index=df.index,
        ),
    }
    scores = {}
    for item in framework.indicators:
        m = item.max
        if m is None:  # the reference item: collected, not scored
            continue
        s = rules[item.scoring.method](item.code, m)
        s = s.where(s > zero, zero).where(s < m, m)
        scores[item.code] = s.map(lambda d: d.quantize(Q, ROUND_HALF_UP))
    out = pd.DataFrame(scores)
    for index in framework.indices:
        out[index.code] = out[[i.code for i in index.indicators if i.max is not None]].sum(axis=1)
    bonus, penalty = (capped(code, each, cap) for code, each, cap in (("T.1", 5, 20), ("P.1", 7, 50)))
    points = out[[i.code for i in framework.indices if not i.reference_only]].sum(axis=1)
    total = points + bonus - penalty  # bonus and penalty move the total, not the maximum
    out["total"] = total.where(total > zero, zero)
    out["percent"] = out["total"] / Decimal(1000) * 100
    out["DTI"] = (points / Decimal(1000)).map(lambda d: d.quantize(Decimal("0.0001"), ROUND_HALF_UP))
    out["group"] = df["group"]
    out["rank"] = out.groupby("group")["total"].rank(method="min", ascending=False).astype(int)
    return out


def best_of(runs: int, fn: Callable[[], object]) -> tuple[float, object]:
    """The fastest of `runs` timings, and the last result (each run starts after a full collection)."""
    best, result = float("inf"), None
    for _ in range(runs):
        result = None
        gc.collect()
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=3500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    framework = build_framework()
    units = build_units(framework, args.units)
    methods = sorted({i.scoring.method for i in framework.walk()})
    scored = sum(len(i.indicators) for i in framework.scored_indices)
    print(f"{args.units} đơn vị × {scored} chỉ số thành phần có điểm; phương pháp: {', '.join(methods)}")
    engine_s, results = best_of(args.runs, lambda: score_campaign(framework, units))
    pandas_s, frame = best_of(args.runs, lambda: pandas_baseline(framework, units))
    engine_results: list[UnitResult] = results  # type: ignore[assignment]
    table = frame.to_dict("records")  # type: ignore[union-attr]
    codes = [index.code for index in framework.indices]
    mismatches = sum(
        1
        for r, row in zip(engine_results, table, strict=True)
        if (r.total, r.rank, r.derived["DTI"]) != (row["total"], row["rank"], row["DTI"])
        or any(r.indices[code] != row[code] for code in codes)
    )
    print(f"kết quả khớp giữa engine và pandas: {len(engine_results) - mismatches}/{len(engine_results)} đơn vị")
    if mismatches:
        raise SystemExit("engine và pandas cho kết quả khác nhau")
    print(f"engine: {engine_s:.3f} s; pandas baseline: {pandas_s:.3f} s; speedup: {pandas_s / engine_s:.2f} x")


if __name__ == "__main__":
    main()
