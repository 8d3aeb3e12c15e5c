"""/api/: the endpoints, the OpenAPI document and its Swagger page.

ninja answers a method an address does not take (405) in plain text and leaves its root
(`/api/`, a 404) to Django's HTML page: here both are the API's JSON refusal like every other.
Every call runs `through` the API's audit channel: the changes it makes are recorded "qua API".
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponseBase, JsonResponse
from django.urls import URLPattern, path

from dti.api.errors import not_allowed_body, not_found_body
from dti.api.main import api
from dti.audit.channel import API, through

View = Callable[..., HttpResponseBase]


def _json(body: dict[str, object], status: int) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _json_refusals(view: View) -> View:
    """The view, with ninja's plain-text 405 and an Http404 outside its endpoints answered as JSON,
    its changes audited as made through the API."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        try:
            with through(API):
                response = view(request, *args, **kwargs)
        except Http404:
            return _json(not_found_body(), 404)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            refusal = _json(not_allowed_body(), 405)
            refusal["Allow"] = response.get("Allow", "")
            return refusal
        return response

    return wrapped


def _patterns() -> list[URLPattern]:
    patterns, _app, _namespace = api.urls
    return [
        path(str(p.pattern), _json_refusals(p.callback), name=p.name)
        for p in patterns
        if isinstance(p, URLPattern) and p.name
    ]


app_name = "api"
urlpatterns = _patterns()
