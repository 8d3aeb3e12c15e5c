"""The objects the URL contract (tests/test_url_contract.py) fills URL parameters from, at three stages.

Each stage starts from the one test base (`world`, tests/conftest.py) and adds what its pages need,
through the services the platform uses; every object exists for UBND huyện Một ("the unit") and,
where it matters for scope, for UBND huyện Hai ("the other unit"):

- "open": the campaign takes reports; each unit has a saved entry and an evidence file (the
  permission matrix's `stage`, tests/core/test_permissions_matrix.py), a notification for its
  reporter; a recorded change of units (a rename).
- "appraisal": both units submitted (`appraising`); the appraiser is assigned the unit, the extra
  persona `other_appraiser` only the other unit (and has a question drafted there); the unit is
  asked to explain I.2 (a question, a deadline in three days) and has added a document reference
  during the explanation.
- "published": both units appraised, approved and published (tests/results/conftest.py), with the
  unit's report notes and a target rank, and a past year (2022) imported and published (as
  tests/history/conftest.py does).

Evidence files go to a temporary MEDIA_ROOT and the past-year import stages its files in a
temporary folder; the fixture `contract_folders` names both, for the contract's "nothing written"
check.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from dti.accounts.models import User
from dti.accounts.notifications import notify
from dti.appraisal import explanation, services
from dti.appraisal.models import Assignment
from dti.appraisal.standing import group_standings
from dti.campaigns.models import CampaignGroup
from dti.core.roles import Role
from dti.history import services as history
from dti.reports import services as reports
from dti.units.models import Unit, UnitType
from tests.conftest import PASSWORD, PERSONAS
from tests.history.conftest import TABLE_2022, publish

# The personas the contract asks: the test base's, anonymous, and an appraiser assigned only the other unit.
CONTRACT_PERSONAS = ["anonymous", *PERSONAS, "other_appraiser"]


def _other_appraiser(world: dict[str, Any]) -> None:
    """An appraiser assigned the other unit only (out of scope for everything of the unit)."""
    user = User.objects.create_user(
        "other_appraiser", password=PASSWORD, full_name="Other Appraiser", role=Role.APPRAISER
    )
    Assignment.objects.create(participation=world["other_assessment"].participation, appraiser=user)
    world["users"]["other_appraiser"] = user


def _rename(world: dict[str, Any]) -> None:
    """UBND huyện Ba renamed UBND thị xã Ba on 01/01/2024 (a change of units to edit and delete)."""
    huyen = UnitType.objects.get(code="huyen")
    parent = world["unit"].parent
    old = Unit.objects.create(name="UBND huyện Ba", unit_type=huyen, parent=parent)
    new = Unit.objects.create(name="UBND thị xã Ba", unit_type=huyen, parent=parent)
    world["lineage"] = history.lineage_save(
        by=world["users"]["organiser"],
        kind="rename",
        effective=datetime.date(2024, 1, 1),
        predecessors=[old],
        successors=[new],
    )


def open_stage(world: dict[str, Any]) -> dict[str, Any]:
    """The campaign takes reports (see the module docstring)."""
    _other_appraiser(world)
    for key, persona in (("assessment", "reporter"), ("other_assessment", "other_reporter")):
        notify([world["users"][persona]], "Kỳ đánh giá đã mở nhận báo cáo.", url=f"/danh-gia/{world[key].pk}/")
    _rename(world)
    return world


def appraisal_stage(world: dict[str, Any]) -> dict[str, Any]:
    """Both units submitted, the unit asked to explain I.2 (see the module docstring)."""
    _other_appraiser(world)
    users, unit = world["users"], world["assessment"]
    world["question"] = services.question_add(
        assessment=unit, code="I.2", text="Danh sách 15 xã có chuyên mục?", by=users["appraiser"]
    )
    services.question_add(
        assessment=world["other_assessment"], code="I.2", text="Danh sách 10 xã?", by=users["other_appraiser"]
    )
    explanation.request_explanation(
        assessment=unit, by=users["organiser"], deadline=timezone.now() + datetime.timedelta(days=3)
    )
    unit.refresh_from_db()
    world["explanation_evidence"] = explanation.evidence_add_reference(
        assessment=unit, code="I.2", number="12/BC-UBND", date=None, title="Danh sách xã", by=users["reporter"]
    )
    world["assignment"] = Assignment.objects.get(participation=unit.participation, appraiser=users["appraiser"])
    return world


def published_stage(world: dict[str, Any]) -> dict[str, Any]:
    """Published results, the unit's notes and target, a published past year (see the module docstring)."""
    _other_appraiser(world)
    users, participation = world["users"], world["participation"]
    reports.save_notes(participation=participation, by=users["reporter"], values={"causes": "Thiếu nhân lực"})
    reports.save_targets(participation=participation, by=users["reporter"], targets=[("total", 2024, "≤ 10")])
    world["past_campaign"] = publish(world, TABLE_2022, year=2022, framework=world["group"].framework)
    return world


@pytest.fixture
def contract_folders(media: Path, settings: Any, tmp_path: Path) -> list[Path]:
    """Evidence (MEDIA_ROOT, the permission matrix's `media`) and the past-year import's staging
    folder, both temporary."""
    settings.HISTORY_STAGING_DIR = tmp_path / "staging"
    return [media, settings.HISTORY_STAGING_DIR]


def build(request: pytest.FixtureRequest, stage: str) -> dict[str, Any]:
    """The world at `stage` ("open", "appraisal" or "published"), built from the test base's fixtures."""
    request.getfixturevalue("contract_folders")
    if stage == "open":
        world = open_stage(request.getfixturevalue("stage"))
    elif stage == "appraisal":
        world = appraisal_stage(request.getfixturevalue("appraising"))
    else:
        world = published_stage(request.getfixturevalue("published"))
    world["framework"] = world["group"].framework
    world["reporter_account"] = world["users"]["reporter"]
    for group in CampaignGroup.objects.all():
        group_standings(group)  # stored results fresh, as once any page has read them: a read writes nothing
    return world
