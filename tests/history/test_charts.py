"""The trend charts (`dti.history.charts.line_svg`): axis labels and the visible title."""

from __future__ import annotations

import re
from decimal import Decimal

from dti.history.charts import Line, line_svg


def axis_labels(svg: str) -> list[str]:
    """The labels left of the vertical axis (text anchored at its end)."""
    return re.findall(r'<text x="58" y="[0-9.]+" text-anchor="end"[^>]*>([^<]*)</text>', svg)


def test_one_ranked_year_labels_its_rank_not_an_impossible_zero() -> None:
    # A merged unit has a rank only in its newest year: the axis printed "0" and "2" around a bare point.
    svg = line_svg(
        [2021, 2022, 2023], [Line("Xếp hạng", [None, None, 1])], "Xếp hạng", places=0, invert=True, element_id="h"
    )
    assert axis_labels(svg) == ["1"]
    svg = line_svg(
        [2022, 2023], [Line("Tổng điểm", [Decimal("511.7"), Decimal("574.7")])], "T", places=2, element_id="t"
    )
    assert axis_labels(svg) == ["0,00", "574,70"]  # from zero: a change looks as large as it is


def test_ranks_run_from_first_place_and_values_from_zero() -> None:
    """Regression: the axis was cut to the values' range (556,5–559), so a drop of 1,67 points in 557
    filled the chart's height; ranks 4 and 3 spanned it the same way."""
    ranks = line_svg([2022, 2023], [Line("Xếp hạng", [4, 3])], "H", places=0, invert=True, element_id="h")
    assert axis_labels(ranks) == ["1", "4"]
    totals = [Decimal("558.57"), Decimal("556.90")]
    values = line_svg([2022, 2023], [Line("Tổng điểm", totals)], "T", places=2, element_id="t")
    heights = [float(y) for y in re.findall(r'<circle cx="[0-9.]+" cy="([0-9.]+)"', values)]
    assert len(heights) == 2 and abs(heights[0] - heights[1]) < 1.5  # a near-flat line, as the figures are


def test_the_title_is_printed_on_the_chart() -> None:
    # Two charts side by side (total, rank) were told apart only by their hidden <title>.
    svg = line_svg(
        [2022, 2023],
        [Line("Xếp hạng", [4, 3])],
        "Xếp hạng của UBND huyện Gia Viễn",
        places=0,
        invert=True,
        element_id="h",
    )
    assert re.search(r'font-weight="bold"[^>]*>Xếp hạng của UBND huyện Gia Viễn</text>', svg)
