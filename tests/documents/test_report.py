"""A unit's analysis report from real results (Ninh Bình 2023) and small made-up ones: its
figures equal the engine's, changes and ranks in words, bands, comparison, sections, targets,
charts, and the DOCX and PDF read back."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import docx
import pypdf
import pytest

from dti.documents.content import Document, Heading, Image, Paragraph, Row, Style, Table
from dti.documents.docx import write_docx
from dti.documents.pdf import write_pdf
from dti.documents.report import (
    COMPARISON_ROWS,
    Previous,
    Sections,
    Target,
    TrendPoint,
    build_unit_report,
    dotted,
    find_unit,
)
from dti.engine import (
    MINUS,
    Bands,
    DtiError,
    Framework,
    Ties,
    figures,
    load_framework,
    mean,
    parse_framework,
    rank_results,
    ranks,
    read_results,
    row_result,
)
from dti.results.snapshot import Snapshot, SnapshotUnit, snapshot_of_results

ROOT = Path(__file__).resolve().parents[2]
NINH_BINH = ROOT / "frameworks" / "ninh-binh-2023-huyen.yaml"
RESULTS = ROOT / "examples" / "ninh-binh-2023-ket-qua.csv"
UNIT = "UBND huyện Gia Viễn"
HEADING = Heading("SỞ THÔNG TIN VÀ TRUYỀN THÔNG", parent="UBND TỈNH NINH BÌNH", place="Ninh Bình")
CODES = {str(n): str(n) for n in range(1, 9)}


def snapshot(framework: Framework, path: Path, year: int) -> Snapshot:
    """The snapshot of a results file, ranked by the engine, as `dti report` makes it."""
    results = [row_result(framework, row) for row in read_results(framework, path).rows]
    rank_results(framework, results)
    return snapshot_of_results(framework, results, name=f"Đánh giá năm {year}", year=year)


def last_year(tmp_path: Path, changes: dict[tuple[str, str], str]) -> Path:
    """Ninh Bình's results with some index scores changed, as a made-up previous year (the
    published total and rank columns dropped: the figures are the engine's)."""
    with RESULTS.open(encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    for (unit, code), value in changes.items():
        row = next(r for r in rows if r["unit"] == unit)
        row[code] = value
    path = tmp_path / "2022.csv"
    with path.open("w", encoding="utf-8", newline="") as target:
        columns = [c for c in rows[0] if c not in ("total", "rank")]
        writer = csv.DictWriter(target, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_framework(NINH_BINH)


@pytest.fixture(scope="module")
def current(framework: Framework) -> Snapshot:
    return snapshot(framework, RESULTS, 2023)


@pytest.fixture
def previous(framework: Framework, tmp_path: Path) -> Previous:
    # Gia Viễn's index 4 was 50 (now 68) and its index 8 was 102 (now 79,22).
    path = last_year(tmp_path, {(UNIT, "4"): "50", (UNIT, "8"): "102"})
    return Previous(snapshot(framework, path, 2022), UNIT, CODES)


def tables(document: Document) -> dict[str, Table]:
    return {table.key: table for table in document.tables()}


def texts(document: Document) -> list[str]:
    return [block.text for block in document.blocks if isinstance(block, Paragraph)]


def cells(table: Table, first: str) -> dict[str, object]:
    """The row whose second cell (the name) is `first`, by column code."""
    row = next(row for row in table.rows if row.cells[1] == first)
    return {column.code: cell for column, cell in zip(table.columns, row.cells, strict=True)}


# --- figures equal the engine's -------------------------------------------------------------


def test_each_index_score_and_rank_equal_the_engines(framework: Framework, current: Snapshot) -> None:
    document = build_unit_report(current, UNIT, heading=HEADING)
    results = [row_result(framework, row) for row in read_results(framework, RESULTS).rows]
    rank_results(framework, results)
    own = next(r for r in results if r.unit == UNIT)
    table = tables(document)["chi-so"]
    for index in framework.indices:
        row = cells(table, index.name)
        values = [figures(framework, r).indices[index.code] for r in results]
        expected_rank = ranks(values, Ties.COMPETITION)[results.index(own)]
        assert row["score"] == figures(framework, own).indices[index.code]
        assert row["rank"] == expected_rank
    total = next(row for row in table.rows if row.cells[1] == "Tổng điểm")
    assert total.bold and total.cells[2] == Decimal("574.70") and total.cells[3] == own.rank == 3
    # Ninh Bình states no max: the max and percent columns are left out rather than printed empty.
    assert [column.code for column in table.columns] == ["code", "name", "score", "rank"]


@pytest.mark.parametrize(
    ("names", "where"),
    [
        (["Nhóm 2: Huyện, thị xã, thành phố"], "trong nhóm xếp hạng “Nhóm 2: Huyện, thị xã, thành phố”."),
        (["huyen", "thanh_pho"], "trong nhóm xếp hạng “huyen”."),  # several groups: the code tells them apart
        ([""], "trong bảng kết quả."),
    ],
)
def test_the_rank_is_within_the_groups_name_in_quotes(current: Snapshot, names: list[str], where: str) -> None:
    # The CLI report said "trong nhóm huyen": a results file's group code printed as a name.
    groups = [{**current["groups"][0], "name": name} for name in names]
    document = build_unit_report({**current, "groups": groups}, UNIT, heading=HEADING)  # type: ignore[typeddict-item]
    assert any(text.startswith("Năm 2023, ") and text.endswith(where) for text in texts(document))


def test_overall_paragraph_states_total_and_rank_within_the_table(current: Snapshot) -> None:
    document = build_unit_report(current, UNIT, heading=HEADING)
    # The file's only group is a bare code ("huyen"): the rank is within the results table.
    assert "Năm 2023, UBND huyện Gia Viễn đạt 574,70 điểm, xếp hạng 3/8 trong bảng kết quả." in texts(document)
    assert document.blocks[0] == Paragraph("BÁO CÁO", Style.TITLE)
    assert document.blocks[1] == Paragraph(
        "Phân tích kết quả Chỉ số chuyển đổi số năm 2023 của UBND huyện Gia Viễn", Style.SUBTITLE
    )
    assert document.heading == HEADING
    assert document.meta["unit"] == UNIT
    assert document.landscape  # eight indices: the comparison table's numbers need a landscape page


def test_changes_from_last_year_in_value_and_in_words(current: Snapshot, previous: Previous) -> None:
    document = build_unit_report(current, UNIT, heading=HEADING, previous=previous)
    table = tables(document)["chi-so"]
    work = cells(table, "Nhân lực số")  # 50 → 68: from last (8th) to first
    assert (work["before"], work["change"], work["before_rank"], work["moved"]) == (
        Decimal("50.00"),
        "+18,00",
        8,
        "tăng 7 bậc",
    )
    society = cells(table, "Hoạt động xã hội số")  # 102 → 79,22: from first to 4th
    assert (society["change"], society["before_rank"], society["moved"]) == (f"{MINUS}22,78", 1, "giảm 3 bậc")
    same = cells(table, "Nhận thức số")
    assert (same["change"], same["moved"]) == ("0,00", "giữ nguyên")
    # Total last year: 574,70 − 18 + 22,78 = 579,48, still third.
    total = cells(table, "Tổng điểm")
    assert (total["before"], total["change"], total["moved"]) == (Decimal("579.48"), f"{MINUS}4,78", "giữ nguyên")
    assert f"So với năm 2022 (579,48 điểm, hạng 3): tổng điểm {MINUS}4,78, thứ hạng giữ nguyên." in texts(document)


def test_an_index_without_counterpart_is_named_never_dropped(current: Snapshot, previous: Previous) -> None:
    codes = {code: code for code in CODES if code != "8"}
    document = build_unit_report(
        current, UNIT, heading=HEADING, previous=Previous(previous.snapshot, UNIT, codes, note="Ghi chú so sánh.")
    )
    table = tables(document)["chi-so"]
    row = cells(table, "Hoạt động xã hội số")
    assert (row["before"], row["change"], row["moved"]) == (None, "không so sánh được", "không so sánh được")
    assert "Chỉ số không có chỉ số tương ứng năm 2022 (không so sánh được): 8. Hoạt động xã hội số." in table.notes
    assert "Chỉ số năm 2022 không có chỉ số tương ứng năm nay: 8. Hoạt động xã hội số." in table.notes
    assert "Ghi chú so sánh." in table.notes


def test_a_unit_absent_last_year_is_not_compared(current: Snapshot, previous: Previous) -> None:
    absent = Previous(previous.snapshot, "UBND huyện Mới", CODES)
    document = build_unit_report(current, UNIT, heading=HEADING, previous=absent)
    assert "Kết quả năm 2022 không có UBND huyện Gia Viễn: không so sánh được với năm trước." in texts(document)
    table = tables(document)["chi-so"]
    assert "before" not in [column.code for column in table.columns]
    assert "Kết quả năm 2022 không có đơn vị này: không so sánh được với năm trước." in table.notes


def test_a_merged_units_mean_is_compared_without_a_rank(current: Snapshot, previous: Previous) -> None:
    # Last year Gia Viễn was two units; its figures are their mean (history's lineage), unranked.
    units = {u["unit"]: u for u in previous.snapshot["groups"][0]["units"]}
    mean_unit: SnapshotUnit = {
        **units[UNIT],
        "unit": "Bình quân của hai huyện",
        "rank": None,
        "total": "560.00",
        "indices": {**units[UNIT]["indices"], "4": "55.00"},
    }
    note = "So với bình quân của các đơn vị hợp nhất."
    merged = Previous(previous.snapshot, UNIT, CODES, note=note, figures=mean_unit)
    document = build_unit_report(current, UNIT, heading=HEADING, previous=merged)
    row = cells(tables(document)["chi-so"], "Nhân lực số")
    assert (row["before"], row["change"], row["before_rank"], row["moved"]) == (
        Decimal("55.00"),
        "+13,00",
        None,
        "không so sánh được",
    )
    assert "So với năm 2022 (560,00 điểm): tổng điểm +14,70. So với bình quân của các đơn vị hợp nhất." in texts(
        document
    )


def test_comparison_with_the_group(framework: Framework, current: Snapshot) -> None:
    document = build_unit_report(current, UNIT, heading=HEADING)
    table = tables(document)["so-sanh"]
    assert [row.cells[1] for row in table.rows[:3]] == [
        "UBND thành phố Ninh Bình",
        "UBND thành phố Tam Điệp",
        UNIT,
    ]
    assert [row.bold for row in table.rows[:4]] == [False, False, True, False]
    means = table.rows[-1]
    assert means.cells[1] == "Bình quân của nhóm"
    group = current["groups"][0]["units"]
    assert means.cells[2] == mean(Decimal(u["indices"]["1"] or 0) for u in group) == Decimal("59.29125")
    assert means.cells[-1] == mean(Decimal(u["total"] or 0) for u in group)
    assert len(table.rows) == 9


def test_a_large_group_shows_the_leaders_and_the_units_around(tmp_path: Path) -> None:
    framework = small_framework()
    lines = ["unit,1.1,1.2,2.1,2.2,3.1,3.2"] + [f"Xã {n:02d},{n % 10},5,5,5,5,{n % 7}" for n in range(60)]
    path = tmp_path / "xa.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    data = snapshot(framework, path, 2025)
    units = data["groups"][0]["units"]
    middle = units[30]["unit"]
    table = tables(build_unit_report(data, middle, heading=HEADING))["so-sanh"]
    shown = [row.cells[1] for row in table.rows[:-1]]
    assert len(shown) == COMPARISON_ROWS
    assert shown[:5] == [u["unit"] for u in units[:5]]
    assert middle in shown
    assert any("Bảng nêu 40 trong số 60 đơn vị của nhóm" in note for note in table.notes)


# --- bands ----------------------------------------------------------------------------------

SMALL = """\
format: dti/1
code: thu-2025-xa
name: Bộ chỉ số thử cấp xã
level: xa
year: 2025
precision: 2
ranking: {basis: total, decimals: 2, ties: competition}
indices:
  - code: "1"
    name: Nhận thức số
    max: 20
    indicators:
      - {code: "1.1", name: Ban chỉ đạo, max: 10, scoring: {method: manual}}
      - {code: "1.2", name: Kế hoạch chuyển đổi số, max: 10, scoring: {method: manual}}
  - code: "2"
    name: Hạ tầng số
    max: 20
    indicators:
      - {code: "2.1", name: Mạng nội bộ, max: 10, scoring: {method: manual}}
      - {code: "2.2", name: Máy tính, max: 10, scoring: {method: manual}}
  - code: "3"
    name: Hoạt động chính quyền số
    max: 20
    indicators:
      - {code: "3.1", name: Hồ sơ trực tuyến, max: 10, scoring: {method: manual}}
      - {code: "3.2", name: Thanh toán trực tuyến, max: 10, scoring: {method: manual}}
"""


def small_framework() -> Framework:
    return parse_framework(SMALL)


@pytest.fixture
def small(tmp_path: Path) -> Snapshot:
    path = tmp_path / "xa.csv"
    path.write_text(
        "unit,1.1,1.2,2.1,2.2,3.1,3.2\nXã An,10,8,4.5,0,2.99,5\nXã Bình,10,10,10,10,10,10\nXã Châu,5,5,5,5,5,5\n",
        encoding="utf-8",
    )
    return snapshot(small_framework(), path, 2025)


def test_band_counts_and_weak_indicators(small: Snapshot) -> None:
    document = build_unit_report(small, "Xã An", heading=HEADING)
    table = tables(document)["muc-dat"]
    assert [column.label for column in table.columns] == [
        "Chỉ số chính",
        "Đạt tối đa",
        "Cao",
        "Trung bình",
        "Thấp",
        "Rất thấp",
        "Không điểm",
    ]
    assert [row.cells for row in table.rows] == [
        ("Nhận thức số", 1, 1, 0, 0, 0, 0),
        ("Hạ tầng số", 0, 0, 0, 1, 0, 1),
        ("Hoạt động chính quyền số", 0, 0, 1, 0, 1, 0),
    ]
    lines = texts(document)
    assert "2. Hạ tầng số: 2.1 Mạng nội bộ (4,5/10); 2.2 Máy tính (0/10)." in lines
    assert "3. Hoạt động chính quyền số: 3.1 Hồ sơ trực tuyến (2,99/10)." in lines
    assert not any(line.startswith("1. Nhận thức số:") for line in lines)
    legend = next(line for line in lines if line.startswith("Mức đạt tính theo"))
    assert "Cao: từ 80 % đến dưới 100 %" in legend and "Rất thấp: trên 0 % đến dưới 30 %" in legend


def test_bands_are_settings_printed_in_the_report(small: Snapshot) -> None:
    document = build_unit_report(small, "Xã An", heading=HEADING, bands=Bands(high=Decimal(75), low=Decimal(25)))
    table = tables(document)["muc-dat"]
    assert table.rows[2].cells == ("Hoạt động chính quyền số", 0, 0, 1, 1, 0, 0)  # 2,99/10 is now low
    assert any("Cao: từ 75 % đến dưới 100 %" in line for line in texts(document))


def test_no_band_without_a_max(current: Snapshot) -> None:
    document = build_unit_report(current, UNIT, heading=HEADING)
    assert "muc-dat" not in tables(document)
    assert "Bộ chỉ số không quy định điểm tối đa của các chỉ số thành phần: không xác định được mức đạt." in texts(
        document
    )


def test_index_percent_and_charts_where_maxima_are_known(small: Snapshot) -> None:
    document = build_unit_report(
        small,
        "Xã An",
        heading=HEADING,
        trend=[TrendPoint(2024, Decimal("30"), 3), TrendPoint(2025, Decimal("30.49"), 2)],
    )
    row = cells(tables(document)["chi-so"], "Hạ tầng số")
    assert (row["score"], row["max"], row["percent"]) == (Decimal("4.50"), Decimal("20.00"), Decimal("22.5"))
    assert not document.landscape  # three indices fit a portrait page
    images = [block for block in document.blocks if isinstance(block, Image)]
    assert [image.caption for image in images] == [
        "Tổng điểm và thứ hạng của Xã An qua các năm",
        "Tỷ lệ điểm so với điểm tối đa của từng chỉ số chính — Xã An",
        "Tỷ lệ điểm so với điểm tối đa: đơn vị và bình quân của nhóm",
    ]
    assert all(image.png.startswith(b"\x89PNG") for image in images)


def test_no_trend_chart_with_one_year(small: Snapshot) -> None:
    document = build_unit_report(small, "Xã An", heading=HEADING, trend=[TrendPoint(2025, Decimal("30.49"), 2)])
    captions = [block.caption for block in document.blocks if isinstance(block, Image)]
    assert not any("qua các năm" in caption for caption in captions)


# --- derived figures and published ranks of a larger set ------------------------------------


def test_derived_figures_and_the_published_ranks_of_a_larger_set(tmp_path: Path) -> None:
    national = load_framework(ROOT / "frameworks" / "quoc-gia-2022-tinh.yaml")
    path = tmp_path / "vung.csv"
    path.write_text(
        "unit,1,2,3,4,5,7,8,9\n"
        "Ninh Bình,80,70,60,50,90,150,100,90\n"
        "Nam Định,70,70,70,70,70,140,90,80\n"
        "Hà Nam,60,60,60,60,60,100,80,70\n",
        encoding="utf-8",
    )
    data = snapshot(national, path, 2022)
    for unit, facts in zip(
        data["groups"][0]["units"], ({"rank": "12", "rank:CQS": "9"}, {"rank": "20"}, {}), strict=True
    ):
        unit["published"] = facts
    document = build_unit_report(data, "Ninh Bình", heading=HEADING, targets=[Target("CQS", 2025, "≤ 10")])
    assert "Thứ hạng đã công bố (trong tập đơn vị rộng hơn): tổng thể hạng 12; Chính quyền số hạng 9." in texts(
        document
    )
    derived = tables(document)["tong-hop"]
    dti = next(row for row in derived.rows if row.cells[0] == "DTI")
    # (80+70+60+50+90+150+100+90)/1000; ranked first of the three
    assert dti.cells[2:4] == (Decimal("0.6900"), 1)
    cqs = next(row for row in derived.rows if row.cells[0] == "CQS")
    assert cqs.cells[2:5] == (Decimal("0.7143"), 1, "9")  # 500/700
    assert "Chỉ số chỉ để tham khảo, không tính điểm: 6. Đô thị thông minh." in tables(document)["chi-so"].notes
    target = tables(document)["muc-tieu"].rows[0]
    assert target.cells == (
        "Chính quyền số", "2025", "≤ 10", 9, "chưa đến kỳ đánh giá (hạng năm 2022 đã ở trong khoảng mục tiêu)",
    )  # fmt: skip


def test_published_ranks_of_the_same_set_are_not_repeated(current: Snapshot) -> None:
    # Ninh Bình's file gives its own ranks (1–8): nothing beyond the group, so no paragraph.
    document = build_unit_report(current, UNIT, heading=HEADING)
    assert not any(line.startswith("Thứ hạng đã công bố") for line in texts(document))


# --- sections and targets -------------------------------------------------------------------


def test_sections_print_their_texts_and_empty_ones_dotted_lines(current: Snapshot) -> None:
    sections = Sections(causes="Hạ tầng còn thiếu.\n\nNhân lực chưa được đào tạo.", measures="Đầu tư máy chủ.")
    lines = texts(build_unit_report(current, UNIT, heading=HEADING, sections=sections))
    start = lines.index("1. Nguyên nhân")
    assert lines[start : start + 9] == [
        "1. Nguyên nhân",
        "Hạ tầng còn thiếu.",
        "Nhân lực chưa được đào tạo.",
        "2. Trách nhiệm của các cơ quan, đơn vị",
        dotted(True),
        dotted(True),
        dotted(True),
        "3. Giải pháp, nhiệm vụ trọng tâm",
        "Đầu tư máy chủ.",
    ]


def test_targets_and_progress(current: Snapshot) -> None:
    # Only the campaign's own year (2023) is met or not; a 2024 target was judged "chưa đạt"
    # against the 2023 rank: it is not due yet, where the unit stands now is information.
    targets = [
        Target("total", 2023, "≤ 2"),
        Target("6", 2023, "5-7"),
        Target("4", 2023, "3–5"),
        Target("total", 2024, "≤ 2"),
        Target("6", 2025, "5-7"),
        Target("4", 2025, "3–5"),
        Target("total", 2022, "1"),
    ]
    rows = tables(build_unit_report(current, UNIT, heading=HEADING, targets=targets))["muc-tieu"].rows
    assert [row.cells for row in rows] == [
        ("Tổng điểm", "2023", "≤ 2", 3, "chưa đạt, còn cách 1 bậc"),
        ("Hoạt động chính quyền số", "2023", "5–7", 7, "đạt mục tiêu"),
        ("Nhân lực số", "2023", "3–5", 1, "vượt mục tiêu 2 bậc"),
        ("Tổng điểm", "2024", "≤ 2", 3, "chưa đến kỳ đánh giá (hạng năm 2023 còn cách 1 bậc)"),
        (
            "Hoạt động chính quyền số",
            "2025",
            "5–7",
            7,
            "chưa đến kỳ đánh giá (hạng năm 2023 đã ở trong khoảng mục tiêu)",
        ),
        ("Nhân lực số", "2025", "3–5", 1, "chưa đến kỳ đánh giá (hạng năm 2023 đã vượt 2 bậc)"),
        ("Tổng điểm", "2022", "1", 3, "đã qua kỳ đánh giá (mục tiêu năm 2022)"),
    ]


def test_no_targets_says_so(current: Snapshot) -> None:
    assert "Chưa đặt mục tiêu thứ hạng cho các năm tới." in texts(build_unit_report(current, UNIT, heading=HEADING))


def test_a_target_of_an_unknown_index_or_an_unreadable_range_is_refused(current: Snapshot) -> None:
    with pytest.raises(DtiError, match="mục tiêu năm 2025: không có chỉ số '9' trong bộ chỉ số"):
        build_unit_report(current, UNIT, heading=HEADING, targets=[Target("9", 2025, "1–3")])
    with pytest.raises(DtiError, match="không phải là khoảng thứ hạng"):
        build_unit_report(current, UNIT, heading=HEADING, targets=[Target("1", 2025, "top ba")])


# --- the unit's name ------------------------------------------------------------------------


def test_the_unit_is_found_whatever_its_case_and_spacing(current: Snapshot) -> None:
    _, unit = find_unit(current, "  ubnd huyện  GIA VIỄN ")
    assert unit["unit"] == UNIT


def test_an_unknown_unit_lists_near_matches(current: Snapshot) -> None:
    with pytest.raises(DtiError, match=r"không có đơn vị 'Gia Viễn' trong kết quả; có phải: UBND huyện Gia Viễn\?"):
        build_unit_report(current, "Gia Viễn", heading=HEADING)
    with pytest.raises(DtiError, match=r"không có đơn vị 'UBND huyện Gia Vien'.*có phải: UBND huyện Gia Viễn"):
        find_unit(current, "UBND huyện Gia Vien")
    with pytest.raises(DtiError, match="các đơn vị có: UBND thành phố Ninh Bình"):
        find_unit(current, "Sở Y tế")


# --- read back ------------------------------------------------------------------------------


def test_the_docx_reads_back_with_the_engines_figures(current: Snapshot, previous: Previous, tmp_path: Path) -> None:
    document = build_unit_report(current, UNIT, heading=HEADING, previous=previous)
    path = tmp_path / "bao-cao.docx"
    write_docx(document, path)
    word = docx.Document(str(path))
    body = "\n".join(paragraph.text for paragraph in word.paragraphs)
    assert "Phân tích kết quả Chỉ số chuyển đổi số năm 2023 của UBND huyện Gia Viễn" in body
    assert f"So với năm 2022 (579,48 điểm, hạng 3): tổng điểm {MINUS}4,78, thứ hạng giữ nguyên." in body
    indices = next(t for t in word.tables if t.rows[0].cells[1].text == "Chỉ số chính")
    row = next(r for r in indices.rows if r.cells[1].text == "Nhân lực số")
    assert [cell.text for cell in row.cells] == ["4", "Nhân lực số", "68,00", "1", "50,00", "+18,00", "8", "tăng 7 bậc"]


def test_the_pdf_reads_back_with_the_engines_figures(current: Snapshot, previous: Previous) -> None:
    document = build_unit_report(
        current,
        UNIT,
        heading=HEADING,
        previous=previous,
        trend=[TrendPoint(2022, Decimal("579.48"), 3), TrendPoint(2023, Decimal("574.70"), 3)],
    )
    buffer = io.BytesIO()
    write_pdf(document, buffer)
    reader = pypdf.PdfReader(io.BytesIO(buffer.getvalue()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for shown in ("574,70", "+18,00", f"{MINUS}22,78", "tăng 7 bậc", "giảm 3 bậc", "3/8", "565,69"):
        assert shown in text, shown
    images = sum(len(page.images) for page in reader.pages)
    assert images == 1  # the trend (no max in Ninh Bình's framework: no bars or radar)


def test_a_row_is_a_row(current: Snapshot) -> None:
    """Every table row has as many cells as its table has columns (renderers rely on it)."""
    document = build_unit_report(current, UNIT, heading=HEADING, targets=[Target("total", 2025, "1")])
    for table in document.tables():
        assert all(isinstance(row, Row) and len(row.cells) == len(table.columns) for row in table.rows), table.key


def test_index_ranks_are_the_appendixs_under_a_percent_ranking_with_na(tmp_path: Path) -> None:
    """Regression: the report ranked an index by points while the appendix ranked it by percent of
    the unit's applicable max; Sở Nội vụ (40 of its 40, I.3 N/A) was 4th in one and 1st in the
    other. Both now take `index_ranks`, so every unit's rank in every index agrees."""
    from dti.documents.appendix import build_appendix
    from tests.documents.appendix_data import percent_files, snapshot_of

    _, data = snapshot_of(*percent_files(tmp_path))
    appendix = build_appendix(data, heading=HEADING)
    for sheet in appendix.tables()[1:]:
        printed = {
            row.cells[1]: row.cells[[c.code for c in sheet.columns].index(f"rank:{sheet.index}")] for row in sheet.rows
        }
        for unit, rank in printed.items():
            report = build_unit_report(data, str(unit), heading=HEADING)
            index_name = next(i["name"] for i in data["groups"][0]["framework"]["indices"] if i["code"] == sheet.index)
            assert cells(tables(report)["chi-so"], index_name)["rank"] == rank, (unit, sheet.index)
    assert printed  # the loop saw the tables


@pytest.mark.parametrize("landscape", [True, False])
def test_a_line_to_fill_by_hand_spans_the_line_on_one_line(
    current: Snapshot, small: Snapshot, landscape: bool, tmp_path: Path
) -> None:
    # 28 "…" whatever the page: half a landscape line (Ninh Bình's eight indices).
    document = build_unit_report(current if landscape else small, UNIT if landscape else "Xã An", heading=HEADING)
    assert document.landscape is landscape
    line = dotted(landscape)
    assert texts(document).count(line) == 10  # three under each of the three sections, one for the targets
    room = (252 if landscape else 165) - 10  # the text width less the first-line indent, in mm
    assert 0.9 * room <= len(line) * 13 * 25.4 / 72 <= room  # "…" is one em of 13 pt
    buffer = io.BytesIO()
    write_pdf(document, buffer)
    shown = [text.strip() for page in pypdf.PdfReader(buffer).pages for text in page.extract_text().splitlines()]
    assert shown.count(line) == 10  # each whole on one line
    path = tmp_path / "bao-cao.docx"
    write_docx(document, path)
    assert [paragraph.text for paragraph in docx.Document(str(path)).paragraphs].count(line) == 10


def test_the_published_rank_of_the_dti_and_of_an_index_value_in_the_derived_table(tmp_path: Path) -> None:
    # Eleven provinces ranked among 63: the text gave "tổng thể hạng 9; … Nhận thức số hạng 58"
    # while the table's "Hạng công bố" was blank for the DTI (ranked as the total) and for V1.
    from tests.documents.appendix_data import snapshot_of
    from tests.engine.test_results_published import REGION

    lines = REGION.splitlines()
    index_ranks = ["rank:1", "10", "58", "62", "8", "21", "55", "26", "5", "40", "30", "33"]
    results = tmp_path / "vung.csv"
    results.write_text("".join(f"{a},{b}\n" for a, b in zip(lines, index_ranks, strict=True)), encoding="utf-8")
    _, data = snapshot_of(ROOT / "frameworks" / "quoc-gia-2022-tinh.yaml", results)
    path = tmp_path / "bac-kan.docx"
    write_docx(build_unit_report(data, "Bắc Kạn", heading=HEADING), path)
    table = next(t for t in docx.Document(str(path)).tables if t.rows[0].cells[0].text == "Mã")
    published = {row.cells[0].text: row.cells[4].text for row in table.rows[1:]}
    assert (published["DTI"], published["CQS"], published["V1"]) == ("9", "30", "58")
    assert published["KTS"] == published["V2"] == ""  # not published
