"""The change log: every change to data, who made it and when, old → new."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dti.audit import channel


class AuditEntry(models.Model):
    """One change: an action on an object (and, for assessments, an indicator and field).

    Who (`actor`), in which campaign and unit are kept without a database constraint, as history
    tables keep their references (django-simple-history does the same): the log only ever gains
    rows, the ORM still sets a reference to NULL when its row is deleted, and PostgreSQL does not
    check three references for each of the hundreds of thousands of rows a bulk import writes
    (at 3,500 units the commit spent about 4 s of its 6 s on them; docs/files.md).
    """

    created_at = models.DateTimeField(_("Thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người thực hiện"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    action = models.CharField(_("Thao tác"), max_length=60)
    object_type = models.CharField(_("Loại đối tượng"), max_length=60)
    object_id = models.CharField(_("Mã đối tượng"), max_length=64)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
        db_constraint=False,
    )
    unit = models.ForeignKey(
        "units.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
        db_constraint=False,
    )
    code = models.CharField(_("Mã chỉ số"), max_length=40, blank=True)
    field = models.CharField(_("Trường"), max_length=80, blank=True)
    old = models.JSONField(_("Giá trị cũ"), null=True, blank=True)
    new = models.JSONField(_("Giá trị mới"), null=True, blank=True)
    comment = models.TextField(_("Ghi chú"), blank=True)
    channel = models.CharField(
        _("Kênh"),
        max_length=10,
        blank=True,
        default=channel.current,
        choices=[("", _("Trang web")), (channel.API, _("qua API"))],
        help_text=_("Thay đổi qua API được ghi “qua API”; thay đổi trên trang web để trống."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "code"])]
        verbose_name = _("Nhật ký thay đổi")
        verbose_name_plural = _("Nhật ký thay đổi")

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.action} {self.object_type}#{self.object_id}"
