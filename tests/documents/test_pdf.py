"""The PDF renderer, read back with pypdf: A4 in both orientations, the Vietnamese text and the
engine's numbers, page numbers from page 2, the header row again on every page, DejaVu Serif
embedded, the draft mark, pictures, metadata, and a character the font lacks refused."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from dti.documents.appendix import build_appendix
from dti.documents.content import Column, Document, Heading, Image, Paragraph, Row, Style, Table
from dti.documents.layout import CONTINUED, COUNTRY, MOTTO, DocumentError
from dti.documents.pdf import font_dir, write_pdf
from dti.engine import fmt
from tests.documents import sample
from tests.documents.appendix_data import ninh_binh, percent_files, snapshot_of

MM = 72 / 25.4


def read(document: Document) -> PdfReader:
    buffer = io.BytesIO()
    write_pdf(document, buffer)
    return PdfReader(io.BytesIO(buffer.getvalue()))


@pytest.fixture(scope="module")
def decision() -> PdfReader:
    return read(sample.decision(draft=True))


@pytest.fixture(scope="module")
def appendix() -> PdfReader:
    return read(sample.appendix())


def lines(reader: PdfReader, page: int) -> list[str]:
    return [line.strip() for line in reader.pages[page].extract_text().splitlines()]


def placed(reader: PdfReader, page: int) -> list[tuple[float, float, str]]:
    """Each text drawn on the page with its position (x, y from the bottom, in points)."""
    found: list[tuple[float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: Any) -> None:
        if text.strip():
            found.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], text.strip()))

    reader.pages[page].extract_text(visitor_text=visit)
    return found


def fonts_of(reader: PdfReader, page: int) -> dict[str, str]:
    """Each text drawn on the page with the name of its font."""
    found: dict[str, str] = {}

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: Any) -> None:
        if text.strip():
            found[text.strip()] = str(font["/BaseFont"])

    reader.pages[page].extract_text(visitor_text=visit)
    return found


def in_top_margin(reader: PdfReader, page: int) -> list[str]:
    height = float(reader.pages[page].mediabox.height)
    return [text for _, y, text in placed(reader, page) if y > height - 20 * MM]


def test_a4_portrait_and_landscape(decision: PdfReader, appendix: PdfReader) -> None:
    for page in decision.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    for page in appendix.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)


def test_text_stays_inside_the_margins_left_30_mm_right_15_mm(decision: PdfReader) -> None:
    for page in range(len(decision.pages)):
        width = float(decision.pages[page].mediabox.width)
        for x, _, _ in placed(decision, page):
            assert 30 * MM - 0.5 <= x < width - 15 * MM


def test_header_block_texts(decision: PdfReader) -> None:
    shown = lines(decision, 0)
    for text in (COUNTRY, MOTTO, "Số: 125/QĐ-UBND", "Ninh Bình, ngày 05 tháng 3 năm 2024", "QUYẾT ĐỊNH"):
        assert text in shown
    assert shown.index("ỦY BAN NHÂN DÂN") + 1 == shown.index("TỈNH NINH BÌNH")  # balanced lines
    issuer = min(x for x, _, t in placed(decision, 0) if t.startswith("ỦY BAN"))
    country = min(x for x, _, t in placed(decision, 0) if t == COUNTRY)
    assert issuer < country  # two columns: the issuer at the left, Quốc hiệu at the right


def test_appendix_has_no_number_or_date_line_and_blanks_elsewhere(appendix: PdfReader) -> None:
    shown = lines(appendix, 0)
    assert not [line for line in shown if line.startswith("Số:") or "ngày … tháng" in line]
    assert "PHỤ LỤC I" in shown
    undated = read(sample.decision(number="", date=None))
    assert "Số:      /QĐ-UBND" in lines(undated, 0)
    assert "Ninh Bình, ngày … tháng … năm …" in lines(undated, 0)


def test_numbers_as_the_engine_formats_them(decision: PdfReader) -> None:
    text = "\n".join(page.extract_text() for page in decision.pages)
    for position in (1, 7, 60, 120):
        row = sample.unit_row(position)
        assert fmt(row.cells[2], 2) in text  # type: ignore[arg-type]
        assert fmt(row.cells[4], 2) in text  # type: ignore[arg-type]
    assert "58,33" in text and "88,33" in text and "97,3" in text and "30,00" in text
    assert "Bình quân" in text and "57,70" in text and "N/A" in text
    assert "Ghi chú: (*) Điểm tối đa áp dụng: 485" in text


def test_a_long_unit_name_wraps_inside_its_cell(decision: PdfReader) -> None:
    pieces = [(y, text) for _, y, text in placed(decision, 0) if len(text) > 5 and text in sample.LONG_NAME]
    assert len(pieces) > 1
    assert " ".join(text for _, text in sorted(pieces, key=lambda piece: -piece[0])) == sample.LONG_NAME


def test_page_numbers_from_page_two_centred_in_the_top_margin(decision: PdfReader) -> None:
    assert len(decision.pages) >= 4
    assert "1" not in in_top_margin(decision, 0)
    for page in range(1, len(decision.pages)):
        assert str(page + 1) in in_top_margin(decision, page)
        x = next(x for x, _, text in placed(decision, page) if text == str(page + 1))
        centre = (30 * MM + float(decision.pages[page].mediabox.width) - 15 * MM) / 2
        assert abs(x - centre) < 10


def test_draft_mark_on_every_page_only_for_a_draft(decision: PdfReader, appendix: PdfReader) -> None:
    for page in range(len(decision.pages)):
        assert "DỰ THẢO" in in_top_margin(decision, page)
    for page in range(len(appendix.pages)):
        assert "DỰ THẢO" not in in_top_margin(appendix, page)


def test_header_row_again_on_every_page_of_a_long_table(appendix: PdfReader) -> None:
    assert len(appendix.pages) >= 3
    for page in range(1, len(appendix.pages)):
        shown = " ".join(lines(appendix, page))
        for label in ("STT", "Đơn vị", "Tổng điểm", "Xếp hạng"):
            assert label in shown
    last_rows = [line for line in lines(appendix, len(appendix.pages) - 1) if line.startswith("120 ")]
    assert last_rows


def test_dejavu_serif_embedded_for_every_font(decision: PdfReader) -> None:
    names = set()
    for page in decision.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor
            names.add(str(font["/BaseFont"]).split("+")[-1])
    assert names == {"DejaVuSerifBook", "DejaVuSerifBold", "DejaVuSerifItalic"}


def test_picture_and_caption(decision: PdfReader) -> None:
    pictures = [page for page in decision.pages if page.images]
    assert len(pictures) == 1
    image = pictures[0].images[0]
    assert image.image is not None and image.image.size == (300, 150)
    assert "Hình 1. Điểm các chỉ số" in pictures[0].extract_text()


def test_metadata_title_language_and_a_file_path(tmp_path: Path) -> None:
    path = tmp_path / "van-ban.pdf"
    write_pdf(sample.appendix(), path)
    reader = PdfReader(path)
    assert reader.metadata is not None and reader.metadata.title == "Phụ lục I"
    assert reader.trailer["/Root"]["/Lang"] == "vi-VN"


def test_text_is_nfc() -> None:
    decomposed = "Nha\u0300 ma\u0301y so\u0302\u0301"
    reader = read(Document(sample.heading(), (Paragraph(decomposed),), "NFC"))
    assert "Nhà máy số" in reader.pages[0].extract_text()


def test_a_character_the_font_lacks_is_refused_not_dropped_naming_its_place() -> None:
    columns = (Column("unit", "Đơn vị"),)
    rows = (Row(("Hoa Lư",)), Row(("Xã 漢 và ☃",)))
    document = Document(sample.heading(), (Paragraph("Mở đầu"), Table("Tổng hợp", "", columns, rows)), "Thiếu chữ")
    expected = (
        "Phông DejaVu Serif của bản PDF không có ký tự “☃” (U+2603) ở bảng “Tổng hợp”, dòng 2: “Xã 漢 và ☃”; "
        "“漢” (U+6F22) ở bảng “Tổng hợp”, dòng 2: “Xã 漢 và ☃”"
    )
    with pytest.raises(DocumentError, match=re.escape(expected)):
        write_pdf(document, io.BytesIO())


def test_fonts_from_a_package_that_is_not_there_are_refused() -> None:
    with pytest.raises(DocumentError, match="Không tìm thấy phông DejaVu Serif: thiếu gói khong-co-goi-nay"):
        font_dir("khong-co-goi-nay")
    assert (font_dir() / "DejaVuSerif-BoldItalic.ttf").is_file()


def test_a_picture_that_is_not_png_is_refused() -> None:
    document = Document(sample.heading(), (Image(b"not a png at all, really", 50),), "Hình hỏng")
    with pytest.raises(DocumentError, match=re.escape("Hình (không có chú thích) không phải ảnh PNG hợp lệ")):
        write_pdf(document, io.BytesIO())


def test_a_picture_that_does_not_fit_starts_a_new_page() -> None:
    tall = Image(sample.png(100, 300), 60, "Hình cao")
    reader = read(Document(sample.heading(), (Paragraph(sample.BODY), tall, tall), "Hai hình cao"))
    assert [len(page.images) for page in reader.pages] == [1, 1]


def test_bold_rows_bold_on_every_page() -> None:
    columns = (Column("unit", "Đơn vị", None, 3), Column("total", "Tổng điểm", 2))
    rows = tuple(Row((f"Đơn vị {n}", Decimal(n)), bold=n % 2 == 0) for n in range(1, 80))
    reader = read(Document(sample.heading(), (Table("a", "", columns, rows),), "Đậm"))
    assert len(reader.pages) >= 2
    seen = 0
    for page in range(len(reader.pages)):
        for text, font in fonts_of(reader, page).items():
            if text.startswith("Đơn vị "):
                assert font.endswith("Bold") == (int(text.split()[-1]) % 2 == 0), text
                seen += 1
    assert seen == 79


def test_ninh_binh_appendix_holds_the_snapshots_figures() -> None:
    _, snapshot = ninh_binh()
    document = build_appendix(snapshot, heading=Heading(issuer="ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"))
    reader = read(document)
    size = (842, 595) if document.landscape else (595, 842)
    assert (round(float(reader.pages[0].mediabox.width)), round(float(reader.pages[0].mediabox.height))) == size
    first = lines(reader, 0)
    assert "PHỤ LỤC I" in first and COUNTRY in first
    text = "\n".join(page.extract_text() for page in reader.pages)
    for unit in snapshot["groups"][0]["units"]:
        shown = [fmt(Decimal(unit["indices"][str(n)]), 2) for n in range(1, 9)] + [fmt(Decimal(unit["total"]), 2)]
        row = next(line for line in text.splitlines() if line.startswith(f"{unit['rank']} {unit['unit']} "))
        assert row.split()[-10:-1] == shown
    for table in document.tables():
        assert table.title in text


def test_without_an_issuer_the_left_column_holds_only_the_number() -> None:
    reader = read(Document(Heading(issuer="", number_suffix="/BC"), (Paragraph("Báo cáo", Style.TITLE),), "Báo cáo"))
    right_column = (30 + 0.4 * 165) * MM
    left = [text for x, y, text in placed(reader, 0) if x < right_column and y > 842 - 45 * MM]
    assert left == ["Số:      /BC"]
    assert {COUNTRY, MOTTO, "…, ngày … tháng … năm …"} <= {text for _, _, text in placed(reader, 0)}


def test_a_heading_never_ends_a_page() -> None:
    blocks = [
        paragraph
        for n in range(1, 40)
        for paragraph in (Paragraph(f"Mục {n}. Kết quả", Style.HEADING), Paragraph("Nội dung " * (n % 7 + 1)))
    ]
    reader = read(Document(sample.heading(), tuple(blocks), "Mục"))
    assert len(reader.pages) >= 3
    for page in range(len(reader.pages)):
        shown = lines(reader, page)
        assert not shown[-1].startswith("Mục "), page  # the paragraph under it shares its page
        assert all(shown[at + 1].startswith("Nội dung") for at, text in enumerate(shown) if text.startswith("Mục "))


def test_a_small_table_is_kept_on_one_page_a_long_one_starts_where_it_stands() -> None:
    columns = (Column("unit", "Đơn vị", None, 3), Column("total", "Tổng điểm", 2))
    small = Table("nho", "Bảng nhỏ", columns, tuple(Row((f"Xã {n}", Decimal(n))) for n in range(1, 21)))
    long = Table("dai", "Bảng dài", columns, tuple(Row((f"Phường {n}", Decimal(n))) for n in range(1, 61)))
    filler = tuple(Paragraph(sample.BODY) for _ in range(7))
    reader = read(Document(sample.heading(), (*filler, small, *filler, long), "Bảng"))
    pages_of = {
        text: page
        for page in range(len(reader.pages))
        for _, _, text in placed(reader, page)
        if text[:3] in ("Xã ", "Phư")
    }
    assert pages_of["Xã 1"] == pages_of["Xã 20"]
    title_page = next(page for page in range(len(reader.pages)) if "Bảng nhỏ" in lines(reader, page))
    assert title_page == pages_of["Xã 1"] > 0
    assert pages_of["Phường 1"] < pages_of["Phường 60"]


def test_a_picture_taller_than_the_page_is_fitted_to_its_height() -> None:
    reader = read(Document(sample.heading(), (Image(sample.png(100, 400), 100, "Hình cao"),), "Hình cao"))
    assert [len(page.images) for page in reader.pages] == [0, 1]
    assert "Hình cao" in reader.pages[1].extract_text()


def test_a_table_without_columns_prints_its_title_and_notes_only() -> None:
    table = Table("rong", "Bảng trống", (), (Row(()),), notes=("Không có cột.",))
    shown = lines(read(Document(sample.heading(), (table,), "Trống")), 0)
    assert shown[-2:] == ["Bảng trống", "Không có cột."]


def test_newlines_and_tabs_in_texts_and_cells() -> None:
    columns = (Column("unit", "Đơn vị"), Column("total", "Tổng\nđiểm", 2))
    table = Table("a", "", columns, (Row(("Xã\tHoa Lư\nthuộc Ninh Bình", Decimal(5))),))
    reader = read(Document(sample.heading(), (Paragraph("Dòng một\nDòng hai"), table), "Dòng"))
    shown = lines(reader, 0)
    assert "Dòng một" in shown and "Dòng hai" in shown
    texts = [text for _, _, text in placed(reader, 0)]
    assert "Tổng" in texts and "điểm" in texts and "Xã Hoa Lư" in texts and "thuộc Ninh Bình" in texts


def test_a_percent_ranked_draft_appendix_prints_marks_notes_and_the_draft_mark(tmp_path: Path) -> None:
    _, snapshot = snapshot_of(*percent_files(tmp_path))
    document = build_appendix(snapshot, heading=Heading(issuer="ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH"), draft=True)
    reader = read(document)
    text = "\n".join(page.extract_text() for page in reader.pages)
    for table in document.tables():
        for note in table.notes:
            assert " ".join(note.split()) in " ".join(text.split())
    assert "(*)" in text and "Điểm tối đa áp dụng: 80" in text
    for unit in snapshot["groups"][0]["units"]:
        assert unit["unit"] in text
    for page in range(len(reader.pages)):
        assert "DỰ THẢO" in in_top_margin(reader, page)


def test_a_wide_index_table_prints_in_two_parts_numbers_and_words_whole() -> None:
    _, snapshot = ninh_binh()
    document = build_appendix(snapshot, heading=Heading(issuer="ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"))
    index = next(table for table in document.tables() if table.index == "6")
    reader = read(document)
    pages = [page.extract_text() for page in reader.pages]
    first = next(n for n, text in enumerate(pages) if index.title in text.splitlines())
    second = next(n for n, text in enumerate(pages) if f"{index.title} {CONTINUED}" in text.splitlines())
    assert second > first
    row_of = {row.cells[1]: row for row in index.rows}
    for page, columns in ((first, range(2, 12)), (second, range(12, len(index.columns)))):
        words = pages[page].split()
        assert "STT" in words and {"Xế", "hạ", "Huyệ", "S", "T"}.isdisjoint(words)
        for line in pages[page].splitlines():
            name = next((unit for unit in row_of if f" {unit} " in f" {line} "), None)
            if name is None:
                continue
            cells = row_of[name].cells
            shown = [cell_text_of(cells[n], index.columns[n].decimals) for n in columns]
            assert line.split()[-len(shown) :] == shown, line  # every number on its row's line, whole
    assert {"Xếp", "hạng", "Huyện/", "Thành"} <= set(pages[second].split())


def cell_text_of(value: object, decimals: int | None) -> str:
    return fmt(Decimal(str(value)), decimals)


def test_a_heading_is_kept_with_the_table_under_it() -> None:
    filler = tuple(Paragraph(sample.BODY) for _ in range(10))  # the heading would end page 1
    blocks = (*filler, Paragraph("II. Kết quả chi tiết", Style.HEADING), sample.table())
    reader = read(Document(sample.heading(), blocks, "Giữ tiêu đề"))
    heading_page = next(n for n in range(len(reader.pages)) if "II. Kết quả chi tiết" in lines(reader, n))
    title_page = next(n for n in range(len(reader.pages)) if "Bảng 1. Kết quả đánh giá chung" in lines(reader, n))
    first_row = next(
        n
        for n in range(len(reader.pages))
        if any(t.startswith("1 UBND huyện Yên Khánh số 1 ") for t in lines(reader, n))
    )
    assert heading_page == title_page == first_row > 0
    heading_x = next(x for x, _, text in placed(reader, heading_page) if text == "II. Kết quả chi tiết")
    assert heading_x < 32 * MM  # no first-line indent (10 mm): the left margin and the cell padding only


def marked_table() -> Table:
    """A narrow STT share holding order numbers with the marks of a lowered maximum, and a
    published rank given as text."""
    columns = (
        Column("stt", "STT", 0, 0.2),
        Column("unit", "Đơn vị", None, 3),
        Column("total", "Tổng điểm", 2),
        Column("published", "Hạng công bố", None, 1),
    )
    rows = (Row(("1 (*)", "Sở Nội vụ", Decimal("75"), "30")), Row(("12 (***)", "Sở Tài chính", Decimal(60), "7")))
    return Table("dau", "Bảng có dấu", columns, rows)


def test_stt_marks_stay_whole_and_a_rank_given_as_text_is_right_aligned() -> None:
    reader = read(Document(sample.heading(), (marked_table(),), "Dấu"))
    shown = lines(reader, 0)
    assert "1 (*) Sở Nội vụ 75,00 30" in shown and "12 (***) Sở Tài chính 60,00 7" in shown
    x = {text: left for left, _, text in placed(reader, 0)}
    assert x["7"] > x["30"] + 1  # right-aligned: the shorter number starts further right


@pytest.mark.parametrize("rows", [8, 60])
def test_a_heading_is_kept_with_a_small_table_kept_whole(rows: int) -> None:
    columns = (Column("unit", "Đơn vị", None, 3), Column("total", "Tổng điểm", 2))
    table = Table("nho", "Bảng nhỏ", columns, tuple(Row((f"Xã {n}", Decimal(n))) for n in range(1, rows + 1)))
    for fillers in range(8, 13):  # the heading somewhere near the foot of page 1
        blocks = (*(Paragraph(sample.BODY) for _ in range(fillers)), Paragraph("IV. So sánh", Style.HEADING), table)
        reader = read(Document(sample.heading(), blocks, "Giữ"))
        heading = next(n for n in range(len(reader.pages)) if "IV. So sánh" in lines(reader, n))
        first = next(n for n in range(len(reader.pages)) if any(t.startswith("Xã 1 ") for t in lines(reader, n)))
        assert heading == first, fillers


def test_a_heading_and_the_subheading_under_it_share_a_page_wherever_they_fall() -> None:
    # The unit report's "V. NGUYÊN NHÂN…" was left alone at the foot of a page: the heading was
    # kept with what follows it, then the subheading asked for four lines of its own and moved on.
    for count in range(22, 27):  # the heading at the foot of page 1, then at the top of page 2
        filler = tuple(Paragraph(f"Dòng {n}") for n in range(count))
        blocks = (
            *filler,
            Paragraph("V. NGUYÊN NHÂN, TRÁCH NHIỆM VÀ GIẢI PHÁP", Style.HEADING),
            Paragraph("1. Nguyên nhân", Style.HEADING),
            *(Paragraph("…" * 28) for _ in range(3)),
        )
        reader = read(Document(sample.heading(), blocks, "Mục"))
        page = next(n for n in range(len(reader.pages)) if "V. NGUYÊN NHÂN" in reader.pages[n].extract_text())
        assert "1. Nguyên nhân" in reader.pages[page].extract_text(), count


def test_a_name_stays_on_one_line_when_the_number_columns_can_spare_the_room() -> None:
    # The unit report's comparison table wrapped "UBND thành phố Ninh Bình" over two lines beside
    # eight number columns twice as wide as their numbers.
    names = ["UBND thành phố Ninh Bình", "UBND thành phố Tam Điệp", "UBND huyện Kim Sơn"]
    columns = (
        Column("rank", "Hạng", 0, 0.8),
        Column("unit", "Đơn vị", None, 2.6),
        *(Column(str(n), str(n), 2, 1.1) for n in range(1, 9)),
        Column("total", "Tổng điểm", 2, 1.3),
    )
    rows = tuple(Row((n, name, *(Decimal("160.10") for _ in range(9)))) for n, name in enumerate(names, 1))
    table = Table("so-sanh", "Kết quả của các đơn vị trong nhóm", columns, rows)
    shown = lines(read(Document(sample.heading(), (table,), "So sánh", landscape=True)), 0)
    assert all(any(line.startswith(f"{n} {name} 160,10") for line in shown) for n, name in enumerate(names, 1))
    # A name that would take more than 40 % of the table still wraps between words.
    long_rows = (Row((1, sample.LONG_NAME, *(Decimal("160.10") for _ in range(9)))),)
    shown = lines(read(Document(sample.heading(), (replace(table, rows=long_rows),), "Dài", landscape=True)), 0)
    assert not any(sample.LONG_NAME in line for line in shown)
    assert sample.LONG_NAME.split()[-1] in " ".join(shown)


def test_a_small_table_that_fits_under_the_header_block_starts_on_page_one(tmp_path: Path) -> None:
    # Eleven provinces of the national framework: the overall table's height was measured with
    # its cells in the header labels' bold, numbers such as "1.000,00" wrapped, the table seemed
    # half as tall again as it is and left page 1 blank under the title.
    from tests.engine.test_results_published import REGION

    results = tmp_path / "vung.csv"
    results.write_text(REGION, encoding="utf-8")
    framework = Path(__file__).resolve().parents[2] / "frameworks" / "quoc-gia-2022-tinh.yaml"
    _, snapshot = snapshot_of(framework, results)
    reader = read(build_appendix(snapshot, heading=Heading(issuer="BỘ THÔNG TIN VÀ TRUYỀN THÔNG")))
    first = lines(reader, 0)
    assert "I. Kết quả đánh giá chung" in first
    assert any(line.startswith("1 Thái Nguyên") for line in first)


def test_a_signed_change_given_as_text_is_right_aligned() -> None:
    # The unit report's "Thay đổi điểm" ("−1,67", "0,00") stood at the left beside right-aligned scores.
    columns = (Column("unit", "Chỉ số chính", None, 3), Column("change", "Thay đổi điểm"), Column("r", "Thay đổi hạng"))
    rows = (Row(("Nhận thức số", "\u22121,67", "giảm 6 bậc")), Row(("Thể chế số", "0,00", "giữ nguyên")))
    reader = read(Document(sample.heading(), (Table("doi", "", columns, rows),), "Thay đổi"))
    x = {text: left for left, _, text in placed(reader, 0)}
    assert x["0,00"] > x["\u22121,67"] + 1  # right-aligned: the shorter one starts further right
    assert x["giảm 6 bậc"] == pytest.approx(x["giữ nguyên"])  # words stay at the left


def test_index_codes_stand_at_the_left_like_the_names() -> None:
    # The unit report's "Mã" column put "1" … "8" at the right and "DTI", "CQS" at the left.
    columns = (Column("code", "Mã"), Column("name", "Chỉ số", None, 3), Column("score", "Điểm", 2))
    rows = (Row(("1", "Nhận thức số", Decimal("58.33"))), Row(("10", "Hạ tầng số", Decimal("5"))))
    reader = read(Document(sample.heading(), (Table("ma", "", columns, rows),), "Mã"))
    x = {text: left for left, _, text in placed(reader, 0)}
    assert x["1"] == pytest.approx(x["10"])
    assert x["5,00"] > x["58,33"] + 1  # numbers still right-aligned
