"""The unit workbook's layout: which cell holds what, written with openpyxl (read back by
`dti.workbooks.services` through the engine's bounded reader).

Sheets (docs/files.md, "Bảng tính tự đánh giá của đơn vị"): "Hướng dẫn" (instructions),
"Thông tin chung" (general info), one sheet per main index named by its code, "Điểm cộng, trừ"
when the framework has bonus/penalty items, the hidden `_dti` sheet (the identity: format, unit,
campaign, assessment, framework code and content hash, download time) and the hidden
`_dti_ghi_nhan` sheet (per value cell, the value the platform held at download: what tells a
value changed on the web since).

Every data sheet has the same columns; one row per thing the unit enters (an input, the manual
score, the self score, a new evidence reference), in `template_rows` order, each indicator's rows
followed by its N/A request and reason (when it allows one) and its comment, as on the web form. Only the value
column is unlocked; each value cell carries the data validation of its type. The header style
and the drop-down rule are shared with `dti template`'s workbook (`dti.output`).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, TYPE_CHECKING

from dti.engine import Field, Framework, InputType, fmt, spreadsheet_text, template_rows

if TYPE_CHECKING:
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

FORMAT = "dti-bang-tinh-don-vi/1"
META = "_dti"
RECORDED = "_dti_ghi_nhan"
GUIDE = "Hướng dẫn"
GENERAL_SHEET = "Thông tin chung"
ADJUSTMENTS = "Điểm cộng, trừ"
FIELD_COLUMNS = (
    "Mã",
    "Chỉ số",
    "Trường",
    "Nội dung cần nhập",
    "Kiểu",
    "Đơn vị tính",
    "Điểm tối đa",
    "Cách tính điểm",
    "Giá trị",
)
"""The columns of one thing to enter, as `template_rows` describes it (`dti template` has them too)."""
HEADERS = (*FIELD_COLUMNS, "Tài liệu đã có")
VALUE_COLUMN = 8  # 0-based: "Giá trị"
VALUE_LETTER = chr(ord("A") + VALUE_COLUMN)  # "I"
CODE_KEY, FIELD_KEY, VALUE_KEY = "code", "field", "value"  # the engine's keys of "Mã", "Trường", "Giá trị"
HEADER_KEYS = [{0: CODE_KEY, 2: FIELD_KEY, VALUE_COLUMN: VALUE_KEY}.get(n, h) for n, h in enumerate(HEADERS)]
"""The header keys the engine's reader gives a data sheet of this layout."""
IDENTITY_KEYS = (
    "format",
    "unit_id",
    "unit_name",
    "campaign_id",
    "assessment_id",
    "framework_code",
    "framework_hash",
    "downloaded_at",
)
IDENTITY_HEADERS = ("key", "value")
RECORDED_HEADERS = ("sheet", "row", "code", "field", "recorded")

# The kinds of row: a general-info field, an indicator's input, its manual score, its self score,
# a new evidence reference.
GENERAL, INPUT, SCORE, SELF_SCORE, EVIDENCE = "general", "input", "score", "self_score", "evidence"
_KINDS = {"score": SCORE, "self_score": SELF_SCORE, "evidence": EVIDENCE}
ENTRY = "entry"  # an indicator's own field of the web form: the N/A request, its reason, the comment
ENTRY_FIELDS = (
    Field("na_requested", "Đề nghị không áp dụng", InputType.YES_NO),
    Field("na_reason", "Lý do đề nghị không áp dụng", InputType.TEXT),
    Field("comment", "Ghi chú / thuyết minh", InputType.TEXT),
)
_TYPE_LABELS = {InputType.YES_NO: "có/không", InputType.TEXT: "văn bản"}

GUIDE_LINES = (
    "Bảng tính tự đánh giá Chỉ số chuyển đổi số (DTI)",
    "",
    "1. Mỗi chỉ số chính có một trang (đặt tên theo mã chỉ số); thông tin chung ở trang “Thông tin chung”.",
    "2. Chỉ nhập vào cột “Giá trị”; các cột khác bị khóa. Mỗi ô có kiểm tra theo kiểu dữ liệu: "
    "số không âm, số nguyên với số đếm, tỷ lệ từ 0 đến 100, Có/Không và danh sách lựa chọn.",
    "3. Tỷ lệ nhập theo phần trăm (81,18 nghĩa là 81,18 %). Để trống ô nghĩa là chưa có số liệu.",
    "4. Dòng “Tài liệu kiểm chứng”: ghi số, ký hiệu hoặc trích yếu văn bản để thêm một tài liệu kiểm chứng; "
    "các tài liệu đã có được liệt kê ở cột cuối. Tệp đính kèm vẫn tải lên trên trang web. "
    "Dòng “Đề nghị không áp dụng” (Có/Không) cần kèm lý do ở dòng dưới; dòng “Ghi chú / thuyết minh” như trên web.",
    "5. Không thêm, xóa, đổi tên hay di chuyển trang, dòng, cột; không sửa trang ẩn “_dti”. "
    "Tệp đã đổi cấu trúc sẽ bị từ chối khi nhập.",
    "6. Tệp này chỉ dùng cho đúng đơn vị, đúng kỳ đánh giá và đúng phiên bản bộ chỉ số ghi trong tệp.",
    "7. Điểm không đọc từ tệp: hệ thống tự tính điểm theo bộ chỉ số sau khi nhập "
    "(bảng tính không có công thức tính điểm).",
    "8. Tải tệp lên ở trang tự đánh giá (“Nhập từ bảng tính”): hệ thống liệt kê mọi thay đổi và mọi lỗi "
    "để bạn xem trước; số liệu đã sửa trên web sau khi tải tệp về được nêu để bạn chọn giữ bản nào.",
)


@dataclass(frozen=True, slots=True)
class Slot:
    """One row the unit fills: where it is (sheet, Excel row), the indicator (or "general"), the field."""

    sheet: str
    row: int
    code: str
    field: str
    kind: str
    label: str
    spec: Field | None  # the declared field of an input or general-info row
    indicator: str  # the indicator's name ("" for general info)
    max: Decimal | None
    method: str
    type_label: str
    unit_of_measure: str


def slots(framework: Framework) -> dict[str, list[Slot]]:
    """The rows of every data sheet, by sheet name, in order (the header is row 1).

    A main index scored as a whole is left out: the self-assessment page has no form for it either.
    """
    general = {f.name: f for f in framework.general_info}
    sheets: dict[str, list[Slot]] = {GENERAL_SHEET: []}
    sheets.update({index.code: [] for index in framework.indices if not index.reference_only})
    entry_fields = {f.name: f for f in ENTRY_FIELDS}
    for record in _records(framework):
        code, name = str(record["code"]), str(record["field"])
        item = framework.item(code)
        if code == "general":
            sheet, kind, spec = GENERAL_SHEET, GENERAL, general.get(name)
        elif item is None:
            continue  # the framework's code row, and an index scored as a whole
        elif name in entry_fields:
            sheet, kind, spec = item.index or ADJUSTMENTS, ENTRY, entry_fields[name]
        else:
            sheet = item.index or ADJUSTMENTS
            kind, spec = _KINDS.get(name, INPUT), item.input(name)
        rows = sheets.setdefault(sheet, [])
        rows.append(
            Slot(
                sheet=sheet,
                row=len(rows) + 2,
                code=code,
                field=name,
                kind=kind,
                label=str(record.get("label") or ""),
                spec=spec,
                indicator=str(record.get("indicator") or ""),
                max=record.get("max") if isinstance(record.get("max"), Decimal) else None,  # type: ignore[arg-type]
                method=str(record.get("method") or ""),
                type_label=str(record.get("type") or ""),
                unit_of_measure=str(record.get("unit_of_measure") or ""),
            )
        )
    return sheets


def _records(framework: Framework) -> list[dict[str, object]]:
    """`template_rows`, each indicator's rows followed by its N/A request and reason (when it allows
    one) and its comment, as on the web form."""
    records: list[dict[str, object]] = []
    for record in template_rows(framework):
        records.append(record)
        item = framework.item(str(record["code"])) if record["field"] == EVIDENCE else None
        if item is None:
            continue
        base = {key: record.get(key) for key in ("code", "indicator", "max", "method")}
        records += [
            {**base, "field": f.name, "label": f.label, "type": _TYPE_LABELS[f.type]}
            for f in ENTRY_FIELDS
            if item.allow_na or f.name == "comment"
        ]
    return records


def cell_value(slot: Slot, stored: object) -> object:
    """What the value cell shows for a stored JSON value: numbers as numbers (a percent as 0–100),
    Có/Không, a choice's label, text as it is."""
    if stored is None or stored == "":
        return None
    if slot.kind in (SCORE, SELF_SCORE):
        return Decimal(str(stored))
    spec = slot.spec
    if spec is None or spec.type is InputType.TEXT:
        return str(stored)
    if spec.type is InputType.YES_NO:
        return "Có" if stored else "Không"
    if spec.type is InputType.CHOICE:
        return spec.options.get(str(stored), str(stored))
    number = Decimal(str(stored))
    return number * 100 if spec.type is InputType.PERCENT else number


def write(
    stream: IO[bytes],
    framework: Framework,
    identity: dict[str, str],
    stored: dict[tuple[str, str], object],
    evidence: dict[str, str],
) -> None:
    """Write the workbook: `stored` maps (code, field) to the stored JSON value, `evidence` an
    indicator's code to its evidence listed in words."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter

    book = Workbook()
    guide = book.active
    assert guide is not None
    guide.title = GUIDE
    for line in GUIDE_LINES:
        guide.append([spreadsheet_text(line)])
    guide["A1"].font = Font(bold=True, size=14)
    guide.append([])
    guide.append([spreadsheet_text(f"Đơn vị: {identity['unit_name']}")])
    guide.append([spreadsheet_text(f"Bộ chỉ số: {framework.name} ({framework.code})")])
    guide.column_dimensions["A"].width = 120
    unlocked, input_fill = Protection(locked=False), PatternFill("solid", fgColor="FFF2CC")
    recorded: list[list[object]] = []
    for name, rows in slots(framework).items():
        sheet = book.create_sheet(name)
        sheet.append([spreadsheet_text(header) for header in HEADERS])
        style_header(sheet)
        for slot in rows:
            value = cell_value(slot, stored.get((slot.code, slot.field)))
            listed = evidence.get(slot.code, "") if slot.kind == EVIDENCE else ""
            sheet.append(
                [
                    spreadsheet_text(slot.code),
                    spreadsheet_text(slot.indicator),
                    spreadsheet_text(slot.field),
                    spreadsheet_text(slot.label),
                    spreadsheet_text(slot.type_label),
                    spreadsheet_text(slot.unit_of_measure),
                    float(slot.max) if slot.max is not None else None,
                    spreadsheet_text(slot.method),
                    float(value) if isinstance(value, Decimal) else _text(value),
                    spreadsheet_text(listed),
                ]
            )
            cell = sheet.cell(row=slot.row, column=VALUE_COLUMN + 1)
            cell.protection, cell.fill = unlocked, input_fill
            _validate(sheet, slot, cell.coordinate)
            raw = stored.get((slot.code, slot.field))
            recorded.append([name, slot.row, slot.code, slot.field, "" if raw is None else json.dumps(raw)])
        for column, width in enumerate((10, 40, 14, 40, 12, 12, 10, 50, 16, 40), start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = "A2"
        sheet.protection.sheet = True  # locked: labels, max and method; the value cells are unlocked
    meta = book.create_sheet(META)
    meta.append(list(IDENTITY_HEADERS))
    for key in IDENTITY_KEYS:
        meta.append([key, spreadsheet_text(identity[key])])
    values = book.create_sheet(RECORDED)
    values.append(list(RECORDED_HEADERS))
    for kept in recorded:
        values.append([spreadsheet_text(v) if isinstance(v, str) else v for v in kept])
    for hidden in (meta, values):
        hidden.sheet_state = "hidden"
        hidden.protection.sheet = True
    book.properties.title = f"Tự đánh giá DTI — {identity['unit_name']}"
    book.properties.subject = FORMAT
    book.properties.keywords = f"{identity['framework_code']} {identity['framework_hash']}"
    book.save(stream)


def _text(value: object) -> object:
    return spreadsheet_text(value) if isinstance(value, str) else value


def style_header(sheet: Worksheet) -> None:
    """The first row as every workbook of the platform shows its headers: bold, shaded, wrapped."""
    from openpyxl.styles import Alignment, Font, PatternFill

    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def list_rule(options: Sequence[str]) -> DataValidation | None:
    """A drop-down of `options` with its Vietnamese error; None when Excel cannot hold the list
    written in the rule (an option with a comma, or more than 255 characters in all)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    formula = '"' + ",".join(options) + '"'
    if len(formula) > 255 or any("," in option for option in options):
        return None
    rule = DataValidation(type="list", formula1=formula, allow_blank=True)
    rule.error = "Hãy chọn một giá trị trong danh sách"
    rule.errorTitle = "Giá trị không hợp lệ"
    return rule


def _validate(sheet: Worksheet, slot: Slot, where: str) -> None:
    """The value cell's data validation by its type (Excel refuses anything else as it is typed)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    spec = slot.spec
    rule: DataValidation | None = None
    if slot.kind in (SCORE, SELF_SCORE):
        top = float(slot.max) if slot.max is not None else 1e12
        rule = DataValidation(type="decimal", operator="between", formula1="0", formula2=str(top))
        rule.error = f"Điểm từ 0 đến {fmt(slot.max) if slot.max is not None else 'tối đa'}"
    elif spec is None or spec.type is InputType.TEXT:
        return
    elif spec.type in (InputType.YES_NO, InputType.CHOICE):
        rule = list_rule(["Có", "Không"] if spec.type is InputType.YES_NO else list(spec.options.values()))
        if rule is None:
            return  # a list Excel cannot hold: the upload still checks the choice
    elif spec.type is InputType.COUNT:
        rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0")
        rule.error = "Cần số nguyên không âm"
    elif spec.type is InputType.PERCENT:
        rule = DataValidation(type="decimal", operator="between", formula1="0", formula2="100")
        rule.error = "Tỷ lệ từ 0 đến 100"
    else:
        rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
        rule.error = "Cần số không âm"
    rule.errorTitle = "Giá trị không hợp lệ"
    rule.showErrorMessage = True
    rule.allow_blank = True
    sheet.add_data_validation(rule)
    rule.add(where)


def downloaded_at(now: datetime.datetime) -> str:
    """The download time as recorded in the file (ISO 8601, UTC)."""
    return now.astimezone(datetime.UTC).isoformat(timespec="seconds")
