"""Shared parts of the API's answers: the caller, the documented refusals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest

from dti.api.errors import ApiError

if TYPE_CHECKING:
    from dti.accounts.models import User

REFUSALS: dict[int, Any] = {status: ApiError for status in (401, 403, 404, 422, 429)}
"""The refusals an endpoint for signed-in callers documents (the public ones: 404 and 422)."""
PUBLIC_REFUSALS: dict[int, Any] = {status: ApiError for status in (404, 422)}


def caller(request: HttpRequest) -> User:
    """The person calling (a token's owner or the session's), as authentication found them."""
    return cast("User", request.auth)  # type: ignore[attr-defined]
