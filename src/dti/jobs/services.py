"""Background jobs: start one, run it in a worker with progress, recover those of a dead worker.

The API for the apps (docs/jobs.md):

    @job_function(atomic=True)
    def publish(job: Job, progress: Progress, *, campaign: int) -> Outcome:
        ...                                  # the same service, audit entries and all
        progress(done, total, "message")     # as often as it likes (written at most twice a second)
        return Outcome(message="...", file_name="x.zip", content=data, next_url="/...")

    job = start(publish, by=user, title="Công bố kết quả …", campaign=campaign.pk)
    # then show `jobs/_progress.html` (or send the person to job.get_absolute_url())

Arguments are JSON (ids, text), never model instances. `atomic=True`: everything the function
writes commits in one transaction together with the job's "done" (a worker killed mid-job leaves
the database as before it); `atomic=False` for jobs that only read and write their result file
(a zip of reports), so that a long read does not hold SQLite's write lock. A ServiceError raised by
the function fails the job with its message; any other error fails it with a general one (logged).

The queue is django-tasks' (settings.TASKS: the database backend by default, `dti worker` runs
it). While a job runs, its worker holds a lock that dies with the process: a PostgreSQL advisory
lock of its connection, or a file lock (flock) on SQLite, whose workers share the machine.
`recover()` (every worker, every JOBS_RECOVER_SECONDS, and the status endpoint) finds running jobs
whose lock nobody holds: their worker died mid-job, their transaction was rolled back; each is
queued again up to JOBS_MAX_ATTEMPTS runs, then marked failed.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from dti.accounts.notifications import notify
from dti.core.errors import ServiceError
from dti.jobs.models import Job

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

    from dti.accounts.models import User

logger = logging.getLogger(__name__)

JOB_ATTRIBUTE = "dti_job_atomic"
LOCK_CLASS = 7_301  # the first key of the PostgreSQL advisory locks of running jobs (the second: the job's id)
PROGRESS_EVERY = 0.5  # seconds between two progress writes of one job (the last one is always written)


class Progress(Protocol):
    """What a job function calls to say how far it is: `done` of `total`, and what it is doing."""

    def __call__(self, done: int, total: int, message: str = "") -> None: ...


@dataclass(frozen=True)
class Outcome:
    """How a job ended well: a message for its owner, a file to download, a page to go on to."""

    message: str = ""
    file_name: str = ""
    content: bytes = b""
    next_url: str = ""


JobFunction = Callable[..., Outcome]
JobFunctionT = TypeVar("JobFunctionT", bound=JobFunction)


def job_function(*, atomic: bool) -> Callable[[JobFunctionT], JobFunctionT]:
    """Mark a function `(job, progress, **args) -> Outcome` as one that `start` may run in the background."""

    def mark(function: JobFunctionT) -> JobFunctionT:
        setattr(function, JOB_ATTRIBUTE, atomic)
        return function

    return mark


def start(function: JobFunction, *, by: User, title: str, next_url: str = "", **args: Any) -> Job:
    """Queue `function(job, progress, **args)` for a worker, owned by `by`; returns the job record.
    `next_url`: the page the job's page links back to (an Outcome's own replaces it when done).

    Called inside a request's transaction, the job is queued when (and only if) that commits: the
    queue lives in the same database. With TASKS' ImmediateBackend (the tests, or an install
    without workers) the job has already run when this returns: callers may answer at once."""
    if not hasattr(function, JOB_ATTRIBUTE):
        raise TypeError(f"{function!r} is not marked with @job_function")
    job = Job.objects.create(kind=_kind(function), title=title, owner=by, args=args, next_url=next_url)
    _enqueue(job.pk)
    job.refresh_from_db()
    return job


def _kind(function: JobFunction) -> str:
    """How a job names its function (the path the worker imports)."""
    return f"{function.__module__}.{function.__qualname__}"


def under_way(function: JobFunction, *, by: User | None = None, **args: Any) -> Job | None:
    """The job of `function` with these arguments (and of this owner, if given) that is queued or
    running: a second one would only fail, or do the same work again."""
    jobs = Job.objects.filter(
        kind=_kind(function),
        state__in=(Job.State.QUEUED, Job.State.RUNNING),
        **{f"args__{name}": value for name, value in args.items()},
    )
    if by is not None:
        jobs = jobs.filter(owner=by)
    return jobs.select_related("owner").first()


def _enqueue(job_id: int) -> None:
    from dti.jobs.tasks import run_job

    result = run_job.enqueue(job_id)
    Job.objects.filter(pk=job_id, task_id="").update(task_id=str(result.id)[:64])


def _function(kind: str) -> tuple[JobFunction, bool]:
    function = import_string(kind)
    return function, bool(getattr(function, JOB_ATTRIBUTE))


class _Progress:
    """A job's progress callback: writes done/total/message on the job, at most every PROGRESS_EVERY s.

    Inside the job's transaction on PostgreSQL it writes through a connection of its own, so the
    owner sees it move; on SQLite (one writer at a time) it writes in the job's transaction and the
    owner sees the figures of before the transaction until it commits."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = 0.0
        self.other: BaseDatabaseWrapper | None = None

    def __call__(self, done: int, total: int, message: str = "") -> None:
        now = time.monotonic()
        if done < total and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        values: dict[str, Any] = {"done": max(0, done), "total": max(0, total)}
        if message:
            values["message"] = message[:1000]
        if not (connection.in_atomic_block and connection.vendor == "postgresql" and self._aside(values)):
            Job.objects.filter(pk=self.job_id).update(**values)

    def _aside(self, values: dict[str, Any]) -> bool:
        """Write through a second connection (committed at once); False when the job's row is not
        visible there (a job started in a transaction not yet committed: tests run jobs so)."""
        if self.other is None:
            self.other = connections.create_connection(DEFAULT_DB_ALIAS)
        table = connection.ops.quote_name(Job._meta.db_table)
        columns = ", ".join(f"{connection.ops.quote_name(k)} = %s" for k in values)
        with self.other.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {columns} WHERE id = %s", [*values.values(), self.job_id])
            return bool(cursor.rowcount)

    def close(self) -> None:
        if self.other is not None:
            self.other.close()


def run(job_id: int) -> None:
    """Run a queued job (the worker's task): claim it, call its function, record how it ended."""
    job = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).first()
    if job is None:  # already run, or taken by another worker
        return
    with _held(job_id):
        claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
            state=Job.State.RUNNING,
            started_at=timezone.now(),
            attempts=F("attempts") + 1,
            worker=f"{socket.gethostname()}:{os.getpid()}"[:200],
        )
        if not claimed:
            return
        job.refresh_from_db()
        progress = _Progress(job_id)
        try:
            function, atomic = _function(job.kind)
            with transaction.atomic() if atomic else contextlib.nullcontext():
                outcome = function(job, progress, **job.args)
                _finish(job, outcome)
        except ServiceError as exc:
            _fail(job_id, exc.message)
        except PermissionDenied as exc:  # the owner's role changed since, or a unit is out of reach: said why
            _fail(job_id, str(exc))
        except Exception:
            logger.exception("Job %s (%s) failed", job_id, job.kind)
            _fail(job_id, _("Lỗi hệ thống khi chạy việc này; không có thay đổi nào được lưu. Hãy thử lại sau."))
        finally:
            progress.close()


def _finish(job: Job, outcome: Outcome) -> None:
    """Record the outcome (in the job's transaction when it has one)."""
    fresh = Job.objects.select_related("owner").get(pk=job.pk)
    if outcome.content or outcome.file_name:
        fresh.result.save(outcome.file_name or "ket-qua", ContentFile(outcome.content), save=False)
        fresh.result_name = outcome.file_name
    fresh.state = Job.State.DONE
    fresh.done = fresh.total = max(fresh.total, 1)
    fresh.message = outcome.message[:1000]
    fresh.next_url = outcome.next_url[:300] or fresh.next_url
    fresh.finished_at = timezone.now()
    fresh.save(update_fields=["result", "result_name", "state", "done", "total", "message", "next_url", "finished_at"])
    _tell(fresh)


def _fail(job_id: int, message: str) -> None:
    Job.objects.filter(pk=job_id).update(state=Job.State.FAILED, message=message[:1000], finished_at=timezone.now())
    _tell(Job.objects.select_related("owner").get(pk=job_id))


def _tell(job: Job) -> None:
    """A notice (and an e-mail) to the owner that the job ended: they may have left its page."""
    if job.state == Job.State.DONE:
        text = _("Việc “%(title)s” đã xong. %(message)s")
    else:
        text = _("Việc “%(title)s” không thành công. %(message)s")
    notify([job.owner], (text % {"title": job.title, "message": job.message}).strip(), url=job.get_absolute_url())


# ---------------------------------------------------------------- a worker that died


def _lock_path(job_id: int) -> Path:
    folder = Path(settings.JOBS_LOCK_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{job_id}.lock"


@contextlib.contextmanager
def _held(job_id: int) -> Iterator[None]:
    """Hold the job's lock while it runs: released by the process's death as by its end."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_CLASS, job_id])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, job_id])
        return
    descriptor = os.open(_lock_path(job_id), os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _alive(job_id: int) -> bool:
    """Whether a process holds the job's lock (it runs it now)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, job_id])
            free = cursor.fetchone()[0]
            if free:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, job_id])
        return not free
    descriptor = os.open(_lock_path(job_id), os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


def recover_job(job: Job) -> bool:
    """If `job` is marked running but its worker died: queue it again (up to JOBS_MAX_ATTEMPTS runs)
    or mark it failed. Its writes were one transaction, rolled back with the dead connection.
    Returns whether it changed."""
    if job.state != Job.State.RUNNING or _alive(job.pk):
        return False
    stale = Job.objects.filter(pk=job.pk, state=Job.State.RUNNING, attempts=job.attempts)
    _forget_task(job.task_id)
    if job.attempts < settings.JOBS_MAX_ATTEMPTS:
        message = _("Tiến trình xử lý dừng giữa chừng, không có thay đổi nào được lưu; việc được chạy lại.")
        if stale.update(state=Job.State.QUEUED, message=message, worker="", task_id=""):
            _enqueue(job.pk)
            return True
        return False
    message = _("Tiến trình xử lý dừng giữa chừng; không có thay đổi nào được lưu. Hãy thử lại.")
    if not stale.update(state=Job.State.FAILED, message=message, finished_at=timezone.now()):
        return False
    _tell(Job.objects.select_related("owner").get(pk=job.pk))
    return True


def _forget_task(task_id: str) -> None:
    """The queue's own record of a run whose worker died stays "running": mark it failed too."""
    from django_tasks_db.models import DBTaskResult

    with contextlib.suppress(ValidationError):  # not a queue id (the inline backend of the tests)
        DBTaskResult.objects.filter(id=task_id, status="RUNNING").update(status="FAILED", finished_at=timezone.now())


def recover() -> int:
    """Recover every running job whose worker died (see `recover_job`); how many changed."""
    return sum(recover_job(job) for job in Job.objects.filter(state=Job.State.RUNNING))


def drop_old_results() -> int:
    """Delete the result files of jobs finished more than JOBS_KEEP_DAYS ago (the records stay)."""
    before = timezone.now() - datetime.timedelta(days=settings.JOBS_KEEP_DAYS)
    count = 0
    for job in Job.objects.filter(finished_at__lt=before).exclude(result=""):
        job.result.delete(save=False)
        Job.objects.filter(pk=job.pk).update(result="", message=_("Tệp kết quả đã được xóa sau thời hạn lưu."))
        count += 1
    return count


def drop_old_queue_records() -> int:
    """Delete the queue's own records (django-tasks-db) of runs finished more than JOBS_KEEP_DAYS ago."""
    from django_tasks_db.models import DBTaskResult

    before = timezone.now() - datetime.timedelta(days=settings.JOBS_KEEP_DAYS)
    return DBTaskResult.objects.finished().filter(finished_at__lt=before).delete()[0]
