"""STUB of a property's value at time t, so the export can be built before the real module lands
(branch h-docv2 owns this file; this commit is dropped at merge in favour of theirs). Same API,
simple semantics: a segment between two keyframes follows the easing of its first keyframe."""

from __future__ import annotations

from typing import Any

EASINGS: tuple[str, ...] = ("linear", "ease-in", "ease-out", "ease-in-out", "hold")

DEFAULTS: dict[str, float] = {"opacity": 1.0, "volume": 1.0, "transform.x": 0.5, "transform.y": 0.5,
                              "transform.scale": 1.0, "transform.rotation": 0.0}


def ease(easing: str, u: float) -> float:
    u = min(1.0, max(0.0, u))
    if easing == "ease-in":
        return u * u
    if easing == "ease-out":
        return 1 - (1 - u) * (1 - u)
    if easing == "ease-in-out":
        return u * u * (3 - 2 * u)
    if easing == "hold":
        return 1.0 if u >= 1 else 0.0
    return u


def clip_length(clip: dict[str, Any]) -> float:
    if "media_id" not in clip:
        return float(clip["duration"])
    return (float(clip["out"]) - float(clip["in"])) / float(clip.get("speed", 1) or 1)


def _static(clip: dict[str, Any], name: str) -> float:
    if name.startswith("transform."):
        value = (clip.get("transform") or {}).get(name.split(".", 1)[1])
    else:
        value = clip.get(name)
    return DEFAULTS[name] if value is None else float(value)


def property_at(clip: dict[str, Any], name: str, t: float) -> float:
    keys = sorted((clip.get("keyframes") or {}).get(name) or [], key=lambda k: k["time"])
    if not keys:
        return _static(clip, name)
    if t <= keys[0]["time"]:
        return float(keys[0]["value"])
    for a, b in zip(keys, keys[1:], strict=False):
        if a["time"] <= t < b["time"]:
            u = (t - a["time"]) / (b["time"] - a["time"])
            return float(a["value"]) + (float(b["value"]) - float(a["value"])) * ease(a.get("easing", "linear"), u)
    return float(keys[-1]["value"])


def fade_factor(clip: dict[str, Any], t: float) -> float:
    length = clip_length(clip)
    f = 1.0
    fade_in, fade_out = float(clip.get("fade_in") or 0), float(clip.get("fade_out") or 0)
    if fade_in > 0:
        f = min(f, t / fade_in)
    if fade_out > 0:
        f = min(f, (length - t) / fade_out)
    return min(1.0, max(0.0, f))


def transition_at(clip: dict[str, Any], t: float) -> tuple[str, float] | None:
    tr = clip.get("transition_in")
    if not tr or not 0 <= t < float(tr["duration"]):
        return None
    return str(tr["type"]), t / float(tr["duration"])


def opacity_at(clip: dict[str, Any], t: float) -> float:
    return property_at(clip, "opacity", t) * fade_factor(clip, t)


def volume_at(clip: dict[str, Any], t: float) -> float:
    return property_at(clip, "volume", t) * fade_factor(clip, t)
