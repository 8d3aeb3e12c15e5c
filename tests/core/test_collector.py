"""The garbage collector paused for a bulk operation: off inside, back on after, whatever happens."""

from __future__ import annotations

import gc
import threading
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


def test_overlapping_pauses_end_with_the_collector_on() -> None:
    """Overlapping as two threads would overlap them: off until the last one ends."""
    first, second = collector.paused(), collector.paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_pauses_in_threads_at_once() -> None:
    """Threads starting and ending pauses in every order leave the collector on."""
    start = threading.Barrier(8)
    seen_on: list[bool] = []  # the collector found on inside a pause (an assert in a thread would go unheard)

    def work() -> None:
        start.wait()
        for _ in range(200):
            with collector.paused():
                seen_on.append(gc.isenabled())

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not any(seen_on)
    assert gc.isenabled()


def test_as_a_decorator() -> None:
    @collector.paused()
    def work() -> bool:
        return gc.isenabled()

    assert work() is False
    assert work() is False  # a fresh pause each call
    assert gc.isenabled()
