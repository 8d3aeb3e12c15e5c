"""Errors the engine reports to people, in Vietnamese, with where the problem is."""

from __future__ import annotations

import errno
from dataclasses import dataclass

_OS_ERRORS = {
    errno.ENOENT: "không tìm thấy tệp hoặc thư mục",
    errno.EISDIR: "đây là một thư mục, không phải tệp",
    errno.ENOTDIR: "đường dẫn có một phần không phải thư mục",
    errno.EACCES: "không có quyền đọc/ghi tệp",
    errno.EPERM: "không có quyền đọc/ghi tệp",
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
}


def os_error_text(exc: OSError) -> str:
    """A Vietnamese reason for an operating-system error on a file."""
    return _OS_ERRORS.get(exc.errno or 0, "không đọc/ghi được tệp")


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation problem: the file, the path inside the document, and what is wrong."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


class DtiError(Exception):
    """Any error meant for the person running the engine; `str()` is one Vietnamese line."""


class FrameworkError(DtiError):
    """A framework file with one or more problems, all reported together."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        super().__init__(f"{count} lỗi trong bộ chỉ số:\n" + "\n".join(map(str, problems)))


class InputError(DtiError):
    """A data file that cannot be read as asked: names the file and the place in it."""

    def __init__(self, file: str, place: str, message: str) -> None:
        self.file, self.place, self.message = file, place, message
        where = f"{file}, {place}" if place else file
        super().__init__(f"{where}: {message}")
