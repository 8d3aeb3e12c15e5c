"""Any `Document` as a PDF in the administrative format of Nghị định 30/2020 (Phụ lục I).

The page, margins, type sizes and header block are `layout`'s, as in the Word file. The font
is DejaVu Serif (regular, bold, italic, bold italic; full Vietnamese coverage), embedded as a
subset, taken from the copy matplotlib ships; a character the font lacks is refused rather
than dropped. Page numbers are centred in the top margin from page 2; a draft carries
"DỰ THẢO" on every page.

Tables are drawn line by line with fpdf2's low-level `text` and `line` (its `table()` takes
about 20 s for one table of 3,500 rows): each row's cells are wrapped only when they do not fit,
the grid's vertical lines are drawn once per page, and the header row is drawn again at the top
of every page the table continues on.
"""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from fpdf import FPDF
from fpdf.enums import Align as FpdfAlign
from fpdf.enums import XPos, YPos
from fpdf.fonts import TTFFont

from dti.documents.content import Block, Document, Image, PageBreak, Paragraph, Row, Style, Table
from dti.documents.layout import (
    CAPTION,
    CAPTION_ROOM_MM,
    COUNTRY_PT,
    DRAFT_MARK,
    HEADER_DISTANCE_MM,
    HEADER_LEFT_SHARE,
    ISSUER_PT,
    ISSUER_RULE_SHARE,
    KEEP_TABLE_ROWS,
    LANGUAGE,
    LOOKS,
    MARGIN_BOTTOM_MM,
    MARGIN_LEFT_MM,
    MARGIN_RIGHT_MM,
    MARGIN_TOP_MM,
    MOTTO_PT,
    SUMMARY_RULE_SHARE,
    TABLE_TITLE,
    Align,
    DocumentError,
    Look,
    TablePart,
    balanced_lines,
    cell_text,
    clean,
    header_block,
    image_size_mm,
    is_right_aligned,
    paragraph_text,
    ruled_blocks,
    table_parts,
    texts,
    wrap,
)

FONT_PACKAGE = "matplotlib"  # ships DejaVu Serif in mpl-data/fonts/ttf
FAMILY = "DejaVuSerif"
FONT_FILES = {
    "": "DejaVuSerif.ttf",
    "B": "DejaVuSerif-Bold.ttf",
    "I": "DejaVuSerif-Italic.ttf",
    "BI": "DejaVuSerif-BoldItalic.ttf",
}
TABLE_PT = 10.0  # DejaVu Serif is about an eighth wider than Times New Roman (the Word file's 11 pt)
MM_PER_PT = 25.4 / 72
LINE_SPACING = 1.25  # line height over font size: single spacing, room for stacked diacritics
RULE_GAP = 1.8  # mm from a line's box to the rule under it
CELL_PAD_X = 1.0  # mm
CELL_PAD_Y = 0.8  # mm

_ALIGN = {Align.LEFT: FpdfAlign.L, Align.CENTER: FpdfAlign.C, Align.RIGHT: FpdfAlign.R, Align.JUSTIFY: FpdfAlign.J}


def font_dir(package: str = FONT_PACKAGE) -> Path:
    """The folder of the TrueType fonts `package` ships (found without importing it: importing
    matplotlib takes longer than writing a report)."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise DocumentError(f"Không tìm thấy phông DejaVu Serif: thiếu gói {package}")
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"


def write_pdf(document: Document, target: Path | BinaryIO) -> None:
    """Write `document` as a PDF to `target` (a path or a binary file object)."""
    pdf = _Pdf(document)
    pdf.write_header_block(document)
    ruled = ruled_blocks(document)
    for position, block in enumerate(document.blocks):
        if isinstance(block, Paragraph):
            if LOOKS[block.style].keep_with_next:
                pdf.keep_with_next(document.blocks, position)
            pdf.paragraph(paragraph_text(block), LOOKS[block.style])
        elif isinstance(block, Table):
            pdf.table_block(block)
        elif isinstance(block, Image):
            pdf.image_block(block)
        elif isinstance(block, PageBreak):
            pdf.add_page()
        if position in ruled:
            pdf.rule(pdf.epw * SUMMARY_RULE_SHARE, pdf.l_margin, pdf.epw, pdf.get_y() + RULE_GAP)
            pdf.set_y(pdf.get_y() + 2 * RULE_GAP)
    pdf.refuse_missing_glyphs(document)
    data = bytes(pdf.output())
    if isinstance(target, Path):
        target.write_bytes(data)
    else:
        target.write(data)


class _Pdf(FPDF):
    """fpdf2 with the page header (number from page 2, the draft mark) and the blocks' drawing."""

    def __init__(self, document: Document) -> None:
        super().__init__(orientation="L" if document.landscape else "P", unit="mm", format="A4")
        self.draft = document.draft
        self.set_margins(MARGIN_LEFT_MM, MARGIN_TOP_MM, MARGIN_RIGHT_MM)
        self.set_auto_page_break(True, MARGIN_BOTTOM_MM)
        self.c_margin = CELL_PAD_X
        directory = font_dir()
        for style, name in FONT_FILES.items():
            self.add_font(FAMILY, style, directory / name)
        self.set_title(clean(document.title))
        self.set_lang(LANGUAGE)
        self.set_author(clean(document.heading.issuer))
        self.set_subject(clean(document.framework))
        self.set_creator("dti")
        self.set_text_color(0)
        self.set_draw_color(0)
        self.set_line_width(0.2)
        self._widths: dict[tuple[str, float, str], float] = {}
        self._parts: dict[int, tuple[Table, list[TablePart]]] = {}
        self.add_page()

    def header(self) -> None:
        """The page number centred in the top margin from page 2; "DỰ THẢO" at the right on
        every page of a draft."""
        if self.page_no() > 1:
            self.set_font(FAMILY, "", MOTTO_PT)
            self.set_xy(self.l_margin, HEADER_DISTANCE_MM)
            self.cell(self.epw, 5, str(self.page_no()), align="C")
        if self.draft:
            self.set_font(FAMILY, "B", MOTTO_PT)
            self.set_xy(self.l_margin, HEADER_DISTANCE_MM)
            self.cell(self.epw, 5, DRAFT_MARK, align="R")
        self.set_xy(self.l_margin, self.t_margin)

    # --- text ---------------------------------------------------------------------------

    def width_of(self, text: str) -> float:
        """The printed width of `text` in the current font, in mm (cached: table cells repeat)."""
        return self.measure(text, self.font_size_pt, "B" in self.font_style, "I" in self.font_style)

    def measure(self, text: str, size: float, bold: bool, italic: bool = False) -> float:
        """The printed width of `text` at `size` points, bold or not, in mm (`layout.Measure`)."""
        style = ("B" if bold else "") + ("I" if italic else "")
        key = (style, size, text)
        width = self._widths.get(key)
        if width is None:
            font = self.fonts[f"{FAMILY.lower()}{style}"]
            assert isinstance(font, TTFFont)
            width = font.get_text_width(text, size, None)[1] / self.k
            self._widths[key] = width
        return width

    def wrap(self, text: str, width: float) -> list[str]:
        """`text` in lines no wider than `width` in the current font."""
        return wrap(text, width, self.width_of)

    def set_look(self, look: Look) -> None:
        self.set_font(FAMILY, ("B" if look.bold else "") + ("I" if look.italic else ""), look.size)

    def line_height(self, size_pt: float) -> float:
        return size_pt * MM_PER_PT * LINE_SPACING

    def paragraph(self, text: str, look: Look) -> None:
        """One paragraph as `look` sets it (a first-line indent through fpdf2's text regions). What
        must stand with a title or heading was made room for before it (`keep_with_next`,
        `table_part`)."""
        self.set_look(look)
        self.set_y(self.get_y() + look.before_pt * MM_PER_PT)
        height = self.line_height(look.size)
        if look.first_indent_mm:
            columns = self.text_columns(text_align=_ALIGN[look.align], line_height=LINE_SPACING)
            with columns, columns.paragraph(first_line_indent=look.first_indent_mm) as paragraph:
                paragraph.write(text)
        else:
            self.multi_cell(self.epw, height, text, align=_ALIGN[look.align], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_y(self.get_y() + look.after_pt * MM_PER_PT)

    def keep_with_next(self, blocks: Sequence[Block], position: int) -> None:
        """A new page for the title or heading at `position` when what must stay with it
        (`lead_height`) does not fit under it, if a page can hold that at all."""
        need = self.lead_height(blocks, position)
        if need <= self.eph and self.get_y() + need > self.page_break_trigger:
            self.add_page()

    def rule(self, length: float, x: float, width: float, y: float) -> None:
        """A horizontal rule `length` long centred in the `width` from `x`, at `y`."""
        start = x + (width - length) / 2
        self.line(start, y, start + length, y)

    def fitted(self, text: str, style: str, size: float, width: float) -> float:
        """The largest size up to `size` at which `text` fits on one line of `width` (Quốc hiệu
        in DejaVu Serif, wider than Times New Roman, would otherwise wrap)."""
        while size > 9:
            self.set_font(FAMILY, style, size)
            if self.width_of(text) <= width:
                break
            size -= 0.5
        return size

    # --- the header block ---------------------------------------------------------------

    def write_header_block(self, document: Document) -> None:
        """Issuer (under its parent body) and number left; Quốc hiệu, Tiêu ngữ, place and date right."""
        block = header_block(document)
        top = self.get_y()
        left_w = self.epw * HEADER_LEFT_SHARE
        right_x, right_w = self.l_margin + left_w, self.epw - left_w
        y = top
        if block.parent:
            self.set_font(FAMILY, "", ISSUER_PT)
            parent_lines = balanced_lines(block.parent, left_w - 2, self.width_of)
            y = self.column_line(self.l_margin, y, left_w, "\n".join(parent_lines), "", ISSUER_PT)
        if block.issuer:
            self.set_font(FAMILY, "B", ISSUER_PT)
            issuer_lines = balanced_lines(block.issuer, left_w - 2, self.width_of)
            y = self.column_line(self.l_margin, y, left_w, "\n".join(issuer_lines), "B", ISSUER_PT)
            longest = max(self.width_of(line) for line in issuer_lines)
            self.rule(longest * ISSUER_RULE_SHARE, self.l_margin, left_w, y + RULE_GAP)
            y += 2 * RULE_GAP
        if block.number:
            y = self.column_line(self.l_margin, y, left_w, block.number, "", MOTTO_PT)
        left_end = y
        size = self.fitted(block.country, "B", COUNTRY_PT, right_w - 2)
        y = self.column_line(right_x, top, right_w, block.country, "B", size)
        size = self.fitted(block.motto, "B", MOTTO_PT, right_w - 2)
        y = self.column_line(right_x, y, right_w, block.motto, "B", size)
        self.rule(self.width_of(block.motto), right_x, right_w, y + RULE_GAP)
        y += 2 * RULE_GAP
        if block.date:
            y = self.column_line(right_x, y, right_w, block.date, "I", MOTTO_PT)
        self.set_xy(self.l_margin, max(left_end, y) + 6)

    def column_line(self, x: float, y: float, width: float, text: str, style: str, size: float) -> float:
        """Centred text in a column of the header block; the y under it."""
        self.set_font(FAMILY, style, size)
        self.set_xy(x, y)
        self.multi_cell(width, self.line_height(size), text, align=FpdfAlign.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
        return self.get_y()

    # --- tables -------------------------------------------------------------------------

    def parts(self, table: Table) -> list[TablePart]:
        """The table as printed on this page width: whole, or in parts (`layout.table_parts`);
        computed once per table (the keeping of a heading with its table asks too)."""
        found = self._parts.get(id(table))
        if found is None or found[0] is not table:
            found = (table, table_parts(table, self.epw, self.measure, TABLE_PT, CELL_PAD_X))
            self._parts[id(table)] = found
        return found[1]

    def table_block(self, table: Table) -> None:
        """Each part of the table: its title, its grid with the header row on every page, and
        (under the last) the notes."""
        for part in self.parts(table):
            self.table_part(part)

    def table_lead(self, part: TablePart, rows: int) -> tuple[_Grid, float]:
        """The part's grid and the height of its title, header row and first `rows` rows."""
        table = part.table
        labels = [
            self.label(clean(column.label), width - 2 * CELL_PAD_X, part.label_pt)
            for column, width in zip(table.columns, part.widths, strict=True)
        ]
        line_h = self.line_height(TABLE_PT)
        head_h = max((len(lines) * self.line_height(size) for size, lines in labels), default=line_h) + 2 * CELL_PAD_Y
        title_h = self.line_height(TABLE_TITLE.size) + TABLE_TITLE.before_pt * MM_PER_PT if table.title else 0.0
        grid = _Grid(self, part.widths, labels, head_h)
        grid.set_bold(False)  # rows measured in the table's font, not in the labels' bold last set
        heights = [grid.layout(table, row)[1] for row in table.rows[:rows]] if table.columns else []
        return grid, title_h + (head_h + sum(heights) if table.columns else 0.0)

    def kept_height(self, part: TablePart) -> float:
        """What of a part must stand on one page: its title, header row and first row, or the
        whole of a small table if a page holds it."""
        first = self.table_lead(part, 1)[1]
        if len(part.table.rows) <= KEEP_TABLE_ROWS:
            whole = self.table_lead(part, len(part.table.rows))[1]
            return whole if whole <= self.eph else first
        return first

    def table_part(self, part: TablePart) -> None:
        """The title, the header and the first row together; a small table whole, if a page holds it."""
        table = part.table
        grid = self.table_lead(part, 0)[0]
        if self.get_y() + self.kept_height(part) > self.page_break_trigger:
            self.add_page()
        if table.title:
            self.paragraph(clean(table.title), TABLE_TITLE)
        if table.columns:  # a table without columns has nothing to draw
            grid.start()
            for row in table.rows:
                grid.row(table, row)
            grid.finish()
            self.set_y(self.get_y() + 2)
        for note in table.notes:
            self.paragraph(clean(note), LOOKS[Style.NOTE])

    def label(self, text: str, width: float, size: float) -> tuple[float, list[str]]:
        """A column's label at the table's label size, in lines broken between words."""
        self.set_font(FAMILY, "B", size)
        return size, self.wrap(text, width)

    def lead_height(self, blocks: Sequence[Block], position: int) -> float:
        """The height the block at `position` needs at the foot of a page: a title or heading
        with what follows it (the lines of the next paragraph, what of a table must stand on one
        page, a picture), so that none is left alone at the bottom of a page."""
        block = blocks[position] if position < len(blocks) else None
        if isinstance(block, Table):
            parts = self.parts(block)
            return self.kept_height(parts[0]) if parts else 0.0
        if isinstance(block, Image):
            height = image_size_mm(block, self.epw, self.eph - CAPTION_ROOM_MM)[1]
            return height + (self.line_height(CAPTION.size) if block.caption else 0.0)
        if not isinstance(block, Paragraph):
            return 0.0
        look = LOOKS[block.style]
        self.set_look(look)
        lines = len(self.wrap(paragraph_text(block), self.epw - look.first_indent_mm))
        own = (look.before_pt + look.after_pt) * MM_PER_PT + self.line_height(look.size) * lines
        if look.keep_with_next:
            return own + self.lead_height(blocks, position + 1)
        return (look.before_pt * MM_PER_PT) + self.line_height(look.size) * min(lines, 2)

    def image_block(self, image: Image) -> None:
        """The picture centred at its width, on a new page if it does not fit, its caption under it."""
        width, height = image_size_mm(image, self.epw, self.eph - CAPTION_ROOM_MM)
        caption_h = self.line_height(CAPTION.size) * 2 if image.caption else 0.0
        if self.get_y() + height + caption_h > self.page_break_trigger:
            self.add_page()
        self.image(io.BytesIO(image.png), x=self.l_margin + (self.epw - width) / 2, y=self.get_y(), w=width, h=height)
        self.set_y(self.get_y() + height)
        if image.caption:
            self.paragraph(clean(image.caption), CAPTION)

    def refuse_missing_glyphs(self, document: Document) -> None:
        """A character DejaVu Serif does not have would be dropped silently: refuse it instead,
        naming where it stands."""
        missing = sorted(
            {code for font in self.fonts.values() if isinstance(font, TTFFont) for code in font.missing_glyphs}
        )
        if not missing:
            return
        found = []
        for code in missing:
            char = chr(code)
            place, text = next(((p, clean(t)) for p, t in texts(document) if char in clean(t)), ("", ""))
            found.append(f"“{char}” (U+{code:04X})" + (f" ở {place}: “{text}”" if place else ""))
        raise DocumentError("Phông DejaVu Serif của bản PDF không có ký tự " + "; ".join(found))


class _Grid:
    """One table being drawn: rows, page breaks with the header row again, the grid lines."""

    def __init__(
        self, pdf: _Pdf, widths: Sequence[float], labels: Sequence[tuple[float, list[str]]], head_h: float
    ) -> None:
        self.pdf = pdf
        self.widths = widths
        self.labels = labels
        self.head_h = head_h
        self.line_h = pdf.line_height(TABLE_PT)
        self.edges = [pdf.l_margin]
        for width in widths:
            self.edges.append(self.edges[-1] + width)
        self.top = 0.0  # the top of the grid on the current page
        self.bold = False

    def start(self) -> None:
        """The header row at the current position, its top the grid's top on this page."""
        pdf = self.pdf
        self.top = pdf.get_y()
        pdf.line(self.edges[0], self.top, self.edges[-1], self.top)
        for (size, lines), left, width in zip(self.labels, self.edges, self.widths, strict=False):
            pdf.set_font(FAMILY, "B", size)
            line_h = pdf.line_height(size)
            y = self.top + (self.head_h - len(lines) * line_h) / 2
            for line in lines:
                pdf.text(left + (width - pdf.width_of(line)) / 2, y + (line_h + pdf.font_size * 0.7) / 2, line)
                y += line_h
        pdf.set_y(self.top + self.head_h)
        pdf.line(self.edges[0], pdf.get_y(), self.edges[-1], pdf.get_y())
        self.set_bold(False)

    def baseline(self) -> float:
        """From a line's top to its baseline."""
        return (self.line_h + self.pdf.font_size * 0.7) / 2

    def set_bold(self, bold: bool) -> None:
        self.bold = bold
        self.pdf.set_font(FAMILY, "B" if bold else "", TABLE_PT)

    def layout(self, table: Table, row: Row) -> tuple[list[tuple[list[str], bool]], float]:
        """A row's cells as lines (wrapped where they do not fit, in the row's weight), each with
        whether it is right-aligned, and the row's height."""
        if row.bold != self.bold:
            self.set_bold(row.bold)
        cells: list[tuple[list[str], bool]] = []
        for value, column, width in zip(row.cells, table.columns, self.widths, strict=False):
            text = cell_text(value, column)
            cells.append((self.pdf.wrap(text, width - 2 * CELL_PAD_X) if text else [], is_right_aligned(value, column)))
        lines = max((len(lines) for lines, _ in cells), default=1)
        return cells, max(lines, 1) * self.line_h + 2 * CELL_PAD_Y

    def row(self, table: Table, row: Row) -> None:
        """One row, on a new page (the header row again) if it does not fit."""
        pdf = self.pdf
        cells, height = self.layout(table, row)
        if pdf.get_y() + height > pdf.page_break_trigger:
            self.finish()
            pdf.add_page()
            self.start()
            self.set_bold(row.bold)
        top = pdf.get_y()
        for (lines, right), left, width in zip(cells, self.edges, self.widths, strict=False):
            y = top + CELL_PAD_Y + self.baseline()
            for line in lines:
                x = left + width - CELL_PAD_X - pdf.width_of(line) if right else left + CELL_PAD_X
                pdf.text(x, y, line)
                y += self.line_h
        pdf.set_y(top + height)
        pdf.line(self.edges[0], top + height, self.edges[-1], top + height)

    def finish(self) -> None:
        """The vertical lines of the grid on this page, from its top to the last row."""
        bottom = self.pdf.get_y()
        for edge in self.edges:
            self.pdf.line(edge, self.top, edge, bottom)
        self.pdf.set_x(self.pdf.l_margin)
