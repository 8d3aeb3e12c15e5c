"""Two application servers on one database, as behind nginx in a national deployment (docs/deploy.md section 17).

Two real `dti serve` processes (gunicorn) share the suite's database: on PostgreSQL its test
database, on SQLite a file copy of it (an in-memory database cannot be shared between
processes; tests/concurrency.py). A person signs in on each; what one saves the other shows; a
save made from a page loaded before that is refused on the other server (409 with the page's
message); a session opened on one server is valid on the other, and so is an evidence file
stored through one in an S3 bucket (moto's S3 API server) and downloaded through the other.
"""

from __future__ import annotations

import contextlib
import html
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.db import connection

from tests.assessments.test_evidence_storage import KEYS, s3_client, s3_endpoint  # noqa: F401  (a fixture)
from tests.concurrency import file_database
from tests.conftest import PASSWORD, ROOT
from tests.core.test_files import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def database_url(folder: Path) -> str:
    """The DATABASE_URL of the database the test sees (inside `file_database` on SQLite)."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{folder / 'dti.sqlite3'}"
    db = connection.settings_dict
    login = urllib.parse.quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        login += ":" + urllib.parse.quote(db["PASSWORD"], safe="")
    return f"postgres://{login}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(env: dict[str, str], log: Path) -> Iterator[int]:
    """`dti serve` (one gunicorn worker, no job worker) on a free port, answering; stopped at the end."""
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "dti"), "serve", "--port", str(port), "--workers", "1", "--job-workers", "0"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        end = time.monotonic() + 120  # a busy CI machine: collectstatic and two Django starts
        while not answers(port):
            if proc.poll() is not None or time.monotonic() > end:
                raise AssertionError(f"dti serve did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.1)
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def answers(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/suc-khoe/")
        return conn.getresponse().status == 200
    except OSError:
        return False


class Browser:
    """A person's browser: cookies (session, CSRF) kept across requests, to whichever server."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self, port: int, method: str, path: str, form: dict[str, str] | None = None, file: bytes | None = None
    ) -> tuple[int, str, bytes]:
        """Status, page text (entities decoded) and raw body; a form is sent with the CSRF token."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            if file is None:
                body = urllib.parse.urlencode(form).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                body, headers["Content-Type"] = multipart(form, file)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response.status, html.unescape(raw.decode(errors="replace")), raw

    def login(self, port: int, username: str) -> None:
        assert self.request(port, "GET", "/dang-nhap/")[0] == 200
        status, page, _ = self.request(port, "POST", "/dang-nhap/", {"username": username, "password": PASSWORD})
        assert status == 302, page[-2000:]


def multipart(form: dict[str, str], data: bytes) -> tuple[bytes, str]:
    """A multipart body with the form's fields and one PDF as `file`."""
    boundary = secrets.token_hex(16)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in form.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="qd.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def version_of(page: str, slug: str) -> str:
    found = re.search(rf'name="version" id="ver-{slug}" value="(\d+)"', page)
    assert found, page[-2000:]
    return found.group(1)


def servers_know_the_password(world) -> None:
    """The suite hashes passwords with MD5, which the servers do not accept: a hash they check (cheaply)."""
    from dti.accounts.hashers import GeneratedPasswordHasher

    hasher = GeneratedPasswordHasher()
    for name in ("reporter", "leader"):
        user = world["users"][name]
        user.password = hasher.encode(PASSWORD, hasher.salt())
        user.save(update_fields=["password"])


def test_two_servers_share_sessions_saves_conflicts_and_evidence(world, tmp_path, s3_endpoint):  # noqa: F811
    servers_know_the_password(world)
    a = world["assessment"]
    index = f"/danh-gia/{a.pk}/chi-so-chinh/I/"
    entry = f"/danh-gia/{a.pk}/chi-so/I.2/"
    s3 = s3_client(s3_endpoint)
    bucket = f"dti-{secrets.token_hex(6)}"
    s3.create_bucket(Bucket=bucket)
    shared = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DTI_", "DATABASE_URL", "PYTEST"))},
        "DJANGO_SETTINGS_MODULE": "dti.settings",
        "DATABASE_URL": database_url(tmp_path),
        "DB_CONN_MAX_AGE": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),  # one key for every server: a session signed on one is valid on all
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "0",
        # The one evidence store: a bucket of the S3 API server (moto's, in this process).
        "DTI_STORAGE": "s3",
        "DTI_S3_BUCKET": bucket,
        "DTI_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_ACCESS_KEY_ID": KEYS["access_key"],
        "AWS_SECRET_ACCESS_KEY": KEYS["secret_key"],
        "AWS_DEFAULT_REGION": "us-east-1",
        "MEDIA_ROOT": str(tmp_path / "evidence"),  # must stay empty
    }
    with (
        file_database(tmp_path),
        serve({**shared, "DTI_VAR_DIR": str(tmp_path / "one")}, tmp_path / "one.log") as one,
        serve({**shared, "DTI_VAR_DIR": str(tmp_path / "two")}, tmp_path / "two.log") as two,
    ):
        reporter, leader = Browser(), Browser()
        reporter.login(one, "reporter")
        leader.login(two, "leader")

        # Both open the index; the leader's page (server two) holds version 0 of I.2.
        assert version_of(reporter.request(one, "GET", index)[1], "I-2") == "0"
        loaded = version_of(leader.request(two, "GET", index)[1], "I-2")
        assert loaded == "0"

        # The reporter saves on server one; server two shows it at once.
        status, page, _ = reporter.request(one, "POST", entry, {"version": loaded, "a": "15", "comment": ""})
        assert status == 302, page[-2000:]
        status, page, _ = leader.request(two, "GET", index)
        assert status == 200 and version_of(page, "I-2") == "1"
        assert re.search(r'id="f-I-2-a"[^>]*value="15"|value="15"[^>]*id="f-I-2-a"', page), page[-3000:]

        # The leader's stale save (version 0) on server two is refused with the page's message.
        status, page, _ = leader.request(two, "POST", entry, {"version": loaded, "a": "12", "comment": ""})
        assert status == 409
        assert "Reporter đã lưu chỉ số I.2 lúc" in page and "Dữ liệu bạn vừa nhập chưa được lưu" in page
        assert version_of(reporter.request(one, "GET", index)[1], "I-2") == "1"  # nothing written

        # The reporter's session, opened on server one, is valid on server two.
        status, page, _ = reporter.request(two, "GET", f"/danh-gia/{a.pk}/")
        assert status == 200 and "UBND huyện Một" in page

        # Evidence uploaded through server two downloads through server one.
        data = pdf_bytes("một kho tài liệu chung")
        status, page, _ = reporter.request(two, "POST", f"/danh-gia/{a.pk}/chi-so/I.1/minh-chung/", {}, file=data)
        assert status == 302, page[-2000:]
        found = re.search(r'href="/danh-gia/minh-chung/(\d+)/"', reporter.request(one, "GET", f"/danh-gia/{a.pk}/")[1])
        assert found
        status, _, body = leader.request(one, "GET", f"/danh-gia/minh-chung/{found.group(1)}/")
        assert status == 200 and body == data
        [stored] = s3.list_objects_v2(Bucket=bucket)["Contents"]
        assert stored["Key"].startswith(f"evidence/{a.pk}/") and stored["Size"] == len(data)
        assert not (tmp_path / "evidence").exists()
