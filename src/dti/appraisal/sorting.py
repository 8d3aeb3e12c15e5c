"""Sorting the appraisal lists (the appraisal home, a campaign's overview) by a column.

The rows are filtered in memory (`dti.core.listing`), sorted by the column the address names
(`sap-xep`, a leading "-" for descending) and cut into pages (`dti.core.paging`); each column's
link keeps the search and filters, so a sorted, filtered page has its own address.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from dti.core.listing import SEARCH, ListQuery

SORT = "sap-xep"  # the query parameter of the sort column

Row = TypeVar("Row")


@dataclass(frozen=True)
class SortColumn:
    """A sortable column's header: its label, the link that sorts by it and how it sorts now."""

    key: str
    label: str
    url: str
    order: str  # "ascending", "descending" or "none" (the header's aria-sort)


@dataclass(frozen=True)
class Sorting:
    """The sort asked for (`key`, `descending`) among the page's sortable columns."""

    key: str
    descending: bool
    columns: Mapping[str, SortColumn]  # by key, "-" read "_" (as a template looks them up)

    @classmethod
    def read(
        cls, params: Mapping[str, str], labels: Mapping[str, str], default: str, kept: Sequence[tuple[str, str]]
    ) -> Sorting:
        """The sort of `params` (an unknown column: `default`, ascending) and each column's link,
        which sorts by it ascending, or descending when it is already sorted ascending."""
        asked = params.get(SORT, "")
        key = asked.removeprefix("-")
        descending = asked.startswith("-") and key in labels
        if key not in labels:
            key = default
        columns = {}
        for name, label in labels.items():
            toggled = f"-{name}" if name == key and not descending else name
            order = ("descending" if descending else "ascending") if name == key else "none"
            columns[name.replace("-", "_")] = SortColumn(name, label, "?" + urlencode([*kept, (SORT, toggled)]), order)
        return cls(key, descending, columns)


def sorted_rows(rows: Sequence[Row], keys: Mapping[str, Callable[[Row], Any]], sorting: Sorting) -> list[Row]:
    """The rows by the sort column, ties by the order they came in (stable)."""
    return sorted(rows, key=keys[sorting.key], reverse=sorting.descending)


def query_params(query: ListQuery) -> list[tuple[str, str]]:
    """The search and the chosen filters of `query` as query parameters (what a column's link keeps)."""
    chosen = [(item.param, item.chosen) for item in query.filters if item.chosen]
    return [*([(SEARCH, query.text)] if query.text else []), *chosen]
