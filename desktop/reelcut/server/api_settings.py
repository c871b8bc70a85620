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


@bp.post("/settings/test-key")
def test_key():
    """Ask fal.ai once whether a key (the one given, else the stored one) is accepted; never a paid call."""
    from ..errors import AppError
    from ..preferences import key_shape_problem

    prefs = services().preferences
    key = body().get("fal_key")
    if not isinstance(key, str) or not key.strip():
        key = prefs.fal_key()
        if not key:
            raise AppError("no_api_key", "Type a fal.ai key to test, or store one first.", field="fal_key")
    problem = key_shape_problem(key)
    if problem:
        raise AppError("invalid_settings", problem, field="fal_key")
    provider = services().providers.get("fal")
    accepted = provider.test_key(key.strip())
    return jsonify({"accepted": accepted,
                    "message": "fal.ai accepted the key." if accepted else "fal.ai refused the key."})
