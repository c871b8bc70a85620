"""Models and generation jobs."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from ..generation import registry
from .util import body, services

bp = Blueprint("api_generate", __name__, url_prefix="/api")


@bp.get("/models")
def models():
    return jsonify({"models": registry.all_models()})


@bp.post("/generations")
def start():
    data = body()
    jobs = services().jobs.start(data.get("project_id"), data.get("model_ids"), data.get("prompt"),
                                 data.get("params"), data.get("image_media_id"))
    return jsonify({"jobs": [{"id": j["id"], "model_id": j["model_id"], "status": j["status"]} for j in jobs]}), 201


@bp.get("/generations")
def list_jobs():
    return jsonify({"jobs": services().jobs.list(request.args.get("project_id"))})


@bp.get("/generations/<job_id>")
def get_job(job_id: str):
    return jsonify({"job": services().jobs.get(job_id)})


@bp.post("/generations/<job_id>/cancel")
def cancel(job_id: str):
    return jsonify({"job": services().jobs.cancel(job_id)})


@bp.post("/generations/<job_id>/retry")
def retry(job_id: str):
    return jsonify({"job": services().jobs.retry(job_id)})


@bp.delete("/generations/<job_id>")
def clear(job_id: str):
    services().jobs.clear(job_id)
    return jsonify({"ok": True})
