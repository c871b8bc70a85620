"""Shared by the benchmarks (and the tests that watch processes): timing, medians, the result
table, scratch data dirs, the process table."""

from __future__ import annotations

import os
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


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    name: str
    cpu: float  # processor seconds used so far (user + system)


def processes() -> list[Proc]:
    """Every process this user can see, from /proc (Linux): what a bench measures a browser's CPU
    by, and what a test finds a server's ffmpeg children with."""
    tick = os.sysconf("SC_CLK_TCK")
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended while we looked
        # the name is in parentheses and may itself hold spaces or parentheses
        name, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
        found.append(Proc(int(entry.name), int(rest[1]), name, (int(rest[11]) + int(rest[12])) / tick))
    return found


def descendants_cpu(pid: int) -> float:
    """Processor seconds used so far by a process's descendants (a browser and its helpers)."""
    table = processes()
    children: dict[int, list[Proc]] = {}
    for p in table:
        children.setdefault(p.ppid, []).append(p)
    total, todo = 0.0, list(children.get(pid, []))
    while todo:
        p = todo.pop()
        total += p.cpu
        todo += children.get(p.pid, [])
    return total
