"""Real processes for the job tests: the DATABASE_URL of the test's database, and waiting on them."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent.parent


def database_url(folder: Path) -> str:
    """The database the test sees: inside `tests.concurrency.file_database` on SQLite, or PostgreSQL's test database."""
    found = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{folder / 'dti.sqlite3'}"
    auth = found["USER"] + (f":{found['PASSWORD']}" if found["PASSWORD"] else "")
    return f"postgres://{auth}@{found['HOST'] or '127.0.0.1'}:{found['PORT'] or 5432}/{found['NAME']}"


def wait_until(ready: Callable[[], bool], alive: Callable[[], bool], log: Path, what: str) -> None:
    """Poll `ready` while the process is `alive`; a limit for a stuck process, not a timing under test."""
    deadline = time.monotonic() + 120
    while not ready():
        assert alive(), log.read_text(errors="replace")[-3000:]
        assert time.monotonic() < deadline, f"{what}:\n{log.read_text(errors='replace')[-3000:]}"
        time.sleep(0.1)
