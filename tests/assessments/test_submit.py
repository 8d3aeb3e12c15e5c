"""The leader approves and submits; afterwards (and after the deadline) the unit only reads.

A reopened participation (`reopened_until` in the future) lets the unit edit and submit
after the deadline.
"""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

import pytest
from django.utils import timezone

from dti.assessments.models import Assessment, Entry, Evidence
from dti.audit.models import AuditEntry
from dti.campaigns.models import Campaign

SUBMITTED = "Bản tự đánh giá đã được gửi; đơn vị không thể sửa số liệu."
HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def messages_of(response: Any) -> list[str]:
    return [m.strip() for m in re.findall(r'<li class="msg [^"]*">(.*?)</li>', text(response))]


def fresh(assessment: Any) -> Assessment:
    return Assessment.objects.get(pk=assessment.pk)


def past_deadline(world: dict[str, Any], **participation: Any) -> datetime.datetime:
    deadline = timezone.now() - datetime.timedelta(days=1)
    Campaign.objects.filter(pk=world["campaign"].pk).update(submission_deadline=deadline)
    if participation:
        type(world["participation"]).objects.filter(pk=world["participation"].pk).update(**participation)
    return deadline


def submit(client: Any, assessment: Any, comment: str = "", follow: bool = False) -> Any:
    return client.post(f"/danh-gia/{assessment.pk}/gui/", {"comment": comment}, follow=follow)


def save_entry(client: Any, assessment: Any, data: dict[str, str], **extra: Any) -> Any:
    entry = Entry.objects.filter(assessment=assessment, code="I.2").first()
    payload = {"version": str(entry.version if entry else 0), **data}
    return client.post(f"/danh-gia/{assessment.pk}/chi-so/I.2/", payload, **extra)


# ---------------------------------------------------------------------------------------------


def test_the_leader_sees_the_summary_before_submitting(world, login):
    a = world["assessment"]
    save_entry(login("reporter"), a, {"a": "15"})
    response = login("leader").get(f"/danh-gia/{a.pk}/gui/")
    assert response.status_code == 200
    body = text(response)
    assert "Duyệt và gửi bản tự đánh giá" in body
    assert "I. Nhận thức số" in body and "II. Thể chế số" in body
    assert 'data-testid="total">7,50 / 40' in body
    assert "thiếu số liệu sẽ được tính 0 điểm" in body
    assert "1 chỉ số chưa có tài liệu kiểm chứng bắt buộc." in body
    assert "Sau khi gửi, đơn vị không thể sửa số liệu nữa." in body


def test_the_incomplete_warning_counts_what_is_missing(world, login):
    """1 of 4 indicators has data: the warning must not say that 4 remain."""
    a = world["assessment"]
    save_entry(login("reporter"), a, {"a": "15"})
    body = text(login("leader").get(f"/danh-gia/{a.pk}/gui/"))
    [warning] = re.findall(r'<p class="msg warning">([^<]*số liệu[^<]*)</p>', body)
    assert "Còn 4 chỉ số" not in warning, warning
    assert "1/4" in warning or ("3" in warning and "1" in warning), warning


def test_the_leader_submits(world, login):
    a = world["assessment"]
    client = login("leader")
    response = submit(client, a, comment="Đồng ý gửi", follow=True)
    assert response.redirect_chain[-1][0] == f"/danh-gia/{a.pk}/"
    assert "Đã gửi bản tự đánh giá. Số liệu của đơn vị từ nay chỉ xem được, không sửa được." in messages_of(response)
    stored = fresh(a)
    assert stored.status == Assessment.Status.SUBMITTED
    assert stored.submitted_by == world["users"]["leader"]
    assert stored.submitted_at is not None
    audit = AuditEntry.objects.get(action="assessment.submit")
    assert (audit.actor, audit.old, audit.new, audit.comment) == (
        world["users"]["leader"],
        "draft",
        "submitted",
        "Đồng ý gửi",
    )


def test_after_submitting_the_page_is_read_only(world, login):
    a = world["assessment"]
    save_entry(login("reporter"), a, {"a": "15"})
    submit(login("leader"), a)
    for persona in ("reporter", "leader"):
        body = text(login(persona).get(f"/danh-gia/{a.pk}/"))
        assert SUBMITTED in body
        assert "bởi Leader" in body
        assert '<form id="form-' not in body  # no indicator form
        assert 'action="/danh-gia/' + str(a.pk) + '/thong-tin-chung/"' not in body
        assert "Thêm tài liệu" not in body
        assert "Duyệt và gửi…" not in body
        assert "Đã gửi" in body  # status badge
        assert "Số xã có chuyên mục" in body and "15" in body  # data still readable


@pytest.mark.parametrize("persona", ["reporter", "leader"])
def test_after_submitting_saves_are_refused_with_the_message(world, login, persona):
    a = world["assessment"]
    save_entry(login("reporter"), a, {"a": "15"})
    submit(login("leader"), a)
    client = login(persona)
    audits = AuditEntry.objects.count()
    for extra in (HTMX, {}):
        response = save_entry(client, a, {"a": "16"}, **extra)
        assert response.status_code == 403
        assert SUBMITTED in text(response)
    assert Entry.objects.get(assessment=a, code="I.2").values == {"a": "15"}
    assert AuditEntry.objects.count() == audits


def test_after_submitting_general_info_is_refused(world, login):
    a = world["assessment"]
    submit(login("leader"), a)
    response = login("reporter").post(f"/danh-gia/{a.pk}/thong-tin-chung/", {"version": "0", "so_xa": "99"})
    assert response.status_code == 403
    assert SUBMITTED in text(response)
    assert fresh(a).general == {"so_xa": "20"}


def test_after_submitting_evidence_cannot_be_added_or_deleted(world, login):
    a = world["assessment"]
    client = login("reporter")
    client.post(f"/danh-gia/{a.pk}/chi-so/I.1/minh-chung/", {"doc_number": "12/QĐ-UBND"})
    evidence = Evidence.objects.get(assessment=a)
    submit(login("leader"), a)
    added = client.post(f"/danh-gia/{a.pk}/chi-so/I.1/minh-chung/", {"doc_number": "13/QĐ-UBND"}, follow=True)
    assert SUBMITTED in messages_of(added)
    deleted = client.post(f"/danh-gia/minh-chung/{evidence.pk}/xoa/", follow=True)
    assert SUBMITTED in messages_of(deleted)
    assert list(Evidence.objects.filter(assessment=a)) == [evidence]


def test_submitting_twice_is_refused(world, login):
    a = world["assessment"]
    client = login("leader")
    submit(client, a)
    first = fresh(a).submitted_at
    response = submit(client, a, follow=True)
    assert response.redirect_chain[0][0] == f"/danh-gia/{a.pk}/gui/"
    assert any("đã được gửi" in m for m in messages_of(response))
    assert fresh(a).submitted_at == first
    assert AuditEntry.objects.filter(action="assessment.submit").count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_reporter_cannot_submit(world, login, method):
    a = world["assessment"]
    response = getattr(login("reporter"), method)(f"/danh-gia/{a.pk}/gui/")
    assert response.status_code == 403
    assert "Chỉ lãnh đạo đơn vị mới được duyệt và gửi bản tự đánh giá." in text(response)
    assert fresh(a).status == Assessment.Status.DRAFT


def test_only_the_leader_sees_the_submit_button(world, login):
    a = world["assessment"]
    assert "Duyệt và gửi…" in text(login("leader").get(f"/danh-gia/{a.pk}/"))
    for persona in ("reporter", "appraiser", "admin"):
        assert "Duyệt và gửi…" not in text(login(persona).get(f"/danh-gia/{a.pk}/"))


# ---------------------------------------------------------------------------------------------
# The deadline and reopening


def test_submitting_after_the_deadline_is_refused(world, login):
    a = world["assessment"]
    deadline = past_deadline(world)
    response = submit(login("leader"), a, follow=True)
    shown = timezone.localtime(deadline).strftime("%d/%m/%Y %H:%M")
    assert f"Đã quá hạn gửi báo cáo ({shown}). Liên hệ cơ quan tổ chức để được mở lại." in messages_of(response)
    assert fresh(a).status == Assessment.Status.DRAFT


def test_after_the_deadline_the_unit_cannot_edit(world, login):
    a = world["assessment"]
    past_deadline(world)
    client = login("reporter")
    response = save_entry(client, a, {"a": "5"}, **HTMX)
    assert response.status_code == 403
    assert "Đã quá hạn gửi báo cáo" in text(response)
    assert not Entry.objects.filter(assessment=a).exists()
    page = text(client.get(f"/danh-gia/{a.pk}/"))
    assert "Đã quá hạn gửi báo cáo" in page
    assert '<form id="form-' not in page


def test_the_deadline_is_shown_in_vietnam_time(world, login):
    a = world["assessment"]
    deadline = datetime.datetime(2023, 10, 10, 16, 30, tzinfo=datetime.UTC)  # 23:30 in Hà Nội
    Campaign.objects.filter(pk=world["campaign"].pk).update(submission_deadline=deadline)
    response = submit(login("leader"), a, follow=True)
    assert "Đã quá hạn gửi báo cáo (10/10/2023 23:30). Liên hệ cơ quan tổ chức để được mở lại." in messages_of(response)


def test_a_reopened_participation_can_edit_and_submit_after_the_deadline(world, login):
    a = world["assessment"]
    past_deadline(world, reopened_until=timezone.now() + datetime.timedelta(days=2))
    response = save_entry(login("reporter"), a, {"a": "5"}, **HTMX)
    assert response.status_code == 200
    assert Entry.objects.get(assessment=a, code="I.2").values == {"a": "5"}
    page = text(login("reporter").get(f"/danh-gia/{a.pk}/"))
    assert '<form id="form-I-2"' in page
    submit(login("leader"), a)
    assert fresh(a).status == Assessment.Status.SUBMITTED


def test_a_reopening_that_has_ended_no_longer_allows_editing(world, login):
    a = world["assessment"]
    past_deadline(world, reopened_until=timezone.now() - datetime.timedelta(hours=1))
    response = save_entry(login("reporter"), a, {"a": "5"}, **HTMX)
    assert response.status_code == 403
    assert "Đã quá hạn gửi báo cáo" in text(response)


def test_reopening_applies_to_that_unit_only(world, login):
    past_deadline(world, reopened_until=timezone.now() + datetime.timedelta(days=2))
    other = world["other_assessment"]
    response = save_entry(login("other_reporter"), other, {"a": "5"}, **HTMX)
    assert response.status_code == 403


def test_a_reopening_holds_while_appraisal_has_started(world, login):
    a = world["assessment"]
    past_deadline(world, reopened_until=timezone.now() + datetime.timedelta(days=2))
    Campaign.objects.filter(pk=world["campaign"].pk).update(state=Campaign.State.APPRAISAL)
    assert save_entry(login("reporter"), a, {"a": "5"}, **HTMX).status_code == 200


def test_a_campaign_not_yet_open_refuses_with_its_state(world, login):
    a = world["assessment"]
    Campaign.objects.filter(pk=world["campaign"].pk).update(state=Campaign.State.DRAFT)
    response = save_entry(login("reporter"), a, {"a": "5"}, **HTMX)
    assert response.status_code == 403
    assert "Kỳ đánh giá đang ở trạng thái “Đang chuẩn bị”, chưa nhận báo cáo." in text(response)


def test_a_published_campaign_refuses_with_its_state_even_for_a_reopened_unit(world, login):
    """Published results are final: the message must not tell the unit to ask for a reopening."""
    a = world["assessment"]
    past_deadline(world, reopened_until=timezone.now() + datetime.timedelta(days=2))
    Campaign.objects.filter(pk=world["campaign"].pk).update(state=Campaign.State.PUBLISHED)
    response = save_entry(login("reporter"), a, {"a": "5"}, **HTMX)
    assert response.status_code == 403
    body = text(response)
    assert "Đã công bố" in body, body[:400]
    assert "để được mở lại" not in body
