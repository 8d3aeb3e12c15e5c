"""Benchmark: 200 simulated users doing the real mix on `dti serve` + PostgreSQL, then a PostgreSQL restart.

What it does, in order:

1. Starts a PostgreSQL of its own: `initdb` into a temporary folder, `pg_ctl start` on a free
   port of 127.0.0.1 (TCP only; never the machine's PostgreSQL on 5432). As root, the
   PostgreSQL commands run as the `postgres` system account (initdb refuses root).
2. Creates the database and loads the sample data with `dti demo` (migrations + demo data),
   then starts `dti serve` (gunicorn) against it as docs/deploy.md runs it on 2 cores: 5
   processes (2 × cores + 1: one waiting on PostgreSQL or the disk does not leave a core idle),
   one thread each (`--workers`, `--threads`; more than one thread means gunicorn's gthread
   workers, slower for this CPU-bound application on 2 cores, docs/load.md).
3. Signs every simulated user in once through the login form with the demo accounts
   (password `dti-demo-2023`) and keeps the session. The users are, in turn:
   - reporters (kimbang.nhaplieu, 30 %): open the self-assessment page of UBND huyện Kim Bảng at
     their indicator, autosave it (htmx, CSRF, the version from the page; each reporter owns
     one indicator, so a 409 is an error), and every third round upload a small PDF;
   - appraisers (thamdinh, 15 %): open a Bắc Ninh unit's appraisal page and save a verdict on
     their own indicator (an adjusted score with a reason, the version from the page);
   - readers (tochuc, xem, 20 %): the home page, the campaign page and the reports page;
   - the public (anonymous, the rest): /ket-qua/, a published campaign, a unit's results.
4. Baseline: one user of each kind alone, `--baseline-rounds` rounds: the p50 of each kind.
5. Load: every user works for `--seconds` with a think time (`--think`, the mean).
   Prints, per kind: requests, p50/p95/max latency, errors, and p95 / single-user p50; the
   throughput in requests/s. Errors must be 0.
6. Fault: users keep working for `--fault-seconds`; after 10 s the benchmark's PostgreSQL is
   stopped (`pg_ctl stop -m fast`, or `--stop-mode immediate`: a crash), kept down
   `--outage` seconds and started again. Prints the errors before, during and after the
   outage and how many seconds after PostgreSQL was back the platform answered 200 again
   (the first good answer from the database, and the last error). `--health-checks` runs the
   server with Django's CONN_HEALTH_CHECKS on, `DB_CONN_MAX_AGE=0` in the environment without
   persistent database connections, to compare.
7. Checks, straight in the benchmark's PostgreSQL (psycopg), every save a client saw
   acknowledged (autosave 200 with its new version, verdict and upload 302 with the success
   message): each is in the audit log (or the evidence table, and its file on disk), and each
   indicator's final version is at least its last acknowledged one. Lost saves must be 0.

gunicorn and PostgreSQL are stopped and the temporary folder removed at the end, also on
Ctrl+C or an error (`--keep` keeps the folder and its logs). Network traffic stays on
127.0.0.1. Exit code 0 only when there were no errors outside the outage window and no lost
save. Run: `make bench-load` or `.venv/bin/python benchmarks/load.py [--users 200]
[--seconds 60] …` (`--help`). Not a test; the figures are in docs/load.md.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import itertools
import json
import os
import pwd
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from _web_common import (
    Client,
    Failed,
    Response,
    Stats,
    cpu_seconds,
    ensure_database,
    free_port,
    in_threads,
    load_demo,
    machine_busy_seconds,
    percentile,
    pg_params,
    revision,
    serve,
    server_environment,
    step,
)

PASSWORD = "dti-demo-2023"
KINDS = {
    # kind: what it is (the table's legend)
    "workspace": "trang tự đánh giá (GET /danh-gia/<id>/)",
    "autosave": "tự động lưu một chỉ số (POST htmx)",
    "upload": "tải lên tài liệu kiểm chứng PDF (POST multipart)",
    "appraisal": "trang thẩm định một đơn vị (GET /tham-dinh/<id>/)",
    "verdict": "lưu kết luận thẩm định (POST)",
    "home": "trang chủ sau đăng nhập (GET /)",
    "campaign": "trang kỳ đánh giá (GET /ky-danh-gia/<id>/)",
    "reports": "trang báo cáo của kỳ (GET /bao-cao/ky/<id>/)",
    "public": "kết quả công khai, không đăng nhập: danh sách, một kỳ, một đơn vị (GET /ket-qua/…)",
}
ROLES = (("reporter", 0.30), ("appraiser", 0.15), ("reader", 0.20), ("public", 0.35))
HA_NAM = "Đánh giá DTI cấp huyện tỉnh Hà Nam năm 2023"
BAC_NINH = "Đánh giá DTI tỉnh Bắc Ninh năm 2023 (dữ liệu mẫu)"


# --- the benchmark's own PostgreSQL --------------------------------------------------------


def pg_binary(name: str) -> str:
    """A PostgreSQL program: on PATH, or in the newest /usr/lib/postgresql/<version>/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if not candidates:
        raise RuntimeError(f"không tìm thấy {name} của PostgreSQL (cài gói postgresql)")
    return str(candidates[-1])


class Postgres:
    """A throw-away PostgreSQL cluster in `folder`, listening on 127.0.0.1:`port` only."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port = folder, port
        self.data, self.log = folder / "data", folder / "postgresql.log"
        self.account: pwd.struct_passwd | None = None
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            try:
                self.account = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise RuntimeError("chạy bằng root cần tài khoản hệ thống 'postgres' (gói postgresql)") from exc

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/dti_load"

    def _run(self, *command: str) -> None:
        account = self.account

        def drop_root() -> None:
            if account is not None:
                os.setgid(account.pw_gid)
                os.setuid(account.pw_uid)

        done = subprocess.run(command, capture_output=True, text=True, preexec_fn=drop_root, cwd=self.folder)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)}: {done.stdout}{done.stderr}")

    def init(self) -> None:
        self.folder.mkdir()
        if self.account is not None:
            os.chown(self.folder, self.account.pw_uid, self.account.pw_gid)
            self.folder.parent.chmod(0o711)  # the postgres account reaches its folder, nothing else
        self._run(pg_binary("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=100"
        self._run(
            pg_binary("pg_ctl"), "start", "-w", "-t", "120", "-D", str(self.data), "-l", str(self.log), "-o", options
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(pg_binary("pg_ctl"), "stop", "-w", "-t", "120", "-m", mode, "-D", str(self.data))

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


@contextlib.contextmanager
def postgres(folder: Path) -> Iterator[Postgres]:
    """The benchmark's PostgreSQL, started; stopped (immediately) however the block ends."""
    server = Postgres(folder, free_port())
    server.init()
    server.start()
    try:
        yield server
    finally:
        if server.running():
            with contextlib.suppress(RuntimeError):
                server.stop("immediate")
        print("PostgreSQL của phép đo đã dừng")


# --- what the users work on ------------------------------------------------------------------


@dataclass
class Targets:
    """What the demo data offers the users, found once before the run."""

    kim_bang: int  # the assessment the reporters edit
    ha_nam: int  # its campaign
    bac_ninh: int  # the campaign being appraised (readers' campaign and reports pages)
    entries: list[tuple[str, str, dict[str, str]]]  # (code, main index, the form's other fields) for reporters
    reviews: list[tuple[int, str, list[str]]]  # (assessment, code, two valid scores) for appraisers
    media_root: Path


def form_text(value: object) -> str:
    """A stored value as the form carries it (Vietnamese decimal comma, yes/no)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace(".", ",")


def find_targets(per_assessment: int) -> Targets:
    """Kim Bảng's indicators a reporter can autosave and Bắc Ninh verdicts an appraiser can save.

    Each candidate form is checked with the platform's own parsers, so a refusal during the run
    is the platform's, not a form this script got wrong.
    """
    from django.conf import settings

    from dti.accounts.models import User
    from dti.appraisal.services import parse_review
    from dti.assessments.models import Assessment
    from dti.assessments.services import parse_entry
    from dti.campaigns.models import Campaign

    ha_nam = Campaign.objects.get(name=HA_NAM)
    bac_ninh = Campaign.objects.get(name=BAC_NINH)
    kim_bang = Assessment.objects.get(participation__campaign=ha_nam, participation__unit__name="UBND huyện Kim Bảng")
    engine = kim_bang.framework()
    inputs = kim_bang.unit_inputs()
    stored = {e.code: e for e in kim_bang.entries.all()}
    entries = []
    for item in engine.indicators:
        if item.reference_only:
            continue
        entry = stored.get(item.code)
        form: dict[str, str] = {}
        if entry is not None:
            own = {f.name for f in item.inputs if not f.source}
            form = {k: form_text(v) for k, v in entry.values.items() if k in own and v is not None}
            for name in ("score", "self_score"):
                if getattr(entry, name) is not None:
                    form[name] = form_text(getattr(entry, name))
        data = {**form, "comment": "Thử tải", "na_reason": ""}
        _parsed, errors = parse_entry(item, data, inputs.general, entry.values if entry else None)
        if not errors:
            entries.append((item.code, item.index, form))
    appraiser = User.objects.get(username="thamdinh")
    per_unit: list[list[tuple[int, str, list[str]]]] = []
    for assessment in Assessment.objects.filter(
        participation__campaign=bac_ninh,
        status=Assessment.Status.SUBMITTED,
        participation__assignments__appraiser=appraiser,
    ).order_by("pk"):
        claimed = assessment.unit_inputs().values
        reviewed = set(assessment.reviews.values_list("code", flat=True))
        found: list[tuple[int, str, list[str]]] = []
        for item in assessment.framework().indicators:
            if len(found) == per_assessment:
                break
            if item.reference_only or item.code in reviewed or item.max is None or item.max < 1:
                continue
            scores = ["0", "1"]
            forms = [{"score": score, "reason": "Thử tải"} for score in scores]
            if not any(parse_review(item, claimed.get(item.code, {}), form)[1] for form in forms):
                found.append((assessment.pk, item.code, scores))
        per_unit.append(found)
    # In turn from each unit, as several appraisers would share the units.
    reviews = [r for group in itertools.zip_longest(*per_unit) for r in group if r is not None]
    return Targets(kim_bang.pk, ha_nam.pk, bac_ninh.pk, entries, reviews, Path(settings.MEDIA_ROOT))


# --- the simulated users --------------------------------------------------------------------


@dataclass
class Ack:
    """A save a client saw acknowledged: what must be found in the database afterwards."""

    kind: str  # autosave, verdict, upload
    assessment: int
    code: str
    marker: str  # the comment, reason or file name that makes this save unique
    version: int = 0  # the version the answer gave (autosave), or the one sent + 1 (verdict)


@dataclass
class Ledger:
    """Every request's outcome in time (for the fault phase) and every acknowledged save."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    events: list[tuple[float, float, str, bool]] = field(default_factory=list)  # start, end, kind, ok
    acks: list[Ack] = field(default_factory=list)

    def event(self, start: float, end: float, kind: str, ok: bool) -> None:
        with self.lock:
            self.events.append((start, end, kind, ok))

    def ack(self, ack: Ack) -> None:
        with self.lock:
            self.acks.append(ack)


def success_message(response: Response) -> str:
    """The success message Django's cookie message storage sets with a redirect ('' if none).

    The cookie is `base64:timestamp:signature`, zlib-compressed when it starts with '.'; the signature is
    the server's business, the text is what the person would see on the next page.
    """
    for header in response.headers.get_all("Set-Cookie") or []:
        match = re.match(r'messages="?([^";]*)', header)
        if not match or not match.group(1):
            continue
        payload = match.group(1).split(":", 1)[0]
        compressed = payload.startswith(".")
        raw = payload.lstrip(".")
        data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        messages = json.loads(zlib.decompress(data) if compressed else data)
        return " ".join(m[3] for m in messages if isinstance(m, list) and len(m) > 3 and m[2] == 25)
    return ""


def small_pdf() -> bytes:
    """A one-page PDF made with fpdf2, as a scanned document would be attached."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 8, "Bao cao chuyen doi so nam 2023 (tai lieu kiem chung thu tai)\n" * 10)
    return bytes(pdf.output())


class Person(Client):
    """One simulated user: a role, an account (none for the public) and, for writers, what they own."""

    def __init__(self, port: int, number: int, role: str, username: str, ledger: Ledger) -> None:
        super().__init__(port, "dti-bench-load")
        self.number, self.role, self.username, self.ledger = number, role, username, ledger
        self.round = 0
        self.rng = random.Random(number)
        self.version = -1
        # What the user owns: set by the caller for reporters and appraisers.
        self.assessment, self.code, self.index = 0, "", ""
        self.form: dict[str, str] = {}
        self.scores: list[str] = []
        self.pdf = b""
        self.campaign, self.reports_campaign = 0, 0
        self.links: list[bytes] = []  # the public's next pages, from the page it is on

    def get(self, path: str, expect: int = 200) -> bytes:
        response = self.request("GET", path)
        if response.status != expect:
            raise Failed(f"GET {path}: {response.status}")
        return response.body

    def actions(self) -> list[tuple[str, Callable[[], int]]]:
        """The requests of one round, in order, for this user's role."""
        self.round += 1
        if self.role == "reporter":
            steps = [("workspace", self.workspace), ("autosave", self.autosave)]
            if self.round % 3 == 0:
                steps.append(("upload", self.upload))
            return steps
        if self.role == "appraiser":
            return [("appraisal", self.appraisal), ("verdict", self.verdict)]
        if self.role == "reader":
            steps = [("home", self.home), ("campaign", self.campaign_page)]
            if self.reports_campaign:
                steps.append(("reports", self.reports))
            return steps
        return [("public", self.public_index), ("public", self.public_campaign), ("public", self.public_unit)]

    # reporter

    def workspace(self) -> int:
        slug = "".join(c if c.isalnum() else "-" for c in self.code)
        body = self.get(f"/danh-gia/{self.assessment}/?chi-so-chinh={self.index}")
        match = re.search(rf'id="ver-{re.escape(slug)}" value="(\d+)"'.encode(), body)
        if not match:
            raise Failed(f"no version field for {self.code}")
        self.version = int(match.group(1))
        return len(body)

    def autosave(self) -> int:
        marker = f"Thử tải: người dùng {self.number:03d}, lần {self.round}"
        form = {**self.form, "version": str(self.version), "comment": marker, "na_reason": ""}
        response = self.request("POST", f"/danh-gia/{self.assessment}/chi-so/{self.code}/", form, htmx=True)
        if response.status != 200:
            text = re.sub(r"\s+", " ", response.body.decode(errors="replace"))[:160]
            raise Failed(f"autosave {self.code} {response.status} {text}")
        slug = "".join(c if c.isalnum() else "-" for c in self.code)
        match = re.search(rf'id="ver-{re.escape(slug)}" value="(\d+)"'.encode(), response.body)
        if not match or int(match.group(1)) != self.version + 1:
            raise Failed(f"autosave {self.code}: 200 without the next version")
        self.version += 1
        self.ledger.ack(Ack("autosave", self.assessment, self.code, marker, self.version))
        return len(response.body)

    def upload(self) -> int:
        name = f"thu-tai-{self.number:03d}-{self.round}.pdf"
        path = f"/danh-gia/{self.assessment}/chi-so/{self.code}/minh-chung/"
        fields = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        response = self.request("POST", path, fields, files={"file": (name, "application/pdf", self.pdf)})
        if response.status != 302 or name not in success_message(response):
            raise Failed(f"upload {self.code}: {response.status} {success_message(response)!r}")
        self.ledger.ack(Ack("upload", self.assessment, self.code, name))
        return len(response.body)

    # appraiser

    def appraisal(self) -> int:
        body = self.get(f"/tham-dinh/{self.assessment}/")
        action = f'action="/tham-dinh/{self.assessment}/chi-so/{self.code}/"'.encode()
        at = body.find(action)
        match = re.compile(rb'name="version" value="(\d+)"').search(body, at) if at >= 0 else None
        if match is None:
            raise Failed(f"no verdict form for {self.code}")
        self.version = int(match.group(1))
        return len(body)

    def verdict(self) -> int:
        marker = f"Thử tải: thẩm định viên {self.number:03d}, lần {self.round}"
        form = {
            "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
            "version": str(self.version),
            "score": self.scores[self.round % 2],
            "reason": marker,
        }
        response = self.request("POST", f"/tham-dinh/{self.assessment}/chi-so/{self.code}/", form)
        if response.status != 302 or "Đã lưu kết luận" not in success_message(response):
            raise Failed(f"verdict {self.assessment}/{self.code}: {response.status}")
        self.ledger.ack(Ack("verdict", self.assessment, self.code, marker, self.version + 1))
        return len(response.body)

    # reader

    def home(self) -> int:
        return len(self.get("/"))

    def campaign_page(self) -> int:
        return len(self.get(f"/ky-danh-gia/{self.campaign}/"))

    def reports(self) -> int:
        return len(self.get(f"/bao-cao/ky/{self.reports_campaign}/"))

    # public

    def public_index(self) -> int:
        """The results site's list of published campaigns (the links the next steps follow)."""
        body = self.get("/ket-qua/")
        self.links = sorted(set(re.findall(rb'href="(/ket-qua/\d+/)"', body)))
        if not self.links:
            raise Failed("no published campaign on /ket-qua/")
        return len(body)

    def public_campaign(self) -> int:
        body = self.get(self.rng.choice(self.links).decode())
        self.links = sorted(set(re.findall(rb'href="(/ket-qua/\d+/don-vi/[^"]+/)"', body)))
        if not self.links:
            raise Failed("no unit on a published campaign's page")
        return len(body)

    def public_unit(self) -> int:
        return len(self.get(self.rng.choice(self.links).decode()))


def people(port: int, users: int, targets: Targets, ledger: Ledger) -> list[Person]:
    """The `users` simulated users by role (the shares of ROLES, writers capped by what they can own)."""
    counts = {role: max(1, int(users * share)) for role, share in ROLES}
    counts["reporter"] = min(counts["reporter"], len(targets.entries))
    counts["appraiser"] = min(counts["appraiser"], len(targets.reviews))
    counts["public"] = users - sum(n for role, n in counts.items() if role != "public")
    pdf = small_pdf()
    result: list[Person] = []
    for role, _share in ROLES:
        for k in range(counts[role]):
            n = len(result) + 1
            if role == "reporter":
                person = Person(port, n, role, "kimbang.nhaplieu", ledger)
                person.assessment = targets.kim_bang
                person.code, person.index, person.form = targets.entries[k]
                person.pdf = pdf
            elif role == "appraiser":
                person = Person(port, n, role, "thamdinh", ledger)
                person.assessment, person.code, person.scores = targets.reviews[k]
            elif role == "reader":
                organiser = k % 2 == 0
                person = Person(port, n, role, "tochuc" if organiser else "xem", ledger)
                person.campaign = targets.bac_ninh
                person.reports_campaign = targets.bac_ninh if organiser else 0
            else:
                person = Person(port, n, role, "", ledger)
            result.append(person)
    return result


def run_person(person: Person, stats: Stats, end: float, think: float, stop: threading.Event) -> None:
    """Work until `end`: each round's requests, a think time (uniform ½–1½ × mean) after each."""
    if think and stop.wait(person.rng.uniform(0, think)):  # arrive spread over one think time
        return
    while not stop.is_set():
        for kind, action in person.actions():
            if time.monotonic() >= end or stop.is_set():
                return
            ok, t0, t1 = step(person, stats, kind, action)
            person.ledger.event(t0, t1, kind, ok)
            pause = person.rng.uniform(0.5 * think, 1.5 * think) if think else 0
            if pause and stop.wait(min(pause, max(0.0, end - time.monotonic()))):
                return
            if not ok:
                break  # after a failed step, and a pause, the round starts over (the person reloads the page)


def work(persons: list[Person], stats: Stats, seconds: float, think: float, stop: threading.Event) -> float:
    """All `persons` working for `seconds` (each in a thread); the time it took."""
    start = time.monotonic()
    end = start + seconds
    threads = [threading.Thread(target=run_person, args=(p, stats, end, think, stop), daemon=True) for p in persons]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - start


def sign_in(persons: list[Person], concurrency: int) -> None:
    """Sign every user with an account in once (the demo password), `concurrency` at a time."""
    t0 = time.monotonic()
    accounts = [p for p in persons if p.username]
    failures = in_threads(accounts, concurrency, lambda p: p.login(p.username, PASSWORD), lambda p: p.username)
    if failures:
        raise RuntimeError("Đăng nhập thất bại:\n  " + "\n  ".join(failures[:10]))
    took = time.monotonic() - t0
    print(
        f"{len(accounts)} người dùng đã đăng nhập, {len(persons) - len(accounts)} khách không đăng nhập ({took:.1f} s)"
    )


# --- the figures ----------------------------------------------------------------------------


def baseline(persons: list[Person], rounds: int) -> dict[str, float]:
    """Single-user p50 of each kind: one user of each role alone, `rounds` rounds, no think time."""
    stats = Stats(list(KINDS))
    seen: set[str] = set()
    for person in persons:
        if person.role in seen:
            continue
        seen.add(person.role)
        for _ in range(rounds):
            for kind, action in person.actions():
                if not step(person, stats, kind, action)[0]:
                    raise RuntimeError(f"phép đo một người dùng: {stats.samples[-1]}")
    return {kind: percentile(times, 50) for kind, times in stats.times.items() if times}


def table(stats: Stats, elapsed: float, single: dict[str, float]) -> None:
    """Per kind: requests, requests/s, p50/p95/max, errors, p95 / single-user p50; then the totals."""
    print(
        f"{'loại':<10} {'số yc':>7} {'yc/s':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'lỗi':>5} "
        f"{'1 người p50':>11} {'p95/1 người':>11}"
    )
    for kind in KINDS:
        t = stats.times[kind]
        if not t and not stats.errors[kind]:
            continue
        p95 = percentile(t, 95)
        alone = single.get(kind, 0.0)
        ratio = f"{p95 / alone:.1f} x" if alone else "—"
        print(
            f"{kind:<10} {len(t):>7} {len(t) / elapsed:>6.1f} {percentile(t, 50) * 1000:>8.0f} {p95 * 1000:>8.0f} "
            f"{max(t, default=0) * 1000:>8.0f} {stats.errors[kind]:>5} {alone * 1000:>11.0f} {ratio:>11}"
        )
    done, errors = sum(len(t) for t in stats.times.values()), sum(stats.errors.values())
    print(f"Tổng: {done} yêu cầu trả lời đúng trong {elapsed:.1f} s = {done / elapsed:.1f} yêu cầu/s; lỗi: {errors}")
    for sample in stats.samples:
        print(f"  lỗi: {sample}")


@dataclass
class Outage:
    down: float  # when `pg_ctl stop` was called (monotonic)
    up: float  # when `pg_ctl start -w` returned: PostgreSQL accepts connections again


def inject_fault(server: Postgres, delay: float, outage: float, mode: str, stop: threading.Event) -> Outage | None:
    """After `delay` s stop PostgreSQL (`mode`), keep it down `outage` s, start it; the times."""
    if stop.wait(delay):
        return None
    down = time.monotonic()
    server.stop(mode)
    print(f"  PostgreSQL dừng (pg_ctl stop -m {mode}, {time.monotonic() - down:.1f} s)")
    stop.wait(outage)
    server.start()
    up = time.monotonic()
    print(f"  PostgreSQL chạy lại sau {up - down:.1f} s (pg_ctl start -w trả về)")
    return Outage(down, up)


def fault_report(events: list[tuple[float, float, str, bool]], outage: Outage) -> bool:
    """Errors before, during and after the outage, and the recovery time; True if none outside the window."""
    before = sum(1 for s, e, _k, ok in events if not ok and e < outage.down)
    during = sum(1 for s, e, _k, ok in events if not ok and outage.down <= e <= outage.up)
    after = [(s, e, k) for s, e, k, ok in events if not ok and e > outage.up]
    good = sorted(e for s, e, _k, ok in events if ok and s >= outage.up)
    first = (good[0] - outage.up) if good else None
    last_error = max((e for _s, e, _k in after), default=None)
    print(f"Lỗi trước sự cố: {before}; trong lúc PostgreSQL dừng: {during}; sau khi PostgreSQL chạy lại: {len(after)}")
    if after:
        kinds = sorted({k for _s, _e, k in after})
        print(f"  lỗi sau khi chạy lại thuộc: {', '.join(kinds)}; lỗi cuối cùng {last_error - outage.up:.1f} s sau")
    if first is None:
        print("Nền tảng KHÔNG trả lời 200 sau khi PostgreSQL chạy lại")
        return False
    healthy = max(first, (last_error - outage.up) if last_error is not None else 0.0)
    print(
        f"Trả lời 200 (dùng cơ sở dữ liệu) {first:.1f} s sau khi PostgreSQL chạy lại; "
        f"không còn lỗi từ {healthy:.1f} s sau"
    )
    return before == 0


def check_saves(url: str, ledger: Ledger, media_root: Path) -> int:
    """Every acknowledged save, looked up in the benchmark's PostgreSQL; the number missing."""
    import psycopg

    with psycopg.connect(**pg_params(url)) as conn:
        audit = set(
            conn.execute(
                "SELECT object_id, code, new #>> '{}' FROM audit_auditentry "
                "WHERE action = 'entry.save' AND field = 'comment'"
            ).fetchall()
        )
        audit |= set(conn.execute("SELECT object_id, code, comment FROM audit_auditentry WHERE action = 'review.save'"))
        evidence = {
            (str(a), c, n): f
            for a, c, n, f in conn.execute("SELECT assessment_id, code, original_name, file FROM assessments_evidence")
        }
        versions = {
            (str(a), c): v for a, c, v in conn.execute("SELECT assessment_id, code, version FROM assessments_entry")
        }
        versions.update(
            {
                ("r", str(a), c): v
                for a, c, v in conn.execute("SELECT assessment_id, code, version FROM appraisal_review")
            }
        )
    lost: list[str] = []
    last: dict[tuple[str, ...], int] = {}
    for ack in ledger.acks:
        key = (str(ack.assessment), ack.code, ack.marker)
        if ack.kind == "upload":
            stored = evidence.get(key)
            if stored is None or not (media_root / stored).is_file():
                lost.append(f"upload {key}")
            continue
        if key not in audit:
            lost.append(f"{ack.kind} {key}")
        place = (str(ack.assessment), ack.code) if ack.kind == "autosave" else ("r", str(ack.assessment), ack.code)
        last[place] = max(last.get(place, 0), ack.version)
    behind = [f"{place}: {versions.get(place)} < {v}" for place, v in last.items() if versions.get(place, -1) < v]
    counts = {k: sum(1 for a in ledger.acks if a.kind == k) for k in ("autosave", "verdict", "upload")}
    print(
        f"Lưu đã xác nhận: {counts['autosave']} tự động lưu, {counts['verdict']} kết luận, {counts['upload']} tệp; "
        f"đối chiếu với PostgreSQL: mất {len(lost)}, phiên bản lùi {len(behind)}"
    )
    for line in (lost + behind)[:10]:
        print(f"  MẤT: {line}")
    return len(lost) + len(behind)


# --- main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog="The steps: the top of this file. The figures: docs/load.md."
    )
    parser.add_argument("--users", type=int, default=200, help="simulated users (default 200)")
    parser.add_argument("--seconds", type=float, default=60, help="length of the load phase in seconds (default 60)")
    parser.add_argument(
        "--think",
        type=float,
        default=5.0,
        help="mean pause between a user's requests, in seconds (default 5; 0 = none)",
    )
    parser.add_argument("--workers", type=int, default=5, help="gunicorn processes (default 5, as docs/deploy.md)")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per gunicorn process (default 1; more: gthread workers)"
    )
    parser.add_argument("--baseline-rounds", type=int, default=5, help="single-user rounds per role (default 5)")
    parser.add_argument(
        "--fault-seconds", type=float, default=40, help="length of the fault phase (default 40; 0 = no fault phase)"
    )
    parser.add_argument("--outage", type=float, default=5, help="seconds PostgreSQL stays down (default 5)")
    parser.add_argument(
        "--stop-mode",
        choices=["fast", "immediate"],
        default="fast",
        help="how PostgreSQL is stopped: fast (clean shutdown) or immediate (a crash; recovery from the WAL)",
    )
    parser.add_argument(
        "--health-checks",
        action="store_true",
        help=(
            "run the server with Django's CONN_HEALTH_CHECKS on (a persistent database connection is tested "
            "before a request reuses it), to measure the recovery with it; dti.settings does not set it"
        ),
    )
    parser.add_argument("--login-concurrency", type=int, default=4, help="users signing in at once (default 4)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, database) at the end")
    args = parser.parse_args(argv)
    if args.users < 4:
        parser.error("--users: at least 4 (one of each role)")
    if args.fault_seconds and args.fault_seconds < 10 + args.outage + 5:
        parser.error("--fault-seconds: at least 15 s more than --outage (the outage starts after 10 s)")

    tmp = Path(tempfile.mkdtemp(prefix="dti-bench-load-"))
    previous = signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    code = 1
    try:
        code = run(args, tmp)
    except KeyboardInterrupt:
        print("Đã dừng (Ctrl+C).")
        code = 130
    except RuntimeError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
    finally:
        signal.signal(signal.SIGTERM, previous)
        if args.keep:
            print(f"Giữ lại {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return code


def run(args: argparse.Namespace, tmp: Path) -> int:
    """PostgreSQL, data, server, users; the three phases; the check. 0 when every figure is as it must be."""
    t0 = time.monotonic()
    with postgres(tmp / "postgres") as server:
        print(f"PostgreSQL của phép đo: 127.0.0.1:{server.port}, dữ liệu {server.data}")
        env = environment(server.url, tmp, args)
        targets = prepare(server.url, env, args.users)
        port = free_port()
        # A loaded machine may take long to import the application in every worker at once.
        with serve(env, port, args.workers, tmp / "gunicorn.log", ready_within=300) as proc:
            shape = f"{args.workers} tiến trình × {args.threads} luồng"
            print(f"dti serve: http://127.0.0.1:{port}/, {shape} (pid {proc.pid})")
            ledger = Ledger()
            persons = people(port, args.users, targets, ledger)
            print(
                "Người dùng: "
                + ", ".join(f"{sum(1 for p in persons if p.role == r)} {r}" for r, _s in ROLES)
                + f" (chuẩn bị {time.monotonic() - t0:.0f} s)"
            )
            sign_in(persons, args.login_concurrency)
            single = baseline(persons, args.baseline_rounds)
            cpu0 = (cpu_seconds(proc.pid), time.process_time(), machine_busy_seconds())
            stats = Stats(list(KINDS))
            stop = threading.Event()
            elapsed = work(persons, stats, args.seconds, args.think, stop)
            cpu1 = (cpu_seconds(proc.pid), time.process_time(), machine_busy_seconds())
            print(f"\nMã nguồn: {revision()}; máy: {os.cpu_count()} lõi, {shape}")
            print(f"{args.users} người dùng, nghỉ trung bình {args.think:g} s giữa hai yêu cầu")
            print(f"\n== Tải: {args.seconds:g} s ==")
            table(stats, elapsed, single)
            gunicorn, client, busy = (b - a for a, b in zip(cpu0, cpu1, strict=True))
            done = max(1, sum(len(t) for t in stats.times.values()))
            print(
                f"CPU trong {elapsed:.0f} s ({os.cpu_count()} lõi): gunicorn {gunicorn:.0f} s "
                f"({gunicorn * 1000 / done:.0f} ms mỗi yêu cầu), client {client:.0f} s, "
                f"chương trình khác (cả PostgreSQL) {max(0.0, busy - gunicorn - client):.0f} s"
            )
            clean = sum(stats.errors.values()) == 0
            if args.fault_seconds:
                clean = fault_phase(args, persons, server, single) and clean
        lost = check_saves(server.url, ledger, targets.media_root)
    ok = clean and lost == 0
    verdict = "ĐẠT" if ok else "KHÔNG ĐẠT"
    print(f"\nKết quả: {verdict} (lỗi ngoài lúc PostgreSQL dừng: {'không' if clean else 'có'}; lưu bị mất: {lost})")
    return 0 if ok else 1


def fault_phase(args: argparse.Namespace, persons: list[Person], server: Postgres, single: dict[str, float]) -> bool:
    """Users keep working while PostgreSQL is stopped and started again; True if no error outside the outage."""
    print(f"\n== Sự cố: {args.fault_seconds:g} s, PostgreSQL dừng {args.outage:g} s sau giây thứ 10 ==")
    ledger = persons[0].ledger
    start = len(ledger.events)
    stats = Stats(list(KINDS))
    stop = threading.Event()
    result: list[Outage | None] = []
    fault = threading.Thread(
        target=lambda: result.append(inject_fault(server, 10, args.outage, args.stop_mode, stop)), daemon=True
    )
    fault.start()
    elapsed = work(persons, stats, args.fault_seconds, args.think, stop)
    fault.join()
    table(stats, elapsed, single)
    if not result or result[0] is None:
        return False
    return fault_report(ledger.events[start:], result[0])


def environment(url: str, tmp: Path, args: argparse.Namespace) -> dict[str, str]:
    """The server's settings: the benchmark's database, a private var folder, gunicorn's threads if more than one."""
    env = server_environment(url, tmp / "var")
    if args.threads > 1:
        env["GUNICORN_CMD_ARGS"] = f"--threads {args.threads}"
    if args.health_checks:
        (tmp / "load_settings.py").write_text(
            '"""dti.settings with CONN_HEALTH_CHECKS on (benchmarks/load.py --health-checks)."""\n'
            "from dti.settings import *  # noqa: F403\n"
            'DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405\n'
        )
        sys.path.insert(0, str(tmp))
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp), os.environ.get("PYTHONPATH")]))
        env["DJANGO_SETTINGS_MODULE"] = "load_settings"
    return env


def prepare(url: str, env: dict[str, str], users: int) -> Targets:
    """Create the database, load the demo data (`dti demo`), find what the users work on."""
    t0 = time.monotonic()
    ensure_database(url)
    failed = load_demo(env)
    if failed:
        raise RuntimeError(f"dti demo: {failed}")
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connections

    targets = find_targets(per_assessment=max(1, users // 20))
    connections.close_all()
    print(
        f"Dữ liệu mẫu đã nạp ({time.monotonic() - t0:.0f} s): {len(targets.entries)} chỉ số Kim Bảng, "
        f"{len(targets.reviews)} chỉ số Bắc Ninh chờ thẩm định"
    )
    return targets


if __name__ == "__main__":
    sys.exit(main())
