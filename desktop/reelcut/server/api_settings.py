"""The user's settings (the fal.ai key is written here, never read back)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from .util import body, services

bp = Blueprint("api_settings", __name__, url_prefix="/api")


@bp.get("/settings")
def get_settings():
    return jsonify(services().preferences.get())


@bp.put("/settings")
def put_settings():
    return jsonify(services().preferences.update(body()))
