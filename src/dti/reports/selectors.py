"""Reads of the reports app: which results a document or analysis is drawn from, the appendix's
heading, the campaign analysis (charts, robustness) and a unit's analysis (what-if, notes, targets).

Every figure comes from a snapshot: a published version (`Publication.snapshot`) or, before
publication and only for those who may see drafts, the appraised results as `build_snapshot`
gives them. Each read runs a fixed number of queries, whatever the number of units.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from dti.assessments.models import Assessment
from dti.campaigns.models import Campaign, Participation
from dti.documents.appendix import default_title
from dti.engine import (
    DtiError,
    ItemRoom,
    Margin,
    Progress,
    RankBasis,
    RankingPolicy,
    Standing,
    WhatIf,
    mean,
    parse_rank_range,
    robustness,
    round_half_up,
    shown_decimals,
    target_progress,
    what_if,
)
from dti.history.selectors import NoComparison, Previous, previous_figures
from dti.reports.access import may_see_drafts
from dti.reports.charts import bars_svg, heatmap_svg
from dti.reports.models import TARGET_CODE_TOTAL, DocumentSettings, ReportNotes, Target
from dti.results.charts import radar_svg
from dti.results.models import Publication
from dti.results.selectors import (
    GroupView,
    Scorecard,
    Share,
    dec,
    exact_share,
    group_views,
    main_indices,
    scorecard,
    unit_slug,
    versions,
)
from dti.results.services import build_snapshot
from dti.results.snapshot import Snapshot, SnapshotGroup, ranking_policy

if TYPE_CHECKING:
    from dti.core.permissions import Person
    from dti.units.models import Unit

# The units an unpublished appendix or analysis shows: those whose appraisal is finished.
DRAFT_STATUSES = (Assessment.Status.APPRAISED, Assessment.Status.APPROVED, Assessment.Status.PUBLISHED)
TARGET_YEARS = 3  # the campaign's year and the two after it


# ---------------------------------------------------------------- where the figures come from


@dataclass(frozen=True)
class Source:
    """The results a document is drawn from: a published version, or a draft (`publication` None)."""

    snapshot: Snapshot
    publication: Publication | None
    published: list[Publication]  # every published version, newest first

    @property
    def draft(self) -> bool:
        """Not published yet: every page of a document says "DỰ THẢO"."""
        return self.publication is None


def source(campaign: Campaign, user: Person, version: str = "") -> Source:
    """The results of `campaign` `user` may have: the published version asked for (default the
    newest; Http404 when there is no such version) or, before publication, the appraised results
    as a draft for those who may see drafts (PermissionDenied for others)."""
    published = list(versions(campaign.pk))
    if published:
        if not version:
            return Source(published[0].snapshot, published[0], published)
        for publication in published:
            if str(publication.version) == version:
                return Source(publication.snapshot, publication, published)
        raise Http404
    if version:
        raise Http404
    if not may_see_drafts(user):
        raise PermissionDenied(
            _("Kết quả chưa công bố: chỉ cơ quan tổ chức và Hội đồng đánh giá được xem bản dự thảo.")
        )
    return Source(build_snapshot(campaign, DRAFT_STATUSES), None, [])


# ---------------------------------------------------------------- the appendix's heading


def _issuer_of(organiser: str) -> str:
    """The issuing body from the organiser's name: "UBND tỉnh Ninh Bình" → "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"."""
    return re.sub(r"^UBND\b", "Ủy ban nhân dân", organiser.strip()).upper()


def _place_of(organiser: str) -> str:
    """The place from a people's committee's name: "UBND tỉnh Ninh Bình" → "Ninh Bình"; "" for
    another body ("Sở Thông tin và Truyền thông" names no place)."""
    found = re.match(
        r"^(?:UBND|Ủy ban nhân dân)\s+(?:tỉnh|thành phố|huyện|thị xã|quận|xã|phường)\s+(.+)$",
        organiser.strip(),
        re.IGNORECASE,
    )
    return found.group(1) if found else ""


def document_settings(campaign: Campaign) -> DocumentSettings:
    """The appendix's heading of `campaign`: as set, or (unsaved) the defaults from its organiser."""
    saved = DocumentSettings.objects.filter(campaign=campaign).first()
    if saved is not None:
        return saved
    unit = campaign.organiser if campaign.organiser_id else None
    organiser = unit.name if unit else ""
    parent = unit.parent.name if unit and unit.parent_id and unit.parent else ""  # a Sở's province
    return DocumentSettings(
        campaign=campaign,
        issuer=_issuer_of(organiser) if organiser else "",
        parent=_issuer_of(parent) if parent else "",
        place=_place_of(organiser) or _place_of(parent),
        appendix_number="I",
        title=default_title(campaign.year),
    )


def decision_date(snapshot: Snapshot) -> datetime.date | None:
    """The decision's date recorded in the snapshot (None: not decided yet)."""
    raw = snapshot["decision"]["date"]
    return datetime.date.fromisoformat(raw) if raw else None


def file_name(campaign: Campaign, found: Source, stem: str, extension: str) -> str:
    """An ASCII file name: "phu-luc-ky-danh-gia-2023-v2.xlsx", "...-du-thao.pdf" for a draft."""
    suffix = "du-thao" if found.publication is None else f"v{found.publication.version}"
    return f"{stem}-{unit_slug(campaign.name) or 'ky-danh-gia'}-{suffix}.{extension}"


# ---------------------------------------------------------------- standings for the engine


def standings(group: SnapshotGroup) -> list[Standing]:
    """The group's units as the what-if rules read them: published points, applicable maximum,
    and each counted indicator's score and maximum."""
    maxima = {i["code"]: dec(i["max"]) for i in group["framework"]["indicators"]}
    out = []
    for unit in group["units"]:
        rooms = []
        for code, value in unit["items"].items():
            score, maximum = dec(value), maxima.get(code)
            if score is not None and maximum is not None:
                rooms.append(ItemRoom(code, score, maximum))
        out.append(Standing(unit["unit"], dec(unit["total"]), dec(unit["max"]), tuple(rooms)))
    return out


def policy_of(group: SnapshotGroup) -> RankingPolicy:
    """The group's ranking policy as the snapshot records it."""
    return ranking_policy(group["framework"])


# ---------------------------------------------------------------- the campaign analysis


@dataclass(frozen=True)
class GroupAnalysis:
    """One ranking group on the campaign analysis page."""

    view: GroupView
    margins: list[tuple[Margin, int | None]]  # with the unit's pk for the link to its analysis
    bars: SafeString
    heatmap: SafeString
    heat: list[tuple[str, list[Decimal | None]]]  # unit → % of each index (the heatmap's table)
    places: int  # decimals of the ranked value
    precision: int  # decimals of scores and points
    total_places: int  # decimals of the total (the ranked value's, or the precision when ranked by %)
    heat_basis: str  # what the heatmap's % are of: "max", "best" (the group's highest score) or "mixed"

    @property
    def ranked(self) -> bool:
        """Whether any unit of the group has a rank (otherwise the page says so instead of empty charts)."""
        return any(r.data["rank"] is not None for r in self.view.rows)

    @property
    def heat_heading(self) -> str:
        """The heatmap's heading: what its percentages are of."""
        return heat_title(self.heat_basis)

    @property
    def relative_indices(self) -> list[str]:
        """The codes of the indices without a stated maximum (their % are of the group's highest score)."""
        return [t.code for t in self.view.index_tables if t.relative]

    @property
    def fragile(self) -> int:
        """How many units one step of one indicator would move."""
        return sum(1 for m, _pk in self.margins if m.moved_by_step)

    @property
    def step(self) -> Decimal:
        """One step of the precision (0,01 at two decimals): what "one rounding step" moves."""
        return Decimal(1).scaleb(-self.precision)


def _heat(view: GroupView) -> tuple[list[tuple[str, list[Decimal | None]]], str]:
    """Each unit's main indices as % of their maximum or, where the framework states none, of the
    group's highest score (the per-index tables' and the unit's scorecard's rule, read from
    `view.index_tables`), and what the % are of ("max", "best" or "mixed")."""
    shares = {(t.code, r["key"]): r["percent"] for t in view.index_tables for r in t.rows}
    heat = [(r.data["unit"], [shares.get((i["code"], r.key)) for i in view.indices]) for r in view.rows]
    kinds = {t.relative for t in view.index_tables}
    return heat, "mixed" if len(kinds) > 1 else "best" if kinds == {True} else "max"


def heat_title(basis: str) -> str:
    """The heatmap's heading: what its percentages are of."""
    if basis == "best":
        return _("Điểm từng chỉ số chính theo % điểm cao nhất trong nhóm")
    if basis == "mixed":
        return _("Điểm từng chỉ số chính theo % điểm tối đa (hoặc % điểm cao nhất trong nhóm)")
    return _("Điểm từng chỉ số chính theo % điểm tối đa")


def _group_analysis(number: int, group: SnapshotGroup, view: GroupView, units: dict[str, int]) -> GroupAnalysis:
    framework = group["framework"]
    policy = policy_of(group)
    by_percent = policy.basis is RankBasis.PERCENT
    bars = bars_svg(
        [
            (r.data["unit"], r.data["rank"], dec(r.data["percent"] if by_percent else r.data["total"]))
            for r in view.rows
        ],
        _("Xếp hạng %(group)s theo %(basis)s")
        % {"group": view.name, "basis": _("tỷ lệ % điểm tối đa") if by_percent else _("tổng điểm")},
        places=policy.decimals,
        scale=Decimal(100) if by_percent else None,
        element_id=f"xep-hang-{number}",
    )
    heat, basis = _heat(view)
    heatmap = heatmap_svg(
        [u for u, _cells in heat],
        [(i["code"], i["name"]) for i in view.indices],
        [cells for _u, cells in heat],
        f"{heat_title(basis)} — {view.name}",
        places=view.percent_places,
        element_id=f"ban-do-nhiet-{number}",
    )
    margins = [
        (m, units.get(m.unit)) for m in robustness(standings(group), precision=framework["precision"], policy=policy)
    ]
    total_places = shown_decimals(framework["precision"], policy, RankBasis.TOTAL)
    return GroupAnalysis(
        view, margins, bars, heatmap, heat, policy.decimals, framework["precision"], total_places, basis
    )


@dataclass(frozen=True)
class CampaignAnalysis:
    """The campaign analysis page: its source, the appendix's heading, and each group's analysis."""

    campaign: Campaign
    found: Source
    settings: DocumentSettings
    groups: list[GroupAnalysis]


def campaign_analysis(campaign: Campaign, user: Person, version: str = "") -> CampaignAnalysis:
    """Everything on the campaign analysis page (see `source` for who may see what)."""
    found = source(campaign, user, version)
    units = dict(Participation.objects.filter(campaign=campaign).values_list("unit__name", "unit_id"))
    groups = [
        _group_analysis(number, group, view, units)
        for number, (group, view) in enumerate(
            zip(found.snapshot["groups"], group_views(found.snapshot), strict=True), start=1
        )
    ]
    return CampaignAnalysis(campaign, found, document_settings(campaign), groups)


# ---------------------------------------------------------------- a unit's analysis


@dataclass
class TargetCell:
    """One target box: its year, its form field name and its text (as saved, or as typed)."""

    year: int
    field: str
    text: str


def target_field(code: str, year: int) -> str:
    """The form field of one target: "muc-tieu-I-2024"."""
    return f"muc-tieu-{code}-{year}"


@dataclass(frozen=True)
class TargetRow:
    """One code's targets on the unit's page: its rank now and the range set for each year."""

    code: str
    name: str
    rank: int | None
    ranges: list[TargetCell]  # one per target year
    progress: Progress | None  # this year's rank against this year's target


@dataclass(frozen=True)
class RoomRow:
    """An indicator with points still available (the what-if's list), with its name."""

    room: ItemRoom
    name: str
    index: str


@dataclass
class UnitAnalysis:
    """A unit's analysis page: its results (None before they may be shown), what-if, notes, targets."""

    campaign: Campaign
    participation: Participation
    found: Source | None
    card: Scorecard | None = None
    whatif: WhatIf | None = None
    rooms: list[RoomRow] = field(default_factory=list)
    radar: SafeString | None = None
    means: list[Decimal | None] = field(default_factory=list)  # the group's mean % per index
    notes: ReportNotes | None = None
    notes_from: Campaign | None = None  # the earlier campaign the notes are pre-filled from
    targets: list[TargetRow] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    previous: Previous | NoComparison | None = None  # the unit's previous published year (dti.history)

    @property
    def precision(self) -> int:
        """The decimals of the unit's scores and points (its group's framework precision)."""
        return self.card.group.framework["precision"] if self.card else 2

    @property
    def places(self) -> int:
        """The decimals of the value the unit is ranked on (total or percent, as shown)."""
        return self.card.group.framework["decimals"] if self.card else 2

    @property
    def index_rows(self) -> list[tuple[Share, Decimal | None]]:
        """Each main index of the unit beside the group's mean (the radar's table)."""
        return list(zip(self.card.indices, self.means, strict=True)) if self.card else []

    @property
    def unit(self) -> Unit:
        """The analysed unit."""
        return self.participation.unit


def _notes(participation: Participation) -> tuple[ReportNotes | None, Campaign | None]:
    """This campaign's notes, or the unit's notes of its latest earlier campaign as a start."""
    own = ReportNotes.objects.filter(unit_id=participation.unit_id, campaign_id=participation.campaign_id).first()
    if own is not None:
        return own, None
    earlier = (
        ReportNotes.objects.filter(unit_id=participation.unit_id, campaign__year__lt=participation.campaign.year)
        .select_related("campaign")
        .order_by("-campaign__year", "-updated_at")
        .first()
    )
    if earlier is None:
        return None, None
    return ReportNotes(causes=earlier.causes, agencies=earlier.agencies, measures=earlier.measures), earlier.campaign


def readable(text: str) -> bool:
    """Whether the engine reads a stored target range (one stored before its rule was stricter,
    or by hand, is shown as written but neither evaluated nor printed)."""
    try:
        parse_rank_range(text)
    except DtiError:
        return False
    return True


def _progress(rank: int | None, text: str) -> Progress | None:
    if rank is None or not text or not readable(text):
        return None
    return target_progress(rank, parse_rank_range(text))


def _targets(analysis: UnitAnalysis) -> list[TargetRow]:
    year = analysis.campaign.year
    years = list(range(year, year + TARGET_YEARS))
    saved = {(t.code, t.year): t.ranks for t in Target.objects.filter(unit_id=analysis.participation.unit_id)}
    card = analysis.card
    ranks: dict[str, int | None] = {}
    codes: list[tuple[str, str]] = [(TARGET_CODE_TOTAL, _("Tổng điểm"))]
    if card is not None:
        ranks[TARGET_CODE_TOTAL] = card.row.data["rank"]
        for table in card.group.index_tables:
            ranks[table.code] = next((r["rank"] for r in table.rows if r["unit"] == card.row.data["unit"]), None)
        codes += [(i["code"], i["name"]) for i in card.group.indices]
    else:
        codes += [(i.code, i.name) for i in analysis.participation.group.framework.engine().scored_indices]
    return [
        TargetRow(
            code,
            name,
            ranks.get(code),
            [TargetCell(y, target_field(code, y), saved.get((code, y), "")) for y in years],
            _progress(ranks.get(code), saved.get((code, year), "")),
        )
        for code, name in codes
    ]


def participation_of(campaign_pk: int, unit_pk: int) -> Participation:
    """The unit's participation in the campaign (Http404 when it takes no part)."""
    found = (
        Participation.objects.select_related("unit__unit_type", "campaign__organiser", "group__framework")
        .filter(campaign_id=campaign_pk, unit_id=unit_pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _results_shown(user: Person, participation: Participation) -> Source | None:
    """The results the unit's page may show `user`: the published ones, or a draft for those who
    may see drafts; None otherwise (the notes and targets are still there)."""
    campaign = participation.campaign
    if versions(campaign.pk).exists() or may_see_drafts(user):
        return source(campaign, user)
    return None


def unit_analysis(
    participation: Participation, user: Person, shared: tuple[Source, list[GroupView]] | None = None
) -> UnitAnalysis:
    """Everything on a unit's analysis page. `shared`: the results `user` may see and their group
    views, read once for every unit of a campaign (the reports zip) instead of once a unit."""
    campaign = participation.campaign
    analysis = UnitAnalysis(campaign, participation, shared[0] if shared else _results_shown(user, participation))
    analysis.notes, analysis.notes_from = _notes(participation)
    analysis.years = list(range(campaign.year, campaign.year + TARGET_YEARS))
    if analysis.found is not None:
        _fill_results(analysis, analysis.found.snapshot, shared[1] if shared else group_views(analysis.found.snapshot))
    analysis.targets = _targets(analysis)
    analysis.previous = previous_figures(campaign, participation.unit)
    return analysis


def _fill_results(analysis: UnitAnalysis, snapshot: Snapshot, views: list[GroupView]) -> None:
    """The unit's scorecard, what-if, indicators with points available and radar against its group's mean."""
    name = analysis.participation.unit.name
    for group, view in zip(snapshot["groups"], views, strict=True):
        row = next((r for r in view.rows if r.data["unit"] == name), None)
        if row is None:
            continue
        analysis.card = card = scorecard(view, row)
        framework = group["framework"]
        analysis.whatif = result = what_if(
            standings(group), name, precision=framework["precision"], policy=policy_of(group)
        )
        names = {i["code"]: (i["name"], i["index"]) for i in framework["indicators"]}
        analysis.rooms = [RoomRow(r, *names.get(r.code, ("", ""))) for r in result.rooms if r.available > 0]
        analysis.means = [_mean_share(view, i["code"], i["max"]) for i in main_indices(framework)]
        basis = _("tính theo % điểm cao nhất trong nhóm") if card.index_basis != "max" else _("tính theo % điểm tối đa")
        analysis.radar = radar_svg(
            [(f"{s['code']}. {s['name']}", s["percent"]) for s in card.indices],
            _("Điểm từng chỉ số chính của %(unit)s so với trung bình nhóm, %(basis)s") % {"unit": name, "basis": basis},
            places=view.percent_places,
            against=analysis.means,
            against_label=_("Trung bình nhóm"),
            element_id="radar-don-vi",
        )
        return


def _mean_share(view: GroupView, code: str, maximum: str | None) -> Decimal | None:
    """The group's mean of one index as % of the max (exact shares averaged, then rounded by the
    engine). Where the framework states no maximum, each share is of the group's highest score, as
    the unit's own share on the scorecard is (`results.selectors.scorecard`)."""
    scores = [r.data["indices"].get(code) for r in view.rows]
    known = [d for d in map(dec, scores) if d is not None]
    best = max(known) if known else None
    exact = mean(
        exact_share(score, r.data["index_max"].get(code) or maximum or best)
        for score, r in zip(scores, view.rows, strict=True)
    )
    return None if exact is None else round_half_up(exact, view.percent_places)
