"""Official figures: the province's own numbers for a campaign's units, listed and uploaded as the web page does.

The list is the page's door (VIEW_APPRAISAL), a page of figures at a time, by unit, indicator and
input (filtered by unit and indicator), read in a fixed number of queries.

The web page (`/tham-dinh/ky/{id}/so-lieu-chinh-thuc/`) applies a file at once, all or nothing:
so does this one call, through the same `official_import` (its bounded reading of CSV or XLSX,
its check of every row, its audit entry). The door is the page's: the appraisal side may open it
(VIEW_APPRAISAL), only those who run the appraisal import (MANAGE_APPRAISAL). A file with problems
is answered 422 with every problem by its row and column, and nothing is written.
"""

import datetime
from decimal import Decimal
from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, FilterLookup, FilterSchema, Form, Path, Query, Router, Schema, UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from dti.api.schemas import REFUSALS, Id, caller
from dti.appraisal.models import OfficialFigure
from dti.appraisal.official import official_import
from dti.campaigns.models import Campaign
from dti.core.errors import ServiceError
from dti.core.permissions import Action, require

router = Router(tags=["Thẩm định"])

Percent = Annotated[Decimal, Field(ge=0, le=100)]


class OfficialImportOut(Schema):
    """What the upload did: figures added and figures replaced (same unit, indicator and input)."""

    created: int
    updated: int
    total: int


class OfficialFigureOut(Schema):
    """A figure the province holds for one input of a unit's indicator."""

    id: int
    unit_id: int = Field(alias="participation.unit_id")
    unit: str = Field(alias="participation.unit.name")
    code: str
    field: str = Field(description="Tên số liệu đầu vào của chỉ số")
    value: Decimal
    source: str
    tolerance: Decimal = Field(description="Sai lệch cho phép, phần của số liệu chính thức (0,05: 5 %)")
    imported_by: str | None = Field(alias="imported_by.display_name", default=None)
    imported_at: datetime.datetime


class OfficialFigureFilter(FilterSchema):
    """Filters of the official figures."""

    unit_id: Annotated[Id | None, FilterLookup("participation__unit_id")] = None
    code: str | None = Field(None, description="Mã chỉ số")


@router.get(
    "/campaigns/{campaign_id}/official-figures",
    response={200: list[OfficialFigureOut], **REFUSALS},
    url_name="official_figures",
)
@paginate(LimitOffsetPagination)
def official_list(
    request: HttpRequest, campaign_id: Path[Id], filters: Query[OfficialFigureFilter]
) -> QuerySet[OfficialFigure]:
    """Số liệu chính thức đã nhập cho các đơn vị của kỳ, theo đơn vị, chỉ số, số liệu (lọc theo `unit_id`,
    `code`)."""
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    require(caller(request), Action.VIEW_APPRAISAL)
    figures = OfficialFigure.objects.filter(participation__campaign=campaign).select_related(
        "participation__unit", "imported_by"
    )
    return filters.filter(figures).order_by("participation__unit__name", "code", "field", "pk")


@router.post(
    "/campaigns/{campaign_id}/official-figures",
    response={200: OfficialImportOut, **REFUSALS},
    url_name="official_figures",
)
def official_upload(
    request: HttpRequest,
    campaign_id: Path[Id],
    file: File[UploadedFile | None] = None,
    source: Form[str] = "",
    tolerance: Form[Percent | None] = None,
) -> dict[str, int]:
    """Nhập số liệu chính thức từ tệp Excel (.xlsx) hoặc CSV (trường `file`): Đơn vị, Mã chỉ số, Số liệu,
    Giá trị, Nguồn. `source`: nguồn cho các dòng không ghi nguồn; `tolerance`: sai lệch cho phép, phần trăm
    (mặc định 5). Cả tệp hoặc không gì cả; số liệu đã có được thay thế."""
    by = caller(request)
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    require(by, Action.VIEW_APPRAISAL)
    require(by, Action.MANAGE_APPRAISAL)
    if file is None:
        raise ServiceError(_("Hãy chọn tệp Excel (.xlsx) hoặc CSV để nhập."), field="file")
    result = official_import(
        campaign=campaign,
        upload=file,
        by=by,
        source=source,
        tolerance=tolerance / 100 if tolerance is not None else None,
    )
    return {"created": result.created, "updated": result.updated, "total": result.total}
