"""What the page's engine can play, reported at start-up; videos it cannot play get proxies."""

from __future__ import annotations

from flask import Blueprint, jsonify

from .util import body, services

bp = Blueprint("api_capabilities", __name__, url_prefix="/api")


@bp.post("/capabilities")
def capabilities():
    return jsonify({"codecs": services().proxies.report_capabilities(body().get("codecs"))})
