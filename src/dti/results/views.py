"""Staff pages of the results: the chair's review and approval, publication, amendments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dti.assessments.models import Assessment
from dti.campaigns import workflow as campaign_workflow
from dti.campaigns.models import Campaign
from dti.core.errors import ServiceError
from dti.core.permissions import Action, can, require
from dti.jobs.models import Job
from dti.jobs.services import start, under_way
from dti.results import jobs, services
from dti.results.chair import GROUP, SEARCH, chair_review
from dti.results.models import Approval
from dti.results.selectors import versions

if TYPE_CHECKING:
    from dti.accounts.http import AuthenticatedHttpRequest

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
AMEND_ROWS = 5


class ApprovalForm(forms.Form):
    """The council's decision: number, date (dd/mm/yyyy), signer, note."""

    decision_number = forms.CharField(
        label=gettext_lazy("Số quyết định"),
        max_length=120,
        error_messages={"required": gettext_lazy("Cần nhập số quyết định.")},
    )
    decision_date = forms.DateField(
        label=gettext_lazy("Ngày quyết định (dd/mm/yyyy)"),
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={
            "required": gettext_lazy("Cần nhập ngày quyết định."),
            "invalid": gettext_lazy("Ngày không hợp lệ: cần dạng dd/mm/yyyy, ví dụ 30/09/2023."),
        },
    )
    signer = forms.CharField(label=gettext_lazy("Người ký"), max_length=200, required=False)
    note = forms.CharField(label=gettext_lazy("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _campaign(pk: int) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("organiser"), pk=pk)


def _page(
    request: HttpRequest, campaign: Campaign, form: ApprovalForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    review = chair_review(campaign, request.GET)
    approval = Approval.objects.filter(campaign=campaign).select_related("by").first()
    published = versions(campaign.pk)
    if form is None and approval is not None:
        form = ApprovalForm(
            initial={
                "decision_number": approval.decision_number,
                "decision_date": approval.decision_date,
                "signer": approval.signer,
                "note": approval.note,
            }
        )
    context = {
        "campaign": campaign,
        "review": review,
        "group_param": GROUP,
        "search_param": SEARCH,
        "approval": approval,
        "publications": published,
        "is_published": campaign.state == Campaign.State.PUBLISHED,
        "can_approve": campaign_workflow.may(user, "approve", campaign),
        "can_publish": campaign_workflow.may(user, "publish", campaign),
        "can_reopen": campaign_workflow.may(user, "reopen", campaign),
        "can_amend": can(user, Action.AMEND_RESULTS),
        "form": form or ApprovalForm(),
    }
    return render(request, "results/campaign.html", context, status=status)


@login_required
def campaign_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The whole campaign as the chair sees it before approving; the chair's approval form."""
    require(request.user, Action.VIEW_APPRAISAL)
    campaign = _campaign(pk)
    if request.method != "POST":
        return _page(request, campaign)
    require(request.user, campaign_workflow.WHO["approve"])
    form = ApprovalForm(request.POST)
    if not form.is_valid():
        return _page(request, campaign, form, status=422)
    try:
        services.approve_campaign(campaign=campaign, by=request.user, **form.cleaned_data)
    except ServiceError as exc:
        form.add_error(None, exc.message)
        return _page(request, campaign, form, status=422)
    messages.success(
        request,
        _("Đã phê duyệt kết quả theo quyết định %(number)s.") % {"number": form.cleaned_data["decision_number"]},
    )
    return redirect("results:campaign", pk=campaign.pk)


@login_required
def publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirm (GET), then publish (POST): the snapshot is frozen and the public site opens.

    The publication runs as a background job (scoring thousands of units takes longer than a page
    may wait): after the same checks as the service, the person is sent to the job's page, which shows
    its progress, then links to the public results. With inline jobs it has run already: the page
    answers as a synchronous publication did."""
    require(request.user, campaign_workflow.WHO["publish"])
    campaign = _campaign(pk)
    approval = Approval.objects.filter(campaign=campaign).first()
    running = under_way(jobs.publish, campaign=campaign.pk)
    error = ""
    if request.method == "POST":
        try:
            if running is not None:
                raise ServiceError(
                    _("Kết quả đang được công bố (việc chạy nền do %(who)s bắt đầu); hãy chờ việc đó xong.")
                    % {"who": running.owner.display_name}
                )
            services.check_publishable(campaign=campaign, by=request.user)
        except ServiceError as exc:
            error = exc.message
        else:
            job = start(
                jobs.publish,
                by=request.user,
                title=jobs.title(campaign),
                next_url=reverse("results:campaign", args=[campaign.pk]),
                campaign=campaign.pk,
            )
            if job.state == Job.State.FAILED:
                error = job.message
            elif job.state == Job.State.DONE:
                messages.success(request, job.message)
                return redirect("public:campaign", pk=campaign.pk)
            else:
                return redirect(job)
    context = {"campaign": campaign, "approval": approval, "error": error, "running": running}
    return render(request, "results/publish.html", context, status=422 if error else 200)


def _amend_rows(data: QueryDict | None) -> list[dict[str, str]]:
    rows = []
    for n in range(AMEND_ROWS):
        if data is None:
            rows.append({"n": str(n), "unit": "", "code": "", "score": ""})
        else:
            rows.append(
                {
                    "n": str(n),
                    "unit": data.get(f"unit_{n}", "").strip(),
                    "code": data.get(f"code_{n}", "").strip(),
                    "score": data.get(f"score_{n}", "").strip(),
                }
            )
    return rows


@login_required
def amend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct published indicator scores (with a reason); every version with who/when/why/what.

    The new version is written by a background job (the whole campaign is ranked again), as the
    publication is; with inline jobs the page answers at once."""
    require(request.user, Action.AMEND_RESULTS)
    campaign = _campaign(pk)
    published = list(versions(campaign.pk))
    assessments = list(
        Assessment.objects.filter(participation__campaign=campaign, status=Assessment.Status.PUBLISHED)
        .select_related("participation__unit", "participation__group__framework", "participation__campaign")
        .order_by("participation__unit__name")
    )
    codes: list[str] = []
    for group in campaign.groups.select_related("framework"):
        for item in group.framework.engine().walk():
            if not item.reference_only and item.code not in codes:
                codes.append(item.code)
    errors: list[str] = []
    reason = ""
    rows = _amend_rows(None)
    if request.method == "POST":
        reason = request.POST.get("reason", "").strip()
        rows = _amend_rows(request.POST)
        by_pk = {str(a.pk): a for a in assessments}
        changes: list[tuple[Assessment, str, str]] = []
        for row in rows:
            if not (row["unit"] or row["code"] or row["score"]):
                continue
            line = int(row["n"]) + 1
            if row["unit"] not in by_pk:
                errors.append(_("Dòng %(n)d: cần chọn đơn vị.") % {"n": line})
            elif not row["code"]:
                errors.append(_("Dòng %(n)d: cần nhập mã chỉ số.") % {"n": line})
            elif not row["score"]:
                errors.append(_("Dòng %(n)d: cần nhập điểm mới.") % {"n": line})
            else:
                changes.append((by_pk[row["unit"]], row["code"], row["score"]))
        if not reason:
            errors.append(_("Cần nêu lý do đính chính."))
        if not changes and not errors:
            errors.append(_("Chưa có điểm nào được đính chính."))
        if not errors:
            job = start(
                jobs.amend,
                by=request.user,
                title=jobs.amend_title(campaign),
                next_url=reverse("results:amend", args=[campaign.pk]),
                campaign=campaign.pk,
                reason=reason,
                changes=[[assessment.pk, code, score] for assessment, code, score in changes],
            )
            if job.state == Job.State.FAILED:
                errors.append(job.message)
            elif job.state == Job.State.DONE:
                messages.success(request, job.message)
                return redirect("results:amend", pk=campaign.pk)
            else:
                return redirect(job)
    context = {
        "campaign": campaign,
        "publications": published,
        "assessments": assessments,
        "codes": codes,
        "rows": rows,
        "reason": reason,
        "errors": errors,
        "imported": bool(published and published[0].snapshot.get("imported")),
    }
    return render(request, "results/amend.html", context, status=422 if errors else 200)
