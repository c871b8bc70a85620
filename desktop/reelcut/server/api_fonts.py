"""The font the export draws titles with, for the preview to draw them with the same glyphs."""

from __future__ import annotations

from flask import Blueprint, send_file

from ..errors import NotFound
from ..media.fonts import find_font

bp = Blueprint("api_fonts", __name__, url_prefix="/api")


@bp.get("/fonts/title")
def title_font():
    path = find_font()
    if not path:
        raise NotFound("The title font", "No font for titles was found on this machine (install fonts-dejavu-core).")
    return send_file(path, mimetype="font/ttf", max_age=3600)
