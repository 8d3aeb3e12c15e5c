"""The appendix's content: its tables hold the snapshot's figures, in the ranked order, with the
marks and notes a percent ranking needs, and the title block of a decision's appendix."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from dti.documents.appendix import (
    OVERALL,
    SHEET_NAME_MAX,
    attached_line,
    build_appendix,
    decision_number,
    group_name,
    issuer_in_text,
    sheet_key,
)
from dti.documents.content import Document, Heading, Paragraph, Style, Table
from dti.engine import UnitResult, load_framework
from dti.results.snapshot import snapshot_of_results
from tests.documents.appendix_data import (
    GROUP,
    PERCENT_ORDER,
    PERCENT_ROWS,
    ROOT,
    ninh_binh,
    percent_files,
    snapshot_of,
)
from tests.engine.test_results_published import REGION
from tests.files import write_csv

ISSUER = "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"


def number(figure: str | None) -> Decimal | None:
    return None if figure is None else Decimal(figure)


def column(table: Table, code: str) -> list[object]:
    position = [c.code for c in table.columns].index(code)
    return [row.cells[position] for row in table.rows]


@pytest.fixture(scope="module")
def nb() -> Document:
    _, snapshot = ninh_binh()
    return build_appendix(snapshot, heading=Heading(issuer=ISSUER))


@pytest.fixture
def percent(tmp_path: Path) -> tuple[Document, dict[str, object]]:
    _, snapshot = snapshot_of(*percent_files(tmp_path))
    document = build_appendix(snapshot, heading=Heading(issuer=ISSUER), draft=True)
    return document, {u["unit"]: u for u in snapshot["groups"][0]["units"]}


def test_ninh_binh_overall_table_holds_the_snapshots_figures_in_rank_order(nb: Document) -> None:
    _, snapshot = ninh_binh()
    units = snapshot["groups"][0]["units"]
    overall = nb.tables()[0]
    assert (overall.key, overall.kind, overall.group, overall.index) == (OVERALL, "overall", "huyen", "")
    codes = [c.code for c in overall.columns]
    assert codes == ["stt", "unit", "1", "2", "3", "4", "5", "6", "7", "8", "total", "rank"]
    assert column(overall, "unit") == [u["unit"] for u in units]
    assert column(overall, "stt") == list(range(1, 9))
    assert column(overall, "rank") == list(range(1, 9))
    for row, unit in zip(overall.rows, units, strict=True):
        expected = [number(unit["indices"][c]) for c in codes[2:10]] + [number(unit["total"])]
        assert list(row.cells[2:11]) == expected
    assert column(overall, "total")[0] == Decimal("605.21")  # seed 000's first row
    assert overall.notes == ()  # ranked by total, no N/A: nothing to explain


def test_ninh_binh_has_one_table_per_index_with_its_indicators(nb: Document) -> None:
    _, snapshot = ninh_binh()
    units = {u["unit"]: u for u in snapshot["groups"][0]["units"]}
    tables = nb.tables()
    assert [t.key for t in tables] == [OVERALL, "1", "2", "3", "4", "5", "6", "7", "8"]
    for table in tables[1:]:
        assert (table.kind, table.index) == ("index", table.key)
        indicators = [i["code"] for i in snapshot["groups"][0]["framework"]["indicators"] if i["index"] == table.key]
        assert [c.code for c in table.columns] == ["stt", "unit", *indicators, table.key, f"rank:{table.key}"]
        for row in table.rows:
            unit = units[str(row.cells[1])]
            assert list(row.cells[2 : 2 + len(indicators)]) == [number(unit["items"][c]) for c in indicators]
            assert row.cells[2 + len(indicators)] == number(unit["indices"][table.key])


def test_index_tables_are_sorted_by_the_index_with_ties_by_vietnamese_name(nb: Document) -> None:
    first = nb.tables()[1]  # Nhận thức số: six units at 60, then 58,33 and 56 (seed 000)
    assert column(first, "unit") == [
        "UBND huyện Gia Viễn",
        "UBND huyện Hoa Lư",
        "UBND huyện Nho Quan",
        "UBND huyện Yên Khánh",
        "UBND huyện Yên Mô",
        "UBND thành phố Ninh Bình",
        "UBND huyện Kim Sơn",
        "UBND thành phố Tam Điệp",
    ]
    assert column(first, "rank:1") == [1, 1, 1, 1, 1, 1, 7, 8]  # competition, as the framework says
    assert column(first, "1")[-2:] == [Decimal("58.33"), Decimal("56.00")]
    hạ_tầng = nb.tables()[3]
    assert column(hạ_tầng, "unit")[:2] == ["UBND thành phố Ninh Bình", "UBND thành phố Tam Điệp"]


def test_title_block_and_blanks_of_an_unsigned_decision(nb: Document) -> None:
    paragraphs = [b for b in nb.blocks if isinstance(b, Paragraph)]
    assert paragraphs[0] == Paragraph("PHỤ LỤC I", Style.TITLE)
    # The file's only group is a bare code ("huyen"): no group in the title ("… NĂM 2023 – HUYEN").
    assert paragraphs[1] == Paragraph("KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG CHỈ SỐ CHUYỂN ĐỔI SỐ NĂM 2023", Style.SUBTITLE)
    assert paragraphs[2].style is Style.ATTACHED
    assert paragraphs[2].text.startswith("(Kèm theo Quyết định số       /QĐ-UBND ngày ")
    assert paragraphs[2].text.endswith(" của Ủy ban nhân dân tỉnh Ninh Bình)")
    assert "Bộ chỉ số đánh giá chuyển đổi số cấp huyện tỉnh Ninh Bình" in paragraphs[3].text
    assert nb.blocks.index(paragraphs[3]) < nb.blocks.index(nb.tables()[0])
    assert not nb.draft
    assert nb.landscape  # 8 indices, a total and a rank: wider than a portrait page holds
    assert nb.meta["framework"] == "ninh-binh-2023-huyen"
    assert nb.framework == "Bộ chỉ số đánh giá chuyển đổi số cấp huyện tỉnh Ninh Bình (ninh-binh-2023-huyen)"


def test_a_signed_decision_is_printed_with_its_number_and_date() -> None:
    heading = Heading(issuer=ISSUER, number="125/QĐ-UBND", date=datetime.date(2024, 3, 5))
    assert attached_line(heading) == (
        "(Kèm theo Quyết định số 125/QĐ-UBND ngày 05/03/2024 của Ủy ban nhân dân tỉnh Ninh Bình)"
    )
    assert attached_line(Heading(issuer="", date=datetime.date(2024, 3, 5))) == (
        "(Kèm theo Quyết định số       /QĐ-UBND ngày 05/03/2024)"
    )
    _, snapshot = ninh_binh()
    document = build_appendix(
        snapshot, heading=heading, number="II", title="Kết quả năm 2023", attached="(Kèm theo Tờ trình số 7)"
    )
    texts = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    assert texts[:3] == ["PHỤ LỤC II", "KẾT QUẢ NĂM 2023", "(Kèm theo Tờ trình số 7)"]


@pytest.mark.parametrize(
    ("issuer", "written"),
    [
        ("ỦY BAN NHÂN DÂN TỈNH NINH BÌNH", "Ủy ban nhân dân tỉnh Ninh Bình"),
        ("ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH", "Ủy ban nhân dân thành phố Hồ Chí Minh"),
        ("UBND tỉnh Ninh Bình", "UBND tỉnh Ninh Bình"),
        ("UBND TỈNH NINH BÌNH", "UBND tỉnh Ninh Bình"),
        ("Sở Thông tin và Truyền thông", "Sở Thông tin và Truyền thông"),  # not in capitals: as given
        # Any body in capitals, in sentence form (the attached line kept "SỞ THÔNG TIN VÀ TRUYỀN THÔNG").
        ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Sở Thông tin và Truyền thông"),
        ("SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Sở Khoa học và Công nghệ"),
        ("BỘ KHOA HỌC VÀ CÔNG NGHỆ", "Bộ Khoa học và Công nghệ"),
        ("BỘ THÔNG TIN VÀ TRUYỀN THÔNG", "Bộ Thông tin và Truyền thông"),
        ("SỞ NỘI VỤ", "Sở Nội vụ"),
        ("SỞ Y TẾ", "Sở Y tế"),
        ("SỞ CÔNG THƯƠNG", "Sở Công Thương"),
        ("SỞ GIAO THÔNG VẬN TẢI", "Sở Giao thông vận tải"),
        ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Sở Lao động - Thương binh và Xã hội"),
        ("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "Sở Văn hóa, Thể thao và Du lịch"),
        (
            "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN TỈNH BẮC NINH",
            "Sở Nông nghiệp và Phát triển nông thôn tỉnh Bắc Ninh",
        ),
        ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG TỈNH NINH BÌNH", "Sở Thông tin và Truyền thông tỉnh Ninh Bình"),
        ("BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP", "Ban Quản lý các khu công nghiệp"),
        ("BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP TỈNH NINH BÌNH", "Ban Quản lý các khu công nghiệp tỉnh Ninh Bình"),
        ("VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH NINH BÌNH", "Văn phòng Ủy ban nhân dân tỉnh Ninh Bình"),
        (
            "VĂN PHÒNG ĐOÀN ĐẠI BIỂU QUỐC HỘI VÀ HỘI ĐỒNG NHÂN DÂN TỈNH BẮC NINH",
            "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh Bắc Ninh",
        ),
        ("THANH TRA TỈNH", "Thanh tra tỉnh"),
        ("UỶ BAN NHÂN DÂN XÃ GIA HÒA", "Ủy ban nhân dân xã Gia Hòa"),
        ("ỦY BAN NHÂN DÂN THỊ XÃ TỪ SƠN", "Ủy ban nhân dân thị xã Từ Sơn"),
        ("HỘI ĐỒNG NHÂN DÂN HUYỆN GIA VIỄN", "Hội đồng nhân dân huyện Gia Viễn"),
        ("TRUNG TÂM CÔNG NGHỆ THÔNG TIN VÀ TRUYỀN THÔNG", "Trung tâm Công nghệ thông tin và Truyền thông"),
        ("CÔNG TY ĐIỆN LỰC", "Công ty điện lực"),  # a body not in the table: one name, in sentence form
    ],
)
def test_the_issuer_inside_the_attached_line(issuer: str, written: str) -> None:
    assert issuer_in_text(issuer) == written


def test_a_sos_decision_is_attached_in_sentence_form() -> None:
    heading = Heading(issuer="SỞ THÔNG TIN VÀ TRUYỀN THÔNG", number="12/QĐ-STTTT", date=datetime.date(2024, 3, 5))
    assert attached_line(heading).endswith(" của Sở Thông tin và Truyền thông)")


def test_a_number_published_without_its_figure_is_blanks_before_its_symbol() -> None:
    assert decision_number("/QĐ-UBND", "/QĐ-UBND") == ("", "/QĐ-UBND")
    assert decision_number(" /QĐ-STTTT", "/QĐ-UBND") == ("", "/QĐ-STTTT")
    assert decision_number("125/QĐ-UBND", "/QĐ-UBND") == ("125/QĐ-UBND", "/QĐ-UBND")
    assert decision_number("", "/BC") == ("", "/BC")


def test_a_date_published_only_in_part_is_printed_as_given() -> None:
    # Ninh Bình's 2023 appendix names "Quyết định số /QĐ-UBND ngày /7/2024": the day was lost.
    heading = Heading(issuer=ISSUER, number_suffix="/QĐ-UBND", date_text="/7/2024")
    assert attached_line(heading) == (
        "(Kèm theo Quyết định số       /QĐ-UBND ngày /7/2024 của Ủy ban nhân dân tỉnh Ninh Bình)"
    )
    whole = Heading(issuer=ISSUER, date=datetime.date(2024, 7, 15), date_text="/7/2024")
    assert "ngày 15/07/2024 " in attached_line(whole)  # a whole date wins
    assert "ngày       /      /       " in attached_line(Heading(issuer=ISSUER, date_text="  "))


def test_percent_ranking_adds_the_maximum_the_percent_and_the_marks(
    percent: tuple[Document, dict[str, dict[str, object]]],
) -> None:
    document, units = percent
    overall = document.tables()[0]
    assert [c.code for c in overall.columns] == [
        "stt", "unit", "I", "II", "total", "max:total", "percent", "rank", "class", "DTI",
    ]  # fmt: skip
    assert [c.label for c in overall.columns][2:4] == ["I. Nhận thức số (60)", "II. Hạ tầng số (40)"]
    assert column(overall, "unit") == PERCENT_ORDER
    assert column(overall, "rank") == [1, 2, 2, 3, 4]  # dense: 93,8 % twice, then 3 and 4
    assert column(overall, "percent") == [Decimal(p) for p in ("95.0", "93.8", "93.8", "88.3", "50.0")]
    assert column(overall, "max:total") == [Decimal(m) for m in ("100", "100", "80", "60", "100")]
    assert column(overall, "class") == ["Tốt", "Tốt", "Tốt", "Khá", "Trung bình"]
    assert column(overall, "DTI") == [Decimal(d) for d in ("0.95", "0.938", "0.9375", "0.8833", "0.5")]
    assert column(overall, "stt") == [1, 2, "3 (*)", "4 (**)", 5]
    for row in overall.rows:
        unit = units[str(row.cells[1])]
        assert row.cells[2:8] == (
            number(unit["indices"]["I"]),  # type: ignore[index]
            number(unit["indices"]["II"]),  # type: ignore[index]
            number(unit["total"]),  # type: ignore[arg-type]
            number(unit["max"]),  # type: ignore[arg-type]
            number(unit["percent"]),  # type: ignore[arg-type]
            unit["rank"],
        )
    assert overall.notes[:2] == (
        "(*) Điểm tối đa áp dụng: 80 (có chỉ số thành phần không áp dụng)",
        "(**) Điểm tối đa áp dụng: 60 (có chỉ số thành phần không áp dụng)",
    )
    assert "làm tròn đến 1 chữ số thập phân" in overall.notes[2]
    assert "hạng kế tiếp liền sau" in overall.notes[2]  # dense
    assert document.draft
    assert not document.landscape  # 8 number columns fit a portrait page


def test_index_tables_rank_by_percent_of_the_units_own_maximum(
    percent: tuple[Document, dict[str, dict[str, object]]],
) -> None:
    document, _ = percent
    first, second = document.tables()[1:]
    assert [c.code for c in first.columns] == ["stt", "unit", "I.1", "I.2", "I.3", "I", "max:I", "percent:I", "rank:I"]
    assert first.columns[6].label == "Điểm tối đa áp dụng"
    assert column(first, "max:I") == [Decimal(m) for m in ("40.00", "60.00", "60.00", "40.00", "60.00")]
    # Sở Nội vụ: 40 of its 40 (I.3 N/A) = 100 %, equal to Sở Tài chính's 60/60; then by name.
    assert column(first, "unit") == [
        "Sở Nội vụ", "Sở Tài chính", "Sở Y tế", "Văn phòng UBND tỉnh", "Sở Công Thương",
    ]  # fmt: skip
    assert column(first, "percent:I") == [Decimal(p) for p in ("100.0", "100.0", "98.0", "95.0", "50.0")]
    assert column(first, "rank:I") == [1, 1, 2, 3, 4]
    # N/A lowered Sở Nội vụ's and Văn phòng's maximum of I to 40 of 60: marked as the overall table marks.
    assert column(first, "stt") == ["1 (*)", 2, 3, "4 (*)", 5]
    assert first.notes == ("(*) Điểm tối đa áp dụng: 40 (có chỉ số thành phần không áp dụng)",)
    assert column(second, "stt") == [1, 2, 3, "4 (*)", 5]
    assert second.notes == ("(*) Điểm tối đa áp dụng: 20 (có chỉ số thành phần không áp dụng)",)
    assert column(first, "I.3") == ["N/A", Decimal("20.00"), Decimal("18.80"), "N/A", Decimal("10.00")]
    assert column(second, "II.2") == [Decimal("15.00")] * 3 + ["N/A", Decimal("10.00")]
    assert column(second, "rank:II") == [1, 1, 1, 2, 3]
    assert column(second, "percent:II")[3] == Decimal("75.0")  # 15 of Văn phòng's 20
    assert column(second, "max:II")[3] == Decimal("20.00")
    assert [c.label for c in second.columns][2:5] == [
        "II.1. Mạng truyền số liệu chuyên dùng (20)",
        "II.2. Hệ thống giám sát an toàn thông tin (20)",
        "Tổng điểm (40)",
    ]


def test_several_groups_get_their_own_tables_and_headings(tmp_path: Path) -> None:
    long_group = "Các huyện, thị xã, thành phố thuộc tỉnh"
    rows = {GROUP: PERCENT_ROWS, long_group: [("UBND huyện A", "10", "10", "10", "10", "10")]}
    _, snapshot = snapshot_of(*percent_files(tmp_path, rows))
    document = build_appendix(snapshot, heading=Heading(issuer=ISSUER))
    keys = [t.key for t in document.tables()]
    assert keys[:3] == ["Sở, ban, ngành - Tổng hợp", "Sở, ban, ngành - I", "Sở, ban, ngành - II"]
    assert keys[3].endswith(" - Tổng hợp") and len(keys[3]) <= SHEET_NAME_MAX
    assert [t.group for t in document.tables()] == [GROUP] * 3 + [long_group] * 3
    headings = [b.text for b in document.blocks if isinstance(b, Paragraph) and b.style is Style.HEADING]
    assert f"A. {GROUP}" in headings and f"B. {long_group}" in headings
    subtitle = next(b for b in document.blocks if isinstance(b, Paragraph) and b.style is Style.SUBTITLE)
    assert subtitle.text == "KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG CHỈ SỐ CHUYỂN ĐỔI SỐ NĂM 2024"


def test_the_title_names_the_only_group_by_its_real_name(tmp_path: Path) -> None:
    _, snapshot = snapshot_of(*percent_files(tmp_path))
    subtitle = build_appendix(snapshot, heading=Heading(issuer=ISSUER)).blocks[1]
    assert subtitle == Paragraph(
        f"KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG CHỈ SỐ CHUYỂN ĐỔI SỐ NĂM 2024 – {GROUP.upper()}", Style.SUBTITLE
    )
    assert [group_name(n) for n in ("huyen", "nhom_2", "so-ban-nganh", "Huyện", GROUP)] == ["", "", "", "Huyện", GROUP]


def test_a_group_coded_as_a_unit_type_is_named_by_the_framework(tmp_path: Path) -> None:
    # Bắc Ninh's framework names its unit types: a results file's group "huyen" is "Huyện".
    framework = load_framework(ROOT / "frameworks" / "bac-ninh-2023-huyen.yaml")
    results = [UnitResult(unit="UBND huyện A", group="huyen"), UnitResult(unit="B", group="Khối khác")]
    snapshot = snapshot_of_results(framework, results, name="Thử", year=2023)
    assert [g["name"] for g in snapshot["groups"]] == ["Huyện", "Khối khác"]


def test_sheet_keys_fit_excel_and_never_repeat() -> None:
    used = {"_dti"}
    assert sheet_key("Sở", "Tổng hợp", False, used) == "Tổng hợp"
    assert sheet_key("Sở", "tổng hợp", False, used) == "tổng hợp (2)"  # Excel ignores case
    long = sheet_key("Ủy ban nhân dân các huyện, thị xã và thành phố", "Tổng hợp", True, used)
    assert long == "Ủy ban nhân dân các - Tổng hợp"  # the group cut to fit 31 characters
    assert sheet_key("Khối [A/B]", "I:1", True, used) == "Khối -A-B- - I-1"
    assert sheet_key("", "_dti", False, used) == "_dti (2)"


def test_published_ranks_of_a_larger_set_are_shown_beside_the_ranks_in_the_table(tmp_path: Path) -> None:
    national = Path(__file__).resolve().parents[2] / "frameworks" / "quoc-gia-2022-tinh.yaml"
    _, snapshot = snapshot_of(national, write_csv(tmp_path / "vung.csv", REGION))
    overall = build_appendix(snapshot, heading=Heading(issuer="")).tables()[0]
    codes = [c.code for c in overall.columns]
    assert codes[codes.index("percent") :][:6] == ["percent", "rank", "rank:table", "DTI", "CQS", "rank:CQS"]
    labels = {c.code: c.label for c in overall.columns}
    assert (labels["rank"], labels["rank:table"], labels["rank:CQS"]) == (
        "Xếp hạng (công bố)", "Xếp hạng trong bảng", "Xếp hạng CQS (công bố)",
    )  # fmt: skip
    assert column(overall, "rank") == [3, 9, 14, 20, 27, 31, 38, 44, 50, 57, 61]
    assert column(overall, "rank:table") == list(range(1, 12))
    assert column(overall, "rank:CQS")[:3] == [2, 30, 12]


def test_published_ranks_of_the_whole_set_are_the_tables_one_rank_column(nb: Document) -> None:
    # Ninh Bình's file publishes its 8 districts' ranks 1–8: no larger set, one "Xếp hạng".
    overall = nb.tables()[0]
    assert [(c.code, c.label) for c in overall.columns if c.code.startswith("rank")] == [("rank", "Xếp hạng")]
