"""People who use the platform and the role each plays."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from dti.core.roles import Role

if TYPE_CHECKING:
    from dti.units.models import Unit


class User(AbstractUser):
    """An account: one role, and for a unit's reporter or leader, the unit."""

    full_name = models.CharField(_("Họ và tên"), max_length=200, blank=True)
    role = models.CharField(_("Vai trò"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("Đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    position = models.CharField(_("Chức vụ"), max_length=200, blank=True)
    phone = models.CharField(_("Điện thoại"), max_length=50, blank=True)
    must_change_password = models.BooleanField(
        _("Phải đổi mật khẩu"),
        default=False,
        help_text=_("Mật khẩu do hệ thống tạo: người dùng phải tự đặt mật khẩu mới trước khi làm việc."),
    )

    class Meta:
        verbose_name = _("Người dùng")
        verbose_name_plural = _("Người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        """The name shown in history and headers."""
        return self.full_name or self.username

    @property
    def admin_protected(self) -> bool:
        """Whether only administrators may change this account (an administrator's or a superuser's)."""
        return self.role == Role.ADMIN or self.is_superuser


def unit_model() -> type[Unit]:
    """The units app's Unit model, reached through the user's foreign key.

    The units app stands above accounts (docs/architecture.md), so accounts never imports it;
    the account pages still list units and look them up by name.
    """
    return cast("type[Unit]", User._meta.get_field("unit").related_model)


class PasswordResetRequest(models.Model):
    """One "Quên mật khẩu" request, kept only to limit how often one address may ask.

    The address itself is not stored: only a keyed hash of it (dti.accounts.services).
    """

    address_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)


class Notification(models.Model):
    """A message for one person, shown on their page (and sent by e-mail when it was created)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    text = models.TextField(_("Nội dung"))
    url = models.CharField(_("Đường dẫn"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Thông báo")
        verbose_name_plural = _("Thông báo")

    def __str__(self) -> str:
        return self.text[:80]
