"""The timeline document: its default and its validation. Clips reference media by id only;
a URL is resolved at playback time (the lesson of the field report)."""

from __future__ import annotations

import math
import uuid
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


def _invalid(path: str, why: str) -> AppError:
    return AppError("invalid_timeline", f"Timeline {path} {why}.", status=400, field=path)


def _number(obj: dict[str, Any], key: str, path: str, *, minimum: float = 0.0, required: bool = True) -> None:
    if key not in obj:
        if required:
            raise _invalid(f"{path}.{key}", "is missing")
        return
    v = obj[key]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise _invalid(f"{path}.{key}", "must be a number")
    if v < minimum:
        raise _invalid(f"{path}.{key}", f"must be at least {minimum:g}")


def _string(obj: dict[str, Any], key: str, path: str, max_len: int = 200) -> None:
    v = obj.get(key)
    if not isinstance(v, str) or not v or len(v) > max_len:
        raise _invalid(f"{path}.{key}", f"must be text of 1 to {max_len} characters")


def validate_timeline(doc: Any, media_ids: set[str]) -> dict[str, Any]:
    """Return the document if it is well formed and every clip points at media of this project."""
    if not isinstance(doc, dict):
        raise _invalid("", "must be an object")
    if doc.get("version") != VERSION:
        raise _invalid("version", f"must be {VERSION}")
    for key in ("fps", "width", "height"):
        _number(doc, key, "", minimum=1)
    _number(doc, "playhead", "", required=False)
    _number(doc, "zoom", "", minimum=0.01, required=False)
    tracks = doc.get("tracks")
    if not isinstance(tracks, list) or len(tracks) > 100:
        raise _invalid("tracks", "must be a list of at most 100 tracks")
    seen: set[str] = set()
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
        clips = track.get("clips")
        if not isinstance(clips, list) or len(clips) > 10000:
            raise _invalid(f"{tp}.clips", "must be a list")
        for ci, clip in enumerate(clips):
            cp = f"{tp}.clips[{ci}]"
            if not isinstance(clip, dict):
                raise _invalid(cp, "must be an object")
            _string(clip, "id", cp)
            _number(clip, "start", cp)
            if track["kind"] == "text":
                _number(clip, "duration", cp, minimum=0.001)
                if not isinstance(clip.get("text"), str):
                    raise _invalid(f"{cp}.text", "must be text")
                continue
            _string(clip, "media_id", cp)
            if clip["media_id"] not in media_ids:
                raise _invalid(f"{cp}.media_id", "refers to media that is not in this project")
            _number(clip, "in", cp)
            _number(clip, "out", cp)
            if clip["out"] <= clip["in"]:
                raise _invalid(f"{cp}.out", "must be after in")
            for key in ("url", "src"):
                if key in clip:
                    raise _invalid(f"{cp}.{key}", "is not allowed: clips refer to media by id only")
    return doc
