"""Helpers the thin route modules share."""

from __future__ import annotations

from typing import Any

from flask import current_app, request

from ..errors import AppError
from ..services import Services


def services() -> Services:
    return current_app.extensions["reelcut"]


def body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise AppError("invalid_json", "The request body must be a JSON object.")
    return data
