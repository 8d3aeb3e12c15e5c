"""The public results site: anyone, no login, and only what a `Publication` snapshot holds.

Nothing here reads assessments, entries or reviews: the pages are drawn from the published,
hash-sealed snapshot, so data that was not published cannot appear, and a published figure
changes only through an amendment (a new version, the old one still shown).
"""

from __future__ import annotations

import datetime
from typing import TypedDict

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from dti.results.charts import radar_svg
from dti.results.models import Publication
from dti.results.selectors import find_unit, group_views, latest_publications, versions
from dti.results.snapshot import Snapshot


class Decision(TypedDict):
    """The snapshot's decision with its date read (for the `date` filter)."""

    number: str
    date: datetime.date | None
    date_text: str
    signer: str


def _decision(snapshot: Snapshot) -> Decision:
    decision = snapshot["decision"]
    raw = decision["date"]
    return {
        "number": decision["number"],
        "date": datetime.date.fromisoformat(raw) if raw else None,
        "date_text": decision["date_text"],
        "signer": decision["signer"],
    }


def _chosen(request: HttpRequest, pk: int) -> tuple[Publication, list[Publication]]:
    """The version asked for (?phien-ban=N, default the newest) and every version, newest first."""
    published = list(versions(pk))
    if not published:
        raise Http404
    wanted = request.GET.get("phien-ban", "").strip()
    if not wanted:
        return published[0], published
    for publication in published:
        if str(publication.version) == wanted:
            return publication, published
    raise Http404


def _amendments(published: list[Publication], upto: int | None = None) -> list[Publication]:
    """The amendments (versions after the first), oldest first, up to version `upto`."""
    return sorted(
        (p for p in published if p.version > 1 and (upto is None or p.version <= upto)), key=lambda p: p.version
    )


def index(request: HttpRequest) -> HttpResponse:
    """Every published campaign (its newest version)."""
    rows = [
        {
            "publication": p,
            "campaign": p.snapshot["campaign"],
            "decision": _decision(p.snapshot),
            "groups": [g["name"] for g in p.snapshot["groups"]],
        }
        for p in latest_publications()
    ]
    return render(request, "results/public_index.html", {"rows": rows})


def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    """One published campaign: decision, rankings by group, one table per index, notes, version, hash."""
    publication, published = _chosen(request, pk)
    latest = published[0]
    snapshot = publication.snapshot
    context = {
        "pk": pk,
        "publication": publication,
        "latest": latest,
        "is_latest": publication.version == latest.version,
        "published": published,
        "amendments": _amendments(published),
        "info": snapshot["campaign"],
        "decision": _decision(snapshot),
        "groups": group_views(snapshot),
        "notes": snapshot["notes"],
        "imported": snapshot.get("imported", ""),
        "version_query": "" if publication.version == latest.version else f"?phien-ban={publication.version}",
    }
    return render(request, "results/public_campaign.html", context)


def unit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """One unit's published scorecard: total, rank, class, indices (radar and table), extremes."""
    publication, published = _chosen(request, pk)
    card = find_unit(publication.snapshot, key)
    if card is None:
        raise Http404
    name = card.row.data["unit"]
    chart = radar_svg(
        [(f"{i['code']}", i["percent"]) for i in card.indices],
        _("Điểm từng chỉ số chính của %(unit)s, tính theo %% điểm tối đa") % {"unit": name},
    )
    context = {
        "pk": pk,
        "publication": publication,
        "latest": published[0],
        "is_latest": publication.version == published[0].version,
        "info": publication.snapshot["campaign"],
        "card": card,
        "chart": chart,
        "version_query": "" if publication.version == published[0].version else f"?phien-ban={publication.version}",
    }
    return render(request, "results/public_unit.html", context)
