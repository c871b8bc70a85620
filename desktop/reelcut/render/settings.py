"""Export settings (issue 15): the formats, qualities, sizes and presets are data
(export_formats.json); this module reads it, checks a settings object against it and the
timeline, works out the output's size, rate and range, and estimates the file's size.

A settings object, as the API and the CLI take it (every field optional; a preset fills in its
fields, and the fields given beside it win):
    {"preset": "youtube_1080p", "format": "mp4_h264", "resolution": "canvas" | "720p" | "1080x1920",
     "fps": "canvas" | 24 | 25 | 30 | 50 | 60, "quality": "high" | "medium" | "small",
     "range": "whole" | {"in": seconds, "out": seconds},
     "captions": "burn" | "sidecar" | "soft" | "none"}

Captions: "burn" draws the visible captions tracks into the picture (as exports always did);
"sidecar" and "soft" write the topmost visible captions track's lines, cut and shifted to the
range, as a subtitle file beside the export or as a subtitle stream in it (render/captions_out.py);
"none" leaves them out. Only "burn" puts captions in the picture, so only it can stop a copy.

A named height ("720p") scales keeping the canvas's aspect: it is the height of a landscape (or
square) canvas and the width of a portrait one. A frame ("1080x1920") is a fixed size: a canvas
of another aspect is scaled to fit inside it and letterboxed, never stretched."""

from __future__ import annotations

import functools
import json
import math
import re
import subprocess
from pathlib import Path
from typing import Any

from ..errors import AppError
from ..media.ffmpeg import ffmpeg_exe
from ..media.output import Output

_DATA = Path(__file__).with_name("export_formats.json")
_FRAME = re.compile(r"([1-9][0-9]{1,4})x([1-9][0-9]{1,4})")
FIELDS = ("preset", "format", "resolution", "fps", "quality", "range", "captions")
MAX_SIDE = 7680  # 8K: what the encoders take and a desktop can hold


@functools.cache
def table() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_DATA.read_text("utf-8"))
    return data


@functools.cache
def _encoders() -> frozenset[str]:
    """The encoders the bundled ffmpeg has (`ffmpeg -encoders`), asked once."""
    try:
        out = subprocess.run([ffmpeg_exe(), "-hide_banner", "-encoders"], capture_output=True, text=True,
                             timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and len(parts[0]) == 6 and parts[0][0] in "VAS":
            names.add(parts[1])
    return frozenset(names)


def unavailable_reason(fmt: dict[str, Any]) -> str | None:
    """Why this ffmpeg cannot write the format (None: it can)."""
    have = _encoders()
    for side in ("video", "audio"):
        spec = fmt.get(side)
        if spec and spec["encoder"] not in have:
            return f"the bundled ffmpeg has no {spec['encoder']} encoder"
    return None


def formats() -> dict[str, Any]:
    """What GET /api/export/formats answers: every format (with whether it can be written
    here, and why not), the presets, the sizes, rates and qualities, and the default."""
    t = table()
    out = []
    for key, fmt in t["formats"].items():
        reason = unavailable_reason(fmt)
        out.append({"id": key, "label": fmt["label"], "extension": fmt["extension"], "mime": fmt["mime"],
                    "video": fmt["video"]["name"] if fmt["video"] else None,
                    "audio": fmt["audio"]["name"] if fmt["audio"] else None,
                    "qualities": {q: v.get("label", q) for q, v in fmt["quality"].items()},
                    "available": reason is None, "unavailable_reason": reason})
    presets = [{"id": key, "label": p["label"], "settings": p["settings"]} for key, p in t["presets"].items()]
    return {"formats": out, "presets": presets, "resolutions": ["canvas", *t["resolutions"]],
            "frame_rates": ["canvas", *t["frame_rates"]], "qualities": t["qualities"], "default": t["default"],
            # the page offers the captions choice only when this is present
            "captions_modes": [{"id": k, "label": v} for k, v in t["captions_modes"].items()],
            "soft_captions_formats": [f["id"] for f in out if soft_codec(t["formats"][f["id"]]) is not None]}


def soft_codec(fmt: dict[str, Any]) -> str | None:
    """The subtitle codec a format's container holds (None: it holds none: GIF, sound only)."""
    if fmt["video"] is None:
        return None
    codec: str | None = table()["soft_captions"].get(fmt["muxer"])
    return codec


def _bad(field: str, message: str, code: str = "invalid_export_settings") -> AppError:
    return AppError(code, message, field=f"settings.{field}")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def normalize(settings: Any, duration: float) -> dict[str, Any]:
    """The settings object with every field filled in (the preset's, then the default's), each
    checked: a 422 naming the field (`settings.format`, `settings.range.in`...) otherwise.
    `duration` is the timeline's length, which a range must lie in."""
    t = table()
    if settings is None:
        settings = {}
    if not isinstance(settings, dict):
        raise AppError("invalid_export_settings", "The export settings must be an object.", field="settings")
    for key in settings:
        if key not in FIELDS:
            raise _bad(str(key), f"{key!r} is not an export setting (they are {', '.join(FIELDS)}).")
    merged: dict[str, Any] = dict(t["default"])
    preset = settings.get("preset")
    if preset is not None:
        if not isinstance(preset, str) or preset not in t["presets"]:
            raise _bad("preset", f"There is no preset {preset!r}; the presets are {', '.join(t['presets'])}.")
        merged.update(t["presets"][preset]["settings"])
    merged.update({k: v for k, v in settings.items() if k != "preset"})
    merged["preset"] = preset

    fmt_id = merged["format"]
    if not isinstance(fmt_id, str) or fmt_id not in t["formats"]:
        raise _bad("format", f"There is no export format {fmt_id!r}; the formats are {', '.join(t['formats'])}.")
    reason = unavailable_reason(t["formats"][fmt_id])
    if reason:
        raise _bad("format", f"{t['formats'][fmt_id]['label']} cannot be written here: {reason}.",
                   code="format_unavailable")
    if merged["quality"] not in t["qualities"]:
        raise _bad("quality", f"The quality must be one of {', '.join(t['qualities'])}, not {merged['quality']!r}.")
    res = merged["resolution"]
    if not isinstance(res, str) or not (res == "canvas" or res in t["resolutions"] or _frame(res)):
        raise _bad("resolution", f"The resolution must be canvas, {', '.join(t['resolutions'])} or a frame such as "
                                 f"1080x1920 (even sides up to {MAX_SIDE}), not {res!r}.")
    fps = merged["fps"]
    if fps != "canvas" and (_number(fps) is None or fps not in t["frame_rates"]):
        raise _bad("fps", f"The frame rate must be canvas or one of {', '.join(map(str, t['frame_rates']))}, "
                          f"not {fps!r}.")
    merged["range"] = _range(merged["range"], duration)
    mode = merged["captions"]
    if not isinstance(mode, str) or mode not in t["captions_modes"]:
        raise _bad("captions", f"The captions must be one of {', '.join(t['captions_modes'])}, not {mode!r}.")
    if mode == "soft" and soft_codec(t["formats"][fmt_id]) is None:
        raise _bad("captions", f"{t['formats'][fmt_id]['label']} cannot hold a subtitle stream: choose "
                               "\"sidecar\" for a subtitle file beside it, \"burn\" or \"none\".")
    return merged


def _frame(res: str) -> tuple[int, int] | None:
    m = _FRAME.fullmatch(res)
    if not m:
        return None
    w, h = int(m.group(1)), int(m.group(2))
    if w % 2 or h % 2 or w > MAX_SIDE or h > MAX_SIDE or w < 16 or h < 16:
        return None
    return w, h


def _range(value: Any, duration: float) -> Any:
    if value in (None, "whole"):
        return "whole"
    if not isinstance(value, dict):
        raise _bad("range", "The range must be \"whole\" or {\"in\": seconds, \"out\": seconds}.")
    for key in value:
        if key not in ("in", "out"):
            raise _bad(f"range.{key}", f"{key!r} is not part of a range (it has in and out).")
    a, b = _number(value.get("in")), _number(value.get("out"))
    if a is None:
        raise _bad("range.in", "The range's in point must be a number of seconds.")
    if b is None:
        raise _bad("range.out", "The range's out point must be a number of seconds.")
    if a < 0:
        raise _bad("range.in", "The range's in point cannot be before the timeline's start.")
    if b > duration + 1e-6:
        raise _bad("range.out", f"The range's out point ({b:g} s) is after the timeline's end ({duration:g} s).")
    if a >= b:
        raise _bad("range.in", f"The range's in point ({a:g} s) must be before its out point ({b:g} s).")
    return {"in": a, "out": min(b, duration)}


def _even(v: float) -> int:
    return max(2, int(round(v / 2)) * 2)


def output(settings: dict[str, Any], doc: dict[str, Any], duration: float) -> Output:
    """The output of normalized `settings` for this canvas and timeline length."""
    t = table()
    cw, ch = int(doc["width"]), int(doc["height"])
    res = settings["resolution"]
    letterbox = False
    if res == "canvas":
        w, h = cw, ch
    elif res in t["resolutions"]:
        side = t["resolutions"][res]
        w, h = (_even(side * cw / ch), side) if cw >= ch else (side, _even(side * ch / cw))
    else:
        w, h = _frame(res) or (cw, ch)
        letterbox = w * ch != h * cw
    fps = float(doc["fps"]) if settings["fps"] == "canvas" else float(settings["fps"])
    rng = settings["range"]
    start, end = (0.0, duration) if rng == "whole" else (float(rng["in"]), float(rng["out"]))
    fmt = t["formats"][settings["format"]]
    if fmt["video"] is None:
        w = h = 0
    return Output(settings["format"], fmt, settings["quality"], w, h, fps, start, end, letterbox)


def is_default(settings: dict[str, Any] | None) -> bool:
    """Whether normalized settings are today's export exactly (what smart render may copy). The
    captions mode is not part of it: how captions leave the export is the plan's to judge (a
    burnt line is an encoded stretch; a sidecar or a soft stream leaves the picture alone)."""
    if settings is None:
        return True
    return all(settings.get(k) == v for k, v in table()["default"].items() if k != "captions")


def why_encode(settings: dict[str, Any] | None, doc: dict[str, Any]) -> str | None:
    """Why these settings need the whole export encoded, as the plan says it; None when they
    ask for what the default writes (H.264 MP4 at the canvas's size and rate), of the whole
    timeline or of a range."""
    if is_default(settings):
        return None
    assert settings is not None
    t = table()
    fmt = t["formats"][settings["format"]]
    if settings["format"] != t["default"]["format"]:
        name = fmt["video"]["name"] if fmt["video"] else fmt["label"]
        return f"{name} chosen in the export settings"
    if settings["quality"] != t["default"]["quality"]:
        return f"{settings['quality']} quality chosen in the export settings"
    if settings["resolution"] != "canvas" and (settings["resolution"] != f"{doc['width']}x{doc['height']}"):
        return f"{settings['resolution']} chosen in the export settings"
    if settings["fps"] != "canvas" and float(settings["fps"]) != float(doc["fps"]):
        return f"{settings['fps']} fps chosen in the export settings"
    return None  # a range alone: smart render plans the range's own timeline (render/plan.py cut_to_range)


def _ratio(w: int, h: int) -> str:
    g = math.gcd(w, h) or 1
    return f"{w // g}:{h // g}"


def aspect_mismatch(out: Output, doc: dict[str, Any]) -> dict[str, Any] | None:
    """The canvas's aspect and the output frame's, when they differ (a preset's frame on a
    canvas of another shape): the page asks whether to change the canvas; the render fits it."""
    if not out.letterbox:
        return None
    cw, ch = int(doc["width"]), int(doc["height"])
    return {"canvas": _ratio(cw, ch), "output": _ratio(out.width, out.height),
            "canvas_size": [cw, ch], "output_size": [out.width, out.height]}


def estimate(out: Output, doc: dict[str, Any]) -> dict[str, Any]:
    """The expected file size: the audio bitrate plus, for the picture, the quality's bits per
    pixel times the pixels a second (a CRF encoder spends by content: this is a guess, for
    ordinary footage), times the range's length."""
    level = out.level
    video_bps = level.get("bits_per_pixel", 0) * out.width * out.height * out.fps if out.has_video else 0.0
    audio_bps = float(level.get("audio_bitrate", 0)) if out.has_audio else 0.0
    size = int((video_bps + audio_bps) * out.duration / 8 * 1.02) + 4096  # container overhead
    return {"bytes": size, "duration": round(out.duration, 6), "width": out.width or None,
            "height": out.height or None, "fps": out.fps if out.has_video else None,
            "video_bitrate": int(video_bps), "audio_bitrate": int(audio_bps),
            "extension": out.extension, "aspect_mismatch": aspect_mismatch(out, doc)}
