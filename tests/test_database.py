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
