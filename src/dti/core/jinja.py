"""The Jinja2 environment for the heavy pages (the self-assessment form renders 100 indicators).

Jinja2 compiles templates to Python and renders them several times faster than Django's
template language; the same Vietnamese filters are available as in dti.core.templatetags.vn.
"""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import filesizeformat, slugify
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import Environment

from dti.core.templatetags.vn import ngay, phan_tram, so


def url(name: str, *args: Any) -> str:
    """`{{ url('assessments:entry', pk, code) }}`: Django's reverse."""
    return reverse(name, args=args)


def environment(**options: Any) -> Environment:
    """Django's Jinja2 backend calls this to build the environment."""
    env = Environment(**options)
    env.globals.update(url=url, static=static)
    env.filters.update(so=so, ngay=ngay, phan_tram=phan_tram, filesizeformat=filesizeformat, slugify=slugify)
    return env
