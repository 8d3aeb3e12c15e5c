"""`dti report appendix`: the appendix of a results file as XLSX, DOCX or PDF, read back; the
workbook read again by `dti check` and `dti rank`; every refusal a Vietnamese line, exit 2."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import openpyxl
from pypdf import PdfReader

from dti.cli import main
from tests.documents.appendix_data import NINH_BINH, NINH_BINH_RESULTS, PERCENT_ORDER, ROOT, percent_files
from tests.engine.test_results_published import REGION
from tests.files import write_csv

NB, NB_RESULTS = str(NINH_BINH), str(NINH_BINH_RESULTS)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def cells(path: Path, sheet: str) -> list[str]:
    book = openpyxl.load_workbook(path)
    return [str(c) for row in book[sheet].iter_rows(values_only=True) for c in row if c is not None]


def test_xlsx_with_the_decisions_number_date_and_issuer(tmp_path: Path) -> None:
    target = tmp_path / "phu-luc.xlsx"
    code, out, err = run(
        "report", "appendix", NB, NB_RESULTS, "-o", str(target),
        "--decision", "125/QĐ-UBND", "--date", "05/03/2024", "--issuer", "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == f"Đã tạo phụ lục {target}: 9 bảng, 8 đơn vị\n"
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Tổng hợp", "1", "2", "3", "4", "5", "6", "7", "8", "_dti"]
    words = cells(target, "Tổng hợp")
    assert words[0] == "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"
    assert "(Kèm theo Quyết định số 125/QĐ-UBND ngày 05/03/2024 của Ủy ban nhân dân tỉnh Ninh Bình)" in words
    assert "605.21" in words and "DỰ THẢO" not in words  # 605,21: seed 000's first total, a number


def test_without_a_decision_the_blanks_and_the_frameworks_issuer(tmp_path: Path) -> None:
    target = tmp_path / "du-thao.xlsx"
    assert run("report", "appendix", NB, NB_RESULTS, "-o", str(target), "--draft")[0] == 0
    words = cells(target, "Tổng hợp")
    assert words[0] == "UBND TỈNH NINH BÌNH"  # the framework's issuer, as its file names it
    assert "(Kèm theo Quyết định số       /QĐ-UBND ngày       /      /       của UBND tỉnh Ninh Bình)" in words
    assert "DỰ THẢO" in words


def test_the_workbook_reads_back_with_check_and_rank(tmp_path: Path) -> None:
    # With the derived DTI: the appendix's DTI is over each unit's applicable maxima (N/A), which
    # `check` takes from the index sheets (their max:<index> column) before recomputing it.
    framework, results = percent_files(tmp_path)
    target = tmp_path / "phu-luc.xlsx"
    assert run("report", "appendix", str(framework), str(results), "-o", str(target))[0] == 0
    code, out, _ = run("check", str(framework), str(target))
    assert (code, out) == (0, f"{target}: không thấy sai sót (5 đơn vị, 3 bảng)\n")
    code, out, _ = run("rank", str(framework), str(target), "--format", "csv")
    assert code == 0
    assert [line.split(",")[0] for line in out.splitlines()[1:]] == PERCENT_ORDER


def test_ninh_binhs_published_mistakes_are_found_in_its_appendix_too(tmp_path: Path) -> None:
    target = tmp_path / "ninh-binh.xlsx"
    assert run("report", "appendix", NB, NB_RESULTS, "-o", str(target))[0] == 0
    code, out, _ = run("check", NB, str(target))
    assert code == 1
    assert out.startswith(f"{target}: 3 sai sót\n")
    assert "(công bố 62,6, tính lại 63,6)" in out and "(công bố 66,23, tính lại 79,23)" in out


def test_docx_and_pdf_carry_the_same_figures(tmp_path: Path) -> None:
    word, pdf = tmp_path / "phu-luc.docx", tmp_path / "phu-luc.pdf"
    assert run("report", "appendix", NB, NB_RESULTS, "-o", str(word), "--draft")[0] == 0
    assert run("report", "appendix", NB, NB_RESULTS, "-o", str(pdf))[0] == 0
    document = docx.Document(str(word))
    texts = [p.text for p in document.paragraphs]
    texts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "PHỤ LỤC I" in texts and "605,21" in texts and "UBND huyện Hoa Lư" in texts
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "PHỤ LỤC I" in text and "605,21" in text and "UBND huyện Hoa Lư" in text


def test_a_wrong_suffix_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    target = tmp_path / "phu-luc.csv"
    code, out, err = run("report", "appendix", NB, NB_RESULTS, "-o", str(target))
    assert (code, out) == (2, "")
    assert err == f"dti: {target}: phụ lục cần đuôi .xlsx, .docx hoặc .pdf\n"
    assert not target.exists()


def test_a_bad_date_is_refused_in_vietnamese(tmp_path: Path) -> None:
    code, _, err = run("report", "appendix", NB, NB_RESULTS, "-o", str(tmp_path / "a.xlsx"), "--date", "31/02/2024")
    assert code == 2
    assert "tham số --date: '31/02/2024' không phải là ngày dạng dd/mm/yyyy (ví dụ 15/03/2024)" in err


def test_unreadable_files_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "khong-co.csv"
    code, _, err = run("report", "appendix", NB, str(missing), "-o", str(tmp_path / "a.xlsx"))
    assert code == 2 and err.startswith("dti: ") and str(missing) in err and "Traceback" not in err
    broken = tmp_path / "hong.yaml"
    broken.write_text("format: dti/1\ncode: x\n", encoding="utf-8")
    code, _, err = run("report", "appendix", str(broken), NB_RESULTS, "-o", str(tmp_path / "a.xlsx"))
    assert code == 2 and f"{broken}: bộ chỉ số có" in err and "dti validate" in err
    assert not (tmp_path / "a.xlsx").exists()


def test_output_is_required_and_help_is_vietnamese() -> None:
    code, _, err = run("report", "appendix", NB, NB_RESULTS)
    assert code == 2 and "thiếu tham số bắt buộc: -o/--output" in err
    code, out, _ = run("report", "appendix", "--help")
    assert code == 0
    assert "Phụ lục kết quả đánh giá, xếp hạng" in out and "--decision SỐ" in out and "dd/mm/yyyy" in out


def test_bonus_and_penalty_points_are_columns_so_the_total_adds_up(tmp_path: Path) -> None:
    framework, results = percent_files(tmp_path, derived=False)
    framework.write_text(
        framework.read_text(encoding="utf-8")
        + "adjustments:\n"
        + "  - {code: T.1, name: Sáng kiến được công nhận, kind: bonus, max: 10, scoring: {method: manual}}\n"
        + "  - {code: P.1, name: Sự cố mất an toàn thông tin, kind: penalty, max: 10, scoring: {method: manual}}\n",
        encoding="utf-8",
    )
    lines = results.read_text(encoding="utf-8").splitlines()
    results.write_text("\n".join([lines[0] + ",T.1,P.1"] + [line + ",5,2" for line in lines[1:]]) + "\n")
    target = tmp_path / "phu-luc.xlsx"
    assert run("report", "appendix", str(framework), str(results), "-o", str(target))[0] == 0
    book = openpyxl.load_workbook(target)
    sheet = book["Tổng hợp"]
    codes = next(row for row in sheet.iter_rows(values_only=True) if "unit" in row)
    assert codes[2:7] == ("I", "II", "T.1", "P.1", "total")
    assert "Tổng điểm: cộng điểm các chỉ số chính và điểm thưởng, trừ điểm trừ (cột T.1, P.1)." in cells(
        target, "Tổng hợp"
    )
    code, out, _ = run("check", str(framework), str(target))
    assert (code, out) == (0, f"{target}: không thấy sai sót (5 đơn vị, 3 bảng)\n")


def test_a_regions_table_shows_the_published_ranks_beside_its_own(tmp_path: Path) -> None:
    # Eleven provinces of the 63 ranked nationally: the national ranks (overall, CQS, index 1) are
    # printed as published, the rank within the table beside them; the workbook reads back.
    national = str(ROOT / "frameworks" / "quoc-gia-2022-tinh.yaml")
    lines = REGION.splitlines()
    index_ranks = ["rank:1", "10", "58", "62", "8", "21", "55", "26", "5", "40", "30", "33"]  # by value:1
    results = write_csv(tmp_path / "vung.csv", "".join(f"{a},{b}\n" for a, b in zip(lines, index_ranks, strict=True)))
    target = tmp_path / "vung.xlsx"
    assert run("report", "appendix", national, str(results), "-o", str(target))[0] == 0
    sheet = openpyxl.load_workbook(target)["Tổng hợp"]
    rows = list(sheet.iter_rows(values_only=True))
    at = next(n for n, row in enumerate(rows) if "unit" in row)
    labels, codes = rows[at - 1], rows[at]
    shown = {code: labels[n] for n, code in enumerate(codes) if code in ("rank", "rank:table", "rank:CQS")}
    assert shown == {
        "rank": "Xếp hạng (công bố)",
        "rank:table": "Xếp hạng trong bảng",
        "rank:CQS": "Xếp hạng CQS (công bố)",
    }
    units = rows[at + 1 : at + 12]
    column = {code: [row[n] for row in units] for n, code in enumerate(codes)}
    assert column["unit"][:3] == ["Thái Nguyên", "Bắc Kạn", "Bắc Giang"]
    assert column["rank"] == [3, 9, 14, 20, 27, 31, 38, 44, 50, 57, 61]
    assert column["rank:table"] == list(range(1, 12))
    assert column["rank:CQS"] == [2, 30, 12, 25, 19, 7, 36, 41, 55, 60, 49]
    index_one = [row for row in openpyxl.load_workbook(target)["1"].iter_rows(values_only=True) if row[0]]
    at = next(n for n, row in enumerate(index_one) if "unit" in row)
    assert index_one[at][-3:] == ("percent:1", "rank:1", "rank:table")
    assert index_one[at - 1][-2:] == ("Xếp hạng (công bố)", "Xếp hạng trong bảng")
    assert [row[1:2] + row[-2:] for row in index_one[at + 1 : at + 4]] == [
        ("Hòa Bình", 5, 1), ("Yên Bái", 8, 2), ("Thái Nguyên", 10, 3),
    ]  # fmt: skip
    code, out, _ = run("check", national, str(target))
    assert (code, out) == (0, f"{target}: không thấy sai sót (11 đơn vị, 10 bảng)\n")
    code, out, _ = run("rank", national, str(target), "--format", "csv")
    assert code == 0
    lines = [line.split(",") for line in out.splitlines()]
    header, first = lines[0], dict(zip(lines[0], lines[1], strict=True))
    assert "rank:table" not in header  # the table's own rank is what `rank` computes
    assert (first["unit"], first["rank"], first["rank (công bố)"], first["rank:CQS (công bố)"]) == (
        "Thái Nguyên", "1", "3", "2",
    )  # fmt: skip
