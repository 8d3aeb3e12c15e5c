"""Pages of a long list: `?trang=N`, a fixed number of rows a page, the other parameters kept.

`page_of(rows, params)` slices a list (the rows, or only their keys, the page's rows then read
by key) and returns the rows of the page asked for (out of range: the last) with a `Pages` that
`{% include "core/_pages.html" with pages=pages %}` draws as "← Trang trước · Trang 2/5 · Trang sau →".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlencode

from django.core.paginator import Paginator

PAGE = "trang"
"""The query parameter of the page number."""
PAGE_SIZE = 100

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Pages:
    """Where a page stands among the list's pages, and the query string of the other parameters."""

    number: int
    pages: int
    count: int
    kept: str = ""  # the other GET parameters, url-encoded ("" when none)

    @property
    def previous(self) -> str:
        """The previous page's query string ("" on the first page)."""
        return self._link(self.number - 1) if self.number > 1 else ""

    @property
    def next(self) -> str:
        """The next page's query string ("" on the last page)."""
        return self._link(self.number + 1) if self.number < self.pages else ""

    def _link(self, number: int) -> str:
        return "?" + (f"{self.kept}&" if self.kept else "") + urlencode({PAGE: number})


def page_of(rows: Sequence[T], params: Mapping[str, str], size: int = PAGE_SIZE) -> tuple[list[T], Pages]:
    """The rows of the page `params` asks for (`trang`, default the first, out of range the last)."""
    current = Paginator(rows, size).get_page(params.get(PAGE))
    kept = urlencode([(k, v) for k, v in params.items() if k != PAGE and v])
    return list(current.object_list), Pages(current.number, current.paginator.num_pages, current.paginator.count, kept)
