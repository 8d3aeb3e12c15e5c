"""Loading and validating frameworks: a valid one, a broken one reporting everything, shipped ones."""

from __future__ import annotations

import datetime
import textwrap
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from dti.engine.errors import DtiError, FrameworkError, Problem
from dti.engine.loader import code_order, describe, load_framework, parse_framework
from dti.engine.model import InputType, Level, RankBasis, Ties
from tests.engine.conftest import FRAMEWORKS, HEADER

VALID = """\
format: dti/1
code: thu-hop-le
name: Bộ chỉ số thử hợp lệ
decision:
  number: 811/QĐ-UBND
  date: 2023-07-24
  issuer: Chủ tịch UBND tỉnh
level: huyen
year: 2023
precision: 2
max: 60
ranking: {basis: percent, decimals: 1, ties: dense}
classification:
  basis: percent
  bands:
    - {name: Tốt, min: 75}
    - {name: Khá, min: 50}
    - {name: Kém, min: 0}
unit_types: {huyen: Huyện, thanh_pho: Thành phố}
general_info:
  - {code: dan_so, number: "1.4", label: Dân số, type: count, unit: người}
  - {code: so_xa, label: Số xã, type: count}
indices:
  - code: "I"
    name: Nhận thức số
    max: 40
    indicators:
      - code: I.3
        name: Ba
        max: 10
        inputs: [{name: issued, label: Đã ban hành, type: yes_no}]
        scoring: {method: yes_no, input: issued}
      - code: I.1
        name: Một
        max: 10
        applies_to: [huyen]
        evidence: {required: true, description: Kế hoạch}
        inputs:
          - {name: a, label: Số người, type: count}
          - {name: b, from: dan_so}
        scoring: {method: ratio, numerator: a, denominator: b}
    groups:
      - code: I.2
        name: Nhóm hai
        indicators:
          - code: I.2.2
            name: Hai hai
            max: 5
            scoring: {method: manual}
          - code: I.2.1
            name: Hai một
            max: 15
            inputs: [{name: n, label: Số nền tảng, type: count}]
            scoring: {method: per_item, count: n, points_each: 3}
  - code: "II"
    name: Thể chế số
    max: 20
    indicators:
      - {code: II.1, name: Một, max: 20, scoring: {method: manual}}
      - {code: II.2, name: Tham khảo, scoring: {method: reference}}
  - {code: "III", name: Đô thị thông minh, reference_only: true}
adjustments:
  - {code: T.1, name: Sáng kiến, kind: bonus, max: 10, inputs: [{name: k, label: k, type: count}],
     scoring: {method: per_item, count: k, points_each: 5}}
derived:
  - {code: DTI, name: Chỉ số DTI, indices: all, decimals: 4}
  - {code: P1, name: Trụ cột, indices: ["I"], decimals: 3}
source: Phụ lục II
"""


def test_valid_framework_loads() -> None:
    fw = parse_framework(VALID, file="thu.yaml")
    assert fw.code == "thu-hop-le"
    assert fw.level is Level.HUYEN
    assert fw.year == 2023
    assert fw.file == "thu.yaml"
    assert fw.decision is not None
    assert fw.decision.number == "811/QĐ-UBND"
    assert fw.decision.date == datetime.date(2023, 7, 24)
    assert fw.precision == 2
    assert (fw.ranking.basis, fw.ranking.decimals, fw.ranking.ties) == (RankBasis.PERCENT, 1, Ties.DENSE)
    assert fw.classification is not None
    assert [b.name for b in fw.classification.bands] == ["Tốt", "Khá", "Kém"]
    assert fw.unit_types == {"huyen": "Huyện", "thanh_pho": "Thành phố"}
    assert [f.name for f in fw.general_info] == ["dan_so", "so_xa"]
    assert fw.source == "Phụ lục II"


def test_valid_framework_counts_and_maxima() -> None:
    fw = parse_framework(VALID)
    assert [i.code for i in fw.indices] == ["I", "II", "III"]
    assert len(fw.indicators) == 6
    assert len(fw.adjustments) == 1
    assert [i.code for i in fw.scored_indices] == ["I", "II"]
    index_max = {i.code: i.max for i in fw.indices}
    assert index_max == {"I": Decimal(40), "II": Decimal(20), "III": None}
    assert fw.max == Decimal(60)
    assert fw.declared_max == Decimal(60)
    assert fw.index("III").reference_only  # type: ignore[union-attr]
    assert fw.index("III").scored_directly  # type: ignore[union-attr]


def test_valid_framework_orders_indicators_by_code() -> None:
    fw = parse_framework(VALID)
    index = fw.index("I")
    assert index is not None
    assert [i.code for i in index.indicators] == ["I.1", "I.2.1", "I.2.2", "I.3"]
    assert [i.code for i in index.direct] == ["I.3", "I.1"]  # as written
    assert [g.code for g in index.groups] == ["I.2"]
    assert [i.group for i in index.indicators] == ["", "I.2", "I.2", ""]
    assert {i.index for i in index.indicators} == {"I"}


def test_valid_framework_items() -> None:
    fw = parse_framework(VALID)
    one = fw.item("I.1")
    assert one is not None
    assert one.applies_to == frozenset({"huyen"})
    assert one.applies("huyen") and not one.applies("thanh_pho") and one.applies(None)
    assert one.evidence is not None and one.evidence.required
    b = one.input("b")
    assert b is not None
    assert (b.source, b.type, b.label) == ("dan_so", InputType.COUNT, "Dân số")
    assert one.input("ratio") is not None  # declared percentage accepted in place of a/b
    assert fw.item("II.2").reference_only  # type: ignore[union-attr]
    assert fw.item("T.1") is not None
    assert describe(one) == "Điểm = Tỷ lệ × Điểm tối đa"


def test_an_item_is_found_by_its_code() -> None:
    # By a dictionary built once per framework (scoring a campaign asks tens of thousands of times).
    fw = parse_framework(VALID)
    assert all(fw.item(item.code) is item for item in fw.walk())  # indicators and bonus/penalty items
    assert fw.item("I") is None and fw.item("") is None and fw.item("I.9") is None


def test_valid_framework_derived() -> None:
    fw = parse_framework(VALID)
    assert [(d.code, d.indices, d.decimals) for d in fw.derived] == [("DTI", ("I", "II"), 4), ("P1", ("I",), 3)]


def test_code_order() -> None:
    codes = ["I.3", "I.10", "I.2.2", "I.1", "I.2.1", "I.9"]
    assert sorted(codes, key=code_order) == ["I.1", "I.2.1", "I.2.2", "I.3", "I.9", "I.10"]


def test_text_is_normalised_to_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Nhận thức số")
    assert decomposed != "Nhận thức số"
    fw = parse_framework(HEADER + f'indices: [{{code: "1", name: "{decomposed}", max: 100}}]')
    assert fw.indices[0].name == "Nhận thức số"


def test_decision_date_in_vietnamese_order() -> None:
    text = VALID.replace("date: 2023-07-24", 'date: "24/07/2023"')
    assert parse_framework(text).decision.date == datetime.date(2023, 7, 24)  # type: ignore[union-attr]


def test_numbers_with_decimal_comma() -> None:
    fw = parse_framework(HEADER + 'indices: [{code: "1", name: Một, max: "37,5"}]')
    assert fw.indices[0].max == Decimal("37.5")


# --- a broken document: every problem at once ----------------------------------------------

BROKEN = """\
format: dti/1
code: hong
name: Bộ chỉ số hỏng
level: huyen
year: 2023
colour: xanh
general_info:
  - {code: dan_so, label: Dân số, type: count}
indices:
  - code: "I"
    name: Chỉ số một
    indicators:
      - code: I.1
        name: Phương pháp không tồn tại
        max: 10
        scoring: {method: magic}
      - code: I.2
        name: Có mã
        max: 10
        inputs: [{name: c, label: c, type: yes_no}]
        scoring: {method: yes_no, input: c}
      - code: I.2
        name: Trùng mã
        max: 10
        inputs: [{name: c, label: c, type: yes_no}]
        scoring: {method: yes_no, input: c}
      - code: I.4
        name: Trường chưa khai báo
        max: 10
        inputs: [{name: a, label: a, type: count}]
        scoring: {method: ratio, numerator: a, denominator: khong_co}
      - code: I.5
        name: Lấy từ thông tin chung không có
        max: 10
        inputs: [{name: a, label: a, type: count}, {name: b, from: dan_so_sai, type: count}]
        scoring: {method: ratio, numerator: a, denominator: b}
      - code: I.6
        name: Công thức hỏng
        max: 10
        inputs: [{name: a, label: a, type: count}]
        scoring: {method: expression, formula: "a +* 2"}
      - code: I.7
        name: Ngưỡng thiếu dấu phần trăm
        max: 10
        inputs: [{name: a, label: a, type: count}, {name: b, label: b, type: count}]
        scoring: {method: ratio_target, numerator: a, denominator: b, target: 50}
      - code: I.8
        name: Các phần không khớp
        max: 10
        inputs: [{name: c, label: c, type: yes_no}, {name: d, label: d, type: yes_no}]
        scoring:
          method: split
          parts:
            - {name: Cấp huyện, max: 5, scoring: {method: yes_no, input: c}}
            - {name: Cấp xã, max: 4, scoring: {method: yes_no, input: d}}
      - code: I.9
        name: Lựa chọn lạ
        max: 10
        inputs: [{name: h, label: h, type: choice, options: {chu_tich: Chủ tịch, khac: Khác}}]
        scoring: {method: choice, input: h, points: {chu_tich: 10, pho: 5, khac: 0}}
      - code: I.10
        name: Khóa lạ
        max: 10
        weight: 2
        inputs: [{name: c, label: c, type: yes_no}]
        scoring: {method: yes_no, input: c}
      - code: 1.1
        name: Mã viết như số thực
        max: 10
        inputs: [{name: c, label: c, type: yes_no}]
        scoring: {method: yes_no, input: c}
  - code: "II"
    name: Chỉ số hai
    max: 20
    indicators:
      - {code: II.1, name: Một, max: 10, scoring: {method: manual}}
      - {code: II.2, name: Hai, max: 5, scoring: {method: manual}}
derived:
  - {code: X, name: Giá trị, indices: ["I", "IX"], decimals: 4}
"""

IND = "indices[I].indicators"
EXPECTED = [
    # (path, message fragments) — one entry per deliberate problem
    ("colour", ["không được hỗ trợ"]),  # unknown top-level key
    (f"{IND}[I.1].scoring.method", ["magic", "không tồn tại"]),  # unknown method
    (f"{IND}[2].code", ["I.2", "trùng"]),  # duplicate code
    (f"{IND}[I.4].scoring.denominator", ["khong_co", "chưa được khai báo"]),  # input not declared
    (f"{IND}[I.5].inputs[1].from", ["dan_so_sai"]),  # from naming no general-info field
    (f"{IND}[I.6].scoring.formula", ["a +* 2", "sai cú pháp"]),  # malformed expression
    (f"{IND}[I.7].scoring.target", ["phần trăm", "50%"]),  # ratio threshold without %
    (f"{IND}[I.8].scoring.parts", ["9", "10"]),  # split parts not adding up
    (f"{IND}[I.9].scoring.points.pho", ["pho", "không phải là lựa chọn"]),  # choice naming unknown option
    (f"{IND}[9].weight", ["không được hỗ trợ"]),  # unknown item key (reported before the code is read)
    (f"{IND}[10].code", ['"1.1"']),  # float code
    ("indices[II].max", ["20", "15"]),  # indicator maxima not adding up to the index max
    ("derived[0].indices", ["IX"]),  # derived naming an unknown index
]


def broken_problems() -> list[Problem]:
    with pytest.raises(FrameworkError) as info:
        parse_framework(BROKEN, file="hong.yaml")
    return info.value.problems


@pytest.mark.parametrize(("path", "fragments"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_broken_framework_reports_problem(path: str, fragments: list[str]) -> None:
    problems = broken_problems()
    matching = [p for p in problems if p.path == path]
    assert len(matching) == 1, f"{path}: {[str(p) for p in problems]}"
    problem = matching[0]
    assert problem.file == "hong.yaml"
    for fragment in fragments:
        assert fragment in problem.message, (fragment, problem.message)


def test_broken_framework_reports_everything_at_once() -> None:
    problems = broken_problems()
    paths = [p.path for p in problems]
    assert {path for path, _ in EXPECTED} <= set(paths)
    assert len(paths) == len(set(paths))  # each problem once
    assert len(problems) == len(EXPECTED)  # nothing else
    assert all(p.file == "hong.yaml" for p in problems)


def test_framework_error_message_lists_every_problem() -> None:
    with pytest.raises(FrameworkError) as info:
        parse_framework(BROKEN, file="hong.yaml")
    text = str(info.value)
    assert text.startswith(f"{len(EXPECTED)} lỗi trong bộ chỉ số")
    for path, _ in EXPECTED:
        assert f"hong.yaml: {path}:" in text
    assert isinstance(info.value, DtiError)


def test_broken_indicator_does_not_cause_a_false_maxima_problem() -> None:
    """An index whose indicator maxima do add up must not be reported because one indicator has
    another problem: the broken indicator's max (10) still counts toward the check."""
    text = HEADER + textwrap.dedent(
        """
        indices:
          - code: "I"
            name: Chỉ số
            max: 20
            indicators:
              - {code: I.1, name: Một, max: 10, scoring: {method: manual}}
              - {code: I.2, name: Hai, max: 10, scoring: {method: magic}}
        """
    )
    with pytest.raises(FrameworkError) as info:
        parse_framework(text)
    problems = [(p.path, "magic" in p.message) for p in info.value.problems]
    assert problems == [("indices[I].indicators[I.2].scoring.method", True)]


def test_declared_total_must_match_indices() -> None:
    text = HEADER + 'max: 1000\nindices: [{code: "1", name: Một, max: 100}, {code: "2", name: Hai, max: 100}]\n'
    with pytest.raises(FrameworkError) as info:
        parse_framework(text)
    [problem] = info.value.problems
    assert problem.path == "max"
    assert "1000" in problem.message and "200" in problem.message


COUNT_N = "[{name: n, label: n, type: count}]"


@pytest.mark.parametrize(
    ("scoring", "inputs", "path", "fragment"),
    [
        ("{method: ratio, numerator: a}", "[{name: a, label: a, type: count}]", "scoring.denominator", ""),
        ("{method: yes_no, input: a}", "[{name: a, label: a, type: count}]", "scoring.input", "yes_no"),
        ("{method: yes_no, input: c, colour: red}", "[{name: c, label: c, type: yes_no}]", "scoring.colour", ""),
        ("{method: ratio, value: n}", "[{name: n, label: n, type: count}]", "scoring.value", "tỷ lệ"),
        ("{method: ratio_target, value: n, target: '10%'}", COUNT_N, "scoring.target", "%"),
        ("{method: expression, formula: 'a + zz'}", "[{name: a, label: a, type: count}]", "scoring.formula", "zz"),
        ("{method: expression, formula: \"open('x')\"}", "[]", "scoring.formula", "không được phép"),
        ("{method: expression, formula: 'a ** 2'}", "[{name: a, label: a, type: count}]", "scoring.formula", ""),
        (
            "{method: gated_ratio, numerator: a, denominator: b, full: '80%', floor: '90%'}",
            "[{name: a, label: a, type: count}, {name: b, label: b, type: count}]",
            "scoring.floor",
            "",
        ),
        (
            "{method: tiers, value: n, tiers: [{min: 1, points: 5}, {min: 2, points: 10}]}",
            "[{name: n, label: n, type: count}]",
            "scoring.tiers",
            "cao xuống thấp",
        ),
        ("{method: per_item, count: n, points_each: 'x * 2'}", COUNT_N, "scoring.points_each", "x"),
        ("{method: relative, value: n, direction: up}", "[{name: n, label: n, type: number}]", "scoring.direction", ""),
        (
            "{method: choice, input: h, points: {a: 1}}",
            "[{name: h, label: h, type: choice, options: {a: A, b: B}}]",
            "scoring.points",
            "'b'",
        ),
        ("{method: yes_no, input: ratio}", "[{name: ratio, label: r, type: yes_no}]", "inputs[0].name", "ratio"),
        (
            "{method: split, parts: [{name: A, max: 5, scoring: {method: manual}}, "
            "{name: B, max: 5, scoring: {method: yes_no, input: c}}]}",
            "[{name: c, label: c, type: yes_no}]",
            "scoring.parts[0].scoring",
            "manual",
        ),
    ],
)
def test_single_scoring_problem(scoring: str, inputs: str, path: str, fragment: str) -> None:
    text = HEADER + textwrap.dedent(
        f"""
        indices:
          - code: "I"
            name: Chỉ số
            indicators:
              - code: I.1
                name: Một
                max: 10
                inputs: {inputs}
                scoring: {scoring}
        """
    )
    with pytest.raises(FrameworkError) as info:
        parse_framework(text)
    full = f"indices[I].indicators[I.1].{path}"
    matching = [p for p in info.value.problems if p.path == full]
    assert matching, [str(p) for p in info.value.problems]
    assert fragment in matching[0].message


def test_missing_required_top_level() -> None:
    with pytest.raises(FrameworkError) as info:
        parse_framework("name: Thiếu gần hết\n")
    paths = {p.path for p in info.value.problems}
    assert {"format", "code", "level", "year", "indices"} <= paths


def test_yaml_syntax_error_gives_line() -> None:
    text = "format: dti/1\ncode: x\nindices:\n  - code: [unclosed\n    name: y\n"
    with pytest.raises(FrameworkError) as info:
        parse_framework(text, file="sai.yaml")
    [problem] = info.value.problems
    assert problem.file == "sai.yaml"
    assert problem.path.startswith("dòng ")
    assert "YAML" in problem.message


def test_yaml_syntax_error_line_number() -> None:
    text = "format: dti/1\ncode: x\n  bad: indent\n"  # line 3 is indented under a scalar
    with pytest.raises(FrameworkError) as info:
        parse_framework(text)
    assert info.value.problems[0].path.startswith("dòng 3, cột ")


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "just text\n"])
def test_not_a_mapping(text: str) -> None:
    with pytest.raises(FrameworkError):
        parse_framework(text)


def test_missing_file_is_a_dti_error(tmp_path: Path) -> None:
    missing = tmp_path / "khong-co.yaml"
    with pytest.raises(DtiError) as info:
        load_framework(missing)
    assert not isinstance(info.value, FrameworkError)
    assert str(missing) in str(info.value)
    assert "không tìm thấy" in str(info.value)


def test_load_framework_from_file(tmp_path: Path) -> None:
    path = tmp_path / "thu-hop-le.yaml"
    path.write_text(VALID, encoding="utf-8")
    fw = load_framework(path)
    assert fw.file == str(path)
    assert fw.max == Decimal(60)


def test_load_framework_reports_the_file(tmp_path: Path) -> None:
    path = tmp_path / "hong.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    assert {p.file for p in info.value.problems} == {str(path)}


# --- every shipped framework validates -----------------------------------------------------

SHIPPED = sorted(FRAMEWORKS.glob("*.yaml"))


def test_frameworks_are_shipped() -> None:
    assert len(SHIPPED) >= 5


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_framework_validates(path: Path) -> None:
    fw = load_framework(path)
    assert fw.code == path.stem  # the code is the file name
    assert fw.indices
    codes = [i.code for i in fw.walk()] + [i.code for i in fw.indices]
    assert len(codes) == len(set(codes))
    for index in fw.scored_indices:
        maxima = [i.max for i in index.indicators if not i.reference_only]
        if index.max is not None and maxima and None not in maxima:
            assert sum(maxima, Decimal(0)) == index.max, index.code
    if fw.declared_max is not None and fw.max is not None:
        assert fw.max == fw.declared_max
    for item in fw.walk():
        if item.scoring.needs_max:
            assert item.max is not None, item.code
