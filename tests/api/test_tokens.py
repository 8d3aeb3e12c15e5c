"""Personal API tokens on the account page: made with a name and shown once, kept hashed, listed with
their last use, revoked after a confirmation; each change audited, each refusal leaving nothing changed."""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from dti.api.models import ApiToken
from dti.api.services import token_create, token_for, token_revoke, token_used
from dti.audit.models import AuditEntry
from dti.core.errors import ServiceError
from tests.api.conftest import bearer
from tests.conftest import World

PAGE = "/tai-khoan/khoa-api/"
TOKEN = re.compile(r"dti_[0-9a-f]{8}_[A-Za-z0-9_-]{43}")


def test_a_token_is_made_with_a_name_and_shown_once(world: World, login: Callable[[str], Client]) -> None:
    client = login("reporter")
    response = client.post(PAGE, {"name": "Cổng dịch vụ công"})
    assert response.status_code == 200
    body = response.content.decode()
    text = TOKEN.search(body).group(0)  # type: ignore[union-attr]
    assert "sẽ không hiện lại khóa này" in body
    token = ApiToken.objects.get()
    assert (token.owner, token.name, token.prefix) == (world["users"]["reporter"], "Cổng dịch vụ công", text[4:12])
    page = client.get(PAGE).content.decode()
    assert "Cổng dịch vụ công" in page and f"dti_{token.prefix}_…" in page and text not in page
    assert "Chưa dùng" in page


def test_only_the_hash_of_a_token_is_stored(world: World, login: Callable[[str], Client]) -> None:
    body = login("reporter").post(PAGE, {"name": "Bảng điều khiển"}).content.decode()
    text = TOKEN.search(body).group(0)  # type: ignore[union-attr]
    token = ApiToken.objects.get()
    assert token.secret_hash == hashlib.sha256(text.encode()).hexdigest()
    stored = [str(v) for v in ApiToken.objects.values_list().get()]
    assert not any(text[13:] in value for value in stored)
    entry = AuditEntry.objects.get(action="api_token.create")
    assert entry.actor == world["users"]["reporter"] and text[13:] not in str(entry.new)


def test_a_token_without_a_name_is_refused_and_nothing_made(world: World, login: Callable[[str], Client]) -> None:
    response = login("reporter").post(PAGE, {"name": "   "})
    assert response.status_code == 422
    assert "Hãy đặt tên cho khóa API" in response.content.decode()
    assert not ApiToken.objects.exists() and not AuditEntry.objects.exists()


def test_a_too_long_name_is_refused_and_nothing_made(world: World, login: Callable[[str], Client]) -> None:
    response = login("reporter").post(PAGE, {"name": "x" * 101})
    assert response.status_code == 422
    assert "Tên khóa API dài tối đa 100 ký tự." in response.content.decode()
    assert not ApiToken.objects.exists() and not AuditEntry.objects.exists()


def test_the_page_lists_only_ones_own_tokens(world: World, login: Callable[[str], Client]) -> None:
    login("reporter").post(PAGE, {"name": "Khóa của cán bộ nhập liệu"})
    assert "Khóa của cán bộ nhập liệu" not in login("leader").get(PAGE).content.decode()


def test_revoking_asks_first_then_refuses_the_token(world: World, login: Callable[[str], Client]) -> None:
    client = login("reporter")
    text = TOKEN.search(client.post(PAGE, {"name": "Cổng"}).content.decode()).group(0)  # type: ignore[union-attr]
    token = ApiToken.objects.get()
    url = f"{PAGE}{token.pk}/thu-hoi/"
    confirm = client.get(url)
    assert "Thu hồi khóa “Cổng”" in confirm.content.decode()
    assert ApiToken.objects.get().revoked_at is None
    assert bearer(text).get("/api/units").status_code == 200
    response = client.post(url, follow=True)
    assert "Đã thu hồi khóa API “Cổng”" in response.content.decode()
    assert ApiToken.objects.get().revoked_at is not None
    entry = AuditEntry.objects.get(action="api_token.revoke")
    assert entry.actor == world["users"]["reporter"] and entry.object_id == str(token.pk)
    refused = bearer(text).get("/api/units")
    assert refused.status_code == 401 and refused.json()["code"] == "unauthenticated"


def test_a_revoked_token_cannot_be_revoked_again(world: World, login: Callable[[str], Client]) -> None:
    client = login("reporter")
    client.post(PAGE, {"name": "Cổng"})
    token = ApiToken.objects.get()
    client.post(f"{PAGE}{token.pk}/thu-hoi/")
    revoked_at = ApiToken.objects.get().revoked_at
    response = client.post(f"{PAGE}{token.pk}/thu-hoi/")
    assert response.status_code == 422
    assert "Khóa API “Cổng” đã được thu hồi trước đó." in response.content.decode()
    assert ApiToken.objects.get().revoked_at == revoked_at
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 1


def test_another_persons_token_is_not_there_for_them(world: World, login: Callable[[str], Client]) -> None:
    login("reporter").post(PAGE, {"name": "Cổng"})
    token = ApiToken.objects.get()
    for method in ("get", "post"):
        response = getattr(login("organiser"), method)(f"{PAGE}{token.pk}/thu-hoi/")
        assert response.status_code == 404
        assert "Không tìm thấy trang" in response.content.decode()
    assert ApiToken.objects.get().revoked_at is None
    assert not AuditEntry.objects.filter(action="api_token.revoke").exists()


def test_the_page_is_behind_login() -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_the_last_use_is_written_at_most_once_a_minute(world: World, token: Callable[[str], str]) -> None:
    text = token("viewer")
    client = bearer(text)
    assert client.get("/api/units").status_code == 200
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    assert client.get("/api/units").status_code == 200
    assert ApiToken.objects.get().last_used_at == first
    found = token_for(text)
    assert found is not None
    found.last_used_at = timezone.now() - datetime.timedelta(seconds=61)
    token_used(found)
    assert ApiToken.objects.get().last_used_at > first  # type: ignore[operator]


def test_a_locked_accounts_token_is_refused(world: World, token: Callable[[str], str]) -> None:
    text = token("reporter")
    world["users"]["reporter"].is_active = False
    world["users"]["reporter"].save()
    response = bearer(text).get("/api/units")
    assert response.status_code == 401
    assert ApiToken.objects.get().last_used_at is None


def test_the_service_revokes_only_the_owners_token(world: World) -> None:
    token, _text = token_create(owner=world["users"]["reporter"], name="Cổng")
    with pytest.raises(ServiceError) as refused:
        token_revoke(token=token, by=world["users"]["admin"])
    assert refused.value.message == "Bạn chỉ thu hồi được khóa API của chính mình."
    assert ApiToken.objects.get().revoked_at is None
    assert not AuditEntry.objects.filter(action="api_token.revoke").exists()
