"""The contract over every URL: each pattern of the project × every persona × GET and POST.

The patterns are walked from Django's resolver (not a hand-picked list), so a new view without an
entry in the expected-answer table (tests/url_contract.py) fails here with its name. Each URL gets
one world at the stage its entry names (tests/contract_world.py); every persona then asks it once
per method, each request inside a savepoint rolled back afterwards, so one persona's allowed
change never becomes the next one's state.

Every answer is checked against the table: a refusal by its status, its Vietnamese text (the
reason for 403, the error page for 404) or the login page it sends to, and by the database and
the file folders (evidence, staged imports) left as they were; an allowed answer is neither a
refusal nor a server error. A GET never writes, allowed or not (nor does a POST a view answers
as a GET).
The Django admin's own patterns share one rule of the table (`ADMIN_RULE`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dti.accounts.models import User
from tests.conftest import PASSWORD
from tests.contract_world import CONTRACT_PERSONAS, build, contract_folders
from tests.core.test_permissions_matrix import media, stage
from tests.results.conftest import appraised, approved, published
from tests.url_contract import ADMIN_LOGIN, ADMIN_RULE, LOGIN, METHODS, TABLE, Expect, Route

# The fixtures the stages ask for by name.
__all__ = ["appraised", "approved", "contract_folders", "media", "published", "stage"]

ERROR_403 = "Không có quyền truy cập"
ERROR_404 = "Không tìm thấy trang"
BACKEND = "dti.accounts.backends.UnitModelBackend"


def walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    """(name, route) of every pattern under `resolver`; an unnamed pattern is named by its route."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            yield (f"{namespace}{entry.name}" if entry.name else f"{namespace}{route}"), route


PATTERNS = dict(walk(get_resolver()))
OWN = sorted(name for name in PATTERNS if not name.startswith("admin:"))
ADMIN = sorted(name for name in PATTERNS if name.startswith("admin:"))


def database() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the sessions' (signing in is a session, signing out ends one),
    read with plain SQL: cheap enough to ask after every request."""
    tables = sorted(set(connection.introspection.django_table_names(only_existing=True)) - {Session._meta.db_table})
    with connection.cursor() as cursor:
        rows = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


def files(folders: list[Path]) -> list[tuple[str, int]]:
    """Every file under the folders, with its size."""
    return sorted(
        (str(p), p.stat().st_size) for folder in folders if folder.exists() for p in folder.rglob("*") if p.is_file()
    )


def fill(name: str, params: Mapping[str, Any], world: dict[str, Any]) -> str:
    """The URL of `name` with its parameters: "@key" is the world's object of that name (its pk)."""
    values = {}
    for param, value in params.items():
        if isinstance(value, str) and value.startswith("@"):
            value = world[value[1:]]
        values[param] = getattr(value, "pk", value)
    return reverse(name, kwargs=values)


def admin_path(route: str) -> str:
    """An admin route with "1" for each parameter, the first app for the app list, a page that is
    not there for the catch-all."""
    path = re.sub(r"<(?:\w+:)?\w+>", "1", route)
    path = re.sub(r"\(\?P<app_label>(\w+)[^)]*\)", r"\1", path)
    return "/" + path.replace("(?P<url>.*)$", "khong-co/").replace("^", "").replace("$", "")


def ask(client: Client, method: str, path: str, data: dict[str, str]) -> Any:
    """One request inside a savepoint rolled back afterwards; the database as the request left it."""
    with transaction.atomic():
        response = client.get(path) if method == "GET" else client.post(path, data)
        after = database()
        transaction.set_rollback(True)
    return response, after


def reason(body: str) -> str:
    """The reason an error page gives (its first paragraph), to show in a mismatch."""
    found = re.search(r'<div class="card">\s*<h1>.*?</h1>\s*<p>(.*?)</p>', body, re.S)
    return found.group(1) if found else ""


def problem(expect: Expect, response: Any) -> str | None:
    """What is wrong with `response` as the answer `expect` (None: it is that answer)."""
    status = response.status_code
    location = response.get("Location", "")
    body = "" if response.streaming else html.unescape(response.content.decode(errors="replace"))
    if status >= 500:
        return f"server error {status}"
    if expect.status is None:
        if status in (403, 404, 405) or location.startswith((LOGIN.location, ADMIN_LOGIN.location)):
            return f"refused: {status} {location or reason(body)}"
        return None
    if status != expect.status:
        return f"{status} {location or reason(body)} instead of {expect.status} {expect.location or expect.message}"
    if status == 302 and not location.startswith(expect.location):
        return f"sent to {location}, not to {expect.location}"
    if status == 403 and not (ERROR_403 in body and expect.message in body):
        return f"403 saying {reason(body)!r}, not {expect.message!r} on the Vietnamese error page"
    if status == 404 and ERROR_404 not in body:
        return "404 without the Vietnamese error page"
    return None


def check(route: Route, path: str, login: Any, folders: list[Path]) -> list[str]:
    """Every persona × method of one URL against its entry; the mismatches, one line each."""
    clients = {persona: login(persona) for persona in CONTRACT_PERSONAS}
    before, media = database(), files(folders)
    found = []
    for persona in CONTRACT_PERSONAS:
        for method in METHODS:
            expect = route.expect(method, persona)
            response, after = ask(clients[persona], method, path, route.data)
            wrong = problem(expect, response)
            changed_files = files(folders) != media
            if expect.status is not None or route.reads(method):
                changed = [label for label in before if after[label] != before[label]]
                if changed:
                    wrong = (wrong + "; " if wrong else "") + "wrote " + ", ".join(changed)
            if changed_files and not (expect.status is None and method == "POST"):
                wrong = (wrong + "; " if wrong else "") + "changed files"
            media = files(folders)
            if wrong:
                found.append(f"{method} {path} as {persona}: {wrong}")
    return found


@pytest.mark.parametrize("name", OWN)
def test_every_url_answers_every_persona_as_the_table_says(name: str, request: Any, login: Any) -> None:
    route = TABLE.get(name)
    if route is None:
        pytest.fail(f"{PATTERNS[name]} has no expected answers: thêm mục cho '{name}' vào tests/url_contract.py")
    world = build(request, route.stage)
    route.prepare(world)
    folders = request.getfixturevalue("contract_folders")
    path = fill(name, route.params, world)
    found = check(route, path, login, folders)
    assert not found, "\n".join(found)


def test_django_admin_answers_staff_only(request: Any, login: Any) -> None:
    """One rule for every pattern of the Django admin (ADMIN_RULE in the table); as none of them may
    write, the database and the folders are compared once per pattern, after every persona asked."""
    build(request, "open")
    folders = request.getfixturevalue("contract_folders")
    clients = {persona: login(persona) for persona in CONTRACT_PERSONAS}
    before, media = database(), files(folders)
    found = []
    for name in ADMIN:
        route = ADMIN_RULE.get(name, ADMIN_RULE["*"])
        path = admin_path(PATTERNS[name])
        for persona in CONTRACT_PERSONAS:
            for method in METHODS:
                client = clients[persona]
                response = client.get(path) if method == "GET" else client.post(path, route.data)
                wrong = problem(route.expect(method, persona), response)
                if wrong:
                    found.append(f"{method} {path} as {persona}: {wrong}")
        if database() != before or files(folders) != media:
            found.append(f"{path}: the database or the folders changed")
    assert not found, "\n".join(found)
    staff = Client()  # the rule is "staff only", not "nobody": a superuser gets in
    staff.force_login(User.objects.create_superuser("quantri", password=PASSWORD), backend=BACKEND)
    assert staff.get("/quan-tri/").status_code == 200


def test_every_entry_answers_for_every_persona_and_method() -> None:
    for name, route in [*TABLE.items(), *ADMIN_RULE.items()]:
        for answers in (route.get, route.post):
            assert answers is None or set(answers) == set(CONTRACT_PERSONAS), name


def test_the_table_names_only_patterns_that_exist() -> None:
    stale = sorted(set(TABLE) - set(OWN))
    assert not stale, f"the table has entries for URL names that no longer exist: {stale}"
