"""The campaign brought to published through the services: the fixtures of tests/results."""

from tests.results.conftest import appraised, approved, published

__all__ = ["appraised", "approved", "published"]
