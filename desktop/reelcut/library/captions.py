"""Subtitle files and a project's captions tracks: SRT, WebVTT and ASS/SSA read into a track's
lines, a track's lines written as SRT or WebVTT.

pysubs2 reads the files, but it is lenient: a cue time it cannot read becomes text of the cue
before it, and an ASS error names no line. So the timings are checked first, line by line
(`_check_times`), and a file with any that is wrong is refused naming its line; nothing is
stored. ASS override tags ({\\b1}, {\\pos(…)}) are dropped: a line is plain text, its look the
track's style."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pysubs2

from ..errors import AppError, NotFound
from .projects import Projects
from .timeline import LIMITS, TOUCH

MAX_FILE = 8 * 1024 * 1024  # subtitles are text: a feature film's are well under 1 MB
FORMATS = {".srt": "srt", ".vtt": "vtt", ".ass": "ass", ".ssa": "ssa"}
EXPORTS = {"srt": ("application/x-subrip", ".srt"), "vtt": ("text/vtt", ".vtt")}
_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{1,3})"
_CUE = re.compile(rf"\s*{_TIME}\s*-->\s*{_TIME}(?:\s.*)?")
_ASS_TIME = re.compile(r"\s*(\d+):(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?\s*")


def _error(line: int | None, why: str, name: str) -> AppError:
    where = f" at line {line}" if line is not None else ""
    return AppError("invalid_captions", f"'{name}'{where}: {why}. Nothing was imported.", field="file")


def _seconds(h: str | None, m: str, s: str, frac: str | None) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + (int(frac.ljust(3, "0")) / 1000 if frac else 0.0)


def _check_times(text: str, fmt: str, name: str) -> None:
    """Refuse the first cue time that is malformed, ends before it starts, runs past the
    timeline's limit or overlaps the cue before it, naming its line."""
    spans: list[tuple[float, float, int]] = []
    ass = fmt in ("ass", "ssa")
    fields = ["layer", "start", "end", "style", "name", "marginl", "marginr", "marginv", "effect", "text"]
    for n, raw in enumerate(text.splitlines(), start=1):
        if ass:
            head, sep, rest = raw.partition(":")
            if sep and head.strip() == "Format":
                fields = [f.strip().lower() for f in rest.split(",")]
            if not sep or head.strip() != "Dialogue":
                continue
            parts = rest.split(",", len(fields) - 1)
            if len(parts) < len(fields) or "start" not in fields or "end" not in fields:
                raise _error(n, f"a Dialogue line needs {len(fields)} fields ({', '.join(fields)})", name)
            times = []
            for key in ("start", "end"):
                m = _ASS_TIME.fullmatch(parts[fields.index(key)])
                if m is None:
                    raise _error(n, f"'{parts[fields.index(key)].strip()}' is not a time like 0:00:01.50", name)
                times.append(_seconds(*m.groups()))
            start, end = times
        else:
            if "-->" not in raw:
                continue
            m = _CUE.fullmatch(raw)
            if m is None:
                raise _error(n, f"'{raw.strip()[:80]}' is not a cue time like 00:00:01,500 --> 00:00:03,000", name)
            g = m.groups()
            start, end = _seconds(*g[:4]), _seconds(*g[4:8])
        if end <= start:
            raise _error(n, "the cue ends before it starts", name)
        if end > LIMITS["seconds"].high:
            raise _error(n, f"the cue ends past {LIMITS['seconds'].high:g} seconds, the longest timeline", name)
        spans.append((start, end, n))
    spans.sort()
    for (_, p_end, pn), (start, _, n) in zip(spans, spans[1:], strict=False):
        if p_end - start > TOUCH:
            raise _error(n, f"the cue overlaps the one at line {pn}: captions on one track never overlap", name)


def _vtt_cues_only(text: str) -> str:
    """WebVTT without what pysubs2 would read as the text of the cue before it: cue identifiers
    (the line just above a cue's time) and NOTE, STYLE and REGION blocks."""
    lines = text.splitlines()
    out: list[str] = []
    skipping = False
    for i, line in enumerate(lines):
        blank_before = i == 0 or not lines[i - 1].strip()
        if blank_before and line.split(" ", 1)[0].split("\t", 1)[0] in ("NOTE", "STYLE", "REGION"):
            skipping = True
        if not line.strip():
            skipping = False
        if skipping or (blank_before and line.strip() and i + 1 < len(lines) and "-->" in lines[i + 1]
                        and "-->" not in line):
            out.append("")
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def parse_captions(data: bytes, filename: str) -> list[dict[str, Any]]:
    """The lines of a subtitle file: [{id, start, duration, text}] in time order. The format is
    told by the file's extension (.srt, .vtt, .ass, .ssa), else by its content."""
    name = Path(filename).name or "the file"
    if len(data) > MAX_FILE:
        raise AppError("too_large", f"'{name}' is larger than {MAX_FILE // 2**20} MB, the most a subtitle file may be.",
                       field="file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise _error(line, "the file is not UTF-8 text", name) from exc
    fmt = FORMATS.get(Path(filename).suffix.lower())
    if fmt is None:
        try:
            fmt = pysubs2.formats.autodetect_format(text)
        except pysubs2.exceptions.Pysubs2Error as exc:
            raise _error(None, "this is not a subtitle file Reelcut reads (SRT, WebVTT, ASS or SSA)", name) from exc
    _check_times(text, fmt, name)
    if fmt == "vtt":
        text = _vtt_cues_only(text)
    try:
        subs = pysubs2.SSAFile.from_string(text, format_=fmt)
    except (pysubs2.exceptions.Pysubs2Error, ValueError, IndexError) as exc:
        # the checks above catch what pysubs2 raises on; this names what they missed
        lines = text.splitlines()
        bad = next((i for i, line in enumerate(lines, start=1) if any(
            tok and tok in line for tok in re.findall(r"'([^']+)'", str(exc)))), None)
        raise _error(bad, f"it cannot be read ({exc})", name) from exc
    lines: list[dict[str, Any]] = []
    for event in sorted(subs, key=lambda e: e.start):
        if event.is_comment:
            continue
        body = "\n".join(part.strip() for part in event.plaintext.split("\n")).strip()
        if not body:
            continue
        if len(body) > LIMITS["text"].high:
            body = body[:int(LIMITS["text"].high)]
        lines.append({"id": f"line-{uuid.uuid4().hex[:10]}", "start": event.start / 1000,
                      "duration": (event.end - event.start) / 1000, "text": body})
    if len(lines) > LIMITS["caption_lines"].high:
        raise _error(None, f"it has {len(lines)} lines; a captions track holds at most "
                     f"{LIMITS['caption_lines'].high:g}", name)
    return lines


def write_captions(track: dict[str, Any], fmt: str) -> bytes:
    """A captions track's lines as an SRT or WebVTT file."""
    subs = pysubs2.SSAFile()
    for line in sorted(track["clips"], key=lambda c: c["start"]):
        start = round(line["start"] * 1000)
        event = pysubs2.SSAEvent(start=start, end=start + round(line["duration"] * 1000))
        event.plaintext = line["text"]
        subs.append(event)
    return subs.to_string(fmt).encode("utf-8")


def _track_name(filename: str) -> str:
    stem = " ".join(Path(filename).stem.split())[:200]
    return stem or "Captions"


def import_captions(projects: Projects, project_id: str, data: bytes, filename: str, track_id: str | None = None,
                    revision: int | None = None) -> tuple[dict[str, Any], int]:
    """Read a subtitle file into the project's timeline: the lines replace those of the captions
    track `track_id`, or become a new captions track on top named after the file. Saved on
    `revision` (the one the page read), or on the one read here: a change made meanwhile is
    never overwritten (409 stale_timeline). Returns the timeline and its new revision."""
    projects.get(project_id)
    lines = parse_captions(data, filename)
    doc, current = projects.timeline_at(project_id)
    if track_id:
        track = next((t for t in doc["tracks"] if t.get("id") == track_id), None)
        if track is None or track.get("kind") != "captions":
            raise NotFound("The captions track")
        track["clips"] = lines
    else:
        name = _track_name(filename)
        doc["tracks"].insert(0, {"id": f"captions-{uuid.uuid4().hex[:8]}", "name": name, "kind": "captions",
                                 "muted": False, "hidden": False, "style": {}, "clips": lines})
    return projects.save_timeline_at(project_id, doc, current if revision is None else revision)


def export_captions(projects: Projects, project_id: str, track_id: str, fmt: Any) -> tuple[bytes, str, str]:
    """A captions track as a file: (bytes, file name, MIME type). `fmt` is srt or vtt."""
    if fmt not in EXPORTS:
        raise AppError("unknown_format", "The captions format must be srt or vtt.", field="format")
    doc = projects.timeline(project_id)
    track = next((t for t in doc["tracks"] if t.get("id") == track_id and t.get("kind") == "captions"), None)
    if track is None:
        raise NotFound("The captions track")
    mime, ext = EXPORTS[fmt]
    safe = re.sub(r"[^A-Za-z0-9 ._-]+", "_", track.get("name") or track_id).strip() or "captions"
    return write_captions(track, fmt), f"{safe}{ext}", mime


# A caption line from speech: words run on until a sentence ends, the speaker pauses this long,
# or the line reaches the length a viewer reads at a glance.
PAUSE = 0.5
LINE_CHARS = 42
_SENTENCE_END = (".", "?", "!", "…")


def speech_lines(words: list[dict[str, Any]], clip: dict[str, Any], offset: float = 0.0) -> list[dict[str, Any]]:
    """Timed words (speech to text's `words`: {text, start, end, type}, times in seconds of what
    was sent, which began at `offset` s of the clip's source) as caption lines placed where the
    clip plays: source time s is at clip.start + (s - clip.in) / speed on the timeline. A line
    outside the clip's [in, out] is dropped, one across its edge is cut to it."""
    start, cin, cout = float(clip["start"]), float(clip["in"]), float(clip["out"])
    speed = float(clip.get("speed", 1.0))
    groups: list[list[tuple[str, float, float]]] = []
    for w in words:
        if not isinstance(w, dict) or w.get("type", "word") != "word":
            continue  # spacing and tagged sounds ("(laughter)") are no words to read
        text = str(w.get("text", "")).strip()
        try:
            a, b = float(w["start"]) + offset, float(w["end"]) + offset
        except (KeyError, TypeError, ValueError):
            continue
        if not text or b < a:
            continue
        last = groups[-1] if groups else None
        if last is None or last[-1][0].endswith(_SENTENCE_END) or a - last[-1][2] >= PAUSE \
                or len(" ".join(t for t, _, _ in last)) + 1 + len(text) > LINE_CHARS:
            groups.append([])
        groups[-1].append((text, a, b))
    lines: list[dict[str, Any]] = []
    for group in groups:
        a, b = max(group[0][1], cin), min(group[-1][2], cout)
        if b - a < 0.01:
            continue
        t0, t1 = start + (a - cin) / speed, start + (b - cin) / speed
        if lines and t0 < lines[-1]["start"] + lines[-1]["duration"]:
            t0 = lines[-1]["start"] + lines[-1]["duration"]  # captions on one track never overlap
        if t1 - t0 < 0.01:
            continue
        lines.append({"id": f"line-{uuid.uuid4().hex[:10]}", "start": round(t0, 6), "duration": round(t1 - t0, 6),
                      "text": " ".join(t for t, _, _ in group)[:1000]})
    return lines


def add_captions_track(projects: Projects, project_id: str, lines: list[dict[str, Any]], name: str,
                       source: str | None = None) -> tuple[dict[str, Any], int]:
    """A new captions track on top holding `lines`, saved on the current revision (the one
    timeline-writing path: history, revision, and `timeline_changed` to every open window)."""
    doc, current = projects.timeline_at(project_id)
    doc["tracks"].insert(0, {"id": f"captions-{uuid.uuid4().hex[:8]}", "name": name[:200] or "Captions",
                             "kind": "captions", "muted": False, "hidden": False, "style": {}, "clips": lines})
    return projects.save_timeline_at(project_id, doc, current, source=source)


def add_lines_to_track(projects: Projects, project_id: str, lines: list[dict[str, Any]], track_id: str | None,
                       name: str, source: str | None = None) -> tuple[int, int]:
    """`lines` into the captions track `track_id`, or into a new track on top named `name` when
    it is None or that track is gone (a paid transcript is never thrown away). An existing
    track's lines stay: a new line that would overlap one of them is left out (the lines of a
    track never overlap). Saved on the current revision. Returns (lines added, lines left out)."""
    doc, current = projects.timeline_at(project_id)
    track = next((t for t in doc["tracks"] if track_id and t.get("id") == track_id and t.get("kind") == "captions"),
                 None)
    if track is None:
        add_captions_track(projects, project_id, lines, name, source)
        return len(lines), 0
    taken = [(float(c["start"]), float(c["start"]) + float(c["duration"])) for c in track["clips"]]
    fits = [line for line in lines
            if all(line["start"] + line["duration"] <= a + 1e-6 or line["start"] >= b - 1e-6 for a, b in taken)]
    if fits:
        track["clips"] = sorted([*track["clips"], *fits], key=lambda c: float(c["start"]))
        projects.save_timeline_at(project_id, doc, current, source=source)
    return len(fits), len(lines) - len(fits)
