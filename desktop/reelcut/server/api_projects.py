"""Projects and their timelines."""

from __future__ import annotations

import json
from dataclasses import asdict

from flask import Blueprint, Response, g, jsonify, request

from ..interchange import service as interchange
from ..interchange.relink import relink
from ..library.timeline import LIMITS
from .util import body, services, uploaded

bp = Blueprint("api_projects", __name__, url_prefix="/api")
WARNINGS_HEADER = 6000  # characters of the export's X-Reelcut-Warnings


@bp.get("/projects")
def list_projects():
    return jsonify({"projects": services().projects.list()})


@bp.post("/projects")
def create_project():
    return jsonify({"project": services().projects.create(body().get("name"))}), 201


@bp.get("/projects/<project_id>")
def get_project(project_id: str):
    return jsonify({"project": services().projects.get(project_id)})


@bp.patch("/projects/<project_id>")
def update_project(project_id: str):
    return jsonify({"project": services().projects.update(project_id, body())})


@bp.delete("/projects/<project_id>")
def delete_project(project_id: str):
    services().projects.delete(project_id)
    return jsonify({"ok": True})


@bp.get("/projects/<project_id>/timeline")
def get_timeline(project_id: str):
    doc, revision = services().projects.timeline_at(project_id)
    return jsonify({"timeline": doc, "revision": revision})


SOURCE_HEADER = "X-Reelcut-Source"


def _who(data: dict) -> dict:
    """Who makes the change: `source` (body, else the X-Reelcut-Source header; "api" when
    neither) and `client`, the writer's own id, both told to every window in `timeline_changed`."""
    return {"source": data.get("source") or request.headers.get(SOURCE_HEADER), "client": data.get("client")}


@bp.put("/projects/<project_id>/timeline")
def put_timeline(project_id: str):
    data = body()
    doc, revision = services().projects.save_timeline_at(project_id, data.get("timeline"), data.get("revision"),
                                                         coalesce=data.get("coalesce", False), **_who(data))
    return jsonify({"timeline": doc, "revision": revision})


@bp.post("/projects/<project_id>/timeline/undo")
def undo_timeline(project_id: str):
    data = body()
    return jsonify(services().projects.undo_timeline(project_id, data.get("revision"), **_who(data)))


@bp.post("/projects/<project_id>/timeline/redo")
def redo_timeline(project_id: str):
    data = body()
    return jsonify(services().projects.redo_timeline(project_id, data.get("revision"), **_who(data)))


@bp.get("/projects/<project_id>/timeline/history")
def timeline_history(project_id: str):
    return jsonify(services().projects.timeline_history(project_id))


@bp.get("/projects/<project_id>/timeline/export")
def export_timeline(project_id: str):
    """The timeline as an interchange file (`format`: otio, fcp7xml, fcpxml or edl), downloaded.
    What the format cannot carry is listed in the `X-Reelcut-Warnings` header, a JSON array of
    sentences (ASCII-escaped, so any name fits in a header)."""
    s = services()
    content, filename, mime, warnings = interchange.export_timeline(s.projects, s.media, project_id,
                                                                    request.args.get("format"))
    response = Response(content, mimetype=mime)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    header = json.dumps(warnings, ensure_ascii=True)
    kept = len(warnings)
    while len(header) > WARNINGS_HEADER and kept > 0:  # a header stays well under servers' 8 KB
        kept -= 1
        header = json.dumps([*warnings[:kept], f"…and {len(warnings) - kept} more"], ensure_ascii=True)
    response.headers["X-Reelcut-Warnings"] = header
    response.headers["Access-Control-Expose-Headers"] = "X-Reelcut-Warnings, Content-Disposition"
    return response


@bp.post("/projects/<project_id>/timeline/import")
def import_timeline(project_id: str):
    """A multipart `file` (OTIO, FCP 7 XML, FCPXML or EDL, told by its extension or the form field
    `format`) becomes the project's timeline; the media it names by existing paths comes into the
    library. Answers {timeline, revision, warnings}."""
    s = services()
    s.projects.get(project_id)
    filename, data, revision = uploaded("timeline file", interchange.MAX_FILE)
    doc, new_revision, warnings = interchange.import_timeline(
        s.projects, s.media, project_id, data, filename, request.form.get("format") or None, revision)
    return jsonify({"timeline": doc, "revision": new_revision, "warnings": warnings})


@bp.post("/projects/<project_id>/timeline/relink")
def relink_timeline(project_id: str):
    """Every offline clip named `name` (or `offline_path`) becomes a clip of `media_id`, or of the
    file at `path` (imported first; Bearer only, as importing by path is). One undoable save."""
    s = services()
    return jsonify(relink(s.projects, s.media, project_id, body(), may_read_paths=g.get("auth") == "bearer"))


@bp.get("/projects/<project_id>/view")
def get_view(project_id: str):
    return jsonify({"view": services().projects.view(project_id)})


@bp.put("/projects/<project_id>/view")
def put_view(project_id: str):
    return jsonify({"view": services().projects.save_view(project_id, body())})


@bp.get("/timeline/limits")
def timeline_limits():
    """What a timeline may hold, for the page to refuse a value beside its field before saving."""
    return jsonify({"limits": {name: asdict(limit) for name, limit in LIMITS.items()}})
