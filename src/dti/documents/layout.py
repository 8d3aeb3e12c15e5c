"""What the Word and PDF renderers share: the page, the type sizes and the header block of
Nghị định 30/2020 (Phụ lục I), and how a table cell is printed.

Both renderers read these settings, so a Word file and a PDF of the same `Document` agree:
A4, margins top/bottom 20 mm, left 30 mm (the binding side, in landscape too), right 15 mm;
the header block's lines; number cells at their column's decimals with the engine's `fmt`
(decimal comma, half-up); text NFC without the control characters a file format refuses;
wrapping lines and sizing labels with a renderer's own measure of text (the PDF measures its
font, Word's Times New Roman is estimated); pictures fitted to the page; `DocumentError` for
what cannot be printed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from dti.documents.content import Cell, Column, Document, Heading, Image, Paragraph, Style, Table
from dti.engine import DtiError, fmt

PAGE_MM = (210.0, 297.0)  # A4 portrait: width, height
MARGIN_TOP_MM = 20.0
MARGIN_BOTTOM_MM = 20.0
MARGIN_LEFT_MM = 30.0  # the binding side
MARGIN_RIGHT_MM = 15.0
HEADER_DISTANCE_MM = 10.0  # the page number's line, in the top margin

HEADER_LEFT_SHARE = 0.4  # the issuer's column of the header block; the rest is Quốc hiệu's

COUNTRY = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DRAFT_MARK = "DỰ THẢO"
BLANK_NUMBER = "Số:      "  # followed by the heading's number suffix ("/QĐ-UBND")
LANGUAGE = "vi-VN"

ISSUER_PT = 13.0  # the issuer and the parent body
COUNTRY_PT = 12.0  # Quốc hiệu
MOTTO_PT = 13.0  # Tiêu ngữ, "Số: …", the place and date
TABLE_PT = 11.0  # table cells (Word, Times New Roman)
CAPTION_PT = 12.0  # an image's caption
FIRST_LINE_INDENT_MM = 10.0
ISSUER_RULE_SHARE = 0.4  # the rule under the issuer: 1/3 to 1/2 of its line
SUMMARY_RULE_SHARE = 0.2  # the rule under a document's summary, of the text width
KEEP_TABLE_ROWS = 25  # a table of at most this many rows is kept on one page when it fits one
SMALLEST_LABEL_PT = 7.0  # a header label's size is lowered to this at most to keep its words whole


class DocumentError(DtiError):
    """A document that cannot be printed as asked (a picture that is not a PNG, a character the
    PDF font lacks); the message is Vietnamese and names the place."""


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"
    JUSTIFY = "justify"


@dataclass(frozen=True, slots=True)
class Look:
    """How one kind of paragraph is set (sizes in points)."""

    size: float
    bold: bool = False
    italic: bool = False
    align: Align = Align.LEFT
    first_indent_mm: float = 0.0
    before_pt: float = 0.0
    after_pt: float = 0.0
    capitals: bool = False
    keep_with_next: bool = False  # never the last line of a page (titles, headings)


LOOKS: dict[Style, Look] = {
    Style.TITLE: Look(14, bold=True, align=Align.CENTER, before_pt=12, capitals=True, keep_with_next=True),
    Style.SUBTITLE: Look(14, bold=True, align=Align.CENTER, keep_with_next=True),
    Style.ATTACHED: Look(14, italic=True, align=Align.CENTER, after_pt=6, keep_with_next=True),
    Style.HEADING: Look(13, bold=True, align=Align.JUSTIFY, before_pt=6, after_pt=6, keep_with_next=True),
    Style.BODY: Look(13, align=Align.JUSTIFY, first_indent_mm=FIRST_LINE_INDENT_MM, after_pt=6),
    Style.NOTE: Look(11, italic=True, align=Align.JUSTIFY, after_pt=3),
    Style.DRAFT: Look(13, bold=True, align=Align.CENTER, after_pt=6),
}
CAPTION = Look(CAPTION_PT, italic=True, align=Align.CENTER, before_pt=3, after_pt=6)
CAPTION_ROOM_MM = 15.0  # kept under a picture for its caption
TABLE_TITLE = Look(13, bold=True, align=Align.LEFT, before_pt=6, after_pt=3, keep_with_next=True)

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Characters XML 1.0 refuses (and a PDF cannot show): C0 controls other than tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str) -> str:
    """`text` in NFC without control characters, a tab as a space: what either renderer prints
    (a newline stays: a line break)."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", text)).replace("\t", " ")


def page_size_mm(landscape: bool) -> tuple[float, float]:
    """The A4 page as (width, height) in millimetres, turned for landscape."""
    width, height = PAGE_MM
    return (height, width) if landscape else (width, height)


def text_width_mm(landscape: bool) -> float:
    """The width between the margins."""
    return page_size_mm(landscape)[0] - MARGIN_LEFT_MM - MARGIN_RIGHT_MM


def is_appendix(document: Document) -> bool:
    """An appendix opens with a TITLE paragraph "PHỤ LỤC …" (after a "DỰ THẢO" line, if any)."""
    opening = (b for b in document.blocks if not (isinstance(b, Paragraph) and b.style is Style.DRAFT))
    first = next(opening, None)
    return (
        isinstance(first, Paragraph)
        and first.style is Style.TITLE
        and clean(first.text).strip().upper().startswith("PHỤ LỤC")
    )


def number_line(heading: Heading) -> str:
    """ "Số: 125/QĐ-UBND", or the blanks of a decision not yet numbered ("Số:      /QĐ-UBND")."""
    if heading.number.strip():
        return clean(f"Số: {heading.number.strip()}")
    return clean(BLANK_NUMBER + heading.number_suffix)


def date_line(heading: Heading) -> str:
    """ "Ninh Bình, ngày 05 tháng 3 năm 2024" (Nghị định 30 writes a 0 before a day under 10 and
    before months 1 and 2), or the blanks "…, ngày … tháng … năm …" when there is no date."""
    place = clean(heading.place.strip()) or "…"
    if heading.date is None:
        return f"{place}, ngày … tháng … năm …"
    day, month = heading.date.day, heading.date.month
    month_text = f"{month:02d}" if month < 3 else str(month)
    return f"{place}, ngày {day:02d} tháng {month_text} năm {heading.date.year}"


@dataclass(frozen=True, slots=True)
class HeaderBlock:
    """The texts of the header block, left and right columns, ready to print."""

    parent: str  # "" when none
    issuer: str
    number: str  # "" for an appendix
    country: str
    motto: str
    date: str  # "" for an appendix


def header_block(document: Document) -> HeaderBlock:
    """The header block of `document`.

    An appendix prints no number and no date line of its own: the decision it is attached to
    carries them, and its "(Kèm theo Quyết định số … ngày …)" line names them (blanks when
    the decision is not yet numbered or dated).
    """
    heading = document.heading
    appendix = is_appendix(document)
    return HeaderBlock(
        parent=clean(heading.parent).upper(),
        issuer=clean(heading.issuer).upper(),
        number="" if appendix else number_line(heading),
        country=COUNTRY,
        motto=MOTTO,
        date="" if appendix else date_line(heading),
    )


def ruled_blocks(document: Document) -> frozenset[int]:
    """Indexes of the blocks a short rule follows: the summary (the SUBTITLE lines directly
    after the first TITLE) of a document that is not an appendix, as Nghị định 30 draws it."""
    if is_appendix(document):
        return frozenset()
    blocks = document.blocks
    for position, block in enumerate(blocks):
        if isinstance(block, Paragraph) and block.style is Style.TITLE:
            last = position
            while (
                last + 1 < len(blocks)
                and isinstance(blocks[last + 1], Paragraph)
                and blocks[last + 1].style is Style.SUBTITLE  # type: ignore[union-attr]
            ):
                last += 1
            return frozenset({last}) if last > position else frozenset()
    return frozenset()


def paragraph_text(paragraph: Paragraph) -> str:
    """The text as printed: clean, in capitals where the style says so."""
    text = clean(paragraph.text)
    return text.upper() if LOOKS[paragraph.style].capitals else text


def cell_text(value: Cell, column: Column) -> str:
    """A cell as printed: a number at its column's decimals in Vietnamese ("37,90", "1.234"),
    text as it is ("N/A"), nothing for None. A number in a column without decimals is shown
    as it is, trailing zeros dropped ("60", "37,9")."""
    if value is None:
        return ""
    if isinstance(value, str):
        return clean(value)
    return fmt(Decimal(value), column.decimals)


CODE_COLUMN = "code"  # a column of index codes ("Mã")
_NUMBER_TEXT = re.compile(r"[+\-\u2212]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?")


def is_right_aligned(value: Cell, column: Column) -> bool:
    """Numbers (and the text of a number column, such as "N/A") are right-aligned, and so is a
    number given as text: a published rank "30" in a column of ranks, a change with its sign
    ("+18,00", "−1,67", "0,00"), which stood at the left under the numbers beside it. A code
    ("1", "DTI" in a column coded `CODE_COLUMN`) is a name, at the left."""
    return (
        column.decimals is not None
        or isinstance(value, Decimal | int)
        or (isinstance(value, str) and column.code != CODE_COLUMN and _NUMBER_TEXT.fullmatch(value.strip()) is not None)
    )


def column_widths_mm(table: Table, total_mm: float) -> list[float]:
    """Each column's width: its share (`Column.width`) of `total_mm`."""
    shares = [column.width if column.width > 0 else 1.0 for column in table.columns]
    whole = sum(shares) or 1.0  # a table without columns has no widths
    return [total_mm * share / whole for share in shares]


def png_size(image: Image) -> tuple[int, int]:
    """The picture's size in pixels (width, height), read from its PNG header; a picture that is
    not a PNG is refused with a message that names it."""
    png = image.png
    if len(png) < 24 or not png.startswith(_PNG_SIGNATURE) or png[12:16] != b"IHDR":
        name = f"“{clean(image.caption)}”" if image.caption else "không có chú thích"
        raise DocumentError(f"Hình ({name}) không phải ảnh PNG hợp lệ")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def image_size_mm(image: Image, width_mm: float, height_mm: float) -> tuple[float, float]:
    """The printed size of a (valid PNG) picture: its own width, narrower if the page's width or
    height (`width_mm` × `height_mm`, room for the caption left) would not hold it."""
    pixels_w, pixels_h = png_size(image)
    ratio = pixels_h / max(pixels_w, 1)
    width = min(image.width_mm, width_mm, height_mm / ratio if ratio else width_mm)
    return width, width * ratio


def text_height_mm(landscape: bool) -> float:
    """The height between the margins."""
    return page_size_mm(landscape)[1] - MARGIN_TOP_MM - MARGIN_BOTTOM_MM


def times_width_mm(text: str, size_pt: float) -> float:
    """The printed length of a Times New Roman line, estimated for the Word file, which cannot
    measure: an average advance of half an em, capitals wider, spaces and punctuation narrower
    (bold's widths, so an estimate is rather long than short)."""
    ems = sum(0.72 if char.isupper() else 0.3 if char in " -.,:;()" else 0.52 for char in text)
    return ems * size_pt * 25.4 / 72


def words(text: str) -> list[str]:
    """The pieces a line may break between: words, and the parts of a word after a slash
    ("Huyện/" "Thành" of "Huyện/Thành phố")."""
    return [piece for piece in _BREAK.split(text) if piece]


_BREAK = re.compile(r"\s+|(?<=/)(?=\S)")
_PIECES = re.compile(r"(\s*)([^\s/]*/?)")  # a piece of a line and the spaces before it


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """`text` broken at its newlines, at spaces and after a slash into lines no wider than
    `width` as `measure` finds them; only a word longer than a line is cut."""
    if "\n" in text:
        return [line for part in text.split("\n") for line in wrap(part, width, measure)]
    if measure(text) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for spaces, word in _PIECES.findall(text):
        if not word:
            continue
        candidate = (f"{line} {word}" if spaces else line + word) if line else word
        if measure(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while len(word) > 1 and measure(word) > width:
            cut = len(word) - 1
            while cut > 1 and measure(word[:cut]) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    lines.append(line)
    return lines


def balanced_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """`text` in as few lines as `wrap` needs, but of even lengths ("ỦY BAN NHÂN DÂN" over
    "TỈNH NINH BÌNH" rather than one word left alone): the narrowest width keeping that count."""
    lines = wrap(text, width, measure)
    if len(lines) < 2:
        return lines
    low, high, best = 0.0, width, lines
    for _ in range(12):
        middle = (low + high) / 2
        attempt = wrap(text, middle, measure)
        if len(attempt) <= len(lines):
            high, best = middle, attempt
        else:
            low = middle
    return best


Measure = Callable[[str, float, bool], float]
"""A renderer's measure of text: (text, size in points, bold) → its printed width in mm."""

NAME_MIN_MM = 28.0  # a name column is never narrower: its names wrap at spaces
NAME_SHARE = 2.0  # a text column of at least this share (`Column.width`) holds names
NAME_MOST_SHARE = 0.4  # a name is kept on one line up to this share of the table's width
CONTINUED = "(tiếp theo)"  # after the title of a table's continuation
_SUMMARY = ("total", "percent", "max", "rank", "class")  # codes of a table's closing columns


@dataclass(frozen=True, slots=True)
class TablePart:
    """A table as printed: all its columns, or a part of them (the leading columns repeated),
    with each column's width in mm and the one size of its header labels."""

    table: Table
    widths: list[float]
    label_pt: float


def leading_columns(table: Table) -> int:
    """How many columns open the table and are repeated in each of its parts: the order number
    and the texts (unit) before the first figure."""
    count = 0
    for column in table.columns:
        if column.decimals is not None and column.code != "stt":
            break
        count += 1
    return count


def _closing_columns(table: Table, lead: int) -> int:
    """How many columns end the table as its summary (total, percent, rank, class, the index's
    own score), kept together in its last part."""
    count = 0
    for column in reversed(table.columns[lead:]):
        if column.code.split(":", 1)[0] not in _SUMMARY and column.code != table.index:
            break
        count += 1
    return count


def _content_mm(table: Table, measure: Measure, size_pt: float, pad_mm: float, whole_names: float = 0.0) -> list[float]:
    """What each column's cells need, without the padding: a number (and an order number such as
    "1 (*)") on one line at `size_pt`; a text's longest word (a rank given as text is one word),
    and for a name column (a share of `NAME_SHARE` or more) at least `NAME_MIN_MM` with the padding,
    or with `whole_names` its longest name on one line, up to that many mm. Each distinct text is
    measured once, in both weights when it appears in a bold row."""
    widths = []
    for position, column in enumerate(table.columns):
        cells = {(row.cells[position], row.bold) for row in table.rows if position < len(row.cells)}
        if column.decimals is not None or column.code == "stt":
            shown = _widest_numbers(cells) | {(v, bold) for v, bold in cells if isinstance(v, str)}
            widths.append(max((measure(cell_text(v, column), size_pt, bold) for v, bold in shown), default=0.0))
        elif whole_names and column.width >= NAME_SHARE:
            lines = {(line, bold) for value, bold in cells for line in cell_text(value, column).split("\n")}
            longest = max((measure(line, size_pt, bold) for line, bold in lines), default=0.0)
            widths.append(max(NAME_MIN_MM - 2 * pad_mm, min(longest, whole_names - 2 * pad_mm)))
        else:
            pieces = {(word, bold) for value, bold in cells for word in words(cell_text(value, column))}
            least = NAME_MIN_MM - 2 * pad_mm if column.width >= NAME_SHARE else 0.0
            widths.append(max([least, *(measure(word, size_pt, bold) for word, bold in pieces)]))
    return widths


def _widest_numbers(cells: set[tuple[Cell, bool]]) -> set[tuple[Cell, bool]]:
    """The numbers of a column that print longest (the largest and the most negative, in either
    weight): digits are all of one width in both renderers' fonts, so formatting the others is
    not needed."""
    numbers = [Decimal(value) for value, _ in cells if isinstance(value, Decimal | int)]
    if not numbers:
        return set()
    largest, lowest = max(numbers, key=abs), min(numbers)
    weights = {bold for value, bold in cells if isinstance(value, Decimal | int)}
    return {(value, bold) for value in (largest, lowest) for bold in weights}


def _with_labels(table: Table, content: list[float], measure: Measure, pad_mm: float, label_pt: float) -> list[float]:
    """`content` widened where a label's longest word at `label_pt` needs more, padding added."""
    return [
        max([need, *(measure(word, label_pt, True) for word in words(clean(column.label)))]) + 2 * pad_mm
        for column, need in zip(table.columns, content, strict=True)
    ]


def _label_sizes(size_pt: float) -> list[float]:
    """The sizes a header row may be set at, largest first: `size_pt` down to `SMALLEST_LABEL_PT`."""
    steps = int((size_pt - SMALLEST_LABEL_PT) * 2)
    return [size_pt - step / 2 for step in range(max(steps, 0) + 1)]


def _fit(
    table: Table, content: list[float], measure: Measure, size_pt: float, pad_mm: float, total_mm: float
) -> TablePart | None:
    """`table` in `total_mm` with its header row at the largest size whose words all fit (the
    columns widened for them as far as the others allow); None when not even the smallest fits."""
    for label_pt in _label_sizes(size_pt):
        widths = fitted_widths(table, _with_labels(table, content, measure, pad_mm, label_pt), total_mm)
        if widths is not None:
            return TablePart(table, widths, label_pt)
    return None


def fitted_widths(table: Table, smallest: list[float], total_mm: float) -> list[float] | None:
    """Each column's share of `total_mm` (`column_widths_mm`), raised to its smallest width at
    the others' expense; None when the smallest widths together exceed `total_mm`."""
    if sum(smallest) > total_mm + 1e-6:
        return None
    shares = [column.width if column.width > 0 else 1.0 for column in table.columns]
    fixed: set[int] = set()
    while True:
        free = total_mm - sum(smallest[n] for n in fixed)
        whole = sum(share for n, share in enumerate(shares) if n not in fixed) or 1.0
        widths = [smallest[n] if n in fixed else free * share / whole for n, share in enumerate(shares)]
        narrow = {n for n, width in enumerate(widths) if n not in fixed and width < smallest[n]}
        if not narrow:
            return widths
        fixed |= narrow


def _even(columns: list[int], count: int) -> list[list[int]]:
    """`columns` in `count` runs of even lengths (a longer run first)."""
    size, extra = divmod(len(columns), count)
    runs, start = [], 0
    for number in range(count):
        end = start + size + (number < extra)
        runs.append(columns[start:end])
        start = end
    return runs


def _runs(table: Table, smallest: list[float], total_mm: float) -> list[list[int]]:
    """The columns after the leading ones, in the fewest parts of even lengths whose smallest
    widths fit `total_mm` beside the leading columns; the summary columns stay in the last."""
    lead = leading_columns(table)
    room = total_mm - sum(smallest[:lead])
    closing = _closing_columns(table, lead)
    middle = list(range(lead, len(table.columns) - closing))
    tail = list(range(len(table.columns) - closing, len(table.columns)))
    for columns, kept in ((middle, tail), (middle + tail, [])):
        for count in range(1, len(columns) + 1):
            runs = _even(columns, count)
            runs[-1] = runs[-1] + kept
            if all(sum(smallest[n] for n in run) <= room + 1e-6 for run in runs):
                return runs
    return [[n] for n in middle + tail]  # not even one figure beside the names: one per part


def _part(table: Table, columns: list[int], number: int, last: bool) -> Table:
    """The table with only `columns`: a continuation's title marked "(tiếp theo)", the notes
    under the last part."""
    title = f"{table.title} {CONTINUED}" if number and table.title else table.title
    rows = tuple(
        replace(row, cells=tuple(row.cells[n] if n < len(row.cells) else None for n in columns)) for row in table.rows
    )
    return replace(
        table,
        title=title,
        columns=tuple(table.columns[n] for n in columns),
        rows=rows,
        notes=table.notes if last else (),
    )


def table_parts(table: Table, total_mm: float, measure: Measure, size_pt: float, pad_mm: float) -> list[TablePart]:
    """`table` as printed in `total_mm`: whole when every column fits at its smallest width
    (numbers never wrap, no word of a label is split), otherwise in parts that each repeat the
    leading columns (STT, unit), as published appendices print an index of 20 indicators. The
    header rows have one size, the largest the columns of every part allow."""
    if not table.columns:
        return [TablePart(table, [], size_pt)]
    content = _content_mm(table, measure, size_pt, pad_mm)
    whole = _fit(table, content, measure, size_pt, pad_mm, total_mm)
    if whole is not None:
        # Names on one line where that costs the header row nothing ("UBND thành phố Ninh Bình"
        # wrapped beside number columns twice as wide as their numbers).
        names = _content_mm(table, measure, size_pt, pad_mm, whole_names=total_mm * NAME_MOST_SHARE)
        kept = _fit(table, names, measure, size_pt, pad_mm, total_mm)
        return [kept if kept is not None and kept.label_pt == whole.label_pt else whole]
    smallest = _with_labels(table, content, measure, pad_mm, SMALLEST_LABEL_PT)
    lead = list(range(leading_columns(table)))
    runs = _runs(table, smallest, total_mm)
    parts = []
    for number, run in enumerate(runs):
        columns = lead + run
        part = _part(table, columns, number, number == len(runs) - 1)
        fitted = _fit(part, [content[n] for n in columns], measure, size_pt, pad_mm, total_mm)
        least = [smallest[n] for n in columns]  # squeezed when even one figure beside the names is too wide
        parts.append(fitted or TablePart(part, [total_mm * width / sum(least) for width in least], SMALLEST_LABEL_PT))
    label_pt = min(part.label_pt for part in parts)  # the parts of one table alike
    return [replace(part, label_pt=label_pt) for part in parts]


def texts(document: Document) -> Iterator[tuple[str, str]]:
    """Every text `document` prints, each with where it stands ("bảng “Tổng hợp”, dòng 7"), for
    messages that name the place of a problem."""
    heading = document.heading
    for text in (heading.parent, heading.issuer, heading.number, heading.place):
        yield "phần đầu văn bản", text
    for position, block in enumerate(document.blocks, start=1):
        if isinstance(block, Paragraph):
            yield f"đoạn {position}", block.text
        elif isinstance(block, Image):
            yield f"chú thích hình (mục {position})", block.caption
        elif isinstance(block, Table):
            name = f"bảng “{clean(block.key)}”"
            yield name, block.title
            for column in block.columns:
                yield f"{name}, tiêu đề cột", column.label
            for number, row in enumerate(block.rows, start=1):
                for cell in row.cells:
                    if isinstance(cell, str):
                        yield f"{name}, dòng {number}", cell
            for note in block.notes:
                yield f"{name}, ghi chú", note
