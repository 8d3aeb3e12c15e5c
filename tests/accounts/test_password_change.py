"""Changing one's own password (/tai-khoan/doi-mat-khau/) and being sent there while the password is a generated one."""

from __future__ import annotations

import pytest
from django.test import Client

from dti.accounts.models import User
from dti.audit.models import AuditEntry
from tests.accounts.conftest import accounts_state, text
from tests.conftest import PASSWORD

URL = "/tai-khoan/doi-mat-khau/"
NEW = "Mat-khau-rieng-2024"


def change(client: Client, old: str = PASSWORD, new: str = NEW, again: str | None = None, **extra: str):
    return client.post(URL, {"old_password": old, "new_password1": new, "new_password2": again or new, **extra})


@pytest.mark.parametrize("persona", ["reporter", "viewer", "organiser", "admin"])
def test_everyone_changes_their_password(world, login, persona):
    client = login(persona)
    page = text(client.get(URL))
    assert "<h1>Đổi mật khẩu</h1>" in page and "Mật khẩu hiện tại" in page and "Nhập lại mật khẩu mới" in page
    assert "Ít nhất 10 ký tự" in page
    response = change(client)
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200 and "Đã đổi mật khẩu." in text(home)  # still signed in
    user = world["users"][persona]
    user.refresh_from_db()
    assert user.check_password(NEW)
    entry = AuditEntry.objects.get(action="account.password_change")
    assert entry.actor == user and entry.object_id == str(user.pk)


@pytest.mark.parametrize(
    ("old", "new", "again", "message"),
    [
        ("sai-mat-khau", NEW, NEW, "Mật khẩu hiện tại không đúng."),
        (PASSWORD, NEW, NEW + "x", "Hai lần nhập mật khẩu mới không giống nhau."),
        (PASSWORD, "ngan", "ngan", "Mật khẩu quá ngắn: cần ít nhất 10 ký tự."),
        (PASSWORD, "1234567890123", "1234567890123", "Mật khẩu này hoàn toàn là số."),
        (PASSWORD, "password123", "password123", "Mật khẩu này quá phổ biến."),
    ],
)
def test_a_refused_password_says_why_in_vietnamese(world, login, old, new, again, message):
    before = accounts_state()
    response = change(login("reporter"), old, new, again)
    assert response.status_code == 200  # Django's form view shows the form again
    assert message in text(response)
    assert accounts_state() == before


def test_anonymous_is_sent_to_sign_in(world):
    response = Client().get(URL)
    assert response.status_code == 302 and response["Location"] == "/dang-nhap/?next=/tai-khoan/doi-mat-khau/"


# -- a generated password must be changed first -------------------------------------------------


@pytest.fixture
def generated(world) -> Client:
    """The reporter, signed in with a password the platform generated."""
    User.objects.filter(username="reporter").update(must_change_password=True)
    client = Client()
    assert client.post("/dang-nhap/", {"username": "reporter", "password": PASSWORD}).status_code == 302
    return client


def test_every_page_sends_to_the_change_page(generated, world):
    target = f"/danh-gia/{world['assessment'].pk}/"
    response = generated.get(target)
    assert (
        response.status_code == 302 and response["Location"] == f"{URL}?next=%2Fdanh-gia%2F{world['assessment'].pk}%2F"
    )
    page = text(generated.get(response["Location"]))
    assert "Mật khẩu hiện tại của bạn do hệ thống tạo" in page
    for path in ("/", "/ket-qua/", "/tai-khoan/", "/thong-bao/"):
        assert generated.get(path)["Location"].startswith(URL), path


def test_a_write_is_refused_until_the_change(generated, world):
    before = accounts_state()
    response = generated.post(f"/danh-gia/{world['assessment'].pk}/thong-tin-chung/", {"version": "0", "so_xa": "30"})
    assert response.status_code == 302 and response["Location"] == URL
    assert accounts_state() == before
    world["assessment"].refresh_from_db()
    assert world["assessment"].general == {"so_xa": "20"}


def test_htmx_is_told_where_to_go(generated, world):
    response = generated.post(
        f"/danh-gia/{world['assessment'].pk}/chi-so/I.2/", {"version": "0", "a": "15"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204 and response["HX-Redirect"] == URL


def test_sign_out_static_and_the_language_switcher_are_let_through(generated):
    static = generated.get("/static/dti/dti.css")
    # Let through, never sent to the change page: served where static files are collected, 404 in a fresh checkout.
    assert static.status_code in (200, 404) and "Location" not in static
    assert generated.post("/i18n/setlang/", {"language": "vi", "next": URL})["Location"] == URL
    assert generated.post("/dang-xuat/")["Location"] == "/dang-nhap/"


def test_after_the_change_work_goes_on_where_it_was_asked(generated, world):
    target = f"/danh-gia/{world['assessment'].pk}/"
    response = change(generated, next=target)
    assert response.status_code == 302 and response["Location"] == target
    assert generated.get(target).status_code == 200
    assert not User.objects.get(username="reporter").must_change_password


def test_next_never_leaves_the_site(generated):
    assert change(generated, next="https://lua-dao.vn/")["Location"] == "/"


def test_the_same_password_again_is_a_change_that_clears_the_flag(generated):
    """Django's validators decide what a new password may be; keeping the generated one is not forbidden by them,
    but it was never shown to anybody else after this: the flag goes."""
    response = change(generated, new=PASSWORD)
    assert response.status_code == 302
    assert not User.objects.get(username="reporter").must_change_password
