"""Relinking offline clips (library/timeline.py: a media clip whose file was not found when a
timeline file was imported) to media of the library: every offline clip that names the same
file becomes a clip of that media, in one save, so one undo takes it back."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from ..errors import AppError
from ..library.media_store import MediaStore
from ..library.projects import Projects
from ..library.timeline import TOUCH, is_offline

# which media kinds a clip on each kind of track can show
FITS_TRACK = {"video": ("video", "image"), "audio": ("audio", "video")}


def _text(data: dict[str, Any], key: str) -> str | None:
    v = data.get(key)
    if v is None:
        return None
    if not isinstance(v, str) or not v.strip():
        raise AppError("invalid_relink", f"{key} must be text.", field=key)
    return v


def _matches(name: str | None, offline_path: str | None):
    def match(clip: Any) -> bool:
        if not is_offline(clip):
            return False
        off = clip["offline"]
        return (name is not None and off.get("name") == name) or \
            (offline_path is not None and off.get("path") == offline_path)
    return match


def relink(projects: Projects, media: MediaStore, project_id: str, data: Any, *,
           may_read_paths: bool = False) -> dict[str, Any]:
    """Relink the offline clips named by `name` (or `offline_path`) to `media_id`, an item of the
    project's library, or to the file at `path`, imported first (only when `may_read_paths`:
    a page must not make the server read files it names). Each keeps its start, in and out;
    media shorter than a clip's out point is refused, naming the clip, and nothing changes.
    Answers {timeline, revision, relinked, media_id}."""
    if not isinstance(data, dict):
        raise AppError("invalid_relink", "The body must be an object.", field="body")
    name, offline_path = _text(data, "name"), _text(data, "offline_path")
    if name is None and offline_path is None:
        raise AppError("invalid_relink", "name (or offline_path) must say which offline clips to relink.",
                       field="name")
    media_id, path = _text(data, "media_id"), _text(data, "path")
    if (media_id is None) == (path is None):
        raise AppError("invalid_relink", "Give media_id (an item of the library) or path (a file to import), "
                       "one of them.", field="media_id")
    doc, revision = projects.timeline_at(project_id)
    match = _matches(name, offline_path)
    targets = [(track, clip) for track in doc["tracks"] for clip in track["clips"] if match(clip)]
    if not targets:
        raise AppError("invalid_relink", f"No offline clip is named '{name or offline_path}'.",
                       field="name" if name is not None else "offline_path")
    want = data.get("revision", revision)
    added = None
    if path is not None:
        if not may_read_paths:
            raise AppError("bearer_only", "Relinking to a file by its path needs the Bearer token "
                                          "(scripts and agents only).")
        file = Path(path).expanduser()
        if not file.is_absolute() or not file.is_file():
            raise AppError("invalid_path", f"'{path}' is not the absolute path of a file.", field="path")
        item = media.import_path(project_id, file)
        added = item["id"]
    else:
        item = media.get(str(media_id))
        if item["project_id"] != project_id:
            raise AppError("invalid_relink", "media_id is media of another project.", field="media_id")
    try:
        _check_fits(item, targets)
        new = copy.deepcopy(doc)
        n = 0
        for track in new["tracks"]:
            for clip in track["clips"]:
                if match(clip):
                    del clip["offline"]
                    clip["media_id"] = item["id"]
                    n += 1
        saved, new_revision = projects.save_timeline_at(project_id, new, want, source="relink")
    except BaseException:
        if added is not None:
            media.delete(added)
        raise
    return {"timeline": saved, "revision": new_revision, "relinked": n, "media_id": item["id"]}


def _check_fits(item: dict[str, Any], targets: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    if item.get("missing"):
        raise AppError("invalid_relink", f"'{item['name']}' has lost its own file: it cannot be relinked to.",
                       field="media_id")
    duration = item.get("duration")
    for track, clip in targets:
        fits = FITS_TRACK.get(track["kind"], ())
        if item["kind"] not in fits:
            raise AppError("invalid_relink", f"'{item['name']}' is {item['kind']} media: the clip "
                           f"'{clip['offline']['name']}' ({clip['id']}) on {track.get('name') or track['id']} "
                           f"needs {' or '.join(fits)}.", field="media_id")
        if item["kind"] != "image" and duration is not None and float(clip["out"]) > float(duration) + TOUCH:
            raise AppError("invalid_relink", f"'{item['name']}' is {float(duration):g} s long, shorter than the clip "
                           f"'{clip['offline']['name']}' ({clip['id']}), which plays it to {float(clip['out']):g} s.",
                           field="media_id")


__all__ = ["relink"]
