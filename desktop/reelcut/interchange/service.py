"""Export and import of a project's timeline through OTIO's adapters: the I/O around `mapping`.

An import is all or nothing: the file is parsed and mapped, and the document it maps to is
validated, before any media is brought into the library; if bringing the media in or saving the
document fails, the media rows this import added are deleted again."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import opentimelineio as otio

from ..errors import AppError, NotFound
from ..library.files import safe_filename
from ..library.media_store import MediaStore
from ..library.projects import Projects
from ..library.timeline import MARKER_NAME, PATH_CHARS, validate_timeline, without_clips, without_placeholders
from . import fcp7_text, fcpx_text
from .mapping import DROPPED, FORMATS, TEXT_KIND, Format, from_otio, otio_rate, plain, to_otio

log = logging.getLogger(__name__)
BY_EXT = {f.ext: f for f in FORMATS.values()}
MAX_FILE = 32 * 1024 * 1024  # an edit decision list is text: 32 MB is far past any real one


def _format(key: Any) -> Format:
    fmt = FORMATS.get(key) if isinstance(key, str) else None
    if fmt is None:
        raise AppError("unknown_format", f"The format must be one of {', '.join(FORMATS)}.", field="format")
    return fmt


def format_of(filename: str, key: Any = None) -> Format:
    """The format named, or else the one the file's extension says."""
    if key:
        return _format(key)
    fmt = BY_EXT.get(Path(filename or "").suffix.lower())
    if fmt is None:
        raise AppError("unknown_format", f"'{filename}' is not a timeline file Reelcut reads: it reads "
                       f"{', '.join(f'{f.label} ({f.ext})' for f in FORMATS.values())}.", field="file")
    return fmt


def _adapter_args(fmt: Format, fps: float) -> dict[str, Any]:
    return {"rate": otio_rate(fps)} if fmt.adapter == "cmx_3600" else {}


def export_timeline(projects: Projects, media: MediaStore, project_id: str,
                    fmt_key: Any) -> tuple[bytes, str, str, list[str]]:
    """The project's timeline written in the format: (content, file name, mime, warnings)."""
    fmt = _format(fmt_key)
    project = projects.get(project_id)
    doc = without_placeholders(projects.timeline(project_id))  # a clip still being generated has no media
    items: dict[str, dict[str, Any]] = {}
    for item in media.list(project_id):
        try:
            path: str | None = str(media.file_path(item["id"])[0])
        except NotFound:
            path = None
        items[item["id"]] = {"name": item["name"], "path": path, "duration": item["duration"]}
    tl, warnings = to_otio(doc, items, fmt, name=project["name"])
    try:
        if fmt.adapter == "cmx_3600" and (not len(tl.tracks) or not len(tl.tracks[0])):
            text = f"TITLE: {tl.name}\n\n"  # the adapter needs one event at least
        else:
            text = write(tl, fmt)
    except Exception as exc:  # noqa: BLE001 - an adapter's refusal, told with the format
        log.warning("writing %s failed", fmt.label, exc_info=True)
        raise AppError("interchange_failed", f"The timeline could not be written as {fmt.label}: {exc}") from exc
    name = safe_filename(project["name"]) or "timeline"
    return text.encode("utf-8"), f"{name}{fmt.ext}", fmt.mime, warnings


def write(tl: otio.schema.Timeline, fmt: Format) -> str:
    """`to_otio`'s timeline as the format's text: the adapter's, with the titles it cannot write
    made the format's own (FCP 7's Text generators, FCPXML's Basic Titles)."""
    meta = tl.metadata["reelcut"]
    text = otio.adapters.write_to_string(tl, fmt.adapter, **_adapter_args(fmt, meta["fps"]))
    if fmt.adapter == "fcp_xml":
        text = fcp7_text.tidy(text)
    elif fmt.adapter == "fcpx_xml":
        text = fcpx_text.finish(text, _placeholders(tl), meta["width"], meta["height"])
    return text


def _placeholders(tl: otio.schema.Timeline) -> dict[str, dict[str, Any]]:
    """The FCPXML placeholder clips of the text tracks, by name, with their text clips."""
    return {c.name: plain(c.metadata["reelcut"]) for t in tl.tracks
            if (t.metadata.get("reelcut") or {}).get("kind") == "text" for c in t.find_clips()
            if c.name.startswith(fcpx_text.TOKEN)}


def _add_titles(tl: otio.schema.Timeline, text: str, fps: float, canvas: tuple[int, int]) -> None:
    """FCPXML's titles, which OTIO's adapter skips, as text tracks on top of the picture: each
    title on the lowest of them where it overlaps none."""
    titles = fcpx_text.read_titles(text, *canvas)
    if not titles:
        return
    rate = next((c.source_range.duration.rate for c in tl.find_clips() if c.source_range), otio_rate(fps))
    RT, TR = otio.opentime.RationalTime, otio.opentime.TimeRange
    tracks: list[otio.schema.Track] = []
    ends: list[int] = []
    for t in titles:
        start, length = round(t["start"] * rate), round(t["duration"] * rate)
        if length < 1 or start < 0:
            continue
        i = next((i for i, end in enumerate(ends) if end <= start), None)
        if i is None:
            tracks.append(otio.schema.Track(kind=otio.schema.TrackKind.Video))
            ends.append(0)
            i = len(tracks) - 1
        if start > ends[i]:
            tracks[i].append(otio.schema.Gap(source_range=TR(RT(0, rate), RT(start - ends[i], rate))))
        ref = otio.schema.GeneratorReference(name="Text", generator_kind=TEXT_KIND, parameters=t["fields"])
        if t["dropped"]:
            ref.metadata[DROPPED] = t["dropped"]
        name = (t["fields"].get("text") or "").split("\n")[0][:60] or "Title"
        tracks[i].append(otio.schema.Clip(name=name, media_reference=ref,
                                          source_range=TR(RT(0, rate), RT(length, rate))))
        ends[i] = start + length
    for track in tracks:
        tl.tracks.append(track)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def parse(data: bytes, fmt: Format, fps: float, canvas: tuple[int, int] = (1920, 1080)) -> otio.schema.Timeline:
    """The file's timeline, or a 422 saying why it is not one. `canvas` places FCPXML's titles
    when the file gives no frame size (the project's)."""
    if len(data) > MAX_FILE:
        raise AppError("invalid_interchange", f"A {fmt.label} file larger than {MAX_FILE // 2**20} MB is refused.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AppError("invalid_interchange", f"The {fmt.label} file is not UTF-8 text.") from None
    if fmt.adapter == "cmx_3600":
        # the reader's M2 (speed) line takes a non-drop timecode only; its writer writes drop-frame
        # ones (29.97): read "00:00:01;02" as "00:00:01:02" there
        text = re.sub(r"(?m)^(M2 .*?)(\d\d):(\d\d):(\d\d);(\d\d)\s*$", r"\1\2:\3:\4:\5", text)
    try:
        result = otio.adapters.read_from_string(text, fmt.adapter, **_adapter_args(fmt, fps))
    except Exception as exc:  # noqa: BLE001 - every parser error, told as a 422 with its words
        raise AppError("invalid_interchange", f"The file could not be read as {fmt.label}: "
                       f"{str(exc).strip() or type(exc).__name__}.") from None
    if isinstance(result, otio.schema.SerializableCollection):
        result = next((t for t in result.find_children(descended_from_type=otio.schema.Timeline)), None) \
            if hasattr(result, "find_children") else next((t for t in result if isinstance(t, otio.schema.Timeline)),
                                                          None)
    if not isinstance(result, otio.schema.Timeline):
        raise AppError("invalid_interchange", f"The {fmt.label} file holds no timeline.")
    if fmt.adapter == "fcpx_xml":
        try:
            _add_titles(result, text, fps, canvas)
        except (ET.ParseError, ValueError, ZeroDivisionError) as exc:
            raise AppError("invalid_interchange", f"The titles of the {fmt.label} file could not be read: "
                           f"{exc}.") from None
    return result


def import_timeline(projects: Projects, media: MediaStore, project_id: str, data: bytes, filename: str,
                    fmt_key: Any = None, revision: Any = None,
                    base: Path | None = None) -> tuple[dict[str, Any], int, list[str]]:
    """Replace the project's timeline with the file's: (document, revision, warnings).
    `base` resolves media paths written relative to the file (the file's folder, when known)."""
    fmt = format_of(filename, fmt_key)
    current, at = projects.timeline_at(project_id)
    if revision is not None and revision != at:
        # refused now, before any media is copied in (the save below would refuse it too, with the
        # same answer: 409 stale_timeline with the current revision, or 400 for a revision that is none)
        projects.save_timeline_at(project_id, current, revision)
    tl = parse(data, fmt, float(current["fps"]), (current["width"], current["height"]))
    try:
        imp = from_otio(tl, fmt, current, base)
    except AppError:
        raise
    except Exception as exc:  # noqa: BLE001 - a file the adapter read but that makes no sense
        raise AppError("invalid_interchange", f"The {fmt.label} file could not be mapped to a timeline: "
                       f"{exc}.") from None
    warnings = list(imp.warnings)
    uses: dict[str, int] = {}
    for track in imp.doc["tracks"]:
        for clip in track["clips"]:
            if "media_id" in clip:
                uses[clip["media_id"]] = uses.get(clip["media_id"], 0) + 1

    def leave_out(keys: set[str], why: str) -> None:
        nonlocal doc
        for key in sorted(keys, key=lambda k: imp.refs[k]["name"]):
            ref = imp.refs[key]
            where = ref["path"] or ref["url"] or "no file named"
            n = uses.get(key, 0)
            warnings.append(f"{why}: {ref['name']} ({where}): {n} clip{'s' if n != 1 else ''} left out")
        doc = without_clips(doc, lambda c: c.get("media_id") in keys)

    doc = imp.doc
    missing = {k for k, r in imp.refs.items() if k in uses and (r["path"] is None or not r["path"].is_file())}
    # missing media's clips keep their place as offline clips, to be relinked later
    for key in sorted(missing, key=lambda k: imp.refs[k]["name"]):
        ref = imp.refs[key]
        n = uses[key]
        warnings.append(f"Missing media: {ref['name']} ({ref['path'] or ref['url'] or 'no file named'}): "
                        f"{n} clip{'s' if n != 1 else ''} kept offline")
    where_of = {k: str(imp.refs[k]["path"] or imp.refs[k]["url"] or "") for k in missing}
    for track in doc["tracks"]:
        for clip in track["clips"]:
            key = clip.get("media_id")
            if key in missing:
                del clip["media_id"]
                clip["offline"] = {"name": imp.refs[key]["name"][:MARKER_NAME] or "media"}
                if where_of[key]:
                    clip["offline"]["path"] = where_of[key][:PATH_CHARS]
    present = {k for k in imp.refs if k in uses and k not in missing}
    try:
        validate_timeline(doc, present)
    except AppError as exc:
        raise AppError("invalid_interchange", f"The {fmt.label} file maps to a timeline Reelcut cannot hold: "
                       f"{exc.message}", field=exc.field) from None
    # only now, with the whole file read, mapped and valid, does media come in
    added: list[str] = []
    ids: dict[str, str] = {}
    try:
        unreadable: set[str] = set()
        for key in sorted(present):
            path = imp.refs[key]["path"]
            sha = _sha256(path)
            row = media.db.one("SELECT id FROM media WHERE project_id = ? AND sha256 = ? AND missing_reason IS NULL"
                               " ORDER BY created_at LIMIT 1", (project_id, sha))
            if row is not None:
                ids[key] = row["id"]
                continue
            try:
                item = media.import_path(project_id, path)
            except AppError as exc:
                if exc.status != 415:  # not media: its clips are left out, the rest comes in
                    raise
                unreadable.add(key)
                continue
            added.append(item["id"])
            ids[key] = item["id"]
        if unreadable:
            leave_out(unreadable, "Not a media file Reelcut reads")
        for track in doc["tracks"]:
            for clip in track["clips"]:
                if "media_id" in clip:
                    clip["media_id"] = ids[clip["media_id"]]
        saved, new_revision = projects.save_timeline_at(project_id, doc, revision, source="import")
    except BaseException:
        for media_id in added:
            with contextlib.suppress(Exception):
                media.delete(media_id)
        raise
    reused = len(ids) - len(added)
    if reused:
        warnings.append(f"{reused} media file{'s were' if reused != 1 else ' was'} already in the library "
                        "(the same content): reused, not copied again")
    return saved, new_revision, warnings


__all__ = ["BY_EXT", "export_timeline", "format_of", "import_timeline", "parse", "write"]
