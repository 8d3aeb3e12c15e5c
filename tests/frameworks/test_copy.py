"""framework_copy: next year's version keeps the text and its comments, with a new code and year."""

from __future__ import annotations

import pytest

from dti.audit.models import AuditEntry
from dti.core.errors import ServiceError
from dti.frameworks import services
from dti.frameworks.models import Framework
from tests.frameworks.conftest import COMMENTED


def test_rewrite_keeps_comments_and_nested_codes():
    text = services.rewrite_top_level(COMMENTED, code="tn-2024-huyen", year=2024)
    assert "code: tn-2024-huyen   # mã theo tên tệp\n" in text
    assert "year: 2024 # năm ban hành\n" in text
    assert text.startswith("# Bộ chỉ số thử nghiệm: chú thích đầu tệp")
    assert '  - code: "I"\n' in text and "      - code: I.1\n" in text  # indented codes untouched
    assert text.replace("tn-2024-huyen", "tn-2023-huyen").replace("2024 #", "2023 #") == COMMENTED


def test_rewrite_quotes_a_value_yaml_would_read_as_a_number():
    assert services.rewrite_top_level('code: "a"\nyear: 1\n', code="2024", year=2025) == 'code: "2024"\nyear: 2025\n'


def test_rewrite_needs_the_top_level_line():
    with pytest.raises(ServiceError):
        services.rewrite_top_level("  code: a\n", code="b")


def test_copy_makes_a_new_unfrozen_version(world, small_framework):
    assert small_framework.is_frozen
    copy = services.framework_copy(
        framework=small_framework, code="thu-nghiem-2024-huyen", year=2024, by=world["users"]["organiser"]
    )
    assert (copy.code, copy.year, copy.copied_from) == ("thu-nghiem-2024-huyen", 2024, small_framework)
    assert not copy.is_frozen
    assert copy.engine().code == "thu-nghiem-2024-huyen" and copy.engine().year == 2024
    assert copy.uploaded_by == world["users"]["organiser"]
    entry = AuditEntry.objects.get(action="framework.copy")
    assert entry.old["code"] == "thu-nghiem-2023-huyen" and entry.new["code"] == "thu-nghiem-2024-huyen"


@pytest.mark.parametrize(
    ("code", "year", "expected"),
    [
        ("thu-nghiem-2023-huyen", 2024, "Đã có bộ chỉ số mã"),
        ("Mã Có Dấu", 2024, "chữ thường không dấu"),
        ("tn-2024", 1999, "Năm 1999 không hợp lệ"),
    ],
)
def test_copy_refuses_bad_code_or_year(world, small_framework, code, year, expected):
    with pytest.raises(ServiceError) as exc:
        services.framework_copy(framework=small_framework, code=code, year=year, by=world["users"]["admin"])
    assert expected in exc.value.message
    assert Framework.objects.count() == 1


def test_copy_page(login, small_framework):
    url = f"/bo-chi-so/{small_framework.pk}/sao-chep/"
    for persona in ("reporter", "leader", "appraiser", "chair", "viewer"):
        assert login(persona).post(url, {"code": "tn-2024", "year": "2024"}).status_code == 403, persona
    response = login("anonymous").post(url, {"code": "tn-2024", "year": "2024"})
    assert response.status_code == 302
    assert not Framework.objects.filter(code="tn-2024").exists()
    response = login("admin").post(url, {"code": "tn-2024", "year": "2024"}, follow=True)
    body = response.content.decode()
    assert "Đã tạo phiên bản mới “tn-2024” (năm 2024) từ “thu-nghiem-2023-huyen”." in body
    assert "Có thể sửa" in body and "Sao chép từ" in body


def test_copy_page_shows_the_problem_and_keeps_the_typed_values(login, small_framework):
    response = login("organiser").post(f"/bo-chi-so/{small_framework.pk}/sao-chep/", {"code": "tn-2024", "year": "x"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Năm “x” không hợp lệ" in body
    assert 'value="tn-2024"' in body
