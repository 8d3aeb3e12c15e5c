"""The appraisal pages offer a move exactly when its transition function accepts it.

Both read one rule, `dti.assessments.workflow.may` (the workspace's buttons) and `require_move`
with the MOVES table (the functions): for every move, persona and status they agree.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dti.appraisal.pages import TRANSITIONS
from dti.assessments import workflow
from dti.assessments.models import Assessment
from dti.core.errors import ServiceError
from tests.assessments.test_workflow import ALLOWED, EVERYONE, FROM, attempt, prepare

S = Assessment.Status


@pytest.fixture
def everyone(appraising: dict[str, Any]) -> dict[str, Any]:
    """Every persona, an appraiser with no assignment ("outsider") and an anonymous visitor."""
    from dti.accounts.models import User
    from dti.core.roles import Role

    users = dict(appraising["users"])
    users["outsider"] = User.objects.create_user("outsider", full_name="Outsider", role=Role.APPRAISER)
    users["anonymous"] = AnonymousUser()
    return users


def accepted(name: str, assessment: Assessment, user: Any) -> bool:
    """Whether the transition function makes the move (refused: wrong person or wrong status)."""
    try:
        attempt(name, assessment, user)
    except (PermissionDenied, ServiceError):
        return False
    return True


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize("name", list(workflow.MOVES))
def test_offered_when_accepted(appraising: dict[str, Any], everyone: dict[str, Any], name: str, persona: str) -> None:
    assessment = appraising["assessment"]
    prepare(assessment, FROM[name], everyone["organiser"])
    user = everyone[persona]
    offered = workflow.may(user, name, assessment)
    assert offered is (persona in ALLOWED[name])
    assert accepted(name, assessment, user) is offered


@pytest.mark.parametrize("name", list(workflow.MOVES))
def test_never_offered_from_a_wrong_status(appraising: dict[str, Any], everyone: dict[str, Any], name: str) -> None:
    assessment = appraising["assessment"]
    for status in S.values:
        if status in workflow.MOVES[name][0]:
            continue
        Assessment.objects.filter(pk=assessment.pk).update(status=status)
        assessment.refresh_from_db()
        assert not any(workflow.may(everyone[persona], name, assessment) for persona in EVERYONE), status


@pytest.mark.parametrize("persona", ["appraiser", "organiser", "admin", "chair"])
@pytest.mark.parametrize("name", TRANSITIONS)
def test_the_workspace_shows_the_buttons_offered(
    appraising: dict[str, Any], everyone: dict[str, Any], login: Any, name: str, persona: str
) -> None:
    assessment = appraising["assessment"]
    prepare(assessment, FROM[name], everyone["organiser"])
    html = login(persona).get(reverse("appraisal:unit", args=[assessment.pk])).content.decode()
    assert (reverse("appraisal:move", args=[assessment.pk, name]) in html) is (persona in ALLOWED[name])
