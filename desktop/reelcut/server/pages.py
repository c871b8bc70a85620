"""The single-page app's files. The page is static: the token never appears in it."""

from __future__ import annotations

from flask import Blueprint, current_app, send_from_directory

bp = Blueprint("pages", __name__)

_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html", ".svg": "image/svg+xml"}


@bp.get("/")
def index():
    return send_from_directory(current_app.extensions["reelcut_web"], "index.html")


@bp.get("/<path:filename>")
def asset(filename: str):
    # send_from_directory refuses paths that leave web/ (404), so traversal cannot escape.
    resp = send_from_directory(current_app.extensions["reelcut_web"], filename)
    for ext, mime in _TYPES.items():
        if filename.endswith(ext):
            resp.mimetype = mime
    return resp
