"""Evidence checked by structure (issue 10 §4), through the real upload.

Each file whose structure does not hold (tests/core/test_files.py, STRUCTURE_REFUSED) is
refused with the upload's message; no Evidence row, no audit entry and no file are left.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dti.assessments.models import Evidence
from dti.audit.models import AuditEntry
from tests.assessments.test_evidence import media, messages_of, stored_files, upload
from tests.core.test_files import STRUCTURE_REFUSED, pdf_by_fpdf2, scanned_pdf

__all__ = ["media"]  # the fixture, used by name


@pytest.mark.parametrize("case", list(STRUCTURE_REFUSED))
def test_a_file_whose_structure_does_not_hold_is_refused(world: Any, login: Any, media: Path, case: str) -> None:
    name, build = STRUCTURE_REFUSED[case]
    a = world["assessment"]
    response = upload(login("reporter"), a, name, build(), follow=True)
    assert response.redirect_chain == [(f"/danh-gia/{a.pk}/#ind-I-1", 302)]
    assert response.status_code == 200
    assert messages_of(response) == [
        f"Tệp {name} không phải là tài liệu được chấp nhận (PDF, DOC, DOCX, XLS, XLSX, ODT, ODS, JPG, PNG); "
        "hệ thống kiểm tra nội dung tệp, không dựa vào phần đuôi tên tệp."
    ]
    assert not Evidence.objects.exists()
    assert not AuditEntry.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(
    "build",
    [pdf_by_fpdf2, lambda: scanned_pdf(3), lambda: scanned_pdf(1, 5 * 1024 * 1024)],
    ids=["fpdf2", "scanned", "scanned 5 MB (uploaded to a temporary file on disk)"],
)
def test_real_pdfs_are_still_accepted(world: Any, login: Any, media: Path, build: Any) -> None:
    a = world["assessment"]
    data = build()
    response = upload(login("reporter"), a, "Quyết định.pdf", data, follow=True)
    assert messages_of(response) == ["Đã đính kèm tệp Quyết định.pdf cho chỉ số I.1."]
    evidence = Evidence.objects.get(assessment=a)
    assert evidence.content_type == "application/pdf"
    [path] = stored_files(media)
    assert path.read_bytes() == data
