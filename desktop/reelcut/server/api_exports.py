"""Timeline exports: start, follow, cancel, download."""

from __future__ import annotations

from flask import Blueprint, jsonify, send_file

from . import urls
from .util import bridge

bp = Blueprint("api_exports", __name__, url_prefix="/api")


@bp.post("/projects/<project_id>/exports")
def start(project_id: str):
    return jsonify({"job": urls.export_job(bridge().start_export(project_id))}), 201


@bp.get("/projects/<project_id>/exports")
def list_exports(project_id: str):
    return jsonify({"exports": urls.export_jobs(bridge().list_exports(project_id))})


@bp.get("/exports/<export_id>")
def get_export(export_id: str):
    return jsonify({"job": urls.export_job(bridge().get_export(export_id))})


@bp.post("/exports/<export_id>/cancel")
def cancel(export_id: str):
    return jsonify({"job": urls.export_job(bridge().cancel_export(export_id))})


@bp.get("/exports/<export_id>/file")
def download(export_id: str):
    path = bridge().export_file(export_id)
    return send_file(path, mimetype="video/mp4", as_attachment=True, download_name=path.name, conditional=True)
