"""Charts: valid PNGs of the expected size, deterministic, decimal comma, refusals of bad shapes."""

from __future__ import annotations

import io
import struct
import time
from decimal import Decimal

import pytest
from PIL import Image as PillowImage

from dti.documents import charts

NAMES = [
    "Nhận thức số",
    "Thể chế số",
    "Hạ tầng số",
    "Nhân lực số",
    "An toàn thông tin mạng",
    "Hoạt động chính quyền số",
    "Hoạt động kinh tế số",
    "Hoạt động xã hội số",
]
VALUES = [Decimal(v) for v in ("85.5", "60", "92.25", "40", "71", "80.05", "55.5", "66")]
MEAN = [Decimal(v) for v in ("70", "65", "70.125", "50", "60", "75", "50", "70")]


def size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG header, after checking the signature."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_radar_bars_and_trend_are_pngs_of_the_page_width() -> None:
    radar = charts.radar_png(NAMES, VALUES, MEAN, unit="UBND huyện Gia Viễn")
    bars = charts.bars_png(NAMES, VALUES, mean=MEAN)
    trend = charts.trend_png([2021, 2022, 2023], [Decimal("520.5"), Decimal("560.25"), Decimal("574.7")], [5, 4, 3])
    width = round(charts.WIDTH_IN * charts.DPI)
    assert size(radar) == (width, round(5.2 * charts.DPI))
    assert size(bars) == (width, round((0.9 + 0.42 * len(NAMES)) * charts.DPI))
    assert size(trend) == (width, round(3.0 * charts.DPI))
    for png in (radar, bars, trend):
        PillowImage.open(io.BytesIO(png)).verify()


def test_ranking_and_heatmap() -> None:
    ranking = charts.ranking_png(
        ["UBND thành phố Ninh Bình", "UBND huyện Gia Viễn"],
        [Decimal("605.21"), Decimal("574.7")],
        highlight="UBND huyện Gia Viễn",
    )
    heatmap = charts.heatmap_png(["A", "B"], NAMES, [VALUES, [None, *VALUES[1:]]])
    assert size(ranking)[0] == round(charts.WIDTH_IN * charts.DPI)
    assert size(heatmap)[0] == round((charts.WIDTH_IN + 1.2) * charts.DPI)


def test_the_same_figures_give_the_same_bytes_without_a_date_or_software() -> None:
    first = charts.bars_png(NAMES, VALUES)
    assert first == charts.bars_png(NAMES, VALUES)
    assert b"tIME" not in first and b"Software" not in first and b"matplotlib" not in first


def test_three_charts_of_a_report_take_well_under_a_second() -> None:
    charts.radar_png(NAMES, VALUES, MEAN, unit="A")  # matplotlib's first import is paid once per process
    start = time.perf_counter()
    charts.radar_png(NAMES, VALUES, MEAN, unit="A")
    charts.bars_png(NAMES, VALUES, mean=MEAN)
    charts.trend_png([2022, 2023], [Decimal("560"), Decimal("574.7")], [4, 3])
    assert time.perf_counter() - start < 3.0  # about 0.5 s on a free core; generous for a shared, loaded machine


@pytest.mark.parametrize(
    ("value", "places", "text"), [(12.5, 1, "12,5"), (40.0, 1, "40"), (0.25, 1, "0,3"), (1234.5, 0, "1.235")]
)
def test_axis_numbers_have_a_decimal_comma(value: float, places: int, text: str) -> None:
    assert charts.number(value, places) == text


def test_long_index_names_are_wrapped_whole_words() -> None:
    assert charts.wrap("Hoạt động chính quyền số", 18) == "Hoạt động chính\nquyền số"


def test_bad_shapes_are_refused() -> None:
    with pytest.raises(ValueError, match="ít nhất ba chỉ số"):
        charts.radar_png(NAMES[:2], VALUES[:2], unit="A")
    with pytest.raises(ValueError, match="đúng một giá trị"):
        charts.bars_png(NAMES, VALUES[:3])
    with pytest.raises(ValueError, match="ít nhất hai năm"):
        charts.trend_png([2023], [Decimal(1)], [1])
    with pytest.raises(ValueError, match="đúng một giá trị"):
        charts.ranking_png(["A"], [])
    with pytest.raises(ValueError, match="mỗi đơn vị và mỗi chỉ số"):
        charts.heatmap_png(["A"], NAMES, [VALUES[:2]])


def test_value_labels_are_printed_at_the_charts_decimals(monkeypatch: pytest.MonkeyPatch) -> None:
    # The report's bars printed "78 %" beside "40,1 %", its trend "574,7" for a total of 574,70.
    from matplotlib.axes import Axes

    printed: list[str] = []
    for method in ("text", "annotate"):
        original = getattr(Axes, method)

        def record(self: Axes, *args: object, _original: object = original, **kwargs: object) -> object:
            printed.extend(a for a in args if isinstance(a, str))  # text(x, y, s) and annotate(text, xy)
            return _original(self, *args, **kwargs)  # type: ignore[operator]

        monkeypatch.setattr(Axes, method, record)
    charts.bars_png(NAMES, [Decimal("78"), *VALUES[1:]])
    charts.trend_png([2022, 2023], [Decimal("532.2"), Decimal("574.7")], [5, 3], places=2)
    charts.ranking_png(["A", "B"], [Decimal("605.21"), Decimal("574.7")], places=2)
    assert "78,0 %" in printed and "60,0 %" in printed
    assert "532,20\nhạng 5" in printed and "574,70\nhạng 3" in printed
    assert "574,70" in printed


def _pixels(png: bytes, colour: str, tolerance: int = 24) -> list[tuple[int, int]]:
    """The (x, y) of every pixel of about this colour ("#rrggbb")."""
    image = PillowImage.open(io.BytesIO(png)).convert("RGB")
    want = tuple(int(colour[k : k + 2], 16) for k in (1, 3, 5))
    width, height = image.size
    data = image.load()
    assert data is not None
    return [
        (x, y)
        for y in range(height)
        for x in range(width)
        if all(abs(a - b) <= tolerance for a, b in zip(data[x, y], want, strict=True))
    ]


def test_bars_mean_marks_touch_neither_the_values_nor_the_legend() -> None:
    """Regression: the group mean's marks overlapped the value labels written at each bar's end and
    the legend sat on the last bar. Now the values are in a column right of the plotting area, the
    mean a tick across its bar, the legend below the bars."""
    values = [Decimal(100), *VALUES[1:]]  # a full bar marks the plotting area's right end
    png = charts.bars_png(NAMES, values, mean=MEAN)
    bars = _pixels(png, charts.UNIT_COLOUR)
    right = max(x for x, _y in bars)
    top, bottom = min(y for _x, y in bars) - 8, max(y for _x, y in bars) + 8  # the ticks stand out a little
    marks = _pixels(png, charts.MEAN_COLOUR)
    beside = [(x, y) for x, y in marks if top <= y <= bottom]
    below = [(x, y) for x, y in marks if y > bottom]
    assert beside and all(x <= right + 2 for x, _y in beside)  # ticks on the bars, none in the values' column
    assert below and len(below) < len(beside)  # the legend's small tick, under the bars
    left = min(x for x, _y in bars)
    ink = [(x, y) for x, y in _pixels(png, "#000000", tolerance=90) if top <= y <= bottom]
    assert any(x > right + 4 for x, _y in ink)  # the values' column
    assert not [(x, y) for x, y in ink if left + 2 < x <= right]  # no text among the bars and ticks
    axis = max(y for x, y in _pixels(png, "#000000", tolerance=90) if x <= right and y < min(y for _x, y in below))
    assert axis > bottom  # the x axis' labels come between the bars and the legend


def test_radar_names_stand_outside_the_circle(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: the names of the left and right axes were centred on their point, so the circle and
    the grid crossed 'Hoạt động kinh tế số' and 'Hạ tầng số'; each now starts outside the circle."""
    import math

    from matplotlib.figure import Figure

    drawn: list[Figure] = []
    original = Figure.savefig

    def record(self: Figure, *args: object, **kwargs: object) -> None:
        drawn.append(self)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Figure, "savefig", record)
    charts.radar_png(NAMES, VALUES, MEAN, unit="UBND huyện Gia Viễn")
    figure = drawn[0]
    axes = figure.axes[0]
    cx, cy = axes.transData.transform((0, 0))
    ex, ey = axes.transData.transform((0, 100))
    radius = math.hypot(ex - cx, ey - cy)
    for label in axes.get_xticklabels():
        box = label.get_window_extent()
        nearest_x = min(max(cx, box.x0), box.x1)
        nearest_y = min(max(cy, box.y0), box.y1)
        assert math.hypot(nearest_x - cx, nearest_y - cy) > radius, label.get_text()


def test_a_trend_starts_at_zero_so_a_small_change_looks_small() -> None:
    """Regression: the axis spanned 556,5–559 for totals of 558,57 and 556,90, so a drop of 1,67
    points in 557 filled the chart's height."""
    low, high = charts.trend_limits([558.57, 556.90])
    assert low == 0.0 and 558.57 < high < 700
    assert charts.trend_limits([-5.0, 10.0])[0] < -5.0  # a negative value (penalties) stays in view
    assert charts.trend_limits([0.0, 0.0]) == (0.0, 1.0)
