"""Smart render, the splice: an export whose plan (render/plan.py) copies some stretches and
encodes others. Only the encoded stretches are encoded (each run of them through the export's
own compositor, media/compose.py); their packets are then joined to the copied ones in one MP4.

How the two kinds of H.264 live in one track: an MP4 track has one sample description (one
avcC, the copied sources' SPS/PPS), and a decoder keeps every parameter set it has seen by its
id. So the encoded stretches are encoded by libx264 at the sources' profile and level with
their SPS and PPS under another id (x264's `sps-id`), and those parameter sets are put in-band
at the head of every keyframe of theirs. A copied GOP refers to the avcC's ids, an encoded
one to its own: neither redefines the other's, so the decoder meets no change of parameters
it was not told of, and Chromium (which adds the avcC's sets before each keyframe) reads the
same. Every join is then decoded by ffmpeg; one that logs an error is reported by the clips on
its sides (SpliceFailed), which the export then encodes whole.

Timestamps are rewritten on the timeline's frame grid: frame n of the export has pts n / fps;
the decode times are the packets' order, n - D frames, with D the largest reorder delay among
the joined pieces, so each decode time precedes its presentation in every piece.

The sound is copied (each clip's own frames, as copy_render lays them) when the plan copies
it and the clips follow one another with no gap; otherwise the whole sound is mixed and
encoded as a full export mixes it, and muxed beside the spliced picture."""

from __future__ import annotations

import heapq
import subprocess
import threading
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from ..errors import AppError
from ..media.animation import clip_length
from ..media.compose import Source, build_export_args
from ..media.encode import EncodeCancelled, run_ffmpeg
from ..media.ffmpeg import ffmpeg_exe
from . import settings as export_settings
from .plan import cut_to_range
from .smart import AUDIO_FRAME

TB = Fraction(1, 90000)  # every common frame duration is a whole number of 90 kHz ticks


class SpliceFailed(Exception):
    """A join did not decode cleanly; `clips`: the ids of the copied clips beside it."""

    def __init__(self, clips: set[str], detail: str) -> None:
        super().__init__(detail)
        self.clips = clips


def _avcc(extradata: bytes) -> tuple[int, list[bytes], list[bytes], int]:
    """(NAL length size, SPSs, PPSs, level_idc) of an avcC record."""
    if len(extradata) < 7 or extradata[0] != 1:
        raise ValueError("not an avcC record")
    length = (extradata[4] & 3) + 1
    pos, sets = 5, []
    for mask in (0x1F, 0xFF):
        n = extradata[pos] & mask
        pos += 1
        found = []
        for _ in range(n):
            size = int.from_bytes(extradata[pos:pos + 2], "big")
            found.append(extradata[pos + 2:pos + 2 + size])
            pos += 2 + size
        sets.append(found)
    return length, sets[0], sets[1], extradata[3]


def _ue(data: bytes, bit: int) -> tuple[int, int]:
    """An Exp-Golomb number at `bit`: (value, the next bit)."""
    def at(i: int) -> int:
        return (data[i // 8] >> (7 - i % 8)) & 1
    zeros = 0
    while at(bit + zeros) == 0:
        zeros += 1
    value = 0
    for i in range(zeros + 1):
        value = value << 1 | at(bit + zeros + i)
    return value - 1, bit + 2 * zeros + 1


def _ids(sps: list[bytes], pps: list[bytes]) -> set[int]:
    """The ids the sources' parameter sets use (SPS ids and PPS ids share x264's one number)."""
    ids = {_ue(s, 32)[0] for s in sps}  # after the NAL header, profile, constraints, level
    ids |= {_ue(p, 8)[0] for p in pps}
    return ids


def _nal_types(data: bytes, length: int) -> set[int]:
    types, pos = set(), 0
    while pos + length <= len(data):
        size = int.from_bytes(data[pos:pos + length], "big")
        if pos + length < len(data):
            types.add(data[pos + length] & 0x1F)
        pos += length + size
    return types


def exact_cut(doc: dict[str, Any], a: float, b: float) -> bool:
    """Whether cutting the document to [a, b) renders what the whole render shows there: no
    clip cut by the range has anything that depends on its own start (fades, keyframes,
    transitions). Otherwise the whole timeline is rendered and the range kept."""
    for track in doc["tracks"]:
        for clip in track["clips"]:
            s = float(clip["start"])
            e = s + (clip_length(clip) if "media_id" in clip else float(clip.get("duration") or 0))
            if e <= a + 1e-9 or s >= b - 1e-9 or (s >= a - 1e-9 and e <= b + 1e-9):
                continue
            if (float(clip.get("fade_in") or 0) > 0 or float(clip.get("fade_out") or 0) > 0
                    or any(clip.get("keyframes") or {}) or clip.get("transition_in") or "media_id" not in clip):
                return False
    # a transition into the clip after the range reaches back into it
    return not any(c.get("transition_in") for t in doc["tracks"] for c in t["clips"]
                   if abs(float(c.get("start", -1)) - b) < 1e-6)


def _segments(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The plan's stretches as the pieces joined: each copied stretch, and each run of encoded
    ones."""
    out: list[dict[str, Any]] = []
    for s in plan["stretches"]:
        if s["action"] == "encode" and out and out[-1]["action"] == "encode":
            out[-1]["end"] = s["end"]
        else:
            out.append(dict(s))
    return out


class _Splicer:
    def __init__(self, doc: dict[str, Any], plan: dict[str, Any], sources: dict[str, Source], work: Path,
                 font: str | None, cancel: threading.Event | None, check: Callable[[], None]) -> None:
        self.doc, self.plan, self.sources, self.work, self.font = doc, plan, sources, work, font
        self.cancel, self.check = cancel, check
        self.fps = float(doc["fps"])
        self.clips = {c["id"]: c for t in doc["tracks"] if t["kind"] == "video" for c in t["clips"]}
        self.segments = _segments(plan)
        first = next(s for s in self.segments if s["action"] == "copy")
        self.template = sources[self.clips[first["clip_id"]]["media_id"]]
        with av.open(str(self.template.path)) as c:
            extradata = bytes(c.streams.video[0].codec_context.extradata or b"")
        self.length, sps, pps, self.level = _avcc(extradata)
        self.sps_id = min(set(range(32)) - _ids(sps, pps))

    def encode(self, name: str, doc: dict[str, Any], a: float, b: float, keys: list[float]) -> Path:
        """Encode [a, b) of `doc`, spliceable: the sources' profile and level, parameter sets
        under their own id and in-band, an IDR at each of `keys`."""
        out = self.work / f"{name}.mp4"
        args, _ = build_export_args(doc, self.sources, out, self.work, self.font, check=self.check)
        at = args.index("libx264") + 1
        args[at:at] = ["-profile:v", "high", "-level:v", f"{self.level / 10:g}",
                       "-x264-params", f"sps-id={self.sps_id}:repeat-headers=1", "-forced-idr", "1"]
        if keys:
            args[at:at] = ["-force_key_frames", ",".join(f"{k:.6f}" for k in keys)]
        t = len(args) - 1 - args[::-1].index("-t")  # the output's duration, after every input's own
        args[t + 1] = f"{b - a:.6f}"
        if a > 0:  # the whole render, kept from a (an output seek decodes and drops what is before)
            args[t:t] = ["-ss", f"{a:.6f}"]
        run_ffmpeg(args, duration=b - a, cancel=self.cancel, what="The export")
        return out

    def joined(self, ranges: list[tuple[float, float]]) -> tuple[dict[str, Any], list[float]]:
        """One document of the ranges cut out of the timeline and laid back to back (one
        ffmpeg encodes them all), and where each begins in it. A hidden, muted clip as long as
        them all keeps a gap at the end from shortening it (it is neither shown nor heard)."""
        tracks = [{**t, "clips": []} for t in self.doc["tracks"]]
        offsets, at = [], 0.0
        for k, (a, b) in enumerate(ranges):
            cut = cut_to_range(self.doc, a, b)
            for dst, src in zip(tracks, cut["tracks"], strict=True):
                dst["clips"] += [{**c, "id": f"{c['id']}@{k}", "start": float(c["start"]) + at} for c in src["clips"]]
            offsets.append(at)
            at += b - a
        any_media = next(c["media_id"] for c in self.clips.values())
        tracks.append({"id": "splice-span", "kind": "video", "hidden": True, "muted": True, "volume": 1.0,
                       "clips": [{"id": "splice-span", "media_id": any_media, "start": 0.0, "in": 0.0, "out": at}]})
        return {**self.doc, "tracks": tracks}, offsets

    def pieces(self) -> list[dict[str, Any]]:
        """Each segment with where its packets come from: (path, its seconds from, to, and
        where it starts on the timeline). The encoded segments that can be cut out exactly are
        encoded together in one file, each from an IDR; the others each from the whole render."""
        encoded = [s for s in self.segments if s["action"] == "encode"]
        exact = [s for s in encoded if exact_cut(self.doc, float(s["start"]), float(s["end"]))]
        where: dict[int, tuple[Path, float]] = {}
        if exact:
            doc, offsets = self.joined([(float(s["start"]), float(s["end"])) for s in exact])
            total = sum(float(s["end"]) - float(s["start"]) for s in exact)
            path = self.encode("pieces", doc, 0.0, total, offsets[1:])
            where |= {id(s): (path, o) for s, o in zip(exact, offsets, strict=True)}
        for n, s in enumerate(encoded):
            if id(s) not in where:
                self.check()
                where[id(s)] = (self.encode(f"piece-{n}", self.doc, float(s["start"]), float(s["end"]), []), 0.0)
        pieces = []
        for seg in self.segments:
            a, b = float(seg["start"]), float(seg["end"])
            if seg["action"] == "copy":
                clip = self.clips[seg["clip_id"]]
                src = self.sources[clip["media_id"]]
                cin = float(clip["in"]) + a - float(clip["start"])
                pieces.append({"path": src.path, "from": cin, "to": cin + b - a, "at": a, "name": src.name,
                               "clip_id": clip["id"], "encoded": False})
            else:
                path, offset = where[id(seg)]
                pieces.append({"path": path, "from": offset, "to": offset + b - a, "at": a, "name": None,
                               "clip_id": None, "encoded": True})
        return pieces

    def packets(self, piece: dict[str, Any]) -> Iterator[tuple[int, av.Packet]]:
        """The piece's video packets in decode order, each with its frame on the timeline."""
        path = piece["path"]
        try:
            with av.open(str(path)) as c:
                v = c.streams.video[0]
                start = float(v.start_time * v.time_base) if v.start_time is not None else 0.0
                sets = b""
                if piece["encoded"]:
                    length, sps, pps, _ = _avcc(bytes(v.codec_context.extradata or b""))
                    if length != self.length:
                        raise SpliceFailed(set(), "the encoded stretch's NAL length size differs")
                    sets = b"".join(len(x).to_bytes(length, "big") + x for x in [*sps, *pps])
                if piece["from"] > 0:
                    c.seek(round((piece["from"] + start) / v.time_base), stream=v, backward=True)
                for n, packet in enumerate(c.demux(v)):
                    if n % 128 == 0:
                        self.check()
                    if packet.pts is None or packet.size == 0:
                        continue
                    t = float(packet.pts * packet.time_base) - start
                    if t < piece["from"] - 0.5 / self.fps or t >= piece["to"] - 0.5 / self.fps:
                        continue
                    frame = round((t - piece["from"] + piece["at"]) * self.fps)
                    if sets and packet.is_keyframe and 7 not in _nal_types(bytes(packet), self.length):
                        fresh = av.Packet(sets + bytes(packet))
                        fresh.is_keyframe = True
                        packet = fresh
                    yield frame, packet
        except av.FFmpegError as exc:
            name = piece["name"] or path.name
            raise AppError("source_unreadable", f"The clip '{name}' could not be copied: its file cannot be "
                                                f"read ({exc.strerror or exc}).") from exc

    def delay(self, pieces: list[dict[str, Any]]) -> int:
        """The largest reorder delay, in frames, of the pieces (a pass over their timestamps)."""
        d = 0
        for piece in pieces:
            first = None
            for i, (frame, _) in enumerate(self.packets(piece)):
                first = frame if first is None else first
                d = max(d, i - (frame - first))
        return d

    def video(self, pieces: list[dict[str, Any]], stream: Any) -> Iterator[tuple[float, av.Packet]]:
        d = self.delay(pieces)
        step = round(1 / self.fps / TB)
        i = 0
        for piece in pieces:
            for frame, packet in self.packets(piece):
                packet.time_base = TB
                packet.pts = frame * step
                packet.dts = (i - d) * step
                packet.duration = step
                packet.stream = stream
                i += 1
                yield (i - d) / self.fps, packet


def _copied_sound(doc: dict[str, Any], plan: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The clips whose own sound is laid back to back, when the plan copies the sound and its
    clips follow one another from 0 to the end with no gap (None: the sound is mixed)."""
    if plan["sound"]["action"] != "copy":
        return None
    clips = {c["id"]: c for t in doc["tracks"] if t["kind"] == "video" for c in t["clips"]}
    order: list[str] = []
    for s in plan["stretches"]:
        if "clip_id" not in s:
            return None
        if not order or order[-1] != s["clip_id"]:
            if s["clip_id"] in order:
                return None
            order.append(s["clip_id"])
    t = 0.0
    for cid in order:
        clip = clips[cid]
        if abs(float(clip["start"]) - t) > 1e-6 or abs(float(clip.get("speed") or 1) - 1) > 1e-9:
            return None
        t += clip_length(clip)
    return [clips[cid] for cid in order]


def _sound_copy(clips: list[dict[str, Any]], sources: dict[str, Source], stream: Any,
                check: Callable[[], None]) -> Iterator[tuple[float, av.Packet]]:
    """Each clip's own AAC frames, laid frame after frame with no gap (copy_render's rule: a
    frame is laid while it starts before the clip's end less half a frame)."""
    apos = 0
    rate = stream.codec_context.sample_rate or 48000
    for n, clip in enumerate(clips):
        src = sources[clip["media_id"]]
        cin = float(clip["in"])
        end = float(clip["start"]) + clip_length(clip)
        with av.open(str(src.path)) as c:
            a = c.streams.audio[0]
            a_start = float(a.start_time * a.time_base) if a.start_time is not None else 0.0
            if cin > 0:
                c.seek(round((cin + a_start) / a.time_base), stream=a, backward=True)
            for i, packet in enumerate(c.demux(a)):
                if i % 256 == 0:
                    check()
                if packet.pts is None or packet.size == 0:
                    continue
                t = float(packet.pts * packet.time_base) - a_start
                if t < cin - 1e-6:
                    if n > 0 or cin > 0 or t < -0.5:
                        continue
                    at = -AUDIO_FRAME
                else:
                    if apos + AUDIO_FRAME / 2 > end * rate:
                        continue
                    at = apos
                    apos += AUDIO_FRAME
                packet.time_base = Fraction(1, rate)
                packet.pts = packet.dts = at
                packet.duration = AUDIO_FRAME
                packet.stream = stream
                yield at / rate, packet


def _sound_file(path: Path, stream: Any, check: Callable[[], None]) -> Iterator[tuple[float, av.Packet]]:
    with av.open(str(path)) as c:
        a = c.streams.audio[0]
        for i, packet in enumerate(c.demux(a)):
            if i % 256 == 0:
                check()
            if packet.pts is None or packet.size == 0:
                continue
            packet.stream = stream
            yield float(packet.pts * packet.time_base), packet


def _mixed_sound(doc: dict[str, Any], sources: dict[str, Source], work: Path, font: str | None, duration: float,
                 cancel: threading.Event | None, check: Callable[[], None]) -> Path:
    """The whole timeline's sound, mixed as a full export mixes it, as AAC 48 kHz stereo."""
    settings = export_settings.normalize({"format": "m4a_aac"}, duration)
    output = export_settings.output(settings, doc, duration)
    out = work / "sound.m4a"
    args, _ = build_export_args(doc, sources, out, work, font, check=check, output=output)
    run_ffmpeg(args, duration=duration, cancel=cancel, what="The export")
    return out


def _decodes(out: Path, times: list[float], fps: float) -> str:
    """What ffmpeg logs at level error decoding the export around each of `times` (from the
    keyframe before it, so the decoder meets the switch as a player does), in one run."""
    args: list[str] = []
    for t in times:
        args += ["-ss", f"{max(0.0, t - 2 / fps):.6f}", "-t", f"{4 / fps:.6f}", "-i", str(out)]
    for n in range(len(times)):
        args += ["-map", f"{n}:v:0"]
    r = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *args, "-f", "null", "-"],
                       capture_output=True, text=True, timeout=600, check=False)
    return r.stderr.strip() or ("" if r.returncode == 0 else f"ffmpeg exited with {r.returncode}")


def _check_joins(out: Path, pieces: list[dict[str, Any]], fps: float) -> None:
    """Decode the export around every join; when a join logs an error, fail the splice naming
    the copied clips beside the joins that do (each then checked alone)."""
    joins = list(zip(pieces, pieces[1:], strict=False))
    if not joins or not (error := _decodes(out, [float(r["at"]) for _, r in joins], fps)):
        return
    bad = [(left, right) for left, right in joins if _decodes(out, [float(right["at"])], fps)] or joins
    raise SpliceFailed({p["clip_id"] for pair in bad for p in pair if p["clip_id"]},
                       f"a join did not decode cleanly: {error[:300]}")


def splice_render(doc: dict[str, Any], plan: dict[str, Any], sources: dict[str, Source], out: Path, work: Path,
                  font: str | None, duration: float, *, on_progress: Callable[[float], None] | None = None,
                  cancel: threading.Event | None = None, check: Callable[[], None] = lambda: None) -> None:
    """Write the export of a plan that mixes copied and encoded stretches (plan["splice"]).
    Raises SpliceFailed when a join does not decode cleanly (the file is then not to be used)."""
    def checked() -> None:
        check()
        if cancel is not None and cancel.is_set():
            raise EncodeCancelled()

    try:
        splicer = _Splicer(doc, plan, sources, work, font, cancel, checked)
    except ValueError as exc:  # no avcC to splice into, or no parameter-set id left
        raise SpliceFailed(set(), f"the copied stream cannot take a splice ({exc})") from exc
    pieces = splicer.pieces()
    if on_progress is not None:
        on_progress(0.7)
    sound_clips = _copied_sound(doc, plan)
    mixed = None if sound_clips is not None else _mixed_sound(doc, sources, work, font, duration, cancel, checked)
    if on_progress is not None:
        on_progress(0.85)
    sound_template = (sources[sound_clips[0]["media_id"]].path if sound_clips else mixed)
    with av.open(str(splicer.template.path)) as vt, av.open(str(sound_template)) as at, \
            av.open(str(out), "w", format="mp4", options={"movflags": "+faststart"}) as dst:
        ov = dst.add_stream_from_template(vt.streams.video[0])
        ov.time_base = TB
        oa = dst.add_stream_from_template(at.streams.audio[0])
        sound = _sound_copy(sound_clips, sources, oa, checked) if sound_clips else \
            _sound_file(mixed, oa, checked)  # type: ignore[arg-type]
        for _, packet in heapq.merge(splicer.video(pieces, ov), sound, key=lambda x: x[0]):
            dst.mux(packet)
    _check_joins(out, pieces, splicer.fps)
    if on_progress is not None:
        on_progress(1.0)
