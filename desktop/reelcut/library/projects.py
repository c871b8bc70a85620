"""Projects and their timeline documents."""

from __future__ import annotations

import math
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import AppError, NotFound
from ..eventbus import EventBus
from . import history
from .db import Database, dumps, loads, now
from .timeline import LIMITS, Limit, default_timeline, migrate, validate_timeline, without_clips

MAX_NAME = 120


def _clean_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise AppError("invalid_name", "A project needs a name.", field="name")
    name = " ".join(name.split())
    if len(name) > MAX_NAME:
        raise AppError("invalid_name", f"A project name can be at most {MAX_NAME} characters.", field="name")
    return name


def _project(row: Any) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "spending_cap": row["spending_cap"],
            "created_at": row["created_at"], "updated_at": row["updated_at"]}


MAX_CAP = 1_000_000.0  # dollars: past it a cap is a typo, not a limit

# what a project has spent: the stored cost of every generation job that ran or runs (a failed or
# cancelled one is not billed by fal)
SPENT_SQL = "SELECT COALESCE(SUM(cost), 0) FROM jobs WHERE project_id = ? AND status NOT IN ('failed', 'cancelled')"


def _clean_cap(cap: Any) -> float | None:
    if cap is None:
        return None
    if isinstance(cap, bool) or not isinstance(cap, (int, float)) or not 0 <= cap <= MAX_CAP or cap != cap:
        raise AppError("invalid_spending_cap", f"The spending cap must be a number of dollars from 0 to "
                       f"{MAX_CAP:,.0f}, or null for none.", field="spending_cap")
    return round(float(cap), 2)


def _check_revision(revision: Any) -> None:
    if revision is not None and (isinstance(revision, bool) or not isinstance(revision, int) or revision < 0):
        raise AppError("invalid_revision", "The revision must be a whole number (the one the timeline was "
                       "read at).", field="revision")


def _not_stale(current: int, revision: int | None) -> None:
    if revision is not None and revision != current:
        err = AppError("stale_timeline", f"The timeline was changed elsewhere since it was read (it is at "
                       f"revision {current}, this change was made on revision {revision}). Nothing was changed: "
                       "read it again and make the change on the current revision.")
        err.extra["revision"] = current
        raise err


def _media_ids(c: Any, project_id: str) -> set[str]:
    return {r[0] for r in c.execute("SELECT id FROM media WHERE project_id = ? AND deleted_at IS NULL", (project_id,))}


def _as_now(stored: str, media_ids: set[str]) -> dict[str, Any]:
    """A stored document as it would be now: media deleted since is gone for good, its clips left
    out (as media_store.delete did to the timeline then)."""
    doc = without_clips(migrate(loads(stored)),
                        lambda clip: "media_id" in clip and clip["media_id"] not in media_ids)
    return validate_timeline(doc, media_ids)


def _writable(c: Any, project_id: str, revision: int | None) -> tuple[Any, int, set[str]]:
    """The project's row (revision, view, timeline) about to be written, its revision, and its
    media: refused when the project is gone or the writer's revision is stale."""
    row = c.execute("SELECT revision, view, timeline FROM projects WHERE id = ?", (project_id,)).fetchone()
    if row is None:
        raise NotFound("The project")
    current = int(row["revision"])
    _not_stale(current, revision)
    return row, current, _media_ids(c, project_id)


def _same_document(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """The same edit: the playhead and zoom are the view's, not the document's."""
    def strip(doc: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in doc.items() if k not in ("playhead", "zoom")}
    return strip(a) == strip(b)


def _can_move(c: Any, project_id: str, doc: dict[str, Any], media_ids: set[str]) -> tuple[bool, bool]:
    """Whether an undo, and a redo, from `doc` (the timeline now) would change it."""
    def changes(direction: int) -> bool:
        return any(not _same_document(_as_now(s["timeline"], media_ids), doc)
                   for s in history.ahead(c, project_id, direction))
    return changes(-1), changes(+1)


class Projects:
    def __init__(self, db: Database, projects_dir: Path, bus: EventBus | None = None) -> None:
        self.db = db
        self.projects_dir = projects_dir
        self.bus = bus or EventBus()
        # called with the project's id before it is deleted (its running jobs are cancelled)
        self.before_delete: list[Callable[[str], None]] = []

    def folder(self, project_id: str) -> Path:
        return self.projects_dir / project_id

    def list(self) -> list[dict[str, Any]]:
        return [_project(r) for r in self.db.query(
            "SELECT * FROM projects ORDER BY updated_at DESC, created_at DESC, rowid DESC")]

    def get(self, project_id: str) -> dict[str, Any]:
        row = self.db.one("SELECT * FROM projects WHERE id = ?", (project_id,))
        if row is None:
            raise NotFound("The project")
        return {**_project(row), "spent": self.spent(project_id)}

    def spent(self, project_id: str) -> float:
        """Dollars the project's generations have cost (or will, for those running)."""
        return round(float(self.db.one(SPENT_SQL, (project_id,))[0]), 4)

    def update(self, project_id: str, data: Any) -> dict[str, Any]:
        """PATCH: a new name and/or spending cap (null: none); a field it does not know is refused."""
        if not isinstance(data, dict) or not data:
            data = {"name": None}  # a rename without a name, as it always was: "A project needs a name."
        unknown = sorted(k for k in data if k not in ("name", "spending_cap"))
        if unknown:
            raise AppError("unknown_field", f"A project has no field {unknown[0]!r} to change.", field=unknown[0])
        sets = {}
        if "name" in data:
            sets["name"] = _clean_name(data["name"])
        if "spending_cap" in data:
            sets["spending_cap"] = _clean_cap(data["spending_cap"])
        assignments = ", ".join(f"{k} = ?" for k in sets)
        if self.db.execute(f"UPDATE projects SET {assignments}, updated_at = ? WHERE id = ?",  # noqa: S608 - fixed names
                           (*sets.values(), now(), project_id)) == 0:
            raise NotFound("The project")
        project = self.get(project_id)
        self.bus.publish("project", {"project": project})
        return project

    def create(self, name: Any) -> dict[str, Any]:
        name = _clean_name(name)
        pid = uuid.uuid4().hex
        ts = now()
        (self.folder(pid) / "media").mkdir(parents=True, exist_ok=True)
        self.db.execute("INSERT INTO projects (id, name, timeline, created_at, updated_at) VALUES (?,?,?,?,?)",
                        (pid, name, dumps(default_timeline()), ts, ts))
        project = self.get(pid)
        self.bus.publish("project", {"project": project})
        return project

    def by_name(self, name: str, create: bool = False) -> dict[str, Any]:
        for p in self.list():
            if p["name"] == name:
                return p
        if create:
            return self.create(name)
        raise NotFound("The project", f"There is no project named '{name}'.")

    def rename(self, project_id: str, name: Any) -> dict[str, Any]:
        name = _clean_name(name)
        if self.db.execute("UPDATE projects SET name = ?, updated_at = ? WHERE id = ?",
                           (name, now(), project_id)) == 0:
            raise NotFound("The project")
        project = self.get(project_id)
        self.bus.publish("project", {"project": project})
        return project

    def delete(self, project_id: str) -> None:
        self.get(project_id)
        for hook in self.before_delete:
            hook(project_id)
        # The row goes first: a crash after it leaves only an orphan folder, which start-up sweeps.
        self.db.execute("DELETE FROM projects WHERE id = ?", (project_id,))
        shutil.rmtree(self.folder(project_id), ignore_errors=True)
        self.bus.publish("project_deleted", {"id": project_id})

    def sweep_orphans(self) -> None:
        if not self.projects_dir.is_dir():
            return
        known = {r["id"] for r in self.db.query("SELECT id FROM projects")}
        for child in self.projects_dir.iterdir():
            if child.is_dir() and child.name not in known:
                shutil.rmtree(child, ignore_errors=True)

    def timeline(self, project_id: str) -> dict[str, Any]:
        """The document at the current version: one stored by an older Reelcut is migrated as it
        is read (the row itself is upgraded by the next save). Its playhead and zoom are the
        view's (saved apart, see `save_view`)."""
        return self.timeline_at(project_id)[0]

    def timeline_at(self, project_id: str) -> tuple[dict[str, Any], int]:
        """The document (as `timeline`) and its revision, read together."""
        row = self.db.one("SELECT timeline, revision, view FROM projects WHERE id = ?", (project_id,))
        if row is None:
            raise NotFound("The project")
        doc: dict[str, Any] = migrate(loads(row["timeline"]))
        view = loads(row["view"], {})
        for key in ("playhead", "zoom"):
            if key in view:
                doc[key] = view[key]
        return doc, int(row["revision"])

    def save_timeline(self, project_id: str, doc: Any, revision: Any = None, **how: Any) -> dict[str, Any]:
        return self.save_timeline_at(project_id, doc, revision, **how)[0]

    def save_timeline_at(self, project_id: str, doc: Any, revision: Any = None, *, source: Any = None,
                         coalesce: Any = False, client: Any = None) -> tuple[dict[str, Any], int]:
        """Store the document and return it with its new revision. `revision` is the one the
        document was made from: a save made on an older one is refused (409 `stale_timeline`),
        so one writer cannot silently overwrite another. Without it (a script) the save is taken
        as it comes. The document's playhead and zoom, when it has them, become the view's.

        Every accepted save is a step of the undo history (library/history.py), labelled with
        `source` (who made it), and is told to every open window (`timeline_changed`, with
        `client`, the writer's own id if it gave one). This is the one place the timeline is
        written, besides undo and redo below."""
        _check_revision(revision)
        source = history.clean_source(source)
        coalesce = history.clean_coalesce(coalesce)
        client = history.clean_client(client)
        with self.db.transaction() as c:
            row, current, media_ids = _writable(c, project_id, revision)
            # what is stored is the document validated: a version 1 document migrated, tracks in
            # stack order
            doc = validate_timeline(doc, media_ids)
            view = {**loads(row["view"], {}), **{k: doc[k] for k in ("playhead", "zoom") if k in doc}}
            stored = dumps(doc)
            c.execute("UPDATE projects SET timeline = ?, revision = ?, view = ?, updated_at = ? WHERE id = ?",
                      (stored, current + 1, dumps(view), now(), project_id))
            history.record(c, project_id, row["timeline"], current, stored, current + 1, source, coalesce)
        self._changed(project_id, current + 1, source, client, "save")
        return doc, current + 1

    def _changed(self, project_id: str, revision: int, source: str, client: str | None, action: str) -> None:
        self.bus.publish("timeline_changed", {"project_id": project_id, "revision": revision, "source": source,
                                              "client": client, "action": action})

    def undo_timeline(self, project_id: str, revision: Any = None, *, source: Any = None,
                      client: Any = None) -> dict[str, Any]:
        """Go back one step of the history: its document becomes the current timeline, with a new
        revision. Answers {timeline, revision, can_undo, can_redo, label, step}: `step` is the
        change undone, {revision, source} (the revision its save was given), so a window can
        tell its own change from another writer's."""
        return self._step(project_id, -1, revision, source, client)

    def redo_timeline(self, project_id: str, revision: Any = None, *, source: Any = None,
                      client: Any = None) -> dict[str, Any]:
        """Forward one step (after an undo, before any new save): as `undo_timeline`."""
        return self._step(project_id, +1, revision, source, client)

    def _step(self, project_id: str, direction: int, revision: Any, source: Any, client: Any) -> dict[str, Any]:
        _check_revision(revision)
        source = history.clean_source(source)
        client = history.clean_client(client)
        with self.db.transaction() as c:
            row, current, media_ids = _writable(c, project_id, revision)
            shown = _as_now(row["timeline"], media_ids)
            # a step that changes nothing now (its clips' media deleted since) is passed over: when
            # only such steps are left, there is nothing to undo, and nothing moves (the
            # transaction is rolled back with the 409)
            while True:
                step, moved = history.move(c, project_id, direction)
                doc = _as_now(step["timeline"], media_ids)
                if not _same_document(doc, shown):
                    break
            # the view (playhead, zoom) stays where the user is: undo changes the document only
            c.execute("UPDATE projects SET timeline = ?, revision = ?, updated_at = ? WHERE id = ?",
                      (dumps(doc), current + 1, now(), project_id))
            can_undo, can_redo = _can_move(c, project_id, doc, media_ids)
        self._changed(project_id, current + 1, source, client, "undo" if direction < 0 else "redo")
        doc, new_revision = self.timeline_at(project_id)
        return {"timeline": doc, "revision": new_revision, "can_undo": can_undo, "can_redo": can_redo,
                "label": history.label(direction, moved["source"]),
                "step": {"revision": int(moved["revision"]), "source": moved["source"]}}

    def timeline_history(self, project_id: str) -> dict[str, Any]:
        """{revision, can_undo, can_redo, steps: [{revision, source, when, current}]} (oldest first).
        can_undo and can_redo say whether an undo or redo would change the timeline."""
        with self.db.transaction() as c:
            row = c.execute("SELECT revision, timeline FROM projects WHERE id = ?", (project_id,)).fetchone()
            if row is None:
                raise NotFound("The project")
            summary = history.summary(c, project_id)
            if summary["can_undo"] or summary["can_redo"]:
                media_ids = _media_ids(c, project_id)
                summary["can_undo"], summary["can_redo"] = _can_move(c, project_id, _as_now(row[1], media_ids),
                                                                     media_ids)
            return {"revision": int(row[0]), **summary}

    def view(self, project_id: str) -> dict[str, Any]:
        """Where the user was: playhead (seconds), zoom (pixels a second), scroll (pixels)."""
        row = self.db.one("SELECT timeline, view FROM projects WHERE id = ?", (project_id,))
        if row is None:
            raise NotFound("The project")
        view = loads(row["view"], {})
        if "playhead" not in view or "zoom" not in view:
            doc = migrate(loads(row["timeline"]))
            view = {"playhead": doc.get("playhead", 0.0), "zoom": doc.get("zoom", 50.0), **view}
        return {"playhead": view["playhead"], "zoom": view["zoom"], "scroll": view.get("scroll", 0.0),
                "in_point": view.get("in_point"), "out_point": view.get("out_point")}

    def save_view(self, project_id: str, view: Any) -> dict[str, Any]:
        """Save the view state, any of its fields: cheap, not an undo step, and it never rewrites
        the timeline nor changes its revision or the project's updated_at. The In and Out points
        (the export's range) are the view's too: where the user marked, not part of the edit;
        null clears one."""
        if not isinstance(view, dict):
            raise AppError("invalid_view", "The view must be an object {playhead, zoom, scroll, in_point, out_point}.")
        bounds = {"playhead": LIMITS["seconds"], "zoom": LIMITS["zoom"], "scroll": Limit(0, 1e9, "pixels"),
                  "in_point": LIMITS["seconds"], "out_point": LIMITS["seconds"]}
        clean: dict[str, float | None] = {}
        for key, value in view.items():
            limit = bounds.get(key)
            if limit is None:
                raise AppError("invalid_view", f"The view has no field '{key}' (it has playhead, zoom, scroll, "
                               "in_point and out_point).", field=key)
            if value is None and key in ("in_point", "out_point"):
                clean[key] = None
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
                    or not limit.low <= value <= limit.high:
                raise AppError("invalid_view", f"The view's {key} must be a number from {limit.low:g} to "
                               f"{limit.high:g} {limit.unit}.", field=key)
            clean[key] = float(value)
        with self.db.transaction() as c:
            row = c.execute("SELECT view FROM projects WHERE id = ?", (project_id,)).fetchone()
            if row is None:
                raise NotFound("The project")
            merged = {**loads(row[0], {}), **clean}
            mark_in, mark_out = merged.get("in_point"), merged.get("out_point")
            if mark_in is not None and mark_out is not None and mark_in >= mark_out:
                raise AppError("invalid_view", f"The view's in_point ({mark_in:g} s) must be before its out_point "
                               f"({mark_out:g} s).", field="in_point" if "in_point" in clean else "out_point")
            c.execute("UPDATE projects SET view = ? WHERE id = ?", (dumps(merged), project_id))
        return self.view(project_id)
