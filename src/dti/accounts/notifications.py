"""Telling people that something needs them: a notice on their page and an e-mail.

E-mail goes through Django's configured backend (the console in the demo), sent by a background
worker once the transaction commits (`dti.accounts.tasks`): a mail server that is down never
undoes the change that caused it, and a campaign's thousands of mails never hold a page.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from dti.accounts.models import Notification, User
from dti.accounts.tasks import Mail, send_notification_mails


def notify(users: Iterable[User], text: str, *, url: str = "") -> int:
    """Leave `text` (with a link) on each person's page and e-mail those with an address."""
    return notify_many([(users, text, url)])


def notify_many(notices: Iterable[tuple[Iterable[User], str, str]]) -> int:
    """Several notices at once, each (people, text, url): one insert, one mail connection after commit.

    A bulk move (approving every unit of a campaign) tells each unit its own news this way.
    """
    rows: list[Notification] = []
    mails: list[Mail] = []
    for users, text, url in notices:
        people = list({u.pk: u for u in users}.values())
        rows.extend(Notification(user=u, text=text, url=url) for u in people)
        addresses = [u.email for u in people if u.email]
        if addresses:
            link = f"{settings.SITE_URL.rstrip('/')}{url}" if url else ""
            mails.append({"subject": _("[DTI] Thông báo"), "body": f"{text}\n\n{link}".strip(), "to": addresses})
    Notification.objects.bulk_create(rows)
    if mails:
        transaction.on_commit(lambda: send_notification_mails.enqueue(mails))
    return len(rows)
