"""What the web benchmarks share: the server, the simulated person's HTTP client, the figures.

`web.py` (50 reporters on one large self-assessment) and `load.py` (200 users doing the whole
mix, then a PostgreSQL restart) import it; it is not run on its own.
"""

from __future__ import annotations

import contextlib
import http.client
import math
import os
import secrets
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def pg_params(url: str) -> dict[str, Any]:
    """psycopg's connection keywords (host, port, user, password; dbname) for a DATABASE_URL."""
    import dj_database_url

    cfg = dj_database_url.parse(url)
    params = {
        k: cfg.get(v) for k, v in (("host", "HOST"), ("port", "PORT"), ("user", "USER"), ("password", "PASSWORD"))
    }
    return {"dbname": cfg["NAME"], **{k: v for k, v in params.items() if v}}


def ensure_database(url: str) -> None:
    """Create the database named in `url` if it does not exist (connecting to 'postgres')."""
    import psycopg
    from psycopg import sql

    params = pg_params(url)
    name = params.pop("dbname")
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Đã tạo cơ sở dữ liệu {name}")


def server_environment(url: str, var_dir: Path) -> dict[str, str]:
    """The environment `dti demo` and `dti serve` run with: this database, a private var folder, production mode."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "dti.settings",
        "DTI_VAR_DIR": str(var_dir),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "0",
    }


def load_demo(env: dict[str, str]) -> str:
    """Migrate and load the sample data (`dti demo`); what it printed if it failed, else ''."""
    demo = subprocess.run([str(ROOT / ".venv" / "bin" / "dti"), "demo"], env=env, capture_output=True, text=True)
    return demo.stdout + demo.stderr if demo.returncode != 0 else ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(
    env: dict[str, str], port: int, workers: int, log: Path, ready_within: float = 60
) -> Iterator[subprocess.Popen[bytes]]:
    """`dti serve` in its own process group, answering within `ready_within` s; stopped (TERM, then KILL) at the end."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "dti"), "serve", "--host", "127.0.0.1", "--port", str(port)]
            + ["--workers", str(workers)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_ready(proc, port, log, ready_within)
            yield proc
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
            print(f"gunicorn đã dừng (mã thoát {proc.returncode})")


def wait_ready(proc: subprocess.Popen[bytes], port: int, log: Path, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"dti serve exited ({proc.returncode}):\n{log.read_text(errors='replace')[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/suc-khoe/")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"dti serve not ready after {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


def machine_busy_seconds() -> float:
    """CPU seconds every core spent busy since boot (/proc/stat), for the load of other programs."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(match: str | int) -> float:
    """User+system CPU of the processes whose command name is `match`, or of that pid and its children."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        rest = stat[stat.rindex(")") + 2 :].split()
        ppid = int(rest[1])
        if (isinstance(match, str) and comm.startswith(match)) or (
            isinstance(match, int) and match in (int(entry), ppid)
        ):
            total += (int(rest[11]) + int(rest[12])) / tick
    return total


class Failed(Exception):
    """A response that counts as an error."""


class Stats:
    """Per kind of request: the latencies of the good answers, bytes received, errors and a few samples."""

    def __init__(self, kinds: list[str]) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {k: [] for k in kinds}
        self.errors: dict[str, int] = dict.fromkeys(kinds, 0)
        self.bytes_in: dict[str, int] = dict.fromkeys(kinds, 0)
        self.samples: list[str] = []

    def ok(self, kind: str, seconds: float, size: int) -> None:
        with self.lock:
            self.times[kind].append(seconds)
            self.bytes_in[kind] += size

    def error(self, kind: str, message: str) -> None:
        with self.lock:
            self.errors[kind] += 1
            if len(self.samples) < 10:
                self.samples.append(f"{kind}: {message}")


@dataclass
class Response:
    status: int
    body: bytes
    headers: http.client.HTTPMessage


class Client:
    """One person's browser: a keep-alive connection to 127.0.0.1 and a cookie jar (session, CSRF)."""

    def __init__(self, port: int, agent: str) -> None:
        self.port, self.agent = port, agent
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.used = 0.0  # when the connection last answered (time.monotonic)

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, str] | None = None,
        htmx: bool = False,
        files: dict[str, tuple[str, str, bytes]] | None = None,
    ) -> Response:
        """Send a request with the cookies (a form or a multipart `files` {field: (name, type, bytes)} body)."""
        headers = {"Host": f"127.0.0.1:{self.port}", "User-Agent": self.agent}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if files is not None:
            data, headers["Content-Type"] = multipart(body or {}, files)
        elif body is not None:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if data is not None:
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        if htmx:
            headers["HX-Request"] = "true"
        if method != "GET" and time.monotonic() - self.used > 1.0:
            # gunicorn closes a keep-alive connection idle for 2 s, and a POST is never resent
            # (see below): after a pause a browser's next form goes out on a fresh connection.
            self.conn.close()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A keep-alive connection the server closed while idle: reconnect once (never
                # resend a POST, which the server may have applied: that counts as an error).
                self.conn.close()
                if attempt == 2 or method != "GET":
                    raise
        self.used = time.monotonic()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:  # a cookie the server deletes (the messages shown, a logout)
                    self.cookies.pop(name, None)
        return Response(response.status, payload, response.headers)

    def login(self, username: str, password: str) -> None:
        """Sign in through the login form (once: the session is kept)."""
        if self.request("GET", "/dang-nhap/").status != 200 or "csrftoken" not in self.cookies:
            raise Failed("login page")
        form = {"username": username, "password": password, "csrfmiddlewaretoken": self.cookies["csrftoken"]}
        status = self.request("POST", "/dang-nhap/", form).status
        if status != 302 or "sessionid" not in self.cookies:
            raise Failed(f"login {username}: {status}")


def step(client: Client, stats: Stats, kind: str, action: Callable[[], int]) -> tuple[bool, float, float]:
    """Run and time one of a user's actions (it returns the bytes received) into `stats`.

    Returns whether it succeeded, and when it started and ended (time.monotonic). A broken
    connection is closed, so that the next request opens a new one.
    """
    t0 = time.monotonic()
    try:
        size = action()
    except Failed as exc:
        stats.error(kind, str(exc))
    except (OSError, http.client.HTTPException) as exc:
        stats.error(kind, f"{type(exc).__name__}: {exc}")
        client.conn.close()
    else:
        t1 = time.monotonic()
        stats.ok(kind, t1 - t0, size)
        return True, t0, t1
    return False, t0, time.monotonic()


def in_threads(items: list[T], concurrency: int, action: Callable[[T], object], label: Callable[[T], str]) -> list[str]:
    """Apply `action` to every item, `concurrency` threads at a time; the failures, as 'label: error'."""
    failures: list[str] = []

    def batch(group: list[T]) -> None:
        for item in group:
            try:
                action(item)
            except (Failed, OSError, http.client.HTTPException) as exc:
                failures.append(f"{label(item)}: {exc}")

    threads = [threading.Thread(target=batch, args=(items[k::concurrency],), daemon=True) for k in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return failures


def multipart(fields: dict[str, str], files: dict[str, tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type, as a browser sends a form with a file."""
    boundary = secrets.token_hex(16)
    out = bytearray()
    for name, value in fields.items():
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    for name, (filename, content_type, content) in files.items():
        out += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        out += content + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def revision() -> str:
    """The commit measured, and whether src/ had uncommitted changes."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "src"], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return "không rõ (không có git)"
    if head.returncode != 0:
        return "không rõ (không phải bản git)"
    return head.stdout.strip() + (" + thay đổi chưa commit trong src/" if dirty.stdout.strip() else "")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(p / 100 * len(ordered)))) - 1]
