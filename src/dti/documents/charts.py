"""Charts as PNG pictures for documents: a unit's radar against its group's mean, bars of its
indices, its trend over the years, a group's ranking bars, and a heatmap of units × indices.

Vietnamese labels in full (long index names wrapped), numbers with a decimal comma (the
engine's `fmt`), DejaVu Sans (full Vietnamese coverage, shipped with matplotlib), 150 dpi.
The pictures are deterministic: the same figures give the same bytes (no date or software
name in the PNG). matplotlib is imported on first use, so `dti --help` does not pay for it.
Figures arrive as `Decimal` and become floats only here, for drawing.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, cast

from dti.engine import fmt, round_half_up

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.projections.polar import PolarAxes
    from matplotlib.ticker import FuncFormatter

DPI = 150
WIDTH_IN = 6.3  # 16 cm: the text width of an A4 page with the administrative margins
UNIT_COLOUR = "#1f5fa8"
MEAN_COLOUR = "#c0392b"
OTHER_COLOUR = "#9db4cf"
TRACK_COLOUR = "#eef2f7"


def wrap(label: str, width: int = 24) -> str:
    """A long label (an index name) over several lines, words kept whole."""
    return textwrap.fill(label, width=width, break_long_words=False) or label


def number(value: float, places: int = 1) -> str:
    """An axis or bar value the Vietnamese way: "12,5", "40" (trailing zeros dropped)."""
    return fmt(round_half_up(Decimal(repr(float(value))), places))


@contextmanager
def _figure(width_in: float, height_in: float) -> Iterator[Figure]:
    """A new figure in the charts' style (fonts set while it is drawn and saved)."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"font.family": "DejaVu Sans", "font.size": 8}):
        yield Figure(figsize=(width_in, height_in), dpi=DPI, layout="constrained")


def _png(figure: Figure) -> bytes:
    """The figure as PNG bytes, without metadata that would change from run to run."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _formatter(places: int) -> FuncFormatter:
    """Axis ticks with a decimal comma."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _position: number(value, places))


def radar_png(
    labels: Sequence[str],
    values: Sequence[Decimal],
    mean: Sequence[Decimal] | None = None,
    *,
    unit: str,
    mean_label: str = "Bình quân của nhóm",
) -> bytes:
    """A radar of a unit's indices as % of max (at least three), with its group's mean."""
    import math

    if len(labels) < 3 or len(values) != len(labels) or (mean is not None and len(mean) != len(labels)):
        raise ValueError("biểu đồ radar cần ít nhất ba chỉ số, mỗi chỉ số một giá trị")
    angles = [2 * math.pi * n / len(labels) for n in range(len(labels))]
    closed = [*angles, angles[0]]
    with _figure(WIDTH_IN, 5.2) as figure:
        axes = cast("PolarAxes", figure.add_subplot(projection="polar"))
        axes.set_theta_offset(math.pi / 2)
        axes.set_theta_direction(-1)
        axes.set_ylim(0, 100)
        axes.set_yticks([20, 40, 60, 80, 100])
        axes.set_yticklabels([f"{tick} %" for tick in (20, 40, 60, 80, 100)], fontsize=7, color="#555555")
        axes.set_rlabel_position(180 / len(labels))  # the % scale between the first two axes, off the lines
        axes.set_xticks(angles)
        axes.set_xticklabels([wrap(label, 18) for label in labels])
        axes.tick_params(axis="x", pad=6)
        for angle, text in zip(angles, axes.get_xticklabels(), strict=True):  # names start outside the circle
            side = math.sin(angle)  # clockwise from the top: right half > 0, left half < 0
            align: Literal["left", "center", "right"] = "left" if side > 0.01 else "right" if side < -0.01 else "center"
            text.set_horizontalalignment(align)
            text.set_multialignment(align)
        axes.set_axisbelow(False)  # the % scale over the lines, readable where one crosses it
        for text in axes.get_yticklabels():
            text.set_bbox({"facecolor": "white", "edgecolor": "none", "alpha": 0.75, "pad": 0.5})
        points = [float(value) for value in values]
        axes.plot(closed, [*points, points[0]], color=UNIT_COLOUR, linewidth=1.8, label=unit)
        axes.fill(closed, [*points, points[0]], color=UNIT_COLOUR, alpha=0.15)
        if mean is not None:
            means = [float(value) for value in mean]
            axes.plot(closed, [*means, means[0]], color=MEAN_COLOUR, linewidth=1.2, linestyle="--", label=mean_label)
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncols=2, frameon=False)
        return _png(figure)


def bars_png(
    labels: Sequence[str],
    values: Sequence[Decimal],
    *,
    mean: Sequence[Decimal] | None = None,
    axis_label: str = "Tỷ lệ so với điểm tối đa (%)",
    mean_label: str = "Bình quân của nhóm",
    places: int = 1,
) -> bytes:
    """Horizontal bars of a unit's indices as % of max and, when given, the group's mean as a thin
    unlabelled tick across each bar. The values are written in a column right of the plotting area
    and the legend sits below it, so that neither a mark nor the legend covers a figure."""
    from matplotlib.lines import Line2D
    from matplotlib.transforms import blended_transform_factory

    if len(values) != len(labels) or (mean is not None and len(mean) != len(labels)):
        raise ValueError("mỗi chỉ số cần đúng một giá trị")
    rows = list(range(len(labels)))[::-1]  # the first label on top
    with _figure(WIDTH_IN, 0.9 + 0.42 * max(len(labels), 1)) as figure:
        axes = figure.add_subplot()
        axes.barh(rows, [100.0] * len(rows), color=TRACK_COLOUR, height=0.6)  # leads the eye to the value
        axes.barh(rows, [float(value) for value in values], color=UNIT_COLOUR, height=0.6)
        beside = blended_transform_factory(axes.transAxes, axes.transData)  # x of the axes, y of the rows
        for row, value in zip(rows, values, strict=True):
            text = f"{fmt(round_half_up(value, places), places)} %"
            axes.text(1.02, row, text, transform=beside, va="center", ha="left", fontsize=7)
        if mean is not None:
            axes.vlines(
                [float(value) for value in mean],
                [r - 0.38 for r in rows],
                [r + 0.38 for r in rows],
                color=MEAN_COLOUR,
                linewidth=1.6,
                clip_on=False,  # a mean of 100 % is drawn whole at the axis' end
            )
            tick = Line2D([], [], color=MEAN_COLOUR, marker="|", linestyle="none", markersize=9, markeredgewidth=1.6)
            figure.legend([tick], [mean_label], loc="outside lower center", frameon=False)
        axes.set_yticks(rows)
        axes.set_yticklabels([wrap(label, 30) for label in labels])
        axes.set_xlim(0, 100)
        axes.set_xlabel(axis_label)
        axes.xaxis.set_major_formatter(_formatter(0))
        axes.spines[["top", "right"]].set_visible(False)
        return _png(figure)


def trend_limits(points: Sequence[float]) -> tuple[float, float]:
    """The value axis of a trend: from zero (from below the lowest value if one is negative) to
    above the highest, so that a change of 1,67 points in 557 looks as small as it is; an axis
    cut to the values' range made it look like a collapse."""
    low, high = min(0.0, *points), max(0.0, *points)
    room = (high - low) * 0.18 or 1.0
    return (low - room if low < 0 else 0.0), high + room


def trend_png(
    years: Sequence[int],
    values: Sequence[Decimal],
    ranks: Sequence[int | None],
    *,
    axis_label: str = "Tổng điểm",
    places: int = 2,
) -> bytes:
    """A unit's total over the years, each point labelled with its value and its rank."""
    if len(years) < 2 or not len(years) == len(values) == len(ranks):
        raise ValueError("biểu đồ xu hướng cần ít nhất hai năm, mỗi năm một giá trị và một thứ hạng")
    points = [float(value) for value in values]
    with _figure(WIDTH_IN, 3.0) as figure:
        axes = figure.add_subplot()
        axes.plot(list(years), points, color=UNIT_COLOUR, marker="o", linewidth=1.8)
        for year, value, rank in zip(years, values, ranks, strict=True):
            text = fmt(round_half_up(value, places), places) + (f"\nhạng {rank}" if rank is not None else "")
            axes.annotate(text, (year, float(value)), textcoords="offset points", xytext=(0, 8), ha="center")
        axes.set_xticks(list(years))
        axes.set_xticklabels([str(year) for year in years])
        axes.set_ylim(*trend_limits(points))
        axes.set_ylabel(axis_label)
        axes.yaxis.set_major_formatter(_formatter(places))
        axes.spines[["top", "right"]].set_visible(False)
        return _png(figure)


def ranking_png(
    names: Sequence[str],
    values: Sequence[Decimal],
    *,
    highlight: str = "",
    axis_label: str = "Tổng điểm",
    places: int = 2,
) -> bytes:
    """A group's ranking as horizontal bars, in the order given (first on top); the unit named
    `highlight` stands out."""
    if len(names) != len(values):
        raise ValueError("mỗi đơn vị cần đúng một giá trị")
    rows = list(range(len(names)))[::-1]
    colours = [UNIT_COLOUR if name == highlight else OTHER_COLOUR for name in names]
    with _figure(WIDTH_IN, 0.8 + 0.3 * max(len(names), 1)) as figure:
        axes = figure.add_subplot()
        axes.barh(rows, [float(value) for value in values], color=colours, height=0.7)
        top = max((float(value) for value in values), default=1.0) or 1.0
        for row, value in zip(rows, values, strict=True):
            axes.text(
                float(value) + top * 0.01, row, fmt(round_half_up(value, places), places), va="center", fontsize=7
            )
        axes.set_yticks(rows)
        axes.set_yticklabels([wrap(name, 36) for name in names])
        axes.set_xlim(0, top * 1.15)
        axes.set_xlabel(axis_label)
        axes.xaxis.set_major_formatter(_formatter(places))
        axes.spines[["top", "right"]].set_visible(False)
        return _png(figure)


def heatmap_png(
    units: Sequence[str],
    labels: Sequence[str],
    values: Sequence[Sequence[Decimal | None]],
    *,
    places: int = 1,
    legend: str = "Tỷ lệ so với điểm tối đa (%)",
) -> bytes:
    """Units × indices as % of max, each cell coloured and labelled; an unknown value is grey
    and empty."""
    if len(values) != len(units) or any(len(row) != len(labels) for row in values):
        raise ValueError("bảng nhiệt cần một giá trị cho mỗi đơn vị và mỗi chỉ số")
    import numpy

    grid = numpy.ma.masked_invalid(
        numpy.array([[float("nan") if v is None else float(v) for v in row] for row in values], dtype=float)
    )
    with _figure(WIDTH_IN + 1.2, 1.6 + 0.3 * max(len(units), 1)) as figure:
        axes = figure.add_subplot()
        axes.set_facecolor("#dddddd")
        image = axes.imshow(grid, cmap="RdYlGn", vmin=0, vmax=100, aspect="auto")
        for row, cells in enumerate(values):
            for column, value in enumerate(cells):
                if value is not None:
                    text = fmt(round_half_up(value, places), places)
                    axes.text(column, row, text, ha="center", va="center", fontsize=6.5)
        axes.set_xticks(range(len(labels)))
        axes.set_xticklabels([wrap(label, 14) for label in labels], fontsize=7)
        axes.set_yticks(range(len(units)))
        axes.set_yticklabels(list(units), fontsize=7)
        axes.tick_params(axis="x", top=True, bottom=False, labeltop=True, labelbottom=False)
        bar = figure.colorbar(image, ax=axes, shrink=0.8)
        bar.set_label(legend)
        bar.ax.yaxis.set_major_formatter(_formatter(0))
        return _png(figure)
