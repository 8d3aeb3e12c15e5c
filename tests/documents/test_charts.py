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
