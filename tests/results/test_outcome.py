"""The unit's own result page (/danh-gia/<pk>/ket-qua/): nothing before its appraisal is finished;
then its claim beside the appraised scores, the adjustments with their reasons and the explanation
exchanged; once published, the published figures, rank, class, the decision and the public page.

The figures must be the appraisal side's (dti.appraisal.selectors.unit_scores) and the snapshot's,
never recomputed by the page.
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dti.appraisal import explanation, services
from dti.appraisal.models import Assignment
from dti.appraisal.selectors import unit_scores
from dti.assessments import workflow
from dti.assessments.models import Assessment, Entry
from dti.audit.models import AuditEntry
from dti.campaigns.models import Participation
from dti.core.templatetags.vn import so
from dti.units.models import Unit
from tests.results.conftest import finish

MESSAGE = "Bạn không có quyền xem kết quả đánh giá của đơn vị này."
NOT_YET = "Kết quả thẩm định hiện ở đây khi tổ thẩm định kết thúc thẩm định đơn vị"


def url(assessment: Assessment) -> str:
    return f"/danh-gia/{assessment.pk}/ket-qua/"


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def plain(response: Any) -> str:
    """The page's text without tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html.unescape(response.content.decode())))


def appraised_total(assessment: Assessment) -> str:
    total = unit_scores(Assessment.objects.get(pk=assessment.pk)).appraised.total
    return so(total, 2)


# ---------------------------------------------------------------- before the appraisal is finished


@pytest.mark.parametrize("status", ["draft", "submitted", "in_appraisal", "explanation_requested", "reopened"])
def test_no_figure_before_the_appraisal_is_finished(appraising: dict[str, Any], login: Any, status: str) -> None:
    one = appraising["assessment"]
    services.review_save(
        assessment=one,
        code="I.2",
        data={"a": "12", "reason": "Chỉ 12 xã"},
        version=0,
        by=appraising["users"]["appraiser"],
    )
    Assessment.objects.filter(pk=one.pk).update(status=status)
    response = login("reporter").get(url(one))
    assert response.status_code == 200
    page = text(response)
    assert NOT_YET in page
    # Neither the provisional appraised total (32) nor the adjusted indicator's score (6) nor the reason.
    assert "32,00" not in page and "Chỉ 12 xã" not in page and 'data-testid="appraised-total"' not in page


# ---------------------------------------------------------------- appraised


@pytest.fixture
def answered(appraising: dict[str, Any]) -> dict[str, Any]:
    """UBND huyện Một: I.2 adjusted to 12 of 20 communes, II.1 asked and answered, then finished."""
    users = appraising["users"]
    one, appraiser = appraising["assessment"], users["appraiser"]
    services.review_save(
        assessment=one, code="I.2", data={"a": "12", "reason": "Chỉ 12 xã có chuyên mục"}, version=0, by=appraiser
    )
    question = services.question_add(assessment=one, code="II.1", text="Đề nghị gửi kế hoạch đã ký", by=appraiser)
    deadline = timezone.now() + datetime.timedelta(days=3)
    explanation.request_explanation(assessment=one, by=users["organiser"], deadline=deadline)
    question.refresh_from_db()
    explanation.answer_save(question=question, text="Kế hoạch số 12/KH-UBND đã ký", by=users["reporter"])
    one.refresh_from_db()
    explanation.send_explanation(assessment=one, by=users["leader"])
    one.refresh_from_db()
    services.review_save(assessment=one, code="II.1", data={}, version=0, by=appraiser)
    finish(appraising, one)
    return appraising


def test_the_unit_sees_claim_appraisal_adjustment_and_explanation(answered: dict[str, Any], login: Any) -> None:
    one = answered["assessment"]
    response = login("reporter").get(url(one))
    page = text(response)
    assert "Trạng thái: Đã thẩm định" in plain(response)
    # Totals: claimed 35,50 (self score 8 on II.2), appraised as the appraisal side computes it (32,00).
    assert appraised_total(one) == "32,00"
    assert 'data-testid="appraised-total">32,00<' in page and "35,50" in page
    # I.2: 7,50 claimed, 6,00 after appraisal, with the correction and its reason.
    row = re.search(r'<tr data-code="I\.2" class="changed">(.*?)</tr>', page).group(1)
    assert "7,50" in row and "6,00" in row and "-1,50" in row
    words = plain(response)
    assert "Số xã có chuyên mục: 15 → 12 xã" in words
    assert "Lý do: Chỉ 12 xã có chuyên mục" in words
    # II.1: the question and the unit's answer.
    assert "Đề nghị giải trình: Đề nghị gửi kế hoạch đã ký" in words
    assert "Nội dung giải trình: Kế hoạch số 12/KH-UBND đã ký" in words
    # II.2: the self score (8) differs from the formula's (6): said, without an adjustment.
    assert "điểm tự chấm của đơn vị khác điểm đó" in words
    # No rank before publication.
    assert 'data-testid="rank"' not in page
    assert "chưa được Hội đồng đánh giá phê duyệt" in page


@pytest.mark.parametrize("persona", ["reporter", "leader", "appraiser", "organiser", "chair", "admin"])
def test_who_may_open_the_outcome(appraised: dict[str, Any], login: Any, persona: str) -> None:
    response = login(persona).get(url(appraised["assessment"]))
    assert response.status_code == 200
    assert 'data-testid="appraised-total"' in text(response)


@pytest.mark.parametrize("persona", ["other_reporter", "other_leader", "viewer"])
def test_others_are_refused(appraised: dict[str, Any], login: Any, persona: str) -> None:
    audit = AuditEntry.objects.count()
    response = login(persona).get(url(appraised["assessment"]))
    assert response.status_code == 403
    page = text(response)
    assert MESSAGE in page
    assert "UBND huyện Một" not in page and "32,00" not in page
    assert AuditEntry.objects.count() == audit


def test_anonymous_goes_to_the_login_page(appraised: dict[str, Any], client: Client) -> None:
    response = client.get(url(appraised["assessment"]))
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_a_reopened_unit_hides_its_figures_again(appraised: dict[str, Any], login: Any) -> None:
    one = appraised["assessment"]
    workflow.reopen(assessment=one, by=appraised["users"]["organiser"], comment="Xem lại I.2")
    page = text(login("reporter").get(url(one)))
    assert NOT_YET in page and "Mở lại thẩm định: Xem lại I.2" in page
    assert 'data-testid="appraised-total"' not in page


# ---------------------------------------------------------------- approved and published


def test_approved_shows_the_decision_without_a_rank(approved: dict[str, Any], login: Any) -> None:
    page = plain(login("leader").get(url(approved["assessment"])))
    assert "Trạng thái: Đã phê duyệt" in page
    assert "Quyết định số 15/QĐ-UBND ngày 01/07/2024 — Chủ tịch" in page
    assert "Xếp hạng" not in page and "Công bố" not in page


def test_published_shows_published_figures_rank_class_and_links(published: dict[str, Any], login: Any) -> None:
    one, campaign = published["assessment"], published["campaign"]
    snapshot = published["publication"].snapshot
    [line] = [u for g in snapshot["groups"] for u in g["units"] if u["unit"] == "UBND huyện Một"]
    page = text(login("reporter").get(url(one)))
    assert f'data-testid="published-total">{so(line["total"], 2)}<' in page
    assert f'data-testid="rank">{line["rank"]}/2<' in page
    assert f'href="/ket-qua/{campaign.pk}/don-vi/ubnd-huyen-mot/"' in page
    assert f'href="/ket-qua/{campaign.pk}/"' in page
    assert "Quyết định số 15/QĐ-UBND ngày 01/07/2024" in page
    row = re.search(r'<tr data-code="I\.2" class="changed">(.*?)</tr>', page).group(1)
    assert row.count("6,00") == 2  # appraised and published


# ---------------------------------------------------------------- a fixed number of queries


def add_appraised_units(world: dict[str, Any], count: int, first: int) -> None:
    """`count` more units of the group, submitted and appraised (accepted as claimed)."""
    appraiser = world["users"]["appraiser"]
    for number in range(first, first + count):
        unit = Unit.objects.create(name=f"UBND huyện Thêm {number:02d}", unit_type=world["unit"].unit_type)
        participation = Participation.objects.create(campaign=world["campaign"], group=world["group"], unit=unit)
        Assignment.objects.create(participation=participation, appraiser=appraiser)
        assessment = Assessment.objects.create(
            participation=participation, general={"so_xa": "10"}, status=Assessment.Status.SUBMITTED
        )
        Entry.objects.create(assessment=assessment, code="I.2", values={"a": str(number % 10)}, version=1)
        finish(world, assessment)


def queries(client: Client, address: str) -> int:
    assert client.get(address).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_the_group(appraised: dict[str, Any], login: Callable[[str], Client]) -> None:
    client, address = login("reporter"), url(appraised["assessment"])
    add_appraised_units(appraised, 2, 1)
    before = queries(client, address)
    add_appraised_units(appraised, 8, 3)
    assert queries(client, address) == before
