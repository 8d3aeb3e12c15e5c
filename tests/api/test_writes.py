"""What the write endpoints of a self-assessment do: the web's services, checks and messages, as JSON.

Each success is read back through GET with the engine's score; each refusal leaves the database
(entries, evidence, audit log) and the media folder as they were.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dti.assessments import rules
from dti.assessments.models import Assessment, Entry, Evidence
from dti.audit.models import AuditEntry
from tests.assessments.test_evidence import media, stored_files
from tests.conftest import World
from tests.core.test_files import STRUCTURE_REFUSED, pdf_by_fpdf2

__all__ = ["media"]  # the fixture, used by name

Api = Callable[[str], Client]
NOT_A_DOCUMENT = (
    "Tệp quyet-dinh.pdf không phải là tài liệu được chấp nhận (PDF, DOC, DOCX, XLS, XLSX, ODT, ODS, JPG, PNG); "
    "hệ thống kiểm tra nội dung tệp, không dựa vào phần đuôi tên tệp."
)


def put(client: Client, path: str, body: dict[str, Any], method: str = "put") -> Any:
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


def state() -> tuple[Any, ...]:
    """Everything a refused write must leave as it was."""
    return (
        list(Entry.objects.values().order_by("pk")),
        list(Evidence.objects.values().order_by("pk")),
        list(Assessment.objects.values().order_by("pk")),
        AuditEntry.objects.exclude(action__startswith="api_token.").count(),
    )


def item(body: dict[str, Any], code: str) -> dict[str, Any]:
    return next(i for i in body["scores"]["items"] if i["code"] == code)


def test_an_indicator_saved_is_read_back_with_the_engines_score_and_audited(world: World, api_as: Api) -> None:
    a = world["assessment"]
    client = api_as("reporter")
    response = put(client, f"/api/assessments/{a.pk}/indicators/I.2", {"version": 0, "values": {"a": 15}})
    assert response.status_code == 200, response.content
    read = client.get(f"/api/assessments/{a.pk}").json()
    assert read == response.json()
    [entry] = read["entries"]
    assert (entry["code"], entry["values"], entry["version"]) == ("I.2", {"a": "15"}, 1)
    assert item(read, "I.2")["score"] == "7.50"  # 15 of the 20 communes (general info so_xa)
    audit = AuditEntry.objects.get(action="entry.save")
    assert (audit.actor, audit.code, audit.field, audit.new) == (world["users"]["reporter"], "I.2", "a", "15")


def test_the_same_data_through_the_web_and_the_api_give_the_same_scores(
    world: World, api_as: Api, login: Callable[[str], Client]
) -> None:
    a, b = world["assessment"], world["other_assessment"]
    web = login("other_reporter")
    assert web.post(f"/danh-gia/{b.pk}/chi-so/I.1/", {"version": "0", "truong_ban": "pho"}).status_code == 302
    assert web.post(f"/danh-gia/{b.pk}/chi-so/II.2/", {"version": "0", "score": "7,5"}).status_code == 302
    web.post(f"/danh-gia/{b.pk}/thong-tin-chung/", {"version": "0", "so_xa": "20"})
    client = api_as("reporter")
    put(client, f"/api/assessments/{a.pk}/indicators/I.1", {"version": 0, "values": {"truong_ban": "pho"}})
    put(client, f"/api/assessments/{a.pk}/indicators/II.2", {"version": 0, "score": "7,5"})
    mine = client.get(f"/api/assessments/{a.pk}").json()["scores"]
    theirs = api_as("viewer").get(f"/api/assessments/{b.pk}").json()["scores"]
    assert mine == theirs
    assert mine["total"] == "12.50"


def test_general_info_replaced_or_updated(world: World, api_as: Api) -> None:
    a = world["assessment"]
    client = api_as("reporter")
    patched = put(client, f"/api/assessments/{a.pk}/general", {"version": 0, "values": {"so_xa": 30}}, "patch")
    assert patched.status_code == 200, patched.content
    assert (patched.json()["general"], patched.json()["general_version"]) == ({"so_xa": "30"}, 1)
    replaced = put(client, f"/api/assessments/{a.pk}/general", {"version": 1, "values": {}})
    assert (replaced.json()["general"], replaced.json()["general_version"]) == ({}, 2)
    assert AuditEntry.objects.filter(action="general.save", actor=world["users"]["reporter"]).count() == 2


def test_a_stale_version_is_refused_409_with_the_current_one(world: World, api_as: Api) -> None:
    a = world["assessment"]
    client = api_as("reporter")
    put(client, f"/api/assessments/{a.pk}/indicators/I.2", {"version": 0, "values": {"a": 15}})
    before = state()
    response = put(client, f"/api/assessments/{a.pk}/indicators/I.2", {"version": 0, "values": {"a": 3}})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert "đã lưu chỉ số I.2" in body["message"]
    assert (body["current"]["version"], body["current"]["values"]) == (1, {"a": "15"})
    general = put(client, f"/api/assessments/{a.pk}/general", {"version": 5, "values": {"so_xa": 40}}, "patch")
    assert general.status_code == 409
    assert general.json()["current"] == {"version": 0, "values": {"so_xa": "20"}}
    assert state() == before


def test_a_bad_number_is_refused_422_with_its_field_and_the_forms_message(world: World, api_as: Api) -> None:
    a = world["assessment"]
    before = state()
    response = put(
        api_as("reporter"), f"/api/assessments/{a.pk}/indicators/I.2", {"version": 0, "values": {"a": "2,5"}}
    )
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["field"]) == ("invalid", "a")
    assert body["message"] == "Số xã có chuyên mục: cần số nguyên, không phải 2,5"
    assert body["errors"] == {"a": body["message"]}
    unknown = put(api_as("reporter"), f"/api/assessments/{a.pk}/indicators/I.2", {"version": 0, "values": {"z": 1}})
    assert unknown.status_code == 422
    assert (unknown.json()["field"], unknown.json()["message"]) == ("z", "Chỉ số I.2 không có trường “z”.")
    assert state() == before


def test_refusals_as_the_web_decides_and_nothing_changes(world: World, api_as: Api) -> None:
    a = world["assessment"]
    before = state()
    body = {"version": 0, "values": {"a": 1}}
    viewer = put(api_as("viewer"), f"/api/assessments/{a.pk}/indicators/I.2", body)
    assert (viewer.status_code, viewer.json()["message"]) == (403, "Bạn không có quyền sửa số liệu của đơn vị này.")
    unknown = put(api_as("viewer"), f"/api/assessments/{a.pk}/general", {"version": 0, "values": {"z": 1}}, "patch")
    assert (unknown.status_code, unknown.json()["message"]) == (403, "Bạn không có quyền sửa số liệu của đơn vị này.")
    other = put(api_as("other_reporter"), f"/api/assessments/{a.pk}/indicators/I.2", body)
    assert (other.status_code, other.json()["message"]) == (
        403,
        "Bạn không có quyền xem bản tự đánh giá của đơn vị này.",
    )
    assert put(api_as("reporter"), f"/api/assessments/{a.pk}/indicators/IX.9", body).status_code == 404
    assert put(api_as("reporter"), "/api/assessments/999999/indicators/I.2", body).status_code == 404
    assert state() == before


def test_a_submitted_assessment_is_refused_with_the_webs_reason(world: World, api_as: Api) -> None:
    a = world["assessment"]
    submitted = api_as("leader").post(
        f"/api/assessments/{a.pk}/transitions/submit", {"comment": "Đã rà soát"}, content_type="application/json"
    )
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    transition = a.transitions.get()
    assert (transition.by, transition.comment) == (world["users"]["leader"], "Đã rà soát")
    before = state()
    response = put(api_as("reporter"), f"/api/assessments/{a.pk}/indicators/I.2", {"version": 0, "values": {"a": 1}})
    assert response.status_code == 403
    assert response.json()["message"] == rules.edit_block_reason(Assessment.objects.get(pk=a.pk))
    again = api_as("leader").post(f"/api/assessments/{a.pk}/transitions/submit", content_type="application/json")
    assert (again.status_code, again.json()["message"]) == (422, "Bản tự đánh giá đã được gửi trước đó.")
    assert state() == before


def test_only_the_leader_submits(world: World, api_as: Api) -> None:
    a = world["assessment"]
    before = state()
    response = api_as("reporter").post(f"/api/assessments/{a.pk}/transitions/submit", content_type="application/json")
    assert (response.status_code, response.json()["message"]) == (
        403,
        "Chỉ lãnh đạo đơn vị mới được duyệt và gửi bản tự đánh giá.",
    )
    assert (
        api_as("leader")
        .post(f"/api/assessments/{a.pk}/transitions/publish", content_type="application/json")
        .status_code
        == 422
    )
    form = api_as("leader").post(f"/api/assessments/{a.pk}/transitions/submit", {"comment": "x"})
    assert (form.status_code, form.json()["code"]) == (422, "invalid")
    assert state() == before


def test_evidence_uploaded_referenced_and_deleted(world: World, api_as: Api, media: Path) -> None:
    a = world["assessment"]
    client = api_as("reporter")
    data = pdf_by_fpdf2()
    uploaded = client.post(
        f"/api/assessments/{a.pk}/evidence",
        {"code": "I.1", "file": SimpleUploadedFile("Quyết định.pdf", data, content_type="application/octet-stream")},
    )
    assert uploaded.status_code == 201, uploaded.content
    assert uploaded.json()["name"] == "Quyết định.pdf" and uploaded.json()["content_type"] == "application/pdf"
    [path] = stored_files(media)
    assert path.read_bytes() == data
    referenced = client.post(
        f"/api/assessments/{a.pk}/evidence", {"code": "I.1", "doc_number": "12/QĐ-UBND", "doc_date": "2023-03-01"}
    )
    assert referenced.status_code == 201, referenced.content
    assert referenced.json()["doc_date"] == "2023-03-01"
    deleted = client.delete(f"/api/assessments/{a.pk}/evidence/{uploaded.json()['id']}")
    assert deleted.status_code == 204
    assert list(Evidence.objects.values_list("doc_number", flat=True)) == ["12/QĐ-UBND"]
    assert [e["id"] for e in client.get(f"/api/assessments/{a.pk}").json()["evidence"]] == [referenced.json()["id"]]
    mine = AuditEntry.objects.filter(actor=world["users"]["reporter"], action__startswith="evidence.")
    actions = list(mine.values_list("action", flat=True))
    assert sorted(actions) == ["evidence.add", "evidence.add", "evidence.delete"]


def test_a_polyglot_pdf_is_refused_with_the_webs_message_and_nothing_stored(
    world: World, api_as: Api, media: Path
) -> None:
    a = world["assessment"]
    name, build = STRUCTURE_REFUSED["PDF/HTML polyglot"]
    before = state()
    response = api_as("reporter").post(
        f"/api/assessments/{a.pk}/evidence",
        {"code": "I.1", "file": SimpleUploadedFile(name, build(), content_type="application/pdf")},
    )
    assert (response.status_code, response.json()["message"]) == (422, NOT_A_DOCUMENT)
    assert state() == before
    assert stored_files(media) == []


def test_evidence_refused_to_others_and_of_another_assessment(world: World, api_as: Api, media: Path) -> None:
    a, b = world["assessment"], world["other_assessment"]
    theirs = Evidence.objects.create(assessment=b, code="I.1", kind=Evidence.Kind.REFERENCE, doc_number="1/QĐ")
    before = state()
    viewer = api_as("viewer").post(f"/api/assessments/{a.pk}/evidence", {"code": "I.1", "title": "Kế hoạch"})
    assert (viewer.status_code, viewer.json()["message"]) == (403, "Bạn không có quyền sửa số liệu của đơn vị này.")
    assert api_as("reporter").delete(f"/api/assessments/{a.pk}/evidence/{theirs.pk}").status_code == 404
    empty = api_as("reporter").post(f"/api/assessments/{a.pk}/evidence", {"code": "I.1"})
    assert (empty.status_code, empty.json()["message"]) == (422, "Cần ít nhất số, ký hiệu văn bản hoặc trích yếu.")
    assert state() == before
    assert stored_files(media) == []


def test_the_rate_limit_applies_to_writes(world: World, api_as: Api, settings: Any) -> None:
    settings.API_RATE_PER_MINUTE = 1
    a = world["assessment"]
    client = api_as("reporter")
    assert put(client, f"/api/assessments/{a.pk}/indicators/I.2", {"version": 0, "values": {"a": 1}}).status_code == 200
    before = state()
    again = put(client, f"/api/assessments/{a.pk}/indicators/I.2", {"version": 1, "values": {"a": 2}})
    assert again.status_code == 429
    assert state() == before


def test_a_not_applicable_request_needs_its_reason_and_a_self_score_its_bounds(world: World, api_as: Api) -> None:
    a = world["assessment"]
    client = api_as("reporter")
    before = state()
    path = f"/api/assessments/{a.pk}/indicators/II.1"
    bare = put(client, path, {"version": 0, "na_requested": True})
    assert (bare.status_code, bare.json()["field"]) == (422, "na_reason")
    assert bare.json()["message"] == "Cần nêu lý do đề nghị không áp dụng."
    assert put(client, path, {"version": 0, "self_score": 11}).json()["field"] == "self_score"
    assert state() == before
    saved = put(client, path, {"version": 0, "na_requested": True, "na_reason": "Chưa có quy định", "self_score": 4})
    assert saved.status_code == 200, saved.content
    [entry] = saved.json()["entries"]
    assert (entry["na_requested"], entry["na_reason"], entry["self_score"]) == (True, "Chưa có quy định", "4.0000")


def test_a_file_over_the_webs_limit_is_refused_and_nothing_stored(
    world: World, api_as: Api, media: Path, settings: Any
) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    a = world["assessment"]
    before = state()
    big = SimpleUploadedFile("ke-hoach.pdf", pdf_by_fpdf2() + b"0" * 2 * 1024 * 1024)
    response = api_as("reporter").post(f"/api/assessments/{a.pk}/evidence", {"code": "I.1", "file": big})
    assert response.status_code == 422
    assert response.json()["message"] == "Tệp ke-hoach.pdf dung lượng 2,05 MB, vượt giới hạn 1,00 MB."
    assert state() == before
    assert stored_files(media) == []


def test_changes_through_the_api_are_audited_qua_api_and_the_webs_as_before(
    world: World, api_as: Api, login: Callable[[str], Client]
) -> None:
    """The same save of I.2 on each unit: through the API its audit entry says "qua API", through the
    web page nothing of the kind; the rest of the entry is the same."""
    api = put(
        api_as("reporter"),
        f"/api/assessments/{world['assessment'].pk}/indicators/I.2",
        {"version": 0, "values": {"a": 5}},
    )
    assert api.status_code == 200, api.content
    other = world["other_assessment"]
    web = login("other_reporter").post(f"/danh-gia/{other.pk}/chi-so/I.2/", {"version": "0", "a": "5"})
    assert web.status_code in (200, 302)
    saves = AuditEntry.objects.filter(action="entry.save", field="a").order_by("pk")
    assert [(e.object_id, e.old, e.new, e.comment, e.channel) for e in saves] == [
        (str(world["assessment"].pk), None, "5", "", "api"),
        (str(other.pk), None, "5", "", ""),
    ]
    assert saves[0].get_channel_display() == "qua API"
