"""The media library: atomic ingest (temp file → fsync → probe → rename → row), listing,
deletion and path resolution. Media is addressed by opaque id; paths never leave this module
unchecked."""

from __future__ import annotations

import logging
import os
import shutil
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import AppError, NotFound, from_os_error
from ..eventbus import EventBus
from ..media.filmstrip import WaveformCancelled, make_filmstrip, waveform_peaks
from ..media.probe import NotMedia, ProbeResult, probe
from ..media.thumbnail import make_thumbnail
from . import history
from .db import Database, dumps, loads, now
from .files import (
    claim_path,
    clean_name,
    copy_stream,
    hash_file,
    human_size,
    safe_filename,
    temp_path,
    write_atomic,
)
from .projects import Projects
from .timeline import without_clips

log = logging.getLogger(__name__)

_EXT = {"video/mp4": ".mp4", "video/webm": ".webm", "video/quicktime": ".mov", "video/x-matroska": ".mkv",
        "image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp", "image/gif": ".gif",
        "audio/mpeg": ".mp3", "audio/wav": ".wav", "audio/ogg": ".ogg", "audio/flac": ".flac",
        "audio/mp4": ".m4a", "audio/aac": ".aac", "audio/webm": ".weba"}


def media_dict(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"], "project_id": row["project_id"], "name": row["name"], "kind": row["kind"],
        "filename": Path(row["path"]).name, "mime": row["mime"], "size": row["size"], "sha256": row["sha256"],
        "width": row["width"], "height": row["height"], "fps": row["fps"], "duration": row["duration"],
        "video_codec": row["video_codec"], "audio_codec": row["audio_codec"],
        "has_thumbnail": bool(row["thumbnail"]),
        "source": loads(row["source"], {}), "cost": row["cost"], "created_at": row["created_at"],
        "keyframe_interval": row["keyframe_interval"],
        "bin": row["bin"],  # the bin it is filed in, or None
        # the generation request it is a take of, and which take (None: not a take)
        "group_id": row["group_id"], "take": row["take"],
        "proxy": {"status": row["proxy_status"], "progress": row["proxy_progress"],
                  "error": loads(row["proxy_error"])},
        # why the item's file is gone (set by the repair of rows that shared one file), or None
        "missing": row["missing_reason"],
    }


# how long a deleted item can be brought back (its row and files kept); every start-up purges them
# all, whatever their age
UNDO_WINDOW = 24 * 3600.0

WAVE_WAIT = 2.0  # seconds a waveform request waits for the peaks before it answers "pending"


class _WaveTask:
    """One waveform being computed: its progress, its end, and how to stop it."""

    def __init__(self) -> None:
        self.progress = 0.0
        self.done = threading.Event()
        self.cancel = threading.Event()
        self.result: dict[str, Any] | None = None
        self.error: AppError | None = None

    def report(self, progress: float) -> None:
        self.progress = progress


class MediaStore:
    def __init__(self, db: Database, projects: Projects, data_dir: Path, temp_dir: Path,
                 upload_limit: int = 4 * 1024**3, bus: EventBus | None = None) -> None:
        self.db = db
        self.bus = bus or EventBus()
        self.projects = projects
        self.data_dir = data_dir.resolve()
        self.temp_dir = temp_dir
        self.upload_limit = upload_limit
        self.wave_wait = WAVE_WAIT
        self._wave_lock = threading.Lock()
        self._wave_tasks: dict[str, _WaveTask] = {}
        self._wave_slots = threading.BoundedSemaphore(2)

    # -- reading ------------------------------------------------------------------------------
    def list(self, project_id: str) -> list[dict[str, Any]]:
        self.projects.get(project_id)
        return [media_dict(r) for r in self.db.query(
            "SELECT * FROM media WHERE project_id = ? AND deleted_at IS NULL ORDER BY created_at, rowid",
            (project_id,))]

    def _row(self, media_id: str) -> Any:
        row = self.db.one("SELECT * FROM media WHERE id = ? AND deleted_at IS NULL", (media_id,))
        if row is None:
            raise NotFound("The media item")
        return row

    def get(self, media_id: str) -> dict[str, Any]:
        return media_dict(self._row(media_id))

    def _inside(self, relative: str) -> Path:
        """Resolve a stored path and refuse anything outside the data dir (a tampered row or a
        link must not expose other files)."""
        path = (self.data_dir / relative).resolve()
        if not path.is_relative_to(self.data_dir) or not path.is_file():
            raise NotFound("The media file")
        return path

    def file_path(self, media_id: str) -> tuple[Path, str]:
        row = self._row(media_id)
        if row["missing_reason"]:
            raise NotFound("The media file", row["missing_reason"])
        return self._inside(row["path"]), row["mime"]

    def proxy_path(self, media_id: str) -> Path:
        row = self._row(media_id)
        if row["proxy_status"] != "ready" or not row["proxy_path"]:
            raise NotFound("The preview proxy")
        return self._inside(row["proxy_path"])

    def thumbnail_path(self, media_id: str) -> Path:
        row = self._row(media_id)
        if not row["thumbnail"]:
            raise NotFound("The thumbnail")
        return self._inside(row["thumbnail"])

    def filmstrip_path(self, media_id: str) -> Path:
        """A sprite of frames for timeline clips, made on first request and kept."""
        row = self._row(media_id)
        if row["kind"] != "video":
            raise NotFound("The filmstrip")
        src = self._inside(row["path"])
        dest = self.projects.folder(row["project_id"]) / "thumbs" / f"{media_id}-strip.jpg"
        if not dest.is_file():
            dest.parent.mkdir(parents=True, exist_ok=True)
            if not make_filmstrip(src, dest):
                raise NotFound("The filmstrip")
        return dest

    def _wave_cache(self, row: Any) -> Path:
        return self.projects.folder(row["project_id"]) / "thumbs" / f"{row['id']}-wave.json"

    def waveform(self, media_id: str, wait: float | None = None) -> dict[str, Any]:
        """The peaks of the item's sound, made once and kept beside its thumbnail. They are
        computed in the background: a request waits up to `wait` seconds (short sounds are ready
        by then), else answers {status: "pending", progress} at once and the page asks again."""
        row = self._row(media_id)
        if not row["audio_codec"]:
            return {"duration": row["duration"] or 0, "peaks": []}
        src = self._inside(row["path"])
        cache = self._wave_cache(row)
        if cache.is_file():
            try:
                return loads(cache.read_text("utf-8"))
            except (OSError, ValueError):
                log.warning("the waveform cache %s is unreadable; it is made again", cache)
        with self._wave_lock:
            task = self._wave_tasks.get(media_id)
            if task is None:
                task = self._wave_tasks[media_id] = _WaveTask()
                threading.Thread(target=self._compute_waveform, args=(media_id, src, cache, task),
                                 name=f"waveform-{media_id[:8]}", daemon=True).start()
        task.done.wait(self.wave_wait if wait is None else wait)
        if task.done.is_set():
            with self._wave_lock:
                if self._wave_tasks.get(media_id) is task:
                    del self._wave_tasks[media_id]  # an error is told once; the next request tries again
            if task.error is not None:
                raise task.error
            if task.result is None:  # cancelled: the item was deleted meanwhile
                raise NotFound("The media item")
            return task.result
        return {"status": "pending", "progress": round(task.progress, 3), "duration": row["duration"] or 0,
                "peaks": []}

    def _compute_waveform(self, media_id: str, src: Path, cache: Path, task: _WaveTask) -> None:
        try:
            with self._wave_slots:  # two at a time: a timeline full of sound does not start one per clip
                if task.cancel.is_set():
                    return
                data = waveform_peaks(src, on_progress=task.report, cancel=task.cancel)
            with self._wave_lock:  # delete() cancels under this lock: a deleted item's cache is never written
                if not task.cancel.is_set() and cache.parent.parent.is_dir():
                    write_atomic(cache, dumps(data).encode("utf-8"))
            task.result = data
        except WaveformCancelled:
            pass
        except AppError as exc:
            log.warning("waveform of %s failed: %s", src, exc.message)
            task.error = exc
        except Exception as exc:  # noqa: BLE001 - told to the request that waits, and logged
            log.warning("waveform of %s failed", src, exc_info=True)
            task.error = AppError("waveform_failed", f"The sound could not be read: {exc}")
        finally:
            task.done.set()

    def _forget_waveform(self, row: Any) -> None:
        with self._wave_lock:
            task = self._wave_tasks.pop(row["id"], None)
            if task is not None:
                task.cancel.set()
            for name in (f"{row['id']}-wave.json", f"{row['id']}-strip.jpg"):
                (self.projects.folder(row["project_id"]) / "thumbs" / name).unlink(missing_ok=True)

    # -- writing ------------------------------------------------------------------------------
    def import_stream(self, project_id: str, stream: BinaryIO, filename: str) -> dict[str, Any]:
        """An upload from the page: streamed to a temp file with a size cap, then ingested."""
        self.projects.get(project_id)
        tmp = temp_path(self.temp_dir)
        try:
            try:
                copy_stream(stream, tmp, limit=self.upload_limit)
            except OSError as exc:
                raise from_os_error(exc, f"importing '{filename}'") from exc
            except OverflowError:
                raise AppError("too_large", f"'{filename}' is larger than the {human_size(self.upload_limit)} "
                               "upload limit.") from None
            item = self.ingest(project_id, tmp, name=filename, source={"type": "import", "original_name": filename})
        finally:
            tmp.unlink(missing_ok=True)
        self.published(item)
        return item

    def published(self, item: dict[str, Any]) -> dict[str, Any]:
        """Tell every window about a new or changed item."""
        self.bus.publish("media", {"project_id": item["project_id"], "media": item})
        return item

    def import_path(self, project_id: str, path: Path) -> dict[str, Any]:
        """A file chosen in a native dialog or given on the command line: copied, never moved."""
        self.projects.get(project_id)
        if not path.is_file():
            raise NotFound("The file", f"'{path}' does not exist.")
        with open(path, "rb") as f:
            return self.import_stream(project_id, f, path.name)

    def ingest(self, project_id: str, tmp: Path, *, name: str, source: dict[str, Any],
               filename: str | None = None, cost: float | None = None, digest: tuple[int, str] | None = None,
               probed: ProbeResult | None = None, thumbnail_now: bool = True) -> dict[str, Any]:
        """Move a finished temp file into the project and add its row. The file is probed before
        anything is visible; the rename is atomic; the row comes last so a crash never leaves a
        row without its file. `digest` (size, sha256) comes from a writer that hashed and
        fsynced the file already, `probed` from one that probed it; `thumbnail_now=False` lists the
        item first and leaves the poster to add_thumbnail (the clip is playable without it)."""
        info = probed or probe(tmp, name)
        size, sha = digest if digest else hash_file(tmp)
        folder = self.projects.folder(project_id) / "media"
        folder.mkdir(parents=True, exist_ok=True)
        base = safe_filename(clean_name(filename or name))
        ext = _EXT.get(info.mime, "")
        if ext and not base.lower().endswith(ext):
            base = os.path.splitext(base)[0] + ext
        media_id = uuid.uuid4().hex
        final = claim_path(folder, base, tmp)  # the name is reserved and the file moved in one step
        thumb_rel = self._make_thumbnail(project_id, media_id, final, info.kind) if thumbnail_now else None
        display = name if source.get("type") != "import" else os.path.splitext(Path(name).name)[0] or name
        display = clean_name(display) or clean_name(name) or "media"
        try:
            self.db.execute(
                "INSERT INTO media (id, project_id, name, kind, path, mime, size, sha256, width, height, fps,"
                " duration, video_codec, audio_codec, thumbnail, source, cost, created_at, keyframe_interval)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (media_id, project_id, display[:200], info.kind, str(final.relative_to(self.data_dir)), info.mime,
                 size, sha, info.width, info.height, info.fps, info.duration, info.video_codec, info.audio_codec,
                 thumb_rel, dumps(source), cost, now(), info.keyframe_interval))
        except BaseException:
            final.unlink(missing_ok=True)
            raise
        return self.get(media_id)

    def _make_thumbnail(self, project_id: str, media_id: str, path: Path, kind: str) -> str | None:
        try:
            thumb = self.projects.folder(project_id) / "thumbs" / f"{media_id}.jpg"
            thumb.parent.mkdir(exist_ok=True)
            if kind in ("video", "image") and make_thumbnail(path, thumb):
                return str(thumb.relative_to(self.data_dir))
        except Exception:  # noqa: BLE001 - a missing poster must not lose the media
            log.exception("thumbnail failed for %s", path)
        return None

    def add_thumbnail(self, media_id: str) -> dict[str, Any]:
        """The poster for an item listed without one."""
        row = self._row(media_id)
        rel = self._make_thumbnail(row["project_id"], media_id, self._inside(row["path"]), row["kind"])
        if rel:
            self.db.execute("UPDATE media SET thumbnail = ? WHERE id = ?", (rel, media_id))
        return self.get(media_id)

    def rename(self, media_id: str, name: Any) -> dict[str, Any]:
        if isinstance(name, str):
            name = clean_name(name)
        if not isinstance(name, str) or not name or len(name) > 200:
            raise AppError("invalid_name", "A media name must be 1 to 200 characters.", field="name")
        self._row(media_id)
        self.db.execute("UPDATE media SET name = ? WHERE id = ?", (name, media_id))
        return self.published(self.get(media_id))

    def join_takes(self, media_id: str, of: str) -> dict[str, Any]:
        """Make `media_id` a take of `of`'s group (the next take index in it); an item without a
        group starts one with itself as take 0. Both are published; answers the item."""
        source = self._row(of)
        self._row(media_id)
        group = source["group_id"]
        with self.db.transaction() as c:
            if not group:
                group = uuid.uuid4().hex
                c.execute("UPDATE media SET group_id = ?, take = 0 WHERE id = ?", (group, of))
            row = c.execute("SELECT MAX(take) AS top FROM media WHERE group_id = ? AND id != ?",
                            (group, media_id)).fetchone()
            take = (row["top"] if row is not None and row["top"] is not None else -1) + 1
            c.execute("UPDATE media SET group_id = ?, take = ? WHERE id = ?", (group, take, media_id))
        self.published(self.get(of))
        return self.published(self.get(media_id))

    def file_in_bin(self, media_id: str, bin_name: Any) -> dict[str, Any]:
        """File the item in a bin (a name, one level), or in none (None or '')."""
        if isinstance(bin_name, str):
            bin_name = clean_name(bin_name) or None
        if bin_name is not None and (not isinstance(bin_name, str) or len(bin_name) > 100):
            raise AppError("invalid_bin", "A bin name must be 1 to 100 characters, or null for none.", field="bin")
        self._row(media_id)
        self.db.execute("UPDATE media SET bin = ? WHERE id = ?", (bin_name, media_id))
        return self.published(self.get(media_id))

    def delete(self, media_id: str, *, for_good: bool = False) -> dict[str, Any]:
        """Take the item out of the library and its clips out of the timeline. The row and its
        files stay, marked deleted, so the delete can be undone (restore) until the undo window
        closes (purge_deleted: at the next start, or UNDO_WINDOW after the delete); `for_good`
        removes them at once (an import taken back)."""
        row = self._row(media_id)
        with self.db.transaction() as c:
            doc = loads(c.execute("SELECT timeline FROM projects WHERE id = ?", (row["project_id"],)).fetchone()[0])
            doc = without_clips(doc, lambda clip: clip.get("media_id") == media_id)
            # not a new revision: no writer can bring the clips back (a save naming the item is
            # refused), and each open page takes them out of its copy too (media_deleted), so its
            # next save is not refused as stale for it
            c.execute("UPDATE projects SET timeline = ? WHERE id = ?", (dumps(doc), row["project_id"]))
            history.rewrite_current(c, row["project_id"], dumps(doc))
            c.execute("UPDATE media SET deleted_at = ? WHERE id = ?", (now(), media_id))
        self._forget_waveform(row)  # a cache, made again if the item comes back
        self.bus.publish("media_deleted", {"project_id": row["project_id"], "id": media_id})
        if for_good:
            self.purge_deleted(media_id=media_id)
        self.purge_deleted(older_than=UNDO_WINDOW)
        return media_dict(row)

    def restore(self, media_id: str) -> dict[str, Any]:
        """Undo a delete: the item is back in the library (its clips come back with the page's
        own timeline edit, a save that names the item again)."""
        with self.db.transaction() as c:
            row = c.execute("SELECT * FROM media WHERE id = ?", (media_id,)).fetchone()
            if row is None:
                raise NotFound("The media item", "It was deleted, and its undo window has closed.")
            c.execute("UPDATE media SET deleted_at = NULL WHERE id = ?", (media_id,))
        item = self.get(media_id)
        self.published(item)
        return item

    def purge_deleted(self, older_than: float | None = None, project_id: str | None = None,
                      media_id: str | None = None) -> int:
        """Remove for good the items deleted more than `older_than` seconds ago (all of them when
        None), with their files; only one project's when `project_id` is given, only one item
        when `media_id` is."""
        cutoff = None
        if older_than is not None:
            cutoff = (datetime.now(UTC) - timedelta(seconds=older_than)).isoformat(timespec="milliseconds")
            cutoff = cutoff.replace("+00:00", "Z")
        sql = "SELECT * FROM media WHERE deleted_at IS NOT NULL"
        args: list[Any] = []
        if cutoff is not None:
            sql += " AND deleted_at < ?"
            args.append(cutoff)
        if project_id is not None:
            sql += " AND project_id = ?"
            args.append(project_id)
        if media_id is not None:
            sql += " AND id = ?"
            args.append(media_id)
        rows = self.db.query(sql, tuple(args))
        for row in rows:
            with self.db.transaction() as c:
                gone = c.execute("DELETE FROM media WHERE id = ? AND deleted_at IS NOT NULL", (row["id"],)).rowcount
            if not gone:
                continue  # restored meanwhile
            self._forget_waveform(row)
            for rel in (row["path"], row["thumbnail"], row["proxy_path"]):
                if rel:
                    (self.data_dir / rel).unlink(missing_ok=True)
        return len(rows)

    def clean_temp(self) -> int:
        """Start-up: whatever is in the temp folder belongs to a process that died."""
        count = 0
        if self.temp_dir.is_dir():
            for child in self.temp_dir.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
                count += 1
        return count


__all__ = ["MediaStore", "NotMedia", "media_dict"]
