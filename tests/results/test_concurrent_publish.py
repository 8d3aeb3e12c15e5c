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
