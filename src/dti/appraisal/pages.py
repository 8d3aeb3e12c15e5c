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
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import quote

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
    appraised_detail,
    group_scores,
    in_scope_codes,
    official_checks,
    review_progress,
    scores_of,
    unfinished,
    unreviewed,
)
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
from dti.campaigns.models import Campaign, CampaignGroup, Participation
from dti.core.listing import Filter, ListQuery, Option
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
    """A campaign being appraised with its units."""

    campaign: Campaign
    rows: list[HomeRow]


@dataclass(frozen=True)
class HomePage:
    """Campaigns being appraised (open or in appraisal) with the submitted units the person sees,
    searched by unit name and filtered by status (`query`): `shown` of `total` units."""

    campaigns: list[HomeCampaign]
    query: ListQuery
    shown: int
    total: int


def home_page(user: User, params: Mapping[str, str] | None = None) -> HomePage:
    """The campaigns being appraised; an appraiser sees only the units given to them; the search
    (`tim`) and status filter (`trang-thai`) of `params` keep some of them.

    Three queries at most, whatever the number of units: the appraiser's assignments, the
    assessments (with their unit, campaign and framework) and their verdicts.
    """
    assessments = (
        Assessment.objects.filter(participation__campaign__state__in=Campaign.RUNNING, status__in=APPRAISED_STATUSES)
        .select_related(*ASSESSMENT_RELATED)
        .prefetch_related("reviews")
        .order_by("participation__campaign__name", "participation__unit__name")
    )
    scope: dict[int, list[str]] = {}
    if not can(user, Action.MANAGE_APPRAISAL) and user.role == Role.APPRAISER:
        scope = {
            assignment.participation_id: assignment.indices
            for assignment in Assignment.objects.filter(appraiser_id=user.pk)
        }
        assessments = assessments.filter(participation_id__in=scope)
    campaigns: dict[int, Campaign] = {}
    rows: dict[int, list[HomeRow]] = {}  # by campaign
    loaded = list(assessments)
    statuses = _status_options({assessment.status for assessment in loaded})
    query = ListQuery.read(params or {}, [Filter("trang-thai", _("Trạng thái"), tuple(statuses))])
    shown = [a for a in loaded if query.keeps(a.participation.unit.name, {"trang-thai": a.status})]
    for assessment in shown:
        participation = assessment.participation
        indices = scope.get(participation.pk) or []
        reviewed, total = review_progress(
            assessment.framework(),
            participation.unit.unit_type.code,
            {review.code for review in assessment.reviews.all()},
            indices or None,
        )
        campaigns.setdefault(participation.campaign_id, participation.campaign)
        rows.setdefault(participation.campaign_id, []).append(HomeRow(assessment, reviewed, total, indices))
    return HomePage(
        [HomeCampaign(campaign, rows[campaign_pk]) for campaign_pk, campaign in campaigns.items()],
        query,
        shown=len(shown),
        total=len(loaded),
    )


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
class CampaignRow:
    """One unit of a ranking group: status, progress, claimed vs appraised points, appraisers."""

    participation: Participation
    assessment: Assessment | None  # None: the unit has not opened its assessment
    scores: UnitScores | None  # None: nothing submitted to appraise
    reviewed: int = 0
    total: int = 0
    adjusted: int = 0  # verdicts that change the claim
    drafts: int = 0  # questions not yet sent to the unit
    assignments: list[Assignment] = field(default_factory=list)
    indices: list[IndexFigures] = field(default_factory=list)
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
    """A ranking group with its main indices and its units."""

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
    """Every unit of a campaign by ranking group, and the assignment form for the organiser.

    The units are searched by name and filtered by status, ranking group and appraiser (`query`):
    `groups` and the assignment form's `participations` hold those shown, `shown` of `total`.
    A campaign whose results were imported from a published table has no units to appraise:
    `groups` is empty and the page says why.
    """

    campaign: Campaign
    groups: list[GroupBlock]
    query: ListQuery
    shown: int
    total: int
    manage: bool  # the person runs the appraisal (assigns, sends explanation requests)
    deadline: DeadlineProposal  # what the explanation-request forms propose
    appraisers: list[User]
    participations: list[Participation]  # the units shown, offered by the assignment form
    index_choices: list[tuple[str, str]]  # (code, name) of every main index of the campaign
    official_url: str
    typed: AssignmentTyped
    errors: Mapping[str, str]


@dataclass(frozen=True)
class _CampaignData:
    """What the rows of every group share: read once for the whole campaign."""

    user: User
    manage: bool
    assignments: Mapping[int, list[Assignment]]  # by participation
    drafts: Mapping[int, int]  # questions not yet sent, by assessment
    refused: RefusedRequest | None
    units_with_accounts: set[int]  # units with an active reporter or leader (read for the organiser only)


NOT_OPENED = "chua-mo"  # the status filter's value for a unit that has not opened its assessment
UNASSIGNED = "chua-phan-cong"  # the appraiser filter's value for a unit nobody is assigned


def _unit_filters(
    participations: list[Participation],
    groups: list[CampaignGroup],
    assignments: Mapping[int, list[Assignment]],
) -> list[Filter]:
    """Status (those the units are in, in the workflow's order), ranking group (when there are
    several) and appraiser (those assigned in the campaign, or nobody)."""
    present = {a.status for p in participations if (a := _assessment_of(p)) is not None}
    statuses = [Option(NOT_OPENED, _("Chưa mở"))] if any(_assessment_of(p) is None for p in participations) else []
    statuses += _status_options(present)
    people = {a.appraiser_id: a.appraiser for rows in assignments.values() for a in rows}
    appraisers = sorted((Option(str(pk), u.display_name) for pk, u in people.items()), key=lambda o: name_key(o.label))
    filters = [Filter("trang-thai", _("Trạng thái"), tuple(statuses))]
    if len(groups) > 1:
        filters.append(Filter("nhom", _("Nhóm xếp hạng"), tuple(Option(str(g.pk), g.name) for g in groups)))
    filters.append(Filter("tham-dinh", _("Người thẩm định"), (*appraisers, Option(UNASSIGNED, _("Chưa phân công")))))
    return filters


def _unit_values(
    participation: Participation, assignments: Mapping[int, list[Assignment]]
) -> dict[str, str | set[str]]:
    """A unit's values under each filter of the campaign page."""
    assessment = _assessment_of(participation)
    appraisers = {str(a.appraiser_id) for a in assignments.get(participation.pk, [])}
    return {
        "trang-thai": assessment.status if assessment is not None else NOT_OPENED,
        "nhom": str(participation.group_id),
        "tham-dinh": appraisers or {UNASSIGNED},
    }


def campaign_page(
    campaign: Campaign,
    user: User,
    *,
    params: Mapping[str, str] | None = None,
    typed: AssignmentTyped | None = None,
    errors: Mapping[str, str] | None = None,
    refused: RefusedRequest | None = None,
) -> CampaignPage:
    """The campaign's appraisal overview with the search and filters of `params` (`tim`,
    `trang-thai`, `nhom`, `tham-dinh`); `typed`/`errors` keep a refused assignment form,
    `refused` an explanation request refused from this page.

    Six queries (four for a person who does not run the appraisal), plus three per ranking group
    shown (its scores), whatever the number of units.
    """
    assignments: dict[int, list[Assignment]] = {}
    for assignment in Assignment.objects.filter(participation__campaign=campaign).select_related("appraiser"):
        assignments.setdefault(assignment.participation_id, []).append(assignment)
    drafts = Counter(
        Question.objects.filter(assessment__participation__campaign=campaign, request__isnull=True).values_list(
            "assessment_id", flat=True
        )
    )
    manage = can(user, Action.MANAGE_APPRAISAL) and not campaign.imported_results  # nothing to run otherwise
    shared = _CampaignData(
        user, manage, assignments, drafts, refused, _units_with_accounts(campaign) if manage else set()
    )
    participations = list(
        campaign.participations.select_related("unit__unit_type", "assessment").order_by("unit__name")
    )
    appraised = [] if campaign.imported_results else list(campaign.groups.select_related("framework").order_by("name"))
    query = ListQuery.read(params or {}, _unit_filters(participations, appraised, assignments))
    shown = [p for p in participations if query.keeps(p.unit.name, _unit_values(p, assignments))]
    groups: list[GroupBlock] = []
    index_choices: dict[str, str] = {}
    for group in appraised:
        framework = group.framework.engine()
        for index in framework.indices:
            index_choices.setdefault(index.code, index.name)
        if query.chosen("nhom") in ("", str(group.pk)):  # the other groups are left out, unscored
            members = [p for p in shown if p.group_id == group.pk]
            groups.append(_group_block(group, framework, members, shared))
    return CampaignPage(
        campaign=campaign,
        groups=groups,
        query=query,
        shown=len(shown),
        total=len(participations),
        manage=manage,
        deadline=explanation_deadline(campaign),
        appraisers=_appraisers() if manage else [],
        participations=shown,
        index_choices=sorted(index_choices.items()),
        official_url=reverse("official:campaign", args=[campaign.pk]),
        typed=typed or AssignmentTyped(),
        errors=errors or {},
    )


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


def _group_block(
    group: CampaignGroup, framework: Framework, participations: list[Participation], shared: _CampaignData
) -> GroupBlock:
    """One ranking group: its units, scored together once for the claim and once for the appraisal."""
    scored = {scores.assessment.pk: scores for scores in group_scores(group)}
    rows = []
    for participation in participations:
        assessment = _assessment_of(participation)
        scores = scored.get(assessment.pk) if assessment is not None else None
        rows.append(_campaign_row(participation, assessment, scores, framework, shared))
    return GroupBlock(group, framework.indices, rows)


def _campaign_row(
    participation: Participation,
    assessment: Assessment | None,
    scores: UnitScores | None,
    framework: Framework,
    shared: _CampaignData,
) -> CampaignRow:
    assignments = shared.assignments.get(participation.pk, [])
    if assessment is None:
        return CampaignRow(participation, None, None, assignments=assignments)
    reviewed, total, adjusted, indices = 0, 0, 0, []
    if scores is not None:
        reviewed, total = review_progress(framework, participation.unit.unit_type.code, scores.reviews)
        adjusted = sum(1 for review in scores.reviews.values() if review.changes)
        indices = [
            IndexFigures(index.code, scores.claimed.indices.get(index.code), scores.appraised.indices.get(index.code))
            for index in framework.indices
        ]
    drafts = shared.drafts.get(assessment.pk, 0)
    refused = shared.refused if shared.refused and shared.refused.assessment_pk == assessment.pk else None
    return CampaignRow(
        participation,
        assessment,
        scores,
        reviewed=reviewed,
        total=total,
        adjusted=adjusted,
        drafts=drafts,
        assignments=assignments,
        indices=indices,
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
    group = group_scores(assessment.participation.group)
    scores = scores_of(assessment, group)
    detail = appraised_detail(scores, group) if scores is not None else None
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
