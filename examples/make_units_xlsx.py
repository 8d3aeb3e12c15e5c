"""Write examples/bac-ninh-2023-don-vi.xlsx: the units of Phụ lục I, Quyết định 1187/QĐ-UBND (Bắc Ninh).

The 25 assessed units (seed 001, Phụ lục I) under "UBND tỉnh Bắc Ninh", which comes first so
the file imports into an empty unit list (/don-vi/nhap-tu-excel/). The output is the same
bytes on every run (fixed document dates and ZIP timestamps), so the committed file can be
checked against this script:

    .venv/bin/python examples/make_units_xlsx.py            # rewrites the file
    .venv/bin/python examples/make_units_xlsx.py -o out.xlsx
"""

from __future__ import annotations

import argparse
import datetime
import io
import re
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

from dti.units.samples import BAC_NINH_UNITS, unit_type_of

OUTPUT = Path(__file__).resolve().parent / "bac-ninh-2023-don-vi.xlsx"
PROVINCE = "UBND tỉnh Bắc Ninh"
# The decision's date, used for every timestamp in the file.
FIXED = datetime.datetime(2023, 10, 6)

# Phụ lục I in its order, with each unit's type: the same list the sample data use.
UNITS = BAC_NINH_UNITS
unit_type = unit_type_of


def build() -> bytes:
    """The workbook's bytes, identical on every run."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Đơn vị"
    sheet.append(["Tên đơn vị", "Loại đơn vị", "Đơn vị cấp trên"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append([PROVINCE, "tinh", None])
    for name in UNITS:
        sheet.append([name, unit_type(name), PROVINCE])
    for column, width in zip("ABC", (45, 14, 25), strict=True):
        sheet.column_dimensions[column].width = width
    workbook.properties.creator = "dti"
    workbook.properties.title = "Danh sách đơn vị đánh giá DTI tỉnh Bắc Ninh 2023 (Phụ lục I, QĐ 1187/QĐ-UBND)"
    workbook.properties.created = FIXED
    raw = io.BytesIO()
    workbook.save(raw)
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same package with fixed timestamps (openpyxl stamps the save time into it)."""
    stamp = FIXED.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                text = re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rf"\g<1>{stamp}\g<2>", text)
                content = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT, help="tệp kết quả (mặc định: %(default)s)")
    args = parser.parse_args()
    args.output.write_bytes(build())
    print(f"Đã ghi {args.output} ({len(UNITS) + 1} đơn vị).")


if __name__ == "__main__":
    main()
