"""Template filters for links to the history pages (`{% load history %}`)."""

from __future__ import annotations

from django import template

from dti.results.selectors import unit_slug as slug_of

register = template.Library()


@register.filter
def unit_slug(name: str) -> str:
    """The trend page's key of a unit name ("UBND huyện Đông Anh" → "ubnd-huyen-dong-anh")."""
    return slug_of(str(name))
