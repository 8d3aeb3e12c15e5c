"""The appraisal campaign page's unit list: search by unit name, filters by status, ranking group
and appraiser, the unit column kept in view and the main indices named."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dti.assessments.models import Assessment
from dti.campaigns.models import CampaignGroup, Participation
from dti.units.models import Unit
from tests.appraisal.test_query_counts import add_units


@pytest.fixture
def listed(appraising: Any, small_framework: Any) -> Any:
    """UBND huyện Hai is being appraised (nobody assigned); a second group holds UBND huyện Đông Anh, not opened."""
    Assessment.objects.filter(pk=appraising["other_assessment"].pk).update(status=Assessment.Status.IN_APPRAISAL)
    second = CampaignGroup.objects.create(campaign=appraising["campaign"], name="Nhóm sở", framework=small_framework)
    unit = Unit.objects.create(name="UBND huyện Đông Anh", unit_type=appraising["unit"].unit_type)
    Participation.objects.create(campaign=appraising["campaign"], group=second, unit=unit)
    appraising["second"] = second
    return appraising


def page(client: Any, world: Any, params: dict[str, str] | None = None) -> str:
    response = client.get(f"/tham-dinh/ky/{world['campaign'].pk}/", params or {})
    assert response.status_code == 200
    return response.content.decode()


def shown(body: str) -> dict[str, list[str]]:
    """The units of each group's table, by group name."""
    cards = re.findall(r'<div class="card" id="nhom-\d+">\s*<h2>([^<]+)</h2>(.*?)</table>', body, re.S)
    return {
        name: re.findall(r'<td class="fixed">([^<]+?)(?: <span class="badge info">có thay đổi</span>)?</td>', rows)
        for name, rows in cards
    }


def offered(body: str) -> list[str]:
    """The units the assignment form offers."""
    form = re.search(r'<div class="card" id="phan-cong">.*?</form>', body, re.S).group(0)
    return re.findall(r'<input type="checkbox" name="units" value="\d+"[^>]*> ([^<]+)</label>', form)


def test_every_unit_with_the_filters_and_named_indices(listed, login):
    body = page(login("organiser"), listed)
    assert shown(body) == {"Nhóm huyện": ["UBND huyện Hai", "UBND huyện Một"], "Nhóm sở": ["UBND huyện Đông Anh"]}
    assert '<th colspan="2" class="index-name">I. Nhận thức số</th>' in body
    assert '<th colspan="2" class="index-name">II. Thể chế số</th>' in body
    assert '<div class="table-wrap"><table class="appraisal-totals">' in body
    assert '<th rowspan="2" class="fixed" aria-sort="ascending"><a class="sort" href="?sap-xep=-ten">Đơn vị' in body
    options = dict(re.findall(r'<select id="loc-([^"]+)" name="[^"]+">(.*?)</select>', body, re.S))
    assert re.findall(r">([^<]+)</option>", options["trang-thai"]) == [
        "Tất cả",
        "Chưa mở",
        "Đã gửi",
        "Đang thẩm định",  # the statuses the units are in, in the workflow's order
    ]
    assert re.findall(r">([^<]+)</option>", options["nhom"]) == ["Tất cả", "Nhóm huyện", "Nhóm sở"]
    appraiser = listed["users"]["appraiser"]
    assert re.findall(r'value="([^"]*)"[^>]*>([^<]+)</option>', options["tham-dinh"]) == [
        ("", "Tất cả"),
        (str(appraiser.pk), appraiser.display_name),
        ("chua-phan-cong", "Chưa phân công"),
    ]
    assert '<input type="checkbox" data-select-all="units"> Chọn tất cả' in body
    assert offered(body) == ["UBND huyện Hai", "UBND huyện Một", "UBND huyện Đông Anh"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"tim": "DONG anh"}, {"Nhóm huyện": [], "Nhóm sở": ["UBND huyện Đông Anh"]}),
        ({"trang-thai": "in_appraisal"}, {"Nhóm huyện": ["UBND huyện Hai"], "Nhóm sở": []}),
        ({"trang-thai": "chua-mo"}, {"Nhóm huyện": [], "Nhóm sở": ["UBND huyện Đông Anh"]}),
        ({"tham-dinh": "appraiser"}, {"Nhóm huyện": ["UBND huyện Một"], "Nhóm sở": []}),
        (
            {"tham-dinh": "chua-phan-cong", "tim": "huyen"},
            {"Nhóm huyện": ["UBND huyện Hai"], "Nhóm sở": ["UBND huyện Đông Anh"]},
        ),
        ({"nhom": "second"}, {"Nhóm sở": ["UBND huyện Đông Anh"]}),
    ],
)
def test_search_and_filters(listed, login, params, expected):
    if params.get("tham-dinh") == "appraiser":
        params = {**params, "tham-dinh": str(listed["users"]["appraiser"].pk)}
    if params.get("nhom") == "second":
        params = {**params, "nhom": str(listed["second"].pk)}
    body = page(login("organiser"), listed, params)
    assert shown(body) == expected
    units = [name for names in expected.values() for name in names]
    assert f"Đang hiện {len(units)} trên 3." in body
    assert offered(body) == sorted(units)  # the assignment form offers the units shown, for select-all
    if not all(expected.values()):
        assert "Không có đơn vị nào khớp với điều kiện tìm." in body


def test_a_person_who_does_not_run_the_appraisal_filters_too(listed, login):
    body = page(login("chair"), listed, {"tim": "mot"})
    assert shown(body) == {"Nhóm huyện": ["UBND huyện Một"], "Nhóm sở": []}
    assert 'id="phan-cong"' not in body


@pytest.mark.parametrize("persona", ["organiser", "chair"])
def test_the_filtered_page_runs_the_same_queries_at_any_size(listed, login, persona):
    client = login(persona)
    appraiser = str(listed["users"]["appraiser"].pk)
    params = {"tim": "them", "trang-thai": "in_appraisal", "tham-dinh": appraiser, "nhom": str(listed["group"].pk)}
    counts = []
    for count, first in ((3, 1), (10, 4)):
        add_units(listed, count, first)
        page(client, listed, params)  # caches warmed
        with CaptureQueriesContext(connection) as captured:
            body = page(client, listed, params)
        counts.append(len(captured))
    assert "UBND huyện Thêm 13" in body and "UBND huyện Thêm 10" not in body  # every fifth has not submitted
    assert counts[0] == counts[1]


# ---------------------------------------------------------------- the appraisal home


def home_units(body: str) -> list[str]:
    return re.findall(r"<tr>\s*<td>([^<]+?)(?:<br>|</td>)", body)


def test_the_home_list_is_searched_and_filtered_by_status(listed, login):
    client = login("organiser")
    body = client.get("/tham-dinh/").content.decode()
    assert home_units(body) == ["UBND huyện Hai", "UBND huyện Một"] and "Đang hiện" not in body
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]+)</option>', body)
    assert options == [("", "Tất cả"), ("submitted", "Đã gửi"), ("in_appraisal", "Đang thẩm định")]
    body = client.get("/tham-dinh/", {"trang-thai": "in_appraisal"}).content.decode()
    assert home_units(body) == ["UBND huyện Hai"] and "Đang hiện 1 trên 2." in body
    body = client.get("/tham-dinh/", {"tim": "MOT"}).content.decode()
    assert home_units(body) == ["UBND huyện Một"]
    body = client.get("/tham-dinh/", {"tim": "không có"}).content.decode()
    assert home_units(body) == [] and "Không có đơn vị nào khớp với điều kiện tìm." in body


def test_the_filtered_home_runs_the_same_queries_at_any_size(listed, login):
    client = login("appraiser")
    counts = []
    for count, first in ((3, 1), (10, 4)):
        add_units(listed, count, first)
        client.get("/tham-dinh/")
        with CaptureQueriesContext(connection) as captured:
            body = client.get("/tham-dinh/", {"tim": "them", "trang-thai": "in_appraisal"}).content.decode()
        counts.append(len(captured))
    assert "UBND huyện Thêm 13" in body and "UBND huyện Thêm 10" not in body
    assert counts[0] == counts[1]
