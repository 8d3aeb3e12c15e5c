"""Recognising uploaded files by their content and structure, never by their name.

Every check reads the file's structure only, without executing, rendering or decoding
anything, and within fixed bounds, so that no upload can keep a worker busy or fill its memory:

- PDF: the header `%PDF-1.x` (or 2.0) followed by objects (no markup between them), an `%%EOF`
  near the end, a `startxref` pointing at an `xref` table or an XRef stream object, a trailer
  whose /Root is a catalog with at least one page (read with pypdf, whose own limits bound
  every stream and tree; any failure of the parser refuses the file). A PDF that opens only
  with a password is refused too: the appraisers could not read it.
- PNG: the IHDR chunk first, then a chain of chunks that ends with IEND at the end of the file.
- JPEG: the start marker, a frame header (SOFn) before the first scan, then an end marker.
- OOXML (.docx, .xlsx) and ODF (.odt, .ods): a ZIP package with bounded member sizes and
  compression ratios that holds the parts its type needs: `[Content_Types].xml` (read
  bounded, without any DOCTYPE) declares the main part, which exists; an ODF package names
  its type in `mimetype` and has `content.xml`.
- Legacy Word or Excel (.doc, .xls): an OLE2 compound file whose directory names the Word
  or Excel stream.

Documents that carry Visual Basic macros (a VBA project) are refused as well.
"""

from __future__ import annotations

import ctypes
import logging
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import IO
from xml.parsers import expat

from pypdf import Configuration, PasswordType, PdfReader, apply_configuration
from pypdf.generic import ArrayObject, DictionaryObject, PdfObject

from dti.engine import fmt

# pypdf logs every repair it makes to a broken file; an upload built to need millions of them
# would fill the log (and formatting them took minutes): only its errors are logged.
logging.getLogger("pypdf").setLevel(logging.ERROR)


@dataclass(frozen=True, slots=True)
class FileKind:
    """A recognised document type; `also` are other usual extensions of the same type."""

    label: str
    content_type: str
    extension: str
    also: tuple[str, ...] = ()


PDF = FileKind("PDF", "application/pdf", ".pdf")
PNG = FileKind("PNG", "image/png", ".png")
JPEG = FileKind("JPG", "image/jpeg", ".jpg", also=(".jpeg",))
DOC = FileKind("DOC", "application/msword", ".doc")
XLS = FileKind("XLS", "application/vnd.ms-excel", ".xls")
DOCX = FileKind("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = FileKind("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
ODT = FileKind("ODT", "application/vnd.oasis.opendocument.text", ".odt")
ODS = FileKind("ODS", "application/vnd.oasis.opendocument.spreadsheet", ".ods")
ALLOWED = (PDF, DOC, DOCX, XLS, XLSX, ODT, ODS, JPEG, PNG)

ACCEPT = ",".join(ext for kind in ALLOWED for ext in (kind.extension, *kind.also))
"""The file picker's `accept` attribute: every extension of the accepted types."""
LABELS = ", ".join(kind.label for kind in ALLOWED)
"""The accepted types as people read them: "PDF, DOC, DOCX, …"."""

_MEGABYTE = Decimal(1024 * 1024)


def over_limit_mb(size: int, limit: int) -> tuple[str, str]:
    """`size` and `limit` in MB for an over-limit message, so that the size reads above the limit.

    Both are cut (never rounded up) at 2 decimals, or at as many more as it takes for the two
    figures to differ: 1 byte over 20 MB is "20,0000009" against "20,00", not "20,00" twice;
    20,999… MB is "20,99", never rounded up to "21,00".
    """
    exact_size, exact_limit = Decimal(size) / _MEGABYTE, Decimal(limit) / _MEGABYTE
    places = 2
    # A MB is 2**20 bytes: 20 decimals show any byte count exactly, so the loop ends.
    while places < 20 and _cut(exact_size, places) <= _cut(exact_limit, places):
        places += 1
    # A limit of whole hundredths of a MB (20 MB) reads "20,00"; any other at the size's decimals.
    limit_places = 2 if _cut(exact_limit, 2) == exact_limit else places
    return fmt(_cut(exact_size, places), places), fmt(_cut(exact_limit, limit_places), limit_places)


def _cut(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)


# A package is refused when a member, or all of them together, would unpack beyond these
# (the sizes declared in the ZIP directory: nothing is unpacked to check them). Evidence is at
# most 20 MB, and the XML of real documents packs 5 to 25 times (docx and xlsx from Word,
# python-docx and openpyxl); a member that would unpack beyond RATIO_FREE_BYTES and packs more
# than MAX_RATIO times is a bomb, not a document.
MAX_MEMBER_BYTES = 100 * 1024 * 1024
MAX_PACKAGE_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 20_000
MAX_RATIO = 100
RATIO_FREE_BYTES = 4 * 1024 * 1024
MAX_CONTENT_TYPES_BYTES = 1024 * 1024  # [Content_Types].xml: a few KB in real packages

OLE2_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")
_OLE2_LAST_SECTOR = 0xFFFFFFFA  # numbers from here on mark a chain's end, a free or a FAT sector
_OLE2_MAX_SECTORS = 20_000  # a directory or DIFAT chain longer than this is refused
_OLE2_STREAMS = {"WordDocument": DOC, "Workbook": XLS, "Book": XLS}  # Book: Excel 5/95
_OLE2_MACROS = {"Macros", "_VBA_PROJECT_CUR", "_VBA_PROJECT", "VBA"}

_ODF_TYPES = {ODT.content_type: ODT, ODS.content_type: ODS}
_OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
_CONTENT_TYPES_OVERRIDE = "http://schemas.openxmlformats.org/package/2006/content-types Override"

_PDF_HEADER = re.compile(rb"%PDF-(?:1\.\d|2\.0)(?![\d.])")
_PDF_OBJECT = re.compile(rb"\d+[\x00\t\n\x0c\r ]+\d+[\x00\t\n\x0c\r ]+obj(?![A-Za-z])")
_PDF_STARTXREF = re.compile(rb"startxref\s+(\d{1,10})\s+%%EOF")
_PDF_XREF_STREAM = re.compile(rb"/Type\s*/XRef(?![A-Za-z])")
_PDF_SPACE = b"\x00\t\n\x0c\r "
_PDF_WINDOW = 1024  # the header region and the end region read, in bytes
_PDF_MAX_PAGE_NODES = 1000  # page tree nodes visited looking for the first page
PDF_SECONDS = 2.0  # pypdf's reading of one upload, at most (a legit 20 MB PDF takes a few tenths)
_PDF_MAX_STREAM_BYTES = 20 * 1024 * 1024  # no stream read while checking unpacks beyond this
_PDF_LIMITS = Configuration(  # pypdf's limits for this check, tighter than its defaults (75 MB)
    zlib_maximum_output_length=_PDF_MAX_STREAM_BYTES,
    lzw_maximum_output_length=_PDF_MAX_STREAM_BYTES,
    run_length_maximum_output_length=_PDF_MAX_STREAM_BYTES,
    brotli_maximum_output_length=_PDF_MAX_STREAM_BYTES,
    jbig2_maximum_output_length=_PDF_MAX_STREAM_BYTES,
    array_based_stream_maximum_output_length=_PDF_MAX_STREAM_BYTES,
    stream_decoding_work_maximum_length=4 * _PDF_MAX_STREAM_BYTES,
)

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_MAX_CHUNKS = 100_000  # a 20 MB image in 8 KB IDAT chunks has about 2,600
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # SOFn; C4, C8, CC are other markers
_JPEG_MAX_SEGMENTS = 10_000  # marker segments before the first scan
_READ_CHUNK = 1024 * 1024


def sniff(stream: IO[bytes]) -> FileKind | None:
    """The document type of `stream` from its bytes (one of ALLOWED), or None; the stream is rewound."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF if _is_pdf(stream) else None
        if head == _PNG_SIGNATURE:
            return PNG if _is_png(stream) else None
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG if _is_jpeg(stream) else None
        if head.startswith(b"PK\x03\x04"):
            return _package(stream)
        if head == OLE2_SIGNATURE:
            return _compound(stream)
        return None
    finally:
        stream.seek(0)


def _is_pdf(stream: IO[bytes]) -> bool:
    """A PDF whose header, cross-reference and page tree hold together (module docstring)."""
    size = stream.seek(0, 2)
    stream.seek(0)
    if not _pdf_starts_with_objects(stream.read(_PDF_WINDOW)):
        return False
    stream.seek(max(0, size - _PDF_WINDOW))
    ends = list(_PDF_STARTXREF.finditer(stream.read()))
    if not ends or int(ends[-1].group(1)) >= size:
        return False
    stream.seek(int(ends[-1].group(1)))
    if not _pdf_cross_reference(stream.read(4 * _PDF_WINDOW).lstrip(_PDF_SPACE)):
        return False
    stream.seek(0)
    return _pdf_has_a_page(stream)


def _pdf_starts_with_objects(head: bytes) -> bool:
    """The header line, then only blank lines and comments without markup, then the first object.

    This refuses HTML or script placed after a `%PDF-` header (a PDF/HTML polyglot).
    """
    lines = iter(head.splitlines())
    header = next(lines, b"")
    if _PDF_HEADER.match(header) is None or b"<" in header:
        return False
    for line in lines:
        content = line.strip(_PDF_SPACE)
        if content and not content.startswith(b"%"):
            return _PDF_OBJECT.match(content) is not None
        if b"<" in content:
            return False
    return False


def _pdf_cross_reference(data: bytes) -> bool:
    """`data` (from the `startxref` offset on) starts an `xref` table or an XRef stream object."""
    if data.startswith(b"xref"):
        return True
    dictionary = data.partition(b"stream")[0]
    return _PDF_OBJECT.match(dictionary) is not None and _PDF_XREF_STREAM.search(dictionary) is not None


def _pdf_has_a_page(stream: IO[bytes]) -> bool:
    """pypdf reads the trailer, whose /Root catalog has a page tree holding at least one page.

    A PDF that opens only with a password is refused (nobody could read it in the platform);
    so is one that pypdf cannot read within PDF_SECONDS.
    """
    try:
        with apply_configuration(_PDF_LIMITS), _time_limit(PDF_SECONDS):  # the limit ends first
            reader = PdfReader(stream, strict=False)
            if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                return False
            catalog = reader.trailer.get("/Root")
            catalog = catalog.get_object() if catalog is not None else None
            return isinstance(catalog, DictionaryObject) and _page_in_tree(catalog.get("/Pages"))
    except (_Overrun, Exception):  # out of time, or any failure of a parser on hostile bytes (RecursionError…)
        return False


class _Overrun(BaseException):
    """The PDF check ran out of time; a BaseException, so that pypdf's recovery (`except Exception`) lets it through."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt this thread with _Overrun if the block runs longer than `seconds`.

    A timer thread raises the exception here between two bytecodes (PyThreadState_SetAsyncExc);
    one still pending when the block ends is withdrawn under the lock, so none escapes the block.
    A call into C ends before the exception is raised: pypdf's limits (_PDF_LIMITS) bound those.
    """
    thread = ctypes.c_ulong(threading.get_ident())
    lock = threading.Lock()
    state = {"armed": True, "fired": False}

    def interrupt() -> None:
        with lock:
            if state["armed"]:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(thread, ctypes.py_object(_Overrun))
                state["fired"] = True

    timer = threading.Timer(seconds, interrupt)
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["armed"] = False
            if state["fired"]:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(thread, None)
        timer.cancel()


def _page_in_tree(root: PdfObject | None) -> bool:
    """Whether the page tree from `root` holds a /Page; at most _PDF_MAX_PAGE_NODES nodes are visited."""
    pending = [root]
    for _ in range(_PDF_MAX_PAGE_NODES):
        if not pending:
            return False
        node = pending.pop()
        node = node.get_object() if node is not None else None
        if not isinstance(node, DictionaryObject):
            continue
        if node.get("/Type") == "/Page":
            return True
        kids = node.get("/Kids")
        kids = kids.get_object() if kids is not None else None
        if isinstance(kids, ArrayObject):
            pending.extend(reversed(kids))
    return False


def _is_png(stream: IO[bytes]) -> bool:
    """A PNG: after the signature, IHDR first (13 bytes, its CRC right), chunks chained to the
    IEND chunk, and nothing after IEND. Only the chunk headers are read; no pixel is decoded."""
    size = stream.seek(0, 2)
    stream.seek(len(_PNG_SIGNATURE))
    header = stream.read(8 + 13 + 4)
    if len(header) < 25 or header[:8] != b"\x00\x00\x00\x0dIHDR":
        return False
    if zlib.crc32(header[4:21]) != struct.unpack_from(">I", header, 21)[0]:
        return False
    position = len(_PNG_SIGNATURE) + 25
    for _ in range(_PNG_MAX_CHUNKS):
        stream.seek(position)
        chunk = stream.read(8)
        if len(chunk) < 8:
            return False
        length: int = struct.unpack_from(">I", chunk)[0]
        kind = chunk[4:]
        position += 8 + length + 4
        if kind == b"IEND":
            return length == 0 and position == size
        if position > size:
            return False
    return False


def _is_jpeg(stream: IO[bytes]) -> bool:
    """A JPEG: after the start marker (SOI), marker segments with a frame header (SOFn) before
    the first scan (SOS), then an end marker (EOI) after it. Nothing is decoded."""
    stream.seek(2)
    framed = False
    for _ in range(_JPEG_MAX_SEGMENTS):
        segment = stream.read(4)
        if len(segment) < 4 or segment[0] != 0xFF:
            return False
        marker, length = segment[1], struct.unpack_from(">H", segment, 2)[0]
        if length < 2:
            return False
        if marker == 0xDA:  # SOS: the scan's header, then its entropy-coded data
            stream.seek(length - 2, 1)
            return framed and _contains(stream, b"\xff\xd9")
        framed = framed or marker in _JPEG_FRAMES
        stream.seek(length - 2, 1)
    return False


def _contains(stream: IO[bytes], marker: bytes) -> bool:
    """Whether the rest of `stream` holds `marker`, read a chunk at a time."""
    previous = b""
    while chunk := stream.read(_READ_CHUNK):
        if marker in chunk or marker in previous + chunk[: len(marker) - 1]:
            return True
        previous = chunk[-(len(marker) - 1) :]
    return False


def _package(stream: IO[bytes]) -> FileKind | None:
    """A ZIP package: DOCX or XLSX (OOXML parts), ODT or ODS (ODF `mimetype`), else None."""
    try:
        with zipfile.ZipFile(stream) as package:
            members = package.infolist()
            if not _bounded(members):
                return None
            names = {member.filename for member in members}
            if any(name.endswith("vbaProject.bin") for name in names):  # a macro-enabled .docm or .xlsm
                return None
            if "[Content_Types].xml" in names:
                return _ooxml(package, names)
            if {"mimetype", "content.xml", "META-INF/manifest.xml"} <= names:
                return _ODF_TYPES.get(_read_bounded(package, "mimetype", 100).decode("ascii", "replace").strip())
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, _Broken):
        return None
    return None


def _bounded(members: list[zipfile.ZipInfo]) -> bool:
    """Few enough members, none and all together not too large once unpacked, none packed like a bomb."""
    return (
        len(members) <= MAX_MEMBERS
        and all(_member_bounded(member) for member in members)
        and sum(member.file_size for member in members) <= MAX_PACKAGE_BYTES
    )


def _member_bounded(member: zipfile.ZipInfo) -> bool:
    """Not too large once unpacked, and not packed more than MAX_RATIO times if it is large."""
    if member.file_size > MAX_MEMBER_BYTES:
        return False
    return member.file_size <= RATIO_FREE_BYTES or member.file_size <= MAX_RATIO * member.compress_size


def _ooxml(package: zipfile.ZipFile, names: set[str]) -> FileKind | None:
    """DOCX or XLSX: the one kind whose main part `[Content_Types].xml` declares and the package holds."""
    present = {name.casefold() for name in names}  # part names compare case-insensitively
    declared = _main_parts(_read_bounded(package, "[Content_Types].xml", MAX_CONTENT_TYPES_BYTES))
    kinds = {kind for part, kind in declared if part.casefold() in present}
    return kinds.pop() if len(kinds) == 1 else None


def _main_parts(xml: bytes) -> list[tuple[str, FileKind]]:
    """The (ZIP member name, kind) of each main document part `[Content_Types].xml` declares.

    Read with expat, which fetches nothing; a document type declaration refuses the package, so
    no entity can be defined (the way to an entity-expansion bomb).
    """
    parts: list[tuple[str, FileKind]] = []

    def doctype(*_: object) -> None:
        raise _Broken

    def element(name: str, attributes: dict[str, str]) -> None:
        kind = _OOXML_MAIN_PARTS.get(attributes.get("ContentType", ""))
        if name == _CONTENT_TYPES_OVERRIDE and kind is not None:
            parts.append((attributes.get("PartName", "").removeprefix("/"), kind))

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = element
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as error:
        raise _Broken from error
    return parts


def _read_bounded(package: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A member's bytes; one that unpacks to more than `limit` bytes is broken (at most limit + 1 are read)."""
    with package.open(name) as member:
        data = member.read(limit + 1)
    if len(data) > limit:
        raise _Broken
    return data


def _compound(stream: IO[bytes]) -> FileKind | None:
    """An OLE2 compound file: DOC or XLS by the stream its directory names, else None."""
    try:
        names = _CompoundFile(stream).directory_names()
    except _Broken:
        return None
    if names & _OLE2_MACROS:
        return None
    return next((kind for name, kind in _OLE2_STREAMS.items() if name in names), None)


class _Broken(Exception):
    """The compound file's structure does not hold together."""


class _CompoundFile:
    """Just enough of the compound file format (MS-CFB) to list its directory's names.

    The header gives the sector size, the FAT sectors (the first 109 in the header, the
    others in the DIFAT chain) and the directory's first sector; the FAT chains the
    directory's sectors; each directory entry is 128 bytes with a UTF-16 name.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        header = stream.read(512)
        if len(header) < 512 or header[28:30] != b"\xfe\xff":
            raise _Broken
        shift = struct.unpack_from("<H", header, 30)[0]
        if shift not in (9, 12):
            raise _Broken
        self.size = 1 << shift
        fat_count, self.directory = struct.unpack_from("<II", header, 44)
        difat_start = struct.unpack_from("<I", header, 68)[0]
        self.fat = [s for s in struct.unpack_from("<109I", header, 76) if s < _OLE2_LAST_SECTOR]
        for sector in self._chain(difat_start, self._difat_next):
            entries = struct.unpack_from(f"<{self.size // 4}I", self._sector(sector))
            self.fat.extend(s for s in entries[:-1] if s < _OLE2_LAST_SECTOR)
        self.fat = self.fat[:fat_count]

    def directory_names(self) -> set[str]:
        """The names of every storage and stream in the directory."""
        names = set()
        for sector in self._chain(self.directory, self._fat_next):
            data = self._sector(sector)
            for offset in range(0, self.size, 128):
                length, kind = struct.unpack_from("<HB", data, offset + 64)
                if kind in (1, 2) and 2 <= length <= 64 and length % 2 == 0:
                    names.add(data[offset : offset + length - 2].decode("utf-16-le", "replace"))
        return names

    def _chain(self, start: int, follow: Callable[[int], int]) -> list[int]:
        """The sectors of a chain from `start` to its end; a loop or a too long chain is broken."""
        sectors: list[int] = []
        seen: set[int] = set()
        sector = start
        while sector < _OLE2_LAST_SECTOR:
            if sector in seen or len(sectors) >= _OLE2_MAX_SECTORS:
                raise _Broken
            seen.add(sector)
            sectors.append(sector)
            sector = follow(sector)
        return sectors

    def _difat_next(self, sector: int) -> int:
        """A DIFAT sector's last entry is the next DIFAT sector."""
        return int(struct.unpack_from("<I", self._sector(sector), self.size - 4)[0])

    def _fat_next(self, sector: int) -> int:
        """The FAT entry of `sector`: the next sector of its chain."""
        per_sector = self.size // 4
        index, entry = divmod(sector, per_sector)
        if index >= len(self.fat):
            raise _Broken
        return int(struct.unpack_from("<I", self._sector(self.fat[index]), entry * 4)[0])

    def _sector(self, number: int) -> bytes:
        """One sector's bytes (sector 0 follows the header, which takes one sector)."""
        self.stream.seek((number + 1) * self.size)
        data = self.stream.read(self.size)
        if len(data) < self.size:
            raise _Broken
        return data
