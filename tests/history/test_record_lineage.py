"""Recording renames, merges and splits on the organisers' pages: validation, edit, delete, audit."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dti.audit.models import AuditEntry
from dti.history.models import Lineage
from dti.units.models import Unit
from tests.conftest import World

LIST = "/lich-su/thay-doi-don-vi/"
ADD = "/lich-su/thay-doi-don-vi/them/"


def units(world: World) -> tuple[Unit, Unit, Unit]:
    new = Unit.objects.create(name="UBND thị xã Một", unit_type=world["unit"].unit_type, parent=world["unit"].parent)
    return world["unit"], world["other_unit"], new


def post(client: Any, url: str, **data: Any) -> Any:
    return client.post(url, {"rule": "mean", "note": "", **data})


def test_a_rename_is_recorded_and_audited(world: World, login: Any) -> None:
    one, _two, new = units(world)
    client = login("organiser")
    response = post(client, ADD, kind="rename", effective="01/07/2025", predecessors=[one.pk], successors=[new.pk])
    assert response.status_code == 302 and response.url == LIST
    lineage = Lineage.objects.get()
    assert lineage.link().predecessors == ("UBND huyện Một",) and lineage.link().successors == ("UBND thị xã Một",)
    entry = AuditEntry.objects.get(action="lineage.create")
    assert entry.new["effective"] == "2025-07-01" and entry.actor == world["users"]["organiser"]
    page = client.get(LIST).content.decode()
    assert "01/07/2025" in page and "UBND thị xã Một" in page and "Đổi tên" in page


def test_a_unit_cannot_succeed_itself(world: World, login: Any) -> None:
    one, _two, _new = units(world)
    response = post(
        login("organiser"), ADD, kind="rename", effective="01/07/2025", predecessors=[one.pk], successors=[one.pk]
    )
    assert response.status_code == 422
    assert "không thể tự kế thừa chính mình" in response.content.decode()
    assert not Lineage.objects.exists() and not AuditEntry.objects.filter(action__startswith="lineage").exists()


def test_a_cycle_is_refused(world: World, login: Any) -> None:
    one, two, _new = units(world)
    client = login("organiser")
    post(client, ADD, kind="rename", effective="01/01/2020", predecessors=[one.pk], successors=[two.pk])
    response = post(client, ADD, kind="rename", effective="01/01/2021", predecessors=[two.pk], successors=[one.pk])
    assert response.status_code == 422
    assert "Tạo thành vòng lặp kế thừa: UBND huyện Hai → UBND huyện Một → UBND huyện Hai." in response.content.decode()
    assert Lineage.objects.count() == 1


def test_dates_out_of_order_are_refused(world: World, login: Any) -> None:
    one, two, new = units(world)
    client = login("organiser")
    post(client, ADD, kind="rename", effective="01/01/2022", predecessors=[one.pk], successors=[new.pk])
    response = post(client, ADD, kind="rename", effective="01/01/2021", predecessors=[new.pk], successors=[two.pk])
    assert response.status_code == 422
    assert (
        "UBND thị xã Một chỉ hình thành từ ngày 01/01/2022, sau ngày hiệu lực 01/01/2021." in response.content.decode()
    )


def test_a_bad_date_and_missing_units(world: World, login: Any) -> None:
    response = post(login("organiser"), ADD, kind="merge", effective="31/02/2025")
    html = response.content.decode()
    assert response.status_code == 422
    assert "Ngày không hợp lệ: cần dạng dd/mm/yyyy" in html and "Cần chọn đơn vị trước thay đổi." in html


def test_a_merge_needs_two_predecessors(world: World, login: Any) -> None:
    one, _two, new = units(world)
    response = post(
        login("organiser"), ADD, kind="merge", effective="01/07/2025", predecessors=[one.pk], successors=[new.pk]
    )
    assert (
        response.status_code == 422 and "Hợp nhất: từ hai đơn vị trở lên thành một đơn vị." in response.content.decode()
    )


def test_edit_and_delete(world: World, login: Any) -> None:
    one, two, new = units(world)
    client = login("organiser")
    post(client, ADD, kind="merge", effective="01/07/2025", predecessors=[one.pk, two.pk], successors=[new.pk])
    lineage = Lineage.objects.get()
    form = client.get(f"/lich-su/thay-doi-don-vi/{lineage.pk}/sua/").content.decode()
    assert 'value="01/07/2025"' in form
    edited = post(
        client,
        f"/lich-su/thay-doi-don-vi/{lineage.pk}/sua/",
        kind="merge",
        effective="01/07/2025",
        predecessors=[one.pk, two.pk],
        successors=[new.pk],
        rule="none",
        note="Không so sánh theo quyết định",
    )
    assert edited.status_code == 302
    lineage.refresh_from_db()
    assert lineage.rule == "none"
    entry = AuditEntry.objects.get(action="lineage.update")
    assert (entry.old["rule"], entry.new["rule"]) == ("mean", "none")
    assert client.post(f"/lich-su/thay-doi-don-vi/{lineage.pk}/xoa/").status_code == 302
    assert not Lineage.objects.exists()
    assert AuditEntry.objects.get(action="lineage.delete").old["predecessors"] == ["UBND huyện Hai", "UBND huyện Một"]


def test_the_list_runs_the_same_queries_at_any_size(
    world: World, login: Any, django_assert_max_num_queries: Any
) -> None:
    one, two, new = units(world)
    client = login("organiser")
    post(client, ADD, kind="merge", effective="01/07/2025", predecessors=[one.pk, two.pk], successors=[new.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(LIST)
    count = len(small)  # read now: the next request clears the connection's log
    for year in range(2010, 2016):
        a = Unit.objects.create(name=f"A {year}", unit_type=one.unit_type)
        b = Unit.objects.create(name=f"B {year}", unit_type=one.unit_type)
        post(client, ADD, kind="rename", effective=f"01/01/{year}", predecessors=[a.pk], successors=[b.pk])
    assert Lineage.objects.count() == 7
    with django_assert_max_num_queries(count):
        client.get(LIST)
