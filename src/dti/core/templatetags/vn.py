"""Template filters for Vietnamese display: decimal comma, dd/mm/yyyy."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import template
from django.utils import timezone

from dti.engine import fmt, fmt_percent

register = template.Library()


@register.filter
def so(value: object, places: int | str | None = None) -> str:
    """A number the Vietnamese way: 1.234,56 (trailing zeros dropped unless places is given)."""
    if value is None or value == "":
        return ""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except Exception:
        return str(value)
    return fmt(number, None if places in (None, "") else int(places))


@register.filter
def phan_tram(value: object, places: int = 2) -> str:
    """A 0–1 ratio as a Vietnamese percentage: 0.8118 → 81,18 %."""
    if value is None or value == "":
        return ""
    return fmt_percent(value if isinstance(value, Decimal) else Decimal(str(value)), int(places))


@register.filter
def ngay(value: object) -> str:
    """A date dd/mm/yyyy, or a date-time hh:mm dd/mm/yyyy in local time."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)
