"""Sending a person whose password the platform generated to "Đổi mật khẩu" until they change it.

A generated password (a new account, a reset by the organiser) was seen by someone else and
printed on paper: its owner replaces it before doing anything else. Signing in and out, the
change page itself, the language switcher and static files are let through.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


class PasswordChangeRequiredMiddleware:
    """Redirect a signed-in person with `must_change_password` to the change page (htmx: HX-Redirect)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is None or not getattr(user, "must_change_password", False) or self._let_through(request.path):
            return self.get_response(request)
        target = reverse("accounts:password_change")
        if request.method == "GET":
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        return redirect(target)  # the change page says why

    @staticmethod
    def _let_through(path: str) -> bool:
        open_paths = (reverse("login"), reverse("logout"), reverse("accounts:password_change"), reverse("set_language"))
        return path in open_paths or path.startswith(settings.STATIC_URL or "/static/")
