"""The submit page lists, with links, each indicator missing data or required evidence, says how
many will score 0, and asks for confirmation saying what sending does (issue 9 §3)."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile

from dti.assessments.models import Entry, Evidence
from dti.assessments.selectors import scores_zero
from dti.engine import ItemScore, Status


def page_of(response: Any) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def confirm_text(page: str) -> str:
    [text] = re.findall(r'<form method="post" data-confirm="([^"]*)">', page)
    return text


def test_every_missing_indicator_is_listed_with_its_link(world: dict[str, Any], login: Any) -> None:
    a = world["assessment"]
    Entry.objects.create(assessment=a, code="I.2", values={"a": "15"}, version=1)
    page = page_of(login("leader").get(f"/danh-gia/{a.pk}/gui/"))
    missing = re.search(r'<h2 id="thieu-so-lieu">.*?</ul>', page).group(0)
    for code, slug in (("I.1", "I-1"), ("II.1", "II-1"), ("II.2", "II-2")):
        assert f'<a href="/danh-gia/{a.pk}/#ind-{slug}">{code}.' in missing
    assert "#ind-I-2" not in missing  # complete
    assert "còn thiếu: Trưởng ban là" in missing and "còn thiếu: điểm chấm trực tiếp" in missing
    assert "1/4 chỉ số đã đủ số liệu. 3 chỉ số còn thiếu số liệu sẽ được tính 0 điểm." in page
    evidence = re.search(r'<h2 id="thieu-tai-lieu">.*?</ul>', page).group(0)
    assert f'<a href="/danh-gia/{a.pk}/#ind-I-1">I.1. Trưởng ban chỉ đạo</a>' in evidence
    assert "Quyết định thành lập" in evidence
    assert confirm_text(page) == (
        "Gửi bản tự đánh giá của UBND huyện Một? 3 chỉ số còn thiếu số liệu sẽ được tính 0 điểm. "
        "Sau khi gửi, đơn vị không thể sửa số liệu nữa."
    )


def test_a_complete_assessment_lists_nothing(world: dict[str, Any], login: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    a = world["assessment"]
    for code, data in {
        "I.1": {"values": {"truong_ban": "chu_tich"}},
        "I.2": {"values": {"a": "15"}},
        "II.1": {"values": {"ban_hanh": True}},
        "II.2": {"score": "6"},
    }.items():
        Entry.objects.create(assessment=a, code=code, version=1, **data)
    Evidence.objects.create(
        assessment=a, code="I.1", kind=Evidence.Kind.FILE, original_name="qd.pdf", file=ContentFile(b"%PDF", "qd.pdf")
    )
    page = page_of(login("leader").get(f"/danh-gia/{a.pk}/gui/"))
    assert 'id="thieu-so-lieu"' not in page and 'id="thieu-tai-lieu"' not in page
    assert 'class="msg warning"' not in page
    assert (
        confirm_text(page) == "Gửi bản tự đánh giá của UBND huyện Một? Sau khi gửi, đơn vị không thể sửa số liệu nữa."
    )


def test_a_split_indicator_with_a_complete_part_does_not_score_zero() -> None:
    assert scores_zero(ItemScore("X.1", Decimal(0), Status.MISSING))
    assert not scores_zero(ItemScore("X.1", Decimal("2.5"), Status.MISSING))
    assert not scores_zero(ItemScore("X.1", Decimal(0), Status.OK))


def test_deleting_evidence_asks_first_without_inline_script(world: dict[str, Any], login: Any) -> None:
    """Regression: the delete button used an inline onclick; the static script reads data-confirm now."""
    a = world["assessment"]
    Evidence.objects.create(assessment=a, code="I.1", kind=Evidence.Kind.REFERENCE, doc_number="12/QĐ-UBND")
    page = page_of(login("reporter").get(f"/danh-gia/{a.pk}/"))
    assert 'data-confirm="Xóa tài liệu này?"' in page
    assert "onclick" not in page
