"""Evidence files go through Django's storage API alone, so a shared S3-compatible object store can hold them.

The store here is moto's S3 server running in the test's process on a port of this machine: the
application talks to it over HTTP with the S3 API (django-storages, boto3), as it would to MinIO,
Ceph or a cloud's object store. Nothing is written to MEDIA_ROOT then.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import storages

from dti.assessments.models import Evidence
from tests.assessments.test_evidence import stored_files, upload
from tests.core.test_files import docx_bytes, pdf_bytes

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"access_key": "dti-test", "secret_key": "dti-test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """The address of an S3 API server (moto's) on a free port of this machine."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_client(endpoint: str) -> Any:
    """A boto3 client of the S3 API server at `endpoint`, with the tests' keys."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )


@pytest.fixture
def bucket(s3_endpoint: str, settings: Any, tmp_path: Path) -> Any:
    """A fresh private bucket as the evidence store (DTI_STORAGE=s3), and an empty MEDIA_ROOT that must stay so."""
    name = f"dti-{uuid.uuid4().hex[:12]}"
    client = s3_client(s3_endpoint)
    client.create_bucket(Bucket=name)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": name, "endpoint_url": s3_endpoint, "location": "evidence", **KEYS},
        },
    }
    client.dti_bucket = name
    return client


def keys(bucket: Any) -> list[str]:
    listed = bucket.list_objects_v2(Bucket=bucket.dti_bucket)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def test_an_upload_is_stored_in_the_bucket_downloaded_from_it_and_deleted_from_it(
    world, login, bucket, settings, django_capture_on_commit_callbacks
):
    a = world["assessment"]
    client = login("reporter")
    data = pdf_bytes("minh chứng trên kho S3")
    assert upload(client, a, "Quyết định.pdf", data).status_code == 302
    evidence = Evidence.objects.get(assessment=a)
    assert re.fullmatch(rf"{a.pk}/[0-9a-f]{{32}}\.pdf", evidence.file.name)
    assert keys(bucket) == [f"evidence/{evidence.file.name}"]
    assert bucket.get_object(Bucket=bucket.dti_bucket, Key=f"evidence/{evidence.file.name}")["Body"].read() == data
    assert stored_files(settings.MEDIA_ROOT) == []

    # Another person, as if on another application server: the view reads the object back.
    response = login("appraiser").get(f"/danh-gia/minh-chung/{evidence.pk}/?xem=1")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/danh-gia/minh-chung/{evidence.pk}/xoa/")
    assert not Evidence.objects.exists()
    assert keys(bucket) == []


def test_a_file_checked_by_its_content_is_stored_under_its_real_type(world, login, bucket):
    """The content check reads the upload before it is stored: a Word file named .pdf goes in as .docx."""
    a = world["assessment"]
    upload(login("reporter"), a, "bao-cao.pdf", docx_bytes())
    [key] = keys(bucket)
    assert key.endswith(".docx")


def test_a_refused_upload_leaves_nothing_in_the_bucket(world, login, bucket):
    response = upload(login("reporter"), world["assessment"], "a.pdf", b"<html>not a pdf</html>", follow=True)
    assert "không phải là tài liệu được chấp nhận" in response.content.decode()
    assert keys(bucket) == [] and not Evidence.objects.exists()


def test_an_object_missing_from_the_bucket_is_not_found(world, login, bucket):
    a = world["assessment"]
    client = login("reporter")
    upload(client, a, "a.pdf", pdf_bytes())
    evidence = Evidence.objects.get(assessment=a)
    bucket.delete_object(Bucket=bucket.dti_bucket, Key=f"evidence/{evidence.file.name}")
    assert client.get(f"/danh-gia/minh-chung/{evidence.pk}/").status_code == 404


def test_every_server_configured_alike_reads_the_same_file(world, login, bucket, settings):
    """A second storage object built from the same settings (another server's) opens what this one stored."""
    from django.utils.module_loading import import_string

    a = world["assessment"]
    data = pdf_bytes()
    upload(login("reporter"), a, "a.pdf", data)
    evidence = Evidence.objects.get(assessment=a)
    config = settings.STORAGES["default"]
    other = import_string(config["BACKEND"])(**config["OPTIONS"])
    assert other is not storages["default"]
    with other.open(evidence.file.name, "rb") as handle:
        assert handle.read() == data


# ---------------------------------------------------------------------------------------------
# The setting


def settings_with(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Load the settings with this environment and print the evidence storage's configuration."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DTI_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-c", "import json; from dti import settings as s; print(json.dumps(s.STORAGES['default']))"],
        cwd=ROOT,
        env={**base, "DTI_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_default_store_is_the_local_folder(tmp_path):
    done = settings_with(tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_dti_storage_s3_configures_a_private_bucket(tmp_path):
    done = settings_with(
        tmp_path,
        DTI_STORAGE="S3",
        DTI_S3_BUCKET="dti-minh-chung",
        DTI_S3_ENDPOINT_URL="https://s3.example.gov.vn",
        DTI_S3_REGION="hn-1",
        DTI_S3_ADDRESSING_STYLE="path",
    )
    assert done.returncode == 0, done.stderr
    config = json.loads(done.stdout)
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    assert config["OPTIONS"] == {
        "bucket_name": "dti-minh-chung",
        "endpoint_url": "https://s3.example.gov.vn",
        "region_name": "hn-1",
        "addressing_style": "path",
        "location": "evidence",
        "default_acl": None,
        "file_overwrite": False,
        "max_memory_size": 5 * 1024 * 1024,
    }


@pytest.mark.parametrize(
    "env", [{"DTI_STORAGE": "nfs"}, {"DTI_STORAGE": "s3"}, {"DTI_STORAGE": "s3", "DTI_S3_BUCKET": " "}]
)
def test_an_unknown_store_or_a_bucket_missing_is_refused_at_start(tmp_path, env):
    done = settings_with(tmp_path, **env)
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured: DTI_STORAGE=")
    assert "chỉ nhận 'local' (thư mục MEDIA_ROOT) hoặc 's3' kèm DTI_S3_BUCKET" in last


def test_no_code_reaches_an_evidence_file_outside_the_storage_api():
    """No `.path`, no MEDIA_ROOT outside the settings: a file is opened, saved and deleted by its storage."""
    found = []
    for source in (ROOT / "src" / "dti").rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        if source.name != "settings.py" and "MEDIA_ROOT" in text:
            found.append(f"{source}: MEDIA_ROOT")
        if re.search(r"\.file\.path\b|\bfile\.path\b", text):
            found.append(f"{source}: .file.path")
    assert found == []
