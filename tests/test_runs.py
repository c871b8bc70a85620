"""The piece generation jobs, exports and proxies share: the guarded status row and its event,
the threads, the finished file moved into place, and the failure chain."""

from __future__ import annotations

import errno
import json
import logging
import threading
from pathlib import Path
from typing import Any

import pytest

from reelcut.errors import AppError, NotFound
from reelcut.eventbus import EventBus
from reelcut.library.db import Database
from reelcut.runs import NULL, StatusRows, Threads, failed, failure, move_into_place


@pytest.fixture
def db(tmp_path: Path) -> Database:
    d = Database(tmp_path / "runs.db")
    d.execute("CREATE TABLE runs (id TEXT PRIMARY KEY, status TEXT, progress REAL, message TEXT, error TEXT,"
              " logs TEXT, updated_at TEXT)")
    d.execute("INSERT INTO runs (id, status, progress, logs) VALUES ('r', 'queued', 0, '[]')")
    return d


def _row(db: Database) -> dict[str, Any]:
    return dict(db.one("SELECT * FROM runs WHERE id = 'r'"))


@pytest.fixture
def rows(db: Database) -> StatusRows:
    def payload(run_id: str) -> dict[str, Any]:
        row = db.one("SELECT id, status, message FROM runs WHERE id = ?", (run_id,))
        if row is None:
            raise NotFound("The run")
        return dict(row)

    return StatusRows(db, EventBus(), table="runs", event="run", payload=payload)


def test_a_finished_row_never_changes_again_and_no_event_says_otherwise(db: Database, rows: StatusRows) -> None:
    q = rows.bus.subscribe()
    assert rows.update("r", status="rendering", progress=0.5, message="Half")
    assert rows.update("r", status="cancelled", message="Cancelled")
    assert not rows.update("r", status="rendering", progress=0.9, message="A late progress report")
    row = _row(db)
    assert (row["status"], row["progress"], row["message"]) == ("cancelled", 0.5, "Cancelled")
    assert row["updated_at"].endswith("Z")
    events = [q.get_nowait() for _ in range(q.qsize())]
    assert [(e, d["status"]) for e, d in events] == [("run", "rendering"), ("run", "cancelled")]


def test_reopening_only_from_given_states_and_clearing_with_null(db: Database, rows: StatusRows) -> None:
    rows.update("r", **failed(AppError("boom", "It broke.")))
    assert json.loads(_row(db)["error"]) == {"code": "boom", "message": "It broke."}
    assert not rows.update("r", only_from=("cancelled",), status="queued")
    assert rows.update("r", only_from=("failed", "cancelled"), status="queued", message="Retrying", error=NULL)
    row = _row(db)
    assert (row["status"], row["message"], row["error"]) == ("queued", "Retrying", None)


def test_merge_reads_the_row_in_the_same_transaction(db: Database, rows: StatusRows) -> None:
    def add(line: str) -> None:
        rows.update("r", merge=lambda row: {"logs": [*json.loads(row["logs"]), line]})

    threads = [threading.Thread(target=add, args=(f"line {i}",)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(json.loads(_row(db)["logs"])) == sorted(f"line {i}" for i in range(20))  # none lost


def test_mapped_columns_and_fields_a_table_does_not_keep(tmp_path: Path) -> None:
    db = Database(tmp_path / "m.db")
    db.execute("CREATE TABLE clips (id TEXT PRIMARY KEY, proxy_status TEXT, proxy_progress REAL)")
    db.execute("INSERT INTO clips VALUES ('m', 'none', 0)")
    rows = StatusRows(db, EventBus(), table="clips", event="clip", payload=lambda _id: {}, touched=None,
                      terminal=("ready",), columns={"status": "proxy_status", "progress": "proxy_progress",
                                                    "message": None})
    assert rows.update("m", status="encoding", progress=0.25, message="not stored")
    assert dict(db.one("SELECT * FROM clips")) == {"id": "m", "proxy_status": "encoding", "proxy_progress": 0.25}
    with pytest.raises(KeyError):
        rows.update("m", path="a field this table has not")
    assert rows.update("m", status="ready", progress=1.0) and not rows.update("m", status="queued")
    assert not rows.update("gone", status="queued")


def test_a_deleted_row_publishes_nothing(db: Database, rows: StatusRows) -> None:
    q = rows.bus.subscribe()
    db.execute("DELETE FROM runs")
    assert not rows.update("r", status="rendering")
    rows.publish("r")
    assert q.empty()


def test_threads_are_waited_for_and_a_timeout_says_so() -> None:
    threads = Threads("t")
    gate = threading.Event()
    assert threads.start("a", lambda: gate.wait(10))
    assert not threads.start("a", lambda: None, unless_running=True)  # the proxy maker's one worker
    assert threads.running("a") and threads.wait("a", timeout=0.05) is False
    gate.set()
    assert threads.wait("a", timeout=10) is True and not threads.running("a")
    assert threads.wait("never-started", timeout=0) is True


def test_a_run_retried_while_its_last_thread_finishes_gets_a_new_thread() -> None:
    threads = Threads("t")
    finishing, second_ran = threading.Event(), threading.Event()
    threads.start("job", lambda: finishing.wait(10))  # has written its end, not yet gone
    assert threads.start("job", second_ran.set)
    assert second_ran.wait(10), "the retried run never got a thread"
    finishing.set()
    assert threads.wait("job", timeout=10)


def test_move_into_place(tmp_path: Path) -> None:
    tmp, final = tmp_path / "x.part", tmp_path / "done" / "x.mp4"
    final.parent.mkdir()
    tmp.write_bytes(b"whole")
    move_into_place(tmp, final)
    assert final.read_bytes() == b"whole" and not tmp.exists()


def test_the_failure_chain(caplog: pytest.LogCaptureFixture) -> None:
    kept = AppError("ffmpeg_failed", "The export failed: bad input", status=500)
    assert failure(kept, what="The export", doing="writing the export") is kept
    full = failure(OSError(errno.ENOSPC, "No space left on device"), what="The export", doing="writing the export")
    assert full.code == "disk_full" and "while writing the export" in full.message
    with caplog.at_level(logging.ERROR, logger="reelcut.runs"):
        bug = failure(KeyError("width"), what="The export", doing="writing the export", run_id="e1")
    assert (bug.code, bug.status, bug.message) == ("internal", 500, "The export failed unexpectedly (KeyError).")
    assert any(r.exc_info and r.exc_info[0] is KeyError and "e1" in r.getMessage() for r in caplog.records)
    assert failed(bug) == {"status": "failed", "message": bug.message,
                           "error": {"code": "internal", "message": bug.message}}
