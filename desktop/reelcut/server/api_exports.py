"""Timeline exports: start, follow, cancel, download."""

from __future__ import annotations

from flask import Blueprint, jsonify, send_file

from ..errors import AppError
from . import urls
from .util import body, services

bp = Blueprint("api_exports", __name__, url_prefix="/api")


@bp.post("/projects/<project_id>/exports")
def start(project_id: str):
    # read like every route's body: not JSON is a 400; the export takes no options yet, so any
    # field is one it would silently ignore (a 422 that names it)
    unknown = sorted(body())
    if unknown:
        raise AppError("unknown_field", f"An export takes no options; {unknown[0]!r} is not one.", field=unknown[0])
    return jsonify({"job": urls.export_job(services().exports.start(project_id))}), 201


@bp.get("/projects/<project_id>/exports")
def list_exports(project_id: str):
    return jsonify({"exports": [urls.export_job(e) for e in services().exports.list(project_id)]})


@bp.get("/exports/<export_id>")
def get_export(export_id: str):
    return jsonify({"job": urls.export_job(services().exports.get(export_id))})


@bp.post("/exports/<export_id>/cancel")
def cancel(export_id: str):
    return jsonify({"job": urls.export_job(services().exports.cancel(export_id))})


@bp.get("/exports/<export_id>/file")
def download(export_id: str):
    path = services().exports.file_path(export_id)
    return send_file(path, mimetype="video/mp4", as_attachment=True, download_name=path.name, conditional=True)
