"""group_add: a ranking group with its framework, named once per campaign, while the campaign is set up."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from dti.audit.models import AuditEntry
from dti.campaigns import services
from dti.campaigns.models import Campaign, CampaignGroup
from dti.core.errors import ServiceError

REFUSED = ["reporter", "leader", "other_reporter", "other_leader", "appraiser", "chair", "viewer"]


def test_adds_a_group_after_the_others_and_records_it(world, small_framework):
    group = services.group_add(
        campaign=world["campaign"], name="Nhóm sở", framework=small_framework, by=world["users"]["organiser"]
    )
    assert (group.order, group.framework) == (2, small_framework)
    entry = AuditEntry.objects.get(action="campaign.group_add")
    assert entry.new == {"name": "Nhóm sở", "framework": "thu-nghiem-2023-huyen"}
    assert entry.campaign == world["campaign"]


def test_refuses_a_duplicate_name_or_no_framework(world, small_framework):
    with pytest.raises(services.Invalid) as exc:
        services.group_add(campaign=world["campaign"], name="nhóm HUYỆN", framework=None, by=world["users"]["admin"])
    assert exc.value.errors == {
        "name": "Kỳ đánh giá đã có nhóm “nhóm HUYỆN”.",
        "framework": "Cần chọn bộ chỉ số cho nhóm.",
    }


def test_refused_once_the_campaign_is_published(world, small_framework):
    Campaign.objects.filter(pk=world["campaign"].pk).update(state=Campaign.State.PUBLISHED)
    world["campaign"].refresh_from_db()
    with pytest.raises(ServiceError) as exc:
        services.group_add(
            campaign=world["campaign"], name="Mới", framework=small_framework, by=world["users"]["admin"]
        )
    assert "Đã công bố" in exc.value.message


def test_service_checks_permission(world, small_framework):
    for persona in REFUSED:
        with pytest.raises(PermissionDenied):
            services.group_add(
                campaign=world["campaign"], name="Mới", framework=small_framework, by=world["users"][persona]
            )


def test_page(world, login, small_framework):
    url = f"/ky-danh-gia/{world['campaign'].pk}/nhom/them/"
    data = {"name": "Nhóm sở", "framework": str(small_framework.pk)}
    for persona in REFUSED:
        assert login(persona).post(url, data).status_code == 403, persona
    assert login("anonymous").post(url, data).status_code == 302
    assert login("organiser").get(url).status_code == 405
    response = login("organiser").post(url, data)
    group = CampaignGroup.objects.get(name="Nhóm sở")
    assert response["Location"] == f"/ky-danh-gia/{world['campaign'].pk}/nhom/{group.pk}/don-vi/"
    response = login("admin").post(url, data)
    assert response.status_code == 422
    assert "Kỳ đánh giá đã có nhóm “Nhóm sở”." in response.content.decode()
