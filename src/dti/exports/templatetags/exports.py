"""`may_export`: whether to offer the campaign export's link (the campaign page is another app's)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template

from dti.exports.data import may_export as _may_export

if TYPE_CHECKING:
    from dti.core.permissions import Person

register = template.Library()


@register.filter
def may_export(user: Person) -> bool:
    """Whether `user` may download everything of a campaign."""
    return _may_export(user)
