"""The timeline's undo history, kept by the server, so that every writer (the page, an agent over
MCP, a script) shares one history and it survives a reload and a restart.

Each accepted save is a step: the document it stored, the revision it was given, when, and who
made it (`source`). `projects.history_at` is the step the current timeline is at. Undo moves
it to the step before and writes that step's document as the current timeline with a new
revision (revisions only grow, so every writer's stale check still holds); redo moves it forward.
A save after undos drops the steps after the pointer (the redo ones), as every editor does.

Media deleted for good leaves a step's document when it is gone to (library/projects.py): a step
that then changes nothing (the drop of a clip of that media) is passed over, as if it were not
there, so no undo seems to do nothing.

The step under the first save is the document as it was before history was kept (a new
project's empty timeline, or one saved by an older Reelcut): its source is "base", and it is
the floor undo stops at. At most CAP steps are kept per project, the oldest dropped.

Coalescing: a save sent with `coalesce: true` replaces the step the timeline is at, instead of
adding one, when that step was made by the same source less than COALESCE_SECONDS ago, is not
the base, and nothing is there to redo: a writer that saves many times for one gesture asks for
it. The page does not use it: a drag is shown live and saved once when it ends, and every other
edit of the page is its own save, its own step (web/js/app/project.js), as in Premiere.

These functions run inside the caller's transaction (Projects, which writes the timeline)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ..errors import AppError
from .db import now

SOURCES = ("page", "mcp", "api", "cli", "import", "generation", "relink")
BASE = "base"
CAP = 200
COALESCE_SECONDS = 1.0
CLIENT_CHARS = 64
# what an undo or redo says it undid or redid, by the source of the step
LABELS = {"page": "an edit in the window", "mcp": "an agent's edit", "api": "an edit through the API",
          "cli": "an edit from the command line", "import": "a timeline import",
          "generation": "a generation placed on the timeline", "relink": "relinking offline clips",
          BASE: "the first edit"}


def clean_source(source: Any) -> str:
    """Who made a change: one of SOURCES; "api" when not said."""
    if source is None or source == "":
        return "api"
    if source not in SOURCES:
        raise AppError("invalid_source", f"The source must be one of {', '.join(SOURCES)}.", field="source")
    return str(source)


def clean_client(client: Any) -> str | None:
    """The writer's own id (a window's), echoed in `timeline_changed` so it can tell its own
    saves from others'."""
    if client is None:
        return None
    if not isinstance(client, str) or not client or len(client) > CLIENT_CHARS:
        raise AppError("invalid_client", f"The client must be text of 1 to {CLIENT_CHARS} characters.", field="client")
    return client


def clean_coalesce(coalesce: Any) -> bool:
    if coalesce is None:
        return False
    if not isinstance(coalesce, bool):
        raise AppError("invalid_coalesce", "coalesce must be true or false.", field="coalesce")
    return coalesce


def _at(c: sqlite3.Connection, project_id: str) -> int | None:
    row = c.execute("SELECT history_at FROM projects WHERE id = ?", (project_id,)).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _step(c: sqlite3.Connection, project_id: str, seq: int) -> sqlite3.Row | None:
    return c.execute("SELECT seq, revision, timeline, source, created_at FROM timeline_history "
                     "WHERE project_id = ? AND seq = ?", (project_id, seq)).fetchone()


def _seconds_since(stamp: str) -> float:
    return (datetime.fromisoformat(now()) - datetime.fromisoformat(stamp)).total_seconds()


def record(c: sqlite3.Connection, project_id: str, before: str, before_revision: int, doc: str, revision: int,
           source: str, coalesce: bool = False) -> None:
    """A save was accepted: `before` (JSON, at `before_revision`) was the stored document, `doc`
    (at `revision`) is the new one. Make it a step."""
    at = _at(c, project_id)
    step = None if at is None else _step(c, project_id, at)
    if step is None:  # no history yet (or its pointer lost): the document saved over is the base
        c.execute("DELETE FROM timeline_history WHERE project_id = ?", (project_id,))
        c.execute("INSERT INTO timeline_history (project_id, seq, revision, timeline, source, created_at) "
                  "VALUES (?,?,?,?,?,?)", (project_id, 1, before_revision, before, BASE, now()))
        at = 1
        step = _step(c, project_id, at)
    assert step is not None and at is not None
    later = c.execute("SELECT COUNT(*) FROM timeline_history WHERE project_id = ? AND seq > ?",
                      (project_id, at)).fetchone()[0]
    if (coalesce and not later and step["source"] == source
            and _seconds_since(step["created_at"]) < COALESCE_SECONDS):
        c.execute("UPDATE timeline_history SET revision = ?, timeline = ?, created_at = ? "
                  "WHERE project_id = ? AND seq = ?", (revision, doc, now(), project_id, at))
        return
    # a new change: what was there to redo is gone
    c.execute("DELETE FROM timeline_history WHERE project_id = ? AND seq > ?", (project_id, at))
    seq = at + 1
    c.execute("INSERT INTO timeline_history (project_id, seq, revision, timeline, source, created_at) "
              "VALUES (?,?,?,?,?,?)", (project_id, seq, revision, doc, source, now()))
    c.execute("DELETE FROM timeline_history WHERE project_id = ? AND seq <= ?", (project_id, seq - CAP))
    c.execute("UPDATE projects SET history_at = ? WHERE id = ?", (seq, project_id))


def rewrite_current(c: sqlite3.Connection, project_id: str, doc: str) -> None:
    """The timeline was changed in place, with no new revision (media_store.delete took a deleted
    item's clips out): the step it is at holds that too, so that once the item is restored and its
    clips put back (a new step), an undo takes them out again."""
    c.execute("UPDATE timeline_history SET timeline = ? WHERE project_id = ? AND seq = "
              "(SELECT history_at FROM projects WHERE id = ?)", (doc, project_id, project_id))


def move(c: sqlite3.Connection, project_id: str, direction: int) -> tuple[sqlite3.Row, sqlite3.Row]:
    """The step undo (-1) or redo (+1) goes to, with the step it undoes or redoes (its revision
    and source); the pointer is moved there. Raises 409 when there is none."""
    at = _at(c, project_id)
    target = None
    if at is not None:
        sql = ("SELECT MAX(seq) FROM timeline_history WHERE project_id = ? AND seq < ?" if direction < 0 else
               "SELECT MIN(seq) FROM timeline_history WHERE project_id = ? AND seq > ?")
        seq = c.execute(sql, (project_id, at)).fetchone()[0]
        target = None if seq is None else _step(c, project_id, int(seq))
    if target is None or at is None:
        if direction < 0:
            raise AppError("nothing_to_undo", "There is nothing to undo: the timeline is at the oldest change "
                           "its history keeps.")
        raise AppError("nothing_to_redo", "There is nothing to redo: no change was undone since the last edit.")
    # the change undone is the one the pointer was at; the change redone is the one it goes to
    moved = _step(c, project_id, at) if direction < 0 else target
    assert moved is not None
    c.execute("UPDATE projects SET history_at = ? WHERE id = ?", (target["seq"], project_id))
    return target, moved


def ahead(c: sqlite3.Connection, project_id: str, direction: int) -> Iterator[sqlite3.Row]:
    """The steps an undo (-1) or redo (+1) would go to from the pointer, nearest first."""
    at = _at(c, project_id)
    if at is None:
        return
    sql = ("SELECT seq, revision, timeline, source FROM timeline_history WHERE project_id = ? AND seq < ? "
           "ORDER BY seq DESC" if direction < 0 else
           "SELECT seq, revision, timeline, source FROM timeline_history WHERE project_id = ? AND seq > ? "
           "ORDER BY seq")
    yield from c.execute(sql, (project_id, at))


def summary(c: sqlite3.Connection, project_id: str) -> dict[str, Any]:
    """can_undo, can_redo, and the steps (oldest first): revision, source, when, current."""
    at = _at(c, project_id)
    rows = c.execute("SELECT seq, revision, source, created_at FROM timeline_history WHERE project_id = ? "
                     "ORDER BY seq", (project_id,)).fetchall()
    if at is None or not any(r["seq"] == at for r in rows):
        return {"can_undo": False, "can_redo": False, "steps": []}
    return {"can_undo": any(r["seq"] < at for r in rows), "can_redo": any(r["seq"] > at for r in rows),
            "steps": [{"revision": r["revision"], "source": r["source"], "when": r["created_at"],
                       "current": r["seq"] == at} for r in rows]}


def label(direction: int, source: str) -> str:
    return f"{'Undid' if direction < 0 else 'Redid'} {LABELS.get(source, 'an edit')}."
