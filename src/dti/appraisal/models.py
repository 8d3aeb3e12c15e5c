"""Appraisal: who checks which units, each indicator's verdict, explanation rounds, official figures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Assignment(models.Model):
    """An appraiser's scope: one unit of a campaign, all its indices or only the listed ones."""

    participation = models.ForeignKey(
        "campaigns.Participation", verbose_name=_("Đơn vị"), on_delete=models.CASCADE, related_name="assignments"
    )
    appraiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người thẩm định"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    indices = models.JSONField(_("Chỉ số chính được giao"), default=list, blank=True)  # [] = every index

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participation", "appraiser"], name="unique_assignment_per_appraiser")
        ]
        verbose_name = _("Phân công thẩm định")
        verbose_name_plural = _("Phân công thẩm định")

    def covers(self, index_code: str | None) -> bool:
        """Whether this assignment covers the main index `index_code` (None: any part of the unit)."""
        return index_code is None or not self.indices or index_code in self.indices


class Review(models.Model):
    """The appraisers' verdict on one indicator of one unit.

    `values` holds the inputs the appraiser corrected (only those); `score` a score set in
    place of the formula's. The appraised score is always the engine's result on the unit's
    data with these applied. `reason` is mandatory whenever anything is changed.
    """

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Chấp nhận")
        ADJUSTED = "adjusted", _("Điều chỉnh")

    class NaDecision(models.TextChoices):
        NONE = "", _("Chưa xét")
        ACCEPTED = "accepted", _("Đồng ý không áp dụng")
        REFUSED = "refused", _("Không đồng ý")

    assessment = models.ForeignKey("assessments.Assessment", on_delete=models.CASCADE, related_name="reviews")
    code = models.CharField(_("Mã chỉ số"), max_length=40)
    decision = models.CharField(_("Kết luận"), max_length=20, choices=Decision.choices)
    values = models.JSONField(_("Số liệu thẩm định"), default=dict, blank=True)
    score = models.DecimalField(_("Điểm thẩm định"), max_digits=9, decimal_places=4, null=True, blank=True)
    na_decision = models.CharField(_("Đề nghị không áp dụng"), max_length=20, choices=NaDecision.choices, blank=True)
    reason = models.TextField(_("Lý do điều chỉnh"), blank=True)
    version = models.PositiveIntegerField(default=0)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment", "code"]
        constraints = [models.UniqueConstraint(fields=["assessment", "code"], name="unique_review_per_indicator")]
        verbose_name = _("Kết quả thẩm định chỉ số")
        verbose_name_plural = _("Kết quả thẩm định chỉ số")

    def __str__(self) -> str:
        return f"{self.assessment} · {self.code}"

    @property
    def changes(self) -> bool:
        """Whether the verdict changes anything the unit claimed."""
        return self.adjusts(self.values, self.score, self.na_decision)

    @classmethod
    def adjusts(cls, values: object, score: object, na_decision: str) -> bool:
        """Whether a verdict of these `values`, `score` and N/A decision changes the claim (also of a
        verdict read as a plain row)."""
        return bool(values) or score is not None or na_decision == cls.NaDecision.REFUSED


class ExplanationRequest(models.Model):
    """One explanation round for one unit: the questions sent, the deadline, the unit's reply."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="explanation_requests"
    )
    deadline = models.DateTimeField(_("Hạn giải trình"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("Đề nghị giải trình")
        verbose_name_plural = _("Đề nghị giải trình")


class Question(models.Model):
    """An appraiser's question on one indicator; drafted first, sent with the next request."""

    assessment = models.ForeignKey("assessments.Assessment", on_delete=models.CASCADE, related_name="questions")
    request = models.ForeignKey(
        ExplanationRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="questions"
    )
    code = models.CharField(_("Mã chỉ số"), max_length=40)
    text = models.TextField(_("Nội dung đề nghị giải trình"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("Nội dung giải trình"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code", "asked_at", "id"]
        verbose_name = _("Câu hỏi giải trình")
        verbose_name_plural = _("Câu hỏi giải trình")

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"


class OfficialFigure(models.Model):
    """A figure the province already holds for a unit (e.g. from the public-service portal).

    Shown beside the unit's own value of the same input; a difference beyond `tolerance`
    (a fraction of the official figure) is flagged for the appraiser.
    """

    participation = models.ForeignKey(
        "campaigns.Participation", on_delete=models.CASCADE, related_name="official_figures"
    )
    code = models.CharField(_("Mã chỉ số"), max_length=40)
    field = models.CharField(_("Số liệu"), max_length=80)
    value = models.DecimalField(_("Giá trị chính thức"), max_digits=20, decimal_places=6)
    source = models.CharField(_("Nguồn"), max_length=300, blank=True)
    tolerance = models.DecimalField(_("Sai lệch cho phép"), max_digits=6, decimal_places=4, default="0.05")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["participation", "code", "field"]
        constraints = [
            models.UniqueConstraint(fields=["participation", "code", "field"], name="unique_official_figure")
        ]
        verbose_name = _("Số liệu chính thức")
        verbose_name_plural = _("Số liệu chính thức")


class GroupBounds(models.Model):
    """A ranking group's min–max bounds, claimed and appraised, as the engine computed them
    (`relative_bounds`), kept so that a page about one unit does not read the whole group.

    `token` changes with every write to the data of a member (`dti.appraisal.standing`'s
    receivers, inside the writer's transaction); the bounds are fresh while `computed_token`
    still equals it and `framework` is the hash of the group's framework. `stamp` names
    these bounds (framework hash and values): a unit's stored standing computed under the same
    stamp is still right.
    """

    group = models.OneToOneField("campaigns.CampaignGroup", on_delete=models.CASCADE, related_name="bounds")
    token = models.BigIntegerField(default=0)
    computed_token = models.BigIntegerField(null=True)
    framework = models.CharField(max_length=64, blank=True)
    claimed = models.JSONField(default=dict)
    appraised = models.JSONField(default=dict)
    stamp = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("Cận min–max của nhóm")
        verbose_name_plural = _("Cận min–max của nhóm")


class UnitStanding(models.Model):
    """One submitted unit's figures, claimed and appraised, as the engine computed them, kept so
    that a campaign page reads a whole group in one query instead of scoring every unit.

    Fresh while `computed_token` equals `token` (changed by every write to the unit's data) and
    `stamp` is the group's current `GroupBounds.stamp`. Ranks are not stored: they are set on
    reading, by the engine, over the group's fresh figures.
    """

    assessment = models.OneToOneField("assessments.Assessment", on_delete=models.CASCADE, related_name="standing")
    token = models.BigIntegerField(default=0)
    computed_token = models.BigIntegerField(null=True)
    stamp = models.CharField(max_length=64, blank=True)
    claimed = models.JSONField(default=dict)
    appraised = models.JSONField(default=dict)
    reviewed = models.JSONField(default=list)  # codes with a verdict
    adjusted = models.PositiveIntegerField(default=0)  # verdicts that change the claim

    class Meta:
        verbose_name = _("Kết quả lưu của đơn vị")
        verbose_name_plural = _("Kết quả lưu của đơn vị")
