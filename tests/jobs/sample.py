"""Job functions for the tests: one that writes, ones that refuse, one that waits on a gate file."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.exceptions import PermissionDenied

from dti.accounts.models import Notification
from dti.core.errors import ServiceError
from dti.jobs.models import Job
from dti.jobs.services import Outcome, Progress, job_function


@job_function(atomic=True)
def notes(job: Job, progress: Progress, *, texts: list[str]) -> Outcome:
    """Leave each text as a notification of the job's owner; the last one as a file."""
    for n, text in enumerate(texts, start=1):
        Notification.objects.create(user=job.owner, text=text, url="/ghi-chu/")
        progress(n, len(texts), text)
    return Outcome(message=f"{len(texts)} ghi chú", file_name="ghi-chu.txt", content="\n".join(texts).encode())


@job_function(atomic=True)
def refused(job: Job, progress: Progress) -> Outcome:
    """Write, then refuse: the write is rolled back and the refusal is the job's message."""
    Notification.objects.create(user=job.owner, text="một nửa")
    raise ServiceError("Kỳ đánh giá đã công bố, không chạy được việc này.")


@job_function(atomic=True)
def forbidden(job: Job, progress: Progress) -> Outcome:
    """Write, then find the owner may no longer do this (their role changed since they started it)."""
    Notification.objects.create(user=job.owner, text="một nửa")
    raise PermissionDenied("Chỉ cơ quan tổ chức đánh giá mới được đính chính kết quả đã công bố.")


@job_function(atomic=True)
def broken(job: Job, progress: Progress) -> Outcome:
    Notification.objects.create(user=job.owner, text="một nửa")
    raise RuntimeError("a bug")


@job_function(atomic=True)
def gated(job: Job, progress: Progress, *, folder: str) -> Outcome:
    """Write one notification, say so with the file `reached`, wait for the file `gate`, write another.

    The test kills the worker while this waits: the first write must not survive."""
    Notification.objects.create(user=job.owner, text="trước", url="/ghi-chu/")
    progress(1, 2, "chờ")
    Path(folder, f"reached-{job.attempts}").write_text("", encoding="utf-8")
    gate = Path(folder, "gate")
    deadline = time.monotonic() + 120
    while not gate.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    Notification.objects.create(user=job.owner, text="sau", url="/ghi-chu/")
    return Outcome(message="xong")
