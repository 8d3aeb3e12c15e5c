"""The evidence file picker's accepted types, from dti.core.files (Jinja2 has them as globals)."""

from __future__ import annotations

from django import template

from dti.core import files

register = template.Library()


@register.simple_tag
def evidence_accept() -> str:
    """The `accept` attribute of an evidence file input: ".pdf,.doc,…"."""
    return files.ACCEPT


@register.simple_tag
def evidence_types() -> str:
    """The accepted types as people read them: "PDF, DOC, DOCX, …"."""
    return files.LABELS
