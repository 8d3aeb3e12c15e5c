"""Reading a campaign for its page: groups, participating units and their progress, cheaply.

Each unit's progress comes from its assessment, read through the participation's `assessment`
relation (declared by the assessments app, which stands above this one and is not imported):
its status label, `is_submitted` and its entries.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count
from django.utils.translation import gettext as _

from dti.campaigns.models import Campaign, CampaignGroup, Participation, Reopening


@dataclass
class UnitRow:
    """One participating unit: its assessment status and how many indicators have data."""

    participation: Participation
    status: str
    submitted: bool
    entries: int
    total: int

    @property
    def percent(self) -> int:
        """Progress bar width: indicators with data over the framework's scored indicators."""
        return min(100, round(self.entries * 100 / self.total)) if self.total else 0


@dataclass
class GroupRow:
    """A ranking group with its framework and units."""

    group: CampaignGroup
    indicators: int
    units: list[UnitRow]


def campaign_overview(campaign: Campaign) -> list[GroupRow]:
    """Every group with its units: one query for the units (entry counts included)."""
    participations = (
        Participation.objects.filter(campaign=campaign)
        .select_related("unit__unit_type", "group", "assessment")
        .annotate(entry_count=Count("assessment__entries"))
        .order_by("group__order", "group__name", "unit__name")
    )
    by_group: dict[int, list[UnitRow]] = {}
    counts: dict[int, int] = {}
    groups = list(campaign.groups.select_related("framework").order_by("order", "name"))
    for group in groups:
        engine = group.framework.engine()
        counts[group.pk] = sum(1 for i in engine.indicators if not i.reference_only)
    for participation in participations:
        participation.campaign = campaign  # one object for all rows: no query per unit
        try:
            assessment = participation.assessment
        except ObjectDoesNotExist:
            assessment = None
        status = assessment.get_status_display() if assessment else _("Chưa bắt đầu")
        submitted = bool(assessment and assessment.is_submitted)
        total = counts.get(participation.group_id, 0)
        by_group.setdefault(participation.group_id, []).append(
            UnitRow(participation, str(status), submitted, participation.entry_count, total)
        )
    return [GroupRow(g, counts[g.pk], by_group.get(g.pk, [])) for g in groups]


def reopenings(campaign: Campaign) -> list[Reopening]:
    """Every reopening in the campaign, newest first."""
    return list(
        Reopening.objects.filter(participation__campaign=campaign)
        .select_related("by", "participation__unit")
        .order_by("-created_at", "-id")
    )
