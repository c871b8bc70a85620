"""Generation from the timeline: Extend (a clip's last frame → an image-to-video model, the
result right after the clip) and Fill (the frames on both sides of a gap → a first/last-frame
model, the result in the gap).

While its job runs, the coming clip is a placeholder in the document itself
(library/timeline.py: {id, start, duration, placeholder: {job_id, model_id, status, reason?}}),
so it survives a reload and a restart. When the job ends, `job_changed` (a JobManager listener)
turns it into a media clip of the result, keeping its start and any trim the user made
meanwhile; a failed or cancelled job leaves it marked with the reason, and a retry marks it
running again. Every write goes through Projects.save_timeline_at, with a new revision.

Generate here puts a text-to-video placeholder on an empty spot. Retake sends a range of a clip's
media to a retake model (video_url, start_time, duration); what it makes is a new take of that
media (the same group), and the clip switches to it in place, keeping its trims, when the job is
done: now, or at the next start if the app stopped first (the switch is kept on the job's row, as
a voice-over's place is, and made once). Extend with an
extend-video model sends the clip's media itself (video_url) instead of its last frame."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import AppError, NotFound
from ..library.media_store import MediaStore
from ..library.projects import Projects
from ..library.timeline import TOUCH, is_placeholder
from ..media.animation import clip_length
from ..media.compose import Source
from ..media.still import render_frame
from . import registry
from .jobs import ACTIVE, JobManager

log = logging.getLogger(__name__)

FILL_PROMPT = "A smooth, continuous shot that moves from the first frame to the last."
_EDIT_TRIES = 5  # a save beaten by another writer is made again on the new revision


def snap_duration(model: dict[str, Any], seconds: float) -> tuple[Any, float]:
    """The model's duration value nearest to `seconds` (as the model types it: 6, or "6s") and
    its length in seconds. Ties go to the shorter length, which fits the gap."""
    spec = next((p for p in model["params"] if p["name"] == "duration"), None)
    if spec is None:
        fixed = float(model.get("fixed_duration", 5))
        return None, fixed
    if spec.get("choices"):
        options = [(float(str(c).rstrip("s")), c) for c in spec["choices"]]
        length, value = min(options, key=lambda o: (abs(o[0] - seconds), o[0]))
        return value, length
    low, high = float(spec.get("min", 1)), float(spec.get("max", seconds))
    length = min(max(seconds, low), high)
    if spec["type"] == "integer":
        length = float(min(max(round(length), int(low)), int(high)))
        return int(length), length
    return length, length


def _takes_video(model: dict[str, Any]) -> bool:
    """A model that makes a new video from a video: not sound for it (Add sound), nor the same
    video larger (Upscale)."""
    return registry.output_of(model) == "video" and model.get("task") != "upscale" and any(
        i["kind"] == "video" and i["from"] == "video_media_id" for i in registry.media_inputs(model))


def is_retake_model(model: dict[str, Any]) -> bool:
    """A model that makes a range of a video again: a video input and a start_time."""
    return _takes_video(model) and any(p["name"] == "start_time" for p in model["params"])


def is_extend_video_model(model: dict[str, Any]) -> bool:
    """A model that continues a video itself (extend-video): a video input, no range."""
    return _takes_video(model) and not is_retake_model(model)


def _within_model(model: dict[str, Any], start_time: float, duration: float) -> None:
    """A retake range the model cannot take is refused as a range (naming the side to move), not
    as a parameter the user never typed: start_time against the model's bounds names `start`,
    duration names `end`."""
    bounds = {p["name"]: p for p in model["params"]}
    for name, value, side, what in (("start_time", start_time, "start", "start"),
                                    ("duration", duration, "end", "length")):
        p = bounds.get(name, {})
        low, high = p.get("min"), p.get("max")
        if low is not None and value < float(low) - 1e-6:
            raise AppError("invalid_range", f"{model['name']} retakes a range whose {what} (in the source) is at "
                           f"least {float(low):g} s; this one is {value:g} s.", field=side)
        if high is not None and value > float(high) + 1e-6:
            raise AppError("invalid_range", f"{model['name']} retakes a range whose {what} (in the source) is at "
                           f"most {float(high):g} s; this one is {value:g} s.", field=side)


def _takes_frames(model: dict[str, Any], *, end: bool) -> bool:
    """Whether the model takes a start frame (and, with `end`, an end frame it requires)."""
    sources = {i["from"]: i for i in registry.media_inputs(model) if i["kind"] == "image"}
    if "image_media_id" not in sources:
        return False
    if end:
        return "end_image_media_id" in sources
    return not sources.get("end_image_media_id", {}).get("required")


class _Skipped(Exception):
    """A done job's timeline change that must not be made any more (its clip was deleted, or
    plays other media since): why, in words for the job's message."""


class Placements:
    def __init__(self, projects: Projects, media: MediaStore, jobs: JobManager, temp_dir: Path) -> None:
        self.projects = projects
        self.media = media
        self.jobs = jobs
        self.temp_dir = temp_dir
        # held while a job starts and its placeholder goes in, and while a job's end is written:
        # a fast job never ends before its placeholder is in the document
        self._lock = threading.RLock()

    # -- the document ---------------------------------------------------------------------------
    def _edit(self, project_id: str, change: Callable[[dict[str, Any]], bool], source: str) -> int | None:
        """Apply `change` to the current document and save it on that revision; a save beaten by
        another writer is redone on the new one. `change` returns False when there is nothing to
        write. The new revision, or None."""
        for _ in range(_EDIT_TRIES):
            doc, revision = self.projects.timeline_at(project_id)
            if not change(doc):
                return None
            try:
                return self.projects.save_timeline_at(project_id, doc, revision, source=source)[1]
            except AppError as exc:
                if exc.code != "stale_timeline":
                    raise
        raise AppError("stale_timeline", "The timeline kept changing while the placeholder was written: try again.")

    @staticmethod
    def _find_clip(doc: dict[str, Any], clip_id: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        if not isinstance(clip_id, str) or not clip_id:
            raise AppError("invalid_clip", "clip_id is required.", field="clip_id")
        for track in doc["tracks"]:
            for clip in track["clips"]:
                if clip.get("id") == clip_id:
                    return track, clip
        raise AppError("invalid_clip", f"There is no clip '{clip_id}' on the timeline.", field="clip_id")

    def _model(self, model_id: Any, *, end: bool) -> dict[str, Any]:
        model = _known_model(model_id)
        if not _takes_frames(model, end=end) and (end or not is_extend_video_model(model)):
            kind = "a first/last-frame model" if end else "an image-to-video model (nor an extend-video one)"
            raise AppError("wrong_model", f"{model['name']} is not {kind}.", field="model_id")
        return model

    def _media_clip(self, project_id: str, clip: dict[str, Any], field: str) -> dict[str, Any]:
        if is_placeholder(clip) or "media_id" not in clip:
            raise AppError("invalid_clip", "That clip has no picture yet: pick a video or image clip.", field=field)
        item = self.media.get(clip["media_id"])
        if item["kind"] not in ("video", "image") or not item.get("video_codec") and item["kind"] == "video":
            raise AppError("invalid_clip", f"'{item['name']}' has no picture to continue from.", field=field)
        return item

    # -- frames ---------------------------------------------------------------------------------
    def frame(self, project_id: str, doc: dict[str, Any], clip: dict[str, Any], which: str) -> dict[str, Any]:
        """The clip's first or last frame as the export draws it (media/still.py), stored in
        the library as image media, so it can be sent to a model as image_url."""
        item = self.media.get(clip["media_id"])
        path, _ = self.media.file_path(clip["media_id"])
        source = Source(path=path, kind=item["kind"], has_audio=bool(item["audio_codec"]),
                        has_video=bool(item["video_codec"]), name=item["name"], size=item["size"])
        work = self.temp_dir / f"frame-{uuid.uuid4().hex}"
        png = work / "frame.png"
        try:
            render_frame(doc, clip, which, source, png, work)
            word = "Last" if which == "last" else "First"
            return self.media.ingest(project_id, png, name=f"{word} frame of {item['name']}",
                                     filename=f"{word}-frame-{int(time.time() * 1000)}.png",
                                     source={"type": "frame", "of": clip["media_id"], "which": which})
        finally:
            for leftover in work.glob("*") if work.exists() else ():
                leftover.unlink(missing_ok=True)
            if work.exists():
                work.rmdir()

    def _prompt_of(self, item: dict[str, Any]) -> str | None:
        source = item.get("source") or {}
        prompt = source.get("prompt") if source.get("type") == "generation" else None
        return prompt if isinstance(prompt, str) and prompt.strip() else None

    # -- Extend ---------------------------------------------------------------------------------
    def extend(self, project_id: str, clip_id: Any, model_id: Any, prompt: Any = None,
               params: Any = None) -> dict[str, Any]:
        """Continue a clip: its last frame (after its transform) goes to an image-to-video model
        with the prompt (the clip's own prompt when none is given), and a placeholder for the
        result goes right after it on its track (later clips on that track move right to make
        room). Answers {job, placeholder, frame_media_id, revision}."""
        model = self._model(model_id, end=False)
        doc, _ = self.projects.timeline_at(project_id)
        track, clip = self._find_clip(doc, clip_id)
        if track["kind"] != "video":
            raise AppError("invalid_clip", "Extend works on clips of a video track.", field="clip_id")
        item = self._media_clip(project_id, clip, "clip_id")
        if prompt is None or prompt == "":
            prompt = self._prompt_of(item)
            if prompt is None:
                raise AppError("invalid_prompt", "Write a prompt: this clip was not generated, so it has none "
                               "to reuse.", field="prompt")
        if is_extend_video_model(model):
            return self._extend_video(project_id, model, track, clip, item, prompt, params)
        frame = self.frame(project_id, doc, clip, "last")
        with self._lock:
            job = self.jobs.start(project_id, [model["id"]], prompt, {model["id"]: params} if params else None,
                                  frame["id"])[0]
            length = registry.duration_of(model, job["params"])
            placeholder = self._placeholder(job, length)
            try:
                revision = self._edit(project_id, lambda d: self._insert_after(d, track["id"], clip_id, placeholder),
                                      "generation")
            except Exception:
                self.jobs.cancel(job["id"])
                raise
        self.job_changed(self.jobs.get(job["id"]))  # a job that ended meanwhile lands now
        return {"job": job, "placeholder": placeholder, "frame_media_id": frame["id"], "revision": revision}

    def _extend_video(self, project_id: str, model: dict[str, Any], track: dict[str, Any], clip: dict[str, Any],
                      item: dict[str, Any], prompt: Any, params: Any) -> dict[str, Any]:
        """Extend with an extend-video model: the clip's own media goes as video_url, continued at
        its end (the placeholder is the continuation only; see `_landed` for a result that also
        holds the source). Answers {job, placeholder, video_media_id, revision}."""
        if item["kind"] != "video":
            raise AppError("invalid_clip", f"{model['name']} continues a video: '{item['name']}' is a still.",
                           field="clip_id")
        if params is not None and not isinstance(params, dict):
            raise AppError("invalid_param", "params must be an object of the model's parameters.", field="params")
        own = dict(params or {})
        if any(p["name"] == "mode" for p in model["params"]):
            own["mode"] = "end"  # after the clip: a lead-in ("start") would not go there
        with self._lock:
            job = self.jobs.start(project_id, [model["id"]], prompt, {model["id"]: own},
                                  media={"video_media_id": item["id"]},
                                  state={"extend_video": {"source_seconds": item.get("duration")}})[0]
            placeholder = self._placeholder(job, registry.duration_of(model, job["params"]))
            try:
                revision = self._edit(project_id, lambda d: self._insert_after(d, track["id"], clip["id"],
                                                                               placeholder), "generation")
            except Exception:
                self.jobs.cancel(job["id"])
                raise
        self.job_changed(self.jobs.get(job["id"]))
        return {"job": job, "placeholder": placeholder, "video_media_id": item["id"], "revision": revision}

    # -- Retake ---------------------------------------------------------------------------------
    def retake(self, project_id: str, clip_id: Any, start: Any, end: Any, model_id: Any, prompt: Any,
               params: Any = None) -> dict[str, Any]:
        """Make [start, end) of a clip (timeline seconds, inside the clip) again with a retake
        model: the clip's media goes as video_url with the range in the source's seconds
        (start_time, duration). The result becomes a new take of the clip's media, and the clip
        switches to it where it is, keeping its trims. Answers {job, clip_id, start_time,
        duration}."""
        model = _known_model(model_id)
        if not is_retake_model(model):
            raise AppError("wrong_model", f"{model['name']} is not a retake model.", field="model_id")
        doc, _ = self.projects.timeline_at(project_id)
        track, clip = self._find_clip(doc, clip_id)
        if track["kind"] != "video":
            raise AppError("invalid_clip", "Retake works on clips of a video track.", field="clip_id")
        item = self._media_clip(project_id, clip, "clip_id")
        if item["kind"] != "video":
            raise AppError("invalid_clip", f"'{item['name']}' is a still: Retake makes part of a video again.",
                           field="clip_id")
        for name, value in (("start", start), ("end", end)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
                raise AppError("invalid_range", f"{name} must be a time in seconds on the timeline.", field=name)
        begin, finish = float(clip["start"]), float(clip["start"]) + clip_length(clip)
        where = f"the clip ({begin:g}–{finish:g} s)"
        if start < begin - TOUCH:
            raise AppError("invalid_range", f"The range starts at {start:g} s, before {where}.", field="start")
        if start >= finish - TOUCH:
            raise AppError("invalid_range", f"The range starts at {start:g} s, at or after the clip's end "
                           f"({finish:g} s).", field="start")
        if end > finish + TOUCH:
            raise AppError("invalid_range", f"The range ends at {end:g} s, after {where}.", field="end")
        if not end > start:
            raise AppError("invalid_range", f"The range must end after it starts ({start:g} s); it ends at "
                           f"{end:g} s.", field="end")
        speed = float(clip.get("speed", 1) or 1)
        start_time = round(float(clip["in"]) + (max(start, begin) - begin) * speed, 6)
        duration = round((min(end, finish) - max(start, begin)) * speed, 6)
        _within_model(model, start_time, duration)
        if params is not None and not isinstance(params, dict):
            raise AppError("invalid_param", "params must be an object of the model's parameters.", field="params")
        lookup = getattr(self.jobs.provider(model["provider"]), "key_lookup", None)
        if lookup is not None and not lookup():
            raise AppError("no_api_key", f"{model['name']} runs on fal.ai: add your fal.ai API key in Settings (or "
                           "set FAL_KEY), or retake with the offline preview model.")
        own = {**(params or {}), "start_time": start_time, "duration": duration}
        # the switch is kept on the job's row (`place`), so it is made when the job is done, now
        # or at the next start if the app stopped first, and once (see _place)
        job = self.jobs.start(project_id, [model["id"]], prompt, {model["id"]: own},
                              media={"video_media_id": item["id"]},
                              place={"retake_clip": clip["id"], "media_id": item["id"]})[0]
        self.job_changed(self.jobs.get(job["id"]))
        return {"job": job, "clip_id": clip["id"], "start_time": start_time, "duration": duration}

    def _join_takes(self, job: dict[str, Any], place: dict[str, Any]) -> None:
        """A retake's result joins its source's takes, whether or not the clip switches to it (a
        second call, after a stop between this and the switch, changes nothing)."""
        try:
            new, source = self.media.get(job["media_id"]), self.media.get(place["media_id"])
        except NotFound:
            return  # the result or its source went: _put says which
        if not new.get("group_id") or new["group_id"] != source.get("group_id"):
            self.media.join_takes(new["id"], source["id"])

    @staticmethod
    def _placeholder(job: dict[str, Any], length: float) -> dict[str, Any]:
        return {"id": f"clip-{uuid.uuid4().hex[:12]}", "start": 0.0, "duration": round(length, 6),
                "placeholder": {"job_id": job["id"], "model_id": job["model_id"], "status": "running"}}

    @staticmethod
    def _insert_after(doc: dict[str, Any], track_id: str, clip_id: str, placeholder: dict[str, Any]) -> bool:
        track = next((t for t in doc["tracks"] if t["id"] == track_id), None)
        clip = next((c for c in track["clips"] if c.get("id") == clip_id), None) if track else None
        if clip is None:
            raise AppError("invalid_clip", "The clip was removed from the timeline meanwhile.", field="clip_id")
        end = float(clip["start"]) + clip_length(clip)
        placeholder["start"] = round(end, 6)
        room = placeholder["duration"]
        later = [c for c in track["clips"] if c is not clip and float(c["start"]) >= end - TOUCH - (
            c.get("transition_in", {}).get("duration", 0) if isinstance(c.get("transition_in"), dict) else 0)]
        if later:
            first = min(float(c["start"]) for c in later)
            shift = max(0.0, end + room - first)
            for c in later:
                # what came in over this clip now comes after the new one: it starts with a cut
                if abs(float(c["start"]) - first) < TOUCH:
                    c.pop("transition_in", None)
                c["start"] = round(float(c["start"]) + shift, 6)
        track["clips"].append(placeholder)
        return True

    # -- Fill -----------------------------------------------------------------------------------
    def fill(self, project_id: str, track_id: Any, at: Any, model_id: Any, prompt: Any = None,
             params: Any = None) -> dict[str, Any]:
        """Fill the gap at `at` on a track: the left clip's last frame and the right clip's first
        frame go to a first/last-frame model, for the gap's length snapped to the nearest the
        model offers. Answers {job, placeholder, gap: {start, end}, duration, snapped_from?,
        snapped_to?, revision}."""
        model = self._model(model_id, end=True)
        if isinstance(at, bool) or not isinstance(at, (int, float)) or not at >= 0:
            raise AppError("invalid_gap", "at must be a time in seconds, inside a gap.", field="at")
        doc, _ = self.projects.timeline_at(project_id)
        track = next((t for t in doc["tracks"] if t["id"] == track_id), None) if isinstance(track_id, str) else None
        if track is None:
            raise AppError("invalid_gap", f"There is no track '{track_id}' on the timeline.", field="track_id")
        if track["kind"] != "video":
            raise AppError("invalid_gap", "Fill works on video tracks.", field="track_id")
        spans = [(float(c["start"]), float(c["start"]) + clip_length(c), c) for c in track["clips"]]
        if any(s + TOUCH < at < e - TOUCH for s, e, _ in spans):
            raise AppError("invalid_gap", f"{at:g} s is inside a clip, not in a gap.", field="at")
        left = max((sp for sp in spans if sp[1] <= at + TOUCH), key=lambda sp: sp[1], default=None)
        right = min((sp for sp in spans if sp[0] >= at - TOUCH), key=lambda sp: sp[0], default=None)
        if left is None or right is None or right[0] - left[1] <= TOUCH:
            raise AppError("invalid_gap", "Fill needs a gap with a clip on each side of it.", field="at")
        left_item = self._media_clip(project_id, left[2], "at")
        self._media_clip(project_id, right[2], "at")
        gap = right[0] - left[1]
        value, length = snap_duration(model, gap)
        own = dict(params) if isinstance(params, dict) else {}
        if params is not None and not isinstance(params, dict):
            raise AppError("invalid_param", "params must be an object of the model's parameters.", field="params")
        if value is not None:
            own["duration"] = value
        if prompt is None or prompt == "":
            prompt = self._prompt_of(left_item) or FILL_PROMPT
        first = self.frame(project_id, doc, left[2], "last")
        last = self.frame(project_id, doc, right[2], "first")
        with self._lock:
            job = self.jobs.start(project_id, [model["id"]], prompt, {model["id"]: own}, first["id"],
                                  media={"end_image_media_id": last["id"]})[0]
            placeholder = self._placeholder(job, min(length, gap))
            placeholder["start"] = round(left[1], 6)
            left_id, right_id = left[2]["id"], right[2]["id"]
            try:
                revision = self._edit(project_id, lambda d: self._insert_in_gap(d, track_id, left_id, right_id,
                                                                                placeholder), "generation")
            except Exception:
                self.jobs.cancel(job["id"])
                raise
        self.job_changed(self.jobs.get(job["id"]))
        answer = {"job": job, "placeholder": placeholder, "gap": {"start": left[1], "end": right[0]},
                  "duration": length, "frame_media_ids": [first["id"], last["id"]], "revision": revision}
        if abs(length - gap) > 1e-3:
            answer.update(snapped_from=round(gap, 6), snapped_to=length)
        return answer

    @staticmethod
    def _insert_in_gap(doc: dict[str, Any], track_id: str, left_id: str, right_id: str,
                       placeholder: dict[str, Any]) -> bool:
        track = next((t for t in doc["tracks"] if t["id"] == track_id), None)
        ids = {c.get("id"): c for c in track["clips"]} if track else {}
        left, right = ids.get(left_id), ids.get(right_id)
        if left is None or right is None or abs(float(left["start"]) + clip_length(left) - placeholder["start"]) > \
                TOUCH or float(right["start"]) < placeholder["start"] + placeholder["duration"] - TOUCH:
            raise AppError("invalid_gap", "The gap changed meanwhile: choose it again.", field="at")
        track["clips"].append(placeholder)
        return True

    # -- Generate here --------------------------------------------------------------------------
    def generate_here(self, project_id: str, track_id: Any, at: Any, model_id: Any, prompt: Any,
                      params: Any = None) -> dict[str, Any]:
        """A text-to-video clip made in place: a placeholder at `at` on an empty spot of a video
        track, as long as the model's clip. A clip that would run into the next one is refused
        with the room there is, rather than shortened: the user picks a shorter length (or moves
        the playhead) knowing what they get. Answers {job, placeholder, room, revision}."""
        model = _known_model(model_id)
        if model.get("mode") != "text" or registry.output_of(model) != "video":
            # voice and image models take a text prompt too, but make no clip for a video track
            raise AppError("wrong_model", f"{model['name']} is not a text-to-video model.", field="model_id")
        if isinstance(at, bool) or not isinstance(at, (int, float)) or not at >= 0:
            raise AppError("invalid_spot", "at must be a time in seconds, on an empty spot.", field="at")
        if params is not None and not isinstance(params, dict):
            raise AppError("invalid_param", "params must be an object of the model's parameters.", field="params")
        length = registry.duration_of(model, registry.validate_params(model, params))
        doc, _ = self.projects.timeline_at(project_id)
        track = next((t for t in doc["tracks"] if t["id"] == track_id), None) if isinstance(track_id, str) else None
        if track is None:
            raise AppError("invalid_spot", f"There is no track '{track_id}' on the timeline.", field="track_id")
        if track["kind"] != "video":
            raise AppError("invalid_spot", "Generate here works on video tracks.", field="track_id")
        room = self._room_at(track, float(at))
        if room is not None and room < length - TOUCH:
            raise AppError("no_room", f"The clip is {length:g} s but there is only {room:.2f} s before the next "
                           "clip: choose a shorter length or move the playhead.", field="at")
        with self._lock:
            job = self.jobs.start(project_id, [model["id"]], prompt, {model["id"]: params} if params else None)[0]
            placeholder = self._placeholder(job, registry.duration_of(model, job["params"]))
            placeholder["start"] = round(float(at), 6)
            try:
                revision = self._edit(project_id, lambda d: self._insert_at(d, track_id, placeholder), "generation")
            except Exception:
                self.jobs.cancel(job["id"])
                raise
        self.job_changed(self.jobs.get(job["id"]))
        return {"job": job, "placeholder": placeholder, "room": room, "revision": revision}

    @staticmethod
    def _room_at(track: dict[str, Any], at: float) -> float | None:
        """Seconds free from `at` to the next clip on the track (None: nothing after it); refuses a
        time inside a clip."""
        spans = [(float(c["start"]), float(c["start"]) + clip_length(c)) for c in track["clips"]]
        if any(s - TOUCH < at < e - TOUCH for s, e in spans):
            raise AppError("invalid_spot", f"{at:g} s is inside a clip: put the playhead on an empty spot.",
                           field="at")
        after = [s for s, _ in spans if s >= at - TOUCH]
        return round(min(after) - at, 6) if after else None

    @classmethod
    def _insert_at(cls, doc: dict[str, Any], track_id: str, placeholder: dict[str, Any]) -> bool:
        track = next((t for t in doc["tracks"] if t["id"] == track_id), None)
        if track is None:
            raise AppError("invalid_spot", "The track was removed meanwhile.", field="track_id")
        room = cls._room_at(track, placeholder["start"])
        if room is not None and room < placeholder["duration"] - TOUCH:
            raise AppError("no_room", f"The spot changed meanwhile: only {room:.2f} s is free now.", field="at")
        track["clips"].append(placeholder)
        return True

    # -- Voice-over, Add sound, Upscale (and Retake's switch) ------------------------------------
    # These land when their job is done, not as placeholders (a placeholder is a picture card on a
    # video track): the job's row keeps `place` (JobManager.start), and job_changed (or, after a
    # stop, reconcile at the next start) writes the result through the same _edit path, once. A
    # change that no longer fits the timeline is skipped, and the job's message says why.
    def _model_of(self, model_id: Any, output: str, mode: str, what: str, task: str | None = None) -> dict[str, Any]:
        model = _known_model(model_id)
        if registry.output_of(model) != output or model["mode"] != mode or model.get("task") != task:
            raise AppError("wrong_model", f"{model['name']} is not {what}.", field="model_id")
        return model

    def _video_clip(self, project_id: str, clip_id: Any, verb: str) -> tuple[dict[str, Any], dict[str, Any]]:
        doc, _ = self.projects.timeline_at(project_id)
        track, clip = self._find_clip(doc, clip_id)
        if track["kind"] != "video" or is_placeholder(clip) or "media_id" not in clip:
            raise AppError("invalid_clip", f"{verb} works on video clips of a video track.", field="clip_id")
        item = self.media.get(clip["media_id"])
        if item["kind"] != "video" or not item.get("video_codec"):
            raise AppError("invalid_clip", f"'{item['name']}' is not a video: {verb} works on video clips.",
                           field="clip_id")
        return clip, item

    def voice_over(self, project_id: str, text: Any, model_id: Any, at: Any = None,
                   params: Any = None) -> dict[str, Any]:
        """The text spoken by a text-to-speech model; when it is done, the sound lands at `at`
        (the playhead when not given) on the first audio track free there (a new one if none
        is). Answers {job, place}."""
        model = self._model_of(model_id, "audio", "text", "a voice (text to speech)")
        doc, _ = self.projects.timeline_at(project_id)
        if at is None:
            at = float(doc.get("playhead") or 0.0)
        if isinstance(at, bool) or not isinstance(at, (int, float)) or not 0 <= at < 86400:
            raise AppError("invalid_place", "at must be a time in seconds on the timeline.", field="at")
        if not isinstance(text, str) or not text.strip():
            raise AppError("invalid_prompt", "Write the text to speak first.", field="text")
        place = {"track_kind": "audio", "at": round(float(at), 6)}
        try:
            job = self.jobs.start(project_id, [model["id"]], text, {model["id"]: params} if params else None,
                                  place=place)[0]
        except AppError as e:
            if e.field == "prompt":  # the job's prompt is this request's `text`: name the field sent
                e.field = "text"
            raise
        self.job_changed(self.jobs.get(job["id"]))
        return {"job": job, "place": place}

    def add_sound(self, project_id: str, clip_id: Any, model_id: Any, prompt: Any = None,
                  params: Any = None) -> dict[str, Any]:
        """Sound for a silent video clip from a video-to-audio model; when it is done, an audio
        clip of it lands under the video clip: same start, same in and out points, same speed, so
        the same length. Answers {job, place}."""
        model = self._model_of(model_id, "audio", "video", "a video-to-audio model")
        clip, item = self._video_clip(project_id, clip_id, "Add sound")
        if item.get("audio_codec"):
            raise AppError("invalid_clip", f"'{item['name']}' has sound already: Add sound is for silent clips.",
                           field="clip_id")
        if prompt is None or prompt == "":
            prompt = self._prompt_of(item) or "The natural sound of this scene."
        own = dict(params) if isinstance(params, dict) else {}
        if params is not None and not isinstance(params, dict):
            raise AppError("invalid_param", "params must be an object of the model's parameters.", field="params")
        spec = next((p for p in model["params"] if p["name"] == "duration"), None)
        if spec is not None and "duration" not in own and item.get("duration"):
            # the whole source gets sound, so any trim of the clip can be moved later
            own["duration"] = min(float(spec.get("max", item["duration"])), round(float(item["duration"]), 3))
        place = {"under_clip": clip["id"]}
        job = self.jobs.start(project_id, [model["id"]], prompt, {model["id"]: own} if own else None,
                              media={"video_media_id": item["id"]}, place=place)[0]
        self.job_changed(self.jobs.get(job["id"]))
        return {"job": job, "place": place}

    def upscale(self, project_id: str, clip_id: Any, model_id: Any, params: Any = None) -> dict[str, Any]:
        """A video upscaler on the clip's media; when it is done, the clip plays the upscaled media
        (its trims, in seconds, and every property kept) and the original stays in the library.
        Answers {job, place}."""
        model = self._model_of(model_id, "video", "video", "a video upscaler", "upscale")
        clip, item = self._video_clip(project_id, clip_id, "Upscale")
        place = {"replace_clip": clip["id"], "media_id": item["id"]}
        job = self.jobs.start(project_id, [model["id"]], f"Upscale: {item['name']}",
                              {model["id"]: params} if params else None, media={"video_media_id": item["id"]},
                              place=place)[0]
        self.job_changed(self.jobs.get(job["id"]))
        return {"job": job, "place": place}

    @staticmethod
    def _free_audio_track(doc: dict[str, Any], start: float, end: float) -> dict[str, Any]:
        """The first audio track with nothing over [start, end), or a new one below the others."""
        for track in doc["tracks"]:
            if track["kind"] == "audio" and not any(
                    float(c["start"]) < end - TOUCH and float(c["start"]) + clip_length(c) > start + TOUCH
                    for c in track["clips"]):
                return track
        n = sum(1 for t in doc["tracks"] if t["kind"] == "audio") + 1
        track = {"id": f"a{n}-{uuid.uuid4().hex[:8]}", "name": f"A{n}", "kind": "audio", "muted": False,
                 "hidden": False, "clips": []}
        doc["tracks"].append(track)
        return track

    def _put(self, doc: dict[str, Any], job: dict[str, Any], place: dict[str, Any]) -> bool:
        """Make the job's change to `doc`: False when it is there already (the app stopped between
        the write and noting it); _Skipped when it must not be made any more."""
        try:
            item = self.media.get(job["media_id"])
        except NotFound:
            raise _Skipped("the result was deleted from the library.") from None
        length = float(item.get("duration") or 0)
        switch = place.get("retake_clip") or place.get("replace_clip")
        if switch:
            clip = next((c for t in doc["tracks"] for c in t["clips"] if c.get("id") == switch), None)
            if clip is not None and clip.get("media_id") == item["id"]:
                return False
            if clip is None:
                raise _Skipped("its clip was deleted from the timeline before the result was ready.")
            if clip.get("media_id") != place.get("media_id"):
                # the user chose other media for it since (another take): never undone behind them
                raise _Skipped("its clip plays other media now (it was switched since), so it was left as it is.")
            if "retake_clip" in place:
                if length and float(clip["out"]) > length + 1e-3:
                    raise _Skipped("the new take is shorter than the clip's out point, so the clip was left as "
                                   "it is.")
            elif length and float(clip.get("out", 0)) > length:  # never past the new media's end
                clip["out"] = round(length, 6)
            clip["media_id"] = item["id"]
            return True
        if any(c.get("media_id") == item["id"] for t in doc["tracks"] for c in t["clips"]):
            return False
        if "under_clip" in place:
            clip = next((c for t in doc["tracks"] if t["kind"] == "video" for c in t["clips"]
                         if c.get("id") == place["under_clip"]), None)
            if clip is None or "media_id" not in clip:
                raise _Skipped("its clip was deleted from the timeline before the result was ready.")
            new = {"id": f"clip-{uuid.uuid4().hex[:12]}", "media_id": item["id"], "start": clip["start"],
                   "in": clip["in"], "out": round(min(float(clip["out"]), length or float(clip["out"])), 6)}
            if "speed" in clip:
                new["speed"] = clip["speed"]
            start, end = float(clip["start"]), float(clip["start"]) + clip_length(new)
        else:
            start = float(place["at"])
            new = {"id": f"clip-{uuid.uuid4().hex[:12]}", "media_id": item["id"], "start": round(start, 6),
                   "in": 0.0, "out": round(length, 6)}
            end = start + length
        self._free_audio_track(doc, start, end)["clips"].append(new)
        return True

    def _place(self, job: dict[str, Any]) -> None:
        if job.get("status") != "done" or not job.get("media_id"):
            return
        place, placed = self.jobs.placement(job["id"])
        if place is None or placed:
            return
        skipped = None
        try:
            if "retake_clip" in place:
                self._join_takes(job, place)
            self._edit(job["project_id"], lambda d: self._put(d, job, place), "generation")
        except _Skipped as why:
            skipped = str(why)
        except NotFound:
            pass  # the project went, and its jobs with it
        self.jobs.mark_placed(job["id"], skipped)

    # -- a job's end ----------------------------------------------------------------------------
    def job_changed(self, job: dict[str, Any]) -> None:
        """A JobManager listener: bring the placeholders of this job in line with it, and make a
        finished voice-over's, sound's, upscale's or retake's change to the timeline."""
        with self._lock:
            try:
                self._edit(job["project_id"], lambda d: self._apply(d, job), "generation")
                self._place(job)
            except NotFound:
                pass  # the project went

    def _apply(self, doc: dict[str, Any], job: dict[str, Any]) -> bool:
        changed = False
        for track in doc["tracks"]:
            for i, clip in enumerate(track["clips"]):
                ph = clip.get("placeholder") if isinstance(clip, dict) else None
                if not isinstance(ph, dict) or ph.get("job_id") != job["id"]:
                    continue
                new = self._landed(clip, job)
                if new is not None and new != clip:
                    track["clips"][i] = new
                    changed = True
        return changed

    def _landed(self, clip: dict[str, Any], job: dict[str, Any] | None) -> dict[str, Any] | None:
        """What the placeholder becomes for the job as it is now (None: leave it)."""
        ph = dict(clip["placeholder"])
        status = job["status"] if job else "gone"
        if status == "done" and job and job["media_id"]:
            try:
                item = self.media.get(job["media_id"])
            except NotFound:
                ph.update(status="failed", reason="The generated clip was removed from the library.")
                return {**clip, "placeholder": ph}
            length = float(clip["duration"])
            start_in = 0.0
            if item.get("duration"):
                total = float(item["duration"])
                # an extend-video result may hold the source before the continuation (fal does
                # not say): the placeholder plays what comes after it
                source = (self._saved(job).get("extend_video") or {}).get("source_seconds")
                if source and total >= float(source) + length - 0.25:
                    start_in = max(0.0, total - length)
                length = min(length, total - start_in)
            return {"id": clip["id"], "media_id": item["id"], "start": clip["start"], "in": round(start_in, 6),
                    "out": round(start_in + length, 6)}
        if status in ACTIVE:
            ph["status"] = "running"
            ph.pop("reason", None)
        elif status in ("failed", "cancelled"):
            ph["status"] = status
            reason = (job or {}).get("message") or ("Cancelled" if status == "cancelled" else "Generation failed")
            ph["reason"] = str(reason)[:1000]
        elif status == "gone":
            ph.update(status="failed", reason="The generation job is no longer there.")
        else:
            return None
        return {**clip, "placeholder": ph}

    def _saved(self, job: dict[str, Any]) -> dict[str, Any]:
        try:
            return self.jobs.saved_state(job["id"])
        except NotFound:
            return {}

    def reconcile(self) -> None:
        """Start-up: a job that ended while the app was down (or between its end and the write)
        lands now; the running ones are resumed by the job manager and land as they end."""
        for job in self.jobs.placed_pending():
            try:
                with self._lock:
                    self._place(job)
            except AppError as exc:
                log.warning("the result of job %s could not be placed: %s", job["id"], exc.message)
        for project in self.projects.list():
            try:
                doc, _ = self.projects.timeline_at(project["id"])
            except NotFound:
                continue
            ids = {c["placeholder"].get("job_id") for t in doc.get("tracks", []) for c in t.get("clips", [])
                   if is_placeholder(c) and isinstance(c["placeholder"], dict)}
            for job_id in ids:
                try:
                    job = self.jobs.get(job_id)
                except NotFound:
                    job = {"id": job_id, "project_id": project["id"], "status": "gone", "media_id": None}
                try:
                    with self._lock:
                        self._edit(project["id"], lambda d, j=job: self._apply(d, j), "generation")
                except AppError as exc:
                    log.warning("placeholders of job %s could not be brought up to date: %s", job_id, exc.message)


def _known_model(model_id: Any) -> dict[str, Any]:
    """The registry's model named by a request's model_id, refused by name when there is none."""
    if not isinstance(model_id, str) or not model_id:
        raise AppError("wrong_model", "model_id is required.", field="model_id")
    try:
        return registry.get_model(model_id)
    except AppError:
        raise AppError("wrong_model", f"Unknown model '{model_id}'.", field="model_id") from None
