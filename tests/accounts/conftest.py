"""Helpers for the account tests: generated passwords checkable, page text, account files as XLSX or CSV."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from dti.accounts.models import User
from dti.audit.models import AuditEntry
from tests.files import write_csv, write_xlsx

HEADER = ["Họ và tên", "Vai trò", "Đơn vị", "E-mail", "Tên đăng nhập"]


@pytest.fixture(autouse=True)
def _generated_passwords_checkable(_test_settings: None, settings: Any) -> None:
    """The tests' fast hasher, plus the one generated passwords are hashed with (as in settings)."""
    settings.PASSWORD_HASHERS = [*settings.PASSWORD_HASHERS, "dti.accounts.hashers.GeneratedPasswordHasher"]


def text(response: Any) -> str:
    """What the page says: unescaped, whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def accounts_state() -> tuple[Any, ...]:
    """Everything an account action could change: every account's fields and the audit log's size."""
    fields = ("username", "full_name", "email", "role", "unit_id", "is_active", "password", "must_change_password")
    return (list(User.objects.order_by("pk").values_list(*fields)), AuditEntry.objects.count())


@pytest.fixture
def xlsx(tmp_path: Path) -> Callable[..., Path]:
    """`xlsx(rows, header=HEADER)`: an .xlsx account file with the header and rows."""

    def make(rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER, name: str = "tai-khoan.xlsx") -> Path:
        return write_xlsx(tmp_path / name, header, rows, "Tài khoản")

    return make


@pytest.fixture
def csv_file(tmp_path: Path) -> Callable[..., Path]:
    """`csv_file(text)`: a UTF-8 CSV file with that text."""

    def make(content: str, name: str = "tai-khoan.csv") -> Path:
        return write_csv(tmp_path / name, content)

    return make
