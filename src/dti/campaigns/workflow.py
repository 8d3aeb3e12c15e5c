"""The campaign's state machine: one function per transition, the only code that changes its state.

    draft ─open→ open ─close_submissions→ submissions closed ─start_appraisal→ appraisal
    ─approve→ approved ─publish→ published; approved ─reopen→ appraisal (the approval is
    reconsidered); draft ─import_results→ published (a results table the province had issued).

Two tables make the rule: `MOVES` (from which states to which) and `WHO` (the permission each
move needs, decided by dti.core.permissions). `may` answers both for a page choosing which
buttons to show; `check` refuses with the reason, and every transition function starts with
it; the state is checked again under a row lock when the move is written, with its audit entry,
in one transaction. A refusal names the current state and the states the move is possible from.

Approving and publishing are more than a change of state (the decision, the snapshot): the
results app does that work and calls `approve`, `publish` or `import_results` inside its own
transaction, so that a refusal there undoes the move too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dti.audit.services import record
from dti.campaigns.models import Campaign
from dti.core.errors import ServiceError
from dti.core.permissions import Action, can, require

if TYPE_CHECKING:
    from dti.accounts.models import User
    from dti.core.permissions import Person

State = Campaign.State

# The legal moves: transition name → (from, to). The campaign page shows buttons from this table.
MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "open": ((State.DRAFT,), State.OPEN),
    "close_submissions": ((State.OPEN,), State.SUBMISSIONS_CLOSED),
    "start_appraisal": ((State.SUBMISSIONS_CLOSED,), State.APPRAISAL),
    "approve": ((State.APPRAISAL,), State.APPROVED),
    "publish": ((State.APPROVED,), State.PUBLISHED),
    "reopen": ((State.APPROVED,), State.APPRAISAL),
    "import_results": ((State.DRAFT,), State.PUBLISHED),
}
# Who may make each move.
WHO: dict[str, Action] = {
    "open": Action.MANAGE_CAMPAIGNS,
    "close_submissions": Action.MANAGE_CAMPAIGNS,
    "start_appraisal": Action.MANAGE_APPRAISAL,
    "approve": Action.APPROVE_RESULTS,
    "publish": Action.PUBLISH_RESULTS,
    "reopen": Action.MANAGE_APPRAISAL,
    "import_results": Action.PUBLISH_RESULTS,
}


def _state_label(state: str) -> str:
    return str(State(state).label)


def illegal_message(campaign: Campaign, name: str) -> str:
    """Why transition `name` is not possible from the campaign's current state."""
    sources, target = MOVES[name]
    return _(
        "Không thể chuyển kỳ đánh giá sang “%(target)s”: kỳ đang ở trạng thái “%(current)s” "
        "(chỉ chuyển được từ %(sources)s)."
    ) % {
        "target": _state_label(target),
        "current": _state_label(campaign.state),
        "sources": ", ".join(f"“{_state_label(source)}”" for source in sources),
    }


def may(user: Person, name: str, campaign: Campaign) -> bool:
    """Whether to offer move `name` to `user` now: the person may make it and the state allows it."""
    return can(user, WHO[name]) and campaign.state in MOVES[name][0]


def check(user: Person, name: str, campaign: Campaign) -> None:
    """Refuse move `name` as `may` would: PermissionDenied for the wrong person, ServiceError from the wrong state."""
    require(user, WHO[name])
    if campaign.state not in MOVES[name][0]:
        raise ServiceError(illegal_message(campaign, name))


def _move(campaign: Campaign, name: str, *, by: User, comment: str = "", **fields: object) -> Campaign:
    """Apply transition `name` under a row lock, recording it; refuse it from any other state."""
    sources, target = MOVES[name]
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.state not in sources:
            campaign.state = locked.state
            raise ServiceError(illegal_message(campaign, name))
        Campaign.objects.filter(pk=locked.pk).update(state=target, **fields)
        record(
            actor=by,
            action=f"campaign.{name}",
            obj=locked,
            campaign=locked,
            field="state",
            old=locked.state,
            new=target,
            comment=comment,
        )
    campaign.refresh_from_db()
    return campaign


def _open_problem(campaign: Campaign) -> str:
    """Why the campaign cannot take submissions yet ("" when it can): no unit, or a deadline already past."""
    if not campaign.participations.exists():
        return _("Kỳ đánh giá chưa có đơn vị tham gia; hãy thêm nhóm xếp hạng và chọn đơn vị trước khi mở.")
    if campaign.submission_deadline <= timezone.now():
        return _("Hạn gửi báo cáo (%(deadline)s) đã qua; hãy sửa hạn gửi báo cáo trước khi mở nhận báo cáo.") % {
            "deadline": date_format(timezone.localtime(campaign.submission_deadline), "H:i d/m/Y")
        }
    return ""


def open_campaign(*, campaign: Campaign, by: User) -> Campaign:
    """The organiser opens the campaign: its units enter data and submit until the deadline."""
    check(by, "open", campaign)
    problem = _open_problem(campaign)
    if problem:
        raise ServiceError(problem)
    return _move(campaign, "open", by=by)


def close_submissions(*, campaign: Campaign, by: User) -> Campaign:
    """The organiser stops taking submissions; a late unit may still be given more time (a reopening)."""
    check(by, "close_submissions", campaign)
    return _move(campaign, "close_submissions", by=by)


def start_appraisal(*, campaign: Campaign, by: User) -> Campaign:
    """The organiser starts the appraisal of the campaign (the council approves at its end)."""
    check(by, "start_appraisal", campaign)
    return _move(campaign, "start_appraisal", by=by)


def approve(*, campaign: Campaign, by: User, comment: str = "") -> Campaign:
    """The chair approves the results (called by the results app, which records the decision)."""
    check(by, "approve", campaign)
    return _move(campaign, "approve", by=by, comment=comment)


def publish(*, campaign: Campaign, by: User, comment: str = "") -> Campaign:
    """The approved results are published (called by the results app, which writes the snapshot)."""
    check(by, "publish", campaign)
    return _move(campaign, "publish", by=by, comment=comment)


def reopen(*, campaign: Campaign, by: User, comment: str) -> Campaign:
    """The organiser takes approved, unpublished results back to appraisal (reason required)."""
    check(by, "reopen", campaign)
    comment = (comment or "").strip()
    if not comment:
        raise ServiceError(_("Cần nêu lý do mở lại thẩm định."))
    return _move(campaign, "reopen", by=by, comment=comment)


def import_results(*, campaign: Campaign, by: User, comment: str = "") -> Campaign:
    """A campaign being prepared takes a results table already issued as its publication (called by the
    results app, which writes the snapshot): it never takes submissions."""
    check(by, "import_results", campaign)
    return _move(campaign, "import_results", by=by, comment=comment, imported_results=True)
