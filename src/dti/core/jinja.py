"""The Jinja2 environment for the heavy pages (the self-assessment form renders 100 indicators).

Jinja2 compiles templates to Python and renders them several times faster than Django's
template language; the same Vietnamese filters are available as in dti.core.templatetags.vn.
Text goes through Django's translation like everywhere else: `{{ _("Lưu") }}`, with named
placeholders `{{ _("tối đa %(max)s điểm", max=…) }}` (newstyle gettext: values are escaped,
a literal percent sign is written %%). `manage.py makemessages` extracts these templates too
(dti.core.management.commands.makemessages; docs/i18n.md).
"""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import filesizeformat, slugify
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from jinja2 import Environment

from dti.core import files
from dti.core.templatetags.vn import ngay, phan_tram, so


def url(name: str, *args: int | str) -> str:
    """`{{ url('assessments:entry', pk, code) }}`: Django's reverse."""
    return reverse(name, args=args)


def environment(**options: Any) -> Environment:
    """Django's Jinja2 backend calls this to build the environment."""
    extensions = [*options.pop("extensions", ()), "jinja2.ext.i18n"]
    env = Environment(extensions=extensions, **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
    env.globals.update(url=url, static=static, evidence_accept=files.ACCEPT, evidence_types=files.LABELS)
    env.filters.update(so=so, ngay=ngay, phan_tram=phan_tram, filesizeformat=filesizeformat, slugify=slugify)
    return env
