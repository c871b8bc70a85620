"""Media bytes: Range requests (200/206/416) streamed from disk by Werkzeug, never read whole."""

from __future__ import annotations

from flask import Blueprint, send_file

from .util import bridge

bp = Blueprint("media", __name__)


@bp.get("/media/<media_id>")
def media_file(media_id: str):
    path, mime = bridge().media_file(media_id)
    return send_file(path, mimetype=mime, conditional=True, etag=True, max_age=3600)


@bp.get("/media/<media_id>/thumbnail")
def thumbnail(media_id: str):
    return send_file(bridge().thumbnail_file(media_id), mimetype="image/jpeg", conditional=True, max_age=3600)


@bp.get("/media/<media_id>/filmstrip")
def filmstrip(media_id: str):
    return send_file(bridge().filmstrip_file(media_id), mimetype="image/jpeg", conditional=True, max_age=3600)
