"""Request types for views behind `@login_required` (for the type checker only)."""

from __future__ import annotations

from django.http import HttpRequest

from dti.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request to a view behind @login_required: the person is signed in, so `user` is a User."""

    user: User
