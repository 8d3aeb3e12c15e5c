"""The appraisal pages: thin views over dti.appraisal.pages (what a page shows), services and the workflow.

Each view parses the request, calls a page builder or a service, and renders.

Every action is a plain form POST (CSRF, no JavaScript needed) that returns to the workspace
with a message; a refused form is shown again with what the person typed (422), a stale
verdict with the other person's (409), a permission failure as 403. Buttons are offered only
for the moves MOVES allows from the current status to this person, but the services decide.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from dti.accounts.models import User
from dti.appraisal import explanation, pages, services
from dti.appraisal.models import Assignment, Question, Review
from dti.appraisal.pages import INDEX_PARAM, TRANSITIONS, AssignmentTyped, Refused, RefusedRequest
from dti.appraisal.selectors import ASSESSMENT_RELATED, appraisable_item_or_404
from dti.assessments import workflow
from dti.assessments.models import Assessment
from dti.assessments.selectors import code_slug, page_indices
from dti.assessments.services import InvalidData
from dti.campaigns.models import Campaign
from dti.core.errors import Conflict, ServiceError
from dti.core.permissions import Action, require

if TYPE_CHECKING:
    from dti.accounts.http import AuthenticatedHttpRequest


def _assessment(request: AuthenticatedHttpRequest, pk: int) -> Assessment:
    assessment = get_object_or_404(Assessment.objects.select_related(*ASSESSMENT_RELATED), pk=pk)
    require(request.user, Action.VIEW_APPRAISAL)
    return assessment


# ---------------------------------------------------------------- home and campaign pages


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Campaigns being appraised; an appraiser sees only the units given to them."""
    require(request.user, Action.VIEW_APPRAISAL)
    return render(request, "appraisal/home.html", pages.context(pages.home_page(request.user, request.GET)))


def _campaign_page(
    request: AuthenticatedHttpRequest,
    campaign: Campaign,
    *,
    status: int = 200,
    typed: AssignmentTyped | None = None,
    errors: dict[str, str] | None = None,
    refused: RefusedRequest | None = None,
    params: QueryDict | None = None,
) -> HttpResponse:
    """The campaign page (with the search, filters, sort and page of `params`, by default the address's)."""
    seen_at = pages.visit_mark(campaign, request.user)
    page = pages.campaign_page(
        campaign,
        request.user,
        params=params or request.GET,
        seen_at=seen_at,
        typed=typed,
        errors=errors,
        refused=refused,
    )
    return render(request, "appraisal/campaign.html", pages.context(page), status=status)


@login_required
def campaign_detail(request: AuthenticatedHttpRequest, campaign_pk: int) -> HttpResponse:
    """The campaign's units by ranking group, a page at a time: status, progress, claimed vs appraised
    totals; searched, filtered (also by change since the person's previous visit) and sorted."""
    campaign = get_object_or_404(Campaign, pk=campaign_pk)
    require(request.user, Action.VIEW_APPRAISAL)
    return _campaign_page(request, campaign)


def _to_campaign(campaign: Campaign, query: str) -> str:
    """The campaign page with the query string a form on it carried (re-encoded: only parameters)."""
    kept = QueryDict(query).urlencode()
    return reverse("appraisal:campaign", args=[campaign.pk]) + (f"?{kept}" if kept else "")


@login_required
@require_POST
def campaign_seen(request: AuthenticatedHttpRequest, campaign_pk: int) -> HttpResponse:
    """Note that the person looked at the campaign page (sent by the page once shown), or saw every
    change so far (`tat-ca`): what its "changed since" filter compares with."""
    campaign = get_object_or_404(Campaign, pk=campaign_pk)
    require(request.user, Action.VIEW_APPRAISAL)
    everything = bool(request.POST.get("tat-ca"))
    pages.look(campaign, request.user, everything_seen=everything)
    if request.headers.get("HX-Request") == "true":  # the page noting the look: nothing to show
        return HttpResponse(status=204)
    messages.success(request, _("Đã đánh dấu mọi thay đổi đến lúc này là đã xem."))
    return redirect(_to_campaign(campaign, request.POST.get("back", "")))


def _bulk_step(action: str, assessments: list[Assessment], by: User, comment: str) -> str:
    """Take step `action` for every unit at once (or for none: the service refuses the batch,
    naming the unit); the message to show afterwards."""
    names = ", ".join(str(a.participation.unit) for a in assessments)
    values = {"count": len(assessments), "units": names}
    if action == "start_appraisal":
        workflow.start_appraisal_many(assessments=assessments, by=by)
        return (
            ngettext(
                "Đã bắt đầu thẩm định %(count)d đơn vị: %(units)s.",
                "Đã bắt đầu thẩm định %(count)d đơn vị: %(units)s.",
                len(assessments),
            )
            % values
        )
    if action == "finish_appraisal":
        services.finish_appraisal_many(assessments=assessments, by=by, comment=comment)
        return (
            ngettext(
                "Đã kết thúc thẩm định %(count)d đơn vị: %(units)s.",
                "Đã kết thúc thẩm định %(count)d đơn vị: %(units)s.",
                len(assessments),
            )
            % values
        )
    accepted = services.accept_remaining_many(assessments=assessments, by=by)
    return ngettext(
        "Đã chấp nhận %(accepted)d chỉ số còn lại của %(count)d đơn vị: %(units)s.",
        "Đã chấp nhận %(accepted)d chỉ số còn lại của %(count)d đơn vị: %(units)s.",
        accepted,
    ) % {**values, "accepted": accepted}


@login_required
@require_POST
def bulk(request: AuthenticatedHttpRequest, campaign_pk: int) -> HttpResponse:
    """One step for every unit ticked on the campaign page: start or finish their appraisal, or accept
    their remaining indicators; all of them or none, through the same services as one at a time."""
    campaign = get_object_or_404(Campaign, pk=campaign_pk)
    require(request.user, Action.VIEW_APPRAISAL)
    back = QueryDict(request.POST.get("back", ""))
    action = request.POST.get("action", "")
    chosen = [pk for pk in request.POST.getlist("assessments") if pk.isdigit()]
    assessments = list(
        Assessment.objects.filter(participation__campaign=campaign, pk__in=chosen)
        .select_related(*ASSESSMENT_RELATED)
        .order_by("participation__unit__name")
    )
    status = 422
    if action not in {option.value for option in pages.bulk_actions(request.user)}:
        error = _("Cần chọn một thao tác.")
    elif not assessments:
        error = _("Cần chọn ít nhất một đơn vị.")
    else:
        try:
            done = _bulk_step(action, assessments, request.user, request.POST.get("comment", ""))
        except ServiceError as exc:
            error = exc.message
        except PermissionDenied as exc:  # a unit out of the person's reach, named: said on the page
            error, status = str(exc), 403
        else:
            messages.success(request, done)
            return redirect(_to_campaign(campaign, back.urlencode()))
    messages.error(request, _("Chưa thực hiện: %(error)s") % {"error": error})
    return _campaign_page(request, campaign, status=status, params=back)


@login_required
@require_POST
def assignment_add(request: AuthenticatedHttpRequest, campaign_pk: int) -> HttpResponse:
    """Give an appraiser one or more units (all their main indices, or only those ticked)."""
    campaign = get_object_or_404(Campaign, pk=campaign_pk)
    require(request.user, Action.MANAGE_APPRAISAL)
    typed = AssignmentTyped(
        appraiser=request.POST.get("appraiser", ""),
        units=request.POST.getlist("units"),
        indices=request.POST.getlist("indices"),
    )
    errors: dict[str, str] = {}
    appraiser = User.objects.filter(pk=typed.appraiser).first() if typed.appraiser.isdigit() else None
    if appraiser is None:
        errors["appraiser"] = _("Cần chọn người thẩm định.")
    chosen = [unit_pk for unit_pk in typed.units if unit_pk.isdigit()]
    participations = list(campaign.participations.filter(pk__in=chosen).select_related("unit", "group__framework"))
    if not participations:
        errors["units"] = _("Cần chọn ít nhất một đơn vị.")
    if appraiser is not None and not errors:
        try:
            services.assignment_set_many(
                participations=participations, appraiser=appraiser, indices=typed.indices, by=request.user
            )
        except ServiceError as exc:
            errors["indices"] = exc.message
    if appraiser is None or errors:
        messages.error(request, _("Chưa phân công: %(errors)s") % {"errors": "; ".join(errors.values())})
        return _campaign_page(request, campaign, status=422, typed=typed, errors=errors)
    messages.success(
        request,
        _("Đã phân công %(who)s thẩm định: %(units)s.")
        % {"who": appraiser.display_name, "units": ", ".join(str(p.unit) for p in participations)},
    )
    return redirect(reverse("appraisal:campaign", args=[campaign.pk]) + "#phan-cong")


@login_required
@require_POST
def assignment_delete(request: AuthenticatedHttpRequest, campaign_pk: int, assignment_pk: int) -> HttpResponse:
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


def _workspace(
    request: AuthenticatedHttpRequest,
    assessment: Assessment,
    *,
    status: int = 200,
    refused: Refused = pages.NOTHING_REFUSED,
) -> HttpResponse:
    """The whole workspace; `refused` keeps a refused form (of one indicator, or a unit-level move)."""
    page = pages.workspace(assessment, request.user, wanted_index=request.GET.get(INDEX_PARAM), refused=refused)
    return render(request, "appraisal/unit.html", pages.context(page), status=status)


@login_required
def unit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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


def _typed(request: AuthenticatedHttpRequest) -> dict[str, str]:
    """The form as typed (the last value of each field), without the CSRF token and the version."""
    return {name: request.POST.get(name, "") for name in request.POST if name not in ("csrfmiddlewaretoken", "version")}


@login_required
@require_POST
def review(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    """Save the verdict on one indicator: accept, or adjust inputs/score with a reason, decide on N/A."""
    assessment = _assessment(request, pk)
    appraisable_item_or_404(assessment, code)
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
        return _workspace(request, assessment, status=422, refused=Refused(code, data, exc.errors))
    except Conflict as exc:
        messages.error(request, exc.message)
        current = exc.current if isinstance(exc.current, Review) else None
        return _workspace(request, assessment, status=409, refused=Refused(code, data, conflict=current))
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _workspace(request, assessment, status=422, refused=Refused(code, data))
    assessment.refresh_from_db()
    messages.success(request, _("Đã lưu kết luận thẩm định chỉ số %(code)s.") % {"code": code})
    return redirect(_back(assessment, code))


@login_required
@require_POST
def question_add(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    """Draft a question on one indicator (sent to the unit with the next explanation request)."""
    assessment = _assessment(request, pk)
    appraisable_item_or_404(assessment, code)
    text = request.POST.get("text", "")
    try:
        services.question_add(assessment=assessment, code=code, text=text, by=request.user)
    except ServiceError as exc:
        errors = exc.errors if isinstance(exc, InvalidData) and exc.errors else {"text": exc.message}
        messages.error(request, "; ".join(errors.values()))
        return _workspace(request, assessment, status=422, refused=Refused(code, {"text": text}, errors))
    messages.success(request, _("Đã ghi câu hỏi giải trình cho chỉ số %(code)s (chưa gửi đơn vị).") % {"code": code})
    return redirect(_back(assessment, code))


@login_required
@require_POST
def question_delete(request: AuthenticatedHttpRequest, pk: int, question_pk: int) -> HttpResponse:
    """Withdraw a question not yet sent."""
    assessment = _assessment(request, pk)
    question = get_object_or_404(Question, pk=question_pk, assessment=assessment)
    try:
        services.question_delete(question=question, by=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _workspace(request, assessment, status=422, refused=Refused(question.code))
    messages.success(request, _("Đã rút câu hỏi ở chỉ số %(code)s.") % {"code": question.code})
    return redirect(_back(assessment, question.code))


@login_required
@require_POST
def accept_remaining(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Accept every indicator in the person's scope that has no verdict (and no question) yet."""
    assessment = _assessment(request, pk)
    try:
        accepted = services.accept_remaining(assessment=assessment, by=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _workspace(request, assessment, status=422)
    messages.success(request, _("Đã chấp nhận %(n)d chỉ số còn lại.") % {"n": accepted})
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


def _apply_move(name: str, assessment: Assessment, by: User, typed: dict[str, str]) -> str:
    """Make transition `name`; the message to show afterwards."""
    comment = typed["comment"]
    unit = assessment.participation.unit
    if name == "start_appraisal":
        workflow.start_appraisal(assessment=assessment, by=by)
        return _("Đã bắt đầu thẩm định %(unit)s.") % {"unit": unit}
    if name == "return_to_unit":
        workflow.return_to_unit(assessment=assessment, by=by, comment=comment)
        return _("Đã trả lại bản tự đánh giá cho %(unit)s để chỉnh sửa.") % {"unit": unit}
    if name == "finish_appraisal":
        services.finish_appraisal(assessment=assessment, by=by, comment=comment)
        return _("Đã kết thúc thẩm định %(unit)s.") % {"unit": unit}
    if name == "reopen":
        workflow.reopen(assessment=assessment, by=by, comment=comment)
        return _("Đã mở lại việc thẩm định %(unit)s.") % {"unit": unit}
    workflow.require_move(by, "request_explanation", assessment)
    deadline = parse_deadline(typed["deadline_date"], typed["deadline_time"])
    explanation.request_explanation(assessment=assessment, by=by, deadline=deadline, comment=comment)
    return _request_sent(assessment, deadline)


def _request_sent(assessment: Assessment, deadline: datetime.datetime) -> str:
    """What the organiser is told once a request is sent: the deadline, and how many of the unit's
    people were notified (those `request_explanation` told), nobody included."""
    told = workflow.unit_people(assessment).count()
    values = {
        "unit": assessment.participation.unit,
        "when": date_format(timezone.localtime(deadline), "H:i d/m/Y"),
        "count": told,
    }
    if not told:
        return (
            _(
                "Đã gửi đề nghị giải trình cho %(unit)s, hạn %(when)s, nhưng không ai được thông báo: "
                "đơn vị chưa có tài khoản nào đang hoạt động."
            )
            % values
        )
    return (
        ngettext(
            "Đã gửi đề nghị giải trình cho %(unit)s, hạn %(when)s; đã thông báo cho %(count)d người của đơn vị.",
            "Đã gửi đề nghị giải trình cho %(unit)s, hạn %(when)s; đã thông báo cho %(count)d người của đơn vị.",
            told,
        )
        % values
    )


@login_required
@require_POST
def move(request: AuthenticatedHttpRequest, pk: int, name: str) -> HttpResponse:
    """One workflow transition from the workspace (or the campaign page: `next=ky`)."""
    if name not in TRANSITIONS:
        raise Http404
    assessment = _assessment(request, pk)
    from_campaign = request.POST.get("next") == "ky"
    typed = {
        "comment": request.POST.get("comment", ""),
        "deadline_date": request.POST.get("deadline_date", ""),
        "deadline_time": request.POST.get("deadline_time", ""),
    }
    try:
        done = _apply_move(name, assessment, request.user, typed)
    except ServiceError as exc:
        messages.error(request, exc.message)
        if from_campaign:
            refused = RefusedRequest(assessment.pk, typed, exc.message)
            return _campaign_page(request, assessment.participation.campaign, status=422, refused=refused)
        return _workspace(
            request, assessment, status=422, refused=Refused(typed=typed, move_errors={name: exc.message})
        )
    messages.success(request, done)
    if from_campaign:
        return redirect(
            reverse("appraisal:campaign", args=[assessment.participation.campaign_id])
            + f"#don-vi-{assessment.participation_id}"
        )
    return redirect("appraisal:unit", pk=pk)
