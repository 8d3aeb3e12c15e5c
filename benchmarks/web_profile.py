"""Where the time of one self-assessment page view and one autosave goes (companion of web.py).

Runs the views in-process with Django's test client against the database `benchmarks/web.py`
prepared (DATABASE_URL, by default postgres://postgres@127.0.0.1:5432/dti_bench; run web.py
once first), as one of its reporter accounts, and times each part of the request by
wrapping the functions that do the work: CPU time (robust on a busy machine) and wall time,
with the SQL queries each part makes. `--cprofile` adds cProfile's top functions.

Run: `.venv/bin/python benchmarks/web_profile.py [--requests 50] [--cprofile]`. Not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dti_bench"


class Sections:
    """Inclusive CPU/wall time and queries per named part, per request."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.cpu: dict[str, float] = defaultdict(float)
        self.wall: dict[str, float] = defaultdict(float)
        self.queries: dict[str, int] = defaultdict(int)
        self.sql_wall: dict[str, float] = defaultdict(float)
        self.runs: dict[str, list[tuple[float, float, int, float]]] = defaultdict(list)

    @contextmanager
    def part(self, name: str) -> Iterator[None]:
        self.stack.append(name)
        c0, w0 = time.thread_time(), time.perf_counter()
        try:
            yield
        finally:
            self.cpu[name] += time.thread_time() - c0
            self.wall[name] += time.perf_counter() - w0
            self.stack.pop()

    def wrap(self, module: Any, attr: str, name: str) -> None:
        original = getattr(module, attr, None)
        if original is None:
            print(f"  (không có {module.__name__}.{attr}: bỏ qua phần '{name}')")
            return

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.part(name):
                return original(*args, **kwargs)

        setattr(module, attr, wrapper)

    def sql(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            for name in {*self.stack, "request"}:
                self.queries[name] += 1
                self.sql_wall[name] += time.perf_counter() - t0

    def close_run(self) -> None:
        for name in set(self.cpu) | set(self.queries):
            self.runs[name].append((self.cpu[name], self.wall[name], self.queries[name], self.sql_wall[name]))
        self.cpu.clear()
        self.wall.clear()
        self.queries.clear()
        self.sql_wall.clear()

    def report(self, title: str, order: list[str]) -> None:
        total = statistics.median(r[0] for r in self.runs["request"])
        print(f"\n{title}: trung vị của {len(self.runs['request'])} yêu cầu")
        print(f"  {'phần':<52} {'CPU ms':>7} {'%CPU':>5} {'wall ms':>8} {'truy vấn':>8} {'SQL ms':>7}")
        for name in order:
            runs = self.runs.get(name)
            if not runs:
                continue
            cpu = statistics.median(r[0] for r in runs) * 1000
            wall = statistics.median(r[1] for r in runs) * 1000
            queries = statistics.median(r[2] for r in runs)
            sql = statistics.median(r[3] for r in runs) * 1000
            print(f"  {name:<52} {cpu:>7.1f} {cpu / total / 10:>5.0f} {wall:>8.1f} {queries:>8.0f} {sql:>7.1f}")
        self.runs.clear()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="requests of each kind (default 50)")
    parser.add_argument("--cprofile", action="store_true", help="also print cProfile's top functions")
    args = parser.parse_args(argv)

    os.environ["DATABASE_URL"] = os.environ.get("DATABASE_URL") or DEFAULT_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dti.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    import dti.assessments.selectors as selectors
    import dti.assessments.services as services
    import dti.assessments.views as views
    from dti.accounts.models import User
    from dti.assessments.models import Assessment

    sys.path.insert(0, os.path.dirname(__file__))
    from web import FRAMEWORK_CODE, KINDS, USER_PREFIX

    user = User.objects.filter(username=f"{USER_PREFIX}01").first()
    assessment = Assessment.objects.filter(participation__group__framework__code=FRAMEWORK_CODE).first()
    if user is None or assessment is None:
        print("Chưa có dữ liệu thử tải: chạy benchmarks/web.py trước.")
        return 1
    client = Client()
    client.force_login(user, backend="dti.accounts.backends.UnitModelBackend")
    page_url = f"/danh-gia/{assessment.pk}/"
    code = "1.4"  # a manual-score indicator (KINDS[3])
    assert KINDS[3] == "manual"
    slug = code.replace(".", "-")

    s = Sections()
    s.wrap(views, "_assessment", "views._assessment (nạp bản tự đánh giá)")
    s.wrap(views, "assessment_page", "selectors.assessment_page (dựng dữ liệu trang)")
    s.wrap(selectors, "score_unit", "  engine.score_unit (chấm 100 chỉ số, explain)")
    s.wrap(views, "_context", "views._context")
    s.wrap(views, "_jinja", "Jinja2: các phần nặng của trang / mảnh htmx")
    s.wrap(views, "render", "Django template: khung trang (base.html)")
    s.wrap(services, "entry_save", "services.entry_save (kiểm tra, khóa, ghi, nhật ký)")

    def request(fn: Callable[[], Any]) -> Any:
        with connection.execute_wrapper(s.sql), s.part("request"):
            response = fn()
        s.close_run()
        return response

    version = {"v": "0", "r": 0}

    def get_page() -> Any:
        response = client.get(page_url)
        assert response.status_code == 200, response.status_code
        found = re.search(rf'id="ver-{slug}" value="(\d+)"'.encode(), response.content)
        assert found, "no version field"
        version["v"] = found.group(1).decode()
        return response

    def save() -> Any:
        version["r"] += 1
        form = {"version": version["v"], "score": f"{version['r'] % 10},25", "self_score": "5,5"}
        response = client.post(
            f"/danh-gia/{assessment.pk}/chi-so/{code}/",
            {**form, "comment": "", "na_reason": ""},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200, (response.status_code, response.content[:300])
        found = re.search(rf'id="ver-{slug}" value="(\d+)"'.encode(), response.content)
        assert found, "no version in the fragment"
        version["v"] = found.group(1).decode()
        return response

    def trivial() -> Any:
        return client.get("/suc-khoe/")

    for fn in (get_page, save, trivial):  # warm-up: framework parse, template compile, connection
        for _ in range(3):
            fn()
    size = len(get_page().content)
    s.close_run()
    s.runs.clear()

    order = [
        "request",
        "views._assessment (nạp bản tự đánh giá)",
        "services.entry_save (kiểm tra, khóa, ghi, nhật ký)",
        "selectors.assessment_page (dựng dữ liệu trang)",
        "  engine.score_unit (chấm 100 chỉ số, explain)",
        "views._context",
        "Jinja2: các phần nặng của trang / mảnh htmx",
        "Django template: khung trang (base.html)",
    ]
    for title, fn in ((f"GET trang tự đánh giá ({size // 1024} KB)", get_page), ("POST lưu một chỉ số (htmx)", save)):
        for _ in range(args.requests):
            request(fn)
        s.report(title, order)
    for _ in range(args.requests):
        request(trivial)
    s.report("GET /suc-khoe/", ["request"])
    print("  ('request' gồm cả middleware, phiên đăng nhập, người dùng và test client; các phần lồng nhau tính gộp)")

    if args.cprofile:
        for name, fn in (("GET trang", get_page), ("POST lưu", save)):
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(10):
                fn()
            profile.disable()
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(25)
            print(f"\n===== cProfile {name} (10 yêu cầu), theo thời gian riêng\n{out.getvalue()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
