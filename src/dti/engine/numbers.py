"""Decimal numbers the Vietnamese way: parsing, half-up rounding and display.

Every figure the engine produces is a `Decimal`; floats never enter a computation. Text is
read with the Vietnamese convention (dot for thousands, comma for decimals) where that is
unambiguous, and refused where it could be read two ways. Only ASCII digits 0-9 are read (a
full-width "１２" is refused, never reinterpreted), and a figure is bounded: at most
`MAX_INTEGER_DIGITS` digits before the decimal mark and, for typed text, `MAX_DECIMAL_PLACES`
after it (DTI figures are counts and amounts in đồng; 10^15 is far beyond any of them).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MAX_INTEGER_DIGITS = 15
MAX_DECIMAL_PLACES = 10

_INTEGER_LIMIT = 10**MAX_INTEGER_DIGITS

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(0, 12)}
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_PLAIN = re.compile(r"[+-]?[0-9]+")
_GROUPED_DOT = re.compile(r"[+-]?[1-9][0-9]{0,2}(\.[0-9]{3})+")
_GROUPED_COMMA = re.compile(r"[+-]?[1-9][0-9]{0,2}(,[0-9]{3})+")


class NumberError(ValueError):
    """A text that is not a number, or not one unambiguously; the message is Vietnamese."""


def quantum(places: int) -> Decimal:
    """The smallest step at `places` decimals (0.01 for 2)."""
    return _QUANTA.get(places) or Decimal(1).scaleb(-places)


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Round half away from zero at `places` decimals, as Excel's ROUND does."""
    return value.quantize(quantum(places), rounding=ROUND_HALF_UP)


def percent(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """`part` as a percentage of `whole` (part / whole × 100), exact; None when either is
    unknown or `whole` is 0. Rounding is for display (`ranking.figures`, `fmt`)."""
    if part is None or not whole:
        return None
    return part / whole * HUNDRED


def to_decimal(value: object) -> Decimal:
    """A Decimal from a YAML/JSON/spreadsheet value (int, float, Decimal or text)."""
    if isinstance(value, bool):
        raise NumberError(f"'{value}' không phải là số")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        if abs(value) >= _INTEGER_LIMIT:  # before str(): a huge int cannot even be printed
            raise NumberError(_too_large("số"))
        return Decimal(value)
    if isinstance(value, float):
        # A spreadsheet or YAML float: its shortest repr is what the person typed. Its decimals
        # are not capped: a computed cell carries binary noise (0.3333333333333333).
        return _bounded(Decimal(repr(value)), repr(value), places=False)
    if isinstance(value, str):
        return parse_number(value)
    raise NumberError(f"'{value}' không phải là số")


def parse_number(text: str) -> Decimal:
    """Read a number typed by a person: "37,9", "37.9", "1.234.567", "1.234,5", "130 075".

    Refuses text that could be read two ways ("108,649", "130.075") with a message that says
    so, and anything that is not a number.
    """
    raw, compact = _compact(text)
    if _PLAIN.fullmatch(compact):
        return _decimal(compact, raw)
    has_dot, has_comma = "." in compact, "," in compact
    if has_dot and has_comma:
        # Both separators: the last one is the decimal mark, the other groups thousands.
        decimal_mark, group_mark = (",", ".") if compact.rfind(",") > compact.rfind(".") else (".", ",")
        head, _, tail = compact.rpartition(decimal_mark)
        if re.fullmatch(r"[+-]?[1-9][0-9]{0,2}(" + re.escape(group_mark) + r"[0-9]{3})+", head) and _digits(tail):
            return _decimal(head.replace(group_mark, "") + "." + tail, raw)
        raise NumberError(f"'{raw}' không phải là số hợp lệ")
    separator = "." if has_dot else ","
    if compact.count(separator) > 1:
        pattern = _GROUPED_DOT if separator == "." else _GROUPED_COMMA
        if pattern.fullmatch(compact):
            return _decimal(compact.replace(separator, ""), raw)
        raise NumberError(f"'{raw}' không phải là số hợp lệ")
    head, _, tail = compact.partition(separator)
    if not (re.fullmatch(r"[+-]?[0-9]*", head) and _digits(tail)):
        raise NumberError(f"'{raw}' không phải là số hợp lệ")
    if len(tail) == 3 and re.fullmatch(r"[+-]?[1-9][0-9]{0,2}", head):
        grouped = head + tail
        decimal = head + "." + tail
        raise NumberError(
            f"'{raw}' có thể hiểu hai cách ({_unsigned(grouped)} hoặc {decimal.replace('.', ',')}): "
            f"hãy viết {_unsigned(grouped)} nếu là số nguyên, hoặc thêm chữ số thập phân"
        )
    return _decimal(head + "." + tail, raw)


def parse_vietnamese(text: str) -> Decimal:
    """A number typed in a form, read strictly the Vietnamese way: "130.075" = 130075, "37,9" = 37.9.

    A dot may only group thousands; a comma marks the decimals. "37.9" is refused with a
    message saying to write "37,9".
    """
    if isinstance(text, str) and len(text) <= MAX_INTEGER_DIGITS and _digits(text):
        return Decimal(text)  # plain digits, what most cells hold: the checks below come to this
    raw, compact = _compact(text)
    head, comma, tail = compact.partition(",")
    if comma and not _digits(tail):
        raise NumberError(f"'{raw}' không phải là số hợp lệ")
    if "." in head:
        if not _GROUPED_DOT.fullmatch(head):
            hint = head.replace(".", ",") if head.count(".") == 1 else head
            raise NumberError(
                f"'{raw}': dấu chấm chỉ dùng để phân cách hàng nghìn; phần thập phân viết sau dấu phẩy ({hint})"
            )
        head = head.replace(".", "")
    if not _PLAIN.fullmatch(head):
        raise NumberError(f"'{raw}' không phải là số hợp lệ")
    return _decimal(head + ("." + tail if comma else ""), raw)


def parse_percent(text: str) -> Decimal:
    """A percentage as typed ("81,18" or "81,18%"), returned as the percent number (81.18)."""
    stripped = str(text).strip()
    if stripped.endswith("%"):
        stripped = stripped[:-1]
    return parse_number(stripped)


def _compact(text: str) -> tuple[str, str]:
    """The typed text (NFC, stripped, for messages) and the same without spaces; refuses an empty
    text and any digit other than ASCII 0-9 (full-width, Arabic-Indic, superscript…)."""
    raw = unicodedata.normalize("NFC", str(text)).strip()
    compact = _SPACES.sub("", raw)
    if not compact:
        raise NumberError("ô trống, cần một số")
    if any(char.isnumeric() and char not in "0123456789" for char in compact):
        raise NumberError(f"'{raw}' có chữ số không phải 0–9: hãy gõ lại bằng chữ số thường")
    return raw, compact


def _digits(text: str) -> bool:
    """True when `text` is one or more ASCII digits (`str.isdigit` also accepts "１２")."""
    return text.isascii() and text.isdigit()


def _bounded(value: Decimal, raw: str, *, places: bool = True) -> Decimal:
    """`value` if it is finite and within the caps (decimals only when `places`); else a message."""
    if not value.is_finite():
        raise NumberError(f"'{raw}' không phải là số hợp lệ")
    if value and value.adjusted() + 1 > MAX_INTEGER_DIGITS:
        raise NumberError(_too_large(f"'{_shown(raw)}'"))
    exponent = value.normalize().as_tuple().exponent
    if places and isinstance(exponent, int) and -exponent > MAX_DECIMAL_PLACES:
        raise NumberError(
            f"'{_shown(raw)}' có quá nhiều chữ số thập phân: tối đa {MAX_DECIMAL_PLACES} chữ số sau dấu phẩy"
        )
    return value


def _too_large(what: str) -> str:
    return f"{what} quá lớn: tối đa {MAX_INTEGER_DIGITS} chữ số trước dấu phẩy"


def _shown(raw: str) -> str:
    """`raw` for a message, cut short when it is long (a 4,000-digit number)."""
    return raw if len(raw) <= 40 else raw[:20] + "…"


def _unsigned(digits: str) -> str:
    return digits.lstrip("+")


def _decimal(digits: str, raw: str) -> Decimal:
    """`digits` (already checked, with a dot for decimals) as a bounded Decimal; `raw` is for the message."""
    try:
        value = Decimal(digits)
    except InvalidOperation as exc:  # pragma: no cover - patterns above guarantee digits
        raise NumberError(f"'{raw}' không phải là số hợp lệ") from exc
    return _bounded(value, raw)


def fmt(value: Decimal | None, places: int | None = None, *, group: bool = True) -> str:
    """Vietnamese display: "1.234,56"; trailing zeros dropped unless `places` is given.

    Published DTI tables drop trailing zeros ("37,9", "60"); reports pass `places` to show a
    fixed number of decimals.
    """
    if value is None:
        return ""
    if places is not None:
        value = round_half_up(value, places)
        text = f"{value:,.{places}f}" if group else f"{value:.{places}f}"
    else:
        normal = value.normalize()
        exponent = normal.as_tuple().exponent
        decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        text = f"{value:,.{decimals}f}" if group else f"{value:.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def fmt_percent(ratio: Decimal, places: int = 2) -> str:
    """A ratio (0.8118) shown as a Vietnamese percentage ("81,18 %")."""
    return f"{fmt(round_half_up(ratio * HUNDRED, places))} %"


def plain(value: Decimal | None) -> str:
    """Machine display for CSV and JSON: a dot, no grouping, no exponent."""
    if value is None:
        return ""
    return f"{value:f}"
