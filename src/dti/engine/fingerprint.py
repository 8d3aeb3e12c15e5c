"""The engine's fingerprint: the SHA-256 of its own source, so that stored figures know the rules
they were computed under.

Stored results (dti.appraisal.standing) are stamped with the framework's content hash; a new
release whose engine scores differently (a corrected rule) must make them stale too, without
anyone remembering to say so. The engine's modules are its rules, so their text names them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


ENGINE_FINGERPRINT = _fingerprint()
"""The SHA-256 of the engine's modules (names and text), computed once when the engine is imported."""
