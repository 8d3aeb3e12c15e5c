"""The suite's database is the one DATABASE_URL names: SQLite by default, PostgreSQL in CI."""

import os

import pytest
from django.contrib.auth import get_user_model
from django.db import connection


@pytest.mark.django_db
def test_round_trip_on_configured_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres", "postgresql")) else "sqlite"
    assert connection.vendor == expected
    User = get_user_model()
    User.objects.create_user("can_bo", password="mật-khẩu-dài")
    assert User.objects.get(username="can_bo").check_password("mật-khẩu-dài")


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="a server connection to break: PostgreSQL"
)
def test_a_kept_connection_broken_by_a_database_restart_is_replaced(transactional_db) -> None:
    """A restart of PostgreSQL breaks the connections the workers keep (CONN_MAX_AGE); the next
    request checks its connection first (CONN_HEALTH_CHECKS) and opens a new one: no 500."""
    import psycopg
    from django.db import close_old_connections

    connection.ensure_connection()
    backend = connection.connection.info.backend_pid
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [backend])  # what a restart does to it
    close_old_connections()  # what Django does when a request starts
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != backend
