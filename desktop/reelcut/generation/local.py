"""The built-in offline generator: a real H.264/AAC MP4 rendered by ffmpeg, its picture and
tone seeded by the prompt (or animated from a library image). No key, no network."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path

from ..media.encode import EncodeCancelled, run_ffmpeg, seekable_keyframes
from ..media.filtergraph import path_value
from ..media.fonts import find_font
from ..media.probe import probe
from . import registry
from .base import GeneratedFile, GenerationError, JobCancelled, JobContext

ESPEAK = "espeak-ng"

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


def _render(ctx: JobContext, args: list[str], out: Path, duration: float, what: str,
            cleanup: tuple[Path, ...] = ()) -> GeneratedFile:
    """Run ffmpeg to `out`; nothing half-written stays when it fails or is cancelled."""
    ctx.report("generating", 0.0, f"Rendering offline: {what}")
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
        for path in cleanup:
            path.unlink(missing_ok=True)
    return GeneratedFile(path=out, remote_url=None, cost=0.0)


def _input_of(ctx: JobContext, name: str, what: str) -> Path:
    path = ctx.inputs.get(name)
    if path is None:
        raise GenerationError("input_required", f"{ctx.model['name']} needs {what}.", field="video_media_id")
    return path


def espeak_path() -> str:
    """The espeak-ng program, or the error that says how to install it."""
    found = shutil.which(ESPEAK)
    if found is None:
        raise GenerationError("missing_tool", "The offline voice-over needs espeak-ng, which is not installed: "
                              "install the Debian package espeak-ng (apt-get install espeak-ng), or use a "
                              "fal.ai voice.")
    return found


class LocalProvider:
    def generate(self, ctx: JobContext) -> GeneratedFile:
        ctx.temp_dir.mkdir(parents=True, exist_ok=True)
        output, mode = registry.output_of(ctx.model), ctx.model["mode"]
        if ctx.model.get("task") == "upscale":
            return self._upscale(ctx)
        special: dict[tuple[str, str], Callable[[JobContext], GeneratedFile]] = {
            ("image", "text"): self._still, ("audio", "text"): self._speech, ("audio", "video"): self._tone_bed}
        if (output, mode) in special:
            return special[(output, mode)](ctx)
        if mode == "video":  # a video made again from a video: Retake
            return self._retake(ctx)
        return self._video(ctx)

    @staticmethod
    def _still(ctx: JobContext) -> GeneratedFile:
        """Text to image: one frame of the prompt's own gradient with the prompt written on it,
        at the requested size, as a PNG."""
        p = ctx.params
        width, height = frame_size(p["resolution"], p["aspect_ratio"])
        seed = seed_of(ctx.prompt if ctx.seed is None else f"{ctx.prompt}\n#take-seed {ctx.seed}")
        font = find_font()
        fontsize = max(16, height // 15)
        columns = max(12, int(width / (fontsize * 0.62)))
        text_file = ctx.temp_dir / f"{ctx.job_id}.txt"
        text_file.write_text("\n".join(textwrap.wrap(ctx.prompt, columns)[:6] or [" "]), "utf-8")
        out = ctx.temp_dir / f"{ctx.job_id}.png"
        c0, c1, c2 = palette(ctx.prompt)
        kind = ("linear", "radial", "circular", "spiral", "square")[seed[10] % 5]
        picture = (f"gradients=s={width}x{height}:r=1:d=1:c0={c0}:c1={c1}:c2={c2}:nb_colors=3"
                   f":seed={int.from_bytes(seed[12:16], 'big')}:type={kind}"
                   f"{_caption(ctx, font, text_file, fontsize, centre=True)},format=rgb24")
        args = ["-f", "lavfi", "-i", picture, "-frames:v", "1", "-update", "1", str(out)]
        return _render(ctx, args, out, 1.0, "a still", cleanup=(text_file,))

    @staticmethod
    def _speech(ctx: JobContext) -> GeneratedFile:
        """Text to speech with Debian's espeak-ng (a real voice, offline), as AAC in M4A."""
        program = espeak_path()
        p = ctx.params
        text_file = ctx.temp_dir / f"{ctx.job_id}.txt"
        text_file.write_text(ctx.prompt, "utf-8")
        wav = ctx.temp_dir / f"{ctx.job_id}-voice.wav"
        ctx.report("generating", 0.0, "Speaking the text offline (espeak-ng)")
        try:
            done = subprocess.run([program, "-v", str(p["voice"]), "-s", str(int(p["speed"])), "-f", str(text_file),
                                   "-w", str(wav)], capture_output=True, timeout=120, check=False,
                                  env={**os.environ, "LC_ALL": "C.UTF-8"})
        except subprocess.TimeoutExpired:
            wav.unlink(missing_ok=True)
            text_file.unlink(missing_ok=True)
            raise GenerationError("generation_failed", "espeak-ng took more than two minutes.") from None
        if done.returncode != 0 or not wav.exists() or wav.stat().st_size <= 44:
            wav.unlink(missing_ok=True)
            text_file.unlink(missing_ok=True)
            tail = done.stderr.decode("utf-8", "replace").strip()[-300:]
            raise GenerationError("generation_failed", f"espeak-ng could not speak the text: {tail or 'no sound'}.")
        ctx.check_cancelled()
        out = ctx.temp_dir / f"{ctx.job_id}.m4a"
        seconds = probe(wav).duration or 1.0
        # ingest wants a format the page plays everywhere: 48 kHz AAC, as the other generators make
        args = ["-i", str(wav), "-ar", "48000", "-ac", "1", "-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart",
                str(out)]
        return _render(ctx, args, out, seconds, "a voice-over", cleanup=(wav, text_file))

    @staticmethod
    def _tone_bed(ctx: JobContext) -> GeneratedFile:
        """Video to audio: a soft chord seeded by the prompt, as long as the whole video (its clip
        on the timeline plays the same span of both)."""
        source = _input_of(ctx, "video_url", "a video")
        seconds = probe(source).duration or 1.0
        seed = seed_of(ctx.prompt if ctx.seed is None else f"{ctx.prompt}\n#take-seed {ctx.seed}")
        root = 110 + seed[9] % 110
        tones = [f"sine=frequency={root * r:.2f}:sample_rate=48000:duration={seconds}" for r in (1, 1.25, 1.5)]
        graph = (";".join(f"{t}[t{i}]" for i, t in enumerate(tones))
                 + ";[t0][t1][t2]amix=inputs=3:normalize=0,volume=1.2,tremolo=f=0.5:d=0.3,"
                 f"afade=t=in:d={min(0.5, seconds / 4)},afade=t=out:st={max(0.0, seconds - 0.5)}:d=0.5[a]")
        out = ctx.temp_dir / f"{ctx.job_id}.m4a"
        args = ["-filter_complex", graph, "-map", "[a]", "-c:a", "aac", "-b:a", "96k", "-t", f"{seconds}",
                "-movflags", "+faststart", str(out)]
        return _render(ctx, args, out, seconds, "a tone bed")

    @staticmethod
    def _upscale(ctx: JobContext) -> GeneratedFile:
        """Video upscale: twice the width and height with a Lanczos filter, the sound copied."""
        source = _input_of(ctx, "video_url", "a video")
        info = probe(source)
        seconds = info.duration or 1.0
        out = ctx.temp_dir / f"{ctx.job_id}.mp4"
        fps = round(info.fps or 25)
        args = ["-i", str(source), "-map", "0:v:0", "-map", "0:a:0?", "-vf",
                "scale=trunc(iw*2/2)*2:trunc(ih*2/2)*2:flags=lanczos,format=yuv420p",
                "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", *seekable_keyframes(fps),
                "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", str(out)]
        return _render(ctx, args, out, seconds, "an upscale")

    @staticmethod
    def _video(ctx: JobContext) -> GeneratedFile:
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
        return _render(ctx, args, out, duration, "a clip", (text_file,))

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
        return _render(ctx, args, out, length, "the retake", (text_file,))

    def cancel(self, ctx: JobContext) -> None:
        """Nothing remote to cancel: the cancel event kills ffmpeg."""
