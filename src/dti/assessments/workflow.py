"""The assessment state machine: one function per transition, the only code that changes a status.

    draft ─submit→ submitted ─start_appraisal→ in appraisal ─request_explanation→ explanation
    requested ─send_explanation→ explained ─finish_appraisal→ appraised ─approve→ approved
    ─publish→ published; in appraisal ─finish_appraisal→ appraised directly when nothing needs
    explaining; submitted / in appraisal ─return_to_unit→ returned ─submit→ submitted;
    appraised / approved ─reopen→ reopened (appraised again like "in appraisal").

Every function checks the person's permission (`WHO`, through `require_move`) and the current
status under a row lock, and writes a Transition and an audit entry in the same transaction; an
illegal step raises ServiceError with a message saying what the status is and what is possible
from it. The pages offer a move with `may`, which reads the same two tables.

The table of legal moves (`MOVES`) and `move()`, which applies one, live here with the
assessment. The transitions of the explanation round and the end of appraisal need the
appraisal app's questions and verdicts, so they live there and call `move()`:
`dti.appraisal.explanation.request_explanation` / `send_explanation` and
`dti.appraisal.services.finish_appraisal`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dti.accounts.models import User
from dti.accounts.notifications import notify
from dti.assessments.models import UNIT_EDITABLE, Assessment, Transition
from dti.assessments.rules import edit_block_reason
from dti.assessments.signals import scores_changed
from dti.audit.services import record_many
from dti.audit.services import row as audit_row
from dti.core.errors import ServiceError
from dti.core.permissions import GENERAL_MESSAGE, MESSAGES, Action, can, require
from dti.core.roles import UNIT_ROLES, Role

if TYPE_CHECKING:
    from django.db.models import QuerySet

Status = Assessment.Status

# The legal moves: transition name → (from, to). Views show buttons from this table.
MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": ((Status.DRAFT, Status.RETURNED), Status.SUBMITTED),
    "start_appraisal": ((Status.SUBMITTED,), Status.IN_APPRAISAL),
    "return_to_unit": ((Status.SUBMITTED, Status.IN_APPRAISAL), Status.RETURNED),
    "request_explanation": ((Status.IN_APPRAISAL, Status.REOPENED), Status.EXPLANATION_REQUESTED),
    "send_explanation": ((Status.EXPLANATION_REQUESTED,), Status.EXPLAINED),
    "finish_appraisal": ((Status.IN_APPRAISAL, Status.EXPLAINED, Status.REOPENED), Status.APPRAISED),
    "reopen": ((Status.APPRAISED, Status.APPROVED), Status.REOPENED),
    "approve": ((Status.APPRAISED,), Status.APPROVED),
    "publish": ((Status.APPROVED,), Status.PUBLISHED),
}
# Who may make each move: any one of these permissions on the assessment.
WHO: dict[str, tuple[Action, ...]] = {
    "submit": (Action.SUBMIT_ASSESSMENT,),
    "start_appraisal": (Action.MANAGE_APPRAISAL, Action.APPRAISE),
    "return_to_unit": (Action.MANAGE_APPRAISAL, Action.APPRAISE),
    "request_explanation": (Action.MANAGE_APPRAISAL,),
    "send_explanation": (Action.SEND_EXPLANATION,),
    "finish_appraisal": (Action.MANAGE_APPRAISAL, Action.APPRAISE),
    "reopen": (Action.MANAGE_APPRAISAL,),
    "approve": (Action.APPROVE_RESULTS,),
    "publish": (Action.PUBLISH_RESULTS,),
}
PARTICIPATION = Assessment._meta.get_field("participation")
# Statuses in which appraisers work on the indicators.
APPRAISING = (Status.IN_APPRAISAL, Status.EXPLAINED, Status.REOPENED)
# Statuses of a submitted unit whose appraisal is not finished (the council's approval waits for them).
UNDER_APPRAISAL = (
    Status.SUBMITTED,
    Status.IN_APPRAISAL,
    Status.EXPLANATION_REQUESTED,
    Status.EXPLAINED,
    Status.REOPENED,
)


def _status_label(status: str) -> str:
    return str(Status(status).label)


def illegal_message(assessment: Assessment, name: str) -> str:
    """Why transition `name` is not possible from the assessment's current status."""
    sources, target = MOVES[name]
    return _(
        "Không thể chuyển bản đánh giá của %(unit)s sang “%(target)s”: bản đang ở trạng thái “%(current)s” "
        "(chỉ chuyển được từ %(sources)s)."
    ) % {
        "unit": assessment.participation.unit,
        "target": _status_label(target),
        "current": _status_label(assessment.status),
        "sources": ", ".join(f"“{_status_label(s)}”" for s in sources),
    }


def move(assessment: Assessment, name: str, *, by: User, comment: str = "", **fields: object) -> Assessment:
    """Apply transition `name` to one assessment (see `move_many`)."""
    return move_many([assessment], name, by=by, comment=comment, fields=fields)[0]


def move_many(
    assessments: Sequence[Assessment],
    name: str,
    *,
    by: User,
    comment: str = "",
    check: Callable[[Assessment], None] | None = None,
    fields: Mapping[str, object] | None = None,
) -> list[Assessment]:
    """Apply transition `name` to every assessment at once, or to none: a constant number of queries.

    The rows are locked and read again (with their unit and campaign); one unit the person may not move
    (PermissionDenied) or whose status does not allow the move (ServiceError), or that `check` refuses,
    refuses the whole batch, naming the unit. Then one
    update, one insert of Transitions and one of audit entries (the same detail as one move at a time).
    A move into or out of the unit's own statuses (submit, return) changes the scored set: the stored
    results hear it through `scores_changed`. The objects passed in are given their new status.
    """
    sources, target = MOVES[name]
    fields = fields or {}
    if not assessments:
        return []
    with transaction.atomic():
        locked = {
            a.pk: a
            for a in Assessment.objects.select_for_update(of=("self",))
            .select_related("participation__unit", "participation__campaign")
            .filter(pk__in=[a.pk for a in assessments])
            .order_by("pk")  # rows locked in one order: two batches never wait for each other
        }
        batch = [locked[a.pk] for a in assessments]
        for assessment, current in zip(assessments, batch, strict=True):
            if not _permitted(by, name, current):
                denied = str(MESSAGES.get(WHO[name][-1], GENERAL_MESSAGE))
                raise PermissionDenied(
                    _("%(unit)s: %(reason)s") % {"unit": current.participation.unit, "reason": denied}
                )
            if current.status not in sources:
                assessment.status = current.status
                raise ServiceError(illegal_message(current, name))
            if check is not None:
                check(current)
        Assessment.objects.filter(pk__in=locked).update(status=target, **fields)
        Transition.objects.bulk_create(
            Transition(assessment=current, old=current.status, new=target, by=by, comment=comment) for current in batch
        )
        record_many(
            audit_row(
                actor=by,
                action=f"assessment.{name}",
                obj=current,
                campaign=current.participation.campaign,
                unit=current.participation.unit,
                field="status",
                old=current.status,
                new=target,
                comment=comment,
            )
            for current in batch
        )
        if any((current.status in UNIT_EDITABLE) != (target in UNIT_EDITABLE) for current in batch):
            scores_changed.send(sender=Assessment, assessment_ids=list(locked))
    for assessment, current in zip(assessments, batch, strict=True):
        assessment.status = target
        for key, value in fields.items():
            setattr(assessment, key, value)
        if not PARTICIPATION.is_cached(assessment):
            assessment.participation = current.participation
    return list(assessments)


def _required(comment: str, what: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ServiceError(_("Cần nêu %(what)s.") % {"what": what})
    return comment


def _permitted(user: User, name: str, assessment: Assessment) -> bool:
    return any(can(user, action, assessment) for action in WHO[name])


def may(user: User, name: str, assessment: Assessment) -> bool:
    """Whether to offer move `name` to `user` now: the person may make it and the status allows it."""
    return assessment.status in MOVES[name][0] and _permitted(user, name, assessment)


def require_move(user: User, name: str, assessment: Assessment) -> None:
    """Raise PermissionDenied unless `user` may make move `name` (with the message of its last permission)."""
    if not _permitted(user, name, assessment):
        require(user, WHO[name][-1], assessment)


def require_campaign_appraising(assessment: Assessment) -> None:
    campaign = assessment.participation.campaign
    if not campaign.running():
        message = _("Kỳ đánh giá đang ở trạng thái “%(state)s”, không thẩm định được.")
        raise ServiceError(message % {"state": campaign.get_state_display()})


def unit_people(assessment: Assessment) -> QuerySet[User]:
    """The unit's active reporters and leaders (who hear about returns and explanation requests)."""
    return User.objects.filter(unit_id=assessment.participation.unit_id, role__in=UNIT_ROLES, is_active=True)


def unit_people_by_unit(assessments: Iterable[Assessment]) -> dict[int, list[User]]:
    """`unit_people` of many assessments in one query, by unit id (a bulk move tells each unit its news)."""
    unit_ids = {a.participation.unit_id for a in assessments}
    people: dict[int, list[User]] = {unit_id: [] for unit_id in unit_ids}
    for user in User.objects.filter(unit_id__in=unit_ids, role__in=UNIT_ROLES, is_active=True):
        if user.unit_id is not None:
            people[user.unit_id].append(user)
    return people


def appraisal_people(assessment: Assessment) -> QuerySet[User]:
    """The organisers and the unit's assigned appraisers (who hear about its submission and its answers).

    The assignments belong to the appraisal app: they are read through the users' `assignments` relation.
    """
    scope = Q(role=Role.ORGANISER) | Q(assignments__participation_id=assessment.participation_id)
    return User.objects.filter(scope, is_active=True).distinct()


def submit(*, assessment: Assessment, by: User, comment: str = "") -> Assessment:
    """The unit's leader approves and submits: the data become read-only for the unit."""
    require_move(by, "submit", assessment)
    if assessment.status not in MOVES["submit"][0]:
        raise ServiceError(_("Bản tự đánh giá đã được gửi trước đó."))
    reason = edit_block_reason(assessment)
    if reason:
        raise ServiceError(reason)
    result = move(assessment, "submit", by=by, comment=comment, submitted_at=timezone.now(), submitted_by=by)
    participation = assessment.participation
    notify(
        appraisal_people(assessment),
        _("%(unit)s đã gửi bản tự đánh giá (%(campaign)s).")
        % {"unit": participation.unit, "campaign": participation.campaign},
        url=reverse("appraisal:unit", args=[assessment.pk]),
    )
    return result


def start_appraisal(*, assessment: Assessment, by: User) -> Assessment:
    """An appraiser (or the organiser) takes up a submitted assessment."""
    require_move(by, "start_appraisal", assessment)
    require_campaign_appraising(assessment)
    return move(assessment, "start_appraisal", by=by)


def start_appraisal_many(*, assessments: Sequence[Assessment], by: User) -> list[Assessment]:
    """Take up many submitted assessments at once (all or none, see `move_many`)."""
    return move_many(assessments, "start_appraisal", by=by, check=require_campaign_appraising)


def return_to_unit(*, assessment: Assessment, by: User, comment: str) -> Assessment:
    """Send a submitted assessment back to the unit to correct and submit again (reason required)."""
    require_move(by, "return_to_unit", assessment)
    comment = _required(comment, _("lý do trả lại"))
    require_campaign_appraising(assessment)
    result = move(assessment, "return_to_unit", by=by, comment=comment)
    notify(
        unit_people(assessment),
        _("Bản tự đánh giá của %(unit)s đã được trả lại để chỉnh sửa: %(reason)s")
        % {"unit": assessment.participation.unit, "reason": comment},
        url=f"/danh-gia/{assessment.pk}/",
    )
    return result


def reopen(*, assessment: Assessment, by: User, comment: str) -> Assessment:
    """The organiser reopens an appraised (or approved, unpublished) unit for appraisal (reason required),
    while the campaign is being appraised (approved results are first taken back to appraisal)."""
    require_move(by, "reopen", assessment)
    comment = _required(comment, _("lý do mở lại"))
    require_campaign_appraising(assessment)
    return move(assessment, "reopen", by=by, comment=comment)


def approve(*, assessment: Assessment, by: User, comment: str = "") -> Assessment:
    """The chair approves one unit's appraised result."""
    require_move(by, "approve", assessment)
    return move(assessment, "approve", by=by, comment=comment)


def approve_many(*, assessments: Sequence[Assessment], by: User, comment: str = "") -> list[Assessment]:
    """The chair approves many appraised results at once (the campaign approval: every appraised unit)."""
    return move_many(assessments, "approve", by=by, comment=comment)


def publish(*, assessment: Assessment, by: User, comment: str = "") -> Assessment:
    """One unit's approved result is published."""
    require_move(by, "publish", assessment)
    return move(assessment, "publish", by=by, comment=comment)


def publish_many(*, assessments: Sequence[Assessment], by: User, comment: str = "") -> list[Assessment]:
    """Many approved results are published at once (the campaign publication: every approved unit)."""
    return move_many(assessments, "publish", by=by, comment=comment)
