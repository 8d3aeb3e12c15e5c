"""Background jobs' pages, under /viec/: the person's jobs, a job's page, the progress widget the
page polls, its result file.

Only the job's owner and the platform's administrators see a job; others are refused with the reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dti.core.roles import Role
from dti.jobs.models import Job
from dti.jobs.services import recover_job

if TYPE_CHECKING:
    from dti.accounts.http import AuthenticatedHttpRequest


def _job(request: AuthenticatedHttpRequest, pk: int) -> Job:
    """The job, for its owner and the administrators (PermissionDenied with the reason for others)."""
    job = get_object_or_404(Job.objects.select_related("owner"), pk=pk)
    user = request.user
    if job.owner_id != user.pk and user.role != Role.ADMIN and not user.is_superuser:
        raise PermissionDenied(_("Chỉ người bắt đầu việc này và quản trị hệ thống mới xem được việc này."))
    if recover_job(job):  # its worker died: the owner learns it at once
        job.refresh_from_db()
    return job


LISTED = 50  # the newest jobs shown; each job's end was also a notice (dti.jobs.services._tell)


@login_required
@require_GET
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's background jobs: the running ones, then the most recently finished."""
    newest = (F("finished_at").desc(nulls_first=True), "-created_at", "-pk")
    jobs = Job.objects.filter(owner=request.user).order_by(*newest)[:LISTED]
    return render(request, "jobs/list.html", {"jobs": jobs, "listed": LISTED})


@login_required
@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The job's page: what it is, its progress (polled while it runs), its result."""
    return render(request, "jobs/job.html", {"job": _job(request, pk)})


@login_required
@require_GET
def status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The progress widget alone: what the page polls (htmx) until the job is finished."""
    response = render(request, "jobs/_progress.html", {"job": _job(request, pk)})
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_GET
def download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The job's result file."""
    job = _job(request, pk)
    if job.state != Job.State.DONE or not job.result:
        raise Http404(_("Việc này không có tệp kết quả (hoặc tệp đã được xóa sau thời hạn lưu)."))
    response = FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result_name or "ket-qua")
    patch_cache_control(response, private=True, no_store=True)
    return response
