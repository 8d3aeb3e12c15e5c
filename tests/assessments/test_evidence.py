"""Evidence (Tài liệu kiểm chứng): real small files, recognised by content, stored privately.

Files go to a temporary MEDIA_ROOT; every refused upload must leave neither a database row
nor a file behind.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dti.assessments.models import Evidence
from dti.audit.models import AuditEntry
from tests.core.test_files import (
    EXE,
    HTML,
    TEXT,
    cfb_bytes,
    doc_bytes,
    docx_bytes,
    jpg_bytes,
    odf_bytes,
    pdf_bytes,
    png_bytes,
    xls_bytes,
    xlsx_bytes,
    zip_bytes,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media: Path) -> list[Path]:
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


def upload(client: Any, assessment: Any, name: str, data: bytes, code: str = "I.1", **extra: Any) -> Any:
    return client.post(
        f"/danh-gia/{assessment.pk}/chi-so/{code}/minh-chung/",
        {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream")},
        **extra,
    )


def reference(client: Any, assessment: Any, code: str = "I.1", follow: bool = False, **fields: str) -> Any:
    return client.post(f"/danh-gia/{assessment.pk}/chi-so/{code}/minh-chung/", fields, follow=follow)


def messages_of(response: Any) -> list[str]:
    body = html.unescape(response.content.decode())
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(r'<li class="msg [^"]*">(.*?)</li>', body, re.S)]


# ---------------------------------------------------------------------------------------------
# Accepted files


@pytest.mark.parametrize(
    ("name", "build", "content_type", "extension"),
    [
        ("Quyết định thành lập BCĐ.pdf", pdf_bytes, "application/pdf", ".pdf"),
        ("anh-chup-man-hinh.png", png_bytes, "image/png", ".png"),
        ("anh-chup.jpg", jpg_bytes, "image/jpeg", ".jpg"),
        ("anh-chup.JPEG", jpg_bytes, "image/jpeg", ".jpg"),
        ("Kế hoạch 185.docx", docx_bytes, DOCX_TYPE, ".docx"),
        ("Số liệu xã.xlsx", xlsx_bytes, XLSX_TYPE, ".xlsx"),
        ("Kế hoạch 2019.doc", doc_bytes, "application/msword", ".doc"),
        ("Số liệu 2019.xls", xls_bytes, "application/vnd.ms-excel", ".xls"),
        ("Báo cáo.odt", odf_bytes, "application/vnd.oasis.opendocument.text", ".odt"),
    ],
)
def test_real_documents_are_accepted(world, login, media, name, build, content_type, extension):
    a = world["assessment"]
    data = build()
    response = upload(login("reporter"), a, name, data)
    assert response.status_code == 302
    assert response.url == f"/danh-gia/{a.pk}/#ind-I-1"
    evidence = Evidence.objects.get(assessment=a, code="I.1")
    assert evidence.kind == Evidence.Kind.FILE
    assert evidence.original_name == name
    assert evidence.content_type == content_type
    assert evidence.size == len(data)
    assert evidence.uploaded_by == world["users"]["reporter"]
    assert evidence.file.name.endswith(extension)
    [path] = stored_files(media)
    assert path.read_bytes() == data


def test_the_success_message_names_the_uploaded_file(world, login, media):
    client = login("reporter")
    response = upload(client, world["assessment"], "Quyết định 12.pdf", pdf_bytes(), follow=True)
    assert "Đã đính kèm tệp Quyết định 12.pdf cho chỉ số I.1." in messages_of(response)


def test_stored_under_a_random_name_not_the_original(world, login, media):
    a = world["assessment"]
    client = login("reporter")
    upload(client, a, "Quyết định thành lập.pdf", pdf_bytes())
    upload(client, a, "Quyết định thành lập.pdf", pdf_bytes())
    first, second = Evidence.objects.filter(assessment=a).order_by("pk")
    assert first.file.name != second.file.name
    for evidence in (first, second):
        path = Path(evidence.file.path)
        assert path.is_relative_to(media)
        assert "Quy" not in path.name and "định" not in str(path)
        assert re.fullmatch(rf"{a.pk}/[0-9a-f]{{32}}\.pdf", evidence.file.name)
    assert len(stored_files(media)) == 2


def test_the_extension_follows_the_content_not_the_name(world, login, media):
    """A real Word document named .pdf is accepted as Word and stored as .docx."""
    a = world["assessment"]
    upload(login("reporter"), a, "bao-cao.pdf", docx_bytes())
    evidence = Evidence.objects.get(assessment=a)
    assert evidence.content_type == DOCX_TYPE
    assert evidence.file.name.endswith(".docx")
    assert evidence.original_name == "bao-cao.pdf"


def test_a_path_in_the_name_never_leaves_the_media_directory(world, login, media):
    a = world["assessment"]
    upload(login("reporter"), a, "../../../etc/passwd.pdf", pdf_bytes())
    evidence = Evidence.objects.get(assessment=a)
    assert "/" not in evidence.original_name and ".." not in evidence.original_name
    assert Path(evidence.file.path).resolve().is_relative_to(media.resolve())


def test_the_upload_is_recorded_with_a_checksum_and_in_the_audit(world, login, media):
    import hashlib

    a = world["assessment"]
    data = pdf_bytes("minh chứng")
    upload(login("reporter"), a, "qd.pdf", data)
    evidence = Evidence.objects.get(assessment=a)
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    audit = AuditEntry.objects.get(action="evidence.add")
    assert audit.actor == world["users"]["reporter"]
    assert audit.code == "I.1"
    assert audit.new == {"file": "qd.pdf", "size": len(data), "type": "PDF"}


def test_the_page_lists_the_file_with_download_and_view_links(world, login, media):
    a = world["assessment"]
    client = login("reporter")
    upload(client, a, "Quyết định.pdf", pdf_bytes())
    evidence = Evidence.objects.get(assessment=a)
    page = client.get(f"/danh-gia/{a.pk}/").content.decode()
    assert f'<a href="/danh-gia/minh-chung/{evidence.pk}/">Quyết định.pdf</a>' in page
    assert f"/danh-gia/minh-chung/{evidence.pk}/?xem=1" in page
    assert "/khong-phuc-vu-truc-tiep/" not in page


# ---------------------------------------------------------------------------------------------
# Refused files


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("quyet-dinh.pdf", EXE),
        ("quyet-dinh.pdf", HTML),
        ("quyet-dinh.pdf", TEXT),
        ("ke-hoach.docx", zip_bytes()),
        ("ke-hoach.docx", docx_bytes(document=False)),
        ("bang.xlsx", docx_bytes(content_types=False)),
        ("setup.exe", EXE),
        ("trang.html", HTML),
        ("ke-hoach.docx", docx_bytes(macros=True)),
        ("ke-hoach.doc", cfb_bytes({"WordDocument": b"\xec\xa5", "dir": b"\x00"}, ("Macros", "VBA"))),
        ("so-lieu.xls", cfb_bytes({"PowerPoint Document": b"\x00"})),
    ],
)
def test_disguised_files_are_refused_with_a_message(world, login, media, name, data):
    a = world["assessment"]
    response = upload(login("reporter"), a, name, data, follow=True)
    assert (
        f"Tệp {name} không phải là tài liệu được chấp nhận (PDF, DOC, DOCX, XLS, XLSX, ODT, ODS, JPG, PNG); "
        "hệ thống kiểm tra nội dung tệp, không dựa vào phần đuôi tên tệp."
    ) in messages_of(response)
    assert not Evidence.objects.exists()
    assert stored_files(media) == []
    assert not AuditEntry.objects.exists()


def test_an_empty_file_is_refused(world, login, media):
    response = upload(login("reporter"), world["assessment"], "rong.pdf", b"", follow=True)
    assert "Tệp rỗng, không có nội dung." in messages_of(response)
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


def test_an_oversized_file_is_refused(world, login, media, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    data = pdf_bytes()
    assert len(data) > 100
    response = upload(login("reporter"), world["assessment"], "lon.pdf", data, follow=True)
    [message] = messages_of(response)
    assert message.startswith("Tệp lon.pdf dung lượng")
    assert "vượt giới hạn" in message
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


def test_a_file_one_byte_over_20_mb_names_a_size_above_the_limit(world, login, media, settings):
    """Issue 10 §4: not "20,00 MB, vượt giới hạn 20,00 MB"."""
    settings.EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
    data = pdf_bytes() + b" " * (settings.EVIDENCE_MAX_BYTES + 1 - len(pdf_bytes()))
    response = upload(login("reporter"), world["assessment"], "lon.pdf", data, follow=True)
    [message] = messages_of(response)
    assert message == "Tệp lon.pdf dung lượng 20,0000009 MB, vượt giới hạn 20,00 MB."
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


def test_a_file_at_the_limit_is_accepted(world, login, media, settings):
    data = pdf_bytes()
    settings.EVIDENCE_MAX_BYTES = len(data)
    assert upload(login("reporter"), world["assessment"], "vua.pdf", data).status_code == 302
    assert Evidence.objects.count() == 1


def test_an_unknown_indicator_is_refused(world, login, media):
    response = upload(login("reporter"), world["assessment"], "qd.pdf", pdf_bytes(), code="IX.9", follow=True)
    assert "Chỉ số 'IX.9' không có trong bộ chỉ số của đơn vị." in messages_of(response)
    assert stored_files(media) == []


# ---------------------------------------------------------------------------------------------
# Download: only through the permission-checked view


def test_download_sends_the_file_as_an_attachment_with_nosniff(world, login, media):
    a = world["assessment"]
    client = login("reporter")
    data = pdf_bytes()
    upload(client, a, "Quyết định số 1.pdf", data)
    evidence = Evidence.objects.get(assessment=a)
    response = client.get(f"/danh-gia/minh-chung/{evidence.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%20s%E1%BB%91%201.pdf" in response["Content-Disposition"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_view_inline_only_for_pdf_and_images(world, login, media):
    a = world["assessment"]
    client = login("reporter")
    upload(client, a, "a.pdf", pdf_bytes())
    upload(client, a, "b.docx", docx_bytes())
    pdf, docx = Evidence.objects.filter(assessment=a).order_by("pk")
    assert client.get(f"/danh-gia/minh-chung/{pdf.pk}/?xem=1")["Content-Disposition"].startswith("inline;")
    assert client.get(f"/danh-gia/minh-chung/{docx.pk}/?xem=1")["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("persona", ["leader", "appraiser", "chair", "viewer", "organiser", "admin"])
def test_people_who_see_the_unit_can_download(world, login, media, persona):
    a = world["assessment"]
    upload(login("reporter"), a, "a.pdf", pdf_bytes())
    evidence = Evidence.objects.get(assessment=a)
    assert login(persona).get(f"/danh-gia/minh-chung/{evidence.pk}/").status_code == 200


@pytest.mark.parametrize("persona", ["other_reporter", "other_leader"])
def test_another_unit_cannot_download(world, login, media, persona):
    a = world["assessment"]
    upload(login("reporter"), a, "a.pdf", pdf_bytes())
    evidence = Evidence.objects.get(assessment=a)
    response = login(persona).get(f"/danh-gia/minh-chung/{evidence.pk}/")
    assert response.status_code == 403
    assert "Bạn không có quyền xem tài liệu của đơn vị này." in response.content.decode()


def test_anonymous_cannot_download(world, login, media):
    a = world["assessment"]
    upload(login("reporter"), a, "a.pdf", pdf_bytes())
    evidence = Evidence.objects.get(assessment=a)
    response = login("anonymous").get(f"/danh-gia/minh-chung/{evidence.pk}/")
    assert response.status_code == 302 and response.url.startswith("/dang-nhap/")


def test_the_stored_file_is_not_served_directly(world, login, media, settings):
    a = world["assessment"]
    client = login("reporter")
    upload(client, a, "a.pdf", pdf_bytes())
    evidence = Evidence.objects.get(assessment=a)
    assert client.get(settings.MEDIA_URL + evidence.file.name).status_code == 404
    assert login("anonymous").get(settings.MEDIA_URL + evidence.file.name).status_code == 404


def test_a_reference_has_nothing_to_download(world, login, media):
    a = world["assessment"]
    client = login("reporter")
    reference(client, a, doc_number="185/KH-UBND")
    evidence = Evidence.objects.get(assessment=a)
    assert client.get(f"/danh-gia/minh-chung/{evidence.pk}/").status_code == 404


def test_a_file_missing_from_disk_is_not_found(world, login, media):
    a = world["assessment"]
    client = login("reporter")
    upload(client, a, "a.pdf", pdf_bytes())
    evidence = Evidence.objects.get(assessment=a)
    Path(evidence.file.path).unlink()
    assert client.get(f"/danh-gia/minh-chung/{evidence.pk}/").status_code == 404


# ---------------------------------------------------------------------------------------------
# References (number, date, title)


@pytest.mark.parametrize("date", ["21/11/2022", "2022-11-21"])
def test_a_reference_is_recorded(world, login, media, date):
    a = world["assessment"]
    client = login("reporter")
    response = reference(client, a, doc_number=" 185/KH-UBND ", doc_date=date, title="Kế hoạch chuyển đổi số năm 2023")
    assert response.status_code == 302
    evidence = Evidence.objects.get(assessment=a)
    assert evidence.kind == Evidence.Kind.REFERENCE
    assert (evidence.doc_number, evidence.doc_date.isoformat(), evidence.title) == (
        "185/KH-UBND",
        "2022-11-21",
        "Kế hoạch chuyển đổi số năm 2023",
    )
    assert not evidence.file
    page = html.unescape(client.get(f"/danh-gia/{a.pk}/").content.decode())
    assert "185/KH-UBND ngày 21/11/2022 — Kế hoạch chuyển đổi số năm 2023" in page
    assert AuditEntry.objects.get(action="evidence.add").new == {
        "number": "185/KH-UBND",
        "date": "2022-11-21",
        "title": "Kế hoạch chuyển đổi số năm 2023",
    }


def test_a_reference_without_a_date(world, login, media):
    a = world["assessment"]
    response = reference(login("reporter"), a, doc_number="185/KH-UBND", doc_date="", title="")
    assert response.status_code == 302
    assert Evidence.objects.get(assessment=a).doc_date is None


@pytest.mark.parametrize("date", ["31/02/2023", "21-11-2022", "21/11/22", "hôm qua", "2022/11/21"])
def test_a_reference_with_a_bad_date_is_refused(world, login, media, date):
    a = world["assessment"]
    response = reference(login("reporter"), a, doc_number="185/KH-UBND", doc_date=date, title="Kế hoạch", follow=True)
    assert f"Ngày ban hành '{date}' không hợp lệ (cần dd/mm/yyyy)." in messages_of(response)
    assert not Evidence.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_reference_without_number_or_title_is_refused(world, login, media):
    response = reference(login("reporter"), world["assessment"], doc_number=" ", doc_date="21/11/2022", follow=True)
    assert "Cần ít nhất số, ký hiệu văn bản hoặc trích yếu." in messages_of(response)
    assert not Evidence.objects.exists()


def test_a_reference_title_is_shown_escaped(world, login, media):
    a = world["assessment"]
    client = login("reporter")
    reference(client, a, title="<img src=x onerror=alert(1)>")
    page = client.get(f"/danh-gia/{a.pk}/").content.decode()
    assert "<img src=x onerror" not in page


# ---------------------------------------------------------------------------------------------
# Delete


def test_delete_removes_the_row_and_the_file_and_keeps_a_record(
    world, login, media, django_capture_on_commit_callbacks
):
    a = world["assessment"]
    client = login("reporter")
    upload(client, a, "Quyết định.pdf", pdf_bytes())
    evidence = Evidence.objects.get(assessment=a)
    path = Path(evidence.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/danh-gia/minh-chung/{evidence.pk}/xoa/", follow=True)
    assert "Đã xóa tài liệu kiểm chứng." in messages_of(response)
    assert response.redirect_chain[-1][0] == f"/danh-gia/{a.pk}/#ind-I-1"
    assert not Evidence.objects.exists()
    assert not path.exists()
    audit = AuditEntry.objects.get(action="evidence.delete")
    assert audit.actor == world["users"]["reporter"]
    assert audit.old == {"file": "Quyết định.pdf", "number": "", "title": ""}


def test_delete_a_reference(world, login, media):
    a = world["assessment"]
    client = login("leader")
    reference(client, a, doc_number="185/KH-UBND", title="Kế hoạch")
    evidence = Evidence.objects.get(assessment=a)
    assert client.post(f"/danh-gia/minh-chung/{evidence.pk}/xoa/").status_code == 302
    assert not Evidence.objects.exists()
    assert AuditEntry.objects.get(action="evidence.delete").old == {
        "file": "",
        "number": "185/KH-UBND",
        "title": "Kế hoạch",
    }


def test_delete_is_post_only(world, login, media):
    a = world["assessment"]
    client = login("reporter")
    reference(client, a, doc_number="185/KH-UBND")
    evidence = Evidence.objects.get(assessment=a)
    assert client.get(f"/danh-gia/minh-chung/{evidence.pk}/xoa/").status_code == 405
    assert Evidence.objects.exists()


@pytest.mark.parametrize("persona", ["appraiser", "viewer", "admin", "other_reporter"])
def test_others_cannot_delete(world, login, media, persona):
    a = world["assessment"]
    upload(login("reporter"), a, "a.pdf", pdf_bytes())
    evidence = Evidence.objects.get(assessment=a)
    response = login(persona).post(f"/danh-gia/minh-chung/{evidence.pk}/xoa/")
    assert response.status_code == 403
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert Path(evidence.file.path).exists()


# ---------------------------------------------------------------------------------------------
# Missing evidence on the page


def test_required_evidence_is_highlighted_until_attached(world, login, media):
    a = world["assessment"]
    client = login("reporter")
    page = html.unescape(client.get(f"/danh-gia/{a.pk}/").content.decode())
    i1 = page[page.index('id="ind-I-1"') : page.index('id="ind-I-2"')]
    assert "Chưa có tài liệu kiểm chứng bắt buộc." in i1
    assert "1 chỉ số thiếu tài liệu kiểm chứng" in page
    reference(client, a, doc_number="12/QĐ-UBND", title="Quyết định thành lập Ban chỉ đạo")
    page = html.unescape(client.get(f"/danh-gia/{a.pk}/").content.decode())
    i1 = page[page.index('id="ind-I-1"') : page.index('id="ind-I-2"')]
    assert "Chưa có tài liệu kiểm chứng bắt buộc." not in i1
    assert "Đủ tài liệu kiểm chứng" in page
