"""The participants page (choosing a group's units): search, filters, select-all, and a filtered
save that never drops a chosen unit the filter hides."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dti.campaigns.models import CampaignGroup, Participation
from dti.units.models import Unit, UnitType


@pytest.fixture
def units(world: Any, small_framework: Any) -> dict[str, Unit]:
    """Beside the world's province and its two districts (both in the group): a commune under
    UBND huyện Một, another province with a district, and a district already in another group."""
    huyen, tinh = world["unit"].unit_type, UnitType.objects.get(code="tinh")
    xa = UnitType.objects.create(code="xa", name="Xã")
    other = Unit.objects.create(name="UBND tỉnh Khác", unit_type=tinh)
    made = {
        "commune": Unit.objects.create(name="UBND xã Đông Phong", unit_type=xa, parent=world["unit"]),
        "other_province": other,
        "dong_anh": Unit.objects.create(name="UBND huyện Đông Anh", unit_type=huyen, parent=other),
        "taken": Unit.objects.create(name="UBND huyện Ba", unit_type=huyen, parent=other),
    }
    second = CampaignGroup.objects.create(campaign=world["campaign"], name="Nhóm hai", framework=small_framework)
    Participation.objects.create(campaign=world["campaign"], group=second, unit=made["taken"])
    return made


def url_of(world: Any) -> str:
    return f"/ky-danh-gia/{world['campaign'].pk}/nhom/{world['group'].pk}/don-vi/"


def form_of(body: str) -> str:
    return re.search(r'<form method="post" class="card" id="chon-don-vi">.*?</form>', body, re.S).group(0)


def lines(body: str) -> list[str]:
    """The unit lines of the form in order: "name" with a checkbox ("[x] name" ticked, "[-] name"
    disabled), "(name)" for a context line without one."""
    result = []
    for row in re.findall(r"<tr class=\"[^\"]*\">(.*?)</tr>", form_of(body), re.S):
        name = re.search(r'<span class="tree-name[^"]*">(?:└ )?([^<]+)</span>', row).group(1)
        box = re.search(r'<input type="checkbox"[^>]*>', row)
        if box is None:
            result.append(f"({name})")
        else:
            mark = "[-] " if "disabled" in box.group(0) else "[x] " if " checked" in box.group(0) else ""
            result.append(mark + name)
    return result


def posted(body: str) -> list[str]:
    """What a browser sends for `units` when the form is saved as shown: hidden fields and ticked boxes."""
    form = form_of(body)
    hidden = re.findall(r'<input type="hidden" name="units" value="(\d+)">', form)
    ticked = re.findall(r'<input type="checkbox" id="u-\d+" name="units" value="(\d+)" checked>', form)
    return hidden + ticked


def members(world: Any) -> list[str]:
    return sorted(p.unit.name for p in Participation.objects.filter(group=world["group"]).select_related("unit"))


def test_the_whole_tree_with_the_group_ticked_and_a_select_all(world, login, units):
    body = login("organiser").get(url_of(world)).content.decode()
    assert lines(body) == [
        "UBND tỉnh Khác",
        "[-] UBND huyện Ba",
        "UBND huyện Đông Anh",
        "UBND tỉnh Thử Nghiệm",
        "[x] UBND huyện Hai",
        "[x] UBND huyện Một",
        "UBND xã Đông Phong",
    ]
    assert '<input type="checkbox" data-select-all="units"> Chọn tất cả' in form_of(body)
    assert 'type="hidden" name="units"' not in body  # nothing hidden: every chosen unit has its box
    assert "Đã ở nhóm “Nhóm hai”" in body
    assert "style=" not in body.split("<main", 1)[1]  # indentation by class (CSP)


def test_search_ignores_accents_and_shows_the_units_above_without_a_box(world, login, units):
    body = login("organiser").get(url_of(world), {"tim": "DONG"}).content.decode()
    assert lines(body) == [
        "(UBND tỉnh Khác)",
        "UBND huyện Đông Anh",
        "(UBND tỉnh Thử Nghiệm)",
        "(UBND huyện Một)",
        "UBND xã Đông Phong",
    ]
    assert "Đang hiện 2 trên 7." in body and 'value="DONG"' in body
    assert sorted(posted(body)) == sorted([str(world["unit"].pk), str(world["other_unit"].pk)])  # kept, hidden
    assert "2 đơn vị đã chọn đang bị ẩn vẫn được giữ khi lưu." in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"loai": "xa"}, ["(UBND tỉnh Thử Nghiệm)", "(UBND huyện Một)", "UBND xã Đông Phong"]),
        ({"tinh": "khac", "loai": "huyen"}, ["(UBND tỉnh Khác)", "[-] UBND huyện Ba", "UBND huyện Đông Anh"]),
        ({"tim": "không có đơn vị này"}, []),
    ],
)
def test_filters_by_unit_type_and_province(world, login, units, params, expected):
    if params.get("tinh") == "khac":
        params = {**params, "tinh": str(units["other_province"].pk)}
    body = login("organiser").get(url_of(world), params).content.decode()
    assert lines(body) == expected
    if not expected:
        assert "Không có đơn vị nào khớp với điều kiện tìm." in body


def test_saving_a_filtered_list_keeps_the_chosen_units_it_hides(world, login, units):
    client, url = login("organiser"), url_of(world)
    params = {"tinh": str(units["other_province"].pk)}
    body = client.get(url, params).content.decode()
    assert "UBND huyện Một" not in form_of(body) and "UBND huyện Hai" not in form_of(body)
    response = client.post(f"{url}?tinh={params['tinh']}", {"units": [*posted(body), str(units["dong_anh"].pk)]})
    assert response.status_code == 302
    assert members(world) == ["UBND huyện Hai", "UBND huyện Một", "UBND huyện Đông Anh"]
    # unticking a shown unit removes it, and only it
    body = client.get(url, {"tim": "dong anh"}).content.decode()
    assert lines(body) == ["(UBND tỉnh Khác)", "[x] UBND huyện Đông Anh"]
    kept = [pk for pk in posted(body) if pk != str(units["dong_anh"].pk)]
    assert client.post(f"{url}?tim=dong+anh", {"units": kept}).status_code == 302
    assert members(world) == ["UBND huyện Hai", "UBND huyện Một"]


def test_a_refused_save_shows_the_filtered_list_again_as_posted(world, login, units):
    client, url = login("organiser"), url_of(world)
    body = client.get(url, {"loai": "xa"}).content.decode()
    response = client.post(f"{url}?loai=xa", {"units": [*posted(body), str(units["commune"].pk)]})
    assert response.status_code == 422
    body = response.content.decode()
    assert "UBND xã Đông Phong thuộc loại “Xã”" in body
    assert '<option value="xa" selected>Xã</option>' in body
    assert lines(body) == ["(UBND tỉnh Thử Nghiệm)", "(UBND huyện Một)", "[x] UBND xã Đông Phong"]
    assert sorted(posted(body)) == sorted(
        str(pk) for pk in (world["unit"].pk, world["other_unit"].pk, units["commune"].pk)
    )
    assert members(world) == ["UBND huyện Hai", "UBND huyện Một"]


@pytest.mark.parametrize("size", [3, 40])
def test_the_page_runs_the_same_queries_at_any_size(world, login, units, size):
    xa = UnitType.objects.get(code="xa")
    Unit.objects.bulk_create(Unit(name=f"UBND xã Số {n:03}", unit_type=xa, parent=world["unit"]) for n in range(size))
    client, url = login("organiser"), url_of(world)
    client.get(url)  # the session, the user and the framework are read once before counting
    with CaptureQueriesContext(connection) as captured:
        body = client.get(url, {"tim": "so 00", "loai": "xa", "tinh": str(world["unit"].parent_id)}).content.decode()
    assert "UBND xã Số 001" in body and "UBND xã Đông Phong" not in body
    assert len(captured) == QUERIES


QUERIES = 8  # session, user, notifications; the group; units, unit types; the group's units; other groups' units
