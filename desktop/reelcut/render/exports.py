"""Exports: render a project's timeline in a background thread, as a job with progress and
cancel, in the format, size, rate, quality and range of its settings (render/settings.py; none:
the H.264 MP4 of the whole canvas). Always from the original files (never proxies). The output
appears in the project's exports folder only when complete. Each export keeps its settings, its
file's size and the timeline revision it was made from: a later edit makes it stale."""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import AppError, NotFound
from ..eventbus import EventBus
from ..library.db import Database, dumps, loads, now
from ..library.files import safe_filename, unique_path
from ..library.media_store import MediaStore
from ..library.timeline import (
    is_offline,
    is_placeholder,
    refuse_offline,
    validate_timeline,
    without_clips,
    without_placeholders,
)
from ..media.compose import Source, build_export_args, preflight
from ..media.encode import EncodeCancelled, run_ffmpeg
from ..media.fonts import find_font
from ..runs import StatusRows, Threads, failed, failure, move_into_place
from . import budget, captions_out, frames
from . import settings as export_settings
from .plan import cut_to_range, plan_export, settings_plan, smart_render_off
from .smart import copy_render, sources_info
from .sound_mix import media_sources, render_sound
from .splice import SpliceFailed, exact_cut, splice_render

log = logging.getLogger(__name__)
ACTIVE = ("queued", "rendering")
# Exports running at once, in all projects: each ffmpeg uses every core it is given, and about
# 180 MB; one a project (a second of the same timeline is a click too many, not a wish).
MAX_RUNNING = max(1, os.cpu_count() or 1)


_ROW = ("SELECT e.*, p.revision AS project_revision FROM exports e JOIN projects p ON p.id = e.project_id"
        " WHERE ")


def export_dict(row: Any, data_dir: Path | None = None) -> dict[str, Any]:
    """An export as the page sees it: where to download it, never where it lies on disk.
    `stale`: the project's timeline has been saved since this export was made from it."""
    path = row["path"]
    exists = bool(path) and data_dir is not None and (data_dir / path).is_file()
    revision = row["revision"]
    sidecar = row["sidecar"]
    has_sidecar = bool(sidecar) and data_dir is not None and (data_dir / sidecar).is_file()
    return {"id": row["id"], "project_id": row["project_id"], "status": row["status"], "progress": row["progress"],
            "message": row["message"], "error": loads(row["error"]),
            "filename": Path(path).name if path else None, "duration": row["duration"],
            # smart render's plan: {"summary", "stretches", "sound", "copy"}; None until planned
            "plan": loads(row["plan"]),
            # the normalized settings (None: made before settings existed, or with none: the default)
            "settings": loads(row["settings"]), "size": row["size"], "file_exists": exists,
            "revision": revision,
            # the subtitle file beside it (settings.captions "sidecar"): {filename}; the route adds its URL
            "sidecar": {"filename": Path(sidecar).name} if has_sidecar else None,
            "stale": revision is not None and revision != row["project_revision"],
            "created_at": row["created_at"], "updated_at": row["updated_at"]}


def _as_rendered(timeline: dict[str, Any], output: export_settings.Output | None) -> dict[str, Any]:
    """The document as the render budget should count it: composited at the output's rate, and
    at least as large as the output's frame (an upscale encodes every one of its pixels)."""
    if output is None:
        return timeline
    doc = {**timeline, "fps": output.fps}
    if output.width * output.height > int(timeline["width"]) * int(timeline["height"]):
        doc.update(width=output.width, height=output.height)
    return doc


class ExportManager:
    def __init__(self, db: Database, media: MediaStore, bus: EventBus, data_dir: Path, temp_dir: Path,
                 smart_render: Callable[[], bool] = lambda: True) -> None:
        self.db = db
        self.smart_render = smart_render  # the setting, read when an export starts
        self.media = media
        self.bus = bus
        self.data_dir = data_dir.resolve()
        self.temp_dir = temp_dir
        self._cancel: dict[str, threading.Event] = {}
        self._threads = Threads("export")
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._running: dict[str, str] = {}  # export id -> project id, from start until its thread ends
        self.rows = StatusRows(db, bus, table="exports", event="export", payload=self.get)

    def get(self, export_id: str) -> dict[str, Any]:
        row = self.db.one(_ROW + "e.id = ?", (export_id,))
        if row is None:
            raise NotFound("The export")
        return export_dict(row, self.data_dir)

    def list(self, project_id: str) -> list[dict[str, Any]]:
        """The project's exports, newest first (rowid breaks a tie of the same millisecond)."""
        self.media.projects.get(project_id)
        return [export_dict(r, self.data_dir) for r in self.db.query(
            _ROW + "e.project_id = ? ORDER BY e.created_at DESC, e.rowid DESC", (project_id,))]

    def sidecar_path(self, export_id: str) -> Path:
        """The subtitle file written beside a finished export."""
        row = self.db.one("SELECT sidecar, status FROM exports WHERE id = ?", (export_id,))
        if row is None or row["status"] != "done" or not row["sidecar"]:
            raise NotFound("The export's subtitle file")
        path = (self.data_dir / row["sidecar"]).resolve()
        if not path.is_relative_to(self.data_dir) or not path.is_file():
            raise NotFound("The export's subtitle file")
        return path

    def mime(self, export_id: str) -> str:
        """The MIME type its file is served with: its format's."""
        settings = self.get(export_id)["settings"]
        fmt = export_settings.table()["formats"].get((settings or {}).get("format", "mp4_h264"))
        return str(fmt["mime"]) if fmt else "application/octet-stream"

    def estimate(self, project_id: str, settings: Any) -> dict[str, Any]:
        """The settings filled in and checked against the saved timeline, and what they would
        write: {settings, estimate: {bytes, duration, width, height, fps, ..., aspect_mismatch}}."""
        timeline = without_placeholders(self.media.projects.timeline(project_id))
        refuse_offline(timeline)
        duration = preflight(timeline, self.sources(project_id, timeline))
        normal = export_settings.normalize(settings, duration)
        out = export_settings.output(normal, timeline, duration)
        return {"settings": normal, "estimate": export_settings.estimate(out, timeline)}

    def frame(self, project_id: str, t: Any, width: Any = None) -> bytes:
        """The PNG of the saved timeline at t seconds, `width` pixels wide (render/frames.py)."""
        timeline = self.media.projects.timeline(project_id)  # an unknown project: 404 before the query's 422
        # a clip being generated or offline has no picture yet: the frame shows what is under it
        timeline = without_clips(timeline, lambda c: is_placeholder(c) or is_offline(c))
        t, width = frames.parse_time(t), frames.parse_width(width)
        return frames.timeline_frame(timeline, self.sources(project_id, timeline), t, width, self.temp_dir)

    def file_path(self, export_id: str) -> Path:
        row = self.db.one("SELECT path, status FROM exports WHERE id = ?", (export_id,))
        if row is None or row["status"] != "done" or not row["path"]:
            raise NotFound("The exported file")
        path = (self.data_dir / row["path"]).resolve()
        if not path.is_relative_to(self.data_dir) or not path.is_file():
            raise NotFound("The exported file")
        return path

    def start(self, project_id: str, settings: Any = None) -> dict[str, Any]:
        """Render the project's saved timeline, from the original files. Answers at once: what
        refuses an export is checked here cheaply (the document, its media, the settings, the
        render budget, the exports already running); the graph is planned on the export's own
        thread, where Cancel reaches it. `settings` None is the default export, as it always was."""
        project = self.media.projects.get(project_id)
        timeline, revision = self.media.projects.timeline_at(project_id)
        timeline = without_placeholders(timeline)  # a clip still being generated draws nothing
        refuse_offline(timeline)
        sources = self.sources(project_id, timeline)
        # what was saved before today's limits, or a document that was never saved, is
        # refused with the same reason a save gives
        validate_timeline(timeline, set(sources))
        duration = preflight(timeline, sources)
        normal = export_settings.normalize(settings, duration) if settings is not None else None
        output = export_settings.output(normal, timeline, duration) if normal is not None else None
        if output is not None:
            duration = output.duration
        if normal is not None and normal["captions"] in ("sidecar", "soft") \
                and captions_out.captions_track(timeline) is None:
            raise AppError("invalid_export_settings", f"The captions are to be written as {normal['captions']}, "
                                                      "but the timeline has no visible captions track.",
                           field="settings.captions")
        budget.check(_as_rendered(timeline, output))
        export_id = uuid.uuid4().hex
        cancel = threading.Event()
        with self._lock:
            if project_id in self._running.values():
                raise AppError("export_running", "An export of this project is already running. Wait for it to "
                                                 "finish, or cancel it, before starting another.")
            if len(self._running) >= MAX_RUNNING:
                n = len(self._running)
                raise AppError("too_many_exports", f"{n} {'exports are' if n > 1 else 'export is'} running; wait "
                                                   "for one to finish (or cancel one) before starting another.")
            self._running[export_id] = project_id
            self._cancel[export_id] = cancel
        try:
            ts = now()
            self.db.execute("INSERT INTO exports (id, project_id, status, progress, message, duration, settings,"
                            " revision, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                            (export_id, project_id, "queued", 0.0, "Preparing the render", duration,
                             dumps(normal) if normal is not None else None, revision, ts, ts))
            self.rows.publish(export_id)
            smart = bool(self.smart_render())
            self._threads.start(export_id, lambda: self._run(export_id, project, timeline, sources, duration,
                                                             cancel, smart, normal, output))
        except BaseException:
            self._release(export_id)
            raise
        return self.get(export_id)

    def _release(self, export_id: str) -> None:
        with self._lock:
            self._cancel.pop(export_id, None)
            self._running.pop(export_id, None)

    def running(self) -> int:
        with self._lock:
            return len(self._running)

    def sources(self, project_id: str, timeline: dict[str, Any] | None = None) -> dict[str, Source]:
        """The files an export of this project reads (render/sound_mix.py's media_sources)."""
        return media_sources(self.media, project_id, timeline)

    def mix_sound(self, project_id: str, doc: dict[str, Any], out: Path, cancel: threading.Event,
                  on_progress: Callable[[float], None] | None = None) -> float:
        """The timeline's sound alone, as this export mixes it, small for speech to text
        (render/sound_mix.py); its length in seconds."""
        return render_sound(self.media, project_id, doc, out, cancel=cancel, on_progress=on_progress)

    def _run(self, export_id: str, project: dict[str, Any], timeline: dict[str, Any], sources: dict[str, Source],
             duration: float, cancel: threading.Event, smart: bool = True, settings: dict[str, Any] | None = None,
             output: export_settings.Output | None = None) -> None:
        try:
            self._render(export_id, project, timeline, sources, duration, cancel, smart, settings, output)
        finally:
            self._release(export_id)

    def _render(self, export_id: str, project: dict[str, Any], timeline: dict[str, Any],
                sources: dict[str, Source], duration: float, cancel: threading.Event, smart: bool,
                settings: dict[str, Any] | None = None, output: export_settings.Output | None = None) -> None:
        work = self.temp_dir / f"export-{export_id}"
        extension = output.extension if output is not None else "mp4"
        tmp_out = work / f"out.{extension}"

        def check() -> None:
            if cancel.is_set():
                raise EncodeCancelled()

        last = [0.0]

        def progress(f: float) -> None:
            if time.monotonic() - last[0] > 0.2:
                last[0] = time.monotonic()
                try:
                    self.rows.update(export_id, status="rendering", progress=f * 0.99,
                                     message=f"Rendering {int(f * 100)}%")
                except AppError:
                    pass  # a progress row that cannot be written must not stop the render

        outcome: dict[str, Any]
        try:
            work.mkdir(parents=True, exist_ok=True)
            mode = (settings or {}).get("captions", "burn")
            subtitles = None
            if mode in ("sidecar", "soft") and output is not None:
                track = captions_out.captions_track(timeline)
                subtitles = captions_out.export_lines(track, output.start, output.end) if track else []
            if mode != "burn":
                # only a burn-in puts captions in the picture: nothing else draws or plans them
                timeline = captions_out.without_burn_in(timeline)
            # plan, then render: copied where the plan says the whole export can be (render/plan.py)
            why = export_settings.why_encode(settings, timeline)
            # a range is planned as the timeline it cuts out: copied when its cuts are on keyframes
            planned = cut_to_range(timeline, output.start, output.end) if output is not None else timeline
            if not smart:
                plan = smart_render_off(timeline)
            elif why is not None:
                plan = settings_plan(timeline, why)  # no source can be copied into another output
            else:
                info = sources_info(planned, sources, check)
                plan = plan_export(planned, info)
            check()
            self.rows.update(export_id, plan=plan)
            # a range cut through a fade or a keyframed clip is encoded from the whole render
            splice = plan.get("splice") and (output is None or exact_cut(timeline, output.start, output.end))
            if plan["copy"]:
                self.rows.update(export_id, status="rendering", message="Copying")
                copy_render(planned, plan, sources, tmp_out, duration, on_progress=progress, cancel=cancel)
            elif splice:
                self.rows.update(export_id, status="rendering", message="Rendering the re-encoded stretches")
                plan = self._splice(export_id, planned, plan, info, sources, tmp_out, work, duration, progress,
                                    cancel, check)
            else:
                args, _ = build_export_args(timeline, sources, tmp_out, work, find_font(), check=check,
                                            output=output)
                check()
                self.rows.update(export_id, status="rendering", message="Rendering")
                run_ffmpeg(args, duration=duration, on_progress=progress, cancel=cancel, what="The export")
            check()
            codec = export_settings.soft_codec(output.fmt) if output is not None else None
            if mode == "soft" and subtitles and codec and output is not None:
                self.rows.update(export_id, status="rendering", message="Adding the captions")
                srt = captions_out.write_subtitles(subtitles, work / "captions.srt", "srt")
                muxed = work / f"captioned.{extension}"
                captions_out.embed(tmp_out, srt, codec, output.fmt["muxer"], muxed, duration, cancel)
                tmp_out = muxed
            folder = self.media.projects.folder(project["id"]) / "exports"
            folder.mkdir(parents=True, exist_ok=True)
            stamp = time.strftime("%Y%m%d-%H%M%S")
            final = unique_path(folder, f"{safe_filename(project['name'], 'export')}-{stamp}.{extension}")
            side = None
            if mode == "sidecar" and subtitles is not None and output is not None:
                kind = captions_out.subtitle_extension(output.fmt)
                tmp_side = captions_out.write_subtitles(subtitles, work / f"captions.{kind}", kind)
                side = unique_path(folder, f"{final.stem}.{kind}")
                move_into_place(tmp_side, side)
            move_into_place(tmp_out, final)
            outcome = {"status": "done", "progress": 1.0, "message": "Exported",
                       "path": str(final.relative_to(self.data_dir)), "size": final.stat().st_size,
                       "sidecar": str(side.relative_to(self.data_dir)) if side else None}
        except EncodeCancelled:
            outcome = {"status": "cancelled", "message": "Cancelled"}
            if self._stopping.is_set():
                message = "Reelcut stopped while this export was rendering. Start the export again."
                outcome = {"status": "failed", "message": message, "error": {"code": "interrupted", "message": message}}
        except Exception as exc:  # noqa: BLE001 - an export must end in a state the user sees
            outcome = failed(failure(exc, what="The export", doing="writing the export", run_id=export_id))
        finally:
            # Free the space first: after a full disk, the row update below needs room too.
            shutil.rmtree(work, ignore_errors=True)
        try:
            self.rows.update(export_id, **outcome)
        except AppError:
            log.exception("could not record the end of export %s", export_id)

    def _splice(self, export_id: str, doc: dict[str, Any], plan: dict[str, Any], info: dict[str, Any],
                sources: dict[str, Source], out: Path, work: Path, duration: float,
                progress: Callable[[float], None], cancel: threading.Event, check: Callable[[], None],
                ) -> dict[str, Any]:
        """Join the copied and the encoded stretches. A join that does not decode cleanly
        re-plans with the clips beside it encoded whole, as the plan then says; when no copied
        clip is left to blame, or after three tries, the whole timeline is encoded."""
        forced: dict[str, list[str]] = {}
        for _ in range(3):
            try:
                splice_render(doc, plan, sources, out, work, find_font(), duration, on_progress=progress,
                              cancel=cancel, check=check)
                return plan
            except SpliceFailed as exc:
                log.warning("export %s: a splice did not decode cleanly (%s)", export_id, exc)
                out.unlink(missing_ok=True)
                if not exc.clips:
                    plan = settings_plan(doc, "the splice did not decode cleanly")
                    break
                forced.update({cid: ["its splice did not decode cleanly"] for cid in exc.clips})
                plan = plan_export(doc, info, forced)
                self.rows.update(export_id, plan=plan)
                if not plan["splice"]:
                    break  # nothing left to copy: each clip says why it is encoded
        else:
            plan = settings_plan(doc, "the splice did not decode cleanly")
        self.rows.update(export_id, plan=plan)
        args, _ = build_export_args(doc, sources, out, work, find_font(), check=check)
        run_ffmpeg(args, duration=duration, on_progress=progress, cancel=cancel, what="The export")
        return plan

    def cancel(self, export_id: str) -> dict[str, Any]:
        self.get(export_id)
        with self._lock:
            ev = self._cancel.get(export_id)
        if ev is not None:
            ev.set()
        return self.get(export_id)

    def stop(self, timeout: float = 10) -> None:
        """Shutting down: running encodes are killed and their rows say why, before the caller
        closes the database."""
        self._stopping.set()
        with self._lock:
            events = list(self._cancel.values())
        for ev in events:
            ev.set()
        if not self._threads.wait_all(timeout):
            log.warning("an export was still running %s s after it was told to stop", timeout)

    def wait(self, export_id: str, timeout: float | None = None) -> dict[str, Any]:
        """Block until the export's thread ends or `timeout` passes; the export as it is then."""
        self._threads.wait(export_id, timeout)
        return self.get(export_id)

    def fail_interrupted(self) -> None:
        """Start-up: an export that was rendering when the app died cannot be resumed (ffmpeg's
        state is gone); say so rather than leave it spinning."""
        for row in self.db.query("SELECT id FROM exports WHERE status IN (?, ?)", ACTIVE):
            message = "Reelcut stopped while this export was rendering. Start the export again."
            self.rows.update(row["id"], status="failed", message=message,
                             error={"code": "interrupted", "message": message})
