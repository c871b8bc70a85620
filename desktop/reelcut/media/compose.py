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
from .animation import clip_length, opacity_at, property_at, watched
from .captions import caption_clips
from .commands import num as _num
from .filtergraph import path_value, write_graph
from .fonts import DEFAULT_BOLD, DEFAULT_ITALIC, font_file, is_default_style
from .layers import LEVEL, Canvas, by_time, picture
from .output import Output
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


def _title_size(clip: dict[str, Any], height: int) -> int:
    return max(8, int(clip.get("size") or height // 12))


def _over_time(clip: dict[str, Any], canvas: Canvas, value: Callable[[float], str], *animated: str) -> str:
    """An option of a title that may change over time: its value on every output frame the title
    shows, sampled from animation.py at the frame's time (as the preview computes it), written as
    a number when it holds still, else as an expression of the frame's time (layers.by_time).
    `animated`: the clip's fields that can make it change; without any, one sample is enough."""
    if not any((clip.get("keyframes") or {}).get(k) or (k.startswith("fade") and clip.get(k)) for k in animated):
        return value(0.0)
    start = float(clip["start"])
    runs: list[tuple[int, str]] = []
    for n in canvas.frames(start, start + float(clip["duration"])):
        v = value(n / canvas.fps - start)
        if not runs or runs[-1][1] != v:
            runs.append((n, v))
    if len(runs) <= 1:
        return runs[0][1] if runs else value(0.0)
    return f"'{by_time(runs, canvas.fps)}'"


def _text_filter(clip: dict[str, Any], font: str | None, text_file: Path, canvas: Canvas) -> str:
    """`font` is the default style's file (find_font()); a title of another style is drawn with
    fonts.font_file's choice for it. Its opacity (times its fades), centre and scale come from
    animation.py for each output frame: drawtext evaluates alpha, x, y and fontsize on every frame,
    so a title needs no sendcmd. Scale multiplies the font size (the outline, shadow and box
    padding keep their pixels), and the block stays centred on its point, as the preview draws it.
    A title that holds still gets plain numbers, so 700 still titles cost what they always did."""
    color = _drawtext_color(clip.get("color") or "#ffffff", "white")
    size = _title_size(clip, canvas.height)
    start, end = clip["start"], clip["start"] + clip["duration"]
    family, bold, italic = clip.get("font"), clip.get("bold", DEFAULT_BOLD), clip.get("italic", DEFAULT_ITALIC)
    if not is_default_style(family, bold, italic):
        font = font_file(family, bold, italic) or font
    fontopt = f"fontfile={path_value(font)}:" if font else ""
    fontsize = _over_time(clip, canvas, lambda t: str(max(1, round(size * property_at(clip, "scale", t)))), "scale")
    x = _over_time(clip, canvas, lambda t: _num(property_at(clip, "x", t)), "x")
    y = _over_time(clip, canvas, lambda t: _num(property_at(clip, "y", t)), "y")
    # quantized to the 8-bit alpha drawtext mixes with, so a slow fade writes one value a level
    alpha = _over_time(clip, canvas, lambda t: _num(
        round(min(1.0, max(0.0, opacity_at(clip, t))) / LEVEL) * LEVEL), "opacity", "fade_in", "fade_out")
    alpha_opt = "" if alpha == "1" else f":alpha={alpha}"
    # an expression is quoted whole: w*'…' would end the quote inside it
    xe = f"'w*{x[1:-1]}-text_w/2'" if x.startswith("'") else f"w*{x}-text_w/2"
    ye = f"'h*{y[1:-1]}-text_h/2'" if y.startswith("'") else f"h*{y}-text_h/2"
    return (f"drawtext={fontopt}textfile={path_value(text_file)}:expansion=none:fontcolor={color}:fontsize={fontsize}"
            f"{_text_style(clip)}{alpha_opt}"
            f":x={xe}:y={ye}:enable='between(t,{_num(start)},{_num(end)})'")


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
                      font: str | None, check: Callable[[], None] | None = None,
                      output: Output | None = None) -> tuple[list[str], float]:
    """Return (ffmpeg arguments, output duration). Text for drawtext goes in files in work_dir
    so no user text is ever parsed as filter syntax; the graph goes in work_dir too. `check()` is
    called between clips and every few thousand samples; it may raise to stop the building (a
    cancelled export). `output` (media/output.py, from the export settings) chooses the format,
    size, rate, quality and range; None is the H.264 MP4 of the whole canvas it always was."""
    with watched(check) if check is not None else nullcontext():
        return _build(doc, sources, out, work_dir, font, check or (lambda: None), output)


def _build(doc: dict[str, Any], sources: dict[str, Source], out: Path, work_dir: Path, font: str | None,
           check: Callable[[], None], output: Output | None = None) -> tuple[list[str], float]:
    duration = preflight(doc, sources)
    w, h = int(doc["width"]), int(doc["height"])
    # a chosen rate is composited at that rate: animated values are sampled per output frame
    fps = output.fps if output is not None else float(doc["fps"])
    want_video = output is None or output.has_video
    want_audio = output is None or output.has_audio
    inputs: list[str] = []
    graph: list[str] = []
    if want_video:
        graph.append(f"color=c=black:s={w}x{h}:r={_num(fps)}:d={_num(duration)},format=yuv420p[base0]")
    if want_audio:
        graph.append(f"anullsrc=r=48000:cl=stereo,atrim=0:{_num(duration)}[sil]")
    audio_pads = ["[sil]"]
    canvas = "base0"
    layout = Canvas(w, h, fps)
    n_in = 0
    overlay_n = 0
    texts: list[str] = []
    # Bottom track first, so the first track in the document ends on top.
    for track in reversed(doc["tracks"]):
        if track["kind"] == "text":
            if not track.get("hidden") and want_video:
                for clip in track["clips"]:
                    tf = work_dir / f"text-{len(texts)}.txt"
                    tf.write_text(str(clip.get("text", "")), "utf-8")
                    texts.append(_text_filter(clip, font, tf, layout))
            continue
        if track["kind"] == "captions":
            # sound only (an audio export, the mix sent to speech to text): no picture to draw on
            for clip in caption_clips(track, w, h) if want_video else []:
                tf = work_dir / f"text-{len(texts)}.txt"
                tf.write_text(clip["text"], "utf-8")
                texts.append(_text_filter(clip, font, tf, layout))
            continue
        track_volume = float(track.get("volume", 1.0))
        for placed in place_track(track):
            check()
            clip = placed.clip
            src = sources.get(clip["media_id"])
            if src is None:
                raise AppError("missing_media", "A clip refers to media that is no longer in the library.")
            show_picture = track["kind"] == "video" and not track.get("hidden") and src.has_video and want_video
            use_audio = not track.get("muted") and src.has_audio and plays_own_sound(clip) and want_audio
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
    if output is None:
        graph.append(f"[{video_out}]format=yuv420p,trim=0:{_num(duration)}[vout]")
        graph.append(f"{''.join(audio_pads)}amix=inputs={len(audio_pads)}:duration=first:normalize=0:"
                     f"dropout_transition=0,atrim=0:{_num(duration)}[aout]")
        graph_args = write_graph(";".join(graph), work_dir / "graph.txt")
        args = [*inputs, *graph_args, "-map", "[vout]", "-map", "[aout]",
                "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-r", _num(fps),
                "-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-t", _num(duration), "-movflags", "+faststart",
                "-f", "mp4", str(out)]
        return args, duration
    return _output_args(output, graph, inputs, video_out, audio_pads, w, h, duration, work_dir, out)


def _output_args(output: Output, graph: list[str], inputs: list[str], video_out: str, audio_pads: list[str],
                 w: int, h: int, duration: float, work_dir: Path, out: Path) -> tuple[list[str], float]:
    """The end of the graph and the encoder arguments for the export settings: the range cut
    out of the whole render (picture and sound by the same timestamps, so they stay in sync),
    then the scale (last, keeping the aspect: a frame of another shape is letterboxed), then the
    format's codecs."""
    fmt, level = output.fmt, output.level
    cut = f"trim={_num(output.start)}:{_num(output.end)},setpts=PTS-STARTPTS" \
        if output.start > 0 or output.end < duration - 1e-9 else f"trim=0:{_num(duration)}"
    maps: list[str] = []
    codec_args: list[str] = []
    if output.has_video:
        video = fmt["video"]
        chain = [f"[{video_out}]format=yuv420p", cut]
        ow, oh = output.width, output.height
        if output.letterbox:
            chain.append(f"scale={ow}:{oh}:force_original_aspect_ratio=decrease:force_divisible_by=2:flags=lanczos,"
                         f"pad={ow}:{oh}:(ow-iw)/2:(oh-ih)/2:color=black")
        elif (ow, oh) != (w, h):
            chain.append(f"scale={ow}:{oh}:flags=lanczos")
        chain.append("setsar=1")
        if video["encoder"] == "gif":
            # one palette for the whole export, made from its own frames: a GIF holds 256 colours
            graph.append(",".join(chain) + ",split[g0][g1]")
            graph.append(f"[g0]palettegen=max_colors={int(level['colors'])}:stats_mode=diff[pal]")
            graph.append(f"[g1][pal]paletteuse=dither={level['dither']}[vout]")
        else:
            chain.append(f"format={video['pix_fmt']}")
            graph.append(",".join(chain) + "[vout]")
        maps += ["-map", "[vout]"]
        codec_args += ["-c:v", video["encoder"]]
        if video.get("quality_arg"):
            codec_args += [video["quality_arg"], str(level["video"])]
        codec_args += [*video["args"], "-r", _num(output.fps)]
        if video["encoder"] != "gif":
            codec_args += ["-pix_fmt", video["pix_fmt"]]
    if output.has_audio:
        audio = fmt["audio"]
        acut = f"atrim={_num(output.start)}:{_num(output.end)},asetpts=PTS-STARTPTS" \
            if output.start > 0 or output.end < duration - 1e-9 else f"atrim=0:{_num(duration)}"
        graph.append(f"{''.join(audio_pads)}amix=inputs={len(audio_pads)}:duration=first:normalize=0:"
                     f"dropout_transition=0,{acut}[aout]")
        maps += ["-map", "[aout]"]
        codec_args += ["-c:a", audio["encoder"]]
        if not audio["encoder"].startswith("pcm_"):
            codec_args += ["-b:a", str(int(level["audio_bitrate"]))]
        codec_args += ["-ar", str(int(audio["rate"])), "-ac", str(int(audio.get("channels", 2)))]
    graph_args = write_graph(";".join(graph), work_dir / "graph.txt")
    if fmt["muxer"] in ("mp4", "mov", "ipod"):
        codec_args += ["-movflags", "+faststart"]
    args = [*inputs, *graph_args, *maps, *codec_args, "-t", _num(output.duration), "-f", fmt["muxer"], str(out)]
    return args, output.duration
