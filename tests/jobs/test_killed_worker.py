"""A worker killed (SIGKILL) in the middle of a job: the database is as before the job, the job is
run again by the next worker to success, or marked failed after JOBS_MAX_ATTEMPTS runs.

Real `dti manage jobs_worker` processes on a file copy of the SQLite test database (or the
PostgreSQL test database itself); the job waits on a file the test creates (tests/jobs/sample.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from dti.accounts.models import Notification
from dti.jobs.models import Job
from dti.jobs.services import recover, start
from tests.concurrency import file_database, in_thread
from tests.jobs import sample
from tests.jobs.workers import ROOT, database_url, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def _worker(folder: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(folder),
        "JOBS_LOCK_DIR": str(folder / "locks"),
        "DEBUG": "0",
    }
    command = [sys.executable, "manage.py", "jobs_worker", "--no-startup-delay", "--interval", "0.1", *extra]
    log = (folder / "worker.log").open("ab")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)


def _wait_for(path: Path, worker: subprocess.Popen[bytes]) -> None:
    wait_until(
        path.exists, lambda: worker.poll() is None, path.parent / "worker.log", "the worker never reached the gate"
    )


def _texts(user_pk: int) -> list[str]:
    notes = Notification.objects.filter(user_id=user_pk, url="/ghi-chu/").order_by("pk")
    return list(notes.values_list("text", flat=True))


def test_a_job_killed_midway_leaves_nothing_and_runs_again(
    world: dict[str, Any], tmp_path: Path, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.JOBS_LOCK_DIR = tmp_path / "locks"
    owner = world["users"]["organiser"]
    Notification.objects.filter(user=owner).delete()
    with file_database(tmp_path):
        job = in_thread(lambda: start(sample.gated, by=owner, title="Chờ", folder=str(tmp_path)))
        assert job.state == Job.State.QUEUED
        worker = _worker(tmp_path)
        try:
            _wait_for(tmp_path / "reached-1", worker)  # mid-job: one write done, in its transaction
            if connection.vendor == "postgresql":  # progress is written beside the transaction (SQLite: at its end)
                found = in_thread(lambda: Job.objects.get(pk=job.pk))
                assert (found.state, found.done, found.total, found.message) == (Job.State.RUNNING, 1, 2, "chờ")
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
        finally:
            worker.kill()
        found = in_thread(lambda: Job.objects.get(pk=job.pk))
        assert (found.state, found.attempts) == (Job.State.RUNNING, 1)
        assert in_thread(lambda: _texts(owner.pk)) == []  # as before the job

        (tmp_path / "gate").write_text("", encoding="utf-8")
        worker = _worker(tmp_path, "--batch")  # recovers the job at start, runs it, stops when idle
        try:
            assert worker.wait(timeout=120) == 0, (tmp_path / "worker.log").read_text()
        finally:
            worker.kill()
        found = in_thread(lambda: Job.objects.get(pk=job.pk))
        assert (found.state, found.attempts, found.message) == (Job.State.DONE, 2, "xong")
        assert in_thread(lambda: _texts(owner.pk)) == ["trước", "sau"]  # once, whole


def test_a_job_whose_worker_died_too_often_is_marked_failed(
    world: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    settings.JOBS_LOCK_DIR = tmp_path / "locks"
    job = Job.objects.create(
        kind="tests.jobs.sample.gated",
        title="Chờ",
        owner=world["users"]["organiser"],
        state=Job.State.RUNNING,
        attempts=settings.JOBS_MAX_ATTEMPTS,
    )
    assert recover() == 1  # nobody holds its lock: its worker is gone
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.message == "Tiến trình xử lý dừng giữa chừng; không có thay đổi nào được lưu. Hãy thử lại."
    assert Notification.objects.filter(user=job.owner, url=f"/viec/{job.pk}/").exists()
