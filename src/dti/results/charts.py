"""Charts drawn on the server as inline SVG: no script, nothing loaded from elsewhere."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

from dti.engine import fmt, round_half_up


def _pt(cx: float, cy: float, radius: float, angle: float) -> tuple[float, float]:
    return cx + radius * math.sin(angle), cy - radius * math.cos(angle)


def _xy(point: tuple[float, float]) -> str:
    return f"{point[0]:.1f},{point[1]:.1f}"


def _percent(value: Decimal | None, places: int) -> str:
    return "—" if value is None else f"{fmt(round_half_up(value, places), places)} %"


def _share(value: Decimal | None) -> float:
    """A percentage as a fraction of the radius (0 to 1; a missing one at the centre)."""
    return 0.0 if value is None else max(0.0, min(float(value), 100.0)) / 100


LABEL_WIDTH = 15  # characters per line of an axis label
LINE_HEIGHT = 15
MARGIN = 64  # room beside the chart for the labels of the left and right axes


def label_lines(label: str, width: int = LABEL_WIDTH) -> list[str]:
    """An axis label broken at spaces into lines of about `width` characters ("I. Nhận thức
    số" stays one line; a long index name takes two or three)."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _axis_label(x: float, y: float, cy: float, anchor: str, label: str) -> str:
    """An axis label as SVG text, one tspan per line, growing away from the chart's centre."""
    lines = label_lines(label)
    if anchor != "middle":
        first = y + 4 - (len(lines) - 1) * LINE_HEIGHT / 2  # beside the chart: centred on the axis end
    elif y < cy:
        first = y - (len(lines) - 1) * LINE_HEIGHT  # above: the last line next to the axis end
    else:
        first = y + 10  # below
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{first + k * LINE_HEIGHT:.1f}">{escape(line)}</tspan>' for k, line in enumerate(lines)
    )
    return f'<text text-anchor="{anchor}" font-size="13" fill="#333">{spans}</text>'


def radar_svg(
    axes: Sequence[tuple[str, Decimal | None]],
    title: str,
    *,
    places: int,
    size: int = 320,
    element_id: str = "radar",
    against: Sequence[Decimal | None] = (),
    against_label: str = "",
) -> SafeString:
    """A radar (spider) chart of percentages (0–100), one axis and one point per entry.

    `against` (one percentage per axis, e.g. the group's mean, named `against_label`) is drawn
    as a dashed outline under the values and listed in the description too.

    Percentages are shown as the pages show them: rounded half-up by the engine at `places`.

    `axes` are (label, percent) pairs, the label an index's code and name (wrapped on a few
    lines); a missing percent is drawn at the centre. The chart
    carries a `<title>` and `<desc>` listing every value, so screen readers get the figures;
    pages show a table with the same figures beside it.
    """
    n = len(axes)
    cx = cy = size / 2
    radius = size / 2 - 60
    angles = [2 * math.pi * k / n for k in range(n)] if n else []
    desc = "; ".join(f"{label}: {_percent(value, places)}" for label, value in axes)
    if against:
        desc += f". {against_label}: " + "; ".join(
            f"{label}: {_percent(value, places)}" for (label, _v), value in zip(axes, against, strict=True)
        )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="radar" role="img" '
        f'viewBox="{-MARGIN} 0 {size + 2 * MARGIN} {size}" width="{size + 2 * MARGIN}" height="{size}" '
        f'aria-labelledby="{element_id}-title {element_id}-desc">',
        f'<title id="{element_id}-title">{escape(title)}</title>',
        f'<desc id="{element_id}-desc">{escape(desc)}</desc>',
    ]
    if n >= 3:
        for level in (25, 50, 75, 100):
            ring = " ".join(_xy(_pt(cx, cy, radius * level / 100, a)) for a in angles)
            parts.append(f'<polygon class="grid" points="{ring}" fill="none" stroke="#c9d2de" stroke-width="1"/>')
    for angle, (label, _value) in zip(angles, axes, strict=True):
        end = _pt(cx, cy, radius, angle)
        parts.append(
            f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{end[0]:.1f}" y2="{end[1]:.1f}" stroke="#c9d2de" stroke-width="1"/>'
        )
        lx, ly = _pt(cx, cy, radius + 10, angle)
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        parts.append(_axis_label(lx, ly, cy, anchor, label))
    if against:
        outline = " ".join(_xy(_pt(cx, cy, radius * _share(v), a)) for a, v in zip(angles, against, strict=True))
        parts.append(
            f'<polygon class="against" points="{outline}" fill="none" stroke="#b35900" '
            'stroke-width="2" stroke-dasharray="5 3"/>'
        )
    points = [_pt(cx, cy, radius * _share(value), angle) for angle, (_label, value) in zip(angles, axes, strict=True)]
    if points:
        parts.append(
            f'<polygon class="value" points="{" ".join(_xy(p) for p in points)}" '
            'fill="rgba(31,78,140,.25)" stroke="#1f4e8c" stroke-width="2"/>'
        )
    for (label, value), point in zip(axes, points, strict=True):
        shown = _percent(value, places)
        parts.append(
            f'<circle class="point" cx="{point[0]:.1f}" cy="{point[1]:.1f}" r="4" fill="#1f4e8c">'
            f"<title>{escape(label)}: {escape(shown)}</title></circle>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text part is escaped above
