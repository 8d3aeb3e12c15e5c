"""Creating one account at /tai-khoan/them/: a password shown once or an e-mailed invitation; every refusal."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from dti.accounts import services
from dti.accounts.models import User
from dti.audit.models import AuditEntry
from dti.core.roles import Role
from tests.accounts.conftest import accounts_state, text

URL = "/tai-khoan/them/"
REFUSED = ["reporter", "leader", "other_reporter", "other_leader", "appraiser", "chair", "viewer"]
MSG_MANAGE = "Chỉ cơ quan tổ chức đánh giá mới được quản lý tài khoản người dùng."
MSG_ADMINS = "Chỉ quản trị hệ thống mới được tạo, sửa hoặc khóa tài khoản quản trị hệ thống."


def data(**changes: Any) -> dict[str, Any]:
    base = {
        "username": "motnhaplieu2",
        "full_name": "Nguyễn Văn An",
        "email": "",
        "role": Role.REPORTER.value,
        "unit": "",
        "delivery": "password",
    }
    return {**base, **changes}


def shown_password(response: Any) -> str:
    match = re.search(r'<code class="password">([^<]+)</code>', response.content.decode())
    assert match, "the page shows no generated password"
    return match.group(1)


@pytest.mark.parametrize("persona", ["organiser", "admin"])
def test_a_new_account_gets_a_password_shown_once(world, login, persona):
    response = login(persona).post(URL, data(unit=world["unit"].pk))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = shown_password(response)
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", password)
    body = text(response)
    assert "Đã tạo tài khoản motnhaplieu2" in body and "hệ thống không lưu chúng" in body
    user = User.objects.get(username="motnhaplieu2")
    assert (user.full_name, user.role, user.unit, user.must_change_password) == (
        "Nguyễn Văn An",
        Role.REPORTER,
        world["unit"],
        True,
    )
    assert user.check_password(password)
    assert password not in user.password
    entry = AuditEntry.objects.get(action="account.create")
    assert entry.actor == world["users"][persona] and entry.object_id == str(user.pk) and entry.unit == world["unit"]
    assert entry.new["username"] == "motnhaplieu2" and entry.new["delivery"] == "password"
    assert password not in str(entry.new)


def test_the_new_person_signs_in_with_it_and_must_change_it(world, login):
    password = shown_password(login("organiser").post(URL, data(unit=world["unit"].pk)))
    client = Client()
    response = client.post("/dang-nhap/", {"username": "motnhaplieu2", "password": password}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/tai-khoan/doi-mat-khau/")
    assert "Mật khẩu hiện tại của bạn do hệ thống tạo" in text(response)


def test_an_empty_username_is_made_from_the_full_name(world, login):
    User.objects.create_user("annv", full_name="Người khác")
    response = login("organiser").post(URL, data(username="", full_name="Nguyễn Văn An", role=Role.VIEWER.value))
    assert response.status_code == 200
    assert User.objects.filter(username="annv2", full_name="Nguyễn Văn An").exists()


def test_an_invitation_is_e_mailed_instead(world, login, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = login("organiser").post(
            URL, data(email="An.NV@BacNinh.gov.vn", delivery="invite", unit=world["unit"].pk)
        )
    assert response.status_code == 200
    assert 'class="password"' not in response.content.decode()
    assert "Đã gửi thư mời qua e-mail" in text(response)
    user = User.objects.get(username="motnhaplieu2")
    assert user.email == "an.nv@bacninh.gov.vn"
    assert not user.has_usable_password() and not user.must_change_password
    [mail] = mailoutbox
    assert mail.to == ["an.nv@bacninh.gov.vn"]
    assert mail.subject == "[DTI] Mời bạn đặt mật khẩu cho tài khoản mới"
    assert "Tên đăng nhập: motnhaplieu2" in mail.body and "UBND huyện Một" in mail.body
    link = re.search(r"http://127\.0\.0\.1:8000(/tai-khoan/dat-mat-khau/\S+/)", mail.body).group(1)
    assert Client().get(link, follow=True).status_code == 200
    assert AuditEntry.objects.get(action="account.create").new["delivery"] == "invitation"


def test_the_form_offers_administrators_only_to_administrators(world, login):
    assert 'value="admin"' not in login("organiser").get(URL).content.decode()
    assert 'value="admin"' in login("admin").get(URL).content.decode()


def test_an_administrator_creates_an_administrator(world, login):
    assert login("admin").post(URL, data(role=Role.ADMIN.value)).status_code == 200
    assert User.objects.get(username="motnhaplieu2").role == Role.ADMIN


# -- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", REFUSED)
def test_other_roles_are_refused(world, login, persona):
    before = accounts_state()
    client = login(persona)
    assert client.get(URL).status_code == 403
    response = client.post(URL, data(unit=world["unit"].pk))
    assert response.status_code == 403
    assert MSG_MANAGE in text(response)
    assert accounts_state() == before


def test_anonymous_is_sent_to_sign_in(world, login):
    response = login("anonymous").post(URL, data())
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    assert not User.objects.filter(username="motnhaplieu2").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"username": "reporter"}, "Tên đăng nhập “reporter” đã có người dùng."),
        ({"username": "Reporter"}, "Tên đăng nhập “reporter” đã có người dùng."),
        ({"username": "nguyễn"}, "Tên đăng nhập “nguyễn” không hợp lệ"),
        ({"full_name": ""}, "Cần nhập họ và tên."),
        ({"email": "khong-phai-email"}, "Địa chỉ e-mail “khong-phai-email” không hợp lệ."),
        ({"email": "LEADER@example.vn"}, "E-mail “leader@example.vn” đã dùng cho tài khoản “leader”."),
        ({"unit": ""}, "Cần chọn đơn vị: cán bộ nhập liệu và lãnh đạo đơn vị phải thuộc một đơn vị."),
        ({"delivery": "invite"}, "Cần địa chỉ e-mail để gửi thư mời."),
        ({"role": "admin"}, "Vai trò không hợp lệ."),
        ({"role": "thu-ky"}, "Vai trò không hợp lệ."),
    ],
)
def test_a_refused_account_says_why_and_nothing_is_saved(world, login, changes, message):
    User.objects.filter(username="leader").update(email="leader@example.vn")
    before = accounts_state()
    response = login("organiser").post(URL, data(**{"unit": world["unit"].pk, **changes}))
    assert response.status_code == 422
    assert message in text(response)
    assert accounts_state() == before


def test_an_inactive_unit_is_refused(world, login):
    world["other_unit"].is_active = False
    world["other_unit"].save()
    before = accounts_state()
    response = login("organiser").post(URL, data(unit=world["other_unit"].pk))
    assert response.status_code == 422
    assert "Đơn vị “UBND huyện Hai” đã ngừng hoạt động." in text(response)
    assert accounts_state() == before


def test_the_service_refuses_an_organiser_an_administrator(world):
    values = services.AccountValues("quantri2", "Quản trị hai", "", Role.ADMIN.value, None)
    before = accounts_state()
    with pytest.raises(services.AccountInvalid) as refused:
        services.account_create(values=values, invite=False, by=world["users"]["organiser"])
    assert refused.value.errors == {"role": MSG_ADMINS}
    assert accounts_state() == before


def test_the_service_refuses_other_roles(world):
    values = services.AccountValues("xem2", "Người xem hai", "", Role.VIEWER.value, None)
    with pytest.raises(PermissionDenied, match=MSG_MANAGE):
        services.account_create(values=values, invite=False, by=world["users"]["chair"])
    assert not User.objects.filter(username="xem2").exists()
