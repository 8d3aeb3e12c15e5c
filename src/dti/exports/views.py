"""The campaign export, under /xuat/.

- /xuat/ky/<pk>/: the page offering the downloads (the workbook, the zip of CSV files, each CSV).
- /xuat/ky/<pk>/<kind>/: the download: `xlsx`, `zip`, or one kind's CSV by its name (`diem`…).
- /xuat/ky/<pk>/kiem-tra-tep/: the organiser uploads a workbook of many units' data and sees
  what it would change and every problem at its cell (`bulk.bulk_preview`; nothing is written).

Only those who may export (`data.may_export`) get the downloads, only those who manage
campaigns the check; the rest are refused with the reason.
"""

from __future__ import annotations

import tempfile
from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from dti.campaigns.models import Campaign
from dti.core.imports import MAX_IMPORT_BYTES
from dti.core.permissions import Action, can, require
from dti.exports.bulk import BulkImportInvalid, bulk_preview
from dti.exports.data import KINDS, REFUSED, campaign_sheets, kinds_for, may_export
from dti.exports.writers import csv_bytes, write_xlsx, write_zip

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
        "may_check": can(request.user, Action.MANAGE_CAMPAIGNS),
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


@login_required
def check(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Upload a workbook of many units' data: every change it would make (unit, indicator, field,
    old → new) or every problem at its sheet and cell; nothing is written."""
    require(request.user, Action.MANAGE_CAMPAIGNS)
    found = get_object_or_404(Campaign, pk=pk)
    form = CheckForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"campaign": found, "form": form, "max_mb": MAX_IMPORT_BYTES // (1024 * 1024)}
    if request.method != "POST" or not form.is_valid():
        return render(request, "exports/check.html", context, status=422 if form.errors else 200)
    try:
        context["preview"] = bulk_preview(campaign=found, path_or_file=form.cleaned_data["file"], by=request.user)
    except BulkImportInvalid as exc:
        return render(request, "exports/check.html", {**context, "refused": exc}, status=422)
    return render(request, "exports/check.html", context)
