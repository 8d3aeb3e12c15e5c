"""The "Khóa API" page of one's account: make a named token (shown once), list them, revoke one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dti.api import services
from dti.api.models import ApiToken
from dti.core.errors import ServiceError

if TYPE_CHECKING:
    from dti.accounts.http import AuthenticatedHttpRequest


def _page(request: AuthenticatedHttpRequest, status: int = 200, **extra: object) -> HttpResponse:
    context = {"tokens": ApiToken.objects.filter(owner=request.user), "max_name": services.MAX_NAME, **extra}
    return render(request, "api/tokens.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One's tokens with their last use; a POST makes a new one and shows its text this once."""
    if request.method != "POST":
        return _page(request)
    name = request.POST.get("name", "")
    try:
        token, text = services.token_create(owner=request.user, name=name)
    except ServiceError as exc:
        return _page(request, status=422, error=exc.message, name=name)
    return _page(request, created=token, text=text)


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Ask to confirm, then revoke one of one's own tokens (another person's: 404, as if it did not exist)."""
    token = get_object_or_404(ApiToken, pk=pk, owner=request.user)
    if request.method != "POST":
        return render(request, "api/token_revoke.html", {"token": token})
    try:
        services.token_revoke(token=token, by=request.user)
    except ServiceError as exc:
        return render(request, "api/token_revoke.html", {"token": token, "error": exc.message}, status=422)
    message = _("Đã thu hồi khóa API “%(name)s”: từ nay nó không dùng được nữa.") % {"name": token.name}
    messages.success(request, message)
    return redirect("api_tokens:list")
