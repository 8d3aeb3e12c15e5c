"""Through which door a change came: the web pages and the command line (""), or the API ("api").

The API runs each call `through(API)`; every audit entry made meanwhile (`AuditEntry.channel`'s
default, read when the entry is made, one by one or for a bulk insert) says so, and the
services that record it need not know who called them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

API = "api"

_CURRENT: ContextVar[str] = ContextVar("dti_audit_channel", default="")


def current() -> str:
    """The channel of the change being made now ("" outside the API)."""
    return _CURRENT.get()


@contextmanager
def through(channel: str) -> Iterator[None]:
    """Make the changes inside this block come through `channel`."""
    token = _CURRENT.set(channel)
    try:
        yield
    finally:
        _CURRENT.reset(token)
