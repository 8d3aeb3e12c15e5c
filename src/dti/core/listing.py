"""Search and filters for long lists (units, participants, appraisal, public results).

A list page describes its drop-downs as `Filter`s, reads what was asked with
`ListQuery.read(request.GET, filters)`, keeps the rows for which `query.keeps(text, values)`
is true, and draws the form with `{% include "core/_filters.html" %}` (the search box, one
drop-down per filter, and how many rows are shown). The search ignores case and Vietnamese
accents, so "dong anh" finds "UBND huyện Đông Anh". The form is a plain GET form: it works
without JavaScript and the filtered list has its own address.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

SEARCH = "tim"
"""The query parameter of the search text."""
MAX_SEARCH = 200


def fold(text: str) -> str:
    """Text for matching: lower case, without accents ("Đông Anh" → "dong anh")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True, slots=True)
class Option:
    """One choice of a drop-down: the value in the address and the label people read."""

    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Filter:
    """One drop-down of a list: its query parameter, its label, its options and the chosen value."""

    param: str
    label: str
    options: tuple[Option, ...]
    chosen: str = ""


@dataclass(frozen=True, slots=True)
class ListQuery:
    """What a list was asked for: a search text, a value for each filter, and parameters of
    the page itself that the form carries along (e.g. the version of a publication)."""

    text: str
    filters: tuple[Filter, ...]
    carried: tuple[tuple[str, str], ...] = ()

    @classmethod
    def read(cls, params: Mapping[str, str], filters: Sequence[Filter], *, carry: Collection[str] = ()) -> ListQuery:
        """The query from a request's GET parameters; a value that is not among a filter's options is ignored."""
        chosen = []
        for item in filters:
            value = params.get(item.param, "")
            known = any(option.value == value for option in item.options)
            chosen.append(replace(item, chosen=value if known else ""))
        carried = tuple((name, params[name]) for name in carry if params.get(name))
        return cls(params.get(SEARCH, "").strip()[:MAX_SEARCH], tuple(chosen), carried)

    @property
    def param(self) -> str:
        """The search box's query parameter (for the template)."""
        return SEARCH

    @property
    def active(self) -> bool:
        """Whether anything is searched or filtered."""
        return bool(self.text) or any(item.chosen for item in self.filters)

    @property
    def reset(self) -> str:
        """The query string of the same page without search or filters ("?" when nothing is carried)."""
        return "?" + urlencode(self.carried)

    def chosen(self, param: str) -> str:
        """The value chosen for one filter ("" for all)."""
        return next((item.chosen for item in self.filters if item.param == param), "")

    def keeps(self, text: str, values: Mapping[str, str | Collection[str]] | None = None) -> bool:
        """Whether a row is kept: every searched word is in its `text`, and for every chosen
        filter its value (or one of its values) under that parameter is the chosen one."""
        haystack = fold(text)
        if not all(word in haystack for word in fold(self.text).split()):
            return False
        values = values or {}
        for item in self.filters:
            if not item.chosen:
                continue
            value = values.get(item.param, "")
            if (item.chosen != value) if isinstance(value, str) else (item.chosen not in value):
                return False
        return True
