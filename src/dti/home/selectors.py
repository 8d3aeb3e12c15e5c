"""Each person's work, read for the home page: one typed view model, a fixed number of queries.

What a role sees is its to-do list:

- a unit's reporter and leader: each assessment's banner and deadline, the indicators still
  missing data or required evidence (with links), the questions still to answer; the leader also
  what is ready to submit and the explanation ready to send;
- an appraiser: the units assigned, by status, and the answers to re-check;
- the organiser (and the administrator): units not yet submitted, questions waiting to be sent,
  explanations the units owe, the coming deadlines, results approved and not yet published;
- the council chair: campaigns ready for approval, results approved and not yet published;
- a viewer: the latest published results.

The number of queries does not grow with the number of units (tests/home/test_query_counts.py);
a unit's own page work grows only with the assessments it is still filling in (usually one).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field, replace

from django.db.models import Count, Field, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dti.accounts.models import Notification, User
from dti.appraisal.models import ExplanationRequest, Question
from dti.appraisal.pages import HomeRow, home_rows
from dti.assessments.models import UNIT_EDITABLE, Assessment
from dti.assessments.rules import edit_block_reason
from dti.assessments.selectors import (
    OUTCOME_SHOWN,
    Banner,
    Gap,
    assessment_page,
    banner,
    submission_deadline,
)
from dti.assessments.workflow import UNDER_APPRAISAL
from dti.campaigns.models import Campaign, Participation
from dti.core.permissions import Action, can
from dti.core.roles import UNIT_ROLES, Role
from dti.results.models import Publication
from dti.results.outcome import decision_of
from dti.results.public import Decision
from dti.results.selectors import latest_publications

NOT_RUNNING = (Campaign.State.DRAFT, Campaign.State.PUBLISHED)
NOTICES_SHOWN = 5
RESULTS_SHOWN = 10


# ---------------------------------------------------------------- a unit's people


@dataclass(frozen=True)
class UnitTask:
    """One assessment of the person's unit that still needs something (or whose outcome is out)."""

    participation: Participation
    assessment: Assessment | None  # None: not opened yet
    banner: Banner | None
    deadline: datetime.datetime
    incomplete: list[Gap] = field(default_factory=list)  # applicable indicators without data enough to score
    unevidenced: list[Gap] = field(default_factory=list)  # without the required evidence
    questions: list[Question] = field(default_factory=list)  # of the open explanation request, unanswered
    explanation_deadline: datetime.datetime | None = None
    submit_url: str = ""  # the leader may review and submit now
    send_url: str = ""  # the leader may send the explanation now (every question answered)

    @property
    def zero_scored(self) -> int:
        """How many indicators would score 0 if the assessment were sent now."""
        return sum(1 for gap in self.incomplete if gap.scores_zero)


def _unit_participations(unit_id: int) -> list[Participation]:
    requests = Prefetch(
        "assessment__explanation_requests",
        queryset=ExplanationRequest.objects.prefetch_related("questions"),
    )
    return list(
        Participation.objects.filter(unit_id=unit_id)
        .select_related("campaign", "group__framework", "unit__unit_type", "assessment")
        .prefetch_related("assessment__transitions", requests)
        .order_by("-campaign__year", "campaign__name")
    )


def _opened(participation: Participation) -> Assessment | None:
    try:
        return participation.assessment
    except Assessment.DoesNotExist:
        return None


def unit_task(user: User, participation: Participation) -> UnitTask | None:
    """What one of the unit's assessments asks of this person (None: nothing, the campaign is over)."""
    assessment = _opened(participation)
    deadline = submission_deadline(participation)
    if assessment is None:
        if participation.campaign.state in NOT_RUNNING or not participation.may_submit():
            return None
        return UnitTask(participation, None, None, deadline)
    if participation.campaign.state == Campaign.State.PUBLISHED and assessment.status not in OUTCOME_SHOWN:
        return None
    task = UnitTask(participation, assessment, banner(assessment, user), deadline)
    if assessment.status in UNIT_EDITABLE and not edit_block_reason(assessment):
        page = assessment_page(assessment, open_indices=set())
        may_submit = can(user, Action.SUBMIT_ASSESSMENT, assessment)
        submit_url = reverse("assessments:submit", args=[assessment.pk]) if may_submit else ""
        return replace(task, incomplete=page.incomplete, unevidenced=page.unevidenced, submit_url=submit_url)
    request = next(iter(assessment.explanation_requests.all()), None)
    if assessment.status == Assessment.Status.EXPLANATION_REQUESTED and request is not None:
        return _explanation_task(user, task, assessment, request)
    return task


def _explanation_task(user: User, task: UnitTask, assessment: Assessment, request: ExplanationRequest) -> UnitTask:
    """The questions still to answer before the request's deadline; the leader's sending once all are answered."""
    if timezone.now() > request.deadline:
        return task
    unanswered = [q for q in request.questions.all() if not q.answer.strip()]
    ready = not unanswered and can(user, Action.SEND_EXPLANATION, assessment)
    send_url = reverse("explanation:page", args=[assessment.pk]) if ready else ""
    return replace(task, questions=unanswered, explanation_deadline=request.deadline, send_url=send_url)


# ---------------------------------------------------------------- appraisers


@dataclass(frozen=True)
class StatusGroup:
    """The units assigned to an appraiser that are in one status."""

    label: str
    rows: list[HomeRow]


@dataclass(frozen=True)
class Recheck:
    """A unit that sent its answers: the indicators asked about, to appraise again."""

    row: HomeRow
    codes: list[str]


@dataclass(frozen=True)
class AppraiserWork:
    """The units assigned, by status (in the workflow's order), and the answers to re-check."""

    groups: list[StatusGroup]
    rechecks: list[Recheck]


def appraiser_work(user: User) -> AppraiserWork:
    """The appraisal home's rows (three queries), grouped by status; the last round's questions of
    the units that answered (two more)."""
    rows = home_rows(user)
    groups = [
        StatusGroup(str(status.label), [row for row in rows if row.assessment.status == status])
        for status in Assessment.Status
        if any(row.assessment.status == status for row in rows)
    ]
    explained = {row.assessment.pk: row for row in rows if row.assessment.status == Assessment.Status.EXPLAINED}
    asked: dict[int, list[str]] = {}
    answered = ExplanationRequest.objects.filter(assessment_id__in=explained, answered_at__isnull=False)
    for request in answered.prefetch_related("questions").order_by("assessment_id", "-sent_at"):
        asked.setdefault(request.assessment_id, sorted({q.code for q in request.questions.all()}))
    rechecks = [
        Recheck(row, [code for code in asked.get(pk, []) if _covers(row, code)]) for pk, row in explained.items()
    ]
    return AppraiserWork(groups, rechecks)


def _covers(row: HomeRow, code: str) -> bool:
    """Whether the appraiser's main indices on this unit include the indicator `code` (empty: all)."""
    item = row.assessment.framework().item(code)
    return not row.indices or (item is not None and item.index in row.indices)


# ---------------------------------------------------------------- the organiser


@dataclass(frozen=True)
class Drafted:
    """A unit with questions drafted by the appraisers and not yet sent to it."""

    assessment: Assessment
    count: int


@dataclass(frozen=True)
class Upcoming:
    """A coming deadline of a running campaign."""

    campaign: Campaign
    label: str
    when: datetime.date | datetime.datetime


@dataclass(frozen=True)
class Pending:
    """A unit that has not submitted: its status and its deadline (the campaign's, or a reopening's)."""

    participation: Participation
    status: str
    deadline: datetime.datetime

    @property
    def overdue(self) -> bool:
        """The deadline has passed."""
        return timezone.now() > self.deadline


@dataclass(frozen=True)
class OrganiserWork:
    """Units not submitted, questions to send, explanations awaited, coming deadlines."""

    not_submitted: list[Pending]
    drafted: list[Drafted]
    awaited: list[ExplanationRequest]
    deadlines: list[Upcoming]


def organiser_work() -> OrganiserWork:
    """Four queries, whatever the number of units."""
    participations = (
        Participation.objects.exclude(campaign__state__in=NOT_RUNNING)
        .filter(Q(assessment__isnull=True) | Q(assessment__status__in=UNIT_EDITABLE))
        .select_related("campaign", "unit", "assessment")
        .order_by("campaign__name", "unit__name")
    )
    not_submitted = [
        Pending(p, str(a.get_status_display()) if (a := _opened(p)) else _("Chưa bắt đầu"), submission_deadline(p))
        for p in participations
    ]
    unsent = Count("questions", filter=Q(questions__request__isnull=True))  # drafted, not sent with a request
    drafted = [
        Drafted(assessment, assessment.drafts)
        for assessment in Assessment.objects.annotate(drafts=unsent)
        .filter(drafts__gt=0)
        .select_related("participation__unit", "participation__campaign")
        .order_by("participation__campaign__name", "participation__unit__name")
    ]
    awaited = list(
        ExplanationRequest.objects.filter(
            answered_at__isnull=True, assessment__status=Assessment.Status.EXPLANATION_REQUESTED
        )
        .select_related("assessment__participation__unit", "assessment__participation__campaign")
        .order_by("deadline")
    )
    return OrganiserWork(not_submitted, drafted, awaited, upcoming_deadlines())


def upcoming_deadlines(now: datetime.datetime | None = None) -> list[Upcoming]:
    """The deadlines still to come of every running campaign, soonest first (one query)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    out = []
    for campaign in Campaign.objects.exclude(state__in=NOT_RUNNING):
        if campaign.submission_deadline > now:
            out.append(Upcoming(campaign, _label("submission_deadline"), campaign.submission_deadline))
        for name in ("explanation_deadline", "appraisal_deadline", "reappraisal_deadline", "publication_date"):
            day = getattr(campaign, name)
            if day is not None and day >= today:
                out.append(Upcoming(campaign, _label(name), day))
    return sorted(out, key=lambda u: _as_day(u.when))


def _label(name: str) -> str:
    """A campaign deadline's name, as its form labels it."""
    deadline = Campaign._meta.get_field(name)
    assert isinstance(deadline, Field)
    return str(deadline.verbose_name)


def _as_day(when: datetime.date | datetime.datetime) -> datetime.date:
    return timezone.localdate(when) if isinstance(when, datetime.datetime) else when


# ---------------------------------------------------------------- the council chair


@dataclass(frozen=True)
class Readiness:
    """A running campaign as the chair sees it: how many units are appraised, still being appraised."""

    campaign: Campaign
    appraised: int
    in_progress: int

    @property
    def ready(self) -> bool:
        """Every submitted unit is appraised: the council may approve."""
        return self.appraised > 0 and self.in_progress == 0


def readiness() -> list[Readiness]:
    """Every running campaign with units appraised or being appraised (two queries)."""
    counts: Counter[tuple[int, str]] = Counter()
    rows = (
        Assessment.objects.exclude(participation__campaign__state__in=NOT_RUNNING)
        .values_list("participation__campaign_id", "status")
        .annotate(n=Count("id"))
    )
    for campaign_id, status, number in rows:
        counts[(campaign_id, status)] += number
    campaigns = Campaign.objects.filter(pk__in={campaign_id for campaign_id, _status in counts})
    out = []
    for campaign in campaigns.order_by("-year", "name"):
        appraised = counts[(campaign.pk, Assessment.Status.APPRAISED)]
        in_progress = sum(counts[(campaign.pk, status)] for status in UNDER_APPRAISAL)
        if appraised or in_progress:
            out.append(Readiness(campaign, appraised, in_progress))
    return out


@dataclass(frozen=True)
class ToPublish:
    """A campaign whose results are approved and not published yet, with the council's decision."""

    campaign: Campaign
    decision: Decision


def awaiting_publication() -> list[ToPublish]:
    """Campaigns whose results are approved and not published yet (one query)."""
    campaigns = Campaign.objects.filter(approval__isnull=False, publications__isnull=True).select_related("approval")
    return [ToPublish(campaign, decision_of(campaign.approval)) for campaign in campaigns.distinct()]


# ---------------------------------------------------------------- the page


@dataclass(frozen=True)
class HomePage:
    """Everything the home page shows to one person (a section is None when it is not their work)."""

    participations: list[Participation] = field(default_factory=list)  # the unit's, every campaign
    tasks: list[UnitTask] = field(default_factory=list)
    appraisal: AppraiserWork | None = None
    organiser: OrganiserWork | None = None
    readiness: list[Readiness] | None = None
    to_publish: list[ToPublish] | None = None
    results: list[Publication] | None = None
    notices: list[Notification] = field(default_factory=list)


def home_page(user: User) -> HomePage:
    """The person's work, by role."""
    unit_id = user.unit_id if user.role in UNIT_ROLES else None
    participations = _unit_participations(unit_id) if unit_id else []
    tasks = [task for p in participations if (task := unit_task(user, p)) is not None]
    may_publish = can(user, Action.PUBLISH_RESULTS)
    return HomePage(
        participations=participations,
        tasks=tasks,
        appraisal=appraiser_work(user) if user.role == Role.APPRAISER else None,
        organiser=organiser_work() if can(user, Action.MANAGE_APPRAISAL) else None,
        readiness=readiness() if can(user, Action.APPROVE_RESULTS) else None,
        to_publish=awaiting_publication() if may_publish else None,
        results=latest_publications()[:RESULTS_SHOWN] if user.role == Role.VIEWER else None,
        notices=list(Notification.objects.filter(user=user, read_at__isnull=True)[:NOTICES_SHOWN]),
    )
