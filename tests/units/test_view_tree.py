"""The unit tree at /don-vi/: every signed-in role sees it; province → district → commune."""

from __future__ import annotations

import pytest

from dti.units.models import Unit, UnitType
from tests.conftest import PERSONAS


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_role_sees_the_tree(login, persona):
    response = login(persona).get("/don-vi/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "UBND tỉnh Thử Nghiệm" in body and "UBND huyện Một" in body
    assert ("Nhập từ Excel" in body) is (persona in ("organiser", "admin"))


def test_anonymous_is_sent_to_login(login):
    response = login("anonymous").get("/don-vi/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_children_follow_their_parent_one_level_deeper(world, login):
    xa = UnitType.objects.create(code="xa", name="Xã")
    Unit.objects.create(name="UBND xã An Bình", unit_type=xa, parent=world["unit"])
    Unit.objects.create(name="A Đơn vị độc lập", unit_type=xa)
    body = login("viewer").get("/don-vi/").content.decode()
    order = [
        body.index(name)
        for name in ("A Đơn vị độc lập", "UBND tỉnh Thử Nghiệm", "UBND huyện Hai", "UBND huyện Một", "UBND xã An Bình")
    ]
    assert order == sorted(order)
    assert 'calc(2 * 1.4rem)">└ UBND xã An Bình' in body
