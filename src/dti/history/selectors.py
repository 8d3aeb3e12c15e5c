"""Reading past years: a unit's previous figures (for the reports), trends over the years, code mappings.

Figures come from published snapshots only (`Publication.snapshot`, newest version of each
campaign); units are followed across renames, merges and splits by the engine's `trace`, and
codes across framework versions through the organiser's `CodeMapping` (or the engine's
pre-fill, `match_codes`, until one is saved). Every function here runs a constant number of
queries, whatever the number of campaigns or units.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from dti.campaigns.models import Campaign, Participation
from dti.engine import Incomparable, Link, PastScores, fate, match_codes, mean, round_half_up, trace, unmatched
from dti.history.models import CodeMapping, Lineage
from dti.results.models import Publication
from dti.results.selectors import dec, latest_publications, main_indices, unit_slug
from dti.results.snapshot import Snapshot, SnapshotFramework, SnapshotUnit, framework_part, shown
from dti.units.models import Unit


def links() -> list[Link]:
    """Every recorded change of units, as the engine reads them (three queries)."""
    lineages = Lineage.objects.prefetch_related(
        Prefetch("predecessors", queryset=Unit.objects.only("name")),
        Prefetch("successors", queryset=Unit.objects.only("name")),
    )
    return [lineage.link() for lineage in lineages]


def scores_of(unit: SnapshotUnit) -> PastScores:
    """A published unit's figures as Decimals (its own: no lineage note)."""
    return PastScores(
        units=(unit["unit"],),
        total=dec(unit["total"]),
        indices={code: dec(value) for code, value in unit["indices"].items()},
        items={code: dec(value) for code, value in unit["items"].items()},
        rank=unit["rank"],
    )


def coded(framework: SnapshotFramework) -> list[tuple[str, str]]:
    """The (code, name) pairs a comparison maps: the counted main indices, then the indicators."""
    return [(i["code"], i["name"]) for i in main_indices(framework)] + [
        (i["code"], i["name"]) for i in framework["indicators"]
    ]


# ---------------------------------------------------------------- code mappings


@dataclass(frozen=True)
class CodePairs:
    """How the codes of a newer framework version pair with an older one's.

    `mapping`: newer code → older code (only codes with a counterpart); `new_only` / `old_only`:
    the codes of either side without one, named on pages and in comparisons; `saved`: the
    organiser saved this mapping (otherwise it is the pre-fill by equal codes and names).
    """

    mapping: dict[str, str]
    new_only: list[str]
    old_only: list[str]
    saved: bool


def code_pairs(
    old: SnapshotFramework | Sequence[tuple[str, str]],
    new: SnapshotFramework | Sequence[tuple[str, str]],
    stored: Iterable[CodeMapping] | None = None,
) -> CodePairs:
    """The mapping between two framework versions (`stored`: the saved rows for the pair, if any)."""
    old_codes = coded(old) if isinstance(old, dict) else list(old)
    new_codes = coded(new) if isinstance(new, dict) else list(new)
    rows = list(stored or ())
    if rows:
        known_old = {code for code, _name in old_codes}
        mapping = {r.to_code: r.from_code for r in rows if r.from_code and r.from_code in known_old}
    else:
        mapping = match_codes(new_codes, old_codes)
    new_only, old_only = unmatched([c for c, _n in old_codes], [c for c, _n in new_codes], mapping)
    return CodePairs(mapping, new_only, old_only, bool(rows))


def framework_pairs(old_code: str, new_code: str, old: SnapshotFramework, new: SnapshotFramework) -> CodePairs:
    """The mapping between two frameworks of snapshots, by their codes: identity for the same
    framework, else the saved rows for the pair of stored frameworks (one query), else the pre-fill."""
    if old_code == new_code:
        return code_pairs(old, new)
    stored = CodeMapping.objects.filter(from_framework__code=old_code, to_framework__code=new_code)
    return code_pairs(old, new, stored)


# ---------------------------------------------------------------- a unit's previous figures


@dataclass(frozen=True)
class Previous:
    """A unit's figures in the previous published campaign, ready for a year-over-year comparison.

    `publication`/`snapshot`: that campaign's newest published version; `unit`: the unit's name
    in it (None when the figures are the mean of merged predecessors, who are `scores.units`);
    `scores`: total, index and indicator values (Decimal, as published, or the mean) and rank
    (None for a mean); `group`/`group_size`: its ranking group there; `pairs`: the current
    framework's codes → that framework's (`pairs.mapping`), with the codes of either side that
    have no counterpart (`pairs.new_only`, `pairs.old_only`); `note`: how the figures were
    found ("" for the same unit under the same name), in Vietnamese.
    """

    publication: Publication
    snapshot: Snapshot
    year: int
    unit: str | None
    scores: PastScores
    group: str
    group_size: int
    framework: SnapshotFramework
    pairs: CodePairs

    @property
    def note(self) -> str:
        """How the past figures were found, in Vietnamese ("" when nothing changed)."""
        return self.scores.note

    @property
    def source_unit(self) -> str:
        """A unit of the snapshot the figures come from (the first predecessor for a mean): its
        group gives the framework and the ranks of the others."""
        return self.scores.units[0]

    @property
    def figures(self) -> SnapshotUnit:
        """The past figures as a snapshot's unit record (decimal strings): the unit's own record,
        or for a mean of merged predecessors a record of the means, named by the note, unranked."""
        if self.unit is not None:
            group = next(g for g in self.snapshot["groups"] if g["name"] == self.group)
            return next(u for u in group["units"] if u["unit"] == self.unit)
        return {
            "unit": self.note or ", ".join(self.scores.units),
            "type": None,
            "rank": None,
            "class": "",
            "total": shown(self.scores.total),
            "max": None,
            "percent": None,
            "indices": {code: shown(value) for code, value in self.scores.indices.items()},
            "index_max": {},
            "items": {code: shown(value) for code, value in self.scores.items.items()},
        }


@dataclass(frozen=True)
class NoComparison:
    """No year-over-year comparison can be made for the unit, and why (Vietnamese)."""

    reason: str
    year: int | None = None


@dataclass
class _Year:
    """The published campaigns of one year: every unit's figures by name, with its group."""

    year: int
    publications: list[Publication] = field(default_factory=list)
    units: dict[str, tuple[PastScores, int, int, int]] = field(default_factory=dict)  # pub, group index, size

    def add(self, publication: Publication) -> None:
        self.publications.append(publication)
        position = len(self.publications) - 1
        for gi, group in enumerate(publication.snapshot["groups"]):
            for unit in group["units"]:
                self.units.setdefault(unit["unit"], (scores_of(unit), position, gi, len(group["units"])))

    @property
    def precision(self) -> int:
        return max(
            (g["framework"]["precision"] for p in self.publications for g in p.snapshot["groups"]),
            default=2,
        )


def _years(publications: Iterable[Publication], organiser: str) -> dict[int, _Year]:
    """The publications by year, those of `organiser` first (a unit's own series before others')."""
    ordered = sorted(publications, key=lambda p: p.snapshot["campaign"]["organiser"] != organiser)
    years: dict[int, _Year] = {}
    for publication in ordered:
        year = publication.snapshot["campaign"]["year"]
        years.setdefault(year, _Year(year)).add(publication)
    return years


def _figures_in(year: _Year, name: str, all_links: Sequence[Link]) -> PastScores | Incomparable:
    return trace(
        name,
        all_links,
        {n: entry[0] for n, entry in year.units.items()},
        since=datetime.date(year.year, 12, 31),
        precision=year.precision,
        year=year.year,
    )


def _current_framework(campaign: Campaign, unit: Unit) -> tuple[str, SnapshotFramework] | None:
    """The code and snapshot record of the framework the unit is assessed by in `campaign`."""
    participation = (
        Participation.objects.filter(campaign=campaign, unit=unit).select_related("group__framework").first()
    )
    if participation is None:
        return None
    stored = participation.group.framework
    return stored.code, framework_part(stored.engine(), stored.code, stored.content_hash)


def previous_figures(campaign: Campaign, unit: Unit) -> Previous | NoComparison:
    """The unit's figures in the newest earlier year with published results, for the reports.

    The earlier year is the newest one before `campaign.year` with a published campaign (of
    the same organiser if it has any, else of anyone); the unit is found there under its own
    name or through the changes recorded since (renamed: its old name; merged: the mean of its
    predecessors, marked as such; split, or absent that year: `NoComparison` with the reason).
    Codes go through the mapping between the two frameworks (`Previous.pairs`). A constant
    number of queries (about eight), whatever the number of campaigns.
    """
    organiser = str(campaign.organiser) if campaign.organiser else ""
    publications = [p for p in latest_publications() if p.snapshot["campaign"]["year"] < campaign.year]
    own = [p for p in publications if p.snapshot["campaign"]["organiser"] == organiser]
    years = _years(own or publications, organiser)
    if not years:
        return NoComparison(_("Chưa có kết quả công bố nào trước năm %(year)s để so sánh.") % {"year": campaign.year})
    year = years[max(years)]
    found = _figures_in(year, unit.name, links())
    if isinstance(found, Incomparable):
        return NoComparison(found.reason, year.year)
    _scores, position, gi, size = year.units[found.units[0]]
    publication = year.publications[position]
    group = publication.snapshot["groups"][gi]
    current = _current_framework(campaign, unit)
    old = group["framework"]
    pairs = code_pairs(old, old) if current is None else framework_pairs(old["code"], current[0], old, current[1])
    return Previous(
        publication=publication,
        snapshot=publication.snapshot,
        year=year.year,
        unit=None if found.mean else found.units[0],
        scores=found,
        group=group["name"],
        group_size=size,
        framework=old,
        pairs=pairs,
    )


# ---------------------------------------------------------------- trends


@dataclass(frozen=True)
class TrendPoint:
    """One year of a unit's trend: the published figures (or the mean of merged predecessors)."""

    year: int
    publication: Publication
    group: str
    group_size: int
    scores: PastScores
    max: Decimal | None  # the unit's maximum total (None for a mean, or when unpublished)
    framework: SnapshotFramework
    indices: list[Decimal | None]  # one per row of `Trend.indices`, through the code mapping


@dataclass(frozen=True)
class IndexLine:
    """A main index of the newest framework, named, with a value for each year of the trend."""

    code: str
    name: str


@dataclass(frozen=True)
class Trend:
    """A unit's published figures over the years, oldest first.

    `indices`: the main indices of the newest year's framework (values of earlier years come
    through the code mappings); `unmatched`: per earlier year, the indices without a
    counterpart, named; `gaps`: the years in which no figure can be given, with the reason.
    """

    name: str
    points: list[TrendPoint]
    indices: list[IndexLine]
    unmatched: list[str]
    gaps: list[NoComparison]


def unit_names() -> dict[str, str]:
    """Every unit name known (the unit list and every published snapshot) by its URL slug."""
    names: dict[str, str] = {}
    for publication in latest_publications():
        for group in publication.snapshot["groups"]:
            for unit in group["units"]:
                names.setdefault(unit_slug(unit["unit"]), unit["unit"])
    for name in Unit.objects.values_list("name", flat=True):
        names[unit_slug(name)] = name
    return names


def _point(year: _Year, found: PastScores) -> TrendPoint:
    _scores, position, gi, size = year.units[found.units[0]]
    publication = year.publications[position]
    group = publication.snapshot["groups"][gi]
    data = group["units"][[u["unit"] for u in group["units"]].index(found.units[0])]
    return TrendPoint(
        year=year.year,
        publication=publication,
        group=group["name"],
        group_size=size,
        scores=found,
        max=None if found.mean else dec(data["max"]),
        framework=group["framework"],
        indices=[],
    )


def unit_trend(name: str) -> Trend:
    """The unit's published figures in every year it (or, through the recorded changes, its
    predecessors) appears, oldest first, with its index values mapped to the newest framework.
    A constant number of queries whatever the number of years."""
    publications = latest_publications()
    organiser = next(
        (
            p.snapshot["campaign"]["organiser"]
            for p in publications
            if any(u["unit"] == name for g in p.snapshot["groups"] for u in g["units"])
        ),
        "",
    )
    all_links = links()
    years = sorted(_years(publications, organiser).values(), key=lambda y: y.year)
    found = [(year, _figures_in(year, name, all_links)) for year in years]
    points = [_point(year, scores) for year, scores in found if isinstance(scores, PastScores)]
    first = points[0].year if points else None
    # a year before the unit's first results is no gap, unless a change (a split…) is the reason
    gaps = [
        NoComparison(_gap(name, scores, year.year, all_links), year.year)
        for year, scores in found
        if isinstance(scores, Incomparable) and (not scores.absent or (first is not None and year.year > first))
    ]
    if not points:
        return Trend(name, [], [], [], gaps)
    newest = points[-1].framework
    indices = [IndexLine(i["code"], i["name"]) for i in main_indices(newest)]
    mappings = _mappings({p.framework["code"]: p.framework for p in points}, newest)
    unmatched_notes: list[str] = []
    mapped = []
    for point in points:
        pairs = mappings[point.framework["code"]]
        values = [point.scores.indices.get(pairs.mapping.get(line.code, "")) for line in indices]
        mapped.append(dataclasses.replace(point, indices=values))
        unmatched_notes += _lost(point.year, point.framework, pairs)
    return Trend(name, mapped, indices, unmatched_notes, gaps)


def _gap(name: str, missing: Incomparable, year: int, all_links: Sequence[Link]) -> str:
    """Why the unit has no figure that year: the engine's reason, or what became of the unit."""
    became = fate(name, all_links, until=datetime.date(year, 12, 31)) if missing.absent else ""
    return f"{name} {became}: không có kết quả năm {year}." if became else missing.reason


def _lost(year: int, framework: SnapshotFramework, pairs: CodePairs) -> list[str]:
    """The note naming that year's main indices without a counterpart in the newest framework (or none)."""
    names = {i["code"]: i["name"] for i in main_indices(framework)}
    lost = [f"{code}. {names[code]}" for code in pairs.old_only if code in names]
    return (
        [_("Năm %(year)s: %(indices)s không có chỉ số tương ứng.") % {"year": year, "indices": "; ".join(lost)}]
        if lost
        else []
    )


def _mappings(frameworks: dict[str, SnapshotFramework], newest: SnapshotFramework) -> dict[str, CodePairs]:
    """Each framework's code mapping to the newest one (one query for all the saved rows)."""
    stored: dict[str, list[CodeMapping]] = {}
    rows = CodeMapping.objects.filter(from_framework__code__in=list(frameworks), to_framework__code=newest["code"])
    for row in rows.select_related("from_framework"):
        stored.setdefault(row.from_framework.code, []).append(row)
    return {
        code: code_pairs(framework, newest, None if code == newest["code"] else stored.get(code))
        for code, framework in frameworks.items()
    }


@dataclass(frozen=True)
class SeriesYear:
    """One year of a campaign series for one ranking group: the group's means, rounded as published."""

    year: int
    publication: Publication
    units: int
    total: Decimal | None
    indices: list[Decimal | None]  # one per index of `SeriesGroup.indices`


@dataclass(frozen=True)
class SeriesGroup:
    """A ranking group (by name) over the years of a campaign series."""

    name: str
    indices: list[IndexLine]
    years: list[SeriesYear]
    unmatched: list[str]
    precision: int  # the newest framework's: the means are rounded at it


@dataclass(frozen=True)
class Series:
    """The published campaigns of one organiser over the years, group by group."""

    organiser: str
    campaign: str
    groups: list[SeriesGroup]


def _group_mean(values: Iterable[Decimal | None], precision: int) -> Decimal | None:
    exact = mean(values)
    return None if exact is None else round_half_up(exact, precision)


def campaign_series(publication: Publication) -> Series:
    """The group means (total and each main index) of every published campaign of the same
    organiser, year by year, groups matched by name; index values of other framework versions go
    through the code mappings to the newest year's framework. Constant queries."""
    organiser = publication.snapshot["campaign"]["organiser"]
    same = [p for p in latest_publications() if p.snapshot["campaign"]["organiser"] == organiser]
    if not organiser:
        same = [publication]
    by_group: dict[str, list[tuple[Publication, int]]] = {}
    for p in sorted(same, key=lambda p: (p.snapshot["campaign"]["year"], p.campaign_id)):
        for gi, group in enumerate(p.snapshot["groups"]):
            by_group.setdefault(group["name"], []).append((p, gi))
    groups = []
    for name, entries in by_group.items():
        newest = entries[-1][0].snapshot["groups"][entries[-1][1]]["framework"]
        lines = [IndexLine(i["code"], i["name"]) for i in main_indices(newest)]
        frameworks = {
            p.snapshot["groups"][gi]["framework"]["code"]: p.snapshot["groups"][gi]["framework"] for p, gi in entries
        }
        mappings = _mappings(frameworks, newest)
        years, notes = [], []
        for p, gi in entries:
            group = p.snapshot["groups"][gi]
            framework = group["framework"]
            pairs = mappings[framework["code"]]
            units = group["units"]
            precision = framework["precision"]
            years.append(
                SeriesYear(
                    year=p.snapshot["campaign"]["year"],
                    publication=p,
                    units=len(units),
                    total=_group_mean((dec(u["total"]) for u in units), precision),
                    indices=[
                        _group_mean((dec(u["indices"].get(pairs.mapping.get(line.code, ""))) for u in units), precision)
                        if pairs.mapping.get(line.code)
                        else None
                        for line in lines
                    ],
                )
            )
            notes += _lost(years[-1].year, framework, pairs)
        groups.append(SeriesGroup(name, lines, years, notes, newest["precision"]))
    return Series(organiser, publication.snapshot["campaign"]["name"], groups)
