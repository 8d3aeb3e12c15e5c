"""Browser tests: one headless Chromium for the session, the demo data behind Django's live server.

`demo` loads `dti.demo.load_demo()` into the test database (committed: the live
server's threads must see it) and gives the server's address and Kim Bảng's assessment.
`open_page()` gives a page in a fresh browser context (its own cookies: one person each),
`login(page, username)` signs in by typing into the login form, and `shot(page, name)` saves a
screenshot when DTI_SCREENSHOTS names a directory (kept out of the repository).

Playwright's sync API runs an asyncio loop in the test thread, so Django's async-unsafe
check would refuse the test's own database queries; it is switched off while the browser
runs, for these tests only.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from dti.demo import PASSWORD

CHROMIUM = os.environ.get("DTI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 10_000  # generous for a loaded CI machine; waits end as soon as the page is right

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, shared by every browser test."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (set DTI_CHROMIUM)")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class Demo:
    """The running demo: where it is and Kim Bảng's self-assessment."""

    url: str
    kim_bang: int  # Kim Bảng's assessment (Hà Nam 2023 campaign)

    def at(self, path: str) -> str:
        """The full address of a path on the live server."""
        return self.url + path

    @property
    def kim_bang_url(self) -> str:
        """Kim Bảng's self-assessment page."""
        return self.at(f"/danh-gia/{self.kim_bang}/")


@pytest.fixture
def demo(browser: Browser, live_server: Any, transactional_db: Any, settings: Any, tmp_path: Path) -> Demo:
    """The demo data in the test database, served by the live server; uploads go to tmp."""
    settings.MEDIA_ROOT = tmp_path / "evidence"
    # Plain static URLs served from the apps (the manifest storage needs collectstatic, and
    # the live server's static handler does not know the hashed names).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from dti.assessments.models import Assessment
    from dti.demo import load_demo

    assert load_demo()
    kim_bang = Assessment.objects.get(participation__unit__name="UBND huyện Kim Bảng")
    return Demo(url=live_server.url, kim_bang=kim_bang.pk)


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """`open_page()`: a new page in its own context (no shared cookies), closed after the test."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def login(demo: Demo) -> Callable[..., None]:
    """`login(page, username)`: type the username and password into the login form and click.

    The login page is opened first unless `open_form=False` (the page already shows it, after
    a redirect); the caller checks where the person lands.
    """

    def do(page: Page, username: str, *, open_form: bool = True) -> None:
        if open_form:
            page.goto(demo.at("/dang-nhap/"))
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()

    return do


@pytest.fixture
def shot() -> Callable[..., None]:
    """`shot(page, name, focus=None)`: the screen into $DTI_SCREENSHOTS (if set), `focus` centred."""
    folder = os.environ.get("DTI_SCREENSHOTS")

    def take(page: Page, name: str, focus: Locator | None = None) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            if focus is not None:
                focus.evaluate("e => e.scrollIntoView({block: 'center'})")
            page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)

    return take
