"""Turn a timeline document into one ffmpeg command: the export's whole render graph, written
to a file beside the text files and command scripts it names (a graph of a few hundred clips is
larger than the 128 KiB Linux allows one argument).

Picture: a black canvas the size and rate of the document, the length of the timeline. Visible
video tracks are overlaid from the bottom track up (the first track in the list is on top), and
within a track in time order, so a clip transitioning in lies over the one it replaces. Each
media clip becomes one layer (media/layers.py: crop, fit, transform, opacity, fades, the picture
side of transitions). Text clips are drawn over everything, as before, and so are the lines of
visible captions tracks (media/captions.py: each line becomes a text clip, drawn the same way).

Sound: every clip on an unmuted track (media/sound.py: speed keeping pitch, the gain envelope
of its volume, fades, track volume and transitions), delayed to its start and mixed over silence.

Animated values come from media/animation.py, sampled per output frame (picture) or every 10 ms
(sound) into sendcmd scripts (media/commands.py). A version 1 document renders as it did: every
field it lacks has its default, which adds no filter."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import AppError
from .animation import clip_length, watched
from .captions import caption_clips
from .commands import num as _num
from .filtergraph import path_value, write_graph
from .fonts import DEFAULT_BOLD, DEFAULT_ITALIC, font_file, is_default_style
from .layers import Canvas, picture
from .placement import place_track
from .sound import plays_own_sound, sound


@dataclass
class Source:
    path: Path
    kind: str  # video | image | audio
    has_audio: bool
    has_video: bool
    name: str = ""  # the media's name, for errors that name a clip
    size: int | None = None  # the file's size when imported: a different size means it changed


def timeline_end(doc: dict[str, Any]) -> float:
    end = 0.0
    for track in doc["tracks"]:
        for clip in track["clips"]:
            end = max(end, float(clip["start"]) + clip_length(clip))
    return end


_COLOR = re.compile(r"#?[0-9a-fA-F]{6}")  # whole values only: fullmatch ($ passes "…\n")


def _drawtext_color(value: Any, default: str, opacity: Any = None) -> str:
    color = "0x" + value.lstrip("#") if isinstance(value, str) and _COLOR.fullmatch(value) else default
    return color if opacity is None else f"{color}@{_num(min(1.0, max(0.0, float(opacity))))}"


def _text_style(clip: dict[str, Any]) -> str:
    """drawtext's options for a title's style (library/timeline.py TEXT_STYLE). A field the
    clip lacks adds no option, so a title saved before styles draws exactly as it did."""
    opts = ""
    outline = clip.get("outline")
    if isinstance(outline, dict) and int(outline.get("width", 0)) > 0:
        opts += f":borderw={int(outline['width'])}:bordercolor={_drawtext_color(outline.get('color'), 'black')}"
    shadow = clip.get("shadow")
    if isinstance(shadow, dict) and float(shadow.get("opacity", 0)) > 0:
        opts += (f":shadowx={int(shadow.get('x', 0))}:shadowy={int(shadow.get('y', 0))}"
                 f":shadowcolor={_drawtext_color(shadow.get('color'), 'black', shadow['opacity'])}")
    box = clip.get("box")
    if isinstance(box, dict) and float(box.get("opacity", 0)) > 0:
        opts += (f":box=1:boxcolor={_drawtext_color(box.get('color'), 'black', box['opacity'])}"
                 f":boxborderw={int(box.get('padding', 0))}")
    if clip.get("align") in ("left", "center", "right"):
        # text_align (ffmpeg 6.1+) places each line in the block; x, y still centre the block
        opts += f":text_align={clip['align']}"
    if int(clip.get("line_spacing", 0)):
        opts += f":line_spacing={int(clip['line_spacing'])}"
    return opts


def _text_filter(clip: dict[str, Any], font: str | None, text_file: Path, height: int) -> str:
    """`font` is the default style's file (find_font()); a title of another style is drawn with
    fonts.font_file's choice for it."""
    color = _drawtext_color(clip.get("color") or "#ffffff", "white")
    size = max(8, int(clip.get("size") or height // 12))
    x = float(clip.get("x", 0.5))
    y = float(clip.get("y", 0.85))
    start, end = clip["start"], clip["start"] + clip["duration"]
    family, bold, italic = clip.get("font"), clip.get("bold", DEFAULT_BOLD), clip.get("italic", DEFAULT_ITALIC)
    if not is_default_style(family, bold, italic):
        font = font_file(family, bold, italic) or font
    fontopt = f"fontfile={path_value(font)}:" if font else ""
    return (f"drawtext={fontopt}textfile={path_value(text_file)}:expansion=none:fontcolor={color}:fontsize={size}"
            f"{_text_style(clip)}"
            f":x=w*{_num(x)}-text_w/2:y=h*{_num(y)}-text_h/2:enable='between(t,{_num(start)},{_num(end)})'")


def preflight(doc: dict[str, Any], sources: dict[str, Source]) -> float:
    """What refuses an export before any work, cheaply (no sampling): an empty timeline, a clip
    whose media is gone. The output's duration."""
    duration = timeline_end(doc)
    if duration <= 0:
        raise AppError("empty_timeline", "The timeline is empty: add clips before exporting.")
    for track in doc["tracks"]:
        if track["kind"] not in ("text", "captions"):
            for clip in track["clips"]:
                if clip["media_id"] not in sources:
                    raise AppError("missing_media", "A clip refers to media that is no longer in the library.")
    return duration


def build_export_args(doc: dict[str, Any], sources: dict[str, Source], out: Path, work_dir: Path,
                      font: str | None, check: Callable[[], None] | None = None) -> tuple[list[str], float]:
    """Return (ffmpeg arguments, output duration). Text for drawtext goes in files in work_dir
    so no user text is ever parsed as filter syntax; the graph goes in work_dir too. `check()` is
    called between clips and every few thousand samples; it may raise to stop the building (a
    cancelled export)."""
    with watched(check) if check is not None else nullcontext():
        return _build(doc, sources, out, work_dir, font, check or (lambda: None))


def _build(doc: dict[str, Any], sources: dict[str, Source], out: Path, work_dir: Path, font: str | None,
           check: Callable[[], None]) -> tuple[list[str], float]:
    duration = preflight(doc, sources)
    w, h, fps = int(doc["width"]), int(doc["height"]), float(doc["fps"])
    inputs: list[str] = []
    graph: list[str] = [f"color=c=black:s={w}x{h}:r={_num(fps)}:d={_num(duration)},format=yuv420p[base0]",
                        f"anullsrc=r=48000:cl=stereo,atrim=0:{_num(duration)}[sil]"]
    audio_pads = ["[sil]"]
    canvas = "base0"
    layout = Canvas(w, h, fps)
    n_in = 0
    overlay_n = 0
    texts: list[str] = []
    # Bottom track first, so the first track in the document ends on top.
    for track in reversed(doc["tracks"]):
        if track["kind"] == "text":
            if not track.get("hidden"):
                for clip in track["clips"]:
                    tf = work_dir / f"text-{len(texts)}.txt"
                    tf.write_text(str(clip.get("text", "")), "utf-8")
                    texts.append(_text_filter(clip, font, tf, h))
            continue
        if track["kind"] == "captions":
            for clip in caption_clips(track, w, h):
                tf = work_dir / f"text-{len(texts)}.txt"
                tf.write_text(clip["text"], "utf-8")
                texts.append(_text_filter(clip, font, tf, h))
            continue
        track_volume = float(track.get("volume", 1.0))
        for placed in place_track(track):
            check()
            clip = placed.clip
            src = sources.get(clip["media_id"])
            if src is None:
                raise AppError("missing_media", "A clip refers to media that is no longer in the library.")
            show_picture = track["kind"] == "video" and not track.get("hidden") and src.has_video
            use_audio = not track.get("muted") and src.has_audio and plays_own_sound(clip)
            if not (show_picture or use_audio):
                continue
            i = n_in
            layer = picture(placed, f"[{i}:v]", i, layout, work_dir) if show_picture else None
            if layer is None and not use_audio:
                continue  # shorter than a frame, and silent
            source_span = float(clip["out"]) - float(clip["in"])  # speed changes the timeline length, not this
            if src.kind == "image":
                inputs += ["-loop", "1", "-framerate", _num(fps), "-t", _num(source_span), "-i", str(src.path)]
            else:
                inputs += ["-ss", _num(float(clip["in"])), "-t", _num(source_span), "-i", str(src.path)]
            n_in += 1
            if layer is not None:
                chain, overlay = layer
                overlay_n += 1
                graph.append(chain)
                nxt = f"base{overlay_n}"
                graph.append(f"[{canvas}][v{i}]{overlay}[{nxt}]")
                canvas = nxt
            if use_audio:
                graph.append(sound(placed, f"[{i}:a]", i, track_volume, work_dir))
                audio_pads.append(f"[a{i}]")
    video_out = canvas
    if texts:
        graph.append(f"[{canvas}]{','.join(texts)}[vtext]")
        video_out = "vtext"
    graph.append(f"[{video_out}]format=yuv420p,trim=0:{_num(duration)}[vout]")
    graph.append(f"{''.join(audio_pads)}amix=inputs={len(audio_pads)}:duration=first:normalize=0:dropout_transition=0,"
                 f"atrim=0:{_num(duration)}[aout]")
    graph_args = write_graph(";".join(graph), work_dir / "graph.txt")
    args = [*inputs, *graph_args, "-map", "[vout]", "-map", "[aout]",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-r", _num(fps),
            "-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-t", _num(duration), "-movflags", "+faststart",
            "-f", "mp4", str(out)]
    return args, duration
