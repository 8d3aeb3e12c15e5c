"""A campaign published from a results table it imported shows one state on every staff page.

Regression: Ninh Bình in the demo showed "Đơn vị không gửi báo cáo — Đang nhập liệu" for every
unit, an empty ranking, "Chưa bắt đầu" and "Đã quá hạn" next to its public ranking of all units.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dti.assessments.models import Assessment
from dti.audit.models import AuditEntry
from dti.campaigns.models import Campaign
from dti.core.errors import ServiceError
from dti.results.models import Publication
from dti.results.services import import_published
from tests.conftest import World

TABLE = """unit,I.1,I.2,I,II.1,II.2,II,total,rank
UBND huyện Hai,10,8,18,10,6,16,34,1
UBND huyện Một,5,5,10,0,4,4,14,2
"""
STAFF = ["chair", "organiser", "admin", "appraiser"]


@pytest.fixture
def imported(world: World, tmp_path: Path) -> World:
    """The world's campaign set up (a draft past its deadline), then its printed table imported."""
    campaign = world["campaign"]
    Campaign.objects.filter(pk=campaign.pk).update(
        state=Campaign.State.DRAFT, submission_deadline=timezone.now() - datetime.timedelta(days=200)
    )
    campaign.refresh_from_db()
    Assessment.objects.filter(participation__campaign=campaign).delete()
    table = tmp_path / "ket-qua-2023.csv"
    table.write_text(TABLE, encoding="utf-8")
    import_published(
        campaign=campaign, group=world["group"], path=table, by=world["users"]["admin"], decision_number="12/QĐ-UBND"
    )
    return world


def test_import_moves_the_campaign_through_its_workflow(imported: World) -> None:
    campaign = Campaign.objects.get(pk=imported["campaign"].pk)
    assert (campaign.state, campaign.imported_results) == (Campaign.State.PUBLISHED, True)
    move = AuditEntry.objects.get(action="campaign.import_results")
    assert (move.old, move.new, move.comment) == (Campaign.State.DRAFT, Campaign.State.PUBLISHED, "ket-qua-2023.csv")
    assert AuditEntry.objects.get(action="publication.import").new["file"] == "ket-qua-2023.csv"


@pytest.mark.parametrize("state", [Campaign.State.OPEN, Campaign.State.APPRAISAL, Campaign.State.PUBLISHED])
def test_only_a_campaign_being_prepared_imports_a_table(world: World, tmp_path: Path, state: str) -> None:
    Campaign.objects.filter(pk=world["campaign"].pk).update(state=state)
    world["campaign"].refresh_from_db()
    table = tmp_path / "ket-qua.csv"
    table.write_text(TABLE, encoding="utf-8")
    with pytest.raises(ServiceError, match="chỉ chuyển được từ “Đang chuẩn bị”"):
        import_published(
            campaign=world["campaign"],
            group=world["group"],
            path=table,
            by=world["users"]["admin"],
            decision_number="x",
        )
    with pytest.raises(PermissionDenied):
        import_published(
            campaign=world["campaign"],
            group=world["group"],
            path=table,
            by=world["users"]["viewer"],
            decision_number="x",
        )
    assert not Publication.objects.exists() and Campaign.objects.get(pk=world["campaign"].pk).state == state


@pytest.mark.parametrize("persona", STAFF)
def test_every_staff_page_says_published_from_the_table(imported: World, login: Any, persona: str) -> None:
    client = login(persona)
    pk = imported["campaign"].pk
    pages = {
        "campaign": client.get(f"/ky-danh-gia/{pk}/").content.decode(),
        "appraisal": client.get(f"/tham-dinh/ky/{pk}/").content.decode(),
        "results": client.get(f"/phe-duyet/{pk}/").content.decode(),
    }
    for name, html in pages.items():
        assert 'id="ket-qua-nhap"' in html and "Đã công bố" in html, name
        for stale in ("Đang nhập liệu", "Chưa bắt đầu", "Chưa mở", "Đã quá hạn", "không gửi báo cáo", "Chưa phê duyệt"):
            assert stale not in html, (name, stale)
    # there is nothing to appraise, nor to assign
    assert "Phân công thẩm định" not in pages["appraisal"] and "chưa có nhóm xếp hạng" not in pages["appraisal"]
    # the chair's page ranks the units as the table does
    results = pages["results"]
    assert results.index("UBND huyện Hai") < results.index("UBND huyện Một")
    assert "34" in results and "Chưa có đơn vị nào trong nhóm." not in results
    # nobody is offered to open (and so create) an empty self-assessment
    assert "/danh-gia/tham-gia/" not in pages["campaign"] and not Assessment.objects.exists()
