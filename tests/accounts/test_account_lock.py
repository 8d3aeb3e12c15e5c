"""Locking and reopening an account (POST /tai-khoan/<pk>/khoa/, /mo-khoa/): the owner is signed out at once."""

from __future__ import annotations

import pytest
from django.test import Client

from dti.audit.models import AuditEntry
from tests.accounts.conftest import accounts_state, text
from tests.conftest import PASSWORD

REFUSED = ["reporter", "leader", "other_reporter", "other_leader", "appraiser", "chair", "viewer"]
MSG_MANAGE = "Chỉ cơ quan tổ chức đánh giá mới được quản lý tài khoản người dùng."


@pytest.mark.parametrize("persona", ["organiser", "admin"])
def test_lock_signs_the_owner_out_and_reopen_lets_them_in(world, login, persona):
    reporter = world["users"]["reporter"]
    session = login("reporter")
    assert session.get("/").status_code == 200
    manager = login(persona)
    response = manager.post(f"/tai-khoan/{reporter.pk}/khoa/", follow=True)
    assert "Đã khóa tài khoản reporter: người này không đăng nhập được nữa." in text(response)
    reporter.refresh_from_db()
    assert not reporter.is_active
    assert session.get("/").status_code == 302  # signed out
    refused = Client()
    assert refused.post("/dang-nhap/", {"username": "reporter", "password": PASSWORD}).status_code == 200
    assert "_auth_user_id" not in refused.session
    entry = AuditEntry.objects.get(action="account.deactivate")
    assert (entry.actor, entry.old, entry.new) == (world["users"][persona], {"is_active": True}, {"is_active": False})

    response = manager.post(f"/tai-khoan/{reporter.pk}/mo-khoa/", follow=True)
    assert "Đã mở lại tài khoản reporter." in text(response)
    reporter.refresh_from_db()
    assert reporter.is_active
    assert AuditEntry.objects.filter(action="account.reactivate").count() == 1
    signed_in = Client()
    assert signed_in.post("/dang-nhap/", {"username": "reporter", "password": PASSWORD}).status_code == 302


def test_locking_a_locked_account_changes_nothing(world, login):
    reporter = world["users"]["reporter"]
    client = login("organiser")
    client.post(f"/tai-khoan/{reporter.pk}/khoa/")
    before = accounts_state()
    assert client.post(f"/tai-khoan/{reporter.pk}/khoa/").status_code == 302
    assert accounts_state() == before


def test_the_list_shows_locked_accounts(world, login):
    world["users"]["viewer"].is_active = False
    world["users"]["viewer"].save()
    body = text(login("organiser").get("/tai-khoan/?active=0"))
    assert ">viewer</a>" in body and "Đã khóa" in body and ">reporter</a>" not in body


# -- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["organiser", "admin"])
def test_nobody_locks_themselves(world, login, persona):
    me = world["users"][persona]
    before = accounts_state()
    response = login(persona).post(f"/tai-khoan/{me.pk}/khoa/")
    assert response.status_code == 422
    assert "Bạn không thể tự khóa tài khoản của mình." in text(response)
    assert accounts_state() == before


@pytest.mark.parametrize("persona", REFUSED)
@pytest.mark.parametrize("action", ["khoa", "mo-khoa"])
def test_other_roles_are_refused(world, login, persona, action):
    target = world["users"]["viewer" if persona != "viewer" else "chair"]
    before = accounts_state()
    response = login(persona).post(f"/tai-khoan/{target.pk}/{action}/")
    assert response.status_code == 403 and MSG_MANAGE in text(response)
    assert accounts_state() == before


@pytest.mark.parametrize("action", ["khoa", "mo-khoa"])
def test_only_post(world, login, action):
    target = world["users"]["viewer"]
    before = accounts_state()
    assert login("organiser").get(f"/tai-khoan/{target.pk}/{action}/").status_code == 405
    assert accounts_state() == before
