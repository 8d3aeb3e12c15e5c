"""Changes to campaigns: create and edit, ranking groups, participating units, reopening a unit.

A campaign's state is not edited here: it moves only through `dti.campaigns.workflow`.

Each function checks permission and state, writes the change and its audit records in one
transaction, and raises ServiceError (Invalid with one message per field) with a message in the
active language (Vietnamese unless the person chose English).

Reopening asks whether the unit has already submitted: that is the assessment's fact
(`Assessment.is_submitted`), read through the participation's `assessment` relation, since
the assessments app stands above this one and is not imported here.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from operator import attrgetter
from typing import TYPE_CHECKING, Literal, TypedDict, Unpack

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dti.accounts.models import User
from dti.audit.services import record
from dti.campaigns.models import Campaign, CampaignGroup, Participation, Reopening
from dti.core.errors import ServiceError
from dti.core.permissions import Action, require
from dti.engine import Framework as EngineFramework
from dti.frameworks.models import Framework
from dti.units.models import Unit

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class Invalid(ServiceError):
    """Values that cannot be saved, each with its Vietnamese message, by field name."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(_("Có giá trị chưa hợp lệ: %(errors)s") % {"errors": "; ".join(map(str, errors.values()))})
        self.errors = errors


class CampaignValues(TypedDict):
    """The campaign's fields a person sets (their labels are in FIELDS)."""

    name: str
    year: int
    organiser: Unit | None
    period_start: datetime.date | None
    period_end: datetime.date | None
    submission_deadline: datetime.datetime | None
    appraisal_deadline: datetime.date | None
    explanation_deadline: datetime.date | None
    reappraisal_deadline: datetime.date | None
    publication_date: datetime.date | None


class CampaignChanges(TypedDict, total=False):
    """Those of the campaign's fields that campaign_update is given; the others keep their stored value."""

    name: str
    year: int
    organiser: Unit | None
    period_start: datetime.date | None
    period_end: datetime.date | None
    submission_deadline: datetime.datetime
    appraisal_deadline: datetime.date | None
    explanation_deadline: datetime.date | None
    reappraisal_deadline: datetime.date | None
    publication_date: datetime.date | None


CampaignField = Literal[
    "name",
    "year",
    "organiser",
    "period_start",
    "period_end",
    "submission_deadline",
    "appraisal_deadline",
    "explanation_deadline",
    "reappraisal_deadline",
    "publication_date",
]
Deadline = Literal[
    "submission_deadline", "appraisal_deadline", "explanation_deadline", "reappraisal_deadline", "publication_date"
]

# The campaign's fields a person sets, with their labels (for messages and the audit log).
FIELDS: dict[CampaignField, StrPromise] = {
    "name": gettext_lazy("Tên kỳ đánh giá"),
    "year": gettext_lazy("Năm đánh giá"),
    "organiser": gettext_lazy("Cơ quan tổ chức"),
    "period_start": gettext_lazy("Số liệu từ ngày"),
    "period_end": gettext_lazy("Số liệu đến ngày"),
    "submission_deadline": gettext_lazy("Hạn gửi báo cáo"),
    "appraisal_deadline": gettext_lazy("Hạn thẩm định"),
    "explanation_deadline": gettext_lazy("Hạn giải trình"),
    "reappraisal_deadline": gettext_lazy("Hạn phúc tra"),
    "publication_date": gettext_lazy("Ngày công bố dự kiến"),
}
# Deadlines in the order the yearly cycle reaches them.
_ORDER: tuple[Deadline, ...] = (
    "submission_deadline",
    "appraisal_deadline",
    "explanation_deadline",
    "reappraisal_deadline",
    "publication_date",
)
# States in which groups and participating units may still change.
_SETUP_STATES = (Campaign.State.DRAFT, Campaign.State.OPEN)


def _text(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def _day(value: datetime.date | datetime.datetime | None) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _format_date(value: datetime.date | datetime.datetime | None) -> str:
    """A day as dd/mm/yyyy, a moment as hh:mm dd/mm/yyyy in local time ("" for none)."""
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "H:i d/m/Y")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return ""


def _json(value: object) -> object:
    """A field's value as the audit log keeps it: dates in ISO form, the organiser by name."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Unit):
        return value.name
    return value


def _same_minute(first: object, second: object) -> bool:
    """Two moments that read the same to the minute (as a form shows them)."""
    if not isinstance(first, datetime.datetime) or not isinstance(second, datetime.datetime):
        return False
    if timezone.is_aware(first) != timezone.is_aware(second):
        return False
    return first.replace(second=0, microsecond=0) == second.replace(second=0, microsecond=0)


def _check(
    values: CampaignValues, *, now: datetime.datetime, changed: Collection[str], pk: int | None = None
) -> dict[str, str]:
    """Every problem of a campaign's values, by field; `changed` names the fields newly set, `pk` the
    campaign being edited (None: a new one)."""
    period_problem = _period_problem(values["period_start"], values["period_end"])
    year_problem = _year_problem(values["year"])
    if not year_problem and not period_problem:
        year_problem = _year_outside_period(values["year"], values["period_start"], values["period_end"])
    problems = {
        "name": _name_problem(values["name"]) or (_name_taken(values["name"], pk) if "name" in changed else ""),
        "year": year_problem,
        "period_end": period_problem,
        "submission_deadline": _deadline_problem(
            values["submission_deadline"], now=now, changed="submission_deadline" in changed
        ),
    }
    errors = {field: problem for field, problem in problems.items() if problem}
    errors.update(_order_problems(values, already=errors))
    return errors


def _name_problem(name: str) -> str:
    if not name:
        return _("Cần nhập tên kỳ đánh giá.")
    if len(name) > 300:
        return _("Tên kỳ đánh giá dài quá 300 ký tự.")
    return ""


def _name_taken(name: str, pk: int | None) -> str:
    """Another campaign (not `pk`) has this name, whatever its case: two would be told apart by nobody."""
    others = Campaign.objects.all() if pk is None else Campaign.objects.exclude(pk=pk)
    if any(other.casefold() == name.casefold() for other in others.values_list("name", flat=True)):
        return _("Đã có kỳ đánh giá tên “%(name)s”; hãy đặt một tên khác (ví dụ nêu rõ năm hoặc cấp đánh giá).") % {
            "name": name
        }
    return ""


def _year_problem(year: int) -> str:
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        return _("Năm đánh giá “%(year)s” không hợp lệ (cần từ 2000 đến 2100).") % {"year": year}
    return ""


def _year_outside_period(year: int, start: datetime.date | None, end: datetime.date | None) -> str:
    """A year before the data period begins or after it ends (a campaign assesses its own year's data)."""
    if (start is None or start.year <= year) and (end is None or year <= end.year):
        return ""
    return _(
        "Năm đánh giá %(year)s nằm ngoài kỳ số liệu (%(start)s – %(end)s); "
        "hãy kiểm tra lại năm đánh giá hoặc kỳ số liệu."
    ) % {"year": year, "start": _format_date(start) or "…", "end": _format_date(end) or "…"}


def _period_problem(start: datetime.date | None, end: datetime.date | None) -> str:
    if start and end and start > end:
        return _("Kỳ số liệu kết thúc (%(end)s) trước khi bắt đầu (%(start)s).") % {
            "end": _format_date(end),
            "start": _format_date(start),
        }
    return ""


def _deadline_problem(deadline: datetime.datetime | None, *, now: datetime.datetime, changed: bool) -> str:
    """What is wrong with the submission deadline: missing, without a time, or newly set in the past."""
    if deadline is None:
        return _("Cần nhập hạn gửi báo cáo.")
    if not timezone.is_aware(deadline):
        return _("Hạn gửi báo cáo cần có ngày và giờ.")
    if changed and deadline <= now:
        return _(
            "Hạn gửi báo cáo %(deadline)s đã qua; hãy chọn một thời điểm trong tương lai. "
            "Để cho một đơn vị gửi muộn, hãy dùng “Mở lại” cho đơn vị đó."
        ) % {"deadline": _format_date(deadline)}
    return ""


def _order_problems(values: CampaignValues, *, already: Mapping[str, str]) -> dict[str, str]:
    """Each deadline set before an earlier step's (those `already` found wrong are not compared)."""
    errors: dict[str, str] = {}
    previous: tuple[Deadline, datetime.date] | None = None
    for name in _ORDER:
        if name in already:
            continue
        day = _day(values[name])
        if day is None:
            continue
        if previous is not None and day < previous[1]:
            errors[name] = _("%(field)s (%(day)s) không được trước %(earlier)s (%(earlier_day)s).") % {
                "field": FIELDS[name],
                "day": _format_date(day),
                "earlier": FIELDS[previous[0]].lower(),
                "earlier_day": _format_date(previous[1]),
            }
        else:
            previous = (name, day)
    return errors


def campaign_create(
    *,
    name: str,
    year: int,
    submission_deadline: datetime.datetime | None,
    by: User,
    organiser: Unit | None = None,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    appraisal_deadline: datetime.date | None = None,
    explanation_deadline: datetime.date | None = None,
    reappraisal_deadline: datetime.date | None = None,
    publication_date: datetime.date | None = None,
) -> Campaign:
    """Create a campaign; its submission deadline must be in the future."""
    require(by, Action.MANAGE_CAMPAIGNS)
    values: CampaignValues = {
        "name": _text(name),
        "year": year,
        "organiser": organiser,
        "period_start": period_start,
        "period_end": period_end,
        "submission_deadline": submission_deadline,
        "appraisal_deadline": appraisal_deadline,
        "explanation_deadline": explanation_deadline,
        "reappraisal_deadline": reappraisal_deadline,
        "publication_date": publication_date,
    }
    errors = _check(values, now=timezone.now(), changed=FIELDS)
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        campaign = Campaign.objects.create(**values)
        record(
            actor=by,
            action="campaign.create",
            obj=campaign,
            campaign=campaign,
            new={k: _json(v) for k, v in values.items()},
        )
    return campaign


def _stored_values(campaign: Campaign) -> CampaignValues:
    return {
        "name": campaign.name,
        "year": campaign.year,
        "organiser": campaign.organiser,
        "period_start": campaign.period_start,
        "period_end": campaign.period_end,
        "submission_deadline": campaign.submission_deadline,
        "appraisal_deadline": campaign.appraisal_deadline,
        "explanation_deadline": campaign.explanation_deadline,
        "reappraisal_deadline": campaign.reappraisal_deadline,
        "publication_date": campaign.publication_date,
    }


def campaign_update(*, campaign: Campaign, by: User, **changes: Unpack[CampaignChanges]) -> Campaign:
    """Change a campaign's fields (those given); each change is recorded with its old value.

    A deadline already past may stay as it is, but a new submission deadline must be in the future.
    """
    require(by, Action.MANAGE_CAMPAIGNS)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        before = _stored_values(locked)
        values: CampaignValues = {**before, **changes}
        if _same_minute(values["submission_deadline"], before["submission_deadline"]):
            values["submission_deadline"] = before["submission_deadline"]  # forms show minutes only
        values["name"] = _text(values["name"])
        changed = [field for field in FIELDS if values[field] != before[field]]
        errors = _check(values, now=timezone.now(), changed=changed, pk=locked.pk)
        if errors:
            raise Invalid(errors)
        if not changed:
            return locked
        for field in changed:
            setattr(locked, field, values[field])
        locked.save(update_fields=sorted(changed))
        for field in changed:  # in the order of FIELDS
            record(
                actor=by,
                action="campaign.update",
                obj=locked,
                campaign=locked,
                field=field,
                old=_json(before[field]),
                new=_json(values[field]),
            )
    campaign.refresh_from_db()
    return campaign


def _require_setup(campaign: Campaign) -> None:
    if campaign.state not in _SETUP_STATES:
        raise ServiceError(
            _("Kỳ đánh giá đang ở trạng thái “%(state)s”: không thể thay đổi nhóm hoặc đơn vị tham gia nữa.")
            % {"state": campaign.get_state_display()}
        )


def group_add(*, campaign: Campaign, name: str, framework: Framework | None, by: User) -> CampaignGroup:
    """Add a ranking group (Nhóm xếp hạng) assessed with `framework`."""
    require(by, Action.MANAGE_CAMPAIGNS)
    _require_setup(campaign)
    name = _text(name)
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Cần nhập tên nhóm.")
    elif len(name) > 200:
        errors["name"] = _("Tên nhóm dài quá 200 ký tự.")
    elif any(g.name.casefold() == name.casefold() for g in campaign.groups.all()):
        errors["name"] = _("Kỳ đánh giá đã có nhóm “%(name)s”.") % {"name": name}
    if framework is None:
        errors["framework"] = _("Cần chọn bộ chỉ số cho nhóm.")
    if errors:
        raise Invalid(errors)
    assert framework is not None
    try:
        with transaction.atomic():
            order = max((g.order for g in campaign.groups.all()), default=0) + 1
            group = CampaignGroup.objects.create(campaign=campaign, name=name, framework=framework, order=order)
            record(
                actor=by,
                action="campaign.group_add",
                obj=group,
                campaign=campaign,
                new={"name": name, "framework": framework.code},
            )
    except IntegrityError as exc:
        raise Invalid({"name": _("Kỳ đánh giá đã có nhóm “%(name)s”.") % {"name": name}}) from exc
    return group


def _has_data(participation: Participation) -> bool:
    try:
        assessment = participation.assessment
    except ObjectDoesNotExist:
        return False
    return bool(
        assessment.status != assessment.Status.DRAFT
        or assessment.general
        or assessment.entries.exists()
        or assessment.evidence.exists()
    )


def participants_set(*, group: CampaignGroup, units: Iterable[Unit], by: User) -> list[Participation]:
    """Make `units` exactly the group's participating units; a unit takes part once per campaign.

    A unit that already has data in the campaign cannot be removed. Every problem is reported
    together and nothing changes unless all units can be set.
    """
    require(by, Action.MANAGE_CAMPAIGNS)
    campaign = group.campaign
    _require_setup(campaign)
    wanted = {unit.pk: unit for unit in units}
    with transaction.atomic():
        current = {
            p.unit_id: p
            for p in Participation.objects.select_for_update().filter(campaign=campaign).select_related("unit", "group")
        }
        to_add = [unit for pk, unit in wanted.items() if pk not in current]
        to_remove = [p for p in current.values() if p.group_id == group.pk and p.unit_id not in wanted]
        problems = [
            *_taken_elsewhere(group, wanted.values(), current),
            *_cannot_join(group, to_add),
            *_kept_with_data(to_remove),
        ]
        if problems:
            raise ServiceError(" ".join(problems))
        for participation in to_remove:
            record(
                actor=by,
                action="campaign.participant_remove",
                obj=group,
                campaign=campaign,
                unit=participation.unit,
                field="participants",
                old=participation.unit.name,
            )
            participation.delete()
        for unit in to_add:
            Participation.objects.create(campaign=campaign, group=group, unit=unit)
            record(
                actor=by,
                action="campaign.participant_add",
                obj=group,
                campaign=campaign,
                unit=unit,
                field="participants",
                new=unit.name,
            )
    return list(group.participations.select_related("unit"))


def _taken_elsewhere(group: CampaignGroup, units: Iterable[Unit], current: Mapping[int, Participation]) -> list[str]:
    """The units, by name, that already take part in the campaign in another group."""
    problems = []
    for unit in sorted(units, key=attrgetter("name")):
        elsewhere = current.get(unit.pk)
        if elsewhere is not None and elsewhere.group_id != group.pk:
            problems.append(
                _("%(unit)s đã tham gia kỳ đánh giá này trong nhóm “%(group)s”.")
                % {"unit": unit.name, "group": elsewhere.group.name}
            )
    return problems


def _cannot_join(group: CampaignGroup, units: Iterable[Unit]) -> list[str]:
    """Why each of the units, by name, cannot join `group`."""
    framework = group.framework.engine()
    problems = [_join_problem(unit, group, framework) for unit in sorted(units, key=attrgetter("name"))]
    return [problem for problem in problems if problem]


def _join_problem(unit: Unit, group: CampaignGroup, framework: EngineFramework) -> str:
    """Why `unit` cannot join `group` ("" when it can): it is inactive, or not of a type the framework assesses."""
    if not unit.is_active:
        return _("%(unit)s đã ngừng hoạt động.") % {"unit": unit.name}
    if framework.unit_types and unit.unit_type.code not in framework.unit_types:
        return _(
            "%(unit)s thuộc loại “%(type)s”, không thuộc các loại đơn vị của bộ chỉ số %(framework)s (%(types)s)."
        ) % {
            "unit": unit.name,
            "type": unit.unit_type.name,
            "framework": group.framework.code,
            "types": ", ".join(framework.unit_types.values()),
        }
    return ""


def _kept_with_data(leaving: Iterable[Participation]) -> list[str]:
    """The units, by name, that would leave the group but already have data in the campaign."""
    return [
        _("%(unit)s đã có số liệu trong kỳ đánh giá nên không thể bỏ khỏi nhóm.") % {"unit": participation.unit.name}
        for participation in sorted(leaving, key=attrgetter("unit.name"))
        if _has_data(participation)
    ]


def reopen_block_reason(participation: Participation, now: datetime.datetime | None = None) -> str:
    """Why submission cannot be reopened for this unit now ("" when it can)."""
    now = now or timezone.now()
    campaign = participation.campaign
    if not campaign.running():
        return _("Kỳ đánh giá đang ở trạng thái “%(state)s”: không thể mở lại việc gửi báo cáo.") % {
            "state": campaign.get_state_display()
        }
    if campaign.submission_open(now):
        return _("Kỳ đánh giá vẫn còn hạn gửi báo cáo (đến %(deadline)s); chưa cần mở lại.") % {
            "deadline": _format_date(campaign.submission_deadline)
        }
    try:
        assessment = participation.assessment
    except ObjectDoesNotExist:
        return ""
    if assessment.is_submitted:
        return _("%(unit)s đã gửi bản tự đánh giá; không cần mở lại.") % {"unit": participation.unit.name}
    return ""


def participation_reopen(
    *, participation: Participation, until: datetime.datetime | None, reason: str, by: User
) -> Reopening:
    """Let one unit enter and submit data after the deadline, until `until` (organiser, with a reason)."""
    require(by, Action.REOPEN_SUBMISSION)
    now = timezone.now()
    blocked = reopen_block_reason(participation, now)
    if blocked:
        raise ServiceError(blocked)
    reason = unicodedata.normalize("NFC", reason or "").strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = _("Cần nêu lý do mở lại.")
    if until is None:
        errors["until"] = _("Cần nhập thời hạn mở lại (ngày và giờ).")
    elif not timezone.is_aware(until):
        errors["until"] = _("Thời hạn mở lại cần có ngày và giờ.")
    elif until <= now:
        errors["until"] = _("Thời hạn mở lại (%(until)s) phải sau thời điểm hiện tại.") % {"until": _format_date(until)}
    if errors:
        raise Invalid(errors)
    assert until is not None
    with transaction.atomic():
        locked = Participation.objects.select_for_update().get(pk=participation.pk)
        old = locked.reopened_until
        reopening = Reopening.objects.create(participation=locked, by=by, reason=reason, until=until)
        locked.reopened_until = until
        locked.save(update_fields=["reopened_until"])
        record(
            actor=by,
            action="participation.reopen",
            obj=locked,
            campaign=locked.campaign,
            unit=locked.unit,
            field="reopened_until",
            old=_json(old),
            new=_json(until),
            comment=reason,
        )
    participation.reopened_until = until
    return reopening
