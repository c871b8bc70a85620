"""The value of a clip's property at a time: easing, keyframes, fades and transitions.

This is the one definition the export renders from; the page has the same functions in
web/js/timeline/values.js. Both are run against tests/fixtures/timeline-values.json, so a change
here that is not made there (or the other way round) fails a test.

Times are seconds from the clip's start on the timeline (not in its media): a keyframe, a fade
and a transition keep their place on the timeline whatever the clip's speed.

The eases are polynomials rather than CSS's cubic Béziers: a Bézier has to be solved for its
parameter at every frame, while a polynomial is one ffmpeg expression (`u*u`, `3*u*u-2*u*u*u`),
so the export can write each curve into its filter graph exactly as it is computed here.

Pure: no I/O, no validation (library/timeline.py validates documents; these functions assume
a valid clip and never raise on one). One exception, for the export: inside `watched(check)`,
every `EVERY` picture or sound samples on this thread call `check()`, which may raise (a
cancelled export stops its sampling there, rather than after hours of it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

EASINGS: tuple[str, ...] = ("linear", "ease-in", "ease-out", "ease-in-out", "hold")
# The document's other closed lists, here at the bottom layer so the export's graph builder
# (media/compose.py) can map them without importing the library.
TRANSITIONS: tuple[str, ...] = ("crossfade", "dip_black", "dip_white", "wipe_left", "wipe_right", "slide_left",
                                "slide_right")
FITS: tuple[str, ...] = ("contain", "cover", "stretch")  # the first is the default

# Every property a keyframe may animate, with its value when the clip does not set it.
DEFAULTS: dict[str, float] = {
    "opacity": 1.0,
    "volume": 1.0,
    "transform.x": 0.5,  # the clip's centre, as fractions of the canvas
    "transform.y": 0.5,
    "transform.scale": 1.0,  # 1: fit inside the canvas (by the clip's `fit`)
    "transform.rotation": 0.0,  # degrees, clockwise
    # a text clip's own: its block's centre, as fractions of the canvas, and a multiplier of its size
    "x": 0.5,
    "y": 0.85,
    "scale": 1.0,
}
PROPERTIES: tuple[str, ...] = ("opacity", "volume", "transform.x", "transform.y", "transform.scale",
                               "transform.rotation")  # what a media clip may animate
TEXT_PROPERTIES: tuple[str, ...] = ("opacity", "x", "y", "scale")  # what a text clip may animate


def ease(easing: str, u: float) -> float:
    """The eased fraction of the way from one keyframe to the next, for u (the fraction of the
    time) in [0, 1]; u outside it is clamped. "hold" keeps the first value until u reaches 1."""
    u = min(1.0, max(0.0, u))
    if easing == "linear":
        return u
    if easing == "ease-in":
        return u * u
    if easing == "ease-out":
        return 1.0 - (1.0 - u) * (1.0 - u)
    if easing == "ease-in-out":
        return u * u * (3.0 - 2.0 * u)  # smoothstep: 3u² - 2u³
    if easing == "hold":
        return 1.0 if u >= 1.0 else 0.0
    raise ValueError(f"unknown easing {easing!r}")


def _is_text(clip: dict[str, Any]) -> bool:
    return "media_id" not in clip and "duration" in clip


def clip_length(clip: dict[str, Any]) -> float:
    """The clip's length on the timeline: a text clip's duration, or a media clip's
    `(out - in) / speed`."""
    if _is_text(clip):
        return float(clip["duration"])
    return (float(clip["out"]) - float(clip["in"])) / float(clip.get("speed", 1.0))


def _static(clip: dict[str, Any], name: str) -> float:
    if name.startswith("transform."):
        transform = clip.get("transform") or {}
        value = transform.get(name.split(".", 1)[1])
    else:
        value = clip.get(name)
    return DEFAULTS[name] if value is None else float(value)


def property_at(clip: dict[str, Any], name: str, t: float) -> float:
    """The property `name` (one of PROPERTIES) at t seconds from the clip's start on the timeline.

    With keyframes for it: before the first keyframe and after the last the nearest value holds;
    between two, the value follows the LEFT keyframe's easing, and at a keyframe's own time it is
    that keyframe's value. Without: the clip's own value, else the default."""
    if name not in DEFAULTS:
        raise ValueError(f"unknown property {name!r}")
    keys = (clip.get("keyframes") or {}).get(name) or []
    if not keys:
        return _static(clip, name)
    if t <= keys[0]["time"]:
        return float(keys[0]["value"])
    for left, right in zip(keys, keys[1:], strict=False):
        if t < right["time"]:
            u = (t - left["time"]) / (right["time"] - left["time"])
            v0, v1 = float(left["value"]), float(right["value"])
            return v0 + (v1 - v0) * ease(left.get("easing", "linear"), u)
    return float(keys[-1]["value"])


def fade_factor(clip: dict[str, Any], t: float) -> float:
    """The fades' multiplier for picture and sound, linear: 0 at the clip's start rising to 1
    over `fade_in`, and 1 falling to 0 at its end over `fade_out`; 1 without fades."""
    factor = 1.0
    fade_in = float(clip.get("fade_in") or 0.0)
    fade_out = float(clip.get("fade_out") or 0.0)
    if fade_in > 0 and t < fade_in:
        factor *= max(0.0, t / fade_in)
    if fade_out > 0:
        left = clip_length(clip) - t
        if left < fade_out:
            factor *= max(0.0, left / fade_out)
    return factor


def transition_at(clip: dict[str, Any], t: float) -> tuple[str, float] | None:
    """While the clip's `transition_in` runs (0 <= t < its duration, where the clip overlaps the
    previous one): its type and progress from 0 to 1. Otherwise None."""
    tr = clip.get("transition_in")
    if not tr:
        return None
    duration = float(tr["duration"])
    if duration <= 0 or t < 0 or t >= duration:
        return None
    return str(tr["type"]), t / duration


EVERY = 2048  # samples between checks: about 30 ms of sampling
_watch = threading.local()


@contextmanager
def watched(check: Callable[[], None]) -> Iterator[None]:
    """Call `check()` every EVERY samples taken on this thread inside the block (it may raise to
    stop the sampling)."""
    before = getattr(_watch, "check", None), getattr(_watch, "left", EVERY)
    _watch.check, _watch.left = check, EVERY
    try:
        yield
    finally:
        _watch.check, _watch.left = before


def _tick() -> None:
    check = getattr(_watch, "check", None)
    if check is not None:
        _watch.left -= 1
        if _watch.left <= 0:
            _watch.left = EVERY
            check()


def opacity_at(clip: dict[str, Any], t: float) -> float:
    """The picture's opacity: the (keyframed) opacity times the fades. A transition's own mix
    comes on top of this, from transition_at."""
    _tick()
    return property_at(clip, "opacity", t) * fade_factor(clip, t)


def volume_at(clip: dict[str, Any], t: float) -> float:
    """The sound's gain: the (keyframed) volume times the fades. A crossfade's sound ramp is the
    caller's to apply, from transition_at; the track's volume too."""
    _tick()
    return property_at(clip, "volume", t) * fade_factor(clip, t)
