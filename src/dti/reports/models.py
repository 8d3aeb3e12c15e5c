"""What the documents keep besides the published figures: the appendix's heading per campaign,
and each unit's analysis notes and targets.

The figures themselves are never stored here: they come from the published snapshot (or, before
publication, from the appraised results), so a document cannot disagree with the results.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

NOTE_LENGTH = 10_000  # characters per editable section of a report
TARGET_CODE_TOTAL = "total"


class DocumentSettings(models.Model):
    """The appendix's heading for one campaign: the issuing body (under its parent), the place,
    the appendix number and title, and the decision number's suffix for an unsigned draft."""

    campaign = models.OneToOneField(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="document_settings", verbose_name=_("Kỳ đánh giá")
    )
    issuer = models.CharField(_("Cơ quan ban hành"), max_length=200)
    parent = models.CharField(_("Cơ quan cấp trên"), max_length=200, blank=True)
    place = models.CharField(_("Địa danh"), max_length=100, blank=True)
    number_suffix = models.CharField(_("Ký hiệu sau số quyết định"), max_length=40, default="/QĐ-UBND")
    appendix_number = models.CharField(_("Số phụ lục"), max_length=20, blank=True)
    title = models.CharField(_("Tên phụ lục"), max_length=500)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Thiết lập văn bản")
        verbose_name_plural = _("Thiết lập văn bản")

    def __str__(self) -> str:
        return f"{self.campaign} — {self.issuer}"


class ReportNotes(models.Model):
    """The written sections of a unit's analysis report in one campaign: causes, responsible
    agencies and measures (re-used as the starting text next year)."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="report_notes")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="report_notes")
    causes = models.TextField(_("Nguyên nhân"), blank=True, max_length=NOTE_LENGTH)
    agencies = models.TextField(_("Cơ quan chịu trách nhiệm"), blank=True, max_length=NOTE_LENGTH)
    measures = models.TextField(_("Giải pháp"), blank=True, max_length=NOTE_LENGTH)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "campaign"], name="unique_report_notes")]
        verbose_name = _("Nội dung báo cáo phân tích")
        verbose_name_plural = _("Nội dung báo cáo phân tích")

    def __str__(self) -> str:
        return f"{self.unit} — {self.campaign}"


class Target(models.Model):
    """A unit's target rank range for one index (or the total) in one year: "10–15", "≤ 10"."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(_("Mã chỉ số"), max_length=40)  # an index code, or "total"
    year = models.PositiveIntegerField(_("Năm"))
    ranks = models.CharField(_("Thứ hạng mục tiêu"), max_length=40)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit", "year", "code"]
        constraints = [models.UniqueConstraint(fields=["unit", "code", "year"], name="unique_target")]
        verbose_name = _("Mục tiêu xếp hạng")
        verbose_name_plural = _("Mục tiêu xếp hạng")

    def __str__(self) -> str:
        return f"{self.unit} {self.code} {self.year}: {self.ranks}"
