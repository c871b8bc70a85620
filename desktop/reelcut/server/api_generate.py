"""Models and generation jobs."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from ..generation import registry
from ..generation.jobs import MEDIA_FIELDS
from .util import body, services

bp = Blueprint("api_generate", __name__, url_prefix="/api")


@bp.get("/models")
def models():
    return jsonify({"models": registry.all_models()})


@bp.post("/generations")
def start():
    data = body()
    media = {f: data.get(f) for f in MEDIA_FIELDS[1:] if f in data}
    jobs = services().jobs.start(data.get("project_id"), data.get("model_ids"), data.get("prompt"),
                                 data.get("params"), data.get("image_media_id"), takes=data.get("takes", 1),
                                 media=media)
    keys = ("id", "model_id", "status", "group_id", "take", "seed", "cost")
    return jsonify({"group_id": jobs[0]["group_id"], "jobs": [{k: j[k] for k in keys} for j in jobs],
                    "estimated_cost": round(sum(j["cost"] or 0 for j in jobs), 4)}), 201


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


@bp.post("/projects/<project_id>/timeline/extend")
def extend(project_id: str):
    """{clip_id, model_id, prompt?, params?}: the clip's last frame to an image-to-video model;
    a placeholder for the result right after the clip. 201 {job, placeholder, frame_media_id, revision}."""
    data = body()
    services().projects.get(project_id)
    return jsonify(services().placements.extend(project_id, data.get("clip_id"), data.get("model_id"),
                                                data.get("prompt"), data.get("params"))), 201


@bp.post("/projects/<project_id>/timeline/fill")
def fill(project_id: str):
    """{track_id, at, model_id, prompt?, params?}: the gap at `at` filled by a first/last-frame
    model. 201 {job, placeholder, gap, duration, snapped_from?, snapped_to?, frame_media_ids, revision}."""
    data = body()
    services().projects.get(project_id)
    return jsonify(services().placements.fill(project_id, data.get("track_id"), data.get("at"),
                                              data.get("model_id"), data.get("prompt"), data.get("params"))), 201


@bp.post("/projects/<project_id>/timeline/voice-over")
def voice_over(project_id: str):
    """{text, model_id, at?, params?}: the text spoken by a voice model; when done, the sound lands
    at `at` (default: the playhead) on a free audio track. 201 {job, place}."""
    data = body()
    services().projects.get(project_id)
    return jsonify(services().placements.voice_over(project_id, data.get("text"), data.get("model_id"),
                                                    data.get("at"), data.get("params"))), 201


@bp.post("/projects/<project_id>/timeline/add-sound")
def add_sound(project_id: str):
    """{clip_id, model_id, prompt?, params?}: sound for a silent video clip; when done, an audio
    clip under it with the same start and length. 201 {job, place}."""
    data = body()
    services().projects.get(project_id)
    return jsonify(services().placements.add_sound(project_id, data.get("clip_id"), data.get("model_id"),
                                                   data.get("prompt"), data.get("params"))), 201


@bp.post("/projects/<project_id>/timeline/upscale")
def upscale(project_id: str):
    """{clip_id, model_id, params?}: the clip's media upscaled; when done, the clip plays the new
    media with its trims kept, the original stays in the library. 201 {job, place}."""
    data = body()
    services().projects.get(project_id)
    return jsonify(services().placements.upscale(project_id, data.get("clip_id"), data.get("model_id"),
                                                 data.get("params"))), 201


@bp.post("/projects/<project_id>/timeline/generate-here")
def generate_here(project_id: str):
    """{track_id, at, model_id, prompt, params?}: a text-to-video clip made in place, its
    placeholder at `at`. 201 {job, placeholder, room, revision}; 422 no_room names the room."""
    data = body()
    services().projects.get(project_id)
    return jsonify(services().placements.generate_here(project_id, data.get("track_id"), data.get("at"),
                                                       data.get("model_id"), data.get("prompt"),
                                                       data.get("params"))), 201


@bp.post("/projects/<project_id>/timeline/retake")
def retake(project_id: str):
    """{clip_id, start, end, model_id, prompt, params?}: [start, end) of the clip (timeline
    seconds) made again; the result becomes a take of the clip's media and the clip switches to
    it. 201 {job, clip_id, start_time, duration}."""
    data = body()
    services().projects.get(project_id)
    return jsonify(services().placements.retake(project_id, data.get("clip_id"), data.get("start"),
                                                data.get("end"), data.get("model_id"), data.get("prompt"),
                                                data.get("params"))), 201
