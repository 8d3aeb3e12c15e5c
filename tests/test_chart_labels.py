"""Value labels of the documents' charts (`dti.documents.charts`) at the chart's decimals.

Kept outside tests/documents/ while that folder is being edited; it belongs in
tests/documents/test_charts.py."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dti.documents import charts
from tests.documents.test_charts import NAMES, VALUES


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
