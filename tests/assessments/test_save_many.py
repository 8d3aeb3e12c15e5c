"""Saving many units' forms at once (`services.save_many`, the organiser's import): the rules of
`entry_save` and `general_save` exactly, written in bulk: the same data and audit detail as one
by one, all or nothing, refusals naming the unit, a fixed number of queries per batch."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dti.assessments import services
from dti.assessments.models import Assessment, Entry
from dti.assessments.signals import scores_changed
from dti.audit.models import AuditEntry
from dti.campaigns.models import Participation
from dti.units.models import Unit
from tests.exports.test_bulk_preview import state

NAMED = "Nhập số liệu nhiều đơn vị từ tệp nhap.xlsx"
FORMS = {
    "I.1": {"truong_ban": "pho", "self_score": "5"},
    "I.2": {"a": "8", "comment": "Theo báo cáo"},
    "II.1": {"ban_hanh": "có", "na_requested": "", "na_reason": ""},
    "II.2": {"score": "2,5"},
}


def check(assessment: Assessment, general: dict[str, str] | None = None, **codes: dict[str, str]) -> Any:
    """One unit's forms checked now (`check_forms`, as the import's preview checks them), and the errors."""
    picked = codes or FORMS
    assessment.refresh_from_db()
    entries = {entry.code: entry for entry in assessment.entries.all()}
    data = {code.replace("_", "."): form for code, form in picked.items()}
    return services.check_forms(assessment, entries, general, data)


def forms(assessment: Assessment, general: dict[str, str] | None = None, **codes: dict[str, str]) -> Any:
    """One unit's forms checked now, with no error."""
    checked, errors = check(assessment, general, **codes)
    assert errors == {}
    return checked


def save(world: dict[str, Any], *units: Any, persona: str = "organiser", imported: bool = True) -> int:
    return services.save_many(units=list(units), by=world["users"][persona], comment=NAMED, imported=imported)


def audit_of(assessment: Assessment) -> list[tuple[Any, ...]]:
    rows = AuditEntry.objects.filter(object_id=str(assessment.pk), object_type="assessments.assessment")
    return sorted(rows.values_list("action", "code", "field", "old", "new", "comment", "actor", "campaign", "unit"))


def stored(assessment: Assessment) -> list[tuple[Any, ...]]:
    entries = Entry.objects.filter(assessment=assessment)
    fields = ("code", "values", "score", "self_score", "comment", "na_requested", "na_reason", "version", "updated_by")
    return sorted(entries.values_list(*fields))


def test_the_same_data_and_audit_detail_as_saving_one_by_one(world: dict[str, Any]) -> None:
    """Both units get the same forms and general information: one through save_many, the other
    through general_save and entry_save; their entries and audit entries say the same."""
    one, two, organiser = world["assessment"], world["other_assessment"], world["users"]["organiser"]
    Assessment.objects.filter(pk__in=[one.pk, two.pk]).update(general={"so_xa": "10"})
    Entry.objects.create(assessment=one, code="I.2", values={"a": "3"}, version=2)
    Entry.objects.create(assessment=two, code="I.2", values={"a": "3"}, version=2)
    general = {"so_xa": "16"}
    changed = save(world, forms(one, general))
    two.refresh_from_db()
    services.general_save(assessment=two, data=general, version=0, by=organiser, comment=NAMED, imported=True)
    for code, data in FORMS.items():
        version = 2 if code == "I.2" else 0
        services.entry_save(
            assessment=two, code=code, data=data, version=version, by=organiser, comment=NAMED, imported=True
        )
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.general, one.general_version) == (two.general, two.general_version) == ({"so_xa": "16"}, 1)
    assert stored(one) == stored(two)
    ours, theirs = audit_of(one), audit_of(two)
    assert [row[:7] for row in ours] == [row[:7] for row in theirs]
    assert {row[7:] for row in ours} == {(world["campaign"].pk, world["unit"].pk)}
    assert changed == len(ours) == 7


def test_a_denominator_and_its_numerator_lowered_together(world: dict[str, Any]) -> None:
    """One by one the numerator must be saved first; together, each is checked as the other leaves it."""
    assessment = world["assessment"]
    Entry.objects.create(assessment=assessment, code="I.2", values={"a": "18"}, version=1)
    save(world, forms(assessment, {"so_xa": "5"}, I_2={"a": "4"}))
    assessment.refresh_from_db()
    assert assessment.general == {"so_xa": "5"}
    assert assessment.entries.get(code="I.2").values == {"a": "4"}


def test_a_refused_unit_writes_nothing_and_is_named(world: dict[str, Any]) -> None:
    """UBND huyện Hai's general information, checked, goes below a numerator saved since: general_save's
    refusal, and UBND huyện Một's forms, written before, are not kept either."""
    one, two = forms(world["assessment"]), forms(world["other_assessment"], {"so_xa": "5"}, II_1={"ban_hanh": "có"})
    Entry.objects.create(assessment=world["other_assessment"], code="I.2", values={"a": "9"}, version=1)
    before = state()
    with pytest.raises(services.UnitRefused) as caught:
        save(world, one, two)
    assert caught.value.unit == "UBND huyện Hai"
    assert isinstance(caught.value.reason, services.InvalidData)
    assert caught.value.message == (
        "Có giá trị chưa hợp lệ: Số xã: 5 nhỏ hơn Số xã có chuyên mục (9) đã nhập ở chỉ số I.2; "
        "hãy kiểm tra lại một trong hai số"
    )
    assert state() == before


def test_the_checks_find_what_the_web_forms_refuse(world: dict[str, Any]) -> None:
    """Each form's errors by field, under its code ("general" for the general information)."""
    assessment = world["assessment"]
    Entry.objects.create(assessment=assessment, code="II.1", values={"ban_hanh": True}, version=1)
    Entry.objects.create(assessment=assessment, code="I.2", values={"a": "9"}, version=1)
    checked, errors = check(assessment, {"so_xa": "5"}, I_1={"truong_ban": "pho"}, IX_9={"a": "1"})
    assert errors == {
        "IX.9": {"code": "Chỉ số 'IX.9' không có trong bộ chỉ số của đơn vị."},
        "general": {
            "so_xa": "Số xã: 5 nhỏ hơn Số xã có chuyên mục (9) đã nhập ở chỉ số I.2; hãy kiểm tra lại một trong hai số"
        },
    }
    assert set(checked.entries) == {"I.1"}
    assert checked.versions == {"general": 0, "I.1": 0, "IX.9": 0}
    _checked, errors = check(assessment, I_2={"a": "tám"}, II_1={"ban_hanh": "có", "na_requested": "1"})
    assert errors["I.2"]["a"].startswith("Số xã có chuyên mục: ")
    assert errors["II.1"] == {"na_reason": "Cần nêu lý do đề nghị không áp dụng."}
    _checked, errors = check(assessment, I_2={"a": "30"})
    assert errors["I.2"]["a"].startswith("Số xã có chuyên mục (30) lớn hơn Số xã (20)")


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("stale", "Organiser đã lưu chỉ số I.2 lúc "),
        ("stale_general", "Thông tin chung đã được người khác lưu sau khi bạn mở trang"),
        ("general_under_the_forms", "Thông tin chung đã được người khác lưu sau khi bạn mở trang"),
        ("unknown", "Chỉ số 'IX.9' không có trong bộ chỉ số của đơn vị."),
        ("submitted", "Bản tự đánh giá đã được gửi; đơn vị không thể sửa số liệu."),
    ],
)
def test_refusals_as_one_by_one(world: dict[str, Any], case: str, message: str) -> None:
    """What changed since the check (a form's entry, the general information the forms were checked
    with), a form the framework has not and a unit no longer editable are refused at the save."""
    assessment = world["assessment"]
    unit = forms(assessment, I_2={"a": "8"})
    if case == "stale":
        services.entry_save(
            assessment=assessment, code="I.2", data={"a": "3"}, version=0, by=world["users"]["organiser"], imported=True
        )
    elif case == "stale_general":
        unit = forms(assessment, {"so_xa": "12"})
        Assessment.objects.filter(pk=assessment.pk).update(general_version=3)
    elif case == "general_under_the_forms":
        Assessment.objects.filter(pk=assessment.pk).update(general_version=3)
    elif case == "unknown":
        unit = services.UnitForms(assessment.pk, None, {"IX.9": unit.entries["I.2"]}, {"general": 0, "IX.9": 0})
    else:
        Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.SUBMITTED)
    before = state()
    with pytest.raises(services.UnitRefused) as caught:
        save(world, unit)
    assert caught.value.unit == "UBND huyện Một"
    assert caught.value.message.startswith(message)
    assert state() == before


@pytest.mark.parametrize(
    ("persona", "imported", "message"),
    [
        ("reporter", True, "Chỉ cơ quan tổ chức đánh giá mới được nhập số liệu của nhiều đơn vị từ một tệp."),
        ("other_reporter", False, "Bạn không có quyền"),
    ],
)
def test_who_may_not_is_refused_as_one_by_one(
    world: dict[str, Any], persona: str, imported: bool, message: str
) -> None:
    before = state()
    with pytest.raises(PermissionDenied) as caught:
        save(world, forms(world["assessment"]), persona=persona, imported=imported)
    assert str(caught.value).startswith(message)
    assert state() == before


def test_the_unit_own_people_save_without_the_import_right(world: dict[str, Any]) -> None:
    save(world, forms(world["assessment"]), persona="reporter", imported=False)
    assert world["assessment"].entries.count() == 4


def test_stored_results_hear_of_it_once_and_progress_is_told(world: dict[str, Any]) -> None:
    heard: list[list[int]] = []

    def listen(sender: object, assessment_ids: list[int], **kwargs: object) -> None:
        heard.append(list(assessment_ids))

    told: list[tuple[int, int]] = []
    units = [forms(world["assessment"]), forms(world["other_assessment"])]
    scores_changed.connect(listen, dispatch_uid="test_save_many")
    try:
        services.save_many(
            units=units, by=world["users"]["organiser"], imported=True, progress=lambda d, t: told.append((d, t))
        )
    finally:
        scores_changed.disconnect(dispatch_uid="test_save_many")
    assert heard == [[world["assessment"].pk, world["other_assessment"].pk]]
    assert told == [(2, 2)]


def test_unchanged_forms_write_nothing(world: dict[str, Any]) -> None:
    save(world, forms(world["assessment"]))
    before = state()
    assert save(world, forms(world["assessment"])) == 0
    assert state() == before


def _units(world: dict[str, Any], count: int, prefix: str) -> list[Any]:
    """`count` more units of the campaign, with one indicator saved before, and their forms."""
    unit_type = world["unit"].unit_type
    made = Unit.objects.bulk_create(Unit(name=f"UBND huyện {prefix} {n}", unit_type=unit_type) for n in range(count))
    participations = Participation.objects.bulk_create(
        Participation(campaign=world["campaign"], group=world["group"], unit=unit) for unit in made
    )
    assessments = Assessment.objects.bulk_create(
        Assessment(participation=p, general={"so_xa": "20"}) for p in participations
    )
    Entry.objects.bulk_create(
        Entry(assessment=a, code="II.1", values={"ban_hanh": False}, version=1) for a in assessments
    )
    return [forms(a, {"so_xa": "12"}) for a in assessments]


def test_queries_per_batch_do_not_grow_with_units(world: dict[str, Any]) -> None:
    """10 units and 100 (one batch each): the same statements; rows are written by one
    `executemany` per kind of row (`dti.core.rows`), whatever their number."""

    def counted(count: int) -> dict[str, int]:
        units = _units(world, count, str(count))
        with CaptureQueriesContext(connection) as queries:
            save(world, *units)
        kinds: dict[str, int] = {}
        for query in queries.captured_queries:
            kind = re.sub(r"^\d+ times: ", "", query["sql"]).split()[0]  # how Django logs an executemany
            kinds[kind] = kinds.get(kind, 0) + 1
        return kinds

    few, many = counted(10), counted(100)
    assert few == many
    # 100 units: 300 entries created, 100 updated, 100 general informations, 700 audit entries
    # (and the stored results' tokens: a unit standing, the group's bounds)
    if connection.vendor == "postgresql":  # COPY; an update's rows copied into a temporary table first
        assert (many["INSERT"], many["COPY"], many["UPDATE"], many["CREATE"], many["DROP"]) == (2, 4, 2, 2, 2), many
    else:
        assert (many["INSERT"], many["UPDATE"]) == (4, 2), many
    assert Entry.objects.filter(version=2, code="II.1").count() == 110
