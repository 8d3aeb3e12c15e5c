"""The home page: each person's work across the yearly cycle.

It stands above the apps whose work it lists (campaigns, assessments, appraisal, results), so
that none of them needs to import another to show a person what to do next.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from dti.home.selectors import home_page

if TYPE_CHECKING:
    from dti.accounts.http import AuthenticatedHttpRequest


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's to-do list: their unit's assessments, or the units and campaigns their role acts on."""
    return render(request, "home/home.html", {"page": home_page(request.user)})
