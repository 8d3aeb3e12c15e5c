"""The public results site: anyone, no login, and only what a `Publication` snapshot holds.

Nothing here reads assessments, entries or reviews: the pages are drawn from the published,
hash-sealed snapshot, so data that was not published cannot appear, and a published figure
changes only through an amendment (a new version, the old one still shown).
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from typing import TypedDict

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from dti.core.listing import Filter, ListQuery, Option
from dti.engine import name_key
from dti.results.charts import radar_svg
from dti.results.models import Publication
from dti.results.selectors import (
    GroupView,
    find_unit,
    group_views,
    latest_publications,
    unit_keys,
    unit_slug,
    versions,
)
from dti.results.snapshot import Snapshot

VERSION = "phien-ban"


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
    wanted = request.GET.get(VERSION, "").strip()
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


@dataclass(frozen=True, slots=True)
class UnitLink:
    """A unit of a published campaign, with its key for the scorecard's address."""

    name: str
    key: str


@dataclass(frozen=True, slots=True)
class PublishedRow:
    """One published campaign in the public list (its newest version)."""

    publication: Publication
    decision: Decision
    groups: list[str]
    units: list[UnitLink]
    found: list[UnitLink]  # the units whose name matches the search (none without a search)

    @property
    def text(self) -> str:
        """What the search looks in: the campaign, its organiser, groups and units."""
        campaign = self.publication.snapshot["campaign"]
        return " ".join([campaign["name"], campaign["organiser"], *self.groups, *(u.name for u in self.units)])


def _published_row(publication: Publication) -> PublishedRow:
    snapshot = publication.snapshot
    keys = unit_keys(snapshot)
    units = [
        UnitLink(unit["unit"], keys[(gi, ui)])
        for gi, group in enumerate(snapshot["groups"], start=1)
        for ui, unit in enumerate(group["units"], start=1)
    ]
    return PublishedRow(publication, _decision(snapshot), [g["name"] for g in snapshot["groups"]], units, [])


def _index_filters(rows: list[PublishedRow]) -> list[Filter]:
    """Year and organiser (usually the province), from what was published."""
    years = sorted({row.publication.snapshot["campaign"]["year"] for row in rows}, reverse=True)
    organisers = sorted({row.publication.snapshot["campaign"]["organiser"] for row in rows} - {""}, key=name_key)
    return [
        Filter("nam", _("Năm"), tuple(Option(str(year), str(year)) for year in years)),
        Filter("to-chuc", _("Cơ quan tổ chức"), tuple(Option(unit_slug(name), name) for name in organisers)),
    ]


def index(request: HttpRequest) -> HttpResponse:
    """Every published campaign (its newest version); searched by campaign, organiser, group or
    unit (the matching units are listed with a link to their scorecard), filtered by year and organiser."""
    rows = [_published_row(p) for p in latest_publications()]
    query = ListQuery.read(request.GET, _index_filters(rows))
    shown = []
    for row in rows:
        campaign = row.publication.snapshot["campaign"]
        if query.keeps(row.text, {"nam": str(campaign["year"]), "to-chuc": unit_slug(campaign["organiser"])}):
            found = [u for u in row.units if query.text and query.keeps(u.name)]
            shown.append(dataclasses.replace(row, found=found))
    context = {"rows": shown, "query": query, "total": len(rows)}
    return render(request, "results/public_index.html", context)


def _filtered(groups: list[GroupView], query: ListQuery) -> list[GroupView]:
    """The groups and units asked for (`nhom`, and the search on unit names); the ranks stay as published."""
    shown = []
    for number, group in enumerate(groups, start=1):
        values = {"nhom": str(number)}
        rows = [row for row in group.rows if query.keeps(row.data["unit"], values)]
        if query.active and not rows:
            continue
        tables = [
            dataclasses.replace(table, rows=[r for r in table.rows if query.keeps(r["unit"], values)])
            for table in group.index_tables
        ]
        shown.append(dataclasses.replace(group, rows=rows, index_tables=tables))
    return shown


def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    """One published campaign: decision, rankings by group, one table per index, notes, version, hash."""
    publication, published = _chosen(request, pk)
    latest = published[0]
    snapshot = publication.snapshot
    groups = group_views(snapshot)
    by_group = [Filter("nhom", _("Nhóm xếp hạng"), tuple(Option(str(n), g.name) for n, g in enumerate(groups, 1)))]
    query = ListQuery.read(request.GET, by_group if len(groups) > 1 else [], carry=(VERSION,))
    shown = _filtered(groups, query)
    context = {
        "pk": pk,
        "publication": publication,
        "latest": latest,
        "is_latest": publication.version == latest.version,
        "published": published,
        "amendments": _amendments(published),
        "info": snapshot["campaign"],
        "decision": _decision(snapshot),
        "groups": shown,
        "query": query,
        "shown": sum(len(g.rows) for g in shown),
        "total": sum(len(g.rows) for g in groups),
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
    titles = {
        "max": _("Điểm từng chỉ số chính của %(unit)s, tính theo %% điểm tối đa"),
        "best": _("Điểm từng chỉ số chính của %(unit)s, tính theo %% điểm cao nhất trong nhóm"),
        "mixed": _("Điểm từng chỉ số chính của %(unit)s, tính theo %% điểm tối đa (hoặc điểm cao nhất trong nhóm)"),
    }
    chart = radar_svg(
        [(f"{i['code']}. {i['name']}", i["percent"]) for i in card.indices],
        titles[card.index_basis] % {"unit": name},
        places=card.group.percent_places,
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
