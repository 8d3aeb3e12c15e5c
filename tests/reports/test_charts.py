"""The analysis charts: well-formed SVG with a title and description, Vietnamese numbers, names escaped,
a missing value drawn as such; the radar's second outline (the group's mean) listed in its description."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from dti.reports.charts import bars_svg, heatmap_svg
from dti.results.charts import radar_svg

SVG = "{http://www.w3.org/2000/svg}"


def test_bars() -> None:
    svg = bars_svg(
        [("UBND <A> & B", 1, Decimal("94.9")), ("UBND C", 2, Decimal("90.25")), ("UBND D", None, None)],
        "Xếp hạng nhóm huyện",
        places=2,
        scale=Decimal(100),
    )
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == "Xếp hạng nhóm huyện"  # type: ignore[union-attr]
    desc = root.find(f"{SVG}desc").text or ""  # type: ignore[union-attr]
    assert desc == "1. UBND <A> & B: 94,90; 2. UBND C: 90,25; —. UBND D: —"
    assert len(root.findall(f"{SVG}rect")) == 2  # no bar for a missing value


def test_heatmap() -> None:
    svg = heatmap_svg(
        ["UBND A", "UBND B"],
        [("I", "Nhận thức số"), ("II", "Thể chế số")],
        [[Decimal("80.00"), None], [Decimal("12.5"), Decimal("100")]],
        "Điểm theo % tối đa",
        places=2,
    )
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "80,00" in texts and "—" in texts and "12,50" in texts
    assert "I: Nhận thức số" in texts and "II: Thể chế số" in texts
    desc = root.find(f"{SVG}desc").text or ""  # type: ignore[union-attr]
    assert "UBND A: Nhận thức số 80,00 %, Thể chế số — %" in desc


def test_radar_against_the_mean() -> None:
    svg = radar_svg(
        [("I. Nhận thức số", Decimal("80")), ("II. Thể chế số", Decimal("50")), ("III. Hạ tầng số", None)],
        "Radar",
        places=1,
        against=[Decimal("70"), Decimal("60"), Decimal("40")],
        against_label="Trung bình nhóm",
    )
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}polygon[@class='against']") is not None
    desc = root.find(f"{SVG}desc").text or ""  # type: ignore[union-attr]
    assert desc.endswith("Trung bình nhóm: I. Nhận thức số: 70,0 %; II. Thể chế số: 60,0 %; III. Hạ tầng số: 40,0 %")
    assert root.find(f"{SVG}polygon[@class='against']") is not None
    plain = ET.fromstring(radar_svg([("A", Decimal(1)), ("B", Decimal(2)), ("C", None)], "R", places=1))
    assert plain.find(f"{SVG}polygon[@class='against']") is None
