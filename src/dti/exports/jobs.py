"""The organiser's bulk import, applied as a background job (a file of thousands of rows takes minutes)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dti.campaigns.models import Campaign
from dti.exports.bulk import bulk_apply
from dti.history.services import discard, staged_path
from dti.jobs.models import Job
from dti.jobs.services import Outcome, Progress, job_function


def title(file: str) -> str:
    return _("Nhập số liệu nhiều đơn vị từ tệp %(file)s") % {"file": file}


@job_function(atomic=True)
def apply_file(job: Job, progress: Progress, *, campaign: int, token: str, fingerprint: str) -> Outcome:
    """`bulk.bulk_apply` of the staged file `token` (its checks, refusals and audit entries, all or
    nothing), for the job's owner; the staged file is dropped once applied."""
    found = Campaign.objects.get(pk=campaign)
    applied = bulk_apply(
        campaign=found, path=staged_path(token, by=job.owner), fingerprint=fingerprint, by=job.owner, progress=progress
    )
    discard(token, by=job.owner)  # as the page did: a run killed after this fails "expired", having written nothing
    count = applied.changes
    message = ngettext(
        "Đã nhập %(count)d thay đổi của %(units)d đơn vị từ tệp %(file)s.",
        "Đã nhập %(count)d thay đổi của %(units)d đơn vị từ tệp %(file)s.",
        count,
    ) % {"count": count, "units": applied.units, "file": applied.file}
    return Outcome(message=message, next_url=reverse("exports:check", args=[found.pk]))
