"""Links a person cannot open are not shown: a unit's people see "Xem" only on their own unit."""

from __future__ import annotations

import re
from typing import Any

import pytest


def view_links(page: str) -> set[str]:
    return set(re.findall(r'<a href="(/danh-gia/tham-gia/\d+/)">Xem</a>', page))


@pytest.mark.parametrize("persona", ["reporter", "leader"])
def test_unit_people_see_only_their_own_link(world: dict[str, Any], login: Any, persona: str) -> None:
    page = login(persona).get(f"/ky-danh-gia/{world['campaign'].pk}/").content.decode()
    own = f"/danh-gia/tham-gia/{world['participation'].pk}/"
    assert view_links(page) == {own}
    other = world["other_assessment"].participation.pk
    assert login(persona).get(f"/danh-gia/tham-gia/{other}/").status_code == 403  # the link hidden is refused


@pytest.mark.parametrize("persona", ["organiser", "appraiser", "chair", "viewer", "admin"])
def test_people_who_see_every_unit_see_every_link(world: dict[str, Any], login: Any, persona: str) -> None:
    page = login(persona).get(f"/ky-danh-gia/{world['campaign'].pk}/").content.decode()
    assert len(view_links(page)) == 2
