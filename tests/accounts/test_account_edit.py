"""Editing an account at /tai-khoan/<pk>/: name, e-mail, role, unit.

Administrators' accounts are for administrators only, and nobody changes their own role.
"""

from __future__ import annotations

from typing import Any

import pytest

from dti.accounts.models import User
from dti.audit.models import AuditEntry
from dti.core.roles import Role
from tests.accounts.conftest import accounts_state, text

REFUSED = ["reporter", "leader", "other_reporter", "other_leader", "appraiser", "chair", "viewer"]
MSG_MANAGE = "Chỉ cơ quan tổ chức đánh giá mới được quản lý tài khoản người dùng."
MSG_ADMINS = "Chỉ quản trị hệ thống mới được tạo, sửa hoặc khóa tài khoản quản trị hệ thống."


def url(user: User) -> str:
    return f"/tai-khoan/{user.pk}/"


def data(world: dict[str, Any], **changes: Any) -> dict[str, Any]:
    base = {
        "full_name": "Lê Thị Nhập Liệu",
        "email": "nhaplieu@motnhat.gov.vn",
        "role": "reporter",
        "unit": world["unit"].pk,
    }
    return {**base, **changes}


def test_the_page_shows_the_account(world, login):
    body = text(login("organiser").get(url(world["users"]["reporter"])))
    assert "Tài khoản reporter" in body and 'value="Reporter"' in body
    assert "Đặt lại mật khẩu" in body and "Khóa tài khoản" in body


def test_a_change_is_saved_and_audited(world, login):
    reporter = world["users"]["reporter"]
    response = login("organiser").post(url(reporter), data(world, role="leader", unit=world["other_unit"].pk))
    assert response.status_code == 302 and response["Location"] == url(reporter)
    reporter.refresh_from_db()
    assert (reporter.full_name, reporter.email, reporter.role, reporter.unit) == (
        "Lê Thị Nhập Liệu",
        "nhaplieu@motnhat.gov.vn",
        Role.LEADER,
        world["other_unit"],
    )
    entry = AuditEntry.objects.get(action="account.update")
    assert entry.actor == world["users"]["organiser"]
    assert entry.old["role"] == "reporter" and entry.new["role"] == "leader"
    assert entry.old["unit"] == "UBND huyện Một" and entry.new["unit"] == "UBND huyện Hai"


def test_saving_unchanged_values_records_nothing(world, login):
    reporter = world["users"]["reporter"]
    values = {"full_name": "Reporter", "email": "", "role": "reporter", "unit": world["unit"].pk}
    assert login("organiser").post(url(reporter), values).status_code == 302
    assert not AuditEntry.objects.exists()


def test_an_administrator_edits_an_administrator(world, login):
    admin_user = world["users"]["admin"]
    other = User.objects.create_user("quantri2", full_name="Quản trị hai", role=Role.ADMIN)
    response = login("admin").post(
        url(other), {"full_name": "Quản trị viên hai", "email": "", "role": "admin", "unit": ""}
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.full_name == "Quản trị viên hai" and admin_user.role == Role.ADMIN


# -- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", REFUSED)
def test_other_roles_are_refused(world, login, persona):
    before = accounts_state()
    client = login(persona)
    target = world["users"]["viewer" if persona != "viewer" else "chair"]
    assert client.get(url(target)).status_code == 403
    response = client.post(url(target), data(world, role="viewer", unit=""))
    assert response.status_code == 403 and MSG_MANAGE in text(response)
    assert accounts_state() == before


@pytest.mark.parametrize("superuser", [False, True])
def test_an_organiser_may_not_touch_an_administrator(world, login, superuser):
    target = world["users"]["admin"]
    if superuser:  # a superuser is guarded whatever role the platform gives them
        target.role, target.is_superuser = Role.VIEWER, True
        target.save()
    before = accounts_state()
    client = login("organiser")
    for response in (
        client.get(url(target)),
        client.post(url(target), {"full_name": "X", "email": "", "role": "viewer", "unit": ""}),
        client.post(f"/tai-khoan/{target.pk}/khoa/"),
        client.post(f"/tai-khoan/{target.pk}/dat-lai-mat-khau/", {"how": "password"}),
    ):
        assert response.status_code == 403
        assert MSG_ADMINS in text(response)
    assert accounts_state() == before


def test_an_organiser_may_not_make_an_administrator(world, login):
    before = accounts_state()
    response = login("organiser").post(url(world["users"]["viewer"]), data(world, role="admin"))
    assert response.status_code == 422
    assert "Vai trò không hợp lệ." in text(response)
    assert accounts_state() == before


@pytest.mark.parametrize("persona", ["organiser", "admin"])
def test_nobody_changes_their_own_role(world, login, persona):
    me = world["users"][persona]
    before = accounts_state()
    response = login(persona).post(url(me), {"full_name": "Tôi", "email": "", "role": "viewer", "unit": ""})
    assert response.status_code == 422
    assert "Bạn không thể tự đổi vai trò của mình" in text(response)
    assert accounts_state() == before


def test_one_s_own_name_may_change(world, login):
    me = world["users"]["organiser"]
    values = {"full_name": "Tổ chức mới", "email": "", "role": "organiser", "unit": world["campaign"].organiser_id}
    assert login("organiser").post(url(me), values).status_code == 302
    me.refresh_from_db()
    assert me.full_name == "Tổ chức mới"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "LEADER@example.vn"}, "E-mail “leader@example.vn” đã dùng cho tài khoản “leader”."),
        ({"unit": ""}, "Cần chọn đơn vị: cán bộ nhập liệu và lãnh đạo đơn vị phải thuộc một đơn vị."),
        ({"unit": "999999"}, "Đơn vị không có trong danh sách."),
        ({"full_name": ""}, "Cần nhập họ và tên."),
    ],
)
def test_bad_values_are_refused(world, login, changes, message):
    User.objects.filter(username="leader").update(email="leader@example.vn")
    before = accounts_state()
    response = login("organiser").post(url(world["users"]["reporter"]), data(world, **changes))
    assert response.status_code == 422
    assert message in text(response)
    assert accounts_state() == before


def test_a_unit_that_stopped_is_kept_but_not_given(world, login):
    """An account may keep the unit it had when that unit stopped; no other account may be moved to it."""
    world["unit"].is_active = False
    world["unit"].save()
    client = login("organiser")
    assert client.post(url(world["users"]["reporter"]), data(world)).status_code == 302
    before = accounts_state()
    response = client.post(url(world["users"]["other_reporter"]), data(world, email=""))
    assert response.status_code == 422 and "Đơn vị “UBND huyện Một” đã ngừng hoạt động." in text(response)
    assert accounts_state() == before


def test_an_unknown_account_is_not_found(world, login):
    assert login("organiser").get("/tai-khoan/999999/").status_code == 404
