"""The language of the web pages: Vietnamese for everyone unless the person chose English.

Django's LocaleMiddleware would follow the browser's Accept-Language header, so an English
browser would get English pages its user never asked for. Here only the explicit choice
counts: the language cookie that Django's `set_language` view sets from the switcher in the
header (docs/i18n.md). Without that cookie, or with an unknown language in it, the page is in
settings.LANGUAGE_CODE (Vietnamese).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
