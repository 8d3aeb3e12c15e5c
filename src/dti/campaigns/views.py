"""Campaign pages: the list, and one campaign with its groups and units' progress."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from dti.campaigns.models import Campaign
from dti.core.permissions import Action, require


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    """Every campaign, newest first."""
    require(request.user, Action.VIEW_CAMPAIGN)
    campaigns = Campaign.objects.prefetch_related("groups__framework")
    return render(request, "campaigns/list.html", {"campaigns": campaigns})


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A campaign's groups and participating units with their assessment status."""
    require(request.user, Action.VIEW_CAMPAIGN)
    campaign = get_object_or_404(Campaign, pk=pk)
    participations = campaign.participations.select_related("unit", "group", "assessment").order_by(
        "group__order", "unit__name"
    )
    return render(request, "campaigns/detail.html", {"campaign": campaign, "participations": participations})
