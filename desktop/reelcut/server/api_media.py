"""The media library: listing, multipart import, rename, delete, playback sources."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, g, jsonify, request

from ..errors import AppError
from ..playback import playback_sources
from ..render import frames
from . import urls
from .util import body, services

bp = Blueprint("api_media", __name__, url_prefix="/api")


@bp.get("/projects/<project_id>/media")
def list_media(project_id: str):
    return jsonify({"media": [urls.media_item(m) for m in services().media.list(project_id)]})


@bp.post("/projects/<project_id>/media")
def import_media(project_id: str):
    files = request.files.getlist("file")
    if not files:
        raise AppError("no_file", "Choose a file to import.", field="file")
    media = services().media
    media.projects.get(project_id)
    items: list[dict] = []
    try:
        for f in files:
            items.append(media.import_stream(project_id, f.stream, f.filename or "media"))
    except Exception:
        # one refused file refuses the request: the answer is an error, so nothing may stay stored
        for item in items:
            media.delete(item["id"], for_good=True)
        raise
    return jsonify({"media": [urls.media_item(m) for m in items]}), 201


@bp.post("/projects/<project_id>/media/path")
def import_media_path(project_id: str):
    """Import a local file by its path (copied, never moved): for scripts and `reelcut mcp`, which
    run as the user on this machine. Bearer only: a page (cookie) must not make the server read
    files it names. The file must be a regular file that probes as media (415 otherwise)."""
    if g.get("auth") != "bearer":
        raise AppError("bearer_only", "Importing by path needs the Bearer token (scripts and agents only).")
    raw = body().get("path")
    if not isinstance(raw, str) or not raw.strip():
        raise AppError("invalid_path", "path must be the absolute path of a local file.", field="path")
    path = Path(raw).expanduser()
    if not path.is_absolute():
        raise AppError("invalid_path", f"path must be absolute, not '{raw}'.", field="path")
    if not path.is_file():
        raise AppError("invalid_path", f"'{raw}' is not a file.", field="path")
    item = services().media.import_path(project_id, path)
    return jsonify({"media": [urls.media_item(item)]}), 201


@bp.get("/media/<media_id>")
def get_media(media_id: str):
    return jsonify({"media": urls.media_item(services().media.get(media_id))})


@bp.patch("/media/<media_id>")
def rename_media(media_id: str):
    """Change an item's name, its bin ({"bin": name or null}), or both."""
    fields = body()
    media = services().media
    if "name" not in fields and "bin" not in fields:
        raise AppError("invalid_media", "Send a new name, a bin, or both.", field="name")
    item = None
    if "bin" in fields:
        item = media.file_in_bin(media_id, fields["bin"])
    if "name" in fields or item is None:
        item = media.rename(media_id, fields.get("name"))
    return jsonify({"media": urls.media_item(item)})


@bp.delete("/media/<media_id>")
def delete_media(media_id: str):
    services().media.delete(media_id)
    return jsonify({"ok": True})


@bp.post("/media/<media_id>/restore")
def restore_media(media_id: str):
    return jsonify({"media": urls.media_item(services().media.restore(media_id))})


@bp.get("/media/<media_id>/sources")
def sources(media_id: str):
    s = services()
    item = s.media.get(media_id)
    s.media.file_path(media_id)  # the file must exist to be offered
    entries = playback_sources(item, use_proxy=s.proxies.needs_proxy(item),
                               remote_allowed=s.preferences.remote_preview_enabled())
    return jsonify({"sources": urls.sources(media_id, entries)})


@bp.post("/media/<media_id>/proxy")
def request_proxy(media_id: str):
    """Make the video's preview proxy (again, after a failure: the page's Retry)."""
    return jsonify({"media": urls.media_item(services().proxies.retry(media_id))}), 202


@bp.get("/media/<media_id>/waveform")
def waveform(media_id: str):
    """The peaks; 202 {status: "pending", progress} while a long sound is still being read."""
    data = services().media.waveform(media_id)
    return jsonify(data), 202 if data.get("status") == "pending" else 200


@bp.get("/media/<media_id>/frame")
def frame(media_id: str):
    png = frames.media_frame(services().media, media_id, request.args.get("t"), request.args.get("width"))
    return Response(png, mimetype="image/png", headers={"Cache-Control": "no-store"})
