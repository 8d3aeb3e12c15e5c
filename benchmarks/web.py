"""Benchmark: the self-assessment page and autosave under 50 simulated users, on gunicorn + PostgreSQL.

What it does, in order:

1. Prepares a PostgreSQL database (DATABASE_URL, by default
   postgres://postgres@127.0.0.1:5432/dti_bench, created if missing) with `dti demo`
   (migrations + the sample data).
2. Writes a framework file with 100 indicators (ratio, yes/no, choice and manual scoring in
   turn) to a temporary directory, registers it (Framework model) and gives one unit an open
   campaign, an assessment with every indicator filled in, and 50 reporter accounts. This
   part is reset at every run, so runs compare.
3. Starts `dti serve` (gunicorn) on a free port of 127.0.0.1 and signs the 50 users in
   through the login form.
4. For a fixed time each user repeats: (a) GET its 100-indicator self-assessment page (a
   framework this large shows one main index at a time, so the user opens the page at the
   index of its indicator: summary, general info, all index scores and that index's 10
   indicators; the other indices load when opened),
   (b) POST an autosave of its own indicator (htmx fragment; each user owns a different
   indicator and carries the version from the previous response, so a 409 is an error),
   (c) GET the trivial /suc-khoe/ view; with a think time between requests (`--think`,
   the mean in seconds; 0 = no pause, a saturation test).
5. Prints p50/p95/max latency and throughput per kind, errors, CPU used by gunicorn,
   PostgreSQL and this client, and as the last line:

       page p95: X ms; save p95: Y ms; trivial p95: Z ms; errors: N; page/trivial: R x

gunicorn is stopped at the end, also on Ctrl+C or an error. Network traffic stays on
127.0.0.1. Run: `make bench-web` or `.venv/bin/python benchmarks/web.py [--users 50]
[--duration 20] [--workers N] [--think 1.0] [--nice -10]`; GUNICORN_CMD_ARGS passes options
to gunicorn (e.g. "--worker-class gthread --threads 4"). Not a test.

On a machine shared with other work, the "CPU" line shows how much the other programs took;
`--nice -10` (root) gives gunicorn, the client and the PostgreSQL backends of the benchmark
database priority, which comes closer to a dedicated server (with the kernel's autogroup
scheduling the priority is set on the gunicorn and client sessions as a whole).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from _web_common import (
    Client,
    Failed,
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

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dti_bench"
FRAMEWORK_CODE = "thu-tai-100-chi-so"
UNIT_NAME = "UBND huyện Thử Tải (benchmark)"
CAMPAIGN_NAME = "Thử tải: tự đánh giá 100 chỉ số (benchmark)"
USER_PREFIX = "thutai.nhaplieu"
PASSWORD = "thu-tai-2023-mat-khau"
KINDS = ["ratio", "yes_no", "choice", "manual"]
INDICES, PER_INDEX = 10, 10
SO_XA = 40  # general info: number of communes (denominator of some ratios)


# --- the framework and the data -----------------------------------------------------------


def indicator_spec(code: str, n: int) -> dict[str, Any]:
    """Indicator number `n` (0-based): kind KINDS[n % 4], 10 points, evidence required on every third."""
    kind = KINDS[n % len(KINDS)]
    spec: dict[str, Any] = {"code": code, "name": f"Chỉ số thử tải {code} ({kind})", "max": 10}
    if n % 3 == 0:
        spec["evidence"] = {"required": True, "description": "Văn bản, báo cáo chứng minh số liệu"}
    if kind == "ratio":
        denominator: dict[str, Any] = (
            {"name": "b", "from": "so_xa"}
            if n % 8 == 0
            else {"name": "b", "label": "Tổng số hồ sơ tiếp nhận", "type": "count", "unit": "hồ sơ"}
        )
        spec["inputs"] = [{"name": "a", "label": "Số hồ sơ xử lý trực tuyến", "type": "count"}, denominator]
        spec["scoring"] = {"method": "ratio", "numerator": "a", "denominator": "b"}
    elif kind == "yes_no":
        spec["inputs"] = [{"name": "ban_hanh", "label": "Đã ban hành văn bản", "type": "yes_no"}]
        spec["scoring"] = {"method": "yes_no", "input": "ban_hanh"}
    elif kind == "choice":
        spec["inputs"] = [
            {
                "name": "muc_do",
                "label": "Mức độ triển khai",
                "type": "choice",
                "options": {"toan_bo": "Toàn bộ", "mot_phan": "Một phần", "chua": "Chưa triển khai"},
            }
        ]
        spec["scoring"] = {
            "method": "choice",
            "input": "muc_do",
            "points": {"toan_bo": "max_points", "mot_phan": "max_points / 2", "chua": 0},
        }
    else:
        spec["scoring"] = {"method": "manual"}
    return spec


def framework_yaml() -> str:
    """The 100-indicator framework (10 indices × 10 indicators, 1000 points)."""
    indices, n = [], 0
    for i in range(1, INDICES + 1):
        items = []
        for j in range(1, PER_INDEX + 1):
            items.append(indicator_spec(f"{i}.{j}", n))
            n += 1
        indices.append({"code": str(i), "name": f"Chỉ số chính thử tải {i}", "max": 100, "indicators": items})
    doc = {
        "format": "dti/1",
        "code": FRAMEWORK_CODE,
        "name": "Bộ chỉ số thử tải 100 chỉ số thành phần",
        "level": "huyen",
        "year": 2023,
        "precision": 2,
        "max": 1000,
        "unit_types": {"huyen": "Huyện"},
        "general_info": [{"code": "so_xa", "label": "Số xã, thị trấn", "type": "count", "unit": "xã"}],
        "indices": indices,
    }
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def user_indicator(i: int) -> int:
    """The indicator (0–99) user `i` saves: all distinct, spread over the indices, every kind."""
    return 2 * i + (i // 2) % 2


def prepare_data(framework_file: Path, users: int) -> tuple[int, list[str]]:
    """Register the framework and (re)build the benchmark assessment; its pk and the indicator codes."""
    import datetime

    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from dti.accounts.models import User
    from dti.assessments.models import Assessment, Entry, Evidence
    from dti.audit.models import AuditEntry
    from dti.campaigns.models import Campaign, CampaignGroup, Participation
    from dti.core.roles import Role
    from dti.frameworks.models import Framework
    from dti.units.models import Unit, UnitType

    source = framework_file.read_text(encoding="utf-8")
    rng = random.Random(2023)
    with transaction.atomic():
        framework = Framework.objects.filter(code=FRAMEWORK_CODE).first()
        if framework is None or framework.source != source:
            if framework is not None:  # an older version of this script's framework
                Campaign.objects.filter(name=CAMPAIGN_NAME).delete()
                framework.delete()
            framework = Framework(code=FRAMEWORK_CODE, name="", level="", year=0, source=source)
            engine = framework.engine()
            framework.name, framework.level, framework.year = engine.name, engine.level.value, engine.year
            framework.save()
        engine = framework.engine()
        huyen, _ = UnitType.objects.get_or_create(code="huyen", defaults={"name": "Huyện"})
        unit, _ = Unit.objects.get_or_create(name=UNIT_NAME, defaults={"unit_type": huyen})
        deadline = timezone.now() + datetime.timedelta(days=365)
        campaign, _ = Campaign.objects.update_or_create(
            name=CAMPAIGN_NAME,
            defaults={"year": 2023, "state": Campaign.State.OPEN, "submission_deadline": deadline},
        )
        group, _ = CampaignGroup.objects.get_or_create(
            campaign=campaign, name="Nhóm thử tải", defaults={"framework": framework}
        )
        participation, _ = Participation.objects.get_or_create(campaign=campaign, unit=unit, defaults={"group": group})
        assessment, _ = Assessment.objects.get_or_create(participation=participation)
        # Reset: every indicator filled in, versions 0, no history, a few document references.
        AuditEntry.objects.filter(campaign=campaign).delete()
        assessment.entries.all().delete()
        assessment.evidence.all().delete()
        Assessment.objects.filter(pk=assessment.pk).update(
            status=Assessment.Status.DRAFT, general={"so_xa": str(SO_XA)}, general_version=0
        )
        codes = [item.code for item in engine.indicators]
        for n, item in enumerate(engine.indicators):
            kind = KINDS[n % len(KINDS)]
            values: dict[str, Any] = {}
            score = None
            if kind == "ratio":
                names = {f.name for f in item.inputs if not f.source}
                total = SO_XA if "b" not in names else rng.randint(50, 400)
                values["a"] = str(rng.randint(total // 2, total))
                if "b" in names:
                    values["b"] = str(total)
            elif kind == "yes_no":
                values["ban_hanh"] = rng.random() < 0.8
            elif kind == "choice":
                values["muc_do"] = rng.choice(["toan_bo", "mot_phan", "chua"])
            else:
                score = rng.randint(5, 10)
            Entry.objects.create(
                assessment=assessment, code=item.code, values=values, score=score, self_score=rng.randint(5, 10)
            )
            if n % 3 == 0:
                Evidence.objects.create(
                    assessment=assessment,
                    code=item.code,
                    kind=Evidence.Kind.REFERENCE,
                    doc_number=f"{100 + n}/KH-UBND",
                    title="Kế hoạch chuyển đổi số năm 2023",
                )
        hashed = make_password(PASSWORD)  # one slow hash for all the accounts
        for i in range(1, users + 1):
            User.objects.update_or_create(
                username=f"{USER_PREFIX}{i:02d}",
                defaults={
                    "password": hashed,
                    "full_name": f"Cán bộ nhập liệu thử tải {i:02d}",
                    "role": Role.REPORTER,
                    "unit": unit,
                    "is_active": True,
                },
            )
    return assessment.pk, codes


# --- the simulated users ------------------------------------------------------------------


class User(Client):
    """One reporter: a browser (connection, cookies) and the indicator they edit."""

    def __init__(self, port: int, username: str, assessment: int, code: str, n: int, item: Any) -> None:
        super().__init__(port, "dti-bench-web")
        self.username, self.assessment, self.code, self.n, self.item = username, assessment, code, n, item
        self.slug = "".join(c if c.isalnum() else "-" for c in code)
        self.version = -1
        self.round = 0
        self.marker = f'id="ver-{self.slug}" value="'.encode()

    def read_version(self, body: bytes) -> None:
        at = body.find(self.marker)
        if at < 0:
            raise Failed(f"no version field for {self.code}")
        end = body.index(b'"', at + len(self.marker))
        self.version = int(body[at + len(self.marker) : end])

    def page(self) -> int:
        # A framework this large shows one main index at a time: the user opens the page at the
        # index of the indicator they work on (the others load when opened).
        index = self.code.split(".")[0]
        response = self.request("GET", f"/danh-gia/{self.assessment}/?chi-so-chinh={index}")
        if response.status != 200:
            raise Failed(f"page {response.status}")
        self.read_version(response.body)
        return len(response.body)

    def save_form(self) -> dict[str, str]:
        """What the indicator's form sends on autosave: every field, one value changed each time."""
        self.round += 1
        r, kind = self.round, KINDS[self.n % len(KINDS)]
        form = {"version": str(self.version), "comment": "", "na_reason": ""}
        form["self_score"] = f"{5 + r % 5},5"
        if kind == "ratio":
            own_b = any(f.name == "b" and not f.source for f in self.item.inputs)
            total = 200 if own_b else SO_XA
            form["a"] = str(r % (total + 1))
            if own_b:
                form["b"] = str(total)
        elif kind == "yes_no":
            form["ban_hanh"] = "yes" if r % 2 else "no"
        elif kind == "choice":
            form["muc_do"] = ["toan_bo", "mot_phan", "chua"][r % 3]
        else:
            form["score"] = f"{r % 10},25"
        return form

    def save(self) -> int:
        path = f"/danh-gia/{self.assessment}/chi-so/{self.code}/"
        response = self.request("POST", path, self.save_form(), htmx=True)
        if response.status != 200:
            text = re.sub(r"\s+", " ", response.body.decode(errors="replace"))[:200]
            raise Failed(f"save {self.code} {response.status} {text}")
        self.read_version(response.body)
        return len(response.body)

    def trivial(self) -> int:
        response = self.request("GET", "/suc-khoe/")
        if response.status != 200 or response.body != b"ok":
            raise Failed(f"trivial {response.status}")
        return len(response.body)


def run_user(user: User, stats: Stats, start: float, end: float, think: float, stop: threading.Event) -> None:
    rng = random.Random(user.n)
    # Start spread over one think time, so the users do not arrive in lockstep.
    pause = rng.uniform(0, think) if think else 0
    if stop.wait(max(0.0, start - time.perf_counter()) + pause):
        return
    actions = (("page", user.page), ("save", user.save), ("trivial", user.trivial))
    while not stop.is_set():
        for kind, action in actions:
            if time.perf_counter() >= end or stop.is_set():
                return
            step(user, stats, kind, action)
            if think and stop.wait(min(rng.uniform(0.5 * think, 1.5 * think), max(0.0, end - time.perf_counter()))):
                return


def prioritise(nice: int, pgid: int, url: str) -> str:
    """Renice gunicorn's process group, this process and the PostgreSQL backends of the benchmark database."""
    import psycopg

    params = pg_params(url)
    name = params["dbname"]
    try:
        os.setpriority(os.PRIO_PGRP, pgid, nice)
        os.setpriority(os.PRIO_PROCESS, 0, nice)  # this thread; the users' threads start after and inherit it
        # With the kernel's autogroup scheduling, nice only counts inside a session: the sessions of
        # gunicorn (its own, start_new_session) and of this client get the priority as a whole.
        for pid in (pgid, os.getpid()):
            with contextlib.suppress(OSError):
                Path(f"/proc/{pid}/autogroup").write_text(str(nice))
        with psycopg.connect(**params) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [name]
            ).fetchall()
        for (pid,) in rows:
            with contextlib.suppress(OSError):  # PostgreSQL on another machine: nothing to renice
                os.setpriority(os.PRIO_PROCESS, pid, nice)
        if rows:
            # The backends share the postmaster's autogroup: raise it for the run, restored afterwards.
            group = Path(f"/proc/{rows[0][0]}/autogroup")
            with contextlib.suppress(OSError, IndexError):
                _RESTORE.append((group, group.read_text().split()[-1]))
                group.write_text(str(nice))
    except PermissionError:
        return f"--nice {nice}: cần quyền root, bỏ qua"
    return f"Ưu tiên CPU nice {nice}: gunicorn, client và {len(rows)} tiến trình PostgreSQL của {name}"


_RESTORE: list[tuple[Path, str]] = []  # autogroups whose priority the run raised, with the value before


def restore_priorities() -> None:
    while _RESTORE:
        group, value = _RESTORE.pop()
        with contextlib.suppress(OSError):
            group.write_text(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="simulated users (default 50)")
    parser.add_argument("--duration", type=float, default=20, help="measured seconds (default 20)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3, as `dti serve`)")
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean pause in seconds between a user's requests, uniform in [½, 1½] × mean (default 1; 0 = none)",
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help=(
            "CPU priority for the measured run (e.g. -10, needs root): gunicorn, this client and the PostgreSQL "
            "backends serving the benchmark database, so other programs on a shared machine disturb less"
        ),
    )
    parser.add_argument("--login-concurrency", type=int, default=4, help="users signing in at once (default 4)")
    args = parser.parse_args(argv)
    if not 1 <= args.users <= 50:
        parser.error("--users must be 1–50 (one indicator each among the 100, every other one)")

    tmp = Path(tempfile.mkdtemp(prefix="dti-bench-web-"))
    code = 1
    try:
        code = run(args, tmp)
    finally:
        if code == 0:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"Giữ lại {tmp} (nhật ký gunicorn: {tmp / 'gunicorn.log'})")
    return code


def run(args: argparse.Namespace, tmp: Path) -> int:
    """Prepare, serve, sign in, measure, report; 0 when it ran to the end."""
    prepared = prepare(args, tmp)
    if prepared is None:
        return 1
    env, url, assessment, codes, items = prepared
    port = free_port()
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    autogroup = Path("/proc/self/autogroup")
    own_group = autogroup.read_text() if autogroup.exists() else ""
    try:
        with serve(env, port, args.workers, tmp / "gunicorn.log") as proc:
            print(f"dti serve: http://127.0.0.1:{port}/, {args.workers} gunicorn workers (pid {proc.pid})")
            users = []
            for i in range(args.users):
                n = user_indicator(i)
                users.append(User(port, f"{USER_PREFIX}{i + 1:02d}", assessment, codes[n], n, items[codes[n]]))
            if not sign_in(users, args.login_concurrency):
                return 1
            if args.nice:
                print(prioritise(args.nice, proc.pid, url))
            measured = measure(users, args, proc.pid, stop)
    except KeyboardInterrupt:
        stop.set()
        print("Đã dừng (Ctrl+C).")
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
        restore_priorities()
        if args.nice and own_group:  # give this session its priority back ("/autogroup-N nice K")
            with contextlib.suppress(OSError, ValueError):
                autogroup.write_text(own_group.split()[-1])
    report(args, measured)
    return 0


def prepare(args: argparse.Namespace, tmp: Path) -> tuple[dict[str, str], str, int, list[str], dict[str, Any]] | None:
    """The database, the demo data and the benchmark's framework, assessment and accounts.

    Returns the server's environment, the database URL, the assessment's pk, the indicator
    codes and the engine's indicators by code; None (after showing why) if `dti demo` failed.
    """
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    env = {**server_environment(url, tmp / "var"), "AXES_FAILURE_LIMIT": "1000"}
    os.environ.update(env)
    print(f"Cơ sở dữ liệu: {url}")
    ensure_database(url)
    started = time.perf_counter()
    failed = load_demo(env)
    if failed:
        sys.stderr.write(failed)
        return None
    framework_file = tmp / f"{FRAMEWORK_CODE}.yaml"
    framework_file.write_text(framework_yaml(), encoding="utf-8")

    import django

    django.setup()
    from django.db import connections

    assessment, codes = prepare_data(framework_file, args.users)
    from dti.frameworks.models import Framework

    engine = Framework.objects.get(code=FRAMEWORK_CODE).engine()
    connections.close_all()
    items = {i.code: i for i in engine.indicators}
    print(
        f"Dữ liệu: demo + bộ chỉ số {len(codes)} chỉ số ({framework_file}), bản tự đánh giá #{assessment}, "
        f"{args.users} tài khoản ({time.perf_counter() - started:.1f} s)"
    )
    return env, url, assessment, codes, items


def sign_in(users: list[User], concurrency: int) -> bool:
    """Sign every user in through the login form, `concurrency` at a time, and open their page once."""
    t0 = time.perf_counter()

    def sign_in_one(u: User) -> None:
        u.login(u.username, PASSWORD)
        u.page()  # warm-up, and the version the first save carries

    failures = in_threads(users, concurrency, sign_in_one, lambda u: u.username)
    if failures:
        print("Đăng nhập thất bại:\n  " + "\n  ".join(failures[:10]))
        return False
    print(f"{len(users)} người dùng đã đăng nhập ({time.perf_counter() - t0:.1f} s)")
    return True


CpuSample = tuple[float, float, float, float]  # CPU seconds: gunicorn, PostgreSQL, this client, the whole machine


def cpu_sample(gunicorn_pid: int) -> CpuSample:
    return cpu_seconds(gunicorn_pid), cpu_seconds("postgres"), time.process_time(), machine_busy_seconds()


@dataclass
class Measured:
    """What the measured run gives: the users' timings and errors, its length, the CPU before and after."""

    stats: Stats
    elapsed: float
    cpu_before: CpuSample
    cpu_after: CpuSample


def measure(users: list[User], args: argparse.Namespace, gunicorn_pid: int, stop: threading.Event) -> Measured:
    """Let every user work for `args.duration` seconds (starting in half a second)."""
    stats = Stats(["page", "save", "trivial"])
    start = time.perf_counter() + 0.5
    end = start + args.duration
    cpu_before = cpu_sample(gunicorn_pid)
    threads = [
        threading.Thread(target=run_user, args=(u, stats, start, end, args.think, stop), daemon=True) for u in users
    ]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        time.sleep(0.2)
    elapsed = time.perf_counter() - start
    restore_priorities()
    return Measured(stats, elapsed, cpu_before, cpu_sample(gunicorn_pid))


def report(args: argparse.Namespace, measured: Measured) -> None:
    """Latency and throughput per kind, errors, CPU, and the one-line summary."""
    stats, elapsed = measured.stats, measured.elapsed
    think = f"nghỉ trung bình {args.think:g} s giữa hai yêu cầu" if args.think else "không nghỉ (bão hòa)"
    print(f"\nMã nguồn: {revision()}")
    priority = f", nice {args.nice}" if args.nice else ""
    extra = f", GUNICORN_CMD_ARGS={os.environ['GUNICORN_CMD_ARGS']}" if os.environ.get("GUNICORN_CMD_ARGS") else ""
    print(f"{args.users} người dùng, {args.duration:g} s đo, {args.workers} gunicorn workers{extra}, {think}{priority}")
    print(
        f"{'loại':<8} {'số yêu cầu':>10} {'yc/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'lỗi':>5} {'KB/yc':>7}"
    )
    p95 = {}
    for kind in ("page", "save", "trivial"):
        t = stats.times[kind]
        p95[kind] = percentile(t, 95) * 1000
        size = stats.bytes_in[kind] / len(t) / 1024 if t else 0
        print(
            f"{kind:<8} {len(t):>10} {len(t) / elapsed:>7.1f} {percentile(t, 50) * 1000:>8.1f} {p95[kind]:>8.1f} "
            f"{(max(t) if t else 0) * 1000:>8.1f} {stats.errors[kind]:>5} {size:>7.1f}"
        )
    gunicorn_cpu, pg_cpu, client_cpu, busy = (
        a - b for a, b in zip(measured.cpu_after, measured.cpu_before, strict=True)
    )
    done = sum(len(t) for t in stats.times.values())
    cores = os.cpu_count() or 1
    print(
        f"CPU trong {elapsed:.1f} s ({cores} lõi = {cores * elapsed:.0f} s CPU): gunicorn {gunicorn_cpu:.1f} s "
        f"({gunicorn_cpu * 1000 / max(done, 1):.1f} ms mỗi yêu cầu), PostgreSQL {pg_cpu:.1f} s, "
        f"client {client_cpu:.1f} s, chương trình khác {max(0.0, busy - gunicorn_cpu - pg_cpu - client_cpu):.1f} s"
    )
    for sample in stats.samples:
        print(f"  lỗi: {sample}")
    errors = sum(stats.errors.values())
    ratio = p95["page"] / p95["trivial"] if p95["trivial"] else float("inf")
    print(
        f"page p95: {p95['page']:.0f} ms; save p95: {p95['save']:.0f} ms; trivial p95: {p95['trivial']:.0f} ms; "
        f"errors: {errors}; page/trivial: {ratio:.1f} x"
    )


if __name__ == "__main__":
    sys.exit(main())
