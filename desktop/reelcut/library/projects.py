"""Projects and their timeline documents."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import AppError, NotFound
from ..eventbus import EventBus
from .db import Database, dumps, loads, now
from .timeline import default_timeline, migrate, validate_timeline

MAX_NAME = 120


def _clean_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise AppError("invalid_name", "A project needs a name.", field="name")
    name = " ".join(name.split())
    if len(name) > MAX_NAME:
        raise AppError("invalid_name", f"A project name can be at most {MAX_NAME} characters.", field="name")
    return name


def _project(row: Any) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "created_at": row["created_at"], "updated_at": row["updated_at"]}


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
        return _project(row)

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
        is read (the row itself is upgraded by the next save)."""
        row = self.db.one("SELECT timeline FROM projects WHERE id = ?", (project_id,))
        if row is None:
            raise NotFound("The project")
        doc: dict[str, Any] = migrate(loads(row["timeline"]))
        return doc

    def save_timeline(self, project_id: str, doc: Any) -> dict[str, Any]:
        with self.db.transaction() as c:
            if c.execute("SELECT 1 FROM projects WHERE id = ?", (project_id,)).fetchone() is None:
                raise NotFound("The project")
            media_ids = {r[0] for r in c.execute("SELECT id FROM media WHERE project_id = ?", (project_id,))}
            # what is stored is the document validated: a version 1 document migrated, tracks in
            # stack order
            doc = validate_timeline(doc, media_ids)
            c.execute("UPDATE projects SET timeline = ?, updated_at = ? WHERE id = ?", (dumps(doc), now(), project_id))
        return doc
