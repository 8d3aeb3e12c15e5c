"""Helpers of the unit workbook's tests: download, fill with openpyxl, upload, confirm, and what the
database holds (to check that nothing changed)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

from django.test import Client
from openpyxl import Workbook, load_workbook

from dti.assessments.models import Assessment, Entry, Evidence
from dti.audit.models import AuditEntry


def download(client: Client, assessment: Assessment) -> Workbook:
    """The unit's workbook as openpyxl opens it."""
    response = client.get(f"/bang-tinh/{assessment.pk}/tai-ve/")
    assert response.status_code == 200, response.content[:300]
    return load_workbook(io.BytesIO(response.content))


def as_file(book: Workbook, name: str = "bang-tinh.xlsx") -> io.BytesIO:
    """The workbook saved as an upload."""
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def row_of(book: Workbook, sheet: str, code: str, field: str) -> int:
    """The Excel row of (code, field) in a data sheet."""
    for number, row in enumerate(book[sheet].iter_rows(values_only=True), start=1):
        if row[0] == code and row[2] == field:
            return number
    raise AssertionError(f"{code}/{field} not in {sheet}")


def fill(book: Workbook, sheet: str, code: str, field: str, value: object) -> str:
    """Put `value` in the value cell of (code, field); returns the cell's address ("I5")."""
    address = f"I{row_of(book, sheet, code, field)}"
    book[sheet][address] = value
    return address


def upload(client: Client, assessment: Assessment, file: io.BytesIO) -> Any:
    return client.post(f"/bang-tinh/{assessment.pk}/nhap/", {"file": file})


def hidden(page: str, name: str) -> str:
    """The value of a hidden input of the preview's form."""
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, f"no {name} in the page"
    return found.group(1)


def confirm(client: Client, assessment: Assessment, preview: Any, **choices: str) -> Any:
    """Send the preview's form back with these conflict choices (by the choice's name)."""
    page = preview.content.decode()
    data = {"token": hidden(page, "token"), "fingerprint": hidden(page, "fingerprint"), "ap-dung": "", **choices}
    return client.post(f"/bang-tinh/{assessment.pk}/nhap/xac-nhan/", data)


def state(assessment: Assessment) -> tuple[object, ...]:
    """Everything an import may write: general info, entries, evidence, audit entries."""
    assessment.refresh_from_db()
    entries = list(Entry.objects.filter(assessment=assessment).order_by("code").values())
    evidence = list(Evidence.objects.filter(assessment=assessment).order_by("pk").values())
    return assessment.general, assessment.general_version, entries, evidence, AuditEntry.objects.count()


Refusal = Callable[[Client], Any]
