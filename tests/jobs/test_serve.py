"""`dti serve` runs a background-jobs worker beside gunicorn: a queued job gets done, and stopping
the server (SIGTERM to it alone, as systemd does) stops the worker too."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest

from dti.jobs.models import Job
from dti.jobs.services import start
from tests.concurrency import file_database, in_thread
from tests.jobs import sample
from tests.jobs.workers import ROOT, database_url, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in found]


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"  # exited, not yet reaped


def test_dti_serve_runs_a_worker_and_stops_it(world: dict[str, Any], tmp_path: Path, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    owner = world["users"]["organiser"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "serve.log"
    with file_database(tmp_path):
        job = in_thread(lambda: start(sample.notes, by=owner, title="Ghi chú", texts=["một"]))
        env = {**os.environ, "DATABASE_URL": database_url(tmp_path), "DTI_VAR_DIR": str(tmp_path), "DEBUG": "0"}
        env["JOBS_LOCK_DIR"] = str(tmp_path / "locks")
        with log.open("wb") as out:
            server = subprocess.Popen(
                [str(ROOT / ".venv" / "bin" / "dti"), "serve", "--port", str(port), "--workers", "1"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            done = lambda: in_thread(lambda: Job.objects.get(pk=job.pk).state) == Job.State.DONE  # noqa: E731
            wait_until(done, lambda: server.poll() is None, log, "the job was not run")
            children = _children(server.pid)
            assert len(children) == 2  # gunicorn's arbiter and the jobs worker
            server.send_signal(signal.SIGTERM)
            assert server.wait(timeout=60) == 0
            assert all(_gone(child) for child in children)
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
