"""Campaign pages: the list, create and edit, one campaign with its groups, units' progress and reopenings,
and the buttons of the campaign's workflow."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from dti.campaigns import services, workflow
from dti.campaigns.forms import CampaignForm, GroupForm, ReopenForm
from dti.campaigns.models import Campaign, CampaignGroup, Participation
from dti.campaigns.selectors import campaign_overview, participant_choice, reopenings
from dti.core.errors import ServiceError
from dti.core.permissions import Action, can, require
from dti.units.models import Unit

if TYPE_CHECKING:
    from dti.accounts.http import AuthenticatedHttpRequest
    from dti.accounts.models import User


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    """Every campaign, newest first."""
    require(request.user, Action.VIEW_CAMPAIGN)
    campaigns = Campaign.objects.prefetch_related("groups__framework")
    return render(
        request,
        "campaigns/list.html",
        {"campaigns": campaigns, "can_manage": can(request.user, Action.MANAGE_CAMPAIGNS)},
    )


def _add_errors(form: forms.Form, exc: ServiceError) -> None:
    errors = exc.errors if isinstance(exc, services.Invalid) else {exc.field: exc.message}
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)


@login_required
def campaign_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new campaign (organiser or administrator)."""
    require(request.user, Action.MANAGE_CAMPAIGNS)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(**form.cleaned_data, by=request.user)
        except ServiceError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã tạo kỳ đánh giá “%(name)s”. Hãy thêm nhóm và đơn vị tham gia.") % {"name": campaign.name},
            )
            return redirect("campaigns:detail", pk=campaign.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "campaigns/form.html", {"form": form, "campaign": None}, status=status)


@login_required
def campaign_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change a campaign's name, state, data period and deadlines."""
    require(request.user, Action.MANAGE_CAMPAIGNS)
    campaign = get_object_or_404(Campaign, pk=pk)
    form = CampaignForm(request.POST) if request.method == "POST" else CampaignForm.for_campaign(campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(campaign=campaign, **form.cleaned_data, by=request.user)
        except ServiceError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu kỳ đánh giá."))
            return redirect("campaigns:detail", pk=campaign.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "campaigns/form.html", {"form": form, "campaign": campaign}, status=status)


# Moves made on the campaign page; approving and publishing are on the results page (with the decision).
PAGE_MOVES = ("open", "close_submissions", "start_appraisal", "reopen")


def _detail(request: HttpRequest, campaign: Campaign, status: int = 200, **extra: object) -> HttpResponse:
    user = request.user
    can_manage = can(user, Action.MANAGE_CAMPAIGNS)
    can_reopen = can(user, Action.REOPEN_SUBMISSION)
    overview = campaign_overview(campaign, request.GET)
    groups = overview.groups
    now = timezone.now()
    reopenable: set[int] = set()
    if can_reopen:
        for group in groups:
            for row in group.units:
                if not services.reopen_block_reason(row.participation, now):
                    reopenable.add(row.participation.pk)
    context = {
        "campaign": campaign,
        "groups": groups,
        "overview": overview,
        "reopenings": reopenings(campaign),
        "can_manage": can_manage,
        "can_setup": can_manage and campaign.state in (Campaign.State.DRAFT, Campaign.State.OPEN),
        "can_view_appraisal": can(user, Action.VIEW_APPRAISAL),
        "is_published": campaign.state == Campaign.State.PUBLISHED,
        "moves": {name: workflow.may(user, name, campaign) for name in (*PAGE_MOVES, "approve", "publish")},
        "not_submitted": overview.not_submitted,
        "reopenable": reopenable,
        # The units whose assessment the person may open (a unit's people: only their own).
        "openable": {row.participation.pk for g in groups for row in g.units if can(user, Action.VIEW_ASSESSMENT, row)},
        "deadline_passed": campaign.state == Campaign.State.OPEN and now > campaign.submission_deadline,
        "move_error": extra.pop("move_error", ""),
        "typed_comment": extra.pop("typed_comment", ""),
        "group_form": extra.pop("group_form", None) or GroupForm(),
        "reopen_form": extra.pop("reopen_form", None) or ReopenForm(),
        "reopen_for": extra.pop("reopen_for", None),
        **extra,
    }
    return render(request, "campaigns/detail.html", context, status=status)


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A campaign's deadlines, groups and participating units with their status, and the reopenings."""
    require(request.user, Action.VIEW_CAMPAIGN)
    campaign = get_object_or_404(Campaign.objects.select_related("organiser"), pk=pk)
    return _detail(request, campaign)


@login_required
@require_POST
def group_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Add a ranking group with its framework."""
    require(request.user, Action.MANAGE_CAMPAIGNS)
    campaign = get_object_or_404(Campaign, pk=pk)
    form = GroupForm(request.POST)
    if form.is_valid():
        try:
            group = services.group_add(
                campaign=campaign,
                name=form.cleaned_data["name"] or "",
                framework=form.cleaned_data["framework"],
                by=request.user,
            )
        except services.Invalid as exc:
            _add_errors(form, exc)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("campaigns:detail", pk=campaign.pk)
        else:
            messages.success(
                request, _("Đã thêm nhóm “%(name)s”. Hãy chọn các đơn vị tham gia nhóm.") % {"name": group.name}
            )
            return redirect("campaigns:participants", pk=campaign.pk, group_pk=group.pk)
    return _detail(request, campaign, status=422, group_form=form)


@login_required
def participants(request: AuthenticatedHttpRequest, pk: int, group_pk: int) -> HttpResponse:
    """Choose the units of one ranking group (a unit takes part once per campaign), in the unit tree
    searched and filtered as on the unit page; a refused save shows the same filtered list again."""
    require(request.user, Action.MANAGE_CAMPAIGNS)
    group = get_object_or_404(
        CampaignGroup.objects.select_related("campaign", "framework"), pk=group_pk, campaign_id=pk
    )
    campaign = group.campaign
    error = ""
    if request.method == "POST":
        # The ticked boxes of the units shown and, as hidden fields, the chosen units a filter hides.
        chosen_ids = {int(v) for v in request.POST.getlist("units") if v.isdigit()}
        chosen = list(Unit.objects.filter(pk__in=chosen_ids).select_related("unit_type").order_by("name"))
        try:
            services.participants_set(group=group, units=chosen, by=request.user)
        except ServiceError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                ngettext(
                    "Đã lưu %(count)s đơn vị tham gia nhóm “%(name)s”.",
                    "Đã lưu %(count)s đơn vị tham gia nhóm “%(name)s”.",
                    len(chosen),
                )
                % {"count": len(chosen), "name": group.name},
            )
            return redirect("campaigns:detail", pk=campaign.pk)
        selected = chosen_ids
    else:
        selected = set(group.participations.values_list("unit_id", flat=True))
    context = {
        "campaign": campaign,
        "group": group,
        "choice": participant_choice(group, request.GET, selected),
        "unit_types": group.framework.engine().unit_types,
        "error": error,
    }
    return render(request, "campaigns/participants.html", context, status=422 if error else 200)


@login_required
@require_POST
def reopen(request: AuthenticatedHttpRequest, pk: int, participation_pk: int) -> HttpResponse:
    """Reopen submission for one unit after the deadline, until a time, with a reason."""
    require(request.user, Action.REOPEN_SUBMISSION)
    participation = get_object_or_404(
        Participation.objects.select_related("campaign", "unit"), pk=participation_pk, campaign_id=pk
    )
    campaign = participation.campaign
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.participation_reopen(
                participation=participation,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"] or "",
                by=request.user,
            )
        except services.Invalid as exc:
            _add_errors(form, exc)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("campaigns:detail", pk=campaign.pk)
        else:
            messages.success(request, _("Đã mở lại việc gửi báo cáo cho %(unit)s.") % {"unit": participation.unit.name})
            return redirect("campaigns:detail", pk=campaign.pk)
    return _detail(request, campaign, status=422, reopen_form=form, reopen_for=participation.pk)


def _apply_move(name: str, campaign: Campaign, by: User, comment: str) -> str:
    """Make move `name` of the campaign; the message to show afterwards."""
    if name == "open":
        workflow.open_campaign(campaign=campaign, by=by)
        return _("Đã mở nhận báo cáo: các đơn vị nhập số liệu và gửi đến hạn gửi báo cáo.")
    if name == "close_submissions":
        workflow.close_submissions(campaign=campaign, by=by)
        return _("Đã dừng nhận báo cáo. Đơn vị chưa gửi chỉ gửi được khi được mở lại.")
    if name == "start_appraisal":
        workflow.start_appraisal(campaign=campaign, by=by)
        return _("Đã bắt đầu thẩm định kỳ đánh giá.")
    workflow.reopen(campaign=campaign, by=by, comment=comment)
    return _("Đã mở lại thẩm định; Chủ tịch Hội đồng phê duyệt lại khi thẩm định xong.")


@login_required
@require_POST
def move(request: AuthenticatedHttpRequest, pk: int, name: str) -> HttpResponse:
    """One move of the campaign's workflow from its page; a refusal is shown there (422)."""
    if name not in PAGE_MOVES:
        raise Http404
    campaign = get_object_or_404(Campaign.objects.select_related("organiser"), pk=pk)
    comment = request.POST.get("comment", "")
    try:
        done = _apply_move(name, campaign, request.user, comment)
    except ServiceError as exc:
        return _detail(request, campaign, status=422, move_error=exc.message, typed_comment=comment)
    messages.success(request, done)
    return redirect("campaigns:detail", pk=campaign.pk)
