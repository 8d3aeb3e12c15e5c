"""framework_upload and /bo-chi-so/tai-len/: every problem shown with its path; nothing stored then."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from dti.audit.models import AuditEntry
from dti.core.errors import ServiceError
from dti.engine import MAX_SOURCE_BYTES
from dti.frameworks import services
from dti.frameworks.models import Framework
from tests.conftest import SMALL_FRAMEWORK
from tests.frameworks.conftest import COMMENTED, MANY_PROBLEMS

URL = "/bo-chi-so/tai-len/"
REFUSED = ["reporter", "leader", "other_reporter", "other_leader", "appraiser", "chair", "viewer"]


def _file(text: str | bytes, name: str = "bo-chi-so.yaml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8") if isinstance(text, str) else text)


def test_service_stores_the_text_and_records_it(world):
    organiser = world["users"]["organiser"]
    framework = services.framework_upload(source_text=COMMENTED, file_name="tn.yaml", by=organiser)
    assert (framework.code, framework.level, framework.year) == ("tn-2023-huyen", "huyen", 2023)
    assert framework.source == COMMENTED and framework.uploaded_by == organiser
    entry = AuditEntry.objects.get(action="framework.upload")
    assert entry.new["code"] == "tn-2023-huyen" and entry.comment == "tn.yaml"


def test_service_reports_every_problem(world):
    with pytest.raises(services.FrameworkInvalid) as exc:
        services.framework_upload(source_text=MANY_PROBLEMS, file_name="x.yaml", by=world["users"]["admin"])
    paths = [p.path for p in exc.value.problems]
    assert len(paths) == 7
    assert "level" in paths and "year" in paths and "indices[I].indicators[1].foo" in paths
    assert exc.value.message == "Bộ chỉ số có 7 lỗi; chưa lưu. Hãy sửa tệp rồi tải lên lại."
    assert not Framework.objects.filter(code="nhieu-loi-2023").exists()


def test_service_refuses_a_code_that_exists(world):
    with pytest.raises(ServiceError) as exc:
        services.framework_upload(source_text=SMALL_FRAMEWORK, file_name="x.yaml", by=world["users"]["admin"])
    assert "Đã có bộ chỉ số mã 'thu-nghiem-2023-huyen'" in exc.value.message
    assert Framework.objects.count() == 1


def test_service_refuses_a_code_that_cannot_be_stored(world):
    text = SMALL_FRAMEWORK.replace("code: thu-nghiem-2023-huyen", "code: Thử nghiệm 2023")
    with pytest.raises(services.FrameworkInvalid) as exc:
        services.framework_upload(source_text=text, file_name="x.yaml", by=world["users"]["admin"])
    assert [p.path for p in exc.value.problems] == ["code"]


def test_service_checks_permission(world):
    for persona in ("reporter", "appraiser", "chair", "viewer"):
        with pytest.raises(PermissionDenied):
            services.framework_upload(source_text=COMMENTED, file_name="x.yaml", by=world["users"][persona])
    assert not Framework.objects.filter(code="tn-2023-huyen").exists()


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        ("x".encode("utf-16"), "a.yaml", "không phải văn bản UTF-8"),
        (b"code: \xe0\xe1\n", "a.yaml", "không phải văn bản UTF-8 (byte lạ ở vị trí 6)"),
        (b"", "a.yaml", "rỗng"),
        (b"format: dti/1\n", "a.xlsx", "cần tệp YAML (.yaml)"),
        (b"x" * (MAX_SOURCE_BYTES + 1), "a.yaml", "vượt giới hạn 2 MB"),
    ],
)
def test_read_upload_refuses_what_is_not_a_framework_text(content, name, expected):
    with pytest.raises(ServiceError) as exc:
        services.read_upload(io.BytesIO(content), name=name)
    assert expected in exc.value.message


def test_read_upload_strips_a_bom_and_windows_line_ends():
    assert services.read_upload(io.BytesIO(b"\xef\xbb\xbfa: 1\r\nb: 2\r\n"), name="a.yml") == "a: 1\nb: 2\n"


def test_refused_to_other_roles(login):
    for persona in REFUSED:
        client = login(persona)
        assert client.get(URL).status_code == 403, persona
        assert client.post(URL, {"file": _file(COMMENTED)}).status_code == 403, persona
    assert not Framework.objects.filter(code="tn-2023-huyen").exists()


def test_anonymous_is_sent_to_login(login):
    response = login("anonymous").get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


@pytest.mark.parametrize("persona", ["organiser", "admin"])
def test_upload_page_stores_and_shows_the_framework(login, persona):
    client = login(persona)
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"file": _file(COMMENTED, "tn-2023-huyen.yaml")}, follow=True)
    body = response.content.decode()
    assert "Đã tải lên bộ chỉ số “Bộ chỉ số thử nghiệm cấp huyện” (tn-2023-huyen)." in body
    assert Framework.objects.get(code="tn-2023-huyen").source == COMMENTED


def test_upload_page_shows_every_problem_with_its_path(login):
    response = login("organiser").post(URL, {"file": _file(MANY_PROBLEMS, "nhieu-loi.yaml")})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Bộ chỉ số có 7 lỗi" in body
    for path, message in [
        ("level", "&#x27;huyenx&#x27; không hợp lệ"),
        ("year", "cần năm, ví dụ 2023"),
        ("indices[I].indicators[I.1].scoring.numerator", "trường &#x27;a&#x27; chưa được khai báo"),
        ("indices[I].indicators[I.1].scoring.denominator", "trường &#x27;b&#x27; chưa được khai báo"),
        ("indices[I].indicators[1].foo", "khóa không được hỗ trợ"),
        ("indices[I].indicators[1].code", "trùng với"),
        ("indices[I].indicators[I.1].scoring.method", "phương pháp &#x27;nope&#x27; không tồn tại"),
    ]:
        assert f"<code>{path}</code>" in body, path
        assert message in body, message
    assert body.count("<td>nhieu-loi.yaml</td>") == 7


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"a: [1\n", "dòng 2, cột 1"),  # broken YAML: where
        ("Bộ chỉ số".encode("utf-16"), "không phải văn bản UTF-8"),
        (b"- 1\n- 2\n", "tệp rỗng hoặc không phải một bảng YAML"),
    ],
)
def test_upload_page_explains_broken_files(login, content, expected):
    response = login("admin").post(URL, {"file": _file(content)})
    assert response.status_code == 422
    assert expected in response.content.decode()
    assert Framework.objects.count() == 1


def test_upload_page_without_a_file(login):
    response = login("admin").post(URL, {})
    assert response.status_code == 422 and "Hãy chọn tệp bộ chỉ số" in response.content.decode()
