"""Reading spreadsheet-like files (CSV, XLSX) into rows that remember where each cell was.

Every failure becomes an InputError naming the file and the place (sheet, row, column), so
the person can find the cell; nothing here raises a bare exception at them.

Every file is read within the fixed limits below (docs/files.md, "Giới hạn khi đọc tệp"),
checked before or while reading, never after: a file past one is refused at once with a
Vietnamese message naming it, and reading any file, however made, adds at most about 160 MB
to the process's memory. A legitimate file at the limits (a results table of 3,500 units × 170
columns, a long raw-data table of 120,000 rows × 5 columns) reads in a few seconds.
"""

from __future__ import annotations

import csv
import datetime
import posixpath
import struct
import unicodedata
import zipfile
import zlib
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.parsers import expat

from dti.engine.errors import InputError
from dti.engine.numbers import NumberError, to_decimal

MIB = 1024 * 1024

# --- Limits when reading a file ----------------------------------------------------------

MAX_FILE_BYTES = 50 * MIB
"""A CSV or XLSX file on disk (a web upload is limited further, to 5 MB, by core.imports)."""
MAX_ROWS = 150_000
"""Rows of a CSV file, or of all the sheets of a workbook read together, blank ones included."""
MAX_COLUMNS = 2_000
"""Columns: a row's last cell with a value (CSV: its number of fields)."""
MAX_CELLS = 600_000
"""Cell positions of the whole file: each row counts up to its last cell with a value. 3,500 units
× 171 columns. What a table costs in memory (about 250 bytes a cell) is why it is not higher:
a long raw-data table of 3,500 units × 150 fields (525,000 rows, 2.6 million cells) took about
1 GB; such a table is read per province."""
MAX_CELL_CHARS = 32_767
"""Characters in one cell: Excel's own limit."""
MAX_TEXT_CHARS = 8_000_000
"""Characters of distinct text in all cells together (a text repeated is kept, and counted, once)."""
MAX_RECORD_CHARS = 1_000_000
"""Characters of one CSV record (a line, or lines joined by a quoted field) before it is split."""
MAX_ZIP_MEMBERS = 1_000
"""Members (parts) of an XLSX zip, read from its end record before zipfile reads its directory."""
MAX_MEMBER_BYTES = 100 * MIB
"""Declared uncompressed size of one XLSX member. Python's zipfile never reads a member past its
declared size (more fails its CRC check), so this check, made first, bounds all reading."""
MAX_UNZIPPED_BYTES = 200 * MIB
"""Declared uncompressed size of all XLSX members together."""
MAX_RATIO = 100
"""Compression ratio (uncompressed : compressed) of an XLSX member above RATIO_FROM_BYTES: real
sheets compress about 10:1, zip bombs 1,000:1."""
RATIO_FROM_BYTES = MIB
"""Members smaller than this are not held to MAX_RATIO (a small repetitive part may compress well)."""
MAX_XML_ELEMENTS = 2_500_000
"""XML elements in all the XLSX parts read (a cell is two or three): bounds the time of reading."""
MAX_XML_DEPTH = 64
"""Nesting of XML elements (a sheet needs six)."""
MAX_XML_TOKEN_BYTES = MIB
"""Bytes between two `>` in an XLSX part: no tag (which expat holds whole) is longer."""
MAX_PART_BYTES = 10 * MIB
"""Declared uncompressed size of an XLSX part kept whole once read: the workbook, relationships, styles."""
MAX_PART_ITEMS = 100_000
"""Relationships, number formats or cell styles listed in one XLSX part (sheets: MAX_ZIP_MEMBERS)."""
CHUNK_BYTES = 64 * 1024
"""What one read from an XLSX member gives the XML parser."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_SUFFIXES = (".xlsx", ".xlsm")

HEADER_ALIASES = {
    "đơn vị": "unit",
    "tên đơn vị": "unit",
    "nhóm": "group",
    "nhóm xếp hạng": "group",
    "loại đơn vị": "type",
    "mã": "code",
    "trường": "field",
    "giá trị": "value",
    "tổng điểm": "total",
    "tổng": "total",
    "tỷ lệ": "percent",
    "tỷ lệ (%)": "percent",
    "xếp hạng": "rank",
    "hạng": "rank",
    "xếp loại": "class",
}


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell's value (text from CSV, typed from XLSX) and where it is.

    The place is made when asked for: a file of a million cells keeps no million place texts.
    """

    value: object
    row: int
    column: int  # 0-based
    key: str  # its header key
    where: str = ""  # "trang 'I1', " in a workbook

    @property
    def place(self) -> str:
        """Where the cell is: "dòng 5, cột C (value)"."""
        return f"{self.where}dòng {self.row}, cột {column_letter(self.column)} ({self.key})"

    @property
    def blank(self) -> bool:
        """Whether the cell holds nothing."""
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


@dataclass(frozen=True, slots=True)
class Row:
    """One non-blank data row: its number in the file and its cells by header key."""

    number: int
    cells: dict[str, Cell]

    def get(self, key: str) -> Cell | None:
        """The cell under header `key`, or None if there is no such column or it is blank."""
        cell = self.cells.get(key)
        return None if cell is None or cell.blank else cell

    def text(self, key: str) -> str:
        """The cell under `key` as stripped NFC text ("" when blank)."""
        cell = self.get(key)
        if cell is None:
            return ""
        value = cell.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return unicodedata.normalize("NFC", str(value)).strip()


@dataclass(frozen=True, slots=True)
class Table:
    """A file's header keys (in order) and its data rows."""

    file: str
    headers: list[str]
    rows: list[Row]
    places: dict[str, str]  # header key -> "dòng 1, cột C" of its header cell
    where: str = ""  # what every place in it starts with: "trang 'I1', " in a workbook, "" in a CSV file


def spreadsheet_text(text: str) -> str:
    """A text cell as every CSV/XLSX writer of the platform writes it: a leading apostrophe when it
    starts with `=`, `+`, `-`, `@`, tab or carriage return, unchanged otherwise.

    The OWASP CSV-injection advice: a spreadsheet program would run such a cell as a formula (a unit
    named `=HYPERLINK(...)` leaking data). Text only: numbers are written as numbers, never through here.
    A text that already starts with apostrophes before such a character gets one more, so that
    `spreadsheet_value` gives every text back exactly.
    """
    return "'" + text if _formula_like(text) else text


def spreadsheet_value(text: str) -> str:
    """The inverse of `spreadsheet_text`, for reading our files back: one leading apostrophe dropped
    when apostrophes stand before a dangerous character."""
    return text[1:] if text.startswith("'") and _formula_like(text) else text


def _formula_like(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_STARTS)


def normalize_header(text: object) -> str:
    """A header cell as a key: NFC, trimmed, Vietnamese names mapped to the English keys."""
    key = unicodedata.normalize("NFC", str(text or "")).strip()
    return HEADER_ALIASES.get(key.lower(), key)


def column_letter(index: int) -> str:
    """Spreadsheet column name of a 0-based index (0 → A, 27 → AB)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_table(path: str | Path, *, sheet: str | None = None) -> Table:
    """Read a CSV or XLSX file (first sheet unless `sheet` is named) into a Table, within the limits above."""
    file_path = _checked(path)
    file = str(path)
    suffix = file_path.suffix.lower()
    if suffix == ".csv":
        if sheet:
            raise InputError(file, "", "tệp CSV không có trang tính")
        raw_rows = _csv_rows(file_path, _Budget(file))
        where = ""
    elif suffix in XLSX_SUFFIXES:
        raw_rows, where = _xlsx_rows(file_path, sheet)
    else:
        raise InputError(file, "", f"không đọc được tệp '{file_path.suffix or file_path.name}': cần .csv hoặc .xlsx")
    return table_of_rows(file, raw_rows, where)


def _checked(path: str | Path) -> Path:
    """The path of a readable file of acceptable size, or InputError saying why not."""
    file = str(path)
    file_path = Path(path)
    if not file_path.exists():
        raise InputError(file, "", "không tìm thấy tệp")
    if file_path.is_dir():
        raise InputError(file, "", "đây là một thư mục, không phải tệp")
    if file_path.stat().st_size > MAX_FILE_BYTES:
        raise InputError(file, "", f"tệp lớn hơn {MAX_FILE_BYTES // MIB} MB")
    return file_path


@dataclass(frozen=True, slots=True)
class Sheet:
    """One worksheet of a workbook: its name, whether it is hidden, and its cells row by row."""

    name: str
    hidden: bool
    rows: list[list[object]]

    @property
    def where(self) -> str:
        """The start of a place in this sheet: "trang 'I1', "."""
        return f"trang '{self.name}', "


def read_sheets(path: str | Path) -> list[Sheet]:
    """Every worksheet of an XLSX file, in order (chart sheets left out), read in one pass within
    the limits above (the cells and text of all sheets count together)."""
    file_path = _checked(path)
    if file_path.suffix.lower() not in XLSX_SUFFIXES:
        raise InputError(str(path), "", f"không đọc được tệp '{file_path.suffix or file_path.name}': cần .xlsx")
    with _open_xlsx(file_path) as book:
        return [Sheet(part.name, part.hidden, book.rows(part)) for part in book.parts if part.member is not None]


def _xlsx_rows(file_path: Path, sheet: str | None) -> tuple[list[list[object]], str]:
    with _open_xlsx(file_path) as book:
        names = [part.name for part in book.parts]
        if sheet is not None and sheet not in names:
            raise InputError(str(file_path), "", f"không có trang tính '{sheet}' (có: {', '.join(names)})")
        if not book.parts:
            raise InputError(str(file_path), "", BROKEN_XLSX)
        part = book.parts[names.index(sheet) if sheet is not None else 0]
        if part.member is None:
            raise InputError(str(file_path), "", f"trang '{part.name}' là biểu đồ, không có dữ liệu")
        return book.rows(part), f"trang '{part.name}', "


def _count(number: int) -> str:
    """A count as Vietnamese writes it: 32.767."""
    return f"{number:,}".replace(",", ".")


class _Budget:
    """What one file has used of the limits that hold for the whole file (cells, characters of text)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.cells = 0
        self.rows = 0  # rows of the sheets read before, blank ones included
        self.chars = 0
        self.texts: dict[str, str] = {}

    def row(self, where: str, number: int, width: int) -> None:
        """Count a finished row of `width` cell positions."""
        self.cells += width
        if self.cells > MAX_CELLS:
            raise InputError(self.file, f"{where}dòng {number}", f"tệp có hơn {_count(MAX_CELLS)} ô")

    def text(self, place: str, text: str) -> str:
        """The text of a cell, kept once however often the file repeats it (a unit's name on each
        of its rows of a long table); only text not seen before counts against MAX_TEXT_CHARS."""
        kept = self.texts.get(text)
        if kept is None:
            self.chars += len(text)
            if self.chars > MAX_TEXT_CHARS:
                raise InputError(self.file, place, f"tệp có hơn {_count(MAX_TEXT_CHARS)} ký tự văn bản khác nhau")
            self.texts[text] = kept = text
        return kept

    def check_rows(self, where: str, number: int) -> None:
        """Refuse row `number` of a sheet when it and the rows of the sheets read before pass MAX_ROWS."""
        if self.rows + number > MAX_ROWS:
            earlier = " (cùng các trang trước)" if self.rows else ""
            raise InputError(self.file, f"{where}dòng {_count(number)}", f"có hơn {_count(MAX_ROWS)} dòng{earlier}")

    def too_many_columns(self, where: str, number: int, column: int) -> InputError:
        """The refusal of a cell in column `column` (1-based), past MAX_COLUMNS."""
        return InputError(
            self.file, f"{where}dòng {number}", f"dòng có ô ở cột thứ {_count(column)}, quá {_count(MAX_COLUMNS)} cột"
        )

    def too_long(self, where: str, number: int, column: int) -> InputError:
        """The refusal of a cell (column 1-based) longer than MAX_CELL_CHARS."""
        letter = column_letter(column - 1)
        return InputError(
            self.file,
            f"{where}dòng {number}, cột {letter}",
            f"ô {letter}{number} dài hơn {_count(MAX_CELL_CHARS)} ký tự",
        )


# --- CSV ---------------------------------------------------------------------------------


class _CsvLines:
    """The lines of a CSV file for csv.reader, each read with a bound on its length; the characters
    of the record being read (`used`, reset by the caller at each row) are bounded too, so that no
    line and no record, quoted over many lines or not, is held whole past MAX_RECORD_CHARS."""

    def __init__(self, handle: IO[str], budget: _Budget) -> None:
        self.handle = handle
        self.budget = budget
        self.peeked: deque[str] = deque()
        self.used = 0
        self.records = 0

    def first(self) -> str:
        """The first non-blank line (kept to be read again): its separators tell the delimiter."""
        while True:
            line = self._line()
            if not line:
                return ""
            self.peeked.append(line)
            self.budget.check_rows("", len(self.peeked))
            if line.strip():
                return line

    def __iter__(self) -> _CsvLines:
        return self

    def __next__(self) -> str:
        line = self.peeked.popleft() if self.peeked else self._line()
        if not line:
            raise StopIteration
        self.used += len(line)
        if self.used > MAX_RECORD_CHARS:
            raise InputError(
                self.budget.file, f"dòng {self.records + 1}", f"dòng dài hơn {_count(MAX_RECORD_CHARS)} ký tự"
            )
        return line

    def _line(self) -> str:
        line = self.handle.readline(MAX_RECORD_CHARS + 1)
        if "\x00" in line:
            raise InputError(self.budget.file, "", "tệp không phải là văn bản CSV")
        return line


def _csv_rows(file_path: Path, budget: _Budget) -> list[list[object]]:
    """The rows of a UTF-8 CSV file (comma, semicolon or tab, told by the header), read as a stream
    and refused at the first limit passed."""
    file = str(file_path)
    rows: list[list[object]] = []
    try:
        with file_path.open(encoding="utf-8-sig", newline="") as handle:
            lines = _CsvLines(handle, budget)
            first = lines.first()
            delimiter = max((",", ";", "\t"), key=first.count)  # the header's separator; a comma on a tie
            for row in csv.reader(lines, delimiter=delimiter):
                number = len(rows) + 1
                budget.check_rows("", number)
                if len(row) > MAX_COLUMNS:
                    raise budget.too_many_columns("", number, len(row))
                for column, value in enumerate(row, start=1):
                    if len(value) > MAX_CELL_CHARS:
                        raise budget.too_long("", number, column)
                budget.row("", number, len(row))
                rows.append([budget.text(f"dòng {number}", value) for value in row])
                lines.used = 0
                lines.records = number
    except UnicodeDecodeError as exc:
        raise InputError(file, "", "tệp CSV không phải mã UTF-8: hãy lưu lại với mã hóa UTF-8") from exc
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise InputError(file, "", "tệp CSV có một ô quá dài (thiếu dấu ngoặc kép đóng?)") from exc
        raise InputError(file, "", "tệp CSV hỏng (dấu ngoặc kép hoặc dấu phân cách không khớp)") from exc
    return rows


# --- XLSX --------------------------------------------------------------------------------
#
# An XLSX file is a zip of XML parts. Its sizes are checked from the zip's directory before any
# part is read (`_check_zip`), then each part the reader needs is parsed as a stream with expat
# (`_stream`), keeping only what the tables need and refusing at the first limit passed: openpyxl
# is not used for reading, as it would build each part, row or cell whole before any check (and
# pads every row to the sheet's declared <dimension>).

BROKEN_XLSX = "không mở được tệp Excel (tệp hỏng hoặc không phải .xlsx)"
_EOCD = struct.Struct("<4s4H2LH")  # the zip's end-of-central-directory record
_ZIP64_LOCATOR = struct.Struct("<4sLQL")  # before it in a zip64 file: where the zip64 end record is
_ZIP64_END = struct.Struct("<4sQ2H2L4Q")  # the zip64 end record: count and size of the directory
_DATE, _TIMEDELTA, _PERCENT = 1, 2, 3  # what a cell style's number format makes of a number
_FORMAT_CHARS = 255  # Excel's longest number format: a longer one is read no further
_COLUMNS = {column_letter(index): index + 1 for index in range(MAX_COLUMNS)}  # "A" → 1 … up to the limit


@dataclass(frozen=True, slots=True)
class _Part:
    """A sheet listed by the workbook: its name, whether hidden, and its zip member (None: a chart sheet)."""

    name: str
    hidden: bool
    member: str | None


def _check_zip(file: str, data_path: Path) -> zipfile.ZipFile:
    """The open zip, once its directory shows every limit kept: the number of members (read from
    the end record, before zipfile reads the directory), each member's declared uncompressed
    size and compression ratio, and their total. zipfile never reads a member past its declared
    size (a member that inflates to more fails its CRC check), so this bounds all later reading."""
    with data_path.open("rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(max(0, size - _EOCD.size - 65535))
        tail = handle.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < _EOCD.size:
            raise InputError(file, "", BROKEN_XLSX)
        _, _, _, _, entries, directory, _, _ = _EOCD.unpack_from(tail, at)
        if at >= _ZIP64_LOCATOR.size and tail[at - _ZIP64_LOCATOR.size :].startswith(b"PK\x06\x07"):
            # zipfile then takes the count and directory size from the zip64 end record instead
            _, _, where, _ = _ZIP64_LOCATOR.unpack_from(tail, at - _ZIP64_LOCATOR.size)
            handle.seek(where)
            record = handle.read(_ZIP64_END.size)
            if len(record) < _ZIP64_END.size or not record.startswith(b"PK\x06\x06"):
                raise InputError(file, "", BROKEN_XLSX)
            entries, directory = _ZIP64_END.unpack(record)[7:9]
    if entries > MAX_ZIP_MEMBERS or directory > MAX_ZIP_MEMBERS * 1024:
        raise InputError(file, "", f"tệp Excel có hơn {_count(MAX_ZIP_MEMBERS)} thành phần nén")
    try:
        archive = zipfile.ZipFile(data_path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError(file, "", BROKEN_XLSX) from exc
    members = archive.infolist()
    total = 0
    try:
        if len(members) > MAX_ZIP_MEMBERS:
            raise InputError(file, "", f"tệp Excel có hơn {_count(MAX_ZIP_MEMBERS)} thành phần nén")
        for member in members:
            if member.file_size > MAX_MEMBER_BYTES:
                raise InputError(
                    file, "", f"tệp giải nén ra hơn {MAX_MEMBER_BYTES // MIB} MB (thành phần '{member.filename[:100]}')"
                )
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
                raise InputError(
                    file,
                    "",
                    f"tỷ lệ nén {_count(int(ratio))}:1 của thành phần '{member.filename[:100]}' "
                    f"vượt giới hạn {MAX_RATIO}:1 (tệp nén bất thường)",
                )
            total += member.file_size
            if total > MAX_UNZIPPED_BYTES:
                raise InputError(file, "", f"tệp giải nén ra hơn {MAX_UNZIPPED_BYTES // MIB} MB")
    except InputError:
        archive.close()
        raise
    return archive


class _Refused(Exception):
    """Raised inside an XML handler to stop a part that is not a spreadsheet part (a DOCTYPE)."""


def _stream(file: str, archive: zipfile.ZipFile, member: str, handler: _Handler) -> None:
    """Feed one zip member to `handler` as a stream of elements, within the XML limits: no DOCTYPE
    (so no entities), no tag or run longer than MAX_XML_TOKEN_BYTES (expat holds a tag whole), at
    most MAX_XML_DEPTH nested elements and MAX_XML_ELEMENTS elements in the file."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = handler.enter
    parser.EndElementHandler = handler.leave
    parser.CharacterDataHandler = handler.data
    parser.StartDoctypeDeclHandler = _no_doctype
    since_tag_end = 0
    try:
        with archive.open(member) as source:
            while chunk := source.read(CHUNK_BYTES):
                last = chunk.rfind(b">")
                first = chunk.find(b">")
                if (since_tag_end + (len(chunk) if first < 0 else first)) > MAX_XML_TOKEN_BYTES:
                    raise InputError(file, "", f"{BROKEN_XLSX}: một thẻ XML dài hơn {MAX_XML_TOKEN_BYTES // MIB} MB")
                since_tag_end = since_tag_end + len(chunk) if last < 0 else len(chunk) - last - 1
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (
        expat.ExpatError,
        _Refused,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        RuntimeError,  # an encrypted member
        NotImplementedError,  # a compression method zipfile does not know
    ) as exc:
        raise InputError(file, "", BROKEN_XLSX) from exc


def _no_doctype(*_: object) -> None:
    raise _Refused


class _Handler:
    """What reads one XML part: element names without their namespace prefix; counts depth and elements."""

    def __init__(self, book: _Book) -> None:
        self.book = book
        self.depth = 0

    def enter(self, name: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        self.book.elements += 1
        if self.depth > MAX_XML_DEPTH:
            raise InputError(self.book.file, "", f"{BROKEN_XLSX}: XML lồng sâu hơn {MAX_XML_DEPTH} mức")
        if self.book.elements > MAX_XML_ELEMENTS:
            raise InputError(self.book.file, "", f"tệp Excel có hơn {_count(MAX_XML_ELEMENTS)} phần tử XML")
        self.start(name[name.find(":") + 1 :], attributes)

    def leave(self, name: str) -> None:
        self.depth -= 1
        self.end(name[name.find(":") + 1 :])

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        """An element starts (its local name)."""

    def end(self, tag: str) -> None:
        """An element ends (its local name)."""

    def data(self, text: str) -> None:
        """Character data."""

    def keep(self, count: int, what: str, limit: int = MAX_PART_ITEMS) -> None:
        """Refuse a part listing more than `limit` of something."""
        if count >= limit:
            raise InputError(self.book.file, "", f"tệp Excel có hơn {_count(limit)} {what}")


def _attribute(attributes: dict[str, str], name: str) -> str:
    """An attribute by its local name, whatever its namespace prefix (`r:id` for `id`)."""
    if name in attributes:
        return attributes[name]
    return next((value for key, value in attributes.items() if key.endswith(":" + name)), "")


class _Relations(_Handler):
    """A `.rels` part: relationship id → (type, target member)."""

    def __init__(self, book: _Book, folder: str) -> None:
        super().__init__(book)
        self.folder = folder
        self.found: dict[str, tuple[str, str]] = {}

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == "Relationship":
            self.keep(len(self.found), "quan hệ giữa các thành phần")
            target = attributes.get("Target", "")
            member = target[1:] if target.startswith("/") else posixpath.join(self.folder, target)
            self.found[attributes.get("Id", "")] = (attributes.get("Type", ""), posixpath.normpath(member))


class _WorkbookPart(_Handler):
    """The workbook part: its sheets in order (name, state, relationship id) and its date system."""

    def __init__(self, book: _Book) -> None:
        super().__init__(book)
        self.sheets: list[tuple[str, bool, str]] = []
        self.date1904 = False

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == "sheet":
            self.keep(len(self.sheets), "trang tính", MAX_ZIP_MEMBERS)
            state = attributes.get("state", "visible")
            self.sheets.append((attributes.get("name", ""), state != "visible", _attribute(attributes, "id")))
        elif tag == "workbookPr":
            self.date1904 = attributes.get("date1904", "") in ("1", "true")


class _Styles(_Handler):
    """The styles part: what each cell style's number format makes of a number (date, duration, percent)."""

    def __init__(self, book: _Book) -> None:
        super().__init__(book)
        self.formats: dict[int, str] = {}
        self.kinds: list[int] = []
        self.by_format: dict[int, int] = {}  # number format id → what it makes of a number
        self.in_cell_styles = False

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == "numFmt":
            self.keep(len(self.formats), "định dạng số")
            self.formats[_int(attributes.get("numFmtId"))] = attributes.get("formatCode", "")[:_FORMAT_CHARS]
        elif tag == "cellXfs":
            self.in_cell_styles = True
        elif tag == "xf" and self.in_cell_styles:
            self.keep(len(self.kinds), "kiểu ô")
            number_id = _int(attributes.get("numFmtId"))
            if number_id not in self.by_format:
                self.by_format[number_id] = self._kind(number_id)
            self.kinds.append(self.by_format[number_id])

    def _kind(self, number_id: int) -> int:
        """What the number format `number_id` makes of a number (0: a plain number)."""
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

        code = self.formats.get(number_id) or BUILTIN_FORMATS.get(number_id, "General")
        if is_date_format(code):
            return _TIMEDELTA if is_timedelta_format(code) else _DATE
        return _PERCENT if "%" in code else 0

    def end(self, tag: str) -> None:
        if tag == "cellXfs":
            self.in_cell_styles = False


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return -1


class _Strings(_Handler):
    """The shared strings part: each string's text (phonetic runs left out); a string longer than
    MAX_CELL_CHARS is kept as None and refused where a cell uses it, naming the cell."""

    def __init__(self, book: _Book) -> None:
        super().__init__(book)
        self.strings: list[str | None] = []
        self.parts: list[str] | None = None
        self.size = 0
        self.collecting = False
        self.phonetic = 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == "si":
            self.parts, self.size = [], 0
        elif tag == "t" and self.parts is not None and not self.phonetic:
            self.collecting = True
        elif tag == "rPh":
            self.phonetic += 1

    def data(self, text: str) -> None:
        if self.collecting and self.parts is not None:
            self.size += len(text)
            if self.size <= MAX_CELL_CHARS:
                self.parts.append(text)

    def end(self, tag: str) -> None:
        if tag == "t":
            self.collecting = False
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "si" and self.parts is not None:
            if len(self.strings) >= MAX_CELLS:
                raise InputError(self.book.file, "", f"tệp có hơn {_count(MAX_CELLS)} ô")
            if self.size > MAX_CELL_CHARS:
                self.strings.append(None)
            else:
                self.strings.append(self.book.budget.text("", "".join(self.parts).replace("x005F_", "")))
            self.parts = None


class _SheetRows(_Handler):
    """A worksheet part as rows of values. Rows and cells are placed by their own references, never
    by the sheet's declared <dimension> (ignored), and each row only reaches its last cell with a
    value; rows, columns, cells and cell length are checked as each one is read."""

    def __init__(self, book: _Book, where: str) -> None:
        super().__init__(book)
        self.where = where
        self.rows: list[list[object]] = []
        self.row: list[object] | None = None
        self.number = 0
        self.column = 0
        self.kind = "n"
        self.style = 0
        self.parts: list[str] | None = None
        self.size = 0
        self.collecting = False
        self.phonetic = 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == "c" and self.row is not None:
            reference = attributes.get("r")
            self.column = _column_of(reference) if reference else self.column + 1
            if self.column < 1:
                raise InputError(
                    self.book.file, f"{self.where}dòng {self.number}", f"{BROKEN_XLSX}: ô '{(reference or '')[:20]}'"
                )
            if self.column > MAX_COLUMNS:
                raise self.book.budget.too_many_columns(self.where, self.number, self.column)
            self.kind = attributes.get("t", "n")
            self.style = _int(attributes.get("s"))
            self.parts, self.size = None, 0
        elif tag == "v" or (tag == "t" and self.kind == "inlineStr" and not self.phonetic):
            if self.parts is None:
                self.parts = []
            self.collecting = True
        elif tag == "is":
            self.parts = []
        elif tag == "rPh":
            self.phonetic += 1
        elif tag == "row":
            reference = attributes.get("r")
            number = _int(reference) if reference else self.number + 1
            if number <= self.number:
                raise InputError(
                    self.book.file, f"{self.where}dòng {number}", f"{BROKEN_XLSX}: các dòng không theo thứ tự"
                )
            self.book.budget.check_rows(self.where, number)
            self.rows.extend([] for _ in range(number - 1 - len(self.rows)))
            self.number, self.column, self.row = number, 0, []

    def data(self, text: str) -> None:
        if self.collecting and self.parts is not None:
            self.size += len(text)
            if self.size > MAX_CELL_CHARS:
                raise self.book.budget.too_long(self.where, self.number, self.column)
            self.parts.append(text)

    def end(self, tag: str) -> None:
        if tag in ("v", "t"):
            self.collecting = False
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "c" and self.row is not None:
            value = self._value()
            if value is not None:
                row = self.row
                if self.column > len(row):
                    row.extend([None] * (self.column - 1 - len(row)))
                    row.append(value)
                else:
                    row[self.column - 1] = value
            self.parts = None
        elif tag == "row" and self.row is not None:
            self.book.budget.row(self.where, self.number, len(self.row))
            self.rows.append(self.row)
            self.row = None

    def _refused(self, message: str) -> InputError:
        letter = column_letter(self.column - 1)
        return InputError(
            self.book.file, f"{self.where}dòng {self.number}, cột {letter}", f"ô {letter}{self.number} {message}"
        )

    def _value(self) -> object:
        """The cell just read, typed as Excel stored it (a number shown as a percentage: "81.18%")."""
        book, kind, parts = self.book, self.kind, self.parts
        if parts is None:
            return None
        text = "".join(parts)
        if kind == "inlineStr" or kind == "str" or kind == "e":
            return book.budget.text(self.where.rstrip(", "), text)
        if not text:
            return None
        try:
            if kind == "s":
                shared = book.strings[int(text)]
                if shared is None:
                    raise book.budget.too_long(self.where, self.number, self.column)
                return shared
            if kind == "b":
                return bool(int(text))
            if kind == "d":
                return datetime.datetime.fromisoformat(text)
            number: int | float = float(text) if "." in text or "E" in text or "e" in text else int(text)
        except (ValueError, IndexError) as exc:
            raise self._refused("có giá trị không đọc được") from exc
        style = book.styles[self.style] if 0 <= self.style < len(book.styles) else 0
        if style == _PERCENT:
            try:
                return f"{to_decimal(number) * 100:f}%"
            except NumberError as exc:
                raise self._refused(str(exc)) from exc
        if style in (_DATE, _TIMEDELTA):
            from openpyxl.utils.datetime import from_excel

            try:
                return from_excel(number, book.epoch, timedelta=style == _TIMEDELTA)
            except (OverflowError, ValueError):
                return "#VALUE!"  # as Excel shows a date serial it cannot show
        return number


def _column_of(reference: str) -> int:
    """The 1-based column of a cell reference ("AB12" → 28), 0 for one that is not a reference."""
    letters = reference.rstrip("0123456789")
    column = _COLUMNS.get(letters)
    if column is None and letters.isascii() and letters.isalpha() and letters.isupper() and len(letters) < 8:
        column = 0
        for char in letters:
            column = column * 26 + ord(char) - 64
    return column or 0


class _Book:
    """An open XLSX file: its sheets, shared strings, cell styles and date system, read within the limits."""

    def __init__(self, file: str, archive: zipfile.ZipFile) -> None:
        self.file = file
        self.archive = archive
        self.budget = _Budget(file)
        self.elements = 0
        names = set(archive.namelist())
        package = self._relations("")
        workbook = next(
            (target for kind, target in package.values() if kind.endswith("/officeDocument")), "xl/workbook.xml"
        )
        if workbook not in names:
            raise InputError(file, "", BROKEN_XLSX)
        relations = self._relations(workbook)
        parsed = _WorkbookPart(self)
        self._small_part(workbook, parsed)
        # openpyxl (its date formats and conversions) takes a second to import: only when a workbook is read
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

        self.epoch = CALENDAR_MAC_1904 if parsed.date1904 else CALENDAR_WINDOWS_1900
        self.parts: list[_Part] = []
        for name, hidden, relation in parsed.sheets:
            kind, target = relations.get(relation, ("", ""))
            if target in names:
                self.parts.append(_Part(name, hidden, None if "chartsheet" in kind else target))
        styles, strings = _Styles(self), _Strings(self)
        found = {kind.rpartition("/")[2]: target for kind, target in reversed(relations.values()) if target in names}
        if "styles" in found:
            self._small_part(found["styles"], styles)
        if "sharedStrings" in found:
            _stream(file, archive, found["sharedStrings"], strings)
        self.styles = styles.kinds
        self.strings = strings.strings

    def _small_part(self, member: str, handler: _Handler) -> None:
        """Read a part of which all is kept (the workbook, relationships, styles), once its declared
        size is within MAX_PART_BYTES."""
        if self.archive.getinfo(member).file_size > MAX_PART_BYTES:
            raise InputError(
                self.file, "", f"thành phần '{member[:100]}' của tệp Excel lớn hơn {MAX_PART_BYTES // MIB} MB"
            )
        _stream(self.file, self.archive, member, handler)

    def _relations(self, part: str) -> dict[str, tuple[str, str]]:
        """The relationships of `part` ("" for the package), empty when it has none."""
        folder, name = posixpath.split(part)
        member = posixpath.join(folder, "_rels", f"{name}.rels")
        if member not in self.archive.namelist():
            return {}
        relations = _Relations(self, folder)
        self._small_part(member, relations)
        return relations.found

    def rows(self, part: _Part) -> list[list[object]]:
        """The rows of one worksheet."""
        assert part.member is not None
        sheet = _SheetRows(self, f"trang '{part.name}', ")
        _stream(self.file, self.archive, part.member, sheet)
        self.budget.rows += len(sheet.rows)
        return sheet.rows

    def __enter__(self) -> _Book:
        return self

    def __exit__(self, *_: object) -> None:
        self.archive.close()


def _open_xlsx(file_path: Path) -> _Book:
    """The workbook, read within the limits, or InputError for a file that is not one or passes a limit."""
    file = str(file_path)
    archive = _check_zip(file, file_path)
    try:
        return _Book(file, archive)
    except BaseException:
        archive.close()
        raise


def table_of_rows(
    file: str,
    raw_rows: list[list[object]],
    where: str,
    *,
    header_at: int | None = None,
    headers: list[str] | None = None,
    end_at_blank: bool = False,
) -> Table:
    """A Table from raw rows: the header is the first non-blank row, or row `header_at` (0-based)
    with its keys replaced by `headers` when given (a sheet's codes found from its labels).

    `end_at_blank`: the data end at the first blank row (an appendix sheet: notes follow it).
    """
    if header_at is None:
        header_at = next((number for number, raw in enumerate(raw_rows) if any(not _blank(v) for v in raw)), None)
    if header_at is None or header_at >= len(raw_rows):
        raise InputError(file, where.rstrip(", "), "tệp không có dữ liệu (không có dòng tiêu đề)")
    header_number = header_at + 1
    numbered_rows = iter(enumerate(raw_rows[header_number:], start=header_number + 1))
    headers = headers if headers is not None else [normalize_header(cell) for cell in raw_rows[header_at]]
    seen: dict[str, int] = {}
    for column, header in enumerate(headers):
        if not header:
            continue
        if header in seen:
            raise InputError(
                file,
                f"{where}dòng {header_number}, cột {column_letter(column)}",
                f"cột '{header}' trùng với cột {column_letter(seen[header])}",
            )
        seen[header] = column
    rows: list[Row] = []
    for number, raw in numbered_rows:
        if all(_blank(value) for value in raw):
            if end_at_blank and rows:
                break
            continue
        extra = [column for column in range(len(headers), len(raw)) if not _blank(raw[column])]
        if extra:
            raise InputError(
                file, f"{where}dòng {number}, cột {column_letter(extra[0])}", "ô có dữ liệu nhưng không có tiêu đề cột"
            )
        cells = {
            header: Cell(_read_back(raw[column]) if column < len(raw) else None, number, column, header, where)
            for column, header in enumerate(headers)
            if header
        }
        for column, header in enumerate(headers):
            if not header and column < len(raw) and not _blank(raw[column]):
                raise InputError(
                    file,
                    f"{where}dòng {number}, cột {column_letter(column)}",
                    "ô có dữ liệu nhưng không có tiêu đề cột",
                )
        rows.append(Row(number, cells))
    if not rows:
        raise InputError(file, where.rstrip(", "), "tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào")
    places = {
        header: f"{where}dòng {header_number}, cột {column_letter(column)}"
        for column, header in enumerate(headers)
        if header
    }
    return Table(file, [header for header in headers if header], rows, places, where)


def _read_back(value: object) -> object:
    """A data cell's value, text that our writers neutralised read back as written (`spreadsheet_value`)."""
    return spreadsheet_value(value) if isinstance(value, str) else value


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
