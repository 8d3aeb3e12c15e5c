"""Any `Document` as a Word file in the administrative format of Nghị định 30/2020 (Phụ lục I).

A4, margins and type sizes from `layout`; Times New Roman throughout, set on the document
defaults and on every style used (Latin, East Asian and complex-script attributes, so Word
substitutes nothing), black, language vi-VN. The header block is a borderless two-column
table; page numbers (a PAGE field) are centred in the top margin from page 2 (a different
first-page header), and a draft carries "DỰ THẢO" in the header of every page.

Tables are written as WordprocessingML text, one string per table, put in the saved package in
place of a placeholder: an appendix of a 3,500-unit campaign has about 9 tables of 3,500 rows,
which python-docx's `add_row()`/`cell.text` would take minutes over (and parsing the strings
into its tree, seconds). The header row is marked `w:tblHeader`
(repeated on every page); numbers are right-aligned at their column's decimals.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from docx import Document as new_word
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import _Cell

from dti.documents.content import Document, Image, PageBreak, Paragraph, Style, Table
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
    TABLE_PT,
    TABLE_TITLE,
    Align,
    Look,
    TablePart,
    balanced_lines,
    cell_text,
    clean,
    header_block,
    image_size_mm,
    is_right_aligned,
    page_size_mm,
    paragraph_text,
    ruled_blocks,
    table_parts,
    text_height_mm,
    text_width_mm,
    times_width_mm,
)

FONT = "Times New Roman"
TWIPS_PER_MM = 1440 / 25.4
HEADER_CELL_MARGIN_MM = 1.9  # Word's default cell margin, left and right (the header block's table)
CELL_MARGIN_MM = 0.8  # the data tables' cell margin, left and right
CELL_MARGIN_TWIPS = round(CELL_MARGIN_MM * TWIPS_PER_MM)
NOTE_GAP_PT = 6  # between a table and the first note under it (the note touched the grid)
RULE_GAP_PT = 3  # between a line and the rule under it (with none the rule touched "lập", "phúc")

STYLE_NAMES: dict[Style, str] = {
    Style.TITLE: "DTI Title",
    Style.SUBTITLE: "DTI Subtitle",
    Style.ATTACHED: "DTI Attached",
    Style.HEADING: "DTI Heading",
    Style.BODY: "DTI Body",
    Style.NOTE: "DTI Note",
    Style.DRAFT: "DTI Draft",
}
CAPTION_STYLE = "DTI Caption"
TABLE_TITLE_STYLE = "DTI Table Title"
CELL_STYLE = "DTI Table"
HEAD_STYLE = "DTI Table Head"
BLOCK_STYLE = "DTI Header Block"  # the header block's lines and the page header

# The run properties that come after w:szCs in the schema's order.
_AFTER_SIZE_CS = tuple(
    f"w:{name}"
    for name in [
        "highlight",
        "u",
        "effect",
        "bdr",
        "shd",
        "fitText",
        "vertAlign",
        "rtl",
        "cs",
        "em",
        "lang",
        "eastAsianLayout",
        "specVanish",
        "oMath",
    ]
)

# A table's place in the body until the package is written (a bookmark: text cannot make one).
PLACEHOLDER = "_dti_table_"
_PLACEHOLDERS = re.compile(r'<w:bookmarkStart [^>]*w:name="' + PLACEHOLDER + r'(\d+)"[^>]*/>')

_ALIGNMENT = {
    Align.LEFT: WD_ALIGN_PARAGRAPH.LEFT,
    Align.CENTER: WD_ALIGN_PARAGRAPH.CENTER,
    Align.RIGHT: WD_ALIGN_PARAGRAPH.RIGHT,
    Align.JUSTIFY: WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def write_docx(document: Document, target: Path | BinaryIO) -> None:
    """Write `document` as a .docx file to `target` (a path or a binary file object)."""
    word = new_word()
    _set_styles(word)
    section = word.sections[0]
    _set_page(section, document.landscape)
    _set_page_headers(section, document.draft, text_width_mm(document.landscape))
    _write_header_block(word, document)
    ruled = ruled_blocks(document)
    width_mm = text_width_mm(document.landscape)
    tables: list[str] = []
    for position, block in enumerate(document.blocks):
        if isinstance(block, Paragraph):
            word.add_paragraph(paragraph_text(block), style=STYLE_NAMES[block.style])
        elif isinstance(block, Table):
            _write_table(word, block, width_mm, tables)
        elif isinstance(block, Image):
            _write_image(word, block, width_mm, document.landscape)
        elif isinstance(block, PageBreak):
            _append(word, parse_xml(f'<w:p {nsdecls("w")}><w:r><w:br w:type="page"/></w:r></w:p>'))
        if position in ruled:
            _append(word, _rule(width_mm * SUMMARY_RULE_SHARE, width_mm))
    properties = word.core_properties
    properties.title = clean(document.title)
    properties.language = LANGUAGE
    properties.subject = clean(document.framework)
    properties.author = clean(document.heading.issuer)
    properties.last_modified_by = ""
    properties.comments = ""
    package = io.BytesIO()
    word.save(package)
    data = _with_tables(package.getvalue(), tables)
    if isinstance(target, Path):
        target.write_bytes(data)
    else:
        target.write(data)


# --- styles and page ------------------------------------------------------------------------


def _set_fonts(run_properties: BaseOxmlElement) -> None:
    """Times New Roman for every script of `run_properties` (a w:rPr), theme fonts removed."""
    fonts = run_properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        run_properties.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _set_styles(word: WordDocument) -> None:
    """Document defaults and one paragraph style per kind of text, all Times New Roman, black."""
    styles = word.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    assert defaults is not None  # python-docx's default template has them
    run_defaults = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
    assert run_defaults is not None
    _set_fonts(run_defaults)
    language = run_defaults.find(qn("w:lang"))
    if language is not None:
        for attribute in ("w:val", "w:eastAsia"):
            language.set(qn(attribute), LANGUAGE)
    normal = styles["Normal"]
    assert isinstance(normal, ParagraphStyle)
    _style(normal, Look(MOTTO_PT))
    for kind, name in STYLE_NAMES.items():
        _style(_new_style(word, name), LOOKS[kind])
    _style(_new_style(word, CAPTION_STYLE), CAPTION)
    _style(_new_style(word, TABLE_TITLE_STYLE), TABLE_TITLE)
    _style(_new_style(word, CELL_STYLE), Look(TABLE_PT))
    _style(_new_style(word, HEAD_STYLE), Look(TABLE_PT, bold=True, align=Align.CENTER))
    _style(_new_style(word, BLOCK_STYLE), Look(MOTTO_PT, align=Align.CENTER))


def _new_style(word: WordDocument, name: str) -> ParagraphStyle:
    style = word.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    assert isinstance(style, ParagraphStyle)
    style.base_style = word.styles["Normal"]
    style.quick_style = True
    return style


def _style(style: ParagraphStyle, look: Look) -> None:
    """Set `style` as `look` says: Times New Roman, its size, weight, alignment and spacing."""
    font = style.font
    font.name = FONT
    font.size = Pt(look.size)
    font.bold = look.bold
    font.italic = look.italic
    font.color.rgb = RGBColor(0, 0, 0)
    _set_fonts(style.element.get_or_add_rPr())
    run_properties = style.element.get_or_add_rPr()
    if run_properties.find(qn("w:szCs")) is None:  # the size of complex-script text, as Word writes it
        size_cs = parse_xml(f'<w:szCs {nsdecls("w")} w:val="{round(look.size * 2)}"/>')
        run_properties.insert_element_before(size_cs, *_AFTER_SIZE_CS)
    paragraph = style.paragraph_format
    paragraph.alignment = _ALIGNMENT[look.align]
    paragraph.first_line_indent = Mm(look.first_indent_mm)
    paragraph.space_before = Pt(look.before_pt)
    paragraph.space_after = Pt(look.after_pt)
    paragraph.line_spacing = 1.0
    paragraph.keep_with_next = look.keep_with_next


def _set_page(section: Section, landscape: bool) -> None:
    """A4 in the document's orientation, with the margins of Nghị định 30."""
    width, height = page_size_mm(landscape)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width = Mm(width)
    section.page_height = Mm(height)
    section.top_margin = Mm(MARGIN_TOP_MM)
    section.bottom_margin = Mm(MARGIN_BOTTOM_MM)
    section.left_margin = Mm(MARGIN_LEFT_MM)
    section.right_margin = Mm(MARGIN_RIGHT_MM)
    section.header_distance = Mm(HEADER_DISTANCE_MM)
    section.gutter = Mm(0)


def _set_page_headers(section: Section, draft: bool, width_mm: float) -> None:
    """No page number on page 1 (a different first-page header); from page 2 a centred PAGE
    field; "DỰ THẢO" at the right of that same line when the document is a draft, as in the
    PDF (on a line of its own the header outgrew the top margin and pushed the text down)."""
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.style = BLOCK_STYLE
    first = section.first_page_header.paragraphs[0]
    first.style = BLOCK_STYLE
    if not draft:
        number._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "/>'))
        return
    for line in (number, first):
        line.alignment = WD_ALIGN_PARAGRAPH.LEFT
        line.paragraph_format.tab_stops.add_tab_stop(Mm(width_mm / 2), WD_TAB_ALIGNMENT.CENTER)
        line.paragraph_format.tab_stops.add_tab_stop(Mm(width_mm), WD_TAB_ALIGNMENT.RIGHT)
        line.add_run("\t")
    number._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "/>'))
    for line in (number, first):
        line.add_run("\t")
        line.add_run(DRAFT_MARK).bold = True


# --- the header block -----------------------------------------------------------------------


def _write_header_block(word: WordDocument, document: Document) -> None:
    """The borderless two-column table: issuer and number left, Quốc hiệu, Tiêu ngữ and date right."""
    block = header_block(document)
    width_mm = text_width_mm(document.landscape)
    left_mm = width_mm * HEADER_LEFT_SHARE
    right_mm = width_mm - left_mm
    table = word.add_table(rows=1, cols=2)
    table.autofit = False
    borders = parse_xml(
        f"<w:tblBorders {nsdecls('w')}>"
        + "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders>"
    )
    table._tbl.tblPr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")
    left, right = table.rows[0].cells
    for cell, cell_mm in ((left, left_mm), (right, right_mm)):
        cell.width = Mm(cell_mm)
    for column, cell_mm in zip(table.columns, (left_mm, right_mm), strict=True):
        column.width = Mm(cell_mm)
    room = left_mm - 2 * HEADER_CELL_MARGIN_MM

    def issuer_lines(text: str) -> list[str]:
        return balanced_lines(text, room, lambda line: times_width_mm(line, ISSUER_PT))

    first = True
    if block.parent:
        _line(left, "\n".join(issuer_lines(block.parent)), ISSUER_PT, first=first)
        first = False
    if block.issuer:
        lines = issuer_lines(block.issuer)
        _line(left, "\n".join(lines), ISSUER_PT, bold=True, first=first)
        first = False
        longest = max(times_width_mm(line, ISSUER_PT) for line in lines)
        left._tc.append(_rule(min(room, longest) * ISSUER_RULE_SHARE, left_mm))
    if block.number:
        _line(left, block.number, MOTTO_PT, first=first)
    _line(right, block.country, COUNTRY_PT, bold=True, first=True)
    _line(right, block.motto, MOTTO_PT, bold=True)
    right._tc.append(_rule(times_width_mm(block.motto, MOTTO_PT), right_mm))
    if block.date:
        _line(right, block.date, MOTTO_PT, italic=True)
    word.add_paragraph(style=BLOCK_STYLE)


def _line(
    cell: _Cell, text: str, size: float, *, bold: bool = False, italic: bool = False, first: bool = False
) -> None:
    """One centred line of the header block in `cell` (the first reuses the cell's empty
    paragraph); a newline in `text` is a line break."""
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.style = BLOCK_STYLE
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic


def _rule(length_mm: float, available_mm: float) -> BaseOxmlElement:
    """A centred horizontal rule `length_mm` long: an empty paragraph with a top border, indented
    from both sides of the `available_mm` it stands in, `RULE_GAP_PT` under the line above."""
    side = max((available_mm - length_mm) / 2, 0.0) * TWIPS_PER_MM
    return parse_xml(
        f"<w:p {nsdecls('w')}><w:pPr>"
        '<w:pBdr><w:top w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>'
        f'<w:spacing w:before="{RULE_GAP_PT * 20}" w:after="0" w:line="120" w:lineRule="exact"/>'
        f'<w:ind w:left="{round(side)}" w:right="{round(side)}" w:firstLine="0"/>'
        '<w:rPr><w:sz w:val="8"/><w:szCs w:val="8"/></w:rPr>'
        "</w:pPr></w:p>"
    )


def _append(word: WordDocument, element: BaseOxmlElement) -> None:
    """Append a body-level element (before the section properties that end the body)."""
    body = word.element.body
    body.insert_element_before(element, "w:sectPr")


# --- tables and images ----------------------------------------------------------------------


def _measure(text: str, size_pt: float, bold: bool) -> float:
    """`layout.Measure` for Word: the Times New Roman estimate (bold's widths already)."""
    return times_width_mm(text, size_pt)


def _write_table(word: WordDocument, table: Table, width_mm: float, tables: list[str]) -> None:
    """Each part of the table (`layout.table_parts`): its title, a placeholder for the table
    (its XML goes to `tables`) and, under the last, the notes."""
    for part in table_parts(table, width_mm, _measure, TABLE_PT, CELL_MARGIN_MM):
        shown = part.table
        if shown.title:
            word.add_paragraph(clean(shown.title), style=TABLE_TITLE_STYLE)
        if shown.columns:  # a table without columns has nothing to draw (Word refuses an empty grid)
            number = len(tables)
            bookmark = f'<w:bookmarkStart {nsdecls("w")} w:id="{number}" w:name="{PLACEHOLDER}{number}"/>'
            _append(word, parse_xml(bookmark))
            tables.append(_table_xml(word, part))
        for position, note in enumerate(shown.notes):
            paragraph = word.add_paragraph(clean(note), style=STYLE_NAMES[Style.NOTE])
            if position == 0 and shown.columns:  # clear of the grid, as the PDF's 2 mm under a table
                paragraph.paragraph_format.space_before = Pt(NOTE_GAP_PT)
        if not shown.notes:
            # Two tables in a row would merge into one: a paragraph keeps them apart.
            word.add_paragraph(style=CELL_STYLE)


def _with_tables(package: bytes, tables: list[str]) -> bytes:
    """The saved package with each table's placeholder in word/document.xml replaced by the
    table's XML text: handing python-docx the tables as elements would make it parse, move and
    serialise megabytes of XML, five times slower than the rest of the file."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                text = _PLACEHOLDERS.sub(lambda found: tables[int(found.group(1))], data.decode("utf-8"))
                data = text.encode("utf-8")
            target.writestr(info, data)
    return out.getvalue()


def _table_xml(word: WordDocument, part: TablePart) -> str:
    """The whole w:tbl: fixed column widths, full grid, the header row repeated on each page."""
    table = part.table
    cell_id = word.styles[CELL_STYLE].style_id
    head_id = word.styles[HEAD_STYLE].style_id
    widths = [round(mm * TWIPS_PER_MM) for mm in part.widths]
    border = 'w:val="single" w:sz="4" w:space="0" w:color="000000"'
    parts = [
        f"<w:tbl {nsdecls('w')}><w:tblPr>",
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>',
        "<w:tblBorders>",
        *(f"<w:{side} {border}/>" for side in ("top", "left", "bottom", "right", "insideH", "insideV")),
        '</w:tblBorders><w:tblLayout w:type="fixed"/>',
        f'<w:tblCellMar><w:left w:w="{CELL_MARGIN_TWIPS}" w:type="dxa"/>'
        f'<w:right w:w="{CELL_MARGIN_TWIPS}" w:type="dxa"/></w:tblCellMar>',
        '<w:tblLook w:val="0000" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" '
        'w:noVBand="1"/></w:tblPr><w:tblGrid>',
        *(f'<w:gridCol w:w="{width}"/>' for width in widths),
        "</w:tblGrid><w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>",
    ]
    for column, width in zip(table.columns, widths, strict=True):
        label = _run(clean(column.label), False, part.label_pt)
        parts.append(
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{head_id}"/><w:keepNext/></w:pPr>{label}</w:p></w:tc>'
        )
    parts.append("</w:tr>")
    plain, kept = _openings(widths, cell_id, keep=False), _openings(widths, cell_id, keep=True)
    # A small table is kept on one page: every row but the last keeps with the next.
    last_kept = len(table.rows) - 1 if len(table.rows) <= KEEP_TABLE_ROWS else 0
    for position, row in enumerate(table.rows):
        openings = kept if position < last_kept else plain
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        for value, column, opening in zip(row.cells, table.columns, openings, strict=False):
            parts.append(opening[is_right_aligned(value, column)])
            parts.append(_run(cell_text(value, column), row.bold))
            parts.append("</w:p></w:tc>")
        for opening in openings[len(row.cells) :]:
            parts.append(opening[0] + "</w:p></w:tc>")
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def _openings(widths: list[int], style_id: str, *, keep: bool) -> list[tuple[str, str]]:
    """Each column's cell opening (up to the run), left- and right-aligned, made once per table."""
    keep_xml = "<w:keepNext/>" if keep else ""
    return [
        (
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="{style_id}"/>'
            f"{keep_xml}</w:pPr>",
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="{style_id}"/>'
            f'{keep_xml}<w:jc w:val="right"/></w:pPr>',
        )
        for width in widths
    ]


def _run(text: str, bold: bool, size_pt: float = TABLE_PT) -> str:
    """A run of a table cell: bold for a bold row, at a size of its own for a shrunk label."""
    if not text:
        return ""
    bold_xml = "<w:b/><w:bCs/>" if bold else ""
    half_points = round(size_pt * 2)
    size_xml = f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>' if size_pt != TABLE_PT else ""
    properties = f"<w:rPr>{bold_xml}{size_xml}</w:rPr>" if bold_xml or size_xml else ""
    shown = escape(text).replace("\n", '</w:t><w:br/><w:t xml:space="preserve">')
    return f'<w:r>{properties}<w:t xml:space="preserve">{shown}</w:t></w:r>'


def _write_image(word: WordDocument, image: Image, width_mm: float, landscape: bool) -> None:
    """The picture centred at its width (at most the text width), its caption italic under it."""
    width, _ = image_size_mm(image, width_mm, text_height_mm(landscape) - CAPTION_ROOM_MM)
    word.add_picture(io.BytesIO(image.png), width=Mm(width))
    picture = word.paragraphs[-1]
    picture.style = BLOCK_STYLE
    picture.paragraph_format.keep_with_next = bool(image.caption)
    if image.caption:
        word.add_paragraph(clean(image.caption), style=CAPTION_STYLE)
