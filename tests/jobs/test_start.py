"""Starting a job: it runs (inline in the tests), records progress, state, result and message;
a refused or broken job writes nothing and says why."""

from __future__ import annotations

from typing import Any

import pytest

from dti.accounts.models import Notification
from dti.jobs.models import Job
from dti.jobs.services import start
from tests.jobs import sample

pytestmark = pytest.mark.django_db


def test_a_job_runs_and_keeps_its_result(world: dict[str, Any]) -> None:
    organiser = world["users"]["organiser"]
    job = start(sample.notes, by=organiser, title="Ghi chú", texts=["một", "hai"])
    assert job.state == Job.State.DONE
    assert (job.done, job.total, job.percent, job.attempts) == (2, 2, 100, 1)
    assert job.message == "2 ghi chú"
    assert job.result_name == "ghi-chu.txt"
    assert job.result.read() == "một\nhai".encode()
    notes = Notification.objects.filter(user=organiser).order_by("pk")
    assert [(n.text, n.url) for n in notes] == [
        ("một", "/ghi-chu/"),
        ("hai", "/ghi-chu/"),
        ("Việc “Ghi chú” đã xong. 2 ghi chú", f"/viec/{job.pk}/"),  # the owner may have left the page
    ]


@pytest.mark.parametrize(
    ("function", "message"),
    [
        (sample.refused, "Kỳ đánh giá đã công bố, không chạy được việc này."),
        (sample.forbidden, "Chỉ cơ quan tổ chức đánh giá mới được đính chính kết quả đã công bố."),
        (sample.broken, "Lỗi hệ thống khi chạy việc này; không có thay đổi nào được lưu. Hãy thử lại sau."),
    ],
)
def test_a_failed_job_writes_nothing_and_says_why(world: dict[str, Any], function: Any, message: str) -> None:
    organiser = world["users"]["organiser"]
    job = start(function, by=organiser, title="Việc hỏng")
    assert job.state == Job.State.FAILED
    assert job.message == message
    assert job.finished_at is not None
    assert not Notification.objects.filter(user=organiser, text="một nửa").exists()
    told = Notification.objects.get(user=organiser, url=f"/viec/{job.pk}/")
    assert told.text == f"Việc “Việc hỏng” không thành công. {message}"


def test_only_marked_functions_are_jobs(world: dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        start(print, by=world["users"]["organiser"], title="?")  # type: ignore[arg-type]
