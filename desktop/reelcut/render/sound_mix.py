"""The timeline's sound alone, mixed as the export mixes it (volumes, mutes, fades, speed, the
clips' own sound or their detached clips), written small for speech to text: mono AAC at 16 kHz
in an .m4a. "Caption the timeline" sends this, so the captions follow what the viewer hears."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import AppError, NotFound
from ..library.media_store import MediaStore
from ..media.compose import Source, build_export_args, preflight
from ..media.encode import EncodeCancelled, run_ffmpeg
from ..media.output import Output

# Speech to text hears nothing above 8 kHz that it needs, and a mono 32 kb/s file of an hour is
# about 15 MB: far below fal's input limit, and quick to upload.
SPEECH_FORMAT: dict[str, Any] = {
    "label": "Speech (AAC mono 16 kHz)", "extension": "m4a", "mime": "audio/mp4", "muxer": "ipod", "video": None,
    "audio": {"encoder": "aac", "codec": "aac", "name": "AAC", "rate": 16000, "channels": 1},
    "quality": {"small": {"audio_bitrate": 32000}},
}


def media_sources(media: MediaStore, project_id: str, timeline: dict[str, Any] | None = None) -> dict[str, Source]:
    """The files an export of this project reads: always the originals, never a proxy. A clip
    of `timeline` whose file is gone is refused, naming it."""
    sources = {}
    used = {c.get("media_id") for t in (timeline or {}).get("tracks", []) for c in t["clips"]}
    for item in media.list(project_id):
        try:
            path, _ = media.file_path(item["id"])
        except NotFound as exc:
            if timeline is None or item["id"] in used:
                raise AppError("source_missing", f"The clip '{item['name']}' has lost its file since it was "
                                                 "imported. Re-import it.") from exc
            continue
        sources[item["id"]] = Source(path=path, kind=item["kind"], has_audio=bool(item["audio_codec"]),
                                     has_video=bool(item["video_codec"]), name=item["name"], size=item["size"])
    return sources


def render_sound(media: MediaStore, project_id: str, doc: dict[str, Any], out: Path, *,
                 cancel: threading.Event, on_progress: Callable[[float], None] | None = None) -> float:
    """Write the whole timeline's mixed sound (0 to its end) to `out`; its length in seconds.
    Raises EncodeCancelled when `cancel` is set."""
    sources = media_sources(media, project_id, doc)
    duration = preflight(doc, sources)
    output = Output("speech", SPEECH_FORMAT, "small", 0, 0, float(doc["fps"]), 0.0, duration, False)
    work = out.parent / f"{out.stem}-work"
    work.mkdir(parents=True, exist_ok=True)

    def check() -> None:
        if cancel.is_set():
            raise EncodeCancelled()

    try:
        args, _ = build_export_args(doc, sources, out, work, None, check=check, output=output)
        check()
        run_ffmpeg(args, duration=duration, on_progress=on_progress, cancel=cancel, what="The timeline's sound")
    except BaseException:
        out.unlink(missing_ok=True)  # cancelled or failed: nothing half-written is left
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return duration
