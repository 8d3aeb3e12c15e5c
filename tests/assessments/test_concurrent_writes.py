"""Two people saving one indicator, or submitting, at the same moment: real threads, a file database.

Regression (issue 10): on SQLite the second got "Server Error (500)" (`database is locked`)
instead of the 409 with the other person's version, or the refusal to submit twice.
"""

from __future__ import annotations

import re

import pytest

from dti.assessments.models import Assessment, Entry
from dti.audit.models import AuditEntry
from tests.concurrency import at_once, file_database, in_thread

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5  # each round is a fresh race; the lock must hold in every one


def test_same_indicator_saved_by_two_people_at_once(world, login, tmp_path):
    a = world["assessment"]
    reporter, leader = login("reporter"), login("leader")
    url = f"/danh-gia/{a.pk}/chi-so/I.2/"
    with file_database(tmp_path):
        for version in range(ROUNDS):
            responses = at_once(
                lambda v=version: reporter.post(url, {"version": str(v), "a": str(10 + v)}, HTTP_HX_REQUEST="true"),
                lambda v=version: leader.post(url, {"version": str(v), "a": str(1 + v)}, HTTP_HX_REQUEST="true"),
            )
            assert sorted(r.status_code for r in responses) == [200, 409], version
            saved = in_thread(lambda: Entry.objects.get(assessment=a, code="I.2"))
            winner, loser = sorted(responses, key=lambda r: r.status_code)
            assert saved.version == version + 1
            who = "Reporter" if winner is responses[0] else "Leader"
            assert saved.values == {"a": str(10 + version) if who == "Reporter" else str(1 + version)}
            body = loser.content.decode()
            assert f"{who} đã lưu chỉ số I.2 lúc" in body and "Dữ liệu bạn vừa nhập chưa được lưu" in body


def test_submitting_twice_at_once_submits_once(world, login, tmp_path):
    a = world["assessment"]
    leader, again = login("leader"), login("leader")
    url = f"/danh-gia/{a.pk}/gui/"
    with file_database(tmp_path):
        responses = at_once(
            lambda: leader.post(url, {"comment": "Lần một"}, follow=True),
            lambda: again.post(url, {"comment": "Lần hai"}, follow=True),
        )
        assert [r.status_code for r in responses] == [200, 200]
        said = [" ".join(re.findall(r'<li class="msg [^"]*">(.*?)</li>', r.content.decode(), re.S)) for r in responses]
        done = [m for m in said if "Đã gửi bản tự đánh giá." in m]
        # the later one is refused by the page's check or, if both passed it, by the locked move
        refused = [m for m in said if "đã được gửi" in m or "bản đang ở trạng thái “Đã gửi”" in m]
        assert (len(done), len(refused)) == (1, 1), said
        assert in_thread(lambda: Assessment.objects.get(pk=a.pk).status) == Assessment.Status.SUBMITTED
        assert in_thread(lambda: AuditEntry.objects.filter(action="assessment.submit").count()) == 1
