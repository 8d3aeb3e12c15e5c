"""What the appraisal pages show, assembled from the selectors: one typed view model per page.

`home_page`, `campaign_page` and `workspace` read everything a page needs and hand it back as
frozen dataclasses; the views only parse the request, call a builder or a service and render
`context(page)`. The home and campaign pages read the database a fixed number of times, however
many units the campaign has; a ranking group is scored once per kind (claim, appraised) per page.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dti.accounts.models import User
from dti.appraisal.models import Assignment, ExplanationRequest, Question, Review
from dti.appraisal.selectors import (
    APPRAISED_STATUSES,
    ASSESSMENT_RELATED,
    OfficialCheck,
    UnitScores,
    in_scope_codes,
    official_checks,
    review_progress,
    unfinished,
    unit_scores,
    unreviewed,
)
from dti.appraisal.sorting import SORT, Sorting, query_params, sorted_rows
from dti.appraisal.standing import group_standings
from dti.assessments import workflow
from dti.assessments.models import Assessment, Transition
from dti.assessments.selectors import (
    HistoryRow,
    IndexView,
    IndicatorView,
    InputView,
    assessment_page,
    history_rows,
    page_indices,
    scores_zero,
    shown_value,
)
from dti.audit.models import AuditEntry
from dti.audit.services import history
from dti.campaigns.models import Campaign, CampaignGroup, Participation, Visit
from dti.core.listing import Filter, ListQuery, Option
from dti.core.paging import Pages, page_of
from dti.core.permissions import Action, can
from dti.core.roles import UNIT_ROLES, Role
from dti.engine import Framework, Index, ItemScore, UnitResult, fmt, name_key

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

INDEX_PARAM = "chi-so-chinh"  # the query parameter naming the main index a large workspace opens
EXPLANATION_DAYS = 7  # the explanation window proposed when the campaign sets no deadline ahead
# Moves started here (submitting/explaining are the unit's, approving/publishing the chair's).
TRANSITIONS = ("start_appraisal", "return_to_unit", "request_explanation", "finish_appraisal", "reopen")


def context(page: DataclassInstance) -> dict[str, object]:
    """A view model's fields as the template's context (the objects themselves, not copies)."""
    return {page_field.name: getattr(page, page_field.name) for page_field in dataclasses.fields(page)}


def appraisal_started(assessment: Assessment) -> bool:
    """Whether the unit's appraisal has started (taken up, or further): before it, an "appraised" figure
    would only be the formula on the unit's own data, so none is shown."""
    return assessment.status in APPRAISED_STATUSES and assessment.status != Assessment.Status.SUBMITTED


@dataclass(frozen=True)
class DeadlineProposal:
    """The day the explanation-request form proposes (dd/mm/yyyy) and why that one."""

    day: str
    note: str


def explanation_deadline(campaign: Campaign, today: datetime.date | None = None) -> DeadlineProposal:
    """The campaign's explanation deadline while it is ahead; otherwise EXPLANATION_DAYS from today, saying so."""
    today = today or timezone.localdate()
    own = campaign.explanation_deadline
    if own is not None and own >= today:
        return DeadlineProposal(own.strftime("%d/%m/%Y"), _("Theo hạn giải trình của kỳ đánh giá."))
    day = (today + datetime.timedelta(days=EXPLANATION_DAYS)).strftime("%d/%m/%Y")
    if own is None:
        note = _("Kỳ đánh giá chưa đặt hạn giải trình; đề xuất %(days)d ngày kể từ hôm nay.")
        return DeadlineProposal(day, note % {"days": EXPLANATION_DAYS})
    note = _("Hạn giải trình của kỳ đánh giá (%(day)s) đã qua; đề xuất %(days)d ngày kể từ hôm nay.")
    return DeadlineProposal(day, note % {"day": own.strftime("%d/%m/%Y"), "days": EXPLANATION_DAYS})


# ---------------------------------------------------------------- the appraisal home


@dataclass(frozen=True)
class HomeRow:
    """One unit to appraise: its assessment, how far the appraisal is, the main indices assigned."""

    assessment: Assessment
    reviewed: int
    total: int
    indices: list[str]  # the appraiser's main indices on this unit (empty: all of them)

    @property
    def percent(self) -> int:
        """Progress bar width."""
        return round(100 * self.reviewed / self.total) if self.total else 0


@dataclass(frozen=True)
class HomeCampaign:
    """A campaign being appraised with its units (those of the page shown)."""

    campaign: Campaign
    rows: list[HomeRow]


@dataclass(frozen=True)
class HomePage:
    """Campaigns being appraised (open or in appraisal) with the submitted units the person sees,
    searched by unit name and filtered by status (`query`), sorted (`sorting`), one page of
    them (`paging`): `shown` of `total` units."""

    campaigns: list[HomeCampaign]
    query: ListQuery
    shown: int
    total: int
    sorting: Sorting
    paging: Pages


STATUS_ORDER = {status.value: number for number, status in enumerate(Assessment.Status)}
NAME_SORT = "ten"  # the default sort of both lists: by unit name
PAGE_SIZE = 50  # rows a page of both lists


@dataclass(frozen=True, slots=True)
class _Appraised:
    """A unit being appraised as the home's search, filter and sort read it: every unit is read
    this lightly, the page's units then in full."""

    pk: int  # the assessment's
    campaign_id: int
    name: str
    status: str
    reviewed: int
    total: int
    indices: list[str]  # the appraiser's main indices on this unit (empty: all of them)


def _appraised(user: User) -> list[_Appraised]:
    """Every unit being appraised that `user` sees (an appraiser: those given to them), by campaign
    and unit name, with the appraisal's progress (over the appraiser's main indices, if limited).

    Four queries at most, whatever the number of units: the appraiser's assignments, the
    assessments (their number of verdicts counted by the database), their ranking groups'
    frameworks and, for an appraiser given only some main indices of some units, those units' verdicts.
    """
    assessments = Assessment.objects.filter(
        participation__campaign__state__in=Campaign.RUNNING, status__in=APPRAISED_STATUSES
    ).order_by("participation__campaign__name", "participation__unit__name")
    scope: dict[int, list[str]] = {}
    if not can(user, Action.MANAGE_APPRAISAL) and user.role == Role.APPRAISER:
        scope = {
            assignment.participation_id: assignment.indices
            for assignment in Assignment.objects.filter(appraiser_id=user.pk)
        }
        assessments = assessments.filter(participation_id__in=scope)
    verdicts = Review.objects.filter(assessment=OuterRef("pk")).order_by().values("assessment")
    rows = list(
        assessments.annotate(verdicts=Coalesce(Subquery(verdicts.annotate(n=Count("pk")).values("n")), 0)).values_list(
            "pk",
            "participation_id",
            "participation__campaign_id",
            "participation__group_id",
            "participation__unit__name",
            "participation__unit__unit_type__code",
            "status",
            "verdicts",
        )
    )
    progress = _Progress()
    for group in CampaignGroup.objects.filter(pk__in={row[3] for row in rows}).select_related("framework"):
        progress.framework(group)
    codes: dict[int, set[str]] = {}
    limited = [row[0] for row in rows if scope.get(row[1])]
    if limited:
        for assessment_pk, code in Review.objects.filter(assessment_id__in=limited).values_list(
            "assessment_id", "code"
        ):
            codes.setdefault(assessment_pk, set()).add(code)
    units = []
    for pk, participation_pk, campaign_pk, group_pk, name, unit_type, status, count in rows:
        indices = scope.get(participation_pk) or []
        if indices:
            reviewed, total = review_progress(progress.frameworks[group_pk], unit_type, codes.get(pk, set()), indices)
        else:
            reviewed, total = progress.counted(group_pk, unit_type, count)
        units.append(_Appraised(pk, campaign_pk, name, status, reviewed, total, indices))
    return units


def _home_rows(units: list[_Appraised]) -> list[HomeRow]:
    """The units' rows with their assessments read in full (with the unit, campaign and framework): one query."""
    loaded = Assessment.objects.filter(pk__in=[unit.pk for unit in units]).select_related(*ASSESSMENT_RELATED)
    assessments = {a.pk: a for a in loaded.defer("participation__group__framework__source")}  # parsed by its hash
    return [HomeRow(assessments[unit.pk], unit.reviewed, unit.total, unit.indices) for unit in units]


def home_rows(user: User) -> list[HomeRow]:
    """Every unit being appraised that `user` sees, by campaign and unit name (see `_appraised`):
    five queries at most, whatever the number of units."""
    return _home_rows(_appraised(user))


class _Progress:
    """Appraisal progress of many units: each ranking group's framework parsed and each unit type's
    indicators to appraise counted once."""

    def __init__(self) -> None:
        self.frameworks: dict[int, Framework] = {}  # by ranking group
        self.totals: dict[tuple[int, str], int] = {}  # by ranking group and unit type

    def framework(self, group: CampaignGroup) -> Framework:
        """The group's engine framework (read from `group` the first time)."""
        if group.pk not in self.frameworks:
            self.frameworks[group.pk] = group.framework.engine()
        return self.frameworks[group.pk]

    def counted(self, group_id: int, unit_type: str, verdicts: int) -> tuple[int, int]:
        """(reviewed, to review) of a unit of the group (whose framework must be known) and type with
        `verdicts` verdicts, over the whole framework: a verdict is only given on an indicator to
        appraise, so their number is the reviewed count."""
        key = (group_id, unit_type)
        if key not in self.totals:
            self.totals[key] = review_progress(self.frameworks[group_id], unit_type, ())[1]
        return min(verdicts, self.totals[key]), self.totals[key]


def home_page(user: User, params: Mapping[str, str] | None = None) -> HomePage:
    """The campaigns being appraised; an appraiser sees only the units given to them. Of `params`:
    the search (`tim`), status filter (`trang-thai`), sort (`sap-xep`: name, status or progress)
    and page (`trang`); the units stay grouped by campaign. The queries of `home_rows`: every unit
    is read lightly to be filtered and sorted, the page's units in full."""
    params = params or {}
    units = _appraised(user)
    statuses = _status_options({unit.status for unit in units})
    query = ListQuery.read(params, [Filter("trang-thai", _("Trạng thái"), tuple(statuses))], carry=[SORT])
    shown = [unit for unit in units if query.keeps(unit.name, {"trang-thai": unit.status})]
    labels = {NAME_SORT: _("Đơn vị"), "trang-thai": _("Trạng thái"), "tien-do": _("Tiến độ thẩm định")}
    sorting = Sorting.read(params, labels, NAME_SORT, query_params(query))
    keys: dict[str, Callable[[_Appraised], Any]] = {
        NAME_SORT: lambda unit: name_key(unit.name),
        "trang-thai": lambda unit: STATUS_ORDER[unit.status],
        "tien-do": lambda unit: (unit.reviewed / unit.total if unit.total else 0, unit.reviewed),
    }
    campaign_order = {pk: number for number, pk in enumerate(dict.fromkeys(unit.campaign_id for unit in units))}
    ordered = sorted(sorted_rows(shown, keys, sorting), key=lambda unit: campaign_order[unit.campaign_id])
    page_units, paging = page_of(ordered, params, PAGE_SIZE)
    campaigns: dict[int, HomeCampaign] = {}
    for row in _home_rows(page_units):
        campaign = row.assessment.participation.campaign
        campaigns.setdefault(campaign.pk, HomeCampaign(campaign, [])).rows.append(row)
    return HomePage(list(campaigns.values()), query, len(shown), len(units), sorting, paging)


def _status_options(present: set[str]) -> list[Option]:
    """The status filter's options: the statuses the units are in, in the workflow's order."""
    return [Option(status.value, str(status.label)) for status in Assessment.Status if status.value in present]


# ---------------------------------------------------------------- the campaign page


@dataclass(frozen=True)
class IndexFigures:
    """One main index of a unit on the campaign page: claimed and appraised points."""

    code: str
    claimed: Decimal | None
    appraised: Decimal | None


@dataclass(frozen=True)
class RefusedRequest:
    """An explanation request the services refused on the campaign page: what was typed, why."""

    assessment_pk: int
    typed: Mapping[str, str]
    error: str


@dataclass(frozen=True)
class Totals:
    """A submitted unit's stored figures: claimed and appraised points, in total and by main index;
    how many indicators have a verdict and how many verdicts change the claim."""

    claimed: Decimal | None
    appraised: Decimal | None
    indices: list[IndexFigures]
    verdicts: int
    adjusted: int


@dataclass(frozen=True)
class CampaignRow:
    """One unit of a ranking group: status, progress, claimed vs appraised points, appraisers."""

    participation: Participation
    assessment: Assessment | None  # None: the unit has not opened its assessment
    totals: Totals | None  # None: nothing submitted to appraise
    reviewed: int = 0
    total: int = 0
    adjusted: int = 0  # verdicts that change the claim
    drafts: int = 0  # questions not yet sent to the unit
    assignments: list[Assignment] = field(default_factory=list)
    changed: bool = False  # someone else changed the unit since the person's previous visit
    can_request: bool = False  # the organiser may send the drafted questions from here
    nobody_told: bool = False  # the unit has no active account: a request would reach nobody
    typed: Mapping[str, str] = field(default_factory=dict)  # a refused explanation request, as typed
    error: str = ""

    @property
    def started(self) -> bool:
        """Whether the unit's appraisal has started (before it, there is no appraised figure to show)."""
        return self.assessment is not None and appraisal_started(self.assessment)


@dataclass(frozen=True)
class GroupBlock:
    """A ranking group with its main indices and its units (those of the page shown)."""

    group: CampaignGroup
    indices: tuple[Index, ...]
    rows: list[CampaignRow]


@dataclass(frozen=True)
class AssignmentTyped:
    """The assignment form as the organiser filled it in (empty: a fresh form)."""

    appraiser: str = ""
    units: list[str] = field(default_factory=list)
    indices: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CampaignPage:
    """The units of a campaign by ranking group, one page at a time, and the assignment form.

    The units are searched by name and filtered by status, ranking group, appraiser and change
    since the person's previous visit (`query`), sorted within each group (`sorting`) and cut into
    pages (`paging`): `groups` and the assignment form's `participations` hold the page's units,
    of `shown` units found among `total`. A campaign whose results were imported from a published
    table has no units to appraise: `groups` is empty and the page says why.
    """

    campaign: Campaign
    groups: list[GroupBlock]
    query: ListQuery
    shown: int
    total: int
    sorting: Sorting
    paging: Pages
    seen_at: datetime.datetime | None  # what "changed since" compares with (`visit_mark`)
    manage: bool  # the person runs the appraisal (assigns, sends explanation requests)
    deadline: DeadlineProposal  # what the explanation-request forms propose
    appraisers: list[User]
    participations: list[Participation]  # the page's units, offered by the assignment form
    index_choices: list[tuple[str, str]]  # (code, name) of every main index of the campaign
    official_url: str
    typed: AssignmentTyped
    errors: Mapping[str, str]
    bulk_actions: list[Option]  # the steps the person may take for the units ticked (see `bulk_actions`)
    back: str  # this page's query string, where the forms on it return


@dataclass(frozen=True)
class _CampaignData:
    """What the rows share: read once for the whole campaign."""

    user: User
    manage: bool
    appraisers: Mapping[int, set[int]]  # who is assigned each unit, by participation
    people: Mapping[int, User]  # the appraisers assigned in the campaign, by id
    drafts: Mapping[int, int]  # questions not yet sent, by assessment
    changed: set[int]  # the units someone else changed since the person's previous visit
    refused: RefusedRequest | None
    units_with_accounts: set[int]  # units with an active reporter or leader (read for the organiser only)


@dataclass(frozen=True, slots=True)
class _Unit:
    """A unit of the campaign as the filters and sorts read it: every unit is read this lightly, the
    page's units then in full."""

    pk: int  # the participation's
    group_id: int
    unit_id: int
    name: str
    assessment_pk: int | None  # None: not opened
    status: str
    reviewed: int
    total: int
    adjusted: int

    @property
    def started(self) -> bool:
        """Whether the unit's appraisal has started (see `appraisal_started`)."""
        return self.status in APPRAISED_STATUSES and self.status != Assessment.Status.SUBMITTED


NOT_OPENED = "chua-mo"  # the status filter's value for a unit that has not opened its assessment
UNASSIGNED = "chua-phan-cong"  # the appraiser filter's value for a unit nobody is assigned
CHANGED = "thay-doi"  # the filter of the units changed since the person's previous visit
VISIT_PAGE = "appraisal"  # the campaign page's name among the visits kept
VISIT_GAP = datetime.timedelta(minutes=30)  # longer without looking at the page: the next look is a new visit


def _unit_filters(
    units: list[_Unit],
    groups: list[CampaignGroup],
    people: Mapping[int, User],
    seen_at: datetime.datetime | None,
) -> list[Filter]:
    """Status (those the units are in, in the workflow's order), ranking group (when there are
    several), appraiser (those assigned in the campaign, or nobody) and, once the person has
    looked before, the units changed since."""
    statuses = [Option(NOT_OPENED, _("Chưa mở"))] if any(unit.status == NOT_OPENED for unit in units) else []
    statuses += _status_options({unit.status for unit in units})
    appraisers = sorted((Option(str(pk), u.display_name) for pk, u in people.items()), key=lambda o: name_key(o.label))
    filters = [Filter("trang-thai", _("Trạng thái"), tuple(statuses))]
    if len(groups) > 1:
        filters.append(Filter("nhom", _("Nhóm xếp hạng"), tuple(Option(str(g.pk), g.name) for g in groups)))
    filters.append(Filter("tham-dinh", _("Người thẩm định"), (*appraisers, Option(UNASSIGNED, _("Chưa phân công")))))
    if seen_at is not None:
        when = timezone.localtime(seen_at).strftime("%H:%M %d/%m/%Y")
        label = _("Có thay đổi từ lần xem trước (%(when)s)") % {"when": when}
        filters.append(Filter(CHANGED, _("Thay đổi"), (Option("1", label),)))
    return filters


def _unit_values(unit: _Unit, shared: _CampaignData) -> dict[str, str | set[str]]:
    """A unit's values under each filter of the campaign page."""
    appraisers = {str(pk) for pk in shared.appraisers.get(unit.pk, ())}
    return {
        "trang-thai": unit.status,
        "nhom": str(unit.group_id),
        "tham-dinh": appraisers or {UNASSIGNED},
        CHANGED: "1" if unit.unit_id in shared.changed else "",
    }


def _mark(visit: Visit, now: datetime.datetime) -> datetime.datetime:
    """What "changed since" compares with: the end of the person's previous visit (during the first
    visit, its start). Looks less than VISIT_GAP apart are one visit, so the mark stays put while
    the person pages, sorts and filters."""
    return visit.last_at if now - visit.last_at > VISIT_GAP else visit.seen_at


def visit_mark(campaign: Campaign, user: User, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """The mark the campaign page compares with if `user` looks now (None: they never looked). One
    query, no write: a page read (GET) changes nothing; the page notes the look afterwards (`look`)."""
    visit = Visit.objects.filter(campaign=campaign, user=user, page=VISIT_PAGE).first()
    return _mark(visit, now or timezone.now()) if visit is not None else None


def look(
    campaign: Campaign, user: User, *, everything_seen: bool = False, now: datetime.datetime | None = None
) -> None:
    """Note that `user` looked at the campaign page now (`everything_seen`: and saw every change, so
    the mark moves to now). A mark of reading, not a change of data: not audited."""
    now = now or timezone.now()
    visit, created = Visit.objects.get_or_create(
        campaign=campaign, user=user, page=VISIT_PAGE, defaults={"seen_at": now, "last_at": now}
    )
    if not created:
        visit.seen_at = now if everything_seen else _mark(visit, now)
        visit.last_at = now
        visit.save(update_fields=["seen_at", "last_at"])


def _changed_units(campaign: Campaign, user: User, since: datetime.datetime | None) -> set[int]:
    """The units of the campaign that someone else changed after `since` (from the change log)."""
    if since is None:
        return set()
    changes = AuditEntry.objects.filter(campaign=campaign, created_at__gt=since, unit__isnull=False).exclude(actor=user)
    return set(changes.order_by().values_list("unit_id", flat=True).distinct())


def _appraisers_of(campaign: Campaign) -> tuple[dict[int, set[int]], dict[int, User]]:
    """Who is assigned each unit of the campaign (by participation) and those people (by id): two
    light queries; the page's assignments themselves are read with its units."""
    appraisers: dict[int, set[int]] = {}
    for participation_pk, appraiser_pk in Assignment.objects.filter(participation__campaign=campaign).values_list(
        "participation_id", "appraiser_id"
    ):
        appraisers.setdefault(participation_pk, set()).add(appraiser_pk)
    wanted = set().union(*appraisers.values())
    people = {user.pk: user for user in User.objects.filter(pk__in=wanted).only("username", "full_name")}
    return appraisers, people


def _campaign_data(
    campaign: Campaign, user: User, seen_at: datetime.datetime | None, refused: RefusedRequest | None
) -> _CampaignData:
    """What every row shares, read for the whole campaign: three queries, four for the organiser,
    one more once the person has looked before."""
    drafts = Counter(
        Question.objects.filter(assessment__participation__campaign=campaign, request__isnull=True).values_list(
            "assessment_id", flat=True
        )
    )
    manage = can(user, Action.MANAGE_APPRAISAL) and not campaign.imported_results  # nothing to run otherwise
    appraisers, people = _appraisers_of(campaign)
    return _CampaignData(
        user=user,
        manage=manage,
        appraisers=appraisers,
        people=people,
        drafts=drafts,
        changed=_changed_units(campaign, user, seen_at),
        refused=refused,
        units_with_accounts=_units_with_accounts(campaign) if manage else set(),
    )


def _units(campaign: Campaign, progress: _Progress, totals: Mapping[int, Totals]) -> list[_Unit]:
    """Every unit of the campaign, lightly (one query), by name; the progress of those submitted
    (from their stored figures, `totals` by assessment)."""
    units = []
    for pk, group_id, unit_id, name, unit_type, assessment_pk, status in campaign.participations.order_by(
        "unit__name"
    ).values_list(
        "pk", "group_id", "unit_id", "unit__name", "unit__unit_type__code", "assessment__pk", "assessment__status"
    ):
        figures = totals.get(assessment_pk) if assessment_pk else None
        reviewed, total, adjusted = 0, 0, 0
        if figures is not None and group_id in progress.frameworks:
            reviewed, total = progress.counted(group_id, unit_type, figures.verdicts)
            adjusted = figures.adjusted
        units.append(_Unit(pk, group_id, unit_id, name, assessment_pk, status or NOT_OPENED, reviewed, total, adjusted))
    return units


def campaign_page(
    campaign: Campaign,
    user: User,
    *,
    params: Mapping[str, str] | None = None,
    seen_at: datetime.datetime | None = None,
    typed: AssignmentTyped | None = None,
    errors: Mapping[str, str] | None = None,
    refused: RefusedRequest | None = None,
) -> CampaignPage:
    """The campaign's appraisal overview with the search, filters, sort and page of `params`
    (`tim`, `trang-thai`, `nhom`, `tham-dinh`, `thay-doi`, `sap-xep`, `trang`); `seen_at` is what
    "changed since" compares with (`visit_mark`); `typed`/`errors` keep a refused assignment
    form, `refused` an explanation request refused from this page.

    A fixed number of queries whatever the number of units: every unit read lightly, with the
    stored figures of each ranking group shown (one query a group), to be filtered and sorted;
    then the page's units in full.
    """
    params = params or {}
    shared = _campaign_data(campaign, user, seen_at, refused)
    appraised = [] if campaign.imported_results else list(campaign.groups.select_related("framework").order_by("name"))
    progress = _Progress()
    index_choices = {index.code: index.name for group in appraised for index in progress.framework(group).indices}
    chosen_group = next((str(g.pk) for g in appraised if str(g.pk) == params.get("nhom")), "")
    shown_groups = [group for group in appraised if chosen_group in ("", str(group.pk))]
    totals = {pk: t for group in shown_groups for pk, t in _group_totals(group, progress.framework(group)).items()}
    units = _units(campaign, progress, totals)
    filters = _unit_filters(units, appraised, shared.people, seen_at)
    query = ListQuery.read(params, filters, carry=[SORT])
    searched = bool(query.text)  # a name is folded for the search only when something is searched
    shown = [unit for unit in units if query.keeps(unit.name if searched else "", _unit_values(unit, shared))]
    labels = {
        NAME_SORT: _("Đơn vị"),
        "trang-thai": _("Trạng thái"),
        "tien-do": _("Tiến độ"),
        "tu-danh-gia": _("Tổng tự đánh giá"),
        "sau-tham-dinh": _("Tổng sau thẩm định"),
    }
    sorting = Sorting.read(params, labels, NAME_SORT, query_params(query))
    ordered = _ordered(shown, shown_groups, totals, sorting)
    page_units, paging = page_of(ordered, params, PAGE_SIZE)
    full = {
        participation.pk: participation
        for participation in campaign.participations.filter(pk__in=[unit.pk for unit in page_units])
        .select_related("unit", "assessment")
        .prefetch_related(Prefetch("assignments", Assignment.objects.select_related("appraiser").order_by("pk")))
    }
    found = {unit.group_id for unit in ordered}
    groups = []
    for group in shown_groups:
        members = [unit for unit in page_units if unit.group_id == group.pk]
        if not members and (group.pk in found or paging.number > 1):
            continue  # its units are on other pages; a group without any is shown (empty) on the first
        rows = [_campaign_row(full[unit.pk], unit, totals, shared) for unit in members]
        groups.append(GroupBlock(group, progress.framework(group).indices, rows))
    return CampaignPage(
        campaign=campaign,
        groups=groups,
        query=query,
        shown=len(shown),
        total=len(units),
        sorting=sorting,
        paging=paging,
        seen_at=seen_at,
        manage=shared.manage,
        deadline=explanation_deadline(campaign),
        appraisers=_appraisers() if shared.manage else [],
        participations=[full[unit.pk] for unit in page_units],
        index_choices=sorted(index_choices.items()),
        official_url=reverse("official:campaign", args=[campaign.pk]),
        typed=typed or AssignmentTyped(),
        errors=errors or {},
        bulk_actions=[] if campaign.imported_results else bulk_actions(user),
        back=urlencode([(name, value) for name, value in params.items() if value]),
    )


def bulk_actions(user: User) -> list[Option]:
    """The steps offered for the units ticked on the campaign page: the organiser starts and
    finishes appraisals, an appraiser also accepts the remaining indicators of their units (the
    workflow and the services decide for each unit)."""
    actions = []
    if can(user, Action.MANAGE_APPRAISAL) or user.role == Role.APPRAISER:
        actions += [
            Option("start_appraisal", _("Bắt đầu thẩm định")),
            Option("finish_appraisal", _("Kết thúc thẩm định")),
        ]
    if user.role == Role.APPRAISER:
        actions.append(Option("accept_remaining", _("Chấp nhận các chỉ số còn lại")))
    return actions


def _ordered(
    units: list[_Unit],
    groups: list[CampaignGroup],
    totals: Mapping[int, Totals],
    sorting: Sorting,
) -> list[_Unit]:
    """The units by ranking group, each group's by the sort column (the units without the figure
    sorted as the lowest); the units of the groups left out are dropped."""
    order = {group.pk: number for number, group in enumerate(groups)}

    def total(unit: _Unit, appraised: bool) -> tuple[bool, Decimal]:
        found = totals.get(unit.assessment_pk) if unit.assessment_pk else None
        if found is None:
            value = None
        elif appraised:
            value = found.appraised if unit.started else None
        else:
            value = found.claimed
        return value is not None, value if value is not None else Decimal(0)

    keys: dict[str, Callable[[_Unit], Any]] = {
        NAME_SORT: lambda unit: name_key(unit.name),
        "trang-thai": lambda unit: STATUS_ORDER.get(unit.status, -1),
        "tien-do": lambda unit: (unit.reviewed / unit.total if unit.total else 0, unit.reviewed),
        "tu-danh-gia": lambda unit: total(unit, appraised=False),
        "sau-tham-dinh": lambda unit: total(unit, appraised=True),
    }
    kept = [unit for unit in units if unit.group_id in order]
    return sorted(sorted_rows(kept, keys, sorting), key=lambda unit: order[unit.group_id])


def _group_totals(group: CampaignGroup, framework: Framework) -> Mapping[int, Totals]:
    """Each submitted unit's stored figures in the group, by assessment (`group_standings`: one
    query while no member's data changed)."""
    totals = {}
    for scores in group_standings(group):
        claimed, appraised = scores.claimed, scores.appraised
        indices = [
            IndexFigures(index.code, claimed.indices.get(index.code), appraised.indices.get(index.code))
            for index in framework.indices
        ]
        totals[scores.assessment_id] = Totals(
            claimed.total, appraised.total, indices, len(scores.reviewed), scores.adjusted
        )
    return totals


def _units_with_accounts(campaign: Campaign) -> set[int]:
    """The campaign's units with an active reporter or leader: those an explanation request reaches."""
    people = User.objects.filter(
        unit__participations__campaign=campaign, role__in=UNIT_ROLES, is_active=True
    ).values_list("unit_id", flat=True)
    return {unit_pk for unit_pk in people if unit_pk is not None}


def _appraisers() -> list[User]:
    """The active appraisers, for the assignment form."""
    return list(User.objects.filter(role=Role.APPRAISER, is_active=True).order_by("full_name", "username"))


def _assessment_of(participation: Participation) -> Assessment | None:
    """The unit's assessment, read with the participation (None: not opened yet)."""
    try:
        return participation.assessment
    except Assessment.DoesNotExist:
        return None


def _campaign_row(
    participation: Participation, unit: _Unit, totals: Mapping[int, Totals], shared: _CampaignData
) -> CampaignRow:
    """A unit's row on the page: its points (none before it submitted) and what the organiser may do."""
    assignments = list(participation.assignments.all())
    assessment = _assessment_of(participation)
    changed = participation.unit_id in shared.changed
    if assessment is None:
        return CampaignRow(participation, None, None, assignments=assignments, changed=changed)
    drafts = shared.drafts.get(assessment.pk, 0)
    refused = shared.refused if shared.refused and shared.refused.assessment_pk == assessment.pk else None
    return CampaignRow(
        participation,
        assessment,
        totals.get(assessment.pk),
        reviewed=unit.reviewed,
        total=unit.total,
        adjusted=unit.adjusted,
        drafts=drafts,
        assignments=assignments,
        changed=changed,
        can_request=shared.manage and drafts > 0 and workflow.may(shared.user, "request_explanation", assessment),
        nobody_told=shared.manage and participation.unit_id not in shared.units_with_accounts,
        typed=refused.typed if refused else {},
        error=refused.error if refused else "",
    )


# ---------------------------------------------------------------- the unit workspace


@dataclass(frozen=True)
class Refused:
    """A form the services refused, shown again with what the person typed.

    `code` names the indicator whose verdict or question it was (None: a unit-level move, whose
    message is in `move_errors` under the move's name); `conflict` is the verdict someone else
    saved when this person's save was refused as stale.
    """

    code: str | None = None
    typed: Mapping[str, str] | None = None
    errors: Mapping[str, str] = field(default_factory=dict)
    conflict: Review | None = None
    move_errors: Mapping[str, str] = field(default_factory=dict)

    def typed_on(self, code: str) -> Mapping[str, str] | None:
        """What was typed in the refused form of indicator `code` (None: not that indicator's)."""
        return self.typed if self.code == code else None


NOTHING_REFUSED = Refused()


@dataclass(frozen=True)
class ReviewRow:
    """One indicator on the workspace: the unit's side, the formula, the verdict, the talk about it."""

    view: IndicatorView
    claimed: ItemScore | None
    appraised: ItemScore | None
    review: Review | None
    editable: bool
    form: list[InputView]
    score_value: str
    na_value: str
    reason_value: str
    errors: Mapping[str, str]
    questions: list[Question]
    history: list[HistoryRow]
    checks: list[OfficialCheck]
    conflict: Review | None = None
    question_value: str = ""

    @property
    def differs(self) -> bool:
        """An official figure differs from the unit's value."""
        return any(check.differs for check in self.checks)

    @property
    def version(self) -> int:
        """The verdict's version when the page was built (0: none yet)."""
        return self.review.version if self.review else 0


@dataclass(frozen=True)
class IndexBlock:
    """One main index on the workspace: its points before and after appraisal, its indicators."""

    view: IndexView
    diff: Decimal | None  # appraised minus claimed
    rows: list[ReviewRow]
    editable: bool  # the person may appraise this index now
    claimed: Decimal | None
    appraised: Decimal | None
    url: str  # the workspace opened on this index


@dataclass(frozen=True)
class TransitionRow:
    """One step of the assessment's workflow, its statuses by label."""

    transition: Transition
    old: str
    new: str


@dataclass(frozen=True)
class Workspace:
    """The whole workspace of one unit (one main index at a time for a large framework)."""

    assessment: Assessment
    campaign: Campaign
    scores: UnitScores | None  # None: nothing submitted to appraise
    indices: list[IndexBlock]
    lazy: bool  # only one index is shown in full; the others are links
    moves: Mapping[str, bool]  # which transitions to offer this person now
    can_accept_remaining: bool
    remaining: int  # indicators "accept the remaining" would accept
    remaining_without_data: int  # of those, how many have no data and score 0
    scope: set[str] | None  # the appraiser's main indices (None: all of them; empty: not an appraiser here)
    problems: list[str]  # what stands between the appraisal and its end
    adjustments: list[Review]  # every verdict that changed the claim
    transitions: list[TransitionRow]
    requests: list[ExplanationRequest]
    typed: Mapping[str, str]  # a refused unit-level move, as typed
    move_errors: Mapping[str, str]
    started: bool  # the appraisal has started: the appraised total means something
    deadline: DeadlineProposal  # what the explanation-request form proposes
    nobody_told: bool  # the unit has no active account: an explanation request would reach nobody


@dataclass(frozen=True)
class _IndicatorNotes:
    """What the workspace shows beside each indicator, read once for the whole unit."""

    reviews: Mapping[str, Review]
    questions: Mapping[str, list[Question]]
    audit: Mapping[str, list[AuditEntry]]
    checks: Mapping[str, list[OfficialCheck]]


@dataclass(frozen=True)
class _VerdictValues:
    """The verdict form's fields: what was typed in a refused form, otherwise the saved verdict."""

    score: str
    na_decision: str
    reason: str
    question: str
    errors: Mapping[str, str]


def workspace(
    assessment: Assessment, user: User, *, wanted_index: str | None = None, refused: Refused = NOTHING_REFUSED
) -> Workspace:
    """The workspace of one unit for `user`; `wanted_index` is the main index to open on a large
    framework (by default the one of the refused form's indicator, or the first)."""
    framework = assessment.framework()
    refused_item = framework.item(refused.code) if refused.code else None
    opened = page_indices(assessment, wanted_index or (refused_item.index if refused_item else None))
    page = assessment_page(assessment, open_indices=opened)
    scores = unit_scores(assessment) if assessment.status in APPRAISED_STATUSES else None
    detail = scores.appraised if scores is not None else None  # with its traces
    shown_codes = [view.item.code for index_view in page.indices for view in index_view.indicators]
    notes = _indicator_notes(assessment, shown_codes)
    working = assessment.status in workflow.APPRAISING or assessment.status == Assessment.Status.SUBMITTED
    indices = [
        _index_block(assessment, index_view, scores, detail, notes, refused, user, working)
        for index_view in page.indices
    ]
    moves = {name: workflow.may(user, name, assessment) for name in TRANSITIONS}
    may_appraise = can(user, Action.APPRAISE, assessment)
    remaining = unreviewed(assessment, user) if may_appraise and working and detail is not None else []
    return Workspace(
        assessment=assessment,
        campaign=assessment.participation.campaign,
        scores=scores,
        indices=indices,
        lazy=opened is not None,
        moves=moves,
        can_accept_remaining=may_appraise and working,
        remaining=len(remaining),
        remaining_without_data=sum(1 for code in remaining if detail is not None and scores_zero(detail.items[code])),
        scope=in_scope_codes(user, assessment) if may_appraise else set(),
        problems=unfinished(assessment) if moves["finish_appraisal"] else [],
        adjustments=[review for review in notes.reviews.values() if review.changes] if scores else [],
        transitions=_transition_rows(assessment),
        requests=list(assessment.explanation_requests.all()),
        typed=(refused.typed or {}) if refused.code is None else {},
        move_errors=refused.move_errors,
        started=appraisal_started(assessment),
        deadline=explanation_deadline(assessment.participation.campaign),
        nobody_told=moves["request_explanation"] and not workflow.unit_people(assessment).exists(),
    )


def _indicator_notes(assessment: Assessment, shown_codes: list[str]) -> _IndicatorNotes:
    """Verdicts, questions, official figures of the unit; the audit history of the indicators shown."""
    questions: dict[str, list[Question]] = {}
    for question in assessment.questions.select_related("asked_by", "answered_by", "request"):
        questions.setdefault(question.code, []).append(question)
    audit: dict[str, list[AuditEntry]] = {}
    for entry in history(assessment).filter(code__in=shown_codes).order_by("-created_at", "-id"):
        audit.setdefault(entry.code, []).append(entry)
    return _IndicatorNotes(
        reviews={review.code: review for review in assessment.reviews.select_related("by")},
        questions=questions,
        audit=audit,
        checks=official_checks(assessment),
    )


def _index_block(
    assessment: Assessment,
    index_view: IndexView,
    scores: UnitScores | None,
    detail: UnitResult | None,
    notes: _IndicatorNotes,
    refused: Refused,
    user: User,
    working: bool,
) -> IndexBlock:
    code = index_view.index.code
    editable = working and can(user, Action.APPRAISE, assessment, code)
    rows = [_review_row(assessment, view, scores, detail, notes, refused, editable) for view in index_view.indicators]
    claimed = scores.claimed.indices.get(code) if scores else None
    appraised = scores.appraised.indices.get(code) if scores else None
    return IndexBlock(
        view=index_view,
        diff=appraised - claimed if claimed is not None and appraised is not None else None,
        rows=rows,
        editable=editable,
        claimed=claimed,
        appraised=appraised,
        url=reverse("appraisal:unit", args=[assessment.pk]) + f"?{INDEX_PARAM}={quote(code)}",
    )


def _review_row(
    assessment: Assessment,
    view: IndicatorView,
    scores: UnitScores | None,
    detail: UnitResult | None,
    notes: _IndicatorNotes,
    refused: Refused,
    editable: bool,
) -> ReviewRow:
    code = view.item.code
    review = notes.reviews.get(code)
    typed = refused.typed_on(code)
    values = _verdict_values(review, typed, refused.errors)
    return ReviewRow(
        view=view,
        claimed=scores.claimed.items.get(code) if scores else None,
        appraised=detail.items.get(code) if detail else None,
        review=review,
        editable=editable,
        form=_verdict_inputs(view, review, typed, values.errors),
        score_value=values.score,
        na_value=values.na_decision,
        reason_value=values.reason,
        errors=values.errors,
        questions=notes.questions.get(code, []),
        history=history_rows(assessment, code, notes.audit.get(code, [])),
        checks=notes.checks.get(code, []),
        conflict=refused.conflict if refused.conflict is not None and refused.conflict.code == code else None,
        question_value=values.question,
    )


def _verdict_values(
    review: Review | None, typed: Mapping[str, str] | None, errors: Mapping[str, str]
) -> _VerdictValues:
    if typed is not None:
        return _VerdictValues(
            score=typed.get("score", ""),
            na_decision=typed.get("na_decision", ""),
            reason=typed.get("reason", ""),
            question=typed.get("text", ""),
            errors=dict(errors),
        )
    if review is None:
        return _VerdictValues(score="", na_decision="", reason="", question="", errors={})
    return _VerdictValues(
        score=fmt(review.score.normalize()) if review.score is not None else "",
        na_decision=review.na_decision,
        reason=review.reason,
        question="",
        errors={},
    )


def _verdict_inputs(
    view: IndicatorView, review: Review | None, typed: Mapping[str, str] | None, errors: Mapping[str, str]
) -> list[InputView]:
    """The inputs an appraiser may correct: as typed in a refused form, else as corrected, else as claimed."""
    own_inputs = [input_field for input_field in view.item.inputs if not input_field.source]
    if typed is not None:
        return [
            InputView(input_field, typed.get(input_field.name, ""), errors.get(input_field.name, ""))
            for input_field in own_inputs
        ]
    corrected = review.values if review else {}
    claimed = view.entry.values if view.entry else {}
    return [
        InputView(input_field, shown_value(input_field, corrected.get(input_field.name, claimed.get(input_field.name))))
        for input_field in own_inputs
    ]


def _transition_rows(assessment: Assessment) -> list[TransitionRow]:
    """The last 20 workflow steps, newest first."""
    labels = Assessment.Status
    return [
        TransitionRow(
            transition,
            str(labels(transition.old).label) if transition.old in labels.values else transition.old,
            str(labels(transition.new).label),
        )
        for transition in assessment.transitions.select_related("by").order_by("-id")[:20]
    ]
