"""Import files written for the tests: a sheet as XLSX (header and rows) or text as UTF-8 CSV."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl


def write_xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]], title: str) -> Path:
    """An .xlsx file at `path` whose one sheet, named `title`, holds the header and the rows."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def write_csv(path: Path, content: str) -> Path:
    """A UTF-8 CSV file at `path` with that text."""
    path.write_text(content, encoding="utf-8")
    return path


# --- XLSX files written by hand, for the reading limits (engine/tables.py) --------------------

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PACKAGE_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/></Types>'
    ),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="xl/workbook.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Dữ liệu" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        '<Relationship Id="rId2" Target="sharedStrings.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>'
    ),
}


def write_zip(path: Path, members: dict[str, bytes], declared: dict[str, int] | None = None) -> Path:
    """A zip written byte by byte (deflated members), where `declared` may give a member an
    uncompressed size other than its real one, as a hostile file can."""
    local, directory = bytearray(), bytearray()
    for name, data in members.items():
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        packed = packer.compress(data) + packer.flush()
        size = (declared or {}).get(name, len(data))
        crc, encoded = zlib.crc32(data), name.encode()
        sizes = struct.pack("<III", crc, len(packed), size)
        offset = len(local)
        local += struct.pack("<IHHHHH", 0x04034B50, 20, 0x800, 8, 0, 0x21) + sizes
        local += struct.pack("<HH", len(encoded), 0) + encoded + packed
        directory += struct.pack("<IHHHHHH", 0x02014B50, 20, 20, 0x800, 8, 0, 0x21) + sizes
        directory += struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(local), 0)
    path.write_bytes(bytes(local + directory) + end)
    return path


def sheet_xml(rows: str, dimension: str = "A1") -> bytes:
    """A worksheet part holding `rows` (the <row> elements) under a declared <dimension>."""
    return (
        f'<worksheet xmlns="{MAIN_NS}"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'.encode()
    )


def hand_xlsx(path: Path, sheet: bytes, *, strings: bytes = b"", declared: dict[str, int] | None = None) -> Path:
    """An .xlsx of one sheet "Dữ liệu" with that worksheet part (and shared strings part), written by hand."""
    members = {name: text.encode() for name, text in PACKAGE_PARTS.items()}
    members["xl/worksheets/sheet1.xml"] = sheet
    members["xl/sharedStrings.xml"] = strings or f'<sst xmlns="{MAIN_NS}"/>'.encode()
    return write_zip(path, members, declared)


def hostile_xlsx(path: Path, kind: str) -> Path:
    """The hostile spreadsheets of issue 10, tiny on disk: `cell` (one shared string declared to
    expand to 4 GiB), `sheet` (a sheet part declared 782 MB), `bomb` (a real 20 MB sheet part
    compressed 1,000:1), `long-cell` (an inline string of 40,000 characters in B2)."""
    header = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>unit</t></is></c><c r="B1" t="inlineStr"><is><t>I</t></is></c></row>'
    )
    if kind == "cell":
        strings = f'<sst xmlns="{MAIN_NS}"><si><t>{"a" * 4096}</t></si></sst>'.encode()
        unit = '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
        return hand_xlsx(
            path, sheet_xml(header + unit), strings=strings, declared={"xl/sharedStrings.xml": 4 * 1024**3 - 16}
        )
    if kind == "sheet":
        return hand_xlsx(path, sheet_xml(header), declared={"xl/worksheets/sheet1.xml": 782 * 1024 * 1024})
    if kind == "bomb":
        rows = '<row><c t="inlineStr"><is><t>x</t></is></c></row>' * (20 * 1024 * 1024 // 50)
        return hand_xlsx(path, sheet_xml(header + rows))
    if kind == "long-cell":
        long = f'<c r="B2" t="inlineStr"><is><t>{"x" * 40_000}</t></is></c>'
        cell = f'<row r="2"><c r="A2" t="inlineStr"><is><t>UBND</t></is></c>{long}</row>'
        return hand_xlsx(path, sheet_xml(header + cell))
    raise ValueError(kind)
