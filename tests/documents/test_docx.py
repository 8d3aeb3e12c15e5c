"""The Word renderer, read back with python-docx: page, fonts, header block, styles, tables
(header row repeated, numbers as the engine formats them), page numbers, draft mark, pictures."""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from dti.documents.appendix import build_appendix
from dti.documents.content import Column, Document, Heading, Image, Paragraph, Row, Style, Table
from dti.documents.docx import CELL_MARGIN_MM, FONT, STYLE_NAMES, write_docx
from dti.documents.layout import CONTINUED, COUNTRY, MOTTO, DocumentError, text_width_mm, times_width_mm
from dti.engine import fmt
from tests.documents import sample
from tests.documents.appendix_data import ninh_binh, percent_files, snapshot_of

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def written(document: Document, tmp_path: Path) -> WordDocument:
    path = tmp_path / "van-ban.docx"
    write_docx(document, path)
    return docx.Document(str(path))


def near(length: int | None, expected: Mm) -> bool:
    """Lengths in EMU agree to a tenth of a millimetre (Word stores twips)."""
    return length is not None and abs(length - expected) < Mm(0.1)


def cell_texts(cell: docx.table._Cell) -> list[str]:
    """The cell's lines, a line break read as a space."""
    return [paragraph.text.replace("\n", " ") for paragraph in cell.paragraphs if paragraph.text]


def test_portrait_a4_with_the_margins_of_decree_30(tmp_path: Path) -> None:
    section = written(sample.decision(), tmp_path).sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert near(section.page_width, Mm(210)) and near(section.page_height, Mm(297))
    assert near(section.top_margin, Mm(20)) and near(section.bottom_margin, Mm(20))
    assert near(section.left_margin, Mm(30)) and near(section.right_margin, Mm(15))


def test_landscape_keeps_the_binding_margin_on_the_left(tmp_path: Path) -> None:
    section = written(sample.decision(landscape=True), tmp_path).sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert near(section.page_width, Mm(297)) and near(section.page_height, Mm(210))
    assert near(section.left_margin, Mm(30)) and near(section.right_margin, Mm(15))


def test_times_new_roman_for_every_script_on_the_defaults_and_every_style_used(tmp_path: Path) -> None:
    word = written(sample.decision(), tmp_path)
    defaults = word.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert defaults is not None
    used = {paragraph.style.name for paragraph in word.paragraphs}
    for table in word.tables:
        used |= {paragraph.style.name for cell in table._cells for paragraph in cell.paragraphs}
    used |= {paragraph.style.name for paragraph in word.sections[0].header.paragraphs}
    assert {STYLE_NAMES[Style.BODY], STYLE_NAMES[Style.TITLE], "DTI Table", "DTI Table Head"} <= used
    fonts = [defaults] + [word.styles[name].element.find(f"{W}rPr/{W}rFonts") for name in used]
    for element in fonts:
        assert element is not None
        for script in ("ascii", "hAnsi", "eastAsia", "cs"):
            assert element.get(qn(f"w:{script}")) == FONT
        assert not any(name.endswith("Theme") or name.endswith("theme") for name in element.attrib)
    for name in used:
        assert word.styles[name].font.color.rgb in (None, docx.shared.RGBColor(0, 0, 0))
    # No run overrides the font.
    assert not word.element.body.findall(f".//{W}r/{W}rPr/{W}rFonts")


def test_header_block_issuer_number_quoc_hieu_tieu_ngu_place_and_date(tmp_path: Path) -> None:
    word = written(sample.decision(), tmp_path)
    block = word.tables[0]
    left, right = block.rows[0].cells
    assert cell_texts(left) == [sample.PARENT.upper(), sample.ISSUER.upper(), "Số: 125/QĐ-UBND"]
    assert cell_texts(right) == [COUNTRY, MOTTO, "Ninh Bình, ngày 05 tháng 3 năm 2024"]
    assert left.paragraphs[1].text == "ỦY BAN NHÂN DÂN\nTỈNH NINH BÌNH"  # balanced lines
    issuer = left.paragraphs[1].runs[0]
    assert issuer.bold and issuer.font.size == Pt(13)
    assert not left.paragraphs[0].runs[0].bold  # the parent body
    assert right.paragraphs[0].runs[0].bold and right.paragraphs[1].runs[0].bold
    date = next(paragraph for paragraph in right.paragraphs if paragraph.text.startswith("Ninh Bình"))
    assert date.runs[0].italic
    # A rule under the issuer and under Tiêu ngữ: empty paragraphs with a top border, a gap
    # under the line above (with none the rule touched "lập", "phúc" like an underline).
    for cell in (left, right):
        rules = [p for p in cell._tc.findall(f"{W}p") if p.find(f"{W}pPr/{W}pBdr/{W}top") is not None]
        assert len(rules) == 1 and rules[0].text == ""
        spacing = rules[0].find(f"{W}pPr/{W}spacing")
        assert spacing is not None and int(spacing.get(qn("w:before"))) >= 2 * 20  # 2 pt or more
    # Borderless.
    borders = block._tbl.tblPr.find(f"{W}tblBorders")
    assert borders is not None and {side.get(qn("w:val")) for side in borders} == {"nil"}


def test_blanks_when_the_decision_has_no_number_or_date(tmp_path: Path) -> None:
    word = written(sample.decision(number="", date=None), tmp_path)
    left, right = word.tables[0].rows[0].cells
    assert "Số:      /QĐ-UBND" in cell_texts(left)
    assert "Ninh Bình, ngày … tháng … năm …" in cell_texts(right)


def test_an_appendix_prints_no_number_or_date_of_its_own(tmp_path: Path) -> None:
    word = written(sample.appendix(), tmp_path)
    left, right = word.tables[0].rows[0].cells
    assert cell_texts(left) == [sample.PARENT.upper(), sample.ISSUER.upper()]
    assert cell_texts(right) == [COUNTRY, MOTTO]
    texts = [paragraph.text for paragraph in word.paragraphs]
    assert "PHỤ LỤC I" in texts
    assert "(Kèm theo Quyết định số      /QĐ-UBND ngày … của UBND tỉnh Ninh Bình)" in texts


def test_paragraph_styles(tmp_path: Path) -> None:
    word = written(sample.decision(), tmp_path)
    by_text = {paragraph.text: paragraph for paragraph in word.paragraphs}
    title = by_text["QUYẾT ĐỊNH"].style
    assert title.font.bold and title.font.size == Pt(14)
    assert title.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    body = by_text[sample.BODY].style.paragraph_format
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert near(body.first_line_indent, Mm(10)) and body.space_after == Pt(6)
    assert by_text[sample.BODY].style.font.size == Pt(13)
    assert by_text["(Kèm theo Quyết định số 125/QĐ-UBND)"].style.font.italic
    note = by_text["Số liệu do Sở Khoa học và Công nghệ tổng hợp."].style.font
    assert note.italic and note.size == Pt(11)
    assert by_text["DỰ THẢO"].style.font.bold
    assert by_text["I. Kết quả đánh giá chung"].style.font.bold


def test_a_rule_under_the_summary_of_a_decision_not_of_an_appendix(tmp_path: Path) -> None:
    def body_rules(word: WordDocument) -> int:
        return len(word.element.body.findall(f"{W}p/{W}pPr/{W}pBdr"))

    assert body_rules(written(sample.decision(), tmp_path)) == 1
    assert body_rules(written(sample.appendix(), tmp_path)) == 0


def test_table_header_repeated_numbers_formatted_by_the_engine(tmp_path: Path) -> None:
    word = written(sample.decision(), tmp_path)
    table = word.tables[1]
    assert len(table.rows) == 1 + sample.ROWS + 1
    header = table.rows[0]
    assert header._tr.trPr is not None and header._tr.trPr.find(f"{W}tblHeader") is not None
    assert [cell.text for cell in header.cells] == [column.label for column in sample.COLUMNS]
    assert {paragraph.style.name for cell in header.cells for paragraph in cell.paragraphs} == {"DTI Table Head"}
    assert word.styles["DTI Table Head"].font.bold
    for position in (1, 7, 120):
        row = sample.unit_row(position)
        shown = [cell.text for cell in table.rows[position].cells]
        assert shown == [
            str(position),
            row.cells[1],
            fmt(row.cells[2], 2),  # type: ignore[arg-type]
            "30,00",
            fmt(row.cells[4], 2),  # type: ignore[arg-type]
            "97,3",
            str(position),
        ]
    assert table.rows[1].cells[2].text == "58,33"  # 58,325 half-up
    number = table.rows[1].cells[2].paragraphs[0]
    assert number.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert table.rows[1].cells[1].paragraphs[0].paragraph_format.alignment is None  # text: left
    mean = table.rows[-1]
    assert [cell.text for cell in mean.cells] == ["", "Bình quân", "57,70", "", "N/A", "", ""]
    assert all(run.bold for cell in mean.cells for p in cell.paragraphs for run in p.runs)
    assert mean.cells[4].paragraphs[0].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_table_title_above_notes_under_and_widths_by_share(tmp_path: Path) -> None:
    word = written(sample.decision(), tmp_path)
    texts = [paragraph.text for paragraph in word.paragraphs]
    title = texts.index("Bảng 1. Kết quả đánh giá chung")
    assert texts[title + 1] == "Ghi chú: (*) Điểm tối đa áp dụng: 485"  # the table stands between them
    assert word.paragraphs[title].style.font.bold
    assert word.paragraphs[title + 1].style.name == STYLE_NAMES[Style.NOTE]
    body = list(word.element.body)
    table = body.index(word.tables[1]._tbl)
    assert body[table - 1].xpath("string(.)") == "Bảng 1. Kết quả đánh giá chung"
    assert body[table + 1].xpath("string(.)") == "Ghi chú: (*) Điểm tối đa áp dụng: 485"
    assert not word.element.body.findall(f".//{W}bookmarkStart")  # no placeholder left
    grid = [int(col.get(qn("w:w"))) for col in word.tables[1]._tbl.tblGrid.findall(f"{W}gridCol")]
    total = sum(column.width for column in sample.COLUMNS)
    text_twips = 165 * 1440 / 25.4
    for width, column in zip(grid, sample.COLUMNS, strict=True):
        assert abs(width - text_twips * column.width / total) <= 1


def test_two_tables_in_a_row_stay_two_tables(tmp_path: Path) -> None:
    table = Table("a", "", (Column("unit", "Đơn vị"),), (Row(("Hoa Lư",)),))
    document = Document(sample.heading(), (table, table), "Hai bảng")
    assert len(written(document, tmp_path).tables) == 3


def test_page_numbers_from_page_two(tmp_path: Path) -> None:
    section = written(sample.decision(), tmp_path).sections[0]
    assert section.different_first_page_header_footer
    numbered = section.header._element.findall(f".//{W}fldSimple")
    assert [field.get(qn("w:instr")).strip() for field in numbered] == ["PAGE"]
    assert section.header.paragraphs[0].paragraph_format.alignment in (None, WD_ALIGN_PARAGRAPH.CENTER)
    assert section.header.paragraphs[0].style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert not section.first_page_header._element.findall(f".//{W}fldSimple")


@pytest.mark.parametrize("landscape", [False, True])
def test_draft_mark_on_every_page_on_the_page_numbers_line(tmp_path: Path, landscape: bool) -> None:
    # On a line of its own under the page number the mark made the header taller than the top
    # margin, and the text of every page moved down under it.
    document = replace(sample.decision(draft=True), landscape=landscape)
    section = written(document, tmp_path).sections[0]
    width = Mm(text_width_mm(landscape))
    for header, number in ((section.header, ["PAGE"]), (section.first_page_header, [])):
        assert len(header.paragraphs) == 1
        line = header.paragraphs[0]
        assert line.text == "\t\tDỰ THẢO" and line.runs[-1].bold
        fields = line._p.findall(f"{W}fldSimple")
        assert [field.get(qn("w:instr")).strip() for field in fields] == number
        stops = [(stop.alignment, stop.position) for stop in line.paragraph_format.tab_stops]
        assert [alignment for alignment, _ in stops] == [WD_TAB_ALIGNMENT.CENTER, WD_TAB_ALIGNMENT.RIGHT]
        assert near(stops[0][1], Mm(text_width_mm(landscape) / 2)) and near(stops[1][1], width)


def test_no_draft_mark_on_a_final_document(tmp_path: Path) -> None:
    section = written(sample.decision(), tmp_path).sections[0]
    for header in (section.header, section.first_page_header):
        assert "DỰ THẢO" not in "".join(paragraph.text for paragraph in header.paragraphs)


def test_picture_centred_at_its_width_with_its_caption(tmp_path: Path) -> None:
    word = written(sample.decision(), tmp_path)
    assert len(word.inline_shapes) == 1
    assert near(word.inline_shapes[0].width, Mm(80))
    caption = next(paragraph for paragraph in word.paragraphs if paragraph.text == "Hình 1. Điểm các chỉ số")
    assert caption.style.font.italic
    assert caption.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_a_picture_wider_than_the_page_is_fitted_to_the_text_width(tmp_path: Path) -> None:
    document = Document(sample.heading(), (Image(sample.png(), 400),), "Hình rộng")
    assert near(written(document, tmp_path).inline_shapes[0].width, Mm(165))


def test_a_picture_that_is_not_png_is_refused_with_its_caption_named(tmp_path: Path) -> None:
    document = Document(sample.heading(), (Image(b"GIF89a not a png", 50, "Hình 2. Xu hướng"),), "Hình hỏng")
    with pytest.raises(DocumentError, match=re.escape("Hình (“Hình 2. Xu hướng”) không phải ảnh PNG hợp lệ")):
        write_docx(document, tmp_path / "hong.docx")


def test_metadata_title_and_language(tmp_path: Path) -> None:
    properties = written(sample.decision(), tmp_path).core_properties
    assert properties.title == "Quyết định công bố Chỉ số chuyển đổi số năm 2023"
    assert properties.language == "vi-VN"


def test_text_is_nfc_without_control_characters_and_writes_to_a_stream() -> None:
    decomposed = "Nha\u0300 ma\u0301y\x0b so\u0302\u0301"  # "Nhà máy số" in NFD with a vertical tab
    document = Document(sample.heading(), (Paragraph(decomposed),), "NFC")
    buffer = io.BytesIO()
    write_docx(document, buffer)
    word = docx.Document(io.BytesIO(buffer.getvalue()))
    assert "Nhà máy số" in [paragraph.text for paragraph in word.paragraphs]


def test_cells_beyond_a_short_row_are_empty_cells(tmp_path: Path) -> None:
    columns = (Column("unit", "Đơn vị"), Column("total", "Tổng điểm", 2))
    table = Table("a", "", columns, (Row(("Hoa Lư",)),))
    word = written(Document(sample.heading(date=datetime.date(2024, 1, 9)), (table,), "Ngắn"), tmp_path)
    assert [cell.text for cell in word.tables[1].rows[1].cells] == ["Hoa Lư", ""]
    assert "Ninh Bình, ngày 09 tháng 01 năm 2024" in cell_texts(word.tables[0].rows[0].cells[1])


def test_ninh_binh_appendix_holds_the_snapshots_figures(tmp_path: Path) -> None:
    _, snapshot = ninh_binh()
    document = build_appendix(snapshot, heading=Heading(issuer="ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"), draft=True)
    word = written(document, tmp_path)
    section = word.sections[0]
    assert section.orientation == (WD_ORIENT.LANDSCAPE if document.landscape else WD_ORIENT.PORTRAIT)
    assert len(word.tables) == 1 + len(document.tables()) + 1  # index 6 prints in two parts
    assert "DỰ THẢO" in [paragraph.text.strip() for paragraph in section.header.paragraphs]
    overall = word.tables[1]
    assert overall.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None
    units = snapshot["groups"][0]["units"]
    for row, unit in zip(overall.rows[1:], units, strict=True):
        texts = [cell.text for cell in row.cells]
        assert texts[1] == unit["unit"]
        assert texts[2:11] == [fmt(Decimal(unit["indices"][str(n)]), 2) for n in range(1, 9)] + [
            fmt(Decimal(unit["total"]), 2)
        ]
    assert [row.cells[1].text for row in overall.rows[1:3]] == ["UBND thành phố Ninh Bình", "UBND thành phố Tam Điệp"]
    assert overall.rows[1].cells[10].text == "605,21"


def test_without_an_issuer_the_left_column_holds_only_the_number(tmp_path: Path) -> None:
    document = Document(Heading(issuer="", number_suffix="/BC"), (Paragraph("Báo cáo", Style.TITLE),), "Báo cáo")
    left = written(document, tmp_path).tables[0].rows[0].cells[0]
    assert [paragraph.text for paragraph in left.paragraphs] == ["Số:      /BC"]
    assert not left._tc.findall(f".//{W}pBdr")


def test_titles_and_headings_keep_with_the_next_line_and_rows_do_not_split(tmp_path: Path) -> None:
    word = written(sample.decision(), tmp_path)
    for style in (Style.TITLE, Style.SUBTITLE, Style.ATTACHED, Style.HEADING):
        assert word.styles[STYLE_NAMES[style]].paragraph_format.keep_with_next
    assert not word.styles[STYLE_NAMES[Style.BODY]].paragraph_format.keep_with_next
    assert word.styles["DTI Table Title"].paragraph_format.keep_with_next
    rows = word.tables[1].rows
    assert all(row._tr.trPr is not None and row._tr.trPr.find(f"{W}cantSplit") is not None for row in rows)
    picture = next(p for p in word.paragraphs if p._p.findall(f".//{W}drawing"))
    assert picture.paragraph_format.keep_with_next


def test_a_small_table_keeps_its_rows_together_a_long_one_does_not(tmp_path: Path) -> None:
    def kept(table: docx.table.Table) -> list[bool]:
        return [row.cells[0].paragraphs[0].paragraph_format.keep_with_next is True for row in table.rows]

    columns = (Column("unit", "Đơn vị"),)
    small = Table("nho", "", columns, tuple(Row((f"Xã {n}",)) for n in range(1, 26)))
    word = written(Document(sample.heading(), (small,), "Nhỏ"), tmp_path)
    assert kept(word.tables[1]) == [True] * 25 + [False]  # the header row, 24 rows, the last row
    assert kept(written(sample.decision(), tmp_path).tables[1]) == [True] + [False] * 121


def test_a_picture_taller_than_the_page_is_fitted_to_its_height(tmp_path: Path) -> None:
    document = Document(sample.heading(), (Image(sample.png(100, 400), 100, "Hình cao"),), "Hình cao")
    assert near(written(document, tmp_path).inline_shapes[0].width, Mm((257 - 15) / 4))


def test_a_table_without_columns_prints_its_title_and_notes_only(tmp_path: Path) -> None:
    table = Table("rong", "Bảng trống", (), (Row(()),), notes=("Không có cột.",))
    word = written(Document(sample.heading(), (table,), "Trống"), tmp_path)
    assert len(word.tables) == 1
    assert [p.text for p in word.paragraphs if p.text in ("Bảng trống", "Không có cột.")] == [
        "Bảng trống",
        "Không có cột.",
    ]


def test_newlines_in_cells_are_line_breaks(tmp_path: Path) -> None:
    columns = (Column("unit", "Đơn vị"), Column("total", "Tổng\nđiểm", 2))
    table = Table("a", "", columns, (Row(("Xã\tHoa Lư\nthuộc Ninh Bình", Decimal(5))),))
    cells = written(Document(sample.heading(), (table,), "Dòng"), tmp_path).tables[1]._cells
    assert [cell.text for cell in cells] == ["Đơn vị", "Tổng\nđiểm", "Xã Hoa Lư\nthuộc Ninh Bình", "5,00"]


def test_a_percent_ranked_draft_appendix_prints_its_tables_and_notes(tmp_path: Path) -> None:
    _, snapshot = snapshot_of(*percent_files(tmp_path))
    document = build_appendix(snapshot, heading=Heading(issuer="ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH"), draft=True)
    word = written(document, tmp_path)
    assert len(word.tables) == 1 + len(document.tables())
    paragraphs = [paragraph.text for paragraph in word.paragraphs]
    for table, grid in zip(document.tables(), word.tables[1:], strict=True):
        assert [cell.text for cell in grid.rows[0].cells] == [column.label for column in table.columns]
        assert len(grid.rows) == 1 + len(table.rows)
        assert all(note in paragraphs for note in table.notes)
    assert any("Điểm tối đa áp dụng: 80" in text for text in paragraphs)
    assert "DỰ THẢO" in [paragraph.text.strip() for paragraph in word.sections[0].first_page_header.paragraphs]


def body_order(word: WordDocument) -> list[str | docx.table.Table]:
    """The body's paragraphs (their text) and tables, in order."""
    found: list[str | docx.table.Table] = []
    tables = iter(word.tables)
    for element in word.element.body.iterchildren():
        if element.tag == f"{W}p":
            found.append("".join(t.text or "" for t in element.iter(f"{W}t")))
        elif element.tag == f"{W}tbl":
            found.append(next(tables))
    return found


def test_a_wide_index_table_prints_in_two_parts_numbers_whole(tmp_path: Path) -> None:
    _, snapshot = ninh_binh()
    document = build_appendix(snapshot, heading=Heading(issuer="ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"))
    index = next(table for table in document.tables() if table.index == "6")
    order = body_order(written(document, tmp_path))
    first = order.index(index.title)
    second = order.index(f"{index.title} {CONTINUED}")
    grids = [order[first + 1], order[second + 1]]
    assert all(isinstance(grid, docx.table.Table) for grid in grids)
    labels = [column.label for column in index.columns]
    expected = [labels[:2] + labels[2:12], labels[:2] + labels[12:]]  # 6.1–6.10, then 6.11–6.20, total, rank
    for grid, heads in zip(grids, expected, strict=True):
        assert isinstance(grid, docx.table.Table)
        assert [cell.text for cell in grid.rows[0].cells] == heads
        sizes = {run.font.size for cell in grid.rows[0].cells for p in cell.paragraphs for run in p.runs}
        assert len(sizes) <= 1  # one size for the whole header row
        margins = grid._tbl.tblPr.find(f"{W}tblCellMar")
        for side in ("left", "right"):
            assert int(margins.find(f"{W}{side}").get(f"{W}w")) == round(CELL_MARGIN_MM * 1440 / 25.4)
        columns = [column for column in index.columns if column.label in heads]
        for position, column in enumerate(columns):
            width = grid.columns[position].width
            texts = [row.cells[position].text for row in grid.rows[1:]]
            if column.decimals is not None:  # a number never wraps: its column holds it at 11 pt
                need = max(times_width_mm(text, 11) for text in texts) + 2 * CELL_MARGIN_MM
                assert width is not None and width >= Mm(need) - Mm(0.1), (column.code, width.mm if width else 0)
        for row, data in zip(grid.rows[1:], index.rows, strict=True):
            shown = [row.cells[n].text for n, column in enumerate(columns) if column.decimals == 2]
            values = [data.cells[index.columns.index(column)] for column in columns if column.decimals == 2]
            assert shown == [fmt(Decimal(value), 2) for value in values if isinstance(value, Decimal)]
    title = next(p for p in written(document, tmp_path).paragraphs if p.text == index.title)
    assert title.style is not None and title.style.paragraph_format.keep_with_next  # the title keeps with the table
    assert all(
        p.paragraph_format.keep_with_next or p._p.pPr.find(f"{W}keepNext") is not None
        for cell in grids[0].rows[0].cells  # type: ignore[union-attr]
        for p in cell.paragraphs
    )  # and the header row with the first row


def test_stt_marks_stay_whole_and_a_rank_given_as_text_is_right_aligned(tmp_path: Path) -> None:
    columns = (
        Column("stt", "STT", 0, 0.2),
        Column("unit", "Đơn vị", None, 3),
        Column("published", "Hạng công bố", None, 1),
    )
    rows = (Row(("1 (*)", "Sở Nội vụ", "30")), Row(("12 (***)", "Sở Tài chính", "7")))
    grid = written(Document(sample.heading(), (Table("dau", "", columns, rows),), "Dấu"), tmp_path).tables[1]
    stt = grid.columns[0].width
    assert stt is not None and stt >= Mm(times_width_mm("12 (***)", 11) + 2 * CELL_MARGIN_MM) - Mm(0.1)
    assert [row.cells[2].paragraphs[0].alignment for row in grid.rows[1:]] == [WD_ALIGN_PARAGRAPH.RIGHT] * 2
    assert grid.rows[1].cells[1].paragraphs[0].alignment is None  # a name stays left


def test_a_heading_is_not_indented_like_the_body(tmp_path: Path) -> None:
    word = written(sample.decision(), tmp_path)
    assert not word.styles[STYLE_NAMES[Style.HEADING]].paragraph_format.first_line_indent
    assert near(word.styles[STYLE_NAMES[Style.BODY]].paragraph_format.first_line_indent, Mm(10))


def test_a_signed_change_given_as_text_is_right_aligned(tmp_path: Path) -> None:
    columns = (Column("unit", "Chỉ số chính", None, 3), Column("change", "Thay đổi điểm"), Column("r", "Thay đổi hạng"))
    rows = (Row(("Nhận thức số", "\u22121,67", "giảm 6 bậc")), Row(("Thể chế số", "+18,00", "tăng 7 bậc")))
    grid = written(Document(sample.heading(), (Table("doi", "", columns, rows),), "Thay đổi"), tmp_path).tables[1]
    assert [row.cells[1].paragraphs[0].alignment for row in grid.rows[1:]] == [WD_ALIGN_PARAGRAPH.RIGHT] * 2
    assert all(row.cells[2].paragraphs[0].alignment is None for row in grid.rows[1:])


def test_a_tables_first_note_stands_clear_of_its_grid(tmp_path: Path) -> None:
    columns = (Column("unit", "Đơn vị", None, 3), Column("total", "Tổng điểm", 2))
    table = Table("a", "Bảng", columns, (Row(("Hoa Lư", Decimal(1))),), notes=("(*) Ghi chú một", "Ghi chú hai"))
    word = written(Document(sample.heading(), (table, Paragraph("Tiếp theo")), "Ghi chú"), tmp_path)
    notes = [paragraph for paragraph in word.paragraphs if "Ghi chú" in paragraph.text]
    before = [paragraph.paragraph_format.space_before for paragraph in notes]
    assert before[0] is not None and before[0] >= Pt(4)  # it touched the table's bottom line
    assert before[1] is None  # the next follows as the style sets it
    grid = word.element.body.find(f"{W}tbl[2]")
    assert grid is not None and grid.getnext() is notes[0]._p
