"""The change log: every change recorded (who, old → new) and shown on the history page."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.utils import timezone

from dti.assessments.models import Entry
from dti.audit.models import AuditEntry

HTMX = {"HTTP_HX_REQUEST": "true"}


def save(client: Any, assessment: Any, code: str, data: dict[str, str]) -> Any:
    entry = Entry.objects.filter(assessment=assessment, code=code).first()
    payload = {"version": str(entry.version if entry else 0), **data}
    return client.post(f"/danh-gia/{assessment.pk}/chi-so/{code}/", payload, **HTMX)


def rows(response: Any) -> list[list[str]]:
    """The history table's body rows as cell texts."""
    body = html.unescape(response.content.decode())
    tbody = body[body.index("<tbody>") : body.index("</tbody>")]
    return [
        [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", tbody, re.S)
    ]


def audit(**filters: Any) -> list[tuple[Any, ...]]:
    return list(
        AuditEntry.objects.filter(**filters)
        .order_by("id")
        .values_list("actor__username", "action", "code", "field", "old", "new")
    )


# ---------------------------------------------------------------------------------------------
# What is recorded


def test_every_changed_field_is_recorded_with_who_and_old_to_new(world, login):
    a = world["assessment"]
    save(login("reporter"), a, "I.1", {"truong_ban": "pho", "self_score": "5", "comment": "Theo QĐ 12"})
    save(login("leader"), a, "I.1", {"truong_ban": "chu_tich", "self_score": "10", "comment": "Theo QĐ 12"})
    recorded = audit(code="I.1")
    assert set(recorded[:3]) == {
        ("reporter", "entry.save", "I.1", "self_score", None, "5"),
        ("reporter", "entry.save", "I.1", "comment", "", "Theo QĐ 12"),
        ("reporter", "entry.save", "I.1", "truong_ban", None, "pho"),
    }
    assert set(recorded[3:]) == {  # the unchanged comment is not recorded again
        ("leader", "entry.save", "I.1", "self_score", "5", "10"),
        ("leader", "entry.save", "I.1", "truong_ban", "pho", "chu_tich"),
    }


def test_manual_score_and_na_request_are_recorded(world, login):
    a = world["assessment"]
    client = login("reporter")
    save(client, a, "II.2", {"score": "7,5"})
    save(client, a, "II.2", {"score": "", "na_requested": "1", "na_reason": "Không có"})
    recorded = audit(code="II.2")
    assert recorded[0] == ("reporter", "entry.save", "II.2", "score", None, "7.5")
    assert set(recorded[1:]) == {
        ("reporter", "entry.save", "II.2", "score", "7.5", None),
        ("reporter", "entry.save", "II.2", "na_requested", False, True),
        ("reporter", "entry.save", "II.2", "na_reason", "", "Không có"),
    }


def test_a_cleared_value_is_recorded(world, login):
    a = world["assessment"]
    client = login("reporter")
    save(client, a, "I.2", {"a": "15"})
    save(client, a, "I.2", {"a": ""})
    assert audit(code="I.2")[-1] == ("reporter", "entry.save", "I.2", "a", "15", None)


def test_general_info_changes_are_recorded(world, login):
    a = world["assessment"]
    login("leader").post(f"/danh-gia/{a.pk}/thong-tin-chung/", {"version": "0", "so_xa": "1.025"})
    assert audit(code="general") == [("leader", "general.save", "general", "so_xa", "20", "1025")]


def test_submission_and_evidence_are_recorded(world, login):
    a = world["assessment"]
    login("reporter").post(f"/danh-gia/{a.pk}/chi-so/I.1/minh-chung/", {"doc_number": "12/QĐ-UBND"})
    login("leader").post(f"/danh-gia/{a.pk}/gui/")
    actions = [(actor, action) for actor, action, *_ in audit()]
    assert actions == [("reporter", "evidence.add"), ("leader", "assessment.submit")]


def test_refused_and_unchanged_saves_record_nothing(world, login):
    a = world["assessment"]
    client = login("reporter")
    save(client, a, "I.2", {"a": "15"})
    before = AuditEntry.objects.count()
    save(client, a, "I.2", {"a": "15"})  # unchanged
    save(client, a, "I.2", {"a": "abc"})  # invalid
    client.post(f"/danh-gia/{a.pk}/chi-so/I.2/", {"version": "0", "a": "9"}, **HTMX)  # stale
    login("appraiser").post(f"/danh-gia/{a.pk}/chi-so/I.2/", {"version": "1", "a": "9"}, **HTMX)  # forbidden
    assert AuditEntry.objects.count() == before


def test_audit_entries_carry_the_campaign_and_unit(world, login):
    a = world["assessment"]
    save(login("reporter"), a, "I.2", {"a": "15"})
    entry = AuditEntry.objects.get()
    assert entry.campaign == world["campaign"]
    assert entry.unit == world["unit"]
    assert entry.object_type == "assessments.assessment" and entry.object_id == str(a.pk)


# ---------------------------------------------------------------------------------------------
# The history page


def test_history_page_shows_who_and_old_to_new_newest_first(world, login):
    a = world["assessment"]
    save(login("reporter"), a, "I.2", {"a": "15"})
    save(login("leader"), a, "I.2", {"a": "16"})
    response = login("viewer").get(f"/danh-gia/{a.pk}/chi-so/I.2/lich-su/")
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "Lịch sử thay đổi: I.2 Xã có chuyên mục chuyển đổi số" in body
    newest, oldest = rows(response)
    assert newest[1] == "Leader" and newest[4:] == ["15", "16"]
    assert oldest[1] == "Reporter" and oldest[4:] == ["—", "15"]
    local = timezone.localtime(AuditEntry.objects.latest("id").created_at).strftime("%H:%M %d/%m/%Y")
    assert newest[0] == local


def test_history_page_says_which_changes_came_through_the_api(world, login):
    from dti.assessments.services import entry_save
    from dti.audit.channel import API, through

    a = world["assessment"]
    save(login("reporter"), a, "I.2", {"a": "15"})
    with through(API):
        entry_save(assessment=a, code="I.2", data={"a": "16"}, version=1, by=world["users"]["leader"])
    newest, oldest = rows(login("viewer").get(f"/danh-gia/{a.pk}/chi-so/I.2/lich-su/"))
    assert newest[1] == "Leader (qua API)" and newest[4:] == ["15", "16"]
    assert oldest[1] == "Reporter"


def test_history_of_one_indicator_only(world, login):
    a = world["assessment"]
    client = login("reporter")
    save(client, a, "I.2", {"a": "15"})
    save(client, a, "II.2", {"score": "3"})
    assert len(rows(client.get(f"/danh-gia/{a.pk}/chi-so/II.2/lich-su/"))) == 1


def test_history_of_one_unit_only(world, login):
    save(login("other_reporter"), world["other_assessment"], "I.2", {"a": "5"})
    response = login("reporter").get(f"/danh-gia/{world['assessment'].pk}/chi-so/I.2/lich-su/")
    assert "Chưa có thay đổi nào." in response.content.decode()


def test_general_info_history_page(world, login):
    a = world["assessment"]
    client = login("reporter")
    client.post(f"/danh-gia/{a.pk}/thong-tin-chung/", {"version": "0", "so_xa": "21"})
    response = client.get(f"/danh-gia/{a.pk}/chi-so/general/lich-su/")
    assert response.status_code == 200
    assert "Lịch sử thay đổi: Thông tin chung" in response.content.decode()
    [row] = rows(response)
    assert row[1] == "Reporter" and row[4:] == ["20", "21"]


def test_empty_history(world, login):
    response = login("reporter").get(f"/danh-gia/{world['assessment'].pk}/chi-so/I.1/lich-su/")
    assert "Chưa có thay đổi nào." in response.content.decode()


def test_unknown_indicator_history_is_not_found(world, login):
    response = login("reporter").get(f"/danh-gia/{world['assessment'].pk}/chi-so/IX.9/lich-su/")
    assert response.status_code == 404


def test_the_page_links_each_indicator_to_its_history(world, login):
    a = world["assessment"]
    page = login("reporter").get(f"/danh-gia/{a.pk}/").content.decode()
    for code in ("I.1", "I.2", "II.1", "II.2"):
        assert f'href="/danh-gia/{a.pk}/chi-so/{code}/lich-su/"' in page


def test_history_escapes_what_people_typed(world, login):
    a = world["assessment"]
    client = login("reporter")
    save(client, a, "II.1", {"ban_hanh": "yes", "comment": "<b>đậm</b>"})
    body = client.get(f"/danh-gia/{a.pk}/chi-so/II.1/lich-su/").content.decode()
    assert "<b>đậm</b>" not in body and "&lt;b&gt;đậm&lt;/b&gt;" in body


# The history is read by people: values the way they typed them, fields by their labels.


@pytest.mark.parametrize(
    ("code", "data", "shown"),
    [
        ("II.1", {"ban_hanh": "yes"}, "Có"),
        ("II.2", {"score": "7,5"}, "7,5"),
        ("I.2", {"a": "1.000"}, "1.000"),
    ],
)
def test_history_shows_values_the_vietnamese_way(world, login, code, data, shown):
    a = world["assessment"]
    a.general = {"so_xa": "5000"}
    a.save()
    client = login("reporter")
    save(client, a, code, data)
    [row] = [r for r in rows(client.get(f"/danh-gia/{a.pk}/chi-so/{code}/lich-su/")) if r[3] != "comment"]
    assert row[5] == shown, row


def test_history_names_fields_and_actions_in_vietnamese(world, login):
    a = world["assessment"]
    client = login("reporter")
    save(client, a, "I.2", {"a": "15", "self_score": "8"})
    table = rows(client.get(f"/danh-gia/{a.pk}/chi-so/I.2/lich-su/"))
    fields = {r[3] for r in table}
    actions = {r[2] for r in table}
    assert fields == {"Số xã có chuyên mục", "Điểm tự chấm"}, fields
    assert "entry.save" not in actions, actions


def test_history_shows_evidence_readably(world, login):
    a = world["assessment"]
    client = login("reporter")
    client.post(
        f"/danh-gia/{a.pk}/chi-so/I.1/minh-chung/",
        {"doc_number": "12/QĐ-UBND", "doc_date": "05/01/2023", "title": "Thành lập BCĐ"},
    )
    [row] = rows(client.get(f"/danh-gia/{a.pk}/chi-so/I.1/lich-su/"))
    assert "12/QĐ-UBND" in row[5]
    assert "05/01/2023" in row[5], row[5]
    assert "{" not in row[5] and "'" not in row[5], row[5]  # not a Python dict
