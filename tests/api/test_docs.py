"""/api/docs is Swagger UI served by the platform itself (no CDN), under its Content-Security-Policy;
/api/openapi.json is the OpenAPI 3.1 document it reads."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from playwright.sync_api import Browser, Page, Route, expect

from dti.core.middleware import CONTENT_SECURITY_POLICY
from tests.browser.conftest import browser, open_page
from tests.browser.test_csp import RECORD_VIOLATIONS

# The shared headless Chromium of the browser tests, asked for by name.
__all__ = ["browser", "open_page"]


def test_the_document_is_openapi_3_1_with_every_endpoint(db: None) -> None:
    document = Client().get("/api/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] == "API của nền tảng DTI"
    assert len(document["paths"]) == 10
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


@pytest.fixture
def offline_page(open_page: Callable[[], Page], live_server: Any) -> Iterator[tuple[Page, list[str]]]:
    """A page that reaches only the live server (every other address fails, as with the network off)."""
    page = open_page()
    elsewhere: list[str] = []

    def only_here(route: Route) -> None:
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_here)
    yield page, elsewhere


@pytest.mark.django_db(transaction=True)
def test_the_docs_page_works_offline_under_the_policy(
    offline_page: tuple[Page, list[str]], live_server: Any, browser: Browser, settings: Any
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    page, elsewhere = offline_page
    page.add_init_script(RECORD_VIOLATIONS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + "/api/docs")
    expect(page.get_by_text("API của nền tảng DTI").first).to_be_visible()
    expect(page.get_by_text("/api/frameworks/{framework_id}/source")).to_be_visible()
    assert page.evaluate("window.__violations") == []
    assert errors == [] and elsewhere == []
