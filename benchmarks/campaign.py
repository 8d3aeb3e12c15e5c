"""Benchmark: the pages and bulk steps of one campaign of N units (issue 13 §6), on PostgreSQL.

What it does, in order:

1. Database: DATABASE_URL (PostgreSQL only; default `postgres://postgres@127.0.0.1:5432/dti_bench`,
   created when missing; the names `test` and `test_test`, used by CI and the test runs, are
   refused). The database is the benchmark's own: it carries a stamp (a PostgreSQL comment on the
   database) made of the builder's code below, the framework's text and the migration files; when
   the stamp differs the database is dropped and made again (`--fresh` forces it). Then `migrate`.
2. Campaign: reused when the database already has the campaign of N units (`--units`, default
   3,300), else built in one transaction (its time is printed):
   - the framework `frameworks/bac-ninh-2023-huyen.yaml` (8 indices, 76 indicators: ratio,
     yes/no, manual) through `framework_upload`; N synthetic district units (`bulk_create`);
   - the campaign through the services: `campaign_create`, `group_add` (one ranking group: every
     unit is ranked with every other, the worst case), `participants_set`, `open_campaign`;
   - each unit's data: general information and every indicator as a web form would send them
     (Vietnamese text), read by the services' own functions (`parse_inputs`, `parse_entry`, and
     `parse_review` for a verdict) and stored as they store it (`to_json`), but written with
     `bulk_create` and announced with `scores_changed` (as every bulk write does) instead of
     3,300 × 76 calls of `entry_save` (about 15 minutes, with an audit entry per value);
   - then `close_submissions` and `start_appraisal`; one appraiser assigned to every unit; of
     every 10 units, 6 in appraisal (half the indicators accepted, one adjusted with a reason),
     3 submitted, 1 appraised (every indicator with a verdict), each with its transitions.
3. Pages, with Django's test client in this process (no HTTP server, no network), signed in as
   the person who uses each page: a warm-up request (its SQL query count printed when it differs
   from a timed request's: the first read after a bulk write refreshes stored results), then
   `--requests` timed requests (fewer when a page takes longer than `--budget` seconds in all: at
   least 3, or 1 when the warm-up alone took a third of the budget):
   median and p95 of the wall-clock time, and the median of this process's CPU time (steadier on a
   busy machine; PostgreSQL's own time is not in it); the machine's load is printed too. The
   trivial view (the health check: no database, no template) is the baseline. Pages about one
   unit: the self-assessment page (the unit's reporter), the appraisal workspace (the appraiser),
   the unit's outcome page (the reporter), the public scorecard (anonymous); campaign pages: the
   appraisal overview (the organiser), the appraisal home (the appraiser), the organiser's
   campaign page, the chair's page, the public ranking and the public list of results (anonymous).
4. Approve and publish, then the chair's and the public pages, inside a transaction rolled back
   at the end (the campaign stays as built, to be reused): every unit is first brought to
   "appraised" (bulk, not timed); the chair's page is measured in that state; `approve_campaign`
   (the chair) and `publish_campaign` (the organiser) are timed (wall clock and this process's
   CPU) with their query count and the peak resident memory they add (freed heap memory handed
   back with malloc_trim, the peak reset through /proc/self/clear_refs, then VmHWM minus the
   level before); then the public ranking, a scorecard and the public list, and both steps are
   undone (a savepoint) and run once more under tracemalloc for the peak of Python's allocations
   (a process that already did heavy work reuses memory it holds, which the resident peak misses).
   The memory figure of the last line is the larger of the two.

The last line: `N units: worst unit page X ms (Y× trivial); worst campaign page Z ms; publish W s, M MB`.
Targets at 3,300 units (issue 13): a page about one unit ≤ 100 ms and within 2× its time at 100
units; a campaign page ≤ 1 s; publish ≤ 10 s and ≤ 300 MB.

Run: `make bench-campaign` or `.venv/bin/python benchmarks/campaign.py [--units 3300] [--requests 7]`
(`--help`). Not a test; the figures are in docs/scale.md.
"""

from __future__ import annotations

import argparse
import ctypes
import datetime
import gc
import hashlib
import inspect
import json
import os
import random
import re
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from _web_common import ROOT, percentile, pg_params

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dti_bench"
FORBIDDEN = {"test", "test_test"}  # CI's and the test runs' databases
FRAMEWORK = "bac-ninh-2023-huyen"
PREFIX = "Đo hiệu năng"
PASSWORD = "do-hieu-nang-2025"


# --- the database --------------------------------------------------------------------------


def stamp(source_files: list[Path]) -> str:
    """What the built data depend on: the builder's code, the framework, the migration files."""
    digest = hashlib.sha256()
    for function in BUILDER:
        digest.update(inspect.getsource(function).encode())
    for path in source_files:
        digest.update(path.name.encode())
    digest.update((ROOT / "frameworks" / f"{FRAMEWORK}.yaml").read_bytes())
    return digest.hexdigest()[:12]


def prepare_database(url: str, wanted: str, fresh: bool) -> None:
    """Create the benchmark's database, or drop and create it again when its stamp is not `wanted`."""
    import psycopg
    from psycopg import sql

    params = pg_params(url)
    name = params.pop("dbname")
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        row = conn.execute(
            "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if row is not None and (fresh or row[0] != wanted):
            print(f"Cơ sở dữ liệu {name}: dấu {row[0] or '(không có)'} ≠ {wanted}; xoá và tạo lại")
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            row = None
        if row is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(wanted)))


# --- the campaign --------------------------------------------------------------------------


@dataclass
class World:
    """The built campaign and the people who use its pages."""

    campaign: Any
    probe: Any  # the assessment whose pages are measured (in appraisal, with verdicts)
    people: dict[str, Any]  # reporter, appraiser, organiser, chair


def campaign_name(units: int) -> str:
    return f"{PREFIX}: kỳ đánh giá {units} đơn vị"


def unit_form(item: Any, rng: random.Random) -> dict[str, str]:
    """An indicator's form as a unit's reporter sends it: yes/no mostly yes, ratios of 50–100 %,
    a manual score of 50–100 % of the maximum, all in Vietnamese text."""
    from dti.engine import InputType, fmt

    data: dict[str, str] = {}
    counts = []
    for input_field in item.inputs:
        if input_field.source or input_field.name == "ratio":
            continue
        if input_field.type is InputType.YES_NO:
            data[input_field.name] = "có" if rng.random() < 0.8 else "không"
        elif input_field.type is InputType.CHOICE:
            data[input_field.name] = rng.choice(list(input_field.options))
        elif input_field.type is InputType.PERCENT:
            data[input_field.name] = str(rng.randint(40, 100))
        elif input_field.type in (InputType.COUNT, InputType.NUMBER):
            counts.append(input_field.name)
    if len(counts) == 1:
        data[counts[0]] = str(rng.randint(1, 12))  # its denominator is general information (≥ 12)
    for numerator, denominator in zip(counts[0::2], counts[1::2], strict=False):
        total = rng.randint(10, 400)
        data[denominator], data[numerator] = str(total), str(rng.randint(total // 2, total))
    if item.scoring.method == "manual" and item.max is not None:
        data["score"] = fmt((item.max * rng.randint(50, 100) / 100).quantize(Decimal("0.01")))
    return data


def general_form(framework: Any, number: int, rng: random.Random) -> dict[str, str]:
    """The general information as the form sends it: names and counts."""
    from dti.engine import InputType

    return {
        f.name: str(rng.randint(12, 40)) if f.type is InputType.COUNT else f"Thông tin {f.name} đơn vị {number}"
        for f in framework.general_info
    }


def people(units: int, unit: Any) -> dict[str, Any]:
    """The benchmark's accounts for this campaign (the reporter belongs to the measured unit)."""
    from dti.accounts.models import User
    from dti.core.roles import Role

    roles = {
        "organiser": Role.ORGANISER,
        "appraiser": Role.APPRAISER,
        "chair": Role.CHAIR,
        "reporter": Role.REPORTER,
        "admin": Role.ADMIN,
    }
    found = {}
    for key, role in roles.items():
        name = f"dohieunang{units}.{key}"
        user = User.objects.filter(username=name).first() or User.objects.create_user(
            name, password=PASSWORD, full_name=f"{key} ({units})", role=role, unit=unit if key == "reporter" else None
        )
        found[key] = user
    return found


def build(units: int) -> None:
    """The campaign of `units` units, as the module's docstring says (one transaction)."""
    from django.db import transaction
    from django.utils import timezone

    from dti.appraisal.models import Assignment, Review
    from dti.appraisal.services import parse_review
    from dti.assessments.models import Assessment, Entry, Transition, to_json
    from dti.assessments.services import parse_entry, parse_inputs
    from dti.assessments.signals import scores_changed
    from dti.campaigns import workflow as campaigns
    from dti.campaigns.services import campaign_create, group_add, participants_set
    from dti.frameworks.models import Framework
    from dti.frameworks.services import framework_upload
    from dti.units.models import Unit, UnitType

    rng = random.Random(units)
    status = Assessment.Status
    with transaction.atomic():
        kind, _ = UnitType.objects.get_or_create(code="huyen", defaults={"name": "Huyện"})
        province = Unit.objects.create(name=f"{PREFIX}: tỉnh của kỳ {units} đơn vị", unit_type=kind)
        made = Unit.objects.bulk_create(
            Unit(name=f"UBND huyện Đo Hiệu Năng {units}-{n:05}", unit_type=kind, parent=province) for n in range(units)
        )
        who = people(units, made[0])
        model = Framework.objects.filter(code=FRAMEWORK).first() or framework_upload(
            source_text=(ROOT / "frameworks" / f"{FRAMEWORK}.yaml").read_text(encoding="utf-8"),
            file_name=f"{FRAMEWORK}.yaml",
            by=who["admin"],
        )
        framework = model.engine()
        organiser = who["organiser"]
        campaign = campaign_create(
            name=campaign_name(units),
            year=2025,
            organiser=province,
            submission_deadline=timezone.now() + datetime.timedelta(days=30),
            by=organiser,
        )
        group = group_add(campaign=campaign, name="Cấp huyện", framework=model, by=organiser)
        participations = sorted(participants_set(group=group, units=made, by=organiser), key=lambda p: p.unit.name)
        campaigns.open_campaign(campaign=campaign, by=organiser)

        states = [status.IN_APPRAISAL] * 6 + [status.SUBMITTED] * 3 + [status.APPRAISED]
        generals = []  # typed, as parse_entry checks a ratio against them
        for number in range(len(participations)):
            typed, errors = parse_inputs(framework.general_info, general_form(framework, number, rng))
            assert not errors, errors
            generals.append({k: v for k, v in typed.items() if v is not None})
        assessments = Assessment.objects.bulk_create(
            Assessment(
                participation=p,
                general={k: to_json(v) for k, v in general.items()},
                status=states[n % len(states)],
                submitted_at=timezone.now(),
                submitted_by=who["reporter"] if n == 0 else None,
            )
            for n, (p, general) in enumerate(zip(participations, generals, strict=True))
        )
        indicators = [i for i in framework.indicators if not i.reference_only]
        entries = []
        for assessment, general in zip(assessments, generals, strict=True):
            for item in indicators:
                parsed, errors = parse_entry(item, unit_form(item, rng), general)
                assert not errors, errors
                entries.append(
                    Entry(
                        assessment=assessment,
                        code=item.code,
                        values={k: to_json(v) for k, v in parsed["values"].items()},
                        score=parsed["score"],
                        self_score=parsed["self_score"],
                        comment=parsed["comment"],
                        na_requested=parsed["na_requested"],
                        na_reason=parsed["na_reason"],
                        version=1,
                    )
                )
        Entry.objects.bulk_create(entries, batch_size=5000)
        del entries
        campaigns.close_submissions(campaign=campaign, by=organiser)
        campaigns.start_appraisal(campaign=campaign, by=organiser)

        appraiser = who["appraiser"]
        Assignment.objects.bulk_create(Assignment(participation=p, appraiser=appraiser) for p in participations)
        adjusted = next(i for i in indicators if i.scoring.method == "manual")
        reviews, transitions = [], []
        for assessment in assessments:
            transitions.append(Transition(assessment=assessment, old=status.DRAFT, new=status.SUBMITTED))
            if assessment.status == status.SUBMITTED:
                continue
            transitions.append(Transition(assessment=assessment, old=status.SUBMITTED, new=status.IN_APPRAISAL))
            accepted = indicators if assessment.status == status.APPRAISED else indicators[: len(indicators) // 2]
            for item in accepted:
                if item is adjusted:
                    continue
                reviews.append(
                    Review(assessment=assessment, code=item.code, decision="accepted", version=1, by=appraiser)
                )
            verdict, errors = parse_review(
                adjusted, {}, {"score": "1", "reason": "Tài liệu kiểm chứng chưa đủ; chấm theo phần đã chứng minh"}
            )
            assert not errors, errors
            reviews.append(
                Review(
                    assessment=assessment,
                    code=adjusted.code,
                    decision="adjusted",
                    values=verdict.values,
                    score=verdict.score,
                    reason=verdict.reason,
                    version=1,
                    by=appraiser,
                )
            )
            if assessment.status == status.APPRAISED:
                transitions.append(Transition(assessment=assessment, old=status.IN_APPRAISAL, new=status.APPRAISED))
        Review.objects.bulk_create(reviews, batch_size=5000)
        Transition.objects.bulk_create(transitions, batch_size=5000)
        scores_changed.send(sender=Entry, assessment_ids=[a.pk for a in assessments])


BUILDER = (campaign_name, unit_form, general_form, people, build)


def world(units: int) -> World:
    """The campaign of `units` units in the database, with its people."""
    from dti.accounts.models import User
    from dti.assessments.models import Assessment
    from dti.campaigns.models import Campaign

    campaign = Campaign.objects.get(name=campaign_name(units))
    who = {u.username.split(".", 1)[1]: u for u in User.objects.filter(username__startswith=f"dohieunang{units}.")}
    probe = Assessment.objects.get(participation__campaign=campaign, participation__unit=who["reporter"].unit)
    return World(campaign, probe, who)


def bring_to_appraised(campaign: Any, appraiser: Any) -> None:
    """Every unit appraised (each indicator with a verdict), in bulk: the state the chair approves."""
    from dti.appraisal.models import Review
    from dti.assessments.models import Assessment, Entry, Transition
    from dti.assessments.signals import scores_changed

    status = Assessment.Status
    left = list(Assessment.objects.filter(participation__campaign=campaign).exclude(status=status.APPRAISED))
    if not left:
        return
    done = set(Review.objects.filter(assessment__in=left).values_list("assessment_id", "code"))
    codes = [i.code for i in left[0].framework().indicators if not i.reference_only]
    Review.objects.bulk_create(
        [
            Review(assessment=a, code=c, decision="accepted", version=1, by=appraiser)
            for a in left
            for c in codes
            if (a.pk, c) not in done
        ],
        batch_size=5000,
    )
    Transition.objects.bulk_create(Transition(assessment=a, old=a.status, new=status.APPRAISED) for a in left)
    Assessment.objects.filter(pk__in=[a.pk for a in left]).update(status=status.APPRAISED)
    scores_changed.send(sender=Entry, assessment_ids=[a.pk for a in left])


# --- measuring -----------------------------------------------------------------------------


@dataclass
class Page:
    """One page's figures."""

    kind: str  # "trivial", "unit" or "campaign"
    label: str
    samples: list[float] = field(default_factory=list)  # seconds, wall clock
    cpu: list[float] = field(default_factory=list)  # seconds of this process's CPU (PostgreSQL's not counted)
    queries: int = 0  # SQL statements of a timed request (the first)
    warm_up_queries: int = 0  # of the warm-up, which may also refresh stored results made stale
    size: int = 0
    error: str = ""

    @property
    def median_ms(self) -> float:
        return percentile(self.samples, 50) * 1000 if self.samples else float("nan")

    @property
    def p95_ms(self) -> float:
        return percentile(self.samples, 95) * 1000 if self.samples else float("nan")

    @property
    def cpu_ms(self) -> float:
        return percentile(self.cpu, 50) * 1000 if self.cpu else float("nan")


class QueryCounter:
    """Counts the SQL statements run (a connection execute wrapper: nothing is kept)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def counted() -> Iterator[QueryCounter]:
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter


def client_for(user: Any) -> Any:
    """Django's test client answering as 127.0.0.1, signed in as `user` (anonymous for None)."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    if user is not None:
        client.force_login(user)
    return client


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def measure(page: Page, client: Any, url: str, *, requests: int, budget: float) -> Page:
    """A warm-up request (status, query count), then up to `requests` timed ones (the first's queries
    counted) until `budget` seconds are spent: at least 3, or 1 when the warm-up took a third of it."""
    from django.urls import reverse

    start = time.perf_counter()
    with counted() as counter:
        response = client.get(url, follow=True)  # a list page may send to its first page
        content = body(response)
    warm_up = time.perf_counter() - start
    page.warm_up_queries, page.size = counter.count, len(content)
    if response.status_code != 200 or response.request["PATH_INFO"] == reverse("login"):
        page.error = f"{url}: HTTP {response.status_code} {response.request['PATH_INFO']}"
        return page
    url = response.request["PATH_INFO"] + (
        f"?{response.request['QUERY_STRING']}" if response.request.get("QUERY_STRING") else ""
    )
    least = 1 if warm_up > budget / 3 else 3
    for n in range(requests):
        with counted() as counter:
            start, cpu = time.perf_counter(), time.process_time()
            body(client.get(url))
            page.samples.append(time.perf_counter() - start)
            page.cpu.append(time.process_time() - cpu)
        if n == 0:
            page.queries = counter.count
        if warm_up + sum(page.samples) > budget and len(page.samples) >= least:
            break
    return page


def _status_kb(key: str) -> int:
    """A figure of /proc/self/status in bytes (VmRSS, VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(key)


@dataclass
class Step:
    """A bulk step's figures."""

    label: str
    seconds: float = 0.0
    cpu: float = 0.0  # this process's CPU seconds
    extra_bytes: int = 0  # peak resident memory above the level before
    traced_bytes: int = 0  # peak of Python's allocations (tracemalloc, a second run)
    queries: int = 0
    error: str = ""

    @property
    def memory(self) -> int:
        """The larger of the two memory figures (the resident peak misses memory the process reuses)."""
        return max(self.extra_bytes, self.traced_bytes)


def timed_step(label: str, work: Callable[[], object]) -> Step:
    """Time `work`, count its queries and the peak resident memory it added (freed heap memory
    handed back to the system first, the peak reset to the level before)."""
    step = Step(label)
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM (the peak) to the current level
    before = _status_kb("VmRSS")
    start, cpu = time.perf_counter(), time.process_time()
    try:
        with counted() as counter:
            work()
    except Exception as exc:
        step.error = f"{type(exc).__name__}: {exc}"[:300]
    step.seconds, step.cpu = time.perf_counter() - start, time.process_time() - cpu
    step.extra_bytes = max(0, _status_kb("VmHWM") - before)
    step.queries = counter.count
    return step


def traced_peak(work: Callable[[], object]) -> int:
    """The peak of Python's allocations while `work` runs (tracemalloc; slower, so not timed)."""
    gc.collect()
    tracemalloc.start()
    try:
        work()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


class Rollback(Exception):
    """Raised to undo the approval and publication once measured."""


@contextmanager
def rolled_back() -> Iterator[None]:
    """A transaction (a savepoint inside another) undone at the end of the block."""
    from django.db import transaction

    try:
        with transaction.atomic():
            yield
            raise Rollback
    except Rollback:
        pass


def unit_key(html: bytes, campaign_pk: int) -> str | None:
    """The first unit scorecard linked from the public ranking page."""
    from django.urls import reverse

    prefix = reverse("public:unit", args=[campaign_pk, "KEY"]).split("KEY")[0]
    match = re.search(re.escape(prefix).encode() + rb"([^/\"'?#]+)/", html)
    return match.group(1).decode() if match else None


def run(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.urls import reverse
    from django.utils import timezone

    from dti.campaigns.models import Campaign
    from dti.results.services import approve_campaign, publish_campaign

    call_command("migrate", verbosity=0)
    if not Campaign.objects.filter(name=campaign_name(args.units)).exists():
        print(f"Dựng kỳ đánh giá {args.units} đơn vị…", flush=True)
        start = time.perf_counter()
        build(args.units)
        print(f"Đã dựng trong {time.perf_counter() - start:.1f} s", flush=True)
    else:
        print(f"Dùng lại kỳ đánh giá {args.units} đơn vị đã dựng")
    w = world(args.units)
    c, probe = w.campaign, w.probe
    anonymous = client_for(None)
    clients = {key: client_for(user) for key, user in w.people.items()}
    pages: list[Page] = []
    steps: list[Step] = []

    def page(kind: str, label: str, client: Any, url: str) -> None:
        pages.append(measure(Page(kind, label), client, url, requests=args.requests, budget=args.budget))
        shown = pages[-1]
        print(f"  {label}: {shown.median_ms:.0f} ms, {shown.queries} truy vấn {shown.error}".rstrip(), flush=True)

    print("Đo các trang (kỳ đang thẩm định)…", flush=True)
    page("trivial", "trang tối thiểu /suc-khoe/", anonymous, reverse("health"))
    page(
        "unit",
        "trang tự đánh giá (người nhập liệu)",
        clients["reporter"],
        reverse("assessments:detail", args=[probe.pk]),
    )
    page("unit", "trang thẩm định một đơn vị", clients["appraiser"], reverse("appraisal:unit", args=[probe.pk]))
    page("unit", "kết quả của đơn vị (người nhập liệu)", clients["reporter"], reverse("outcome:page", args=[probe.pk]))
    page(
        "campaign",
        "tổng quan thẩm định của kỳ (tổ chức)",
        clients["organiser"],
        reverse("appraisal:campaign", args=[c.pk]),
    )
    page("campaign", "trang thẩm định /tham-dinh/ (thẩm định viên)", clients["appraiser"], reverse("appraisal:home"))
    page("campaign", "trang kỳ đánh giá (tổ chức)", clients["organiser"], reverse("campaigns:detail", args=[c.pk]))

    def approve() -> object:
        return approve_campaign(
            campaign=Campaign.objects.get(pk=c.pk),
            by=w.people["chair"],
            decision_number="999/QĐ-UBND",
            decision_date=timezone.localdate(),
        )

    def publish() -> object:
        return publish_campaign(campaign=Campaign.objects.get(pk=c.pk), by=w.people["organiser"])

    with rolled_back():
        print("Mọi đơn vị đã thẩm định (trong giao dịch sẽ hoàn tác)…", flush=True)
        bring_to_appraised(c, w.people["appraiser"])
        page("campaign", "trang phê duyệt của Chủ tịch", clients["chair"], reverse("results:campaign", args=[c.pk]))
        with rolled_back():
            for label, work in (("phê duyệt (approve_campaign)", approve), ("công bố (publish_campaign)", publish)):
                steps.append(timed_step(label, work))
                print(
                    f"  {label}: {steps[-1].seconds:.2f} s, +{steps[-1].extra_bytes / 2**20:.0f} MB RSS, "
                    f"{steps[-1].queries} truy vấn {steps[-1].error}".rstrip(),
                    flush=True,
                )
            if Campaign.objects.get(pk=c.pk).state == Campaign.State.PUBLISHED:
                ranking = reverse("public:campaign", args=[c.pk])
                page("campaign", "bảng xếp hạng công khai", anonymous, ranking)
                key = unit_key(body(anonymous.get(ranking)), c.pk)
                if key:
                    page("unit", "kết quả công khai một đơn vị", anonymous, reverse("public:unit", args=[c.pk, key]))
                page("campaign", "danh sách kết quả công khai /ket-qua/", anonymous, reverse("public:index"))
        if args.tracemalloc and not any(s.error for s in steps):
            print("Phê duyệt và công bố lại dưới tracemalloc (không tính giờ)…", flush=True)
            with rolled_back():
                steps[0].traced_bytes = traced_peak(approve)
                steps[1].traced_bytes = traced_peak(publish)
    return report(args.units, pages, steps)


def compared_with(units: int, pages: list[Page]) -> dict[str, str]:
    """Save this run's medians (var/bench-campaign-N.json); for another N, each page's median beside the
    100-unit run's, when there is one (the target: a page about one unit within 2× of it)."""
    folder = ROOT / "var"
    folder.mkdir(exist_ok=True)
    medians = {p.label: p.median_ms for p in pages if p.samples}
    (folder / f"bench-campaign-{units}.json").write_text(json.dumps(medians, ensure_ascii=False, indent=1))
    base = folder / "bench-campaign-100.json"
    if units == 100 or not base.exists():
        return {}
    old = json.loads(base.read_text())
    return {label: f"; {ms / old[label]:.1f}× lúc 100 đơn vị" for label, ms in medians.items() if old.get(label)}


def report(units: int, pages: list[Page], steps: list[Step]) -> int:
    """The table, then the summary line; exit code 1 when a page or a step failed."""
    trivial = next(p for p in pages if p.kind == "trivial")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{units} đơn vị, 76 chỉ số mỗi đơn vị; tải của máy lúc kết thúc (1, 5, 15 phút): {load}")
    print("mỗi trang: trung vị / p95 (ms), trung vị CPU của tiến trình (ms), số lần đo, truy vấn SQL, kích thước")
    before = compared_with(units, pages)
    for p in pages:
        ratio = p.median_ms / trivial.median_ms if trivial.median_ms else float("nan")
        print(
            f"  {p.label:<48} {p.median_ms:>9.1f} / {p.p95_ms:>9.1f} CPU {p.cpu_ms:>8.1f} ×{len(p.samples):<2} "
            f"{p.queries:>6} truy vấn{f' (khởi động {p.warm_up_queries})' if p.warm_up_queries != p.queries else ''}"
            f" {p.size / 1024:>8.0f} KB  ({ratio:.0f}× tối thiểu{before.get(p.label, '')}) "
            f"{p.error}".rstrip()
        )
    for s in steps:
        print(
            f"  {s.label:<48} {s.seconds:>9.2f} s (CPU {s.cpu:.2f} s)  +{s.extra_bytes / 2**20:.0f} MB RSS, "
            f"{f'{s.traced_bytes / 2**20:.0f} MB' if s.traced_bytes else 'không đo'} tracemalloc  "
            f"{s.queries} truy vấn {s.error}".rstrip()
        )
    unit_pages = [p for p in pages if p.kind == "unit" and p.samples]
    campaign_pages = [p for p in pages if p.kind == "campaign" and p.samples]
    worst_unit = max(unit_pages, key=lambda p: p.median_ms)
    worst_campaign = max(campaign_pages, key=lambda p: p.median_ms)
    publish = next((s for s in steps if s.label.startswith("công bố")), Step("công bố", float("nan")))
    failed = [p.error for p in pages if p.error] + [s.error for s in steps if s.error]
    if failed:
        print("Lỗi: " + "; ".join(failed))
    print(
        f"  (trang một đơn vị chậm nhất: {worst_unit.label}, CPU {worst_unit.cpu_ms:.0f} ms; trang của kỳ chậm "
        f"nhất: {worst_campaign.label}, CPU {worst_campaign.cpu_ms:.0f} ms; công bố: CPU {publish.cpu:.1f} s)"
    )
    print(
        f"{units} units: worst unit page {worst_unit.median_ms:.0f} ms "
        f"({worst_unit.median_ms / trivial.median_ms:.0f}× trivial); "
        f"worst campaign page {worst_campaign.median_ms:.0f} ms; "
        f"publish {publish.seconds:.1f} s, {publish.memory / 2**20:.0f} MB"
    )
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--units", type=int, default=3300, help="units in the campaign (default 3300)")
    parser.add_argument("--requests", type=int, default=7, help="timed requests per page after the warm-up")
    parser.add_argument(
        "--budget", type=float, default=60, help="seconds per page after which fewer requests are timed"
    )
    parser.add_argument(
        "--no-tracemalloc",
        dest="tracemalloc",
        action="store_false",
        help="skip the second approval and publication under tracemalloc (the resident peak only)",
    )
    parser.add_argument("--fresh", action="store_true", help="drop and build the benchmark's database again")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        parser.error("DATABASE_URL phải là một cơ sở dữ liệu PostgreSQL (mặc định " + DEFAULT_URL + ")")
    if pg_params(url)["dbname"] in FORBIDDEN:
        parser.error(
            "không dùng cơ sở dữ liệu 'test' hay 'test_test' (của CI và các lần chạy kiểm thử): hãy dùng dti_bench"
        )
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="dti.settings",
        DEBUG="0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="ERROR",
    )
    import django

    import dti

    migrations = sorted(Path(dti.__file__).parent.glob("*/migrations/0*.py"))
    prepare_database(url, stamp(migrations), args.fresh)
    django.setup()
    from django.conf import settings
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    # Pages render without `collectstatic` (no manifest needed), and the connection stays open
    # between requests (as in Django's own tests): the approval is measured inside a transaction.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no STATIC_ROOT needed here
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"dti từ {Path(dti.__file__).parent}; cơ sở dữ liệu {pg_params(url)['dbname']}; tải của máy: {load}", flush=True
    )
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
