"""The built-in offline generator: a real H.264/AAC MP4 rendered by ffmpeg, its picture and
tone seeded by the prompt (or animated from a library image). No key, no network."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

from ..media.encode import EncodeCancelled, run_ffmpeg, seekable_keyframes
from ..media.filtergraph import path_value
from ..media.fonts import find_font
from ..media.probe import probe
from .base import GeneratedFile, GenerationError, JobCancelled, JobContext

_HEIGHTS = {"360p": 360, "540p": 540, "720p": 720, "1080p": 1080}


def frame_size(resolution: str, aspect_ratio: str) -> tuple[int, int]:
    """The short side is the named resolution, as video services count it."""
    short = _HEIGHTS[resolution]
    a, b = (int(x) for x in aspect_ratio.split(":"))
    long = round(short * max(a, b) / min(a, b) / 2) * 2
    return (long, short) if a >= b else (short, long)


def seed_of(prompt: str) -> bytes:
    return hashlib.sha256(prompt.encode("utf-8")).digest()


def palette(prompt: str) -> list[str]:
    """Three colours derived from the prompt: the same prompt always looks the same."""
    s = seed_of(prompt)
    return [f"0x{s[i]:02x}{s[i + 1]:02x}{s[i + 2]:02x}" for i in (0, 3, 6)]


def _caption(ctx: JobContext, font: str | None, text_file: Path, size: int, centre: bool) -> str:
    if font is None:
        return ""
    y = "(h-text_h)/2+sin(t*1.7)*h/30" if centre else "h-text_h-h/12"
    return (f",drawtext=fontfile={path_value(font)}:textfile={path_value(text_file)}:expansion=none"
            f":fontcolor=white:fontsize={size}:line_spacing={size // 4}:x=(w-text_w)/2:y={y}"
            f":box=1:boxcolor=black@0.35:boxborderw={size // 2}")


class LocalProvider:
    def generate(self, ctx: JobContext) -> GeneratedFile:
        if ctx.model["mode"] == "video":
            return self._retake(ctx)
        p = ctx.params
        width, height = frame_size(p["resolution"], p["aspect_ratio"])
        fps, duration = int(p["fps"]), float(p["duration"])
        # takes of one prompt differ by their seed; a lone job looks as it always did
        seed = seed_of(ctx.prompt if ctx.seed is None else f"{ctx.prompt}\n#take-seed {ctx.seed}")
        font = find_font()
        fontsize = max(16, height // 15)
        columns = max(12, int(width / (fontsize * 0.62)))
        lines = textwrap.wrap(ctx.prompt, columns)[:4] or [" "]
        text_file = ctx.temp_dir / f"{ctx.job_id}.txt"
        out = ctx.temp_dir / f"{ctx.job_id}.mp4"
        ctx.temp_dir.mkdir(parents=True, exist_ok=True)
        text_file.write_text("\n".join(lines), "utf-8")
        tone = 180 + seed[9] % 240
        audio = (f"sine=frequency={tone}:sample_rate=48000:duration={duration},volume=0.5,"
                 f"afade=t=in:d={min(0.5, duration / 4)},afade=t=out:st={max(0, duration - 0.5)}:d=0.5")
        frames = max(1, round(duration * fps))
        last = ctx.inputs.get("last_frame_url")
        if ctx.model["mode"] == "image" and last is not None:
            if ctx.image_path is None:
                raise GenerationError("image_required", "Choose a first frame.", field="image_media_id")
            # first/last frame: a crossfade that shows exactly the first image on the first frame
            # and exactly the last image on the last one, so a filled gap joins both neighbours
            span = max(1, frames - 1) / fps
            fit = (f"scale={width}:{height}:force_original_aspect_ratio=increase,crop={width}:{height},"
                   f"setsar=1,format=yuv420p")
            # xfade, not a blend expression: an expression evaluated per pixel took minutes at 720p
            picture = (f"[0:v]{fit}[a];[1:v]{fit}[b];[a][b]xfade=transition=fade:duration={span:.6f}:offset=0,"
                       f"format=yuv420p[v]")
            loop = ["-loop", "1", "-framerate", str(fps), "-t", f"{duration}"]
            inputs = [*loop, "-i", str(ctx.image_path), *loop, "-i", str(last), "-f", "lavfi", "-i", audio]
            audio_map = "2:a"
        elif ctx.model["mode"] == "image":
            if ctx.image_path is None:
                raise GenerationError("image_required", "Choose an image for image-to-video.", field="image_media_id")
            picture = (f"[0:v]scale={width * 2}:{height * 2}:force_original_aspect_ratio=increase,"
                       f"crop={width * 2}:{height * 2},zoompan=z='1+0.2*on/{frames}'"
                       f":x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d={frames}:s={width}x{height}:fps={fps}"
                       f"{_caption(ctx, font, text_file, fontsize * 3 // 4, centre=False)},format=yuv420p[v]")
            inputs = ["-i", str(ctx.image_path), "-f", "lavfi", "-i", audio]
            audio_map = "1:a"
        else:
            c0, c1, c2 = palette(ctx.prompt)
            kind = ("linear", "radial", "circular", "spiral", "square")[seed[10] % 5]
            picture = (f"gradients=s={width}x{height}:r={fps}:d={duration}:c0={c0}:c1={c1}:c2={c2}:nb_colors=3"
                       f":speed={0.01 + seed[11] / 255 * 0.04:.4f}:seed={int.from_bytes(seed[12:16], 'big')}"
                       f":type={kind}{_caption(ctx, font, text_file, fontsize, centre=True)},format=yuv420p[v]")
            # the picture is a source inside the filter graph, so the tone is the only input
            inputs = ["-f", "lavfi", "-i", audio]
            audio_map = "0:a"
        args = [*inputs, "-filter_complex", picture, "-map", "[v]", "-map", audio_map,
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-r", str(fps), *seekable_keyframes(fps),
            "-c:a", "aac", "-b:a", "96k", "-t", f"{duration}", "-frames:v", str(frames),
            "-movflags", "+faststart", str(out)]
        ctx.report("generating", 0.0, "Rendering offline")
        try:
            run_ffmpeg(args, duration=duration, cancel=ctx.cancel_event, what="The offline generator",
                       on_progress=lambda f: ctx.report("generating", f))
        except EncodeCancelled:
            out.unlink(missing_ok=True)
            raise JobCancelled() from None
        except BaseException:
            out.unlink(missing_ok=True)
            raise
        finally:
            text_file.unlink(missing_ok=True)
        return GeneratedFile(path=out, remote_url=None, cost=0.0)

    def _retake(self, ctx: JobContext) -> GeneratedFile:
        """Retake, offline: a copy of the whole source in which [start_time, start_time + duration]
        is drawn again in the text-to-video look of the prompt, so the change is plain to see and
        the copy lines up frame for frame with the source (a clip keeps its trims on it)."""
        source = ctx.inputs.get("video_url")
        if source is None:
            raise GenerationError("input_required", "Choose the video to retake.", field="video_media_id")
        info = probe(Path(source))
        if not info.width or not info.height or not info.duration:
            raise GenerationError("input_required", "The video to retake has no picture.", field="video_media_id")
        width, height = info.width // 2 * 2, info.height // 2 * 2
        fps = max(1, round(info.fps or 25))
        length = float(info.duration)
        start = float(ctx.params["start_time"])
        end = min(length, start + float(ctx.params["duration"]))
        if start >= length - 1e-3:
            raise GenerationError("invalid_param", f"The range starts at {start:g} s, after the video's end "
                                  f"({length:g} s).", field="start_time")
        seed = seed_of(ctx.prompt if ctx.seed is None else f"{ctx.prompt}\n#take-seed {ctx.seed}")
        c0, c1, c2 = palette(ctx.prompt)
        font = find_font()
        fontsize = max(16, height // 15)
        text_file = ctx.temp_dir / f"{ctx.job_id}.txt"
        out = ctx.temp_dir / f"{ctx.job_id}.mp4"
        ctx.temp_dir.mkdir(parents=True, exist_ok=True)
        text_file.write_text("\n".join(textwrap.wrap(ctx.prompt, max(12, int(width / (fontsize * 0.62))))[:4] or [" "]),
                             "utf-8")
        look = (f"gradients=s={width}x{height}:r={fps}:d={length}:c0={c0}:c1={c1}:c2={c2}:nb_colors=3"
                f":speed={0.01 + seed[11] / 255 * 0.04:.4f}:seed={int.from_bytes(seed[12:16], 'big')}"
                f"{_caption(ctx, font, text_file, fontsize, centre=True)},format=yuv420p")
        picture = (f"[0:v]scale={width}:{height},setsar=1,format=yuv420p[src];{look}[new];"
                   f"[src][new]overlay=enable='between(t,{start:.6f},{end:.6f})':eof_action=pass,format=yuv420p[v]")
        sound = ["-map", "0:a:0", "-c:a", "aac", "-b:a", "128k"] if info.audio_codec else []
        args = ["-i", str(source), "-filter_complex", picture, "-map", "[v]", *sound,
                "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-r", str(fps), *seekable_keyframes(fps),
                "-t", f"{length}", "-movflags", "+faststart", str(out)]
        ctx.report("generating", 0.0, "Retaking offline")
        try:
            run_ffmpeg(args, duration=length, cancel=ctx.cancel_event, what="The offline retake",
                       on_progress=lambda f: ctx.report("generating", f))
        except EncodeCancelled:
            out.unlink(missing_ok=True)
            raise JobCancelled() from None
        except BaseException:
            out.unlink(missing_ok=True)
            raise
        finally:
            text_file.unlink(missing_ok=True)
        return GeneratedFile(path=out, remote_url=None, cost=0.0)

    def cancel(self, ctx: JobContext) -> None:
        """Nothing remote to cancel: the cancel event kills ffmpeg."""
