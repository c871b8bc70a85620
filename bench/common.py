"""Shared by the benchmarks: timing, medians, the result table, scratch data dirs."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Row:
    measure: str
    value: float
    unit: str
    baseline_name: str = ""
    baseline: float | None = None
    target: str = ""
    ok: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline


def median_of(runs: int, fn: Callable[[], float]) -> float:
    return statistics.median(fn() for _ in range(runs))


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


@contextmanager
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="reelcut-bench-") as d:
        yield Path(d)


def print_table(title: str, rows: list[Row]) -> None:
    print(f"\n## {title}")
    width = max([48, *(len(r.measure) for r in rows)])
    head = f"{'measure':<{width}} {'value':>12} {'baseline':>12} {'ratio':>7}  {'target':<22} ok"
    print(head)
    print("-" * len(head))
    for r in rows:
        base = f"{r.baseline:.3f}" if r.baseline is not None else "—"
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else "—"
        ok = {True: "yes", False: "NO", None: ""}[r.ok]
        print(f"{r.measure:<{width}} {r.value:>9.3f} {r.unit:<2} {base:>12} {ratio:>7}  {r.target:<22} {ok}")
        if r.baseline_name:
            print(f"{'':<4}baseline: {r.baseline_name}")
