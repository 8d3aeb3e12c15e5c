"""`manage.py makemessages` that also reads the Jinja2 templates (src/dti/*/jinja2/).

Django's own command reads every .html file as a Django template; it would miss Jinja's
`{{ _("tối đa %(max)s điểm", max=…) }}`. For a template under a `jinja2` folder this command
asks Jinja itself for the strings (the parser that renders the page, through the i18n
extension's `extract_translations`) and hands xgettext a stand-in file with one `gettext(…)`
call per string on the string's own line, so the catalogue's `#:` references point at the
template. Everything else is Django's command as it is (docs/i18n.md).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import CommandError
from django.core.management.commands import makemessages
from django.utils.functional import cached_property


def jinja_stub(source: str, origin: str = "") -> str:
    """Python source with the template's translatable strings as gettext/ngettext calls, line for line."""
    from dti.core.jinja import environment

    env = environment()
    lines = [""] * (source.count("\n") + 1)
    for lineno, function, message in env.extract_translations(source):  # type: ignore[attr-defined]
        strings = message if isinstance(message, tuple) else (message,)
        if function in ("ngettext", "npgettext"):
            singular, plural = strings[0], strings[1]
            if not isinstance(singular, str) or not isinstance(plural, str):
                raise CommandError(f"{origin}:{lineno}: ngettext needs two literal strings")
            call = f"ngettext({_literal(singular)}, {_literal(plural)}, n)"
        else:
            if not strings or not isinstance(strings[0], str):
                raise CommandError(f"{origin}:{lineno}: {function}() needs a literal string")
            call = f"gettext({_literal(strings[0])})"
        lines[lineno - 1] += call + "; "
    return "\n".join(lines)


def _literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid Python string literal


class BuildFile(makemessages.BuildFile):
    """Django's build file, with Jinja2 templates turned into gettext calls instead of templatize()."""

    @cached_property
    def is_jinja(self) -> bool:
        return self.domain == "django" and "jinja2" in Path(self.path).parts and self.is_templatized

    def preprocess(self) -> None:
        if not self.is_jinja:
            super().preprocess()
            return
        source = Path(self.path).read_text(encoding="utf-8")
        Path(self.work_path).write_text(jinja_stub(source, self.path), encoding="utf-8")


class Command(makemessages.Command):
    """Django's makemessages, plus the Jinja2 templates."""

    help = makemessages.Command.help + " Jinja2 templates (in jinja2/ folders) are read with Jinja's own parser."
    build_file_class = BuildFile
