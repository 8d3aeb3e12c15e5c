"""The reports tests start from the results app's campaigns: appraised, approved, published
(tests/results/conftest.py), and a published amendment (version 2)."""

from __future__ import annotations

from typing import Any

import pytest

from dti.results import services
from tests.results.conftest import appraised, approved, published

__all__ = ["amended", "appraised", "approved", "published"]

AMEND_REASON = "Sửa điểm II.2 theo giải trình"


@pytest.fixture
def amended(published: dict[str, Any]) -> dict[str, Any]:
    """Published, then amended: UBND huyện Một's II.2 becomes 7,25 (version 2)."""
    published["amendment"] = services.amend(
        campaign=published["campaign"],
        by=published["users"]["organiser"],
        reason=AMEND_REASON,
        changes=[(published["assessment"], "II.2", "7,25")],
    )
    return published


def campaign_url(world: dict[str, Any], tail: str = "") -> str:
    return f"/bao-cao/ky/{world['campaign'].pk}/{tail}"


def unit_url(world: dict[str, Any], unit_key: str = "unit", tail: str = "") -> str:
    return f"/bao-cao/ky/{world['campaign'].pk}/don-vi/{world[unit_key].pk}/{tail}"
