"""Personal API tokens: make one (shown once), revoke it, and find the token a request carries."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dti.api.models import ApiToken
from dti.audit.services import record
from dti.core.errors import ServiceError

if TYPE_CHECKING:
    from dti.accounts.models import User

SCHEME = "dti_"
"""Every token starts so: a secret scanner (or a person) recognises it in a log or a file."""
USED_EVERY = datetime.timedelta(minutes=1)
"""The last use is written at most once a minute: a read stays (almost always) a read."""
MAX_NAME = 100


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_create(*, owner: User, name: str) -> tuple[ApiToken, str]:
    """Make a token named `name` for `owner`; returns it and the token text, which is never shown again."""
    name = name.strip()
    if not name:
        raise ServiceError(_("Hãy đặt tên cho khóa API (ví dụ: tên hệ thống sẽ dùng nó)."), field="name")
    if len(name) > MAX_NAME:
        raise ServiceError(_("Tên khóa API dài tối đa %(max)s ký tự.") % {"max": MAX_NAME}, field="name")
    prefix = secrets.token_hex(4)
    text = f"{SCHEME}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(owner=owner, name=name, prefix=prefix, secret_hash=_hash(text))
        record(actor=owner, action="api_token.create", obj=token, new={"name": name, "prefix": prefix})
    return token, text


def token_revoke(*, token: ApiToken, by: User) -> None:
    """Revoke `by`'s own token: from now on it is refused (401)."""
    if token.owner_id != by.pk:
        raise ServiceError(_("Bạn chỉ thu hồi được khóa API của chính mình."))
    if token.revoked_at is not None:
        raise ServiceError(_("Khóa API “%(name)s” đã được thu hồi trước đó.") % {"name": token.name})
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(actor=by, action="api_token.revoke", obj=token, old={"name": token.name, "prefix": token.prefix})


def token_for(text: str) -> ApiToken | None:
    """The active token whose text this is, its owner an active account (None: unknown, revoked or locked)."""
    if not text.startswith(SCHEME):
        return None
    token = ApiToken.objects.select_related("owner").filter(secret_hash=_hash(text), revoked_at__isnull=True).first()
    if token is None or not token.owner.is_active:
        return None
    return token


def token_used(token: ApiToken) -> None:
    """Note that the token was used now (written at most once a minute)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
