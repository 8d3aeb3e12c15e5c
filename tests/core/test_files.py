"""Recognising uploaded documents by their bytes (`dti.core.files.sniff`), never by their name.

The small real documents built here (`pdf_bytes`, `png_bytes`, …) are also used by the
evidence and permission tests (tests/assessments/test_evidence.py,
tests/core/test_permissions_matrix.py).
"""

from __future__ import annotations

import io
import random
import re
import struct
import threading
import time
import tracemalloc
import zipfile
import zlib

import docx
import pytest
from openpyxl import Workbook
from pypdf import PdfReader, PdfWriter

from dti.core import files
from dti.core.files import ACCEPT, ALLOWED, DOC, DOCX, JPEG, LABELS, ODS, ODT, PDF, PNG, XLS, XLSX, sniff
from dti.documents.pdf import write_pdf
from tests.documents import sample

MB = 1024 * 1024

# ---------------------------------------------------------------------------------------------
# Small, valid documents of every accepted kind, and disguised ones.


def pdf_document(objects: list[bytes], *, head: bytes = b"", trailer: bytes = b"/Root 1 0 R") -> bytes:
    """A PDF as writers make it: the header, `head` (a comment, or a polyglot's markup), the
    objects numbered from 1, the cross-reference table giving each one's offset, the trailer,
    `startxref` and the end marker."""
    parts = [b"%PDF-1.4\n" + head]
    offsets = []
    position = len(parts[0])
    for number, value in enumerate(objects, 1):
        offsets.append(position)
        parts.append(b"%d 0 obj %s endobj\n" % (number, value))
        position += len(parts[-1])
    parts.append(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    parts.extend(b"%010d 00000 n \n" % offset for offset in offsets)
    parts.append(b"trailer <</Size %d %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, position))
    return b"".join(parts)


def pdf_bytes(
    text: str = "Quyết định thành lập Ban chỉ đạo",
    *,
    head: str = "",
    kids: str = "3 0 R",
    trailer: str = "/Root 1 0 R",
    catalog: str = "<</Type /Catalog /Pages 2 0 R>>",
) -> bytes:
    """A one-page PDF: catalog, page tree, page (`text` in a comment after the header).

    `head` goes between the header and the comment (a polyglot's markup); `kids` are the page
    tree's pages ("" for none); `trailer` and `catalog` replace those dictionaries.
    """
    objects = [
        catalog.encode(),
        f"<</Type /Pages /Kids [{kids}] /Count {len(kids.split()) // 3}>>".encode(),
        b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]>>",
    ]
    return pdf_document(objects, head=f"{head}% {text}\n".encode(), trailer=trailer.encode())


def scanned_pdf(pages: int = 1, image_bytes: int = 50_000) -> bytes:
    """A PDF as a phone's scanner app or a copier makes it: each A4 page one JPEG image
    (`image_bytes` of DCT-coded data, not decoded by any check) drawn by a small content stream."""
    image = random.Random(7).randbytes(image_bytes)
    kids = " ".join(f"{3 + 3 * page} 0 R" for page in range(pages))
    objects = [b"<</Type /Catalog /Pages 2 0 R>>", b"<</Type /Pages /Kids [%s] /Count %d>>" % (kids.encode(), pages)]
    draw = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    for page in range(pages):
        image_object, content_object = 4 + 3 * page, 5 + 3 * page
        objects.append(
            b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources <</XObject <</Im0 %d 0 R>>>> "
            b"/Contents %d 0 R>>" % (image_object, content_object)
        )
        objects.append(
            b"<</Type /XObject /Subtype /Image /Width 2480 /Height 3508 /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d>>\nstream\n%s\nendstream" % (len(image), image)
        )
        objects.append(b"<</Length %d>>\nstream\n%s\nendstream" % (len(draw), draw))
    return pdf_document(objects, head=b"%\xe2\xe3\xcf\xd3\n")


def pdf_with_xref_stream(padding: int | None = None) -> bytes:
    """A PDF 1.5 whose cross-reference is an XRef stream object, as newer writers make them.

    With `padding`, the catalog sits in a Flate-compressed object stream that unpacks to that
    many bytes more (a decompression bomb of about 1000:1).
    """
    catalog = b"<</Type /Catalog /Pages 2 0 R>>"
    body = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    if padding is None:
        rows.append(struct.pack(">BIH", 1, len(body), 0))
        body += b"1 0 obj " + catalog + b" endobj\n"
    else:
        rows.append(struct.pack(">BIH", 2, 4, 0))  # object 1 is the first in object stream 4
    for number, value in (
        (2, b"<</Type /Pages /Kids [3 0 R] /Count 1>>"),
        (3, b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]>>"),
    ):
        rows.append(struct.pack(">BIH", 1, len(body), 0))
        body += b"%d 0 obj %s endobj\n" % (number, value)
    if padding is None:
        rows.append(struct.pack(">BIH", 0, 0, 0))  # object 4 unused
    else:
        packer = zlib.compressobj(9)
        packed = packer.compress(b"1 0 " + catalog)
        for _ in range(padding // MB):
            packed += packer.compress(b" " * MB)
        packed += packer.flush()
        rows.append(struct.pack(">BIH", 1, len(body), 0))
        body += b"4 0 obj <</Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d>>\nstream\n" % len(packed)
        body += packed + b"\nendstream\nendobj\n"
    xref = len(body)
    rows.append(struct.pack(">BIH", 1, xref, 0))  # the XRef stream itself, object 5
    data = b"".join(rows)
    body += b"5 0 obj <</Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length %d>>\nstream\n" % len(data)
    return body + data + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref


def pdf_by_pypdf(**encryption: str) -> bytes:
    """A two-page PDF written by pypdf's writer; `encryption` (user_password, owner_password,
    algorithm) protects it as PdfWriter.encrypt does."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_blank_page(842, 595)
    writer.add_metadata({"/Title": "Báo cáo chuyển đổi số"})
    if encryption:
        writer.encrypt(**encryption)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_by_fpdf2() -> bytes:
    """A decision written by the platform's own PDF writer (dti.documents.pdf, fpdf2)."""
    buffer = io.BytesIO()
    write_pdf(sample.decision(draft=True), buffer)
    return buffer.getvalue()


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
        "0a0a090809090a0c0f0c0a0b0e0b09090d110d0e0f101011100a0c12131210130f10101010"
        "ffc9000b080001000101011100"
        "ffcc000600101005"
        "ffda0008010100003f00d2cf20"
        "ffd9"
    )


WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def content_types_xml(main: str = WORD_MAIN, part: str = "/word/document.xml", doctype: str = "") -> str:
    """An OOXML package's `[Content_Types].xml` declaring `part` as of type `main`."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="{part}" ContentType="{main}"/>'
        "</Types>"
    )


# An entity-expansion ("billion laughs") bomb: nine levels of ten references each, 10**9 "lol"s.
LAUGHS = (
    '<!DOCTYPE Types [<!ENTITY l0 "lol">'
    + "".join(f'<!ENTITY l{level} "{("&l" + str(level - 1) + ";") * 10}">' for level in range(1, 10))
    + "]>"
)


def docx_bytes(
    *, document: bool = True, content_types: bool = True, macros: bool = False, types: str | None = None
) -> bytes:
    """A Word package; without `document` it is a ZIP that only looks like one; with `macros` a
    macro-enabled document (.docm) holding a VBA project; `types` replaces `[Content_Types].xml`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        if content_types:
            package.writestr("[Content_Types].xml", types if types is not None else content_types_xml())
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


def python_docx_bytes() -> bytes:
    """A document written by python-docx (the parts Word writes: styles, settings, core properties)."""
    document = docx.Document()
    document.add_heading("Kế hoạch chuyển đổi số", level=1)
    document.add_paragraph("Năm 2023, huyện Kim Bảng triển khai 12 nhiệm vụ.")
    buffer = io.BytesIO()
    document.save(buffer)
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
    "PDF whose cross-reference is an XRef stream": (pdf_with_xref_stream, PDF),
    "PDF written by pypdf": (pdf_by_pypdf, PDF),
    "PDF written by the platform (fpdf2)": (pdf_by_fpdf2, PDF),
    "scanned PDF, three pages": (lambda: scanned_pdf(3), PDF),
    "PDF protected against editing (owner password, AES-256)": (
        lambda: pdf_by_pypdf(user_password="", owner_password="chu-so-huu", algorithm="AES-256"),
        PDF,
    ),
    "PDF protected against editing (owner password, RC4)": (
        lambda: pdf_by_pypdf(user_password="", owner_password="chu-so-huu", algorithm="RC4-128"),
        PDF,
    ),
    "Word document written by python-docx": (python_docx_bytes, DOCX),
}

# The refusals of issue 10 §4, each also sent through the real evidence upload
# (tests/assessments/test_evidence_structure.py): name → (file name, builder).
STRUCTURE_REFUSED = {
    "PDF/HTML polyglot": ("quyet-dinh.pdf", lambda: pdf_bytes(head=HTML.decode() + "\n")),
    "truncated PDF": ("quyet-dinh.pdf", lambda: pdf_bytes()[: len(pdf_bytes()) // 2]),
    "PDF without pages": ("quyet-dinh.pdf", lambda: pdf_bytes(kids="")),
    "Word zip bomb (1000:1)": ("ke-hoach.docx", lambda: zip_with("word/media/image1.png", 20 * MB)),
    "docx whose [Content_Types].xml does not declare the document": (
        "ke-hoach.docx",
        lambda: docx_bytes(types=content_types_xml(main="application/xml")),
    ),
    "[Content_Types].xml with a DOCTYPE entity": (
        "ke-hoach.docx",
        lambda: docx_bytes(types=content_types_xml(doctype=LAUGHS)),
    ),
    "PNG without IEND": ("anh-chup.png", lambda: png_bytes()[:-12]),
    "JPEG without EOI": ("anh-chup.jpg", lambda: jpg_bytes()[:-2]),
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
    "PDF header then HTML": b"%PDF-1.4\n" + HTML,
    "PDF with a script in a comment before its first object": pdf_bytes(head="%<script>alert(1)</script>\n"),
    "PDF header of an unknown version": pdf_bytes().replace(b"%PDF-1.4", b"%PDF-9.1", 1),
    "PDF without %%EOF": pdf_bytes().replace(b"%%EOF", b""),
    "PDF whose startxref points elsewhere": re.sub(rb"startxref\n\d+", b"startxref\n9", pdf_bytes()),
    "PDF whose startxref points past its end": re.sub(rb"startxref\n\d+", b"startxref\n999999", pdf_bytes()),
    "PDF whose trailer has no /Root": pdf_bytes(trailer=""),
    "PDF whose catalog has no page tree": pdf_bytes(catalog="<</Type /Catalog>>"),
    "PDF whose page tree loops": pdf_bytes(kids="2 0 R"),
    "PDF that opens only with a password": pdf_by_pypdf(user_password="mat-khau", algorithm="AES-256"),
    "PNG with HTML after IEND": png_bytes() + HTML,
    "PNG whose first chunk is not IHDR": png_bytes().replace(b"IHDR", b"tEXt", 1),
    "PNG whose IHDR checksum is wrong": png_bytes()[:29] + b"\x00\x00\x00\x00" + png_bytes()[33:],
    "PNG whose chunk runs past the end": png_bytes()[:33] + b"\x7f\xff\xff\xff" + png_bytes()[37:],
    "JPEG without a frame header": jpg_bytes().replace(bytes.fromhex("ffc9000b080001000101011100"), b""),
    "JPEG cut in its headers": jpg_bytes()[:30],
    "docx declaring a main part it does not hold": docx_bytes(types=content_types_xml(part="/word/other.xml")),
    "docx whose [Content_Types].xml is not XML": docx_bytes(types="<Types"),
    "docx whose [Content_Types].xml is over 1 MB": docx_bytes(types=content_types_xml() + " " * MB),
}


# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(GOOD))
def test_every_accepted_kind_is_recognised_from_its_bytes(name):
    build, kind = GOOD[name]
    assert sniff(io.BytesIO(build())) is kind


@pytest.mark.parametrize("name", list(DISGUISED))
def test_disguised_or_broken_content_is_not_recognised(name):
    assert sniff(io.BytesIO(DISGUISED[name])) is None


def measured(data: bytes) -> tuple[files.FileKind | None, float, int]:
    """sniff's answer on `data`, the seconds it took and its peak memory in bytes (tracemalloc)."""
    tracemalloc.start()
    started = time.process_time()
    try:
        kind = sniff(io.BytesIO(data))
        return kind, time.process_time() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("name", list(STRUCTURE_REFUSED))
def test_files_whose_structure_does_not_hold_are_refused_quickly(name):
    kind, seconds, peak = measured(STRUCTURE_REFUSED[name][1]())
    assert kind is None
    assert seconds < 1
    assert peak < 50 * MB


def tiny_objects_pdf(count: int) -> bytes:
    """A one-page PDF with `count` more one-byte objects: pypdf checks every cross-reference entry."""
    page = [b"<</Type /Catalog /Pages 2 0 R>>", b"<</Type /Pages /Kids [3 0 R] /Count 1>>", b"<</Type /Page>>"]
    return pdf_document(page + [b"1"] * count)


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda: pdf_with_xref_stream(300 * MB), id="object stream unpacking to 300 MB"),
        pytest.param(
            lambda: pdf_bytes(catalog="<</Type /Catalog /Pages 2 0 R /A " + "<</A " * 2_000_000 + ">>" * 2_000_001),
            id="dictionaries nested 2,000,000 deep",
        ),
        pytest.param(lambda: pdf_bytes(catalog="<</Pages 2 0 R /A " + "[" * 5_000_000 + ">>"), id="open arrays"),
        pytest.param(lambda: tiny_objects_pdf(480_000), id="480,000 objects in 20 MB"),
    ],
)
def test_hostile_pdfs_are_refused_within_bounds(build):
    """pypdf reads within its limits (streams unpack to at most 20 MB here) and within
    PDF_SECONDS; a RecursionError or any other failure of the parser refuses the file."""
    data = build()
    assert len(data) <= 20 * MB
    kind, seconds, peak = measured(data)
    assert kind is None
    assert seconds < files.PDF_SECONDS + 1
    assert peak < 200 * MB


def test_the_time_limit_leaves_nothing_behind(monkeypatch):
    """A check stopped by its time limit leaves no timer running and no exception pending."""
    monkeypatch.setattr(files, "PDF_SECONDS", 0.05)
    threads = threading.active_count()
    assert sniff(io.BytesIO(tiny_objects_pdf(200_000))) is None
    time.sleep(0.2)  # an exception still pending would be raised here
    assert threading.active_count() == threads
    assert sniff(io.BytesIO(pdf_bytes())) is PDF


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda: scanned_pdf(1, 20 * MB - 4000), id="one 20 MB scanned page"),
        pytest.param(lambda: scanned_pdf(400, 50_000), id="400 scanned pages"),
    ],
)
def test_a_20_mb_pdf_is_checked_within_a_second(build):
    data = build()
    assert 19 * MB < len(data) <= 20 * MB
    started = time.process_time()
    assert sniff(io.BytesIO(data)) is PDF
    assert time.process_time() - started < 1


def test_a_member_packed_like_a_bomb_is_refused_only_when_large():
    """Zeros pack about 1000:1: refused beyond RATIO_FREE_BYTES, accepted below it; a real
    workbook whose sheet unpacks well beyond it (about 25:1) is accepted."""
    assert sniff(io.BytesIO(zip_with("word/media/image1.png", 5 * MB))) is None
    assert sniff(io.BytesIO(zip_with("word/media/image1.png", 3 * MB))) is DOCX
    workbook = Workbook()
    for row in range(20_000):
        workbook.active.append(["Xã Một", "Có", row, "Có", "Có", "Có", "Có", "Có"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        sheet = package.getinfo("xl/worksheets/sheet1.xml")
    assert sheet.file_size > files.RATIO_FREE_BYTES and sheet.file_size > 10 * sheet.compress_size
    assert sniff(buffer) is XLSX


def test_the_main_part_is_found_by_the_name_content_types_give():
    """A package whose main part has another name than Word's is recognised by its declaration."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", content_types_xml(part="/Word/Main.XML"))
        package.writestr("word/main.xml", "<w:document xmlns:w='urn:w'/>")
    assert sniff(buffer) is DOCX


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
    assert len(PdfReader(io.BytesIO(pdf), strict=True).pages) == 1
    assert len(PdfReader(io.BytesIO(pdf_with_xref_stream()), strict=True).pages) == 1
    assert len(PdfReader(io.BytesIO(scanned_pdf(3)), strict=True).pages) == 3
    assert len(PdfReader(io.BytesIO(pdf_bytes(kids="")), strict=True).pages) == 0
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
