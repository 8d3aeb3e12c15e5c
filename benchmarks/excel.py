"""Benchmark: an organiser's workbook of 3,500 units × 100 indicators, read, checked and previewed,
beside a plain openpyxl read of the same file.

What it does:

1. Makes a SQLite database of its own in a temporary directory (migrations), a framework of 10
   main indices × 10 indicators (yes/no and ratio scoring in turn, a ratio's denominator from
   the general information), a campaign with `--units` units in one ranking group, each with an
   empty assessment.
2. Writes the organiser's workbook in the wide layout `dti.exports.bulk` reads (one row per unit:
   `unit`, `general:so_xa`, one `code:field` column per indicator; 101 values a row), with
   openpyxl's write-only mode.
3. In turns, `--runs` times each, in a fresh forked process each time (so that one's memory does
   not count in the other's): (a) the plain read, `openpyxl.load_workbook(read_only=True)` and
   every cell's value; (b) `bulk_preview`: the bounded engine reader (`read_table` via
   `core.imports.read_upload`), every value parsed and checked as the web form checks it, every
   change old → new listed. Nothing is written to the database.
4. Prints the fastest time of each, the peak resident memory of each process (`ru_maxrss`,
   which includes the interpreter, Django and the parent's pages the child touched: the
   process's memory, not what reading added), and the ratios.
5. Then, `--runs` times, each in a forked process on a fresh copy of the database, previews and
   applies a workbook of `--apply-units` units
   (`bulk_apply` as the background job runs it: the plan the preview kept beside the staged
   file, each unit's forms as the preview checked them (`services.check_forms`), written by
   `assessments.services.save_many` when the data they were checked on is unchanged, entries and
   audit entries in bulk as plain rows, one transaction) to the throw-away database: 3,500 units
   write 353,500 values and as many audit entries. It prints the fastest apply's time (wall and
   the process's CPU time: other work on the machine slows the first, not the second), the peak
   memory, the ratio to the plain read, and the whole import (preview, then apply) beside the
   plain read.
   `--apply-units 0`: no apply.

Targets (issue 12): ≤ 15 s, ≤ 1 GB, ≤ 3× the plain read.

Run: `.venv/bin/python benchmarks/excel.py [--units 3500] [--runs 2] [--apply-units N]`.
Not a test.
"""

from __future__ import annotations

import argparse
import datetime
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

INDICES = 10
PER_INDEX = 10
COMMUNES = 20


def framework_source() -> str:
    """The benchmark's framework: yes/no and ratio indicators in turn, 10 points each."""
    lines = [
        "format: dti/1",
        "code: bench-excel",
        "name: Bộ chỉ số đo hiệu năng",
        "level: huyen",
        "year: 2025",
        "precision: 2",
        f"max: {INDICES * PER_INDEX * 10}",
        "unit_types: {huyen: Huyện}",
        "general_info:",
        "  - {code: so_xa, label: Số xã, type: count, unit: xã}",
        "indices:",
    ]
    for index in range(1, INDICES + 1):
        lines += [
            f'  - code: "C{index}"',
            f"    name: Chỉ số chính {index}",
            f"    max: {PER_INDEX * 10}",
            "    indicators:",
        ]
        for number in range(1, PER_INDEX + 1):
            code = f"C{index}.{number}"
            lines += [f"      - code: {code}", f"        name: Chỉ số {code}", "        max: 10"]
            if number % 2:
                lines += [
                    "        inputs: [{name: co, label: Đã thực hiện, type: yes_no}]",
                    "        scoring: {method: yes_no, input: co}",
                ]
            else:
                lines += [
                    "        inputs:",
                    "          - {name: a, label: Số xã đạt, type: count, unit: xã}",
                    "          - {name: b, from: so_xa}",
                    "        scoring: {method: ratio, numerator: a, denominator: b}",
                ]
    return "\n".join(lines) + "\n"


def columns() -> list[str]:
    """The workbook's headers after `unit`."""
    heads = ["general:so_xa"]
    for index in range(1, INDICES + 1):
        for number in range(1, PER_INDEX + 1):
            heads.append(f"C{index}.{number}:{'co' if number % 2 else 'a'}")
    return heads


def write_workbook(path: Path, units: list[str]) -> None:
    """One row per unit, every value filled (numbers as numbers, yes/no as words)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Số liệu")
    heads = columns()
    sheet.append(["unit", *heads])
    for n, name in enumerate(units):
        row: list[object] = [name, COMMUNES]
        for position, head in enumerate(heads[1:]):
            row.append(("có" if (n + position) % 3 else "không") if head.endswith(":co") else (n + position) % COMMUNES)
        sheet.append(row)
    book.save(path)


def prepare(units: int) -> tuple[int, int, list[str]]:
    """The database's campaign and organiser: (campaign pk, organiser pk, unit names)."""
    from django.core.management import call_command
    from django.utils import timezone

    from dti.accounts.models import User
    from dti.assessments.models import Assessment
    from dti.campaigns.models import Campaign, CampaignGroup, Participation
    from dti.core.roles import Role
    from dti.frameworks.models import Framework
    from dti.units.models import Unit, UnitType

    call_command("migrate", verbosity=0)
    huyen = UnitType.objects.create(code="huyen", name="Huyện")
    framework = Framework.objects.create(
        code="bench-excel", name="Bộ chỉ số đo hiệu năng", year=2025, source=framework_source()
    )
    campaign = Campaign.objects.create(
        name="Kỳ đo hiệu năng",
        year=2025,
        state=Campaign.State.OPEN,
        submission_deadline=timezone.now() + datetime.timedelta(days=30),
    )
    group = CampaignGroup.objects.create(campaign=campaign, name="Nhóm huyện", framework=framework)
    made = Unit.objects.bulk_create(Unit(name=f"UBND huyện Số {n:05}", unit_type=huyen) for n in range(units))
    participations = Participation.objects.bulk_create(
        Participation(campaign=campaign, group=group, unit=unit) for unit in made
    )
    Assessment.objects.bulk_create(Assessment(participation=p) for p in participations)
    organiser = User.objects.create_user("tochuc", password="mat-khau-do-hieu-nang-2025", role=Role.ORGANISER)
    return campaign.pk, organiser.pk, [unit.name for unit in made]


def plain_read(path: Path) -> int:
    """openpyxl's read-only mode, every cell's value: the baseline."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    count = sum(1 for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for _ in row)
    book.close()
    return count


def preview(path: Path, campaign_pk: int, organiser_pk: int) -> int:
    """The import's read, checks and preview (nothing written)."""
    from dti.accounts.models import User
    from dti.campaigns.models import Campaign
    from dti.exports.bulk import bulk_preview

    result = bulk_preview(
        campaign=Campaign.objects.get(pk=campaign_pk), path_or_file=path, by=User.objects.get(pk=organiser_pk)
    )
    return len(result.changes)


@dataclass(frozen=True)
class Applied:
    """One apply's figures (in its own process, on its own copy of the database)."""

    previewed: float
    seconds: float
    cpu: float
    memory: int
    units: int
    changes: int


def apply(path: Path, campaign_pk: int, organiser_pk: int, database: Path, pipe: Connection) -> int:
    """On a fresh copy of the database (`database`): the preview, then the apply of the same file
    as the job runs it, each timed; the figures are sent through `pipe`. Returns the values written."""
    from django.db import connections

    connections["default"].settings_dict["NAME"] = str(database)
    from dti.accounts.models import User
    from dti.campaigns.models import Campaign
    from dti.exports.bulk import bulk_apply, bulk_preview

    campaign, organiser = Campaign.objects.get(pk=campaign_pk), User.objects.get(pk=organiser_pk)
    start = time.perf_counter()
    fingerprint = bulk_preview(campaign=campaign, path_or_file=path, by=organiser).fingerprint
    previewed, cpu = time.perf_counter() - start, time.process_time()
    done = bulk_apply(campaign=campaign, path=path, fingerprint=fingerprint, by=organiser)
    cpu = time.process_time() - cpu
    seconds = time.perf_counter() - start - previewed
    memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    pipe.send(Applied(previewed, seconds, cpu, memory, done.units, done.changes))
    return done.changes


def report_apply(runs: list[Applied], plain: float) -> None:
    """The fastest apply beside the plain read's `plain` seconds and the targets."""
    best = min(runs, key=lambda run: run.seconds)
    memory = max(run.memory for run in runs)
    print(
        f"áp dụng (ghi) {best.units} đơn vị, {best.changes} thay đổi: {best.seconds:.2f} s "
        f"({best.cpu:.2f} s CPU; nhanh nhất trong {len(runs)} lần, mỗi lần trên một bản sao cơ sở dữ liệu), "
        f"{memory / 2**20:.0f} MB (đỉnh của tiến trình, cả lần xem trước)"
    )
    print(
        f"áp dụng: {best.seconds / plain:.2f} × lần đọc openpyxl (mục tiêu ≤ 3); "
        f"mục tiêu ≤ 15 s: {'đạt' if best.seconds <= 15 else 'chưa đạt'}, "
        f"≤ 1 GB: {'đạt' if memory <= 2**30 else 'chưa đạt'}"
    )
    whole = min(run.previewed for run in runs) + best.seconds
    print(f"cả lần nhập (xem trước + áp dụng): {whole:.2f} s, {whole / plain:.2f} × lần đọc openpyxl")


def _child(job: Callable[[], int], pipe: multiprocessing.connection.Connection) -> None:
    start = time.perf_counter()
    count = job()
    seconds = time.perf_counter() - start
    pipe.send((seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, count))
    pipe.close()


def measured(job: Callable[[], int]) -> tuple[float, int, int]:
    """(seconds, peak resident bytes, count) of `job` in a forked process of its own."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(job, send))
    process.start()
    result: tuple[float, int, int] = receive.recv()
    process.join()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--units", type=int, default=3500)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--apply-units", type=int, default=None, help="units applied (default: all; 0: none)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dti-bench-excel-") as folder:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dti.settings")
        import django

        django.setup()
        campaign_pk, organiser_pk, names = prepare(args.units)
        path = Path(folder) / "nhap-du-lieu.xlsx"
        write_workbook(path, names)
        from django.db import connections

        connections.close_all()  # each forked process opens its own connection
        size = path.stat().st_size
        print(f"{args.units} đơn vị × {INDICES * PER_INDEX} chỉ số; tệp {size / 1024 / 1024:.1f} MB")
        plain: list[tuple[float, int, int]] = []
        ours: list[tuple[float, int, int]] = []
        for _ in range(args.runs):
            plain.append(measured(lambda: plain_read(path)))
            ours.append(measured(lambda: preview(path, campaign_pk, organiser_pk)))
        base_time, base_memory = min(r[0] for r in plain), min(r[1] for r in plain)
        time_taken, memory = min(r[0] for r in ours), min(r[1] for r in ours)
        print(f"openpyxl (read-only, mọi ô): {base_time:.2f} s, {base_memory / 2**20:.0f} MB, {plain[0][2]} ô")
        print(f"nhập (đọc + kiểm tra + xem trước): {time_taken:.2f} s, {memory / 2**20:.0f} MB, {ours[0][2]} thay đổi")
        ratio = time_taken / base_time
        print(
            f"tỷ lệ thời gian {ratio:.2f} × (mục tiêu ≤ 3), bộ nhớ {memory / base_memory:.2f} × ; "
            f"mục tiêu ≤ 15 s: {'đạt' if time_taken <= 15 else 'chưa đạt'}, "
            f"≤ 1 GB: {'đạt' if memory <= 2**30 else 'chưa đạt'}"
        )
        if args.apply_units != 0:
            part = Path(folder) / "ap-dung.xlsx"
            write_workbook(part, names[: args.apply_units])
            runs: list[Applied] = []
            for run in range(args.runs):
                copy = shutil.copy(Path(folder) / "bench.sqlite3", Path(folder) / f"ap-dung-{run}.sqlite3")
                receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
                measured(lambda: apply(part, campaign_pk, organiser_pk, Path(copy), send))  # noqa: B023 (run now)
                runs.append(receive.recv())
            report_apply(runs, base_time)
    return 0


if __name__ == "__main__":
    sys.exit(main())
