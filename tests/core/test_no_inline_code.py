"""No template holds code the Content-Security-Policy refuses (issue 10 §4).

Pages are served with `script-src 'self'; style-src 'self'`: an inline script or event handler,
a `style` attribute or element, a `javascript:` URL, or htmx that evaluates code (`hx-on`,
`hx-vars`, `js:` values, trigger filters) would be blocked in the browser. Behaviour lives in
static JS files (addEventListener, data attributes) and looks in dti.css (classes). This scan of
every file under the apps' `templates/` and `jinja2/` folders names the file and line of each
such thing, so a new one fails here before a browser ever meets it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import dti

SRC = Path(dti.__file__).parent
FORBIDDEN = {
    "style attribute": re.compile(r"\sstyle\s*="),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "inline event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "inline script": re.compile(r"<script\b(?![^>]*\ssrc\s*=)", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "htmx code (hx-on, hx-vars)": re.compile(r"\shx-(on\b|on:|on-|vars\b)", re.IGNORECASE),
    "htmx code (js: value)": re.compile(r"""\shx-(vals|headers)\s*=\s*["']\s*js:""", re.IGNORECASE),
    "htmx trigger filter": re.compile(r"""\shx-trigger\s*=\s*["'][^"']*\[""", re.IGNORECASE),
}


def template_files() -> list[Path]:
    """Every file in the apps' template folders (Django's `templates/`, Jinja's `jinja2/`)."""
    folders = [d for d in SRC.rglob("*") if d.is_dir() and d.name in ("templates", "jinja2")]
    return sorted(f for folder in folders for f in folder.rglob("*") if f.is_file())


def inline_code(text: str, name: str) -> list[str]:
    """`name:line: what` for each thing in `text` that the policy would refuse."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        found += [f"{name}:{number}: {what}" for what, pattern in FORBIDDEN.items() if pattern.search(line)]
    return found


def test_the_scan_sees_the_templates():
    names = {f.relative_to(SRC).as_posix() for f in template_files()}
    assert "core/templates/base.html" in names
    assert "assessments/jinja2/assessments/_summary.html" in names


def test_no_template_holds_inline_code():
    found = [hit for f in template_files() for hit in inline_code(f.read_text(), str(f.relative_to(SRC)))]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(
    ("line", "what"),
    [
        ('<span style="width: 40%"></span>', "style attribute"),
        ("<style>.x { color: red }</style>", "style element"),
        ('<button onclick="window.print()">', "inline event handler"),
        ("<select ONCHANGE='this.form.submit()'>", "inline event handler"),
        ("<script>htmx.config.x = 1</script>", "inline script"),
        ('<script type="module">go()</script>', "inline script"),
        ('<a href="javascript:history.back()">', "javascript: URL"),
        ('<form hx-on::after-request="this.reset()">', "htmx code (hx-on, hx-vars)"),
        ('<div hx-vars="a: 1">', "htmx code (hx-on, hx-vars)"),
        ("<div hx-vals='js:{a: 1}'>", "htmx code (js: value)"),
        ("<input hx-trigger=\"keyup[key=='Enter']\">", "htmx trigger filter"),
    ],
)
def test_each_kind_is_named_with_its_line(line, what):
    assert inline_code(f"<p>\n{line}\n", "x.html") == [f"x.html:2: {what}"]


@pytest.mark.parametrize(
    "line",
    [
        "<script src=\"{% static 'dti/dti.js' %}\" defer></script>",
        '<button class="link danger" data-confirm="Xóa?">',
        '<progress class="progress" max="100" value="40"></progress>',
        '<rect width="40" fill="#1f4e8c"/>',
        '<div hx-vals=\'{"version": "3"}\' hx-trigger="input delay:800ms, change">',
        '<div data-online="1">',
    ],
)
def test_what_the_policy_allows_is_not_named(line):
    assert inline_code(line, "x.html") == []
