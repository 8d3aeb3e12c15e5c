"""Campaigns (Kỳ đánh giá): one year's assessment, its ranking groups and participating units."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Campaign(models.Model):
    """One year's assessment with its data period and deadlines."""

    class State(models.TextChoices):
        """The campaign's stage; it changes only through `dti.campaigns.workflow` (legal moves in MOVES)."""

        DRAFT = "draft", _("Đang chuẩn bị")
        OPEN = "open", _("Đang nhận báo cáo")
        SUBMISSIONS_CLOSED = "submissions_closed", _("Đã dừng nhận báo cáo")
        APPRAISAL = "appraisal", _("Đang thẩm định")
        APPROVED = "approved", _("Đã phê duyệt")
        PUBLISHED = "published", _("Đã công bố")

    # From opening until approval: submitted units are appraised, late ones may be given more time.
    RUNNING: ClassVar[tuple[str, ...]] = (State.OPEN, State.SUBMISSIONS_CLOSED, State.APPRAISAL)

    name = models.CharField(_("Tên kỳ đánh giá"), max_length=300)
    year = models.PositiveIntegerField(_("Năm đánh giá"))
    organiser = models.ForeignKey(
        "units.Unit",
        verbose_name=_("Cơ quan tổ chức"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organised_campaigns",
    )
    state = models.CharField(_("Trạng thái"), max_length=20, choices=State.choices, default=State.DRAFT)
    period_start = models.DateField(_("Số liệu từ ngày"), null=True, blank=True)
    period_end = models.DateField(_("Số liệu đến ngày"), null=True, blank=True)
    submission_deadline = models.DateTimeField(_("Hạn gửi báo cáo"))
    appraisal_deadline = models.DateField(_("Hạn thẩm định"), null=True, blank=True)
    explanation_deadline = models.DateField(_("Hạn giải trình"), null=True, blank=True)
    reappraisal_deadline = models.DateField(_("Hạn phúc tra"), null=True, blank=True)
    publication_date = models.DateField(_("Ngày công bố dự kiến"), null=True, blank=True)
    is_sample = models.BooleanField(_("Dữ liệu mẫu"), default=False)
    # Published from a results table the province had already issued: no self-assessment or
    # appraisal on the platform, only the published ranking (set by the move `import_results`).
    imported_results = models.BooleanField(_("Kết quả nhập từ bảng đã công bố"), default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("Kỳ đánh giá")
        verbose_name_plural = _("Kỳ đánh giá")

    def __str__(self) -> str:
        return self.name

    def running(self) -> bool:
        """Between opening and approval (see RUNNING)."""
        return self.state in self.RUNNING

    def submission_open(self, now: datetime.datetime | None = None) -> bool:
        """Whether units may still enter and submit data (before the deadline, campaign open)."""
        now = now or timezone.now()
        return self.state == self.State.OPEN and now <= self.submission_deadline


class CampaignGroup(models.Model):
    """A ranking group (Nhóm xếp hạng) with the framework its units are assessed by."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("Kỳ đánh giá"), on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField(_("Tên nhóm"), max_length=200)
    framework = models.ForeignKey(
        "frameworks.Framework", verbose_name=_("Bộ chỉ số"), on_delete=models.PROTECT, related_name="campaign_groups"
    )
    order = models.PositiveIntegerField(_("Thứ tự"), default=1)

    class Meta:
        ordering = ["campaign", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="unique_group_name_per_campaign")]
        verbose_name = _("Nhóm xếp hạng")
        verbose_name_plural = _("Nhóm xếp hạng")

    def __str__(self) -> str:
        return self.name


class Participation(models.Model):
    """A unit taking part in a campaign, in one ranking group."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("Kỳ đánh giá"), on_delete=models.CASCADE, related_name="participations"
    )
    group = models.ForeignKey(
        CampaignGroup, verbose_name=_("Nhóm xếp hạng"), on_delete=models.PROTECT, related_name="participations"
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("Đơn vị"), on_delete=models.PROTECT, related_name="participations"
    )
    reopened_until = models.DateTimeField(_("Mở lại đến"), null=True, blank=True)

    class Meta:
        ordering = ["group__order", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="unique_unit_per_campaign")]
        verbose_name = _("Đơn vị tham gia")
        verbose_name_plural = _("Đơn vị tham gia")

    def __str__(self) -> str:
        return f"{self.unit} — {self.campaign}"

    def may_submit(self, now: datetime.datetime | None = None) -> bool:
        """Before the campaign deadline, or inside a window the organiser reopened for this unit."""
        now = now or timezone.now()
        if self.campaign.submission_open(now):
            return True
        return self.campaign.running() and self.reopened_until is not None and now <= self.reopened_until


class Reopening(models.Model):
    """The organiser reopened submission for one unit after the deadline: who, why, until when."""

    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="reopenings")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("Lý do"))
    until = models.DateTimeField(_("Mở đến"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Lần mở lại")
        verbose_name_plural = _("Các lần mở lại")


class Visit(models.Model):
    """When a person looked at one of a campaign's pages (`page` names it), so the page can show
    what others changed since the person's previous visit. A mark of reading, not a change of
    data: it is not audited."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    page = models.CharField(max_length=40)
    seen_at = models.DateTimeField()  # the end of the previous visit: what "changed since" compares with
    last_at = models.DateTimeField()  # the latest request of the current visit

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "user", "page"], name="unique_visit_per_page")]
