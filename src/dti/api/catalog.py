"""Read endpoints of the reference data: frameworks (and their YAML source), units, campaigns.

Every signed-in role may read them (VIEW_FRAMEWORKS, VIEW_UNITS, VIEW_CAMPAIGN), as on the web;
`require` still asks, so that a rule changed there changes here too.
"""

import datetime
from collections import Counter
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, FilterLookup, FilterSchema, Path, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from dti.api.schemas import REFUSALS, Id, Year, caller
from dti.campaigns.models import Campaign
from dti.core.permissions import Action, require
from dti.engine import Indicator
from dti.frameworks.models import Framework
from dti.frameworks.selectors import describe_scoring
from dti.units.models import Unit

router = Router()


# ---------------------------------------------------------------- frameworks


class FrameworkItem(Schema):
    """A stored framework in a list."""

    id: int
    code: str
    name: str
    level: str
    year: int
    content_hash: str
    copied_from: str | None = Field(None, description="Mã bộ chỉ số được sao chép từ đó")
    created_at: datetime.datetime


class IndicatorOut(Schema):
    """An indicator: its code, name, maximum and scoring method in words."""

    code: str
    name: str
    max: Decimal | None
    method: str
    inputs: list[str]


class IndexOut(Schema):
    """A main index with its indicators."""

    code: str
    name: str
    max: Decimal | None
    reference_only: bool
    indicators: list[IndicatorOut]


class FrameworkOut(FrameworkItem):
    """One framework: its indices and indicators as the engine reads them."""

    precision: int
    indices: list[IndexOut]
    adjustments: list[IndicatorOut]


class FrameworkFilter(FilterSchema):
    """Filters of the framework list."""

    year: Year | None = None
    level: str | None = None


def _framework_item(framework: Framework) -> dict[str, object]:
    return {
        "id": framework.pk,
        "code": framework.code,
        "name": framework.name,
        "level": framework.level,
        "year": framework.year,
        "content_hash": framework.content_hash,
        "copied_from": framework.copied_from.code if framework.copied_from else None,
        "created_at": framework.created_at,
    }


def _indicator(item: Indicator) -> dict[str, object]:
    return {
        "code": item.code,
        "name": item.name,
        "max": item.max,
        "method": describe_scoring(item.scoring),
        "inputs": [field.name for field in item.inputs],
    }


@router.get("/frameworks", response={200: list[FrameworkItem], **REFUSALS}, url_name="frameworks", tags=["Bộ chỉ số"])
@paginate(LimitOffsetPagination)
def framework_list(request: HttpRequest, filters: Query[FrameworkFilter]) -> list[dict[str, object]]:
    """Bộ chỉ số đã lưu, năm mới trước (lọc theo `year`, `level`)."""
    require(caller(request), Action.VIEW_FRAMEWORKS)
    frameworks = filters.filter(Framework.objects.select_related("copied_from").defer("source", "copied_from__source"))
    return [_framework_item(f) for f in frameworks.order_by("-year", "code", "pk")]


@router.get(
    "/frameworks/{framework_id}", response={200: FrameworkOut, **REFUSALS}, url_name="framework", tags=["Bộ chỉ số"]
)
def framework_read(request: HttpRequest, framework_id: Path[Id]) -> dict[str, object]:
    """Một bộ chỉ số: chỉ số chính, chỉ số thành phần, điểm tối đa, cách chấm bằng lời."""
    require(caller(request), Action.VIEW_FRAMEWORKS)
    framework = get_object_or_404(Framework.objects.select_related("copied_from"), pk=framework_id)
    engine = framework.engine()
    return {
        **_framework_item(framework),
        "precision": engine.precision,
        "indices": [
            {
                "code": index.code,
                "name": index.name,
                "max": index.max,
                "reference_only": index.reference_only,
                "indicators": [_indicator(item) for item in index.indicators],
            }
            for index in engine.indices
        ],
        "adjustments": [_indicator(item) for item in engine.adjustments],
    }


@router.get(
    "/frameworks/{framework_id}/source",
    response=REFUSALS,
    url_name="framework_source",
    tags=["Bộ chỉ số"],
    openapi_extra={"responses": {200: {"description": "Tệp YAML", "content": {"application/yaml": {"schema": {}}}}}},
)
def framework_source(request: HttpRequest, framework_id: Path[Id]) -> HttpResponse:
    """Tệp YAML của bộ chỉ số, đúng như đã lưu."""
    require(caller(request), Action.VIEW_FRAMEWORKS)
    framework = get_object_or_404(Framework, pk=framework_id)
    response = HttpResponse(framework.source.encode("utf-8"), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{framework.code}.yaml"'
    return response


# ---------------------------------------------------------------- units


class UnitOut(Schema):
    """A unit of the tree."""

    id: int
    name: str
    type: str = Field(description="Mã loại đơn vị")
    type_name: str
    parent_id: int | None
    is_active: bool


class UnitFilter(FilterSchema):
    """Filters of the unit list."""

    type: Annotated[str | None, FilterLookup("unit_type__code")] = None
    parent_id: Id | None = None
    is_active: bool | None = None
    q: Annotated[str | None, FilterLookup("name__icontains")] = Field(None, description="Một phần tên đơn vị")


@router.get("/units", response={200: list[UnitOut], **REFUSALS}, url_name="units", tags=["Đơn vị"])
@paginate(LimitOffsetPagination)
def unit_list(request: HttpRequest, filters: Query[UnitFilter]) -> list[dict[str, object]]:
    """Danh sách đơn vị theo tên (lọc theo loại, đơn vị cấp trên, trạng thái, một phần tên)."""
    require(caller(request), Action.VIEW_UNITS)
    units = filters.filter(Unit.objects.select_related("unit_type")).order_by("name", "pk")
    return [
        {
            "id": unit.pk,
            "name": unit.name,
            "type": unit.unit_type.code,
            "type_name": unit.unit_type.name,
            "parent_id": unit.parent_id,
            "is_active": unit.is_active,
        }
        for unit in units
    ]


# ---------------------------------------------------------------- campaigns


class GroupOut(Schema):
    """A ranking group of a campaign: its framework and how many units take part."""

    id: int
    name: str
    framework_id: int
    framework_code: str
    units: int


class CampaignItem(Schema):
    """A campaign in a list, with its deadlines."""

    id: int
    name: str
    year: int
    state: str
    state_name: str
    organiser_id: int | None
    period_start: datetime.date | None
    period_end: datetime.date | None
    submission_deadline: datetime.datetime
    appraisal_deadline: datetime.date | None
    explanation_deadline: datetime.date | None
    reappraisal_deadline: datetime.date | None
    publication_date: datetime.date | None


class CampaignOut(CampaignItem):
    """One campaign with its ranking groups."""

    groups: list[GroupOut]


class CampaignFilter(FilterSchema):
    """Filters of the campaign list."""

    year: Year | None = None
    state: Campaign.State | None = None


def _campaign_item(campaign: Campaign) -> dict[str, object]:
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "year": campaign.year,
        "state": campaign.state,
        "state_name": campaign.get_state_display(),
        "organiser_id": campaign.organiser_id,
        "period_start": campaign.period_start,
        "period_end": campaign.period_end,
        "submission_deadline": campaign.submission_deadline,
        "appraisal_deadline": campaign.appraisal_deadline,
        "explanation_deadline": campaign.explanation_deadline,
        "reappraisal_deadline": campaign.reappraisal_deadline,
        "publication_date": campaign.publication_date,
    }


@router.get("/campaigns", response={200: list[CampaignItem], **REFUSALS}, url_name="campaigns", tags=["Kỳ đánh giá"])
@paginate(LimitOffsetPagination)
def campaign_list(request: HttpRequest, filters: Query[CampaignFilter]) -> list[dict[str, object]]:
    """Kỳ đánh giá, mới trước, với các hạn (lọc theo `year`, `state`)."""
    require(caller(request), Action.VIEW_CAMPAIGN)
    return [_campaign_item(c) for c in filters.filter(Campaign.objects.order_by("-year", "-pk"))]


@router.get(
    "/campaigns/{campaign_id}", response={200: CampaignOut, **REFUSALS}, url_name="campaign", tags=["Kỳ đánh giá"]
)
def campaign_read(request: HttpRequest, campaign_id: Path[Id]) -> dict[str, object]:
    """Một kỳ đánh giá: các hạn và các nhóm xếp hạng với bộ chỉ số của từng nhóm."""
    require(caller(request), Action.VIEW_CAMPAIGN)
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    units = Counter(campaign.participations.values_list("group_id", flat=True))
    groups = [
        {
            "id": group.pk,
            "name": group.name,
            "framework_id": group.framework_id,
            "framework_code": group.framework.code,
            "units": units[group.pk],
        }
        for group in campaign.groups.select_related("framework").defer("framework__source").order_by("order", "pk")
    ]
    return {**_campaign_item(campaign), "groups": groups}
