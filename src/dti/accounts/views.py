"""Signing in and out, and the person's notifications."""

from __future__ import annotations

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from dti.accounts.http import AuthenticatedHttpRequest
from dti.accounts.models import Notification


class LoginForm(AuthenticationForm):
    """The sign-in form with Vietnamese labels and messages."""

    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    password = forms.CharField(label=_("Mật khẩu"), strip=False, widget=forms.PasswordInput)
    error_messages = {
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Sau 5 lần sai liên tiếp, tài khoản bị tạm khóa 15 phút."
        ),
        "inactive": _("Tài khoản này đã bị khóa."),
    }


class LoginView(auth_views.LoginView):
    """Sign in (django-axes counts failures and locks after too many)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only, with CSRF)."""


NOTIFICATIONS_SHOWN = 200


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's notifications, newest first; POST marks one (`id`) or all of them read.

    With `next` (a link inside the site), marking one read goes on to the page it points to.
    """
    mine = Notification.objects.filter(user=request.user)
    if request.method == "POST":
        unread = mine.filter(read_at__isnull=True)
        raw = request.POST.get("id", "")
        if raw.isdigit():
            unread = unread.filter(pk=int(raw))
        unread.update(read_at=timezone.now())
        target = request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            return redirect(target)
        return redirect("notifications")
    items = list(mine[:NOTIFICATIONS_SHOWN])
    return render(
        request,
        "accounts/notifications.html",
        {"items": items, "unread": sum(1 for n in items if n.read_at is None), "limit": NOTIFICATIONS_SHOWN},
    )
