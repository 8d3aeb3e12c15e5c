"""The document model: what a document says, apart from how Word, PDF or Excel lays it out.

Builders (`appendix`, `report`) make a `Document`; renderers (`docx`, `pdf`, and `xlsx` for an
appendix's tables) lay it out in the administrative format of Nghị định 30/2020 (Phụ lục I).
Text is NFC; numbers stay `Decimal` until a renderer formats them (decimal comma, each
column's decimals), so the Excel file holds real numbers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

DECISION_SUFFIX = "/QĐ-UBND"
"""The symbol after a decision's number when none is set (a people's committee's decision)."""

Cell = Decimal | int | str | None
"""A table cell: a number (shown at its column's decimals), text, or nothing."""


@dataclass(frozen=True, slots=True)
class Heading:
    """The header block: issuing body (under its parent body), Quốc hiệu and Tiêu ngữ, number,
    place and date. A blank number or date prints as the blanks of an unsigned draft
    ("Số:      /QĐ-UBND", "ngày … tháng … năm …"); a date published only in part is kept as
    printed in `date_text`."""

    issuer: str  # "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH" (printed in capitals)
    parent: str = ""  # the body above the issuer, not bold ("" when none)
    number: str = ""  # "125/QĐ-UBND"; "" → blanks
    number_suffix: str = DECISION_SUFFIX  # printed after the blanks when `number` is ""
    place: str = ""  # "Ninh Bình" for "Ninh Bình, ngày 15 tháng 3 năm 2024"
    date: datetime.date | None = None
    date_text: str = ""  # the date as published when it is not a whole date ("/7/2024"); used when `date` is None


class Style(StrEnum):
    """How a paragraph is set (sizes and spacing are the renderers', per Nghị định 30)."""

    TITLE = "title"  # document type or "PHỤ LỤC I": bold capitals, centred, 14 pt
    SUBTITLE = "subtitle"  # the title under it: bold, centred
    ATTACHED = "attached"  # "(Kèm theo Quyết định số … ngày … của …)": italic, centred
    HEADING = "heading"  # a section heading: bold
    BODY = "body"  # justified, first-line indent, 6 pt after
    NOTE = "note"  # a table's note: smaller, italic
    DRAFT = "draft"  # "DỰ THẢO": bold, centred, on top


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    style: Style = Style.BODY


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its code (the machine name in the Excel codes row: "unit", "I1", "total",
    "percent", "rank", "class", "percent:I1", "rank:I1", "max:total", "stt"), its printed label,
    and the decimals its numbers are shown with (None: not a number column)."""

    code: str
    label: str
    decimals: int | None = None
    width: float = 1.0  # relative width


@dataclass(frozen=True, slots=True)
class Row:
    cells: tuple[Cell, ...]
    bold: bool = False  # a total or mean row


@dataclass(frozen=True, slots=True)
class Table:
    """A table with its header row repeated on every page; `key` names its Excel sheet (≤ 31
    characters, unique in the document); `kind`/`group`/`index` say what it holds."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    kind: str = ""  # "overall" | "index" for an appendix; "" for other tables
    group: str = ""  # the ranking group
    index: str = ""  # the index code of an "index" table
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Image:
    """A picture (a chart) as PNG bytes, `width_mm` wide, with its caption under it."""

    png: bytes
    width_mm: float
    caption: str = ""


@dataclass(frozen=True, slots=True)
class PageBreak:
    pass


Block = Paragraph | Table | Image | PageBreak


@dataclass(frozen=True, slots=True)
class Document:
    """A whole document: heading, blocks, and how it is printed."""

    heading: Heading
    blocks: tuple[Block, ...]
    title: str  # document metadata title
    landscape: bool = False
    draft: bool = False  # "DỰ THẢO" on every page
    framework: str = ""  # the framework's name and code, shown with the decision
    meta: dict[str, str] = field(default_factory=dict)

    def tables(self) -> list[Table]:
        """The document's tables, in order (an appendix's sheets)."""
        return [block for block in self.blocks if isinstance(block, Table)]
