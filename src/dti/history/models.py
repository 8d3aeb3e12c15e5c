"""Past years: how units changed (renames, merges, splits) and how two framework versions' codes pair up.

The rules that read them live in `dti.engine` (`trace`, `link_problems`, `unmatched`); past
results themselves are ordinary published campaigns (`dti.results.models.Publication`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dti.engine import KIND_LABELS, RULE_LABELS, LineageKind, Link, PastRule


class Lineage(models.Model):
    """One change of units on a date: `predecessors` became `successors` (rename, merge or split).

    `rule` says what a merged unit's past figures are: the mean of its predecessors', or none.
    """

    kind = models.CharField(
        _("Loại thay đổi"), max_length=10, choices=[(k.value, label) for k, label in KIND_LABELS.items()]
    )
    effective = models.DateField(_("Ngày hiệu lực"))
    rule = models.CharField(
        _("So sánh với năm trước"),
        max_length=10,
        choices=[(r.value, label) for r, label in RULE_LABELS.items()],
        default=PastRule.MEAN.value,
    )
    note = models.TextField(_("Ghi chú (căn cứ)"), blank=True)
    predecessors = models.ManyToManyField(
        "units.Unit", verbose_name=_("Đơn vị trước thay đổi"), related_name="lineages_out"
    )
    successors = models.ManyToManyField("units.Unit", verbose_name=_("Đơn vị sau thay đổi"), related_name="lineages_in")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-effective", "pk"]
        verbose_name = _("Thay đổi đơn vị")
        verbose_name_plural = _("Thay đổi đơn vị")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective:%d/%m/%Y}"

    def link(self) -> Link:
        """The engine's view of this change, units by name (prefetch both sides when reading many)."""
        return Link(
            kind=LineageKind(self.kind),
            effective=self.effective,
            predecessors=tuple(u.name for u in self.predecessors.all()),
            successors=tuple(u.name for u in self.successors.all()),
            rule=PastRule(self.rule),
        )


class CodeMapping(models.Model):
    """One pair of codes between two framework versions: `to_code` of the newer one was `from_code`
    of the older one ("" : no counterpart). Once a pair of versions has rows, they are the mapping;
    before that the engine's pre-fill (equal codes, then equal names) is used."""

    from_framework = models.ForeignKey(
        "frameworks.Framework", verbose_name=_("Bộ chỉ số cũ"), on_delete=models.CASCADE, related_name="+"
    )
    to_framework = models.ForeignKey(
        "frameworks.Framework", verbose_name=_("Bộ chỉ số mới"), on_delete=models.CASCADE, related_name="+"
    )
    to_code = models.CharField(_("Mã trong bộ mới"), max_length=60)
    from_code = models.CharField(_("Mã trong bộ cũ"), max_length=60, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["from_framework", "to_framework", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["from_framework", "to_framework", "to_code"], name="unique_code_mapping")
        ]
        verbose_name = _("Đối chiếu mã chỉ số")
        verbose_name_plural = _("Đối chiếu mã chỉ số")
