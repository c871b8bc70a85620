"""Native features of the desktop window, reached over HTTP so the page needs no JS bridge."""

from __future__ import annotations

from flask import Blueprint, g, jsonify

from ..errors import AppError
from . import urls
from .util import body, services

bp = Blueprint("api_desktop", __name__, url_prefix="/api/desktop")


@bp.post("/open")
def open_files():
    items = services().desktop.import_files(body().get("project_id"))
    return jsonify({"media": [urls.media_item(m) for m in items]})


@bp.post("/save-export")
def save_export():
    return jsonify({"path": services().desktop.save_export(body().get("export_id"))})


@bp.post("/save-timeline")
def save_timeline():
    data = body()
    return jsonify(services().desktop.save_timeline(data.get("project_id"), data.get("format")))


@bp.post("/reveal")
def reveal():
    data = body()
    path = services().desktop.reveal(data.get("media_id"), data.get("export_id"), data.get("path"))
    return jsonify({"ok": True, "path": path})


@bp.post("/open-logs")
def open_logs():
    return jsonify({"ok": True, "path": services().desktop.open_logs()})


@bp.post("/title")
def title():
    data = body()
    services().desktop.set_title(data.get("title"), data.get("project_id"))
    return jsonify({"ok": True})


@bp.post("/selftest")
def selftest():
    services().desktop.selftest_report(body())
    return jsonify({"ok": True})


@bp.post("/activate")
def activate():
    """A second `reelcut` launch forwarding to this window. Bearer only: it names files for the
    server to read, which a page (cookie) must never do."""
    if g.get("auth") != "bearer":
        raise AppError("bearer_only", "Activating the window needs the Bearer token (a second launch only).")
    return jsonify(services().desktop.activate(body().get("paths")))
