"""Projects and their timelines."""

from __future__ import annotations

from flask import Blueprint, jsonify

from .util import body, bridge

bp = Blueprint("api_projects", __name__, url_prefix="/api")


@bp.get("/health")
def health():
    from .. import __version__

    return jsonify({"ok": True, "version": __version__, "desktop": bridge().shell is not None})


@bp.get("/openapi.json")
def openapi():
    from .openapi import spec

    return jsonify(spec())


@bp.get("/projects")
def list_projects():
    return jsonify({"projects": bridge().list_projects()})


@bp.post("/projects")
def create_project():
    return jsonify({"project": bridge().create_project(body().get("name"))}), 201


@bp.get("/projects/<project_id>")
def get_project(project_id: str):
    return jsonify({"project": bridge().get_project(project_id)})


@bp.patch("/projects/<project_id>")
def rename_project(project_id: str):
    return jsonify({"project": bridge().rename_project(project_id, body().get("name"))})


@bp.delete("/projects/<project_id>")
def delete_project(project_id: str):
    bridge().delete_project(project_id)
    return jsonify({"ok": True})


@bp.get("/projects/<project_id>/timeline")
def get_timeline(project_id: str):
    return jsonify({"timeline": bridge().get_timeline(project_id)})


@bp.put("/projects/<project_id>/timeline")
def put_timeline(project_id: str):
    return jsonify({"timeline": bridge().save_timeline(project_id, body().get("timeline"))})
