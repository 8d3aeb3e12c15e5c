"""Who may call: a personal token or the web session; anything else is 401 JSON. A token is held to
its rate (429 with Retry-After), counted in the database cache that every worker process shares."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from ninja.errors import HttpError
from pytest_django.fixtures import Settings

from dti.api.auth import WebSession
from dti.api.main import api
from tests.api.conftest import bearer
from tests.conftest import World

UNAUTHENTICATED = "Cần một khóa API còn hiệu lực (Authorization: Bearer dti_…) hoặc đăng nhập."


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer dti_00000000_khong-phai-khoa-that"},
        {"Authorization": "Bearer "},
        {"Authorization": "Token dti_00000000_sai-kieu"},
        {"Authorization": "Basic cmVwb3J0ZXI6bWF0LWtoYXU="},
    ],
    ids=["none", "unknown", "empty", "other-scheme", "basic"],
)
def test_a_call_without_a_valid_token_is_401_json(world: World, headers: dict[str, str]) -> None:
    response = Client(headers=headers).get("/api/units")
    assert response.status_code == 401
    assert response.json() == {
        "code": "unauthenticated",
        "title": "Chưa xác thực",
        "message": UNAUTHENTICATED,
        "field": "",
    }


def test_a_token_calls_as_its_owner(world: World, token: Callable[[str], str]) -> None:
    mine = bearer(token("reporter")).get("/api/assessments").json()
    assert [a["unit_name"] for a in mine["items"]] == ["UBND huyện Một"]
    theirs = bearer(token("other_leader")).get("/api/assessments").json()
    assert [a["unit_name"] for a in theirs["items"]] == ["UBND huyện Hai"]


def test_a_token_call_starts_no_session(world: World, token: Callable[[str], str]) -> None:
    response = bearer(token("reporter")).get("/api/units")
    assert response.status_code == 200 and "sessionid" not in response.cookies
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_session")
        assert cursor.fetchone()[0] == 0


def test_the_web_session_calls_as_the_signed_in_person(world: World, login: Callable[[str], Client]) -> None:
    response = login("other_reporter").get("/api/assessments")
    assert [a["unit_name"] for a in response.json()["items"]] == ["UBND huyện Hai"]


def test_a_change_through_the_session_needs_the_csrf_token(world: World) -> None:
    """No endpoint of this version writes; the session's check is ninja's, its refusal ours in Vietnamese."""
    request = RequestFactory().post("/api/units")
    request.COOKIES["sessionid"] = "x"
    request.user = world["users"]["reporter"]
    with pytest.raises(HttpError) as refused:
        WebSession()(request)
    response = api.on_exception(request, refused.value)
    assert response.status_code == 403
    assert b"X-CSRFToken" in response.content and b"csrf" in response.content


def test_a_token_past_its_rate_is_429_with_retry_after(
    world: World, token: Callable[[str], str], settings: Settings
) -> None:
    settings.API_RATE_PER_MINUTE = 3
    while time.time() % 60 > 55:  # the four calls fall in one minute of the clock
        time.sleep(0.5)
    client, other = bearer(token("reporter")), bearer(token("reporter"))
    assert [client.get("/api/units").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/units")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    body = response.json()
    assert body["code"] == "rate_limited" and body["title"] == "Quá nhiều yêu cầu"
    assert body["message"].startswith("Khóa API này đã gọi quá 3 lần trong một phút; hãy thử lại sau ")
    assert other.get("/api/units").status_code == 200  # per token
    with connection.cursor() as cursor:  # in the shared cache table, not one process's memory
        cursor.execute("SELECT COUNT(*) FROM dti_cache WHERE cache_key LIKE '%dti-api-rate%'")
        assert cursor.fetchone()[0] == 2


def test_public_results_need_no_token(world: World) -> None:
    assert Client().get("/api/results").status_code == 200
