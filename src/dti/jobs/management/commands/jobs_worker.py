"""`dti worker` (`dti manage jobs_worker`): run background jobs from the database queue.

django-tasks-db's `db_worker`, plus a housekeeping thread: at start and every
JOBS_RECOVER_SECONDS it recovers the jobs of workers that died (dti.jobs.services.recover), and
every JOBS_HOUSEKEEPING_SECONDS it calls the functions named in JOBS_HOUSEKEEPING (old result
files, staged uploads never confirmed). Run as many as the machine has cores to spare
(docs/jobs.md); each takes one job at a time.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils.module_loading import import_string
from django_tasks_db.management.commands import db_worker

from dti.jobs.services import recover

logger = logging.getLogger(__name__)


def housekeeping(stop: threading.Event) -> None:
    """Recover dead workers' jobs, and now and then tidy up, until `stop` is set."""
    tidied: float | None = None
    while True:
        try:
            recover()
            if tidied is None or time.monotonic() - tidied >= settings.JOBS_HOUSEKEEPING_SECONDS:
                tidied = time.monotonic()
                for path in settings.JOBS_HOUSEKEEPING:
                    import_string(path)()
        except Exception:  # a busy database now: try again next round
            logger.exception("Jobs housekeeping failed")
        finally:
            connections.close_all()  # this thread's connections only
        if stop.wait(settings.JOBS_RECOVER_SECONDS):
            return


class Command(db_worker.Command):
    help = "Chạy các việc nền từ hàng đợi trong cơ sở dữ liệu (dti worker)."

    def handle(self, *args: Any, **options: Any) -> None:
        recover()
        stop = threading.Event()
        threading.Thread(target=housekeeping, args=(stop,), name="dti-jobs-housekeeping", daemon=True).start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
