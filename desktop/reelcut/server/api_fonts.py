"""The fonts the export draws titles with, for the preview to draw them with the same glyphs."""

from __future__ import annotations

import os

from flask import Blueprint, jsonify, request, send_file

from ..errors import AppError, NotFound
from ..library.timeline import LIMITS
from ..media import fonts
from ..media.fonts import find_font

bp = Blueprint("api_fonts", __name__, url_prefix="/api")

_MIMETYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".ttc": "font/collection", ".woff": "font/woff",
              ".woff2": "font/woff2"}
_NO_FONT = "No font for titles was found on this machine (install fonts-dejavu-core)."


def _send(path: str | None) -> object:
    if not path:
        raise NotFound("The title font", _NO_FONT)
    mimetype = _MIMETYPES.get(os.path.splitext(path)[1].lower(), "application/octet-stream")
    return send_file(path, mimetype=mimetype, max_age=3600)


@bp.get("/fonts/title")
def title_font():
    return _send(find_font())


@bp.get("/fonts")
def font_list():
    return jsonify({"fonts": fonts.font_families(),
                    "default": {"family": fonts.DEFAULT_FAMILY, "bold": fonts.DEFAULT_BOLD,
                                "italic": fonts.DEFAULT_ITALIC}})


def _switch(name: str, default: bool) -> bool:
    value = request.args.get(name)
    if value is None:
        return default
    if value not in ("0", "1", "true", "false"):
        raise AppError("invalid_param", f"{name} must be 1 or 0.", field=name)
    return value in ("1", "true")


@bp.get("/fonts/file")
def font_file():
    """The file the export draws a title of this style with. A family this machine lacks is
    answered with fontconfig's nearest font, as the export draws it (GET /api/fonts lists the
    families there are)."""
    family = request.args.get("family", fonts.DEFAULT_FAMILY)
    if not family or len(family) > LIMITS["font"].high:
        raise AppError("invalid_param", f"family must be text of 1 to {LIMITS['font'].high:g} characters.",
                       field="family")
    return _send(fonts.font_file(family, _switch("bold", fonts.DEFAULT_BOLD),
                                 _switch("italic", fonts.DEFAULT_ITALIC)))
