"""Documents: a campaign's appendix (XLSX, DOCX, PDF) and a unit's analysis report (DOCX, PDF).

The same documents as the web's downloads (`/bao-cao/ky/{id}/phu-luc.{kind}`,
`/bao-cao/ky/{id}/don-vi/{unit}/bao-cao.{kind}`): the same selectors decide what may be had
(`reports.selectors.source`: a published version for anyone, a draft only for those who may see
drafts; `reports.access.require_read_unit`), the same `reports.exports` write the file. As on the
web, a published appendix needs no sign-in; a draft does (401 without a token or session).
"""

from __future__ import annotations

from typing import Literal

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import AuthenticationError

from dti.api.auth import CALLERS
from dti.api.schemas import MAX_ID, REFUSALS, Id, caller
from dti.campaigns.models import Campaign
from dti.reports import exports
from dti.reports.access import require_published, require_read_unit
from dti.reports.selectors import participation_of, source, unit_analysis
from dti.results.selectors import versions

router = Router(tags=["Văn bản"])


def _anyone(request: HttpRequest) -> AnonymousUser:
    """No token and no session: a published appendix is for anyone, as on the web."""
    return AnonymousUser()


def _file(description: str, kinds: tuple[str, ...]) -> dict[str, object]:
    content = {exports.CONTENT_TYPES[kind]: {"schema": {"type": "string", "format": "binary"}} for kind in kinds}
    return {"responses": {200: {"description": description, "content": content}}}


class VersionQuery(Schema):
    """Which published version (default: the newest)."""

    version: int | None = Field(None, ge=1, le=MAX_ID)


@router.get(
    "/campaigns/{campaign_id}/appendix/{kind}",
    response=REFUSALS,
    auth=[*CALLERS, _anyone],
    url_name="appendix",
    openapi_extra={
        **_file("Phụ lục kết quả", ("xlsx", "docx", "pdf")),
        "security": [{}],  # added to the token and the session ninja lists: either, or nothing
    },
)
def appendix(
    request: HttpRequest,
    campaign_id: Path[Id],
    kind: Path[Literal["xlsx", "docx", "pdf"]],
    query: Query[VersionQuery],
) -> HttpResponse:
    """Phụ lục kết quả của kỳ (XLSX, DOCX, PDF), đúng tệp tải ở trang web: bản đã công bố (`version`: một
    phiên bản cũ) cho mọi người, không cần khóa; bản dự thảo trước khi công bố cho người được xem dự thảo."""
    campaign = get_object_or_404(Campaign.objects.select_related("organiser"), pk=campaign_id)
    user = caller(request)
    if not user.is_authenticated and not versions(campaign.pk).exists():
        raise AuthenticationError
    found = source(campaign, user, str(query.version or ""))
    return exports.appendix_response(campaign, found, kind)


@router.get(
    "/campaigns/{campaign_id}/units/{unit_id}/report/{kind}",
    response=REFUSALS,
    url_name="unit_report",
    openapi_extra=_file("Báo cáo phân tích của đơn vị", exports.REPORT_KINDS),
)
def unit_report(
    request: HttpRequest, campaign_id: Path[Id], unit_id: Path[Id], kind: Path[Literal["docx", "pdf"]]
) -> HttpResponse:
    """Báo cáo phân tích của một đơn vị (DOCX, PDF), đúng tệp tải ở trang web (bản dự thảo trước khi công bố,
    cho người được xem dự thảo)."""
    user = caller(request)
    participation = participation_of(campaign_id, unit_id)
    require_read_unit(user, participation)
    analysis = unit_analysis(participation, user)
    require_published(analysis.found)
    if analysis.card is None:
        raise Http404
    return exports.unit_report_response(analysis, kind)
