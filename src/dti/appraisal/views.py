"""The appraisal workspace: thin views over dti.appraisal.services/selectors and the workflow.

Every action is a plain form POST (CSRF, no JavaScript needed) that returns to the workspace
with a message; a refused form is shown again with what the person typed (422), a stale
verdict with the other person's (409), a permission failure as 403. Buttons are offered only
for the moves MOVES allows from the current status to this person, but the services decide.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dti.appraisal import explanation, services
from dti.appraisal.models import Assignment, Question, Review
from dti.appraisal.selectors import (
    APPRAISED_STATUSES,
    OfficialCheck,
    UnitScores,
    adjustments,
    appraised_inputs,
    group_scores,
    in_scope_codes,
    official_checks,
    progress,
    unfinished,
    unit_scores,
)
from dti.assessments import workflow
from dti.assessments.models import Assessment
from dti.assessments.selectors import (
    HistoryRow,
    IndicatorView,
    InputView,
    assessment_page,
    code_slug,
    history_rows,
    page_indices,
    shown_value,
)
from dti.assessments.services import InvalidData
from dti.audit.services import history
from dti.campaigns.models import Campaign
from dti.core.errors import Conflict, ServiceError
from dti.core.permissions import Action, can, require
from dti.engine.numbers import fmt
from dti.engine.scoring import ItemScore, UnitResult, relative_bounds, score_unit

S = Assessment.Status
INDEX_PARAM = "chi-so-chinh"
# Moves started here (submitting/explaining are the unit's, approving/publishing the chair's).
TRANSITIONS = ("start_appraisal", "return_to_unit", "request_explanation", "finish_appraisal", "reopen")
_ASSESSMENT_RELATED = ("participation__unit__unit_type", "participation__campaign", "participation__group__framework")


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    assessment = get_object_or_404(Assessment.objects.select_related(*_ASSESSMENT_RELATED), pk=pk)
    require(request.user, Action.VIEW_APPRAISAL)
    return assessment


def may_move(user: Any, assessment: Assessment, name: str) -> bool:
    """Whether to offer transition `name` to `user` now (the workflow function still decides)."""
    if assessment.status not in workflow.MOVES[name][0]:
        return False
    if name in ("request_explanation", "reopen"):
        return can(user, Action.MANAGE_APPRAISAL)
    if name in ("start_appraisal", "return_to_unit", "finish_appraisal"):
        return can(user, Action.MANAGE_APPRAISAL) or can(user, Action.APPRAISE, assessment)
    return False


# ---------------------------------------------------------------- home and campaign pages


@dataclass
class HomeRow:
    assessment: Assessment
    reviewed: int
    total: int
    indices: list[str]

    @property
    def percent(self) -> int:
        return round(100 * self.reviewed / self.total) if self.total else 0


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Campaigns being appraised; an appraiser sees only the units given to them."""
    require(request.user, Action.VIEW_APPRAISAL)
    user = request.user
    states = (Campaign.State.OPEN, Campaign.State.APPRAISAL)
    assessments = (
        Assessment.objects.filter(participation__campaign__state__in=states, status__in=APPRAISED_STATUSES)
        .select_related(*_ASSESSMENT_RELATED)
        .order_by("participation__campaign__name", "participation__unit__name")
    )
    scope: dict[int, list[str]] = {}
    if not can(user, Action.MANAGE_APPRAISAL) and user.role == "appraiser":  # type: ignore[union-attr]
        scope = {a.participation_id: a.indices for a in Assignment.objects.filter(appraiser_id=user.pk)}
        assessments = assessments.filter(participation_id__in=scope)
    campaigns: dict[int, dict[str, Any]] = {}
    for assessment in assessments:
        campaign = assessment.participation.campaign
        indices = scope.get(assessment.participation_id) or []
        reviewed, total = progress(assessment, indices or None)
        entry = campaigns.setdefault(campaign.pk, {"campaign": campaign, "rows": []})
        entry["rows"].append(HomeRow(assessment, reviewed, total, indices))
    return render(request, "appraisal/home.html", {"campaigns": list(campaigns.values())})


@dataclass
class UnitRow:
    participation: Any
    assessment: Assessment | None
    scores: UnitScores | None
    reviewed: int = 0
    total: int = 0
    adjusted: int = 0
    drafts: int = 0
    assignments: list[Assignment] = field(default_factory=list)
    indices: list[dict[str, Any]] = field(default_factory=list)
    can_request: bool = False
    typed: dict[str, str] = field(default_factory=dict)  # a refused explanation request, as typed
    error: str = ""


def _campaign_page(
    request: HttpRequest, campaign: Campaign, status: int = 200, extra: dict[str, Any] | None = None
) -> HttpResponse:
    from dti.accounts.models import User
    from dti.core.roles import Role

    manage = can(request.user, Action.MANAGE_APPRAISAL)
    assignments: dict[int, list[Assignment]] = {}
    for a in Assignment.objects.filter(participation__campaign=campaign).select_related("appraiser"):
        assignments.setdefault(a.participation_id, []).append(a)
    drafts: dict[int, int] = {}
    for q in Question.objects.filter(assessment__participation__campaign=campaign, request__isnull=True):
        drafts[q.assessment_id] = drafts.get(q.assessment_id, 0) + 1
    groups = []
    index_choices: dict[str, str] = {}
    for group in campaign.groups.select_related("framework").order_by("name"):
        framework = group.framework.engine()
        for index in framework.indices:
            index_choices.setdefault(index.code, index.name)
        scored = {s.assessment.pk: s for s in group_scores(group)}
        rows = []
        for p in group.participations.select_related("unit__unit_type").order_by("unit__name"):
            assessment = Assessment.objects.filter(participation=p).first()
            row = UnitRow(p, assessment, scored.get(assessment.pk) if assessment else None)
            row.assignments = assignments.get(p.pk, [])
            if assessment is not None:
                assessment.participation = p
                p.group = group
                if row.scores is not None:
                    row.reviewed, row.total = progress(assessment)
                    row.adjusted = sum(1 for r in row.scores.reviews.values() if r.changes)
                    row.indices = [
                        {
                            "code": index.code,
                            "claimed": row.scores.claimed.indices.get(index.code),
                            "appraised": row.scores.appraised.indices.get(index.code),
                        }
                        for index in framework.indices
                    ]
                row.drafts = drafts.get(assessment.pk, 0)
                row.can_request = (
                    manage and row.drafts > 0 and may_move(request.user, assessment, "request_explanation")
                )
                row.typed = (extra or {}).get("request_typed", {}).get(assessment.pk, {})
                row.error = (extra or {}).get("request_errors", {}).get(assessment.pk, "")
            rows.append(row)
        groups.append({"group": group, "indices": framework.indices, "rows": rows})
    context = {
        "campaign": campaign,
        "groups": groups,
        "manage": manage,
        "appraisers": User.objects.filter(role=Role.APPRAISER, is_active=True).order_by("full_name", "username"),
        "participations": campaign.participations.select_related("unit").order_by("unit__name"),
        "index_choices": sorted(index_choices.items()),
        "official_url": reverse("official:campaign", args=[campaign.pk]),
        "typed": {},
        "errors": {},
        **(extra or {}),
    }
    return render(request, "appraisal/campaign.html", context, status=status)


@login_required
def campaign_detail(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    """Every unit of the campaign by ranking group: status, progress, claimed vs appraised totals."""
    campaign = get_object_or_404(Campaign, pk=campaign_pk)
    require(request.user, Action.VIEW_APPRAISAL)
    return _campaign_page(request, campaign)


@login_required
@require_POST
def assignment_add(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    """Give an appraiser one or more units (all their main indices, or only those ticked)."""
    from dti.accounts.models import User

    campaign = get_object_or_404(Campaign, pk=campaign_pk)
    require(request.user, Action.MANAGE_APPRAISAL)
    typed = {
        "appraiser": request.POST.get("appraiser", ""),
        "units": request.POST.getlist("units"),
        "indices": request.POST.getlist("indices"),
    }
    errors: dict[str, str] = {}
    appraiser = User.objects.filter(pk=typed["appraiser"]).first() if typed["appraiser"].isdigit() else None
    if appraiser is None:
        errors["appraiser"] = _("Cần chọn người thẩm định.")
    chosen = [u for u in typed["units"] if u.isdigit()]
    participations = list(campaign.participations.filter(pk__in=chosen).select_related("unit", "group__framework"))
    if not participations:
        errors["units"] = _("Cần chọn ít nhất một đơn vị.")
    if not errors:
        try:
            for p in participations:
                services.assignment_set(participation=p, appraiser=appraiser, indices=typed["indices"], by=request.user)
        except ServiceError as exc:
            errors["indices"] = exc.message
    if errors:
        messages.error(request, _("Chưa phân công: %(errors)s") % {"errors": "; ".join(errors.values())})
        return _campaign_page(request, campaign, 422, {"typed": typed, "errors": errors})
    messages.success(
        request,
        _("Đã phân công %(who)s thẩm định: %(units)s.")
        % {"who": appraiser.display_name, "units": ", ".join(str(p.unit) for p in participations)},  # type: ignore[union-attr]
    )
    return redirect(reverse("appraisal:campaign", args=[campaign.pk]) + "#phan-cong")


@login_required
@require_POST
def assignment_delete(request: HttpRequest, campaign_pk: int, assignment_pk: int) -> HttpResponse:
    """Take a unit away from an appraiser."""
    assignment = get_object_or_404(
        Assignment.objects.select_related("participation__unit", "appraiser"),
        pk=assignment_pk,
        participation__campaign_id=campaign_pk,
    )
    services.assignment_remove(assignment=assignment, by=request.user)
    messages.success(
        request,
        _("Đã bỏ phân công %(who)s thẩm định %(unit)s.")
        % {"who": assignment.appraiser.display_name, "unit": assignment.participation.unit},
    )
    return redirect(reverse("appraisal:campaign", args=[campaign_pk]) + "#phan-cong")


# ---------------------------------------------------------------- the unit workspace


@dataclass
class ReviewRow:
    """One indicator on the workspace: the unit's side, the formula, the verdict, the talk about it."""

    view: IndicatorView
    claimed: ItemScore | None
    appraised: ItemScore | None
    review: Review | None
    editable: bool
    form: list[InputView]
    score_value: str
    na_value: str
    reason_value: str
    errors: dict[str, str]
    questions: list[Question]
    history: list[HistoryRow]
    checks: list[OfficialCheck]
    conflict: Review | None = None
    question_value: str = ""

    @property
    def differs(self) -> bool:
        return any(c.differs for c in self.checks)

    @property
    def version(self) -> int:
        return self.review.version if self.review else 0


def _appraised_detail(assessment: Assessment, scores: UnitScores | None) -> UnitResult | None:
    """The appraised result with its traces (group_scores ranks without them)."""
    if scores is None:
        return None
    framework = assessment.framework()
    bounds = None
    if any(i.scoring.relative for i in framework.walk()):
        others = (
            Assessment.objects.filter(participation__group_id=assessment.participation.group_id)
            .filter(status__in=APPRAISED_STATUSES)
            .select_related(*_ASSESSMENT_RELATED)
            .prefetch_related("entries", "reviews")
        )
        bounds = relative_bounds(framework, [appraised_inputs(a, a.entries.all(), a.reviews.all()) for a in others])
    return score_unit(framework, appraised_inputs(assessment), explain=True, relative=bounds)


def _workspace(
    request: HttpRequest,
    assessment: Assessment,
    *,
    status: int = 200,
    code: str | None = None,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    conflict: Review | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The whole workspace; `code`/`typed`/`errors`/`conflict` keep a refused form of one indicator."""
    user = request.user
    framework = assessment.framework()
    wanted = request.GET.get(INDEX_PARAM) or (framework.item(code).index if code and framework.item(code) else None)
    opened = page_indices(assessment, wanted)
    page = assessment_page(assessment, open_indices=opened)
    try:
        scores: UnitScores | None = unit_scores(assessment)
    except LookupError:
        scores = None
    detail = _appraised_detail(assessment, scores)
    reviews = {r.code: r for r in assessment.reviews.select_related("by")}
    questions: dict[str, list[Question]] = {}
    for q in assessment.questions.select_related("asked_by", "answered_by", "request"):
        questions.setdefault(q.code, []).append(q)
    shown_codes = [v.item.code for ix in page.indices for v in ix.indicators]
    audit: dict[str, list[Any]] = {}
    for entry in history(assessment).filter(code__in=shown_codes).order_by("-created_at", "-id"):
        audit.setdefault(entry.code, []).append(entry)
    checks = official_checks(assessment)
    working = assessment.status in workflow.APPRAISING or assessment.status == S.SUBMITTED
    indices = []
    for ix in page.indices:
        index_editable = working and can(user, Action.APPRAISE, assessment, ix.index.code)
        rows = []
        for view in ix.indicators:
            item_code = view.item.code
            review = reviews.get(item_code)
            mine = typed if code == item_code else None
            claimed_values = view.entry.values if view.entry else {}
            form = [
                InputView(
                    f,
                    mine.get(f.name, "")
                    if mine is not None
                    else shown_value(f, (review.values if review else {}).get(f.name, claimed_values.get(f.name))),
                    (errors or {}).get(f.name, "") if mine is not None else "",
                )
                for f in view.item.inputs
                if not f.source
            ]
            default_score = fmt(review.score.normalize()) if review and review.score is not None else ""
            rows.append(
                ReviewRow(
                    view=view,
                    claimed=scores.claimed.items.get(item_code) if scores else None,
                    appraised=detail.items.get(item_code) if detail else None,
                    review=review,
                    editable=index_editable,
                    form=form,
                    score_value=mine.get("score", "") if mine is not None else default_score,
                    na_value=mine.get("na_decision", "")
                    if mine is not None
                    else (review.na_decision if review else ""),
                    reason_value=mine.get("reason", "") if mine is not None else (review.reason if review else ""),
                    errors=dict(errors or {}) if mine is not None else {},
                    questions=questions.get(item_code, []),
                    history=history_rows(assessment, item_code, audit.get(item_code, [])),
                    checks=checks.get(item_code, []),
                    conflict=conflict if conflict is not None and conflict.code == item_code else None,
                    question_value=mine.get("text", "") if mine is not None else "",
                )
            )
        claimed_ix = scores.claimed.indices.get(ix.index.code) if scores else None
        appraised_ix = scores.appraised.indices.get(ix.index.code) if scores else None
        indices.append(
            {
                "view": ix,
                "diff": appraised_ix - claimed_ix if claimed_ix is not None and appraised_ix is not None else None,
                "rows": rows,
                "editable": index_editable,
                "claimed": claimed_ix,
                "appraised": appraised_ix,
                "url": reverse("appraisal:unit", args=[assessment.pk]) + f"?{INDEX_PARAM}={quote(ix.index.code)}",
            }
        )
    moves = {name: may_move(user, assessment, name) for name in TRANSITIONS}
    may_appraise = can(user, Action.APPRAISE, assessment)
    context = {
        "assessment": assessment,
        "campaign": assessment.participation.campaign,
        "page": page,
        "scores": scores,
        "indices": indices,
        "lazy": opened is not None,
        "moves": moves,
        "can_accept_remaining": may_appraise and working,
        "scope": in_scope_codes(user, assessment) if may_appraise else set(),
        "problems": unfinished(assessment) if moves["finish_appraisal"] else [],
        "adjustments": adjustments(assessment) if scores else [],
        "transitions": [
            {"t": t, "old": S(t.old).label if t.old in S.values else t.old, "new": S(t.new).label}
            for t in assessment.transitions.select_related("by").order_by("-id")[:20]
        ],
        "requests": assessment.explanation_requests.all(),
        "typed": typed if code is None else {},
        "move_errors": {},
        **(extra or {}),
    }
    return render(request, "appraisal/unit.html", context, status=status)


@login_required
def unit(request: HttpRequest, pk: int) -> HttpResponse:
    """The workspace for one unit (one main index at a time for a large framework)."""
    return _workspace(request, _assessment(request, pk))


def _back(assessment: Assessment, code: str | None = None) -> str:
    url = reverse("appraisal:unit", args=[assessment.pk])
    if code:
        item = assessment.framework().item(code)
        if item is not None and page_indices(assessment, None) is not None and item.index:
            url += f"?{INDEX_PARAM}={quote(item.index)}"
        url += f"#ind-{code_slug(code)}"
    return url


def _typed(request: HttpRequest) -> dict[str, str]:
    return {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "version")}


def _item_or_404(assessment: Assessment, code: str) -> None:
    item = assessment.framework().item(code)
    if item is None or item.reference_only:
        raise Http404


@login_required
@require_POST
def review(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Save the verdict on one indicator: accept, or adjust inputs/score with a reason, decide on N/A."""
    assessment = _assessment(request, pk)
    _item_or_404(assessment, code)
    data = _typed(request)
    if request.POST.get("accept"):
        data = {}  # "Chấp nhận": the unit's claim as it is
    try:
        version = int(request.POST.get("version", "0"))
    except ValueError:
        version = -1
    try:
        services.review_save(assessment=assessment, code=code, data=data, version=version, by=request.user)
    except InvalidData as exc:
        messages.error(
            request,
            _("Chưa lưu kết luận %(code)s: %(errors)s") % {"code": code, "errors": "; ".join(exc.errors.values())},
        )
        return _workspace(request, assessment, status=422, code=code, typed=data, errors=exc.errors)
    except Conflict as exc:
        messages.error(request, exc.message)
        return _workspace(request, assessment, status=409, code=code, typed=data, conflict=exc.current)  # type: ignore[arg-type]
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _workspace(request, assessment, status=422, code=code, typed=data)
    assessment.refresh_from_db()
    messages.success(request, _("Đã lưu kết luận thẩm định chỉ số %(code)s.") % {"code": code})
    return redirect(_back(assessment, code))


@login_required
@require_POST
def question_add(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Draft a question on one indicator (sent to the unit with the next explanation request)."""
    assessment = _assessment(request, pk)
    _item_or_404(assessment, code)
    text = request.POST.get("text", "")
    try:
        services.question_add(assessment=assessment, code=code, text=text, by=request.user)
    except ServiceError as exc:
        errors = getattr(exc, "errors", {}) or {"text": exc.message}
        messages.error(request, "; ".join(errors.values()))
        return _workspace(request, assessment, status=422, code=code, typed={"text": text}, errors=errors)
    messages.success(request, _("Đã ghi câu hỏi giải trình cho chỉ số %(code)s (chưa gửi đơn vị).") % {"code": code})
    return redirect(_back(assessment, code))


@login_required
@require_POST
def question_delete(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    """Withdraw a question not yet sent."""
    assessment = _assessment(request, pk)
    question = get_object_or_404(Question, pk=question_pk, assessment=assessment)
    try:
        services.question_delete(question=question, by=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _workspace(request, assessment, status=422, code=question.code)
    messages.success(request, _("Đã rút câu hỏi ở chỉ số %(code)s.") % {"code": question.code})
    return redirect(_back(assessment, question.code))


@login_required
@require_POST
def accept_remaining(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept every indicator in the person's scope that has no verdict (and no question) yet."""
    assessment = _assessment(request, pk)
    try:
        n = services.accept_remaining(assessment=assessment, by=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _workspace(request, assessment, status=422)
    messages.success(request, _("Đã chấp nhận %(n)d chỉ số còn lại.") % {"n": n})
    return redirect("appraisal:unit", pk=pk)


def parse_deadline(date_text: str, time_text: str) -> datetime.datetime:
    """A deadline typed as dd/mm/yyyy (or yyyy-mm-dd) and hh:mm (17:00 when left empty)."""
    date_text, time_text = date_text.strip(), (time_text or "").strip() or "17:00"
    for date_pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        for time_pattern in ("%H:%M", "%H:%M:%S"):
            try:
                naive = datetime.datetime.strptime(f"{date_text} {time_text}", f"{date_pattern} {time_pattern}")
            except ValueError:
                continue
            return timezone.make_aware(naive)
    raise ServiceError(
        _("Hạn giải trình '%(text)s' không hợp lệ (cần ngày dd/mm/yyyy và giờ hh:mm).")
        % {"text": f"{date_text} {time_text}".strip()}
    )


@login_required
@require_POST
def move(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """One workflow transition from the workspace (or the campaign page: `next=ky`)."""
    if name not in TRANSITIONS:
        raise Http404
    assessment = _assessment(request, pk)
    comment = request.POST.get("comment", "")
    from_campaign = request.POST.get("next") == "ky"
    when = ""
    typed = {
        "comment": comment,
        "deadline_date": request.POST.get("deadline_date", ""),
        "deadline_time": request.POST.get("deadline_time", ""),
    }
    try:
        if name == "start_appraisal":
            workflow.start_appraisal(assessment=assessment, by=request.user)
            done = _("Đã bắt đầu thẩm định %(unit)s.")
        elif name == "return_to_unit":
            workflow.return_to_unit(assessment=assessment, by=request.user, comment=comment)
            done = _("Đã trả lại bản tự đánh giá cho %(unit)s để chỉnh sửa.")
        elif name == "finish_appraisal":
            services.finish_appraisal(assessment=assessment, by=request.user, comment=comment)
            done = _("Đã kết thúc thẩm định %(unit)s.")
        elif name == "reopen":
            workflow.reopen(assessment=assessment, by=request.user, comment=comment)
            done = _("Đã mở lại việc thẩm định %(unit)s.")
        else:
            require(request.user, Action.MANAGE_APPRAISAL)
            deadline = parse_deadline(typed["deadline_date"], typed["deadline_time"])
            explanation.request_explanation(assessment=assessment, by=request.user, deadline=deadline, comment=comment)
            when = date_format(timezone.localtime(deadline), "H:i d/m/Y")
            done = _("Đã gửi đề nghị giải trình cho %(unit)s, hạn %(when)s.")
    except ServiceError as exc:
        messages.error(request, exc.message)
        move_errors = {name: exc.message}
        if from_campaign:
            extra = {"request_typed": {assessment.pk: typed}, "request_errors": {assessment.pk: exc.message}}
            return _campaign_page(request, assessment.participation.campaign, 422, extra)
        return _workspace(request, assessment, status=422, typed=typed, extra={"move_errors": move_errors})
    messages.success(request, done % {"unit": assessment.participation.unit, "when": when})
    if from_campaign:
        return redirect(
            reverse("appraisal:campaign", args=[assessment.participation.campaign_id])
            + f"#don-vi-{assessment.participation_id}"
        )
    return redirect("appraisal:unit", pk=pk)
