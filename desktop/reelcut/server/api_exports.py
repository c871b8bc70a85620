"""Timeline exports: the formats and presets, an estimate, start, follow, cancel, download."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, send_file

from ..errors import AppError
from ..render import settings as export_settings
from . import urls
from .util import body, services

bp = Blueprint("api_exports", __name__, url_prefix="/api")


def _settings() -> object:
    """The body's `settings` (absent: None, the default export); any other field is one the
    export would silently ignore (a 422 that names it)."""
    data = body()
    unknown = sorted(k for k in data if k != "settings")
    if unknown:
        raise AppError("unknown_field", f"An export takes only settings; {unknown[0]!r} is not one.",
                       field=unknown[0])
    return data.get("settings")


@bp.get("/export/formats")
def formats():
    return jsonify(export_settings.formats())


@bp.post("/projects/<project_id>/exports/estimate")
def estimate(project_id: str):
    return jsonify(services().exports.estimate(project_id, _settings() or {}))


@bp.post("/projects/<project_id>/exports")
def start(project_id: str):
    return jsonify({"job": urls.export_job(services().exports.start(project_id, _settings()))}), 201


@bp.get("/projects/<project_id>/frame")
def frame(project_id: str):
    png = services().exports.frame(project_id, request.args.get("t"), request.args.get("width"))
    return Response(png, mimetype="image/png", headers={"Cache-Control": "no-store"})


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
    exports = services().exports
    path = exports.file_path(export_id)
    return send_file(path, mimetype=exports.mime(export_id), as_attachment=True, download_name=path.name,
                     conditional=True)


@bp.get("/exports/<export_id>/sidecar")
def download_sidecar(export_id: str):
    path = services().exports.sidecar_path(export_id)
    mime = "text/vtt" if path.suffix == ".vtt" else "application/x-subrip"
    return send_file(path, mimetype=mime, as_attachment=True, download_name=path.name, conditional=True)
