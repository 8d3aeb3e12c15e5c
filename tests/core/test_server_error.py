"""The 500 page: Vietnamese, truthful about what was kept, logged with the traceback, without the database."""

from __future__ import annotations

import logging

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import path
from django.utils import translation

from dti import urls as dti_urls
from dti.core.views import server_error
from dti.units.models import UnitType

KEPT_GET = "Không có dữ liệu nào bị mất."
KEPT_POST = "Thay đổi vừa gửi chưa được lưu; dữ liệu đã lưu trước đó vẫn còn nguyên."
WHAT = "Máy chủ gặp lỗi khi xử lý yêu cầu này. Lỗi đã được ghi lại để quản trị hệ thống xem xét."


def broken(request: HttpRequest) -> HttpResponse:
    """A view that fails after writing, as a change whose page fails to render would."""
    if request.method == "POST":
        UnitType.objects.create(code="ghi-do", name="Ghi dở")
    raise RuntimeError("hỏng giữa chừng")


urlpatterns = [path("hong/", broken), *dti_urls.urlpatterns]
handler500 = dti_urls.handler500


@pytest.fixture
def client(login):
    client = login("reporter")
    client.raise_request_exception = False
    return client


@override_settings(ROOT_URLCONF=__name__)
def test_a_failing_page_says_nothing_was_lost_and_logs_the_traceback(client, caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/hong/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Lỗi máy chủ</h1>" in page and WHAT in page and KEPT_GET in page
    assert KEPT_POST not in page
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelname == "ERROR" and record.getMessage() == "Internal Server Error: /hong/"
    assert record.exc_info is not None and "hỏng giữa chừng" in str(record.exc_info[1])


@override_settings(ROOT_URLCONF=__name__)
def test_a_failing_change_is_rolled_back_and_the_page_says_so(client, caplog):
    before = UnitType.objects.count()
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.post("/hong/", {"ten": "x"})
    assert response.status_code == 500
    assert KEPT_POST in response.content.decode()
    assert UnitType.objects.count() == before  # what the view wrote before failing was not kept
    assert any(r.name == "django.request" and r.exc_info for r in caplog.records)


@override_settings(ROOT_URLCONF=__name__)
def test_an_autosave_gets_the_message_as_text(client):
    response = client.post("/hong/", {"a": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 500
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == f"{WHAT} {KEPT_POST}"


@override_settings(ROOT_URLCONF=__name__)
def test_the_500_page_carries_the_security_headers(client):
    response = client.get("/hong/")
    assert response["Content-Security-Policy"].startswith("default-src 'self'")
    assert "no-store" in response["Cache-Control"]


def test_the_500_page_needs_no_database():
    # Without the `db` fixture, pytest-django makes any database access fail.
    with translation.override("vi"):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500 and KEPT_GET in response.content.decode()


def test_the_project_uses_this_page():
    assert dti_urls.handler500 == "dti.core.views.server_error"


@override_settings(ROOT_URLCONF=__name__)
def test_the_500_page_in_english_for_who_chose_it(client):
    client.cookies["django_language"] = "en"
    page = client.post("/hong/").content.decode()
    assert '<html lang="en">' in page and "<h1>Server error</h1>" in page
    assert "The change you just sent was not saved; everything saved before is intact." in page
