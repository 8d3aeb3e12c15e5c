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

Each cell is made with its column's style array, built once per sheet (no font, border or
alignment object per cell), so a 3,500-unit appendix costs little more than writing its bare values with openpyxl
(benchmarks/reports.py). openpyxl's write-only mode measured slower here: it binds every
styled cell's value twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from math import ceil
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import Cell as XlCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.header_footer import HeaderFooter, HeaderFooterItem, _HeaderFooterPart
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from dti.documents.content import Cell, Column, Document, Paragraph, Style, Table
from dti.engine import fmt

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
    for table in tables:
        sheet: Worksheet = book.create_sheet(table.key)
        _write_table(sheet, document, table, title_block + _table_heading(table, several))
    index: Worksheet = book.create_sheet(INDEX_SHEET)
    index.sheet_state = "hidden"
    index.append(list(INDEX_HEADERS))
    for table in tables:
        framework = document.meta.get(f"framework:{table.group}", document.meta.get("framework", ""))
        index.append([table.key, table.kind, table.group, table.index, framework])
    book.save(target)


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
        """A cell holding `value` with the style array `style`."""
        return XlCell(self.sheet, row=1, column=1, value=value, style_array=style)  # type: ignore[arg-type]


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


def _write_table(sheet: Worksheet, document: Document, table: Table, title: list[Line]) -> None:
    """One table's sheet: widths, frozen panes, print setup, then its rows."""
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
    for data in table.rows:
        arrays = styles.bold if data.bold else styles.body
        sheet.append([styles.cell(value, style) for value, style in zip(data.cells, arrays, strict=True)])
    if table.notes:
        sheet.append([])
        sheet.append([styles.cell("Ghi chú:", styles.note)])
        for note in table.notes:
            sheet.append([styles.cell(note, styles.note)])


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
