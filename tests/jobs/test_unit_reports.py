"""Every unit's report in one zip, as a background job: started from the campaign's documents
page, followed on the job's page, its zip downloaded by its owner only."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from dti.jobs.models import Job
from dti.jobs.services import run
from tests.results.conftest import appraised, approved, published

__all__ = ["appraised", "approved", "published"]
pytestmark = pytest.mark.django_db


def test_the_zip_of_every_units_report(published: dict[str, Any], login: Any, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # queued for a worker
    client = login("viewer")
    pk = published["campaign"].pk
    assert f'action="/bao-cao/ky/{pk}/bao-cao-cac-don-vi/"' in client.get(f"/bao-cao/ky/{pk}/").content.decode()
    started = client.post(f"/bao-cao/ky/{pk}/bao-cao-cac-don-vi/", {"kind": "docx"})
    job = Job.objects.get()
    assert started["Location"] == f"/viec/{job.pk}/"
    again = client.post(f"/bao-cao/ky/{pk}/bao-cao-cac-don-vi/", {"kind": "docx"})  # asked again meanwhile
    assert again["Location"] == f"/viec/{job.pk}/" and Job.objects.count() == 1  # followed, not queued twice
    assert job.title.startswith("Báo cáo phân tích của tất cả các đơn vị (DOCX)")

    run(job.pk)  # what the worker does

    job.refresh_from_db()
    assert (job.state, job.done, job.total) == (Job.State.DONE, 2, 2)
    assert job.message == "Đã tạo báo cáo phân tích của 2 đơn vị."
    assert job.result_name.startswith("bao-cao-cac-don-vi-") and job.result_name.endswith("-v1.zip")
    status = client.get(f"/viec/{job.pk}/trang-thai/").content.decode()
    assert f'href="/viec/{job.pk}/tep/"' in status
    download = client.get(f"/viec/{job.pk}/tep/")
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert len(names) == 2
    assert all(n.startswith("bao-cao-ubnd-huyen-") and n.endswith("-v1.docx") for n in names)
    assert login("organiser").get(f"/viec/{job.pk}/tep/").status_code == 403  # the owner's (and the admins')
    client.post(f"/bao-cao/ky/{pk}/bao-cao-cac-don-vi/", {"kind": "docx"})  # done: a new one may start
    assert Job.objects.count() == 2


@pytest.mark.parametrize("persona", ["reporter", "leader"])
def test_a_units_people_may_not_zip_every_units_report(published: dict[str, Any], login: Any, persona: str) -> None:
    client = login(persona)
    pk = published["campaign"].pk
    assert "bao-cao-cac-don-vi" not in client.get(f"/bao-cao/ky/{pk}/").content.decode()
    refused = client.post(f"/bao-cao/ky/{pk}/bao-cao-cac-don-vi/", {"kind": "pdf"})
    assert refused.status_code == 403
    assert "Chỉ người xem được mọi đơn vị mới tải được báo cáo phân tích của tất cả các đơn vị." in (
        refused.content.decode()
    )
    assert not Job.objects.exists()


def test_before_publication_only_those_who_see_drafts(approved: dict[str, Any], login: Any) -> None:
    pk = approved["campaign"].pk
    refused = login("viewer").post(f"/bao-cao/ky/{pk}/bao-cao-cac-don-vi/", {"kind": "pdf"})
    assert refused.status_code == 403
    assert "Kết quả chưa công bố: báo cáo phân tích có khi kết quả được công bố." in refused.content.decode()
    done = login("chair").post(f"/bao-cao/ky/{pk}/bao-cao-cac-don-vi/", {"kind": "pdf"})
    job = Job.objects.get()  # inline: already run
    assert done["Location"] == f"/viec/{job.pk}/"
    assert (job.state, job.result_name.endswith("-du-thao.zip")) == (Job.State.DONE, True)
