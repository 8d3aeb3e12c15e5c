"""framework_replace and /bo-chi-so/<pk>/thay-noi-dung/: refused once a campaign uses the framework."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dti.audit.models import AuditEntry
from dti.core.errors import ServiceError
from dti.frameworks import services
from dti.frameworks.models import Framework
from tests.conftest import SMALL_FRAMEWORK
from tests.frameworks.conftest import COMMENTED

REFUSED = ["reporter", "leader", "other_reporter", "other_leader", "appraiser", "chair", "viewer"]


@pytest.fixture
def free(world) -> Framework:
    """A framework no campaign uses."""
    return Framework.objects.create(code="tn-2023-huyen", name="Thử nghiệm", level="huyen", year=2023, source=COMMENTED)


def test_replace_changes_the_content_and_records_it(world, free):
    new_text = COMMENTED.replace("name: Bộ chỉ số thử nghiệm cấp huyện", "name: Bộ chỉ số đã sửa")
    result = services.framework_replace(framework=free, source_text=new_text, by=world["users"]["organiser"])
    assert (result.name, result.source) == ("Bộ chỉ số đã sửa", new_text)
    entry = AuditEntry.objects.get(action="framework.replace")
    assert entry.old["sha256"] != entry.new["sha256"]
    assert entry.new["name"] == "Bộ chỉ số đã sửa"


def test_replacing_with_the_same_text_changes_nothing(world, free):
    services.framework_replace(framework=free, source_text=COMMENTED, by=world["users"]["admin"])
    assert not AuditEntry.objects.filter(action="framework.replace").exists()


def test_a_frozen_framework_cannot_be_replaced(world, small_framework):
    assert small_framework.is_frozen
    new_text = SMALL_FRAMEWORK.replace("max: 10\n", "max: 10\n", 1)
    with pytest.raises(ServiceError) as exc:
        services.framework_replace(framework=small_framework, source_text=new_text, by=world["users"]["admin"])
    assert "đang được dùng trong kỳ đánh giá (Kỳ đánh giá thử nghiệm 2023)" in exc.value.message
    assert "sao chép thành phiên bản mới" in exc.value.message


def test_the_code_must_stay_the_same(world, free):
    with pytest.raises(ServiceError) as exc:
        services.framework_replace(framework=free, source_text=SMALL_FRAMEWORK, by=world["users"]["admin"])
    assert "khác mã bộ chỉ số đang thay" in exc.value.message


def test_a_text_with_problems_is_refused(world, free):
    with pytest.raises(services.FrameworkInvalid):
        services.framework_replace(
            framework=free, source_text=COMMENTED.replace("level: huyen", "level: abc"), by=world["users"]["admin"]
        )
    free.refresh_from_db()
    assert free.source == COMMENTED


def test_page_refused_to_other_roles(login, free):
    url = f"/bo-chi-so/{free.pk}/thay-noi-dung/"
    for persona in REFUSED:
        client = login(persona)
        assert client.get(url).status_code == 403, persona
        assert client.post(url, {"file": SimpleUploadedFile("a.yaml", b"x")}).status_code == 403, persona
    response = login("anonymous").get(url)
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_page_replaces_the_content(login, free):
    new_text = COMMENTED.replace("name: Bộ chỉ số thử nghiệm cấp huyện", "name: Bộ chỉ số đã sửa")
    url = f"/bo-chi-so/{free.pk}/thay-noi-dung/"
    assert login("organiser").get(url).status_code == 200
    response = login("organiser").post(url, {"file": SimpleUploadedFile("a.yaml", new_text.encode())}, follow=True)
    assert "Đã thay nội dung bộ chỉ số “tn-2023-huyen”." in response.content.decode()
    free.refresh_from_db()
    assert free.name == "Bộ chỉ số đã sửa"


def test_page_for_a_frozen_framework_says_why_and_refuses(login, small_framework):
    url = f"/bo-chi-so/{small_framework.pk}/thay-noi-dung/"
    body = login("admin").get(url).content.decode()
    assert "không thể thay nội dung" in body and 'type="file"' not in body
    response = login("admin").post(url, {"file": SimpleUploadedFile("a.yaml", SMALL_FRAMEWORK.encode())})
    assert response.status_code == 422
    assert "đang được dùng trong kỳ đánh giá" in response.content.decode()
