"""Reading results for the pages: the chair's review of a campaign and the public snapshot views.

The public helpers take a published snapshot (plain JSON, see `dti.results.services`) and
nothing else, so a public page can only ever show what was published.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, NotRequired, TypedDict

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.signals import post_save

from dti.core.listing import ListQuery, fold
from dti.engine import RankBasis, index_ranks, order_key, percent, round_half_up, shown_decimals
from dti.results.models import Publication, PublishedGroup, PublishedIndex, PublishedUnit
from dti.results.snapshot import (
    Figure,
    GroupPart,
    PublishedHead,
    Snapshot,
    SnapshotFramework,
    SnapshotIndex,
    SnapshotUnit,
    ranking_policy,
)


def dec(value: str | Decimal | None) -> Decimal | None:
    """A snapshot figure (decimal string or null) as a Decimal."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def percent_places(framework: SnapshotFramework) -> int:
    """The decimals a percentage of this group's figures is shown with, by the engine's rule."""
    return shown_decimals(framework["precision"], ranking_policy(framework), RankBasis.PERCENT)


def exact_share(score: str | Decimal | None, maximum: str | Decimal | None) -> Decimal | None:
    """A published score as a percentage of `maximum` (the engine's `percent`), before rounding."""
    return percent(dec(score), dec(maximum))


def share_percent(score: str | Decimal | None, maximum: str | Decimal | None, places: int) -> Decimal | None:
    """`exact_share` as shown: rounded half-up by the engine at `places` (see `percent_places`)."""
    exact = exact_share(score, maximum)
    return None if exact is None else round_half_up(exact, places)


def unit_slug(name: str) -> str:
    """An ASCII slug of a Vietnamese unit name: "UBND huyện Đông Anh" → "ubnd-huyen-dong-anh"."""
    text = name.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


# ---------------------------------------------------------------- the snapshot as tables


class IndexCell(TypedDict):
    """A unit's score for one main index in the ranking table, with its own claim."""

    code: str
    value: Figure
    self: Figure
    changed: bool  # the appraised score differs from the claim


class Adjustment(TypedDict):
    """An indicator the appraisers adjusted: the unit's claim, the appraised score and the reason given."""

    code: str
    old: Figure  # the claim
    new: Figure  # the appraised score
    reason: str


@dataclass
class Row:
    """One unit in a group's ranking (from a snapshot), with its key for the unit page."""

    key: str
    data: SnapshotUnit
    status: str = ""
    in_progress: bool = False
    adjustments: list[Adjustment] = field(default_factory=list)  # the appraisers' (on the chair's page)
    cells: list[IndexCell] = field(default_factory=list)  # one per main index
    delta: Decimal | None = None  # appraised total − claimed total


class IndexTableRow(TypedDict):
    """One unit in the table of one main index."""

    key: str
    unit: str
    score: Figure
    max: Figure
    percent: Decimal | None
    rank: int | None


@dataclass
class IndexTable:
    """One main index across the units of a group: score, % of the index max, rank within it.

    `relative`: the framework states no maximum for the index, so the percentages are of the
    group's highest score instead (and the page says so).
    """

    code: str
    name: str
    max: Figure
    rows: list[IndexTableRow]
    relative: bool = False


@dataclass
class GroupView:
    """A group of the snapshot ready for a template."""

    name: str
    framework: SnapshotFramework
    by_percent: bool
    indices: list[SnapshotIndex]
    rows: list[Row]
    index_tables: list[IndexTable]
    excluded: list[str]
    percent_places: int  # the decimals its percentages are shown with (`percent_places`)
    part: GroupPart | None = None  # when `rows` is a page of the group: what it needs of the whole group

    @property
    def has_max(self) -> bool:
        """Whether any unit has a maximum total (Ninh Bình's framework states none)."""
        return self.part["has_max"] if self.part else any(row.data["max"] is not None for row in self.rows)

    @property
    def has_classes(self) -> bool:
        """Whether the framework classifies units (Xuất sắc, Tốt…): a column worth showing."""
        return self.part["has_classes"] if self.part else any(row.data["class"] for row in self.rows)

    @property
    def size(self) -> int:
        """How many units the group ranks."""
        return self.part["size"] if self.part else len(self.rows)

    def highest(self, kind: Literal["indices", "items"], code: str) -> Decimal | None:
        """The group's highest published score of an index or indicator (the reference when its max is unknown)."""
        if self.part:
            return dec(self.part["best"][kind].get(code))
        return _best(row.data[kind].get(code) for row in self.rows)


def unit_keys(snapshot: Snapshot) -> dict[tuple[int, int], str]:
    """Each unit's URL key: its slug, or "g-u" (group and unit numbers) when the slug is not unique."""
    slugs: dict[str, int] = {}
    for group in snapshot["groups"]:
        for unit in group["units"]:
            slug = unit_slug(unit["unit"])
            slugs[slug] = slugs.get(slug, 0) + 1
    keys = {}
    for gi, group in enumerate(snapshot["groups"], start=1):
        for ui, unit in enumerate(group["units"], start=1):
            slug = unit_slug(unit["unit"])
            keys[(gi, ui)] = slug if slug and slugs[slug] == 1 else f"{gi}-{ui}"
    return keys


def main_indices(framework: SnapshotFramework) -> list[SnapshotIndex]:
    """The indices that count (reference-only ones are left out)."""
    return [i for i in framework["indices"] if not i.get("reference", False)]


def _row(key: str, data: SnapshotUnit, indices: list[SnapshotIndex]) -> Row:
    """A ranking row: the unit's score for each main index beside its claim, and its total's change."""
    row = Row(key, data)
    own = data.get("self_indices") or {}
    scores = data["indices"]
    row.cells = [
        {
            "code": i["code"],
            "value": scores.get(i["code"]),
            "self": own.get(i["code"]),
            "changed": bool(own) and dec(own.get(i["code"])) != dec(scores.get(i["code"])),
        }
        for i in indices
    ]
    total, claimed = dec(data["total"]), dec(data.get("self_total"))
    row.delta = None if total is None or claimed is None else total - claimed
    return row


def _index_row(row: Row, index: SnapshotIndex, rank: int | None, best: Decimal | None, places: int) -> IndexTableRow:
    """A unit's line in one index's table: its score, max (the group's best when none) as a percentage, rank."""
    code = index["code"]
    score = row.data["indices"].get(code)
    maximum = row.data["index_max"].get(code) or index["max"]
    return {
        "key": row.key,
        "unit": row.data["unit"],
        "score": score,
        "max": maximum,
        "percent": share_percent(score, best if maximum is None else maximum, places),
        "rank": rank,
    }


def group_views(snapshot: Snapshot) -> list[GroupView]:
    """Every group of a snapshot: the ranking rows and one table per index."""
    keys = unit_keys(snapshot)
    views = []
    for gi, group in enumerate(snapshot["groups"], start=1):
        framework = group["framework"]
        indices = main_indices(framework)
        units = group["units"]
        rows = [_row(keys[(gi, ui)], unit, indices) for ui, unit in enumerate(units, start=1)]
        policy = ranking_policy(framework)
        places = percent_places(framework)
        tables = []
        for index in indices:
            code = index["code"]
            ranks = index_ranks(
                [dec(u["indices"].get(code)) for u in units], [dec(u["index_max"].get(code)) for u in units], policy
            )
            best = _best(u["indices"].get(code) for u in units)
            table_rows = [_index_row(row, index, rank, best, places) for row, rank in zip(rows, ranks, strict=True)]
            table_rows.sort(key=lambda r: order_key(r["rank"], dec(r["score"]), r["unit"]))
            relative = any(r["max"] is None for r in table_rows)
            tables.append(IndexTable(code, index["name"], index["max"], table_rows, relative))
        views.append(
            GroupView(
                name=group["name"],
                framework=framework,
                by_percent=framework["basis"] == "percent",
                indices=indices,
                rows=rows,
                index_tables=tables,
                excluded=list(group["excluded"]),
                percent_places=places,
            )
        )
    return views


class Share(TypedDict):
    """A unit's score for an index or indicator as a share of its max (or of the group's best)."""

    code: str
    name: str
    score: Figure
    max: Figure
    reference: str | Decimal | None  # the max, or the group's highest score when the max is unknown
    relative: bool  # the reference is the group's highest score
    percent: Decimal | None  # score / reference × 100, as shown (rounded by the engine)
    index: NotRequired[str]  # an indicator's main index


@dataclass
class Scorecard:
    """One unit's published results: its row, group, indices as % of their max, extremes."""

    group: GroupView
    row: Row
    indices: list[Share]
    strongest: list[Share]
    weakest: list[Share]
    by_indicator: bool
    relative: bool = False  # some maxima unknown: compared with the group's highest score instead

    @property
    def index_basis(self) -> str:
        """What the indices' percentages are of: "max" (each index's maximum), "best" (the
        group's highest score: the framework states no maximum) or "mixed"."""
        kinds = {share["relative"] for share in self.indices if share["percent"] is not None}
        return "mixed" if len(kinds) > 1 else "best" if kinds == {True} else "max"

    @property
    def has_index_max(self) -> bool:
        """Whether the framework states a maximum for any main index (a column worth showing)."""
        return any(share["max"] is not None for share in self.indices)


def find_unit(snapshot: Snapshot, key: str) -> Scorecard | None:
    """The scorecard of the unit with this URL key (slug, or "g-u"), or None."""
    for group in group_views(snapshot):
        for row in group.rows:
            if row.key == key:
                return scorecard(group, row)
    return None


def _best(scores: Iterable[Figure]) -> Decimal | None:
    """The highest of the group's published scores for one code (the reference when its max is unknown)."""
    values = [v for v in map(dec, scores) if v is not None]
    return max(values) if values else None


def scorecard(group: GroupView, row: Row, extremes: int = 3) -> Scorecard:
    """Indices as % of their max and the strongest and weakest items (indicators, or indices).

    Where the framework states no maximum (a source that does not give one), a score is
    compared with the highest score in the group for the same index or indicator, and the
    page says so.
    """
    data = row.data
    places = group.percent_places
    relative = False
    indices: list[Share] = []
    for i in group.indices:
        code = i["code"]
        score = data["indices"].get(code)
        maximum = data["index_max"].get(code) or i["max"]
        reference = maximum if maximum is not None else group.highest("indices", code)
        relative = relative or (maximum is None and reference is not None)
        indices.append(
            {
                "code": code,
                "name": i["name"],
                "score": score,
                "max": maximum,
                "reference": reference,
                "percent": share_percent(score, reference, places),
                "relative": maximum is None,
            }
        )
    items = data["items"]
    candidates: list[tuple[Decimal, Share]] = []  # (exact percent, share): the extremes are sorted by it
    by_indicator = bool(items)
    if by_indicator:
        for indicator in group.framework["indicators"]:
            code = indicator["code"]
            maximum = indicator["max"]
            reference = maximum if maximum is not None else group.highest("items", code)
            exact = exact_share(items.get(code), reference)
            if code in items and exact is not None:
                relative = relative or maximum is None
                rounded = round_half_up(exact, places)
                share: Share = {
                    **indicator,
                    "score": items[code],
                    "reference": reference,
                    "percent": rounded,
                    "relative": maximum is None,
                }
                candidates.append((exact, share))
    else:
        candidates = [(exact, i) for i in indices if (exact := exact_share(i["score"], i["reference"])) is not None]
    shown = max(1, min(extremes, len(candidates) // 2))  # strongest and weakest never overlap
    strongest = [c for _p, c in sorted(candidates, key=lambda c: (-c[0], c[1]["code"]))[:shown]]
    weakest = (
        [c for _p, c in sorted(candidates, key=lambda c: (c[0], c[1]["code"]))[:shown]] if len(candidates) > 1 else []
    )
    return Scorecard(group, row, indices, strongest, weakest, by_indicator, relative)


# ---------------------------------------------------------------- publications


def _newest() -> QuerySet[Publication]:
    """The newest version of each published campaign (a subquery: the older versions are never read)."""
    newest = Publication.objects.filter(campaign=OuterRef("campaign")).order_by("-version").values("pk")[:1]
    return Publication.objects.filter(pk=Subquery(newest))


def latest_publications() -> list[Publication]:
    """The newest version of each published campaign, newest campaigns first."""
    latest = _newest().select_related("campaign")
    return sorted(latest, key=lambda p: (-p.snapshot["campaign"]["year"], p.snapshot["campaign"]["name"]))


def latest_indexed() -> list[PublishedIndex]:
    """The index of the newest version of each published campaign (its snapshot not read), newest
    campaigns first: one query, and one more per campaign the first time it is listed (see `indexed`)."""
    found = [_index_of(publication) for publication in _newest().defer("snapshot").select_related("index")]
    return sorted(found, key=lambda i: (-i.head["campaign"]["year"], i.head["campaign"]["name"]))


def versions(campaign_pk: int) -> QuerySet[Publication]:
    """Every published version of a campaign, newest first (empty: never published)."""
    return Publication.objects.filter(campaign_id=campaign_pk).select_related("by").order_by("-version")


# ---------------------------------------------------------------- the published index


def _group_part(view: GroupView, orders: dict[str, list[int]]) -> GroupPart:
    """What a page of the group needs of the whole group (see `GroupPart`)."""
    best: dict[str, dict[str, Figure]] = {"indices": {}, "items": {}}
    for index in view.indices:
        best["indices"][index["code"]] = _figure(view.highest("indices", index["code"]))
    for indicator in view.framework["indicators"]:
        if indicator["max"] is None:  # only these are compared with the group's best
            best["items"][indicator["code"]] = _figure(view.highest("items", indicator["code"]))
    return {
        "framework": view.framework,
        "excluded": view.excluded,
        "size": view.size,
        "has_max": view.has_max,
        "has_classes": view.has_classes,
        "best": best,
        "orders": orders,
    }


def _figure(value: Decimal | None) -> Figure:
    return None if value is None else format(value, "f")


def index_parts(snapshot: Snapshot) -> tuple[PublishedHead, list[tuple[str, GroupPart]], list[PublishedUnit]]:
    """The index of a snapshot: its head, each group's name and part, and one record per unit (not saved)."""
    head: PublishedHead = {
        "campaign": snapshot["campaign"],
        "decision": snapshot["decision"],
        "notes": snapshot["notes"],
        "imported": snapshot.get("imported", ""),
        "groups": [{"name": g["name"], "size": len(g["units"])} for g in snapshot["groups"]],
    }
    groups: list[tuple[str, GroupPart]] = []
    units: list[PublishedUnit] = []
    for number, view in enumerate(group_views(snapshot), start=1):
        position = {row.key: place for place, row in enumerate(view.rows, start=1)}
        ranks: dict[str, dict[str, int | None]] = {row.key: {} for row in view.rows}
        orders = {}
        for table in view.index_tables:
            orders[table.code] = [position[r["key"]] for r in table.rows]
            for r in table.rows:
                ranks[r["key"]][table.code] = r["rank"]
        groups.append((view.name, _group_part(view, orders)))
        units += [
            PublishedUnit(
                group=number,
                position=position[row.key],
                key=row.key,
                name=row.data["unit"],
                folded=fold(row.data["unit"]),
                data=row.data,
                ranks=ranks[row.key],
            )
            for row in view.rows
        ]
    return head, groups, units


def index_publication(publication: Publication, snapshot: Snapshot | None = None) -> PublishedIndex:
    """Write the publication's index from its sealed snapshot (read again when not given), in one
    transaction; an index derived from another content (the database edited) is replaced. A
    concurrent first read that wrote it first wins: its index is the same."""
    if snapshot is None:
        snapshot = Publication.objects.values_list("snapshot", flat=True).get(pk=publication.pk)
    head, groups, units = index_parts(snapshot)
    try:
        with transaction.atomic():
            PublishedIndex.objects.filter(publication=publication).delete()
            PublishedGroup.objects.filter(publication=publication).delete()
            PublishedUnit.objects.filter(publication=publication).delete()
            PublishedGroup.objects.bulk_create(
                PublishedGroup(publication=publication, number=n, name=name, part=part)
                for n, (name, part) in enumerate(groups, start=1)
            )
            for unit in units:
                unit.publication = publication
            PublishedUnit.objects.bulk_create(units, batch_size=500)
            return PublishedIndex.objects.create(
                publication=publication, content_hash=publication.content_hash, head=head
            )
    except IntegrityError:
        return PublishedIndex.objects.select_related("publication").get(publication=publication)


def index_new_publication(sender: type[Publication], instance: Publication, created: bool, raw: bool, **_: Any) -> None:
    """A new publication is indexed as it is written, in its transaction, from the snapshot in hand:
    the public pages only read (a publication loaded raw, from a fixture, is indexed on its first read)."""
    if created and not raw:
        index_publication(instance, instance.snapshot)


def connect() -> None:
    """Index every new publication as it is written (`ResultsConfig.ready`)."""
    post_save.connect(index_new_publication, sender=Publication, dispatch_uid="results.index_new_publication")


def indexed(publication: Publication) -> PublishedIndex:
    """The publication's index (one query), written first if it is missing or not of this content."""
    found = PublishedIndex.objects.filter(publication=publication).first()
    return _checked(publication, found)


def _index_of(publication: Publication) -> PublishedIndex:
    """The index read with the publication (`select_related("index")`), written first if need be."""
    try:
        found: PublishedIndex | None = publication.index
    except PublishedIndex.DoesNotExist:
        found = None
    return _checked(publication, found)


def _checked(publication: Publication, found: PublishedIndex | None) -> PublishedIndex:
    if found is None or found.content_hash != publication.content_hash:
        found = index_publication(publication)
    found.publication = publication
    return found


def group_of(index: PublishedIndex, number: int) -> PublishedGroup:
    """One ranking group of an indexed publication (one query)."""
    return PublishedGroup.objects.get(publication_id=index.pk, number=number)


def searched(query: ListQuery) -> Q:
    """The units whose name holds every searched word, ignoring case and accents (as `ListQuery.keeps`)."""
    condition = Q()
    for word in fold(query.text).split():
        condition &= Q(folded__contains=word)
    return condition


def page_view(group: PublishedGroup, units: Iterable[PublishedUnit], tables: Collection[str]) -> GroupView:
    """A page of a group (its `units`, in ranking order) ready for the ranking template, with the
    tables of the indices in `tables`, each in its own order."""
    part = group.part
    framework = part["framework"]
    indices = main_indices(framework)
    places = percent_places(framework)
    chosen = list(units)
    rows = [_row(unit.key, unit.data, indices) for unit in chosen]
    index_tables = []
    for index in indices:
        code = index["code"]
        if code not in tables:
            continue
        place = {position: n for n, position in enumerate(part["orders"][code])}
        best = dec(part["best"]["indices"].get(code))
        table_rows = [
            (place[unit.position], _index_row(row, index, unit.ranks.get(code), best, places))
            for unit, row in zip(chosen, rows, strict=True)
        ]
        table_rows.sort(key=lambda r: r[0])
        lines = [line for _place, line in table_rows]
        relative = any(line["max"] is None for line in lines)
        index_tables.append(IndexTable(code, index["name"], index["max"], lines, relative))
    return GroupView(
        name=group.name,
        framework=framework,
        by_percent=framework["basis"] == "percent",
        indices=indices,
        rows=rows,
        index_tables=index_tables,
        excluded=part["excluded"],
        percent_places=places,
        part=part,
    )


def unit_card(index: PublishedIndex, key: str) -> Scorecard | None:
    """The scorecard of the unit with this URL key, from its own record and its group's part: two
    queries, whatever the number of units (None: no such unit)."""
    unit = PublishedUnit.objects.filter(publication_id=index.pk, key=key).first()
    if unit is None:
        return None
    view = page_view(group_of(index, unit.group), [unit], ())
    return scorecard(view, view.rows[0])
