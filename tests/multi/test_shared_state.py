"""Nothing one application server keeps in its own memory is needed by another (docs/deploy.md section 17).

Sessions, the cache (API rate counts) and login lockouts live in the database; evidence files in
the storage every server shares. The only data a process keeps to itself are caches keyed by
content (a framework parsed from its text, figures worked out from a parsed framework): every
server computes the same from the same text. A new module-level cache fails the last test until
it is shown to be keyed by content (and listed here with why) or moved to the database.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from dti.history.services import staging_folder

SRC = Path(__file__).resolve().parents[2] / "src" / "dti"

# module:name → why it may stay in one process.
CONTENT_KEYED = {
    "engine.model:_items_by_code": "a parsed framework's items by code (the framework is immutable)",
    "engine.results:item_maxima": "a parsed framework's item maxima",
    "engine.scoring:_scoring_plan": "a parsed framework's scoring plan",
    "engine.scoring:_direct_indices": "a parsed framework's directly scored indices",
    "engine.scoring:_index_plan": "a parsed framework's index plan",
    "engine.scoring:_NO_CLAIMS": "an empty mapping never written (a default argument)",
    "engine.scoring:_NO_VALUES": "an empty mapping never written (a default argument)",
    "frameworks.models:_PARSED": "parsed frameworks by the SHA-256 of their text",
    "frameworks.models:source_hash": "the SHA-256 of a framework's text",
}
_CACHES = {"lru_cache", "cache"}
_CONTAINERS = {"dict", "list", "set", "defaultdict", "OrderedDict", "Counter", "WeakValueDictionary"}


def test_sessions_cache_and_lockouts_are_in_the_database():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert {c["BACKEND"] for c in settings.CACHES.values()} == {"django.core.cache.backends.db.DatabaseCache"}
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    # Messages shown after a redirect travel in a cookie (or the session), never in a process.
    assert getattr(settings, "MESSAGE_STORAGE", "django.contrib.messages.storage.fallback.FallbackStorage") in (
        "django.contrib.messages.storage.fallback.FallbackStorage",
        "django.contrib.messages.storage.cookie.CookieStorage",
        "django.contrib.messages.storage.session.SessionStorage",
    )


def _kept_in_process(tree: ast.Module) -> list[str]:
    """The module-level caches (functools.lru_cache/cache functions) and mutable containers of a module."""
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
                if name in _CACHES:
                    found.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            value = node.value
            empty = isinstance(value, (ast.Dict, ast.List, ast.Set)) and not (
                getattr(value, "keys", None) or getattr(value, "elts", None)
            )
            built = isinstance(value, ast.Call) and getattr(value.func, "id", "") in _CONTAINERS
            if empty or built:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                found += [t.id for t in targets if isinstance(t, ast.Name)]
    return found


def test_no_module_keeps_data_that_another_server_would_need():
    kept = set()
    for source in SRC.rglob("*.py"):
        if "migrations" in source.parts:
            continue
        module = ".".join(source.relative_to(SRC).with_suffix("").parts)
        kept |= {f"{module}:{name}" for name in _kept_in_process(ast.parse(source.read_text(encoding="utf-8")))}
    assert sorted(kept - set(CONTENT_KEYED)) == [], (
        "kept in one process's memory, which other application servers do not see: key it by content "
        "(and list it in CONTENT_KEYED with why) or keep it in the database"
    )


def test_the_import_staging_folder_is_set_by_dti_staging_dir(tmp_path):
    """Several servers (and job workers) need one staging folder that all of them see (an NFS folder)."""
    shared = tmp_path / "nhap"
    done = subprocess.run(
        [sys.executable, "-c", "from dti import settings as s; print(s.HISTORY_STAGING_DIR)"],
        env={**os.environ, "DTI_VAR_DIR": str(tmp_path), "DTI_STAGING_DIR": f" {shared} "},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(shared)


def test_staged_uploads_go_to_the_configured_folder(settings, tmp_path):
    settings.HISTORY_STAGING_DIR = str(tmp_path / "chung" / "nhap")
    assert staging_folder() == tmp_path / "chung" / "nhap"
    assert staging_folder().is_dir()
