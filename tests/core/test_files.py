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

from dti.core import files
from dti.core.files import ACCEPT, ALLOWED, DOC, DOCX, JPEG, LABELS, ODS, ODT, PDF, PNG, XLS, XLSX, sniff

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


def docx_bytes(*, document: bool = True, content_types: bool = True, macros: bool = False) -> bytes:
    """A Word package; without `document` it is a ZIP that only looks like one; with `macros` a
    macro-enabled document (.docm) holding a VBA project."""
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
        if macros:
            package.writestr("word/vbaProject.bin", cfb_bytes({"dir": b"Attribute VB_Name"}, ("VBA",)))
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


ODF_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="{media}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def odf_bytes(media: str = ODT.content_type, *, content: bool = True) -> bytes:
    """An OpenDocument package: `mimetype` first and stored, then the content and the manifest."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(zipfile.ZipInfo("mimetype"), media, compress_type=zipfile.ZIP_STORED)
        if content:
            body = "<office:text><text:p>Báo cáo chuyển đổi số</text:p></office:text>"
            if media == ODS.content_type:
                body = '<office:spreadsheet><table:table table:name="Xã"/></office:spreadsheet>'
            package.writestr(
                "content.xml",
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
                'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2">'
                f"<office:body>{body}</office:body></office:document-content>",
            )
        package.writestr("META-INF/manifest.xml", ODF_MANIFEST.format(media=media))
    return buffer.getvalue()


FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def cfb_bytes(streams: dict[str, bytes], storages: tuple[str, ...] = (), *, loop: bool = False) -> bytes:
    """An OLE2 compound file (MS-CFB version 3, 512-byte sectors), as Word 97–2003 and Excel
    97–2003 write them: the header, one FAT sector, the directory (root, storages, streams),
    then each stream in whole sectors (at least 4096 bytes, so none goes to the mini stream).
    `loop` chains the directory's last sector back to its first (a broken file)."""
    size = 512
    names = [("Root Entry", 5), *((name, 1) for name in storages), *((name, 2) for name in streams)]
    directory_sectors = -(-len(names) // 4)
    fat = [FAT_SECTOR] + [s + 2 for s in range(directory_sectors - 1)] + [1 if loop else END]
    placed: dict[str, tuple[int, int]] = {}
    data = b""
    for name, content in streams.items():
        padded = content.ljust(max(4096, -(-len(content) // size) * size), b"\x00")
        start = len(fat)
        count = len(padded) // size
        fat += [start + k + 1 for k in range(count - 1)] + [END]
        placed[name] = (start, len(padded))
        data += padded
    assert len(fat) <= size // 4, "one FAT sector is enough for these test files"
    entries = b""
    for number, (name, kind) in enumerate(names):
        encoded = (name + "\x00").encode("utf-16-le")
        child = 1 if number == 0 and len(names) > 1 else NO_STREAM
        sibling = number + 1 if 0 < number < len(names) - 1 else NO_STREAM
        start, length = placed.get(name, (END, 0))
        entries += struct.pack(
            "<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, NO_STREAM, sibling, child, b"", 0, 0, 0, start, length
        )
    entries = entries.ljust(directory_sectors * size, b"\x00")
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        files.OLE2_SIGNATURE,
        b"",
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"",
        0,
        1,
        1,
        0,
        4096,
        END,
        0,
        END,
        0,
    ) + struct.pack("<109I", 0, *([FREE] * 108))
    fat_sector = struct.pack(f"<{size // 4}I", *fat, *([FREE] * (size // 4 - len(fat))))
    return header + fat_sector + entries + data


def doc_bytes() -> bytes:
    """A Word 97–2003 document: its WordDocument and table streams, and the summary information."""
    word = b"\xec\xa5\xc1\x00" + "Kế hoạch chuyển đổi số".encode("utf-16-le")  # the FIB's magic number first
    return cfb_bytes({"WordDocument": word, "1Table": b"\x00" * 16, "\x05SummaryInformation": b"\xfe\xff"})


def xls_bytes(stream: str = "Workbook") -> bytes:
    """An Excel 97–2003 workbook (its Workbook stream starts with a BIFF8 BOF record); "Book" for Excel 5/95."""
    bof = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x0206)
    return cfb_bytes({stream: bof, "\x05SummaryInformation": b"\xfe\xff"})


def zip_with(member: str, size: int) -> bytes:
    """A Word package with one more member of `size` bytes."""
    buffer = io.BytesIO(docx_bytes())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as package:
        package.writestr(member, b"\x00" * size)
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
    "ke-hoach.doc": (doc_bytes, DOC),
    "so-lieu.xls": (xls_bytes, XLS),
    "so-lieu-excel-95.xls": (lambda: xls_bytes("Book"), XLS),
    "bao-cao.odt": (odf_bytes, ODT),
    "so-lieu.ods": (lambda: odf_bytes(ODS.content_type), ODS),
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
    "docm (Word with macros) named .docx": docx_bytes(macros=True),
    "compound file without a Word or Excel stream": cfb_bytes({"PowerPoint Document": b"\x00" * 8}),
    "Word 97–2003 with macros": cfb_bytes({"WordDocument": b"\xec\xa5", "dir": b"\x00"}, ("Macros", "VBA")),
    "Excel 97–2003 with macros": cfb_bytes({"Workbook": b"\x09\x08", "dir": b"\x00"}, ("_VBA_PROJECT_CUR", "VBA")),
    "compound file header only": doc_bytes()[:512],
    "compound file cut in its directory": doc_bytes()[:1200],
    "compound file whose directory chain loops": cfb_bytes(
        {"WordDocument": b"\x00", "1Table": b"\x00", "a": b"", "b": b"", "c": b""}, loop=True
    ),
    "compound file with a bad sector size": doc_bytes()[:30] + b"\x10\x00" + doc_bytes()[32:],
    "ODF presentation (not accepted) named .odt": odf_bytes("application/vnd.oasis.opendocument.presentation"),
    "odt without content.xml": odf_bytes(content=False),
    "odt whose mimetype is too long": odf_bytes(ODT.content_type + " " * 200),
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
    assert [k.extension for k in ALLOWED] == [".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".jpg", ".png"]
    assert ACCEPT == ".pdf,.doc,.docx,.xls,.xlsx,.odt,.ods,.jpg,.jpeg,.png"
    assert LABELS == "PDF, DOC, DOCX, XLS, XLSX, ODT, ODS, JPG, PNG"
    assert DOC.content_type == "application/msword"
    assert XLS.content_type == "application/vnd.ms-excel"
    assert ODT.content_type == "application/vnd.oasis.opendocument.text"
    assert ODS.content_type == "application/vnd.oasis.opendocument.spreadsheet"
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
    with zipfile.ZipFile(io.BytesIO(odf_bytes())) as package:
        first = package.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert package.read("mimetype") == ODT.content_type.encode()
    doc = doc_bytes()
    assert doc[:8] == files.OLE2_SIGNATURE and len(doc) % 512 == 0
    assert "WordDocument".encode("utf-16-le") in doc


@pytest.mark.parametrize("limit", ["MAX_MEMBER_BYTES", "MAX_PACKAGE_BYTES", "MAX_MEMBERS"])
def test_packages_beyond_the_bounds_are_refused(monkeypatch, limit):
    """A member, or the whole package, that would unpack beyond the bounds (or too many
    members) is refused from the sizes the ZIP directory declares; exactly at the bound, accepted."""
    package = zip_with("word/media/image1.png", 5000)
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        members = archive.infolist()
    reached = {
        "MAX_MEMBER_BYTES": max(m.file_size for m in members),
        "MAX_PACKAGE_BYTES": sum(m.file_size for m in members),
        "MAX_MEMBERS": len(members),
    }[limit]
    monkeypatch.setattr(files, limit, reached)
    assert sniff(io.BytesIO(package)) is DOCX
    monkeypatch.setattr(files, limit, reached - 1)
    assert sniff(io.BytesIO(package)) is None


def test_a_large_compound_file_is_read_through_its_difat():
    """A FAT sector listed beyond the header's 109 (in the DIFAT chain) is found: a document
    whose directory sits after the 110th FAT sector is still recognised."""
    size = 512
    per_sector = size // 4
    fat_sectors = 110
    difat_sector = fat_sectors  # sectors 0–109: the FAT; 110: the DIFAT; 111: the directory
    directory = fat_sectors + 1
    total = directory + 1
    fat = [FAT_SECTOR] * fat_sectors + [0xFFFFFFFC, END]  # DIFSECT, then the directory's one sector
    fat += [FREE] * (fat_sectors * per_sector - len(fat))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        files.OLE2_SIGNATURE,
        b"",
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"",
        0,
        fat_sectors,
        directory,
        0,
        4096,
        END,
        0,
        difat_sector,
        1,
    ) + struct.pack("<109I", *range(109))
    difat = struct.pack(f"<{per_sector}I", 109, *([FREE] * (per_sector - 2)), END)
    name = "WordDocument\x00".encode("utf-16-le")
    root = "Root Entry\x00".encode("utf-16-le")
    entries = struct.pack("<64sHBBIII16sIQQIQ", root, len(root), 5, 1, NO_STREAM, NO_STREAM, 1, b"", 0, 0, 0, END, 0)
    entries += struct.pack(
        "<64sHBBIII16sIQQIQ", name, len(name), 2, 1, NO_STREAM, NO_STREAM, NO_STREAM, b"", 0, 0, 0, END, 0
    )
    body = struct.pack(f"<{len(fat)}I", *fat) + difat + entries.ljust(size, b"\x00")
    assert len(body) == total * size
    assert sniff(io.BytesIO(header + body)) is DOC


def test_the_evidence_pickers_offer_every_accepted_type(world, login):
    """The self-assessment's file picker (Jinja2) and the explanation page's (Django tag) take
    their extensions and labels from dti.core.files, so they follow what the check accepts."""
    from django.template import Context, Template

    page = login("reporter").get(f"/danh-gia/{world['assessment'].pk}/").content.decode()
    assert f'accept="{ACCEPT}"' in page
    assert f"Tệp ({LABELS})" in page
    shown = Template('{% load evidence %}<input accept="{% evidence_accept %}">{% evidence_types %}')
    assert shown.render(Context()) == f'<input accept="{ACCEPT}">{LABELS}'


# ---------------------------------------------------------------------------------------------
# Over-limit messages (issue 10 §4): the size never reads as the limit.

MB = 1024 * 1024


@pytest.mark.parametrize(
    ("size", "limit", "shown"),
    [
        (20 * MB + 1, 20 * MB, ("20,0000009", "20,00")),  # 1 byte over: not "20,00" twice
        (20 * MB + MB // 100, 20 * MB, ("20,009", "20,00")),  # 20,0099… is not rounded up to 20,01
        (20 * MB + MB // 2, 20 * MB, ("20,50", "20,00")),
        (5 * MB + 1, 5 * MB, ("5,0000009", "5,00")),
        (101, 100, ("0,000096", "0,000095")),  # a limit of 100 bytes does not read "0,00"
    ],
)
def test_over_limit_sizes_differ_from_the_limit(size: int, limit: int, shown: tuple[str, str]) -> None:
    assert files.over_limit_mb(size, limit) == shown


def test_a_size_just_under_a_hundredth_above_is_cut_not_rounded_up() -> None:
    # 20,999… MB must not read "21,00" (nor the limit 21,00 MB be passed by rounding).
    size, limit = files.over_limit_mb(21 * MB - 1, 20 * MB)
    assert (size, limit) == ("20,99", "20,00")


def test_the_import_message_shows_a_size_above_the_limit() -> None:
    from dti.core.imports import MAX_IMPORT_BYTES, too_big

    assert too_big(MAX_IMPORT_BYTES + 1) == "Tệp dung lượng 5,0000009 MB, vượt giới hạn 5,00 MB."
