"""Approval and publication: the council's decision and frozen, hash-sealed snapshots of results."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dti.results.snapshot import Change, GroupPart, PublishedHead, Snapshot, SnapshotUnit


class Immutable(Exception):
    """A published record cannot be changed or deleted; corrections are amendments."""


def content_hash(snapshot: object) -> str:
    """SHA-256 of the snapshot's canonical JSON (sorted keys, no spaces): anyone can recompute it."""
    text = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class Approval(models.Model):
    """The council chair's approval of a campaign's appraised results, with the decision."""

    campaign = models.OneToOneField("campaigns.Campaign", on_delete=models.CASCADE, related_name="approval")
    decision_number = models.CharField(_("Số quyết định"), max_length=120)
    decision_date = models.DateField(_("Ngày quyết định"), null=True, blank=True)
    decision_date_text = models.CharField(_("Ngày quyết định (như bản gốc)"), max_length=60, blank=True)
    signer = models.CharField(_("Người ký"), max_length=200, blank=True)
    note = models.TextField(_("Ghi chú"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Phê duyệt kết quả")
        verbose_name_plural = _("Phê duyệt kết quả")


class PublicationQuerySet(models.QuerySet["Publication"]):
    """Bulk updates and deletes are refused too, not only single saves."""

    def update(self, **kwargs: Any) -> int:
        raise Immutable(str(_("Kết quả đã công bố không thể sửa; hãy lập bản đính chính.")))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise Immutable(str(_("Kết quả đã công bố không thể xoá.")))


class Publication(models.Model):
    """One published version of a campaign's results; version 1 is the original, later ones amendments.

    The snapshot holds everything shown publicly (frameworks' versions, scores, ranks); it and
    its hash never change once written.
    """

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="publications")
    version = models.PositiveIntegerField(_("Phiên bản"))
    snapshot: models.JSONField[Snapshot, Snapshot] = models.JSONField(_("Kết quả"))
    content_hash = models.CharField(_("Mã băm nội dung (SHA-256)"), max_length=64)
    reason = models.TextField(_("Lý do đính chính"), blank=True)
    changes: models.JSONField[list[Change], list[Change]] = models.JSONField(
        _("Nội dung đính chính"), default=list, blank=True
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("Thời điểm công bố"), auto_now_add=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "-version"]
        constraints = [models.UniqueConstraint(fields=["campaign", "version"], name="unique_publication_version")]
        verbose_name = _("Kết quả công bố")
        verbose_name_plural = _("Kết quả công bố")

    def __str__(self) -> str:
        return f"{self.campaign} — v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Written once: an existing publication is never updated."""
        if self.pk is not None:
            raise Immutable(str(_("Kết quả đã công bố không thể sửa; hãy lập bản đính chính.")))
        self.content_hash = content_hash(self.snapshot)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Never deleted."""
        raise Immutable(str(_("Kết quả đã công bố không thể xoá.")))

    @property
    def intact(self) -> bool:
        """Whether the stored snapshot still matches its hash (nobody edited the database)."""
        return content_hash(self.snapshot) == self.content_hash


class RowJSONField(models.JSONField):
    """A JSON column that a bulk insert writes row by row: on PostgreSQL, Django's UNNEST bulk insert
    quotes every large value in Python (5 s for 3,300 units' records), row by row it takes 0.3 s."""

    def get_placeholder(self, value: object, compiler: object, connection: object) -> str:
        return "%s"


class PublishedIndex(models.Model):
    """What the public pages read of one publication, in parts, so that a page about one unit or
    one group reads that part and not the whole snapshot (8.6 MB at 3,300 units).

    Derived once from the sealed snapshot (`dti.results.selectors.index_publication`, at publication
    or on the first read) and never changed: `content_hash` is the snapshot's it was derived from,
    and the pages use an index only when it equals the publication's. `head` holds the campaign,
    the decision, the notes, the imported file's name and each group's name and size.
    """

    publication = models.OneToOneField(Publication, primary_key=True, on_delete=models.CASCADE, related_name="index")
    content_hash = models.CharField(max_length=64)
    head: models.JSONField[PublishedHead, PublishedHead] = models.JSONField()

    class Meta:
        verbose_name = _("Chỉ mục kết quả công bố")
        verbose_name_plural = _("Chỉ mục kết quả công bố")


class PublishedGroup(models.Model):
    """One ranking group of an indexed publication: its framework, the units it left out, and what
    a page of it needs of the whole group (the columns shown, the highest scores, each index's order)."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="published_groups")
    number = models.PositiveIntegerField()  # 1, 2 … in the snapshot's order
    name = models.TextField()
    part: models.JSONField[GroupPart, GroupPart] = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["publication", "number"], name="unique_published_group")]


class PublishedUnit(models.Model):
    """One unit of an indexed publication: its snapshot record as published, where it stands in its
    group (`position`: its place in the published ranking), its URL key and its rank in each index."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="published_units")
    group = models.PositiveIntegerField()  # PublishedGroup.number
    position = models.PositiveIntegerField()
    key = models.TextField()
    name = models.TextField()
    folded = models.TextField()  # the name lower case without accents, for the search
    data: models.JSONField[SnapshotUnit, SnapshotUnit] = RowJSONField()
    ranks: models.JSONField[dict[str, int | None], dict[str, int | None]] = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["publication", "key"], name="unique_published_unit_key"),
            models.UniqueConstraint(fields=["publication", "group", "position"], name="unique_published_unit_place"),
        ]
