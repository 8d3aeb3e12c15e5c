"""The campaign analysis page's charts, drawn on the server as inline SVG (as `dti.results.charts`):
ranking bars per group and a heatmap of units × indices. No script, nothing loaded from elsewhere;
numbers the Vietnamese way, rounded by the engine; every chart has a `<title>` and `<desc>`, and
the page shows the same figures in a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

from dti.engine import fmt

ROW = 22  # height of a bar or heatmap row
NAME_WIDTH = 230  # room for the unit names
BAR_WIDTH = 360
CELL = 64


def _open(width: float, height: float, element_id: str, title: str, desc: str, css: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css}" role="img" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" aria-labelledby="{element_id}-title {element_id}-desc">',
        f'<title id="{element_id}-title">{escape(title)}</title>',
        f'<desc id="{element_id}-desc">{escape(desc)}</desc>',
    ]


def _unit_label(y: float, text: str) -> str:
    """A unit's name at the left of its row."""
    return f'<text x="{NAME_WIDTH - 6}" y="{y + 15}" text-anchor="end" font-size="12" fill="#333">{escape(text)}</text>'


def bars_svg(
    rows: Sequence[tuple[str, int | None, Decimal | None]],
    title: str,
    *,
    places: int,
    scale: Decimal | None = None,
    element_id: str = "bars",
) -> SafeString:
    """Horizontal bars, one per (unit, rank, value) in rank order, the value written beside its bar
    at `places` decimals; bars are drawn against `scale` (the maximum, 100 for a percentage) or
    the highest value."""
    values = [v for _n, _r, v in rows if v is not None]
    top = scale or (max(values) if values else Decimal(1)) or Decimal(1)
    desc = "; ".join(f"{r or '—'}. {name}: {fmt(v, places) if v is not None else '—'}" for name, r, v in rows)
    height = ROW * len(rows) + 10
    parts = _open(NAME_WIDTH + BAR_WIDTH + 90, height, element_id, title, desc, "bars")
    for k, (name, rank, value) in enumerate(rows):
        y = 5 + k * ROW
        label = f"{rank}. {name}" if rank is not None else name
        parts.append(_unit_label(y, label))
        if value is not None:
            width = max(0.0, min(float(value / top), 1.0)) * BAR_WIDTH
            shown = fmt(value, places)
            parts.append(
                f'<rect x="{NAME_WIDTH}" y="{y + 3}" width="{width:.1f}" height="{ROW - 6}" fill="#1f4e8c">'
                f"<title>{escape(name)}: {escape(shown)}</title></rect>"
            )
            parts.append(f'<text x="{NAME_WIDTH + width + 5:.1f}" y="{y + 15}" font-size="12">{escape(shown)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text part is escaped above


def _colour(percent: Decimal | None) -> str:
    """A cell's colour: light for a low share of the max, dark blue for a full one; grey when none."""
    if percent is None:
        return "#eeeeee"
    share = max(0.0, min(float(percent), 100.0)) / 100
    light = (241, 245, 251)
    dark = (31, 78, 140)
    r, g, b = (round(lo + (hi - lo) * share) for lo, hi in zip(light, dark, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap_svg(
    units: Sequence[str],
    indices: Sequence[tuple[str, str]],
    cells: Sequence[Sequence[Decimal | None]],
    title: str,
    *,
    places: int,
    element_id: str = "heatmap",
) -> SafeString:
    """A heatmap: one row per unit, one column per index (code, name), each cell the unit's score
    as % of the index's max, written in it; the indices' full names are listed under the grid."""
    names = {code: name for code, name in indices}
    desc = "; ".join(
        f"{unit}: "
        + ", ".join(
            f"{names[c]} {fmt(p, places) if p is not None else '—'} %" for (c, _n), p in zip(indices, row, strict=True)
        )
        for unit, row in zip(units, cells, strict=True)
    )
    top = 24
    legend_top = top + ROW * len(units) + 16
    width = NAME_WIDTH + CELL * len(indices) + 10
    height = legend_top + 16 * len(indices) + 4
    parts = _open(max(width, 480), height, element_id, title, desc, "heatmap")
    for j, (code, name) in enumerate(indices):
        x = NAME_WIDTH + j * CELL + CELL / 2
        parts.append(
            f'<text x="{x:.0f}" y="{top - 8}" text-anchor="middle" font-size="12" font-weight="bold">'
            f"{escape(code)}<title>{escape(name)}</title></text>"
        )
    for k, (unit, row) in enumerate(zip(units, cells, strict=True)):
        y = top + k * ROW
        parts.append(_unit_label(y, unit))
        for j, ((code, _name), value) in enumerate(zip(indices, row, strict=True)):
            x = NAME_WIDTH + j * CELL
            shown = "—" if value is None else fmt(value, places)
            ink = "#ffffff" if value is not None and value >= 55 else "#222222"
            parts.append(
                f'<rect x="{x}" y="{y}" width="{CELL - 2}" height="{ROW - 2}" fill="{_colour(value)}">'
                f"<title>{escape(unit)} — {escape(names[code])}: {escape(shown)} %</title></rect>"
                f'<text x="{x + CELL / 2 - 1:.0f}" y="{y + 15}" text-anchor="middle" font-size="11" fill="{ink}">'
                f"{escape(shown)}</text>"
            )
    for j, (code, name) in enumerate(indices):
        parts.append(
            f'<text x="10" y="{legend_top + 16 * j + 12}" font-size="12">{escape(code)}: {escape(name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text part is escaped above
