"""Unit pages: the tree of units."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dti.core.permissions import Action, require
from dti.units.models import Unit


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    """All units with their type and parent."""
    require(request.user, Action.VIEW_UNITS)
    units = Unit.objects.select_related("unit_type", "parent")
    return render(request, "units/list.html", {"units": units})
