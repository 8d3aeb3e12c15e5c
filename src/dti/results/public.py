"""The public results site: anyone, no login, and only what a `Publication` snapshot holds.

Nothing here reads assessments, entries or reviews: the pages are drawn from the published,
hash-sealed snapshot, so data that was not published cannot appear, and a published figure
changes only through an amendment (a new version, the old one still shown). They read it through
its index (`PublishedIndex`, derived once from the snapshot): a page reads the part it shows (the
head, one group's part and a page of its units, one unit), so it costs the same at 3,300 units as
at 10; the whole ranking of every group is a file (`ranking_file`, CSV; and the appendix).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypedDict
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from dti.core.listing import Filter, ListQuery, Option
from dti.core.paging import PAGE_SIZE, page_of
from dti.engine import name_key, spreadsheet_text
from dti.results.charts import radar_svg
from dti.results.models import Publication, PublishedGroup, PublishedIndex, PublishedUnit
from dti.results.selectors import (
    group_of,
    indexed,
    latest_indexed,
    main_indices,
    page_view,
    searched,
    unit_card,
    unit_slug,
    versions,
)
from dti.results.snapshot import SnapshotDecision

VERSION = "phien-ban"
VIEW = "xem"
"""The query parameter of a large group's table: "" its ranking, an index's code that index's table."""
FOUND_SHOWN = 20
"""How many units matching the search the public list names under a campaign."""


class Decision(TypedDict):
    """The snapshot's decision with its date read (for the `date` filter)."""

    number: str
    date: datetime.date | None
    date_text: str
    signer: str


def _decision(decision: SnapshotDecision) -> Decision:
    raw = decision["date"]
    return {
        "number": decision["number"],
        "date": datetime.date.fromisoformat(raw) if raw else None,
        "date_text": decision["date_text"],
        "signer": decision["signer"],
    }


def _chosen(request: HttpRequest, pk: int) -> tuple[Publication, list[Publication]]:
    """The version asked for (?phien-ban=N, default the newest) and every version, newest first
    (their snapshots not read: the pages read the index)."""
    published = list(versions(pk).defer("snapshot"))
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

    index: PublishedIndex
    decision: Decision
    groups: list[str]
    found: list[UnitLink]  # the first units whose name matches the search (none without a search)
    more: int = 0  # how many more match

    @property
    def publication(self) -> Publication:
        return self.index.publication

    @property
    def text(self) -> str:
        """What the search looks in besides the units: the campaign, its organiser, its groups."""
        campaign = self.index.head["campaign"]
        return " ".join([campaign["name"], campaign["organiser"], *self.groups])


def _index_filters(rows: list[PublishedRow]) -> list[Filter]:
    """Year and organiser (usually the province), from what was published."""
    years = sorted({row.index.head["campaign"]["year"] for row in rows}, reverse=True)
    organisers = sorted({row.index.head["campaign"]["organiser"] for row in rows} - {""}, key=name_key)
    return [
        Filter("nam", _("Năm"), tuple(Option(str(year), str(year)) for year in years)),
        Filter("to-chuc", _("Cơ quan tổ chức"), tuple(Option(unit_slug(name), name) for name in organisers)),
    ]


def _found(query: ListQuery, rows: list[PublishedRow]) -> dict[int, list[UnitLink]]:
    """By publication, the units whose name matches the search, in ranking order (one query)."""
    found: dict[int, list[UnitLink]] = {}
    if not query.text:
        return found
    units = (
        PublishedUnit.objects.filter(searched(query), publication__in=[row.index.pk for row in rows])
        .order_by("publication", "group", "position")
        .values_list("publication", "name", "key")
    )
    for publication, name, key in units:
        found.setdefault(publication, []).append(UnitLink(name, key))
    return found


def index(request: HttpRequest) -> HttpResponse:
    """Every published campaign (its newest version); searched by campaign, organiser, group or
    unit (the matching units are listed with a link to their scorecard), filtered by year and organiser.
    Two queries (three with a search), whatever the number of campaigns and units."""
    rows = [
        PublishedRow(i, _decision(i.head["decision"]), [g["name"] for g in i.head["groups"]], [])
        for i in latest_indexed()
    ]
    query = ListQuery.read(request.GET, _index_filters(rows))
    unsearched = dataclasses.replace(query, text="")
    found = _found(query, rows)
    shown = []
    for row in rows:
        campaign = row.index.head["campaign"]
        values = {"nam": str(campaign["year"]), "to-chuc": unit_slug(campaign["organiser"])}
        units = found.get(row.index.pk, [])
        if query.keeps(row.text, values) or (units and unsearched.keeps("", values)):
            shown.append(dataclasses.replace(row, found=units[:FOUND_SHOWN], more=max(0, len(units) - FOUND_SHOWN)))
    context = {"rows": shown, "query": query, "total": len(rows)}
    return render(request, "results/public_index.html", context)


def _matches(publication: Publication, query: ListQuery) -> dict[int, set[int]] | None:
    """By group number, the positions of the units whose name matches the search (None: no search)."""
    if not query.text:
        return None
    matches: dict[int, set[int]] = {}
    units = PublishedUnit.objects.filter(searched(query), publication=publication).values_list("group", "position")
    for group, position in units:
        matches.setdefault(group, set()).add(position)
    return matches


def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    """One published campaign: decision, the ranking of one group at a time (chosen, or the first
    where the searched unit is) with one table per index, notes, version, hash. A group of more than
    a page of units shows its ranking or one index's table, a page at a time. Four queries (five with
    a search), whatever the number of units."""
    publication, published = _chosen(request, pk)
    latest = published[0]
    found = indexed(publication)
    head = found.head
    options = tuple(Option(str(n), g["name"]) for n, g in enumerate(head["groups"], start=1))
    filters = [Filter("nhom", _("Nhóm xếp hạng"), options)] if len(options) > 1 else []
    query = ListQuery.read(request.GET, filters, carry=(VERSION, VIEW))
    matches = _matches(publication, query)
    number = int(query.chosen("nhom") or 0) or (min(matches) if matches else 1)
    version_query = "" if publication.version == latest.version else f"?phien-ban={publication.version}"
    context: dict[str, object] = {
        "pk": pk,
        "publication": publication,
        "latest": latest,
        "is_latest": publication.version == latest.version,
        "published": published,
        "amendments": _amendments(published),
        "info": head["campaign"],
        "decision": _decision(head["decision"]),
        "query": query,
        "notes": head["notes"],
        "imported": head["imported"],
        "version_query": version_query,
        "total": sum(g["size"] for g in head["groups"]),
        "shown": 0 if matches is None else sum(len(m) for m in matches.values()),
        "elsewhere": [
            (n, head["groups"][n - 1]["name"], len(positions))
            for n, positions in sorted((matches or {}).items())
            if n != number
        ],
    }
    if options:
        context.update(_group_page(request, publication, found, number, matches, query))
    return render(request, "results/public_campaign.html", context)


def _group_page(
    request: HttpRequest,
    publication: Publication,
    found: PublishedIndex,
    number: int,
    matches: dict[int, set[int]] | None,
    query: ListQuery,
) -> dict[str, object]:
    """The chosen group: its ranking and index tables (a large one: the chosen table), a page of them."""
    group = group_of(found, number)
    part = group.part
    size = part["size"]
    large = size > PAGE_SIZE
    indices = main_indices(part["framework"])
    codes = [i["code"] for i in indices]
    chosen = request.GET.get(VIEW, "")
    chosen = chosen if large and chosen in codes else ""
    order = part["orders"][chosen] if chosen else list(range(1, size + 1))
    if matches is not None:
        kept = matches.get(number, set())
        order = [position for position in order if position in kept]
    positions, pages = page_of(order, request.GET)
    units = PublishedUnit.objects.filter(publication=publication, group=number, position__in=positions)
    view = page_view(group, sorted(units, key=lambda u: u.position), codes if not large else [chosen])
    base = dict(query.carried)
    base.pop(VIEW, None)
    if query.text:
        base["tim"] = query.text
    if len(found.head["groups"]) > 1:
        base["nhom"] = str(number)
    tabs = [("", _("Tổng điểm"), "?" + urlencode(base))]
    tabs += [(i["code"], f"{i['code']}. {i['name']}", "?" + urlencode({**base, VIEW: i["code"]})) for i in indices]
    return {
        "group": view,
        "number": number,
        "large": large,
        "view": chosen,
        "tabs": tabs if large else [],
        "ranking": not chosen,
        "pages": pages,
        "matching": len(order),
    }


class _Echo:
    """A file that gives back what is written to it: `csv.writer` then yields each line to stream."""

    def write(self, text: str) -> str:
        return text


def _ranking_lines(publication: Publication, found: PublishedIndex) -> Iterator[str]:
    """The ranking file's lines: a header, then every unit of every group in ranking order."""
    parts = {g.number: g.part for g in PublishedGroup.objects.filter(publication=publication)}
    codes: dict[str, str] = {}  # every group's main indices, in order of appearance: code → name
    for number in sorted(parts):
        codes.update((i["code"], i["name"]) for i in main_indices(parts[number]["framework"]))
    names = [g["name"] for g in found.head["groups"]]
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(
        [_("Nhóm xếp hạng"), _("Hạng"), _("Đơn vị")]
        + [f"{code}. {name}" for code, name in codes.items()]
        + [_("Tổng điểm"), _("Tối đa"), _("Tỷ lệ %"), _("Xếp loại")]
        + [_("Hạng %(code)s") % {"code": code} for code in codes]
    )
    units = (
        PublishedUnit.objects.filter(publication=publication)
        .order_by("group", "position")
        .values_list("group", "data", "ranks")
    )
    for number, data, ranks in units.iterator(chunk_size=500):
        yield writer.writerow(
            [spreadsheet_text(names[number - 1]), data["rank"], spreadsheet_text(data["unit"])]
            + [data["indices"].get(code) for code in codes]
            + [data["total"], data["max"], data["percent"], spreadsheet_text(data["class"])]
            + [ranks.get(code) for code in codes]
        )


def ranking_file(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The whole ranking of every group as one CSV file (UTF-8 with a byte order mark, a dot for
    decimals, as the snapshot writes them, text neutralised for spreadsheets), streamed from the
    index: three queries, whatever the number of units."""
    publication, _published = _chosen(request, pk)
    found = indexed(publication)
    response = StreamingHttpResponse(_ranking_lines(publication, found), content_type="text/csv; charset=utf-8")
    name = f"xep-hang-{unit_slug(found.head['campaign']['name'])}-v{publication.version}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def unit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """One unit's published scorecard: total, rank, class, indices (radar and table), extremes.
    Four queries, whatever the number of units: the versions, the index, the unit, its group."""
    publication, published = _chosen(request, pk)
    found = indexed(publication)
    card = unit_card(found, key)
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
        "info": found.head["campaign"],
        "card": card,
        "chart": chart,
        "version_query": "" if publication.version == published[0].version else f"?phien-ban={publication.version}",
    }
    return render(request, "results/public_unit.html", context)
