"""Signing out after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS after signing in.

Time is moved by dating the session's own clock back (when the person signed in, their last
request), as a real session would be after that long.
"""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from django.test import Client
from django.utils import timezone

from dti.assessments.models import Entry
from dti.core.middleware import SEEN_AT, SIGNED_IN_AT
from tests.conftest import PASSWORD

IDLE = "Phiên làm việc đã hết hạn sau 30 phút không hoạt động."
TOO_LONG = "Phiên làm việc đã hết hạn: mỗi lần đăng nhập dùng được tối đa 12 giờ."
NOT_SAVED = "Nội dung vừa gửi chưa được lưu; hãy đăng nhập lại rồi nhập lại."


def date_back(client: Client, *, idle: float = 0, signed_in: float = 0) -> None:
    """The session's last request `idle` seconds ago, its sign-in `signed_in` seconds ago."""
    session = client.session
    now = timezone.now().timestamp()
    session[SEEN_AT] = now - idle
    session[SIGNED_IN_AT] = now - max(signed_in, idle)
    session.save()


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_a_request_inside_the_idle_time_keeps_the_session(world, login):
    client = login("reporter")
    date_back(client, idle=29 * 60)
    before = timezone.now().timestamp()
    assert client.get("/").status_code == 200
    assert signed_in(client)
    assert client.session[SEEN_AT] >= before  # the last request is now


def test_the_next_page_after_the_idle_time_asks_to_sign_in_again(world, login):
    client = login("reporter")
    date_back(client, idle=31 * 60)
    path = f"/danh-gia/{world['assessment'].pk}/"
    response = client.get(path)
    assert response.status_code == 302
    assert unquote(response.url) == f"/dang-nhap/?next={path}"
    assert not signed_in(client)
    page = client.get(response.url).content.decode()
    assert f"{IDLE} Hãy đăng nhập lại." in page
    assert client.get(path).url.startswith("/dang-nhap/")  # still signed out


def test_a_form_sent_after_the_idle_time_is_not_saved_and_the_login_page_says_so(world, login):
    client = login("reporter")
    page = f"/danh-gia/{world['assessment'].pk}/"
    date_back(client, idle=31 * 60)
    response = client.post(f"{page}chi-so/I.2/", {"version": "0", "a": "12"}, HTTP_REFERER=f"http://testserver{page}")
    assert response.status_code == 302
    assert unquote(response.url) == f"/dang-nhap/?next={page}"  # back to the page, not to the POST-only URL
    assert f"{IDLE} {NOT_SAVED}" in client.get(response.url).content.decode()
    assert not Entry.objects.filter(assessment=world["assessment"]).exists()


def test_an_autosave_after_the_idle_time_gets_401_with_the_message(world, login):
    client = login("reporter")
    date_back(client, idle=31 * 60)
    response = client.post(
        f"/danh-gia/{world['assessment'].pk}/chi-so/I.2/", {"version": "0", "a": "12"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == f"{IDLE} {NOT_SAVED}"
    assert not Entry.objects.filter(assessment=world["assessment"]).exists()
    assert not signed_in(client)


def test_a_session_ends_after_the_maximum_hours_even_when_active(world, login):
    client = login("leader")
    date_back(client, idle=10, signed_in=12 * 3600 + 60)
    response = client.get("/")
    assert response.url.startswith("/dang-nhap/")
    assert f"{TOO_LONG} Hãy đăng nhập lại." in client.get(response.url).content.decode()


@pytest.mark.parametrize(("minutes", "idle", "ends"), [(5, 4 * 60, False), (5, 6 * 60, True), (60, 45 * 60, False)])
def test_the_idle_time_is_a_setting(world, login, settings, minutes, idle, ends):
    settings.SESSION_IDLE_MINUTES = minutes
    client = login("viewer")
    date_back(client, idle=idle)
    response = client.get("/")
    assert (response.status_code == 302) == ends
    if ends:
        assert f"sau {minutes} phút không hoạt động" in client.get(response.url).content.decode()


def test_the_last_request_is_written_at_most_once_a_minute(world, login):
    client = login("reporter")
    date_back(client, idle=30)
    seen = client.session[SEEN_AT]
    client.get("/")
    assert client.session[SEEN_AT] == seen  # a page view within the minute leaves the session as it was
    date_back(client, idle=90)
    before = timezone.now().timestamp()
    client.get("/")
    assert client.session[SEEN_AT] >= before


def test_signing_in_starts_the_clock(world):
    client = Client()
    before = timezone.now().timestamp()
    response = client.post("/dang-nhap/", {"username": "reporter", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[SIGNED_IN_AT] >= before
    assert client.session[SEEN_AT] >= before


def test_signing_out_after_the_idle_time_just_signs_out(world, login):
    client = login("reporter")
    date_back(client, idle=31 * 60)
    response = client.post("/dang-xuat/")
    assert response.url == "/dang-nhap/"
    assert not signed_in(client)


def test_the_message_in_english_for_who_chose_it(world, login):
    client = login("reporter")
    client.cookies["django_language"] = "en"
    date_back(client, idle=31 * 60)
    response = client.post(f"/danh-gia/{world['assessment'].pk}/chi-so/I.2/", {"a": "1"}, HTTP_HX_REQUEST="true")
    assert response.content.decode() == (
        "Your session expired after 30 minutes without activity. "
        "What you just sent was not saved; sign in again and enter it again."
    )


SIGNED_OUT = "Bạn chưa đăng nhập hoặc đã đăng xuất (có thể ở một thẻ khác)."


def test_an_autosave_after_signing_out_in_another_tab_gets_401_not_the_login_page(world, login):
    """The login page would be swapped into the indicator's box; the 401's text is shown beside the form instead."""
    client = login("reporter")
    client.post("/dang-xuat/")  # the other tab
    response = client.post(
        f"/danh-gia/{world['assessment'].pk}/chi-so/I.2/", {"version": "0", "a": "12"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == f"{SIGNED_OUT} {NOT_SAVED}"
    assert not Entry.objects.filter(assessment=world["assessment"]).exists()


def test_an_htmx_page_part_asked_by_someone_not_signed_in_gets_401(world):
    response = Client().get(f"/danh-gia/{world['assessment'].pk}/chi-so-chinh/I/", HTTP_HX_REQUEST="true")
    assert response.status_code == 401
    assert response.content.decode() == f"{SIGNED_OUT} Hãy đăng nhập lại."


def test_without_htmx_someone_not_signed_in_still_goes_to_the_login_page(world):
    path = f"/danh-gia/{world['assessment'].pk}/chi-so/I.2/"
    response = Client().post(path, {"version": "0", "a": "12"})
    assert response.status_code == 302
    assert unquote(response.url) == f"/dang-nhap/?next={path}"
    assert not Entry.objects.filter(assessment=world["assessment"]).exists()


def test_the_signed_out_message_in_english_for_who_chose_it(world):
    client = Client()
    client.cookies["django_language"] = "en"
    response = client.post(f"/danh-gia/{world['assessment'].pk}/chi-so/I.2/", {"a": "1"}, HTTP_HX_REQUEST="true")
    assert response.content.decode() == (
        "You are not signed in, or you signed out (perhaps in another tab). "
        "What you just sent was not saved; sign in again and enter it again."
    )
