"""What the appraisal endpoints do: the workspace's services, checks and messages, as JSON.

Each verdict is read back through GET with the engine's appraised score (the same as the web's
selector); each refusal leaves verdicts, questions, assessments and the audit log as they were.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.utils import timezone

from dti.appraisal.models import Assignment, ExplanationRequest, Question, Review
from dti.appraisal.selectors import unit_scores
from dti.assessments.models import Assessment
from dti.audit.models import AuditEntry
from tests.conftest import World
from tests.url_contract import APPRAISE, VIEW_APPRAISAL

Api = Callable[[str], Client]


def put(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.put(path, json.dumps(body), content_type="application/json")


def state() -> tuple[Any, ...]:
    """Everything a refused change must leave as it was."""
    return (
        list(Review.objects.values().order_by("pk")),
        list(Question.objects.values().order_by("pk")),
        list(Assessment.objects.values().order_by("pk")),
        AuditEntry.objects.exclude(action__startswith="api_token.").count(),
    )


def figures(body: dict[str, Any], code: str) -> dict[str, Any]:
    return next(i for i in body["items"] if i["code"] == code)


def test_the_appraiser_reads_the_units_appraisal(appraising: World, api_as: Api) -> None:
    a = appraising["assessment"]
    body = api_as("appraiser").get(f"/api/assessments/{a.pk}/appraisal").json()
    assert (body["status"], body["started"], body["scope"]) == ("submitted", False, None)
    assert (body["reviewed"], body["to_review"], body["reviews"], body["questions"]) == (0, 4, [], [])
    assert figures(body, "II.2") == {"code": "II.2", "claimed": "8.00", "appraised": None}  # the self score
    assert body["appraised_total"] is None
    assert api_as("chair").get(f"/api/assessments/{a.pk}/appraisal").json()["scope"] == []


def test_a_verdict_adjusts_with_its_reason_and_is_read_back_with_the_engines_score(
    appraising: World, api_as: Api
) -> None:
    a = appraising["assessment"]
    client = api_as("appraiser")
    path = f"/api/assessments/{a.pk}/appraisal/I.2"
    response = put(client, path, {"version": 0, "values": {"a": 10}, "reason": "Theo danh sách xã của Sở"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body == client.get(f"/api/assessments/{a.pk}/appraisal").json()
    [review] = body["reviews"]
    assert (review["decision"], review["values"], review["reason"], review["version"]) == (
        "adjusted",
        {"a": "10"},
        "Theo danh sách xã của Sở",
        1,
    )
    assert (body["status"], body["started"]) == ("in_appraisal", True)
    assert figures(body, "I.2") == {"code": "I.2", "claimed": "7.50", "appraised": "5.00"}  # 10 of 20 communes
    web = unit_scores(Assessment.objects.get(pk=a.pk))
    assert body["appraised_total"] == f"{web.appraised.total:.2f}"
    audit = AuditEntry.objects.get(action="review.save")
    assert (audit.actor, audit.code, audit.comment) == (appraising["users"]["appraiser"], "I.2", review["reason"])
    accepted = put(client, f"/api/assessments/{a.pk}/appraisal/I.1", {"version": 0, "accept": True, "reason": "x"})
    assert [(r["code"], r["decision"], r["reason"]) for r in accepted.json()["reviews"]] == [
        ("I.1", "accepted", ""),
        ("I.2", "adjusted", "Theo danh sách xã của Sở"),
    ]


def test_a_stale_verdict_is_refused_409_with_the_current_one(appraising: World, api_as: Api) -> None:
    a = appraising["assessment"]
    path = f"/api/assessments/{a.pk}/appraisal/I.2"
    put(api_as("appraiser"), path, {"version": 0, "accept": True})
    before = state()
    response = put(api_as("appraiser"), path, {"version": 0, "values": {"a": 3}, "reason": "Sai số liệu"})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert "đã thẩm định chỉ số I.2" in body["message"]
    assert (body["current"]["version"], body["current"]["decision"]) == (1, "accepted")
    assert state() == before


def test_a_wrong_verdict_is_refused_422_with_its_field_and_the_forms_message(appraising: World, api_as: Api) -> None:
    a = appraising["assessment"]
    client = api_as("appraiser")
    before = state()
    no_reason = put(client, f"/api/assessments/{a.pk}/appraisal/I.2", {"version": 0, "values": {"a": 3}})
    assert (no_reason.status_code, no_reason.json()["field"]) == (422, "reason")
    assert no_reason.json()["message"] == (
        "Cần nêu lý do khi điều chỉnh số liệu, điểm hoặc không đồng ý đề nghị không áp dụng."
    )
    unknown = put(client, f"/api/assessments/{a.pk}/appraisal/I.2", {"version": 0, "values": {"z": 1}, "reason": "x"})
    assert (unknown.status_code, unknown.json()["message"]) == (422, "Chỉ số I.2 không có trường “z”.")
    na = put(client, f"/api/assessments/{a.pk}/appraisal/II.1", {"version": 0, "na_decision": "accepted"})
    assert (na.status_code, na.json()["field"]) == (422, "na_decision")
    assert na.json()["message"] == "Đơn vị không đề nghị không áp dụng chỉ số này."
    assert state() == before


def test_refusals_as_the_workspace_decides_and_nothing_changes(
    appraising: World, api_as: Api, login: Callable[[str], Client]
) -> None:
    a = appraising["assessment"]
    path = f"/api/assessments/{a.pk}/appraisal/I.2"
    body = {"version": 0, "values": {"a": 3}, "reason": "Sai"}
    before = state()
    chair = put(api_as("chair"), path, body)
    assert (chair.status_code, chair.json()["message"]) == (403, APPRAISE)
    web = login("chair").post(f"/tham-dinh/{a.pk}/chi-so/I.2/", {"version": "0", "a": "3", "reason": "Sai"})
    assert web.status_code == 403
    viewer = api_as("viewer").get(f"/api/assessments/{a.pk}/appraisal")
    assert (viewer.status_code, viewer.json()["message"]) == (403, VIEW_APPRAISAL)
    other = put(api_as("appraiser"), f"/api/assessments/{appraising['other_assessment'].pk}/appraisal/I.2", body)
    assert (other.status_code, other.json()["message"]) == (403, APPRAISE)
    assert put(api_as("appraiser"), f"/api/assessments/{a.pk}/appraisal/IX.9", body).status_code == 404
    assert put(api_as("appraiser"), "/api/assessments/999999/appraisal/I.2", body).status_code == 404
    assert state() == before


def test_a_unit_not_submitted_cannot_be_appraised(world: World, api_as: Api) -> None:
    Assignment.objects.create(participation=world["participation"], appraiser=world["users"]["appraiser"])
    a = world["assessment"]
    before = state()
    response = put(api_as("appraiser"), f"/api/assessments/{a.pk}/appraisal/I.2", {"version": 0, "accept": True})
    assert (response.status_code, response.json()["code"]) == (422, "refused")
    assert response.json()["message"] == (
        "Bản đánh giá của UBND huyện Một đang ở trạng thái “Đang nhập liệu”; không thể thẩm định lúc này."
    )
    assert state() == before


def test_a_question_is_drafted_and_listed_unsent(appraising: World, api_as: Api) -> None:
    a = appraising["assessment"]
    client = api_as("appraiser")
    path = f"/api/assessments/{a.pk}/appraisal/I.2/questions"
    before = state()
    empty = client.post(path, {"text": "  "}, content_type="application/json")
    assert (empty.status_code, empty.json()["field"]) == (422, "text")
    assert empty.json()["message"] == "Cần nhập nội dung đề nghị giải trình."
    assert state() == before
    drafted = client.post(path, {"text": "Đề nghị gửi danh sách xã có chuyên mục."}, content_type="application/json")
    assert drafted.status_code == 201, drafted.content
    assert (drafted.json()["code"], drafted.json()["sent"]) == ("I.2", False)
    [listed] = client.get(f"/api/assessments/{a.pk}/appraisal").json()["questions"]
    assert listed == drafted.json()
    assert AuditEntry.objects.filter(action="question.add", actor=appraising["users"]["appraiser"]).count() == 1


def test_a_question_not_yet_sent_is_withdrawn_a_sent_one_is_not(appraising: World, api_as: Api) -> None:
    a = appraising["assessment"]
    appraiser = appraising["users"]["appraiser"]
    draft = Question.objects.create(assessment=a, code="I.2", text="Đề nghị gửi danh sách xã.", asked_by=appraiser)
    theirs = Question.objects.create(assessment=appraising["other_assessment"], code="I.2", text="Khác")
    before = state()
    chair = api_as("chair").delete(f"/api/assessments/{a.pk}/appraisal/questions/{draft.pk}")
    assert (chair.status_code, chair.json()["message"]) == (403, APPRAISE)
    assert api_as("appraiser").delete(f"/api/assessments/{a.pk}/appraisal/questions/{theirs.pk}").status_code == 404
    assert state() == before
    withdrawn = api_as("appraiser").delete(f"/api/assessments/{a.pk}/appraisal/questions/{draft.pk}")
    assert withdrawn.status_code == 204
    assert list(Question.objects.values_list("pk", flat=True)) == [theirs.pk]
    assert AuditEntry.objects.get(action="question.delete").old == "Đề nghị gửi danh sách xã."
    request = ExplanationRequest.objects.create(assessment=a, deadline=timezone.now())
    sent = Question.objects.create(assessment=a, code="I.2", text="Đã gửi", asked_by=appraiser, request=request)
    before = state()
    refused = api_as("appraiser").delete(f"/api/assessments/{a.pk}/appraisal/questions/{sent.pk}")
    assert (refused.status_code, refused.json()["message"]) == (422, "Câu hỏi đã gửi đơn vị, không thể rút lại.")
    assert state() == before


def post(client: Client, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(path, json.dumps(body) if body is not None else "", content_type="application/json")


def test_the_appraiser_accepts_the_remaining_indicators_as_the_workspace_does(appraising: World, api_as: Api) -> None:
    a = appraising["assessment"]
    client = api_as("appraiser")
    path = f"/api/assessments/{a.pk}/appraisal/accept-remaining"
    response = post(client, path)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["accepted"] == 4
    assert (body["appraisal"]["status"], body["appraisal"]["reviewed"], body["appraisal"]["to_review"]) == (
        "in_appraisal",
        4,
        4,
    )
    assert {r["decision"] for r in body["appraisal"]["reviews"]} == {"accepted"}
    (entry,) = AuditEntry.objects.filter(action="review.accept_remaining")
    assert (entry.actor, entry.channel) == (appraising["users"]["appraiser"], "api")
    assert post(client, path).json()["accepted"] == 0


def test_accept_remaining_refused_as_the_workspace_refuses(appraising: World, api_as: Api) -> None:
    other = appraising["other_assessment"]
    before = state()
    response = post(api_as("appraiser"), f"/api/assessments/{other.pk}/appraisal/accept-remaining")
    assert (response.status_code, response.json()["message"]) == (403, APPRAISE)
    response = post(api_as("reporter"), f"/api/assessments/{other.pk}/appraisal/accept-remaining")
    assert (response.status_code, response.json()["message"]) == (403, VIEW_APPRAISAL)
    assert state() == before


def test_the_appraisal_is_started_and_finished_through_the_workflow(appraising: World, api_as: Api) -> None:
    a = appraising["assessment"]
    base = f"/api/assessments/{a.pk}/appraisal"
    started = post(api_as("organiser"), f"{base}/transitions/start_appraisal")
    assert started.status_code == 200, started.content
    assert (started.json()["status"], started.json()["started"]) == ("in_appraisal", True)
    transition = a.transitions.get(new="in_appraisal")
    assert transition.by == appraising["users"]["organiser"]
    again = post(api_as("organiser"), f"{base}/transitions/start_appraisal")
    assert again.status_code == 422
    assert again.json()["code"] == "refused" and "Đang thẩm định" in again.json()["message"]

    appraiser = api_as("appraiser")
    before = state()
    early = post(appraiser, f"{base}/transitions/finish_appraisal", {"comment": "Xong"})
    assert (early.status_code, early.json()["message"]) == (
        422,
        "Chưa thể kết thúc thẩm định UBND huyện Một: 4 chỉ số chưa được thẩm định (I.1, I.2, II.1, II.2)",
    )
    assert state() == before
    post(appraiser, f"{base}/accept-remaining")
    finished = post(appraiser, f"{base}/transitions/finish_appraisal", {"comment": "Đã thẩm định đủ"})
    assert finished.status_code == 200, finished.content
    assert finished.json()["status"] == "appraised"
    assert a.transitions.get(new="appraised").comment == "Đã thẩm định đủ"


def test_an_appraisal_step_by_who_may_not_or_unknown_is_refused(appraising: World, api_as: Api) -> None:
    a = appraising["assessment"]
    before = state()
    chair = post(api_as("chair"), f"/api/assessments/{a.pk}/appraisal/transitions/start_appraisal")
    assert (chair.status_code, chair.json()["message"]) == (403, APPRAISE)
    unknown = post(api_as("organiser"), f"/api/assessments/{a.pk}/appraisal/transitions/approve")
    assert (unknown.status_code, unknown.json()["field"]) == (422, "move")
    assert state() == before
