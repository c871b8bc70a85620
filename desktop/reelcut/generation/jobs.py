"""The job manager: one thread per generation job, in parallel; every job is a row, so a
restarted app resumes what was running (a paid result is never thrown away)."""

from __future__ import annotations

import json
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..errors import AppError, NotFound
from ..eventbus import EventBus
from ..library.captions import add_captions_track, add_lines_to_track, speech_lines
from ..library.db import Database, dumps, loads, now
from ..library.media_store import MediaStore
from ..library.projects import SPENT_SQL
from ..library.timeline import without_placeholders
from ..media.compose import timeline_end
from ..media.encode import EncodeCancelled, run_ffmpeg
from ..media.probe import probe
from ..media.sound import plays_own_sound
from ..runs import NULL, StatusRows, Threads, failed, failure
from . import registry
from .base import JobCancelled, JobContext, Provider

log = logging.getLogger(__name__)

ACTIVE = ("queued", "generating", "downloading", "storing")
# Where each phase sits in the job's overall progress bar.
_SPAN = {"queued": (0.0, 0.05), "generating": (0.05, 0.8), "downloading": (0.8, 0.95), "storing": (0.95, 1.0)}
MAX_PROMPT = 2000
MAX_LOGS = 50
MAX_TAKES = 4
# The request fields that name library media a model may be sent (registry inputs' "from").
MEDIA_FIELDS = ("image_media_id", "end_image_media_id", "audio_media_id", "video_media_id")
_KIND_WORDS = {"image": "an image", "audio": "a sound clip", "video": "a video"}
SEED_MAX = 2**31 - 1


def job_dict(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"], "project_id": row["project_id"], "model_id": row["model_id"], "prompt": row["prompt"],
        "params": loads(row["params"], {}), "image_media_id": row["image_media_id"], "status": row["status"],
        "progress": row["progress"], "message": row["message"], "queue_position": row["queue_position"],
        "logs": loads(row["logs"], []), "error": loads(row["error"]), "media_id": row["media_id"],
        "cost": row["cost"], "created_at": row["created_at"], "updated_at": row["updated_at"],
        # takes: the request's group, this job's index in it, the seed it runs with
        "group_id": row["group_id"], "take": row["take"], "seed": row["seed"],
        "inputs": loads(row["inputs"], {}),
        # the clip a retake switches when done (null for any other job): the page shows the
        # job's progress, failure and Cancel on that clip
        "retake_clip_id": _retake_clip(row["state"]),
    }


def _place_of(state: Any) -> dict[str, Any] | None:
    """Where a job's saved state puts its result on the timeline: its `place`, or for a retake
    started before its switch was kept as `place`, the older `retake` (clip_id, media_id)."""
    if not isinstance(state, dict):
        return None
    place, legacy = state.get("place"), state.get("retake")
    if place is None and isinstance(legacy, dict) and legacy.get("clip_id") and legacy.get("media_id"):
        place = {"retake_clip": legacy["clip_id"], "media_id": legacy["media_id"]}
    return place if isinstance(place, dict) else None


def _retake_clip(saved: str | None) -> str | None:
    """The clip id a retake job's saved state names (None for any other job)."""
    # every progress report publishes the job: a state with no retake in it (a transcript's can
    # be long) is not parsed for one
    if not saved or '"retake' not in saved:
        return None
    clip = (_place_of(loads(saved, {})) or {}).get("retake_clip")
    return clip if isinstance(clip, str) and clip else None


def media_name(prompt: str) -> str:
    """'AI: ' and the whole prompt. The name is kept whole in the data; the page shortens it with
    CSS only and shows it whole on hover."""
    return f"AI: {prompt}"


_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "audio/mpeg": "mp3",
               "audio/wav": "wav", "audio/x-wav": "wav", "audio/mp4": "m4a", "audio/ogg": "ogg",
               "audio/flac": "flac", "audio/webm": "webm", "video/webm": "webm"}


def media_filename(model_id: str, when: float, mime: str = "video/mp4") -> str:
    """The stored file's name: what made it, when, and the extension of what it is (an image model
    makes a PNG or JPEG, a voice an audio file)."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(when)) + f"-{int(when * 1000) % 1000:03d}"
    kind = mime.split("/")[0]
    word = {"image": "Image", "audio": "Sound"}.get(kind, "Video")
    ext = _EXTENSIONS.get(mime, "mp4" if kind == "video" else "bin")
    return f"AI-{word}-{model_id.replace('/', '_')}-{stamp}.{ext}"


def _within_cap(c: Any, project_id: str, estimate: float) -> None:
    """Refuse a request that would take the project's spending past its cap (nothing starts)."""
    cap = c.execute("SELECT spending_cap FROM projects WHERE id = ?", (project_id,)).fetchone()[0]
    if cap is None or estimate <= 0:
        return
    spent = float(c.execute(SPENT_SQL, (project_id,)).fetchone()[0])
    if spent + estimate > cap + 1e-9:
        left = max(0.0, cap - spent)
        raise AppError("over_spending_cap", f"This would cost ${estimate:.2f}; the project has ${left:.2f} left of "
                       f"its ${cap:.2f} cap. Raise the cap in Settings, or ask for fewer takes, models or seconds.",
                       field="spending_cap")


class JobManager:
    def __init__(self, db: Database, media: MediaStore, bus: EventBus, temp_dir: Path,
                 providers: Mapping[str, Provider]) -> None:
        self.db = db
        self.media = media
        self.bus = bus
        self.temp_dir = temp_dir
        self._providers = providers
        self._live: dict[str, JobContext] = {}
        self._threads = Threads("job")
        self._stopping = threading.Event()
        self._cancelled: set[str] = set()  # cancelled by the user, not by the app stopping
        self._lock = threading.Lock()
        self.rows = StatusRows(db, bus, table="jobs", event="job", payload=self.get)
        # told the job each time one ends (done, failed, cancelled) or is retried, on the thread
        # that changed it (generation/placements.py lands placeholders on the timeline)
        self.listeners: list[Callable[[dict[str, Any]], None]] = []
        # (project_id, timeline, out file, cancel, on_progress) -> seconds: the timeline's mixed
        # sound, as the export makes it, for "Caption the timeline"; the composition root lends it
        self.mix_sound: Callable[[str, dict[str, Any], Path, threading.Event, Callable[[float], None]], float] \
            | None = None

    def provider(self, name: str) -> Provider:
        try:
            return self._providers[name]
        except KeyError:
            raise AppError("no_provider", f"No provider '{name}' is available.") from None

    # -- queries ------------------------------------------------------------------------------
    def get(self, job_id: str) -> dict[str, Any]:
        row = self.db.one("SELECT * FROM jobs WHERE id = ?", (job_id,))
        if row is None:
            raise NotFound("The generation job")
        return job_dict(row)

    def saved_state(self, job_id: str) -> dict[str, Any]:
        """The job's saved state (what jobs.start was given, and the provider's own), {} for none."""
        row = self.db.one("SELECT state FROM jobs WHERE id = ?", (job_id,))
        if row is None:
            raise NotFound("The generation job")
        return loads(row["state"], {}) or {}

    def list(self, project_id: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        if project_id:
            rows = self.db.query("SELECT * FROM jobs WHERE project_id = ? ORDER BY created_at DESC LIMIT ?",
                                 (project_id, limit))
        else:
            rows = self.db.query("SELECT * FROM jobs ORDER BY created_at DESC LIMIT ?", (limit,))
        return [job_dict(r) for r in rows]

    # -- transcription ------------------------------------------------------------------------
    def transcribe(self, project_id: str, clip_id: Any) -> dict[str, Any]:
        """"Caption this clip": speech to text of the sound the clip plays (its [in, out] of the
        source), as a job like a generation (progress, cancel, cost); when it ends, its words
        become a new captions track, timed where the clip plays. Refused without a fal.ai key
        (no job: there is no offline transcription to fall back on)."""
        self.media.projects.get(project_id)
        if not isinstance(clip_id, str) or not clip_id:
            raise AppError("invalid_clip", "clip_id is required: the id of a clip on the timeline.", field="clip_id")
        doc = self.media.projects.timeline(project_id)
        clip = next((c for t in doc["tracks"] if t["kind"] in ("video", "audio") for c in t["clips"]
                     if c.get("id") == clip_id), None)
        if clip is None:
            raise AppError("invalid_clip", "There is no media clip with that id on the timeline.", field="clip_id")
        item = self.media.get(clip["media_id"])
        if not item.get("audio_codec"):
            raise AppError("invalid_clip", f"The clip '{item['name']}' has no sound to transcribe.", field="clip_id")
        model = self._speech_model("a clip")
        params = registry.validate_params(model, {})
        span = float(clip["out"]) - float(clip["in"])
        place = {k: clip.get(k) for k in ("id", "start", "in", "out", "speed") if k in clip}
        return self._start_speech(project_id, model, params, span, f"Captions: {item['name']}",
                                  {"audio_url": item["id"]}, {"clip": place, "name": item["name"]})

    def transcribe_timeline(self, project_id: str, track_id: Any = None) -> dict[str, Any]:
        """"Caption the timeline": speech to text of the whole timeline's sound as the export
        mixes it (volumes, mutes, fades, speed), as a job like "Caption this clip", paid by the
        timeline's length. The lines land at timeline time, in the captions track `track_id`
        (beside its own lines, never over them) or in a new one on top. The timeline is taken as
        it is now: a later edit does not change what is sent."""
        self.media.projects.get(project_id)
        if track_id is not None and (not isinstance(track_id, str) or not track_id):
            raise AppError("invalid_track", "track_id must be the id of a captions track, or left out for a new one.",
                           field="track_id")
        doc = without_placeholders(self.media.projects.timeline(project_id))
        if track_id is not None and not any(t.get("id") == track_id and t["kind"] == "captions"
                                            for t in doc["tracks"]):
            raise AppError("invalid_track", "There is no captions track with that id on the timeline.",
                           field="track_id")
        seconds = timeline_end(doc)
        if seconds <= 0:
            raise AppError("empty_timeline", "The timeline is empty: add clips before captioning it.")
        media = {m["id"]: m for m in self.media.list(project_id)}
        if not any(not t.get("muted") and plays_own_sound(c) and media.get(c.get("media_id"), {}).get("audio_codec")
                   for t in doc["tracks"] if t["kind"] in ("video", "audio") for c in t["clips"]):
            raise AppError("no_sound", "Nothing on the timeline makes a sound (the clips with sound are on muted "
                                       "tracks, or there are none): there is no speech to caption.")
        if self.mix_sound is None:
            raise AppError("no_provider", "This Reelcut cannot mix the timeline's sound.")
        model = self._speech_model("the timeline")
        params = registry.validate_params(model, {})
        return self._start_speech(project_id, model, params, seconds, "Captions: the timeline", {},
                                  {"timeline": doc, "track_id": track_id, "name": "the timeline"})

    def _speech_model(self, what: str) -> dict[str, Any]:
        """The registry's speech-to-text model; refused (no job) without its provider's key."""
        model = next((m for m in registry.entries() if m.get("mode") == "transcribe"), None)
        if model is None:
            raise AppError("no_provider", "No speech-to-text model is in the registry.")
        lookup = getattr(self.provider(model["provider"]), "key_lookup", None)
        if lookup is not None and not lookup():
            raise AppError("no_api_key", "Transcription runs on fal.ai: add your fal.ai API key in Settings (or set "
                                         f"FAL_KEY) to caption {what}. Reelcut has no offline transcription.")
        return model

    def _start_speech(self, project_id: str, model: dict[str, Any], params: dict[str, Any], seconds: float,
                      prompt: str, inputs: dict[str, Any], info: dict[str, Any]) -> dict[str, Any]:
        job_id = uuid.uuid4().hex
        ts = now()
        cost = registry.estimate_cost(model, params, seconds)
        with self.db.transaction() as c:
            # in the transaction that inserts the job: two requests at once cannot both pass the cap
            _within_cap(c, project_id, cost)
            c.execute(
                "INSERT INTO jobs (id, project_id, model_id, prompt, params, status, progress, message, cost,"
                " created_at, updated_at, inputs, state) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (job_id, project_id, model["id"], prompt, dumps(params), "queued", 0.0, "Waiting to start", cost,
                 ts, ts, dumps(inputs), dumps({"transcribe": info})))
        self._publish(job_id)
        self._spawn(job_id)
        return self.get(job_id)

    def _timeline_sound(self, ctx: JobContext, job: dict[str, Any], doc: dict[str, Any]) -> None:
        """What is sent for the timeline: its mixed sound, from 0 to its end, so fal's times are
        timeline times."""
        out = ctx.temp_dir / f"sound-{ctx.job_id}.m4a"
        ctx.report("queued", 0.0, "Mixing the timeline's sound")
        try:
            assert self.mix_sound is not None  # checked before the job was made
            self.mix_sound(job["project_id"], doc, out, ctx.cancel_event, lambda f: ctx.report("queued", f))
        except EncodeCancelled:
            raise JobCancelled() from None
        ctx.inputs["audio_url"] = out

    def _clip_sound(self, ctx: JobContext, clip: dict[str, Any]) -> None:
        """What is sent: only the sound the clip plays (its [in, out] of the source), small and
        paid by its own length; the answer's times then count from the clip's in point."""
        source = ctx.inputs["audio_url"]
        out = ctx.temp_dir / f"sound-{ctx.job_id}.m4a"
        span = float(clip["out"]) - float(clip["in"])
        try:
            run_ffmpeg(["-ss", str(float(clip["in"])), "-t", str(span), "-i", str(source), "-vn", "-ac", "1",
                        "-c:a", "aac", "-b:a", "64k", "-f", "ipod", str(out)], duration=span,
                       cancel=ctx.cancel_event, what="The clip's sound")
        except EncodeCancelled:
            out.unlink(missing_ok=True)
            raise JobCancelled() from None
        ctx.inputs["audio_url"] = out

    def _store_transcript(self, job: dict[str, Any], ctx: JobContext, path: Path) -> None:
        info = ctx.state["transcribe"]
        words = json.loads(path.read_text("utf-8")).get("words") or []
        timeline = info.get("timeline")
        if timeline is not None:
            # what was sent starts at the timeline's 0: its times are timeline times
            lines = speech_lines(words, {"start": 0.0, "in": 0.0, "out": timeline_end(timeline), "speed": 1.0})
        else:
            clip = info["clip"]
            lines = speech_lines(words, clip, offset=float(clip["in"]))
        ctx.check_cancelled()
        self._update(job["id"], status="storing", progress=_SPAN["storing"][0], message="Adding the captions")
        left_out = 0
        if timeline is not None:
            n, left_out = add_lines_to_track(self.media.projects, job["project_id"], lines, info.get("track_id"),
                                             f"Captions: {info['name']}")
        else:
            add_captions_track(self.media.projects, job["project_id"], lines, f"Captions: {info['name']}")
            n = len(lines)
        where = "the timeline" if timeline is not None else "the clip"
        message = f"{n} caption line{'s' if n != 1 else ''} added" if n or left_out else f"No speech heard in {where}"
        if left_out:
            message += f"; {left_out} left out where the track already had lines"
        self._update(job["id"], status="done", progress=1.0, message=message)

    # -- starting -----------------------------------------------------------------------------
    def start(self, project_id: Any, model_ids: Any, prompt: Any, params: Any = None,
              image_media_id: Any = None, *, takes: Any = 1, media: Mapping[str, Any] | None = None,
              place: dict[str, Any] | None = None, state: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Validate the whole request first (nothing starts if any model's parameters are
        wrong), then start `takes` jobs per model, each with its own seed, all in one group (the
        request's id). `media` holds the other media fields (end_image_media_id, audio_media_id,
        video_media_id). Arguments come straight from a request body. `place` and `state` come
        from the server's own code, never a request: `place` says where the result goes on the
        timeline when it is done (generation/placements.py), `state` starts each job's saved
        state (what its end must do, such as the clip a retake switches); both are kept in the
        job's row, so they survive a restart."""
        if not isinstance(project_id, str) or not project_id:
            raise AppError("invalid_project", "project_id is required.", field="project_id")
        self.media.projects.get(project_id)
        if not isinstance(model_ids, list) or not model_ids or not all(isinstance(m, str) for m in model_ids):
            raise AppError("invalid_models", "Pick at least one model.", field="model_ids")
        if len(set(model_ids)) != len(model_ids):
            raise AppError("invalid_models", "A model is listed twice: ask for more takes instead.",
                           field="model_ids")
        if isinstance(takes, bool) or not isinstance(takes, int) or not 1 <= takes <= MAX_TAKES:
            raise AppError("invalid_takes", f"takes must be a whole number from 1 to {MAX_TAKES}.", field="takes")
        if not isinstance(prompt, str) or not prompt.strip():
            raise AppError("invalid_prompt", "Write a prompt first.", field="prompt")
        if len(prompt) > MAX_PROMPT:
            raise AppError("invalid_prompt", f"The prompt is longer than {MAX_PROMPT} characters.", field="prompt")
        given = {"image_media_id": image_media_id, **dict(media or {})}
        for name, value in given.items():
            if value is not None and not isinstance(value, str):
                code = "image_required" if name == "image_media_id" else "input_required"
                raise AppError(code, f"{name} must be the id of a library item.", field=name)
        params = {} if params is None else params
        if not isinstance(params, dict):
            raise AppError("invalid_param", "params must map model ids to objects.", field="params")
        # A flat {"duration": 4}, or a model that was not asked for, would otherwise run on defaults.
        stray = sorted(set(params) - set(model_ids))
        if stray:
            raise AppError("invalid_param", f"params has an entry '{stray[0]}', which is not one of the requested "
                           "models: params must map each requested model id to its parameters.", field="params")
        planned = []
        for model_id in model_ids:
            model = registry.get_model(model_id)
            if model.get("mode") == "transcribe":
                raise AppError("invalid_models", f"{model['name']} turns speech into captions: use Caption this "
                               "clip (POST /api/projects/<id>/captions/transcribe).", field="model_ids")
            own = params.get(model_id, {})
            if not isinstance(own, dict):
                raise AppError("invalid_param", f"params for {model_id} must be an object.", field="params")
            try:
                typed = registry.validate_params(model, own)
            except AppError as exc:
                exc.message = f"{model['name']}: {exc.message}"
                exc.extra["model_id"] = model_id  # two models may share a field name
                raise
            registry.check_prompt(model, prompt)
            inputs, seconds = self._inputs(project_id, model, given)
            planned.append((model, typed, inputs, seconds))
        group_id = uuid.uuid4().hex
        jobs = []
        ts = now()
        estimate = takes * sum(registry.estimate_cost(model, typed, seconds) or 0
                               for model, typed, _, seconds in planned)
        with self.db.transaction() as c:
            # in the transaction that inserts the jobs: two requests at once cannot both pass the cap
            _within_cap(c, project_id, estimate)
            for model, typed, inputs, seconds in planned:
                for take, seed in enumerate(self._seeds(model, typed, takes)):
                    own = dict(typed)
                    if seed is not None and any(p["name"] == "seed" for p in model["params"]):
                        own["seed"] = seed
                    job_id = uuid.uuid4().hex
                    c.execute(
                        "INSERT INTO jobs (id, project_id, model_id, prompt, params, image_media_id, status, progress,"
                        " message, cost, created_at, updated_at, group_id, take, seed, inputs, state)"
                        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (job_id, project_id, model["id"], prompt, dumps(own),
                         given["image_media_id"] if model["mode"] == "image" else None, "queued", 0.0,
                         "Waiting to start", registry.estimate_cost(model, own, seconds), ts, ts,
                         group_id, take, seed, dumps(inputs),
                         dumps({**(state or {}), **({"place": place} if place else {})})))
                    jobs.append(job_id)
        for job_id in jobs:
            self._publish(job_id)
            self._spawn(job_id)
        return [self.get(j) for j in jobs]

    @staticmethod
    def _seeds(model: dict[str, Any], typed: dict[str, Any], takes: int) -> list[int | None]:
        """One seed per take, all different. A lone job keeps the user's seed (or none: the model
        picks); several takes start from the user's seed, or from random ones."""
        chosen = typed.get("seed")
        if takes == 1:
            return [chosen]
        spec = next((p for p in model["params"] if p["name"] == "seed"), {})
        lo, hi = int(spec.get("min", 0)), int(spec.get("max", SEED_MAX))
        if chosen is not None:
            return [lo + (int(chosen) - lo + i) % (hi - lo + 1) for i in range(takes)]
        return random.SystemRandom().sample(range(lo, hi + 1), takes)

    def _inputs(self, project_id: str, model: dict[str, Any],
                given: Mapping[str, Any]) -> tuple[dict[str, str], float | None]:
        """The library items a model is sent, by wire field, checked (kind, project, length);
        and, for a model whose length follows an input, that input's seconds."""
        out: dict[str, str] = {}
        seconds = None
        for spec in registry.media_inputs(model):
            source = spec["from"]
            media_id = given.get(source)
            primary = source == "image_media_id"
            if not media_id:
                if not spec.get("required"):
                    continue
                if primary and model["mode"] == "image":
                    raise AppError("image_required", "Choose an image for image-to-video.", field=source)
                raise AppError("input_required", f"{model['name']} needs {_KIND_WORDS[spec['kind']]} for its "
                               f"{spec['label'].lower()}: give {source}.", field=source)
            item = self.media.get(media_id)
            if item["project_id"] != project_id or item["kind"] != spec["kind"]:
                if primary and spec["kind"] == "image":
                    raise AppError("image_required", "The chosen item is not an image in this project.", field=source)
                raise AppError("input_required", f"{model['name']}: {spec['label']} must be "
                               f"{_KIND_WORDS[spec['kind']]} in this project.", field=source)
            length = item.get("duration")
            low, high = spec.get("min_seconds"), spec.get("max_seconds")
            if length is not None and (low is not None and length < low or high is not None and length > high):
                raise AppError("input_required", f"{model['name']}: {spec['label']} must last {low}–{high} s "
                               f"(it lasts {length:.1f} s).", field=source)
            if model.get("duration_from") == spec["name"]:
                seconds = length
            out[spec["name"]] = media_id
        return out, seconds

    def placement(self, job_id: str) -> tuple[dict[str, Any] | None, bool]:
        """Where the job's result goes on the timeline (None: the library only), and whether it
        was put there already."""
        row = self.db.one("SELECT state FROM jobs WHERE id = ?", (job_id,))
        state = loads(row["state"], {}) if row is not None else {}
        # an older retake row still running at the upgrade is read too (a done one is not looked
        # at again: placed_pending matches "place" only)
        return _place_of(state), bool(state.get("placed"))

    def mark_placed(self, job_id: str, skipped: str | None = None) -> None:
        """The job's timeline change is done with, for good: made, or `skipped` (why it was not,
        which becomes the job's message, so the user reads why the edit did not happen)."""
        with self.db.transaction() as c:
            row = c.execute("SELECT state FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is not None:
                state = {**loads(row[0], {}), "placed": True, **({"place_skipped": skipped} if skipped else {})}
                c.execute("UPDATE jobs SET state = ? WHERE id = ?", (dumps(state), job_id))
        if skipped and row is not None:
            log.warning("job %s: its result was not put on the timeline: %s", job_id, skipped)
            # naming its status: a done row takes no other write (runs.StatusRows)
            self._update(job_id, status="done", message=f"Done, kept in the library only: {skipped}"[:1000])

    def placed_pending(self) -> list[dict[str, Any]]:
        """Done jobs whose result was to go on the timeline and is not there yet (the app stopped
        between the two)."""
        rows = self.db.query("SELECT * FROM jobs WHERE status = 'done' AND state LIKE '%\"place\"%'"
                             " AND state NOT LIKE '%\"placed\"%'")
        return [job_dict(r) for r in rows]

    def resume_unfinished(self) -> list[str]:
        """Start-up: every job that was running when the app stopped runs again. Providers
        resume from their saved state (a submitted fal request is polled, not resubmitted)."""
        rows = self.db.query("SELECT id FROM jobs WHERE status IN (?,?,?,?)", ACTIVE)
        for row in rows:
            self._update(row["id"], message="Resuming after restart")
            self._spawn(row["id"])
        return [r["id"] for r in rows]

    def _spawn(self, job_id: str) -> None:
        self._threads.start(job_id, lambda: self._run(job_id))

    # -- running ------------------------------------------------------------------------------
    def _context(self, job: dict[str, Any], state: dict[str, Any]) -> JobContext:
        model = registry.get_model(job["model_id"])
        self.temp_dir.mkdir(parents=True, exist_ok=True)
        image_path = None
        if job["image_media_id"]:
            image_path, _ = self.media.file_path(job["image_media_id"])
        inputs = {name: self.media.file_path(media_id)[0] for name, media_id in job["inputs"].items()}
        last = {"t": 0.0, "phase": ""}

        def report(phase: str, progress: float | None = None, message: str | None = None, **extra: Any) -> None:
            lo, hi = _SPAN.get(phase, (0.0, 1.0))
            frac = progress
            if frac is None and extra.get("bytes_total"):
                frac = extra.get("bytes_done", 0) / extra["bytes_total"]
            overall = lo + (hi - lo) * max(0.0, min(1.0, frac or 0.0))
            if phase == "downloading" and extra.get("bytes_total") and message is None:
                message = f"Downloading {extra.get('bytes_done', 0) / 1e6:.1f} / {extra['bytes_total'] / 1e6:.1f} MB"
            # Throttle row writes and events to ~8 a second; phase changes and logs always pass.
            t = time.monotonic()
            if phase == last["phase"] and not extra.get("log") and message is None and t - last["t"] < 0.125:
                return
            last.update(t=t, phase=phase)
            self._update(job["id"], status=phase, progress=overall, message=message,
                         queue_position=extra.get("queue_position"), log=extra.get("log"))

        def persist(values: dict[str, Any]) -> None:
            self.db.execute("UPDATE jobs SET state = ?, updated_at = ? WHERE id = ?",
                            (dumps(values), now(), job["id"]))

        return JobContext(job_id=job["id"], model=model, prompt=job["prompt"], params=job["params"],
                          image_path=image_path, temp_dir=self.temp_dir, state=state, report=report,
                          persist=persist, inputs=inputs, seed=job["seed"], cost=job["cost"])

    def _run(self, job_id: str) -> None:
        row = self.db.one("SELECT * FROM jobs WHERE id = ?", (job_id,))
        if row is None:
            return
        job = job_dict(row)
        try:
            ctx = self._context(job, loads(row["state"], {}))
            with self._lock:
                self._live[job_id] = ctx
                # cancel() may have marked the row before this thread registered its context
                current = self.db.one("SELECT status FROM jobs WHERE id = ?", (job_id,))
            if current is None or current["status"] not in ACTIVE or self._stopping.is_set():
                raise JobCancelled()
            provider = self.provider(ctx.model["provider"])
            ctx.check_cancelled()
            if ctx.model.get("mode") == "transcribe":
                sound = None
                try:
                    if "request_id" not in ctx.state:
                        info = ctx.state["transcribe"]
                        if "timeline" in info:
                            self._timeline_sound(ctx, job, info["timeline"])
                        else:
                            self._clip_sound(ctx, info["clip"])
                        sound = ctx.inputs["audio_url"]
                    result = provider.generate(ctx)
                finally:
                    if sound is not None:
                        sound.unlink(missing_ok=True)
                try:
                    self._store_transcript(job, ctx, result.path)
                finally:
                    result.path.unlink(missing_ok=True)
                return
            result = provider.generate(ctx)
            try:
                ctx.check_cancelled()
                self._update(job_id, status="storing", progress=_SPAN["storing"][0], message="Storing in the library")
                probed = result.probed or probe(result.path, media_name(job["prompt"]))
                wanted = registry.output_of(ctx.model)
                if probed.kind != wanted:
                    raise AppError("bad_result", f"{ctx.model['name']} made {probed.kind or 'a file'} instead of "
                                   f"{_KIND_WORDS[wanted]}.")
                item = self.media.ingest(
                    job["project_id"], result.path, name=media_name(job["prompt"]),
                    filename=media_filename(job["model_id"], time.time(), probed.mime),
                    source={"type": "generation", "model_id": job["model_id"], "prompt": job["prompt"],
                            "params": job["params"], "remote_url": result.remote_url,
                            # the take's seed even when the model takes none as a parameter: the
                            # inspector says how the clip was made after its job is cleared
                            "seed": job["seed"]},
                    cost=result.cost if result.cost is not None else job["cost"],
                    digest=(result.size, result.sha256) if result.sha256 and result.size is not None else None,
                    probed=probed,
                    thumbnail_now=False)
            finally:
                result.path.unlink(missing_ok=True)
            if job["group_id"]:
                self.db.execute("UPDATE media SET group_id = ?, take = ? WHERE id = ?",
                                (job["group_id"], job["take"], item["id"]))
                item = self.media.get(item["id"])
            # listed and playable now; the poster follows a moment later
            self.media.published(item)
            self._update(job_id, status="done", progress=1.0, message="Done", media_id=item["id"])
            self._notify(job_id)
            self.media.published(self.media.add_thumbnail(item["id"]))
        except JobCancelled:
            if self._stopping.is_set() and job_id not in self._cancelled:
                # the app is closing, not the user cancelling: the row stays active, and the next
                # start resumes it (a submitted fal request is polled again, never bought again)
                self._update(job_id, message="Stopped with Reelcut: it resumes at the next start")
            else:
                self._update(job_id, status="cancelled", message="Cancelled")
                self._notify(job_id)
        except Exception as exc:  # noqa: BLE001 - a job must end in a state the user can see
            err = failure(exc, what="Generation", doing="storing the generated clip", run_id=job_id)
            self.rows.update(job_id, **failed(err))
            self._notify(job_id)
        finally:
            with self._lock:
                self._live.pop(job_id, None)
                self._cancelled.discard(job_id)  # read only above; a retry starts afresh

    def cancel(self, job_id: str) -> dict[str, Any]:
        job = self.get(job_id)
        if job["status"] not in ACTIVE:
            return job
        with self._lock:
            ctx = self._live.get(job_id)
            if ctx is None:
                # not running yet: mark it under the lock so _run sees it when it registers
                self._update(job_id, status="cancelled", message="Cancelled")
        if ctx is None:
            self._notify(job_id)
            return self.get(job_id)
        self._cancelled.add(job_id)
        ctx.cancel_event.set()
        self._update(job_id, message="Cancelling…")
        try:
            self.provider(ctx.model["provider"]).cancel(ctx)
        except AppError as exc:
            self._update(job_id, log=f"Cancel request failed: {exc.message}")
        return self.get(job_id)

    def stop(self, timeout: float = 10) -> None:
        """Shutting down: running jobs stop where they are, before the caller closes the database;
        their rows stay active, so the next start resumes them."""
        self._stopping.set()
        with self._lock:
            live = list(self._live.values())
        for ctx in live:
            ctx.cancel_event.set()
        if not self._threads.wait_all(timeout):
            log.warning("a generation job was still running %s s after it was told to stop", timeout)

    def cancel_project(self, project_id: str) -> None:
        """The project is about to be deleted: its running jobs stop first."""
        for job in self.list(project_id):
            self.cancel(job["id"])

    def retry(self, job_id: str) -> dict[str, Any]:
        """Run a failed or cancelled job again with its saved provider state: a paid remote
        request whose download or storing failed (full disk, network) is fetched again, not
        bought again."""
        job = self.get(job_id)
        if job["status"] not in ("failed", "cancelled"):
            raise AppError("not_retryable", "Only a failed or cancelled job can be retried.")
        if self.rows.update(job_id, only_from=("failed", "cancelled"), status="queued", progress=0.0,
                            message="Retrying", error=NULL):
            self._notify(job_id)
            self._spawn(job_id)  # only the first of two retries at once reopens the row
        return self.get(job_id)

    def _notify(self, job_id: str) -> None:
        try:
            job = self.get(job_id)
        except NotFound:
            return
        for listener in list(self.listeners):
            try:
                listener(job)
            except Exception:  # noqa: BLE001 - a listener's trouble never changes how the job ended
                log.exception("a listener failed on job %s", job_id)

    def clear(self, job_id: str) -> None:
        """Take a finished, failed or cancelled job off the list for good (its clip stays in the
        library); a running job is refused: cancel it first."""
        job = self.get(job_id)
        if job["status"] in ACTIVE:
            raise AppError("job_running", "This generation is still running: cancel it first.")
        with self._lock:
            if job_id in self._live:
                raise AppError("job_running", "This generation is still running: cancel it first.")
            self.db.execute("DELETE FROM jobs WHERE id = ? AND status NOT IN (?, ?, ?, ?)", (job_id, *ACTIVE))

    def wait(self, job_id: str, timeout: float | None = None) -> dict[str, Any]:
        """Block until the job's thread ends or `timeout` passes (CLI and tests); the job as it is then."""
        self._threads.wait(job_id, timeout)
        return self.get(job_id)

    def _update(self, job_id: str, *, status: str | None = None, progress: float | None = None,
                message: str | None = None, queue_position: int | None = None, log: str | None = None,
                error: dict[str, Any] | None = None, media_id: str | None = None) -> None:
        if status is not None:
            # each phase, for the log file (`log` here is the job's own log, the parameter)
            logging.getLogger(__name__).info("job %s: %s%s", job_id, status, f" ({message})" if message else "")
        if queue_position is None and status is not None and status != "queued":
            queue_position = NULL  # the provider's queue is behind it
        add_log = None
        if log:
            def add_log(row: Any) -> dict[str, Any]:
                return {"logs": (loads(row["logs"], []) + [str(log)[:500]])[-MAX_LOGS:]}
        self.rows.update(job_id, merge=add_log, status=status, progress=progress, message=message,
                         queue_position=queue_position, error=error, media_id=media_id)

    def _publish(self, job_id: str) -> None:
        self.rows.publish(job_id)
