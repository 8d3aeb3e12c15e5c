"""Every refusal is JSON `{"code", "title", "message", "field"}` in Vietnamese, 403 with the web's own reason."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from django.test import Client, RequestFactory

from dti.api.main import api
from dti.core.errors import Conflict, ServiceError
from tests.api.conftest import bearer
from tests.conftest import World

NOT_FOUND = {
    "code": "not_found",
    "title": "Không tìm thấy trang",
    "message": "Trang hoặc dữ liệu bạn tìm không tồn tại hoặc đã bị xóa.",
    "field": "",
}


@pytest.mark.parametrize(
    "url",
    ["/api/frameworks/999999", "/api/campaigns/999999", "/api/assessments/999999", "/api/results/999999", "/api/"],
)
def test_what_is_not_there_is_404(world: World, token: Callable[[str], str], url: str) -> None:
    response = bearer(token("organiser")).get(url)
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_403_says_what_the_web_page_says(
    world: World, token: Callable[[str], str], login: Callable[[str], Client]
) -> None:
    pk = world["assessment"].pk
    response = bearer(token("other_reporter")).get(f"/api/assessments/{pk}")
    assert response.status_code == 403
    message = "Bạn không có quyền xem bản tự đánh giá của đơn vị này."
    assert response.json() == {"code": "forbidden", "title": "Không có quyền truy cập", "message": message, "field": ""}
    web = login("other_reporter").get(f"/danh-gia/{pk}/")
    assert web.status_code == 403 and message in web.content.decode()


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/units?limit=nhieu", "limit"),
        ("/api/units?limit=501", "limit"),
        ("/api/units?offset=-1", "offset"),
        ("/api/frameworks/abc", "framework_id"),
        (f"/api/frameworks/{2**63}", "framework_id"),
        ("/api/campaigns?year=20233", "year"),
    ],
)
def test_a_bad_parameter_is_422_naming_it(world: World, token: Callable[[str], str], url: str, field: str) -> None:
    response = bearer(token("viewer")).get(url)
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid",
        "title": "Dữ liệu không hợp lệ",
        "message": f"Giá trị của “{field}” không hợp lệ.",
        "field": field,
    }


def test_a_method_an_address_does_not_take_is_405_json(world: World, token: Callable[[str], str]) -> None:
    response = bearer(token("organiser")).delete("/api/units")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json()["code"] == "method_not_allowed"
    assert response.json()["message"] == "Địa chỉ này không nhận phương thức HTTP đã dùng."


def test_a_service_refusal_is_422_with_its_field() -> None:
    request = RequestFactory().get("/api/units")
    response = api.on_exception(request, ServiceError("Năm phải là số.", field="year"))
    assert response.status_code == 422
    assert b'"message": "N\xc4\x83m ph\xe1\xba\xa3i l\xc3\xa0 s\xe1\xbb\x91."' in response.content
    assert b'"field": "year"' in response.content


def test_a_stale_write_is_409_with_the_current_version() -> None:
    request = RequestFactory().get("/api/units")
    conflict = Conflict("Người khác vừa lưu chỉ số này.", current={"version": 4, "values": {"a": "15"}})
    response = api.on_exception(request, conflict)
    assert response.status_code == 409
    assert b'"code": "conflict"' in response.content
    assert b'"current": {"version": 4, "values": {"a": "15"}}' in response.content


def test_a_server_error_is_500_json_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    request = RequestFactory().get("/api/units")
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = api.on_exception(request, RuntimeError("hỏng"))
    assert response.status_code == 500
    assert b'"code": "server_error"' in response.content
    assert any(record.exc_info for record in caplog.records)


def test_a_nul_character_in_any_text_is_a_422_at_its_field_not_a_500(
    world: World, api_as: Callable[[str], Client]
) -> None:
    """PostgreSQL text cannot hold NUL (a 500 there: schemathesis found it); the API refuses it at its
    field before anything runs, as the web's forms do."""
    client = api_as("reporter")
    pk = world["assessment"].pk
    body = {"version": 0, "values": {"a": "1\x002"}}
    response = client.put(f"/api/assessments/{pk}/indicators/I.2", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["field"] == "values.a"
    assert not world["assessment"].entries.exists()
    response = client.get("/api/units", {"q": "Một\x00"})
    assert response.status_code == 422
    assert response.json()["field"] == "q"
