"""Who calls the API: a personal token (`Authorization: Bearer dti_…`) or the web session.

A token call is counted against the token's rate (settings.API_RATE_PER_MINUTE a minute, in the
shared cache so every worker process counts together) and notes the token's last use. The
session serves the platform's own pages on the same origin; a change sent with it needs the
CSRF token, as a form does. Either way the caller is a `User`, `request.auth` (a token call
leaves `request.user` anonymous, so that it starts no session), and the permission functions
decide from there.
"""

from __future__ import annotations

import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from dti.api.errors import RateLimited
from dti.api.models import ApiToken
from dti.api.services import token_for, token_used

WINDOW = 60  # seconds: the rate is counted per minute of the clock


def count_call(token: ApiToken) -> None:
    """Count one call of `token` in this minute; RateLimited past the rate.

    A read and a write of the shared cache: two processes counting the same call at the same
    instant may count it once (the database cache has no atomic increment), never more.
    """
    now = time.time()
    window = int(now // WINDOW)
    key = f"dti-api-rate:{token.pk}:{window}"
    calls = int(cache.get(key, 0)) + 1
    rate = int(settings.API_RATE_PER_MINUTE)
    if calls > rate:
        raise RateLimited(rate, max(1, math.ceil((window + 1) * WINDOW - now)))
    cache.set(key, calls, timeout=WINDOW * 2)


class TokenAuth(HttpBearer):
    """A personal API token; unknown, revoked, or its owner's account locked: not authenticated."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_for(token.strip())
        if found is None:
            return None
        count_call(found)
        token_used(found)
        return found.owner


class WebSession(SessionAuth):
    """The signed-in person of the web session (CSRF checked on changes, by ninja)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if user.is_authenticated and user.is_active else None


CALLERS = [TokenAuth(), WebSession()]
"""Every non-public endpoint: a token first, then the session."""
