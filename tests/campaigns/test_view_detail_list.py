"""The campaign page's unit list: search by unit name, filters by status and ranking group."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dti.assessments.models import Assessment
from dti.campaigns.models import CampaignGroup, Participation
from dti.units.models import Unit


@pytest.fixture
def two_groups(world: Any, small_framework: Any) -> CampaignGroup:
    """UBND huyện Hai has submitted; a second group holds UBND huyện Đông Anh, not started."""
    Assessment.objects.filter(pk=world["other_assessment"].pk).update(status=Assessment.Status.SUBMITTED)
    second = CampaignGroup.objects.create(
        campaign=world["campaign"], name="Nhóm sở", framework=small_framework, order=2
    )
    unit = Unit.objects.create(name="UBND huyện Đông Anh", unit_type=world["unit"].unit_type)
    Participation.objects.create(campaign=world["campaign"], group=second, unit=unit)
    return second


def page(client: Any, world: Any, params: dict[str, str] | None = None) -> str:
    response = client.get(f"/ky-danh-gia/{world['campaign'].pk}/", params or {})
    assert response.status_code == 200
    return response.content.decode()


def shown(body: str) -> dict[str, list[str]]:
    """The units of each group card, by group name."""
    cards = re.findall(
        r'<div class="card" id="nhom-\d+">\s*<div class="toolbar">\s*<h2>([^<]+)</h2>(.*?)</table>', body, re.S
    )
    return {name: re.findall(r'<tr id="don-vi-\d+">\s*<td>([^<]+)<br>', rows) for name, rows in cards}


def test_every_unit_without_a_search(world, login, two_groups):
    body = page(login("viewer"), world)
    assert shown(body) == {"Nhóm huyện": ["UBND huyện Hai", "UBND huyện Một"], "Nhóm sở": ["UBND huyện Đông Anh"]}
    assert '<form class="filters" method="get" role="search">' in body and "Đang hiện" not in body
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]+)</option>', body)
    assert options == [
        ("", "Tất cả"),
        ("chua-bat-dau", "Chưa bắt đầu"),
        ("submitted", "Đã gửi"),
        ("draft", "Đang nhập liệu"),  # the statuses the units are in, in Vietnamese order
        ("", "Tất cả"),
        (str(world["group"].pk), "Nhóm huyện"),
        (str(two_groups.pk), "Nhóm sở"),
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"tim": "DONG anh"}, {"Nhóm huyện": [], "Nhóm sở": ["UBND huyện Đông Anh"]}),
        ({"trang-thai": "submitted"}, {"Nhóm huyện": ["UBND huyện Hai"], "Nhóm sở": []}),
        ({"trang-thai": "chua-bat-dau"}, {"Nhóm huyện": [], "Nhóm sở": ["UBND huyện Đông Anh"]}),
        ({"nhom": "first", "tim": "mot"}, {"Nhóm huyện": ["UBND huyện Một"]}),
    ],
)
def test_search_and_filters(world, login, two_groups, params, expected):
    if params.get("nhom") == "first":
        params = {**params, "nhom": str(world["group"].pk)}
    body = page(login("viewer"), world, params)
    assert shown(body) == expected
    count = sum(len(units) for units in expected.values())
    assert f"Đang hiện {count} trên 3." in body
    if not all(expected.values()):
        assert "Không có đơn vị nào khớp với điều kiện tìm." in body


def test_the_count_of_units_not_submitted_is_of_the_whole_campaign(world, login, two_groups):
    body = page(login("organiser"), world, {"trang-thai": "submitted"})
    assert "Còn 2 đơn vị chưa gửi báo cáo" in body


def test_one_group_has_no_group_filter(world, login):
    body = page(login("viewer"), world)
    assert 'name="nhom"' not in body and 'name="trang-thai"' in body


@pytest.mark.parametrize("size", [2, 12])
def test_the_filtered_page_runs_the_same_queries_at_any_size(world, login, two_groups, size):
    for number in range(size):
        unit = Unit.objects.create(name=f"UBND huyện Thêm {number:02}", unit_type=world["unit"].unit_type)
        participation = Participation.objects.create(campaign=world["campaign"], group=world["group"], unit=unit)
        if number % 3:
            Assessment.objects.create(participation=participation, status=Assessment.Status.SUBMITTED)
    client = login("organiser")
    page(client, world)  # the session, the user and the frameworks are read once before counting
    params = {"tim": "them", "trang-thai": "submitted", "nhom": str(world["group"].pk)}
    with CaptureQueriesContext(connection) as captured:
        body = page(client, world, params)
    assert "UBND huyện Thêm 01" in body and "UBND huyện Thêm 00" not in body
    assert len(captured) == QUERIES


QUERIES = 10
"""Session, user, notifications; campaign; groups; every unit's name, group and status; the page's units;
their entries; reopenings; the group form's frameworks."""


def test_the_units_are_listed_a_page_at_a_time_with_the_filters_kept(world, login, two_groups):
    units = Unit.objects.bulk_create(
        Unit(name=f"UBND huyện Thêm {n:03}", unit_type=world["unit"].unit_type) for n in range(120)
    )
    Participation.objects.bulk_create(
        Participation(campaign=world["campaign"], group=world["group"], unit=unit) for unit in units
    )
    client = login("organiser")
    first = page(client, world)
    assert len(shown(first)["Nhóm huyện"]) == 100 and shown(first)["Nhóm sở"] == []
    assert "1 đơn vị của nhóm ở trang khác." in first and "Trang 1/2" in first
    second = page(client, world, {"trang": "2"})
    assert shown(second)["Nhóm sở"] == ["UBND huyện Đông Anh"] and len(shown(second)["Nhóm huyện"]) == 22
    searched = page(client, world, {"tim": "them", "trang-thai": "chua-bat-dau"})
    assert 'href="?tim=them&amp;trang-thai=chua-bat-dau&amp;trang=2"' in searched
    last = page(client, world, {"tim": "them", "trang-thai": "chua-bat-dau", "trang": "2"})
    assert shown(last)["Nhóm huyện"] == [f"UBND huyện Thêm {n:03}" for n in range(100, 120)]
    assert "Đang hiện 120 trên 123." in last
