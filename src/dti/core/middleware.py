"""The platform's middleware: the page language, security headers, session timeout, atomic changes.

The language of the web pages: Vietnamese for everyone unless the person chose English.

Django's LocaleMiddleware would follow the browser's Accept-Language header, so an English
browser would get English pages its user never asked for. Here only the explicit choice
counts: the language cookie that Django's `set_language` view sets from the switcher in the
header (docs/i18n.md). Without that cookie, or with an unknown language in it, the page is in
settings.LANGUAGE_CODE (Vietnamese).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


def chosen_language(request: HttpRequest) -> str:
    """The language the person chose with the switcher, or the default (never the browser's)."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    return str(settings.LANGUAGE_CODE)


class ChosenLanguageMiddleware(LocaleMiddleware):
    """LocaleMiddleware that ignores Accept-Language: the language cookie or Vietnamese."""

    def process_request(self, request: HttpRequest) -> None:
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        # The page depends on the language cookie, not on Accept-Language (no language in URLs).
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


# Pages load only what the platform serves itself: no inline script or style, no other site.
# `frame-src` is `default-src`: the appraisal page frames a unit's PDF evidence from this site.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every page, and `Cache-Control: private, no-store` for signed-in people.

    A page behind login must not stay in a shared computer's browser cache (or a proxy's) after
    its owner signs out. Whether the person is signed in is read from the session cookie, not
    from the database, so that the headers are set even when the database is down (the 500
    page). Static files answer before this middleware (WhiteNoise) and keep their long cache;
    a response that sets its own policy (an evidence file shown in the browser) keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        cookie = settings.SESSION_COOKIE_NAME
        if cookie in request.COOKIES or cookie in response.cookies:
            patch_cache_control(response, private=True, no_store=True)
        return response


SIGNED_IN_AT = "dti_signed_in_at"  # session keys: when the person signed in, and their last request (epoch s)
SEEN_AT = "dti_seen_at"
SEEN_EVERY = 60  # seconds: the last request is written at most once a minute, not on every request


class SessionTimeoutMiddleware:
    """Sign out after `SESSION_IDLE_MINUTES` without a request, or `SESSION_MAX_HOURS` after signing in.

    The next request then goes to the login page with a message saying why, and for a form
    that was sent (POST) that it was not saved; an htmx request (autosave) gets 401 with that
    message as text, so the page keeps what was typed. So does an htmx request of someone no
    longer signed in (signed out in another tab): the login page it would be sent to would be
    swapped into the form's box. The time of the last request is written to the session at
    most once a minute (a page view stays a read).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        now = timezone.now().timestamp()
        was_signed_in = request.user.is_authenticated
        if was_signed_in and request.path != reverse("logout"):
            reason = self._expired(request, now)
            if reason:
                return self._sign_out(request, reason)
        response = self.get_response(request)
        if request.user.is_authenticated:
            session = request.session
            if not was_signed_in or SIGNED_IN_AT not in session:
                session[SIGNED_IN_AT] = now
            if now - session.get(SEEN_AT, 0) >= SEEN_EVERY:
                session[SEEN_AT] = now
        elif request.headers.get("HX-Request") and _to_login(response):
            return _unauthorised(request, _("Bạn chưa đăng nhập hoặc đã đăng xuất (có thể ở một thẻ khác)."))
        return response

    @staticmethod
    def _expired(request: HttpRequest, now: float) -> str:
        """Why the session has ended ("" while it lasts)."""
        session = request.session
        minutes, hours = settings.SESSION_IDLE_MINUTES, settings.SESSION_MAX_HOURS
        if now - session.get(SEEN_AT, now) > minutes * 60:
            return _("Phiên làm việc đã hết hạn sau %(minutes)s phút không hoạt động.") % {"minutes": minutes}
        if now - session.get(SIGNED_IN_AT, now) > hours * 3600:
            return _("Phiên làm việc đã hết hạn: mỗi lần đăng nhập dùng được tối đa %(hours)s giờ.") % {"hours": hours}
        return ""

    @staticmethod
    def _sign_out(request: HttpRequest, reason: str) -> HttpResponseBase:
        logout(request)
        if request.headers.get("HX-Request"):
            return _unauthorised(request, reason)
        changed = _changes(request)
        messages.warning(request, _signed_out_message(request, reason))
        return redirect_to_login(_page_sent_from(request) if changed else request.get_full_path())


def _changes(request: HttpRequest) -> bool:
    """Whether the request sends a change (any method but GET, HEAD, OPTIONS)."""
    return request.method not in ("GET", "HEAD", "OPTIONS")


def _signed_out_message(request: HttpRequest, reason: str) -> str:
    """Why the person must sign in again and, for a form that was sent, that it was not saved."""
    if _changes(request):
        return reason + " " + _("Nội dung vừa gửi chưa được lưu; hãy đăng nhập lại rồi nhập lại.")
    return reason + " " + _("Hãy đăng nhập lại.")


def _unauthorised(request: HttpRequest, reason: str) -> HttpResponse:
    """401 with the message as text, for htmx: dti.js shows it beside the form, which keeps what was typed."""
    return HttpResponse(_signed_out_message(request, reason), status=401, content_type="text/plain; charset=utf-8")


def _to_login(response: HttpResponseBase) -> bool:
    """Whether `response` sends to the login page (login_required's answer to someone not signed in)."""
    return response.status_code == 302 and response.get("Location", "").startswith(resolve_url(settings.LOGIN_URL))


def _page_sent_from(request: HttpRequest) -> str:
    """The page of this site a form was sent from (its Referer, as a path), or the home page."""
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.path and url_has_allowed_host_and_scheme(referer.geturl(), {request.get_host()}, request.is_secure()):
        return referer._replace(scheme="", netloc="", fragment="").geturl()
    return reverse("home")


class AtomicChangesMiddleware:
    """A change (any method but GET, HEAD, OPTIONS) is saved whole or not at all.

    The request runs in one transaction, rolled back when the answer is a server error (an
    exception has become the 500 page by then, template rendering included), so the 500 page
    can say truthfully that what was just sent was not saved and nothing else changed. Pages
    (GET) write nothing and run outside a transaction: on SQLite a transaction holds the write
    lock from its start. A view marked with Django's `transaction.non_atomic_requests` (the
    health check, which never touches the database) and an unknown path run without one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not _changes(request) or not self._changes_data(request):
            return self.get_response(request)
        self._read_body(request)
        with transaction.atomic():
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
        return response

    @staticmethod
    def _read_body(request: HttpRequest) -> None:
        """Read the form and its files before the transaction starts: on SQLite it holds the write
        lock from its start, and a slow upload must not hold it while its bytes arrive."""
        # An interrupted upload (OSError) is refused by the CSRF check that follows, as without this.
        with contextlib.suppress(OSError):
            request.POST  # noqa: B018 (parsing is the point)

    @staticmethod
    def _changes_data(request: HttpRequest) -> bool:
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return False  # the 404 page writes nothing
        return DEFAULT_DB_ALIAS not in getattr(match.func, "_non_atomic_requests", set())
