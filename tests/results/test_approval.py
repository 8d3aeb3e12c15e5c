"""The chair's page: who sees it, approval refused while units are in progress or without a decision, publication."""

from __future__ import annotations

from typing import Any

import pytest

from dti.results.models import Approval, Publication

GOOD = {"decision_number": "15/QĐ-UBND", "decision_date": "01/07/2024", "signer": "Nguyễn Văn A", "note": ""}


def url(world: dict[str, Any], tail: str = "") -> str:
    return f"/phe-duyet/{world['campaign'].pk}/{tail}"


@pytest.mark.parametrize("persona", ["reporter", "leader", "other_leader", "viewer"])
def test_page_refused_to_units_and_viewers(appraised: dict[str, Any], login: Any, persona: str) -> None:
    assert login(persona).get(url(appraised)).status_code == 403


def test_anonymous_is_sent_to_login(appraised: dict[str, Any], client: Any) -> None:
    response = client.get(url(appraised))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


@pytest.mark.parametrize("persona", ["chair", "organiser", "admin", "appraiser"])
def test_page_shows_ranking_and_changes(appraised: dict[str, Any], login: Any, persona: str) -> None:
    response = login(persona).get(url(appraised))
    assert response.status_code == 200
    html = response.content.decode()
    assert "UBND huyện Một" in html and "UBND huyện Hai" in html
    assert "7,5" in html  # I.2 as claimed, beside the appraised 6
    assert "-3,5" in html  # total 32 against a claim of 35,5
    assert ('name="decision_number"' in html) == (persona == "chair")


@pytest.mark.parametrize("persona", ["organiser", "admin", "appraiser"])
def test_approval_refused_to_non_chairs(appraised: dict[str, Any], login: Any, persona: str) -> None:
    response = login(persona).post(url(appraised), GOOD)
    assert response.status_code == 403
    assert not Approval.objects.exists()


def test_approval_refused_while_units_in_progress(appraising: dict[str, Any], login: Any) -> None:
    chair = login("chair")
    page = chair.get(url(appraising)).content.decode()
    assert 'id="dang-tham-dinh"' in page  # both units are still being appraised
    response = chair.post(url(appraising), GOOD)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Chưa thể phê duyệt" in html and "UBND huyện Một" in html
    assert 'value="15/QĐ-UBND"' in html  # nothing typed is lost
    assert not Approval.objects.exists()


def test_units_that_never_submitted_are_listed(world: dict[str, Any], login: Any) -> None:
    html = login("chair").get(url(world)).content.decode()
    assert 'id="chua-gui"' in html and "UBND huyện Hai" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**GOOD, "decision_number": " "}, "Cần nhập số quyết định."),
        ({**GOOD, "decision_date": ""}, "Cần nhập ngày quyết định."),
        ({**GOOD, "decision_date": "31/02/2024"}, "Ngày không hợp lệ"),
    ],
)
def test_decision_number_and_date_required(appraised: dict[str, Any], login: Any, data: Any, message: str) -> None:
    response = login("chair").post(url(appraised), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Approval.objects.exists()


def test_chair_approves(appraised: dict[str, Any], login: Any) -> None:
    response = login("chair").post(url(appraised), GOOD)
    assert response.status_code == 302
    approval = Approval.objects.get()
    assert approval.decision_number == "15/QĐ-UBND" and approval.decision_date.isoformat() == "2024-07-01"
    appraised["assessment"].refresh_from_db()
    assert appraised["assessment"].status == "approved"
    html = login("chair").get(url(appraised)).content.decode()
    assert "01/07/2024" in html and "Công bố kết quả" in html


def test_publish_refused_before_approval(appraised: dict[str, Any], login: Any) -> None:
    organiser = login("organiser")
    response = organiser.post(url(appraised, "cong-bo/"))
    assert response.status_code == 422
    assert "chưa được Chủ tịch Hội đồng phê duyệt" in response.content.decode()
    assert not Publication.objects.exists()


def test_publish_needs_confirmation(approved: dict[str, Any], login: Any) -> None:
    organiser = login("organiser")
    confirm = organiser.get(url(approved, "cong-bo/"))
    assert confirm.status_code == 200 and "Xác nhận công bố" in confirm.content.decode()
    assert not Publication.objects.exists()
    assert login("reporter").post(url(approved, "cong-bo/")).status_code == 403
    assert login("appraiser").post(url(approved, "cong-bo/")).status_code == 403
    response = organiser.post(url(approved, "cong-bo/"), {"confirm": "1"})
    assert response.status_code == 302 and response["Location"] == f"/ket-qua/{approved['campaign'].pk}/"
    publication = Publication.objects.get()
    assert publication.version == 1 and publication.intact
    again = organiser.post(url(approved, "cong-bo/"), {"confirm": "1"})
    assert again.status_code == 422 and Publication.objects.count() == 1


def test_chair_may_publish(approved: dict[str, Any], login: Any) -> None:
    assert login("chair").post(url(approved, "cong-bo/")).status_code == 302
    assert Publication.objects.count() == 1
