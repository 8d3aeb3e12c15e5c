"""The account list at /tai-khoan/: search, filters (unit, role, active), pages; a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dti.accounts.models import User
from dti.accounts.selectors import PAGE_SIZE
from dti.core.roles import Role
from tests.accounts.conftest import text

URL = "/tai-khoan/"
REFUSED = ["reporter", "leader", "other_reporter", "other_leader", "appraiser", "chair", "viewer"]
MSG_MANAGE = "Chỉ cơ quan tổ chức đánh giá mới được quản lý tài khoản người dùng."


def add_accounts(world, count: int, first: int = 1) -> None:
    """`count` reporters of UBND huyện Hai, every third locked."""
    User.objects.bulk_create(
        User(
            username=f"them{number:03d}",
            full_name=f"Cán bộ thêm {number:03d}",
            role=Role.REPORTER,
            unit=world["other_unit"],
            is_active=number % 3 != 0,
        )
        for number in range(first, first + count)
    )


def usernames(body: str) -> list[str]:
    return re.findall(r'<a href="/tai-khoan/\d+/">([^<]+)</a>', body)


@pytest.mark.parametrize("persona", ["organiser", "admin"])
def test_everyone_by_username(world, login, persona):
    response = login(persona).get(URL)
    assert response.status_code == 200
    body = text(response)
    assert "9 tài khoản" in body
    listed = sorted(u.username for u in world["users"].values() if persona == "admin" or u.role != Role.ADMIN)
    assert usernames(body) == listed
    assert "Cán bộ nhập liệu của đơn vị" in body and "UBND huyện Một" in body


def test_an_organiser_sees_administrators_without_a_link(world, login):
    body = text(login("organiser").get(URL))
    assert "<td>admin</td>" in body and 'href="/tai-khoan/{}/"'.format(world["users"]["admin"].pk) not in body


def test_the_header_links_to_the_list_for_managers_only(world, login):
    assert 'href="/tai-khoan/">Tài khoản</a>' in text(login("organiser").get("/"))
    for persona in REFUSED:
        body = text(login(persona).get("/"))
        assert 'href="/tai-khoan/">' not in body, persona
        assert 'href="/tai-khoan/doi-mat-khau/">Đổi mật khẩu</a>' in body, persona


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=report", ["other_reporter", "reporter"]),
        ("q=LEADER", ["leader", "other_leader"]),
        ("q=motnhat.gov", ["reporter"]),
        ("role=leader", ["leader", "other_leader"]),
        ("unit={unit}", ["leader", "reporter"]),
        ("unit={unit}&role=reporter", ["reporter"]),
        ("active=0", ["viewer"]),
        ("active=1&q=view", []),
        ("unit=khong-phai-so&role=leader", ["leader", "other_leader"]),  # a filter that does not fit is left out
    ],
)
def test_search_and_filters(world, login, query, expected):
    User.objects.filter(username="reporter").update(email="reporter@motnhat.gov.vn")
    User.objects.filter(username="viewer").update(is_active=False)
    response = login("admin").get(f"{URL}?{query.format(unit=world['unit'].pk)}")
    assert response.status_code == 200
    assert usernames(text(response)) == expected


def test_pages(world, login):
    add_accounts(world, PAGE_SIZE + 5)
    client = login("admin")
    first = text(client.get(f"{URL}?role=reporter"))
    assert f"{PAGE_SIZE + 7} tài khoản" in first and "Trang 1/2" in first
    assert len(usernames(first)) == PAGE_SIZE
    assert 'href="?role=reporter&amp;trang=2"' in client.get(f"{URL}?role=reporter").content.decode()
    second = text(client.get(f"{URL}?role=reporter&trang=2"))
    assert "Trang 2/2" in second and len(usernames(second)) == 7
    assert usernames(text(client.get(f"{URL}?role=reporter&trang=99"))) == usernames(second)  # past the end: the last
    assert usernames(text(client.get(f"{URL}?role=reporter&trang=abc"))) == usernames(first)


def _queries(client: Client, url: str) -> int:
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("query", ["", "?q=them&active=1", "?trang=2"])
def test_queries_do_not_grow_with_accounts(world, login, query):
    client = login("organiser")
    add_accounts(world, PAGE_SIZE + 2)
    before = _queries(client, URL + query)
    add_accounts(world, 3 * PAGE_SIZE, first=PAGE_SIZE + 3)
    assert _queries(client, URL + query) == before


@pytest.mark.parametrize("persona", REFUSED)
def test_other_roles_are_refused(world, login, persona):
    response = login(persona).get(URL)
    assert response.status_code == 403 and MSG_MANAGE in text(response)


def test_anonymous_is_sent_to_sign_in(world, login):
    response = login("anonymous").get(URL)
    assert response.status_code == 302 and response["Location"] == "/dang-nhap/?next=/tai-khoan/"
