"""`check --deploy` with the production settings of docs/deploy.md: only the warnings documented there remain."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# docs/deploy.md section 4, with a key of the documented kind.
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "Zr4-" + "q8Wf2kLm9xTa" * 5,
    "ALLOWED_HOSTS": "dti.example.gov.vn",
    "CSRF_TRUSTED_ORIGINS": "https://dti.example.gov.vn",
    "SECURE_COOKIES": "1",
}
# What docs/deploy.md explains: nginx redirects to HTTPS and sends HSTS; PDF evidence is framed by the site itself.
BEHIND_NGINX = {"security.W004", "security.W008", "security.W019"}


def deploy_check(tmp_path: Path, **env: str) -> set[str]:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (set for the rest of their worker) is no server's setting.
    skipped = ("SECURE_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if not k.startswith(skipped)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={**base, "DTI_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return set(re.findall(r"\(([a-z_]+\.[EWC]\d+)\)", result.stdout + result.stderr))


def test_production_behind_nginx_leaves_only_the_documented_warnings(tmp_path):
    assert deploy_check(tmp_path, **PRODUCTION) == BEHIND_NGINX


@pytest.mark.parametrize(
    ("extra", "left"),
    [
        ({"SECURE_SSL_REDIRECT": "1"}, {"security.W004", "security.W019"}),
        (
            {"SECURE_SSL_REDIRECT": "1", "SECURE_HSTS_SECONDS": "31536000", "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1"},
            {"security.W019", "security.W021"},
        ),
    ],
)
def test_https_settings_are_driven_by_the_environment(tmp_path, extra, left):
    assert deploy_check(tmp_path, **PRODUCTION, **extra) == left
