"""Reading an uploaded table (CSV or XLSX) for an import: one set of rules for every import.

The kind of file is told by its bytes, never by its name (text named .xlsx is read as CSV);
size, emptiness, old .xls files and content that is neither a workbook nor UTF-8 text each
get one Vietnamese problem. Column
headers are matched against each import's accepted names, and every missing required column
is reported at once. Each import raises its own subclass of `ImportInvalid`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from dti.core.errors import ServiceError
from dti.core.files import over_limit_mb
from dti.engine import InputError, Row, Table, read_table

MAX_IMPORT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One problem in an import file: where it is (row, column) and what is wrong."""

    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message


class ImportInvalid(ServiceError):
    """The file cannot be imported; `problems` lists every problem found, nothing was written."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(self.summary(len(problems)))
        self.problems = problems

    def summary(self, count: int) -> str:
        """The headline shown above the problems, naming what was not written (each import's own)."""
        raise NotImplementedError


def display_name(path_or_file: str | Path | IO[bytes]) -> str:
    """The file's name as the person knows it (never used as a path)."""
    if isinstance(path_or_file, str | Path):
        return Path(path_or_file).name
    return Path(str(getattr(path_or_file, "name", "") or _("tệp tải lên"))).name


def too_big(size: int) -> str:
    """The message for a file over the import limit."""
    shown, limit = over_limit_mb(size, MAX_IMPORT_BYTES)
    return _("Tệp dung lượng %(size)s MB, vượt giới hạn %(limit)s MB.") % {"size": shown, "limit": limit}


def upload_too_big(stream: IO[bytes]) -> str:
    """The message for an upload over the import limit, naming its real size ("" when within);
    the stream is left at its start. Its end is sought, not read: nothing past the limit is read."""
    size = stream.seek(0, 2)
    stream.seek(0)
    return too_big(size) if size > MAX_IMPORT_BYTES else ""


def read_upload(path_or_file: str | Path | IO[bytes], display: str, invalid: type[ImportInvalid]) -> Table:
    """The file as a table; a file object is copied to a temporary file of the kind its bytes show."""

    def fail(message: str, place: str = "") -> ImportInvalid:
        return invalid([ImportProblem(place, message)])

    if isinstance(path_or_file, str | Path):
        path = Path(path_or_file)
        if path.is_file() and path.stat().st_size > MAX_IMPORT_BYTES:
            raise fail(too_big(path.stat().st_size))
        return _table(path, display, fail)
    stream = path_or_file
    if message := upload_too_big(stream):
        raise fail(message)
    data = stream.read()
    if not data.strip():
        raise fail(_("Tệp rỗng, không có nội dung."))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise fail(_("Đây là tệp Excel cũ (.xls); hãy mở bằng Excel và lưu lại dạng .xlsx."))
    suffix = ".xlsx" if data.startswith(b"PK\x03\x04") else ".csv"
    if suffix == ".csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = "\x00"
        if "\x00" in text:
            binary = any(byte < 9 for byte in data[:1024])  # not text in any encoding
            if binary and display.lower().endswith((".xlsx", ".xlsm")):
                message = _(
                    "Tệp %(file)s có đuôi .xlsx nhưng nội dung không phải tệp Excel; "
                    "hãy mở bằng Excel và lưu lại dạng .xlsx, hoặc dùng tệp CSV."
                )
            else:
                message = _(
                    "Không đọc được tệp %(file)s: cần tệp Excel (.xlsx) hoặc CSV mã UTF-8 "
                    "(nếu là CSV, hãy lưu lại với mã hóa UTF-8)."
                )
            raise fail(message % {"file": display})
    with tempfile.TemporaryDirectory(prefix="dti-nhap-") as folder:
        path = Path(folder) / f"nhap{suffix}"
        path.write_bytes(data)
        return _table(path, display, fail)


def _table(path: Path, display: str, fail: Callable[[str, str], ImportInvalid]) -> Table:
    try:
        return read_table(path)
    except InputError as exc:
        message = exc.message[:1].upper() + exc.message[1:]
        if path.suffix.lower() not in (".csv", ".xlsx", ".xlsm") and "cần .csv hoặc .xlsx" in exc.message:
            message = _("Không đọc được tệp %(file)s: cần tệp Excel (.xlsx) hoặc CSV.") % {"file": display}
        raise fail(message + ".", exc.place) from exc


def find_columns(
    table: Table,
    accepted: Mapping[str, Sequence[str]],
    required: Sequence[str],
    labels: Mapping[str, str],
    template: Sequence[str],
    shown: Callable[[str], str] = str,
) -> tuple[dict[str, str], list[ImportProblem]]:
    """The header key of each known column (names compared in lower case), and a problem per missing required one."""
    found: dict[str, str] = {}
    for key in table.headers:
        lowered = key.lower()
        for column, names in accepted.items():
            if lowered in names and column not in found:
                found[column] = key
    headers = ", ".join(f"“{shown(h)}”" for h in table.headers)
    problems = [
        ImportProblem(
            _("dòng tiêu đề"),
            _("Không có cột “%(column)s” (các cột trong tệp: %(columns)s). Hãy dùng tệp mẫu: %(template)s.")
            % {"column": labels[column], "columns": headers, "template": ", ".join(template)},
        )
        for column in required
        if column not in found
    ]
    return found, problems


def cell_place(row: Row, key: str | None, label: str) -> str:
    """ "dòng 5, cột B (Loại đơn vị)" for a cell; the engine's own place ends with the header key."""
    cell = row.cells.get(key) if key else None
    if cell is None:
        return _("dòng %(row)s") % {"row": row.number}
    return f"{cell.place.rsplit(' (', 1)[0]} ({label})"
