"""One test base for the platform: a small campaign and named personas, one per role.

Personas: `reporter` and `leader` of the assessed unit, `appraiser`, `chair`, `organiser`,
`admin`, `viewer`, `other_reporter`/`other_leader` of another unit, and anonymous (the plain
`client`). `login(persona)` returns a logged-in test client.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

import pytest
from django.test import Client
from django.utils import timezone, translation

if TYPE_CHECKING:
    from pytest_django.fixtures import Settings

    from dti.accounts.models import User
    from dti.assessments.models import Assessment
    from dti.campaigns.models import Campaign, CampaignGroup, Participation
    from dti.frameworks.models import Framework
    from dti.units.models import Unit

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "mat-khau-thu-nghiem-2023"

# A small framework with every kind of input the forms handle.
SMALL_FRAMEWORK = """
format: dti/1
code: thu-nghiem-2023-huyen
name: Bộ chỉ số thử nghiệm cấp huyện
level: huyen
year: 2023
precision: 2
max: 40
unit_types: {huyen: Huyện, so: Sở}
general_info:
  - {code: so_xa, label: Số xã, type: count, unit: xã}
indices:
  - code: "I"
    name: Nhận thức số
    max: 20
    indicators:
      - code: I.1
        name: Trưởng ban chỉ đạo
        max: 10
        inputs:
          - name: truong_ban
            label: Trưởng ban là
            type: choice
            options: {chu_tich: Chủ tịch, pho: Phó chủ tịch, khac: Khác}
        scoring: {method: choice, input: truong_ban, points: {chu_tich: max_points, pho: max_points / 2, khac: 0}}
        evidence: {required: true, description: Quyết định thành lập}
      - code: I.2
        name: Xã có chuyên mục chuyển đổi số
        max: 10
        inputs:
          - {name: a, label: Số xã có chuyên mục, type: count, unit: xã}
          - {name: b, from: so_xa}
        scoring: {method: ratio, numerator: a, denominator: b}
  - code: "II"
    name: Thể chế số
    max: 20
    indicators:
      - code: II.1
        name: Kế hoạch chuyển đổi số
        max: 10
        inputs: [{name: ban_hanh, label: Đã ban hành, type: yes_no}]
        scoring: {method: yes_no, input: ban_hanh}
      - code: II.2
        name: Đánh giá khác
        max: 10
        scoring: {method: manual}
"""


@pytest.fixture(autouse=True)
def _test_settings(settings: Settings) -> None:
    """Hash test passwords quickly (production keeps Django's slow, safe hasher), and serve
    static files without the manifest `collectstatic` writes (a fresh clone has none). Background
    jobs run at once in the test's process (tests/jobs start real workers where that is the point)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _back_to_the_default_language() -> Iterator[None]:
    """A request activates its language in this thread (an English one, when chosen); every test
    starts from the default again, whatever test ran before it in the same worker."""
    yield
    translation.deactivate()


@pytest.fixture
def small_framework(db: None) -> Framework:
    """The small framework stored in the database."""
    from dti.frameworks.models import Framework

    return Framework.objects.create(
        code="thu-nghiem-2023-huyen",
        name="Bộ chỉ số thử nghiệm cấp huyện",
        level="huyen",
        year=2023,
        source=SMALL_FRAMEWORK,
    )


class World(TypedDict):
    """The `world` fixture: the campaign of the small framework, its units and personas.

    Tests index it by key (`world["assessment"]`); a few add keys of their own.
    """

    campaign: Campaign
    group: CampaignGroup
    unit: Unit  # UBND huyện Một, the assessed unit
    other_unit: Unit  # UBND huyện Hai
    participation: Participation
    assessment: Assessment
    other_assessment: Assessment
    users: dict[str, User]  # persona name → user (see PERSONAS)


@pytest.fixture
def world(db: None, small_framework: Framework) -> World:
    """A province, two districts, an open campaign with both, and one user per persona."""
    from dti.accounts.models import User
    from dti.assessments.models import Assessment
    from dti.campaigns.models import Campaign, CampaignGroup, Participation
    from dti.core.roles import Role
    from dti.units.models import Unit, UnitType

    huyen = UnitType.objects.create(code="huyen", name="Huyện")
    tinh = UnitType.objects.create(code="tinh", name="Tỉnh")
    province = Unit.objects.create(name="UBND tỉnh Thử Nghiệm", unit_type=tinh)
    unit = Unit.objects.create(name="UBND huyện Một", unit_type=huyen, parent=province)
    other = Unit.objects.create(name="UBND huyện Hai", unit_type=huyen, parent=province)
    campaign = Campaign.objects.create(
        name="Kỳ đánh giá thử nghiệm 2023",
        year=2023,
        organiser=province,
        state=Campaign.State.OPEN,
        submission_deadline=timezone.now() + datetime.timedelta(days=10),
    )
    group = CampaignGroup.objects.create(campaign=campaign, name="Nhóm huyện", framework=small_framework)
    participation = Participation.objects.create(campaign=campaign, group=group, unit=unit)
    other_participation = Participation.objects.create(campaign=campaign, group=group, unit=other)
    assessment = Assessment.objects.create(participation=participation, general={"so_xa": "20"})
    other_assessment = Assessment.objects.create(participation=other_participation, general={"so_xa": "10"})
    personas = {
        "reporter": (Role.REPORTER, unit),
        "leader": (Role.LEADER, unit),
        "other_reporter": (Role.REPORTER, other),
        "other_leader": (Role.LEADER, other),
        "appraiser": (Role.APPRAISER, None),
        "chair": (Role.CHAIR, None),
        "organiser": (Role.ORGANISER, province),
        "admin": (Role.ADMIN, None),
        "viewer": (Role.VIEWER, None),
    }
    users = {
        name: User.objects.create_user(
            name, password=PASSWORD, full_name=name.replace("_", " ").title(), role=role, unit=u
        )
        for name, (role, u) in personas.items()
    }
    return {
        "campaign": campaign,
        "group": group,
        "unit": unit,
        "other_unit": other,
        "participation": participation,
        "assessment": assessment,
        "other_assessment": other_assessment,
        "users": users,
    }


PERSONAS = [
    "reporter",
    "leader",
    "other_reporter",
    "other_leader",
    "appraiser",
    "chair",
    "organiser",
    "admin",
    "viewer",
]


@pytest.fixture
def login(world: World) -> Callable[[str], Client]:
    """`login("reporter")`: a test client signed in as that persona ("anonymous": not signed in)."""

    def make(persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(world["users"][persona], backend="dti.accounts.backends.UnitModelBackend")
        return client

    return make


@pytest.fixture
def appraising(world: World) -> World:
    """Both units filled in and submitted; the appraiser is assigned UBND huyện Một (every index).

    UBND huyện Một claims I.1 = Chủ tịch (10), I.2 = 15 of 20 communes (7,5), II.1 = yes (10),
    II.2 manual 6 with a self score of 8; UBND huyện Hai: Phó chủ tịch, 10 of 10, no, 4.
    """
    from dti.appraisal.models import Assignment
    from dti.assessments import workflow
    from dti.assessments.models import Entry

    def fill(assessment: Assessment, values: dict[str, dict[str, Any]], leader: User) -> None:
        for code, data in values.items():
            Entry.objects.create(assessment=assessment, code=code, version=1, **data)
        workflow.submit(assessment=assessment, by=leader)

    users = world["users"]
    fill(
        world["assessment"],
        {
            "I.1": {"values": {"truong_ban": "chu_tich"}},
            "I.2": {"values": {"a": "15"}},
            "II.1": {"values": {"ban_hanh": True}},
            "II.2": {"score": "6", "self_score": "8"},
        },
        users["leader"],
    )
    fill(
        world["other_assessment"],
        {
            "I.1": {"values": {"truong_ban": "pho"}},
            "I.2": {"values": {"a": "10"}},
            "II.1": {"values": {"ban_hanh": False}},
            "II.2": {"score": "4"},
        },
        users["other_leader"],
    )
    Assignment.objects.create(participation=world["participation"], appraiser=users["appraiser"])
    for key in ("assessment", "other_assessment"):
        world[key].refresh_from_db()
    return world
