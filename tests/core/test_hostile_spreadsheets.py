"""Hostile spreadsheets posted to each web import (issue 10 §1): the unit import, the official
figures and a past year's results. Each is refused on the page with the Vietnamese message of
the limit it passes, and nothing is stored (nor left staged)."""

from __future__ import annotations

from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dti.appraisal.models import OfficialFigure
from dti.audit.models import AuditEntry
from dti.campaigns.models import Campaign
from dti.results.models import Publication
from dti.units.models import Unit
from tests.conftest import World
from tests.files import hostile_xlsx

MESSAGES = {
    "cell": ("", "tệp giải nén ra hơn 100 MB (thành phần 'xl/sharedStrings.xml')"),
    "long-cell": ("trang 'Dữ liệu', dòng 2, cột B", "ô B2 dài hơn 32.767 ký tự"),
    "bomb": ("", "vượt giới hạn 100:1 (tệp nén bất thường)"),
}


def posted(tmp_path: Path, kind: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("bang.xlsx", hostile_xlsx(tmp_path / "bang.xlsx", kind).read_bytes())


def stored() -> tuple[int, ...]:
    return (
        Unit.objects.count(),
        OfficialFigure.objects.count(),
        Campaign.objects.count(),
        Publication.objects.count(),
        AuditEntry.objects.count(),
    )


def shown(response: Any, kind: str) -> None:
    """The page names the limit (the first letter of the engine's message upper-cased on import pages)."""
    place, message = MESSAGES[kind]
    body = unescape(response.content.decode())
    assert message[1:] in body, body
    assert place in body


@pytest.mark.parametrize("kind", list(MESSAGES))
def test_unit_import_refuses_a_hostile_xlsx(world: World, login: Any, tmp_path: Path, kind: str) -> None:
    before = stored()
    response = login("organiser").post("/don-vi/nhap-tu-excel/", {"file": posted(tmp_path, kind)})
    assert response.status_code == 422
    shown(response, kind)
    assert "chưa có đơn vị nào được ghi" in response.content.decode()
    assert stored() == before


@pytest.mark.parametrize("kind", list(MESSAGES))
def test_official_figures_refuse_a_hostile_xlsx(world: World, login: Any, tmp_path: Path, kind: str) -> None:
    before = stored()
    url = f"/tham-dinh/ky/{world['campaign'].pk}/so-lieu-chinh-thuc/"
    response = login("organiser").post(url, {"file": posted(tmp_path, kind), "tolerance": "5"})
    assert response.status_code == 422
    shown(response, kind)
    assert stored() == before


@pytest.mark.parametrize("kind", list(MESSAGES))
def test_past_year_import_refuses_a_hostile_xlsx(
    world: World, login: Any, small_framework: Any, settings: Any, tmp_path: Path, kind: str
) -> None:
    settings.HISTORY_STAGING_DIR = tmp_path / "staging"
    before = stored()
    data = {"file": posted(tmp_path, kind), "framework": small_framework.pk}
    response = login("organiser").post("/lich-su/nhap-ket-qua/", data)
    assert response.status_code == 422
    shown(response, kind)
    assert "Tệp bang.xlsx: " in unescape(response.content.decode())
    assert stored() == before
    assert not any((tmp_path / "staging").iterdir())  # the upload is not left staged


def test_each_import_names_the_real_size_of_a_file_over_5_mb(
    world: World, login: Any, small_framework: Any, settings: Any, tmp_path: Path
) -> None:
    """A 7 MB file is said to be 7 MB (not "5,0000009 MB", the bytes the check would read)."""
    settings.HISTORY_STAGING_DIR = tmp_path / "staging"
    client = login("organiser")
    before = stored()
    forms = {
        "/don-vi/nhap-tu-excel/": {},
        f"/tham-dinh/ky/{world['campaign'].pk}/so-lieu-chinh-thuc/": {"tolerance": "5"},
        "/lich-su/nhap-ket-qua/": {"framework": small_framework.pk},
    }
    for url, fields in forms.items():
        big = SimpleUploadedFile("lon.csv", (b"unit,value\n" + b"x,1\n" * 2_000_000)[: 7 * 1024 * 1024])
        response = client.post(url, {"file": big, **fields})
        assert response.status_code == 422, url
        assert "Tệp dung lượng 7,00 MB, vượt giới hạn 5,00 MB." in unescape(response.content.decode()), url
    assert stored() == before
    assert not list((tmp_path / "staging").glob("*"))  # nothing staged
