"""Documents through the API: the same files as the web's downloads, behind the same doors.

Each download is compared with the web's: the same content type and file name, and the same
document read back (every text of the workbook, the Word file, the PDF).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.api.conftest import bearer
from tests.conftest import World
from tests.reports.conftest import campaign_url, unit_url
from tests.reports.test_appendix import all_text
from tests.results.conftest import appraised, approved, published

# The fixtures the published world is built with, asked for by name.
__all__ = ["appraised", "approved", "published"]

Api = Callable[[str], Client]
VIEW_REPORT = "Bạn không có quyền xem báo cáo phân tích của đơn vị này."


def same_document(api: Any, web: Any, kind: str) -> None:
    assert (api.status_code, web.status_code) == (200, 200), api.content[:300]
    assert api["Content-Type"] == web["Content-Type"]
    assert api["Content-Disposition"] == web["Content-Disposition"]
    assert all_text(api.content, kind) == all_text(web.content, kind)


@pytest.mark.parametrize("kind", ["xlsx", "docx", "pdf"])
def test_the_published_appendix_is_the_webs_for_anyone(published: World, api_as: Api, kind: str) -> None:
    path = f"/api/campaigns/{published['campaign'].pk}/appendix/{kind}"
    web = Client().get(campaign_url(published, f"phu-luc.{kind}"))
    same_document(Client().get(path), web, kind)
    same_document(api_as("reporter").get(path), web, kind)
    assert "DỰ THẢO" not in all_text(web.content, kind)


def test_the_draft_appendix_only_for_those_who_may_see_drafts(approved: World, api_as: Api) -> None:
    path = f"/api/campaigns/{approved['campaign'].pk}/appendix/pdf"
    organiser = api_as("organiser").get(path)
    web = Client()
    web.force_login(approved["users"]["organiser"], backend="dti.accounts.backends.UnitModelBackend")
    same_document(organiser, web.get(campaign_url(approved, "phu-luc.pdf")), "pdf")
    assert "DỰ THẢO" in all_text(organiser.content, "pdf")
    assert Client().get(path).status_code == 401
    assert bearer("dti_khong_ton_tai").get(path).status_code == 401
    reporter = api_as("reporter").get(path)
    assert (reporter.status_code, reporter.json()["message"]) == (
        403,
        "Kết quả chưa công bố: chỉ cơ quan tổ chức và Hội đồng đánh giá được xem bản dự thảo.",
    )
    assert api_as("organiser").get(f"{path}?version=1").status_code == 404


def test_an_unknown_version_or_kind_is_not_found_or_refused(published: World) -> None:
    path = f"/api/campaigns/{published['campaign'].pk}/appendix"
    assert Client().get(f"{path}/xlsx?version=7").status_code == 404
    assert Client().get(f"{path}/csv").status_code == 422
    assert Client().get("/api/campaigns/999999/appendix/xlsx").status_code == 404


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_a_units_report_is_the_webs_for_who_may_read_it(
    published: World, api_as: Api, login: Callable[[str], Client], kind: str
) -> None:
    path = f"/api/campaigns/{published['campaign'].pk}/units/{published['unit'].pk}/report/{kind}"
    same_document(
        api_as("reporter").get(path), login("reporter").get(unit_url(published, tail=f"bao-cao.{kind}")), kind
    )
    other = api_as("other_reporter").get(path)
    assert (other.status_code, other.json()["message"]) == (403, VIEW_REPORT)
    assert Client().get(path).status_code == 401


def test_a_units_report_before_publication_and_outside_the_campaign(approved: World, api_as: Api) -> None:
    campaign = approved["campaign"].pk
    path = f"/api/campaigns/{campaign}/units/{approved['unit'].pk}/report/pdf"
    reporter = api_as("reporter").get(path)
    assert (reporter.status_code, reporter.json()["message"]) == (
        403,
        "Kết quả chưa công bố: báo cáo phân tích có khi kết quả được công bố.",
    )
    assert "DỰ THẢO" in all_text(api_as("organiser").get(path).content, "pdf")
    assert api_as("organiser").get(f"/api/campaigns/{campaign}/units/999999/report/pdf").status_code == 404
