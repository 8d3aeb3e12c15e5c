"""Real threads against a file database: what two people doing the same thing at the same moment get.

On SQLite the suite's database lives in memory, where locking is not what a served file sees;
`file_database` copies it (schema and the test's committed rows) to a file that every new
connection opens with the project's own OPTIONS. On PostgreSQL the test database already is
what production sees, and every thread's connection opens it. Tests using this need
`pytest.mark.django_db(transaction=True)`: a thread sees only committed rows.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections


@contextmanager
def file_database(folder: Path) -> Iterator[None]:
    """Within the block, connections opened by other threads use a file copy of the SQLite test database."""
    if connection.vendor != "sqlite":
        yield
        return
    path = folder / "dti.sqlite3"
    target = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    memory = connections.settings[DEFAULT_DB_ALIAS]
    connections.settings[DEFAULT_DB_ALIAS] = {**memory, "NAME": str(path)}
    try:
        yield
    finally:
        connections.settings[DEFAULT_DB_ALIAS] = memory


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run each call in its own thread, all released together; their results in order (an error is re-raised)."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            start.wait()
            results[index] = call()
        except BaseException as exc:  # handed to the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def in_thread(call: Callable[[], Any]) -> Any:
    """`call()` on a connection of its own: how the test reads what the threads wrote."""
    return at_once(call)[0]
