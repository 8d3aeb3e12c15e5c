"""/api/docs is Swagger UI served by the platform itself (no CDN), under its Content-Security-Policy;
/api/openapi.json is the OpenAPI 3.1 document it reads. The page in Chromium: tests/browser/test_api_docs.py
(beside the browser tests, whose one Chromium it shares: a second Playwright in the same process fails)."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders
from django.test import Client

from dti.core.middleware import CONTENT_SECURITY_POLICY
from tests.api.test_contract import TABLE


def test_the_document_is_openapi_3_1_with_every_endpoint(db: None) -> None:
    document = Client().get("/api/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] == "API của nền tảng DTI"
    assert set(document["paths"]) == {path for _method, path in TABLE}  # the permission matrix's
    assert document["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}


def test_the_docs_page_loads_only_files_of_this_site(db: None) -> None:
    response = Client().get("/api/docs")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    html = response.content.decode()
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assets = re.findall(r"(?:src|href)=\"/static/([^\"]+)\"", html)
    assert {"ninja/swagger-ui.css", "ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js"} <= set(assets)
    assert all(finders.find(asset) for asset in assets)
    settings = re.search(r'<script type="application/json" id="swagger-settings">(.*?)</script>', html, re.S)
    assert settings is not None and '"validatorUrl": null' in settings.group(1)
