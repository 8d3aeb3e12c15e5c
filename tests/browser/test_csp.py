"""Pages under the strict Content-Security-Policy (issue 10 §4), in a real browser on the demo data.

Every page answers with the policy (`script-src 'self'; style-src 'self'`: no inline script or
style, no `eval`), and Chromium enforces it: each persona opens the main pages of its work, and
the browser must report no refusal (neither as a console error nor as a
`securitypolicyviolation` event) and no JavaScript error. The behaviour moved out of inline code
still works under it: autosave saves and redraws the totals, a delete asks first (data-confirm),
the password list prints (data-print), and the progress bars are drawn as long as their value.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import ConsoleMessage, Locator, Page, Response, expect

from tests.browser.conftest import Demo
from tests.browser.test_widths import BAC_NINH
from tests.browser.test_widths import main_pages as pages_of_their_work

pytestmark = pytest.mark.django_db(transaction=True)

NINH_BINH = "Đánh giá, xếp hạng mức độ chuyển đổi số cấp huyện tỉnh Ninh Bình năm 2023"
OK_GREEN = (23, 117, 58)  # dti.css --ok: the filled part of a progress bar

# Added to every document before its own scripts (Playwright's init scripts are not subject to the page's policy).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__violations.push(`${e.violatedDirective} refused ${e.blockedURI || "inline"} at ${where}`);
});
"""


def main_pages(demo: Demo) -> dict[str | None, list[str]]:
    """By persona (None: not signed in), the main pages of its work (those measured in test_widths),
    with the account, report, history, notification and admin pages."""
    from dti.accounts.models import User
    from dti.assessments.models import Assessment
    from dti.campaigns.models import Campaign
    from dti.units.models import Unit

    ha_nam = Assessment.objects.get(pk=demo.kim_bang).participation.campaign_id
    ninh_binh = Campaign.objects.get(name=NINH_BINH).pk
    bac_ninh = Campaign.objects.get(name=BAC_NINH).pk
    tam_diep = Unit.objects.get(name="UBND thành phố Tam Điệp").pk
    reporter = User.objects.get(username="giabinh.nhaplieu").pk
    more: dict[str | None, list[str]] = {
        None: ["/dang-nhap/", f"/lich-su/ky/{ninh_binh}/"],
        "kimbang.nhaplieu": [
            "/thong-bao/",
            "/tai-khoan/doi-mat-khau/",
            f"/danh-gia/{demo.kim_bang}/chi-so/III.1/lich-su/",
        ],
        "tochuc": [
            f"/ky-danh-gia/{ha_nam}/",
            "/ky-danh-gia/tao-moi/",
            f"/ky-danh-gia/{ha_nam}/sua/",
            "/bo-chi-so/tai-len/",
            "/don-vi/nhap-tu-excel/",
            f"/tham-dinh/ky/{bac_ninh}/so-lieu-chinh-thuc/",
            "/lich-su/thay-doi-don-vi/",
            "/lich-su/doi-chieu-ma/",
            "/lich-su/nhap-ket-qua/",
            "/tai-khoan/",
            f"/tai-khoan/{reporter}/",
            "/tai-khoan/nhap-tu-excel/",
            f"/bao-cao/ky/{ninh_binh}/",
            f"/bao-cao/ky/{ninh_binh}/don-vi/{tam_diep}/",
        ],
        "quantri": ["/quan-tri/", "/quan-tri/accounts/user/", f"/quan-tri/accounts/user/{reporter}/change/"],
    }
    return {who: [*paths, *more.get(who, [])] for who, paths in pages_of_their_work(demo).items()}


def watch(page: Page) -> list[str]:
    """What goes wrong on `page` from now on: console errors (the policy's refusals are among them)
    and uncaught JavaScript errors; `refusals(page)` adds the page's violation events."""
    problems: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)

    def console(message: ConsoleMessage) -> None:
        # Django's admin pages name no icon, so Chromium asks for /favicon.ico, which the platform does not serve.
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            problems.append(f"console {message.type}: {message.text} ({message.location['url']})")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"JavaScript: {error}"))
    return problems


def refusals(page: Page) -> list[str]:
    """The policy's refusals the open document has reported so far."""
    return list(page.evaluate("window.__violations || []"))


def assert_strict_policy(response: Response | None, path: str) -> None:
    """The page came with the strict policy: only this site's scripts and styles, nothing inline, no eval."""
    assert response is not None and response.status == 200, path
    policy = response.headers.get("content-security-policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    for name in ("default-src", "script-src", "style-src"):
        assert directives.get(name) == ["'self'"], (path, policy)
    assert "unsafe" not in policy, (path, policy)


def filled(bar: Locator) -> float:
    """The share of a progress bar drawn in green, read from its pixels (its middle row)."""
    # caret="initial": hiding the caret, Playwright would add a <style> to the page, which the policy refuses.
    image = Image.open(io.BytesIO(bar.screenshot(caret="initial"))).convert("RGB")
    row = [image.getpixel((x, image.height // 2)) for x in range(image.width)]
    green = sum(1 for pixel in row if all(abs(a - b) <= 24 for a, b in zip(pixel, OK_GREEN, strict=True)))
    return green / image.width


def assert_drawn_to_value(bars: Locator) -> None:
    """Each progress bar is green over its value's share of its width (a pixel or two of rounding)."""
    assert bars.count() > 0
    for i in range(bars.count()):
        bar = bars.nth(i)
        share = float(bar.evaluate("bar => bar.position"))
        slack = 2 / bar.evaluate("bar => bar.getBoundingClientRect().width") + 0.01
        drawn = filled(bar)
        assert abs(drawn - share) <= slack, (i, share, drawn)


def test_every_main_page_runs_under_the_policy(demo, open_page, login):
    problems_by_page = []
    for who, paths in main_pages(demo).items():
        page = open_page()
        problems = watch(page)
        if who is not None:
            login(page, who)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
        for path in paths:
            response = page.goto(demo.at(path))
            assert_strict_policy(response, path)
            page.wait_for_load_state("load")
            found = [*problems, *refusals(page)]
            if found:
                problems_by_page.append((who, path, found))
            problems.clear()
    assert problems_by_page == []


def test_autosave_deletes_and_progress_work_under_the_policy(demo, open_page, login):
    """The reporter's page: a document is deleted after its question, htmx loads an index and
    autosaves a figure, the totals and the progress bar are swapped in; nothing refused, no error."""
    from dti.assessments.models import Assessment, Entry, Evidence
    from dti.assessments.selectors import assessment_page

    page = open_page()
    problems = watch(page)
    login(page, "kimbang.nhaplieu")
    assert_strict_policy(page.goto(demo.kim_bang_url), demo.kim_bang_url)
    assert page.locator("style").count() == 0  # htmx's indicator style comes from dti.css

    delete = page.locator(".evidence-list form.inline button.link.danger").first
    expect(delete).to_have_css("color", "rgb(179, 38, 30)")  # --bad, from dti.css
    before = Evidence.objects.filter(assessment_id=demo.kim_bang).count()
    delete.click()  # data-confirm asks (the test's dialog handler says yes), then the form posts
    expect(page.locator(".msg").first).to_be_visible()
    assert Evidence.objects.filter(assessment_id=demo.kim_bang).count() == before - 1

    bar = page.locator("#summary progress")
    at_first = assessment_page(Assessment.objects.get(pk=demo.kim_bang))
    expect(bar).to_have_attribute("value", str(at_first.percent_complete))
    assert_drawn_to_value(bar)
    page.locator("#index-card-iii summary").click()  # htmx: hx-trigger="toggle once"
    field = page.locator("#f-III-1-a")
    field.fill("")  # the indicator is no longer complete: one fewer in the progress
    expect(page.locator("#status-III-1 .save-state")).to_contain_text("Đã lưu")
    now = assessment_page(Assessment.objects.get(pk=demo.kim_bang))
    assert now.percent_complete < at_first.percent_complete
    expect(bar).to_have_attribute("value", str(now.percent_complete))
    expect(page.locator("#summary")).to_contain_text(f"Hoàn thành {now.complete}/{now.total} chỉ số")
    assert_drawn_to_value(bar)
    field.fill("70.000")
    expect(page.get_by_test_id("score-III.1")).to_have_text("2,62 / 5")
    expect(page.locator("#status-III-1 .save-state")).to_contain_text("Đã lưu")
    assert Entry.objects.get(assessment_id=demo.kim_bang, code="III.1").values["a"] == "70000"
    assert [*problems, *refusals(page)] == []


@pytest.mark.parametrize(
    ("who", "path", "bars"),
    [("thamdinh", "/tham-dinh/", "td progress"), ("tochuc", "/ky-danh-gia/{ha_nam}/", "td progress")],
    ids=["appraisal-home", "campaign-detail"],
)
def test_progress_bars_are_drawn_to_their_value(demo, open_page, login, who, path, bars):
    from dti.assessments.models import Assessment

    ha_nam = Assessment.objects.get(pk=demo.kim_bang).participation.campaign_id
    page = open_page()
    problems = watch(page)
    login(page, who)
    path = path.format(ha_nam=ha_nam)
    assert_strict_policy(page.goto(demo.at(path)), path)
    assert_drawn_to_value(page.locator(bars))
    assert [*problems, *refusals(page)] == []


def test_the_password_list_prints_under_the_policy(demo, open_page, login):
    """The organiser resets a password; the page that shows it once prints with its button (data-print)."""
    from dti.accounts.models import User

    page = open_page()
    problems = watch(page)
    page.add_init_script("window.print = () => { window.__printed = (window.__printed || 0) + 1; };")
    login(page, "tochuc")
    reporter = User.objects.get(username="giabinh.nhaplieu")
    page.goto(demo.at(f"/tai-khoan/{reporter.pk}/"))
    page.get_by_role("button", name="Đặt lại mật khẩu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mật khẩu mới của giabinh.nhaplieu")
    page.get_by_role("button", name="In danh sách").click()
    page.wait_for_function("window.__printed === 1")
    assert [*problems, *refusals(page)] == []


def test_console_watch_sees_a_refusal(demo, open_page):
    """The watch itself: an inline style added to a page is refused and reported (so a silent pass means none)."""
    page = open_page()
    problems = watch(page)
    page.goto(demo.at("/ket-qua/"))
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<style>body { color: red }</style>')")
    page.wait_for_function("window.__violations.length > 0")
    assert any("style-src" in found for found in refusals(page))
    assert any("Content Security Policy" in problem for problem in problems)
