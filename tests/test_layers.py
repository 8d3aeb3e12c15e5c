"""The apps stand in layers: a module imports only the layers below its own.

The order is written once, in pyproject.toml (`[tool.importlinter]`), and explained in
docs/architecture.md; `make lint` checks it too. This test makes `make test` fail as soon as
an app reaches up, even inside a function.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_app_imports_one_that_stands_above_it() -> None:
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(linter), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout
