"""A hostile framework file (nested aliases, deep nesting) uploaded on the web: refused, nothing stored."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dti.audit.models import AuditEntry
from dti.frameworks.models import Framework
from tests.frameworks.conftest import COMMENTED
from tests.yaml_bombs import BILLION_LAUGHS, DEEP_MESSAGE, DEEP_YAML, LAUGHS_MESSAGE

HOSTILE = [
    ("bom-bi-danh.yaml", BILLION_LAUGHS, "dòng 11", LAUGHS_MESSAGE),
    ("long-sau.yaml", DEEP_YAML, "dòng 6", DEEP_MESSAGE),
]


def _file(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"))


@pytest.mark.parametrize(("name", "text", "place", "message"), HOSTILE)
def test_upload_is_refused_with_the_limit_and_stores_nothing(login, name, text, place, message):
    client = login("organiser")
    assert client.get("/bo-chi-so/tai-len/").status_code == 200  # the first request loads the site
    start = time.process_time()
    response = client.post("/bo-chi-so/tai-len/", {"file": _file(name, text)})
    assert time.process_time() - start < 2
    assert response.status_code == 422
    body = response.content.decode()
    assert "Bộ chỉ số có 1 lỗi; chưa lưu. Hãy sửa tệp rồi tải lên lại." in body
    assert f"<td>{name}</td><td><code>{place}</code></td><td>{message}</td>" in body
    assert list(Framework.objects.values_list("code", flat=True)) == ["thu-nghiem-2023-huyen"]
    assert not AuditEntry.objects.filter(action__startswith="framework.").exists()


def test_replacing_with_a_hostile_file_keeps_the_content(login, world):
    free = Framework.objects.create(code="tn-2023-huyen", name="Thử nghiệm", level="huyen", year=2023, source=COMMENTED)
    laughs = BILLION_LAUGHS.replace("code: bom-2023-huyen", "code: tn-2023-huyen")
    response = login("organiser").post(f"/bo-chi-so/{free.pk}/thay-noi-dung/", {"file": _file("tn.yaml", laughs)})
    assert response.status_code == 422
    assert LAUGHS_MESSAGE in response.content.decode()
    free.refresh_from_db()
    assert free.source == COMMENTED
    assert not AuditEntry.objects.filter(action="framework.replace").exists()
