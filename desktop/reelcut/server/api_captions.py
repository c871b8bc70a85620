"""A project's captions tracks as subtitle files: imported (SRT, WebVTT, ASS/SSA) and exported
(SRT, WebVTT)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ..library import captions
from .util import body, services, uploaded

bp = Blueprint("api_captions", __name__, url_prefix="/api")


@bp.post("/projects/<project_id>/captions/import")
def import_captions(project_id: str):
    """A multipart `file` becomes the lines of the captions track `track_id` (a form field), or
    of a new captions track named after the file. `revision`: the one the timeline was read at.
    Answers {timeline, revision}; a file that cannot be read is refused naming its line, and
    nothing is stored."""
    s = services()
    s.projects.get(project_id)
    filename, data, revision = uploaded("subtitle file", captions.MAX_FILE)
    doc, new_revision = captions.import_captions(s.projects, project_id, data, filename,
                                                 request.form.get("track_id") or None, revision)
    return jsonify({"timeline": doc, "revision": new_revision})


@bp.get("/projects/<project_id>/captions/<track_id>/export")
def export_captions(project_id: str, track_id: str):
    """The captions track's lines as a file to download (`format`: srt or vtt)."""
    content, filename, mime = captions.export_captions(services().projects, project_id, track_id,
                                                       request.args.get("format"))
    response = Response(content, mimetype=mime)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Access-Control-Expose-Headers"] = "Content-Disposition"
    return response


@bp.post("/projects/<project_id>/captions/transcribe")
def transcribe(project_id: str):
    """{clip_id} → 202 {job}: speech to text of the clip's sound on fal.ai; its lines arrive as a
    new captions track when the job ends (the timeline_changed event tells the page)."""
    return jsonify({"job": services().jobs.transcribe(project_id, body().get("clip_id"))}), 202


@bp.post("/projects/<project_id>/captions/transcribe-timeline")
def transcribe_timeline(project_id: str):
    """{track_id?} → 202 {job}: speech to text of the whole timeline's mixed sound on fal.ai; its
    lines arrive at timeline time in that captions track, or a new one, when the job ends."""
    return jsonify({"job": services().jobs.transcribe_timeline(project_id, body().get("track_id"))}), 202
