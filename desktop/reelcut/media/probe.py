"""What a file really is, decided by decoding it with PyAV, never by its name."""

from __future__ import annotations

import struct
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, BinaryIO

import av

from ..errors import AppError

# Demuxers that take arbitrary bytes as "media" (text shown as a picture): not media to a user.
_TEXT_CODECS = {"ansi", "bintext", "xbin", "idf", "tty"}
_IMAGE_FORMAT_SUFFIXES = ("_pipe", "image2")


# The most pixels a picture may have: FFmpeg refuses a frame near 16,000×16,000 (a buffer of
# INT_MAX bytes), and one frame this size is a gigabyte decoded.
MAX_PIXELS = 250_000_000


class TooManyPixels(AppError):
    def __init__(self, name: str, width: int, height: int) -> None:
        super().__init__("too_large", f"'{name}' cannot be imported: {width}×{height} is over the limit of "
                                      f"{MAX_PIXELS:,} pixels.", field="file")


def _header_size(source: Path | BinaryIO) -> tuple[int, int] | None:
    """A picture's size from its file's head (PNG, GIF, JPEG, WebP), for a picture FFmpeg will not
    open far enough to say (an image stream's size is known only once a frame is decoded)."""
    try:
        if isinstance(source, (str, Path)):
            with open(source, "rb") as f:
                head = f.read(256 * 1024)
        else:
            at = source.tell()
            head = source.read(256 * 1024)
            source.seek(at)
    except (OSError, ValueError):
        return None
    if head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR":
        return struct.unpack(">II", head[16:24])
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return struct.unpack("<HH", head[6:10])
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP" and len(head) >= 30:
        kind = head[12:16]
        if kind == b"VP8X":
            return 1 + int.from_bytes(head[24:27], "little"), 1 + int.from_bytes(head[27:30], "little")
        if kind == b"VP8L":
            bits = int.from_bytes(head[21:25], "little")
            return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
        if kind == b"VP8 ":
            w, h = struct.unpack("<HH", head[26:30])
            return w & 0x3FFF, h & 0x3FFF
    if head[:2] == b"\xff\xd8":  # JPEG: walk the segments to a start-of-frame
        i = 2
        while i + 9 <= len(head) and head[i] == 0xFF:
            marker, length = head[i + 1], int.from_bytes(head[i + 2:i + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                h, w = struct.unpack(">HH", head[i + 5:i + 9])
                return w, h
            i += 2 + length
    return None


def _check_pixels(label: str, width: int | None, height: int | None) -> None:
    if width and height and width * height > MAX_PIXELS:
        raise TooManyPixels(label, width, height)


class NotMedia(AppError):
    def __init__(self, name: str, reason: str) -> None:
        super().__init__("not_media", f"'{name}' is not a video, image or audio file ({reason}).", field="file")


def _decodable(stream: Any) -> bool:
    """A stream this build of FFmpeg can decode: an SVG is demuxed (svg_pipe), yet there is no
    decoder for it, and such a stream has no codec context at all."""
    ctx = stream.codec_context
    return ctx is not None and ctx.codec is not None and ctx.codec.canonical_name not in _TEXT_CODECS


@dataclass
class ProbeResult:
    kind: str  # "video" | "image" | "audio"
    width: int | None
    height: int | None
    fps: float | None
    duration: float | None
    video_codec: str | None
    audio_codec: str | None
    mime: str
    keyframe_interval: float | None = None  # seconds: the longest a seek may have to decode back

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Picture:
    """How a video's pixels are stored, as a proxy needs to know: the decoder's pixel format,
    whether it carries alpha (a GIF, PNG or QuickTime RLE in a MOV, ProRes 4444), and whether
    any component has more than 8 bits."""
    pix_fmt: str
    has_alpha: bool
    high_bit_depth: bool


def picture_of(fmt: Any) -> Picture:
    """A PyAV VideoFormat as a Picture: alpha is the fourth component (the second of a grey
    picture), or a palette (a GIF's may hold a transparent entry)."""
    components = fmt.components
    return Picture(pix_fmt=fmt.name, has_alpha=len(components) in (2, 4) or bool(fmt.has_palette),
                   high_bit_depth=max((c.bits for c in components), default=8) > 8)


def picture(path: Path) -> Picture | None:
    """The pixel format of the first video frame; None for a file without a decodable picture.
    Read when a proxy is made (the media row does not keep it)."""
    try:
        with av.open(str(path)) as container:
            stream = next((s for s in container.streams.video if _decodable(s)), None)
            if stream is None:
                return None
            frame = next(container.decode(stream), None)
            return picture_of(frame.format) if frame is not None else None
    except (av.error.FFmpegError, OSError, ValueError):
        return None


def display_rotation(frame: Any) -> int:
    """The counterclockwise turn (0, 90, 180 or 270 degrees) a player applies to this decoded
    frame, from its display matrix (a phone's portrait video is coded landscape with a matrix
    saying so); np.rot90(picture, turn // 90) shows it as ffmpeg's autorotation does."""
    try:
        return round(float(getattr(frame, "rotation", 0) or 0) / 90) % 4 * 90
    except (TypeError, ValueError):
        return 0


_MIME = {"mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm", "matroska": "video/x-matroska",
         "png": "image/png", "jpeg": "image/jpeg", "mjpeg": "image/jpeg", "webp": "image/webp", "gif": "image/gif",
         "mp3": "audio/mpeg", "wav": "audio/wav", "ogg": "audio/ogg", "flac": "audio/flac", "aac": "audio/aac"}


def _mime(fmt: str, kind: str, vcodec: str | None, acodec: str | None) -> str:
    names = fmt.split(",")
    if kind == "image":
        return _MIME.get(vcodec or "", "image/png")
    if "webm" in names or "matroska" in names:
        return "video/webm" if kind == "video" else "audio/webm"
    if "mp4" in names or "mov" in names:
        return "video/mp4" if kind == "video" else "audio/mp4"
    for n in names:
        if n in _MIME:
            return _MIME[n]
    return "application/octet-stream"


def _tail_present(container: av.container.InputContainer, streams: list[av.stream.Stream],
                  duration: float) -> bool:
    """A file cut short (an interrupted download, a partial copy) still has its index saying the
    full length. Seek near the end and check every stream still has packets there: cheap (it
    reads only the last second), and catches what decoding the first frame cannot."""
    ends: dict[int, float] = {}
    expected: dict[int, float] = {}
    for s in streams:
        own = float(s.duration * s.time_base) if s.duration and s.time_base else duration
        rate = float(s.average_rate) if s.type == "video" and s.average_rate else 0
        expected[s.index] = own - (2.0 / rate if rate else 0.1) - 0.05
    try:
        container.seek(max(0, int((duration - 1.0) * av.time_base)))
        for packet in container.demux(*streams):
            if packet.pts is not None and packet.time_base is not None and packet.size:
                t = float(packet.pts * packet.time_base) + float((packet.duration or 0) * packet.time_base)
                ends[packet.stream.index] = max(ends.get(packet.stream.index, 0.0), t)
    except (av.error.FFmpegError, ValueError):
        return False
    return all(ends.get(i, -1.0) >= want for i, want in expected.items())


def _keyframe_interval(stream: av.video.stream.VideoStream, duration: float, fps: float | None) -> float | None:
    """The longest stretch between keyframes (the last one runs to the end), from the container's
    index: no packet is read. None when the index does not list every frame (WebM lists keyframes
    only when seeking), so the gap is unknown."""
    entries = stream.index_entries
    if not fps or len(entries) < 0.9 * duration * fps or not stream.time_base:
        return None
    base = float(stream.time_base)
    keys = sorted(e.timestamp * base for e in entries if e.is_keyframe)
    if not keys:
        return None
    start = float(stream.start_time * stream.time_base) if stream.start_time is not None else keys[0]
    ends = keys[1:] + [start + duration]
    return round(max(b - a for a, b in zip(keys, ends, strict=True)), 3)


def probe(source: Path | BinaryIO, name: str | None = None) -> ProbeResult:
    """Open and decode the first frame of the file (a path, or a seekable binary reader); raise
    NotMedia if it is not playable media."""
    is_path = isinstance(source, (str, Path))
    label = name or (Path(source).name if is_path else "the file")
    try:
        container = av.open(str(source) if is_path else source)
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise NotMedia(label, "it could not be opened as media") from exc
    with container:
        video = next((s for s in container.streams.video if _decodable(s)), None)
        audio = next((s for s in container.streams.audio if _decodable(s)), None)
        if video is None and audio is None:
            if any(s.codec_context is None for s in container.streams):
                raise NotMedia(label, f"Reelcut cannot decode its format, {container.format.name}")
            raise NotMedia(label, "it has no picture or sound")
        vcodec = video.codec_context.codec.canonical_name if video else None
        acodec = audio.codec_context.codec.canonical_name if audio else None
        fmt = container.format.name
        is_image = video is not None and audio is None and (
            fmt.endswith(_IMAGE_FORMAT_SUFFIXES) or (video.frames or 0) == 1 and fmt == "gif")
        if video is not None:  # refused before a frame of it is decoded
            _check_pixels(label, video.codec_context.width, video.codec_context.height)
            if not video.codec_context.width:
                _check_pixels(label, *(_header_size(source) or (None, None)))
        try:
            first = next(container.decode(video if video is not None else audio), None)
        except (av.error.FFmpegError, ValueError) as exc:
            raise NotMedia(label, "its data could not be decoded") from exc
        if first is None:
            raise NotMedia(label, "it holds no decodable frames")
        duration = None
        if container.duration:
            duration = container.duration / av.time_base
        elif video is not None and video.duration and video.time_base:
            duration = float(video.duration * video.time_base)
        fps = None
        if video is not None and not is_image:
            rate = video.average_rate or video.base_rate or video.guessed_rate
            fps = round(float(Fraction(rate)), 3) if rate else None
        kind = "image" if is_image else ("video" if video is not None else "audio")
        if kind != "image" and not duration:
            raise NotMedia(label, "its duration is unknown, so it may be truncated")
        if kind != "image" and not _tail_present(container, [s for s in (video, audio) if s is not None], duration):
            raise NotMedia(label, "it is truncated: its last seconds are missing")
        width = video.codec_context.width if video is not None else None
        height = video.codec_context.height if video is not None else None
        if video is not None and display_rotation(first) in (90, 270):
            # stored and shown as players show it (ffmpeg turns it the same way for proxies and
            # exports), not as coded
            width, height = height, width
        return ProbeResult(
            kind=kind,
            width=width,
            height=height,
            fps=fps,
            duration=round(duration, 3) if duration and kind != "image" else None,
            video_codec=vcodec,
            audio_codec=acodec,
            mime=_mime(fmt, kind, vcodec, acodec),
            keyframe_interval=_keyframe_interval(video, duration, fps) if kind == "video" and video and duration
            else None,
        )
