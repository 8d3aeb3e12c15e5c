"""Notification e-mails, sent by a background worker (docs/jobs.md), not by the page.

Approving or publishing a campaign of thousands of units tells every unit its news: sending
those mails inside the request would hold the page for minutes (and a slow mail server would
hold it longer). The notices themselves are written with the change; the mails follow once it
has committed, whoever's worker picks them up.
"""

from __future__ import annotations

import logging

from django.core.mail import send_mass_mail
from django_tasks import task

log = logging.getLogger(__name__)

Mail = dict[str, str | list[str]]
"""One e-mail as JSON keeps it: {"subject": …, "body": …, "to": [addresses]}."""


@task()
def send_notification_mails(mails: list[Mail]) -> int:
    """Send the notices' e-mails over one connection; a mail server that is down is logged, not raised
    (the notices are on the people's pages all the same)."""
    messages = [(str(m["subject"]), str(m["body"]), None, list(m["to"])) for m in mails]
    try:
        return send_mass_mail(messages, fail_silently=False)
    except OSError:
        log.exception("could not send notification e-mail")
        return 0
