"""Two people publishing the approved results at the same moment: real threads, a file database.

Regression (issue 10): on SQLite the second got "Server Error (500)" (`database is locked`).
"""

from __future__ import annotations

from typing import Any

import pytest

from dti.campaigns.models import Campaign
from dti.results.models import Publication
from tests.concurrency import at_once, file_database, in_thread

pytestmark = pytest.mark.django_db(transaction=True)


def test_publishing_twice_at_once_publishes_once(approved: dict[str, Any], login: Any, tmp_path: Any) -> None:
    campaign = approved["campaign"]
    organiser, chair = login("organiser"), login("chair")
    url = f"/phe-duyet/{campaign.pk}/cong-bo/"
    with file_database(tmp_path):
        responses = at_once(
            lambda: organiser.post(url, {"confirm": "1"}),
            lambda: chair.post(url, {"confirm": "1"}),
        )
        assert sorted(r.status_code for r in responses) == [302, 422]
        [refused] = [r for r in responses if r.status_code == 422]
        assert "kỳ đang ở trạng thái “Đã công bố”" in refused.content.decode()
        assert in_thread(lambda: list(Publication.objects.values_list("version", flat=True))) == [1]
        assert in_thread(lambda: Campaign.objects.get(pk=campaign.pk).state) == Campaign.State.PUBLISHED


def test_two_amendments_at_once_make_two_versions(published: dict[str, Any], tmp_path: Any) -> None:
    """Regression: both read the latest version before either wrote, and the second failed on the
    version's uniqueness ("Lỗi hệ thống" on its job's page). Now the second waits and builds on the first."""
    from dti.results.services import amend

    organiser = published["users"]["organiser"]
    one, two = published["assessment"], published["other_assessment"]
    with file_database(tmp_path):
        at_once(
            lambda: amend(
                campaign=published["campaign"], by=organiser, reason="Theo giải trình", changes=[(one, "II.2", "7")]
            ),
            lambda: amend(
                campaign=published["campaign"], by=organiser, reason="Theo giải trình", changes=[(two, "II.2", "6")]
            ),
        )
        latest = in_thread(lambda: Publication.objects.order_by("-version").first())
        assert in_thread(lambda: sorted(Publication.objects.values_list("version", flat=True))) == [1, 2, 3]
    scores = {unit["unit"]: unit["items"]["II.2"] for group in latest.snapshot["groups"] for unit in group["units"]}
    assert scores == {str(one.participation.unit): "7.00", str(two.participation.unit): "6.00"}
