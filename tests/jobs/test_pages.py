"""The job pages: the person's list (running first, nobody else's), a running job's page polls."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from dti.jobs.models import Job

pytestmark = pytest.mark.django_db


def _job(owner: Any, title: str, state: str, **more: Any) -> Job:
    return Job.objects.create(kind="dti.reports.jobs.unit_reports", title=title, owner=owner, state=state, **more)


def test_my_jobs_running_first_and_only_mine(world: dict[str, Any], login: Any) -> None:
    users = world["users"]
    _job(users["organiser"], "Xong từ trước", Job.State.DONE, finished_at=timezone.now(), message="Đã tạo 2 báo cáo.")
    _job(users["organiser"], "Đang tạo tệp nén", Job.State.RUNNING, done=3, total=10)
    _job(users["chair"], "Việc của Chủ tịch", Job.State.QUEUED)
    page = login("organiser").get("/viec/").content.decode()
    assert page.index("Đang tạo tệp nén") < page.index("Xong từ trước")
    assert "(3/10)" in page and "Đã tạo 2 báo cáo." in page
    assert "Việc của Chủ tịch" not in page
    assert "Bạn chưa có việc chạy nền nào." in login("viewer").get("/viec/").content.decode()


def test_a_running_jobs_page_polls_its_progress(world: dict[str, Any], login: Any) -> None:
    job = _job(world["users"]["organiser"], "Đang tạo tệp nén", Job.State.QUEUED, done=3, total=10)
    page = login("organiser").get(f"/viec/{job.pk}/").content.decode()
    assert f'hx-get="/viec/{job.pk}/trang-thai/" hx-trigger="every 1s"' in page
    assert '<progress max="100" value="30">' in page
    assert "3/10" in page


def test_the_owner_looking_at_a_job_whose_worker_died_sees_it_run_again(
    world: dict[str, Any], login: Any, settings: Any, tmp_path: Any
) -> None:
    settings.JOBS_LOCK_DIR = tmp_path
    job = _job(world["users"]["organiser"], "Ghi chú", Job.State.RUNNING, attempts=1)
    Job.objects.filter(pk=job.pk).update(kind="tests.jobs.sample.notes", args={"texts": ["một"]})
    page = login("organiser").get(f"/viec/{job.pk}/").content.decode()  # nobody holds its lock: run again (inline)
    job.refresh_from_db()
    assert (job.state, job.attempts, job.message) == (Job.State.DONE, 2, "1 ghi chú")
    assert "Đã xong" in page
