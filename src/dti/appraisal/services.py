"""Changes made during appraisal: assignments, verdicts per indicator, questions, the end of appraisal.

The explanation round (sending questions, the unit's answers) is in `dti.appraisal.explanation`.

Like the self-assessment services: each checks permission (an appraiser only inside their
assignment), the assessment's status, writes the change with its audit entries in one
transaction, and raises ServiceError / InvalidData / Conflict with a message in the active language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dti.accounts.models import User
from dti.accounts.notifications import notify_many
from dti.appraisal.models import Assignment, Question, Review
from dti.appraisal.selectors import ASSESSMENT_RELATED, draft_counts, index_of, unfinished, unreviewed_many
from dti.assessments import workflow
from dti.assessments.models import Assessment, to_json
from dti.assessments.services import InvalidData, record_change
from dti.assessments.signals import scores_changed
from dti.audit.services import record, record_many
from dti.audit.services import row as audit_row
from dti.campaigns.models import Participation
from dti.core.errors import Conflict, ServiceError
from dti.core.permissions import Action, require
from dti.core.roles import Role
from dti.engine import Indicator, parse_score, parse_value


def _indicator(assessment: Assessment, code: str) -> Indicator:
    item = assessment.framework().item(code)
    if item is None or item.reference_only:
        raise ServiceError(_("Chỉ số '%(code)s' không có trong bộ chỉ số của đơn vị.") % {"code": code})
    return item


def _require_appraising(assessment: Assessment, by: User, code: str | None) -> None:
    """The person may appraise this indicator now: the unit is being appraised, or submitted (then
    `_take_up` starts its appraisal with the first change, once that change has been found valid)."""
    index_code = index_of(assessment.framework()).get(code or "") if code else None
    require(by, Action.APPRAISE, assessment, index_code)
    if assessment.status != Assessment.Status.SUBMITTED and assessment.status not in workflow.APPRAISING:
        raise ServiceError(
            _("Bản đánh giá của %(unit)s đang ở trạng thái “%(state)s”; không thể thẩm định lúc này.")
            % {"unit": assessment.participation.unit, "state": assessment.get_status_display()}
        )


def _take_up(assessment: Assessment, by: User) -> None:
    """Start the appraisal of a submitted unit, inside the transaction of the first change made to it
    (so that a refused change leaves the status as it was)."""
    if assessment.status == Assessment.Status.SUBMITTED:
        workflow.start_appraisal(assessment=assessment, by=by)


@dataclass(frozen=True)
class ParsedReview:
    """A verdict as submitted: the corrected inputs (as stored), a score, the N/A decision, the reason."""

    values: dict[str, object]
    score: Decimal | None
    na_decision: str
    reason: str

    @property
    def changes(self) -> bool:
        """Whether the verdict changes anything the unit claimed (then a reason is needed)."""
        return bool(self.values) or self.score is not None or self.na_decision == Review.NaDecision.REFUSED


def _corrected_inputs(
    item: Indicator, claimed: Mapping[str, object], data: Mapping[str, str], errors: dict[str, str]
) -> dict[str, object]:
    """The inputs typed that differ from the unit's, as stored; a wrong one is noted in `errors`."""
    values: dict[str, object] = {}
    for input_field in item.inputs:
        if input_field.name not in data or not str(data[input_field.name]).strip():
            continue
        try:
            value = parse_value(input_field, data[input_field.name], form=True)
        except ValueError as exc:
            errors[input_field.name] = f"{input_field.label}: {exc}"
            continue
        if value is not None and value != claimed.get(input_field.name):
            values[input_field.name] = to_json(value)
    return values


def _appraised_score(item: Indicator, data: Mapping[str, str], errors: dict[str, str]) -> Decimal | None:
    """The score typed in place of the formula's (None: the formula's); a wrong one is noted in `errors`."""
    raw = (data.get("score") or "").strip()
    if not raw:
        return None
    try:
        return parse_score(item, raw, form=True)
    except ValueError as exc:
        errors["score"] = _("Điểm thẩm định: %(error)s") % {"error": exc}
        return None


def parse_review(
    item: Indicator, claimed: Mapping[str, object], data: Mapping[str, str]
) -> tuple[ParsedReview, dict[str, str]]:
    """The verdict from a submitted form: only inputs that differ from the unit's are kept."""
    errors: dict[str, str] = {}
    values = _corrected_inputs(item, claimed, data, errors)
    score = _appraised_score(item, data, errors)
    na_decision = (data.get("na_decision") or "").strip()
    if na_decision not in Review.NaDecision.values:
        errors["na_decision"] = _("Quyết định về đề nghị không áp dụng không hợp lệ.")
    parsed = ParsedReview(values, score, na_decision, (data.get("reason") or "").strip())
    if parsed.changes and not parsed.reason:
        errors["reason"] = _("Cần nêu lý do khi điều chỉnh số liệu, điểm hoặc không đồng ý đề nghị không áp dụng.")
    return parsed, errors


def review_save(*, assessment: Assessment, code: str, data: Mapping[str, str], version: int, by: User) -> Review:
    """Record the verdict on one indicator: accept, or adjust inputs/score (a reason is mandatory).

    `version` is the review's version when the page was opened; a newer one is not overwritten.
    """
    item = _indicator(assessment, code)
    _require_appraising(assessment, by, code)
    claimed = assessment.unit_inputs().values.get(code, {})
    parsed, errors = parse_review(item, claimed, data)
    if parsed.na_decision and not assessment.entries.filter(code=code, na_requested=True).exists():
        errors["na_decision"] = _("Đơn vị không đề nghị không áp dụng chỉ số này.")
    if errors:
        raise InvalidData(errors)
    decision = Review.Decision.ADJUSTED if parsed.changes else Review.Decision.ACCEPTED
    with transaction.atomic():
        _take_up(assessment, by)
        review, created = Review.objects.select_for_update().get_or_create(
            assessment=assessment, code=code, defaults={"decision": decision, "by": by}
        )
        if review.version != version:
            who = review.by.display_name if review.by else _("người khác")
            when = date_format(timezone.localtime(review.updated_at), "H:i d/m/Y")
            raise Conflict(
                _("%(who)s đã thẩm định chỉ số %(code)s lúc %(when)s, sau khi bạn mở trang; hãy xem lại rồi lưu.")
                % {"who": who, "code": code, "when": when},
                current=review,
            )
        before = None if created else _review_state(review)
        Review.objects.filter(pk=review.pk).update(
            decision=decision,
            values=parsed.values,
            score=parsed.score,
            na_decision=parsed.na_decision,
            reason=parsed.reason,
            by=by,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        scores_changed.send(sender=Review, assessment_ids=[assessment.pk])  # an update: no post_save
        review.refresh_from_db()
        record_change(
            assessment,
            by=by,
            action="review.save",
            code=code,
            field="review",
            old=before,
            new=_review_state(review),
            comment=parsed.reason,
        )
    return review


def _review_state(review: Review) -> dict[str, object]:
    """The verdict as the audit log records it: decision, corrected inputs, score, N/A decision."""
    return {
        "decision": review.decision,
        "values": review.values,
        "score": None if review.score is None else to_json(review.score.normalize()),
        "na_decision": review.na_decision,
    }


def finish_appraisal(*, assessment: Assessment, by: User, comment: str = "") -> Assessment:
    """Close the appraisal of a unit: every indicator has a verdict, every answer was re-appraised."""
    workflow.require_move(by, "finish_appraisal", assessment)
    return finish_appraisal_many(assessments=[assessment], by=by, comment=comment)[0]


def finish_appraisal_many(*, assessments: Sequence[Assessment], by: User, comment: str = "") -> list[Assessment]:
    """Close the appraisal of many units at once, or of none: one unit not finished (see `unfinished`),
    in another status or out of the person's reach refuses the batch, naming it."""
    read = {
        a.pk: a
        for a in Assessment.objects.filter(pk__in=[a.pk for a in assessments])
        .select_related(*ASSESSMENT_RELATED)
        .prefetch_related("reviews", "explanation_requests__questions")
    }
    drafts = draft_counts(list(read))

    def finished(assessment: Assessment) -> None:
        problems = unfinished(read[assessment.pk], drafts[assessment.pk])
        if problems:
            raise ServiceError(
                _("Chưa thể kết thúc thẩm định %(unit)s: %(problems)s")
                % {"unit": assessment.participation.unit, "problems": "; ".join(problems)}
            )

    with transaction.atomic():
        result = workflow.move_many(assessments, "finish_appraisal", by=by, comment=comment, check=finished)
        _announce_finished([read[a.pk] for a in result])
    return result


def _announce_finished(assessments: Sequence[Assessment]) -> None:
    """Each unit hears that its appraisal is finished; the chairs, once no unit of its campaign is left to appraise."""
    people = workflow.unit_people_by_unit(assessments)
    notify_many(
        (
            people[a.participation.unit_id],
            _("Đã kết thúc thẩm định bản tự đánh giá của %(unit)s (%(campaign)s); kết quả chờ Hội đồng phê duyệt.")
            % {"unit": a.participation.unit, "campaign": a.participation.campaign},
            reverse("outcome:page", args=[a.pk]),
        )
        for a in assessments
    )
    campaigns = {a.participation.campaign_id: a.participation.campaign for a in assessments}
    pending = set(
        Assessment.objects.filter(participation__campaign__in=campaigns, status__in=workflow.UNDER_APPRAISAL)
        .values_list("participation__campaign", flat=True)
        .distinct()
    )
    done = [campaign for pk, campaign in campaigns.items() if pk not in pending]
    if done:
        chairs = list(User.objects.filter(role=Role.CHAIR, is_active=True))
        notify_many(
            (
                chairs,
                _("Mọi đơn vị của %(campaign)s đã thẩm định xong; kết quả chờ Hội đồng phê duyệt.")
                % {"campaign": campaign},
                reverse("results:campaign", args=[campaign.pk]),
            )
            for campaign in done
        )


def accept_remaining(*, assessment: Assessment, by: User) -> int:
    """Accept every indicator in the person's scope that has no verdict yet; returns how many.

    Indicators with a question are left out: their answer must be read and judged one by one.
    """
    return accept_remaining_many(assessments=[assessment], by=by)


def accept_remaining_many(*, assessments: Sequence[Assessment], by: User) -> int:
    """`accept_remaining` on many units at once (one insert of verdicts, one of audit entries), or on
    none: one unit the person may not appraise now refuses the batch. Returns how many verdicts."""
    for assessment in assessments:
        _require_appraising(assessment, by, None)
    codes = unreviewed_many(assessments, by)
    accepted = [a for a in assessments if codes[a.pk]]
    with transaction.atomic():
        workflow.start_appraisal_many(
            assessments=[a for a in assessments if a.status == Assessment.Status.SUBMITTED], by=by
        )
        Review.objects.bulk_create(
            Review(assessment=a, code=c, decision=Review.Decision.ACCEPTED, by=by, version=1)
            for a in accepted
            for c in codes[a.pk]
        )
        record_many(
            audit_row(
                actor=by,
                action="review.accept_remaining",
                obj=a,
                campaign=a.participation.campaign,
                unit=a.participation.unit,
                field="review",
                new=codes[a.pk],
            )
            for a in accepted
        )
        if accepted:
            scores_changed.send(sender=Review, assessment_ids=[a.pk for a in accepted])
    return sum(len(c) for c in codes.values())


def question_add(*, assessment: Assessment, code: str, text: str, by: User) -> Question:
    """Draft a question on one indicator; the organiser sends the drafted questions to the unit."""
    _indicator(assessment, code)
    _require_appraising(assessment, by, code)
    text = (text or "").strip()
    if not text:
        raise InvalidData({"text": _("Cần nhập nội dung đề nghị giải trình.")})
    with transaction.atomic():
        _take_up(assessment, by)
        question = Question.objects.create(assessment=assessment, code=code, text=text, asked_by=by)
        record_change(assessment, by=by, action="question.add", code=code, field="question", new=text)
    return question


def question_delete(*, question: Question, by: User) -> None:
    """Withdraw a question that has not been sent yet."""
    assessment = question.assessment
    _require_appraising(assessment, by, question.code)
    if question.request_id is not None:
        raise ServiceError(_("Câu hỏi đã gửi đơn vị, không thể rút lại."))
    with transaction.atomic():
        record_change(
            assessment, by=by, action="question.delete", code=question.code, field="question", old=question.text
        )
        question.delete()


def assignment_set(
    *, participation: Participation, appraiser: User, indices: Iterable[str], by: User
) -> Assignment | None:
    """Give an appraiser a unit: all its main indices (empty `indices`) or only those listed."""
    return assignment_set_many(participations=[participation], appraiser=appraiser, indices=indices, by=by)[0]


def assignment_set_many(
    *, participations: Sequence[Participation], appraiser: User, indices: Iterable[str], by: User
) -> list[Assignment]:
    """Give an appraiser many units at once, with the same main indices (empty `indices`: all of them):
    one insert, one update, one insert of audit entries; the appraiser hears of each new or changed one."""
    require(by, Action.MANAGE_APPRAISAL)
    if appraiser.role != Role.APPRAISER or not appraiser.is_active:
        raise ServiceError(_("%(name)s không phải thành viên tổ thẩm định.") % {"name": appraiser})
    chosen = sorted(set(indices))
    read = Participation.objects.select_related("unit", "campaign", "group__framework").in_bulk(
        [p.pk for p in participations]
    )
    participations = [read[p.pk] for p in participations]  # with what the audit entries and notices name
    for participation in participations:
        known = {i.code for i in participation.group.framework.engine().indices}
        unknown = [c for c in chosen if c not in known]
        if unknown:
            raise ServiceError(_("Chỉ số chính không có trong bộ chỉ số: %(codes)s") % {"codes": ", ".join(unknown)})
    with transaction.atomic():
        existing = {
            a.participation_id: a
            for a in Assignment.objects.select_for_update().filter(
                participation__in=participations, appraiser=appraiser
            )
        }
        changed = [a for a in existing.values() if a.indices != chosen]
        for assignment in changed:
            assignment.indices = chosen
        Assignment.objects.bulk_update(changed, ["indices"])
        created = Assignment.objects.bulk_create(
            Assignment(participation=p, appraiser=appraiser, indices=chosen)
            for p in participations
            if p.pk not in existing
        )
        assignments = {a.participation_id: a for a in [*existing.values(), *created]}
        record_many(
            audit_row(
                actor=by,
                action="assignment.set",
                obj=assignments[p.pk],
                campaign=p.campaign,
                unit=p.unit,
                field="indices",
                new={"appraiser": appraiser.username, "indices": chosen or "all"},
            )
            for p in participations
        )
    news = {a.participation_id for a in [*changed, *created]}
    scope = _("chỉ số chính %(codes)s") % {"codes": ", ".join(chosen)} if chosen else _("mọi chỉ số chính")
    notify_many(
        (
            [appraiser],
            _("Bạn được phân công thẩm định %(unit)s (%(campaign)s): %(scope)s.")
            % {"unit": p.unit, "campaign": p.campaign, "scope": scope},
            reverse("appraisal:campaign", args=[p.campaign_id]),
        )
        for p in participations
        if p.pk in news
    )
    return [assignments[p.pk] for p in participations]


def assignment_remove(*, assignment: Assignment, by: User) -> None:
    """Take a unit away from an appraiser."""
    require(by, Action.MANAGE_APPRAISAL)
    participation = assignment.participation
    with transaction.atomic():
        record(
            actor=by,
            action="assignment.remove",
            obj=assignment,
            campaign=participation.campaign,
            unit=participation.unit,
            field="indices",
            old={"appraiser": assignment.appraiser.username, "indices": assignment.indices or "all"},
        )
        assignment.delete()
