"""Notifications: the bell in the header, the list at /thong-bao/, marking read (POST with CSRF), header links."""

from __future__ import annotations

import datetime
import html
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from dti.accounts.context_processors import header
from dti.accounts.models import Notification
from dti.accounts.notifications import notify

URL = "/thong-bao/"


def body(response: Any) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def notes(world: dict[str, Any]) -> dict[str, Notification]:
    users = world["users"]
    old = Notification.objects.create(user=users["reporter"], text="Thông báo cũ", url="/danh-gia/1/")
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    new = Notification.objects.create(user=users["reporter"], text="Thông báo mới", url="/danh-gia/1/giai-trinh/")
    plain = Notification.objects.create(user=users["reporter"], text="Thông báo không có đường dẫn")
    foreign = Notification.objects.create(user=users["other_reporter"], text="Của đơn vị khác")
    return {"old": old, "new": new, "plain": plain, "foreign": foreign}


def test_list_newest_first_only_own(notes: dict[str, Notification], login: Any) -> None:
    response = login("reporter").get(URL)
    assert response.status_code == 200
    text = body(response)
    assert text.index("Thông báo không có đường dẫn") < text.index("Thông báo mới") < text.index("Thông báo cũ")
    assert "Của đơn vị khác" not in text
    assert "3 thông báo chưa đọc" in text


def test_bell_shows_the_unread_count(notes: dict[str, Notification], login: Any) -> None:
    text = body(login("reporter").get("/"))
    assert 'href="/thong-bao/"' in text and '<span class="count" aria-label="thông báo chưa đọc">3</span>' in text
    quiet = body(login("leader").get("/"))
    assert 'href="/thong-bao/"' in quiet and 'class="count"' not in quiet


def test_mark_one_read_and_follow_its_link(notes: dict[str, Notification], login: Any) -> None:
    client = login("reporter")
    response = client.post(URL, {"id": notes["new"].pk, "next": notes["new"].url})
    assert response.status_code == 302 and response["Location"] == "/danh-gia/1/giai-trinh/"
    notes["new"].refresh_from_db()
    notes["old"].refresh_from_db()
    assert notes["new"].read_at is not None and notes["old"].read_at is None
    assert '<span class="count" aria-label="thông báo chưa đọc">2</span>' in body(client.get("/"))


def test_mark_all_read(notes: dict[str, Notification], login: Any) -> None:
    client = login("reporter")
    response = client.post(URL)
    assert response.status_code == 302 and response["Location"] == URL
    assert not Notification.objects.filter(user=notes["new"].user, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=notes["foreign"].pk).read_at is None
    text = body(client.get(URL))
    assert "đã đọc lúc" in text and "chưa đọc" not in text


def test_cannot_mark_someone_elses(notes: dict[str, Notification], login: Any) -> None:
    login("reporter").post(URL, {"id": notes["foreign"].pk})
    assert Notification.objects.get(pk=notes["foreign"].pk).read_at is None


def test_next_outside_the_site_is_ignored(notes: dict[str, Notification], login: Any) -> None:
    response = login("reporter").post(URL, {"id": notes["new"].pk, "next": "https://evil.example/"})
    assert response["Location"] == URL


def test_post_needs_csrf(notes: dict[str, Notification], world: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["reporter"], backend="dti.accounts.backends.UnitModelBackend")
    assert client.post(URL).status_code == 403
    assert Notification.objects.filter(read_at__isnull=True).count() == 4


def test_anonymous_goes_to_login(world: dict[str, Any], login: Any) -> None:
    response = login("anonymous").get(URL)
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
    assert login("anonymous").post(URL).status_code == 302


def test_empty_list(world: dict[str, Any], login: Any) -> None:
    assert "Bạn chưa có thông báo nào." in body(login("viewer").get(URL))


def test_unread_count_is_one_query(
    notes: dict[str, Notification], world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    request = RequestFactory().get("/")
    request.user = world["users"]["reporter"]
    context = header(request)
    with django_assert_num_queries(1):
        assert int(str(context["unread_notifications"])) == 3
        assert bool(context["unread_notifications"])


def test_anonymous_header_runs_no_query(django_assert_num_queries: Any, db: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert header(request) == {"unread_notifications": 0, "nav_appraisal": False, "nav_accounts": False}


@pytest.mark.parametrize(
    ("persona", "appraisal"),
    [
        ("reporter", False),
        ("leader", False),
        ("viewer", False),
        ("appraiser", True),
        ("chair", True),
        ("organiser", True),
        ("admin", True),
    ],
)
def test_header_links(world: dict[str, Any], login: Any, persona: str, appraisal: bool) -> None:
    text = body(login(persona).get("/"))
    assert ('href="/tham-dinh/"' in text) is appraisal
    assert 'href="/ket-qua/">Kết quả công bố' in text


def test_anonymous_sees_published_results_link(world: dict[str, Any], login: Any) -> None:
    text = body(login("anonymous").get("/dang-nhap/"))
    assert 'href="/ket-qua/">Kết quả công bố' in text and 'href="/thong-bao/"' not in text


def test_notify_reaches_the_list_and_mail(
    world: dict[str, Any], login: Any, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    reporter = world["users"]["reporter"]
    reporter.email = "reporter@example.vn"
    reporter.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        notify([reporter, world["users"]["leader"]], "Đề nghị giải trình", url="/danh-gia/1/giai-trinh/")
    assert [m.to for m in mailoutbox] == [["reporter@example.vn"]]
    assert "Đề nghị giải trình" in body(login("leader").get(URL))


def test_the_mails_wait_for_a_worker_the_notices_do_not(
    world: dict[str, Any], settings: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    """A campaign's thousands of mails are a background task, queued once the change commits."""
    from django_tasks_db.models import DBTaskResult

    from dti.accounts.tasks import send_notification_mails

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SITE_URL = "https://dti.example.gov.vn"
    users = world["users"]
    users["leader"].email = "lanhdao@example.gov.vn"
    with django_capture_on_commit_callbacks(execute=True):
        notify([users["reporter"], users["leader"]], "Báo cáo đã được duyệt.", url="/danh-gia/1/")
    assert Notification.objects.filter(text="Báo cáo đã được duyệt.").count() == 2  # on the pages at once
    assert mailoutbox == []  # the page did not wait for the mail server
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "dti.accounts.tasks.send_notification_mails"
    (mails,) = queued.args_kwargs["args"]
    assert send_notification_mails.call(mails) == 1  # what the worker does
    assert [m.to for m in mailoutbox] == [["lanhdao@example.gov.vn"]]
    assert mailoutbox[0].body == "Báo cáo đã được duyệt.\n\nhttps://dti.example.gov.vn/danh-gia/1/"


def test_a_mail_server_that_is_down_is_logged(mailoutbox: list[Any], settings: Any, caplog: Any) -> None:
    from dti.accounts.tasks import send_notification_mails

    settings.EMAIL_BACKEND = "tests.accounts.test_notifications.DownBackend"
    mail = {"subject": "[DTI] Thông báo", "body": "x", "to": ["a@example.gov.vn"]}
    assert send_notification_mails.call([mail]) == 0
    assert "could not send notification e-mail" in caplog.text


class DownBackend:
    """A mail backend whose server does not answer."""

    def __init__(self, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError("mail server down")
