"""Production refuses to start with the public development SECRET_KEY; a local install starts without one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_KEY = "dti-local-development-key-change-me-in-production"
OWN_KEY = "k" + "x7Qp2Lr9Vz" * 6
SETTINGS_VARS = ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DATABASE_URL", "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT")


def start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Load the settings, as every start does first (manage.py, `dti serve`'s gunicorn), with this environment.

    `manage.py check --deploy` in production, a full start, runs in test_check_deploy.py.
    """
    base = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS}
    return subprocess.run(
        [sys.executable, "-c", "import dti.settings"],
        cwd=ROOT,
        env={**base, "DTI_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("key", [None, PUBLIC_KEY, "  "])
def test_a_server_for_other_hosts_refuses_the_public_key(tmp_path, key):
    env = {"ALLOWED_HOSTS": "dti.example.gov.vn", "DEBUG": "0"}
    result = start(tmp_path, **env, **({"SECRET_KEY": key} if key is not None else {}))
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured: Chưa đặt SECRET_KEY riêng")
    assert "secrets.token_urlsafe(50)" in last and "SECRET_KEY is not set" in last


@pytest.mark.parametrize(
    "env",
    [
        {},  # make demo, make test, dti serve out of the box: only this machine can reach it
        {"ALLOWED_HOSTS": "localhost,127.0.0.1,[::1]"},
        {"ALLOWED_HOSTS": "dti.example.gov.vn", "DEBUG": "1"},  # a developer's machine
        {"ALLOWED_HOSTS": "dti.example.gov.vn", "SECRET_KEY": OWN_KEY},  # production
    ],
)
def test_it_starts_with_its_own_key_or_on_this_machine_alone(tmp_path, env):
    result = start(tmp_path, **env)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10"])
def test_dti_serve_without_its_own_key_listens_on_this_machine_only(tmp_path, host):
    """ALLOWED_HOSTS alone would let anyone on the network in with `Host: localhost`: refused, exit 2."""
    base = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS}
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "dti"), "serve", "--host", host, "--port", "1"],
        cwd=ROOT,
        env={**base, "DTI_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("dti: chưa đặt SECRET_KEY riêng nên chỉ chạy được trên chính máy này")
    assert f"không phải {host}" in done.stderr
    assert "Traceback" not in done.stderr
