"""Personal API tokens: kept as a SHA-256 hash, shown to their owner once when made."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """One person's named key to the API: `dti_<prefix>_<secret>`; only the prefix and the hash are stored.

    The prefix (shown in the list) tells the owner which token a program uses; the hash is that
    of the whole token, so the secret cannot be read back from the database.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Người sở hữu"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("Tên khóa"), max_length=100)
    prefix = models.CharField(_("Phần đầu của khóa"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("Thời điểm tạo"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("Lần dùng gần nhất"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("Thời điểm thu hồi"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Khóa API")
        verbose_name_plural = _("Khóa API")

    def __str__(self) -> str:
        return f"{self.name} (dti_{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        """Not revoked."""
        return self.revoked_at is None
