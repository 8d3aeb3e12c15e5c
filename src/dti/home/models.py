"""What the home app keeps: the reminders already sent, so that each is sent once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Reminder(models.Model):
    """A reminder sent before one deadline about one unit (`dti remind`: one per deadline per unit).

    A deadline that moves (a reopening, a new explanation round) is a new deadline: its reminder
    is sent too.
    """

    class Kind(models.TextChoices):
        SUBMISSION = "submission", _("Hạn gửi báo cáo")
        EXPLANATION = "explanation", _("Hạn giải trình")
        APPRAISAL = "appraisal", _("Hạn thẩm định")
        REAPPRAISAL = "reappraisal", _("Hạn phúc tra")

    participation = models.ForeignKey(
        "campaigns.Participation", verbose_name=_("Đơn vị tham gia"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("Loại hạn"), max_length=20, choices=Kind.choices)
    deadline = models.DateTimeField(_("Hạn"))
    recipients = models.PositiveIntegerField(_("Số người nhận"), default=0)
    sent_at = models.DateTimeField(_("Thời điểm gửi"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participation", "kind", "deadline"], name="unique_reminder_per_deadline")
        ]
        verbose_name = _("Lời nhắc hạn")
        verbose_name_plural = _("Lời nhắc hạn")
