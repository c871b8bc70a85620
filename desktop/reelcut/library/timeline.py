"""The timeline document, version 2: its default, its validation, and the migration from
version 1. Clips reference media by id only; a URL is resolved at playback time (the lesson of
the field report).

The field names are the contract of issue 14 (docs/API.md): the page, the export, agents and
interchange formats read and write them. What a property's value is at a time is not here but
in media/animation.py (and the page's web/js/timeline/values.js).

Version 1 documents are still accepted, on read and on save, and upgraded by `migrate`: the
page never writes `version`, it sends back what it loaded, so a window opened before an upgrade
keeps saving v1 documents until it reloads."""

from __future__ import annotations

import copy
import json
import math
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import AppError
from ..media.animation import EASINGS, FITS, PROPERTIES, TEXT_PROPERTIES, TRANSITIONS, clip_length

# FITS and TRANSITIONS live with the values (media/, where the export can reach them) and are
# part of this module's surface too
__all__ = ["FITS", "LIMITS", "TRANSITIONS", "VERSION", "default_timeline", "migrate", "validate_timeline",
           "is_offline", "offline_names", "refuse_offline", "without_clips", "without_placeholders"]

VERSION = 2
TRACK_KINDS = ("video", "audio", "text", "captions")
# Fields of a media clip that mean nothing on a text clip: refused there rather than kept and
# silently ignored by the preview and the export.
MEDIA_ONLY = ("speed", "volume", "transform", "crop", "fit", "transition_in", "audio_detached")
TRANSFORM_KEYS = ("x", "y", "scale", "rotation")
CROP_KEYS = ("left", "top", "right", "bottom")
KEYFRAME_KEYS = ("time", "value", "easing")
# A title's style (issue 15): every field optional, and a title without one looks as before.
# The nested objects are closed and each of their fields is required, so the preview and the
# export never disagree on a default hidden inside one.
TEXT_STYLE = ("font", "bold", "italic", "outline", "shadow", "box", "align", "line_spacing")
OUTLINE_KEYS = ("color", "width")
SHADOW_KEYS = ("color", "x", "y", "opacity")
BOX_KEYS = ("color", "opacity", "padding")
ALIGNS = ("left", "center", "right")
TRANSITION_KEYS = ("type", "duration")
# How far two clips on a track may overlap and still count as touching, and how far a
# transition's overlap may be from its duration: the page computes edges in floating point, so
# one clip's end and the next one's start can differ by a rounding error (0.3 + 0.1 != 0.4).
# A microsecond is far below a frame at the highest frame rate (1/120 s).
TOUCH = 1e-6


def _new_track(name: str, kind: str) -> dict[str, Any]:
    return {"id": f"{name.lower()}-{uuid.uuid4().hex[:8]}", "name": name, "kind": kind, "muted": False,
            "hidden": False, "clips": []}


def default_timeline() -> dict[str, Any]:
    # The first track is the top of the stack, and the higher track is on top in every editor:
    # V2 is listed above V1, video above audio.
    # a new project is Full HD at 30 fps, as the editors people know start (the canvas control changes it)
    return {"version": VERSION, "fps": 30, "width": 1920, "height": 1080, "playhead": 0.0, "zoom": 50.0,
            "tracks": [_new_track("V2", "video"), _new_track("V1", "video"), _new_track("A1", "audio")],
            "markers": []}


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
    "scale": Limit(0.1, 10, "times the size"),  # a text clip's: a multiplier of its font size
    # -- version 2 --
    # ffmpeg's atempo keeps the pitch from 0.5 to 2 per stage; past 4 the export would decode
    # four times the media for every second it writes
    "speed": Limit(0.25, 4, "times the media's speed"),
    "volume": Limit(0, 2, "(a linear gain)"),  # a clip's and a track's
    "opacity": Limit(0, 1),
    # a centre off the canvas lets a clip slide in from outside it; further out is never seen
    "transform.x": Limit(-2, 3, "of the canvas width"),
    "transform.y": Limit(-2, 3, "of the canvas height"),
    "transform.scale": Limit(0.01, 10, "times the size that fits the canvas"),
    "transform.rotation": Limit(-3600, 3600, "degrees"),  # ten turns, for a spin keyframed over a clip
    "crop": Limit(0, 1, "of the source"),  # each side
    # what two opposite sides leave: ffmpeg cannot crop a picture to nothing
    "crop_kept": Limit(0.01, 1, "of the source"),
    "fade": Limit(0, 4 * HOURS, "seconds"),
    # a frame at 120 fps is 0.0083 s: anything shorter is a cut
    "transition": Limit(0.005, 4 * HOURS, "seconds"),
    # each keyframe is a term of an expression ffmpeg evaluates for every frame
    "keyframes": Limit(0, 500, "keyframes", whole=True),  # of one property of one clip
    "all_keyframes": Limit(0, 20000, "keyframes", whole=True),  # in the whole timeline
    "markers": Limit(0, 1000, "markers", whole=True),
    # -- a title's style (drawtext takes whole pixels) --
    "font": Limit(1, 128, "characters", whole=True),  # the family name's length
    "outline.width": Limit(0, 50, "pixels", whole=True),
    "shadow.x": Limit(-100, 100, "pixels", whole=True),
    "shadow.y": Limit(-100, 100, "pixels", whole=True),
    "shadow.opacity": Limit(0, 1),
    "box.opacity": Limit(0, 1),
    "box.padding": Limit(0, 200, "pixels", whole=True),
    "line_spacing": Limit(-50, 500, "pixels", whole=True),
    # a captions track's lines are drawn like text clips but do not count towards `clips`: a
    # film's subtitles run to a thousand lines or more
    "caption_lines": Limit(0, 5000, "lines", whole=True),  # on one captions track
    "max_width": Limit(0.1, 1, "of the canvas width"),  # how wide a caption line may run before it wraps
}
MARKER_KEYS = ("id", "time", "name", "color")
MARKER_NAME = 200  # characters
_COLOR = re.compile(r"#?[0-9a-fA-F]{6}")  # whole values only: fullmatch ($ passes "…\n")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _invalid(path: str, why: str) -> AppError:
    return AppError("invalid_timeline", f"Timeline {path} {why}.", field=path)


def field_path(path: str, key: str | int) -> str:
    """The path of `key` inside `path`, as JavaScript would index it (`tracks[0].clips`,
    `keyframes["transform.x"]`), so a field named in an error reads as one unambiguous accessor."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if not _NAME.fullmatch(key):
        return f"{path}[{json.dumps(key)}]"
    return f"{path}.{key}" if path else key


def _one_of(values: tuple[str, ...]) -> str:
    return "must be one of " + ", ".join(values)


def _bounds(limit: Limit) -> str:
    kind = "an even whole number" if limit.even else "a whole number" if limit.whole else "a number"
    unit = f" {limit.unit}" if limit.unit else ""
    return f"must be {kind} from {limit.low:g} to {limit.high:g}{unit}"


def _number(obj: dict[str, Any], key: str, path: str, limit: str | None = None, *, required: bool = True) -> None:
    field = field_path(path, key)
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
        raise _invalid(field_path(path, key), f"must be text of 1 to {max_len} characters")


def _switch(obj: dict[str, Any], key: str, path: str) -> None:
    if key in obj and not isinstance(obj[key], bool):
        raise _invalid(field_path(path, key), "must be true or false")


def _object(obj: dict[str, Any], key: str, path: str, keys: tuple[str, ...]) -> dict[str, Any]:
    """A nested object with a closed set of keys: one it does not know would be dropped
    silently by every reader, so it is refused by name."""
    return _closed(obj[key], field_path(path, key), keys)


def _closed(v: Any, field: str, keys: tuple[str, ...], whose: str = "its") -> dict[str, Any]:
    """An object that may hold only `keys`, each optional here (the caller checks what it needs)."""
    if not isinstance(v, dict):
        raise _invalid(field, f"must be an object with {', '.join(keys)}")
    for k in v:
        if k not in keys:
            raise _invalid(field_path(field, k), f"is not one of {whose} fields ({', '.join(keys)})")
    return v


# -- clips ----------------------------------------------------------------------------------------
def _text_clip(clip: dict[str, Any], cp: str) -> None:
    _number(clip, "duration", cp)
    text = clip.get("text")
    if not isinstance(text, str) or len(text) > LIMITS["text"].high:
        raise _invalid(f"{cp}.text", f"must be text of at most {LIMITS['text'].high:g} characters")
    for key in ("size", "x", "y"):
        _number(clip, key, cp, required=False)
    _color(clip, "color", cp, required=False)
    _text_style(clip, cp)


def _color(obj: dict[str, Any], key: str, path: str, *, required: bool = True) -> None:
    field = field_path(path, key)
    if key not in obj:
        if required:
            raise _invalid(field, "is missing")
        return
    if not isinstance(obj[key], str) or not _COLOR.fullmatch(obj[key]):
        raise _invalid(field, "must be a colour written like #ffcc00")


def _text_style(clip: dict[str, Any], cp: str) -> None:
    """A title's style: font, bold, italic, outline, shadow, box, align, line_spacing."""
    if "font" in clip:
        _string(clip, "font", cp, int(LIMITS["font"].high))
    for key in ("bold", "italic"):
        _switch(clip, key, cp)
    if "align" in clip and clip["align"] not in ALIGNS:
        raise _invalid(f"{cp}.align", _one_of(ALIGNS))
    _number(clip, "line_spacing", cp, required=False)
    for key, keys in (("outline", OUTLINE_KEYS), ("shadow", SHADOW_KEYS), ("box", BOX_KEYS)):
        if key not in clip:
            continue
        style = _object(clip, key, cp, keys)
        sp = f"{cp}.{key}"
        _color(style, "color", sp)
        for k in keys[1:]:
            _number(style, k, sp, f"{key}.{k}")


def _media_clip(clip: dict[str, Any], cp: str, media_ids: set[str], v2: bool = True) -> None:
    if "offline" in clip:
        _offline(clip, cp, v2)
    else:
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


def _fades(clip: dict[str, Any], cp: str, length: float) -> None:
    for key in ("fade_in", "fade_out"):
        _number(clip, key, cp, "fade", required=False)
    if clip.get("fade_in", 0) + clip.get("fade_out", 0) > length + TOUCH:
        both = "fade_in" in clip and "fade_out" in clip
        key = "fade_out" if "fade_out" in clip else "fade_in"
        why = "and fade_in together must" if both else "must"
        raise _invalid(f"{cp}.{key}", f"{why} not be longer than the clip ({length:g} seconds)")


def _keyframes(clip: dict[str, Any], cp: str, length: float, animatable: tuple[str, ...]) -> int:
    """Check the clip's keyframes; return how many it has."""
    if "keyframes" not in clip:
        return 0
    field = f"{cp}.keyframes"
    by_property = clip["keyframes"]
    if not isinstance(by_property, dict):
        raise _invalid(field, "must be an object of keyframe lists by property")
    count = 0
    for name, keys in by_property.items():
        pp = field_path(field, name)
        if name not in animatable:
            raise _invalid(pp, f"is not a property this clip can animate ({', '.join(animatable)})")
        if not isinstance(keys, list):
            raise _invalid(pp, "must be a list of keyframes")
        _count(keys, "keyframes", pp)
        count += len(keys)
        before: float | None = None
        for ki, key in enumerate(keys):
            kp = f"{pp}[{ki}]"
            _closed(key, kp, KEYFRAME_KEYS)
            _number(key, "time", kp, "seconds")
            if key["time"] > length + TOUCH:
                raise _invalid(f"{kp}.time", f"must lie within the clip, from 0 to {length:g} seconds")
            if before is not None and key["time"] <= before:
                raise _invalid(f"{kp}.time", f"must be after the keyframe before it (at {before:g})")
            before = key["time"]
            _number(key, "value", kp, name)
            if "easing" in key and key["easing"] not in EASINGS:
                raise _invalid(f"{kp}.easing", _one_of(EASINGS))
    return count


def _look(clip: dict[str, Any], cp: str, length: float) -> None:
    """A media clip's version 2 properties, besides speed, fades and keyframes."""
    for key in ("volume", "opacity"):
        _number(clip, key, cp, required=False)
    if "transform" in clip:
        transform = _object(clip, "transform", cp, TRANSFORM_KEYS)
        for key in TRANSFORM_KEYS:
            _number(transform, key, f"{cp}.transform", f"transform.{key}", required=False)
    if "crop" in clip:
        crop = _object(clip, "crop", cp, CROP_KEYS)
        for key in CROP_KEYS:
            _number(crop, key, f"{cp}.crop", "crop", required=False)
        kept = LIMITS["crop_kept"].low
        for a, b in (("left", "right"), ("top", "bottom")):
            left = 1 - crop.get(a, 0) - crop.get(b, 0)
            if left < kept - TOUCH:
                raise _invalid(f"{cp}.crop.{b}", f"and {a} together must leave at least {kept:g} of the source "
                               f"(they leave {left:g})")
    if "fit" in clip and clip["fit"] not in FITS:
        raise _invalid(f"{cp}.fit", _one_of(FITS))
    if "transition_in" in clip:
        tr = _object(clip, "transition_in", cp, TRANSITION_KEYS)
        tp = f"{cp}.transition_in"
        if tr.get("type") not in TRANSITIONS:
            raise _invalid(f"{tp}.type", _one_of(TRANSITIONS))
        _number(tr, "duration", tp, "transition")
        if tr["duration"] > length + TOUCH:
            raise _invalid(f"{tp}.duration", f"must not be longer than the clip ({length:g} seconds)")


LINK_CHARS = 64


def _link(clip: dict[str, Any], cp: str) -> None:
    """`link`: an id shared by clips that move together (a video clip and its detached sound).
    Any text of 1 to 64 characters, so an interchange format's own ids can be kept."""
    if "link" in clip:
        _string(clip, "link", cp, LINK_CHARS)


def _clip_v2(clip: dict[str, Any], cp: str, text: bool) -> tuple[float, int]:
    """A clip's version 2 fields; return its length on the timeline and its keyframe count."""
    if text:
        for key in MEDIA_ONLY:
            if key in clip:
                raise _invalid(f"{cp}.{key}", "is for video, image and audio clips only")
        _number(clip, "opacity", cp, required=False)
        _number(clip, "scale", cp, required=False)  # a multiplier of its size
    else:
        _number(clip, "speed", cp, required=False)
        _switch(clip, "audio_detached", cp)
    _link(clip, cp)
    length = clip_length(clip)
    _fades(clip, cp, length)
    if not text:
        _look(clip, cp, length)
    return length, _keyframes(clip, cp, length, TEXT_PROPERTIES if text else PROPERTIES)


def _v1_length(clip: dict[str, Any]) -> float:
    # version 1 had no speed: a stray `speed` in a v1 document never changed its length
    return float(clip["duration"]) if "media_id" not in clip else float(clip["out"]) - float(clip["in"])


# -- offline clips -------------------------------------------------------------------------------
# A media clip whose file was not found (a timeline file naming media that is not on this
# machine): it keeps its place and its ranges, with `offline: {name, path?}` instead of a
# media_id, until it is relinked to media of the library (interchange/relink.py). The export
# refuses a timeline holding one, naming it (`offline_names`); the preview draws a card.
OFFLINE_KEYS = ("name", "path")
PATH_CHARS = 4096


def is_offline(clip: Any) -> bool:
    return isinstance(clip, dict) and "offline" in clip


def _offline(clip: dict[str, Any], cp: str, v2: bool) -> None:
    if not v2:
        raise _invalid(f"{cp}.offline", "is a version 2 field")
    if "media_id" in clip:
        raise _invalid(f"{cp}.media_id", "is not allowed on an offline clip: relink it instead")
    off = _object(clip, "offline", cp, OFFLINE_KEYS)
    _string(off, "name", f"{cp}.offline", MARKER_NAME)
    if "path" in off:
        _string(off, "path", f"{cp}.offline", PATH_CHARS)


def offline_names(doc: dict[str, Any]) -> list[str]:
    """The names of the timeline's offline clips, one per clip, in track order."""
    return [c["offline"]["name"] for t in doc.get("tracks", []) for c in t.get("clips", [])
            if is_offline(c) and isinstance(c["offline"], dict) and isinstance(c["offline"].get("name"), str)]


def refuse_offline(doc: dict[str, Any], what: str = "exported") -> None:
    """A 409 naming the offline clips, when there are any: a render with a hole where a clip
    was would look like a finished film, so it is refused until they are relinked or removed."""
    names = offline_names(doc)
    if names:
        shown = ", ".join(dict.fromkeys(names))
        n = len(names)
        raise AppError("media_offline", f"{n} clip{'s are' if n != 1 else ' is'} offline: {shown}; relink or "
                       f"remove {'them' if n != 1 else 'it'} before the timeline is {what}.")


# -- placeholders ---------------------------------------------------------------------------------
# A clip that is still being generated (Extend, Fill on the timeline): {id, start, duration,
# placeholder: {job_id, model_id, status, reason?}} on a video track. It has no media: the export
# and interchange leave it out (`without_placeholders`), the preview draws a card. When its job
# ends, generation/placements.py turns it into a media clip, or marks it failed or cancelled.
PLACEHOLDER_CLIP_KEYS = ("id", "start", "duration", "placeholder")
PLACEHOLDER_KEYS = ("job_id", "model_id", "status", "reason")
PLACEHOLDER_STATUSES = ("running", "failed", "cancelled")
REASON_CHARS = 1000


def is_placeholder(clip: Any) -> bool:
    return isinstance(clip, dict) and "placeholder" in clip


def _placeholder_clip(clip: dict[str, Any], cp: str, kind: str) -> float:
    """Check a placeholder clip; return its length."""
    if kind != "video":
        raise _invalid(f"{cp}.placeholder", "is allowed on video tracks only")
    for k in clip:
        if k not in PLACEHOLDER_CLIP_KEYS:
            raise _invalid(field_path(cp, k),
                           f"is not one of a placeholder clip's fields ({', '.join(PLACEHOLDER_CLIP_KEYS)})")
    _number(clip, "duration", cp)
    pp = f"{cp}.placeholder"
    ph = _object(clip, "placeholder", cp, PLACEHOLDER_KEYS)
    _string(ph, "job_id", pp, LINK_CHARS)
    _string(ph, "model_id", pp)
    if ph.get("status") not in PLACEHOLDER_STATUSES:
        raise _invalid(f"{pp}.status", _one_of(PLACEHOLDER_STATUSES))
    if "reason" in ph:
        _string(ph, "reason", pp, REASON_CHARS)
    return float(clip["duration"])


def without_placeholders(doc: dict[str, Any]) -> dict[str, Any]:
    """The document as the export and interchange read it: a clip still being generated draws
    nothing, so it is left out (a copy; the same document when it has none)."""
    if not any(is_placeholder(c) for t in doc.get("tracks", []) for c in t.get("clips", [])):
        return doc
    return without_clips(doc, is_placeholder)


# -- a track's clips in time ----------------------------------------------------------------------
def _no_overlaps(clips: list[dict[str, Any]], spans: list[tuple[float, float]], tp: str) -> None:
    """Clips on a track never overlap, but where a clip's transition_in says: it then starts
    exactly its duration before the end of the clip before it, and overlaps only that one."""
    order = sorted(range(len(clips)), key=lambda i: (spans[i][0], i))
    prev: int | None = None
    reach = -math.inf  # the latest end of the clips before the previous one
    for i in order:
        cp = f"{tp}.clips[{i}]"
        start, end = spans[i]
        tr = clips[i].get("transition_in")
        if prev is None:
            if tr is not None:
                raise _invalid(f"{cp}.transition_in", "needs a clip before it on its track to come from")
            prev = i
            continue
        pp = f"{tp}.clips[{prev}]"
        p_start, p_end = spans[prev]
        if tr is not None and is_placeholder(clips[prev]):
            raise _invalid(f"{cp}.transition_in", f"cannot come from {pp}, a clip still being generated")
        if tr is not None:
            d = tr["duration"]
            if d > p_end - p_start + TOUCH:
                raise _invalid(f"{cp}.transition_in.duration",
                               f"must not be longer than the clip before it, {pp} ({p_end - p_start:g} seconds)")
            if abs((p_end - start) - d) > TOUCH:
                raise _invalid(f"{cp}.start", f"must be {p_end - d:g}, {d:g} seconds before the end of the clip "
                               f"before it ({pp}), for its transition_in")
        elif p_end - start > TOUCH:
            raise _invalid(f"{cp}.start", f"overlaps {pp}, which ends at {p_end:g}: clips on a track overlap only "
                           "in a transition_in")
        if reach - start > TOUCH:
            raise _invalid(f"{cp}.start", "overlaps a clip before the one before it: a transition overlaps two "
                           "clips, never three")
        reach = max(reach, p_end)
        prev = i


# -- captions -------------------------------------------------------------------------------------
# A captions track holds lines (clips {id, start, duration, text, style?}) and a `style` shared
# by them: the keys of a text clip's look (validated by `_text_clip`, as a title's are), plus
# max_width. A line's `style` overrides the track's, key by key.
CAPTION_STYLE_KEYS = ("font", "bold", "italic", "outline", "shadow", "box", "align", "line_spacing", "size",
                      "color", "x", "y", "max_width")
CAPTION_LINE_KEYS = ("id", "start", "duration", "text", "style")
CAPTION_DEFAULTS: dict[str, Any] = {"x": 0.5, "y": 0.9, "max_width": 0.8}


def _caption_style(obj: dict[str, Any], key: str, path: str) -> None:
    if key not in obj:
        return
    style = _object(obj, key, path, CAPTION_STYLE_KEYS)
    sp = field_path(path, key)
    _number(style, "max_width", sp, required=False)
    # every other key is a text clip's and means the same: checked by the same rules
    _text_clip({**{k: v for k, v in style.items() if k != "max_width"}, "duration": 1, "text": ""}, sp)


def _caption_track(track: dict[str, Any], tp: str) -> None:
    """The lines of a captions track: plain timed text, never overlapping one another (a
    subtitle file's overlapping cues are refused when it is imported, naming them)."""
    _caption_style(track, "style", tp)
    clips = track["clips"]
    _count(clips, "caption_lines", f"{tp}.clips")
    spans: list[tuple[float, float, int]] = []
    seconds = LIMITS["seconds"]
    for ci, line in enumerate(clips):
        cp = f"{tp}.clips[{ci}]"
        _closed(line, cp, CAPTION_LINE_KEYS, "a caption line's")
        _string(line, "id", cp)
        _number(line, "start", cp, "seconds")
        _number(line, "duration", cp)
        text = line.get("text")
        if not isinstance(text, str) or len(text) > LIMITS["text"].high:
            raise _invalid(f"{cp}.text", f"must be text of at most {LIMITS['text'].high:g} characters")
        _caption_style(line, "style", cp)
        end = line["start"] + line["duration"]
        if end > seconds.high:
            raise _invalid(cp, f"must end by {seconds.high:g} seconds (it ends at {end:g})")
        spans.append((line["start"], end, ci))
    spans.sort()
    for (_, p_end, pi), (start, _, ci) in zip(spans, spans[1:], strict=False):
        if p_end - start > TOUCH:
            raise _invalid(f"{tp}.clips[{ci}].start", f"overlaps {tp}.clips[{pi}], which ends at {p_end:g}: the "
                           "lines of a captions track never overlap")


# -- markers --------------------------------------------------------------------------------------
def _markers(doc: dict[str, Any]) -> None:
    """`markers`: [{id, time, name, color?}] at the top level, optional (a document saved before
    markers has none). Each has an id of its own, a time on the timeline, a name and maybe a colour."""
    if "markers" not in doc:
        return
    markers = doc["markers"]
    if not isinstance(markers, list):
        raise _invalid("markers", "must be a list")
    _count(markers, "markers", "markers")
    seen: set[str] = set()
    for mi, marker in enumerate(markers):
        mp = f"markers[{mi}]"
        _closed(marker, mp, MARKER_KEYS)
        _string(marker, "id", mp, LINK_CHARS)
        if marker["id"] in seen:
            raise _invalid(f"{mp}.id", "is used twice")
        seen.add(marker["id"])
        _number(marker, "time", mp, "seconds")
        _string(marker, "name", mp, MARKER_NAME)
        if "color" in marker:
            color = marker["color"]
            if not isinstance(color, str) or not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
                raise _invalid(f"{mp}.color", "must be a colour written like #ffcc00")


# -- the document ---------------------------------------------------------------------------------
def _check(doc: dict[str, Any], media_ids: set[str], v2: bool) -> None:
    """Raise naming the first field of the document (of this version's rules) that is wrong."""
    for key in ("fps", "width", "height"):
        _number(doc, key, "")
    _number(doc, "playhead", "", "seconds", required=False)
    _number(doc, "zoom", "", required=False)
    _switch(doc, "format_set", "")
    tracks = doc.get("tracks")
    if not isinstance(tracks, list):
        raise _invalid("tracks", "must be a list")
    _count(tracks, "tracks", "tracks")
    seen: set[str] = set()
    clips_seen = media_clips = keyframes = 0
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
            raise _invalid(f"{tp}.kind", _one_of(TRACK_KINDS))
        for key in ("muted", "hidden"):
            _switch(track, key, tp)
        if v2:
            _number(track, "volume", tp, required=False)
        clips = track.get("clips")
        if not isinstance(clips, list):
            raise _invalid(f"{tp}.clips", "must be a list")
        if track["kind"] == "captions":
            if not v2:
                raise _invalid(f"{tp}.kind", "captions is a version 2 track kind")
            _caption_track(track, tp)
            continue
        clips_seen += len(clips)
        if clips_seen > LIMITS["clips"].high:
            raise _invalid(f"{tp}.clips", f"brings the timeline past {LIMITS['clips'].high:g} clips")
        text = track["kind"] == "text"
        if not text:
            media_clips += len(clips)
            if media_clips > LIMITS["media_clips"].high:
                raise _invalid(f"{tp}.clips", f"brings the timeline past {LIMITS['media_clips'].high:g} "
                               f"{LIMITS['media_clips'].unit}")
        spans: list[tuple[float, float]] = []
        for ci, clip in enumerate(clips):
            cp = f"{tp}.clips[{ci}]"
            if not isinstance(clip, dict):
                raise _invalid(cp, "must be an object")
            _string(clip, "id", cp)
            _number(clip, "start", cp, "seconds")
            if "placeholder" in clip:
                if not v2:
                    raise _invalid(f"{cp}.placeholder", "is a version 2 field")
                length = _placeholder_clip(clip, cp, track["kind"])
                spans.append((clip["start"], clip["start"] + length))
                if spans[-1][1] > seconds.high:
                    raise _invalid(cp, f"must end by {seconds.high:g} seconds (it ends at {spans[-1][1]:g})")
                continue
            if text:
                _text_clip(clip, cp)
            else:
                _media_clip(clip, cp, media_ids, v2)
            if v2:
                length, n = _clip_v2(clip, cp, text)
                keyframes += n
                if keyframes > LIMITS["all_keyframes"].high:
                    raise _invalid(f"{cp}.keyframes", f"brings the timeline past {LIMITS['all_keyframes'].high:g} "
                                   "keyframes")
            else:
                length = _v1_length(clip)
            end = clip["start"] + length
            if end > seconds.high:
                raise _invalid(cp, f"must end by {seconds.high:g} seconds (it ends at {end:g})")
            spans.append((clip["start"], end))
        if v2:
            _no_overlaps(clips, spans, tp)
    if v2:
        _markers(doc)


def _version(doc: dict[str, Any]) -> Any:
    v = doc.get("version")
    return v if type(v) is int else None  # True == 1 in Python: a boolean is no version


def _stack_order(tracks: list[Any]) -> list[Any]:
    """Video (and text) tracks above audio tracks, each kind in its own order. An audio track
    draws nothing, so moving it below the picture tracks changes nothing that is seen or heard."""
    audio = [t for t in tracks if isinstance(t, dict) and t.get("kind") == "audio"]
    return [t for t in tracks if not (isinstance(t, dict) and t.get("kind") == "audio")] + audio


def validate_timeline(doc: Any, media_ids: set[str]) -> dict[str, Any]:
    """Return the document as it is to be stored, if it is well formed, within LIMITS, and every
    clip points at media of this project; otherwise raise a 422 naming the first field that is
    not. A version 1 document is checked by version 1's rules (so a field named is a field of
    the document sent), then migrated. Tracks come back in stack order (`_stack_order`): a page
    that adds a video track below the audio ones still saves, and every reader sees the order
    the contract promises."""
    if not isinstance(doc, dict):
        raise AppError("invalid_timeline", "The timeline must be an object.", field="timeline")
    version = _version(doc)
    if version == 1:
        _check(doc, media_ids, v2=False)
        doc = migrate(doc)
    elif version != VERSION:
        raise _invalid("version", f"must be {VERSION} (a version 1 document is accepted and upgraded)")
    _check(doc, media_ids, v2=True)
    ordered = _stack_order(doc["tracks"])
    return doc if ordered == doc["tracks"] else {**doc, "tracks": ordered}


# -- migration ------------------------------------------------------------------------------------
def _lanes(clips: list[Any]) -> list[list[Any]] | None:
    """Version 1 let clips on a track overlap, and the export drew a later clip in the list over
    an earlier one. Sort them into lanes that do not overlap, each clip in a lane above every
    earlier clip it overlaps, so stacking the lanes draws the same picture. None when nothing
    overlaps (or the clips cannot be read: validation will name what is wrong)."""
    spans: list[tuple[float, float]] = []
    for clip in clips:
        try:
            start = float(clip["start"])
            spans.append((start, start + _v1_length(clip)))
        except (TypeError, KeyError, ValueError):
            return None
    by_start = sorted(spans)
    if all(b[0] >= a[1] - TOUCH for a, b in zip(by_start, by_start[1:], strict=False)):
        return None
    lane_of: list[int] = []
    for i, (start, end) in enumerate(spans):
        under = [lane_of[j] for j in range(i) if spans[j][0] < end - TOUCH and start < spans[j][1] - TOUCH]
        lane_of.append(max(under) + 1 if under else 0)
    lanes: list[list[Any]] = [[] for _ in range(max(lane_of) + 1)]
    for clip, lane in zip(clips, lane_of, strict=True):
        lanes[lane].append(clip)
    return lanes


def _split_overlaps(tracks: list[Any]) -> list[Any]:
    taken = {t.get("id") for t in tracks if isinstance(t, dict)}
    out: list[Any] = []
    for track in tracks:
        lanes = _lanes(track["clips"]) if isinstance(track, dict) and isinstance(track.get("clips"), list) else None
        if lanes is None:
            out.append(track)
            continue
        # lanes above the first become tracks directly above this one, the highest first
        for k in range(len(lanes) - 1, 0, -1):
            n = k + 1
            while f"{track.get('id')}-{n}" in taken:
                n += 1
            taken.add(f"{track.get('id')}-{n}")
            name = track.get("name") or track.get("id")
            out.append({**track, "id": f"{track.get('id')}-{n}", "name": f"{name} ({k + 1})", "clips": lanes[k]})
        out.append({**track, "clips": lanes[0]})
    return out


def migrate(doc: Any) -> Any:
    """The document at version 2: a version 1 document upgraded, anything else as it is.

    Version 1 → 2: `version` becomes 2; audio tracks move below the video and text tracks
    (`_stack_order`); clips that overlap on one track (v1 allowed it, v2 does not without a
    transition) move to new tracks directly above it (`_lanes`), named after it ("V1 (2)");
    `markers` (version 1 had none) is empty.
    Nothing else changes: every field v2 adds is optional and defaults to what v1 rendered, and
    unknown fields are kept. Never raises: a stored document is migrated as it is read, and
    validation (at save and at export) names what is wrong with it."""
    if not isinstance(doc, dict) or _version(doc) != 1:
        return doc
    new = copy.deepcopy(doc)
    new["version"] = VERSION
    new["markers"] = []
    if isinstance(new.get("tracks"), list):
        new["tracks"] = _stack_order(_split_overlaps(new["tracks"]))
    return new


def _start(clip: dict[str, Any]) -> float:
    start = clip.get("start")
    return float(start) if isinstance(start, (int, float)) else 0.0


def without_clips(doc: dict[str, Any], gone: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """The document without the clips `gone` picks (a copy). A clip whose transition_in came
    from a clip that went loses its transition: it would have nothing to come from, and the
    document would no longer save. A clip whose linked partner went loses its link."""
    new = copy.deepcopy(doc)
    for track in new.get("tracks", []):
        clips = track.get("clips", [])
        by_start = sorted(clips, key=_start)
        for before, clip in zip(by_start, by_start[1:], strict=False):
            if "transition_in" in clip and gone(before) and not gone(clip):
                del clip["transition_in"]
        track["clips"] = [c for c in clips if not gone(c)]
    # a link left with one clip links nothing (the page drops it the same way)
    links: dict[str, int] = {}
    for track in new.get("tracks", []):
        for clip in track.get("clips", []):
            if isinstance(clip.get("link"), str):
                links[clip["link"]] = links.get(clip["link"], 0) + 1
    for track in new.get("tracks", []):
        for clip in track.get("clips", []):
            if isinstance(clip.get("link"), str) and links[clip["link"]] < 2:
                del clip["link"]
    return new
