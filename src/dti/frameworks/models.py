"""Frameworks (Bộ chỉ số) as stored: the YAML file itself, parsed by the engine when used."""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dti.engine import Framework as EngineFramework
from dti.engine import parse_framework

_PARSED: dict[str, EngineFramework] = {}  # by content hash: a framework's text never changes under its hash


@functools.lru_cache(maxsize=64)
def source_hash(source: str) -> str:
    """The SHA-256 of a framework's text (kept per text: a page asks for it once per framework used)."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


class Framework(models.Model):
    """One issued version of a framework; frozen once a campaign uses it."""

    code = models.SlugField(_("Mã"), max_length=100, unique=True)
    name = models.CharField(_("Tên"), max_length=300)
    level = models.CharField(_("Cấp"), max_length=10)
    year = models.PositiveIntegerField(_("Năm"))
    source = models.TextField(_("Nội dung tệp (YAML)"))
    content_hash = models.CharField(_("Mã băm nội dung"), max_length=64, editable=False)
    copied_from = models.ForeignKey(
        "self", verbose_name=_("Sao chép từ"), null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Người tải lên"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("Thời điểm tải lên"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("Bộ chỉ số")
        verbose_name_plural = _("Bộ chỉ số")

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.content_hash = source_hash(self.source)
        super().save(*args, **kwargs)

    def engine(self) -> EngineFramework:
        """The engine's model of this framework, parsed once per content and kept by its hash.

        The hash is that of the source in hand: the stored `content_hash` is empty before the
        first save and stale after the source is changed, so it is used only when a page
        loaded the framework without its (large) source, which is then read only to parse it.
        """
        key = self.content_hash if "source" in self.get_deferred_fields() else source_hash(self.source)
        parsed = _PARSED.get(key)
        if parsed is None:
            if len(_PARSED) >= 64:
                _PARSED.clear()
            parsed = _PARSED[key] = parse_framework(self.source, file=f"{self.code}.yaml")
        return parsed

    @property
    def is_frozen(self) -> bool:
        """Used by a campaign: its content can no longer change (copy it to make a new version)."""
        return self.campaign_groups.exists()
