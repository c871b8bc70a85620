"""The media library: listing, multipart import, rename, delete, playback sources."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from ..errors import AppError
from . import urls
from .util import body, bridge

bp = Blueprint("api_media", __name__, url_prefix="/api")


@bp.get("/projects/<project_id>/media")
def list_media(project_id: str):
    return jsonify({"media": urls.media_items(bridge().list_media(project_id))})


@bp.post("/projects/<project_id>/media")
def import_media(project_id: str):
    files = request.files.getlist("file")
    if not files:
        raise AppError("no_file", "Choose a file to import.", field="file")
    b = bridge()
    b.get_project(project_id)
    items: list[dict] = []
    try:
        for f in files:
            items.append(b.import_stream(project_id, f.stream, f.filename or "media"))
    except Exception:
        # one refused file refuses the request: the answer is an error, so nothing may stay stored
        for item in items:
            b.delete_media(item["id"])
        raise
    return jsonify({"media": urls.media_items(items)}), 201


@bp.get("/media/<media_id>")
def get_media(media_id: str):
    return jsonify({"media": urls.media_item(bridge().get_media(media_id))})


@bp.patch("/media/<media_id>")
def rename_media(media_id: str):
    return jsonify({"media": urls.media_item(bridge().rename_media(media_id, body().get("name")))})


@bp.delete("/media/<media_id>")
def delete_media(media_id: str):
    bridge().delete_media(media_id)
    return jsonify({"ok": True})


@bp.get("/media/<media_id>/sources")
def sources(media_id: str):
    return jsonify({"sources": urls.sources(bridge().playback_sources(media_id))})


@bp.get("/media/<media_id>/waveform")
def waveform(media_id: str):
    return jsonify(bridge().waveform(media_id))


@bp.post("/capabilities")
def capabilities():
    return jsonify({"codecs": bridge().report_capabilities(body().get("codecs"))})


@bp.get("/settings")
def get_settings():
    return jsonify(bridge().get_settings())


@bp.put("/settings")
def put_settings():
    return jsonify(bridge().update_settings(body()))
