"""The unit's explanation page: only the indicators asked about, answers, evidence, sending, deadlines, 403s."""

from __future__ import annotations

import datetime
import html
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dti.accounts.models import Notification
from dti.appraisal import explanation, services
from dti.appraisal.models import ExplanationRequest, Question
from dti.assessments import workflow
from dti.assessments.models import Assessment, Evidence
from tests.core.test_files import TEXT, pdf_bytes

S = Assessment.Status


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def explaining(appraising: dict[str, Any], django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]) -> Any:
    """UBND huyện Một asked to explain I.2 and II.1 (two questions on II.1), due in three days."""
    users = appraising["users"]
    for user in users.values():
        user.email = f"{user.username}@example.vn"
        user.save(update_fields=["email"])
    one = appraising["assessment"]
    appraiser = users["appraiser"]
    services.question_add(assessment=one, code="I.2", text="Danh sách 15 xã có chuyên mục?", by=appraiser)
    services.question_add(assessment=one, code="II.1", text="Đề nghị gửi kế hoạch đã ký", by=appraiser)
    services.question_add(assessment=one, code="II.1", text="Kế hoạch ban hành ngày nào?", by=appraiser)
    with django_capture_on_commit_callbacks(execute=True):
        deadline = timezone.now() + datetime.timedelta(days=3)
        appraising["request"] = explanation.request_explanation(
            assessment=one, by=users["organiser"], deadline=deadline
        )
    one.refresh_from_db()
    appraising["url"] = f"/danh-gia/{one.pk}/giai-trinh/"
    return appraising


def body(response: Any) -> str:
    return html.unescape(response.content.decode())


def messages_of(response: Any) -> list[str]:
    return [
        re.sub(r"\s+", " ", m).strip() for m in re.findall(r'<li class="msg [^"]*">(.*?)</li>', body(response), re.S)
    ]


def answer_url(world: dict[str, Any], question: Question) -> str:
    return f"{world['url']}cau-hoi/{question.pk}/"


def answer_all(world: dict[str, Any], client: Any) -> None:
    for question in world["assessment"].questions.all():
        response = client.post(answer_url(world, question), {"answer": f"Giải trình {question.code}"})
        assert response.status_code == 302


def test_unit_is_notified_and_emailed(explaining: dict[str, Any], login: Any, mailoutbox: list[Any]) -> None:
    users = explaining["users"]
    notes = Notification.objects.filter(user__in=[users["reporter"], users["leader"]])
    assert notes.count() == 2
    assert all(n.url == explaining["url"] for n in notes)
    assert "I.2, II.1" in notes[0].text
    assert not Notification.objects.filter(user=users["other_reporter"]).exists()
    mail = [m for m in mailoutbox if "reporter@example.vn" in m.to]
    assert len(mail) == 1 and "giải trình" in mail[0].body and explaining["url"] in mail[0].body
    page = login("reporter").get("/thong-bao/")
    assert "Đề nghị UBND huyện Một giải trình các chỉ số I.2, II.1" in body(page)


def test_reporter_sees_only_the_indicators_asked(explaining: dict[str, Any], login: Any) -> None:
    response = login("reporter").get(explaining["url"])
    assert response.status_code == 200
    text = body(response)
    deadline = timezone.localtime(explaining["request"].deadline).strftime("%H:%M %d/%m/%Y")
    assert f"Hạn giải trình: {deadline}" in text
    assert 'id="ind-I-2"' in text and 'id="ind-II-1"' in text
    assert 'id="ind-I-1"' not in text and 'id="ind-II-2"' not in text
    assert "Danh sách 15 xã có chuyên mục?" in text and "Kế hoạch ban hành ngày nào?" in text
    assert text.count('name="answer"') == 3
    assert "<th>Số xã có chuyên mục</th><td>15 xã</td>" in text  # the unit's data, as submitted
    assert 'name="a"' not in text  # the unit's data are read-only here
    assert "Gửi giải trình" not in text  # only the leader sends
    assert "Còn 3 câu hỏi chưa trả lời." in text


def test_answer_saved_and_empty_answer_refused(explaining: dict[str, Any], login: Any) -> None:
    client = login("reporter")
    question = explaining["assessment"].questions.get(code="I.2")
    response = client.post(answer_url(explaining, question), {"answer": "Có 15 xã, danh sách kèm theo"})
    assert response.status_code == 302 and response["Location"].endswith(f"#q-{question.pk}")
    question.refresh_from_db()
    assert question.answer == "Có 15 xã, danh sách kèm theo" and question.answered_by == explaining["users"]["reporter"]
    refused = client.post(answer_url(explaining, question), {"answer": "   "})
    assert refused.status_code == 422 and "Cần nhập nội dung giải trình." in body(refused)
    question.refresh_from_db()
    assert question.answer == "Có 15 xã, danh sách kèm theo"


def test_leader_send_refused_while_questions_unanswered(explaining: dict[str, Any], login: Any) -> None:
    client = login("leader")
    page = client.get(explaining["url"])
    assert "Gửi giải trình" in body(page)
    question = explaining["assessment"].questions.get(code="I.2")
    client.post(answer_url(explaining, question), {"answer": "Có 15 xã"})
    response = client.post(explaining["url"] + "gui/")
    assert response.status_code == 409
    assert "Còn câu hỏi chưa được trả lời ở các chỉ số: II.1." in body(response)
    explaining["assessment"].refresh_from_db()
    assert explaining["assessment"].status == S.EXPLANATION_REQUESTED


def test_leader_sends_and_appraisers_hear(
    explaining: dict[str, Any], login: Any, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    client = login("leader")
    answer_all(explaining, client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(explaining["url"] + "gui/")
    assert response.status_code == 302
    one = explaining["assessment"]
    one.refresh_from_db()
    assert one.status == S.EXPLAINED
    assert Notification.objects.filter(
        user=explaining["users"]["appraiser"], text__contains="đã gửi giải trình"
    ).exists()
    assert any("appraiser@example.vn" in m.to for m in mailoutbox)
    # The round is now listed read-only as an earlier round.
    page = body(client.get(explaining["url"]))
    assert "Các lần giải trình trước" in page and "Giải trình II.1" in page
    assert 'name="answer"' not in page and "Hiện không có đề nghị giải trình nào" in page


def test_reporter_cannot_send(explaining: dict[str, Any], login: Any) -> None:
    client = login("reporter")
    answer_all(explaining, client)
    assert client.post(explaining["url"] + "gui/").status_code == 403
    explaining["assessment"].refresh_from_db()
    assert explaining["assessment"].status == S.EXPLANATION_REQUESTED


@pytest.mark.parametrize("persona", ["other_reporter", "other_leader", "viewer"])
def test_other_units_data_forbidden(explaining: dict[str, Any], login: Any, persona: str) -> None:
    client = login(persona)
    question = explaining["assessment"].questions.first()
    assert client.get(explaining["url"]).status_code == 403
    assert client.post(answer_url(explaining, question), {"answer": "x"}).status_code == 403
    assert client.post(explaining["url"] + "gui/").status_code == 403
    evidence = {"doc_number": "1/QĐ", "title": "x"}
    assert client.post(explaining["url"] + "chi-so/II.1/minh-chung/", evidence).status_code == 403
    question.refresh_from_db()
    assert question.answer == "" and not Evidence.objects.exists()


def test_question_of_another_assessment_is_not_found(explaining: dict[str, Any], login: Any) -> None:
    question = explaining["assessment"].questions.first()
    other_url = f"/danh-gia/{explaining['other_assessment'].pk}/giai-trinh/cau-hoi/{question.pk}/"
    assert login("other_reporter").post(other_url, {"answer": "x"}).status_code == 404


@pytest.mark.parametrize("persona", ["appraiser", "organiser", "chair", "admin"])
def test_appraisal_side_views_read_only(explaining: dict[str, Any], login: Any, persona: str) -> None:
    response = login(persona).get(explaining["url"])
    assert response.status_code == 200
    text = body(response)
    assert "Danh sách 15 xã có chuyên mục?" in text
    assert 'name="answer"' not in text and "Gửi giải trình" not in text and "Bổ sung tài liệu" not in text
    assert "Bạn đang xem ở chế độ chỉ đọc." in text


def test_anonymous_goes_to_login(explaining: dict[str, Any], login: Any) -> None:
    assert login("anonymous").get(explaining["url"]).status_code == 302


def test_past_deadline_is_read_only(explaining: dict[str, Any], login: Any) -> None:
    client = login("leader")
    question = explaining["assessment"].questions.get(code="I.2")
    client.post(answer_url(explaining, question), {"answer": "Có 15 xã"})
    ExplanationRequest.objects.update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    page = body(client.get(explaining["url"]))
    assert "Đã quá hạn giải trình" in page
    assert 'name="answer"' not in page and "Gửi giải trình" not in page and "Có 15 xã" in page
    late = client.post(answer_url(explaining, question), {"answer": "Sửa sau hạn"})
    assert late.status_code == 409 and "Đã quá hạn giải trình" in body(late)
    sent = client.post(explaining["url"] + "gui/")
    assert sent.status_code == 409 and "Đã quá hạn giải trình" in body(sent)
    refused = client.post(explaining["url"] + "chi-so/II.1/minh-chung/", {"doc_number": "1/KH"}, follow=True)
    assert not Evidence.objects.exists() and messages_of(refused)
    question.refresh_from_db()
    assert question.answer == "Có 15 xã"


def test_evidence_for_an_asked_indicator(explaining: dict[str, Any], login: Any, media: Path) -> None:
    client = login("reporter")
    url = explaining["url"] + "chi-so/II.1/minh-chung/"
    upload = SimpleUploadedFile("Kế hoạch 12.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(url, {"file": upload})
    assert response.status_code == 302 and response["Location"].endswith(explaining["url"] + "#ind-II-1")
    evidence = Evidence.objects.get()
    assert evidence.code == "II.1" and evidence.original_name == "Kế hoạch 12.pdf"
    page = client.get(explaining["url"])
    assert "Kế hoạch 12.pdf" in body(page) and "bổ sung khi giải trình" in body(page)
    reference = client.post(url, {"doc_number": "12/KH-UBND", "doc_date": "01/03/2023", "title": "Kế hoạch CĐS"})
    assert reference.status_code == 302 and Evidence.objects.count() == 2
    bad_date = client.post(url, {"doc_number": "13/KH", "doc_date": "32/13/2023"}, follow=True)
    assert "Ngày ban hành '32/13/2023' không hợp lệ (cần dd/mm/yyyy)." in messages_of(bad_date)
    deleted = client.post(f"{explaining['url']}minh-chung/{evidence.pk}/xoa/")
    assert deleted.status_code == 302 and Evidence.objects.count() == 1


def test_evidence_refused_for_an_indicator_not_asked(explaining: dict[str, Any], login: Any, media: Path) -> None:
    client = login("reporter")
    upload = SimpleUploadedFile("qd.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(explaining["url"] + "chi-so/I.1/minh-chung/", {"file": upload}, follow=True)
    assert any("chỉ bổ sung tài liệu cho các chỉ số được đề nghị giải trình" in m for m in messages_of(response))
    assert not Evidence.objects.exists()


def test_disguised_evidence_refused(explaining: dict[str, Any], login: Any, media: Path) -> None:
    client = login("reporter")
    upload = SimpleUploadedFile("ke-hoach.pdf", TEXT, content_type="application/pdf")
    response = client.post(explaining["url"] + "chi-so/II.1/minh-chung/", {"file": upload}, follow=True)
    assert any("không phải là tài liệu được chấp nhận" in m for m in messages_of(response))
    assert not Evidence.objects.exists()


def test_no_request_yet(appraising: dict[str, Any], login: Any) -> None:
    response = login("reporter").get(f"/danh-gia/{appraising['assessment'].pk}/giai-trinh/")
    assert response.status_code == 200
    assert "Hiện không có đề nghị giải trình nào đang chờ đơn vị trả lời." in body(response)


def test_banner_explanation_requested(explaining: dict[str, Any], login: Any) -> None:
    text = body(login("reporter").get(f"/danh-gia/{explaining['assessment'].pk}/"))
    deadline = timezone.localtime(explaining["request"].deadline).strftime("%H:%M %d/%m/%Y")
    assert f"Đề nghị giải trình trước {deadline}" in text
    assert f'href="{explaining["url"]}"' in text


def test_banner_returned_with_reason(appraising: dict[str, Any], login: Any) -> None:
    one = appraising["assessment"]
    workflow.return_to_unit(assessment=one, by=appraising["users"]["appraiser"], comment="Thiếu số liệu xã")
    text = body(login("reporter").get(f"/danh-gia/{one.pk}/"))
    assert "Trả lại đơn vị: Thiếu số liệu xã" in text


def test_banner_in_appraisal(appraising: dict[str, Any], login: Any) -> None:
    one = appraising["assessment"]
    workflow.start_appraisal(assessment=one, by=appraising["users"]["appraiser"])
    text = re.sub(r"<[^>]+>", "", body(login("reporter").get(f"/danh-gia/{one.pk}/")))
    assert "Trạng thái: Đang thẩm định" in re.sub(r"\s+", " ", text)


def test_banner_while_drafting_says_what_comes_next(world: dict[str, Any], login: Any) -> None:
    """The banner is always there (issue 9 §2); while drafting it names the submission deadline."""
    text = body(login("reporter").get(f"/danh-gia/{world['assessment'].pk}/"))
    deadline = timezone.localtime(world["campaign"].submission_deadline).strftime("%H:%M %d/%m/%Y")
    assert 'class="status-banner status-draft"' in text
    assert f"lãnh đạo đơn vị duyệt và gửi trước {deadline}" in text
