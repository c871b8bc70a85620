"""Whether the server is up, and what it offers: health and the OpenAPI description."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from .. import __version__
from ..errors import AppError
from .openapi import spec
from .util import body, services

CLIENT_LOG_LIMIT = 4096

bp = Blueprint("api_health", __name__, url_prefix="/api")


@bp.get("/health")
def health():
    return jsonify({"ok": True, "version": __version__, "desktop": services().desktop.available,
                    # `reelcut serve --dev`: the page loads its live-reload module
                    "dev": bool(current_app.config.get("REELCUT_DEV"))})


@bp.post("/client-log")
def client_log():
    # a report is a few hundred bytes: anything much bigger is refused before it is read
    if request.content_length is not None and request.content_length > CLIENT_LOG_LIMIT:
        raise AppError("too_large", f"A page report may be at most {CLIENT_LOG_LIMIT} bytes.")
    logged = services().client_log.record(body())
    return jsonify({"ok": True, "logged": logged})


@bp.get("/openapi.json")
def openapi():
    return jsonify(spec())
