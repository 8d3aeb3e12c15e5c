"""The results' fixtures (appraised, approved, published campaigns) for the home page's tests."""

from tests.results.conftest import appraised, approved, published

__all__ = ["appraised", "approved", "published"]
