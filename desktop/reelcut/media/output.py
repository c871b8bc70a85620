"""What an export writes, as the render reads it: the format (a row of
render/export_formats.json), the quality, the frame, the rate and the range. render/settings.py
works it out from the export settings; media/compose.py turns it into ffmpeg arguments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Output:
    """What the render writes, worked out from normalized settings and the canvas."""
    format_id: str
    fmt: dict[str, Any]
    quality: str
    width: int  # the file's frame (0 for sound only)
    height: int
    fps: float
    start: float  # the range, on the timeline
    end: float
    letterbox: bool  # the canvas is fitted inside a frame of another aspect

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def has_video(self) -> bool:
        return self.fmt["video"] is not None

    @property
    def has_audio(self) -> bool:
        return self.fmt["audio"] is not None

    @property
    def extension(self) -> str:
        return str(self.fmt["extension"])

    @property
    def level(self) -> dict[str, Any]:
        return dict(self.fmt["quality"][self.quality])
