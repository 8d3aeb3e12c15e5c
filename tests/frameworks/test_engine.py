"""`Framework.engine()`: each framework gets the parse of its own text, saved or not.

Regression: the parse was cached by `content_hash`, which is empty until `save()`, so every
unsaved framework got the first one's parse (after `make demo`, all five frameworks showed as
"Bộ chỉ số DTI cấp sở tỉnh Bắc Ninh", level `so`, 2023).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dti.frameworks.models import Framework

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("bac-ninh-2023-so", "ha-nam-2023-huyen", "quoc-gia-2022-tinh")


def _unsaved(code: str) -> Framework:
    """A framework as `make demo` builds it: the source first, the metadata read from its parse."""
    source = (ROOT / "frameworks" / f"{code}.yaml").read_text(encoding="utf-8")
    return Framework(code=code, name="", level="", year=0, source=source)


def test_unsaved_frameworks_created_in_a_row_each_get_their_own_parse() -> None:
    parsed = [_unsaved(code).engine() for code in SHIPPED]
    assert [engine.code for engine in parsed] == list(SHIPPED)
    assert [(engine.level.value, engine.year) for engine in parsed] == [("so", 2023), ("huyen", 2023), ("tinh", 2022)]
    assert len({engine.name for engine in parsed}) == 3


@pytest.mark.django_db
def test_frameworks_saved_with_the_metadata_of_their_parse() -> None:
    for code in SHIPPED:
        framework = _unsaved(code)
        engine = framework.engine()
        framework.name, framework.level, framework.year = engine.name, engine.level.value, engine.year
        framework.save()
    stored = {f.code: (f.level, f.year, f.engine().code) for f in Framework.objects.all()}
    assert stored == {
        "bac-ninh-2023-so": ("so", 2023, "bac-ninh-2023-so"),
        "ha-nam-2023-huyen": ("huyen", 2023, "ha-nam-2023-huyen"),
        "quoc-gia-2022-tinh": ("tinh", 2022, "quoc-gia-2022-tinh"),
    }
    assert len(set(Framework.objects.values_list("name", flat=True))) == 3


@pytest.mark.django_db
def test_a_changed_source_is_parsed_before_it_is_saved(small_framework: Framework) -> None:
    assert small_framework.engine().name == "Bộ chỉ số thử nghiệm cấp huyện"
    small_framework.source = small_framework.source.replace("cấp huyện", "cấp xã", 1)
    assert small_framework.engine().name == "Bộ chỉ số thử nghiệm cấp xã"


@pytest.mark.django_db
def test_a_framework_loaded_without_its_source_is_not_read_again(
    small_framework: Framework, django_assert_num_queries: Any
) -> None:
    expected = small_framework.engine()
    light = Framework.objects.defer("source").get(pk=small_framework.pk)
    with django_assert_num_queries(0):
        assert light.engine() is expected
