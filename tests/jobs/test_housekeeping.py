"""What the worker does besides jobs: recover dead workers' jobs, drop old result files and the
staged uploads nobody confirmed."""

from __future__ import annotations

import io
import os
import threading
import time
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from dti.history.services import drop_stale_staged, stage, staging_folder
from dti.jobs.management.commands.jobs_worker import housekeeping
from dti.jobs.models import Job
from dti.jobs.services import drop_old_queue_records, drop_old_results, start
from tests.jobs import sample

pytestmark = pytest.mark.django_db


def test_staged_uploads_older_than_a_day_are_dropped(world: dict[str, Any], settings: Any, tmp_path: Path) -> None:
    settings.HISTORY_STAGING_DIR = str(tmp_path)
    organiser = world["users"]["organiser"]
    old, fresh = (stage(io.BytesIO("Đơn vị,Tổng\nA,1\n".encode()), by=organiser) for _ in range(2))
    two_days_ago = time.time() - 2 * 24 * 3600
    [folder] = [f for f in staging_folder().iterdir() if f.name.endswith(old)]
    os.utime(folder, (two_days_ago, two_days_ago))
    assert drop_stale_staged() == 1
    assert [f.name.split("-", 1)[1] for f in staging_folder().iterdir()] == [fresh]


def test_result_files_are_dropped_after_the_keeping_days(world: dict[str, Any], settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    owner = world["users"]["organiser"]
    jobs = []
    for days in (settings.JOBS_KEEP_DAYS + 1, 1):
        job = Job(kind="k", title="t", owner=owner, state=Job.State.DONE)
        job.finished_at = timezone.now() - timezone.timedelta(days=days)
        job.result.save("a.zip", ContentFile(b"PK"), save=False)
        job.save()
        jobs.append(job)
    assert drop_old_results() == 1
    old, recent = (Job.objects.get(pk=j.pk) for j in jobs)
    assert not old.result and old.message == "Tệp kết quả đã được xóa sau thời hạn lưu."
    assert recent.result and Path(recent.result.path).exists()
    assert not Path(jobs[0].result.path).exists()


def test_the_queues_old_records_are_dropped(world: dict[str, Any], settings: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    old, recent, waiting = (start(sample.notes, by=world["users"]["organiser"], title="t", texts=[]) for _ in range(3))
    DBTaskResult.objects.filter(id=old.task_id).update(
        status="SUCCESSFUL", finished_at=timezone.now() - timezone.timedelta(days=settings.JOBS_KEEP_DAYS + 1)
    )
    DBTaskResult.objects.filter(id=recent.task_id).update(status="SUCCESSFUL", finished_at=timezone.now())
    assert drop_old_queue_records() == 1
    assert set(DBTaskResult.objects.values_list("id", flat=True)) == {UUID(recent.task_id), UUID(waiting.task_id)}


def test_the_worker_housekeeping_runs_each_named_function(settings: Any, tmp_path: Path) -> None:
    settings.JOBS_HOUSEKEEPING = ["tests.jobs.test_housekeeping.touch"]
    settings.JOBS_LOCK_DIR = tmp_path
    stop = threading.Event()
    stop.set()  # one round, then stop
    thread = threading.Thread(target=housekeeping, args=(stop,))  # it closes its thread's connections
    thread.start()
    thread.join()
    assert TOUCHED == [1]


TOUCHED: list[int] = []


def touch() -> None:
    TOUCHED.append(1)
