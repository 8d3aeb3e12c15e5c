"""The bodies assessed: departments, districts, communes, provinces, as a tree."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitType(models.Model):
    """A kind of unit (sở, huyện, thị xã, thành phố, xã…); frameworks say which apply."""

    code = models.SlugField(_("Mã"), max_length=40, unique=True)
    name = models.CharField(_("Tên"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Loại đơn vị")
        verbose_name_plural = _("Loại đơn vị")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A unit in the tree province → department/district → commune."""

    name = models.CharField(_("Tên đơn vị"), max_length=255, unique=True)
    unit_type = models.ForeignKey(UnitType, verbose_name=_("Loại"), on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("Đang hoạt động"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Đơn vị")
        verbose_name_plural = _("Đơn vị")

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[Unit]:
        """The chain of parents, nearest first (the tree is shallow: province, district, commune)."""
        chain, node = [], self.parent
        while node is not None and node not in chain:
            chain.append(node)
            node = node.parent
        return chain
