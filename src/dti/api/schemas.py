"""Shared parts of the API's answers: the caller, the documented refusals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, cast

from django.http import HttpRequest
from pydantic import Field

from dti.api.errors import ApiError

if TYPE_CHECKING:
    from dti.accounts.models import User

MAX_ID = 2**63 - 1
"""The largest id the database stores (a 64-bit integer): a larger number in a request is refused (422)."""
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A stable id of an object, in a path or a filter."""
Year = Annotated[int, Field(ge=1900, le=2200)]

REFUSALS: dict[int, Any] = {status: ApiError for status in (401, 403, 404, 422, 429)}
"""The refusals an endpoint for signed-in callers documents (the public ones: 404 and 422)."""
PUBLIC_REFUSALS: dict[int, Any] = {status: ApiError for status in (404, 422)}


def caller(request: HttpRequest) -> User:
    """The person calling (a token's owner or the session's), as authentication found them."""
    return cast("User", request.auth)  # type: ignore[attr-defined]
