"""The garbage collector paused for a bulk operation: off inside, back on after, whatever happens."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from dti.core import collector


@pytest.fixture(autouse=True)
def _collector_on_after() -> Iterator[None]:
    yield
    gc.enable()


def test_off_inside_and_on_after() -> None:
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_on_again_after_an_error() -> None:
    with pytest.raises(ValueError), collector.paused():
        raise ValueError
    assert gc.isenabled()


def test_off_before_stays_off() -> None:
    gc.disable()
    with collector.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_two_pauses_at_once_end_with_the_collector_on() -> None:
    """Overlapping as two threads would overlap them: the first to start turns it back on."""
    first, second = collector.paused(), collector.paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_as_a_decorator() -> None:
    @collector.paused()
    def work() -> bool:
        return gc.isenabled()

    assert work() is False
    assert work() is False  # a fresh pause each call
    assert gc.isenabled()
