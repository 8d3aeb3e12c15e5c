"""The assessment state machine: one function per transition, the only code that changes a status.

    draft ─submit→ submitted ─start_appraisal→ in appraisal ─request_explanation→ explanation
    requested ─send_explanation→ explained ─finish_appraisal→ appraised ─approve→ approved
    ─publish→ published; in appraisal ─finish_appraisal→ appraised directly when nothing needs
    explaining; submitted / in appraisal ─return_to_unit→ returned ─submit→ submitted;
    appraised / approved ─reopen→ reopened (appraised again like "in appraisal").

Every function checks the person's permission and the current status under a row lock, and
writes a Transition and an audit entry in the same transaction; an illegal step raises
ServiceError with a message saying what the status is and what is possible from it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dti.assessments.models import Assessment, Transition
from dti.audit.services import record
from dti.core.errors import ServiceError
from dti.core.notifications import notify
from dti.core.permissions import Action, can, require

S = Assessment.Status

# The legal moves: transition name → (from, to). Views show buttons from this table.
MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": ((S.DRAFT, S.RETURNED), S.SUBMITTED),
    "start_appraisal": ((S.SUBMITTED,), S.IN_APPRAISAL),
    "return_to_unit": ((S.SUBMITTED, S.IN_APPRAISAL), S.RETURNED),
    "request_explanation": ((S.IN_APPRAISAL, S.REOPENED), S.EXPLANATION_REQUESTED),
    "send_explanation": ((S.EXPLANATION_REQUESTED,), S.EXPLAINED),
    "finish_appraisal": ((S.IN_APPRAISAL, S.EXPLAINED, S.REOPENED), S.APPRAISED),
    "reopen": ((S.APPRAISED, S.APPROVED), S.REOPENED),
    "approve": ((S.APPRAISED,), S.APPROVED),
    "publish": ((S.APPROVED,), S.PUBLISHED),
}
# Statuses in which appraisers work on the indicators.
APPRAISING = (S.IN_APPRAISAL, S.EXPLAINED, S.REOPENED)
# Statuses in which the unit may change its data.
UNIT_EDITABLE = (S.DRAFT, S.RETURNED)


def _label(status: str) -> str:
    return str(S(status).label)


def illegal_message(assessment: Assessment, name: str) -> str:
    """Why transition `name` is not possible from the assessment's current status."""
    sources, target = MOVES[name]
    return _(
        "Không thể chuyển bản đánh giá của %(unit)s sang “%(target)s”: bản đang ở trạng thái “%(current)s” "
        "(chỉ chuyển được từ %(sources)s)."
    ) % {
        "unit": assessment.participation.unit,
        "target": _label(target),
        "current": _label(assessment.status),
        "sources": ", ".join(f"“{_label(s)}”" for s in sources),
    }


def _move(assessment: Assessment, name: str, *, by: Any, comment: str = "", **fields: Any) -> Assessment:
    """Apply transition `name` under a row lock, recording it; refuse it from any other status."""
    sources, target = MOVES[name]
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.status not in sources:
            assessment.status = locked.status
            raise ServiceError(illegal_message(assessment, name))
        old = locked.status
        Assessment.objects.filter(pk=locked.pk).update(status=target, **fields)
        Transition.objects.create(assessment=locked, old=old, new=target, by=by, comment=comment)
        participation = assessment.participation
        record(
            actor=by,
            action=f"assessment.{name}",
            obj=assessment,
            campaign=participation.campaign,
            unit=participation.unit,
            field="status",
            old=old,
            new=target,
            comment=comment,
        )
    assessment.refresh_from_db()
    return assessment


def _required(comment: str, what: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ServiceError(_("Cần nêu %(what)s.") % {"what": what})
    return comment


def _require_appraiser_or_manager(by: Any, assessment: Assessment) -> None:
    if not can(by, Action.MANAGE_APPRAISAL):
        require(by, Action.APPRAISE, assessment)


def _require_campaign_appraising(assessment: Assessment) -> None:
    campaign = assessment.participation.campaign
    if campaign.state not in (campaign.State.OPEN, campaign.State.APPRAISAL):
        message = _("Kỳ đánh giá đang ở trạng thái “%(state)s”, không thẩm định được.")
        raise ServiceError(message % {"state": campaign.get_state_display()})


def unit_people(assessment: Assessment) -> Iterable[Any]:
    """The unit's active reporters and leaders (who hear about returns and explanation requests)."""
    from dti.accounts.models import UNIT_ROLES, User

    return User.objects.filter(unit_id=assessment.participation.unit_id, role__in=UNIT_ROLES, is_active=True)


def appraisal_people(assessment: Assessment) -> Iterable[Any]:
    """The unit's assigned appraisers and the organisers (who hear about the unit's replies)."""
    from django.db.models import Q

    from dti.accounts.models import Role, User

    scope = Q(role=Role.ORGANISER) | Q(assignments__participation_id=assessment.participation_id)
    return User.objects.filter(scope, is_active=True).distinct()


def submit(*, assessment: Assessment, by: Any, comment: str = "") -> Assessment:
    """The unit's leader approves and submits: the data become read-only for the unit."""
    from dti.assessments.services import edit_block_reason

    require(by, Action.SUBMIT_ASSESSMENT, assessment)
    if assessment.status not in MOVES["submit"][0]:
        raise ServiceError(_("Bản tự đánh giá đã được gửi trước đó."))
    reason = edit_block_reason(assessment)
    if reason:
        raise ServiceError(reason)
    return _move(assessment, "submit", by=by, comment=comment, submitted_at=timezone.now(), submitted_by=by)


def start_appraisal(*, assessment: Assessment, by: Any) -> Assessment:
    """An appraiser (or the organiser) takes up a submitted assessment."""
    _require_appraiser_or_manager(by, assessment)
    _require_campaign_appraising(assessment)
    return _move(assessment, "start_appraisal", by=by)


def return_to_unit(*, assessment: Assessment, by: Any, comment: str) -> Assessment:
    """Send a submitted assessment back to the unit to correct and submit again (reason required)."""
    _require_appraiser_or_manager(by, assessment)
    comment = _required(comment, _("lý do trả lại"))
    _require_campaign_appraising(assessment)
    result = _move(assessment, "return_to_unit", by=by, comment=comment)
    notify(
        unit_people(assessment),
        _("Bản tự đánh giá của %(unit)s đã được trả lại để chỉnh sửa: %(reason)s")
        % {"unit": assessment.participation.unit, "reason": comment},
        url=f"/danh-gia/{assessment.pk}/",
    )
    return result


def request_explanation(*, assessment: Assessment, by: Any, deadline: datetime.datetime, comment: str = "") -> Any:
    """The organiser sends the drafted questions to the unit with a deadline; returns the request."""
    from dti.appraisal.models import ExplanationRequest

    require(by, Action.MANAGE_APPRAISAL)
    if assessment.status not in MOVES["request_explanation"][0]:
        raise ServiceError(illegal_message(assessment, "request_explanation"))
    if deadline <= timezone.now():
        raise ServiceError(_("Hạn giải trình phải sau thời điểm hiện tại."))
    with transaction.atomic():
        drafts = assessment.questions.filter(request__isnull=True)
        if not drafts.exists():
            raise ServiceError(_("Chưa có câu hỏi nào cần giải trình; tổ thẩm định cần nêu câu hỏi trước."))
        request = ExplanationRequest.objects.create(assessment=assessment, deadline=deadline, sent_by=by)
        codes = sorted(set(drafts.values_list("code", flat=True)))
        drafts.update(request=request)
        _move(assessment, "request_explanation", by=by, comment=comment or ", ".join(codes))
    when = date_format(timezone.localtime(deadline), "H:i d/m/Y")
    notify(
        unit_people(assessment),
        _("Đề nghị %(unit)s giải trình các chỉ số %(codes)s trước %(when)s.")
        % {"unit": assessment.participation.unit, "codes": ", ".join(codes), "when": when},
        url=f"/danh-gia/{assessment.pk}/giai-trinh/",
    )
    return request


def send_explanation(*, assessment: Assessment, by: Any) -> Assessment:
    """The unit's leader sends the answers to every question of the open request, before its deadline."""
    require(by, Action.SEND_EXPLANATION, assessment)
    request = assessment.explanation_requests.first()
    if assessment.status != S.EXPLANATION_REQUESTED or request is None:
        raise ServiceError(illegal_message(assessment, "send_explanation"))
    if timezone.now() > request.deadline:
        when = date_format(timezone.localtime(request.deadline), "H:i d/m/Y")
        raise ServiceError(_("Đã quá hạn giải trình (%(when)s); liên hệ cơ quan tổ chức.") % {"when": when})
    unanswered = [q.code for q in request.questions.all() if not q.answer.strip()]
    if unanswered:
        raise ServiceError(
            _("Còn câu hỏi chưa được trả lời ở các chỉ số: %(codes)s.") % {"codes": ", ".join(sorted(set(unanswered)))}
        )
    with transaction.atomic():
        type(request).objects.filter(pk=request.pk).update(answered_by=by, answered_at=timezone.now())
        result = _move(assessment, "send_explanation", by=by)
    notify(
        appraisal_people(assessment),
        _("%(unit)s đã gửi giải trình; cần thẩm định lại.") % {"unit": assessment.participation.unit},
        url=f"/tham-dinh/{assessment.pk}/",
    )
    return result


def finish_appraisal(*, assessment: Assessment, by: Any, comment: str = "") -> Assessment:
    """Close the appraisal of a unit: every indicator has a verdict, every answer was re-appraised."""
    from dti.appraisal.selectors import unfinished

    _require_appraiser_or_manager(by, assessment)
    if assessment.status not in MOVES["finish_appraisal"][0]:
        raise ServiceError(illegal_message(assessment, "finish_appraisal"))
    problems = unfinished(assessment)
    if problems:
        raise ServiceError(_("Chưa thể kết thúc thẩm định: %(problems)s") % {"problems": "; ".join(problems)})
    return _move(assessment, "finish_appraisal", by=by, comment=comment)


def reopen(*, assessment: Assessment, by: Any, comment: str) -> Assessment:
    """The organiser reopens an appraised (or approved, unpublished) unit for appraisal (reason required)."""
    require(by, Action.MANAGE_APPRAISAL)
    comment = _required(comment, _("lý do mở lại"))
    return _move(assessment, "reopen", by=by, comment=comment)


def approve(*, assessment: Assessment, by: Any, comment: str = "") -> Assessment:
    """The chair approves one unit's appraised result (called for every unit by the campaign approval)."""
    require(by, Action.APPROVE_RESULTS)
    return _move(assessment, "approve", by=by, comment=comment)


def publish(*, assessment: Assessment, by: Any, comment: str = "") -> Assessment:
    """One unit's approved result is published (called for every unit by the campaign publication)."""
    require(by, Action.PUBLISH_RESULTS)
    return _move(assessment, "publish", by=by, comment=comment)
