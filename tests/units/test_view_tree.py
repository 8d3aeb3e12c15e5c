"""The unit tree at /don-vi/: every signed-in role sees it; province → district → commune."""

from __future__ import annotations

import re

import pytest

from dti.units.models import Unit, UnitType
from tests.conftest import PERSONAS

QUERIES = 5  # session, user, notifications count for the header; units; unit types


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
    assert names(body) == [
        "A Đơn vị độc lập",
        "UBND tỉnh Thử Nghiệm",
        "UBND huyện Hai",
        "UBND huyện Một",
        "UBND xã An Bình",
    ]
    assert '<span class="tree-name depth-2">└ UBND xã An Bình' in body
    assert "style=" not in body.split("<main", 1)[1]  # indentation by class: no inline style (CSP)


def names(body: str) -> list[str]:
    """The unit names of the tree, in order, with "(context)" after a parent shown only for context."""
    rows = re.findall(
        r'<tr class="([^"]*)">\s*<td class="fixed"><span class="tree-name[^"]*">(?:└ )?([^<]+)</span>', body
    )
    return [name + (" (context)" if "context" in css else "") for css, name in rows]


@pytest.fixture
def communes(world):
    """Two communes under UBND huyện Một (one no longer active) and another province with a district."""
    xa = UnitType.objects.create(code="xa", name="Xã")
    tinh = UnitType.objects.get(code="tinh")
    Unit.objects.create(name="UBND xã Đông Phong", unit_type=xa, parent=world["unit"])
    Unit.objects.create(name="UBND xã Tây Sơn", unit_type=xa, parent=world["unit"], is_active=False)
    other = Unit.objects.create(name="UBND tỉnh Khác", unit_type=tinh)
    Unit.objects.create(name="UBND huyện Đông Anh", unit_type=world["unit"].unit_type, parent=other)
    return other


def test_search_ignores_case_and_accents_and_shows_the_units_above(login, communes):
    body = login("viewer").get("/don-vi/", {"tim": "DONG"}).content.decode()
    assert names(body) == [
        "UBND tỉnh Khác (context)",
        "UBND huyện Đông Anh",
        "UBND tỉnh Thử Nghiệm (context)",
        "UBND huyện Một (context)",
        "UBND xã Đông Phong",
    ]
    assert "Đang hiện 2 trên 7." in body
    assert 'value="DONG"' in body and "Bỏ lọc" in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"loai": "xa"},
            ["UBND tỉnh Thử Nghiệm (context)", "UBND huyện Một (context)", "UBND xã Đông Phong", "UBND xã Tây Sơn"],
        ),
        (
            {"trang-thai": "ngung-hoat-dong"},
            ["UBND tỉnh Thử Nghiệm (context)", "UBND huyện Một (context)", "UBND xã Tây Sơn"],
        ),
        ({"loai": "huyen", "tim": "đông"}, ["UBND tỉnh Khác (context)", "UBND huyện Đông Anh"]),
        ({"tim": "không có đơn vị này"}, []),
    ],
)
def test_filters_by_type_and_status(login, communes, params, expected):
    body = login("viewer").get("/don-vi/", params).content.decode()
    assert names(body) == expected
    if not expected:
        assert "Không có đơn vị nào khớp với điều kiện tìm." in body


def test_filter_by_province_keeps_its_whole_tree(login, communes):
    body = login("viewer").get("/don-vi/", {"tinh": str(communes.pk)}).content.decode()
    assert names(body) == ["UBND tỉnh Khác", "UBND huyện Đông Anh"]
    options = re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', body)
    assert [name for _pk, name in options] == [
        "UBND tỉnh Khác",
        "UBND tỉnh Thử Nghiệm",
    ]  # provinces: top units with units under them


def test_an_unknown_filter_value_is_ignored(login, communes):
    body = login("viewer").get("/don-vi/", {"loai": "khong-co", "tinh": "abc"}).content.decode()
    assert len(names(body)) == 7 and "Bỏ lọc" not in body


@pytest.mark.parametrize("size", [5, 60])
def test_the_list_runs_the_same_queries_at_any_size(login, world, django_assert_num_queries, size):
    xa = UnitType.objects.create(code="xa", name="Xã")
    Unit.objects.bulk_create(
        Unit(name=f"UBND xã Số {n:03}", unit_type=xa, parent=world["unit"], is_active=n % 7 != 0) for n in range(size)
    )
    client = login("viewer")
    client.get("/don-vi/")  # the session and the user are read once before counting
    with django_assert_num_queries(QUERIES):
        body = client.get("/don-vi/", {"tim": "so", "trang-thai": "dang-hoat-dong"}).content.decode()
    assert "UBND xã Số 001" in body and "UBND xã Số 007" not in body
