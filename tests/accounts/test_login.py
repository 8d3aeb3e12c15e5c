"""Signing in and out: Vietnamese pages, lockout after 5 failures (django-axes), CSRF, POST-only logout."""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client

from dti.assessments.models import Entry
from tests.conftest import PASSWORD

WRONG = "Tên đăng nhập hoặc mật khẩu không đúng. Sau 5 lần sai liên tiếp, tài khoản bị tạm khóa 15 phút."
LOCKED = "Đăng nhập sai quá nhiều lần. Vì an toàn, tài khoản bị tạm khóa 15 phút trên máy này."


@pytest.fixture(autouse=True)
def _axes(settings: Any) -> None:
    """The production lockout rules (5 failures, 15 minutes), whatever the environment says."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = 0.25


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def sign_in(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post("/dang-nhap/", {"username": username, "password": password}, **extra)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# ---------------------------------------------------------------------------------------------


def test_the_login_page_is_in_vietnamese(world):
    response = Client().get("/dang-nhap/")
    assert response.status_code == 200
    body = text(response)
    assert '<html lang="vi">' in body
    assert "<title>Đăng nhập · DTI</title>" in body
    assert '<label for="id_username">Tên đăng nhập</label>' in body
    assert '<label for="id_password">Mật khẩu</label>' in body
    assert '<button class="btn" type="submit">Đăng nhập</button>' in body


def test_the_right_password_signs_in_and_goes_home(world):
    client = Client()
    response = sign_in(client, "reporter", PASSWORD)
    assert response.status_code == 302 and response.url == "/"
    assert signed_in(client)
    assert "Xin chào, Reporter" in text(client.get("/"))


def test_sign_in_returns_to_the_page_asked_for(world):
    client = Client()
    target = f"/danh-gia/{world['assessment'].pk}/"
    response = client.post(f"/dang-nhap/?next={target}", {"username": "reporter", "password": PASSWORD, "next": target})
    assert response.url == target


def test_sign_in_never_sends_to_another_site(world):
    client = Client()
    response = client.post("/dang-nhap/", {"username": "reporter", "password": PASSWORD, "next": "https://lua-dao.vn/"})
    assert response.status_code == 302 and response.url == "/"


@pytest.mark.parametrize(("username", "password"), [("reporter", "sai-mat-khau"), ("khong-ton-tai", PASSWORD)])
def test_a_wrong_password_or_unknown_user_gets_the_same_vietnamese_message(world, username, password):
    client = Client()
    response = sign_in(client, username, password)
    assert response.status_code == 200
    assert WRONG in text(response)
    assert not signed_in(client)


def test_a_deactivated_account_cannot_sign_in(world):
    user = world["users"]["reporter"]
    user.is_active = False
    user.save()
    client = Client()
    response = sign_in(client, "reporter", PASSWORD)
    assert not signed_in(client)
    assert response.status_code == 200
    assert "không đúng" in text(response) or "đã bị khóa" in text(response)


def test_the_home_page_needs_sign_in(world):
    response = Client().get("/")
    assert response.status_code == 302 and response.url == "/dang-nhap/?next=/"


# ---------------------------------------------------------------------------------------------
# Lockout (django-axes)


def fail(client: Client, times: int, username: str = "reporter", **extra: Any) -> Any:
    response = None
    for _ in range(times):
        response = sign_in(client, username, "sai-mat-khau", **extra)
    return response


def test_four_failures_do_not_lock(world):
    client = Client()
    response = fail(client, 4)
    assert response.status_code == 200 and WRONG in text(response)
    assert sign_in(client, "reporter", PASSWORD).status_code == 302
    assert signed_in(client)


def test_the_fifth_failure_locks_with_the_vietnamese_page(world):
    client = Client()
    response = fail(client, 5)
    assert response.status_code == 429
    body = text(response)
    assert "Tài khoản tạm khóa" in body
    assert LOCKED in body
    assert '<html lang="vi">' in body


def test_while_locked_even_the_right_password_is_refused(world):
    client = Client()
    fail(client, 5)
    response = sign_in(client, "reporter", PASSWORD)
    assert response.status_code == 429
    assert LOCKED in text(response)
    assert not signed_in(client)
    # A fresh browser on the same machine is locked out too.
    fresh = Client()
    assert sign_in(fresh, "reporter", PASSWORD).status_code == 429
    assert not signed_in(fresh)


def test_the_lock_is_for_that_account_on_that_machine(world):
    fail(Client(), 5)
    other_user = Client()
    assert sign_in(other_user, "leader", PASSWORD).status_code == 302
    other_machine = Client()
    assert sign_in(other_machine, "reporter", PASSWORD, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_the_lock_ends_after_15_minutes(world):
    client = Client()
    fail(client, 5)
    assert sign_in(client, "reporter", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16))
    response = sign_in(client, "reporter", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_a_successful_sign_in_resets_the_count(world):
    client = Client()
    fail(client, 4)
    sign_in(client, "reporter", PASSWORD)
    client.post("/dang-xuat/")
    response = fail(client, 4)
    assert response.status_code == 200
    assert sign_in(client, "reporter", PASSWORD).status_code == 302


# ---------------------------------------------------------------------------------------------
# CSRF


def test_sign_in_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    response = sign_in(client, "reporter", PASSWORD)
    assert response.status_code == 403
    assert not signed_in(client)


def test_sign_in_with_the_csrf_token_works(world):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/dang-nhap/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post("/dang-nhap/", {"username": "reporter", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert signed_in(client)


def test_the_csrf_refusal_page_is_in_vietnamese(world):
    """A form left open past a sign-out fails the CSRF check: the person must understand why."""
    response = sign_in(Client(enforce_csrf_checks=True), "reporter", PASSWORD)
    body = text(response)
    assert response.status_code == 403
    assert '<html lang="vi">' in body, body[:300]
    assert "CSRF verification failed" not in body


def test_a_save_without_the_csrf_token_is_refused_and_changes_nothing(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["reporter"], backend="dti.accounts.backends.UnitModelBackend")
    a = world["assessment"]
    response = client.post(f"/danh-gia/{a.pk}/chi-so/I.2/", {"version": "0", "a": "15"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert not Entry.objects.filter(assessment=a).exists()


def test_an_autosave_with_the_csrf_header_is_accepted(world):
    """htmx sends the token in the X-CSRFToken header (set on <body hx-headers>)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["reporter"], backend="dti.accounts.backends.UnitModelBackend")
    a = world["assessment"]
    page = client.get(f"/danh-gia/{a.pk}/").content.decode()
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)
    response = client.post(
        f"/danh-gia/{a.pk}/chi-so/I.2/",
        {"version": "0", "a": "15"},
        HTTP_HX_REQUEST="true",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
    assert Entry.objects.get(assessment=a, code="I.2").values == {"a": "15"}


# ---------------------------------------------------------------------------------------------
# Sign out


def test_sign_out_by_get_is_refused(world, login):
    client = login("reporter")
    assert client.get("/dang-xuat/").status_code == 405
    assert signed_in(client)


def test_sign_out_by_post(world, login):
    client = login("reporter")
    response = client.post("/dang-xuat/")
    assert response.status_code == 302 and response.url == "/dang-nhap/"
    assert not signed_in(client)
    follow = client.get(f"/danh-gia/{world['assessment'].pk}/")
    assert follow.status_code == 302 and follow.url.startswith("/dang-nhap/")


def test_sign_out_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["reporter"], backend="dti.accounts.backends.UnitModelBackend")
    assert client.post("/dang-xuat/").status_code == 403
    assert signed_in(client)


def test_every_page_offers_sign_out_as_a_form(world, login):
    body = text(login("reporter").get("/"))
    assert re.search(r'<form method="post" action="/dang-xuat/">.*?csrfmiddlewaretoken.*?Đăng xuất', body)
