"""Parsing a unit's values by field type, and reading inputs files (YAML, JSON, CSV, XLSX)."""

from __future__ import annotations

import json
import unicodedata
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from dti.engine.errors import InputError
from dti.engine.inputs import parse_score, parse_value, read_inputs
from dti.engine.loader import parse_framework
from dti.engine.model import Field, Framework, InputType
from dti.engine.scoring import score_campaign

FRAMEWORK = """
format: dti/1
code: thu-2023-huyen
name: Bộ chỉ số thử
level: huyen
year: 2023
precision: 2
max: 100
unit_types: {huyen: Huyện, thanh_pho: Thành phố}
general_info:
  - {code: dan_so, label: Dân số, type: count, unit: người}
  - {code: ten_chu_tich, label: Họ tên Chủ tịch, type: text}
indices:
  - code: "I"
    name: Nhận thức số
    max: 40
    indicators:
      - code: I.1
        name: Trưởng ban Ban chỉ đạo
        max: 10
        inputs:
          - name: head
            label: Trưởng ban là
            type: choice
            options: {chu_tich: Bí thư/Chủ tịch, pho: Phó Bí thư/Phó Chủ tịch, khac: Khác}
        scoring: {method: choice, input: head, points: {chu_tich: max_points, pho: max_points / 2, khac: 0}}
      - code: I.2
        name: Kế hoạch chuyển đổi số
        max: 10
        inputs: [{name: issued, label: Đã ban hành, type: yes_no}]
        scoring: {method: yes_no, input: issued}
      - code: I.3
        name: Tỷ lệ dân số có điện thoại thông minh
        max: 10
        inputs:
          - {name: a, label: Số người có điện thoại thông minh, type: count}
          - {name: b, label: Dân số, from: dan_so}
        scoring: {method: ratio, numerator: a, denominator: b}
      - code: I.4
        name: Chấm trực tiếp
        max: 10
        scoring: {method: manual}
  - code: "II"
    name: Hoạt động
    max: 60
    groups:
      - code: II.1
        name: Dịch vụ công
        indicators:
          - code: II.1.1
            name: Tỷ lệ hồ sơ trực tuyến
            max: 30
            inputs: [{name: p, label: Tỷ lệ hồ sơ trực tuyến, type: percent}]
            scoring: {method: ratio, value: p}
          - code: II.1.2
            name: Kinh phí
            max: 30
            self_score: false
            allow_na: false
            inputs: [{name: x, label: Kinh phí, type: number, unit: triệu đồng}]
            scoring: {method: ratio_target, value: x, target: 10}
"""


@pytest.fixture(scope="module")
def fw() -> Framework:
    return parse_framework(FRAMEWORK, file="thu.yaml")


def field(kind: InputType, **options: str) -> Field:
    return Field(name="f", label="Trường thử", type=kind, options=dict(options))


# --- parse_value ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("37,9", Decimal("37.9")),
        ("37.9", Decimal("37.9")),
        ("58,33", Decimal("58.33")),
        (" 0,5 ", Decimal("0.5")),
        ("1.234,5", Decimal("1234.5")),
        ("1.234.567", Decimal("1234567")),
        ("130 075", Decimal("130075")),
        ("108,6490", Decimal("108.649")),
        (37.9, Decimal("37.9")),
        (12, Decimal("12")),
        (0, Decimal("0")),
        (Decimal("1.5"), Decimal("1.5")),
    ],
)
def test_number(raw: object, expected: Decimal) -> None:
    value = parse_value(field(InputType.NUMBER), raw)
    assert isinstance(value, Decimal)
    assert value == expected


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_empty_entry_is_none(raw: object) -> None:
    for kind in InputType:
        assert parse_value(field(kind, a="A"), raw) is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("108,649", "hai cách"),
        ("130.075", "hai cách"),
        ("abc", "không phải là số"),
        ("1e3", "không phải là số"),
        ("-1", "không được âm"),
        (-0.5, "không được âm"),
        (True, "không phải là số"),
    ],
)
def test_number_refused(raw: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_value(field(InputType.NUMBER), raw)


@pytest.mark.parametrize(("raw", "expected"), [("12", 12), (12, 12), (12.0, 12), ("1.000.000", 1_000_000), ("0", 0)])
def test_count(raw: object, expected: int) -> None:
    assert parse_value(field(InputType.COUNT), raw) == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "message"),
    [("2,5", "số nguyên"), (2.5, "số nguyên"), ("-3", "không được âm"), (-3, "không được âm"), ("1.000", "hai cách")],
)
def test_count_refused(raw: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_value(field(InputType.COUNT), raw)


def test_count_refuses_decimal_comma_naming_it() -> None:
    with pytest.raises(ValueError) as info:
        parse_value(field(InputType.COUNT), "2,5")
    assert str(info.value) == "cần số nguyên, không phải 2,5"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("81,18", "0.8118"),
        ("81,18%", "0.8118"),
        ("81,18 %", "0.8118"),
        ("81.18", "0.8118"),
        (81.18, "0.8118"),
        ("100", "1"),
        (100, "1"),
        ("0", "0"),
        ("0,5%", "0.005"),
    ],
)
def test_percent_is_a_fraction(raw: object, expected: str) -> None:
    assert parse_value(field(InputType.PERCENT), raw) == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "message"), [("120", "từ 0 đến 100"), (100.01, "từ 0 đến 100"), ("-5", "không được âm")]
)
def test_percent_refused(raw: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_value(field(InputType.PERCENT), raw)


def test_percent_above_hundred_says_what_it_read() -> None:
    with pytest.raises(ValueError) as info:
        parse_value(field(InputType.PERCENT), "120")
    assert "120 %" in str(info.value)


@pytest.mark.parametrize("raw", ["Có", "có", "CÓ", "co", "x", "X", "yes", "Đã", "đạt", "1", True, 1])
def test_yes(raw: object) -> None:
    assert parse_value(field(InputType.YES_NO), raw) is True


@pytest.mark.parametrize("raw", ["Không", "không", "KHÔNG", "khong", "no", "Chưa", "chưa có", "0", False, 0])
def test_no(raw: object) -> None:
    assert parse_value(field(InputType.YES_NO), raw) is False


def test_yes_no_decomposed_text() -> None:
    assert parse_value(field(InputType.YES_NO), unicodedata.normalize("NFD", "Không")) is False


@pytest.mark.parametrize("raw", ["ok", "có lẽ", 2, "x2"])
def test_yes_no_refused(raw: object) -> None:
    with pytest.raises(ValueError, match="Có/Không"):
        parse_value(field(InputType.YES_NO), raw)


CHOICE = {"chu_tich": "Bí thư/Chủ tịch", "pho": "Phó Bí thư/Phó Chủ tịch", "khac": "Khác"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("chu_tich", "chu_tich"),
        (" pho ", "pho"),
        ("Bí thư/Chủ tịch", "chu_tich"),
        ("bí thư/chủ tịch", "chu_tich"),
        (unicodedata.normalize("NFD", "Phó Bí thư/Phó Chủ tịch"), "pho"),
        ("Khác", "khac"),
    ],
)
def test_choice_by_code_or_label(raw: str, expected: str) -> None:
    assert parse_value(field(InputType.CHOICE, **CHOICE), raw) == expected


def test_choice_unknown_lists_the_options() -> None:
    with pytest.raises(ValueError) as info:
        parse_value(field(InputType.CHOICE, **CHOICE), "Phó")
    message = str(info.value)
    assert "'Phó'" in message
    for code, label in CHOICE.items():
        assert f"{code} ({label})" in message


def test_text_is_nfc_and_stripped() -> None:
    nfd = unicodedata.normalize("NFD", "  Nguyễn Văn Ánh  ")
    value = parse_value(field(InputType.TEXT), nfd)
    assert value == unicodedata.normalize("NFC", "Nguyễn Văn Ánh")
    assert unicodedata.is_normalized("NFC", value)


def test_text_keeps_numbers_as_text() -> None:
    assert parse_value(field(InputType.TEXT), 506) == "506"


# --- parse_score ---------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [(0, "0"), (10, "10"), ("7,5", "7.5"), (9.99, "9.99"), ("10", "10")])
def test_score_within_bounds(fw: Framework, raw: object, expected: str) -> None:
    assert parse_score(fw.item("I.1"), raw) == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (11, "vượt điểm tối đa 10 của I.1"),
        ("10,01", "vượt điểm tối đa 10 của I.1"),
        (-1, "không được âm"),
        ("mười", "không phải là số"),
        (True, "không phải là số"),
    ],
)
def test_score_refused(fw: Framework, raw: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_score(fw.item("I.1"), raw)


# --- read_inputs: YAML and JSON ----------------------------------------------------------

YAML = """format: dti-inputs/1
framework: thu-2023-huyen
units:
  - unit: UBND huyện A
    group: huyen
    type: huyen
    general:
      dan_so: 1000
      ten_chu_tich: Nguyễn Văn A
    indicators:
      I.1:
        values: {head: pho}
        self_score: 10
        evidence: QĐ 506/QĐ-UBND ngày 10/2/2022
      I.2:
        values: {issued: Có}
      I.3:
        values: {a: 812}
        self_score: "8,5"
        note: ghi chú tự do
      I.4:
        score: 7
      II.1.1:
        values: {p: "81,18"}
  - unit: UBND thành phố B
    type: thanh_pho
    indicators:
      I.1:
        na: Không áp dụng cho thành phố
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_read_yaml(fw: Framework, tmp_path: Path) -> None:
    units = read_inputs(fw, write(tmp_path / "vao.yaml", YAML))
    assert [u.unit for u in units] == ["UBND huyện A", "UBND thành phố B"]
    a, b = units
    assert (a.group, a.type, b.group, b.type) == ("huyen", "huyen", "", "thanh_pho")
    assert a.general == {"dan_so": Decimal(1000), "ten_chu_tich": "Nguyễn Văn A"}
    assert a.values == {
        "I.1": {"head": "pho"},
        "I.2": {"issued": True},
        "I.3": {"a": Decimal(812)},
        "I.4": {"score": Decimal(7)},
        "II.1.1": {"p": Decimal("0.8118")},
    }
    assert a.claimed == {"I.1": Decimal(10), "I.3": Decimal("8.5")}
    assert a.evidence == {"I.1": "QĐ 506/QĐ-UBND ngày 10/2/2022"}
    assert b.na == {"I.1": "Không áp dụng cho thành phố"}


def test_read_yaml_then_score(fw: Framework, tmp_path: Path) -> None:
    a, _ = score_campaign(fw, read_inputs(fw, write(tmp_path / "vao.yaml", YAML)))
    assert a.items["I.1"].score == Decimal("5.00")
    assert a.items["I.3"].score == Decimal("8.12")  # 812 / 1000 × 10
    assert a.items["II.1.1"].score == Decimal("24.35")  # 81,18 % × 30
    assert a.items["I.1"].claimed == Decimal(10)


def test_read_json(fw: Framework, tmp_path: Path) -> None:
    data = {
        "format": "dti-inputs/1",
        "framework": "thu-2023-huyen",
        "units": [
            {
                "unit": "UBND huyện C",
                "general": {"dan_so": 200},
                "indicators": {"I.3": {"values": {"a": 100}}, "I.1": {"values": {"head": "Bí thư/Chủ tịch"}}},
            }
        ],
    }
    path = tmp_path / "vao.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (unit,) = read_inputs(fw, path)
    assert unit.unit == "UBND huyện C"
    assert unit.general == {"dan_so": Decimal(200)}
    assert unit.values == {"I.3": {"a": Decimal(100)}, "I.1": {"head": "chu_tich"}}


def test_yaml_unit_name_is_nfc(fw: Framework, tmp_path: Path) -> None:
    text = YAML.replace("UBND huyện A", unicodedata.normalize("NFD", "UBND huyện Kim Bảng"))
    units = read_inputs(fw, write(tmp_path / "vao.yaml", text))
    assert units[0].unit == "UBND huyện Kim Bảng"


def _error(fw: Framework, path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        read_inputs(fw, path)
    assert info.value.file == str(path)
    return info.value


def test_yaml_for_another_framework(fw: Framework, tmp_path: Path) -> None:
    path = write(tmp_path / "vao.yaml", YAML.replace("framework: thu-2023-huyen", "framework: ha-nam-2023-huyen"))
    error = _error(fw, path)
    assert error.place == "framework"
    assert "dành cho bộ chỉ số 'ha-nam-2023-huyen'" in error.message
    assert "'thu-2023-huyen'" in error.message


def test_yaml_unknown_indicator_code(fw: Framework, tmp_path: Path) -> None:
    error = _error(fw, write(tmp_path / "vao.yaml", YAML.replace("I.4:\n        score: 7", "I.9:\n        score: 7")))
    assert error.place == "units[0].indicators.I.9.score"
    assert "'I.9'" in error.message


def test_yaml_unknown_field_lists_the_fields(fw: Framework, tmp_path: Path) -> None:
    error = _error(fw, write(tmp_path / "vao.yaml", YAML.replace("{a: 812}", "{c: 812}")))
    assert error.place == "units[0].indicators.I.3.values.c"
    assert "không có trường 'c'" in error.message
    assert error.message.endswith("(có: a, b, ratio)")


def test_yaml_field_taken_from_general_info_can_be_entered_and_wins(fw: Framework, tmp_path: Path) -> None:
    # docs/files.md: an input taken from general info may still be entered for one indicator;
    # the unit's own figure wins and the engine warns about the difference.
    units = read_inputs(fw, write(tmp_path / "vao.yaml", YAML.replace("{a: 812}", "{a: 812, b: 2000}")))
    assert units[0].values["I.3"] == {"a": Decimal(812), "b": Decimal(2000)}
    result = score_campaign(fw, units)[0].items["I.3"]
    assert result.score == Decimal("4.06")  # 812 / 2000 × 10, not 812 / 1000
    assert any("Dân số: đơn vị nhập riêng 2.000" in w and "(1.000)" in w for w in result.warnings), result.warnings


def test_field_entered_equal_to_general_info_gives_no_warning(fw: Framework, tmp_path: Path) -> None:
    units = read_inputs(fw, write(tmp_path / "vao.yaml", YAML.replace("{a: 812}", "{a: 812, b: 1000}")))
    result = score_campaign(fw, units)[0].items["I.3"]
    assert (result.score, result.warnings) == (Decimal("8.12"), ())


def test_yaml_self_score_above_max(fw: Framework, tmp_path: Path) -> None:
    error = _error(fw, write(tmp_path / "vao.yaml", YAML.replace("self_score: 10", "self_score: 11")))
    assert error.place == "units[0].indicators.I.1.self_score"
    assert "vượt điểm tối đa 10" in error.message


def test_yaml_self_score_where_not_allowed(fw: Framework, tmp_path: Path) -> None:
    text = YAML.replace("      II.1.1:", "      II.1.2:\n        self_score: 5\n      II.1.1:")
    error = _error(fw, write(tmp_path / "vao.yaml", text))
    assert error.place == "units[0].indicators.II.1.2.self_score"


def test_yaml_na_where_not_allowed(fw: Framework, tmp_path: Path) -> None:
    text = YAML.replace("      II.1.1:", "      II.1.2:\n        na: không có\n      II.1.1:")
    error = _error(fw, write(tmp_path / "vao.yaml", text))
    assert error.place == "units[0].indicators.II.1.2.na"


def test_yaml_score_for_a_formula_indicator(fw: Framework, tmp_path: Path) -> None:
    text = YAML.replace("values: {issued: Có}", "score: 10")
    error = _error(fw, write(tmp_path / "vao.yaml", text))
    assert error.place == "units[0].indicators.I.2.score"
    assert "công thức" in error.message


def test_yaml_unknown_key(fw: Framework, tmp_path: Path) -> None:
    error = _error(fw, write(tmp_path / "vao.yaml", YAML.replace("score: 7", "diem: 7")))
    assert error.place == "units[0].indicators.I.4.diem"


def test_yaml_bad_number_names_the_field(fw: Framework, tmp_path: Path) -> None:
    error = _error(fw, write(tmp_path / "vao.yaml", YAML.replace("dan_so: 1000", "dan_so: '130.075'")))
    assert error.place == "units[0].general.dan_so"
    assert error.message.startswith("Dân số: ")
    assert "hai cách" in error.message


def test_yaml_unknown_general_info(fw: Framework, tmp_path: Path) -> None:
    error = _error(fw, write(tmp_path / "vao.yaml", YAML.replace("dan_so: 1000", "dan_so_x: 1000")))
    assert error.place == "units[0].general.dan_so_x"


def test_yaml_unknown_unit_type(fw: Framework, tmp_path: Path) -> None:
    error = _error(fw, write(tmp_path / "vao.yaml", YAML.replace("type: thanh_pho", "type: thi_tran")))
    assert error.place == "units[1]"
    assert "huyen, thanh_pho" in error.message


def test_yaml_duplicate_unit(fw: Framework, tmp_path: Path) -> None:
    text = YAML + "  - unit: UBND huyện A\n    indicators: {}\n"
    error = _error(fw, write(tmp_path / "vao.yaml", text))
    assert error.place == "units[2]"
    assert "'UBND huyện A' xuất hiện hai lần" in error.message


def test_yaml_duplicate_unit_after_normalisation(fw: Framework, tmp_path: Path) -> None:
    text = YAML + "  - unit: ' UBND huyện A '\n"
    assert _error(fw, write(tmp_path / "vao.yaml", text)).place == "units[2]"


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("", ""),
        ("- a\n- b\n", ""),
        ("format: dti-inputs/2\nunits: []\n", "format"),
        ("format: dti-inputs/1\nunits: []\n", "units"),
        ("format: dti-inputs/1\nunits: [{group: huyen}]\n", "units[0]"),
        ("format: dti-inputs/1\nunits:\n  - unit: A\n    general: [1, 2]\n", "units[0].general"),
        ("format: dti-inputs/1\nunits:\n  - unit: A\n    indicators: {I.1: 5}\n", "units[0].indicators.I.1"),
        ("format: dti-inputs/1\nunits: [\n", "dòng 3"),
    ],
)
def test_yaml_malformed(fw: Framework, tmp_path: Path, text: str, place: str) -> None:
    assert _error(fw, write(tmp_path / "vao.yaml", text)).place == place


def test_json_syntax_error_names_the_line(fw: Framework, tmp_path: Path) -> None:
    error = _error(fw, write(tmp_path / "vao.json", '{\n"units": [1,]\n}'))
    assert error.place == "dòng 2"


def test_missing_inputs_file(fw: Framework, tmp_path: Path) -> None:
    assert _error(fw, tmp_path / "không-có.yaml").message == "không tìm thấy tệp"
    assert _error(fw, tmp_path / "không-có.csv").message == "không tìm thấy tệp"


def test_non_utf8_yaml(fw: Framework, tmp_path: Path) -> None:
    path = tmp_path / "vao.yaml"
    path.write_bytes("units: [Café]\n".encode("latin-1"))
    assert "UTF-8" in _error(fw, path).message


def test_unsupported_inputs_extension(fw: Framework, tmp_path: Path) -> None:
    assert ".yaml, .json, .csv hoặc .xlsx" in _error(fw, write(tmp_path / "vao.txt", YAML)).message


# --- read_inputs: CSV and XLSX (long format) ---------------------------------------------

LONG = """unit,group,code,field,label,value
,,framework,code,Mã bộ chỉ số,thu-2023-huyen
UBND huyện A,huyen,general,dan_so,Dân số,1000
UBND huyện A,huyen,I.1,head,Trưởng ban,Bí thư/Chủ tịch
UBND huyện A,huyen,I.1,self_score,Điểm tự chấm,"7,5"
UBND huyện A,huyen,I.2,issued,Đã ban hành,không
UBND huyện A,huyen,I.3,a,Số người,500
UBND huyện A,huyen,I.4,score,Điểm,3
UBND huyện A,huyen,II.1.1,p,Tỷ lệ,"81,18%"
UBND huyện A,huyen,II.1.1,evidence,Tài liệu,Báo cáo số 12
UBND huyện B,,I.1,na,Không áp dụng,lý do
"""


def test_read_csv_long_format(fw: Framework, tmp_path: Path) -> None:
    a, b = read_inputs(fw, write(tmp_path / "vao.csv", LONG))
    assert a.unit == "UBND huyện A" and a.group == "huyen"
    assert a.general == {"dan_so": Decimal(1000)}
    assert a.values == {
        "I.1": {"head": "chu_tich"},
        "I.2": {"issued": False},
        "I.3": {"a": Decimal(500)},
        "I.4": {"score": Decimal(3)},
        "II.1.1": {"p": Decimal("0.8118")},
    }
    assert a.claimed == {"I.1": Decimal("7.5")}
    assert a.evidence == {"II.1.1": "Báo cáo số 12"}
    assert b.unit == "UBND huyện B" and b.na == {"I.1": "lý do"}


def test_read_csv_with_vietnamese_headers_and_fields(fw: Framework, tmp_path: Path) -> None:
    text = (
        "Đơn vị;Mã;Trường;Giá trị\n"
        "A;Thông tin chung;dan_so;1000\n"
        "A;I.3;a;500\n"
        "A;I.1;Điểm tự chấm;5\n"
        "A;I.4;Điểm;2,5\n"
        "A;I.2;Tài liệu kiểm chứng;KH 185/KH-UBND\n"
    )
    (unit,) = read_inputs(fw, write(tmp_path / "vao.csv", text))
    assert unit.general == {"dan_so": Decimal(1000)}
    assert unit.values == {"I.3": {"a": Decimal(500)}, "I.4": {"score": Decimal("2.5")}}
    assert unit.claimed == {"I.1": Decimal(5)}
    assert unit.evidence == {"I.2": "KH 185/KH-UBND"}


def test_csv_without_unit_names_the_unit_after_the_file(fw: Framework, tmp_path: Path) -> None:
    (unit,) = read_inputs(fw, write(tmp_path / "kim-bang.csv", "code,field,value\nI.3,a,5\n"))
    assert unit.unit == "kim-bang"


def test_empty_values_are_left_out(fw: Framework, tmp_path: Path) -> None:
    text = "code,field,value\nI.3,a,\nI.1,self_score,\nI.1,na,\nI.2,issued,Có\n"
    (unit,) = read_inputs(fw, write(tmp_path / "vao.csv", text))
    assert unit.values == {"I.2": {"issued": True}}
    assert unit.claimed == {} and unit.na == {}


def _long_error(fw: Framework, tmp_path: Path, text: str, name: str = "vao.csv") -> InputError:
    return _error(fw, write(tmp_path / name, text))


def test_csv_text_in_a_number_cell_names_row_and_column(fw: Framework, tmp_path: Path) -> None:
    error = _long_error(fw, tmp_path, "unit,code,field,value\nA,general,dan_so,1000\nA,I.3,a,nhiều\n")
    assert error.place == "dòng 3, cột D (value)"
    assert "'nhiều'" in error.message
    assert str(error).startswith(f"{tmp_path / 'vao.csv'}, dòng 3, cột D (value): ")


def test_csv_for_another_framework(fw: Framework, tmp_path: Path) -> None:
    error = _long_error(fw, tmp_path, "code,field,value\nframework,code,ha-nam-2023-huyen\nI.3,a,5\n")
    assert error.place == "dòng 2, cột C (value)"
    assert "dành cho bộ chỉ số 'ha-nam-2023-huyen'" in error.message


def test_csv_unknown_indicator_code(fw: Framework, tmp_path: Path) -> None:
    error = _long_error(fw, tmp_path, "code,field,value\nI.3,a,5\nX.1,a,5\n")
    assert error.place == "dòng 3, cột C (value)"
    assert "'X.1'" in error.message


def test_csv_unknown_field(fw: Framework, tmp_path: Path) -> None:
    error = _long_error(fw, tmp_path, "code,field,value\nI.3,tu_so,5\n")
    assert "không có trường 'tu_so'" in error.message


def test_csv_field_taken_from_general_info_can_be_entered(fw: Framework, tmp_path: Path) -> None:
    (unit,) = read_inputs(fw, write(tmp_path / "vao.csv", "code,field,value\ngeneral,dan_so,1000\nI.3,a,5\nI.3,b,50\n"))
    assert unit.values == {"I.3": {"a": Decimal(5), "b": Decimal(50)}}
    assert unit.general == {"dan_so": Decimal(1000)}


def test_csv_self_score_above_max(fw: Framework, tmp_path: Path) -> None:
    error = _long_error(fw, tmp_path, "code,field,value\nI.1,self_score,12\n")
    assert error.place == "dòng 2, cột C (value)"
    assert "vượt điểm tối đa 10" in error.message


@pytest.mark.parametrize("missing", ["code", "field", "value"])
def test_csv_missing_column_is_not_a_template(fw: Framework, tmp_path: Path, missing: str) -> None:
    columns = [c for c in ("unit", "code", "field", "value") if c != missing]
    text = ",".join(columns) + "\n" + ",".join("x" for _ in columns) + "\n"
    error = _long_error(fw, tmp_path, text)
    assert error.place == "dòng tiêu đề"
    assert f"thiếu cột '{missing}'" in error.message
    assert "dti template" in error.message


def test_results_table_given_as_inputs(fw: Framework, tmp_path: Path) -> None:
    error = _long_error(fw, tmp_path, "unit,I.1,I.2\nA,10,5\n")
    assert "thiếu cột 'code'" in error.message


@pytest.mark.parametrize(
    ("row", "message"), [(",a,5", "thiếu mã chỉ số"), ("I.3,,5", "thiếu tên trường")], ids=["code", "field"]
)
def test_csv_row_missing_code_or_field(fw: Framework, tmp_path: Path, row: str, message: str) -> None:
    error = _long_error(fw, tmp_path, f"code,field,value\n{row}\n")
    assert error.place == "dòng 2"
    assert message in error.message


def _xlsx(path: Path, rows: list[list[object]], title: str = "Nhập liệu") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_read_xlsx_long_format_with_typed_cells(fw: Framework, tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "vao.xlsx",
        [
            ["Đơn vị", "Mã", "Trường", "Nội dung cần nhập", "Giá trị"],
            [None, "framework", "code", "Mã bộ chỉ số", "thu-2023-huyen"],
            ["A", "general", "dan_so", "Dân số", 1000],
            ["A", "I.3", "a", "Số người", 250],
            ["A", "II.1.1", "p", "Tỷ lệ", 81.18],
            ["A", "I.2", "issued", "Đã ban hành", True],
            ["A", "I.1", "self_score", "Điểm tự chấm", 7.5],
            ["A", "II.1.2", "x", "Kinh phí", 3.25],
        ],
    )
    (unit,) = read_inputs(fw, path)
    assert unit.general == {"dan_so": Decimal(1000)}
    assert unit.values == {
        "I.3": {"a": Decimal(250)},
        "II.1.1": {"p": Decimal("0.8118")},
        "I.2": {"issued": True},
        "II.1.2": {"x": Decimal("3.25")},
    }
    assert unit.claimed == {"I.1": Decimal("7.5")}


def test_xlsx_text_in_a_number_cell_names_sheet_row_and_column(fw: Framework, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "vao.xlsx", [["unit", "code", "field", "value"], ["A", "I.3", "a", "khoảng 500"]])
    error = _error(fw, path)
    assert error.place == "trang 'Nhập liệu', dòng 2, cột D (value)"


def test_xlsx_count_cell_with_a_fraction(fw: Framework, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "vao.xlsx", [["unit", "code", "field", "value"], ["A", "I.3", "a", 12.5]])
    assert "số nguyên" in _error(fw, path).message


def test_xlsx_percent_formatted_cell_is_not_read_a_hundred_times_too_small(fw: Framework, tmp_path: Path) -> None:
    # In Excel, typing 81,18% in a cell stores 0.8118 with a percent number format. The engine
    # must read 81,18 % (or refuse the cell); reading 0,8118 % silently is a 100× error.
    path = tmp_path / "vao.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["unit", "code", "field", "value"])
    ws.append(["A", "II.1.1", "p", 0.8118])
    ws["D2"].number_format = "0.00%"
    wb.save(path)
    try:
        (unit,) = read_inputs(fw, path)
    except InputError:
        return
    assert unit.values["II.1.1"]["p"] == Decimal("0.8118")


# --- indices scored directly (no indicators: the score is entered as a whole) -------------

DIRECT = """
format: dti/1
code: thu-truc-tiep
name: Bộ chỉ số chấm trực tiếp
level: tinh
year: 2022
max: 200
indices:
  - {code: "1", name: Nhận thức số, max: 100}
  - {code: "2", name: Thể chế số, max: 100}
"""


def test_direct_index_score_is_read(tmp_path: Path) -> None:
    fw = parse_framework(DIRECT)
    (unit,) = read_inputs(fw, write(tmp_path / "vao.csv", 'code,field,value\n1,score,"80,5"\n2,Điểm,60\n'))
    assert unit.values == {"1": {"score": Decimal("80.5")}, "2": {"score": Decimal(60)}}


def test_direct_index_score_left_empty_is_not_an_error(tmp_path: Path) -> None:
    # `dti template` writes a `score` row for every index scored directly; a unit that leaves
    # one empty has not entered it (as for every other field), it has not entered a bad number.
    fw = parse_framework(DIRECT)
    (unit,) = read_inputs(fw, write(tmp_path / "vao.csv", "code,field,value\n1,score,80\n2,score,\n"))
    assert unit.values == {"1": {"score": Decimal(80)}}


def test_direct_index_score_above_its_max_is_refused(tmp_path: Path) -> None:
    fw = parse_framework(DIRECT)
    text = 'format: dti-inputs/1\nunits:\n  - unit: Tỉnh A\n    indicators:\n      "1": {score: 150}\n'
    error = _error(fw, write(tmp_path / "vao.yaml", text))
    assert error.place == "units[0].indicators.1.score"
    assert "100" in error.message


def test_direct_index_negative_score_is_refused(tmp_path: Path) -> None:
    fw = parse_framework(DIRECT)
    text = 'format: dti-inputs/1\nunits:\n  - unit: Tỉnh A\n    indicators:\n      "1": {score: -1}\n'
    assert "không được âm" in _error(fw, write(tmp_path / "vao.yaml", text)).message
