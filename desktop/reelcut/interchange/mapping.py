"""The timeline document (version 2, library/timeline.py) to an OpenTimelineIO timeline and back.
Pure functions: no file, database or network is touched here.

Conventions, both ways:
- Times are frames at the document's fps (`RationalTime(frames, fps)`); a clip's source range
  starts at its `in` (media time) and lasts its length on the timeline (record time). Speed is a
  `LinearTimeWarp` whose `time_scalar` is the clip's speed, so the media used is
  `duration × time_scalar` (what the CMX 3600 adapter reads and writes).
- OTIO's track order is bottom first; Reelcut's is top first (video and text above audio).
- A `transition_in` of duration d is an OTIO `Transition` between the two clips. Reelcut's clips
  overlap by d; OTIO's meet at a cut with `in_offset` before it and `out_offset` after it. We
  write the cut at the start of the incoming clip (in_offset 0, out_offset d: the way EDL events
  read), and read any split back.
- Everything Reelcut has that OTIO has no field for (the clip's look, keyframes, fades, the
  track's mute, the canvas) rides in `metadata["reelcut"]`: an `.otio` file keeps the whole
  document. The other formats drop metadata, so each thing they cannot carry is named in the
  warnings, with how many clips it touches."""

from __future__ import annotations

import copy
import math
import re
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import opentimelineio as otio

from ..library.timeline import LIMITS, MARKER_NAME, TEXT_STYLE, TRANSITIONS, VERSION
from ..media.animation import clip_length
from . import fcp7_text, fcpx_text

RT = otio.opentime.RationalTime
TR = otio.opentime.TimeRange
META = "reelcut"
TEXT_KIND = fcp7_text.KIND  # the generator_kind of a text clip's GeneratorReference (FCP 7's effectid)
# a title's metadata key for what of its style Reelcut cannot draw (read from FCPXML: fcpx_text.DROPPED)
DROPPED = "reelcut_dropped"


@dataclass(frozen=True)
class Format:
    key: str  # the `format` of the routes and the CLI
    adapter: str  # OTIO's adapter name
    ext: str
    mime: str
    label: str  # how warnings name it
    metadata: bool  # keeps metadata["reelcut"] (so everything Reelcut has)
    video_tracks: int | None  # how many video tracks it holds (None: any)
    audio: bool  # writes audio tracks
    transitions: bool
    markers: str | None  # "timeline" (markers of its own), "clips" (only on the clips under them) or None
    speed: bool
    text: bool


FORMATS: dict[str, Format] = {
    "otio": Format("otio", "otio_json", ".otio", "application/json", "OpenTimelineIO", metadata=True,
                   video_tracks=None, audio=True, transitions=True, markers="timeline", speed=True, text=True),
    "fcp7xml": Format("fcp7xml", "fcp_xml", ".xml", "application/xml", "FCP 7 XML", metadata=False,
                      video_tracks=None, audio=True, transitions=True, markers="timeline", speed=False, text=True),
    "fcpxml": Format("fcpxml", "fcpx_xml", ".fcpxml", "application/xml", "FCPXML", metadata=False,
                     video_tracks=None, audio=True, transitions=False, markers="clips", speed=False, text=True),
    "edl": Format("edl", "cmx_3600", ".edl", "text/plain", "CMX 3600 EDL", metadata=False,
                  video_tracks=1, audio=False, transitions=True, markers="clips", speed=True, text=False),
}

# what a media clip has beyond its place, range and speed, and what a warning calls it
LOOK = {"volume": "volume", "opacity": "opacity", "transform": "position, scale or rotation", "crop": "crop",
        "fit": "fit", "fade_in": "fades", "fade_out": "fades", "audio_detached": "detached sound",
        "link": "linked clips"}
MEDIA_EXTRA = ("id", *LOOK, "keyframes")
TEXT_FIELDS = ("id", "text", "x", "y", "size", "scale", "color", "opacity", "fade_in", "fade_out", "keyframes", "link",
               *TEXT_STYLE)

MARKER_COLORS = {
    "RED": "#e5484d", "PINK": "#f76fa8", "ORANGE": "#f76b15", "YELLOW": "#ffc53d", "GREEN": "#46a758",
    "CYAN": "#00a2c7", "BLUE": "#0090ff", "PURPLE": "#8e4ec6", "MAGENTA": "#d6409f", "BLACK": "#111111",
    "WHITE": "#ffffff",
}


def _rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def nearest_color(color: str | None) -> str:
    """The OTIO marker colour nearest a #rrggbb (OTIO has eleven names)."""
    if not color:
        return "RED"
    r, g, b = _rgb(color)
    return min(MARKER_COLORS, key=lambda n: sum((x - y) ** 2 for x, y in zip(_rgb(MARKER_COLORS[n]), (r, g, b),
                                                                             strict=True)))


def otio_rate(fps: float) -> float:
    """The rate OTIO is given: a whole fps as it is, an NTSC one (29.97…) as the exact 30000/1001
    SMPTE timecode knows (the EDL's timecodes refuse 29.97)."""
    fps = float(fps)
    if fps == int(fps):
        return int(fps)
    for n in (24, 30, 48, 60, 120):
        if abs(fps - n * 1000 / 1001) < 0.005:
            return n * 1000 / 1001
    return fps


def _frames(seconds: float, fps: float) -> int:
    return round(float(seconds) * fps)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


# -- export ---------------------------------------------------------------------------------------
class _Lost:
    """What a format cannot carry, counted, to become one sentence each."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.clips: dict[str, set[str]] = {}
        self.nouns: dict[str, str] = {}
        self.lines: list[str] = []

    def clip(self, what: str, clip_id: str, noun: str = "clip") -> None:
        self.clips.setdefault(what, set()).add(clip_id)
        self.nouns.setdefault(what, noun)

    def line(self, text: str) -> None:
        self.lines.append(text)

    def warnings(self) -> list[str]:
        out = [f"{self.label} has no {what}: {_plural(len(ids), self.nouns[what])} simplified"
               for what, ids in sorted(self.clips.items())]
        return out + self.lines


def _text_clip(clip: dict[str, Any], fps: float, fmt: Format, height: int, lost: _Lost) -> otio.schema.Clip:
    length = _frames(clip["duration"], fps)
    params = {k: clip[k] for k in ("text", "x", "y", "size", "color") if k in clip}
    ref = otio.schema.GeneratorReference(name="Text", generator_kind=TEXT_KIND, parameters=params,
                                         available_range=TR(RT(0, fps), RT(length, fps)))
    name = (clip.get("text") or "Title").splitlines()[0][:60] if (clip.get("text") or "").strip() else "Title"
    if fmt.adapter == "fcp_xml":
        # the adapter writes this as FCP 7's Text generator, the way the titles of other editors read
        ref.metadata["fcp_xml"] = fcp7_text.effect_metadata(clip, height)
    elif fmt.adapter == "fcpx_xml":
        # a placeholder the adapter places like any clip, made a <title> after (fcpx_text)
        name = fcpx_text.TOKEN + re.sub(r"[^A-Za-z0-9_-]", "_", clip["id"])
        ref = otio.schema.MissingReference(name=name)
    if fmt.text and not fmt.metadata:
        table = fcpx_text.LOST if fmt.adapter == "fcpx_xml" else fcp7_text.LOST
        for what in fcp7_text.losses(clip, table):
            lost.clip(what, clip["id"], "title")
    return otio.schema.Clip(name=name, media_reference=ref, source_range=TR(RT(0, fps), RT(length, fps)),
                            metadata={META: {k: clip[k] for k in TEXT_FIELDS if k in clip}})


def _media_clip(clip: dict[str, Any], media: dict[str, dict[str, Any]], fps: float, fmt: Format,
                lost: _Lost, missing: Counter) -> otio.schema.Clip:
    off = clip.get("offline")
    item = {"name": off["name"]} if off else media.get(clip["media_id"]) or {}
    name = item.get("name") or clip["media_id"]
    length = _frames(clip_length(clip), fps)
    start = _frames(clip["in"], fps)
    path = item.get("path")
    where = (off or {}).get("path") or ""
    if off and (Path(where).is_absolute() or "://" in where):
        # an offline clip still names the file it wants: another editor may find it there
        ref = otio.schema.ExternalReference(target_url=Path(where).as_uri() if "://" not in where else where)
        ref.name = name
        missing[name] += 1
    elif path:
        duration = item.get("duration")
        # a still has no duration: its range is what the clip uses
        frames = _frames(duration, fps) if duration else start + math.ceil(length * float(clip.get("speed", 1)))
        ref: otio.core.MediaReference = otio.schema.ExternalReference(
            target_url=Path(path).as_uri(), available_range=TR(RT(0, fps), RT(max(frames, 1), fps)))
        ref.name = name
    else:
        ref = otio.schema.MissingReference(name=name)
        missing[name] += 1
    extra = {k: clip[k] for k in MEDIA_EXTRA if k in clip}
    out = otio.schema.Clip(name=name, media_reference=ref, source_range=TR(RT(start, fps), RT(length, fps)),
                           metadata={META: {**extra, **({"offline": dict(off)} if off else
                                                        {"media_id": clip["media_id"]})}})
    if fmt.adapter == "cmx_3600":
        # a reel is one word of up to 8 letters and digits: the adapter keeps spaces, and an
        # event line with one more field is read as another kind of line
        out.metadata["cmx_3600"] = {"reel": re.sub(r"[^A-Za-z0-9]", "", name)[:8] or "AX"}
    speed = float(clip.get("speed", 1))
    if speed != 1:
        if fmt.speed:
            out.effects.append(otio.schema.LinearTimeWarp(name="speed", time_scalar=speed))
        else:
            lost.clip("speed changes (a time warp)", clip["id"])
    if not fmt.metadata:
        for key, what in LOOK.items():
            if key in clip and clip[key] not in (None, {}):
                lost.clip(what, clip["id"])
        for prop in clip.get("keyframes") or {}:
            if clip["keyframes"][prop]:
                lost.clip(f"keyframed {prop}", clip["id"])
    return out


def _track(track: dict[str, Any], media: dict[str, dict[str, Any]], fps: float, fmt: Format, lost: _Lost,
           missing: Counter, height: int) -> otio.schema.Track:
    kind = otio.schema.TrackKind.Audio if track["kind"] == "audio" else otio.schema.TrackKind.Video
    meta = {k: track[k] for k in ("id", "name", "kind", "muted", "hidden", "volume") if k in track}
    out = otio.schema.Track(name=track.get("name") or track["id"], kind=kind, metadata={META: meta})
    if not fmt.metadata:
        for key, what in (("muted", "muted tracks"), ("hidden", "hidden tracks")):
            if track.get(key):
                lost.line(f"{fmt.label} has no {what}: {track.get('name') or track['id']} is written as "
                          "playing")
        if "volume" in track and track["volume"] != 1:
            lost.line(f"{fmt.label} has no track volume: {track.get('name') or track['id']}'s is left out")
    cursor = 0  # frames
    prev: otio.schema.Clip | None = None
    prev_end = 0
    for clip in sorted(track["clips"], key=lambda c: c["start"]):
        text = track["kind"] == "text"
        item = _text_clip(clip, fps, fmt, height, lost) if text else _media_clip(clip, media, fps, fmt, lost, missing)
        start = _frames(clip["start"], fps)
        length = item.source_range.duration.to_frames()
        tr = clip.get("transition_in")
        if tr and prev is not None:
            overlap = prev_end - start
            ptype = tr["type"]
            if not fmt.transitions and overlap >= 1:
                # a cut where the incoming clip starts: the outgoing one loses what it showed
                # under the transition
                lost.clip("transitions (they become cuts)", clip["id"])
                pd = prev.source_range.duration.to_frames()
                if pd - overlap >= 1:
                    prev.source_range = TR(prev.source_range.start_time, RT(pd - overlap, fps))
                    cursor -= overlap
                else:
                    start, length = start + overlap, length - overlap
                    item.source_range = TR(RT(item.source_range.start_time.to_frames()
                                              + round(overlap * float(clip.get("speed", 1))), fps), RT(length, fps))
            elif not fmt.transitions:
                pass
            elif overlap < 1:
                lost.line(f"A {ptype} shorter than a frame at {fps:g} fps becomes a cut")
            else:
                if ptype != "crossfade" and not fmt.metadata:
                    lost.clip(f"{ptype.replace('_', ' ')} transitions (written as dissolves)", clip["id"])
                pd = prev.source_range.duration.to_frames()
                if pd - overlap >= 1:  # the cut at the incoming clip's start
                    prev.source_range = TR(prev.source_range.start_time, RT(pd - overlap, fps))
                    offsets = (0, overlap)
                else:  # the outgoing clip is all transition: the cut at its end instead
                    scalar = float(clip.get("speed", 1))
                    item.source_range = TR(RT(item.source_range.start_time.to_frames() + round(overlap * scalar), fps),
                                           RT(length - overlap, fps))
                    start, length = start + overlap, length - overlap
                    offsets = (overlap, 0)
                cursor = start
                out.append(otio.schema.Transition(
                    name=ptype, transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
                    in_offset=RT(offsets[0], fps), out_offset=RT(offsets[1], fps), metadata={META: {"type": ptype}}))
        if start > cursor:
            out.append(otio.schema.Gap(source_range=TR(RT(0, fps), RT(start - cursor, fps))))
        out.append(item)
        cursor = start + length
        prev, prev_end = item, cursor
    return out


def _pad_storyline(tl: otio.schema.Timeline, fps: float) -> None:
    """FCPXML connects the items of the upper tracks (titles too) to the primary storyline's item
    under them (the adapter fails on one with nothing under it): the lowest video track runs on,
    as a gap, to the end of the highest."""
    video = [t for t in tl.tracks if t.kind == otio.schema.TrackKind.Video]
    if len(video) < 2:
        return
    end = max(t.duration().to_frames() for t in video[1:])
    length = video[0].duration().to_frames()
    if end > length:
        video[0].append(otio.schema.Gap(source_range=TR(RT(0, fps), RT(end - length, fps))))


def _markers_on_clips(tl: otio.schema.Timeline, markers: list[dict[str, Any]], fps: float, fmt: Format,
                      lost: _Lost) -> None:
    """Markers for a format that holds them only on the items of a track: each goes on the item
    of the lowest video track under it, in that item's own time (its source range's)."""
    main = next((t for t in tl.tracks if t.kind == otio.schema.TrackKind.Video
                 and (_reelcut(t).get("kind") != "text")), None)
    left: list[str] = []
    upper = False
    for m in markers:
        t = _frames(m["time"], fps)
        placed = False
        for i, item in enumerate(main or []):
            if isinstance(item, otio.schema.Transition):
                continue
            rng = main.range_of_child_at_index(i)
            if not rng.start_time.to_frames() <= t < rng.end_time_exclusive().to_frames():
                continue
            # an EDL writes an outgoing clip's locators again in the dissolve's event
            before_transition = i + 1 < len(main) and isinstance(main[i + 1], otio.schema.Transition)
            if isinstance(item, otio.schema.Clip) and not (fmt.adapter == "cmx_3600" and before_transition) \
                    or isinstance(item, otio.schema.Gap) and fmt.adapter == "fcpx_xml":
                at = item.source_range.start_time.to_frames() + t - rng.start_time.to_frames()
                item.markers.append(otio.schema.Marker(
                    name=m["name"], marked_range=TR(RT(at, fps), RT(0, fps)), color=nearest_color(m.get("color"))))
                placed = True
                upper = upper or m["name"] != m["name"].upper()
            break
        if not placed:
            left.append(m["name"])
    if left:
        where = "on a clip not followed by a dissolve" if fmt.adapter == "cmx_3600" else "on a clip or a gap"
        lost.line(f"{fmt.label} holds markers only {where} of the main video track: "
                  f"{_plural(len(left), 'marker')} left out ({', '.join(left[:5])}{'…' if len(left) > 5 else ''})")
    if fmt.adapter == "cmx_3600" and upper:
        lost.line(f"{fmt.label} writes marker names in capitals")


def to_otio(doc: dict[str, Any], media: dict[str, dict[str, Any]], fmt: Format | str = "otio",
            name: str = "Reelcut") -> tuple[otio.schema.Timeline, list[str]]:
    """The document as an OTIO timeline shaped for `fmt`, and what `fmt` cannot carry.

    `media` maps each media id to {name, path (absolute, or None when the file is gone),
    duration (seconds, or None for a still)}."""
    fmt = FORMATS[fmt] if isinstance(fmt, str) else fmt
    fps = otio_rate(doc["fps"])
    lost = _Lost(fmt.label)
    if fmt.adapter == "fcpx_xml" and fps != int(fps):
        # the adapter writes a frame duration it cannot read back for any other rate
        lost.line(f"{fmt.label} as OTIO's adapter writes it has whole frame rates only: {doc['fps']:g} fps is "
                  f"written as {round(fps)} (times move by {abs(round(fps) / fps - 1):.1%})")
        fps = round(fps)
    missing: Counter = Counter()
    tl = otio.schema.Timeline(name=name, global_start_time=RT(0, fps))
    tl.metadata[META] = {"version": VERSION, "fps": doc["fps"], "width": doc["width"], "height": doc["height"]}
    # captions tracks are no clips in any of these formats: OTIO keeps them whole in the
    # timeline's metadata (they come back on top of the picture tracks), the others lose them
    captions = [t for t in doc["tracks"] if t["kind"] == "captions"]
    tracks = [t for t in doc["tracks"] if t["kind"] != "captions"]
    if fmt.metadata and captions:
        tl.metadata[META]["captions"] = copy.deepcopy(captions)
    for t in captions if not fmt.metadata else []:
        if t["clips"]:
            lost.line(f"{fmt.label} carries no captions: {t.get('name') or t['id']} "
                      f"({_plural(len(t['clips']), 'line')}) left out (export it as SRT or WebVTT)")
    video = [t for t in tracks if t["kind"] == "video"]
    text = [t for t in tracks if t["kind"] == "text"]
    audio = [t for t in tracks if t["kind"] == "audio"]
    if not fmt.text:
        n = sum(len(t["clips"]) for t in text)
        if n:
            lost.line(f"{fmt.label} has no titles: {_plural(n, 'text clip')} left out")
        picture = [t for t in tracks if t["kind"] == "video"]
    else:
        picture = [t for t in tracks if t["kind"] != "audio"]
    if fmt.video_tracks is not None and len(picture) > fmt.video_tracks:
        # the bottom video track is the main one; the tracks above it are left out
        keep = [t for t in video if t["clips"]][-1:] or video[-1:]
        for t in picture:
            if t not in keep and t["clips"]:
                lost.line(f"{fmt.label} holds one video track: {t.get('name') or t['id']} "
                          f"({_plural(len(t['clips']), 'clip')}) left out")
        picture = keep
    if not fmt.audio:
        n = sum(len(t["clips"]) for t in audio)
        if n:
            lost.line(f"{fmt.label} as written holds no audio tracks: {_plural(n, 'audio clip')} left out "
                      "(video clips keep their own sound)")
        audio = []
    for track in reversed(picture):  # bottom first
        tl.tracks.append(_track(track, media, fps, fmt, lost, missing, doc["height"]))
    for track in audio:
        tl.tracks.append(_track(track, media, fps, fmt, lost, missing, doc["height"]))
    if fmt.adapter == "fcpx_xml":
        _pad_storyline(tl, fps)
    markers = doc.get("markers") or []
    if markers and not fmt.markers:
        lost.line(f"{fmt.label} has no timeline markers: {_plural(len(markers), 'marker')} left out")
    elif markers and fmt.markers == "clips":
        _markers_on_clips(tl, markers, fps, fmt, lost)
    elif markers:
        for m in markers:
            tl.tracks.markers.append(otio.schema.Marker(
                name=m["name"], marked_range=TR(RT(_frames(m["time"], fps), fps), RT(0, fps)),
                color=nearest_color(m.get("color")), metadata={META: {k: m[k] for k in ("id", "color") if k in m}}))
    coloured = sum(1 for m in markers if m.get("color"))
    if coloured and fmt.markers and not fmt.metadata:
        lost.line(f"{fmt.label} has no exact marker colours: {_plural(coloured, 'marker')} simplified (they "
                  "come back in the nearest of a few named colours, or red)")
    warnings = [f"Missing media: {name} (its file is gone; {_plural(n, 'clip')} written without a file)"
                for name, n in sorted(missing.items())]
    return tl, warnings + lost.warnings()


# -- import ---------------------------------------------------------------------------------------
def url_path(url: str, base: Path | None = None) -> Path | None:
    """The local file a media reference's URL or path names, or None when it names none."""
    if not url:
        return None
    parsed = urlparse(url)
    if parsed.scheme == "file":
        if parsed.netloc not in ("", "localhost"):
            return None
        return Path(unquote(parsed.path))
    if parsed.scheme and len(parsed.scheme) > 1:  # http:, https:… (a drive letter is one character)
        return None
    path = Path(url)
    if not path.is_absolute():
        # relative to the file's folder, when it is known (the command line); an upload has none
        return base / path if base is not None else None
    return path


def _seconds(t: otio.opentime.RationalTime) -> float:
    return round(t.to_seconds(), 6)


def _clamp(value: float, limit: str) -> float:
    lim = LIMITS[limit]
    return min(max(value, lim.low), lim.high)


class _Ids:
    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, wanted: Any, prefix: str) -> str:
        if isinstance(wanted, str) and 0 < len(wanted) <= 64 and wanted not in self.used:
            self.used.add(wanted)
            return wanted
        new = f"{prefix}-{uuid.uuid4().hex[:8]}"
        self.used.add(new)
        return new


def plain(value: Any) -> Any:
    """OTIO's AnyDictionary and AnyVector as Python's dict and list, all the way down."""
    if hasattr(value, "items") and not isinstance(value, (str, bytes)):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (str, bytes, int, float, bool)) or value is None:
        return value
    try:
        return [plain(v) for v in value]
    except TypeError:
        return value


def _reelcut(obj: Any) -> dict[str, Any]:
    meta = obj.metadata.get(META) if hasattr(obj, "metadata") else None
    meta = plain(meta)
    return meta if isinstance(meta, dict) else {}


def _media_url(clip: otio.schema.Clip, after_transition: bool) -> str | None:
    ref = clip.media_reference
    # the CMX reader gives an event after a dissolve the outgoing clip's FROM CLIP; its own file is
    # in the TO CLIP comment, which it keeps unparsed
    if after_transition:
        for comment in (clip.metadata.get("cmx_3600") or {}).get("comments") or []:
            if comment.startswith("TO CLIP:"):
                return comment.split(":", 1)[1].strip()
    return getattr(ref, "target_url", None) or None


@dataclass
class Imported:
    """A file mapped to a document. Its media clips' `media_id`s are keys of `refs` (files to
    bring into the library) until the service swaps in real ids."""
    doc: dict[str, Any]
    refs: dict[str, dict[str, Any]]  # key -> {name, url, path (Path or None)}
    warnings: list[str]


def from_otio(tl: otio.schema.Timeline, fmt: Format | str, defaults: dict[str, Any],
              base: Path | None = None) -> Imported:
    """The OTIO timeline as a Reelcut document. `defaults` gives fps, width and height where the
    file has none (the project's own); `base` resolves relative media paths."""
    fmt = FORMATS[fmt] if isinstance(fmt, str) else fmt
    warnings: list[str] = []
    top = _reelcut(tl)
    fps = top.get("fps") or None
    if fps is None:
        for clip in tl.find_clips():
            if clip.source_range is not None:
                fps = clip.source_range.duration.rate
                break
    fps = float(fps or defaults["fps"])
    fps = int(fps) if fps == int(fps) else round(fps, 3)
    fps = _clamp(fps, "fps")
    width, height = top.get("width"), top.get("height")
    if not (isinstance(width, int) and isinstance(height, int)):
        width, height = defaults["width"], defaults["height"]
        warnings.append(f"{fmt.label} gives no canvas size: the project's {width}×{height} is kept")
    refs: dict[str, dict[str, Any]] = {}
    by_url: dict[str, str] = {}
    ids = _Ids()
    skipped: Counter = Counter()
    effects: Counter = Counter()
    odd_transitions: Counter = Counter()
    dropped: Counter = Counter()  # what of titles' style Reelcut cannot draw, by how warnings name it
    video: list[dict[str, Any]] = []
    audio: list[dict[str, Any]] = []
    n_video = n_audio = 0

    def ref_key(url: str | None, name: str) -> str:
        key_src = url or f"missing:{name}"
        if key_src not in by_url:
            key = f"ref{len(by_url)}"
            by_url[key_src] = key
            refs[key] = {"name": name, "url": url, "path": url_path(url, base) if url else None}
        return by_url[key_src]

    markers_src: list[tuple[float, otio.schema.Marker]] = [(0.0, m) for m in tl.tracks.markers]
    for track in tl.tracks:
        if not isinstance(track, otio.schema.Track):
            skipped["nested stacks"] += 1
            continue
        tmeta = _reelcut(track)
        kind = "audio" if track.kind == otio.schema.TrackKind.Audio else "video"
        if tmeta.get("kind") == "text" or (kind == "video" and any(
                isinstance(c, otio.schema.Clip) for c in track) and all(
                getattr(c.media_reference, "generator_kind", None) == TEXT_KIND
                for c in track if isinstance(c, otio.schema.Clip))):
            kind = "text"
        if kind == "audio":
            n_audio += 1
            default_name = f"A{n_audio}"
        else:
            n_video += 1
            default_name = f"V{n_video}"
        name = tmeta.get("name") or track.name or default_name
        if re.fullmatch(r"-?\d+", str(name)):  # FCPXML's lanes ("0", "-1") are no names
            name = default_name
        new: dict[str, Any] = {"id": ids.take(tmeta.get("id"), name.lower()[:16] or "track"), "name": str(name)[:200],
                               "kind": kind, "muted": bool(tmeta.get("muted", False)),
                               "hidden": bool(tmeta.get("hidden", False)), "clips": []}
        if "volume" in tmeta:
            new["volume"] = tmeta["volume"]
        if not track.enabled:
            new["muted" if kind == "audio" else "hidden"] = True
        mapped: dict[int, dict[str, Any]] = {}
        side: list[dict[str, Any]] = []
        for i, item in enumerate(track):
            for m in getattr(item, "markers", []):
                if isinstance(item, (otio.schema.Clip, otio.schema.Gap)) and item.source_range is not None:
                    rng = track.range_of_child_at_index(i)
                    offset = _seconds(rng.start_time) - _seconds(item.source_range.start_time)
                    markers_src.append((offset, m))
            if isinstance(item, (otio.schema.Gap, otio.schema.Transition)):
                continue
            if not isinstance(item, otio.schema.Clip):
                skipped[f"nested {item.schema_name()}s"] += 1
                continue
            rng = track.range_of_child_at_index(i)
            start, length = _seconds(rng.start_time), _seconds(rng.duration)
            if length <= 0:
                continue
            cmeta = _reelcut(item)
            ref = item.media_reference
            if kind == "text" or getattr(ref, "generator_kind", None) == TEXT_KIND:
                if kind == "audio":
                    skipped["titles on an audio track"] += 1
                    continue
                params = dict(getattr(ref, "parameters", {}) or {})
                # a Text generator read from FCP 7 XML (this file's or another editor's)
                params.update({k: v for k, v in fcp7_text.clip_fields(plain(ref.metadata.get("fcp_xml"))).items()
                               if k not in params})
                clip = {k: cmeta[k] for k in TEXT_FIELDS if k in cmeta}
                for k in ("text", "x", "y", "size", "color", "font", "bold", "italic", "align", "opacity", "outline",
                          "shadow", "box", "line_spacing"):
                    if k in params:
                        clip.setdefault(k, plain(params[k]))
                for what in plain(ref.metadata.get(DROPPED)) or []:
                    dropped[what] += 1
                clip.setdefault("text", item.name or "")
                clip.update(id=ids.take(cmeta.get("id"), "clip"), start=start, duration=length)
                if kind == "text":
                    mapped[i] = clip
                else:  # a title among video clips (FCP 7 allows it): onto a text track above them
                    side.append(clip)
                continue
            if isinstance(ref, otio.schema.GeneratorReference):
                skipped[f"generated clips ({ref.generator_kind or 'a generator'})"] += 1
                continue
            speed = 1.0
            for fx in item.effects:
                if isinstance(fx, otio.schema.LinearTimeWarp):
                    speed = float(fx.time_scalar)
                else:
                    effects[fx.effect_name or fx.schema_name()] += 1
            if speed <= 0:
                effects["reverse or freeze-frame time warps"] += 1
                speed = 1.0
            elif speed != _clamp(speed, "speed"):
                warnings.append(f"A speed of {speed:g} is outside Reelcut's {LIMITS['speed'].low:g}–"
                                f"{LIMITS['speed'].high:g}: clip '{item.name}' plays at {_clamp(speed, 'speed'):g}")
                speed = _clamp(speed, "speed")
            src_start = item.source_range.start_time if item.source_range else RT(0, fps)
            avail = getattr(ref, "available_range", None)
            media_in = _seconds(src_start) - (_seconds(avail.start_time) if avail is not None else 0.0)
            if media_in < 0:
                media_in = 0.0
            after = i > 0 and isinstance(track[i - 1], otio.schema.Transition) and fmt.key == "edl"
            url = _media_url(item, after)
            media_name = (getattr(ref, "name", None) or item.name or
                          (Path(url_path(url) or "media").name if url else "media"))
            if url:  # a file's own name says more than a clip's
                media_name = Path(unquote(urlparse(url).path)).name or media_name
            key = ref_key(url, media_name)
            clip = {k: cmeta[k] for k in MEDIA_EXTRA if k in cmeta and k != "id"}
            clip.update(id=ids.take(cmeta.get("id"), "clip"), media_id=key, start=start,
                        **{"in": round(media_in, 6), "out": round(media_in + length * speed, 6)})
            if speed != 1:
                clip["speed"] = speed
            mapped[i] = clip
        # transitions: the clips either side overlap by in_offset + out_offset
        for i, item in enumerate(track):
            if not isinstance(item, otio.schema.Transition):
                continue
            a, b = mapped.get(i - 1), mapped.get(i + 1)
            if a is None or b is None or "media_id" not in a or "media_id" not in b:
                skipped["transitions not between two media clips"] += 1
                continue
            before, after_ = _seconds(item.in_offset), _seconds(item.out_offset)
            d = round(before + after_, 6)
            if d <= 0:
                continue
            sa, sb = float(a.get("speed", 1)), float(b.get("speed", 1))
            la, lb = clip_length(a), clip_length(b)
            if b["in"] - before * sb < -1e-6 or la < before - 1e-6 or lb < after_ - 1e-6 \
                    or d < LIMITS["transition"].low:
                skipped["transitions without enough media either side"] += 1
                continue
            a["out"] = round(a["out"] + after_ * sa, 6)
            b["in"] = round(max(b["in"] - before * sb, 0.0), 6)
            b["start"] = round(b["start"] - before, 6)
            ttype = _reelcut(item).get("type")
            if ttype not in TRANSITIONS:
                if item.transition_type != otio.schema.TransitionTypes.SMPTE_Dissolve:
                    odd_transitions[item.transition_type or "unnamed"] += 1
                ttype = "crossfade"
            b["transition_in"] = {"type": ttype, "duration": d}
        new["clips"] = [mapped[i] for i in sorted(mapped)]
        (audio if kind == "audio" else video).append(new)
        if side:
            video.append({"id": ids.take(None, "titles"), "name": f"{new['name']} titles"[:200], "kind": "text",
                          "muted": False, "hidden": new["hidden"], "clips": side})
    for what, n in sorted(skipped.items()):
        warnings.append(f"Reelcut does not import {what}: {n} left out")
    for what, n in sorted(effects.items()):
        warnings.append(f"Reelcut has no '{what}' effect: {_plural(n, 'clip')} imported without it")
    for what, n in sorted(dropped.items()):
        warnings.append(f"Reelcut titles have no {what}: {_plural(n, 'title')} simplified")
    for what, n in sorted(odd_transitions.items()):
        warnings.append(f"{_plural(n, 'transition')} of kind {what} imported as crossfades")
    markers: list[dict[str, Any]] = []
    marker_ids = _Ids()
    for offset, m in markers_src:
        mmeta = _reelcut(m)
        t = round(offset + _seconds(m.marked_range.start_time), 6)
        if t < 0 or t > LIMITS["seconds"].high:
            continue
        color = mmeta.get("color") or MARKER_COLORS.get(str(m.color or "").upper())
        marker = {"id": marker_ids.take(mmeta.get("id"), "marker"), "time": t,
                  "name": (m.name or "Marker")[:MARKER_NAME]}
        if color:
            marker["color"] = color
        markers.append(marker)
    if len(markers) > LIMITS["markers"].high:
        warnings.append(f"Reelcut holds {LIMITS['markers'].high:g} markers: {len(markers) - 1000} left out")
        markers = markers[: int(LIMITS["markers"].high)]
    markers.sort(key=lambda m: m["time"])
    captions = top.get("captions")
    taken = {t["id"] for t in video + audio}
    kept = [copy.deepcopy(dict(t)) for t in (captions if isinstance(captions, list) else [])
            if isinstance(t, dict) and t.get("kind") == "captions" and t.get("id") not in taken]
    doc = {"version": VERSION, "fps": fps, "width": width, "height": height, "playhead": 0.0,
           "zoom": defaults.get("zoom", 50.0), "tracks": kept + list(reversed(video)) + audio, "markers": markers}
    return Imported(doc, refs, warnings)


__all__ = ["FORMATS", "Format", "Imported", "from_otio", "nearest_color", "to_otio", "url_path"]
