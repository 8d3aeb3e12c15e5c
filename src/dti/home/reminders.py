"""Reminders before each deadline, sent by `dti remind` (run daily from cron or a systemd timer).

Four deadlines, each about one unit:

- submission: the unit has not submitted yet and still may (the campaign's deadline, or the later
  one it was reopened until); its reporters and leaders are reminded;
- explanation: an explanation request the unit has not answered; its reporters and leaders;
- appraisal: the campaign's appraisal deadline, for a unit submitted but not appraised yet; its
  assigned appraisers, one message each listing their units;
- re-appraisal: the campaign's re-appraisal deadline, for a unit that answered or was reopened;
  its assigned appraisers, likewise.

A reminder goes out once the deadline is at most `days` days away and not passed. A `Reminder`
row (unique per unit, kind and deadline) is written with it, in the same transaction, so that a
second run the same day sends nothing; a deadline that moves is a new deadline and is reminded
again. Notices go through `notify()`: on the person's page and by e-mail.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dti.accounts.models import User
from dti.accounts.notifications import notify
from dti.appraisal.models import Assignment, ExplanationRequest
from dti.assessments.models import Assessment
from dti.assessments.selectors import submission_deadline
from dti.assessments.workflow import unit_people
from dti.campaigns.models import Campaign, Participation
from dti.core.templatetags.vn import ngay
from dti.home.models import Reminder

DAYS_BEFORE = 3  # remind when a deadline is this many days away or less
NOT_RUNNING = (Campaign.State.DRAFT, Campaign.State.PUBLISHED)
# Whose appraisal a campaign deadline is about: (kind, the campaign's date field, the statuses).
APPRAISAL_DEADLINES = (
    (Reminder.Kind.APPRAISAL, "appraisal_deadline", (Assessment.Status.SUBMITTED, Assessment.Status.IN_APPRAISAL)),
    (Reminder.Kind.REAPPRAISAL, "reappraisal_deadline", (Assessment.Status.EXPLAINED, Assessment.Status.REOPENED)),
)


@dataclass(frozen=True)
class Due:
    """A reminder to send: about which unit, which deadline, to whom, saying what, linking where."""

    participation: Participation
    kind: str
    deadline: datetime.datetime
    people: list[User]
    text: str = ""
    url: str = ""


def send_reminders(*, now: datetime.datetime | None = None, days: int = DAYS_BEFORE) -> list[Due]:
    """Send every reminder due and not sent yet; returns them (empty: nothing to send)."""
    now = now or timezone.now()
    until = now + datetime.timedelta(days=days)
    sent = []
    for due in _unit_deadlines(now, until):
        with transaction.atomic():
            if _record(due):
                notify(due.people, due.text, url=due.url)
                sent.append(due)
    with transaction.atomic():
        batches: dict[tuple[User, str, datetime.datetime, Campaign], list[Due]] = {}
        for due in _appraisal_deadlines(now, until):
            if _record(due):
                sent.append(due)
                for person in due.people:
                    key = (person, due.kind, due.deadline, due.participation.campaign)
                    batches.setdefault(key, []).append(due)
        for (person, kind, deadline, campaign), dues in batches.items():
            _remind_appraiser(person, kind, deadline, campaign, dues)
    return sent


def _record(due: Due) -> bool:
    """Write the reminder's row; False when it was sent before (by an earlier run)."""
    _reminder, created = Reminder.objects.get_or_create(
        participation=due.participation,
        kind=due.kind,
        deadline=due.deadline,
        defaults={"recipients": len(due.people)},
    )
    return created


def _within(deadline: datetime.datetime, now: datetime.datetime, until: datetime.datetime) -> bool:
    return now < deadline <= until


def _unit_deadlines(now: datetime.datetime, until: datetime.datetime) -> Iterator[Due]:
    """Submissions and explanations due soon, each for the unit's own people."""
    participations = (
        Participation.objects.exclude(campaign__state__in=NOT_RUNNING)
        .select_related("campaign", "unit", "assessment")
        .order_by("campaign_id", "unit__name")
    )
    for participation in participations:
        assessment = getattr(participation, "assessment", None)
        if assessment is not None and assessment.status != Assessment.Status.DRAFT:
            continue
        deadline = submission_deadline(participation)
        if not (_within(deadline, now, until) and participation.may_submit(now)):
            continue
        people = list(unit_people(assessment or Assessment(participation=participation)))
        if people:
            text = _("Nhắc hạn: %(unit)s cần gửi bản tự đánh giá (%(campaign)s) trước %(deadline)s.") % {
                "unit": participation.unit,
                "campaign": participation.campaign,
                "deadline": ngay(deadline),
            }
            url = reverse("assessments:open", args=[participation.pk])
            yield Due(participation, Reminder.Kind.SUBMISSION, deadline, people, text, url)
    requests = ExplanationRequest.objects.filter(
        answered_at__isnull=True,
        assessment__status=Assessment.Status.EXPLANATION_REQUESTED,
        deadline__gt=now,
        deadline__lte=until,
    ).select_related("assessment__participation__unit", "assessment__participation__campaign")
    for request in requests:
        assessment = request.assessment
        people = list(unit_people(assessment))
        if people:
            text = _("Nhắc hạn: %(unit)s cần gửi giải trình trước %(deadline)s.") % {
                "unit": assessment.participation.unit,
                "deadline": ngay(request.deadline),
            }
            url = reverse("explanation:page", args=[assessment.pk])
            yield Due(assessment.participation, Reminder.Kind.EXPLANATION, request.deadline, people, text, url)


def _end_of(day: datetime.date) -> datetime.datetime:
    """A deadline given as a day: the end of that day, Vietnam time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))


def _appraisal_deadlines(now: datetime.datetime, until: datetime.datetime) -> Iterator[Due]:
    """Units whose (re-)appraisal is due soon, each for its assigned appraisers."""
    for kind, field, statuses in APPRAISAL_DEADLINES:
        window = {f"participation__campaign__{field}__range": (timezone.localdate(now), timezone.localdate(until))}
        assessments = list(
            Assessment.objects.filter(status__in=statuses, **window)
            .exclude(participation__campaign__state__in=NOT_RUNNING)
            .select_related("participation__unit", "participation__campaign")
            .order_by("participation__unit__name")
        )
        appraisers: dict[int, list[User]] = {}
        assignments = Assignment.objects.filter(
            participation_id__in=[a.participation_id for a in assessments], appraiser__is_active=True
        ).select_related("appraiser")
        for assignment in assignments:
            appraisers.setdefault(assignment.participation_id, []).append(assignment.appraiser)
        for assessment in assessments:
            deadline = _end_of(getattr(assessment.participation.campaign, field))
            people = appraisers.get(assessment.participation_id, [])
            if people and _within(deadline, now, until):
                yield Due(assessment.participation, kind, deadline, people)


def _remind_appraiser(
    person: User, kind: str, deadline: datetime.datetime, campaign: Campaign, dues: list[Due]
) -> None:
    """One message to an appraiser for one deadline, listing the units still to (re-)appraise."""
    values = {
        "deadline": ngay(timezone.localdate(deadline)),
        "campaign": campaign,
        "units": ", ".join(str(due.participation.unit) for due in dues),
    }
    if kind == Reminder.Kind.APPRAISAL:
        text = _("Nhắc hạn thẩm định %(deadline)s (%(campaign)s): chưa thẩm định xong %(units)s.") % values
    else:
        text = _("Nhắc hạn phúc tra %(deadline)s (%(campaign)s): cần thẩm định lại %(units)s.") % values
    notify([person], text, url=reverse("appraisal:campaign", args=[campaign.pk]))
