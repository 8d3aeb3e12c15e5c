"""The home page: each person's work across the yearly cycle.

It stands above the apps whose work it lists (campaigns, assessments, appraisal, results), so
that none of them needs to import another to show a person what to do next.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from dti.campaigns.models import Participation
from dti.core.roles import UNIT_ROLES

if TYPE_CHECKING:
    from dti.accounts.http import AuthenticatedHttpRequest


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What the person has to do: their unit's assessments, or the campaigns they run."""
    user = request.user
    participations = Participation.objects.none()
    if user.role in UNIT_ROLES and user.unit_id:
        participations = (
            Participation.objects.filter(unit_id=user.unit_id)
            .select_related("campaign", "group", "unit", "assessment")
            .order_by("-campaign__year", "campaign__name")
        )
    return render(request, "home/home.html", {"participations": participations})
