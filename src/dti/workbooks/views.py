"""The unit workbook's pages: download, upload with a preview, and the confirmation."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dti.assessments.models import Assessment
from dti.core.errors import ServiceError
from dti.core.imports import MAX_IMPORT_BYTES
from dti.core.permissions import Action, require
from dti.history.services import discard
from dti.workbooks import services

if TYPE_CHECKING:
    from dti.accounts.http import AuthenticatedHttpRequest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _assessment(request: AuthenticatedHttpRequest, pk: int, *, edit: bool = False) -> Assessment:
    """The assessment if the person may see it (and, with `edit`, change its data now)."""
    assessment = get_object_or_404(
        Assessment.objects.select_related(
            "participation__unit", "participation__campaign", "participation__group__framework"
        ),
        pk=pk,
    )
    require(request.user, Action.VIEW_ASSESSMENT, assessment)
    if edit:
        try:
            services.require_editable(assessment, request.user)
        except ServiceError as exc:
            raise PermissionDenied(exc.message) from exc
    return assessment


@login_required
def download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The workbook of the unit's framework, prefilled with its current data."""
    assessment = _assessment(request, pk)
    response = HttpResponse(services.download(assessment, by=request.user), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{services.filename(assessment)}"'
    return response


def _upload_page(request: AuthenticatedHttpRequest, assessment: Assessment, error: str = "") -> HttpResponse:
    context = {"assessment": assessment, "error": error, "max_mb": MAX_IMPORT_BYTES // (1024 * 1024)}
    return render(request, "workbooks/upload.html", context, status=422 if error else 200)


def _preview_page(
    request: AuthenticatedHttpRequest, assessment: Assessment, token: str, preview: services.Preview, error: str = ""
) -> HttpResponse:
    context = {"assessment": assessment, "token": token, "preview": preview, "error": error}
    return render(request, "workbooks/preview.html", context, status=422 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Upload a filled workbook: the preview lists every change, error and conflict; nothing is written yet."""
    assessment = _assessment(request, pk, edit=True)
    if request.method == "GET":
        return _upload_page(request, assessment)
    upload = request.FILES.get("file")
    if upload is None:
        return _upload_page(request, assessment, _("Hãy chọn tệp bảng tính (.xlsx) để tải lên."))
    try:
        token, preview = services.stage_upload(assessment, upload, by=request.user)
    except ServiceError as exc:
        return _upload_page(request, assessment, exc.message)
    return _preview_page(request, assessment, token, preview)


@login_required
@require_POST
def confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Apply the previewed workbook all or nothing (or give it up); refused, back to the preview with why."""
    assessment = _assessment(request, pk, edit=True)
    token = request.POST.get("token", "")
    if "bo-lai" in request.POST:
        with contextlib.suppress(ServiceError):  # nothing staged under that token: nothing to give up
            discard(token, by=request.user)
        messages.info(request, _("Đã hủy, không nhập gì từ bảng tính."))
        return redirect("assessments:detail", pk=assessment.pk)
    choices = {key: request.POST.get(key, "") for key in request.POST if key.startswith("chon:")}
    try:
        applied = services.apply(
            assessment, token, by=request.user, fingerprint=request.POST.get("fingerprint", ""), choices=choices
        )
    except ServiceError as exc:
        try:
            preview = services.preview(assessment, token, by=request.user)
        except ServiceError as again:
            return _upload_page(request, assessment, again.message)
        return _preview_page(request, assessment, token, preview, exc.message)
    count = len(applied.changes) + len(applied.conflicts)
    if count:
        messages.success(
            request, _("Đã nhập %(count)s thay đổi từ bảng tính %(file)s.") % {"count": count, "file": applied.file}
        )
    else:
        messages.info(request, _("Bảng tính không có thay đổi nào so với số liệu trên hệ thống; không có gì được ghi."))
    return redirect("assessments:detail", pk=assessment.pk)
