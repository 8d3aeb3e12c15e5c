"""Telling people that something needs them: a notice on their page and an e-mail.

E-mail goes through Django's configured backend (the console in the demo) after the
transaction commits; a mail server that is down never undoes the change that caused it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from dti.accounts.models import Notification, User

log = logging.getLogger(__name__)


def notify(users: Iterable[User], text: str, *, url: str = "") -> int:
    """Leave `text` (with a link) on each person's page and e-mail those with an address."""
    people = list({u.pk: u for u in users}.values())
    Notification.objects.bulk_create([Notification(user=u, text=text, url=url) for u in people])
    addresses = [u.email for u in people if u.email]
    if addresses:
        link = f"{settings.SITE_URL.rstrip('/')}{url}" if url else ""

        def send() -> None:
            try:
                send_mail(_("[DTI] Thông báo"), f"{text}\n\n{link}".strip(), None, addresses, fail_silently=False)
            except OSError:
                log.exception("could not send notification e-mail")

        transaction.on_commit(send)
    return len(people)
