"""The one django-tasks task: run a job record (dti.jobs.services.run); its function is named on the record."""

from __future__ import annotations

from django_tasks import task

from dti.jobs import services


@task()
def run_job(job_id: int) -> None:
    """Run job `job_id` (queued by `services.start`, or again by `services.recover`)."""
    services.run(job_id)
