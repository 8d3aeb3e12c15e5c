"""The chair's page: who sees it, the appraisers' adjustments, approval refused while units are in progress,
without a decision or outside the campaign's appraisal, publication; both move the campaign through its workflow."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dti.assessments import workflow as assessment_workflow
from dti.audit.models import AuditEntry
from dti.campaigns import workflow as campaign_workflow
from dti.campaigns.models import Campaign
from dti.core.errors import ServiceError
from dti.results.models import Approval, Publication
from tests.appraisal.test_query_counts import add_units
from tests.results.conftest import finish, start_campaign_appraisal

State = Campaign.State

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
    # the appraisers' one adjustment, with its reason; II.2 (self score 8, formula 6) was not adjusted
    assert "UBND huyện Một: 1 chỉ số được tổ thẩm định điều chỉnh" in html
    assert '<td>I.2</td><td class="num">7,5</td><td class="num">6</td><td>Chỉ 12 xã có chuyên mục</td>' in html
    assert "<td>II.2</td>" not in html and "UBND huyện Hai:" not in html


@pytest.mark.parametrize("persona", ["organiser", "admin", "appraiser"])
def test_approval_refused_to_non_chairs(appraised: dict[str, Any], login: Any, persona: str) -> None:
    response = login(persona).post(url(appraised), GOOD)
    assert response.status_code == 403
    assert not Approval.objects.exists()


def test_no_adjustment_is_counted_before_appraisal(appraising: dict[str, Any], login: Any) -> None:
    """Regression: a self score the formula does not give (II.2: 8 against 6) is no appraisal adjustment."""
    html = login("chair").get(url(appraising)).content.decode()
    assert "được tổ thẩm định điều chỉnh" not in html and "được điều chỉnh" not in html
    assert 'id="dang-tham-dinh"' in html


def test_approval_refused_while_units_in_progress(appraising: dict[str, Any], login: Any) -> None:
    start_campaign_appraisal(appraising)
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
    assert Campaign.objects.get(pk=appraised["campaign"].pk).state == State.APPROVED
    move = AuditEntry.objects.get(action="campaign.approve")
    assert (move.old, move.new, move.comment) == (State.APPRAISAL, State.APPROVED, "15/QĐ-UBND")
    assert AuditEntry.objects.get(action="approval.record").new["number"] == "15/QĐ-UBND"
    html = login("chair").get(url(appraised)).content.decode()
    assert "01/07/2024" in html and "Công bố kết quả" in html and "Đã phê duyệt, chưa công bố" in html
    assert 'name="decision_number"' not in html  # approved: approving again needs the appraisal reopened


@pytest.mark.parametrize("state", [State.OPEN, State.SUBMISSIONS_CLOSED, State.APPROVED, State.PUBLISHED])
def test_approval_refused_outside_the_campaigns_appraisal(appraised: dict[str, Any], login: Any, state: str) -> None:
    campaign = appraised["campaign"]
    Campaign.objects.filter(pk=campaign.pk).update(state=state)
    chair = login("chair")
    assert 'name="decision_number"' not in chair.get(url(appraised)).content.decode()
    response = chair.post(url(appraised), GOOD)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Không thể chuyển kỳ đánh giá sang “Đã phê duyệt”" in html and f"“{State(state).label}”" in html
    assert not Approval.objects.exists() and Campaign.objects.get(pk=campaign.pk).state == state
    appraised["assessment"].refresh_from_db()
    assert appraised["assessment"].status == "appraised"
    assert not AuditEntry.objects.filter(action__in=["campaign.approve", "approval.record"]).exists()


def test_reopened_results_are_approved_again_before_publication(approved: dict[str, Any], login: Any) -> None:
    campaign, organiser = approved["campaign"], approved["users"]["organiser"]
    chair_page = login("chair").get(url(approved)).content.decode()
    assert "mở lại thẩm định" not in chair_page  # the chair does not reopen
    assert f"/ky-danh-gia/{campaign.pk}/#chuyen-trang-thai" in login("organiser").get(url(approved)).content.decode()
    one = approved["assessment"]
    with pytest.raises(ServiceError, match="“Đã phê duyệt”, không thẩm định được"):  # the campaign first
        assessment_workflow.reopen(assessment=one, by=organiser, comment="Đơn vị khiếu nại chỉ số I.2")
    one.refresh_from_db()
    assert one.status == "approved"
    campaign_workflow.reopen(campaign=campaign, by=organiser, comment="Đơn vị khiếu nại chỉ số I.2")
    assessment_workflow.reopen(assessment=one, by=organiser, comment="Đơn vị khiếu nại chỉ số I.2")
    finish(approved, one)
    assert login("organiser").post(url(approved, "cong-bo/")).status_code == 422
    assert not Publication.objects.exists()
    html = login("chair").get(url(approved)).content.decode()
    assert "Chưa phê duyệt" in html and "Phê duyệt lại" in html
    assert login("chair").post(url(approved), {**GOOD, "decision_number": "16/QĐ-UBND"}).status_code == 302
    assert Approval.objects.get().decision_number == "16/QĐ-UBND"
    assert Campaign.objects.get(pk=campaign.pk).state == State.APPROVED


def test_publish_refused_before_approval(appraised: dict[str, Any], login: Any) -> None:
    organiser = login("organiser")
    response = organiser.post(url(appraised, "cong-bo/"))
    assert response.status_code == 422
    assert "kỳ đang ở trạng thái “Đang thẩm định” (chỉ chuyển được từ “Đã phê duyệt”)" in response.content.decode()
    assert not Publication.objects.exists()
    assert Campaign.objects.get(pk=appraised["campaign"].pk).state == State.APPRAISAL


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
    assert Campaign.objects.get(pk=approved["campaign"].pk).state == State.PUBLISHED
    move = AuditEntry.objects.get(action="campaign.publish")
    assert (move.old, move.new, move.comment) == (State.APPROVED, State.PUBLISHED, "15/QĐ-UBND")
    assert AuditEntry.objects.get(action="publication.create").new["content_hash"] == publication.content_hash
    again = organiser.post(url(approved, "cong-bo/"), {"confirm": "1"})
    assert again.status_code == 422 and Publication.objects.count() == 1
    assert "kỳ đang ở trạng thái “Đã công bố”" in again.content.decode()


def test_chair_may_publish(approved: dict[str, Any], login: Any) -> None:
    assert login("chair").post(url(approved, "cong-bo/")).status_code == 302
    assert Publication.objects.count() == 1


def test_page_queries_do_not_grow_with_units(appraising: dict[str, Any], login: Any) -> None:
    client = login("chair")

    def queries() -> int:
        assert client.get(url(appraising)).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(appraising)).status_code == 200
        return len(captured)

    add_units(appraising, 3, 1)
    before = queries()
    add_units(appraising, 10, 4)
    assert queries() == before
    html = client.get(url(appraising)).content.decode()
    assert re.search(r"UBND huyện Thêm 13: 1 chỉ số được tổ thẩm định điều chỉnh", html)
