"""A unit's raw data: parsing one value by its field type, and reading inputs files.

Inputs files are YAML/JSON (nested, `dti-inputs/1`, read within the limits of
`dti.engine.bounded`) or CSV/XLSX (one row per value, as written by `dti template`); see
docs/files.md. Every bad value stops the read with an InputError that names the file and the
place.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from dti.engine.bounded import load_json, load_yaml, read_text
from dti.engine.errors import InputError
from dti.engine.methods import SCORE_FIELD
from dti.engine.model import Field, Framework, Indicator, InputType
from dti.engine.numbers import HUNDRED, ZERO, NumberError, fmt, parse_percent, parse_vietnamese, to_decimal
from dti.engine.scoring import UnitInputs
from dti.engine.tables import read_table

INPUTS_FORMAT = "dti-inputs/1"
GENERAL = "general"
GENERAL_ALIASES = {"general", "thông tin chung", "ttc"}
SELF_SCORE, NA, EVIDENCE = "self_score", "na", "evidence"
FIELD_ALIASES = {
    "điểm tự chấm": SELF_SCORE,
    "điểm tự đánh giá": SELF_SCORE,
    "điểm": SCORE_FIELD,
    "không áp dụng": NA,
    "tài liệu kiểm chứng": EVIDENCE,
}
FRAMEWORK_ROW = "framework"

_YES = {"có", "co", "yes", "y", "true", "x", "1", "đã", "đạt", "rồi"}
_NO = {"không", "khong", "no", "n", "false", "0", "chưa", "chưa có"}


def parse_value(field: Field, raw: object, *, form: bool = False) -> object:
    """A typed value for `field` from what a person entered; ValueError in Vietnamese if wrong.

    Returns None for an empty entry; a percent is returned as a fraction (81,18 → 0.8118).
    `form=True` reads numbers strictly the Vietnamese way (a web form field: "130.075" is
    130075); files accept a decimal dot too and refuse text that could be read two ways.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    kind = field.type
    if kind is InputType.TEXT:
        return unicodedata.normalize("NFC", str(raw)).strip()
    if kind is InputType.YES_NO:
        return _parse_yes_no(raw)
    if kind is InputType.CHOICE:
        return _parse_choice(field, raw)
    return _parse_amount(kind, raw, form=form)


def _parse_yes_no(raw: object) -> bool:
    """Có/Không from a bool, 0/1, or a word ("có", "x", "chưa"…)."""
    if isinstance(raw, bool):
        return raw
    text = unicodedata.normalize("NFC", str(raw)).strip().lower()
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"'{raw}' không phải Có/Không")


def _parse_choice(field: Field, raw: object) -> str:
    """The code of the option entered, as its code or its label (any case)."""
    text = unicodedata.normalize("NFC", str(raw)).strip()
    for code, label in field.options.items():
        if text == code or text.lower() == label.lower():
            return code
    options = "; ".join(f"{code} ({label})" for code, label in field.options.items())
    raise ValueError(f"'{raw}' không phải là một lựa chọn (có: {options})")


def _parse_amount(kind: InputType, raw: object, *, form: bool) -> Decimal:
    """A number, count or percent (as a fraction), checked: not negative, whole, at most 100 %."""
    number = _read_number(kind, raw, form=form)
    if number < ZERO:
        raise ValueError(f"giá trị không được âm ({fmt(number)})")
    if kind is InputType.COUNT and number != number.to_integral_value():
        raise ValueError(f"cần số nguyên, không phải {fmt(number)}")
    if kind is InputType.PERCENT:
        if number > HUNDRED:
            raise ValueError(f"tỷ lệ phải từ 0 đến 100 %, không phải {fmt(number)} %")
        return number / HUNDRED
    return number


def _read_number(kind: InputType, raw: object, *, form: bool) -> Decimal:
    """The number written in `raw` (a percent as written: 81,18 % → 81.18), not yet checked."""
    try:
        if isinstance(raw, str) and form:
            text = raw.strip()
            return parse_vietnamese(text[:-1] if kind is InputType.PERCENT and text.endswith("%") else text)
        if kind is InputType.PERCENT and isinstance(raw, str):
            return parse_percent(raw)
        return to_decimal(raw)
    except NumberError as exc:
        raise ValueError(str(exc)) from exc


def parse_score(item: Indicator, raw: object, *, form: bool = False) -> Decimal:
    """A score entered for `item` (self claim or manual score), checked against [0, max]."""
    try:
        score = parse_vietnamese(raw) if form and isinstance(raw, str) else to_decimal(raw)
    except NumberError as exc:
        raise ValueError(str(exc)) from exc
    if score < ZERO:
        raise ValueError(f"điểm không được âm ({fmt(score)})")
    if item.max is not None and score > item.max:
        raise ValueError(f"điểm {fmt(score)} vượt điểm tối đa {fmt(item.max)} của {item.code}")
    return score


class _UnitCollector:
    """Collects the values of units while checking each against the framework.

    Both file layouts (nested YAML/JSON, one value per row CSV/XLSX) feed it the same way:
    `unit` finds or creates a unit, `set_general` and `set_item` parse and store one value.
    """

    def __init__(self, framework: Framework, file: str) -> None:
        self.framework, self.file = framework, file
        self.items = {item.code: item for item in framework.walk()}
        self.direct = {index.code: index for index in framework.indices if index.scored_directly}
        self.general = {field.name: field for field in framework.general_info}
        self.units: dict[str, UnitInputs] = {}

    def unit(self, name: str, place: str, group: str = "", unit_type: str = "") -> UnitInputs:
        unit = self.units.get(name)
        if unit is None:
            if unit_type and self.framework.unit_types and unit_type not in self.framework.unit_types:
                known = ", ".join(self.framework.unit_types)
                raise InputError(self.file, place, f"loại đơn vị '{unit_type}' không có trong bộ chỉ số (có: {known})")
            unit = self.units[name] = UnitInputs(unit=name, group=group, type=unit_type or None)
        elif group and not unit.group:
            unit.group = group
        return unit

    def set_general(self, unit: UnitInputs, code: str, raw: object, place: str) -> None:
        field = self.general.get(code)
        if field is None:
            raise InputError(self.file, place, f"không có trường thông tin chung '{code}' trong bộ chỉ số")
        try:
            value = parse_value(field, raw)
        except ValueError as exc:
            raise InputError(self.file, place, f"{field.label}: {exc}") from exc
        if value is not None:
            unit.general[code] = value

    def set_item(self, unit: UnitInputs, code: str, name: str, raw: object, place: str) -> None:
        if code in self.direct and name == SCORE_FIELD:
            self.set_index_score(unit, code, raw, place)
            return
        item = self.items.get(code)
        if item is None:
            raise InputError(self.file, place, f"mã chỉ số '{code}' không có trong bộ chỉ số {self.framework.code}")
        try:
            _set_item_value(unit, item, name, raw)
        except ValueError as exc:
            raise InputError(self.file, place, f"{code} · {_field_label(item, name)}: {exc}") from exc

    def set_index_score(self, unit: UnitInputs, code: str, raw: object, place: str) -> None:
        """The score of a main index scored as a whole (one without indicators)."""
        if _blank(raw):
            return
        index = self.direct[code]
        try:
            score = parse_score_plain(raw)
            if index.max is not None and score > index.max:
                raise ValueError(f"điểm {fmt(score)} vượt điểm tối đa {fmt(index.max)} của chỉ số {code}")
        except ValueError as exc:
            raise InputError(self.file, place, f"chỉ số {code}: {exc}") from exc
        unit.values.setdefault(code, {})[SCORE_FIELD] = score


def _set_item_value(unit: UnitInputs, item: Indicator, name: str, raw: object) -> None:
    """Parse and store one value entered for `item`; ValueError in Vietnamese if it is refused.

    `name` is one of the item's inputs, or self_score, score (a manual item's), na or evidence.
    """
    if name == SELF_SCORE:
        _set_claim(unit, item, raw)
    elif name == SCORE_FIELD:
        _set_manual_score(unit, item, raw)
    elif name == NA:
        _set_na(unit, item, raw)
    elif name == EVIDENCE:
        if not _blank(raw):
            unit.evidence[item.code] = unicodedata.normalize("NFC", str(raw)).strip()
    else:
        _set_input(unit, item, name, raw)


def _set_claim(unit: UnitInputs, item: Indicator, raw: object) -> None:
    if not item.self_score:
        raise ValueError(f"chỉ số {item.code} không cho đơn vị tự chấm điểm")
    if not _blank(raw):
        unit.claimed[item.code] = parse_score(item, raw)


def _set_manual_score(unit: UnitInputs, item: Indicator, raw: object) -> None:
    if item.scoring.method != "manual":
        raise ValueError(
            f"chỉ số {item.code} tính điểm theo công thức ({item.scoring.method}), không nhập điểm trực tiếp"
        )
    if not _blank(raw):
        unit.values.setdefault(item.code, {})[SCORE_FIELD] = parse_score(item, raw)


def _set_na(unit: UnitInputs, item: Indicator, raw: object) -> None:
    if not _blank(raw):
        if not item.allow_na:
            raise ValueError(f"chỉ số {item.code} không cho phép đề nghị không áp dụng")
        unit.na[item.code] = str(raw).strip()


def _set_input(unit: UnitInputs, item: Indicator, name: str, raw: object) -> None:
    field = item.input(name)
    if field is None:
        known = ", ".join(field.name for field in item.inputs) or "không có"
        raise ValueError(f"chỉ số {item.code} không có trường '{name}' (có: {known})")
    value = parse_value(field, raw)
    if value is not None:
        unit.values.setdefault(item.code, {})[name] = value


def _field_label(item: Indicator, name: str) -> str:
    field = item.input(name)
    labels = {SELF_SCORE: "điểm tự chấm", SCORE_FIELD: "điểm", NA: "không áp dụng", EVIDENCE: "tài liệu kiểm chứng"}
    return f"{name} ({field.label})" if field else labels.get(name, name)


def parse_score_plain(raw: object) -> Decimal:
    """A non-negative score with no known maximum."""
    try:
        score = to_decimal(raw)
    except NumberError as exc:
        raise ValueError(str(exc)) from exc
    if score < ZERO:
        raise ValueError(f"điểm không được âm ({fmt(score)})")
    return score


def _blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def read_inputs(framework: Framework, path: str | Path) -> list[UnitInputs]:
    """Read an inputs file (YAML, JSON, CSV or XLSX) into one UnitInputs per unit."""
    file = str(path)
    suffix = Path(path).suffix.lower()
    if suffix in (".yaml", ".yml", ".json"):
        return _read_nested(framework, Path(path))
    if suffix in (".csv", ".xlsx", ".xlsm"):
        return _read_long(framework, file)
    raise InputError(file, "", "tệp nhập liệu cần đuôi .yaml, .json, .csv hoặc .xlsx")


def _read_nested(framework: Framework, path: Path) -> list[UnitInputs]:
    file = str(path)
    try:
        text = read_text(path)
    except FileNotFoundError as exc:
        raise InputError(file, "", "không tìm thấy tệp") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(file, "", "không đọc được tệp (cần văn bản UTF-8)") from exc
    try:
        data = load_json(text, file=file) if path.suffix.lower() == ".json" else load_yaml(text, file=file)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else getattr(exc, "lineno", None)
        raise InputError(file, f"dòng {line}" if line else "", "tệp sai cú pháp") from exc
    if not isinstance(data, Mapping):
        raise InputError(file, "", "tệp rỗng hoặc không đúng định dạng dti-inputs/1")
    if data.get("format") not in (None, INPUTS_FORMAT):
        raise InputError(file, "format", f"cần 'format: {INPUTS_FORMAT}'")
    declared = data.get("framework")
    if declared is not None and declared != framework.code:
        raise InputError(file, "framework", f"tệp này dành cho bộ chỉ số '{declared}', không phải '{framework.code}'")
    units = data.get("units")
    if not isinstance(units, list) or not units:
        raise InputError(file, "units", "cần danh sách đơn vị")
    collector = _UnitCollector(framework, file)
    for position, raw in enumerate(units):
        where = f"units[{position}]"
        if not isinstance(raw, Mapping) or not raw.get("unit"):
            raise InputError(file, where, "mỗi đơn vị cần tên (unit)")
        name = unicodedata.normalize("NFC", str(raw["unit"])).strip()
        if name in collector.units:
            raise InputError(file, where, f"đơn vị '{name}' xuất hiện hai lần")
        unit = collector.unit(name, where, str(raw.get("group") or ""), str(raw.get("type") or ""))
        general = raw.get("general") or {}
        if not isinstance(general, Mapping):
            raise InputError(file, f"{where}.general", "cần một bảng mã: giá trị")
        for code, value in general.items():
            collector.set_general(unit, str(code), value, f"{where}.general.{code}")
        indicators = raw.get("indicators") or {}
        if not isinstance(indicators, Mapping):
            raise InputError(file, f"{where}.indicators", "cần một bảng mã chỉ số: số liệu")
        for code, entry in indicators.items():
            _nested_item(collector, unit, str(code), entry, f"{where}.indicators.{code}")
    return list(collector.units.values())


def _nested_item(collector: _UnitCollector, unit: UnitInputs, code: str, entry: Any, where: str) -> None:
    file = collector.file
    if not isinstance(entry, Mapping):
        raise InputError(file, where, "cần một bảng (values, self_score, score, na, evidence)")
    for key, value in entry.items():
        if key == "values":
            if not isinstance(value, Mapping):
                raise InputError(file, f"{where}.values", "cần một bảng tên trường: giá trị")
            for name, raw in value.items():
                collector.set_item(unit, code, str(name), raw, f"{where}.values.{name}")
        elif key in (SELF_SCORE, SCORE_FIELD, NA, EVIDENCE):
            collector.set_item(unit, code, str(key), value, f"{where}.{key}")
        elif key != "note":
            raise InputError(
                file, f"{where}.{key}", "khóa không được hỗ trợ (values, self_score, score, na, evidence, note)"
            )


def _read_long(framework: Framework, file: str) -> list[UnitInputs]:
    table = read_table(file)
    for key in ("code", "field", "value"):
        if key not in table.headers:
            raise InputError(
                file, "dòng tiêu đề", f"thiếu cột '{key}' — đây có phải mẫu nhập liệu do 'dti template' tạo không?"
            )
    collector = _UnitCollector(framework, file)
    default = Path(file).stem
    seen: dict[tuple[str, str, str], int] = {}
    for row in table.rows:
        code = row.text("code")
        field = _field_key(row.text("field"))
        value_cell = row.cells.get("value")
        place = value_cell.place if value_cell else f"dòng {row.number}"
        if code == FRAMEWORK_ROW:
            if row.text("value") and row.text("value") != framework.code:
                raise InputError(
                    file, place, f"mẫu này dành cho bộ chỉ số '{row.text('value')}', không phải '{framework.code}'"
                )
            continue
        if not code:
            raise InputError(file, f"dòng {row.number}", "thiếu mã chỉ số (cột code/Mã)")
        if not field:
            raise InputError(file, f"dòng {row.number}", "thiếu tên trường (cột field/Trường)")
        unit = collector.unit(row.text("unit") or default, f"dòng {row.number}", row.text("group"), row.text("type"))
        entry = (unit.unit, code, field)
        if entry in seen:
            raise InputError(
                file, f"dòng {row.number}", f"{code} · {field} của '{unit.unit}' đã nhập ở dòng {seen[entry]}"
            )
        seen[entry] = row.number
        raw = value_cell.value if value_cell else None
        if code.lower() in GENERAL_ALIASES:
            collector.set_general(unit, field, raw, place)
        else:
            collector.set_item(unit, code, field, raw, place)
    return list(collector.units.values())


def _field_key(text: str) -> str:
    return FIELD_ALIASES.get(text.lower(), text)


def template_rows(framework: Framework) -> list[dict[str, object]]:
    """The rows of an empty inputs template: every general-info field and every input."""
    from dti.engine.loader import describe

    rows: list[dict[str, object]] = [
        {"code": FRAMEWORK_ROW, "field": "code", "label": "Mã bộ chỉ số (không sửa dòng này)", "value": framework.code}
    ]
    for field in framework.general_info:
        rows.append(
            {
                "code": GENERAL,
                "field": field.name,
                "label": field.label,
                "type": _type_label(field),
                "unit_of_measure": field.unit,
            }
        )
    for item in framework.walk():
        if item.reference_only:
            continue
        base = {"code": item.code, "indicator": item.name, "max": item.max, "method": describe(item)}
        for field in item.inputs:
            if field.source:
                continue  # filled from general info; a value entered for the item would override it
            rows.append(
                {
                    **base,
                    "field": field.name,
                    "label": field.label,
                    "type": _type_label(field),
                    "unit_of_measure": field.unit,
                }
            )
        if item.scoring.method == "manual":
            rows.append({**base, "field": SCORE_FIELD, "label": "Điểm (chấm trực tiếp)", "type": "số"})
        if item.self_score:
            rows.append({**base, "field": SELF_SCORE, "label": "Điểm tự chấm", "type": "số"})
        rows.append(
            {
                **base,
                "field": EVIDENCE,
                "label": "Tài liệu kiểm chứng"
                + (f": {item.evidence.description}" if item.evidence and item.evidence.description else ""),
                "type": "văn bản",
            }
        )
    for index in framework.indices:
        if index.scored_directly and not index.reference_only:
            rows.append(
                {
                    "code": index.code,
                    "indicator": index.name,
                    "max": index.max,
                    "field": SCORE_FIELD,
                    "label": "Điểm chỉ số chính",
                    "type": "số",
                }
            )
    return rows


def _type_label(field: Field) -> str:
    labels = {
        InputType.NUMBER: "số",
        InputType.COUNT: "số nguyên",
        InputType.PERCENT: "tỷ lệ % (0–100)",
        InputType.YES_NO: "Có/Không",
        InputType.TEXT: "văn bản",
    }
    if field.type is InputType.CHOICE:
        return "chọn: " + "; ".join(f"{code} = {label}" for code, label in field.options.items())
    return labels[field.type]
