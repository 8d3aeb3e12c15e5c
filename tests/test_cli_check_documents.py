"""`dti check` and `dti rank` on whole published documents: appendix workbooks (every sheet) and
a region's part of the national table (published ranks of the larger set, DTI, 0–1 values)."""

from __future__ import annotations

import csv
import json
import textwrap
from pathlib import Path

import pytest

from dti.documents.appendix import build_appendix
from dti.documents.content import Heading
from dti.documents.xlsx import write_xlsx as write_appendix_xlsx
from dti.engine import figures, load_framework, rank_results, read_appendix, read_results, row_result
from dti.results.snapshot import snapshot_of_results
from tests.documents.appendix_data import percent_files, snapshot_of
from tests.engine.conftest import HEADER
from tests.engine.test_results_published import REGION
from tests.engine.test_workbook import (
    SMALL,
    Rows,
    meta_rows,
    ninh_binh_sheets,
    small_meta,
    small_sheets,
    table_sheet,
    write_workbook,
)
from tests.test_cli import NINH_BINH, NINH_BINH_RANKING, NINH_BINH_RESULTS, ROOT, bad, run, write

NATIONAL = str(ROOT / "frameworks" / "quoc-gia-2022-tinh.yaml")


@pytest.fixture
def small(tmp_path: Path) -> str:
    return write(tmp_path / "nho.yaml", HEADER + textwrap.dedent(SMALL))


def seed_sheets() -> dict[str, Rows]:
    """Seed 000 (Ninh Bình's published 2023 tables) in the appendix layout."""
    with open(NINH_BINH_RESULTS, encoding="utf-8") as file:
        return ninh_binh_sheets(load_framework(NINH_BINH), list(csv.DictReader(file)))


@pytest.fixture
def seed_workbook(tmp_path: Path) -> str:
    """Seed 000 as an appendix workbook, index 1 of TP Ninh Bình typed 59 in the overall table."""
    sheets = seed_sheets()
    sheets["Tổng hợp"][8][2] = 59
    return str(write_workbook(tmp_path / "phu-luc.xlsx", sheets, meta_rows(load_framework(NINH_BINH), sheets)))


def test_check_appendix_lists_every_finding_with_sheet_row_and_column(seed_workbook: str) -> None:
    code, out, err = run("check", NINH_BINH, seed_workbook)
    assert (code, err) == (1, "")
    lines = out.splitlines()
    assert lines[0] == f"{seed_workbook}: 5 sai sót"
    assert lines[1] == (
        "  UBND thành phố Ninh Bình · total: tổng không bằng cộng các thành phần (công bố 605,21, tính lại 604,21)"
        " [trang 'Tổng hợp', dòng 9, cột K (total)]"
    )
    assert "[trang 'Chỉ số 4', dòng 9, cột L (4)]" in lines[2]
    assert lines[-1] == (
        "  UBND thành phố Ninh Bình · 1: điểm khác nhau giữa hai bảng (60 ở đây, 59 ở bảng kia): "
        "bảng kia: trang 'Tổng hợp', dòng 9, cột C (1) [trang 'Chỉ số 1', dòng 9, cột I (1)]"
    )


def test_check_appendix_json(seed_workbook: str) -> None:
    code, out, _ = run("check", NINH_BINH, seed_workbook, "--format", "json")
    assert code == 1
    findings = json.loads(out)
    assert [f["kind"] for f in findings] == ["sum", "sum", "sum", "sum", "sheet_mismatch"]
    assert findings[-1] | {"message": ""} == {
        "unit": "UBND thành phố Ninh Bình",
        "code": "1",
        "kind": "sheet_mismatch",
        "published": 60,
        "expected": 59,
        "place": "trang 'Chỉ số 1', dòng 9, cột I (1)",
        "note": "bảng kia: trang 'Tổng hợp', dòng 9, cột C (1)",
        "message": "",
    }


def test_check_clean_appendix(small: str, tmp_path: Path) -> None:
    sheets = small_sheets()
    path = str(write_workbook(tmp_path / "a.xlsx", sheets, small_meta(sheets)))
    assert run("check", small, path) == (0, f"{path}: không thấy sai sót (2 đơn vị, 3 bảng)\n", "")


def test_check_region_of_the_national_table(tmp_path: Path) -> None:
    region = write(tmp_path / "vung.csv", REGION)
    assert run("check", NATIONAL, region) == (0, f"{region}: không thấy sai sót (11 đơn vị)\n", "")
    swapped = write(tmp_path / "sai.csv", REGION.replace("0.6045,3,2", "0.6045,10,2").replace("0.6376,", "0.6386,"))
    code, out, _ = run("check", NATIONAL, swapped)
    assert code == 1
    assert out.splitlines()[1:] == [
        "  Thái Nguyên · DTI: giá trị không khớp với điểm các chỉ số (công bố 0,6386, tính lại 0,6376) "
        "[dòng 2, cột K (DTI)]",
        "  Thái Nguyên · rank: xếp hạng trái với thứ tự giá trị: Thái Nguyên hạng 10 với 63,76, "
        "Bắc Kạn hạng 9 với 63,22 [dòng 2, cột O (rank)]",
    ]


def test_check_shows_a_derived_figure_at_its_decimals(tmp_path: Path) -> None:
    # A 4-decimal DTI was shown without its trailing zero ("tính lại 0,605").
    wrong = write(tmp_path / "sai.csv", REGION.replace("0.5836,0.5980,", "0.5900,0.5980,"))
    code, out, _ = run("check", NATIONAL, wrong)
    assert code == 1
    assert "Yên Bái · DTI: giá trị không khớp với điểm các chỉ số (công bố 0,5900, tính lại 0,5836) " in out


def test_check_partial_flag(tmp_path: Path) -> None:
    same = "50,50,50,50,100,75,75"
    table = write(tmp_path / "kq.csv", f"unit,1,2,3,4,5,7,8,9,rank\nA,60,{same},1\nB,50,{same},3\nC,50,{same},3\n")
    assert run("check", NATIONAL, table, "--partial")[0] == 0
    code, out, _ = run("check", NATIONAL, table, "--format", "json")
    assert code == 1
    assert [(f["unit"], f["kind"], f["published"], f["expected"]) for f in json.loads(out)] == [
        ("B", "rank", 3, 2),
        ("C", "rank", 3, 2),
    ]


def test_rank_shows_published_ranks_beside_the_ranks_within_the_file(tmp_path: Path) -> None:
    code, out, err = run("rank", NATIONAL, write(tmp_path / "vung.csv", REGION), "--format", "json")
    assert (code, err) == (0, "")
    records = json.loads(out)
    assert [r["unit"] for r in records][:3] == ["Thái Nguyên", "Bắc Kạn", "Bắc Giang"]
    first = records[0]
    assert (first["rank"], first["rank (công bố)"]) == (1, 3)
    assert (first["rank:CQS"], first["rank:CQS (công bố)"]) == (1, 2)
    assert first["DTI"] == 0.6376
    assert [(r["rank"], r["rank (công bố)"]) for r in records][-1] == (11, 61)
    code, out, _ = run("rank", NATIONAL, write(tmp_path / "vung.csv", REGION))
    assert out.splitlines()[0].endswith("rank (công bố)  rank:CQS  rank:CQS (công bố)")


def test_rank_without_published_ranks_has_no_extra_columns(tmp_path: Path) -> None:
    code, out, _ = run(
        "rank", NATIONAL, write(tmp_path / "kq.csv", "unit,1,2,3,4,5,7,8,9\nA,1,1,1,1,1,1,1,1\n"), "--format", "json"
    )
    assert code == 0
    assert not [key for key in json.loads(out)[0] if "công bố" in key]


def test_rank_reads_the_overall_table_of_an_appendix(tmp_path: Path) -> None:
    sheets = seed_sheets()
    path = str(write_workbook(tmp_path / "dung.xlsx", sheets, meta_rows(load_framework(NINH_BINH), sheets)))
    code, out, _ = run("rank", NINH_BINH, path, "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert [(r["unit"], r["rank"], r["rank (công bố)"]) for r in records] == [
        (unit, rank, rank) for unit, _, _, rank in NINH_BINH_RANKING
    ]


def test_check_and_rank_refuse_broken_workbooks(small: str, tmp_path: Path) -> None:
    sheets = small_sheets()
    sheets["II"] = table_sheet(["STT", "Tên"], ["stt", "name"], [[1, "A"]])
    no_unit = str(write_workbook(tmp_path / "khong-ten.xlsx", sheets, small_meta(sheets)))
    for verb in ("check", "rank"):
        bad(verb, small, no_unit, names=(no_unit, "trang 'II'", "'unit'"))
    meta = small_meta(small_sheets()) + [["Không có", "index", "", "I", ""]]
    missing = str(write_workbook(tmp_path / "thieu.xlsx", small_sheets(), meta))
    bad("check", small, missing, names=(missing, "trang '_dti', dòng 5", "'Không có'"))
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"PK\x03\x04")
    bad("check", small, str(broken), names=(str(broken), "không mở được tệp Excel"))


# --- round trip: the appendix the platform writes reads back with the same figures ------------


def write_appendix(framework: str, results: str, target: Path) -> str:
    """The XLSX appendix of a results file, as `dti report appendix` writes it."""
    fw = load_framework(framework)
    ranked = [row_result(fw, row) for row in read_results(fw, results).rows]
    rank_results(fw, ranked)
    snapshot = snapshot_of_results(fw, ranked, name="Thử", year=fw.year)
    write_appendix_xlsx(build_appendix(snapshot, heading=Heading(issuer="ỦY BAN NHÂN DÂN TỈNH")), target)
    return str(target)


GROUPED = """\
A,huyen,50,20,30,40,50,100,60,70
B,huyen,40,20,30,40,50,100,60,70
C,thanh_pho,45,20,30,40,50,100,60,70
D,thanh_pho,35,20,30,40,50,100,60,70
"""


@pytest.mark.parametrize(
    ("framework", "results", "findings"),
    [
        (NINH_BINH, NINH_BINH_RESULTS, 3),  # seed 000's three published mistakes travel with the figures
        (NATIONAL, "vung", 0),
        ("nho", "nho", 0),  # ranked by percent, an N/A lowering a unit's max
        (NINH_BINH, "nhom", 0),  # two ranking groups: each index table against its own group's overall table
    ],
)
def test_written_appendix_reads_back_with_the_same_figures(
    small: str, tmp_path: Path, framework: str, results: str, findings: int
) -> None:
    files = {
        "vung": write(tmp_path / "vung.csv", REGION),
        "nho": write(tmp_path / "nho.csv", "unit,I.1,I.2,II\nSở A,36,9,40\nSở B,30,N/A,20\nSở C,25,5,35\n"),
        "nhom": write(tmp_path / "nhom.csv", "unit,group,1,2,3,4,5,6,7,8\n" + GROUPED),
    }
    framework = small if framework == "nho" else framework
    results = files.get(results, results)
    appendix = write_appendix(framework, results, tmp_path / "phu-luc.xlsx")
    code, out, err = run("check", framework, appendix, "--format", "json")
    assert (code, err) == (1 if findings else 0, "")
    figures_only = ("unit", "code", "kind", "published", "expected")  # the places differ: sheets, not a CSV
    assert [[f[k] for k in figures_only] for f in json.loads(out)] == [
        [f[k] for k in figures_only] for f in json.loads(run("check", framework, results, "--format", "json")[1])
    ]
    assert len(json.loads(out)) == findings
    # Every figure the appendix printed is the engine's figure of the source, as shown.
    fw = load_framework(framework)
    source = [row_result(fw, row) for row in read_results(fw, results).rows]
    rank_results(fw, source)
    shown = {r.unit: (figures(fw, r), r) for r in source}
    rows = read_appendix(fw, appendix).results().rows
    assert sorted(row.unit for row in rows) == sorted(shown)
    larger = any(r.published.get("rank", 0) > len(source) for r in source)  # the region's national ranks
    for row in rows:
        own, result = shown[row.unit]
        assert row.scores == {c: v for c, v in own.indices.items() if v is not None}
        assert row.published["total"] == own.total
        assert row.published["rank"] == (result.published["rank"] if larger else result.rank)
        assert row.group == result.group
        assert row.published.get("percent", own.percent) == own.percent
        assert row.maxima.get("total", own.max) == own.max
        assert {d.code: row.published[d.code] for d in fw.derived} == result.derived


@pytest.mark.parametrize("framework", [NINH_BINH, "nho"])
def test_rank_of_a_written_appendix_is_the_rank_of_its_source(small: str, tmp_path: Path, framework: str) -> None:
    results = NINH_BINH_RESULTS
    if framework == "nho":
        framework = small
        results = write(tmp_path / "nho.csv", "unit,I.1,I.2,II\nSở A,36,9,40\nSở B,30,N/A,20\nSở C,25,5,35\n")
    appendix = write_appendix(framework, results, tmp_path / "phu-luc.xlsx")
    columns = ("unit", "group", "total", "max", "percent", "rank", "class", "I", "II", "1", "8")
    again = json.loads(run("rank", framework, appendix, "--format", "json")[1])
    source = json.loads(run("rank", framework, results, "--format", "json")[1])
    assert [{c: r.get(c) for c in columns} for r in again] == [{c: r.get(c) for c in columns} for r in source]


# --- an appendix whose groups use different frameworks (Bắc Ninh: Sở and huyện) ------------------


@pytest.fixture
def two_frameworks(tmp_path: Path) -> tuple[str, str, str]:
    """The percent framework's Sở and Ninh Bình's districts in one appendix workbook, each group
    with its own framework: (Sở framework, huyện framework, workbook)."""
    so_framework, so_results = percent_files(tmp_path)
    _, so = snapshot_of(so_framework, so_results)
    _, districts = snapshot_of(Path(NINH_BINH), Path(NINH_BINH_RESULTS))
    both = {**so, "groups": [*so["groups"], *districts["groups"]]}
    path = tmp_path / "hai-bo.xlsx"
    write_appendix_xlsx(build_appendix(both, heading=Heading(issuer="ỦY BAN NHÂN DÂN TỈNH")), path)
    return str(so_framework), str(NINH_BINH), str(path)


def test_check_each_table_by_its_own_framework(two_frameworks: tuple[str, str, str]) -> None:
    so, districts, workbook = two_frameworks
    alone = json.loads(run("check", districts, NINH_BINH_RESULTS, "--format", "json")[1])
    figures_only = ("unit", "code", "kind", "published", "expected")
    for first, other in ((so, districts), (districts, so)):
        code, out, err = run("check", first, workbook, "--framework", other, "--format", "json")
        assert (code, err) == (1, "")
        # seed 000's three published mistakes, found in the huyện tables; the Sở tables are clean
        assert [[f[k] for k in figures_only] for f in json.loads(out)] == [[f[k] for k in figures_only] for f in alone]


def test_check_names_each_table_whose_framework_was_not_given(two_frameworks: tuple[str, str, str]) -> None:
    # It refused the whole workbook: "bảng lập theo bộ chỉ số 'bac-ninh-2023-so', không phải 'bac-ninh-2023-huyen'".
    so, _, workbook = two_frameworks
    code, out, err = run("check", so, workbook)
    assert (code, err) == (0, "")
    skipped = [line for line in out.splitlines() if "bỏ qua" in line]
    assert skipped[0] == (
        f"{workbook}: bỏ qua trang 'huyen - Tổng hợp': lập theo bộ chỉ số 'ninh-binh-2023-huyen', chưa được cung cấp"
    )
    assert len(skipped) == 9  # the overall table and 8 index tables of the districts
    assert out.splitlines()[-1] == f"{workbook}: không thấy sai sót (5 đơn vị, 3 bảng)"
    small_framework = write(Path(workbook).with_name("nho.yaml"), HEADER + textwrap.dedent(SMALL))
    bad(
        "check",
        small_framework,
        workbook,
        names=(workbook, "trang '_dti'", "'thu-ty-le-2024-so'", "chưa được cung cấp"),
    )


def test_rank_each_table_by_its_own_framework(two_frameworks: tuple[str, str, str]) -> None:
    so, districts, workbook = two_frameworks
    code, out, err = run("rank", so, workbook, "--framework", districts, "--format", "json")
    assert (code, err) == (0, "")
    ranked = {r["unit"]: r for r in json.loads(out)}
    for framework, source in ((so, str(Path(workbook).with_name("ket-qua.csv"))), (districts, NINH_BINH_RESULTS)):
        for row in json.loads(run("rank", framework, source, "--format", "json")[1]):
            assert {k: ranked[row["unit"]][k] for k in ("rank", "total", "percent")} == {
                k: row[k] for k in ("rank", "total", "percent")
            }
    assert len(ranked) == 5 + 8
    bad("rank", so, workbook, names=(workbook, "'ninh-binh-2023-huyen', không phải 'thu-ty-le-2024-so'"))


def test_report_appendix_keeps_the_blanks_of_a_number_given_without_its_figure(tmp_path: Path) -> None:
    # `--decision "/QĐ-UBND"` (as Ninh Bình's 2023 appendix names its decision) printed "số /QĐ-UBND".
    import docx

    target = tmp_path / "phu-luc.docx"
    code, _, err = run("report", "appendix", NINH_BINH, NINH_BINH_RESULTS, "-o", str(target), "--decision", "/QĐ-UBND")
    assert (code, err) == (0, "")
    texts = [p.text for p in docx.Document(str(target)).paragraphs]
    assert any(text.startswith("(Kèm theo Quyết định số       /QĐ-UBND ngày ") for text in texts)
