"""Pages and downloads of documents and analysis, under /bao-cao/.

- /bao-cao/ky/<pk>/: the campaign's documents and analysis (appendix downloads, its heading,
  ranking bars, heatmap, robustness). Published results: any signed-in person; before
  publication: those who may see drafts.
- /bao-cao/ky/<pk>/phu-luc.<xlsx|docx|pdf>: the appendix. Published: anyone, like the public
  results (?phien-ban=N for an earlier version); a draft: those who may see drafts.
- /bao-cao/ky/<pk>/bao-cao-cac-don-vi/ (POST): every unit's report in one zip, built as a
  background job (`jobs.unit_reports`) followed on the job's page; for the roles that see every unit.
- /bao-cao/ky/<pk>/don-vi/<unit>/: a unit's analysis (what-if, radar, notes, targets) and its
  report as DOCX or PDF.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dti.campaigns.models import Campaign, Participation
from dti.core.errors import ServiceError
from dti.core.permissions import Action, can
from dti.jobs.services import start, under_way
from dti.reports import exports, jobs, services
from dti.reports.access import (
    may_see_drafts,
    may_set_documents,
    may_write_unit,
    require_published,
    require_read_unit,
)
from dti.reports.models import TARGET_CODE_TOTAL
from dti.reports.selectors import (
    TARGET_YEARS,
    campaign_analysis,
    participation_of,
    source,
    target_field,
    unit_analysis,
)
from dti.reports.services import NOTE_FIELDS, SETTINGS_FIELDS
from dti.results.selectors import versions

if TYPE_CHECKING:
    from dti.accounts.http import AuthenticatedHttpRequest

VERSION = "phien-ban"


def _campaign(pk: int) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("organiser"), pk=pk)


def _campaign_page(
    request: AuthenticatedHttpRequest,
    campaign: Campaign,
    *,
    typed: dict[str, str] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    analysis = campaign_analysis(campaign, request.user, request.GET.get(VERSION, "").strip())
    settings = analysis.settings
    context = {
        "analysis": analysis,
        "campaign": campaign,
        "found": analysis.found,
        "version_query": f"?{VERSION}={analysis.found.publication.version}" if analysis.found.publication else "",
        "can_set": may_set_documents(request.user),
        "can_zip": can(request.user, Action.VIEW_ASSESSMENT),  # every unit's report in one zip
        "fields": typed or {name: getattr(settings, name) for name in SETTINGS_FIELDS},
        "error": error,
    }
    return render(request, "reports/campaign.html", context, status=status)


@login_required
def campaign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The campaign's documents and analysis page."""
    return _campaign_page(request, _campaign(pk))


@login_required
def document_settings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Save the appendix's heading (POST): issuer, parent, place, number suffix, appendix number, title."""
    campaign_obj = _campaign(pk)
    if not may_set_documents(request.user):
        raise PermissionDenied(_("Chỉ cơ quan tổ chức đánh giá mới được thiết lập văn bản của kỳ đánh giá."))
    if request.method != "POST":
        return redirect("reports:campaign", pk=pk)
    typed = {name: request.POST.get(name, "") for name in SETTINGS_FIELDS}
    try:
        services.save_settings(campaign=campaign_obj, by=request.user, values=typed)
    except ServiceError as exc:
        return _campaign_page(request, campaign_obj, typed=typed, error=exc.message, status=422)
    messages.success(request, _("Đã lưu thiết lập văn bản."))
    return redirect("reports:campaign", pk=pk)


def appendix(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The appendix as XLSX, DOCX or PDF: a published version for anyone, a draft for those who
    may see drafts (anonymous people are sent to sign in)."""
    campaign_obj = _campaign(pk)
    if not versions(pk).exists() and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = source(campaign_obj, request.user, request.GET.get(VERSION, "").strip())
    try:
        return exports.appendix_response(campaign_obj, found, kind)
    except ServiceError as exc:
        return _refused(request, exc)


def _refused(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    """A document that could not be written: the reason on the error page (422), nothing else changed."""
    context = {"title": _("Không tạo được văn bản"), "message": exc.message}
    return render(request, "core/error.html", context, status=422)


def _no_report(request: HttpRequest, draft: bool) -> HttpResponse:
    """A unit without results in what is shown (not appraised yet, or left out of the published
    ranking): the reason on the error page (404), not a bare "page not found"."""
    if draft:
        message = _(
            "Đơn vị chưa được thẩm định xong nên chưa có trong bảng xếp hạng dự thảo: "
            "báo cáo phân tích của đơn vị có khi kết quả của đơn vị được thẩm định."
        )
    else:
        message = _(
            "Đơn vị không có trong kết quả đã công bố của kỳ đánh giá này nên không có báo cáo phân tích "
            "(đơn vị chưa gửi báo cáo hoặc chưa được thẩm định xong khi kết quả được công bố)."
        )
    context = {"title": _("Chưa có báo cáo phân tích của đơn vị"), "message": message}
    return render(request, "core/error.html", context, status=404)


def _participation(request: AuthenticatedHttpRequest, pk: int, unit: int) -> Participation:
    """The unit's participation, if `request.user` may read its analysis (403 with the reason
    otherwise; 404 for a unit that takes no part in the campaign)."""
    participation = participation_of(pk, unit)
    require_read_unit(request.user, participation)
    return participation


def _unit_page(
    request: AuthenticatedHttpRequest,
    participation: Participation,
    *,
    typed_notes: dict[str, str] | None = None,
    typed_targets: dict[str, str] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    analysis = unit_analysis(participation, request.user)
    notes = analysis.notes
    for row in analysis.targets:  # a refused form shows what was typed
        for cell in row.ranges:
            cell.text = (typed_targets or {}).get(cell.field, cell.text)
    context = {
        "analysis": analysis,
        "campaign": participation.campaign,
        "unit": participation.unit,
        "can_write": may_write_unit(request.user, participation),
        "can_draft": may_see_drafts(request.user),
        "notes": typed_notes or {name: getattr(notes, name) if notes else "" for name in NOTE_FIELDS},
        "error": error,
    }
    return render(request, "reports/unit.html", context, status=status)


@login_required
def unit(request: AuthenticatedHttpRequest, pk: int, unit: int) -> HttpResponse:
    """A unit's analysis page (GET); its notes saved (POST)."""
    participation = _participation(request, pk, unit)
    if request.method != "POST":
        return _unit_page(request, participation)
    typed = {name: request.POST.get(name, "") for name in NOTE_FIELDS}
    try:
        services.save_notes(participation=participation, by=request.user, values=typed)
    except ServiceError as exc:
        return _unit_page(request, participation, typed_notes=typed, error=exc.message, status=422)
    messages.success(request, _("Đã lưu nội dung báo cáo phân tích."))
    return redirect("reports:unit", pk=pk, unit=unit)


@login_required
def targets(request: AuthenticatedHttpRequest, pk: int, unit: int) -> HttpResponse:
    """Save the unit's target rank ranges (POST: one box `muc-tieu-<code>-<year>` per code and year)."""
    participation = _participation(request, pk, unit)
    if request.method != "POST":
        return redirect("reports:unit", pk=pk, unit=unit)
    year = participation.campaign.year
    codes = [TARGET_CODE_TOTAL] + [i.code for i in participation.group.framework.engine().scored_indices]
    boxes = [(code, y, target_field(code, y)) for code in codes for y in range(year, year + TARGET_YEARS)]
    typed = {name: request.POST[name] for _code, _y, name in boxes if name in request.POST}
    wanted = [(code, y, typed[name]) for code, y, name in boxes if name in typed]
    try:
        services.save_targets(participation=participation, by=request.user, targets=wanted)
    except ServiceError as exc:
        return _unit_page(request, participation, typed_targets=typed, error=exc.message, status=422)
    messages.success(request, _("Đã lưu mục tiêu xếp hạng."))
    return redirect("reports:unit", pk=pk, unit=unit)


@login_required
@require_POST
def unit_reports(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Start the job that zips every unit's report (POST `kind`: docx or pdf); its page follows it."""
    campaign_obj = _campaign(pk)
    if not can(request.user, Action.VIEW_ASSESSMENT):  # without a unit: the roles that see every unit
        raise PermissionDenied(_("Chỉ người xem được mọi đơn vị mới tải được báo cáo phân tích của tất cả các đơn vị."))
    kind = request.POST.get("kind", "")
    if kind not in exports.REPORT_KINDS:
        raise Http404
    if not versions(pk).exists() and not may_see_drafts(request.user):
        require_published(None)
    running = under_way(jobs.unit_reports, by=request.user, campaign=pk, kind=kind)
    if running is not None:  # the same zip asked for again: follow the one under way, not a second copy
        return redirect(running)
    job = start(
        jobs.unit_reports,
        by=request.user,
        title=jobs.title(campaign_obj, kind),
        next_url=reverse("reports:campaign", args=[pk]),
        campaign=pk,
        kind=kind,
    )
    return redirect(job)


@login_required
def unit_report(request: AuthenticatedHttpRequest, pk: int, unit: int, kind: str) -> HttpResponse:
    """The unit's analysis report as DOCX or PDF (a draft before publication, for those who may see drafts)."""
    participation = _participation(request, pk, unit)
    analysis = unit_analysis(participation, request.user)
    found = require_published(analysis.found)
    if kind in exports.REPORT_KINDS and analysis.card is None:
        return _no_report(request, found.draft)
    try:
        return exports.unit_report_response(analysis, kind)
    except ServiceError as exc:
        return _refused(request, exc)
