"""/api/docs in Chromium: Swagger UI from the platform's own files works with the network off,
under the Content-Security-Policy (tests/api/test_docs.py checks the page's HTML)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.browser.test_csp import RECORD_VIOLATIONS


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
