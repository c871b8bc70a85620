"""Captions leaving an export other than burnt in (render/settings.py `captions`): which track,
its lines on the export's own clock, a subtitle file of them, and a subtitle stream muxed in.

One track, not a merge: the topmost visible captions track (the first in the document), because
captions tracks are usually languages or versions of the same words, and a player shows one
subtitle stream at a time; overlapping lines from two tracks would make an unreadable file."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from ..library.captions import write_captions
from ..media.encode import run_ffmpeg

MIN_LINE = 0.001  # a line cut to less than a millisecond by the range is not written


def captions_track(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The topmost visible captions track, or None."""
    return next((t for t in doc["tracks"] if t["kind"] == "captions" and not t.get("hidden")), None)


def without_burn_in(doc: dict[str, Any]) -> dict[str, Any]:
    """The document with its captions tracks hidden: drawn by nobody, planned by nobody, and
    still counted in the timeline's length (an export's duration does not depend on the mode)."""
    return {**doc, "tracks": [{**t, "hidden": True} if t["kind"] == "captions" else t for t in doc["tracks"]]}


def export_lines(track: dict[str, Any], start: float, end: float) -> list[dict[str, Any]]:
    """The track's lines on the export's clock: shifted by the range's start, cut to its length,
    a line wholly outside it dropped; the blank ones (which draw nothing) left out."""
    out = []
    for line in sorted(track["clips"], key=lambda c: float(c["start"])):
        a = max(float(line["start"]), start)
        b = min(float(line["start"]) + float(line["duration"]), end)
        if b - a < MIN_LINE or not str(line.get("text", "")).strip():
            continue
        out.append({"id": line["id"], "start": a - start, "duration": b - a, "text": str(line["text"])})
    return out


def subtitle_extension(fmt: dict[str, Any]) -> str:
    """A sidecar's kind for this export format: WebVTT beside a WebM (what the web plays), SRT
    beside anything else (what every other player reads)."""
    return "vtt" if fmt.get("muxer") == "webm" else "srt"


def write_subtitles(lines: list[dict[str, Any]], path: Path, kind: str) -> Path:
    path.write_bytes(write_captions({"clips": lines}, kind))
    return path


def embed(video: Path, subtitles: Path, codec: str, muxer: str, out: Path, duration: float,
          cancel: threading.Event | None = None) -> None:
    """Mux `subtitles` into a copy of `video` as one subtitle stream of `codec`; the picture and
    sound are copied untouched (a copied export stays copied)."""
    args = ["-i", str(video), "-i", str(subtitles), "-map", "0", "-map", "1:0", "-c", "copy", "-c:s", codec,
            "-disposition:s:0", "default"]
    if muxer in ("mp4", "mov"):
        args += ["-movflags", "+faststart"]
    run_ffmpeg([*args, "-f", muxer, str(out)], duration=duration, cancel=cancel, what="The export's captions")
