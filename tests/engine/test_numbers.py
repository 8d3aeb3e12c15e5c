"""Numbers the Vietnamese way: parse_number, parse_percent, round_half_up, fmt, to_decimal, percent."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest

from dti.engine.numbers import (
    NumberError,
    fmt,
    fmt_percent,
    parse_number,
    parse_percent,
    parse_vietnamese,
    percent,
    plain,
    quantum,
    round_half_up,
    to_decimal,
)

# --- parse_number: accepted ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("37,9", "37.9"),  # decimal comma
        ("37.9", "37.9"),  # decimal dot
        ("58,33", "58.33"),
        ("1.234.567", "1234567"),  # dots grouping thousands, unambiguous with two of them
        ("1.234,5", "1234.5"),  # both marks: the last is the decimal mark
        ("1,234.5", "1234.5"),
        ("1.234.567,89", "1234567.89"),
        ("1,234,567", "1234567"),
        ("130 075", "130075"),  # space grouping
        ("130\u00a0075", "130075"),  # non-breaking space
        ("130\u202f075", "130075"),  # narrow non-breaking space
        ("1 234,5", "1234.5"),
        ("  42  ", "42"),
        ("-5", "-5"),
        ("+5", "5"),
        ("0", "0"),
        ("0.125", "0.125"),  # leading zero: a decimal, not thousands
        ("0,125", "0.125"),
        ("-1.234,5", "-1234.5"),
        ("108649", "108649"),
        ("108,6490", "108.6490"),  # the docs' way of writing the decimal reading
        ("81,18", "81.18"),
    ],
)
def test_parse_number_reads(text: str, expected: str) -> None:
    value = parse_number(text)
    assert isinstance(value, Decimal)
    assert value == Decimal(expected)


def test_parse_number_keeps_exact_decimal_digits() -> None:
    assert parse_number("58,33").as_tuple() == Decimal("58.33").as_tuple()
    assert str(parse_number("0,125")) == "0.125"


# --- parse_number: refused as ambiguous -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "grouped", "decimal"),
    [
        ("108,649", "108649", "108,649"),
        ("130.075", "130075", "130,075"),
        ("1.000", "1000", "1,000"),
        ("-108,649", "-108649", "-108,649"),
    ],
)
def test_parse_number_refuses_two_readings(text: str, grouped: str, decimal: str) -> None:
    with pytest.raises(NumberError) as info:
        parse_number(text)
    message = str(info.value)
    assert "hai cách" in message  # says it can be read two ways
    assert grouped in message
    assert decimal in message
    assert text in message


def test_number_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_number("130.075")


# --- parse_number: garbage ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["abc", "1,2,3,4", "12..5", "1.23.456", "12.345.6", "5.", "1,2.3,4", "1.234,567.8", "12a", "--5", "1e5", "%"],
)
def test_parse_number_refuses_garbage(text: str) -> None:
    with pytest.raises(NumberError) as info:
        parse_number(text)
    assert "không phải là số" in str(info.value)


@pytest.mark.parametrize("text", ["", "   ", "\u00a0"])
def test_parse_number_refuses_empty(text: str) -> None:
    with pytest.raises(NumberError, match="ô trống"):
        parse_number(text)


# --- parse_percent ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["81,18%", "81,18", "81.18 %", " 81,18 % "])
def test_parse_percent(text: str) -> None:
    assert parse_percent(text) == Decimal("81.18")


def test_parse_percent_refuses_ambiguity_and_garbage() -> None:
    with pytest.raises(NumberError, match="hai cách"):
        parse_percent("81,180%")
    with pytest.raises(NumberError):
        parse_percent("tám mươi %")


# --- round_half_up ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("2.675", 2, "2.68"),  # a float 2.675 would round to 2.67: Decimal rounds half up
        ("0.005", 2, "0.01"),
        ("1.0049999", 2, "1.00"),
        ("1.005", 2, "1.01"),
        ("-2.675", 2, "-2.68"),  # half away from zero
        ("-0.005", 2, "-0.01"),
        ("2.665", 2, "2.67"),  # not banker's rounding
        ("2.5", 0, "3"),
        ("3.5", 0, "4"),
        ("0.45", 1, "0.5"),
        ("0.44999", 1, "0.4"),
        ("4.06", 2, "4.06"),
        ("7", 2, "7.00"),
        ("0.12345", 4, "0.1235"),
    ],
)
def test_round_half_up(value: str, places: int, expected: str) -> None:
    result = round_half_up(Decimal(value), places)
    assert result == Decimal(expected)
    assert str(result) == expected  # exactly `places` decimals


def test_quantum() -> None:
    assert quantum(2) == Decimal("0.01")
    assert quantum(0) == Decimal("1")
    assert quantum(15) == Decimal("1e-15")


# --- fmt / fmt_percent / plain --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("1234.56", None, "1.234,56"),
        ("37.9", None, "37,9"),
        ("37.90", None, "37,9"),  # trailing zeros dropped
        ("60", None, "60"),
        ("60.00", None, "60"),
        ("1234567", None, "1.234.567"),
        ("0.1", None, "0,1"),
        ("-1234.5", None, "-1.234,5"),
        ("1E+2", None, "100"),  # no exponent
        ("37.9", 2, "37,90"),
        ("60", 2, "60,00"),
        ("2.675", 2, "2,68"),  # rounded half up when places are given
        ("1234.5", 0, "1.235"),
        ("0.05", 1, "0,1"),
    ],
)
def test_fmt(value: str, places: int | None, expected: str) -> None:
    assert fmt(Decimal(value), places) == expected


def test_fmt_without_grouping_and_none() -> None:
    assert fmt(Decimal("1234.5"), group=False) == "1234,5"
    assert fmt(Decimal("1234.5"), 2, group=False) == "1234,50"
    assert fmt(None) == ""


@pytest.mark.parametrize(
    ("ratio", "places", "expected"),
    [
        ("0.8118", 2, "81,18 %"),
        ("0.81175", 2, "81,18 %"),  # half up
        ("1", 2, "100 %"),
        ("0.5", 1, "50 %"),
        ("0.125", 1, "12,5 %"),
        ("0", 2, "0 %"),
        ("12.345", 2, "1.234,5 %"),
    ],
)
def test_fmt_percent(ratio: str, places: int, expected: str) -> None:
    assert fmt_percent(Decimal(ratio), places) == expected


def test_plain() -> None:
    assert plain(Decimal("1E+2")) == "100"
    assert plain(Decimal("1234.50")) == "1234.50"
    assert plain(None) == ""


# --- to_decimal -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.1, "0.1"),  # repr, not the binary expansion 0.1000000000000000055…
        (1.1, "1.1"),
        (37.9, "37.9"),
        (2.675, "2.675"),
        (3, "3"),
        (-4, "-4"),
        ("37,9", "37.9"),
        ("1.234.567", "1234567"),
    ],
)
def test_to_decimal(value: object, expected: str) -> None:
    result = to_decimal(value)
    assert isinstance(result, Decimal)
    assert result == Decimal(expected)
    assert str(result) == expected


def test_to_decimal_float_is_not_binary_expansion() -> None:
    assert to_decimal(0.1) != Decimal(0.1)  # noqa: RUF032 - the binary expansion, on purpose
    assert to_decimal(0.1) + to_decimal(0.2) == Decimal("0.3")


def test_to_decimal_keeps_decimal() -> None:
    value = Decimal("58.33")
    assert to_decimal(value) is value


@pytest.mark.parametrize("value", [True, False, None, [1], {"a": 1}, object()])
def test_to_decimal_refuses(value: object) -> None:
    with pytest.raises(NumberError):
        to_decimal(value)


def test_to_decimal_refuses_ambiguous_text() -> None:
    with pytest.raises(NumberError, match="hai cách"):
        to_decimal("108,649")


# --- percent --------------------------------------------------------------------------------


def test_percent_is_exact_and_none_without_a_whole() -> None:
    assert percent(Decimal(649), Decimal(800)) == Decimal("81.125")
    assert percent(Decimal(0), Decimal(800)) == Decimal(0)
    assert percent(Decimal(5), Decimal(0)) is None
    assert percent(None, Decimal(800)) is None
    assert percent(Decimal(5), None) is None


# --- only ASCII digits, bounded magnitude (issue 10 §4) ---------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["１２", "١٢", "۱۲", "१२", "1２", "12,５", "1.２34", "1.234,５", "²", "12³", "Ⅻ", "½"],
)
@pytest.mark.parametrize("reader", [parse_number, parse_vietnamese, to_decimal, parse_percent])
def test_digits_other_than_ascii_are_refused_never_reinterpreted(reader: Any, typed: str) -> None:
    with pytest.raises(NumberError, match=f"^'{typed}' có chữ số không phải 0–9: hãy gõ lại bằng chữ số thường$"):
        reader(typed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("999.999.999.999.999", "999999999999999"),
        ("999999999999999", "999999999999999"),
        ("-999999999999999", "-999999999999999"),
        ("000000000000000000001", "1"),
        ("0,0000000001", "0.0000000001"),
        ("1,5000000000000", "1.5000000000000"),  # trailing zeros are no extra decimals
        ("999999999999999,9999999999", "999999999999999.9999999999"),
    ],
)
def test_figures_at_the_caps_are_read(typed: str, expected: str) -> None:
    assert parse_number(typed) == Decimal(expected)
    assert to_decimal(typed) == Decimal(expected)


@pytest.mark.parametrize(
    "typed", ["1000000000000000", "1.000.000.000.000.000", "1000000000000000,5", "-1000000000000000", "9" * 4000]
)
@pytest.mark.parametrize("reader", [parse_number, parse_vietnamese])
def test_more_than_15_integer_digits_are_refused(reader: Any, typed: str) -> None:
    with pytest.raises(NumberError, match=r"quá lớn: tối đa 15 chữ số trước dấu phẩy$") as caught:
        reader(typed)
    assert len(str(caught.value)) < 100  # a 4,000-digit number is not repeated in the message


@pytest.mark.parametrize("reader", [parse_number, parse_vietnamese])
def test_more_than_10_decimals_are_refused(reader: Any) -> None:
    with pytest.raises(NumberError, match=r"^'0,00000000001' có quá nhiều chữ số thập phân: tối đa 10 chữ số sau"):
        reader("0,00000000001")


@pytest.mark.parametrize("typed", ["1e400", "1E3", "1e-3", "NaN", "nan", "Infinity", "-inf", "∞", "0x10"])
@pytest.mark.parametrize("reader", [parse_number, parse_vietnamese, to_decimal])
def test_exponents_nan_and_infinity_in_text_are_refused(reader: Any, typed: str) -> None:
    with pytest.raises(NumberError, match="không phải là số hợp lệ"):
        reader(typed)


@pytest.mark.parametrize("value", [10**15, -(10**15), 10**4000, 1e15, 1e300, -1e300])
def test_spreadsheet_numbers_beyond_the_cap_are_refused(value: object) -> None:
    with pytest.raises(NumberError, match=r"quá lớn: tối đa 15 chữ số trước dấu phẩy$"):
        to_decimal(value)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_spreadsheet_nan_and_infinity_are_refused(value: float) -> None:
    with pytest.raises(NumberError, match="không phải là số hợp lệ"):
        to_decimal(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(10**15 - 1, "999999999999999"), (999999999999999.0, "999999999999999.0"), (1 / 3, "0.3333333333333333")],
)
def test_spreadsheet_numbers_within_the_cap_are_read(value: object, expected: str) -> None:
    # A computed cell's float decimals are binary noise, not typed: only the magnitude is capped.
    assert to_decimal(value) == Decimal(expected)


@pytest.mark.parametrize("digits", ["0", "7", "007", "130075", "9" * 15, "0" * 14 + "1", "9" * 16, "１２"])
def test_plain_digits_read_as_the_full_checks_read_them(digits: str) -> None:
    """`parse_vietnamese` takes a short run of ASCII digits straight to a Decimal; the same text
    with a space before it goes through every check: same value, or the same refusal."""
    try:
        checked: Decimal | str = parse_vietnamese(" " + digits)
    except NumberError as exc:
        checked = str(exc)
    try:
        fast: Decimal | str = parse_vietnamese(digits)
    except NumberError as exc:
        fast = str(exc)
    assert fast == checked and type(fast) is type(checked)
