"""The SQLite database: one file, schema versions by PRAGMA user_version, WAL for crash safety.

One connection shared by the app's threads, serialised by a lock: the work per statement is
tiny, and one writer avoids SQLITE_BUSY between our own threads."""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import AppError
from .files import claim_path, hash_file

log = logging.getLogger(__name__)


def unique_media_paths(c: sqlite3.Connection, data_dir: Path) -> None:
    """One file per media row, held by a unique index. Before names were claimed atomically, two
    imports of one file name finishing together could be given the same file, the later bytes
    overwriting the earlier. Each such group is repaired first: the file is hashed again, the row
    whose sha256 matches keeps it, and every other row is marked missing with the reason (its
    path is set aside, so the index holds and the item answers 404 instead of another's bytes).
    Rows whose bytes are the same each get their own copy: nothing of theirs was lost."""
    c.execute("ALTER TABLE media ADD COLUMN missing_reason TEXT")
    shared = [r[0] for r in c.execute("SELECT path FROM media GROUP BY path HAVING COUNT(*) > 1").fetchall()]
    for path in shared:
        rows = c.execute("SELECT id, name, sha256 FROM media WHERE path = ? ORDER BY created_at, rowid",
                         (path,)).fetchall()
        file = data_dir / path
        try:
            actual: str | None = hash_file(file)[1]
        except OSError:
            actual = None
        matching = [r for r in rows if r[2] == actual]
        keeper = matching[0] if matching else rows[0]
        filename = Path(path).name
        for row in rows:
            media_id = row[0]
            if row is keeper and matching:
                continue
            if row in matching:  # the same bytes as the keeper's: a copy of its own
                copy = file.with_name(f".{uuid.uuid4().hex}.part")
                shutil.copyfile(file, copy)
                dest = claim_path(file.parent, filename, copy)
                c.execute("UPDATE media SET path = ? WHERE id = ?", (str(dest.relative_to(data_dir)), media_id))
                continue
            if matching:
                reason = (f"The file of this item was lost: another import with the same file name ({filename}) "
                          f"replaced it, and that file now belongs to \u201c{keeper[1]}\u201d. Import it again.")
            else:
                reason = (f"The file of this item was lost: imports with the same file name ({filename}) replaced "
                          "one another, and no item's bytes are left in it. Import it again.")
            new_path = path if row is keeper else f"{path}#missing-{media_id}"
            c.execute("UPDATE media SET path = ?, missing_reason = ? WHERE id = ?", (new_path, reason, media_id))
            log.warning("media %s (%s) lost its file %s to another import of that name", media_id, row[1], path)
    c.execute("CREATE UNIQUE INDEX media_path ON media(path)")


# Each step is SQL (statements split at ';') or a Python function of (connection, data dir), for
# a step that needs the files too. All run in one transaction with the version bump.
MIGRATIONS: list[str | Callable[[sqlite3.Connection, Path], None]] = [
    # 1: projects, media, generation jobs, settings
    """
    CREATE TABLE projects (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        timeline TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE media (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('video', 'image', 'audio')),
        path TEXT NOT NULL,
        mime TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        width INTEGER, height INTEGER, fps REAL, duration REAL,
        video_codec TEXT, audio_codec TEXT,
        thumbnail TEXT,
        source TEXT NOT NULL,
        cost REAL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX media_project ON media(project_id, created_at);
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        model_id TEXT NOT NULL,
        prompt TEXT NOT NULL,
        params TEXT NOT NULL,
        image_media_id TEXT,
        status TEXT NOT NULL,
        progress REAL NOT NULL DEFAULT 0,
        message TEXT,
        queue_position INTEGER,
        logs TEXT NOT NULL DEFAULT '[]',
        error TEXT,
        media_id TEXT,
        cost REAL,
        state TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX jobs_project ON jobs(project_id, created_at);
    CREATE INDEX jobs_status ON jobs(status);
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 2: timeline exports, run as jobs
    """
    CREATE TABLE exports (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        status TEXT NOT NULL,
        progress REAL NOT NULL DEFAULT 0,
        message TEXT,
        error TEXT,
        path TEXT,
        duration REAL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX exports_project ON exports(project_id, created_at);
    """,
    # 3: preview proxies for media the UI's engine cannot decode
    """
    ALTER TABLE media ADD COLUMN proxy_path TEXT;
    ALTER TABLE media ADD COLUMN proxy_status TEXT NOT NULL DEFAULT 'none';
    ALTER TABLE media ADD COLUMN proxy_progress REAL NOT NULL DEFAULT 0;
    """,
    # 4: how far apart a video's keyframes are (what a seek costs), from the container's index
    """
    ALTER TABLE media ADD COLUMN keyframe_interval REAL;
    """,
    # 5: one file per row (a unique index on media.path), repairing rows that shared one, and
    # media.missing_reason saying why an item's file is gone
    unique_media_paths,
    # 6: why a preview proxy failed ({code, message} as JSON), until it is asked for again
    """
    ALTER TABLE media ADD COLUMN proxy_error TEXT;
    """,
    # 7: the timeline's revision (one more each save: a save made on an older one is refused), and
    # the view (playhead, zoom, scroll as JSON), saved apart from the timeline
    """
    ALTER TABLE projects ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE projects ADD COLUMN view TEXT;
    """,
    # 8: an export's smart render plan (render/plan.py), as JSON
    """
    ALTER TABLE exports ADD COLUMN plan TEXT;
    """,
    # 9: a deleted media item is kept (row and files) until its undo window closes: deleted_at
    # says when it was deleted (NULL: in the library)
    """
    ALTER TABLE media ADD COLUMN deleted_at TEXT;
    """,
    # 10: the library's bin (one level of folders) an item is filed in (NULL: none)
    """
    ALTER TABLE media ADD COLUMN bin TEXT;
    """,
    # 11: the timeline's undo history, kept by the server (library/history.py): each accepted save
    # is a step (the document it stored, its revision, who made it), and projects.history_at is
    # the step the current timeline is at (undo and redo move it)
    """
    CREATE TABLE timeline_history (
        project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        revision INTEGER NOT NULL,
        timeline TEXT NOT NULL,
        source TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (project_id, seq)
    );
    ALTER TABLE projects ADD COLUMN history_at INTEGER;
    """,
    # 12: takes: the jobs of one generation request share its group_id, each with its take index
    # and the seed it ran with; inputs maps a model's media field (end_image_url, audio_url, ...)
    # to the library item sent in it. What a take made carries its group and index.
    """
    ALTER TABLE jobs ADD COLUMN group_id TEXT;
    ALTER TABLE jobs ADD COLUMN take INTEGER;
    ALTER TABLE jobs ADD COLUMN seed INTEGER;
    ALTER TABLE jobs ADD COLUMN inputs TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE media ADD COLUMN group_id TEXT;
    ALTER TABLE media ADD COLUMN take INTEGER;
    CREATE INDEX jobs_group ON jobs(group_id);
    CREATE INDEX media_group ON media(group_id);
    """,
    # 13: an export's settings (render/settings.py, as JSON; NULL: the default H.264 MP4), the
    # timeline revision it was made from (a later edit makes it stale) and its file's size
    """
    ALTER TABLE exports ADD COLUMN settings TEXT;
    ALTER TABLE exports ADD COLUMN revision INTEGER;
    ALTER TABLE exports ADD COLUMN size INTEGER;
    """,
    # 14: the subtitle file written beside an export (settings.captions "sidecar"), under the data dir
    """
    ALTER TABLE exports ADD COLUMN sidecar TEXT;
    """,
    # 15: the project's spending cap in dollars (NULL: none): a generation that would take what its
    # jobs have cost past it is refused (generation/jobs.py)
    """
    ALTER TABLE projects ADD COLUMN spending_cap REAL;
    """,
]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Database:
    def __init__(self, path: Path, timeout: float = 5.0) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=timeout)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    def _migrate(self) -> None:
        with self.transaction() as c:
            version = c.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise AppError("db_too_new", f"The library at {self.path} was made by a newer Reelcut.")
            for i, script in enumerate(MIGRATIONS[version:], start=version + 1):
                if callable(script):
                    script(c, self.path.parent)  # the data dir: the db file lives at its top
                else:
                    for statement in filter(str.strip, script.split(";")):
                        c.execute(statement)
                c.execute(f"PRAGMA user_version = {i}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise _db_error(exc) from exc
            try:
                yield self._conn
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            try:
                self._conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise _db_error(exc) from exc

    def query(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self._conn.execute(sql, args).fetchall()
            except sqlite3.OperationalError as exc:
                raise _db_error(exc) from exc

    def one(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Row | None:
        rows = self.query(sql, args)
        return rows[0] if rows else None

    def execute(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        with self.transaction() as c:
            return c.execute(sql, args).rowcount

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _db_error(exc: sqlite3.OperationalError) -> AppError:
    if "full" in str(exc):
        return AppError("disk_full", "The disk is full, so the library could not be updated. Nothing was lost: "
                        "free some space and try again.")
    if "locked" in str(exc) or "busy" in str(exc):
        return AppError("db_locked", "The library database is locked by another program. Close it and try again.")
    return AppError("db_error", f"The library database failed: {exc}.")


def dumps(value: Any) -> str:
    """JSON for a column. NaN and Infinity are refused (ValueError): json would write them, and
    no JSON parser (the page's included) could read the row back."""
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def loads(text: str | None, default: Any = None) -> Any:
    return default if text is None else json.loads(text)
