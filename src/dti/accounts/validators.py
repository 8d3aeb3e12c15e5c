"""Password rules with their messages in the language of the page.

Django 5.2 reworded the minimum-length message and its Vietnamese catalogue has not caught up,
so the message showed in English on Vietnamese pages; this one is written in Vietnamese and
translated through the platform's catalogue like every other message.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum length, with a Vietnamese message."""

    def get_error_message(self) -> str:
        """What is wrong and how long the password must be."""
        return _("Mật khẩu quá ngắn: cần ít nhất %(count)s ký tự.") % {"count": self.min_length}
