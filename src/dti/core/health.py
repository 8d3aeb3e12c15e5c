"""A trivial view for monitoring and as the web benchmark's baseline: no database, no template."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@transaction.non_atomic_requests  # no transaction around it, whatever the method (dti.core.middleware)
@never_cache
@require_safe
def health(request: HttpRequest) -> HttpResponse:
    """Plain "ok" when the application answers (GET or HEAD; open to anyone)."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
