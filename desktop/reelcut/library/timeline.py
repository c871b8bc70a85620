"""The timeline document: its default and its validation. Clips reference media by id only;
a URL is resolved at playback time (the lesson of the field report)."""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass
from typing import Any

from ..errors import AppError

VERSION = 1
TRACK_KINDS = ("video", "audio", "text")


def default_timeline() -> dict[str, Any]:
    return {
        "version": VERSION, "fps": 25, "width": 1280, "height": 720, "playhead": 0.0, "zoom": 50.0,
        "tracks": [
            {"id": f"v{n}-{uuid.uuid4().hex[:8]}", "name": f"V{n}", "kind": "video", "muted": False,
             "hidden": False, "clips": []}
            for n in (1, 2)
        ] + [{"id": f"a1-{uuid.uuid4().hex[:8]}", "name": "A1", "kind": "audio", "muted": False,
              "hidden": False, "clips": []}],
    }


@dataclass(frozen=True)
class Limit:
    low: float
    high: float
    unit: str = ""
    whole: bool = False
    even: bool = False


HOURS = 3600.0
# What a timeline may hold. The export renders the whole timeline as one ffmpeg graph, so a
# document past these bounds is refused when it is saved, with the field that is out of
# bounds, rather than stored and then failing (or rendering for days) at export.
LIMITS: dict[str, Limit] = {
    # libx264 with yuv420p needs even sides (odd ones end in "received no packets")
    "width": Limit(16, 7680, "pixels", whole=True, even=True),
    "height": Limit(16, 7680, "pixels", whole=True, even=True),
    "fps": Limit(1, 120, "frames a second"),
    # every time in the document (start, in, out, the end of each clip, the playhead)
    "seconds": Limit(0, 4 * HOURS, "seconds"),
    "duration": Limit(0.001, 4 * HOURS, "seconds"),  # a text clip's
    "zoom": Limit(0.01, 10000, "pixels a second"),
    "tracks": Limit(0, 100, "tracks", whole=True),
    # in all tracks together: each clip is a filter in the graph, run for every frame
    "clips": Limit(0, 2000, "clips", whole=True),
    # each media clip is one more ffmpeg input, open and decoding for the whole render
    # (300 tiny clips took 880 MB)
    "media_clips": Limit(0, 200, "video, image and audio clips", whole=True),
    "text": Limit(0, 1000, "characters", whole=True),
    "size": Limit(8, 1000, "pixels", whole=True),  # a text clip's font size
    "x": Limit(0, 1, "of the width"),  # where a text clip's centre is
    "y": Limit(0, 1, "of the height"),
}
_COLOR = re.compile(r"^#?[0-9a-fA-F]{6}$")


def _invalid(path: str, why: str) -> AppError:
    return AppError("invalid_timeline", f"Timeline {path} {why}.", field=path)


def _field(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _bounds(limit: Limit) -> str:
    kind = "an even whole number" if limit.even else "a whole number" if limit.whole else "a number"
    unit = f" {limit.unit}" if limit.unit else ""
    return f"must be {kind} from {limit.low:g} to {limit.high:g}{unit}"


def _number(obj: dict[str, Any], key: str, path: str, limit: str | None = None, *, required: bool = True) -> None:
    field = _field(path, key)
    if key not in obj:
        if required:
            raise _invalid(field, "is missing")
        return
    lim = LIMITS[limit or key]
    v = obj[key]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise _invalid(field, _bounds(lim))
    if not lim.low <= v <= lim.high or (lim.whole and v != int(v)) or (lim.even and int(v) % 2):
        raise _invalid(field, _bounds(lim))


def _count(items: list[Any], limit: str, field: str) -> None:
    lim = LIMITS[limit]
    if len(items) > lim.high:
        raise _invalid(field, f"can hold at most {lim.high:g} {lim.unit}")


def _string(obj: dict[str, Any], key: str, path: str, max_len: int = 200) -> None:
    v = obj.get(key)
    if not isinstance(v, str) or not v or len(v) > max_len:
        raise _invalid(_field(path, key), f"must be text of 1 to {max_len} characters")


def _switch(obj: dict[str, Any], key: str, path: str) -> None:
    if key in obj and not isinstance(obj[key], bool):
        raise _invalid(_field(path, key), "must be true or false")


def _text_clip(clip: dict[str, Any], cp: str) -> float:
    _number(clip, "duration", cp)
    text = clip.get("text")
    if not isinstance(text, str) or len(text) > LIMITS["text"].high:
        raise _invalid(f"{cp}.text", f"must be text of at most {LIMITS['text'].high:g} characters")
    for key in ("size", "x", "y"):
        _number(clip, key, cp, required=False)
    color = clip.get("color", "#ffffff")
    if not isinstance(color, str) or not _COLOR.match(color):
        raise _invalid(f"{cp}.color", "must be a colour written like #ffcc00")
    return clip["start"] + clip["duration"]


def _media_clip(clip: dict[str, Any], cp: str, media_ids: set[str]) -> float:
    _string(clip, "media_id", cp)
    if clip["media_id"] not in media_ids:
        raise _invalid(f"{cp}.media_id", "refers to media that is not in this project")
    _number(clip, "in", cp, "seconds")
    _number(clip, "out", cp, "seconds")
    if clip["out"] <= clip["in"]:
        raise _invalid(f"{cp}.out", "must be after in")
    for key in ("url", "src"):
        if key in clip:
            raise _invalid(f"{cp}.{key}", "is not allowed: clips refer to media by id only")
    return clip["start"] + clip["out"] - clip["in"]


def validate_timeline(doc: Any, media_ids: set[str]) -> dict[str, Any]:
    """Return the document if it is well formed, within LIMITS, and every clip points at media
    of this project; otherwise raise a 422 naming the first field that is not."""
    if not isinstance(doc, dict):
        raise AppError("invalid_timeline", "The timeline must be an object.", field="timeline")
    if doc.get("version") != VERSION:
        raise _invalid("version", f"must be {VERSION}")
    for key in ("fps", "width", "height"):
        _number(doc, key, "")
    _number(doc, "playhead", "", "seconds", required=False)
    _number(doc, "zoom", "", required=False)
    tracks = doc.get("tracks")
    if not isinstance(tracks, list):
        raise _invalid("tracks", "must be a list")
    _count(tracks, "tracks", "tracks")
    seen: set[str] = set()
    clips_seen = media_clips = 0
    seconds = LIMITS["seconds"]
    for ti, track in enumerate(tracks):
        tp = f"tracks[{ti}]"
        if not isinstance(track, dict):
            raise _invalid(tp, "must be an object")
        _string(track, "id", tp)
        if track["id"] in seen:
            raise _invalid(f"{tp}.id", "is used twice")
        seen.add(track["id"])
        if track.get("kind") not in TRACK_KINDS:
            raise _invalid(f"{tp}.kind", f"must be one of {', '.join(TRACK_KINDS)}")
        for key in ("muted", "hidden"):
            _switch(track, key, tp)
        clips = track.get("clips")
        if not isinstance(clips, list):
            raise _invalid(f"{tp}.clips", "must be a list")
        clips_seen += len(clips)
        if clips_seen > LIMITS["clips"].high:
            raise _invalid(f"{tp}.clips", f"brings the timeline past {LIMITS['clips'].high:g} clips")
        if track["kind"] != "text":
            media_clips += len(clips)
            if media_clips > LIMITS["media_clips"].high:
                raise _invalid(f"{tp}.clips", f"brings the timeline past {LIMITS['media_clips'].high:g} "
                               f"{LIMITS['media_clips'].unit}")
        for ci, clip in enumerate(clips):
            cp = f"{tp}.clips[{ci}]"
            if not isinstance(clip, dict):
                raise _invalid(cp, "must be an object")
            _string(clip, "id", cp)
            _number(clip, "start", cp, "seconds")
            end = _text_clip(clip, cp) if track["kind"] == "text" else _media_clip(clip, cp, media_ids)
            if end > seconds.high:
                raise _invalid(cp, f"must end by {seconds.high:g} seconds (it ends at {end:g})")
    return doc
