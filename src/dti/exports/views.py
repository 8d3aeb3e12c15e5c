"""The campaign export, under /xuat/.

- /xuat/ky/<pk>/: the page offering the downloads (the workbook, the zip of CSV files, each CSV).
- /xuat/ky/<pk>/<kind>/: the download: `xlsx`, `zip`, or one kind's CSV by its name (`diem`…).

Only those who may export (`data.may_export`) get either; the rest are refused with the reason.
"""

from __future__ import annotations

import tempfile

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from dti.campaigns.models import Campaign
from dti.exports.data import KINDS, REFUSED, campaign_sheets, kinds_for, may_export
from dti.exports.writers import csv_bytes, write_xlsx, write_zip

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
    return render(request, "exports/campaign.html", {"campaign": found, "kinds": kinds_for(request.user)})


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
