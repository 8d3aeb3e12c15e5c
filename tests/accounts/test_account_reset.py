"""Resetting someone's password (POST /tai-khoan/<pk>/dat-lai-mat-khau/): a new one shown once, or a link by e-mail."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from dti.audit.models import AuditEntry
from tests.accounts.conftest import accounts_state, text
from tests.conftest import PASSWORD

REFUSED = ["reporter", "leader", "other_reporter", "other_leader", "appraiser", "chair", "viewer"]
MSG_MANAGE = "Chỉ cơ quan tổ chức đánh giá mới được quản lý tài khoản người dùng."


def url(user) -> str:
    return f"/tai-khoan/{user.pk}/dat-lai-mat-khau/"


def test_a_new_password_is_shown_once_and_the_old_one_stops(world, login):
    reporter = world["users"]["reporter"]
    session = login("reporter")
    response = login("organiser").post(url(reporter), {"how": "password"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "Mật khẩu mới của reporter" in text(response)
    password = re.search(r'<code class="password">([^<]+)</code>', response.content.decode()).group(1)
    reporter.refresh_from_db()
    assert reporter.check_password(password) and not reporter.check_password(PASSWORD)
    assert reporter.must_change_password
    assert session.get("/").status_code == 302  # the open session ended with the old password
    entry = AuditEntry.objects.get(action="account.password_reset")
    assert entry.actor == world["users"]["organiser"] and entry.new == {"delivery": "password"}


def test_a_link_is_e_mailed_and_sets_the_password(world, login, mailoutbox, django_capture_on_commit_callbacks):
    reporter = world["users"]["reporter"]
    reporter.email = "reporter@motnhat.gov.vn"
    reporter.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = login("organiser").post(url(reporter), {"how": "link"}, follow=True)
    assert "Đã gửi đường dẫn đặt mật khẩu tới reporter@motnhat.gov.vn; mật khẩu cũ không còn dùng được." in text(
        response
    )
    reporter.refresh_from_db()
    assert not reporter.has_usable_password() and not reporter.must_change_password
    [mail] = mailoutbox
    assert mail.to == ["reporter@motnhat.gov.vn"] and mail.subject == "[DTI] Đặt lại mật khẩu"
    link = re.search(r"http://127\.0\.0\.1:8000(/tai-khoan/dat-mat-khau/\S+/)", mail.body).group(1)
    client = Client()
    form = client.get(link, follow=True)
    assert "Tài khoản: <strong>reporter</strong>" in text(form)
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "Mot-Mat-Khau-Moi-2024", "new_password2": "Mot-Mat-Khau-Moi-2024"}
    )
    assert done.status_code == 302 and done["Location"] == "/tai-khoan/dat-mat-khau/xong/"
    reporter.refresh_from_db()
    assert reporter.check_password("Mot-Mat-Khau-Moi-2024")
    assert AuditEntry.objects.filter(action="account.password_change", actor=reporter).exists()


# -- refusals ---------------------------------------------------------------------------------


def test_a_link_needs_an_e_mail(world, login, mailoutbox):
    before = accounts_state()
    response = login("organiser").post(url(world["users"]["reporter"]), {"how": "link"})
    assert response.status_code == 422
    assert "Tài khoản này chưa có e-mail; hãy chọn tạo mật khẩu mới để in ra." in text(response)
    assert accounts_state() == before and not mailoutbox


def test_a_locked_account_is_opened_first(world, login):
    reporter = world["users"]["reporter"]
    reporter.is_active = False
    reporter.save()
    before = accounts_state()
    response = login("organiser").post(url(reporter), {"how": "password"})
    assert response.status_code == 422
    assert "Tài khoản đang bị khóa; hãy mở lại trước khi đặt lại mật khẩu." in text(response)
    assert accounts_state() == before


def test_one_s_own_password_is_changed_on_its_own_page(world, login):
    before = accounts_state()
    response = login("organiser").post(url(world["users"]["organiser"]), {"how": "password"})
    assert response.status_code == 422
    assert "Để đổi mật khẩu của chính bạn, hãy dùng trang “Đổi mật khẩu”." in text(response)
    assert accounts_state() == before


def test_an_unknown_choice_is_refused(world, login):
    before = accounts_state()
    response = login("organiser").post(url(world["users"]["reporter"]), {"how": "sms"})
    assert response.status_code == 422
    assert accounts_state() == before


@pytest.mark.parametrize("persona", REFUSED)
def test_other_roles_are_refused(world, login, persona):
    target = world["users"]["viewer" if persona != "viewer" else "chair"]
    before = accounts_state()
    response = login(persona).post(url(target), {"how": "password"})
    assert response.status_code == 403 and MSG_MANAGE in text(response)
    assert 'class="password"' not in response.content.decode()
    assert accounts_state() == before


def test_only_post(world, login):
    assert login("organiser").get(url(world["users"]["reporter"])).status_code == 405
