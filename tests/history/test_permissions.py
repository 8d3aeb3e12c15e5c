"""Every history page with every persona: organisers and administrators manage, everyone else is refused
(403 with the reason, nothing changed); anonymous people are sent to log in; the trend pages are public."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from dti.audit.models import AuditEntry
from dti.campaigns.models import Campaign
from dti.history.models import CodeMapping, Lineage
from dti.units.models import Unit
from tests.conftest import PERSONAS, World

MANAGERS = {"organiser", "admin"}
REFUSED = {
    "nhap-ket-qua": "Chỉ cơ quan tổ chức đánh giá mới được quản lý kỳ đánh giá.",
    "thay-doi-don-vi": "Chỉ cơ quan tổ chức đánh giá mới được quản lý danh sách đơn vị.",
    "doi-chieu-ma": "Chỉ cơ quan tổ chức đánh giá mới được quản lý bộ chỉ số.",
}


@pytest.fixture
def lineage(world: World) -> Lineage:
    new = Unit.objects.create(name="UBND thị xã Một", unit_type=world["unit"].unit_type)
    lineage = Lineage.objects.create(kind="rename", effective=datetime.date(2025, 7, 1))
    lineage.predecessors.set([world["unit"]])
    lineage.successors.set([new])
    return lineage


def requests(world: World, lineage: Lineage) -> list[tuple[str, str, dict[str, Any]]]:
    frameworks = f"?cu={world['group'].framework.pk}&moi={world['group'].framework.pk}"
    return [
        ("get", "/lich-su/nhap-ket-qua/", {}),
        ("post", "/lich-su/nhap-ket-qua/", {}),
        ("post", "/lich-su/nhap-ket-qua/xac-nhan/", {"token": "0" * 32, "name": "X", "year": "2023"}),
        ("get", "/lich-su/thay-doi-don-vi/", {}),
        ("get", "/lich-su/thay-doi-don-vi/them/", {}),
        ("post", "/lich-su/thay-doi-don-vi/them/", {"kind": "rename", "effective": "01/01/2020"}),
        ("get", f"/lich-su/thay-doi-don-vi/{lineage.pk}/sua/", {}),
        ("post", f"/lich-su/thay-doi-don-vi/{lineage.pk}/sua/", {"kind": "rename", "effective": "01/01/2020"}),
        ("post", f"/lich-su/thay-doi-don-vi/{lineage.pk}/xoa/", {}),
        ("get", "/lich-su/doi-chieu-ma/" + frameworks, {}),
        ("post", "/lich-su/doi-chieu-ma/" + frameworks, {"ma-I": "I"}),
    ]


def state() -> tuple[Any, ...]:
    return (
        Campaign.objects.count(),
        list(Lineage.objects.values_list("pk", "kind", "effective", "rule")),
        CodeMapping.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in MANAGERS])
def test_everyone_but_the_managers_is_refused(world: World, login: Any, lineage: Lineage, persona: str) -> None:
    client = login(persona)
    before = state()
    for method, url, data in requests(world, lineage):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (persona, method, url)
        assert REFUSED[url.split("/")[2]] in response.content.decode(), (persona, url)
    assert state() == before


def test_anonymous_is_sent_to_log_in(world: World, client: Any, lineage: Lineage) -> None:
    before = state()
    for method, url, data in requests(world, lineage):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response.url.startswith("/dang-nhap/"), (method, url)
    assert state() == before


@pytest.mark.parametrize("persona", sorted(MANAGERS))
def test_the_managers_may_open_every_page(world: World, login: Any, lineage: Lineage, persona: str) -> None:
    client = login(persona)
    for method, url, _data in requests(world, lineage):
        if method == "get":
            assert client.get(url).status_code == 200, (persona, url)


def test_the_trend_pages_are_public(history: dict[str, Any], login: Any) -> None:
    for persona in [*PERSONAS, "anonymous"]:
        client = login(persona)
        assert client.get("/lich-su/don-vi/ubnd-huyen-mot/").status_code == 200, persona
        assert client.get(f"/lich-su/ky/{history['campaigns'][2023].pk}/").status_code == 200, persona
