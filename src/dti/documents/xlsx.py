"""An appendix `Document` as an Excel workbook: one sheet per table, in the layout `dti check`
and `dti rank` read back (docs/files.md, "Appendix workbook").

Each sheet: the title block (issuer, the document's paragraphs before its first table, "DỰ
THẢO" for a draft, the table's title), the header row of printed labels, directly under it a
hidden row of column codes, one row per unit, then the table's notes. Numbers are real numbers
with a number format at their column's decimals (Excel shows the decimal comma in a Vietnamese
locale); "N/A" is text; a missing value is an empty cell. A hidden sheet `_dti` lists the
tables (sheet, kind, group, index, framework). Printing follows Nghị định 30/2020: A4, the
document's orientation, fit to width, header rows repeated, its margins, the page number
centred at the top from page 2, Times New Roman.

openpyxl writes everything but the unit rows: the title block, labels, codes, notes (already at
their rows under the data), styles, print setup. The unit rows are written as XML text into the
saved sheets, each cell with its column's style index (`<c r="C7" s="5"><v>12.5</v></c>`, text
as an inline string): making and serialising half a million openpyxl cells took most of a
3,500-unit appendix's time (benchmarks/reports.py), as python-docx's tables did for Word
(docx.py does the same).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from math import ceil
from pathlib import Path
from typing import IO, Any, NamedTuple
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell import Cell as XlCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.header_footer import HeaderFooter, HeaderFooterItem, _HeaderFooterPart
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from dti.documents.content import Cell, Column, Document, Paragraph, Style, Table
from dti.engine import fmt, spreadsheet_text

FONT = "Times New Roman"
SIZE = 12
INDEX_SHEET = "_dti"
INDEX_HEADERS = ("sheet", "kind", "group", "index", "framework")
MM = 1 / 25.4  # inches per millimetre (Excel's margins are in inches)
MARGINS = {"top": 20 * MM, "bottom": 20 * MM, "left": 30 * MM, "right": 15 * MM, "header": 10 * MM, "footer": 10 * MM}
DRAFT = "DỰ THẢO"
MAX_WIDTH = 60  # a column is never wider than this many characters (long names wrap)
LABEL_WIDTH = 14  # a header label wraps at about this many characters in a number column
_THIN = Side(style="thin")
_GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def number_format(decimals: int) -> str:
    """Excel's number format for `decimals` places, with thousands grouped: "#,##0.00"."""
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def write_xlsx(document: Document, target: str | Path | IO[bytes]) -> None:
    """Write the document's tables to `target` (a path or a binary file), one sheet each."""
    book = Workbook()
    book.remove(book.worksheets[0])
    tables = document.tables()
    title_block = _title_block(document)
    several = len({table.group for table in tables}) > 1
    units: list[tuple[Worksheet, _Units]] = []
    for table in tables:
        sheet: Worksheet = book.create_sheet(table.key)
        units.append((sheet, _write_table(sheet, document, table, title_block + _table_heading(table, several))))
    index: Worksheet = book.create_sheet(INDEX_SHEET)
    index.sheet_state = "hidden"
    index.append(list(INDEX_HEADERS))
    for table in tables:
        framework = document.meta.get(f"framework:{table.group}", document.meta.get("framework", ""))
        index.append([spreadsheet_text(text) for text in (table.key, table.kind, table.group, table.index, framework)])
    saved = io.BytesIO()
    book.save(saved)
    data = _with_units(saved.getvalue(), {sheet.path.lstrip("/"): rows for sheet, rows in units})
    if isinstance(target, str | Path):
        Path(target).write_bytes(data)
    else:
        target.write(data)


class _Units(NamedTuple):
    """A sheet's unit rows as XML text, to go after its codes row; `dimension` is the sheet's
    whole range with them."""

    codes_row: int
    xml: str
    dimension: str


_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')


def _with_units(package: bytes, sheets: dict[str, _Units]) -> bytes:
    """The saved workbook with each table sheet's unit rows put after its codes row (the notes
    are already written at their rows below) and its dimension set to the whole range."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            units = sheets.get(info.filename)
            if units is not None:
                text = data.decode("utf-8")
                end = text.index("</row>", text.index(f'<row r="{units.codes_row}"')) + len("</row>")
                text = text[:end] + units.xml + text[end:]
                text = _DIMENSION.sub(f'<dimension ref="{units.dimension}"/>', text, count=1)
                data = text.encode("utf-8")
            target.writestr(info, data)
    return out.getvalue()


def _cell_xml(reference: str, style: int, value: Cell) -> str:
    """One cell: a number as it is (never in exponent form), text as an inline string (neutralised
    by `spreadsheet_text`, without the control characters XML cannot hold), an empty cell with its
    style alone (its borders)."""
    if value is None:
        return f'<c r="{reference}" s="{style}"/>'
    if isinstance(value, str):
        text = escape(ILLEGAL_CHARACTERS_RE.sub("", spreadsheet_text(value)))
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f'<c r="{reference}" s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>'
    number = format(value, "f") if isinstance(value, Decimal) else str(value)
    return f'<c r="{reference}" s="{style}"><v>{number}</v></c>'


def _units_xml(table: Table, styles: _Styles, first: int) -> str:
    """The table's rows from sheet row `first` on, as the XML of openpyxl's `<row>` elements."""
    letters = [get_column_letter(n) for n in range(1, len(table.columns) + 1)]
    body = [styles.index(array) for array in styles.body]
    bold = [styles.index(array) for array in styles.bold]
    lines = []
    for number, data in enumerate(table.rows, start=first):
        indices = bold if data.bold else body
        cells = "".join(
            _cell_xml(f"{letter}{number}", style, value)
            for letter, style, value in zip(letters, indices, data.cells, strict=True)
        )
        lines.append(f'<row r="{number}">{cells}</row>')
    return "".join(lines)


_BOLD = (Style.TITLE, Style.SUBTITLE, Style.HEADING, Style.DRAFT)
Line = tuple[str, str]  # a line of the title block and how it is set: "bold", "italic" or "plain"


def _title_block(document: Document) -> list[Line]:
    """The lines on top of every sheet: issuing body, the paragraphs before the first table
    (bold titles, the italic "(Kèm theo Quyết định …)"), and "DỰ THẢO" for a draft."""
    lines: list[Line] = []
    if document.heading.parent:
        lines.append((document.heading.parent.upper(), "plain"))
    if document.heading.issuer:
        lines.append((document.heading.issuer.upper(), "bold"))
    for block in document.blocks:
        if isinstance(block, Table):
            break
        if isinstance(block, Paragraph):
            look = "bold" if block.style in _BOLD else "italic" if block.style is Style.ATTACHED else "plain"
            lines.append((block.text, look))
    if document.draft:
        lines.append((DRAFT, "bold"))
    return lines


def _table_heading(table: Table, several: bool) -> list[Line]:
    """The table's own title line, after its group's name when the document has several groups."""
    return [(f"{table.group}: {table.title}" if several and table.group else table.title, "bold")]


class _Styles:
    """The style arrays of one sheet's cells, built once and copied to every cell (so a sheet of
    thousands of rows makes no style object per cell)."""

    def __init__(self, sheet: Worksheet, columns: Sequence[Column]) -> None:
        self.sheet = sheet
        centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.titles = {
            "bold": self._array(Font(name=FONT, size=SIZE, bold=True), centred),
            "italic": self._array(Font(name=FONT, size=SIZE, italic=True), centred),
            "plain": self._array(Font(name=FONT, size=SIZE), centred),
        }
        self.header = self._array(
            Font(name=FONT, size=SIZE, bold=True),
            Alignment(horizontal="center", vertical="center", wrap_text=True),
            border=True,
        )
        self.code = self._array(Font(name=FONT, size=SIZE), None)
        self.note = self._array(Font(name=FONT, size=SIZE - 1, italic=True), None)
        self.body = [
            self._array(
                Font(name=FONT, size=SIZE),
                Alignment(vertical="center", wrap_text=column.decimals is None, horizontal=_align(column)),
                border=True,
                number_format=_format(column),
            )
            for column in columns
        ]
        self.bold = [
            self._array(Font(name=FONT, size=SIZE, bold=True), None, border=True, number_format=_format(column))
            for column in columns
        ]

    def _array(
        self, font: Font, alignment: Alignment | None, *, border: bool = False, number_format: str | None = None
    ) -> Any:
        template = XlCell(self.sheet, row=1, column=1)  # never added to the sheet
        template.font = font
        if alignment is not None:
            template.alignment = alignment
        if border:
            template.border = _GRID
        if number_format is not None:
            template.number_format = number_format
        return template._style  # type: ignore[attr-defined]  # openpyxl's StyleArray, copied by each Cell

    def cell(self, value: object, style: Any) -> XlCell:
        """A cell holding `value` (text neutralised by `spreadsheet_text`) with the style array `style`."""
        shown = spreadsheet_text(value) if isinstance(value, str) else value
        return XlCell(self.sheet, row=1, column=1, value=shown, style_array=style)  # type: ignore[arg-type]

    def index(self, style: Any) -> int:
        """The workbook's index of the style array `style`: the `s` of a cell written as XML."""
        return int(self.cell(None, style).style_id)


_CENTRED = ("stt", "rank", "class")


def _align(column: Column) -> str:
    """Names left, numbers (and "N/A" among them) right; the order number, rank and class centred."""
    if column.code.split(":", 1)[0] in _CENTRED:
        return "center"
    return "left" if column.decimals is None else "right"


def _format(column: Column) -> str | None:
    return None if column.decimals is None else number_format(column.decimals)


def _longest(values: Sequence[Cell], column: Column) -> int:
    """The length of the longest cell as Excel shows it: text as it is, the largest number at the
    column's decimals (one `fmt` for the column, not one per cell)."""
    numbers = [value for value in values if isinstance(value, Decimal | int)]
    texts = [len(value) for value in values if isinstance(value, str)]
    if numbers:
        widest = max(abs(Decimal(number)) for number in numbers)
        texts.append(len(fmt(widest, column.decimals)) + any(number < 0 for number in numbers))
    return max(texts, default=0)


def _widths(table: Table) -> list[float]:
    """Each column's width in characters: its longest value, or its label wrapped."""
    widths = []
    for position, column in enumerate(table.columns):
        longest = _longest([row.cells[position] for row in table.rows], column)
        words = max((len(word) for word in column.label.split()), default=0)
        label = min(len(column.label), LABEL_WIDTH if column.decimals is not None else MAX_WIDTH)
        widths.append(float(min(max(longest, label, words, 4) + 2, MAX_WIDTH)))
    return widths


def _write_table(sheet: Worksheet, document: Document, table: Table, title: list[Line]) -> _Units:
    """One table's sheet: widths, frozen panes, print setup, the rows above and below the units,
    and the unit rows as XML text to put in the saved sheet."""
    styles = _Styles(sheet, table.columns)
    width = len(table.columns)
    last = get_column_letter(width)
    header_row = len(title) + 2  # the title block, a blank row, then the header
    codes_row = header_row + 1
    widths = _widths(table)
    for position, value in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = value
    lines = max(ceil(len(c.label) * 1.15 / max(w - 1, 1)) for c, w in zip(table.columns, widths, strict=True))
    sheet.row_dimensions[header_row].height = 16 * max(lines, 1)
    sheet.row_dimensions[codes_row].hidden = True
    unit_column = next((n for n, c in enumerate(table.columns, start=1) if c.code == "unit"), 0)
    sheet.freeze_panes = f"{get_column_letter(unit_column + 1)}{codes_row + 1}"
    sheet.print_title_rows = f"{header_row}:{codes_row}"
    _print_setup(sheet, document)
    for row, (text, look) in enumerate(title, start=1):
        sheet.append([styles.cell(text, styles.titles[look])])
        sheet.merge_cells(f"A{row}:{last}{row}")
        sheet.row_dimensions[row].height = 16 * ceil(len(text) * 1.1 / sum(widths))
    sheet.append([])
    sheet.append([styles.cell(column.label, styles.header) for column in table.columns])
    sheet.append([styles.cell(column.code, styles.code) for column in table.columns])
    for _ in table.rows:
        sheet.append([])  # the unit rows' places, filled in the saved sheet (`_with_units`)
    if table.notes:
        sheet.append([])
        sheet.append([styles.cell("Ghi chú:", styles.note)])
        for note in table.notes:
            sheet.append([styles.cell(note, styles.note)])
    bottom = max(sheet.max_row, codes_row + len(table.rows))
    return _Units(codes_row, _units_xml(table, styles, codes_row + 1), f"A1:{last}{bottom}")


def _print_setup(sheet: Worksheet, document: Document) -> None:
    """A4, the document's orientation, fit to the page's width, Nghị định 30's margins, the page
    number centred at the top from page 2 (page 1 has a header of its own, blank but for the
    draft mark: an empty one is taken by some programs for "same as the other pages"), "DỰ
    THẢO" at the top right of every page of a draft."""
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if document.landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(**MARGINS)
    draft = _HeaderFooterPart(text=DRAFT, font=f"{FONT},Bold") if document.draft else None
    sheet.HeaderFooter = HeaderFooter(
        differentFirst=True,
        oddHeader=HeaderFooterItem(center=_HeaderFooterPart(text="&P", font=FONT), right=draft),
        firstHeader=HeaderFooterItem(center=_HeaderFooterPart(text=" ", font=FONT), right=draft),
    )
