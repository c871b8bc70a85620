"""Smart render, the reading and the copying: what the plan (render/plan.py) needs to know of
each source (read with PyAV: its streams' parameters and its video keyframes, from the packets'
flags, without decoding), and the export by stream copy (ffmpeg's concat demuxer with -c copy,
through run_ffmpeg, so progress and Cancel work as for an encode)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av

from ..errors import AppError
from ..media.compose import Source
from ..media.encode import EncodeCancelled

# av's enum values for colour, by name (untagged is "unknown")
_RANGE = {0: "unknown", 1: "tv", 2: "pc"}
_SPACE = {0: "rgb", 1: "bt709", 2: "unknown", 5: "bt470bg", 6: "smpte170m", 9: "bt2020nc", 10: "bt2020c"}
_PRIMARIES = {1: "bt709", 2: "unknown", 5: "bt470bg", 6: "smpte170m", 9: "bt2020"}
_TRC = {1: "bt709", 2: "unknown", 6: "smpte170m", 13: "iec61966-2-1", 16: "smpte2084", 18: "arib-std-b67"}


def _name(table: dict[int, str], value: Any) -> str:
    try:
        return table.get(int(value), str(int(value)))
    except (TypeError, ValueError):
        return "unknown"


def source_info(src: Source, check: Callable[[], None] = lambda: None) -> dict[str, Any]:
    """What the plan needs of one source. Raises AppError when the file cannot be read."""
    if src.kind != "video" or not src.has_video:
        return {"kind": src.kind, "video": None, "audio": None}
    with av.open(str(src.path)) as c:
        if not c.streams.video:
            return {"kind": src.kind, "video": None, "audio": None}
        v = c.streams.video[0]
        cc = v.codec_context
        avg, base = v.average_rate, v.base_rate
        fps = float(avg) if avg else float(base or 0)
        sar = cc.sample_aspect_ratio
        keyframes = []
        for n, packet in enumerate(c.demux(v)):
            if n % 512 == 0:
                check()
            if packet.is_keyframe and packet.pts is not None:
                keyframes.append(float(packet.pts * packet.time_base))
        start = float(v.start_time * v.time_base) if v.start_time is not None else 0.0
        duration = float(v.duration * v.time_base) if v.duration else float(c.duration or 0) / av.time_base
        video = {"codec": cc.name, "profile": cc.profile, "width": cc.width, "height": cc.height,
                 "pix_fmt": cc.pix_fmt, "fps": fps,
                 "constant_rate": bool(avg and base and abs(float(avg) - float(base)) < 1e-3 * float(base)),
                 "sar": f"{sar.numerator}:{sar.denominator}" if sar else None,
                 "color_range": _name(_RANGE, cc.color_range), "color_space": _name(_SPACE, cc.colorspace),
                 "color_primaries": _name(_PRIMARIES, cc.color_primaries), "color_trc": _name(_TRC, cc.color_trc),
                 "duration": duration, "keyframes": sorted(k - start for k in keyframes),
                 "params": hashlib.sha256(bytes(cc.extradata or b"")).hexdigest()[:16]}
        audio = None
        if c.streams.audio:
            stream = c.streams.audio[0]
            a = stream.codec_context
            audio = {"codec": a.name, "profile": a.profile, "rate": a.sample_rate, "channels": a.channels,
                     "duration": float(stream.duration * stream.time_base) if stream.duration else None}
    return {"kind": "video", "video": video, "audio": audio}


def sources_info(doc: dict[str, Any], sources: dict[str, Source],
                 check: Callable[[], None] = lambda: None) -> dict[str, Any]:
    """source_info of every media the visible video tracks use. A file that is gone, has
    changed since it was imported (another size) or cannot be read is an error naming the clip:
    copying its packets would fail, or copy something else."""
    info: dict[str, Any] = {}
    for track in doc["tracks"]:
        if track["kind"] != "video" or track.get("hidden"):
            continue
        for clip in track["clips"]:
            mid = clip["media_id"]
            if mid in info or mid not in sources:
                continue
            check()
            src = sources[mid]
            name = src.name or src.path.name
            try:
                size = src.path.stat().st_size
            except OSError as exc:
                raise AppError("source_missing", f"The clip '{name}' has lost its file since it was imported "
                                                 f"({src.path.name}). Re-import it.") from exc
            if src.size is not None and size != src.size:
                raise AppError("source_changed", f"The clip '{name}' has changed since it was imported (its file "
                                                 f"is {size} bytes, it was {src.size}). Re-import it.")
            try:
                info[mid] = source_info(src, check)
            except (av.FFmpegError, OSError) as exc:
                raise AppError("source_unreadable", f"The clip '{name}' cannot be read: its file is damaged. "
                                                    "Re-import it.") from exc
    return info


AUDIO_FRAME = 1024  # samples in an AAC LC frame


def copy_render(doc: dict[str, Any], plan: dict[str, Any], sources: dict[str, Source], out: Path, duration: float,
                *, on_progress: Callable[[float], None] | None = None,
                cancel: threading.Event | None = None) -> None:
    """Write the export by copying each planned clip's packets, picture and sound, back to back
    (a PyAV remux: no decoding). The picture's timestamps are the source's, moved to where the
    timeline puts the clip, so frame n of the export is at n / fps with no gap at a cut. The
    sound is laid frame after frame with no gap either: a clip's sound frames are copied while
    they start before its end on the timeline (less half a frame), so the sound never drifts
    more than half an AAC frame (10.7 ms at 48 kHz) from the picture, however many clips. An
    encoder's priming frame (negative time) is kept for the first clip only (the MP4's edit
    list skips it); the later clips' are dropped, as their time is already the previous clip's."""
    clips = {c["id"]: c for t in doc["tracks"] if t["kind"] == "video" for c in t["clips"]}
    stretches = [s for s in plan["stretches"] if s["action"] == "copy"]
    first = sources[clips[stretches[0]["clip_id"]]["media_id"]]
    apos = 0  # the next sound frame's place on the export's timeline, in samples
    done = 0
    with av.open(str(first.path)) as template, av.open(str(out), "w", format="mp4",
                                                        options={"movflags": "+faststart"}) as dst:
        ov = dst.add_stream_from_template(template.streams.video[0])
        oa = dst.add_stream_from_template(template.streams.audio[0])
        rate = template.streams.audio[0].codec_context.sample_rate
        for n, stretch in enumerate(stretches):
            clip = clips[stretch["clip_id"]]
            src = sources[clip["media_id"]]
            offset, end = float(stretch["start"]), float(stretch["end"])
            cin, cout = float(clip["in"]), float(clip["out"])
            if cancel is not None and cancel.is_set():
                raise EncodeCancelled()
            try:
                with av.open(str(src.path)) as c:
                    v, a = c.streams.video[0], c.streams.audio[0]
                    v_start = float(v.start_time * v.time_base) if v.start_time is not None else 0.0
                    a_start = float(a.start_time * a.time_base) if a.start_time is not None else 0.0
                    if cin > 0:
                        c.seek(round((cin + v_start) / v.time_base), stream=v, backward=True)
                    for packet in c.demux(v, a):
                        done += 1
                        if done % 256 == 0 and cancel is not None and cancel.is_set():
                            raise EncodeCancelled()
                        if packet.pts is None or packet.size == 0:
                            continue
                        tb = packet.time_base
                        if packet.stream is v:
                            t = float(packet.pts * tb) - v_start
                            if t < cin - 1e-6 or t >= cout - 1e-6:
                                continue
                            shift = round((offset - cin - v_start) / tb)
                            packet.pts += shift
                            if packet.dts is not None:
                                packet.dts += shift
                            packet.stream = ov
                        else:
                            t = float(packet.pts * tb) - a_start
                            if t < cin - 1e-6:
                                if n > 0 or cin > 0 or t < -0.5:
                                    continue  # before the in point, or a later clip's priming
                                # the first clip's priming frame: before 0, as in its source
                                packet.pts = packet.dts = round(-AUDIO_FRAME / rate / tb)
                            else:
                                if apos + AUDIO_FRAME / 2 > end * rate:
                                    continue
                                packet.pts = packet.dts = round(apos / rate / tb)
                                apos += AUDIO_FRAME
                            packet.duration = round(AUDIO_FRAME / rate / tb)
                            packet.stream = oa
                        dst.mux(packet)
                    if on_progress is not None and duration > 0:
                        on_progress(min(1.0, end / duration))
            except av.FFmpegError as exc:
                name = src.name or src.path.name
                raise AppError("source_unreadable", f"The clip '{name}' could not be copied: its file cannot be "
                                                    f"read ({exc.strerror or exc}).") from exc
