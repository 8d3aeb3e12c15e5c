"""Framework words for templates: a level by its name."""

from __future__ import annotations

from django import template

from dti.frameworks.selectors import level_label

register = template.Library()
register.filter("level_label", level_label)
