"""Pages that fit: no main page is wider than the window, on a laptop (1366 px) or a phone (390 px).

Each persona of the demo data signs in and opens the main pages of its work; every page is
measured at both sizes: the document must be no wider than the window (a wide table scrolls
inside its own box instead). On the phone the header menu folds behind its button and the
self-assessment's score summary keeps to one line; "Chọn tất cả" ticks a checkbox list.
DTI_SCREENSHOTS=<folder> keeps a picture of a few phone pages to look at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Demo

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"laptop": (1366, 800), "phone": (390, 844)}
NINH_BINH = "Đánh giá, xếp hạng mức độ chuyển đổi số cấp huyện tỉnh Ninh Bình năm 2023"
BAC_NINH = "Đánh giá DTI tỉnh Bắc Ninh năm 2023 (dữ liệu mẫu)"


def main_pages(demo: Demo) -> dict[str | None, list[str]]:
    """By persona (None: not signed in), the main pages of its work."""
    from dti.assessments.models import Assessment
    from dti.campaigns.models import Campaign
    from dti.frameworks.models import Framework
    from dti.results.models import Publication
    from dti.results.selectors import unit_keys

    bac_ninh = Campaign.objects.get(name=BAC_NINH)
    ninh_binh = Publication.objects.get(campaign__name=NINH_BINH)
    scorecard = f"/ket-qua/{ninh_binh.campaign_id}/don-vi/{unit_keys(ninh_binh.snapshot)[(1, 1)]}/"
    appraised = Assessment.objects.filter(participation__campaign=bac_ninh).order_by("pk").first()
    assert appraised is not None
    framework = Framework.objects.get(code="bac-ninh-2023-so")
    public = ["/ket-qua/", f"/ket-qua/{ninh_binh.campaign_id}/", scorecard]
    return {
        None: public,
        "kimbang.nhaplieu": ["/", f"/danh-gia/{demo.kim_bang}/"],
        "kimbang.lanhdao": ["/", f"/danh-gia/{demo.kim_bang}/gui/"],
        "tochuc": [
            "/",
            "/ky-danh-gia/",
            f"/ky-danh-gia/{bac_ninh.pk}/",
            "/don-vi/",
            "/bo-chi-so/",
            f"/bo-chi-so/{framework.pk}/",
            f"/tham-dinh/ky/{bac_ninh.pk}/",
        ],
        "thamdinh": ["/", "/tham-dinh/", f"/tham-dinh/ky/{bac_ninh.pk}/", f"/tham-dinh/{appraised.pk}/"],
        "chutich": ["/", f"/phe-duyet/{bac_ninh.pk}/", f"/phe-duyet/{ninh_binh.campaign_id}/"],
        "xem": ["/", "/ky-danh-gia/", "/don-vi/", *public],
        "quantri": ["/", "/don-vi/?tim=gia"],
    }


@pytest.fixture
def signed_in(browser: Browser, login: Callable[..., None]) -> Iterator[Callable[[str | None, str], Page]]:
    """`signed_in(who, size)`: a page in its own context at one size, signed in as `who` (None: a
    visitor); the contexts are closed after the test."""
    contexts = []

    def make(who: str | None, size: str) -> Page:
        width, height = SIZES[size]
        context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        if who is not None:
            login(page, who)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
        return page

    yield make
    for context in contexts:
        context.close()


def overflow(page: Page) -> int:
    """How many pixels the document is wider than the window."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def test_no_main_page_is_wider_than_the_window(demo, signed_in, shot):
    too_wide = []
    for who, paths in main_pages(demo).items():
        for size in SIZES:
            page = signed_in(who, size)
            for path in paths:
                response = page.goto(demo.at(path))
                assert response is not None and response.status == 200, (who, path)
                if (extra := overflow(page)) > 0:
                    too_wide.append(f"{path} ({who or 'khách'}, {size}): {extra} px")
                if size == "phone" and path in ("/don-vi/?tim=gia", f"/danh-gia/{demo.kim_bang}/"):
                    shot(page, f"phone-{who}-{path.strip('/').replace('/', '-').replace('?', '-')}")
            if size == "phone" and who is None:
                shot(page, "phone-scorecard")
    assert too_wide == []


def test_on_a_phone_the_menu_folds_and_the_summary_takes_one_line(demo, signed_in, shot):
    page = signed_in("kimbang.nhaplieu", "phone")
    page.goto(demo.kim_bang_url)
    menu = page.locator(".menu-toggle")
    link = page.locator(".mainnav").get_by_role("link", name="Đơn vị")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(link).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(link).to_be_visible()
    assert overflow(page) <= 0
    shot(page, "phone-menu-open")
    menu.click()
    expect(link).to_be_hidden()

    summary = page.locator("#summary")
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#summary .big')).lineHeight)")
    box = summary.bounding_box()
    assert box is not None
    padding = page.evaluate(
        "(() => { const s = getComputedStyle(document.querySelector('#summary'));"
        " return parseFloat(s.paddingTop) + parseFloat(s.paddingBottom) + parseFloat(s.borderTopWidth) * 2; })()"
    )
    assert box["height"] <= line + padding + 1  # one line of text
    page.mouse.wheel(0, 3000)
    expect(summary).to_be_in_viewport()  # sticky: still on screen after scrolling
    expect(summary).to_contain_text("Hoàn thành")


def test_on_a_laptop_the_menu_is_always_open(demo, signed_in):
    page = signed_in("tochuc", "laptop")
    expect(page.locator(".menu-toggle")).to_be_hidden()
    expect(page.locator(".mainnav").get_by_role("link", name="Đơn vị")).to_be_visible()


def test_select_all_ticks_the_visible_checkboxes_of_its_list(demo, signed_in):
    """core/_select_all.html with dti.js: all, none, and a partial choice shown as such."""
    from django.template.loader import render_to_string

    page = signed_in(None, "laptop")
    page.goto(demo.at("/ket-qua/"))  # any page: dti.js is loaded
    form = (
        "<form id='f'>"
        + render_to_string("core/_select_all.html", {"name": "units"})
        + "".join(f"<label><input type='checkbox' name='units' value='{n}'> {n}</label>" for n in range(3))
        + "<label hidden><input type='checkbox' name='units' value='an'> ẩn</label>"
        + "<label><input type='checkbox' name='indices' value='I'> I</label></form>"
    )
    page.evaluate("html => document.querySelector('main').insertAdjacentHTML('beforeend', html)", form)
    all_box = page.locator("[data-select-all=units]")
    expect(all_box).to_be_visible()
    all_box.check()
    ticked = "() => Array.from(document.querySelectorAll('#f input:checked:not([data-select-all])')).map(b => b.value)"
    assert page.evaluate(ticked) == ["0", "1", "2"]  # not the hidden one, not another list
    page.locator("#f input[value='1']").uncheck()
    assert page.evaluate("document.querySelector('[data-select-all]').indeterminate") is True
    expect(all_box).not_to_be_checked()
    all_box.check()
    all_box.uncheck()
    assert page.evaluate(ticked) == []


A4_WIDTH = 643  # px inside A4 portrait's margins (210 − 25 − 15 mm at 96 px per inch)
A4_LANDSCAPE_WIDTH = 990  # px inside A4 landscape's (297 − 20 − 15 mm): the page of the chair's ranking


def test_printed_result_and_assessment_pages_fit_a4_without_menus(demo, signed_in):
    """The print styles: no header, menu, filters or buttons; everything fits A4 portrait, but
    the chair's ranking (the claims beside the appraised scores), printed on a landscape page."""
    pages = main_pages(demo)
    printed = {
        None: pages[None][1:],  # the public ranking and a scorecard
        "chutich": pages["chutich"][1:],  # the chair's pages
        "kimbang.lanhdao": [f"/danh-gia/{demo.kim_bang}/", f"/danh-gia/{demo.kim_bang}/gui/"],
    }
    landscape = "document.querySelectorAll('.table-wrap:has(> table.review)')"
    too_wide = []
    for who, paths in printed.items():
        page = signed_in(who, "laptop")
        page.emulate_media(media="print")
        for path in paths:
            page.set_viewport_size({"width": A4_LANDSCAPE_WIDTH, "height": 900})
            page.goto(demo.at(path))
            for hidden in (".topbar", ".foot", "form.filters", ".btn"):
                for element in page.locator(hidden).all():
                    expect(element).to_be_hidden()
            if page.evaluate(f"{landscape}.length") and overflow(page) > 0:
                too_wide.append(f"{path} ({who}): the ranking is wider than A4 landscape")
            page.evaluate(f"{landscape}.forEach(wide => wide.remove())")
            page.set_viewport_size({"width": A4_WIDTH, "height": 900})
            if (extra := overflow(page)) > 0:
                too_wide.append(f"{path} ({who or 'khách'}): {extra} px wider than A4")
    assert too_wide == []
