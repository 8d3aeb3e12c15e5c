"""'Accept the remaining indicators' asks first, saying how many it accepts and how many of them
have no data and will score 0; it accepts exactly those (one selector for both)."""

from __future__ import annotations

import html
import re
from typing import Any

from dti.appraisal import services
from dti.appraisal.models import Assignment, Review
from dti.appraisal.selectors import unreviewed
from dti.assessments.models import Entry


def confirm_text(client: Any, assessment: Any) -> str:
    page = html.unescape(client.get(f"/tham-dinh/{assessment.pk}/").content.decode())
    [text] = re.findall(r'action="/tham-dinh/\d+/chap-nhan-con-lai/" class="inline" data-confirm="([^"]*)"', page)
    return text


def test_the_question_names_how_many_and_how_many_score_zero(appraising: dict[str, Any], login: Any) -> None:
    one, appraiser = appraising["assessment"], appraising["users"]["appraiser"]
    Entry.objects.filter(assessment=one, code="II.1").delete()  # no data: scores 0
    services.question_add(assessment=one, code="I.2", text="Danh sách xã?", by=appraiser)  # judged one by one
    assert unreviewed(one, appraiser) == ["I.1", "II.1", "II.2"]
    assert confirm_text(login("appraiser"), one) == (
        "Chấp nhận 3 chỉ số chưa có kết luận và chưa có câu hỏi, đúng như đơn vị kê khai? "
        "Trong đó 1 chỉ số không có số liệu sẽ được tính 0 điểm."
    )
    assert services.accept_remaining(assessment=one, by=appraiser) == 3
    assert sorted(Review.objects.filter(assessment=one).values_list("code", flat=True)) == ["I.1", "II.1", "II.2"]


def test_an_appraiser_of_one_index_counts_only_that_index(appraising: dict[str, Any], login: Any) -> None:
    Assignment.objects.filter(appraiser=appraising["users"]["appraiser"]).update(indices=["II"])
    one = appraising["assessment"]
    assert confirm_text(login("appraiser"), one).startswith("Chấp nhận 2 chỉ số chưa có kết luận")
    assert "Trong đó 0 chỉ số không có số liệu" in confirm_text(login("appraiser"), one)
