"""Every move of the campaign's state machine, for every persona and from every wrong state.

A legal move changes the state and writes an audit entry (`campaign.<name>`); an illegal one
(wrong person, wrong state, missing reason) leaves the campaign and the audit log as they were
and says why in Vietnamese. `may`, which the pages use to show a button, agrees with what the
transition functions accept.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dti.audit.models import AuditEntry
from dti.campaigns import workflow
from dti.campaigns.models import Campaign, Participation
from dti.core.errors import ServiceError
from tests.assessments.test_workflow import vietnamese
from tests.conftest import PERSONAS, World

State = Campaign.State

ALLOWED: dict[str, set[str]] = {
    "open": {"organiser", "admin"},
    "close_submissions": {"organiser", "admin"},
    "start_appraisal": {"organiser", "admin"},
    "approve": {"chair"},
    "publish": {"admin", "organiser", "chair"},
    "reopen": {"organiser", "admin"},
    "import_results": {"admin", "organiser", "chair"},
}
FUNCTIONS: dict[str, Callable[..., Campaign]] = {
    "open": workflow.open_campaign,
    "close_submissions": workflow.close_submissions,
    "start_appraisal": workflow.start_appraisal,
    "approve": workflow.approve,
    "publish": workflow.publish,
    "reopen": workflow.reopen,
    "import_results": workflow.import_results,
}
EVERYONE = [*PERSONAS, "anonymous"]


def person(world: World, persona: str) -> Any:
    return AnonymousUser() if persona == "anonymous" else world["users"][persona]


def put(campaign: Campaign, state: str) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(state=state)
    campaign.refresh_from_db()


def attempt(name: str, campaign: Campaign, by: Any, comment: str = "Hội đồng đề nghị xem lại") -> Campaign:
    if name == "reopen":
        return workflow.reopen(campaign=campaign, by=by, comment=comment)
    return FUNCTIONS[name](campaign=campaign, by=by)


def snapshot(campaign: Campaign) -> tuple[str, bool, int]:
    stored = Campaign.objects.get(pk=campaign.pk)
    return stored.state, stored.imported_results, AuditEntry.objects.filter(action__startswith="campaign.").count()


def test_the_tables_cover_every_move() -> None:
    assert set(ALLOWED) == set(workflow.MOVES) == set(workflow.WHO) == set(FUNCTIONS)
    reached = {State.DRAFT} | {target for _sources, target in workflow.MOVES.values()}
    assert reached == set(State.values)  # every state is reachable, none is left over


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize("name", list(workflow.MOVES))
def test_move_for_each_persona(world: World, name: str, persona: str) -> None:
    campaign = world["campaign"]
    source, target = workflow.MOVES[name][0][0], workflow.MOVES[name][1]
    put(campaign, source)
    before = snapshot(campaign)
    user = person(world, persona)
    assert workflow.may(user, name, campaign) is (persona in ALLOWED[name])
    if persona in ALLOWED[name]:
        attempt(name, campaign, user)
        assert campaign.state == Campaign.objects.get(pk=campaign.pk).state == target
        entry = AuditEntry.objects.filter(action=f"campaign.{name}").latest("id")
        assert (entry.field, entry.old, entry.new, entry.actor_id) == ("state", source, target, user.pk)
        assert entry.campaign_id == campaign.pk
        assert snapshot(campaign)[2] == before[2] + 1
    else:
        with pytest.raises(PermissionDenied) as refused:
            attempt(name, campaign, user)
        assert vietnamese(str(refused.value)), str(refused.value)
        assert snapshot(campaign) == before


WRONG_FROM = [
    (name, state)
    for name, (sources, _target) in workflow.MOVES.items()
    for state in State.values
    if state not in sources
]


@pytest.mark.parametrize(("name", "state"), WRONG_FROM)
def test_move_from_a_wrong_state_is_refused_and_not_offered(world: World, name: str, state: str) -> None:
    campaign = world["campaign"]
    put(campaign, state)
    before = snapshot(campaign)
    allowed = person(world, sorted(ALLOWED[name])[0])
    assert not workflow.may(allowed, name, campaign)
    with pytest.raises(ServiceError) as refused:
        attempt(name, campaign, allowed)
    message = refused.value.message
    assert vietnamese(message), message
    assert f"“{State(state).label}”" in message  # where it is
    assert all(f"“{State(source).label}”" in message for source in workflow.MOVES[name][0])  # where it could be
    assert snapshot(campaign) == before


def test_the_state_is_checked_again_under_the_lock(world: World) -> None:
    """A page built before another person's move offers it; the move itself is still refused."""
    campaign = world["campaign"]
    stale = Campaign.objects.get(pk=campaign.pk)  # read as "open"
    workflow.close_submissions(campaign=campaign, by=world["users"]["organiser"])
    before = snapshot(campaign)
    with pytest.raises(ServiceError, match="Đã dừng nhận báo cáo"):
        workflow.close_submissions(campaign=stale, by=world["users"]["admin"])
    assert snapshot(campaign) == before


def test_reopen_needs_a_reason(world: World) -> None:
    campaign = world["campaign"]
    put(campaign, State.APPROVED)
    before = snapshot(campaign)
    with pytest.raises(ServiceError, match="Cần nêu lý do mở lại thẩm định"):
        attempt("reopen", campaign, world["users"]["organiser"], comment="   ")
    assert snapshot(campaign) == before
    workflow.reopen(campaign=campaign, by=world["users"]["organiser"], comment="Đơn vị khiếu nại chỉ số I.2")
    assert AuditEntry.objects.get(action="campaign.reopen").comment == "Đơn vị khiếu nại chỉ số I.2"


def test_open_needs_units_and_a_deadline_ahead(world: World) -> None:
    campaign, organiser = world["campaign"], world["users"]["organiser"]
    put(campaign, State.DRAFT)
    Campaign.objects.filter(pk=campaign.pk).update(submission_deadline=timezone.now() - datetime.timedelta(hours=1))
    campaign.refresh_from_db()
    before = snapshot(campaign)
    with pytest.raises(ServiceError, match=r"Hạn gửi báo cáo .* đã qua"):
        workflow.open_campaign(campaign=campaign, by=organiser)
    assert snapshot(campaign) == before
    Campaign.objects.filter(pk=campaign.pk).update(submission_deadline=timezone.now() + datetime.timedelta(days=3))
    campaign.refresh_from_db()
    Participation.objects.filter(campaign=campaign).delete()
    with pytest.raises(ServiceError, match="chưa có đơn vị tham gia"):
        workflow.open_campaign(campaign=campaign, by=organiser)
    assert snapshot(campaign) == before


def test_imported_results_are_marked(world: World) -> None:
    campaign = world["campaign"]
    put(campaign, State.DRAFT)
    workflow.import_results(campaign=campaign, by=world["users"]["admin"], comment="ket-qua.csv")
    assert snapshot(campaign)[:2] == (State.PUBLISHED, True)
