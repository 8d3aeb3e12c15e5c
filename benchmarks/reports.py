"""Benchmark: the documents of a synthetic 3,500-unit campaign, each beside a plain baseline.

A framework like Ninh Bình's (8 main indices, 76 indicators, 760 points, ranked by total)
and 3,500 units with random scores, a few indicators N/A. Timed in the same run, fastest of
`--runs`:

- the appendix (overall table + 8 index tables, 3,500 rows each) as XLSX (`write_xlsx`) beside
  the same cells written plainly with openpyxl (one sheet per table, values only, no layout);
- the same appendix as DOCX (`write_docx`) beside the same cells written with python-docx's
  `add_table` and `cell.text` (that baseline is timed on the first `--docx-rows` rows of each
  table and scaled to the full size: the whole takes many minutes);
- as PDF (`write_pdf`) beside the same cells written with fpdf2's `cell` (DejaVu Serif, no
  layout);
- one unit's analysis report as PDF (build and write), as a running server makes it; the
  first report of a process, which also imports matplotlib and parses the fonts, is printed
  beside it.

Each document and its baseline are timed in turns, so a busy machine slows both alike. Targets
(issue 11): XLSX ≤ 10 s and ≤ 2× the plain openpyxl write; one unit's PDF ≤ 2 s.

Run: `.venv/bin/python benchmarks/reports.py [--units N] [--runs N]`. Not a test.
"""

from __future__ import annotations

import argparse
import gc
import io
import random
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import docx
import matplotlib
import openpyxl
import yaml
from fpdf import FPDF

from dti.documents.appendix import build_appendix
from dti.documents.content import Document, Heading, Table
from dti.documents.docx import write_docx
from dti.documents.pdf import write_pdf
from dti.documents.report import build_unit_report
from dti.documents.xlsx import write_xlsx
from dti.engine import Framework, UnitInputs, fmt, parse_framework, score_campaign
from dti.results.snapshot import Snapshot, snapshot_of_results

# Indicators per main index: Ninh Bình's district framework has 6, 5, 4, 9, 8, 20, 12 and 8;
# the last index gets 12 here (76 indicators of 10 points: 760 points).
SIZES = [6, 5, 4, 9, 8, 20, 12, 12]
NAMES = [
    "Nhận thức số",
    "Thể chế số",
    "Hạ tầng số",
    "Nhân lực số",
    "An toàn thông tin mạng",
    "Hoạt động chính quyền số",
    "Hoạt động kinh tế số",
    "Hoạt động xã hội số",
]
ISSUER = "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"


def build_framework() -> Framework:
    """8 main indices of manual indicators (10 points each), ranked by total, competition."""
    indices = []
    for number, (size, name) in enumerate(zip(SIZES, NAMES, strict=True), start=1):
        indicators = [
            {"code": f"{number}.{k}", "name": f"Chỉ số thành phần {number}.{k} của {name.lower()}", "max": 10,
             "scoring": {"method": "manual"}}
            for k in range(1, size + 1)
        ]  # fmt: skip
        indices.append({"code": str(number), "name": name, "max": 10 * size, "indicators": indicators})
    doc = {
        "format": "dti/1",
        "code": "thu-hieu-nang-2025-xa",
        "name": "Bộ chỉ số thử hiệu năng cấp xã",
        "level": "xa",
        "year": 2025,
        "precision": 2,
        "ranking": {"basis": "total", "decimals": 2, "ties": "competition"},
        "general_info": [],
        "indices": indices,
    }
    return parse_framework(yaml.safe_dump(doc, allow_unicode=True), file="benchmark")


def build_snapshot(framework: Framework, count: int, seed: int = 2025) -> Snapshot:
    """`count` units with scores in hundredths, 1 % of indicators N/A, scored and ranked."""
    rng = random.Random(seed)
    units = []
    for u in range(count):
        values: dict[str, dict[str, object]] = {}
        na: dict[str, str] = {}
        for item in framework.indicators:
            values[item.code] = {"score": Decimal(rng.randint(0, 1000)) / 100}
            if rng.random() < 0.01:
                na[item.code] = "Không có đối tượng áp dụng"
        units.append(UnitInputs(unit=f"UBND xã Thử Nghiệm {u + 1}", values=values, na=na))
    results = score_campaign(framework, units)
    return snapshot_of_results(framework, results, name="benchmark", year=framework.year)


# --- the same tables, written plainly ------------------------------------------------------


def plain_openpyxl(document: Document) -> bytes:
    """Every table's labels and cells, one sheet each, with openpyxl's defaults."""
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for table in document.tables():
        sheet = book.create_sheet(table.key)
        sheet.append([c.label for c in table.columns])
        for row in table.rows:
            sheet.append(list(row.cells))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _texts(table: Table, rows: int | None = None) -> list[list[str]]:
    """A table's cells as printed text (decimal comma at the column's decimals)."""
    return [
        [fmt(v, c.decimals) if isinstance(v, Decimal) else "" if v is None else str(v)
         for v, c in zip(row.cells, table.columns, strict=True)]
        for row in table.rows[:rows]
    ]  # fmt: skip


def plain_docx(document: Document, rows: int) -> bytes:
    """The first `rows` rows of every table with python-docx's `add_table` and `cell.text`."""
    word = docx.Document()
    for table in document.tables():
        cells = _texts(table, rows)
        grid = word.add_table(rows=len(cells) + 1, cols=len(table.columns))
        for cell, column in zip(grid.rows[0].cells, table.columns, strict=True):
            cell.text = column.label
        for line, values in zip(grid.rows[1:], cells, strict=True):
            for cell, value in zip(line.cells, values, strict=True):
                cell.text = value
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def plain_pdf(document: Document) -> bytes:
    """Every table's cells with fpdf2's `cell`, one line each, in DejaVu Serif (Vietnamese)."""
    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdf = FPDF(orientation="L", format="A4")
    pdf.add_font("DejaVu", fname=str(fonts / "DejaVuSerif.ttf"))
    pdf.set_font("DejaVu", size=7)
    for table in document.tables():
        pdf.add_page()
        width = (pdf.w - 2 * pdf.l_margin) / len(table.columns)
        for values in [[c.label[:12] for c in table.columns], *_texts(table)]:
            for value in values:
                pdf.cell(width, 4, value[:20], border=1)
            pdf.ln()
    return bytes(pdf.output())


def timed(fn: Callable[[], object]) -> float:
    """One timing, after a full collection."""
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def best_of(runs: int, fn: Callable[[], object]) -> float:
    """The fastest of `runs` timings."""
    return min(timed(fn) for _ in range(runs))


def compared(runs: int, ours: Callable[[], object], baseline: Callable[[], object]) -> tuple[float, float]:
    """The fastest of `runs` timings of each, taken in turns so that a busy machine slows both alike."""
    pairs = [(timed(ours), timed(baseline)) for _ in range(runs)]
    return min(a for a, _ in pairs), min(b for _, b in pairs)


def to_bytes(writer: Callable[[Document, io.BytesIO], None], document: Document) -> bytes:
    buffer = io.BytesIO()
    writer(document, buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--units", type=int, default=3500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--docx-rows", type=int, default=200, help="rows per table of the python-docx baseline")
    args = parser.parse_args()
    framework = build_framework()
    snapshot = build_snapshot(framework, args.units)
    heading = Heading(issuer=ISSUER, place="Ninh Bình")
    build_s = best_of(args.runs, lambda: build_appendix(snapshot, heading=heading))
    document = build_appendix(snapshot, heading=heading)
    tables = document.tables()
    cells = sum(len(t.rows) * len(t.columns) for t in tables)
    print(f"{args.units} đơn vị, {len(tables)} bảng, {cells} ô; dựng phụ lục: {build_s:.2f} s")

    xlsx_s, plain_xlsx_s = compared(args.runs, lambda: to_bytes(write_xlsx, document), lambda: plain_openpyxl(document))
    verdict = "đạt" if xlsx_s <= 10 and xlsx_s <= 2 * plain_xlsx_s else "KHÔNG ĐẠT"
    print(
        f"xlsx: {xlsx_s:.2f} s; openpyxl thường: {plain_xlsx_s:.2f} s; tỷ lệ: {xlsx_s / plain_xlsx_s:.2f} x "
        f"(mục tiêu ≤ 10 s và ≤ 2 x: {verdict})"
    )

    rows = min(args.docx_rows, args.units)
    docx_s, sample_s = compared(1, lambda: to_bytes(write_docx, document), lambda: plain_docx(document, rows))
    plain_docx_s = sample_s * args.units / rows
    print(
        f"docx: {docx_s:.2f} s; python-docx thường: {plain_docx_s:.2f} s (đo {rows} dòng mỗi bảng: "
        f"{sample_s:.2f} s, nhân theo số dòng); tỷ lệ: {docx_s / plain_docx_s:.2f} x"
    )

    pdf_s, plain_pdf_s = compared(1, lambda: to_bytes(write_pdf, document), lambda: plain_pdf(document))
    print(f"pdf: {pdf_s:.2f} s; fpdf2 thường: {plain_pdf_s:.2f} s; tỷ lệ: {pdf_s / plain_pdf_s:.2f} x")

    unit = snapshot["groups"][0]["units"][len(snapshot["groups"][0]["units"]) // 2]["unit"]
    report_heading = Heading(issuer=ISSUER, place="Ninh Bình", number_suffix="/BC")

    def one_report() -> bytes:
        return to_bytes(write_pdf, build_unit_report(snapshot, unit, heading=report_heading))

    first_s = timed(one_report)  # the process's first report also loads matplotlib and parses the fonts
    report_s = best_of(max(args.runs, 2), one_report)
    print(
        f"báo cáo một đơn vị (pdf): {report_s:.2f} s (mục tiêu ≤ 2 s: {'đạt' if report_s <= 2 else 'KHÔNG ĐẠT'}); "
        f"báo cáo đầu tiên của tiến trình (nạp matplotlib và phông chữ): {first_s:.2f} s"
    )


if __name__ == "__main__":
    main()
