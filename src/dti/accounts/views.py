"""Signing in and out, one's own password (change it; "Quên mật khẩu" by e-mail), and the person's notifications."""

from __future__ import annotations

import math

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from dti.accounts import forms as account_forms
from dti.accounts import services
from dti.accounts.emails import link_context
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


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password; afterwards go on to `next` (a page of this site) or home.

    A person whose password was generated is sent here until they change it
    (dti.accounts.middleware).
    """

    template_name = "accounts/password_change.html"
    form_class = account_forms.PasswordChangeForm

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        """The page to go on to afterwards (`next`), kept through the form."""
        target = self.request.POST.get("next") or self.request.GET.get("next", "")
        return {**super().get_context_data(**kwargs), "next": target}

    def get_success_url(self) -> str:
        """`next` when it stays on this site, else the home page."""
        target = self.request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(target, {self.request.get_host()}, self.request.is_secure()):
            return target
        return reverse("home")

    def form_valid(self, form: account_forms.PasswordChangeForm) -> HttpResponse:
        """Save (the form goes through the service), keep the person signed in, and say so."""
        response = super().form_valid(form)
        messages.success(self.request, gettext("Đã đổi mật khẩu."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """ "Quên mật khẩu": a set-password link to the address, if an active account has it.

    The answer is the same whether or not the address belongs to an account. One address may
    ask as often as the sign-in lockout allows (services.password_reset_request); more is
    refused with 429 and nothing is sent.
    """

    template_name = "accounts/password_reset.html"
    form_class = account_forms.PasswordResetForm
    subject_template_name = "accounts/email/reset_subject.txt"
    email_template_name = "accounts/email/reset.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: account_forms.PasswordResetForm) -> HttpResponse:
        """Send the link unless the address asked too often."""
        if not services.password_reset_request(email=form.cleaned_data["email"]):
            minutes = math.ceil(float(settings.AXES_COOLOFF_TIME) * 60)
            message = gettext(
                "Địa chỉ này đã được yêu cầu đặt lại mật khẩu quá nhiều lần. Hãy kiểm tra hộp thư "
                "(cả thư rác) hoặc thử lại sau %(minutes)s phút."
            ) % {"minutes": minutes}
            return render(self.request, self.template_name, {"form": form, "refused": message}, status=429)
        self.extra_email_context = link_context()
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    """What happens next, the same for every address."""

    template_name = "accounts/password_reset_done.html"

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        """The link's life in hours."""
        return {**super().get_context_data(**kwargs), **link_context()}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a password from an e-mailed link (an invitation, a reset, "Quên mật khẩu")."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = account_forms.SetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        """The link's life in hours (said when the link no longer works)."""
        return {**super().get_context_data(**kwargs), **link_context()}


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    """The password is set: sign in with it."""

    template_name = "accounts/password_reset_complete.html"


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
