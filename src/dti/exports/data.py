"""Everything of a campaign as tables, one per kind, for the XLSX and CSV exports.

The figures come from where the pages take them: the claim and the appraised result from
`dti.appraisal.selectors.group_scores` (the workspace's and the chair's figures), the final
scores from the newest published snapshot (the public pages'), the formula's scores from the
engine on the unit's stored data (the unit's own page), every figure rounded by the engine's
`figures`. A fixed number of queries reads the whole campaign, whatever its number of units.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from dti.appraisal.models import Review
from dti.appraisal.selectors import GroupScores, group_scores
from dti.assessments.models import Assessment, Entry, Evidence, from_json
from dti.core.permissions import Action, can
from dti.core.roles import Role
from dti.engine import STATUS_LABELS, Field, Framework, UnitResult, figures, relative_bounds, score_unit
from dti.results.selectors import dec, versions

if TYPE_CHECKING:
    from dti.accounts.models import User
    from dti.campaigns.models import Campaign, CampaignGroup
    from dti.core.permissions import Person
    from dti.results.snapshot import Snapshot, SnapshotUnit

# Who may export a whole campaign: those who read every unit's data and answer for the campaign
# (an appraiser sees only the units assigned, a unit's people only their own).
EXPORTERS = (Role.ADMIN, Role.ORGANISER, Role.CHAIR, Role.VIEWER)
REFUSED = "Chỉ cơ quan tổ chức, Hội đồng đánh giá, quản trị hệ thống và người xem mới được xuất dữ liệu cả kỳ đánh giá."

Value = str | int | Decimal | datetime.date | datetime.datetime | None


def may_export(user: Person) -> bool:
    """Whether `user` may download everything of a campaign (every unit's data)."""
    return can(user, Action.VIEW_ASSESSMENT) and getattr(user, "role", None) in EXPORTERS


@dataclass(frozen=True)
class Column:
    """A column: its Vietnamese header and, for numbers, the decimals shown."""

    label: str
    decimals: int | None = None


@dataclass(frozen=True)
class Sheet:
    """One kind of data: `key` names its CSV file, `title` its sheet."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: Iterable[tuple[Value, ...]]  # made as they are written (a generator for the long tables)


KINDS = {
    "ky-danh-gia": "Kỳ đánh giá",
    "don-vi": "Đơn vị",
    "thong-tin-chung": "Thông tin chung",
    "so-lieu": "Số liệu",
    "diem": "Điểm chỉ số",
    "khong-ap-dung": "Không áp dụng",
    "tai-lieu": "Tài liệu kiểm chứng",
    "dieu-chinh": "Điều chỉnh thẩm định",
}
"""Every kind of data, by its file name, with its sheet's title."""
APPRAISAL_KINDS = ("dieu-chinh",)
"""The kinds only those who see the appraisal get."""


def kinds_for(user: Person) -> dict[str, str]:
    """The kinds of data `user` gets in an export (by file name, with their titles)."""
    appraisal = can(user, Action.VIEW_APPRAISAL)
    return {key: title for key, title in KINDS.items() if appraisal or key not in APPRAISAL_KINDS}


def _name(user: User | None) -> str:
    return "" if user is None else user.full_name or user.username


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    """A moment in the platform's time zone, without it (spreadsheets hold no time zone)."""
    return None if moment is None else timezone.localtime(moment).replace(tzinfo=None)


def _cell(value: object) -> Value:
    """A stored input as a cell: numbers stay numbers, yes/no in words, the rest as text."""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, Decimal | int | datetime.date) or value is None:
        return value
    return str(value)


@dataclass
class _Group:
    """One ranking group's figures: the framework, the claim and appraised result of each submitted
    unit, the formula's result of every unit, the published figures of each unit by name; `fields`
    each item's inputs by name (looked up once for all the units)."""

    framework: Framework
    scores: dict[int, GroupScores]
    formula: dict[int, UnitResult]
    published: dict[str, SnapshotUnit]
    fields: dict[str, dict[str, Field]]


def _formula(
    framework: Framework, assessments: Sequence[Assessment], scores: Mapping[int, GroupScores]
) -> dict[int, UnitResult]:
    """The engine's scores of each unit's own data, as its page shows them: min–max items bounded by
    the submitted units of the group, a unit not yet submitted joining them (`relative_bounds`)."""
    inputs = {a.pk: a.unit_inputs(list(a.entries.all())) for a in assessments}
    if not any(item.scoring.relative for item in framework.walk()):
        return {pk: score_unit(framework, unit) for pk, unit in inputs.items()}
    submitted = [inputs[pk] for pk in scores]
    shared = relative_bounds(framework, submitted)
    return {
        pk: score_unit(
            framework, unit, relative=shared if pk in scores else relative_bounds(framework, [unit, *submitted])
        )
        for pk, unit in inputs.items()
    }


def _published(snapshot: Snapshot | None) -> dict[str, dict[str, SnapshotUnit]]:
    """The published figures of each group (by name), each unit by name."""
    if snapshot is None:
        return {}
    return {group["name"]: {unit["unit"]: unit for unit in group["units"]} for group in snapshot["groups"]}


def _assessments(campaign: Campaign) -> list[Assessment]:
    """Every assessment of the campaign with what the export reads of it, in a fixed number of queries."""
    return list(
        Assessment.objects.filter(participation__campaign=campaign)
        .select_related(
            "participation__unit__unit_type",
            "participation__group__framework",
            "participation__campaign",
            "submitted_by",
        )
        .prefetch_related(
            Prefetch("entries", Entry.objects.select_related("updated_by").order_by("code")),
            Prefetch("evidence", Evidence.objects.select_related("uploaded_by")),
            Prefetch("reviews", Review.objects.select_related("by").order_by("code")),
        )
        .order_by("participation__group__name", "participation__unit__name")
    )


def _groups(campaign: Campaign, assessments: Sequence[Assessment], snapshot: Snapshot | None) -> dict[int, _Group]:
    published = _published(snapshot)
    by_group: dict[int, list[Assessment]] = {}
    for assessment in assessments:
        by_group.setdefault(assessment.participation.group_id, []).append(assessment)
    groups: dict[int, _Group] = {}
    for group_pk, members in by_group.items():
        group: CampaignGroup = members[0].participation.group
        framework = group.framework.engine()
        scores = {unit.assessment.pk: unit for unit in group_scores(group)}
        fields = {item.code: {f.name: f for f in item.inputs} for item in framework.walk()}
        groups[group_pk] = _Group(
            framework, scores, _formula(framework, members, scores), published.get(group.name, {}), fields
        )
    return groups


def campaign_sheets(campaign: Campaign, user: Person) -> list[Sheet]:
    """Every kind of data of `campaign` `user` may export, as tables (the appraisal's own data,
    appraised scores and adjustments, only for those who see the appraisal)."""
    appraisal = can(user, Action.VIEW_APPRAISAL)
    publication = versions(campaign.pk).first()
    snapshot = publication.snapshot if publication is not None else None
    assessments = _assessments(campaign)
    groups = _groups(campaign, assessments, snapshot)
    precision = max((group.framework.precision for group in groups.values()), default=2)
    info = _campaign_rows(campaign, assessments, user, publication.version if publication else None)
    sheets = [
        Sheet("ky-danh-gia", KINDS["ky-danh-gia"], (Column("Mục"), Column("Giá trị")), info),
        _units(assessments, groups, precision, appraisal),
        _general(assessments, groups),
        _inputs(assessments, groups),
        _scores(assessments, groups, precision, appraisal),
        _na(assessments, appraisal),
        _evidence(assessments, user),
    ]
    if appraisal:
        sheets.append(_adjustments(assessments, groups))
    return sheets


def _campaign_rows(
    campaign: Campaign, assessments: Sequence[Assessment], user: Person, version: int | None
) -> list[tuple[Value, ...]]:
    rows: list[tuple[Value, ...]] = [
        ("Tên kỳ đánh giá", campaign.name),
        ("Năm đánh giá", campaign.year),
        ("Cơ quan tổ chức", campaign.organiser.name if campaign.organiser else ""),
        ("Trạng thái", campaign.get_state_display()),
        ("Số liệu từ ngày", campaign.period_start),
        ("Số liệu đến ngày", campaign.period_end),
        ("Hạn gửi báo cáo", _local(campaign.submission_deadline)),
        ("Hạn thẩm định", campaign.appraisal_deadline),
        ("Phiên bản kết quả công bố", version if version is not None else "chưa công bố"),
    ]
    seen: set[int] = set()
    for assessment in assessments:
        group = assessment.participation.group
        if group.pk not in seen:
            seen.add(group.pk)
            framework = group.framework
            rows.append((f"Nhóm xếp hạng: {group.name}", f"{framework.code} ({framework.content_hash})"))
    rows.append(("Số đơn vị", len(assessments)))
    rows.append(("Xuất lúc", _local(timezone.now())))
    rows.append(("Người xuất", _name(user if getattr(user, "is_authenticated", False) else None)))  # type: ignore[arg-type]
    return rows


def _figure(result: UnitResult | None, framework: Framework) -> Decimal | None:
    return None if result is None else figures(framework, result).total


def _units(assessments: Sequence[Assessment], groups: Mapping[int, _Group], precision: int, appraisal: bool) -> Sheet:
    columns = [
        Column("Đơn vị"),
        Column("Loại đơn vị"),
        Column("Nhóm xếp hạng"),
        Column("Trạng thái"),
        Column("Gửi lúc"),
        Column("Người gửi"),
        Column("Cập nhật lúc"),
        Column("Tổng điểm theo công thức", precision),
        Column("Tổng điểm tự đánh giá", precision),
    ]
    if appraisal:
        columns.append(Column("Tổng điểm thẩm định", precision))
    columns += [Column("Tổng điểm công bố", precision), Column("Tỷ lệ % công bố", precision)]
    columns += [Column("Xếp hạng công bố", 0), Column("Xếp loại công bố")]

    def rows() -> Iterator[tuple[Value, ...]]:
        for a in assessments:
            group = groups[a.participation.group_id]
            scores = group.scores.get(a.pk)
            final = group.published.get(a.participation.unit.name)
            row: list[Value] = [
                a.participation.unit.name,
                a.participation.unit.unit_type.name,
                a.participation.group.name,
                a.get_status_display(),
                _local(a.submitted_at),
                _name(a.submitted_by),
                _local(a.updated_at),
                _figure(group.formula[a.pk], group.framework),
                _figure(scores.claimed if scores else None, group.framework),
            ]
            if appraisal:
                row.append(_figure(scores.appraised if scores else None, group.framework))
            row += [
                dec(final["total"]) if final else None,
                dec(final["percent"]) if final else None,
                final["rank"] if final else None,
                final["class"] if final else None,
            ]
            yield tuple(row)

    return Sheet("don-vi", KINDS["don-vi"], tuple(columns), rows())


def _general(assessments: Sequence[Assessment], groups: Mapping[int, _Group]) -> Sheet:
    columns = (Column("Đơn vị"), Column("Mã"), Column("Nội dung"), Column("Giá trị"))

    def rows() -> Iterator[tuple[Value, ...]]:
        for a in assessments:
            for field in groups[a.participation.group_id].framework.general_info:
                raw = a.general.get(field.name)
                value = None if raw is None else _cell(from_json(field, raw))
                yield (a.participation.unit.name, field.name, field.label, value)

    return Sheet("thong-tin-chung", KINDS["thong-tin-chung"], columns, rows())


def _inputs(assessments: Sequence[Assessment], groups: Mapping[int, _Group]) -> Sheet:
    """The raw data in the command line's long format (unit, code, field, value), with who and when."""
    columns = (
        Column("unit"),
        Column("code"),
        Column("field"),
        Column("value"),
        Column("Nội dung trường"),
        Column("Ghi chú của đơn vị"),
        Column("Cập nhật lúc"),
        Column("Người cập nhật"),
    )

    def rows() -> Iterator[tuple[Value, ...]]:
        for a in assessments:
            by_item = groups[a.participation.group_id].fields
            for entry in a.entries.all():
                fields = by_item.get(entry.code, {})
                values: list[tuple[str, str, object]] = [
                    (name, fields[name].label, from_json(fields[name], raw))
                    for name, raw in entry.values.items()
                    if name in fields and raw is not None
                ]
                if entry.score is not None:
                    values.append(("score", "Điểm chấm trực tiếp", entry.score))
                for name, label, value in values:
                    yield (
                        a.participation.unit.name,
                        entry.code,
                        name,
                        _cell(value),
                        label,
                        entry.comment,
                        _local(entry.updated_at),
                        _name(entry.updated_by),
                    )

    return Sheet("so-lieu", KINDS["so-lieu"], columns, rows())


def _scores(assessments: Sequence[Assessment], groups: Mapping[int, _Group], precision: int, appraisal: bool) -> Sheet:
    columns = [
        Column("Đơn vị"),
        Column("Mã chỉ số"),
        Column("Tên chỉ số"),
        Column("Điểm tối đa", precision),
        Column("Điểm theo công thức", precision),
        Column("Tình trạng"),
        Column("Điểm tự đánh giá", precision),
    ]
    if appraisal:
        columns.append(Column("Điểm thẩm định", precision))
    columns.append(Column("Điểm công bố", precision))

    def rows() -> Iterator[tuple[Value, ...]]:
        for a in assessments:
            group = groups[a.participation.group_id]
            framework = group.framework
            formula = group.formula[a.pk]
            scores = group.scores.get(a.pk)
            shown = figures(framework, formula).items
            claimed = figures(framework, scores.claimed).items if scores else {}
            appraised = figures(framework, scores.appraised).items if scores else {}
            final = group.published.get(a.participation.unit.name)
            final_items = final["items"] if final else {}
            for item in framework.walk():
                if item.code not in formula.items:
                    continue
                row: list[Value] = [
                    a.participation.unit.name,
                    item.code,
                    item.name,
                    item.max,
                    shown.get(item.code),
                    STATUS_LABELS[formula.items[item.code].status],
                    claimed.get(item.code),
                ]
                if appraisal:
                    row.append(appraised.get(item.code))
                row.append(dec(final_items.get(item.code)))
                yield tuple(row)

    return Sheet("diem", KINDS["diem"], tuple(columns), rows())


def _na(assessments: Sequence[Assessment], appraisal: bool) -> Sheet:
    columns = [Column("Đơn vị"), Column("Mã chỉ số"), Column("Lý do"), Column("Người đề nghị"), Column("Cập nhật lúc")]
    if appraisal:
        columns.append(Column("Kết luận thẩm định"))

    def rows() -> Iterator[tuple[Value, ...]]:
        for a in assessments:
            reviews = {review.code: review for review in a.reviews.all()}
            for entry in a.entries.all():
                if not entry.na_requested:
                    continue
                row: list[Value] = [
                    a.participation.unit.name,
                    entry.code,
                    entry.na_reason,
                    _name(entry.updated_by),
                    _local(entry.updated_at),
                ]
                if appraisal:
                    review = reviews.get(entry.code)
                    row.append(review.get_na_decision_display() if review and review.na_decision else "")
                yield tuple(row)

    return Sheet("khong-ap-dung", KINDS["khong-ap-dung"], tuple(columns), rows())


def _link(evidence: Evidence) -> str:
    """The absolute address that downloads an evidence file (the platform's, `SITE_URL`)."""
    return settings.SITE_URL.rstrip("/") + reverse("assessments:evidence_download", args=[evidence.pk])


def _evidence(assessments: Sequence[Assessment], user: Person) -> Sheet:
    """The evidence list, with a download link for a file to those who may read the unit's data."""
    columns = (
        Column("Đơn vị"),
        Column("Mã chỉ số"),
        Column("Loại"),
        Column("Tên tệp"),
        Column("Số, ký hiệu văn bản"),
        Column("Ngày ban hành"),
        Column("Trích yếu"),
        Column("Dung lượng (byte)", 0),
        Column("Người tải lên"),
        Column("Tải lên lúc"),
        Column("Đường dẫn tải về"),
    )

    def rows() -> Iterator[tuple[Value, ...]]:
        for a in assessments:
            readable = can(user, Action.VIEW_ASSESSMENT, a)
            for document in a.evidence.all():
                link = _link(document) if document.file and readable else ""
                yield (
                    a.participation.unit.name,
                    document.code,
                    document.get_kind_display(),
                    document.original_name,
                    document.doc_number,
                    document.doc_date,
                    document.title,
                    document.size if document.file else None,
                    _name(document.uploaded_by),
                    _local(document.created_at),
                    link,
                )

    return Sheet("tai-lieu", KINDS["tai-lieu"], columns, rows())


def _review_values(fields: Mapping[str, Field], review: Review) -> str:
    """The appraiser's corrected inputs in words: "field = value; …"."""
    parts: Iterable[str] = (
        f"{name} = {_cell(from_json(fields[name], raw))}" for name, raw in review.values.items() if name in fields
    )
    return "; ".join(parts)


def _adjustments(assessments: Sequence[Assessment], groups: Mapping[int, _Group]) -> Sheet:
    columns = (
        Column("Đơn vị"),
        Column("Mã chỉ số"),
        Column("Kết luận"),
        Column("Số liệu thẩm định"),
        Column("Điểm thẩm định", 4),
        Column("Đề nghị không áp dụng"),
        Column("Lý do điều chỉnh"),
        Column("Người thẩm định"),
        Column("Cập nhật lúc"),
    )

    def rows() -> Iterator[tuple[Value, ...]]:
        for a in assessments:
            by_item = groups[a.participation.group_id].fields
            for review in a.reviews.all():
                yield (
                    a.participation.unit.name,
                    review.code,
                    review.get_decision_display(),
                    _review_values(by_item.get(review.code, {}), review),
                    review.score,
                    review.get_na_decision_display() if review.na_decision else "",
                    review.reason,
                    _name(review.by),
                    _local(review.updated_at),
                )

    return Sheet("dieu-chinh", KINDS["dieu-chinh"], columns, rows())
