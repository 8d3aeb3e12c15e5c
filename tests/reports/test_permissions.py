"""Who may open each page and download each document, for every persona, before and after publication.

Published results are public: the appendix downloads need no sign-in. Before publication only those
who may see drafts (organiser, chair, admin) get the campaign page and the draft appendix. A unit's
analysis is read by its own people and the staff who see every unit, written by the unit's reporter
and leader and by the organisers; another unit's people are refused; anonymous people sign in first.
"""

from __future__ import annotations

from typing import Any

import pytest

from dti.audit.models import AuditEntry
from dti.reports.models import ReportNotes
from tests.conftest import PERSONAS
from tests.reports.conftest import campaign_url, unit_url

DRAFT_ROLES = {"organiser", "chair", "admin"}
READ_UNIT = {"reporter", "leader", "appraiser", "chair", "organiser", "admin", "viewer"}
WRITE_UNIT = {"reporter", "leader", "organiser", "admin"}
REFUSED_UNIT = "Bạn không có quyền xem báo cáo phân tích của đơn vị này."


@pytest.mark.parametrize("persona", PERSONAS)
def test_campaign_page_before_publication(approved: dict[str, Any], login: Any, persona: str) -> None:
    response = login(persona).get(campaign_url(approved))
    if persona in DRAFT_ROLES:
        assert response.status_code == 200 and "DỰ THẢO" in response.content.decode()
    else:
        assert response.status_code == 403
        assert "chỉ cơ quan tổ chức và Hội đồng đánh giá được xem bản dự thảo" in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_campaign_page_after_publication(published: dict[str, Any], login: Any, persona: str) -> None:
    response = login(persona).get(campaign_url(published))
    assert response.status_code == 200
    assert "DỰ THẢO" not in response.content.decode()


def test_campaign_page_needs_sign_in(published: dict[str, Any], client: Any) -> None:
    response = client.get(campaign_url(published))
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_draft_appendix_only_for_those_who_may_see_drafts(approved: dict[str, Any], login: Any, persona: str) -> None:
    response = login(persona).get(campaign_url(approved, "phu-luc.xlsx"))
    if persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    elif persona in DRAFT_ROLES:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_published_appendix_for_everyone(published: dict[str, Any], login: Any, persona: str) -> None:
    assert login(persona).get(campaign_url(published, "phu-luc.xlsx")).status_code == 200


def test_unknown_kind_or_version_is_not_found(published: dict[str, Any], client: Any) -> None:
    assert client.get(campaign_url(published, "phu-luc.csv")).status_code == 404
    assert client.get(campaign_url(published, "phu-luc.xlsx") + "?phien-ban=9").status_code == 404
    assert client.get("/bao-cao/ky/999999/phu-luc.xlsx").status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_unit_page(published: dict[str, Any], login: Any, persona: str) -> None:
    response = login(persona).get(unit_url(published))
    if persona in READ_UNIT:
        assert response.status_code == 200
        page = response.content.decode()
        assert ('name="causes"' in page) == (persona in WRITE_UNIT)
    else:
        assert response.status_code == 403 and REFUSED_UNIT in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_unit_notes_written_only_by_the_unit_and_organisers(
    published: dict[str, Any], login: Any, persona: str
) -> None:
    response = login(persona).post(unit_url(published), {"causes": "Thiếu nhân lực"})
    if persona in WRITE_UNIT:
        assert response.status_code == 302
        assert ReportNotes.objects.get().causes == "Thiếu nhân lực"
    else:
        assert response.status_code == 403
        assert not ReportNotes.objects.exists() and not AuditEntry.objects.filter(action="report.notes").exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_unit_targets_written_only_by_the_unit_and_organisers(
    published: dict[str, Any], login: Any, persona: str
) -> None:
    response = login(persona).post(unit_url(published, tail="muc-tieu/"), {"muc-tieu-total-2024": "1"})
    assert response.status_code == (302 if persona in WRITE_UNIT else 403)


@pytest.mark.parametrize("persona", PERSONAS)
def test_unit_report_download(published: dict[str, Any], login: Any, persona: str) -> None:
    response = login(persona).get(unit_url(published, tail="bao-cao.pdf"))
    assert response.status_code == (200 if persona in READ_UNIT else 403)


@pytest.mark.parametrize("path", ["", "muc-tieu/", "bao-cao.pdf", "bao-cao.docx"])
def test_unit_pages_need_sign_in(published: dict[str, Any], client: Any, path: str) -> None:
    response = client.get(unit_url(published, tail=path))
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_unit_outside_the_campaign_is_not_found(published: dict[str, Any], login: Any) -> None:
    from dti.units.models import Unit

    stranger = Unit.objects.create(name="UBND huyện Ngoài", unit_type=published["unit"].unit_type)
    url = f"/bao-cao/ky/{published['campaign'].pk}/don-vi/{stranger.pk}/"
    assert login("organiser").get(url).status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_document_settings_only_for_organisers(published: dict[str, Any], login: Any, persona: str) -> None:
    data = {"issuer": "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM", "title": "Kết quả", "place": "Thử Nghiệm"}
    response = login(persona).post(campaign_url(published, "thiet-lap/"), data)
    if persona in {"organiser", "admin"}:
        assert response.status_code == 302
    else:
        assert response.status_code == 403
        assert not AuditEntry.objects.filter(action="documents.settings").exists()


def test_unit_page_before_publication_hides_figures_from_the_unit(approved: dict[str, Any], login: Any) -> None:
    """The unit writes its notes before publication, but sees no draft figures; the organiser sees the draft."""
    unit_page = login("leader").get(unit_url(approved)).content.decode()
    assert "Kết quả chưa công bố" in unit_page and 'name="causes"' in unit_page and "bao-cao.pdf" not in unit_page
    assert login("leader").get(unit_url(approved, tail="bao-cao.pdf")).status_code == 403
    organiser_page = login("organiser").get(unit_url(approved)).content.decode()
    assert "DỰ THẢO" in organiser_page and "bao-cao.pdf" in organiser_page


@pytest.mark.parametrize("persona", ["chair", "organiser"])
def test_report_of_a_unit_not_appraised_yet_says_why(world: dict[str, Any], login: Any, persona: str) -> None:
    """Regression: the draft report of a unit not appraised yet was a bare 'page not found'."""
    response = login(persona).get(unit_url(world, tail="bao-cao.pdf"))
    assert response.status_code == 404
    assert "Đơn vị chưa được thẩm định xong nên chưa có trong bảng xếp hạng dự thảo" in response.content.decode()


def test_report_of_a_unit_left_out_of_the_published_results_says_why(published: dict[str, Any], login: Any) -> None:
    from dti.campaigns.models import Participation
    from dti.units.models import Unit

    late = Unit.objects.create(name="UBND huyện Muộn", unit_type=published["unit"].unit_type)
    Participation.objects.create(campaign=published["campaign"], group=published["group"], unit=late)
    response = login("chair").get(f"/bao-cao/ky/{published['campaign'].pk}/don-vi/{late.pk}/bao-cao.docx")
    assert response.status_code == 404
    assert "Đơn vị không có trong kết quả đã công bố của kỳ đánh giá này" in response.content.decode()
