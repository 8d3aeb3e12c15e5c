"""participants_set: the units of one group; a unit only once per campaign; units with data stay."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from dti.assessments.models import Entry
from dti.audit.models import AuditEntry
from dti.campaigns import services
from dti.campaigns.models import CampaignGroup, Participation
from dti.core.errors import ServiceError
from dti.units.models import Unit, UnitType

REFUSED = ["reporter", "leader", "other_reporter", "other_leader", "appraiser", "chair", "viewer"]


@pytest.fixture
def third(world) -> Unit:
    return Unit.objects.create(name="UBND huyện Ba", unit_type=world["unit"].unit_type, parent=world["unit"].parent)


def test_adds_and_removes_units_with_audit(world, third):
    group = world["group"]
    world["other_assessment"].delete()  # UBND huyện Hai has no data yet: it may leave the group
    result = services.participants_set(group=group, units=[world["unit"], third], by=world["users"]["organiser"])
    assert sorted(p.unit.name for p in result) == ["UBND huyện Ba", "UBND huyện Một"]
    actions = sorted((e.action, e.unit.name) for e in AuditEntry.objects.filter(action__startswith="campaign.part"))
    assert actions == [("campaign.participant_add", "UBND huyện Ba"), ("campaign.participant_remove", "UBND huyện Hai")]


def test_a_unit_takes_part_only_once_per_campaign(world, third, small_framework):
    other_group = CampaignGroup.objects.create(
        campaign=world["campaign"], name="Nhóm hai", framework=small_framework, order=2
    )
    with pytest.raises(ServiceError) as exc:
        services.participants_set(group=other_group, units=[world["unit"], third], by=world["users"]["admin"])
    assert exc.value.message == "UBND huyện Một đã tham gia kỳ đánh giá này trong nhóm “Nhóm huyện”."
    assert not Participation.objects.filter(unit=third).exists()


def test_units_with_data_cannot_be_removed(world):
    Entry.objects.create(assessment=world["assessment"], code="II.2", score=5)
    with pytest.raises(ServiceError) as exc:
        services.participants_set(group=world["group"], units=[], by=world["users"]["admin"])
    # UBND huyện Hai has general info, UBND huyện Một an entry: both are kept
    assert "UBND huyện Hai đã có số liệu" in exc.value.message and "UBND huyện Một đã có số liệu" in exc.value.message
    assert Participation.objects.filter(group=world["group"]).count() == 2


def test_units_outside_the_framework_types_or_inactive_are_refused(world):
    xa = UnitType.objects.create(code="xa", name="Xã")
    commune = Unit.objects.create(name="UBND xã An Bình", unit_type=xa)
    closed = Unit.objects.create(name="UBND huyện Cũ", unit_type=world["unit"].unit_type, is_active=False)
    units = [world["unit"], world["other_unit"], commune, closed]
    with pytest.raises(ServiceError) as exc:
        services.participants_set(group=world["group"], units=units, by=world["users"]["admin"])
    assert "UBND huyện Cũ đã ngừng hoạt động." in exc.value.message
    assert "UBND xã An Bình thuộc loại “Xã”, không thuộc các loại đơn vị của bộ chỉ số" in exc.value.message


def test_service_checks_permission(world, third):
    for persona in REFUSED:
        with pytest.raises(PermissionDenied):
            services.participants_set(group=world["group"], units=[third], by=world["users"][persona])


def test_page(world, login, third):
    campaign, group = world["campaign"], world["group"]
    url = f"/ky-danh-gia/{campaign.pk}/nhom/{group.pk}/don-vi/"
    for persona in REFUSED:
        client = login(persona)
        assert client.get(url).status_code == 403, persona
        assert client.post(url, {"units": [str(third.pk)]}).status_code == 403, persona
    assert login("anonymous").get(url).status_code == 302
    body = login("organiser").get(url).content.decode()
    assert f'id="u-{world["unit"].pk}" name="units" value="{world["unit"].pk}" checked' in body
    assert f'id="u-{third.pk}" name="units" value="{third.pk}">' in body
    units = [str(u.pk) for u in (world["unit"], world["other_unit"], third)]
    response = login("admin").post(url, {"units": units})
    assert response.status_code == 302
    assert Participation.objects.filter(group=group, unit=third).exists()
    response = login("admin").post(url, {"units": units[:1]})
    assert response.status_code == 422
    assert "UBND huyện Hai đã có số liệu" in response.content.decode()
