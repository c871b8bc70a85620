"""Native features of the desktop window, reached over HTTP so the page needs no JS bridge."""

from __future__ import annotations

from flask import Blueprint, jsonify

from . import urls
from .util import body, bridge

bp = Blueprint("api_desktop", __name__, url_prefix="/api/desktop")


@bp.post("/open")
def open_files():
    return jsonify({"media": urls.media_items(bridge().desktop_import(body().get("project_id")))})


@bp.post("/save-export")
def save_export():
    return jsonify({"path": bridge().desktop_save_export(body().get("export_id"))})


@bp.post("/reveal")
def reveal():
    bridge().desktop_reveal(body().get("media_id"))
    return jsonify({"ok": True})


@bp.post("/title")
def title():
    data = body()
    bridge().desktop_title(data.get("title"), data.get("project_id"))
    return jsonify({"ok": True})


@bp.post("/selftest")
def selftest():
    bridge().desktop_selftest_report(body())
    return jsonify({"ok": True})
