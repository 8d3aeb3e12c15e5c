"""What the Word and PDF renderers share: the header block's lines, cells at their column's
decimals, column widths, which blocks a rule follows, and the wrapping of labels and names."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from dti.documents.content import Column, Document, Heading, Image, Paragraph, Row, Style, Table
from dti.documents.layout import (
    CONTINUED,
    LOOKS,
    DocumentError,
    balanced_lines,
    cell_text,
    clean,
    column_widths_mm,
    date_line,
    header_block,
    image_size_mm,
    is_appendix,
    is_right_aligned,
    number_line,
    page_size_mm,
    paragraph_text,
    png_size,
    ruled_blocks,
    table_parts,
    text_height_mm,
    text_width_mm,
    texts,
    wrap,
)
from tests.documents import sample


def letters(text: str) -> float:
    """A measure for the wrapping tests: one millimetre a character."""
    return float(len(text))


@pytest.mark.parametrize(
    ("date", "written"),
    [
        (datetime.date(2024, 3, 15), "Ninh Bình, ngày 15 tháng 3 năm 2024"),
        (datetime.date(2024, 2, 5), "Ninh Bình, ngày 05 tháng 02 năm 2024"),
        (datetime.date(2023, 12, 9), "Ninh Bình, ngày 09 tháng 12 năm 2023"),
        (None, "Ninh Bình, ngày … tháng … năm …"),
    ],
)
def test_place_and_date_as_decree_30_writes_them(date: datetime.date | None, written: str) -> None:
    assert date_line(Heading(issuer="UBND", place="Ninh Bình", date=date)) == written


def test_date_without_a_place_keeps_its_blank() -> None:
    assert date_line(Heading(issuer="UBND")) == "…, ngày … tháng … năm …"


def test_number_or_its_blanks() -> None:
    assert number_line(Heading(issuer="UBND", number=" 125/QĐ-UBND ")) == "Số: 125/QĐ-UBND"
    assert number_line(Heading(issuer="UBND")) == "Số:      /QĐ-UBND"
    assert number_line(Heading(issuer="UBND", number_suffix="/BC-UBND")) == "Số:      /BC-UBND"


def test_header_block_of_a_decision_and_of_an_appendix() -> None:
    block = header_block(sample.decision())
    assert (block.parent, block.issuer) == ("BỘ KHOA HỌC VÀ CÔNG NGHỆ", "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH")
    assert (block.number, block.date) == ("Số: 125/QĐ-UBND", "Ninh Bình, ngày 05 tháng 3 năm 2024")
    appendix = header_block(sample.appendix())
    assert (appendix.number, appendix.date) == ("", "")


def test_an_appendix_opens_with_a_title_phu_luc() -> None:
    assert is_appendix(sample.appendix())
    assert not is_appendix(sample.decision())
    assert not is_appendix(Document(sample.heading(), (), "Trống"))
    draft = (Paragraph("DỰ THẢO", Style.DRAFT), Paragraph("PHỤ LỤC II", Style.TITLE))
    assert is_appendix(Document(sample.heading(), draft, "Dự thảo phụ lục"))
    assert not is_appendix(Document(sample.heading(), (Paragraph("Phụ lục I", Style.BODY),), "Thân"))


def test_a_rule_follows_the_summary_of_a_decision_only() -> None:
    assert ruled_blocks(sample.decision()) == {1}
    assert ruled_blocks(sample.appendix()) == frozenset()
    two = (
        Paragraph("Báo cáo", Style.TITLE),
        Paragraph("Phân tích", Style.SUBTITLE),
        Paragraph("Năm 2023", Style.SUBTITLE),
    )
    assert ruled_blocks(Document(sample.heading(), two, "Báo cáo")) == {2}
    assert ruled_blocks(Document(sample.heading(), two[:1], "Báo cáo")) == frozenset()
    assert ruled_blocks(Document(sample.heading(), two[1:], "Báo cáo")) == frozenset()


def test_cells_at_their_columns_decimals_by_the_engine() -> None:
    two = Column("total", "Tổng điểm", 2)
    free = Column("unit", "Đơn vị")
    assert cell_text(Decimal("1234.565"), two) == "1.234,57"
    assert cell_text(Decimal(60), two) == "60,00"
    assert cell_text(7, Column("rank", "Xếp hạng", 0)) == "7"
    assert cell_text(Decimal("37.90"), free) == "37,9"
    assert cell_text(None, two) == ""
    assert cell_text("N/A", two) == "N/A"
    assert cell_text("Hoa Lu\u031b", free) == "Hoa Lư"
    assert is_right_aligned("N/A", two) and is_right_aligned(3, free)
    assert not is_right_aligned("Hoa Lư", free) and not is_right_aligned(None, free)
    assert is_right_aligned("30", Column("published", "Hạng công bố"))  # a published rank given as text
    change = Column("change", "Thay đổi điểm")  # the unit report's changes, signed text
    assert all(is_right_aligned(text, change) for text in ("+18,00", "\u22121,67", "0,00", "-2", "+1.000,50"))
    assert not any(is_right_aligned(text, change) for text in ("giảm 6 bậc", "4 (**)", "1,2,3", "+"))
    code = Column("code", "Mã")  # index codes: "1" beside "DTI" in the unit report, both at the left
    assert not is_right_aligned("1", code) and not is_right_aligned("DTI", code)


def test_column_widths_are_shares_of_the_text_width() -> None:
    columns = (Column("stt", "STT", 0, 0.5), Column("unit", "Đơn vị", None, 3), Column("x", "X", 2, 0))
    widths = column_widths_mm(Table("a", "", columns, (Row(()),)), 180)
    assert widths == pytest.approx([20, 120, 40])  # a width of 0 counts as 1


def test_page_and_text_area() -> None:
    assert page_size_mm(False) == (210, 297) and page_size_mm(True) == (297, 210)
    assert text_width_mm(False) == 165 and text_width_mm(True) == 252
    assert text_height_mm(False) == 257 and text_height_mm(True) == 170


def test_clean_text_is_nfc_without_control_characters() -> None:
    assert clean("Nha\u0300\x00\x0b\tmáy\n") == "Nhà máy\n"
    assert paragraph_text(Paragraph("Phụ lục", Style.TITLE)) == "PHỤ LỤC"
    assert paragraph_text(Paragraph("Phụ lục", Style.SUBTITLE)) == "Phụ lục"


def test_wrap_at_spaces_and_cut_a_word_too_long() -> None:
    assert wrap("Hoa Lư", 10, letters) == ["Hoa Lư"]
    assert wrap("UBND huyện Yên Khánh", 11, letters) == ["UBND huyện", "Yên Khánh"]
    assert wrap("Thành phố abcdefghijklmnop", 6, letters) == ["Thành", "phố", "abcdef", "ghijkl", "mnop"]
    assert wrap("Tổng\nđiểm tối đa", 20, letters) == ["Tổng", "điểm tối đa"]
    assert wrap("6.17. Huyện/Thành phố tham gia", 8, letters) == ["6.17.", "Huyện/", "Thành", "phố tham", "gia"]


def test_a_heading_has_no_first_line_indent() -> None:
    assert LOOKS[Style.HEADING].first_indent_mm == 0
    assert LOOKS[Style.BODY].first_indent_mm > 0


def size_measure(text: str, size: float, bold: bool) -> float:
    """A measure for the table tests: a character is a fifth of its size in millimetres."""
    return len(text) * size / 5


def wide_table(indicators: int) -> Table:
    """An index table: STT, unit, `indicators` figures, the index total and its rank."""
    columns = (
        Column("stt", "STT", 0, 0.5),
        Column("unit", "Đơn vị", None, 3),
        *(Column(f"6.{n}", f"6.{n}. Huyện/Thành phố tham gia", 2) for n in range(1, indicators + 1)),
        Column("6", "Tổng điểm", 2),
        Column("rank:6", "Xếp hạng", 0, 0.7),
    )
    rows = tuple(
        Row((f"{n} (***)" if n == 3 else n, f"UBND huyện số {n}", *[Decimal("10")] * indicators, Decimal("161.9"), n))
        for n in range(1, 9)
    )
    return Table("6", "6. Hoạt động chính quyền số", columns, rows, kind="index", index="6", notes=("Ghi chú",))


def test_a_table_that_fits_is_one_part_with_its_shares() -> None:
    table = wide_table(3)
    (part,) = table_parts(table, 252, size_measure, 10, 1)
    assert part.table == table
    # STT raised to what "3 (***)" needs on one line, the others by their shares of the rest
    assert part.widths[0] == pytest.approx(size_measure("3 (***)", 10, False) + 2)
    assert part.widths[1] / part.widths[2] == pytest.approx(3) and sum(part.widths) == pytest.approx(252)


def test_the_header_row_has_one_size_the_largest_its_columns_allow() -> None:
    columns = (Column("unit", "Đơn vị", None, 10), Column("rank", "Xếp hạng", 0, 1), Column("x", "Abcdefghij", 2, 1))
    table = Table("a", "", columns, (Row(("Xã", 1, Decimal(1))),))
    (part,) = table_parts(table, 60, size_measure, 10, 1)
    assert part.label_pt == 10  # the narrow columns widened for their labels at the table's size
    assert part.widths[2] == pytest.approx(size_measure("Abcdefghij", 10, True) + 2)
    (squeezed,) = table_parts(table, 56, size_measure, 10, 1)  # the name column keeps its 28 mm
    assert squeezed.label_pt == 8.5
    assert squeezed.widths[2] >= size_measure("Abcdefghij", squeezed.label_pt, True) + 2 - 1e-9
    assert part.label_pt == 10


def test_a_wide_table_prints_in_parts_repeating_stt_and_unit() -> None:
    table = wide_table(20)
    first, second = table_parts(table, 252, size_measure, 10, 1)
    assert [c.code for c in first.table.columns] == ["stt", "unit", *(f"6.{n}" for n in range(1, 11))]
    assert [c.code for c in second.table.columns] == ["stt", "unit", *(f"6.{n}" for n in range(11, 21)), "6", "rank:6"]
    assert (first.table.title, second.table.title) == (table.title, f"{table.title} {CONTINUED}")
    assert (first.table.notes, second.table.notes) == ((), ("Ghi chú",))
    assert first.label_pt == second.label_pt
    assert second.table.rows[2].cells[:3] == ("3 (***)", "UBND huyện số 3", Decimal("10"))
    for part in (first, second):
        assert sum(part.widths) == pytest.approx(252)
        assert part.widths[0] >= size_measure("3 (***)", 10, False) + 2 - 1e-9  # the mark on one line
        figures = [w for w, column in zip(part.widths, part.table.columns, strict=True) if column.decimals == 2]
        assert all(width >= size_measure("10,00", 10, False) + 2 - 1e-9 for width in figures)
        words = [w for column in part.table.columns for w in column.label.replace("/", "/ ").split()]
        assert all(
            size_measure(w, part.label_pt, True) <= width - 2 for w, width in zip(words, part.widths, strict=False)
        )


def test_balanced_lines_keep_the_count_but_even_lengths() -> None:
    issuer = "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"
    assert wrap(issuer, 25, letters) == ["ỦY BAN NHÂN DÂN TỈNH NINH", "BÌNH"]
    assert balanced_lines(issuer, 25, letters) == ["ỦY BAN NHÂN DÂN", "TỈNH NINH BÌNH"]
    assert balanced_lines(issuer, 40, letters) == [issuer]


def test_png_size_and_width() -> None:
    image = Image(sample.png(300, 150), 400, "Hình")
    assert png_size(image) == (300, 150)
    assert image_size_mm(image, 165, 250) == (165, 82.5)
    assert image_size_mm(Image(image.png, 60), 165, 250) == (60, 30)
    assert image_size_mm(Image(sample.png(100, 400), 100), 165, 200) == (50, 200)  # as tall as the page
    with pytest.raises(DocumentError, match="Hình \\(“Hình 3”\\) không phải ảnh PNG hợp lệ"):
        png_size(Image(b"\x89PNG\r\n\x1a\n" + b"\0" * 20, 60, "Hình 3"))


def test_every_printed_text_with_its_place() -> None:
    found = list(texts(sample.decision()))
    assert ("phần đầu văn bản", sample.ISSUER) in found
    assert ("đoạn 5", sample.BODY) in found
    assert ("bảng “Tổng hợp”", "Bảng 1. Kết quả đánh giá chung") in found
    assert ("bảng “Tổng hợp”, tiêu đề cột", "Nhận thức số (60)") in found
    assert ("bảng “Tổng hợp”, dòng 7", sample.LONG_NAME) in found
    assert ("bảng “Tổng hợp”, dòng 121", "N/A") in found
    assert ("bảng “Tổng hợp”, ghi chú", "Ghi chú: (*) Điểm tối đa áp dụng: 485") in found
    assert ("chú thích hình (mục 9)", "Hình 1. Điểm các chỉ số") in found


def test_a_column_without_label_or_values_still_gets_a_width() -> None:
    columns = (Column("unit", "", None, 3), Column("x", "", 2), Column("note", "Ghi chú"))
    table = Table("a", "", columns, (Row((None, None, None)), Row(())))
    (part,) = table_parts(table, 100, size_measure, 10, 1)
    assert sum(part.widths) == pytest.approx(100) and part.label_pt == 10
