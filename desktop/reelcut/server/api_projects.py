"""Projects and their timelines."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, jsonify

from ..library.timeline import LIMITS
from .util import body, services

bp = Blueprint("api_projects", __name__, url_prefix="/api")


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
def rename_project(project_id: str):
    return jsonify({"project": services().projects.rename(project_id, body().get("name"))})


@bp.delete("/projects/<project_id>")
def delete_project(project_id: str):
    services().projects.delete(project_id)
    return jsonify({"ok": True})


@bp.get("/projects/<project_id>/timeline")
def get_timeline(project_id: str):
    doc, revision = services().projects.timeline_at(project_id)
    return jsonify({"timeline": doc, "revision": revision})


@bp.put("/projects/<project_id>/timeline")
def put_timeline(project_id: str):
    data = body()
    doc, revision = services().projects.save_timeline_at(project_id, data.get("timeline"), data.get("revision"))
    return jsonify({"timeline": doc, "revision": revision})


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
