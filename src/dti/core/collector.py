"""Python's cyclic garbage collector paused for one bounded bulk operation.

An organiser's import of thousands of units (`dti.exports.bulk`) keeps millions of small objects
alive until it ends: every value, form, change and row. The collector's full collections are
set off by that growth and each walks every one of them, to free almost nothing (the objects
are still in use). Paused, the import of benchmarks/excel.py (3,500 units × 100 indicators)
takes about a quarter less time (docs/files.md, "Đo hiệu năng"); the few reference cycles
made meanwhile are freed by the first collection after it, and the memory the work holds is
bounded by the limits on what it reads.

The collector is one for the process: a request or job running at the same time in another
thread goes without it for that long, which costs it nothing but memory freed later. Pauses that
overlap (two threads) are counted: the collector comes back on when the last one ends, if it was
on when the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pauses:
    """The pauses running in this process (the collector is the process's too): how many, and
    whether the first found the collector on."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.was_on = False


_PAUSES = _Pauses()


@contextmanager
def paused() -> Iterator[None]:
    """The collector off inside the block, back on after the last pause running ends if it was on
    before (also as a decorator)."""
    with _PAUSES.lock:
        if _PAUSES.running == 0:
            _PAUSES.was_on = gc.isenabled()
            gc.disable()
        _PAUSES.running += 1
    try:
        yield
    finally:
        with _PAUSES.lock:
            _PAUSES.running -= 1
            if _PAUSES.running == 0 and _PAUSES.was_on:
                gc.enable()
