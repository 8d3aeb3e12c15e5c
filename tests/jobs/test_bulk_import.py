"""The organiser's bulk import as a background job: the apply answers at once with the job's page;
a worker applies the file (the same writes and audit entries as before) and the page then says
what was imported and links back."""

from __future__ import annotations

from typing import Any

import pytest

from dti.assessments.models import Entry
from dti.audit.models import AuditEntry
from dti.jobs.models import Job
from dti.jobs.services import run
from tests.exports.test_bulk_preview import long_csv

pytestmark = pytest.mark.django_db


def test_the_apply_runs_as_a_job_followed_on_its_page(world: dict[str, Any], login: Any, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # queued for a worker
    client = login("organiser")
    pk = world["campaign"].pk
    shown = client.post(f"/xuat/ky/{pk}/kiem-tra-tep/", {"file": long_csv("UBND huyện Một,I.2,a,8")})
    token, fingerprint = shown.context["token"], shown.context["preview"].fingerprint
    answered = client.post(f"/xuat/ky/{pk}/ap-dung-tep/", {"token": token, "fingerprint": fingerprint})
    job = Job.objects.get()
    assert answered.status_code == 302
    assert answered["Location"] == f"/viec/{job.pk}/"
    assert job.state == Job.State.QUEUED
    assert not Entry.objects.filter(assessment=world["assessment"], code="I.2").exists()
    waiting = client.get(f"/viec/{job.pk}/").content.decode()
    assert "Nhập số liệu nhiều đơn vị từ tệp nhap.csv" in waiting
    assert f'hx-get="/viec/{job.pk}/trang-thai/"' in waiting  # polled while it runs

    run(job.pk)  # what the worker does

    job.refresh_from_db()
    assert (job.state, job.done, job.total) == (Job.State.DONE, 1, 1)
    assert Entry.objects.get(assessment=world["assessment"], code="I.2").values == {"a": "8"}
    assert AuditEntry.objects.filter(action="bulk.import", actor=world["users"]["organiser"]).count() == 1
    status = client.get(f"/viec/{job.pk}/trang-thai/").content.decode()
    assert "Đã nhập 1 thay đổi của 1 đơn vị từ tệp nhap.csv." in status
    assert f'href="/xuat/ky/{pk}/kiem-tra-tep/"' in status
    assert "hx-get" not in status  # finished: no more polling


def test_a_refused_apply_job_says_why_and_writes_nothing(world: dict[str, Any], login: Any, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = login("organiser")
    pk = world["campaign"].pk
    shown = client.post(f"/xuat/ky/{pk}/kiem-tra-tep/", {"file": long_csv("UBND huyện Một,I.2,a,8")})
    client.post(f"/xuat/ky/{pk}/ap-dung-tep/", {"token": shown.context["token"], "fingerprint": "cũ"})
    job = Job.objects.get()
    run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.message.startswith("Số liệu đã thay đổi sau khi bạn xem trước")
    assert not Entry.objects.filter(assessment=world["assessment"], code="I.2").exists()
    assert not AuditEntry.objects.filter(action="bulk.import").exists()
    assert job.message in client.get(f"/viec/{job.pk}/").content.decode()
