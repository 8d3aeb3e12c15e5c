"""Approval, publication and amendment of a campaign's results.

Publication writes a snapshot: plain JSON with every figure the public pages show (numbers
as decimal strings at the framework's precision), the frameworks' content hashes and the
decision, sealed by its own SHA-256. The public site reads nothing else, so unpublished data
cannot leak there and a published figure cannot change: a correction is a new version
(an amendment) that keeps the old one, with who, why and what changed.

Snapshot layout (version 1 of the format; typed in `dti.results.snapshot`):

    {"format": 1, "campaign": {"name", "year", "organiser"},
     "decision": {"number", "date" (ISO or null), "date_text", "signer"},
     "groups": [{"name", "framework": {"code", "name", "content_hash", "precision", "basis",
                                       "decimals", "ties", "indices": [{"code", "name", "max"}],
                                       "indicators": [{"code", "name", "max", "index"}]},
                 "units": [{"unit", "type", "rank", "class", "total", "max", "percent",
                            "indices": {code: str|null}, "index_max": {code: str|null},
                            "items": {code: str|null}, "self_total", "self_indices": {...},
                            "self_items": {...}}],
                 "excluded": [unit names that did not submit]}],
     "notes": [str]}
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dti.accounts.notifications import notify, notify_many
from dti.appraisal.models import Review
from dti.appraisal.selectors import GroupScores, group_scores
from dti.assessments import workflow
from dti.assessments.models import Assessment
from dti.assessments.signals import scores_changed
from dti.audit.services import record
from dti.campaigns import workflow as campaign_workflow
from dti.campaigns.models import Campaign, CampaignGroup
from dti.core.errors import ServiceError
from dti.core.permissions import Action, require
from dti.core.roles import Role
from dti.engine import (
    check_appendix,
    display_key,
    name_key,
    parse_score,
    rank_results,
    read_appendix,
    row_result,
)
from dti.results.models import Approval, Publication
from dti.results.snapshot import Change, Snapshot, SnapshotDecision, framework_part, unit_part

if TYPE_CHECKING:
    from dti.accounts.models import User
    from dti.jobs.services import Progress


FORMAT = 1
# Statuses a unit can still be in while the appraisal goes on (approval waits for them).
IN_PROGRESS = workflow.UNDER_APPRAISAL


def _decision(approval: Approval | None) -> SnapshotDecision:
    if approval is None:
        return {"number": "", "date": None, "date_text": "", "signer": ""}
    return {
        "number": approval.decision_number,
        "date": approval.decision_date.isoformat() if approval.decision_date else None,
        "date_text": approval.decision_date_text,
        "signer": approval.signer,
    }


def _head(campaign: Campaign, approval: Approval | None) -> Snapshot:
    return {
        "format": FORMAT,
        "campaign": {
            "name": campaign.name,
            "year": campaign.year,
            "organiser": str(campaign.organiser) if campaign.organiser else "",
        },
        "decision": _decision(approval),
        "groups": [],
        "notes": [],
    }


def _excluded(group: CampaignGroup, counted: Iterable[str]) -> list[str]:
    names = set(counted)
    return sorted(
        (str(p.unit) for p in group.participations.select_related("unit") if str(p.unit) not in names), key=name_key
    )


def build_snapshot(campaign: Campaign, statuses: Sequence[str], progress: Progress | None = None) -> Snapshot:
    """The results of every unit in `statuses`, group by group, ranked on the appraised scores
    (`progress`, when given, hears each group done)."""
    approval = Approval.objects.filter(campaign=campaign).first()
    snapshot = _head(campaign, approval)
    groups = list(campaign.groups.select_related("framework").order_by("order", "name"))
    for done, group in enumerate(groups):
        if progress is not None:
            progress(done, len(groups), group.name)
        framework = group.framework.engine()
        scores: list[GroupScores] = group_scores(group, statuses)
        snapshot["groups"].append(
            {
                "name": group.name,
                "framework": framework_part(framework, group.framework.code, group.framework.content_hash),
                "units": [
                    unit_part(framework, s.appraised, s.claimed, s.assessment.participation.unit.unit_type.code)
                    for s in sorted(scores, key=lambda s: display_key(framework, s.appraised))
                ],
                "excluded": _excluded(group, (s.appraised.unit for s in scores)),
            }
        )
    return snapshot


def approve_campaign(
    *,
    campaign: Campaign,
    by: User,
    decision_number: str,
    decision_date: datetime.date | None,
    signer: str = "",
    note: str = "",
) -> Approval:
    """The chair approves every appraised unit and records the decision (number and date required);
    the campaign moves from appraisal to approved."""
    campaign_workflow.check(by, "approve", campaign)
    errors = []
    if not (decision_number or "").strip():
        errors.append(_("Cần nhập số quyết định."))
    if decision_date is None:
        errors.append(_("Cần nhập ngày quyết định."))
    if errors:
        raise ServiceError(" ".join(errors))
    assessments = Assessment.objects.filter(participation__campaign=campaign).select_related("participation__unit")
    pending = sorted(str(a.participation.unit) for a in assessments if a.status in IN_PROGRESS)
    if pending:
        raise ServiceError(
            _("Chưa thể phê duyệt: còn đơn vị chưa thẩm định xong (%(units)s).") % {"units": ", ".join(pending)}
        )
    ready = [a for a in assessments if a.status in (Assessment.Status.APPRAISED, Assessment.Status.APPROVED)]
    if not ready:
        raise ServiceError(_("Chưa có đơn vị nào đã thẩm định xong để phê duyệt."))
    with transaction.atomic():
        campaign_workflow.approve(campaign=campaign, by=by, comment=decision_number.strip())
        approval, _created = Approval.objects.update_or_create(
            campaign=campaign,
            defaults={
                "decision_number": decision_number.strip(),
                "decision_date": decision_date,
                "decision_date_text": "",
                "signer": signer.strip(),
                "note": note.strip(),
                "by": by,
            },
        )
        workflow.approve_many(
            assessments=[a for a in ready if a.status == Assessment.Status.APPRAISED],
            by=by,
            comment=decision_number.strip(),
        )
        record(
            actor=by,
            action="approval.record",
            obj=campaign,
            campaign=campaign,
            field="decision",
            new=_decision(approval),
            comment=note,
        )
    _announce_approval(campaign, approval, ready)
    return approval


def _announce_approval(campaign: Campaign, approval: Approval, approved: Sequence[Assessment]) -> None:
    """The organisers hear that the results can be published; each approved unit, that its result is approved."""
    from dti.accounts.models import User

    decision = _("Quyết định số %(number)s") % {"number": approval.decision_number}
    if approval.decision_date:
        decision = _("Quyết định số %(number)s ngày %(date)s") % {
            "number": approval.decision_number,
            "date": date_format(approval.decision_date, "d/m/Y"),
        }
    notify(
        User.objects.filter(role=Role.ORGANISER, is_active=True),
        _("Kết quả %(campaign)s đã được phê duyệt (%(decision)s); chờ công bố.")
        % {"campaign": campaign, "decision": decision},
        url=reverse("results:campaign", args=[campaign.pk]),
    )
    people = workflow.unit_people_by_unit(approved)
    notify_many(
        (
            people[assessment.participation.unit_id],
            _("Kết quả thẩm định của %(unit)s (%(campaign)s) đã được Hội đồng phê duyệt (%(decision)s); chờ công bố.")
            % {"unit": assessment.participation.unit, "campaign": campaign, "decision": decision},
            reverse("outcome:page", args=[assessment.pk]),
        )
        for assessment in approved
    )


def check_publishable(*, campaign: Campaign, by: User) -> list[Assessment]:
    """Refuse a publication that cannot be made now (the person, the campaign's state, a unit reopened or
    not approved again); the campaign's assessments (their statuses only) when it can."""
    campaign_workflow.check(by, "publish", campaign)
    assessments = list(Assessment.objects.filter(participation__campaign=campaign).only("pk", "status"))
    if any(a.status in IN_PROGRESS or a.status == Assessment.Status.APPRAISED for a in assessments):
        raise ServiceError(_("Có đơn vị được mở lại hoặc chưa được phê duyệt; cần phê duyệt lại trước khi công bố."))
    return assessments


def publish_campaign(*, campaign: Campaign, by: User, progress: Progress | None = None) -> Publication:
    """Publish the approved results: freeze the snapshot (version 1) and open it to the public; the
    campaign moves from approved to published. At national size it runs as a background job
    (`dti.results.jobs.publish`), whose progress hears each group scored."""
    assessments = check_publishable(campaign=campaign, by=by)
    approval = Approval.objects.get(campaign=campaign)  # an approved campaign has its decision
    with transaction.atomic():
        campaign_workflow.publish(campaign=campaign, by=by, comment=approval.decision_number)
        snapshot = build_snapshot(campaign, (Assessment.Status.APPROVED,), progress)
        publication = Publication.objects.create(campaign=campaign, version=1, snapshot=snapshot, by=by)
        workflow.publish_many(
            assessments=[a for a in assessments if a.status == Assessment.Status.APPROVED],
            by=by,
            comment=approval.decision_number,
        )
        record(
            actor=by,
            action="publication.create",
            obj=campaign,
            campaign=campaign,
            field="publication",
            new={"version": 1, "content_hash": publication.content_hash},
        )
    _announce(campaign, publication)
    return publication


def _announce(campaign: Campaign, publication: Publication) -> None:
    from dti.accounts.models import User

    people = User.objects.filter(is_active=True, unit__participations__campaign=campaign).distinct()
    when = date_format(timezone.localtime(publication.created_at), "d/m/Y")
    text = _("Kết quả %(campaign)s đã được công bố ngày %(when)s.") % {"campaign": campaign, "when": when}
    if publication.version > 1:
        text = _("Kết quả %(campaign)s đã được đính chính (phiên bản %(version)d): %(reason)s") % {
            "campaign": campaign,
            "version": publication.version,
            "reason": publication.reason,
        }
    notify(people, text, url=f"/ket-qua/{campaign.pk}/")


def amend(
    *,
    campaign: Campaign,
    by: User,
    reason: str,
    changes: Sequence[tuple[Assessment, str, str]],
    progress: Progress | None = None,
) -> Publication:
    """Correct published scores: `changes` are (assessment, indicator code, new score as typed).

    The corrected scores become the appraisers' verdicts (score set directly, the reason
    recorded), the whole campaign is ranked again and written as the next version; earlier
    versions stay as they were.
    """
    require(by, Action.AMEND_RESULTS)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Cần nêu lý do đính chính."))
    if not changes:
        raise ServiceError(_("Chưa có điểm nào được đính chính."))
    recorded: list[Change] = []
    with transaction.atomic():
        # One amendment at a time: a second waits here, then builds on the version the first wrote
        # (two read at once would both write "the next version" and the second would fail).
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        latest = campaign.publications.order_by("-version").first()
        if latest is None:
            raise ServiceError(_("Kết quả chưa công bố; chưa có gì để đính chính."))
        if latest.snapshot.get("imported"):
            raise ServiceError(_("Kết quả này được nhập từ bảng công bố, không có số liệu chi tiết để đính chính."))
        for assessment, code, raw in changes:
            if assessment.participation.campaign_id != campaign.pk or assessment.status != Assessment.Status.PUBLISHED:
                raise ServiceError(_("Đơn vị %(unit)s không có kết quả đã công bố.") % {"unit": assessment.unit})
            item = assessment.framework().item(code)
            if item is None or item.reference_only:
                raise ServiceError(_("Chỉ số '%(code)s' không có trong bộ chỉ số của đơn vị.") % {"code": code})
            try:
                score = parse_score(item, raw, form=True)
            except ValueError as exc:
                raise ServiceError(f"{code}: {exc}") from exc
            review, _created = Review.objects.get_or_create(
                assessment=assessment, code=code, defaults={"decision": Review.Decision.ADJUSTED, "by": by}
            )
            old = None if review.score is None else format(review.score.normalize(), "f")
            Review.objects.filter(pk=review.pk).update(
                decision=Review.Decision.ADJUSTED, score=score, reason=reason, by=by, updated_at=timezone.now()
            )
            scores_changed.send(sender=Review, assessment_ids=[assessment.pk])  # an update: no post_save
            recorded.append({"unit": str(assessment.unit), "code": code, "old": old, "new": format(score, "f")})
            record(
                actor=by,
                action="result.amend",
                obj=assessment,
                campaign=campaign,
                unit=assessment.unit,
                code=code,
                field="score",
                old=old,
                new=format(score, "f"),
                comment=reason,
            )
        snapshot = build_snapshot(campaign, (Assessment.Status.PUBLISHED,), progress)
        _mark_old_scores(snapshot, latest.snapshot, recorded)
        publication = Publication.objects.create(
            campaign=campaign, version=latest.version + 1, snapshot=snapshot, reason=reason, changes=recorded, by=by
        )
    _announce(campaign, publication)
    return publication


def _mark_old_scores(snapshot: Snapshot, old: Snapshot, changes: list[Change]) -> None:
    """Fill each change's `old` with the score the previous version published."""
    published = {u["unit"]: u for g in old["groups"] for u in g["units"]}
    for change in changes:
        unit = published.get(change["unit"])
        change["old"] = unit["items"].get(change["code"]) if unit else change["old"]
    snapshot["notes"] = list(old["notes"])


def import_published(
    *,
    campaign: Campaign,
    group: CampaignGroup,
    path: str | Path,
    by: User,
    decision_number: str,
    decision_date: datetime.date | None = None,
    decision_date_text: str = "",
    signer: str = "",
) -> Publication:
    """Publish a results table the province already issued (an earlier year), as printed.

    Figures are taken as published (a results file, or an appendix workbook's overall tables);
    `dti check`'s findings on it (across the sheets of a workbook) are kept as notes so
    readers see where the printed sums do not add up. The campaign, still being prepared, moves
    to published with its results marked as imported.
    """
    campaign_workflow.check(by, "import_results", campaign)
    framework = group.framework.engine()
    appendix = read_appendix(framework, path)  # a results file, or an appendix workbook read whole
    table = appendix.results()
    results = [row_result(framework, row) for row in table.rows]
    rank_results(framework, results)
    types = {str(p.unit): p.unit.unit_type.code for p in group.participations.select_related("unit__unit_type")}
    with transaction.atomic():
        campaign_workflow.import_results(campaign=campaign, by=by, comment=Path(path).name)
        approval, _created = Approval.objects.update_or_create(
            campaign=campaign,
            defaults={
                "decision_number": decision_number,
                "decision_date": decision_date,
                "decision_date_text": decision_date_text,
                "signer": signer,
                "by": by,
            },
        )
        snapshot = _head(campaign, approval)
        snapshot["imported"] = Path(path).name
        snapshot["groups"].append(
            {
                "name": group.name,
                "framework": framework_part(framework, group.framework.code, group.framework.content_hash),
                "units": [
                    unit_part(framework, r, None, types.get(r.unit))
                    for r in sorted(results, key=lambda r: display_key(framework, r))
                ],
                "excluded": [],
            }
        )
        snapshot["notes"] = [f.message for f in check_appendix(framework, appendix)]
        publication = Publication.objects.create(campaign=campaign, version=1, snapshot=snapshot, by=by)
        record(
            actor=by,
            action="publication.import",
            obj=campaign,
            campaign=campaign,
            field="publication",
            new={"version": 1, "content_hash": publication.content_hash, "file": Path(path).name},
        )
    return publication
