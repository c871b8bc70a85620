"""Smart render, the plan: which stretches of an export can be copied from their source's
packets, and why the others are encoded. Pure: no I/O, no ffmpeg; the facts about each source
(its stream parameters and keyframe times) come in `sources_info` (render/smart.py reads them).

A stretch is copied where one video clip plays alone (no other visible video layer, no title
over it), at speed 1, with no transform, crop, opacity, fade, keyframe or transition, from a
keyframe of its source to a keyframe or the source's end, and its source is what the export
would encode: H.264 High, yuv420p, the timeline's size and frame rate, square pixels,
untagged (or BT.709, limited range) colour. Everything else is encoded, with a reason a
person can read. A clip cut between keyframes is encoded from its in point to its source's
next keyframe (and from the last keyframe to its out point, when that is between keyframes
too), and copied between.

The sound is planned apart: copied only where the timeline's sound is exactly each copied
clip's own sound, untouched (AAC LC, 48 kHz stereo, as the export encodes it).

A plan whose stretches are all copied, with its sound copied, renders by remux alone ("copy");
one that mixes copy and encode ("splice") encodes only its encoded stretches and joins them to
the copied packets (render/smart.py `splice_render`)."""

from __future__ import annotations

import math
from typing import Any

from ..media.animation import DEFAULTS, clip_length
from ..media.compose import timeline_end

# What the full export encodes (media/compose.py): libx264 (its default profile for yuv420p is
# High), yuv420p, the document's size and rate, square pixels, no colour tags; AAC LC 48 kHz stereo.
OUTPUT_VIDEO = {"codec": "h264", "profile": "High", "pix_fmt": "yuv420p"}
OUTPUT_AUDIO = {"codec": "aac", "profile": "LC", "rate": 48000, "channels": 2}
# colour tags that decode to what the export's untagged output decodes to (players treat an
# untagged HD H.264 stream as BT.709, limited range)
_COLOUR_OK = {"color_range": ("unknown", "tv"), "color_space": ("unknown", "bt709"),
              "color_primaries": ("unknown", "bt709"), "color_trc": ("unknown", "bt709")}
_EPS = 1e-6


def _fmt(v: float) -> str:
    return f"{v:g}" if abs(v - round(v, 3)) < 1e-9 else f"{v:.3f}"


def _picture_reasons(clip: dict[str, Any], incoming: dict[str, Any] | None) -> list[str]:
    """Why the clip's picture is not its source's, as it is: its own edits."""
    reasons = []
    speed = float(clip.get("speed") or 1.0)
    if abs(speed - 1) > _EPS:
        reasons.append(f"speed {_fmt(speed)}")
    transform = clip.get("transform") or {}
    scale = float(transform.get("scale", 1.0))
    if abs(scale - 1) > _EPS:
        reasons.append(f"scale {_fmt(scale)}")
    rotation = float(transform.get("rotation", 0.0))
    if abs(rotation) > _EPS:
        reasons.append(f"rotated {_fmt(rotation)}°")
    if abs(float(transform.get("x", 0.5)) - 0.5) > _EPS or abs(float(transform.get("y", 0.5)) - 0.5) > _EPS:
        reasons.append("moved off centre")
    crop = clip.get("crop") or {}
    if any(float(crop.get(k) or 0) > 0 for k in ("left", "top", "right", "bottom")):
        reasons.append("cropped")
    opacity = clip.get("opacity")
    if opacity is not None and abs(float(opacity) - 1) > _EPS:
        reasons.append(f"opacity {_fmt(float(opacity))}")
    if float(clip.get("fade_in") or 0) > 0 or float(clip.get("fade_out") or 0) > 0:
        reasons.append("a fade")
    keyed = sorted(name for name, keys in (clip.get("keyframes") or {}).items() if keys and name != "volume")
    if keyed:
        reasons.append(f"keyframes on {', '.join(keyed)}")
    tr = clip.get("transition_in")
    if tr:
        reasons.append(f"a {str(tr.get('type', '')).replace('_', ' ')} transition into it")
    if incoming is not None:
        reasons.append("a transition out of it")
    return reasons


def _source_reasons(doc: dict[str, Any], info: dict[str, Any] | None) -> list[str]:
    """Why the source's stream is not what the export encodes."""
    if info is None or info.get("kind") != "video" or not info.get("video"):
        return ["a still image" if info is not None and info.get("kind") == "image" else "no readable video"]
    v = info["video"]
    w, h, fps = int(doc["width"]), int(doc["height"]), float(doc["fps"])
    reasons = []
    if v.get("codec") != OUTPUT_VIDEO["codec"]:
        reasons.append(f"{str(v.get('codec')).upper()} source, the export is H.264")
    elif v.get("profile") != OUTPUT_VIDEO["profile"]:
        reasons.append(f"H.264 {v.get('profile')} profile, the export is High")
    if (v.get("width"), v.get("height")) != (w, h):
        reasons.append(f"{v.get('width')}x{v.get('height')} in a {w}x{h} timeline")
    if v.get("pix_fmt") != OUTPUT_VIDEO["pix_fmt"]:
        reasons.append(f"{v.get('pix_fmt')} pixels, the export is yuv420p")
    src_fps = float(v.get("fps") or 0)
    if abs(src_fps - fps) > 1e-3 * fps:
        reasons.append(f"{_fmt(src_fps)} fps in a {_fmt(fps)} fps timeline")
    elif not v.get("constant_rate", True):
        reasons.append("a variable frame rate")
    sar = v.get("sar")
    if sar not in (None, "0:1", "1:1"):
        reasons.append(f"sample aspect {sar}")
    for key, ok in _COLOUR_OK.items():
        value = v.get(key) or "unknown"
        if value not in ok:
            reasons.append(f"colour {key.removeprefix('color_').replace('_', ' ')} {value}")
    return reasons


def _on_keyframe(t: float, keyframes: list[float], fps: float) -> bool:
    tol = 0.5 / fps
    return any(abs(t - k) < tol for k in keyframes)


def _cut(clip: dict[str, Any], info: dict[str, Any], fps: float) -> tuple[list[str], float, float]:
    """Why the clip's cut cannot be copied at all, or the source seconds from its in point to
    the next keyframe and from the last keyframe to its out point that are encoded so the rest,
    keyframe to keyframe, can be copied: (reasons, head, tail)."""
    v = info["video"]
    keys = v.get("keyframes") or []
    end = float(v.get("duration") or 0)
    cin, cout = float(clip["in"]), float(clip["out"])
    tol = 0.5 / fps
    frame = float(clip["start"]) * fps
    if abs(frame - round(frame)) > 1e-3:
        return ["starts between two frames of the timeline"], 0.0, 0.0
    if cout > end + tol:
        return ["longer than its source's picture"], 0.0, 0.0
    first = next((k for k in sorted(keys) if k > cin - tol), None)
    last = cout if cout >= end - tol or _on_keyframe(cout, keys, fps) else \
        max((k for k in keys if k < cout - tol), default=None)
    if first is None or last is None or last - first < 1 / fps - tol:
        return ["cut between keyframes, with no keyframe to copy from"], 0.0, 0.0
    # whole frames of the source: the copied part starts and ends on its frames
    head = round(max(0.0, first - cin) * fps) / fps
    tail = round(max(0.0, cout - last) * fps) / fps
    return [], head, tail


def _sound(doc: dict[str, Any], shown: set[str], sources_info: dict[str, Any]) -> dict[str, Any]:
    """Whether the sound can be copied: it is exactly the own sound of each clip whose picture
    is shown (`shown`: the clips of the visible video tracks), untouched, and nothing else."""
    for track in doc["tracks"]:
        if track["kind"] in ("text", "captions"):
            continue
        muted = bool(track.get("muted"))
        track_volume = float(track.get("volume", 1.0))
        for clip in track["clips"]:
            info = sources_info.get(clip.get("media_id")) or {}
            plays = not muted and bool(info.get("audio")) and not clip.get("audio_detached", False)
            if clip["id"] not in shown:
                if plays:
                    return {"action": "mix", "reason": "sound from another track"}
                continue
            if clip.get("audio_detached", False):
                return {"action": "mix", "reason": "a clip's sound is detached"}
            if muted:
                return {"action": "mix", "reason": "a muted track"}
            a = info.get("audio")
            if not a:
                return {"action": "mix", "reason": "a clip without sound"}
            if abs(track_volume - 1) > _EPS:
                return {"action": "mix", "reason": f"track volume {_fmt(track_volume)}"}
            volume = float(clip.get("volume", DEFAULTS["volume"]))
            if abs(volume - 1) > _EPS or (clip.get("keyframes") or {}).get("volume"):
                return {"action": "mix", "reason": "a clip's volume"}
            if a.get("duration") is not None and float(a["duration"]) < float(clip["out"]) - 1024 / 48000:
                return {"action": "mix", "reason": "a clip's sound is shorter than its picture"}
            if any(a.get(k) != want for k, want in OUTPUT_AUDIO.items()):
                return {"action": "mix", "reason": f"{a.get('codec')} {a.get('rate')} Hz {a.get('channels')} "
                                                   "channels, the export is AAC 48000 Hz stereo"}
    return {"action": "copy", "reason": "each clip's own sound, untouched"}


def plan_export(doc: dict[str, Any], sources_info: dict[str, Any],
                forced: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """The export's plan: {"stretches": [{start, end, action, clip_id?, clip?, reason}],
    "sound": {action, reason}, "copy": whether this export renders by copy, "summary"}.
    `sources_info[media_id]` is {"kind", "video": {codec, profile, width, height, pix_fmt, fps,
    constant_rate, sar, color_*, duration, keyframes, params}, "audio": {codec, profile, rate,
    channels} or None}; a media id missing from it is planned as encoded. `forced[clip_id]`: the
    reasons a clip is encoded whole whatever it is (a splice of it that did not decode cleanly).
    "splice": some stretches are copied and others encoded, and the render joins them."""
    fps = float(doc["fps"])
    duration = timeline_end(doc)
    # the picture's layers: every clip on a visible video track, top track first
    layers: list[tuple[int, dict[str, Any], dict[str, Any] | None]] = []  # (track index, clip, incoming)
    titles: list[tuple[float, float]] = []
    for ti, track in enumerate(doc["tracks"]):
        if track.get("hidden"):
            continue
        if track["kind"] in ("text", "captions"):
            titles += [(float(c["start"]), float(c["start"]) + float(c["duration"])) for c in track["clips"]]
        elif track["kind"] == "video":
            ordered = sorted(track["clips"], key=lambda c: float(c["start"]))
            for clip, nxt in zip(ordered, [*ordered[1:], None][:len(ordered)], strict=True):
                layers.append((ti, clip, nxt if nxt is not None and nxt.get("transition_in") else None))
    # clips are numbered as a person reads the timeline: by start, then top track first
    layers.sort(key=lambda layer: (float(layer[1]["start"]), layer[0]))
    number = {clip["id"]: n for n, (_, clip, _) in enumerate(layers, start=1)}

    own: dict[str, list[str]] = dict(forced or {})
    # the timeline's times where a clip cut between keyframes turns from encoded to copied
    copy_from: dict[str, tuple[float, float]] = {}
    for _, clip, incoming in layers:
        if clip["id"] in own:
            continue
        info = sources_info.get(clip["media_id"])
        reasons = _picture_reasons(clip, incoming) + _source_reasons(doc, info)
        if not reasons:
            reasons, head, tail = _cut(clip, info or {}, fps)
            if not reasons:
                s0 = float(clip["start"])
                copy_from[clip["id"]] = (s0 + head, s0 + clip_length(clip) - tail)
        own[clip["id"]] = reasons
    # copied clips must share one set of H.264 parameters (an MP4 holds one): the first decides
    params = None
    for _, clip, _ in layers:
        if not own[clip["id"]]:
            p = ((sources_info.get(clip["media_id"]) or {}).get("video") or {}).get("params")
            if params is None:
                params = (p, number[clip["id"]])
            elif p != params[0]:
                own[clip["id"]] = [f"H.264 settings differ from clip {params[1]}'s"]

    edges = sorted({0.0, duration, *(t for _, c, _ in layers for t in (float(c["start"]),
                                                                       float(c["start"]) + clip_length(c))),
                    *(t for span in titles for t in span), *(t for span in copy_from.values() for t in span)})
    stretches: list[dict[str, Any]] = []
    for a, b in zip(edges, edges[1:], strict=False):
        if b - a < 1e-9 or a >= duration:
            continue
        mid = (a + b) / 2
        on = [(ti, c) for ti, c, _ in layers if float(c["start"]) <= mid < float(c["start"]) + clip_length(c)]
        if not on:
            stretch: dict[str, Any] = {"action": "encode", "reason": "a gap (black)" if not any(
                s <= mid < e for s, e in titles) else "a title on black"}
        else:
            ti, top = min(on, key=lambda x: x[0])
            stretch = {"action": "encode", "clip_id": top["id"], "clip": number[top["id"]]}
            if len(on) > 1:
                stretch["reason"] = "another video layer at the same time"
            elif any(s <= mid < e for s, e in titles):
                stretch["reason"] = "a title over it"
            elif own[top["id"]]:
                stretch["reason"] = ", ".join(own[top["id"]])
            elif mid < copy_from[top["id"]][0]:
                stretch["reason"] = (f"cut between keyframes: {_secs(copy_from[top['id']][0] - float(top['start']))}"
                                     " re-encoded to the next keyframe")
            elif mid >= copy_from[top["id"]][1]:
                stretch["reason"] = (f"cut between keyframes: "
                                     f"{_secs(float(top['start']) + clip_length(top) - copy_from[top['id']][1])}"
                                     " re-encoded from the last keyframe")
            else:
                stretch = {"action": "copy", "clip_id": top["id"], "clip": number[top["id"]],
                           "reason": "its source as it is"}
        prev = stretches[-1] if stretches else None
        if prev is not None and abs(prev["end"] - a) < 1e-9 and all(
                prev.get(k) == stretch.get(k) for k in ("action", "clip_id", "reason")):
            prev["end"] = b
        else:
            stretches.append({"start": a, "end": b, **stretch})

    sound = _sound(doc, {c["id"] for _, c, _ in layers}, sources_info)
    all_copy = bool(stretches) and all(s["action"] == "copy" for s in stretches)
    # a copied clip is copied whole from its in to its out: nothing else of it shows
    copy = all_copy and sound["action"] == "copy" and math.isclose(
        sum(s["end"] - s["start"] for s in stretches), duration, abs_tol=1e-6)
    splice = not copy and any(s["action"] == "copy" for s in stretches)
    return {"stretches": stretches, "sound": sound, "copy": copy, "splice": splice,
            "summary": _summary(layers, stretches, sound, copy)}


def _secs(v: float) -> str:
    return f"{v:.1f} s" if v >= 0.1 else f"{v:.2f} s"


def _summary(layers: list[Any], stretches: list[dict[str, Any]], sound: dict[str, Any], copy: bool) -> str:
    """"Smart render: 4 of 6 clips copied; clip 2 re-encoded (25 fps in a 30 fps timeline);
    clip 3 cut between keyframes: 0.4 s re-encoded to the next keyframe, the rest copied"."""
    total = len(layers)
    encoded: dict[int, list[str]] = {}
    copied: set[int] = set()
    for s in stretches:
        if "clip" not in s:
            continue
        if s["action"] == "copy":
            copied.add(s["clip"])
        elif s["reason"] not in encoded.setdefault(s["clip"], []):
            encoded[s["clip"]].append(s["reason"])
    gaps = [s for s in stretches if s["action"] == "encode" and "clip" not in s]
    head = f"Smart render: {len(copied)} of {total} clip{'s' if total != 1 else ''} copied"
    if copy:
        return head
    parts = [head]
    for n, reasons in sorted(encoded.items()):
        if n not in copied:
            parts.append(f"clip {n} re-encoded ({reasons[0]})")
        else:
            said = [r if r.startswith("cut between keyframes") else f"re-encoded in part ({r})" for r in reasons]
            parts.append(f"clip {n} {'; '.join(said)}, the rest copied")
    if gaps:
        parts.append(f"{len(gaps)} stretch{'es' if len(gaps) != 1 else ''} without a clip encoded "
                     f"({gaps[0]['reason']})")
    if sound["action"] != "copy":
        parts.append(f"sound mixed ({sound['reason']})")
    return "; ".join(parts)


def smart_render_off(doc: dict[str, Any]) -> dict[str, Any]:
    """The plan when the setting is off: the whole timeline encoded."""
    return {"stretches": [{"start": 0.0, "end": timeline_end(doc), "action": "encode",
                           "reason": "smart render is off"}],
            "sound": {"action": "mix", "reason": "smart render is off"}, "copy": False, "splice": False,
            "summary": "Smart render is off: the whole timeline is encoded"}


def settings_plan(doc: dict[str, Any], why: str) -> dict[str, Any]:
    """The plan when the export settings ask for an output no source is (another codec, size,
    rate, quality or a range, render/settings.py `why_encode`): the whole timeline encoded, and
    each stretch says why."""
    return {"stretches": [{"start": 0.0, "end": timeline_end(doc), "action": "encode", "reason": why}],
            "sound": {"action": "mix", "reason": why}, "copy": False, "splice": False,
            "summary": f"Smart render: the whole timeline is encoded ({why})"}


def cut_to_range(doc: dict[str, Any], start: float, end: float) -> dict[str, Any]:
    """The document of the timeline between `start` and `end`, moved to begin at 0: each clip
    cut to the range (its in and out moved by what is cut, at its speed), the clips outside it
    gone. What smart render plans for an export of a range, and copies when the plan allows: a
    copyable clip has no fade, keyframe or transition, so cutting it is exact; anything else is
    planned as encoded, and the encode renders the whole document and trims it instead."""
    tracks = []
    for track in doc["tracks"]:
        clips = []
        for clip in track["clips"]:
            s = float(clip["start"])
            e = s + clip_length(clip)
            if e <= start + 1e-9 or s >= end - 1e-9:
                continue
            head, tail = max(0.0, start - s), max(0.0, e - end)
            cut = {**clip, "start": max(s, start) - start}
            if "media_id" not in clip and "duration" in clip:  # a title
                cut["duration"] = float(clip["duration"]) - head - tail
            else:
                speed = float(clip.get("speed") or 1.0)
                cut["in"] = float(clip["in"]) + head * speed
                cut["out"] = float(clip["out"]) - tail * speed
            clips.append(cut)
        tracks.append({**track, "clips": clips})
    return {**doc, "tracks": tracks}
