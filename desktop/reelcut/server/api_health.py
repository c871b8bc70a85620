"""Whether the server is up, and what it offers: health and the OpenAPI description."""

from __future__ import annotations

from flask import Blueprint, jsonify

from .. import __version__
from .openapi import spec
from .util import services

bp = Blueprint("api_health", __name__, url_prefix="/api")


@bp.get("/health")
def health():
    return jsonify({"ok": True, "version": __version__, "desktop": services().desktop.available})


@bp.get("/openapi.json")
def openapi():
    return jsonify(spec())
