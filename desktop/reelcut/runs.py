"""What generation jobs, exports and proxies have in common: each is a run in the background
whose state is a row the page follows through events.

- `StatusRows`: the one guarded UPDATE of a run's row (a row in a terminal state never changes
  again, so a late progress report cannot revive a cancelled run), and the event that follows.
- `Threads`: the threads of a manager's runs by id, to wait for one.
- `move_into_place`: a finished file fsynced, renamed to its final name, its folder fsynced.
- `failure`: any exception as the AppError the user reads (and the row records).

It sits beside the layers that use it (generation/, render/) and below none of them: library/
stays storage only and imports nothing from here."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

from .errors import AppError, from_os_error
from .eventbus import EventBus
from .library.db import Database, dumps, now
from .library.files import fsync_dir

log = logging.getLogger(__name__)

TERMINAL = ("done", "failed", "cancelled")


class _Null:
    def __repr__(self) -> str:
        return "NULL"


NULL: Any = _Null()  # as a value: write SQL NULL (None means "leave the column as it is")


class StatusRows:
    """The rows of one kind of run. `columns` maps the names callers use to the table's own
    (proxies live in the media table as proxy_status…); a name mapped to None is accepted and
    not stored. `payload(id)` is the event's data, or raises AppError when the row is gone."""

    def __init__(self, db: Database, bus: EventBus, *, table: str, event: str, payload: Callable[[str], Any],
                 columns: Mapping[str, str | None] | None = None, terminal: Collection[str] = TERMINAL,
                 touched: str | None = "updated_at") -> None:
        self.db = db
        self.bus = bus
        self.table = table
        self.event = event
        self.payload = payload
        self.columns = dict(columns) if columns is not None else None
        self.terminal = tuple(terminal)
        self.touched = touched

    def _column(self, name: str) -> str | None:
        if self.columns is None:
            return name
        return self.columns[name]  # KeyError: a caller wrote a field this table does not have

    def update(self, row_id: str, *, only_from: Collection[str] | None = None,
               merge: Callable[[Any], Mapping[str, Any]] | None = None, publish: bool = True,
               **values: Any) -> bool:
        """Write `values` (None: leave as is; NULL: clear; lists and dicts as JSON) to the row,
        only while its status is not terminal (or the write names that same terminal status),
        or, with `only_from`, only while it is one of those (a retry reopens only a failed or
        cancelled run). `merge(row)` adds values read from the current row in the same
        transaction (a job's log appends to its logs). Publishes the row's event; returns whether
        the row was written."""
        status_col = self._column("status")
        with self.db.transaction() as c:
            row = c.execute(f"SELECT * FROM {self.table} WHERE id = ?", (row_id,)).fetchone()
            if row is None:
                return False
            current = row[status_col] if status_col else None
            if only_from is not None:
                if current not in only_from:
                    return False
            elif current in self.terminal and values.get("status") != current:
                # a finished run takes no other status; a write naming the status it already has
                # may still add to it (fal's answer to a cancel arrives after the job ended)
                return False
            if merge is not None:
                values = {**values, **merge(row)}
            sets: list[str] = []
            args: list[Any] = []
            if self.touched:
                sets.append(f"{self.touched} = ?")
                args.append(now())
            for name, value in values.items():
                col = self._column(name)
                if value is None or col is None:
                    continue
                sets.append(f"{col} = ?")
                args.append(None if value is NULL else dumps(value) if isinstance(value, (dict, list)) else value)
            if sets:
                c.execute(f"UPDATE {self.table} SET {', '.join(sets)} WHERE id = ?", (*args, row_id))
        if publish:
            self.publish(row_id)
        return True

    def publish(self, row_id: str) -> None:
        try:
            data = self.payload(row_id)
        except AppError:
            return  # deleted meanwhile (its project went): nobody follows it any more
        self.bus.publish(self.event, data)


class Threads:
    """The threads of one manager's runs, by run id, forgotten as each ends."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self._threads: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()

    def start(self, run_id: str, target: Callable[[], None], *, unless_running: bool = False) -> bool:
        """Run `target` on a new thread, which `wait` then waits for. A run retried as its last
        thread is finishing (its end is written, its thread not yet gone) gets a new one; with
        `unless_running`, a run whose thread still goes gets none (returns False)."""
        def main() -> None:
            try:
                target()
            finally:
                with self._lock:
                    if self._threads.get(run_id) is threading.current_thread():
                        del self._threads[run_id]

        with self._lock:
            if unless_running and run_id in self._threads:
                return False
            t = threading.Thread(target=main, name=f"{self.prefix}-{run_id[:8]}", daemon=True)
            self._threads[run_id] = t
            t.start()
        return True

    def running(self, run_id: str) -> bool:
        with self._lock:
            return run_id in self._threads

    def wait_all(self, timeout: float) -> bool:
        """Shutting down: wait for every run's thread, `timeout` in all; False if some still go."""
        deadline = time.monotonic() + timeout
        with self._lock:
            ids = list(self._threads)
        return all([self.wait(run_id, max(0.0, deadline - time.monotonic())) for run_id in ids])

    def wait(self, run_id: str, timeout: float | None = None) -> bool:
        """Block until the run's thread ends; False if it is still running after `timeout`."""
        with self._lock:
            t = self._threads.get(run_id)
        if t is None or t is threading.current_thread():
            return t is None
        t.join(timeout)
        return not t.is_alive()


def move_into_place(tmp: Path, final: Path) -> None:
    """A finished file appears under its final name whole or not at all: its bytes are on disk
    before the rename (same file system, so atomic), and the rename is on disk before the
    caller records it in a row."""
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, final)
    fsync_dir(final.parent)


def failure(exc: BaseException, *, what: str, doing: str, run_id: str = "") -> AppError:
    """The error a run ends with: an AppError as it is; an OSError as a message the user can act
    on (`doing` completes "while ..."); anything else is a bug, logged with its traceback and
    shown as `what` failing unexpectedly."""
    if isinstance(exc, AppError):
        log.info("%s %s failed: %s", what, run_id, exc.message)
        return exc
    if isinstance(exc, OSError):
        err = from_os_error(exc, doing)
        log.warning("%s %s failed: %s", what, run_id, err.message)
        return err
    log.error("%s %s crashed", what, run_id, exc_info=exc)
    return AppError("internal", f"{what} failed unexpectedly ({type(exc).__name__}).")


def failed(err: AppError) -> dict[str, Any]:
    """The values that record `err` as the end of a run."""
    return {"status": "failed", "message": err.message, "error": err.to_dict()}
