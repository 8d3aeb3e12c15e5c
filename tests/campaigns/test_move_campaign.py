"""The campaign page's workflow buttons: only the legal moves, only for those who may make them.

POST /ky-danh-gia/<pk>/chuyen/<move>/: a refusal is 403 (wrong person) or 422 with the reason on
the page (wrong state, missing reason), and nothing changes.
"""

from __future__ import annotations

import pytest

from dti.audit.models import AuditEntry
from dti.campaigns import workflow
from dti.campaigns.models import Campaign
from dti.campaigns.views import PAGE_MOVES
from tests.conftest import PERSONAS

State = Campaign.State
BUTTONS = {
    "open": "Mở nhận báo cáo",
    "close_submissions": "Dừng nhận báo cáo",
    "start_appraisal": "Bắt đầu thẩm định",
    "reopen": "Mở lại thẩm định",
}
MANAGERS = {"organiser", "admin"}


def url(campaign: Campaign, name: str) -> str:
    return f"/ky-danh-gia/{campaign.pk}/chuyen/{name}/"


def put(campaign: Campaign, state: str) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(state=state)
    campaign.refresh_from_db()


def unchanged(campaign: Campaign, state: str) -> bool:
    return (
        Campaign.objects.get(pk=campaign.pk).state == state
        and not AuditEntry.objects.filter(action__startswith="campaign.").exists()
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("state", State.values)
def test_buttons_are_the_legal_moves_of_the_person(world, login, persona, state):
    campaign = world["campaign"]
    put(campaign, state)
    body = login(persona).get(f"/ky-danh-gia/{campaign.pk}/").content.decode()
    for name in PAGE_MOVES:
        offered = persona in MANAGERS and state in workflow.MOVES[name][0]
        assert (url(campaign, name) in body) is offered, (name, state, persona)
    approve = f'href="/phe-duyet/{campaign.pk}/#phe-duyet"'
    assert (approve in body) is (persona == "chair" and state == State.APPRAISAL)
    publish = f'href="/phe-duyet/{campaign.pk}/cong-bo/"'
    assert (publish in body) is (persona in {"chair", "organiser", "admin"} and state == State.APPROVED)


@pytest.mark.parametrize(
    ("name", "source", "target"),
    [
        ("open", State.DRAFT, State.OPEN),
        ("close_submissions", State.OPEN, State.SUBMISSIONS_CLOSED),
        ("start_appraisal", State.SUBMISSIONS_CLOSED, State.APPRAISAL),
        ("reopen", State.APPROVED, State.APPRAISAL),
    ],
)
def test_the_organiser_moves_the_campaign(world, login, name, source, target):
    campaign = world["campaign"]
    put(campaign, source)
    response = login("organiser").post(url(campaign, name), {"comment": "Đơn vị khiếu nại"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/ky-danh-gia/{campaign.pk}/"
    assert Campaign.objects.get(pk=campaign.pk).state == target
    body = response.content.decode()
    assert '<li class="msg success">Đã ' in body and f"<label>Trạng thái</label>{State(target).label}" in body


@pytest.mark.parametrize("persona", sorted(set(PERSONAS) - MANAGERS))
def test_others_are_refused(world, login, persona):
    campaign = world["campaign"]
    put(campaign, State.OPEN)
    response = login(persona).post(url(campaign, "close_submissions"))
    assert response.status_code == 403
    assert "Chỉ cơ quan tổ chức đánh giá mới được quản lý kỳ đánh giá." in response.content.decode()
    assert unchanged(campaign, State.OPEN)


def test_anonymous_is_sent_to_login(world, client):
    campaign = world["campaign"]
    response = client.post(url(campaign, "close_submissions"))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
    assert unchanged(campaign, State.OPEN)


def test_a_move_from_the_wrong_state_is_refused_on_the_page(world, login):
    campaign = world["campaign"]
    response = login("organiser").post(url(campaign, "start_appraisal"))
    assert response.status_code == 422
    body = response.content.decode()
    assert "Không thể chuyển kỳ đánh giá sang “Đang thẩm định”: kỳ đang ở trạng thái “Đang nhận báo cáo”" in body
    assert unchanged(campaign, State.OPEN)


def test_reopening_needs_a_reason_and_keeps_what_was_typed(world, login):
    campaign = world["campaign"]
    put(campaign, State.APPROVED)
    response = login("organiser").post(url(campaign, "reopen"), {"comment": "  "})
    assert response.status_code == 422
    assert "Cần nêu lý do mở lại thẩm định." in response.content.decode()
    assert unchanged(campaign, State.APPROVED)


@pytest.mark.parametrize("name", ["approve", "publish", "import_results", "close"])
def test_moves_not_made_on_this_page_are_not_found(world, login, name):
    campaign = world["campaign"]
    assert login("admin").post(url(campaign, name)).status_code == 404
    assert unchanged(campaign, State.OPEN)


def test_closing_submissions_says_how_many_units_have_not_submitted(world, login):
    body = login("organiser").get(f"/ky-danh-gia/{world['campaign'].pk}/").content.decode()
    assert "Còn 2 đơn vị chưa gửi báo cáo" in body
