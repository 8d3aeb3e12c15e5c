"""Recognising uploaded files by their content, never by their name.

Office documents are checked by their structure only, without executing or rendering
anything: an OOXML (.docx, .xlsx) or ODF (.odt, .ods) document is a ZIP package that must
hold the parts its type needs, with bounded member sizes; a legacy Word or Excel file
(.doc, .xls) is an OLE2 compound file whose directory must name the Word or Excel stream.
Documents that carry Visual Basic macros (a VBA project) are refused as well.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import IO

from dti.engine import fmt


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
# (the sizes declared in the ZIP directory: nothing is unpacked to check them).
MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_PACKAGE_BYTES = 500 * 1024 * 1024
MAX_MEMBERS = 20_000

OLE2_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")
_OLE2_LAST_SECTOR = 0xFFFFFFFA  # numbers from here on mark a chain's end, a free or a FAT sector
_OLE2_MAX_SECTORS = 20_000  # a directory or DIFAT chain longer than this is refused
_OLE2_STREAMS = {"WordDocument": DOC, "Workbook": XLS, "Book": XLS}  # Book: Excel 5/95
_OLE2_MACROS = {"Macros", "_VBA_PROJECT_CUR", "_VBA_PROJECT", "VBA"}

_ODF_TYPES = {ODT.content_type: ODT, ODS.content_type: ODS}


def sniff(stream: IO[bytes]) -> FileKind | None:
    """The document type of `stream` from its bytes (one of ALLOWED), or None; the stream is rewound."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head.startswith(b"PK\x03\x04"):
            return _package(stream)
        if head == OLE2_SIGNATURE:
            return _compound(stream)
        return None
    finally:
        stream.seek(0)


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
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
                return None
            if {"mimetype", "content.xml", "META-INF/manifest.xml"} <= names:
                return _ODF_TYPES.get(_odf_type(package))
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return None
    return None


def _bounded(members: list[zipfile.ZipInfo]) -> bool:
    """Few enough members, none and all together not too large once unpacked."""
    return (
        len(members) <= MAX_MEMBERS
        and all(member.file_size <= MAX_MEMBER_BYTES for member in members)
        and sum(member.file_size for member in members) <= MAX_PACKAGE_BYTES
    )


def _odf_type(package: zipfile.ZipFile) -> str:
    """The media type an ODF package names in its `mimetype` member (at most 100 bytes are read)."""
    if package.getinfo("mimetype").file_size > 100:
        return ""
    with package.open("mimetype") as member:
        return member.read(100).decode("ascii", "replace").strip()


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
