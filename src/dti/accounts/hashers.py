"""The password hasher for passwords the platform generates (dti.accounts.services.generate_password).

Slow hashing (Django's PBKDF2 with a million rounds, most of a second here) protects passwords
people choose, which are easy to guess. A generated password is random (12 characters from 31,
about 59 bits): guessing it from its hash is out of reach even with few rounds, and a bulk
import of hundreds of accounts cannot spend most of a second on each. Its owner must replace it
at the first sign-in, and Django re-hashes it with the default hasher as soon as it is used.

settings.PASSWORD_HASHERS lists this hasher after the default one, so that such a hash can be
checked; it is never the default.
"""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class GeneratedPasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2-SHA256 with 10,000 rounds, under its own name (so it is never mistaken for the default)."""

    algorithm = "pbkdf2_sha256_generated"
    iterations = 10_000
