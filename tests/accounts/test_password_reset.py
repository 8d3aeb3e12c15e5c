""" "Quên mật khẩu" (/tai-khoan/quen-mat-khau/): an expiring link by e-mail, an answer that reveals nothing, a limit."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils import timezone

from dti.accounts.models import PasswordResetRequest, User
from dti.audit.models import AuditEntry
from tests.accounts.conftest import text
from tests.conftest import PASSWORD

URL = "/tai-khoan/quen-mat-khau/"
DONE = "/tai-khoan/quen-mat-khau/da-gui/"
NEW = "Mat-khau-moi-cua-toi-2024"


@pytest.fixture(autouse=True)
def _axes_limits(settings: Any) -> None:
    """The production limits (5 requests, 15 minutes), whatever the environment says."""
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = 0.25


@pytest.fixture
def reporter(world) -> User:
    user = world["users"]["reporter"]
    user.email = "reporter@motnhat.gov.vn"
    user.save()
    return user


def ask(email: str, client: Client | None = None) -> Any:
    return (client or Client()).post(URL, {"email": email})


def link_in(mail: Any) -> str:
    return re.search(r"http://127\.0\.0\.1:8000(/tai-khoan/dat-mat-khau/\S+/)", mail.body).group(1)


def test_the_login_page_links_here(world):
    assert f'href="{URL}">Quên mật khẩu?</a>' in text(Client().get("/dang-nhap/"))


def test_the_page_is_vietnamese(world):
    body = text(Client().get(URL))
    assert "<h1>Quên mật khẩu</h1>" in body and "E-mail của tài khoản" in body


def test_a_known_address_gets_a_link_that_sets_the_password(reporter, mailoutbox):
    response = ask("Reporter@MotNhat.gov.vn")
    assert response.status_code == 302 and response["Location"] == DONE
    assert "Đường dẫn dùng được một lần, trong 24 giờ." in text(Client().get(DONE))
    [mail] = mailoutbox
    assert mail.to == ["reporter@motnhat.gov.vn"] and mail.subject == "[DTI] Đặt lại mật khẩu"
    assert "cho tài khoản reporter" in mail.body and "trong 24 giờ" in mail.body
    client = Client()
    form = client.get(link_in(mail), follow=True)
    assert "<h1>Đặt mật khẩu</h1>" in text(form)
    response = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/dat-mat-khau/xong/"
    assert "Đã đặt mật khẩu" in text(client.get(response["Location"]))
    reporter.refresh_from_db()
    assert reporter.check_password(NEW) and not reporter.check_password(PASSWORD)
    entry = AuditEntry.objects.get(action="account.password_change")
    assert entry.actor == reporter and entry.comment == "Đặt mật khẩu qua đường dẫn gửi bằng e-mail"
    again = Client().get(link_in(mail), follow=True)  # used once: no more
    assert "Đường dẫn này không còn dùng được" in text(again)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(reporter, mailoutbox):
    known, unknown = ask("reporter@motnhat.gov.vn"), ask("ai-do@khong-co.vn")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(mailoutbox) == 1


def test_a_locked_account_gets_no_mail(reporter, mailoutbox):
    reporter.is_active = False
    reporter.save()
    assert ask("reporter@motnhat.gov.vn")["Location"] == DONE
    assert not mailoutbox


def test_an_invited_person_who_lost_the_invitation_gets_a_new_link(reporter, mailoutbox):
    reporter.set_unusable_password()
    reporter.save()
    ask("reporter@motnhat.gov.vn")
    assert len(mailoutbox) == 1


def test_the_link_expires_after_the_timeout(reporter, mailoutbox, monkeypatch, settings):
    assert settings.PASSWORD_RESET_TIMEOUT == 24 * 3600
    ask("reporter@motnhat.gov.vn")
    later = datetime.datetime.now() + datetime.timedelta(hours=24, minutes=1)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    body = text(Client().get(link_in(mailoutbox[0]), follow=True))
    assert "Đường dẫn này không còn dùng được: đã được dùng, đã quá 24 giờ" in body
    assert 'name="new_password1"' not in body


def test_a_forged_link_is_refused(reporter):
    body = text(Client().get(f"/tai-khoan/dat-mat-khau/{reporter.pk}/gia-mao/", follow=True))
    assert "Đường dẫn này không còn dùng được" in body


def test_a_bad_address_is_refused_in_vietnamese(world, mailoutbox):
    response = ask("khong-phai-email")
    assert response.status_code == 200 and "Địa chỉ e-mail không hợp lệ." in text(response)
    assert not mailoutbox


# -- the limit, as for signing in (django-axes) -------------------------------------------------


def test_one_address_may_ask_five_times_in_fifteen_minutes(reporter, mailoutbox):
    for _ in range(5):
        assert ask("reporter@motnhat.gov.vn").status_code == 302
    refused = ask("REPORTER@motnhat.gov.vn")
    assert refused.status_code == 429
    assert "Địa chỉ này đã được yêu cầu đặt lại mật khẩu quá nhiều lần" in text(refused)
    assert "thử lại sau 15 phút" in text(refused)
    assert len(mailoutbox) == 5
    assert ask("ai-do@khong-co.vn").status_code == 302  # another address is not held back


def test_the_limit_is_the_same_for_an_unknown_address(world):
    for _ in range(5):
        ask("ai-do@khong-co.vn")
    assert ask("ai-do@khong-co.vn").status_code == 429


def test_the_limit_ends_after_the_window(reporter, mailoutbox):
    for _ in range(5):
        ask("reporter@motnhat.gov.vn")
    PasswordResetRequest.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=16))
    assert ask("reporter@motnhat.gov.vn").status_code == 302
    assert len(mailoutbox) == 6
    assert PasswordResetRequest.objects.count() == 1  # the old requests are gone


def test_the_address_itself_is_not_kept(reporter):
    ask("reporter@motnhat.gov.vn")
    [kept] = PasswordResetRequest.objects.all()
    assert "reporter" not in kept.address_hash and len(kept.address_hash) == 64
