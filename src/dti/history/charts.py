"""Trend charts drawn on the server as inline SVG: no script, nothing loaded from elsewhere."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

from dti.engine import fmt

WIDTH, HEIGHT = 560, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 36, 40
COLOURS = ("#1f4e8c", "#b35900", "#2e7d32", "#8e24aa", "#c62828", "#00838f")


@dataclass(frozen=True)
class Line:
    """One series: its name and a value per year (None: no figure that year, the line breaks)."""

    name: str
    values: Sequence[Decimal | int | None]


def _scale(low: Decimal, high: Decimal, value: Decimal, invert: bool) -> float:
    span = high - low or Decimal(1)
    share = float((value - low) / span)
    share = 1 - share if invert else share
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - share)


def line_svg(
    years: Sequence[int], lines: Sequence[Line], title: str, *, places: int, invert: bool = False, element_id: str
) -> SafeString:
    """A line chart of values over the years (years on the horizontal axis, numbers with a decimal
    comma at `places`); `invert` puts the smallest value on top (ranks: 1 is best). The chart
    carries a `<title>` and a `<desc>` listing every value; pages show the same figures in a table."""
    known = [Decimal(v) for line in lines for v in line.values if v is not None]
    low, high = (min(known), max(known)) if known else (Decimal(0), Decimal(1))
    # Values from zero and ranks from 1, so a change looks as large as it is (an axis cut to the
    # values' range made a drop of 1,67 points in 557 fill the chart).
    low = min(low, Decimal(1) if invert else Decimal(0))
    ticks: tuple[Decimal, ...] = (low, high)
    if low == high:  # one value (a single ranked year): label it alone, in the middle of the axis
        ticks = (low,)
        low, high = low - 1, high + 1
    count = max(len(years), 1)
    step = (WIDTH - LEFT - RIGHT) / max(count - 1, 1)
    xs = [LEFT + step * k if count > 1 else (LEFT + WIDTH - RIGHT) / 2 for k in range(count)]

    def shown(value: Decimal | int | None) -> str:
        return "—" if value is None else fmt(Decimal(value), places)

    desc = ". ".join(
        f"{line.name}: " + "; ".join(f"{year}: {shown(v)}" for year, v in zip(years, line.values, strict=True))
        for line in lines
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" aria-labelledby="{element_id}-title {element_id}-desc">',
        f'<title id="{element_id}-title">{escape(title)}</title>',
        f'<desc id="{element_id}-desc">{escape(desc)}</desc>',
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" stroke="#999"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" stroke="#999"/>',
    ]
    for value in ticks:
        y = _scale(low, high, value, invert)
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="#333">'
            f"{escape(shown(value))}</text>"
        )
    for x, year in zip(xs, years, strict=True):
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="12" fill="#333">'
            f"{year}</text>"
        )
    for number, line in enumerate(lines):
        colour = COLOURS[number % len(COLOURS)]
        points = [
            (x, _scale(low, high, Decimal(v), invert), v) for x, v in zip(xs, line.values, strict=True) if v is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y, v in points:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">'
                f"<title>{escape(line.name)}: {escape(shown(v))}</title></circle>"
            )
    parts.append(
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2:.1f}" y="{TOP - 16}" text-anchor="middle" font-size="12" '
        f'font-weight="bold" fill="#333">{escape(title)}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text part is escaped above
