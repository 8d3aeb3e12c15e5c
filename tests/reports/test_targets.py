"""Targets: rank ranges per index and year, normalised as the engine reads them, audited,
evaluated against this year's ranks; a malformed range is refused by name and nothing is saved."""

from __future__ import annotations

from typing import Any

from dti.audit.models import AuditEntry
from dti.reports.models import Target
from tests.reports.conftest import unit_url


def test_targets_are_saved_normalised_and_audited(published: dict[str, Any], login: Any) -> None:
    data = {"muc-tieu-total-2023": "1", "muc-tieu-I-2024": "1-2", "muc-tieu-II-2025": "<= 1"}
    assert login("leader").post(unit_url(published, tail="muc-tieu/"), data).status_code == 302
    saved = {(t.code, t.year): t.ranks for t in Target.objects.all()}
    assert saved == {("total", 2023): "1", ("I", 2024): "1–2", ("II", 2025): "≤ 1"}
    assert AuditEntry.objects.filter(action="report.target").count() == 3
    # An empty box removes the target (audited); an unchanged one records nothing.
    data["muc-tieu-II-2025"] = ""
    login("leader").post(unit_url(published, tail="muc-tieu/"), data)
    assert not Target.objects.filter(code="II").exists()
    assert AuditEntry.objects.filter(action="report.target").count() == 4


def test_progress_against_this_years_target(published: dict[str, Any], login: Any) -> None:
    # UBND huyện Một is ranked 1 in total; UBND huyện Hai 2.
    login("organiser").post(unit_url(published, tail="muc-tieu/"), {"muc-tieu-total-2023": "≥ 2"})
    page = login("leader").get(unit_url(published)).content.decode()
    assert "vượt mục tiêu 1 bậc" in page
    login("other_leader").post(unit_url(published, "other_unit", "muc-tieu/"), {"muc-tieu-total-2023": "1"})
    other = login("other_leader").get(unit_url(published, "other_unit")).content.decode()
    assert "chưa đạt, còn cách 1 bậc" in other


def test_malformed_range_is_refused_and_nothing_saved(published: dict[str, Any], login: Any) -> None:
    data = {"muc-tieu-total-2024": "5", "muc-tieu-I-2024": "mười", "muc-tieu-II-2024": "15-10"}
    response = login("leader").post(unit_url(published, tail="muc-tieu/"), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Mục tiêu I năm 2024: &#x27;mười&#x27; không phải là khoảng thứ hạng" in page
    assert "Mục tiêu II năm 2024" in page
    assert 'value="mười"' in page and 'value="15-10"' in page and 'value="5"' in page
    assert not Target.objects.exists() and not AuditEntry.objects.filter(action="report.target").exists()


def test_a_stored_unreadable_range_is_shown_not_evaluated(published: dict[str, Any], login: Any) -> None:
    """A range stored outside the form (an import, an older rule) stays visible, without progress, and
    the report is still made without it."""
    Target.objects.create(unit=published["unit"], code="total", year=2023, ranks="top 3")
    page = login("leader").get(unit_url(published)).content.decode()
    assert 'value="top 3"' in page and "đạt mục tiêu" not in page
    assert login("leader").get(unit_url(published, tail="bao-cao.pdf")).status_code == 200


def test_get_on_a_form_address_goes_back_to_the_page(published: dict[str, Any], login: Any) -> None:
    response = login("leader").get(unit_url(published, tail="muc-tieu/"))
    assert response.status_code == 302 and response["Location"] == unit_url(published)
    pk = published["campaign"].pk
    response = login("organiser").get(f"/bao-cao/ky/{pk}/thiet-lap/")
    assert response.status_code == 302 and response["Location"] == f"/bao-cao/ky/{pk}/"
