"""Recognising uploaded documents by their bytes (`dti.core.files.sniff`), never by their name.

The small real documents built here (`pdf_bytes`, `png_bytes`, …) are also used by the
evidence and permission tests (tests/assessments/test_evidence.py,
tests/core/test_permissions_matrix.py).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from openpyxl import Workbook

from dti.core.files import ALLOWED, DOCX, JPEG, PDF, PNG, XLSX, sniff

# ---------------------------------------------------------------------------------------------
# Small, valid documents of every accepted kind, and disguised ones.


def pdf_bytes(text: str = "Quyết định thành lập Ban chỉ đạo") -> bytes:
    """A one-page PDF: header, catalog, page tree, page, trailer, end marker."""
    body = (
        "%PDF-1.4\n"
        "1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
        "2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
        "3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 200 200]>> endobj\n"
        f"% {text}\n"
        "trailer <</Root 1 0 R>>\n"
        "%%EOF\n"
    )
    return body.encode("utf-8")


def png_bytes() -> bytes:
    """A 1×1 white PNG: signature, IHDR, IDAT (zlib), IEND, each chunk with its CRC."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1×1, 8-bit greyscale
    pixels = zlib.compress(b"\x00\xff")  # filter byte 0, one white pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def jpg_bytes() -> bytes:
    """A 1×1 JPEG (JFIF): SOI, APP0, quantisation table, frame, scan, EOI."""
    return bytes.fromhex(
        "ffd8ffe000104a46494600010101004800480000"
        "ffdb004300030202020203020202030303030406040404040408060605060908"
        "0a0a090809090a0c0f0c0a0b0e0b09090d110d0e0f101011100a0c12131210130f101010"
        "ffc9000b080001000101011100"
        "ffcc000600101005"
        "ffda0008010100003f00d2cf20"
        "ffd9"
    )


def docx_bytes(*, document: bool = True, content_types: bool = True) -> bytes:
    """A Word package; without `document` it is a ZIP that only looks like one."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        if content_types:
            package.writestr(
                "[Content_Types].xml",
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/word/document.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                "</Types>",
            )
        package.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="word/document.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            "</Relationships>",
        )
        if document:
            package.writestr(
                "word/document.xml",
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                "<w:body><w:p><w:r><w:t>Kế hoạch chuyển đổi số năm 2023</w:t></w:r></w:p></w:body></w:document>",
            )
        else:
            package.writestr("readme.txt", "không phải văn bản Word")
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    """A workbook written by openpyxl."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Xã", "Có chuyên mục"])
    sheet.append(["Xã Một", "Có"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes() -> bytes:
    """A plain ZIP archive (no Office package parts)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "xin chào")
    return buffer.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"
HTML = b"<!doctype html><html><body><script>alert('x')</script></body></html>"
TEXT = "Đây chỉ là một tệp văn bản thường.\n".encode()

# name → bytes, kind sniffed
GOOD = {
    "quyet-dinh.pdf": (pdf_bytes, PDF),
    "anh-chup.png": (png_bytes, PNG),
    "anh-chup.jpg": (jpg_bytes, JPEG),
    "ke-hoach.docx": (docx_bytes, DOCX),
    "so-lieu.xlsx": (xlsx_bytes, XLSX),
}
DISGUISED = {
    "exe named .pdf": EXE,
    "html named .pdf": HTML,
    "text named .pdf": TEXT,
    "zip named .docx": zip_bytes(),
    "docx without word/document.xml": docx_bytes(document=False),
    "docx without [Content_Types].xml": docx_bytes(content_types=False),
    "broken zip": b"PK\x03\x04" + b"\x00" * 40,
    "truncated PNG signature": b"\x89PNG\r\n",
    "PDF header not at the start": b"\n" + pdf_bytes(),
    "empty": b"",
}


# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(GOOD))
def test_every_accepted_kind_is_recognised_from_its_bytes(name):
    build, kind = GOOD[name]
    assert sniff(io.BytesIO(build())) is kind


@pytest.mark.parametrize("name", list(DISGUISED))
def test_disguised_or_broken_content_is_not_recognised(name):
    assert sniff(io.BytesIO(DISGUISED[name])) is None


def test_the_name_plays_no_part():
    """A file object carries no name that sniff could look at: only the bytes decide."""
    named = io.BytesIO(pdf_bytes())
    named.name = "virus.exe"
    assert sniff(named) is PDF
    html = io.BytesIO(HTML)
    html.name = "quyet-dinh.pdf"
    assert sniff(html) is None


@pytest.mark.parametrize("name", list(GOOD) + ["zip named .docx"])
def test_stream_is_rewound_after_sniffing(name):
    """The upload is hashed and stored after sniffing: it must start again at byte 0."""
    data = GOOD[name][0]() if name in GOOD else zip_bytes()
    stream = io.BytesIO(data)
    stream.seek(5)
    sniff(stream)
    assert stream.tell() == 0
    assert stream.read() == data


def test_xlsx_renamed_docx_is_a_workbook_and_docx_renamed_xlsx_a_document():
    assert sniff(io.BytesIO(xlsx_bytes())) is XLSX
    assert sniff(io.BytesIO(docx_bytes())) is DOCX


def test_allowed_kinds_have_their_content_type_and_extension():
    assert {k.extension for k in ALLOWED} == {".pdf", ".png", ".jpg", ".docx", ".xlsx"}
    assert PDF.content_type == "application/pdf"
    assert PNG.content_type == "image/png"
    assert JPEG.content_type == "image/jpeg"
    assert DOCX.content_type.endswith("wordprocessingml.document")
    assert XLSX.content_type.endswith("spreadsheetml.sheet")


def test_built_documents_are_what_they_claim():
    """Sanity of the test documents themselves (so the upload tests use real files)."""
    png = png_bytes()
    assert png[12:16] == b"IHDR" and png.endswith(b"IEND\xaeB`\x82")
    assert zlib.decompress(png[png.index(b"IDAT") + 4 : png.index(b"IDAT") + 4 + struct.unpack(">I", png[33:37])[0]])
    jpg = jpg_bytes()
    assert jpg.startswith(b"\xff\xd8\xff\xe0") and jpg.endswith(b"\xff\xd9")
    pdf = pdf_bytes()
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as package:
        assert package.testzip() is None
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes())) as package:
        assert "xl/workbook.xml" in package.namelist()
