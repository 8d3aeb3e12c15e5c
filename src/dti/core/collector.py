"""Python's cyclic garbage collector paused for one bounded bulk operation.

An organiser's import of thousands of units (`dti.exports.bulk`) keeps millions of small objects
alive until it ends: every value, form, change and row. The collector's full collections are
set off by that growth and each walks every one of them, to free almost nothing (the objects
are still in use). Paused, the import of benchmarks/excel.py (3,500 units × 100 indicators)
takes about a quarter less time (docs/files.md, "Đo hiệu năng"); the few reference cycles
made meanwhile are freed by the first collection after it, and the memory the work holds is
bounded by the limits on what it reads.

The collector is one for the process: a request or job running at the same time in another
thread goes without it for that long, which costs it nothing but memory freed later. Two
pauses at once end well: the collector is turned back on by the pause that turned it off.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off inside the block, back on after it if it was on before (also as a decorator)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
