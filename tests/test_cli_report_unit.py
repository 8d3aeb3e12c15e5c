"""`dti report unit`: one unit's analysis report as DOCX or PDF from a results file, compared
with last year's (by equal codes, or by names when last year's framework differs), read back;
every refusal a Vietnamese line, exit 2."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from pypdf import PdfReader

from dti.cli import main

ROOT = Path(__file__).resolve().parents[1]
NB = str(ROOT / "frameworks" / "ninh-binh-2023-huyen.yaml")
NB_RESULTS = ROOT / "examples" / "ninh-binh-2023-ket-qua.csv"
UNIT = "UBND huyện Gia Viễn"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def last_year(tmp_path: Path) -> Path:
    """Ninh Bình's results with Gia Viễn's index 4 at 50 (now 68): a made-up previous year."""
    with NB_RESULTS.open(encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    next(row for row in rows if row["unit"] == UNIT)["4"] = "50"
    path = tmp_path / "2022.csv"
    with path.open("w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, [c for c in rows[0] if c not in ("total", "rank")], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def table_rows(path: Path) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for table in docx.Document(str(path)).tables for row in table.rows]


def test_docx_compared_with_last_year(tmp_path: Path) -> None:
    target = tmp_path / "bao-cao.docx"
    code, out, err = run(
        "report", "unit", NB, str(NB_RESULTS), "--unit", UNIT, "--previous", str(last_year(tmp_path)),
        "-o", str(target), "--issuer", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "--parent", "UBND TỈNH NINH BÌNH",
        "--place", "Ninh Bình", "--date", "15/03/2024",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == f"Đã tạo báo cáo {target} cho {UNIT}\n"
    word = docx.Document(str(target))
    text = "\n".join(p.text for p in word.paragraphs) + "\n".join(
        cell.text for table in word.tables for row in table.rows for cell in row.cells
    )
    assert "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in text and "Ninh Bình, ngày 15 tháng 3 năm 2024" in text
    assert "So với năm 2022 (556,70 điểm, hạng 5): tổng điểm +18,00, thứ hạng tăng 2 bậc." in text
    assert ["4", "Nhân lực số", "68,00", "1", "50,00", "+18,00", "8", "tăng 7 bậc"] in table_rows(target)
    unit_row = next(row for table in word.tables for row in table.rows if row.cells[1].text == UNIT)
    assert all(run.bold for cell in unit_row.cells for p in cell.paragraphs for run in p.runs)  # its row in bold
    page = word.sections[0]
    assert page.orientation == WD_ORIENT.LANDSCAPE  # eight indices side by side


def test_pdf_without_last_year(tmp_path: Path) -> None:
    target = tmp_path / "bao-cao.pdf"
    code, out, err = run("report", "unit", NB, str(NB_RESULTS), "--unit", "ubnd huyện gia viễn", "-o", str(target))
    assert (code, err) == (0, "")
    assert out == f"Đã tạo báo cáo {target} cho {UNIT}\n"  # the name as the results file writes it
    reader = PdfReader(target)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "xếp hạng 3/8" in text and "574,70" in text
    assert sum(len(page.images) for page in reader.pages) == 0  # one year, no max: no chart


def test_last_years_framework_matched_by_index_names(tmp_path: Path) -> None:
    # Last year's framework numbered its indices A–H and called the last one differently.
    names = ["Nhận thức số", "Thể chế số", "Hạ tầng số", "Nhân lực số", "An toàn thông tin mạng"]
    names += ["Hoạt động chính quyền số", "Hoạt động kinh tế số", "Xã hội số"]
    codes = "ABCDEFGH"
    framework = tmp_path / "cu.yaml"
    framework.write_text(
        "format: dti/1\ncode: cu-2022\nname: Bộ chỉ số cũ\nlevel: huyen\nyear: 2022\nprecision: 2\nindices:\n"
        + "".join(f'  - {{code: "{c}", name: {n}}}\n' for c, n in zip(codes, names, strict=True)),
        encoding="utf-8",
    )
    results = tmp_path / "2022.csv"
    results.write_text(
        "unit,A,B,C,D,E,F,G,H\n"
        f"{UNIT},60,30,35.3,50,57,153.3,91.88,79.22\n"
        "UBND huyện Kim Sơn,60,30,40,60,60,160,90,80\n",
        encoding="utf-8",
    )
    target = tmp_path / "bao-cao.docx"
    code, _, err = run(
        "report", "unit", NB, str(NB_RESULTS), "--unit", UNIT, "-o", str(target),
        "--previous", str(results), "--previous-framework", str(framework),
    )  # fmt: skip
    assert (code, err) == (0, "")
    rows = table_rows(target)
    assert ["4", "Nhân lực số", "68,00", "1", "50,00", "+18,00", "2", "tăng 1 bậc"] in rows
    assert ["3", "Hạ tầng số", "35,30", "3", "35,30", "0,00", "2", "giảm 1 bậc"] in rows
    society = next(row for row in rows if row[1] == "Hoạt động xã hội số")
    assert society[4:] == ["", "không so sánh được", "", "không so sánh được"]
    body = "\n".join(p.text for p in docx.Document(str(target)).paragraphs)
    assert "Chỉ số không có chỉ số tương ứng năm 2022 (không so sánh được): 8. Hoạt động xã hội số." in body
    assert "Chỉ số năm 2022 không có chỉ số tương ứng năm nay: H. Xã hội số." in body
    assert "So sánh theo chỉ số tương ứng của năm 2022: 1 với A;" in body
    assert "So với năm 2022 (556,70 điểm, hạng 2): tổng điểm +18,00, thứ hạng giảm 1 bậc." in body


def test_an_unknown_unit_names_near_matches(tmp_path: Path) -> None:
    code, out, err = run("report", "unit", NB, str(NB_RESULTS), "--unit", "Gia Viễn", "-o", str(tmp_path / "x.pdf"))
    assert (code, out) == (2, "")
    assert err == "dti: không có đơn vị 'Gia Viễn' trong kết quả; có phải: UBND huyện Gia Viễn?\n"
    assert not (tmp_path / "x.pdf").exists()


def test_refusals_are_one_vietnamese_line_exit_2(tmp_path: Path) -> None:
    base = ["report", "unit", NB, str(NB_RESULTS), "--unit", UNIT]
    code, _, err = run(*base, "-o", str(tmp_path / "x.txt"))
    assert (code, err) == (2, f"dti: {tmp_path / 'x.txt'}: báo cáo cần đuôi .docx hoặc .pdf\n")
    code, _, err = run(*base, "-o", str(tmp_path / "x.pdf"), "--previous-framework", NB)
    assert (code, err) == (2, "dti: --previous-framework cần đi kèm --previous BẢNG_ĐIỂM\n")
    missing = tmp_path / "khong-co.csv"
    code, _, err = run(*base, "-o", str(tmp_path / "x.pdf"), "--previous", str(missing))
    assert code == 2 and err.startswith("dti: ") and "không tìm thấy tệp" in err
    code, _, err = run(*base, "-o", str(tmp_path / "x.pdf"), "--date", "31/02/2024")
    assert code == 2 and "tham số --date: '31/02/2024' không phải là ngày dạng dd/mm/yyyy" in err
    code, _, err = run("report", "unit", NB, str(NB_RESULTS), "-o", str(tmp_path / "x.pdf"))
    assert code == 2 and "thiếu tham số bắt buộc: --unit" in err


def test_help_names_the_unit_report() -> None:
    code, out, _ = run("report", "--help")
    assert code == 0 and "báo cáo phân tích kết quả của một đơn vị" in out
    code, out, _ = run("report", "unit", "--help")
    assert code == 0 and "--previous-framework" in out and "dd/mm/yyyy" in out
