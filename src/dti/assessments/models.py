"""A unit's self-assessment: general info, per-indicator data and claims, and evidence."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from decimal import Decimal
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dti.engine import Field, InputType, UnitInputs
from dti.engine import Framework as EngineFramework

if TYPE_CHECKING:
    from dti.campaigns.models import Campaign
    from dti.units.models import Unit


def to_json(value: object) -> Any:
    """A parsed input value as stored: Decimals as plain strings, booleans and text as they are.

    The result is a JSON value for a JSONField (Any, as Django types those fields).
    """
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


class EntryData(Protocol):
    """What scoring reads of an entry: an `Entry`, or its columns read without the model (a whole
    group's rows, `dti.appraisal.standing`)."""

    @property
    def code(self) -> str: ...
    @property
    def values(self) -> Any: ...
    @property
    def score(self) -> Decimal | None: ...
    @property
    def self_score(self) -> Decimal | None: ...
    @property
    def na_requested(self) -> bool: ...
    @property
    def na_reason(self) -> str: ...


def from_json(field: Field, value: object) -> object:
    """A stored value back as the engine's type for `field`."""
    if value is None:
        return None
    if field.type in (InputType.NUMBER, InputType.COUNT, InputType.PERCENT):
        return Decimal(str(value))
    if field.type is InputType.YES_NO:
        return bool(value)
    return str(value)


class Assessment(models.Model):
    """One unit's self-assessment in one campaign."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang nhập liệu")
        SUBMITTED = "submitted", _("Đã gửi")
        IN_APPRAISAL = "in_appraisal", _("Đang thẩm định")
        EXPLANATION_REQUESTED = "explanation_requested", _("Đề nghị giải trình")
        EXPLAINED = "explained", _("Đã giải trình")
        APPRAISED = "appraised", _("Đã thẩm định")
        APPROVED = "approved", _("Đã phê duyệt")
        PUBLISHED = "published", _("Đã công bố")
        RETURNED = "returned", _("Trả lại đơn vị")
        REOPENED = "reopened", _("Mở lại thẩm định")

    participation = models.OneToOneField(
        "campaigns.Participation",
        verbose_name=_("Đơn vị tham gia"),
        on_delete=models.CASCADE,
        related_name="assessment",
    )
    status = models.CharField(_("Trạng thái"), max_length=30, choices=Status.choices, default=Status.DRAFT)
    general = models.JSONField(_("Thông tin chung"), default=dict, blank=True)
    general_version = models.PositiveIntegerField(default=0)
    is_sample = models.BooleanField(_("Dữ liệu mẫu"), default=False)
    submitted_at = models.DateTimeField(_("Thời điểm gửi"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người gửi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Bản tự đánh giá")
        verbose_name_plural = _("Bản tự đánh giá")

    def __str__(self) -> str:
        return str(self.participation)

    @property
    def is_submitted(self) -> bool:
        """Whether the unit has sent its data: it no longer changes them unless they come back to it.

        The campaign's pages read this through the participation's `assessment` relation
        (campaigns stands below this app and does not import it).
        """
        return self.status not in UNIT_EDITABLE

    @property
    def unit(self) -> Unit:
        """The unit assessed."""
        return self.participation.unit

    @property
    def campaign(self) -> Campaign:
        """The campaign the assessment belongs to."""
        return self.participation.campaign

    def framework(self) -> EngineFramework:
        """The engine framework of the unit's ranking group."""
        return self.participation.group.framework.engine()

    def unit_inputs(self, entries: Iterable[EntryData] | None = None) -> UnitInputs:
        """Everything the engine needs to score this unit, from the stored values."""
        framework = self.framework()
        general_fields = {f.name: f for f in framework.general_info}
        unit = self.participation.unit
        inputs = UnitInputs(
            unit=unit.name,
            group=self.participation.group.name,
            type=unit.unit_type.code,
            general={
                code: from_json(general_fields[code], value)
                for code, value in self.general.items()
                if code in general_fields and value is not None
            },
        )
        items = {i.code: i for i in framework.walk()}
        direct = {i.code for i in framework.indices if i.scored_directly}
        for entry in entries if entries is not None else self.entries.all():
            item = items.get(entry.code)
            if item is None and entry.code not in direct:
                continue
            fields = {f.name: f for f in item.inputs} if item else {}
            values: dict[str, object] = {}
            for name, raw in entry.values.items():
                field = fields.get(name)
                if field is not None:
                    values[name] = from_json(field, raw)
            if entry.score is not None:
                values["score"] = entry.score
            if values:
                inputs.values[entry.code] = values
            if entry.self_score is not None:
                inputs.claimed[entry.code] = entry.self_score
            if entry.na_requested:
                inputs.na[entry.code] = entry.na_reason or "Đơn vị đề nghị không áp dụng"
        return inputs


class Transition(models.Model):
    """One step of an assessment's workflow: from which status to which, who, when, why."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="transitions")
    old = models.CharField(_("Từ trạng thái"), max_length=30)
    new = models.CharField(_("Sang trạng thái"), max_length=30)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    comment = models.TextField(_("Ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("Bước xử lý")
        verbose_name_plural = _("Các bước xử lý")


# Statuses in which the unit may change its data (before submitting, or after a return).
UNIT_EDITABLE = (Assessment.Status.DRAFT, Assessment.Status.RETURNED)


class Entry(models.Model):
    """A unit's data for one indicator: input values, manual score, self score, N/A request.

    `version` grows with every save: a save carrying an older version is refused instead of
    overwriting someone else's work.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="entries")
    code = models.CharField(_("Mã chỉ số"), max_length=40)
    values = models.JSONField(_("Số liệu"), default=dict, blank=True)
    score = models.DecimalField(_("Điểm (chấm trực tiếp)"), max_digits=9, decimal_places=4, null=True, blank=True)
    self_score = models.DecimalField(_("Điểm tự chấm"), max_digits=9, decimal_places=4, null=True, blank=True)
    comment = models.TextField(_("Ghi chú / thuyết minh"), blank=True)
    na_requested = models.BooleanField(_("Đề nghị không áp dụng"), default=False)
    na_reason = models.TextField(_("Lý do không áp dụng"), blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "code"], name="unique_entry_per_indicator")]
        verbose_name = _("Số liệu chỉ số")
        verbose_name_plural = _("Số liệu chỉ số")

    def __str__(self) -> str:
        return f"{self.assessment} · {self.code}"


def evidence_path(instance: Evidence, filename: str) -> str:
    """A random stored name: the uploaded name is kept only as data, never as a path."""
    return f"{instance.assessment_id}/{uuid.uuid4().hex}{PurePosixPath(filename).suffix.lower()}"


class Evidence(models.Model):
    """A document proving a claim: an uploaded file, or a reference (number, date, title)."""

    class Kind(models.TextChoices):
        FILE = "file", _("Tệp đính kèm")
        REFERENCE = "reference", _("Số hiệu văn bản")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    code = models.CharField(_("Mã chỉ số"), max_length=40)
    kind = models.CharField(_("Loại"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("Tệp"), upload_to=evidence_path, max_length=300, blank=True)
    original_name = models.CharField(_("Tên tệp gốc"), max_length=255, blank=True)
    content_type = models.CharField(_("Kiểu tệp"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("Dung lượng"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    doc_number = models.CharField(_("Số, ký hiệu văn bản"), max_length=120, blank=True)
    doc_date = models.DateField(_("Ngày ban hành"), null=True, blank=True)
    title = models.CharField(_("Trích yếu / tên tài liệu"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "created_at"]
        verbose_name = _("Tài liệu kiểm chứng")
        verbose_name_plural = _("Tài liệu kiểm chứng")

    def __str__(self) -> str:
        return self.original_name or self.doc_number or self.title
