"""The one timer the benchmarks share: best of several runs, optionally after a warm-up."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def best_of(run: Callable[[], T], repeat: int = 1, warm_up: bool = False) -> tuple[float, T]:
    """Seconds of the fastest of `repeat` calls of `run`, and what the last call returned.
    `warm_up` makes one untimed call first (page cache, PROJ database, first-touch allocations)."""
    if warm_up:
        run()
    best, result = float("inf"), None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result
