"""Who may do what: every page and action of the self-assessment × every persona × both units.

`unit` is UBND huyện Một (reporter, leader), `other_unit` is UBND huyện Hai (other_reporter,
other_leader); appraiser, chair, organiser, admin and viewer belong to neither. Each refusal
is checked three ways: the status (302 to the login page for anonymous, 403 otherwise), a
Vietnamese message that says why, and a database (and evidence directory) left untouched.
The expectations are written out here from the roles, not computed from
`dti.core.permissions`, which `can()` is then checked against for every Action × role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from dti.accounts.models import User
from dti.assessments.models import Assessment, Entry, Evidence
from dti.audit.models import AuditEntry
from dti.core.permissions import MESSAGES, Action, can, require
from dti.core.roles import Role
from tests.conftest import PERSONAS
from tests.core.test_files import pdf_bytes

SEE_ALL = {"appraiser", "chair", "organiser", "admin", "viewer"}
UNIT_OF = {"reporter": "unit", "leader": "unit", "other_reporter": "other_unit", "other_leader": "other_unit"}
LEADERS = {"leader", "other_leader"}

MSG_VIEW = "Bạn không có quyền xem bản tự đánh giá của đơn vị này."
MSG_VIEW_DOCUMENT = "Bạn không có quyền xem tài liệu của đơn vị này."
MSG_EDIT = "Bạn không có quyền sửa số liệu của đơn vị này."
MSG_SUBMIT = "Chỉ lãnh đạo đơn vị mới được duyệt và gửi bản tự đánh giá."


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    """Evidence files go to a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def stage(world: dict[str, Any], media: Any) -> dict[str, Any]:
    """Both units with one saved entry and one evidence file each, so every action has a target."""
    for key, persona in (("assessment", "reporter"), ("other_assessment", "other_reporter")):
        assessment = world[key]
        Entry.objects.create(assessment=assessment, code="I.2", values={"a": "5"}, version=1)
        evidence = Evidence(
            assessment=assessment,
            code="I.1",
            kind=Evidence.Kind.FILE,
            original_name="quyet-dinh.pdf",
            content_type="application/pdf",
            size=len(pdf_bytes()),
            uploaded_by=world["users"][persona],
        )
        evidence.file.save("upload.pdf", ContentFile(pdf_bytes()), save=True)
        world[f"{key}_evidence"] = evidence
    return world


def snapshot(media_root: Any) -> tuple[Any, ...]:
    """Everything a self-assessment action could change."""
    return (
        list(Assessment.objects.order_by("pk").values()),
        list(Entry.objects.order_by("pk").values()),
        list(Evidence.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
        sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file()),
    )


@dataclass(frozen=True)
class Step:
    """One page or action: how to call it on a unit's assessment, and who may."""

    name: str
    call: Callable[[Any, dict[str, Any], str], Any]  # (client, world, "assessment"/"other_assessment")
    rule: str  # "view", "edit" or "submit"
    ok_status: int
    refusal: str  # message for a person whose role does not allow the action
    door: str = MSG_VIEW  # message for a person of another unit (may not even see its data)


def _a(world: dict[str, Any], key: str) -> Assessment:
    return world[key]


STEPS = [
    Step("GET detail", lambda c, w, k: c.get(f"/danh-gia/{_a(w, k).pk}/"), "view", 200, MSG_VIEW),
    Step(
        "POST entry save",
        lambda c, w, k: c.post(
            f"/danh-gia/{_a(w, k).pk}/chi-so/I.2/", {"version": "1", "a": "6"}, HTTP_HX_REQUEST="true"
        ),
        "edit",
        200,
        MSG_EDIT,
    ),
    Step(
        "POST entry save without JavaScript",
        lambda c, w, k: c.post(f"/danh-gia/{_a(w, k).pk}/chi-so/II.1/", {"version": "0", "ban_hanh": "yes"}),
        "edit",
        302,
        MSG_EDIT,
    ),
    Step(
        "POST general save",
        lambda c, w, k: c.post(f"/danh-gia/{_a(w, k).pk}/thong-tin-chung/", {"version": "0", "so_xa": "30"}),
        "edit",
        302,
        MSG_EDIT,
    ),
    Step("GET history", lambda c, w, k: c.get(f"/danh-gia/{_a(w, k).pk}/chi-so/I.2/lich-su/"), "view", 200, MSG_VIEW),
    Step("GET index part", lambda c, w, k: c.get(f"/danh-gia/{_a(w, k).pk}/chi-so-chinh/II/"), "view", 200, MSG_VIEW),
    Step(
        "GET general-info history",
        lambda c, w, k: c.get(f"/danh-gia/{_a(w, k).pk}/chi-so/general/lich-su/"),
        "view",
        200,
        MSG_VIEW,
    ),
    Step(
        "POST evidence add (file)",
        lambda c, w, k: c.post(
            f"/danh-gia/{_a(w, k).pk}/chi-so/I.1/minh-chung/",
            {"file": SimpleUploadedFile("ke-hoach.pdf", pdf_bytes(), content_type="application/pdf")},
        ),
        "edit",
        302,
        MSG_EDIT,
    ),
    Step(
        "POST evidence add (reference)",
        lambda c, w, k: c.post(
            f"/danh-gia/{_a(w, k).pk}/chi-so/I.1/minh-chung/",
            {"doc_number": "185/KH-UBND", "doc_date": "21/11/2022", "title": "Kế hoạch chuyển đổi số"},
        ),
        "edit",
        302,
        MSG_EDIT,
    ),
    Step(
        "GET evidence download",
        lambda c, w, k: c.get(f"/danh-gia/minh-chung/{w[k + '_evidence'].pk}/"),
        "view",
        200,
        MSG_VIEW_DOCUMENT,
        MSG_VIEW_DOCUMENT,
    ),
    Step(
        "POST evidence delete",
        lambda c, w, k: c.post(f"/danh-gia/minh-chung/{w[k + '_evidence'].pk}/xoa/"),
        "edit",
        302,
        MSG_EDIT,
        MSG_VIEW_DOCUMENT,
    ),
    Step("GET submit", lambda c, w, k: c.get(f"/danh-gia/{_a(w, k).pk}/gui/"), "submit", 200, MSG_SUBMIT),
    Step(
        "POST submit",
        lambda c, w, k: c.post(f"/danh-gia/{_a(w, k).pk}/gui/", {"comment": "Đồng ý gửi"}),
        "submit",
        302,
        MSG_SUBMIT,
    ),
    Step(
        "GET participation open",
        lambda c, w, k: c.get(f"/danh-gia/tham-gia/{_a(w, k).participation_id}/"),
        "view",
        302,
        MSG_VIEW,
    ),
]


def allowed(persona: str, rule: str, target: str) -> bool:
    """The expected rule, from the roles (domain.md): see all, own unit edits, leader submits."""
    own = UNIT_OF.get(persona) == target
    if rule == "view":
        return persona in SEE_ALL or own
    if rule == "edit":
        return own
    return own and persona in LEADERS


def expected_message(persona: str, step: Step, target: str) -> str:
    """Another unit's data is refused at the door; a role refusal says what the role lacks."""
    if persona in UNIT_OF and UNIT_OF[persona] != target:
        return step.door
    return step.refusal


@pytest.mark.parametrize("target", ["unit", "other_unit"])
@pytest.mark.parametrize("persona", ["anonymous", *PERSONAS])
@pytest.mark.parametrize("step", STEPS, ids=[s.name for s in STEPS])
def test_page_and_action_matrix(stage, login, media, step, persona, target):
    key = "assessment" if target == "unit" else "other_assessment"
    client = login(persona)
    before = snapshot(media)
    response = step.call(client, stage, key)
    if persona == "anonymous" and step.name == "POST entry save":  # htmx: a text for the page, not the login page
        assert response.status_code == 401
        assert response.content.decode().startswith("Bạn chưa đăng nhập hoặc đã đăng xuất")
        assert snapshot(media) == before
    elif persona == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith("/dang-nhap/?next=")
        assert snapshot(media) == before
    elif allowed(persona, step.rule, target):
        assert response.status_code == step.ok_status, response.content.decode()[:2000]
        if step.name == "GET participation open":
            assert response.url == f"/danh-gia/{stage[key].pk}/"
        if step.name.startswith("POST"):
            assert snapshot(media) != before, "an allowed change must change something"
    else:
        body = response.content.decode()
        assert response.status_code == 403
        assert expected_message(persona, step, target) in body
        assert "Không có quyền truy cập" in body  # the Vietnamese error page, not Django's English one
        assert snapshot(media) == before


@pytest.mark.parametrize("persona", ["anonymous", *PERSONAS])
@pytest.mark.parametrize(
    "url",
    ["/danh-gia/{a}/chi-so/I.2/", "/danh-gia/{a}/thong-tin-chung/", "/danh-gia/{a}/chi-so/I.1/minh-chung/"],
)
def test_post_only_actions_refuse_get_and_change_nothing(stage, login, media, persona, url):
    before = snapshot(media)
    response = login(persona).get(url.format(a=stage["assessment"].pk))
    assert response.status_code == (302 if persona == "anonymous" else 405)
    assert snapshot(media) == before


def test_anonymous_is_sent_to_login_and_back(stage, login):
    path = f"/danh-gia/{stage['assessment'].pk}/"
    response = login("anonymous").get(path)
    assert response.url == "/dang-nhap/?next=" + quote(path, safe="/")


# Opening a participation that has no assessment yet: tests/assessments/test_open_participation.py.


@pytest.mark.parametrize(
    "url",
    [
        "/danh-gia/999999/",
        "/danh-gia/999999/chi-so/I.2/lich-su/",
        "/danh-gia/minh-chung/999999/",
        "/danh-gia/tham-gia/999999/",
        "/danh-gia/999999/gui/",
    ],
)
def test_missing_objects_give_the_vietnamese_404(world, login, url):
    response = login("admin").get(url)
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_a_unit_person_without_a_unit_sees_no_assessment(world, login):
    orphan = User.objects.create_user("mo-coi", password="x" * 12, role=Role.REPORTER, unit=None)
    client = login("anonymous")
    client.force_login(orphan, backend="dti.accounts.backends.UnitModelBackend")
    response = client.get(f"/danh-gia/{world['assessment'].pk}/")
    assert response.status_code == 403
    assert MSG_VIEW in response.content.decode()


def test_a_deactivated_account_is_refused_everything(world, login):
    client = login("reporter")
    User.objects.filter(username="reporter").update(is_active=False)
    response = client.get(f"/danh-gia/{world['assessment'].pk}/")
    assert response.status_code == 302  # the session no longer authenticates
    assert response.url.startswith("/dang-nhap/")


# ---------------------------------------------------------------------------------------------
# can() for every Action × role, on the person's own unit, another unit, and without an object.

ALL_ROLES = set(Role)
MANAGERS = frozenset({Role.ADMIN, Role.ORGANISER})
MANAGERS_EVERYWHERE = {"own": MANAGERS, "other": MANAGERS, "none": MANAGERS}
EXPECTED: dict[Action, dict[str, set[Role] | frozenset[Role]]] = {
    # action: {"own": roles allowed on their own unit's assessment, "other": on another unit's,
    #          "none": without an object}
    Action.VIEW_ASSESSMENT: {
        "own": {Role.ADMIN, Role.ORGANISER, Role.APPRAISER, Role.CHAIR, Role.VIEWER, Role.REPORTER, Role.LEADER},
        "other": {Role.ADMIN, Role.ORGANISER, Role.APPRAISER, Role.CHAIR, Role.VIEWER},
        "none": {Role.ADMIN, Role.ORGANISER, Role.APPRAISER, Role.CHAIR, Role.VIEWER},
    },
    Action.EDIT_ASSESSMENT: {"own": {Role.REPORTER, Role.LEADER}, "other": set(), "none": set()},
    Action.SUBMIT_ASSESSMENT: {"own": {Role.LEADER}, "other": set(), "none": set()},
    Action.VIEW_CAMPAIGN: {"own": ALL_ROLES, "other": ALL_ROLES, "none": ALL_ROLES},
    Action.MANAGE_CAMPAIGNS: MANAGERS_EVERYWHERE,
    Action.REOPEN_SUBMISSION: MANAGERS_EVERYWHERE,
    # The organiser's bulk import writes any unit's data (the unit's state rules: tests/exports).
    Action.IMPORT_ASSESSMENTS: MANAGERS_EVERYWHERE,
    Action.VIEW_FRAMEWORKS: {"own": ALL_ROLES, "other": ALL_ROLES, "none": ALL_ROLES},
    Action.MANAGE_FRAMEWORKS: MANAGERS_EVERYWHERE,
    Action.VIEW_UNITS: {"own": ALL_ROLES, "other": ALL_ROLES, "none": ALL_ROLES},
    Action.MANAGE_UNITS: MANAGERS_EVERYWHERE,
    Action.VIEW_APPRAISAL: {
        where: {Role.ADMIN, Role.ORGANISER, Role.APPRAISER, Role.CHAIR} for where in ("own", "other", "none")
    },
    # Appraisers act only inside an assignment; these objects have none (scope: tests/appraisal).
    Action.APPRAISE: {"own": set(), "other": set(), "none": set()},
    Action.MANAGE_APPRAISAL: MANAGERS_EVERYWHERE,
    Action.ANSWER_EXPLANATION: {"own": {Role.REPORTER, Role.LEADER}, "other": set(), "none": set()},
    Action.SEND_EXPLANATION: {"own": {Role.LEADER}, "other": set(), "none": set()},
    Action.APPROVE_RESULTS: {where: {Role.CHAIR} for where in ("own", "other", "none")},
    Action.PUBLISH_RESULTS: {where: {Role.ADMIN, Role.ORGANISER, Role.CHAIR} for where in ("own", "other", "none")},
    Action.AMEND_RESULTS: MANAGERS_EVERYWHERE,
    Action.MANAGE_ACCOUNTS: MANAGERS_EVERYWHERE,
    Action.MANAGE_ADMIN_ACCOUNTS: {where: {Role.ADMIN} for where in ("own", "other", "none")},
}
OWN_UNIT, OTHER_UNIT = 1, 2


def _assessment_of(unit_id: int) -> Any:
    return SimpleNamespace(participation=SimpleNamespace(unit_id=unit_id), participation_id=unit_id)


OBJECTS = {"own": _assessment_of(OWN_UNIT), "other": _assessment_of(OTHER_UNIT), "none": None}


def test_the_expected_table_covers_every_action():
    assert set(EXPECTED) == set(Action)


@pytest.mark.django_db  # APPRAISE looks up assignments
@pytest.mark.parametrize("where", ["own", "other", "none"])
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_can_for_every_action_and_role(action, role, where):
    user = User(username="u", role=role, unit_id=OWN_UNIT)
    assert can(user, action, OBJECTS[where]) is (role in EXPECTED[action][where])


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_can_refuses_a_person_without_a_unit_on_unit_data(action, role):
    user = User(username="u", role=role, unit_id=None)
    expected = role in EXPECTED[action]["other"]  # no unit: every unit is someone else's
    assert can(user, action, _assessment_of(OWN_UNIT)) is expected


@pytest.mark.parametrize("action", list(Action))
def test_can_refuses_anonymous_none_and_inactive(action):
    inactive = User(username="u", role=Role.ADMIN, unit_id=OWN_UNIT, is_active=False)
    for user in (AnonymousUser(), None, inactive):
        assert can(user, action, OBJECTS["own"]) is False


@pytest.mark.parametrize("action", list(Action))
def test_require_refuses_with_a_vietnamese_message(action):
    with pytest.raises(PermissionDenied) as refused:
        require(AnonymousUser(), action, OBJECTS["own"])
    message = str(refused.value)
    assert message == MESSAGES.get(action, "Bạn không có quyền thực hiện thao tác này.")
    assert any(ch in message for ch in "ạảãáàăâđêôơư"), "the message must be Vietnamese"


def test_require_lets_an_allowed_person_through():
    leader = User(username="u", role=Role.LEADER, unit_id=OWN_UNIT)
    require(leader, Action.SUBMIT_ASSESSMENT, OBJECTS["own"])  # no exception


def test_can_with_the_stored_world(world):
    """The same answers with real users and assessments from the database."""
    users, mine, theirs = world["users"], world["assessment"], world["other_assessment"]
    assert can(users["reporter"], Action.EDIT_ASSESSMENT, mine)
    assert not can(users["reporter"], Action.EDIT_ASSESSMENT, theirs)
    assert not can(users["reporter"], Action.SUBMIT_ASSESSMENT, mine)
    assert can(users["leader"], Action.SUBMIT_ASSESSMENT, mine)
    assert can(users["other_leader"], Action.SUBMIT_ASSESSMENT, theirs)
    assert not can(users["other_leader"], Action.VIEW_ASSESSMENT, mine)
    assert can(users["appraiser"], Action.VIEW_ASSESSMENT, theirs)
    assert not can(users["appraiser"], Action.EDIT_ASSESSMENT, theirs)
    assert not can(users["organiser"], Action.EDIT_ASSESSMENT, mine)
    assert can(users["organiser"], Action.REOPEN_SUBMISSION)
    assert can(users["organiser"], Action.IMPORT_ASSESSMENTS, mine)
    assert not can(users["leader"], Action.IMPORT_ASSESSMENTS, mine)
