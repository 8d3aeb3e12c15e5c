"""E-mails with a link to set one's password: an invitation to a new account, or a reset.

The link is Django's password-reset link (a token signed with the account's current password
hash, valid for settings.PASSWORD_RESET_TIMEOUT seconds and only until the password changes),
on the platform's address (settings.SITE_URL, never the request's Host header). Mail goes out
in Vietnamese, whatever language the organiser reads the pages in, after the transaction
commits; a mail server that is down never undoes the change (it is logged).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from dti.accounts.models import User

log = logging.getLogger(__name__)


def link_context() -> dict[str, object]:
    """What a set-password e-mail needs besides the link's parts: the site's address, the link's life in hours."""
    return {
        "site_url": settings.SITE_URL.rstrip("/"),
        "hours": max(1, round(settings.PASSWORD_RESET_TIMEOUT / 3600)),
    }


def _link_parts(user: User) -> dict[str, str]:
    """The two parts of `user`'s set-password link (valid until used or expired), as Django's reset e-mail has them."""
    return {"uid": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}


def send_set_password_link(user: User, *, invitation: bool) -> None:
    """E-mail `user` the link to set their password, once the current transaction commits.

    Call it after the account is saved with the password it will keep until then: the token
    is signed with that password's hash.
    """
    kind = "invitation" if invitation else "reset"
    context = {**link_context(), **_link_parts(user), "user": user}
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"accounts/email/{kind}_subject.txt", context).split())
        body = render_to_string(f"accounts/email/{kind}.txt", context)

    def send() -> None:
        try:
            send_mail(subject, body, None, [user.email], fail_silently=False)
        except OSError:
            log.exception("could not send the set-password e-mail to account %s", user.pk)

    transaction.on_commit(send)
