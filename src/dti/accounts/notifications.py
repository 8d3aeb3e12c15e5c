"""Telling people that something needs them: a notice on their page and an e-mail.

E-mail goes through Django's configured backend (the console in the demo) after the
transaction commits; a mail server that is down never undoes the change that caused it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils.translation import gettext as _

from dti.accounts.models import Notification, User

log = logging.getLogger(__name__)


def notify(users: Iterable[User], text: str, *, url: str = "") -> int:
    """Leave `text` (with a link) on each person's page and e-mail those with an address."""
    return notify_many([(users, text, url)])


def notify_many(notices: Iterable[tuple[Iterable[User], str, str]]) -> int:
    """Several notices at once, each (people, text, url): one insert, one mail connection after commit.

    A bulk move (approving every unit of a campaign) tells each unit its own news this way.
    """
    rows: list[Notification] = []
    mails: list[tuple[str, str, None, list[str]]] = []
    for users, text, url in notices:
        people = list({u.pk: u for u in users}.values())
        rows.extend(Notification(user=u, text=text, url=url) for u in people)
        addresses = [u.email for u in people if u.email]
        if addresses:
            link = f"{settings.SITE_URL.rstrip('/')}{url}" if url else ""
            mails.append((_("[DTI] Thông báo"), f"{text}\n\n{link}".strip(), None, addresses))
    Notification.objects.bulk_create(rows)
    if mails:

        def send() -> None:
            try:
                send_mass_mail(mails, fail_silently=False)
            except OSError:
                log.exception("could not send notification e-mail")

        transaction.on_commit(send)
    return len(rows)
