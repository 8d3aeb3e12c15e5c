"""Published results and rankings: public (no token), drawn only from the sealed publication
snapshots, as the public site `/ket-qua/` is (`dti.results.public`): nothing unpublished can appear.
"""

import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from dti.api.schemas import MAX_ID, PUBLIC_REFUSALS, Id
from dti.results.models import Publication
from dti.results.selectors import group_views, latest_publications, versions

router = Router(tags=["Kết quả công bố"])


class DecisionOut(Schema):
    """The council's decision approving the results."""

    number: str
    date: datetime.date | None
    date_text: str
    signer: str


class PublicationItem(Schema):
    """A published campaign (its newest version)."""

    campaign_id: int
    name: str
    year: int
    organiser: str
    version: int
    published_at: datetime.datetime
    decision: DecisionOut
    groups: list[str]


class RankedUnit(Schema):
    """A unit's published figures (decimal strings at the framework's precision, or null)."""

    key: str = Field(description="Khóa của đơn vị trong địa chỉ trang kết quả công khai")
    unit: str
    type: str | None
    rank: int | None
    classification: str
    total: str | None
    max: str | None
    percent: str | None
    indices: dict[str, str | None]


class RankedGroup(Schema):
    """One ranking group: its framework and its units in rank order."""

    name: str
    framework_code: str
    content_hash: str
    basis: str
    units: list[RankedUnit]
    excluded: list[str] = Field(description="Đơn vị không gửi báo cáo")


class PublicationOut(PublicationItem):
    """One published version of a campaign's results."""

    content_hash: str = Field(description="Mã băm SHA-256 của bản công bố")
    notes: list[str]
    groups_ranked: list[RankedGroup]


class VersionQuery(Schema):
    """Which version of the publication (default: the newest)."""

    version: int | None = Field(None, ge=1, le=MAX_ID)


def _item(publication: Publication) -> dict[str, Any]:
    snapshot = publication.snapshot
    decision = snapshot["decision"]
    return {
        "campaign_id": publication.campaign_id,
        "name": snapshot["campaign"]["name"],
        "year": snapshot["campaign"]["year"],
        "organiser": snapshot["campaign"]["organiser"],
        "version": publication.version,
        "published_at": publication.created_at,
        "decision": {**decision, "date": datetime.date.fromisoformat(decision["date"]) if decision["date"] else None},
        "groups": [g["name"] for g in snapshot["groups"]],
    }


@router.get("/results", response={200: list[PublicationItem], **PUBLIC_REFUSALS}, auth=None, url_name="results")
@paginate(LimitOffsetPagination)
def result_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Các kỳ đánh giá đã công bố kết quả (phiên bản mới nhất), năm mới trước. Không cần khóa API."""
    return [_item(p) for p in latest_publications()]


@router.get("/results/{campaign_id}", response={200: PublicationOut, **PUBLIC_REFUSALS}, auth=None, url_name="result")
def result_read(request: HttpRequest, campaign_id: Path[Id], query: Query[VersionQuery]) -> dict[str, Any]:
    """Kết quả và xếp hạng đã công bố của một kỳ (`version`: một phiên bản đính chính cũ). Không cần khóa API."""
    published = list(versions(campaign_id))
    chosen = next((p for p in published if query.version in (None, p.version)), None)
    if chosen is None:
        raise Http404
    groups = [
        {
            "name": group.name,
            "framework_code": group.framework["code"],
            "content_hash": group.framework["content_hash"],
            "basis": group.framework["basis"],
            "units": [
                {
                    "key": row.key,
                    "unit": row.data["unit"],
                    "type": row.data["type"],
                    "rank": row.data["rank"],
                    "classification": row.data["class"],
                    "total": row.data["total"],
                    "max": row.data["max"],
                    "percent": row.data["percent"],
                    "indices": row.data["indices"],
                }
                for row in group.rows
            ],
            "excluded": group.excluded,
        }
        for group in group_views(chosen.snapshot)
    ]
    notes = chosen.snapshot["notes"]
    return {**_item(chosen), "content_hash": chosen.content_hash, "notes": notes, "groups_ranked": groups}
