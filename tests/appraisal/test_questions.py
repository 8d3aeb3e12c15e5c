"""Questions to the unit from the workspace: draft, withdraw, send with a deadline, read the answers."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from dti.appraisal.models import ExplanationRequest, Question
from dti.assessments.models import Assessment

S = Assessment.Status


def ask(client: Any, assessment: Assessment, code: str, text: str) -> Any:
    return client.post(reverse("appraisal:question_add", args=[assessment.pk, code]), {"text": text})


def test_draft_and_withdraw_a_question(appraising: dict[str, Any], login: Any) -> None:
    one = appraising["assessment"]
    client = login("appraiser")
    response = ask(client, one, "II.1", "Đề nghị gửi kế hoạch đã ký")
    assert response.status_code == 302
    question = Question.objects.get(assessment=one)
    assert question.request is None and question.code == "II.1"
    html = client.get(reverse("appraisal:unit", args=[one.pk])).content.decode()
    assert "Đề nghị gửi kế hoạch đã ký" in html and "chưa gửi" in html
    response = client.post(reverse("appraisal:question_delete", args=[one.pk, question.pk]))
    assert response.status_code == 302
    assert not Question.objects.exists()


def test_empty_question_is_refused(appraising: dict[str, Any], login: Any) -> None:
    one = appraising["assessment"]
    response = ask(login("appraiser"), one, "II.1", "   ")
    assert response.status_code == 422
    assert "Cần nhập nội dung đề nghị giải trình." in response.content.decode()
    assert not Question.objects.exists()


def test_sent_question_cannot_be_withdrawn(appraising: dict[str, Any], login: Any) -> None:
    one = appraising["assessment"]
    ask(login("appraiser"), one, "II.1", "Đề nghị gửi kế hoạch")
    question = Question.objects.get()
    request = ExplanationRequest.objects.create(
        assessment=one, deadline=timezone.now() + datetime.timedelta(days=2), sent_by=appraising["users"]["organiser"]
    )
    Question.objects.filter(pk=question.pk).update(request=request)
    Assessment.objects.filter(pk=one.pk).update(status=S.EXPLAINED)
    response = login("appraiser").post(reverse("appraisal:question_delete", args=[one.pk, question.pk]))
    assert response.status_code == 422
    assert "không thể rút lại" in response.content.decode()
    assert Question.objects.filter(pk=question.pk).exists()


def test_organiser_sends_the_questions_from_the_campaign_page(appraising: dict[str, Any], login: Any) -> None:
    one = appraising["assessment"]
    ask(login("appraiser"), one, "II.1", "Đề nghị gửi kế hoạch")
    organiser = login("organiser")
    campaign_url = reverse("appraisal:campaign", args=[appraising["campaign"].pk])
    assert "Gửi đề nghị giải trình" in organiser.get(campaign_url).content.decode()
    url = reverse("appraisal:move", args=[one.pk, "request_explanation"])
    response = organiser.post(url, {"next": "ky", "deadline_date": "31/02/2099", "deadline_time": "17:00"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "không hợp lệ" in html and 'value="31/02/2099"' in html
    response = organiser.post(url, {"next": "ky", "deadline_date": "01/01/2020", "deadline_time": "17:00"})
    assert response.status_code == 422 and "Hạn giải trình phải sau" in response.content.decode()
    one.refresh_from_db()
    assert one.status == S.IN_APPRAISAL and not ExplanationRequest.objects.exists()
    when = timezone.localdate() + datetime.timedelta(days=5)
    response = organiser.post(url, {"next": "ky", "deadline_date": when.strftime("%d/%m/%Y"), "deadline_time": "17:00"})
    assert response.status_code == 302 and response["Location"].startswith(campaign_url)
    one.refresh_from_db()
    assert one.status == S.EXPLANATION_REQUESTED
    request = ExplanationRequest.objects.get()
    assert timezone.localtime(request.deadline).strftime("%H:%M %d/%m/%Y") == f"17:00 {when:%d/%m/%Y}"


def test_appraiser_cannot_send_the_request(appraising: dict[str, Any], login: Any) -> None:
    one = appraising["assessment"]
    ask(login("appraiser"), one, "II.1", "Đề nghị gửi kế hoạch")
    when = (timezone.localdate() + datetime.timedelta(days=5)).strftime("%d/%m/%Y")
    url = reverse("appraisal:move", args=[one.pk, "request_explanation"])
    response = login("appraiser").post(url, {"deadline_date": when})
    assert response.status_code == 403
    assert "Chỉ cơ quan tổ chức" in response.content.decode()
    one.refresh_from_db()
    assert one.status == S.IN_APPRAISAL


def test_answers_are_shown_beside_the_question(appraising: dict[str, Any], login: Any) -> None:
    one = appraising["assessment"]
    ask(login("appraiser"), one, "II.1", "Đề nghị gửi kế hoạch")
    Question.objects.update(answer="Kế hoạch số 12/KH-UBND", answered_at=timezone.now())
    html = login("appraiser").get(reverse("appraisal:unit", args=[one.pk])).content.decode()
    assert "Đơn vị trả lời:" in html and "Kế hoạch số 12/KH-UBND" in html
