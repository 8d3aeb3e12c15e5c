"""The organiser's workbook of many units' data, applied: exactly the previewed changes, through the
web form's services, all or nothing; stale previews, submitted units and other personas refused."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from dti.assessments import services
from dti.assessments.models import Assessment, Entry
from dti.audit.models import AuditEntry
from dti.campaigns.models import Campaign
from dti.core.errors import ServiceError
from dti.engine import score_unit
from dti.exports.bulk import PLAN, BulkImportInvalid, bulk_apply, bulk_preview
from dti.history.services import stage, staged_path
from tests.exports.test_bulk_preview import long_csv, state

IMPORT_REFUSED = "Chỉ cơ quan tổ chức đánh giá mới được nhập số liệu của nhiều đơn vị từ một tệp."
NAMED = "Nhập số liệu nhiều đơn vị từ tệp nhap.csv"
ROWS = (
    "UBND huyện Một,general,so_xa,16",
    "UBND huyện Một,I.1,truong_ban,Phó chủ tịch",
    "UBND huyện Một,I.2,a,8",
    "UBND huyện Một,II.1,ban_hanh,có",
    'UBND huyện Một,II.2,score,"2,5"',
)


def staged(world: dict[str, Any], stream: io.BytesIO) -> Path:
    """The upload kept as the check page keeps it, for the organiser."""
    return staged_path(stage(stream, by=world["users"]["organiser"]), by=world["users"]["organiser"])


def previewed(world: dict[str, Any], *rows: str) -> tuple[Path, str]:
    """The staged file and the fingerprint of its preview."""
    path = staged(world, long_csv(*rows))
    preview = bulk_preview(campaign=world["campaign"], path_or_file=path, by=world["users"]["organiser"])
    return path, preview.fingerprint


def apply(world: dict[str, Any], path: Path, fingerprint: str, persona: str = "organiser") -> Any:
    return bulk_apply(campaign=world["campaign"], path=path, fingerprint=fingerprint, by=world["users"][persona])


def apply_refused(world: dict[str, Any], path: Path, fingerprint: str) -> str:
    """The message of an apply refused with ServiceError, checking that nothing was written."""
    before = state()
    with pytest.raises(ServiceError) as caught:
        apply(world, path, fingerprint)
    assert state() == before
    return caught.value.message


def engine_scores(assessment: Assessment) -> tuple[Decimal | None, dict[str, Decimal | None]]:
    """The engine's total and indicator scores of what is stored."""
    assessment.refresh_from_db()
    result = score_unit(assessment.framework(), assessment.unit_inputs(list(assessment.entries.all())))
    return result.total, {code: score.score for code, score in result.items.items()}


def test_apply_writes_exactly_the_preview_and_scores_as_a_web_save(world: dict[str, Any]) -> None:
    path, fingerprint = previewed(world, *ROWS)
    preview = bulk_preview(campaign=world["campaign"], path_or_file=path, by=world["users"]["organiser"])
    applied = apply(world, path, fingerprint)
    assert applied.changes == len(preview.changes) == 5 and applied.units == 1
    assessment = world["assessment"]
    assessment.refresh_from_db()
    assert assessment.general == {"so_xa": "16"}
    stored = {e.code: (e.values, e.score, e.version) for e in assessment.entries.all()}
    assert stored == {
        "I.1": ({"truong_ban": "pho"}, None, 1),
        "I.2": ({"a": "8"}, None, 1),
        "II.1": ({"ban_hanh": True}, None, 1),
        "II.2": ({}, Decimal("2.5"), 1),
    }
    # The same values typed into the web form of the other unit score the same.
    other, reporter = world["other_assessment"], world["users"]["other_reporter"]
    services.general_save(assessment=other, data={"so_xa": "16"}, version=0, by=reporter)
    for code, data in {
        "I.1": {"truong_ban": "pho"},
        "I.2": {"a": "8"},
        "II.1": {"ban_hanh": "có"},
        "II.2": {"score": "2,5"},
    }.items():
        services.entry_save(assessment=other, code=code, data=data, version=0, by=reporter)
    total, items = engine_scores(assessment)
    assert total == Decimal("22.5")
    assert (total, items) == engine_scores(other)


def test_audit_entries_name_the_import(world: dict[str, Any]) -> None:
    path, fingerprint = previewed(world, "UBND huyện Một,I.2,a,8", "UBND huyện Hai,general,so_xa,12")
    apply(world, path, fingerprint)
    organiser = world["users"]["organiser"]
    saves = AuditEntry.objects.filter(action__in=("entry.save", "general.save"))
    assert sorted(saves.values_list("code", "field", "old", "new", "comment")) == [
        ("I.2", "a", None, "8", NAMED),
        ("general", "so_xa", "10", "12", NAMED),
    ]
    assert set(saves.values_list("actor", flat=True)) == {organiser.pk}
    (summary,) = AuditEntry.objects.filter(action="bulk.import")
    assert summary.actor == organiser and summary.campaign == world["campaign"] and summary.comment == NAMED
    assert summary.new == {"file": "nhap.csv", "units": 2, "changes": 2}


def test_an_error_in_one_unit_writes_nothing(world: dict[str, Any]) -> None:
    path = staged(world, long_csv("UBND huyện Một,I.2,a,8", "UBND huyện Hai,I.2,a,mười"))
    before = state()
    with pytest.raises(BulkImportInvalid) as caught:
        apply(world, path, "")
    assert "chưa nhập dữ liệu nào" in caught.value.message
    assert state() == before


def test_a_service_refusing_one_unit_rolls_back_the_others(world: dict[str, Any]) -> None:
    """UBND huyện Hai's file lowers its communes below a numerator saved after the preview:
    general_save's check refuses, and UBND huyện Một's changes, written before in the same
    transaction, are not kept."""
    path, fingerprint = previewed(world, "UBND huyện Một,I.2,a,8", "UBND huyện Hai,general,so_xa,5")
    Entry.objects.create(assessment=world["other_assessment"], code="I.2", values={"a": "9"}, version=1)
    before = state()
    with pytest.raises(ServiceError) as caught:
        apply(world, path, fingerprint)
    assert caught.value.message == (
        "Đơn vị “UBND huyện Hai”: Có giá trị chưa hợp lệ: Số xã: 5 nhỏ hơn Số xã có chuyên mục (9) đã nhập ở "
        "chỉ số I.2; hãy kiểm tra lại một trong hai số — chưa có gì được ghi."
    )
    assert state() == before


def test_a_general_information_saved_after_the_preview_makes_the_forms_stale(world: dict[str, Any]) -> None:
    """The forms were checked with the communes as they were (a ratio's denominator)."""
    path, fingerprint = previewed(world, "UBND huyện Một,I.2,a,8")
    services.general_save(assessment=world["assessment"], data={"so_xa": "6"}, version=0, by=world["users"]["reporter"])
    assert apply_refused(world, path, fingerprint).startswith("Số liệu đã thay đổi sau khi bạn xem trước")


def test_a_stale_preview_is_refused(world: dict[str, Any]) -> None:
    path, fingerprint = previewed(world, "UBND huyện Một,I.2,a,8")
    services.entry_save(
        assessment=world["assessment"], code="I.2", data={"a": "3"}, version=0, by=world["users"]["reporter"]
    )
    assert apply_refused(world, path, fingerprint) == (
        "Số liệu đã thay đổi sau khi bạn xem trước; hãy xem lại danh sách thay đổi. Chưa có gì được ghi."
    )


def test_a_web_save_of_another_field_of_a_previewed_form_makes_it_stale(world: dict[str, Any]) -> None:
    path, fingerprint = previewed(world, "UBND huyện Một,I.2,a,8")
    services.entry_save(
        assessment=world["assessment"],
        code="I.2",
        data={"comment": "Đã rà soát"},
        version=0,
        by=world["users"]["reporter"],
    )
    before = state()
    with pytest.raises(ServiceError):
        apply(world, path, fingerprint)
    assert state() == before


def test_a_unit_the_file_leaves_as_it_is_does_not_hold_up_the_others(world: dict[str, Any]) -> None:
    """UBND huyện Hai's values in the file are those stored: nothing to write for it, so its
    reporter's save since the preview makes nothing stale."""
    path, fingerprint = previewed(world, "UBND huyện Một,I.2,a,8", "UBND huyện Hai,general,so_xa,10")
    services.general_save(
        assessment=world["other_assessment"], data={"so_xa": "12"}, version=0, by=world["users"]["other_reporter"]
    )
    applied = apply(world, path, fingerprint)
    assert (applied.units, applied.changes) == (1, 1)
    assert Entry.objects.get(assessment=world["assessment"], code="I.2").values == {"a": "8"}


def test_a_submitted_unit_is_refused_with_the_reason(world: dict[str, Any]) -> None:
    Assessment.objects.filter(pk=world["assessment"].pk).update(status=Assessment.Status.SUBMITTED)
    path = staged(world, long_csv("UBND huyện Một,I.2,a,8", "UBND huyện Hai,I.2,a,4"))
    before = state()
    with pytest.raises(BulkImportInvalid) as caught:
        bulk_preview(campaign=world["campaign"], path_or_file=path, by=world["users"]["organiser"])
    assert [str(p) for p in caught.value.problems] == [
        "dòng 2, cột D (value): Đơn vị “UBND huyện Một”: Bản tự đánh giá đã được gửi; đơn vị không thể sửa số liệu."
    ]
    with pytest.raises(BulkImportInvalid):
        apply(world, path, "")
    assert state() == before


def test_the_apply_writes_the_plan_the_preview_kept_without_reading_the_file_again(world: dict[str, Any]) -> None:
    path, fingerprint = previewed(world, "UBND huyện Một,I.2,a,8", "UBND huyện Hai,II.1,ban_hanh,có")
    head = json.loads(path.with_name(PLAN).read_text(encoding="utf-8").splitlines()[0])
    assert head == {
        "format": 2,
        "campaign": world["campaign"].pk,
        "fingerprint": fingerprint,
        "file": "nhap.csv",
        "units": 2,
        "changes": 2,
    }
    path.write_bytes(
        b"unit,code,field,value\nUBND huy\xe1\xbb\x87n M\xe1\xbb\x99t,I.2,a,3\n"
    )  # changed after the preview
    applied = apply(world, path, fingerprint)
    assert (applied.file, applied.units, applied.changes) == ("nhap.csv", 2, 2)
    assert Entry.objects.get(assessment=world["assessment"], code="I.2").values == {"a": "8"}  # as previewed
    assert Entry.objects.get(assessment=world["other_assessment"], code="II.1").values == {"ban_hanh": True}


def test_without_a_kept_plan_the_file_is_previewed_at_the_apply(world: dict[str, Any]) -> None:
    path, fingerprint = previewed(world, "UBND huyện Một,I.2,a,8")
    path.with_name(PLAN).unlink()
    apply(world, path, fingerprint)
    assert Entry.objects.get(assessment=world["assessment"], code="I.2").values == {"a": "8"}


def test_a_plan_is_applied_only_to_its_campaign_and_preview(world: dict[str, Any]) -> None:
    path, fingerprint = previewed(world, "UBND huyện Một,I.2,a,8")
    elsewhere = Campaign.objects.create(
        name="Kỳ khác", year=2023, submission_deadline=world["campaign"].submission_deadline
    )
    before = state()
    with pytest.raises(ServiceError) as caught:
        bulk_apply(campaign=elsewhere, path=path, fingerprint=fingerprint, by=world["users"]["organiser"])
    assert caught.value.message == "Tệp này được xem trước cho một kỳ đánh giá khác; hãy tải tệp lên lại."
    with pytest.raises(ServiceError) as caught:
        apply(world, path, "dấu của lần xem trước khác")
    assert caught.value.message.startswith("Số liệu đã thay đổi sau khi bạn xem trước")
    assert state() == before


@pytest.mark.parametrize("kept", ["", '{"campaign": 1', '["không phải phần đầu"]\n'])
def test_a_plan_cut_short_is_refused(world: dict[str, Any], kept: str) -> None:
    path, fingerprint = previewed(world, "UBND huyện Một,I.2,a,8")
    path.with_name(PLAN).write_text(kept, encoding="utf-8")
    assert apply_refused(world, path, fingerprint) == "Phiên nhập không hợp lệ hoặc đã hết hạn; hãy tải tệp lên lại."


def test_a_plan_kept_by_another_version_of_the_platform_is_refused(world: dict[str, Any]) -> None:
    """An upgrade between the preview and the apply: the plan's lines may have another shape
    (the first version kept the forms' text, without a format)."""
    path, fingerprint = previewed(world, "UBND huyện Một,I.2,a,8")
    kept = path.with_name(PLAN)
    lines = kept.read_text(encoding="utf-8").splitlines()
    head = json.loads(lines[0])
    del head["format"]
    kept.write_text("\n".join([json.dumps(head), *lines[1:]]) + "\n", encoding="utf-8")
    assert apply_refused(world, path, fingerprint) == "Phiên nhập không hợp lệ hoặc đã hết hạn; hãy tải tệp lên lại."


def test_a_unit_submitted_after_the_preview_is_refused_with_the_reason(world: dict[str, Any]) -> None:
    path, fingerprint = previewed(world, "UBND huyện Hai,I.2,a,4", "UBND huyện Một,I.2,a,8")
    Assessment.objects.filter(pk=world["assessment"].pk).update(status=Assessment.Status.SUBMITTED)
    assert apply_refused(world, path, fingerprint) == (
        "Đơn vị “UBND huyện Một”: Bản tự đánh giá đã được gửi; đơn vị không thể sửa số liệu. — chưa có gì được ghi."
    )


def test_a_unit_gone_from_the_campaign_after_the_preview_is_refused(world: dict[str, Any]) -> None:
    path, fingerprint = previewed(world, "UBND huyện Một,I.2,a,8", "UBND huyện Hai,I.2,a,4")
    world["other_assessment"].participation.delete()
    assert apply_refused(world, path, fingerprint) == "Có đơn vị không còn tham gia kỳ đánh giá; chưa có gì được ghi."


def test_the_services_refuse_an_import_by_a_unit_and_an_edit_by_the_organiser(world: dict[str, Any]) -> None:
    before = state()
    with pytest.raises(PermissionDenied) as caught:
        services.entry_save(
            assessment=world["assessment"],
            code="I.2",
            data={"a": "8"},
            version=0,
            by=world["users"]["reporter"],
            imported=True,
        )
    assert str(caught.value) == IMPORT_REFUSED
    with pytest.raises(PermissionDenied):
        services.general_save(
            assessment=world["assessment"], data={"so_xa": "8"}, version=0, by=world["users"]["organiser"]
        )
    assert state() == before


@pytest.mark.parametrize("persona", ["reporter", "leader", "appraiser", "chair", "viewer"])
def test_other_personas_may_not_apply(world: dict[str, Any], persona: str) -> None:
    path, fingerprint = previewed(world, "UBND huyện Một,I.2,a,8")
    before = state()
    with pytest.raises(PermissionDenied) as caught:
        apply(world, path, fingerprint, persona)
    assert str(caught.value) == IMPORT_REFUSED
    assert state() == before


# ---------------------------------------------------------------- pages


def test_check_then_apply_on_the_pages(world: dict[str, Any], login: Any) -> None:
    client = login("organiser")
    pk = world["campaign"].pk
    shown = client.post(f"/xuat/ky/{pk}/kiem-tra-tep/", {"file": long_csv("UBND huyện Một,I.2,a,8")})
    assert shown.status_code == 200
    preview = shown.context["preview"]
    token, fingerprint = shown.context["token"], preview.fingerprint
    assert 'id="ap-dung"' in shown.content.decode()
    done = client.post(
        f"/xuat/ky/{pk}/ap-dung-tep/", {"token": token, "fingerprint": fingerprint, "ap-dung": ""}, follow=True
    )
    assert done.redirect_chain == [(f"/xuat/ky/{pk}/kiem-tra-tep/", 302)]
    assert "Đã nhập 1 thay đổi của 1 đơn vị từ tệp nhap.csv." in done.content.decode()
    assert Entry.objects.get(assessment=world["assessment"], code="I.2").values == {"a": "8"}
    again = client.post(f"/xuat/ky/{pk}/ap-dung-tep/", {"token": token, "fingerprint": fingerprint})
    assert again.status_code == 422  # the staged file is gone once applied
    assert "Phiên nhập không hợp lệ hoặc đã hết hạn; hãy tải tệp lên lại." in again.content.decode()


def test_a_stale_apply_on_the_page_shows_the_new_preview(world: dict[str, Any], login: Any) -> None:
    client = login("organiser")
    pk = world["campaign"].pk
    shown = client.post(f"/xuat/ky/{pk}/kiem-tra-tep/", {"file": long_csv("UBND huyện Một,I.2,a,8")})
    services.entry_save(
        assessment=world["assessment"], code="I.2", data={"a": "3"}, version=0, by=world["users"]["reporter"]
    )
    before = state()
    stale = client.post(
        f"/xuat/ky/{pk}/ap-dung-tep/",
        {"token": shown.context["token"], "fingerprint": shown.context["preview"].fingerprint},
    )
    assert stale.status_code == 422
    text = stale.content.decode()
    assert "Số liệu đã thay đổi sau khi bạn xem trước" in text
    assert stale.context["preview"].changes[0].old == "3"  # the new preview, ready to apply
    assert state() == before


def test_giving_up_discards_the_file(world: dict[str, Any], login: Any) -> None:
    client = login("organiser")
    pk = world["campaign"].pk
    shown = client.post(f"/xuat/ky/{pk}/kiem-tra-tep/", {"file": long_csv("UBND huyện Một,I.2,a,8")})
    before = state()
    gone = client.post(f"/xuat/ky/{pk}/ap-dung-tep/", {"token": shown.context["token"], "bo-lai": ""}, follow=True)
    assert "Đã hủy, không nhập gì từ tệp." in gone.content.decode()
    assert state() == before
    with pytest.raises(ServiceError):
        staged_path(shown.context["token"], by=world["users"]["organiser"])


@pytest.mark.parametrize("persona", ["reporter", "leader", "appraiser", "chair", "viewer"])
def test_the_apply_page_is_for_organisers(world: dict[str, Any], login: Any, persona: str) -> None:
    path, fingerprint = previewed(world, "UBND huyện Một,I.2,a,8")
    before = state()
    response = login(persona).post(
        f"/xuat/ky/{world['campaign'].pk}/ap-dung-tep/", {"token": path.parent.name, "fingerprint": fingerprint}
    )
    assert response.status_code == 403
    assert IMPORT_REFUSED in response.content.decode()
    assert state() == before


@pytest.mark.parametrize(
    ("communes", "numerator"),
    [("30", "25"), ("10", "8")],  # raising both: the numerator after the communes; lowering: before
)
def test_a_denominator_and_its_numerator_move_together(world: dict[str, Any], communes: str, numerator: str) -> None:
    Entry.objects.create(assessment=world["assessment"], code="I.2", values={"a": "15"}, version=1)
    path, fingerprint = previewed(
        world, f"UBND huyện Một,general,so_xa,{communes}", f"UBND huyện Một,I.2,a,{numerator}"
    )
    apply(world, path, fingerprint)
    world["assessment"].refresh_from_db()
    assert world["assessment"].general == {"so_xa": communes}
    assert Entry.objects.get(assessment=world["assessment"], code="I.2").values == {"a": numerator}
    assert AuditEntry.objects.filter(action__in=("entry.save", "general.save")).count() == 2
