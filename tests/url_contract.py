"""The expected answers of every URL of the project, one entry per URL name (tests/test_url_contract.py).

An entry names the stage of the world its parameters come from (tests/contract_world.py: "open",
"appraisal", "published"), the parameters ("@key": the world's object of that name, by its pk),
and for GET and POST what each persona gets:

- `OK`: let through: any answer but a refusal or a server error (a form sent empty may be
  refused for its content, 400/409/422, or redirected; success paths are tested elsewhere);
- `LOGIN`: sent to the login page (anonymous on every page behind login);
- `refused(message)`: 403 with the Vietnamese error page and this reason;
- `NOT_FOUND`: 404 with the Vietnamese error page; `NOT_ALLOWED`: 405 (a view that takes only
  POST, or only GET);
- `API_LOGIN`: 401, the REST API's answer to a call without a token or session. The API's
  refusals are JSON that carries the web error page's title and the same reason
  (dti.api.errors), so that they are checked here as the pages are.

A POST entry of None says the view does not limit its methods: a POST is answered as the GET
(those views only read; the contract checks that such a POST writes nothing either).

Personas: anonymous; reporter and leader of the unit (UBND huyện Một) and of the other unit
(other_reporter, other_leader); appraiser (assigned the unit; in the published stage both units)
and other_appraiser (assigned the other unit only); organiser; chair; viewer; admin. The URLs
always name the unit's objects, so the other unit's people and the other appraiser are the
"out of scope" side.

The Django admin's own patterns (`/quan-tri/`) follow one rule, `ADMIN_RULE`: the admin is for
Django staff only (the demo's `quantri`), and no persona here is staff, so every one of them,
the platform's administrator role included, is sent to the admin's own login page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.contract_world import CONTRACT_PERSONAS

METHODS = ("GET", "POST")


@dataclass(frozen=True)
class Expect:
    """One expected answer: `status` None is "let through"; otherwise the refusal's status, its
    reason (403) or the page it sends to (302)."""

    status: int | None
    message: str = ""
    location: str = ""


OK = Expect(None)
LOGIN = Expect(302, location="/dang-nhap/?next=")
ADMIN_LOGIN = Expect(302, location="/quan-tri/login/?next=")
ADMIN_INDEX = Expect(302, location="/quan-tri/")
NOT_FOUND = Expect(404)
NOT_ALLOWED = Expect(405)
API_LOGIN = Expect(401)


def refused(message: str) -> Expect:
    return Expect(403, message)


UNIT = {"reporter", "leader"}
OTHER_UNIT = {"other_reporter", "other_leader"}
UNIT_PEOPLE = UNIT | OTHER_UNIT
APPRAISERS = {"appraiser", "other_appraiser"}
SEE_ALL = APPRAISERS | {"organiser", "chair", "viewer", "admin"}
MANAGERS = {"organiser", "admin"}
SIGNED_IN = UNIT_PEOPLE | SEE_ALL
EVERYONE = {"anonymous", *SIGNED_IN}
assert set(CONTRACT_PERSONAS) == EVERYONE

Answers = dict[str, Expect]


def only(allowed: Iterable[str], message: str = "", *, anonymous: Expect = LOGIN, **special: Expect) -> Answers:
    """`allowed` let through, anonymous sent to log in, the `special` ones as given, everyone else
    refused with `message`."""
    allowed = set(allowed)
    answers = {p: OK if p in allowed else refused(message) for p in SIGNED_IN}
    return {**answers, "anonymous": anonymous, **special}


def everyone(expect: Expect = OK) -> Answers:
    return dict.fromkeys(EVERYONE, expect)


def signed_in() -> Answers:
    """Every signed-in persona let through; anonymous sent to log in."""
    return only(SIGNED_IN)


def post_only() -> Answers:
    """The GET of a view that takes only POST: 405, anonymous sent to log in first."""
    return {**dict.fromkeys(SIGNED_IN, NOT_ALLOWED), "anonymous": LOGIN}


@dataclass(frozen=True)
class Route:
    """What one URL answers: its world, parameters, and the answer per method and persona."""

    stage: str
    params: Mapping[str, Any]
    get: Answers
    post: Answers | None  # None: the view does not limit its methods, a POST is answered as a GET
    data: Mapping[str, str] = field(default_factory=dict)  # the POST's minimal form
    prepare: Callable[[dict[str, Any]], None] = lambda world: None  # a change to the world first

    def reads(self, method: str) -> bool:
        """Whether this method only reads (a GET, or a POST answered as one): it must not write."""
        return method == "GET" or self.post is None

    def expect(self, method: str, persona: str) -> Expect:
        return (self.post if method == "POST" and self.post is not None else self.get)[persona]


# Reasons, as the platform says them (dti.core.permissions and the views).
VIEW_ASSESSMENT = "Bạn không có quyền xem bản tự đánh giá của đơn vị này."
EDIT_ASSESSMENT = "Bạn không có quyền sửa số liệu của đơn vị này."
SUBMIT = "Chỉ lãnh đạo đơn vị mới được duyệt và gửi bản tự đánh giá."
VIEW_DOCUMENT = "Bạn không có quyền xem tài liệu của đơn vị này."
MANAGE_CAMPAIGNS = "Chỉ cơ quan tổ chức đánh giá mới được quản lý kỳ đánh giá."
IMPORT = "Chỉ cơ quan tổ chức đánh giá mới được nhập số liệu của nhiều đơn vị từ một tệp."
REOPEN = "Chỉ cơ quan tổ chức đánh giá mới được mở lại việc gửi báo cáo."
MANAGE_FRAMEWORKS = "Chỉ cơ quan tổ chức đánh giá mới được quản lý bộ chỉ số."
MANAGE_UNITS = "Chỉ cơ quan tổ chức đánh giá mới được quản lý danh sách đơn vị."
VIEW_APPRAISAL = "Chỉ cơ quan tổ chức, tổ thẩm định và Hội đồng mới xem được phần thẩm định."
APPRAISE = "Bạn không được phân công thẩm định đơn vị hoặc chỉ số này."
MANAGE_APPRAISAL = "Chỉ cơ quan tổ chức đánh giá mới được điều hành việc thẩm định."
ANSWER = "Chỉ đơn vị được đề nghị mới được giải trình."
SEND = "Chỉ lãnh đạo đơn vị mới được gửi nội dung giải trình."
VIEW_EXPLANATION = "Bạn không có quyền xem nội dung giải trình của đơn vị này."
APPROVE = "Chỉ Chủ tịch Hội đồng đánh giá mới được phê duyệt kết quả."
PUBLISH = "Chỉ cơ quan tổ chức hoặc Chủ tịch Hội đồng mới được công bố kết quả."
ZIP_REPORTS = "Chỉ người xem được mọi đơn vị mới tải được báo cáo phân tích của tất cả các đơn vị."
JOB = "Chỉ người bắt đầu việc này và quản trị hệ thống mới xem được việc này."
AMEND = "Chỉ cơ quan tổ chức đánh giá mới được đính chính kết quả đã công bố."
MANAGE_ACCOUNTS = "Chỉ cơ quan tổ chức đánh giá mới được quản lý tài khoản người dùng."
VIEW_OUTCOME = "Bạn không có quyền xem kết quả đánh giá của đơn vị này."
VIEW_REPORT = "Bạn không có quyền xem báo cáo phân tích của đơn vị này."
SET_DOCUMENTS = "Chỉ cơ quan tổ chức đánh giá mới được thiết lập văn bản của kỳ đánh giá."
WRITE_NOTES = "Bạn không có quyền sửa báo cáo phân tích của đơn vị này."
WRITE_TARGETS = "Bạn không có quyền sửa mục tiêu của đơn vị này."
EXPORT = "Chỉ cơ quan tổ chức, Hội đồng đánh giá, quản trị hệ thống và người xem mới được xuất dữ liệu cả kỳ đánh giá."
EXPORTERS = {"organiser", "chair", "viewer", "admin"}

# Who reads a unit's self-assessment (and analysis): its own people and every see-all role.
READ_UNIT = UNIT | SEE_ALL
# Who writes a unit's analysis (notes, targets): its own people and the organisers.
WRITE_REPORT = UNIT | MANAGERS
# The appraiser assigned the unit (other_appraiser is assigned only the other unit).
IN_SCOPE = {"appraiser"}
# Who sees the appraisal (VIEW_APPRAISAL): every see-all role but the viewer.
APPRAISAL_SIDE = SEE_ALL - {"viewer"}


def unit_door(role_message: str, allowed: Iterable[str], door: str = VIEW_ASSESSMENT) -> Answers:
    """An action on the unit's data: the other unit's people are refused at the door with `door`
    (they may not even see it), everyone else not `allowed` with what their role lacks."""
    return only(allowed, role_message, **dict.fromkeys(OTHER_UNIT, refused(door)))


# The explanation and outcome pages are the unit's and the appraisal side's: not the viewer's.
EXPLAINERS = UNIT | APPRAISAL_SIDE


def explaining(role_message: str, allowed: Iterable[str], door: str = VIEW_EXPLANATION) -> Answers:
    """An explanation (or outcome) page or action: refused at the door to the other unit and the viewer."""
    return {**unit_door(role_message, allowed, door), "viewer": refused(door)}


def appraising(allowed: Iterable[str], role_message: str) -> Answers:
    """An appraisal action: those without the appraisal side (the units, the viewer) are refused
    at its door, the rest of the appraisal side with what their role lacks."""
    outside = dict.fromkeys(UNIT_PEOPLE | {"viewer"}, refused(VIEW_APPRAISAL))
    return only(allowed, role_message, **outside)


def _api_token(world: dict[str, Any]) -> None:
    """The reporter's personal API token, as `world["api_token"]`."""
    from dti.api.services import token_create

    world["api_token"] = token_create(owner=world["users"]["reporter"], name="Cổng dịch vụ công")[0]


def _job(world: dict[str, Any]) -> None:
    """A finished background job of the organiser's, with its result file, as `world["job"]`."""
    from django.core.files.base import ContentFile

    from dti.jobs.models import Job

    job = Job(kind="dti.reports.jobs.unit_reports", title="Báo cáo các đơn vị", owner=world["users"]["organiser"])
    job.state, job.result_name = Job.State.DONE, "bao-cao.zip"
    job.result.save("bao-cao.zip", ContentFile(b"PK"), save=False)
    job.save()
    world["job"] = job


def api_read(answers: Answers | None = None) -> Answers:
    """A REST API read: the signed-in let through (or `answers`), anonymous 401."""
    return {**(answers or signed_in()), "anonymous": API_LOGIN}


A = "@assessment"
TABLE: dict[str, Route] = {
    # ------------------------------------------------------------------ home, login, public
    "home": Route("open", {}, signed_in(), None),
    "login": Route("open", {}, everyone(), everyone()),
    "logout": Route("open", {}, everyone(NOT_ALLOWED), everyone()),  # POST only (Django 5)
    "notifications": Route("open", {}, signed_in(), signed_in()),
    "health": Route("open", {}, everyone(), everyone(NOT_ALLOWED)),
    "set_language": Route("open", {}, everyone(), everyone(), data={"language": "vi", "next": "/"}),
    # ------------------------------------------------------------------ campaigns
    "campaigns:list": Route("open", {}, signed_in(), None),
    "campaigns:create": Route("open", {}, only(MANAGERS, MANAGE_CAMPAIGNS), only(MANAGERS, MANAGE_CAMPAIGNS)),
    "campaigns:detail": Route("open", {"pk": "@campaign"}, signed_in(), None),
    "campaigns:edit": Route(
        "open", {"pk": "@campaign"}, only(MANAGERS, MANAGE_CAMPAIGNS), only(MANAGERS, MANAGE_CAMPAIGNS)
    ),
    "campaigns:move": Route(
        "open", {"pk": "@campaign", "name": "close_submissions"}, post_only(), only(MANAGERS, MANAGE_CAMPAIGNS)
    ),
    "campaigns:group_add": Route("open", {"pk": "@campaign"}, post_only(), only(MANAGERS, MANAGE_CAMPAIGNS)),
    "campaigns:participants": Route(
        "open",
        {"pk": "@campaign", "group_pk": "@group"},
        only(MANAGERS, MANAGE_CAMPAIGNS),
        only(MANAGERS, MANAGE_CAMPAIGNS),
    ),
    "campaigns:reopen": Route(
        "open", {"pk": "@campaign", "participation_pk": "@participation"}, post_only(), only(MANAGERS, REOPEN)
    ),
    # ------------------------------------------------------------------ frameworks
    "frameworks:list": Route("open", {}, signed_in(), None),
    "frameworks:upload": Route("open", {}, only(MANAGERS, MANAGE_FRAMEWORKS), only(MANAGERS, MANAGE_FRAMEWORKS)),
    "frameworks:detail": Route("open", {"pk": "@framework"}, signed_in(), None),
    "frameworks:download": Route("open", {"pk": "@framework"}, signed_in(), None),
    "frameworks:copy": Route("open", {"pk": "@framework"}, post_only(), only(MANAGERS, MANAGE_FRAMEWORKS)),
    "frameworks:replace": Route(
        "open", {"pk": "@framework"}, only(MANAGERS, MANAGE_FRAMEWORKS), only(MANAGERS, MANAGE_FRAMEWORKS)
    ),
    # ------------------------------------------------------------------ units
    "units:list": Route("open", {}, signed_in(), None),
    "units:import": Route("open", {}, only(MANAGERS, MANAGE_UNITS), only(MANAGERS, MANAGE_UNITS)),
    "units:template": Route("open", {}, only(MANAGERS, MANAGE_UNITS), None),
    # ------------------------------------------------------------------ accounts
    "accounts:password_change": Route("open", {}, signed_in(), signed_in()),
    "accounts:password_reset": Route("open", {}, everyone(), everyone()),
    "accounts:password_reset_done": Route("open", {}, everyone(), everyone(NOT_ALLOWED)),
    "accounts:password_reset_complete": Route("open", {}, everyone(), everyone(NOT_ALLOWED)),
    "accounts:password_reset_confirm": Route("open", {"uidb64": "MQ", "token": "khong-hop-le"}, everyone(), everyone()),
    "accounts:list": Route("open", {}, only(MANAGERS, MANAGE_ACCOUNTS), None),
    "accounts:create": Route("open", {}, only(MANAGERS, MANAGE_ACCOUNTS), only(MANAGERS, MANAGE_ACCOUNTS)),
    "accounts:edit": Route(
        "open", {"pk": "@reporter_account"}, only(MANAGERS, MANAGE_ACCOUNTS), only(MANAGERS, MANAGE_ACCOUNTS)
    ),
    "accounts:deactivate": Route("open", {"pk": "@reporter_account"}, post_only(), only(MANAGERS, MANAGE_ACCOUNTS)),
    "accounts:reactivate": Route("open", {"pk": "@reporter_account"}, post_only(), only(MANAGERS, MANAGE_ACCOUNTS)),
    "accounts:reset": Route("open", {"pk": "@reporter_account"}, post_only(), only(MANAGERS, MANAGE_ACCOUNTS)),
    "accounts:import": Route("open", {}, only(MANAGERS, MANAGE_ACCOUNTS), only(MANAGERS, MANAGE_ACCOUNTS)),
    "accounts:import_confirm": Route("open", {}, post_only(), only(MANAGERS, MANAGE_ACCOUNTS)),
    "accounts:template": Route("open", {}, only(MANAGERS, MANAGE_ACCOUNTS), None),
    # ------------------------------------------------------------------ self-assessment
    # The unit has not started its assessment here: opening the link only reads (a GET never
    # writes, the viewer's included); the unit's people start it with a POST.
    "assessments:open": Route(
        "open",
        {"participation_pk": "@participation"},
        unit_door(VIEW_ASSESSMENT, READ_UNIT),
        unit_door(EDIT_ASSESSMENT, UNIT),
        prepare=lambda world: world["assessment"].delete(),
    ),
    "assessments:detail": Route("open", {"pk": A}, unit_door(VIEW_ASSESSMENT, READ_UNIT), None),
    "assessments:general": Route("open", {"pk": A}, post_only(), unit_door(EDIT_ASSESSMENT, UNIT)),
    "assessments:index": Route("open", {"pk": A, "index_code": "II"}, unit_door(VIEW_ASSESSMENT, READ_UNIT), None),
    "assessments:entry": Route("open", {"pk": A, "code": "I.2"}, post_only(), unit_door(EDIT_ASSESSMENT, UNIT)),
    "assessments:history": Route("open", {"pk": A, "code": "I.2"}, unit_door(VIEW_ASSESSMENT, READ_UNIT), None),
    "assessments:evidence_add": Route("open", {"pk": A, "code": "I.1"}, post_only(), unit_door(EDIT_ASSESSMENT, UNIT)),
    "assessments:evidence_download": Route(
        "open",
        {"pk": "@assessment_evidence"},
        only(READ_UNIT, VIEW_DOCUMENT),
        None,
    ),
    "assessments:evidence_delete": Route(
        "open",
        {"pk": "@assessment_evidence"},
        post_only(),
        only(UNIT, EDIT_ASSESSMENT, **dict.fromkeys(OTHER_UNIT, refused(VIEW_DOCUMENT))),
    ),
    "assessments:submit": Route("open", {"pk": A}, unit_door(SUBMIT, {"leader"}), unit_door(SUBMIT, {"leader"})),
    # ------------------------------------------------------------------ the unit workbook (download, upload, confirm)
    "workbooks:download": Route("open", {"pk": A}, unit_door(VIEW_ASSESSMENT, READ_UNIT), None),
    "workbooks:upload": Route("open", {"pk": A}, unit_door(EDIT_ASSESSMENT, UNIT), unit_door(EDIT_ASSESSMENT, UNIT)),
    "workbooks:confirm": Route("open", {"pk": A}, post_only(), unit_door(EDIT_ASSESSMENT, UNIT)),
    # ------------------------------------------------------------------ explanation (the unit's side)
    "explanation:page": Route("appraisal", {"pk": A}, explaining(VIEW_EXPLANATION, EXPLAINERS), None),
    "explanation:answer": Route(
        "appraisal", {"pk": A, "question_pk": "@question"}, post_only(), explaining(ANSWER, UNIT)
    ),
    "explanation:send": Route("appraisal", {"pk": A}, post_only(), explaining(SEND, {"leader"})),
    "explanation:evidence": Route("appraisal", {"pk": A, "code": "I.2"}, post_only(), explaining(ANSWER, UNIT)),
    "explanation:evidence_delete": Route(
        "appraisal",
        {"pk": A, "evidence_pk": "@explanation_evidence"},
        post_only(),
        explaining(ANSWER, UNIT),
    ),
    # ------------------------------------------------------------------ appraisal (the appraisers' side)
    "appraisal:home": Route("appraisal", {}, only(APPRAISAL_SIDE, VIEW_APPRAISAL), None),
    "appraisal:campaign": Route("appraisal", {"campaign_pk": "@campaign"}, only(APPRAISAL_SIDE, VIEW_APPRAISAL), None),
    "appraisal:campaign_seen": Route(
        "appraisal", {"campaign_pk": "@campaign"}, post_only(), only(APPRAISAL_SIDE, VIEW_APPRAISAL)
    ),
    # The units ticked and the step are the form's; the workflow and the services decide for each unit.
    "appraisal:bulk": Route(
        "appraisal", {"campaign_pk": "@campaign"}, post_only(), only(APPRAISAL_SIDE, VIEW_APPRAISAL)
    ),
    "appraisal:assignment_add": Route(
        "appraisal", {"campaign_pk": "@campaign"}, post_only(), only(MANAGERS, MANAGE_APPRAISAL)
    ),
    "appraisal:assignment_delete": Route(
        "appraisal",
        {"campaign_pk": "@campaign", "assignment_pk": "@assignment"},
        post_only(),
        only(MANAGERS, MANAGE_APPRAISAL),
    ),
    "appraisal:unit": Route("appraisal", {"pk": A}, only(APPRAISAL_SIDE, VIEW_APPRAISAL), None),
    "appraisal:review": Route("appraisal", {"pk": A, "code": "I.2"}, post_only(), appraising(IN_SCOPE, APPRAISE)),
    "appraisal:question_add": Route("appraisal", {"pk": A, "code": "I.2"}, post_only(), appraising(IN_SCOPE, APPRAISE)),
    "appraisal:question_delete": Route(
        "appraisal", {"pk": A, "question_pk": "@question"}, post_only(), appraising(IN_SCOPE, APPRAISE)
    ),
    "appraisal:accept_remaining": Route("appraisal", {"pk": A}, post_only(), appraising(IN_SCOPE, APPRAISE)),
    # Finishing is the assigned appraiser's; the organisers' attempt is refused by the workflow (422,
    # with its reason on the page), not by the door.
    "appraisal:move": Route(
        "appraisal",
        {"pk": A, "name": "finish_appraisal"},
        post_only(),
        appraising(IN_SCOPE | MANAGERS, APPRAISE),
    ),
    "official:campaign": Route(
        "appraisal",
        {"campaign_pk": "@campaign"},
        only(APPRAISAL_SIDE, VIEW_APPRAISAL),
        appraising(MANAGERS, MANAGE_APPRAISAL),
    ),
    "official:template": Route("appraisal", {"campaign_pk": "@campaign"}, only(APPRAISAL_SIDE, VIEW_APPRAISAL), None),
    # ------------------------------------------------------------------ results
    "outcome:page": Route("published", {"pk": A}, explaining(VIEW_OUTCOME, EXPLAINERS, VIEW_OUTCOME), None),
    # GET: the results and the approval form; POST: the chair approves (422 here: already published).
    "results:campaign": Route(
        "published",
        {"pk": "@campaign"},
        only(APPRAISAL_SIDE, VIEW_APPRAISAL),
        appraising({"chair"}, APPROVE),
    ),
    "results:publish": Route(
        "published", {"pk": "@campaign"}, only(MANAGERS | {"chair"}, PUBLISH), only(MANAGERS | {"chair"}, PUBLISH)
    ),
    "results:amend": Route("published", {"pk": "@campaign"}, only(MANAGERS, AMEND), only(MANAGERS, AMEND)),
    "public:index": Route("published", {}, everyone(), None),
    "public:campaign": Route("published", {"pk": "@campaign"}, everyone(), None),
    "public:ranking_file": Route("published", {"pk": "@campaign"}, everyone(), None),
    "public:unit": Route("published", {"pk": "@campaign", "key": "ubnd-huyen-mot"}, everyone(), None),
    # ------------------------------------------------------------------ history
    "history:import": Route("published", {}, only(MANAGERS, MANAGE_CAMPAIGNS), only(MANAGERS, MANAGE_CAMPAIGNS)),
    "history:import_confirm": Route("published", {}, post_only(), only(MANAGERS, MANAGE_CAMPAIGNS)),
    "history:lineages": Route("open", {}, only(MANAGERS, MANAGE_UNITS), None),
    "history:lineage_add": Route("open", {}, only(MANAGERS, MANAGE_UNITS), only(MANAGERS, MANAGE_UNITS)),
    "history:lineage_edit": Route(
        "open", {"pk": "@lineage"}, only(MANAGERS, MANAGE_UNITS), only(MANAGERS, MANAGE_UNITS)
    ),
    "history:lineage_delete": Route("open", {"pk": "@lineage"}, post_only(), only(MANAGERS, MANAGE_UNITS)),
    "history:mapping": Route("published", {}, only(MANAGERS, MANAGE_FRAMEWORKS), only(MANAGERS, MANAGE_FRAMEWORKS)),
    "history:unit": Route("published", {"slug": "ubnd-huyen-mot"}, everyone(), None),
    "history:campaign": Route("published", {"pk": "@past_campaign"}, everyone(), None),
    # ------------------------------------------------------------------ reports
    "reports:campaign": Route("published", {"pk": "@campaign"}, signed_in(), None),
    "reports:settings": Route(
        "published", {"pk": "@campaign"}, only(MANAGERS, SET_DOCUMENTS), only(MANAGERS, SET_DOCUMENTS)
    ),
    "reports:appendix": Route("published", {"pk": "@campaign", "kind": "xlsx"}, everyone(), None),
    # GET: the unit's analysis; POST: its notes (targets: GET goes back to the analysis).
    "reports:unit": Route(
        "published",
        {"pk": "@campaign", "unit": "@unit"},
        unit_door(VIEW_REPORT, READ_UNIT, VIEW_REPORT),
        unit_door(WRITE_NOTES, WRITE_REPORT, VIEW_REPORT),
    ),
    "reports:targets": Route(
        "published",
        {"pk": "@campaign", "unit": "@unit"},
        unit_door(VIEW_REPORT, READ_UNIT, VIEW_REPORT),
        unit_door(WRITE_TARGETS, WRITE_REPORT, VIEW_REPORT),
    ),
    # The report's kind is looked at after the door: "txt" (no such document) keeps the contract
    # fast, the unit's readers get 404 and everyone else the refusal. The PDF itself, persona by
    # persona: tests/reports/test_permissions.py (test_unit_report_download).
    "reports:unit_reports": Route(
        "published", {"pk": "@campaign"}, post_only(), only(SEE_ALL, ZIP_REPORTS), data={"kind": "docx"}
    ),
    "reports:unit_report": Route(
        "published",
        {"pk": "@campaign", "unit": "@unit", "kind": "txt"},
        only(READ_UNIT, VIEW_REPORT, **dict.fromkeys(READ_UNIT, NOT_FOUND)),
        None,
    ),
    # -------------------------------------------------------------- personal API tokens
    # Only one's own token: another person's is not there for them (404).
    "api_tokens:list": Route("open", {}, signed_in(), signed_in()),
    "api_tokens:revoke": Route(
        "open",
        {"pk": "@api_token"},
        only({"reporter"}, **dict.fromkeys(SIGNED_IN - {"reporter"}, NOT_FOUND)),
        only({"reporter"}, **dict.fromkeys(SIGNED_IN - {"reporter"}, NOT_FOUND)),
        prepare=_api_token,
    ),
    # -------------------------------------------------------------- REST API (/api/), through the session
    "api:api-root": Route("open", {}, everyone(NOT_FOUND), everyone(NOT_FOUND)),
    "api:openapi-json": Route("open", {}, everyone(), None),
    "api:openapi-view": Route("open", {}, everyone(), None),
    "api:frameworks": Route("open", {}, api_read(), everyone(NOT_ALLOWED)),
    "api:framework": Route("open", {"framework_id": "@framework"}, api_read(), everyone(NOT_ALLOWED)),
    "api:framework_source": Route("open", {"framework_id": "@framework"}, api_read(), everyone(NOT_ALLOWED)),
    "api:units": Route("open", {}, api_read(), everyone(NOT_ALLOWED)),
    "api:campaigns": Route("open", {}, api_read(), everyone(NOT_ALLOWED)),
    "api:campaign": Route("open", {"campaign_id": "@campaign"}, api_read(), everyone(NOT_ALLOWED)),
    "api:assessments": Route("open", {}, api_read(), everyone(NOT_ALLOWED)),
    "api:assessment": Route(
        "open", {"assessment_id": A}, api_read(unit_door(VIEW_ASSESSMENT, READ_UNIT)), everyone(NOT_ALLOWED)
    ),
    # the API's changes take PUT, PATCH or DELETE (tests/api/test_contract.py); a session's POST of a form
    # to a JSON endpoint is refused for its content (422) once the caller is known
    "api:assessment_general": Route("open", {"assessment_id": A}, everyone(NOT_ALLOWED), everyone(NOT_ALLOWED)),
    "api:assessment_indicator": Route(
        "open", {"assessment_id": A, "code": "I.1"}, everyone(NOT_ALLOWED), everyone(NOT_ALLOWED)
    ),
    "api:assessment_evidence_item": Route(
        "open", {"assessment_id": A, "evidence_id": "1"}, everyone(NOT_ALLOWED), everyone(NOT_ALLOWED)
    ),
    "api:assessment_evidence": Route(
        "open",
        {"assessment_id": A},
        everyone(NOT_ALLOWED),
        api_read(unit_door(EDIT_ASSESSMENT, UNIT)),
        data={"code": "I.1"},
    ),
    "api:assessment_transition": Route(
        "open", {"assessment_id": A, "name": "submit"}, everyone(NOT_ALLOWED), api_read(), data={"comment": ""}
    ),
    "api:appraisal": Route(
        "appraisal", {"assessment_id": A}, api_read(only(APPRAISAL_SIDE, VIEW_APPRAISAL)), everyone(NOT_ALLOWED)
    ),
    "api:appraisal_review": Route(
        "appraisal", {"assessment_id": A, "code": "I.2"}, everyone(NOT_ALLOWED), everyone(NOT_ALLOWED)
    ),
    "api:appraisal_questions": Route(
        "appraisal", {"assessment_id": A, "code": "I.2"}, everyone(NOT_ALLOWED), api_read(), data={"text": ""}
    ),
    "api:appraisal_question": Route(
        "appraisal", {"assessment_id": A, "question_id": "@question"}, everyone(NOT_ALLOWED), everyone(NOT_ALLOWED)
    ),
    "api:appraisal_accept_remaining": Route(
        "appraisal", {"assessment_id": A}, everyone(NOT_ALLOWED), api_read(appraising(IN_SCOPE, APPRAISE))
    ),
    "api:appraisal_transition": Route(
        "appraisal",
        {"assessment_id": A, "move": "finish_appraisal"},
        everyone(NOT_ALLOWED),
        api_read(),  # a form is not its JSON body: 422 (the doors: tests/api/test_contract.py)
    ),
    "api:official_figures": Route(
        "appraisal",
        {"campaign_id": "@campaign"},
        api_read(only(APPRAISAL_SIDE, VIEW_APPRAISAL)),
        api_read(appraising(MANAGERS, MANAGE_APPRAISAL)),
        data={"source": ""},
    ),
    "api:appendix": Route("published", {"campaign_id": "@campaign", "kind": "xlsx"}, everyone(), everyone(NOT_ALLOWED)),
    "api:unit_report": Route(
        "published",
        {"campaign_id": "@campaign", "unit_id": "@unit", "kind": "docx"},
        api_read(unit_door(VIEW_REPORT, READ_UNIT, VIEW_REPORT)),
        everyone(NOT_ALLOWED),
    ),
    "api:results": Route("published", {}, everyone(), everyone(NOT_ALLOWED)),
    "api:result": Route("published", {"campaign_id": "@campaign"}, everyone(), everyone(NOT_ALLOWED)),
    # ------------------------------------------------------------------ exports
    "exports:campaign": Route("published", {"pk": "@campaign"}, only(EXPORTERS, EXPORT), post_only()),
    "exports:download": Route("published", {"pk": "@campaign", "kind": "xlsx"}, only(EXPORTERS, EXPORT), post_only()),
    "exports:check": Route("published", {"pk": "@campaign"}, only(MANAGERS, IMPORT), only(MANAGERS, IMPORT)),
    "exports:apply": Route("published", {"pk": "@campaign"}, post_only(), only(MANAGERS, IMPORT)),
    # ------------------------------------------------------------------ background jobs: the owner's and the admins'
    "jobs:list": Route("open", {}, signed_in(), post_only()),
    "jobs:detail": Route("open", {"pk": "@job"}, only(MANAGERS, JOB), post_only(), prepare=_job),
    "jobs:status": Route("open", {"pk": "@job"}, only(MANAGERS, JOB), post_only(), prepare=_job),
    "jobs:download": Route("open", {"pk": "@job"}, only(MANAGERS, JOB), post_only(), prepare=_job),
}

# The Django admin: one rule for all its patterns ("*"), and the pages that answer otherwise.
ADMIN_RULE: dict[str, Route] = {
    "*": Route("open", {}, everyone(ADMIN_LOGIN), everyone(ADMIN_LOGIN)),
    "admin:login": Route("open", {}, everyone(), everyone()),
    # Signing out of the admin without being its staff goes back to the admin's front page.
    "admin:logout": Route("open", {}, everyone(ADMIN_INDEX), everyone(ADMIN_INDEX)),
}
