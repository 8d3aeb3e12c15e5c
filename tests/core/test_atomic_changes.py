"""A change (POST) runs in one transaction, but its body is read before the transaction starts.

On SQLite a write transaction holds the database's lock from its start: an upload arriving
slowly must not hold it while its bytes come in (other people's saves would wait or fail).
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from dti import urls as dti_urls

SEEN: list[bool] = []  # per received chunk: whether a transaction was open then; per view call: the same


class RecordingHandler(MemoryFileUploadHandler):
    """Keeps the file in memory like Django's own handler, noting whether a transaction is open."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        SEEN.append(connection.in_atomic_block)
        return super().receive_data_chunk(raw_data, start)


def upload(request: HttpRequest) -> HttpResponse:
    SEEN.append(connection.in_atomic_block)
    return HttpResponse(request.FILES["tep"].read())


urlpatterns = [path("tai-len/", upload), *dti_urls.urlpatterns]


@override_settings(ROOT_URLCONF=__name__, FILE_UPLOAD_HANDLERS=[f"{__name__}.RecordingHandler"])
def test_an_upload_is_read_before_the_transaction_and_the_view_runs_inside_it(transactional_db):
    SEEN.clear()
    client = Client(enforce_csrf_checks=False)
    response = client.post("/tai-len/", {"tep": SimpleUploadedFile("a.txt", b"noi dung")})
    assert response.status_code == 200 and response.content == b"noi dung"
    *chunks, in_view = SEEN
    assert chunks and not any(chunks)  # every byte arrived outside a transaction
    assert in_view  # the view itself runs in the change's transaction
