"""The JSON API as docs/API.md describes it, through the Flask test client and a real server."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import requests

from .conftest import TOKEN, Api

T2V = "local/preview-t2v"


def test_health_and_models(api: Api) -> None:
    assert api.get("/api/health").json["ok"] is True
    models = {m["id"]: m for m in api.get("/api/models").json["models"]}
    assert {"local/preview-t2v", "local/preview-i2v"} <= set(models)
    assert models[T2V]["mode"] == "text" and models["local/preview-i2v"]["mode"] == "image"
    assert {p["name"] for p in models[T2V]["params"]} >= {"duration", "resolution", "fps"}


def test_projects_crud(api: Api) -> None:
    r = api.post("/api/projects", json={"name": "One"})
    assert r.status_code == 201
    pid = r.json["project"]["id"]
    assert api.get(f"/api/projects/{pid}").json["project"]["name"] == "One"
    assert api.patch(f"/api/projects/{pid}", json={"name": "Two"}).json["project"]["name"] == "Two"
    assert [p["name"] for p in api.get("/api/projects").json["projects"]] == ["Two"]
    assert api.delete(f"/api/projects/{pid}").json == {"ok": True}
    r = api.get(f"/api/projects/{pid}")
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found" and r.json["error"]["message"]


def test_errors_are_json_with_a_fitting_status(api: Api, project: dict) -> None:
    cases = [
        (api.get("/api/media/none"), 404), (api.get("/api/generations/none"), 404),
        (api.get("/api/projects/none/media"), 404), (api.post("/api/projects", json={"name": ""}), 400),
        (api.post("/api/projects", json=[1, 2]), 400),
        (api.post(f"/api/projects/{project['id']}/media", data={}, content_type="multipart/form-data"), 400),
        (api.post("/api/generations", json={"project_id": project["id"], "model_ids": [T2V], "prompt": "x",
                                            "params": {T2V: {"fps": 7}}}), 422),
        (api.get("/no/such/page"), 404),
    ]
    for resp, status in cases:
        assert resp.status_code == status, resp.get_data(as_text=True)
        assert set(resp.json["error"]) >= {"code", "message"}


def test_generation_request_names_the_field(api: Api, project: dict) -> None:
    r = api.post("/api/generations", json={"project_id": project["id"], "model_ids": [T2V], "prompt": "x",
                                           "params": {T2V: {"resolution": "8k"}}})
    assert r.status_code == 422
    assert r.json["error"]["field"] == "resolution" and "360p" in r.json["error"]["message"]
    assert api.get(f"/api/generations?project_id={project['id']}").json["jobs"] == []


def test_generate_follow_and_play(api: Api, bridge: Any, project: dict) -> None:
    r = api.post("/api/generations", json={"project_id": project["id"], "model_ids": [T2V], "prompt": "a field",
                                           "params": {T2V: {"duration": 1, "resolution": "360p"}}})
    assert r.status_code == 201
    (job,) = r.json["jobs"]
    assert set(job) == {"id", "model_id", "status"} and job["model_id"] == T2V
    bridge.jobs.wait(job["id"], timeout=60)
    done = api.get(f"/api/generations/{job['id']}").json["job"]
    assert done["status"] == "done" and done["progress"] == 1.0
    sources = api.get(f"/api/media/{done['media_id']}/sources").json["sources"]
    assert [s["kind"] for s in sources] == ["local", "blob"]
    assert sources[0]["url"] == f"/media/{done['media_id']}" and sources[0]["type"] == "video/mp4"
    assert api.post(f"/api/generations/{job['id']}/cancel", json={}).json["job"]["status"] == "done"


def test_remote_url_is_offered_only_with_remote_preview(api: Api, bridge: Any, project: dict,
                                                        samples: dict) -> None:
    item = bridge.import_path(project["id"], samples["video"])
    bridge.db.execute("UPDATE media SET source = ? WHERE id = ?",
                      (json.dumps({"type": "generation", "remote_url": "https://v3.fal.media/files/x.mp4"}),
                       item["id"]))
    kinds = [s["kind"] for s in api.get(f"/api/media/{item['id']}/sources").json["sources"]]
    assert "remote" not in kinds
    api.put("/api/settings", json={"remote_preview": True})
    sources = api.get(f"/api/media/{item['id']}/sources").json["sources"]
    assert [s["kind"] for s in sources] == ["local", "blob", "remote"]
    assert sources[-1]["url"] == "https://v3.fal.media/files/x.mp4"


def test_media_rename_delete_and_waveform(api: Api, bridge: Any, project: dict, samples: dict) -> None:
    item = bridge.import_path(project["id"], samples["video"])
    assert api.patch(f"/api/media/{item['id']}", json={"name": "Beach"}).json["media"]["name"] == "Beach"
    wave = api.get(f"/api/media/{item['id']}/waveform").json
    assert wave["duration"] > 1.9 and len(wave["peaks"]) > 50 and max(wave["peaks"]) > 0.01
    strip = api.get(f"/media/{item['id']}/filmstrip")
    assert strip.status_code == 200 and strip.data[:3] == b"\xff\xd8\xff"
    assert api.delete(f"/api/media/{item['id']}").json == {"ok": True}
    assert api.get(f"/api/media/{item['id']}").status_code == 404


def test_capabilities_are_recorded(api: Api, bridge: Any) -> None:
    r = api.post("/api/capabilities", json={"codecs": {"h264_aac": "", "vp9_opus": "probably"}})
    assert r.status_code == 200
    assert bridge.capabilities == {"h264_aac": "", "vp9_opus": "probably"}


def test_events_stream_reports_jobs_and_media(live_server: Any) -> None:
    base = live_server.url.rstrip("/")
    headers = {"Authorization": f"Bearer {TOKEN}"}
    created = requests.post(f"{base}/api/projects", json={"name": "SSE"}, headers=headers, timeout=10)
    pid = created.json()["project"]["id"]
    events: list[tuple[str, dict]] = []
    connected = threading.Event()

    def read() -> None:
        with requests.get(f"{base}/api/events", headers=headers, stream=True, timeout=30) as r:
            assert r.headers["Content-Type"].startswith("text/event-stream")
            name = None
            for line in r.iter_lines(decode_unicode=True):
                connected.set()
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: ") and name:
                    events.append((name, json.loads(line[6:])))
                    if name == "media":
                        return

    t = threading.Thread(target=read, daemon=True)
    t.start()
    assert connected.wait(10)
    time.sleep(0.2)
    requests.post(f"{base}/api/generations", headers=headers, timeout=10, json={
        "project_id": pid, "model_ids": [T2V], "prompt": "streamed", "params": {T2V: {"duration": 1,
                                                                                       "resolution": "360p"}}})
    t.join(60)
    names = [n for n, _ in events]
    assert "job" in names and names[-1] == "media"
    statuses = [d["status"] for n, d in events if n == "job"]
    assert statuses[0] == "queued" and statuses[-1] == "done"
    assert events[-1][1]["project_id"] == pid and events[-1][1]["media"]["kind"] == "video"
