"""Models and generation jobs."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from .util import body, bridge

bp = Blueprint("api_generate", __name__, url_prefix="/api")


@bp.get("/models")
def models():
    return jsonify({"models": bridge().models()})


@bp.post("/generations")
def start():
    data = body()
    jobs = bridge().start_generation(data.get("project_id"), data.get("model_ids"), data.get("prompt"),
                                     data.get("params"), data.get("image_media_id"))
    return jsonify({"jobs": [{"id": j["id"], "model_id": j["model_id"], "status": j["status"]} for j in jobs]}), 201


@bp.get("/generations")
def list_jobs():
    return jsonify({"jobs": bridge().list_jobs(request.args.get("project_id"))})


@bp.get("/generations/<job_id>")
def get_job(job_id: str):
    return jsonify({"job": bridge().get_job(job_id)})


@bp.post("/generations/<job_id>/cancel")
def cancel(job_id: str):
    return jsonify({"job": bridge().cancel_job(job_id)})


@bp.post("/generations/<job_id>/retry")
def retry(job_id: str):
    return jsonify({"job": bridge().retry_job(job_id)})
