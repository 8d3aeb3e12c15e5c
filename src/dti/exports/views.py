"""The campaign export, under /xuat/.

- /xuat/ky/<pk>/: the page offering the downloads (the workbook, the zip of CSV files, each CSV).
- /xuat/ky/<pk>/<kind>/: the download: `xlsx`, `zip`, or one kind's CSV by its name (`diem`…).
- /xuat/ky/<pk>/kiem-tra-tep/: the organiser uploads a workbook of many units' data and sees
  what it would change and every problem at its cell (`bulk.bulk_preview`; nothing is written);
  the file is staged for the next step.
- /xuat/ky/<pk>/ap-dung-tep/ (POST): apply the staged file all or nothing (`bulk.bulk_apply`)
  as a background job (`jobs.apply_file`; the person follows it on the job's page), or give it up.

Only those who may export (`data.may_export`) get the downloads, only those who may import
many units' data (Action.IMPORT_ASSESSMENTS) the check and the apply; the rest are refused
with the reason.
"""

from __future__ import annotations

import contextlib
import tempfile
from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from dti.campaigns.models import Campaign
from dti.core.errors import ServiceError
from dti.core.imports import MAX_IMPORT_BYTES
from dti.core.permissions import Action, can, require
from dti.exports import jobs
from dti.exports.bulk import BulkImportInvalid, bulk_preview
from dti.exports.data import KINDS, REFUSED, campaign_sheets, kinds_for, may_export
from dti.exports.writers import csv_bytes, write_xlsx, write_zip
from dti.history.services import discard, stage, staged_path
from dti.jobs.models import Job
from dti.jobs.services import start

if TYPE_CHECKING:
    from dti.accounts.http import AuthenticatedHttpRequest

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
    "csv": "text/csv; charset=utf-8",
}


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    """The campaign, for those who may export it (PermissionDenied with the reason for others)."""
    if not may_export(request.user):
        raise PermissionDenied(REFUSED)
    return get_object_or_404(Campaign.objects.select_related("organiser"), pk=pk)


@login_required
@require_GET
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    """The downloads of the campaign's data: the workbook, the zip, one CSV per kind."""
    found = _campaign(request, pk)
    context = {
        "campaign": found,
        "kinds": kinds_for(request.user),
        "may_check": can(request.user, Action.IMPORT_ASSESSMENTS),
    }
    return render(request, "exports/campaign.html", context)


@login_required
@require_GET
def download(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    """The campaign's data as `kind`: written to a temporary file (the workbook is streamed, so
    memory stays bounded), sent private and never cached."""
    if kind not in ("xlsx", "zip", *KINDS):
        raise Http404
    found = _campaign(request, pk)
    sheets = campaign_sheets(found, request.user)
    chosen = [sheet for sheet in sheets if kind in ("xlsx", "zip") or sheet.key == kind]
    if not chosen:  # a kind this person may not have (the appraisal's adjustments)
        raise PermissionDenied(REFUSED)
    stem = f"du-lieu-ky-{found.pk}-{found.year}" + ("" if kind in ("xlsx", "zip") else f"-{kind}")
    handle = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it once sent)
    if kind == "xlsx":
        write_xlsx(sheets, handle)
    elif kind == "zip":
        write_zip(sheets, handle)
    else:
        handle.write(csv_bytes(chosen[0]))
    handle.seek(0)
    extension = kind if kind in ("xlsx", "zip") else "csv"
    response = FileResponse(
        handle, as_attachment=True, filename=f"{stem}.{extension}", content_type=CONTENT_TYPES[extension]
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


class CheckForm(forms.Form):
    """The organiser's workbook of many units' data."""

    file = forms.FileField(
        label=_("Tệp số liệu nhiều đơn vị (.xlsx hoặc .csv)"),
        error_messages={
            "required": _("Hãy chọn tệp số liệu (.xlsx hoặc .csv)."),
            "empty": _("Tệp rỗng, không có nội dung."),
        },
    )


def _check_page(
    request: AuthenticatedHttpRequest, found: Campaign, form: CheckForm, status: int = 200, **extra: object
) -> HttpResponse:
    context = {"campaign": found, "form": form, "max_mb": MAX_IMPORT_BYTES // (1024 * 1024), **extra}
    return render(request, "exports/check.html", context, status=status)


def _previewed(request: AuthenticatedHttpRequest, found: Campaign, token: str, error: str = "") -> HttpResponse:
    """The staged file checked again: its preview (with the apply button) or its problems."""
    form = CheckForm()
    status = 422 if error else 200
    try:
        preview = bulk_preview(campaign=found, path_or_file=staged_path(token, by=request.user), by=request.user)
    except BulkImportInvalid as exc:
        discard(token, by=request.user)
        return _check_page(request, found, form, 422, refused=exc, error=error)
    except ServiceError as exc:  # nothing staged under that token (any more)
        return _check_page(request, found, form, 422, error=error or exc.message)
    return _check_page(request, found, form, status, preview=preview, token=token, error=error)


@login_required
def check(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Upload a workbook of many units' data: every change it would make (unit, indicator, field,
    old → new) or every problem at its sheet and cell; nothing is written, the file is kept for
    the apply."""
    require(request.user, Action.IMPORT_ASSESSMENTS)
    found = get_object_or_404(Campaign, pk=pk)
    form = CheckForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _check_page(request, found, form, 422 if form.errors else 200)
    try:
        token = stage(form.cleaned_data["file"], by=request.user)
    except ServiceError as exc:
        return _check_page(request, found, form, 422, error=exc.message)
    return _previewed(request, found, token)


@login_required
@require_POST
def apply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Apply the previewed file all or nothing (or give it up); refused, back to the check with why."""
    require(request.user, Action.IMPORT_ASSESSMENTS)
    found = get_object_or_404(Campaign, pk=pk)
    token = request.POST.get("token", "")
    if "bo-lai" in request.POST:
        with contextlib.suppress(ServiceError):  # nothing staged under that token: nothing to give up
            discard(token, by=request.user)
        messages.info(request, gettext("Đã hủy, không nhập gì từ tệp."))
        return redirect("exports:check", pk=found.pk)
    try:
        path = staged_path(token, by=request.user)
    except ServiceError as exc:
        return _previewed(request, found, token, exc.message)
    job = start(
        jobs.apply_file,
        by=request.user,
        title=jobs.title(path.name),
        next_url=reverse("exports:check", args=[found.pk]),
        campaign=found.pk,
        token=token,
        fingerprint=request.POST.get("fingerprint", ""),
    )
    if job.state == Job.State.FAILED:  # already run (inline jobs): refused as the file or data are now
        return _previewed(request, found, token, job.message)
    if job.state == Job.State.DONE:
        messages.success(request, job.message)
        return redirect("exports:check", pk=found.pk)
    return redirect(job)  # its page: progress, then the outcome
