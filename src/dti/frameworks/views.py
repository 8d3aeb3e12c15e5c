"""Framework pages: the list and a readable tree of one framework."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from dti.core.permissions import Action, require
from dti.frameworks.models import Framework


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    """Every stored framework."""
    require(request.user, Action.VIEW_FRAMEWORKS)
    return render(request, "frameworks/list.html", {"frameworks": Framework.objects.all()})


@login_required
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One framework as a tree: index, indicator, max, method in plain words, inputs, evidence."""
    require(request.user, Action.VIEW_FRAMEWORKS)
    framework = get_object_or_404(Framework, pk=pk)
    return render(request, "frameworks/detail.html", {"framework": framework, "engine": framework.engine()})
