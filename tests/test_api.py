"""The JSON API as docs/API.md describes it, through the Flask test client and a real server."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
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


def test_generate_follow_and_play(api: Api, services: Any, project: dict) -> None:
    r = api.post("/api/generations", json={"project_id": project["id"], "model_ids": [T2V], "prompt": "a field",
                                           "params": {T2V: {"duration": 1, "resolution": "360p"}}})
    assert r.status_code == 201
    (job,) = r.json["jobs"]
    assert set(job) == {"id", "model_id", "status", "group_id", "take", "seed", "cost"} and job["model_id"] == T2V
    services.jobs.wait(job["id"], timeout=60)
    done = api.get(f"/api/generations/{job['id']}").json["job"]
    assert done["status"] == "done" and done["progress"] == 1.0
    sources = api.get(f"/api/media/{done['media_id']}/sources").json["sources"]
    assert [s["kind"] for s in sources] == ["local", "blob"]
    assert sources[0]["url"] == f"/media/{done['media_id']}" and sources[0]["type"] == "video/mp4"
    assert api.post(f"/api/generations/{job['id']}/cancel", json={}).json["job"]["status"] == "done"


def test_remote_url_is_offered_only_with_remote_preview(api: Api, services: Any, project: dict,
                                                        samples: dict) -> None:
    item = services.media.import_path(project["id"], samples["video"])
    services.db.execute("UPDATE media SET source = ? WHERE id = ?",
                      (json.dumps({"type": "generation", "remote_url": "https://v3.fal.media/files/x.mp4"}),
                       item["id"]))
    kinds = [s["kind"] for s in api.get(f"/api/media/{item['id']}/sources").json["sources"]]
    assert "remote" not in kinds
    api.put("/api/settings", json={"remote_preview": True})
    sources = api.get(f"/api/media/{item['id']}/sources").json["sources"]
    assert [s["kind"] for s in sources] == ["local", "blob", "remote"]
    assert sources[-1]["url"] == "https://v3.fal.media/files/x.mp4"


def _assert_filmstrip(jpeg: bytes, item: dict) -> None:
    """The sprite the timeline slices: STRIP_FRAMES pictures of the clip's aspect side by side,
    STRIP_HEIGHT high, each a real frame (the sample's test pattern is not black)."""
    import io

    import av

    from reelcut.media.filmstrip import STRIP_FRAMES, STRIP_HEIGHT

    with av.open(io.BytesIO(jpeg)) as c:
        frame = next(c.decode(video=0)).to_ndarray(format="rgb24")
    height, width = frame.shape[:2]
    one = round(item["width"] * STRIP_HEIGHT / item["height"]) // 2 * 2
    assert (height, width) == (STRIP_HEIGHT, one * STRIP_FRAMES)
    for i in range(STRIP_FRAMES):
        assert frame[:, i * one:(i + 1) * one].mean() > 20, f"picture {i} of the filmstrip is black"


def test_media_rename_delete_and_waveform(api: Api, services: Any, project: dict, samples: dict) -> None:
    item = services.media.import_path(project["id"], samples["video"])
    assert api.patch(f"/api/media/{item['id']}", json={"name": "Beach"}).json["media"]["name"] == "Beach"
    wave = api.get(f"/api/media/{item['id']}/waveform").json
    assert wave["duration"] > 1.9 and len(wave["peaks"]) > 50 and max(wave["peaks"]) > 0.01
    strip = api.get(f"/media/{item['id']}/filmstrip")
    assert strip.status_code == 200 and strip.data[:3] == b"\xff\xd8\xff"
    _assert_filmstrip(strip.data, item)
    assert api.delete(f"/api/media/{item['id']}").json == {"ok": True}
    assert api.get(f"/api/media/{item['id']}").status_code == 404


def test_capabilities_are_recorded(api: Api, services: Any) -> None:
    r = api.post("/api/capabilities", json={"codecs": {"h264_aac": "", "vp9_opus": "probably"}})
    assert r.status_code == 200
    assert services.proxies.capabilities == {"h264_aac": "", "vp9_opus": "probably"}


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
                    # the clip is listed (media), the job ends (done), then its poster arrives (media)
                    if name == "media" and events[-1][1]["media"]["thumbnail_url"]:
                        return

    t = threading.Thread(target=read, daemon=True)
    t.start()
    assert connected.wait(10)  # the stream subscribes before its first line
    requests.post(f"{base}/api/generations", headers=headers, timeout=10, json={
        "project_id": pid, "model_ids": [T2V], "prompt": "streamed", "params": {T2V: {"duration": 1,
                                                                                       "resolution": "360p"}}})
    t.join(60)
    names = [n for n, _ in events]
    assert "job" in names and names[-1] == "media"
    statuses = [d["status"] for n, d in events if n == "job"]
    assert statuses[0] == "queued" and statuses[-1] == "done"
    first_media = names.index("media")
    done_at = next(i for i, (n, d) in enumerate(events) if n == "job" and d["status"] == "done")
    assert first_media < done_at  # the clip is listed before its job reports done
    assert events[first_media][1]["media"]["thumbnail_url"] is None  # playable before its poster exists
    assert events[-1][1]["project_id"] == pid and events[-1][1]["media"]["kind"] == "video"


def _error(resp: Any, status: int, code: str | None = None) -> dict:
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True))
    assert resp.mimetype == "application/json"
    err = resp.json["error"]
    assert isinstance(err["code"], str) and isinstance(err["message"], str) and err["message"]
    if code:
        assert err["code"] == code
    return err


def test_health_says_ok_and_its_version(api: Api) -> None:
    import reelcut

    health = api.get("/api/health").json
    assert health["ok"] is True and health["version"] == reelcut.__version__


def test_unknown_ids_get_json_404_on_every_route(api: Api) -> None:
    routes = [("GET", "/api/projects/nope"), ("PATCH", "/api/projects/nope"), ("DELETE", "/api/projects/nope"),
              ("GET", "/api/projects/nope/media"), ("GET", "/api/projects/nope/timeline"),
              ("PUT", "/api/projects/nope/timeline"), ("GET", "/api/media/nope"), ("PATCH", "/api/media/nope"),
              ("DELETE", "/api/media/nope"), ("GET", "/api/media/nope/sources"), ("GET", "/api/media/nope/waveform"),
              ("GET", "/api/generations/nope"), ("POST", "/api/generations/nope/cancel"),
              ("POST", "/api/generations/nope/retry"), ("GET", "/media/nope"), ("GET", "/media/nope/thumbnail"),
              ("GET", "/media/nope/filmstrip"), ("GET", "/api/exports/nope"), ("GET", "/api/projects/nope/exports"),
              ("GET", "/api/projects/nope/frame"), ("GET", "/api/media/nope/frame")]
    bodies = {"PATCH": {"name": "x"}, "PUT": {"timeline": {}}, "POST": {}}
    for method, path in routes:
        kw = {"json": bodies[method]} if method in bodies else {}
        err = _error(api.request(method, path, **kw), 404, "not_found")
        assert "not found" in err["message"].lower() or "nothing" in err["message"].lower(), (path, err)


def test_import_of_a_project_that_does_not_exist(api: Api, samples: dict) -> None:
    with open(samples["image"], "rb") as f:
        r = api.post("/api/projects/nope/media", data={"file": (f, "still.png")}, content_type="multipart/form-data")
    _error(r, 404, "not_found")


def test_one_refused_file_refuses_the_whole_upload(api: Api, services: Any, project: dict, samples: dict) -> None:
    """Regression: a batch whose second file was refused answered 415 yet kept the first file."""
    with open(samples["video"], "rb") as v, open(samples["text"], "rb") as t:
        r = api.post(f"/api/projects/{project['id']}/media", data={"file": [(v, "clip.mp4"), (t, "notes.txt")]},
                     content_type="multipart/form-data")
    err = _error(r, 415, "not_media")
    assert "notes.txt" in err["message"]
    assert api.get(f"/api/projects/{project['id']}/media").json["media"] == []
    assert services.db.query("SELECT id FROM media") == []
    assert [p for p in services.projects.folder(project["id"]).rglob("*") if p.is_file()] == []
    assert list(services.config.temp_dir.iterdir()) == []


def test_bad_generation_requests_name_the_field(api: Api, services: Any, project: dict, samples: dict) -> None:
    pid = project["id"]
    image = services.media.import_path(pid, samples["image"])
    video = services.media.import_path(pid, samples["video"])
    cases = [
        ({"model_ids": [T2V], "prompt": "x"}, "project_id", 422),
        ({"project_id": pid, "model_ids": [], "prompt": "x"}, "model_ids", 422),
        ({"project_id": pid, "model_ids": [T2V, T2V], "prompt": "x"}, "model_ids", 422),
        ({"project_id": pid, "model_ids": ["nobody/nothing"], "prompt": "x"}, "model_ids", 422),
        ({"project_id": pid, "model_ids": [T2V], "prompt": ""}, "prompt", 422),
        ({"project_id": pid, "model_ids": [T2V], "prompt": "x" * 2001}, "prompt", 422),
        ({"project_id": pid, "model_ids": [T2V], "prompt": "x", "params": {T2V: {"duration": "abc"}}}, "duration", 422),
        ({"project_id": pid, "model_ids": [T2V], "prompt": "x", "params": {T2V: {"duration": 21}}}, "duration", 422),
        ({"project_id": pid, "model_ids": [T2V], "prompt": "x", "params": {T2V: {"seed": 1}}}, "seed", 422),
        ({"project_id": pid, "model_ids": [T2V, "local/preview-i2v"], "prompt": "x"}, "image_media_id", 422),
        ({"project_id": pid, "model_ids": ["local/preview-i2v"], "prompt": "x", "image_media_id": video["id"]},
         "image_media_id", 422),
    ]
    for request, field, status in cases:
        err = _error(api.post("/api/generations", json=request), status)
        assert err.get("field") == field, (request, err)
    _error(api.post("/api/generations", json={"project_id": "nope", "model_ids": [T2V], "prompt": "x"}), 404)
    assert api.get(f"/api/generations?project_id={pid}").json["jobs"] == []
    assert services.db.query("SELECT id FROM jobs") == []
    ok = api.post("/api/generations", json={"project_id": pid, "model_ids": ["local/preview-i2v"], "prompt": "x",
                                            "image_media_id": image["id"],
                                            "params": {"local/preview-i2v": {"duration": 1, "resolution": "360p"}}})
    assert ok.status_code == 201
    services.jobs.wait(ok.json["jobs"][0]["id"], timeout=60)


def test_jobs_list_cancel_and_retry(api: Api, services: Any, project: dict) -> None:
    params = {T2V: {"duration": 1, "resolution": "360p"}}
    first = api.post("/api/generations", json={"project_id": project["id"], "model_ids": [T2V], "prompt": "one",
                                               "params": params}).json["jobs"][0]
    services.jobs.wait(first["id"], timeout=60)
    _error(api.post(f"/api/generations/{first['id']}/retry", json={}), 409, "not_retryable")
    second = services.jobs.start(project["id"], [T2V], "two", {T2V: {"duration": 20, "resolution": "1080p"}})[0]
    cancelled = api.post(f"/api/generations/{second['id']}/cancel", json={}).json["job"]
    assert cancelled["id"] == second["id"]
    assert services.jobs.wait(second["id"], timeout=30)["status"] == "cancelled"
    listed = api.get(f"/api/generations?project_id={project['id']}").json["jobs"]
    assert [j["prompt"] for j in listed] == ["two", "one"]  # newest first
    job = listed[1]
    assert set(job) >= {"id", "project_id", "model_id", "prompt", "params", "image_media_id", "status", "progress",
                        "message", "queue_position", "logs", "error", "media_id", "cost", "created_at", "updated_at"}
    assert job["params"] == {"duration": 1, "resolution": "360p", "aspect_ratio": "16:9", "fps": 25}
    assert job["cost"] == 0 and job["error"] is None and isinstance(job["logs"], list)
    assert api.get("/api/generations?project_id=other").json["jobs"] == []
    retried = api.post(f"/api/generations/{second['id']}/retry", json={}).json["job"]
    assert retried["status"] in ("queued", "generating") and retried["error"] is None
    services.jobs.cancel(second["id"])
    services.jobs.wait(second["id"], timeout=30)


def test_settings_never_return_a_key_and_check_their_types(api: Api, monkeypatch: Any) -> None:
    monkeypatch.delenv("FAL_KEY", raising=False)
    s = api.get("/api/settings").json
    assert set(s) == {"remote_preview", "preview_proxies", "smart_render", "fal_key_set", "fal_key_source"}
    assert s["remote_preview"] is False and s["preview_proxies"] is True
    err = _error(api.put("/api/settings", json={"remote_preview": "yes"}), 400)
    assert err["field"] == "remote_preview"
    # one bad value refuses the whole change: nothing is half-applied
    err = _error(api.put("/api/settings", json={"remote_preview": True, "preview_proxies": 1}), 400)
    assert err["field"] == "preview_proxies" and "true or false" in err["message"]
    assert api.get("/api/settings").json["remote_preview"] is False
    changed = api.put("/api/settings", json={"remote_preview": True, "preview_proxies": False}).json
    assert changed["remote_preview"] is True and changed["preview_proxies"] is False
    assert api.get("/api/settings").json == changed


def test_bodies_must_be_json_objects(api: Api, project: dict) -> None:
    for path, method in (("/api/projects", "POST"), (f"/api/projects/{project['id']}", "PATCH"),
                         (f"/api/projects/{project['id']}/timeline", "PUT"), ("/api/generations", "POST")):
        _error(api.request(method, path, data="not json", content_type="application/json"), 400, "invalid_json")


def test_method_not_allowed_is_json_with_allow(api: Api) -> None:
    r = api.delete("/api/models")
    _error(r, 405)
    assert "GET" in r.headers["Allow"]


def test_refused_parameters_name_their_model(api: Api, project: dict) -> None:
    r = api.post("/api/generations", json={"project_id": project["id"], "model_ids": ["local/preview-t2v"],
                                           "prompt": "x", "params": {"local/preview-t2v": {"fps": 7}}})
    assert r.status_code == 422
    assert r.json["error"]["field"] == "fps" and r.json["error"]["model_id"] == "local/preview-t2v"


class Stream:
    """A real EventSource-like reader of /api/events on the live server, in a thread."""

    def __init__(self, base: str, *, read: bool = True, chunk: int = 1) -> None:
        # chunk 1: each event is seen the moment it arrives; a big chunk reads a flood quickly
        self.chunk = chunk
        self.events: list[tuple[str, Any]] = []
        self.comments: list[str] = []
        self.ended = threading.Event()
        self.connected = threading.Event()
        self.reading = threading.Event()
        if read:
            self.reading.set()
        self.resp = requests.get(f"{base}/api/events", headers={"Authorization": f"Bearer {TOKEN}"}, stream=True,
                                 timeout=30)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        assert self.connected.wait(10), "the event stream never said it was connected"

    def _read(self) -> None:
        name = None
        try:
            for raw in self.resp.iter_lines(chunk_size=self.chunk, decode_unicode=True):
                self.connected.set()
                self.reading.wait(60)
                if raw.startswith(":"):
                    self.comments.append(raw)
                elif raw.startswith("event: "):
                    name = raw[7:]
                elif raw.startswith("data: ") and name:
                    self.events.append((name, json.loads(raw[6:])))
        except (requests.RequestException, AttributeError, OSError):
            pass  # close() from the test's thread pulls the connection from under this reader
        finally:
            self.ended.set()

    def wait_for(self, name: str, timeout: float = 10) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for n, data in self.events:
                if n == name:
                    return data
            time.sleep(0.02)
        raise AssertionError(f"no '{name}' event within {timeout} s; got {[n for n, _ in self.events]}")

    def close(self) -> None:
        self.resp.close()


def test_each_event_the_page_depends_on_arrives(live_server: Any, samples: dict,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from reelcut.server import events as events_route

    monkeypatch.setattr(events_route, "PING_SECONDS", 0.2)
    base = live_server.url.rstrip("/")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    stream = Stream(base)
    try:
        pid = requests.post(f"{base}/api/projects", json={"name": "Evented"}, headers=auth, timeout=10).json()[
            "project"]["id"]
        assert stream.wait_for("project")["project"] == {**stream.wait_for("project")["project"], "id": pid,
                                                         "name": "Evented"}
        with open(samples["video"], "rb") as f:
            item = requests.post(f"{base}/api/projects/{pid}/media", files={"file": ("clip.mp4", f)}, headers=auth,
                                 timeout=30).json()["media"][0]
        assert stream.wait_for("media")["media"]["id"] == item["id"]
        tl = requests.get(f"{base}/api/projects/{pid}/timeline", headers=auth, timeout=10).json()["timeline"]
        tl["tracks"][0]["clips"] = [{"id": "c1", "media_id": item["id"], "start": 0, "in": 0, "out": 1.0}]
        assert requests.put(f"{base}/api/projects/{pid}/timeline", json={"timeline": tl}, headers=auth,
                            timeout=10).status_code == 200
        job = requests.post(f"{base}/api/projects/{pid}/exports", json={}, headers=auth, timeout=10).json()["job"]
        exported = stream.wait_for("export")
        assert exported["id"] == job["id"] and "path" not in exported
        live_server.services.exports.wait(job["id"], timeout=120)
        assert requests.delete(f"{base}/api/media/{item['id']}", headers=auth, timeout=10).status_code == 200
        assert stream.wait_for("media_deleted") == {"project_id": pid, "id": item["id"]}
        assert requests.delete(f"{base}/api/projects/{pid}", headers=auth, timeout=10).status_code == 200
        assert stream.wait_for("project_deleted") == {"id": pid}
        deadline = time.monotonic() + 5
        while ": ping" not in stream.comments:
            assert time.monotonic() < deadline, "no keep-alive ping"
            time.sleep(0.05)
    finally:
        stream.close()


def test_a_stream_that_falls_behind_ends_so_the_page_reconnects(live_server: Any,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A laptop that sleeps through a long export stops reading; once its queue fills, the stream
    must end (the page's EventSource then reconnects and re-reads), not ping forever."""
    from reelcut.server import events as events_route

    # closing a reader returns once the server next writes to it: make that soon
    monkeypatch.setattr(events_route, "PING_SECONDS", 0.2)
    base = live_server.url.rstrip("/")
    stalled = Stream(base, read=False, chunk=1024 * 1024)
    try:
        bus = live_server.services.bus
        blob = "x" * 65536  # big events fill the socket buffers, so the server's writer blocks
        for i in range(1100):
            bus.publish("notice", {"message": blob, "n": i})
        stalled.reading.set()
        assert stalled.ended.wait(30), "the stream kept going after its reader fell behind"
        assert len(stalled.events) < 1100  # it did lose events: that is why it had to end
        fresh = Stream(base)
        try:
            bus.publish("notice", {"message": "after", "n": -1})
            assert fresh.wait_for("notice")["message"] == "after"
        finally:
            fresh.close()
    finally:
        stalled.close()


def test_the_bus_tells_a_subscriber_it_was_dropped() -> None:
    from reelcut.eventbus import CLOSED, DROPPED, EventBus

    bus = EventBus(max_backlog=3)
    slow, other = bus.subscribe(), bus.subscribe()
    for i in range(3):
        bus.publish("e", i)
        other.get_nowait()
    bus.publish("e", 3)  # slow's queue is full: it is dropped, with one last item saying so
    assert slow.get_nowait() == (DROPPED, None) and slow.empty()
    assert other.get_nowait() == ("e", 3)
    bus.publish("e", 4)
    assert slow.empty()  # no longer subscribed
    assert other.get_nowait() == ("e", 4)
    bus.publish("e", 5)
    bus.close()  # shutting down: the last item is CLOSED, whatever was still queued
    assert other.get_nowait() == (CLOSED, None) and other.empty()


def test_params_not_keyed_by_a_requested_model_are_refused(api: Api, project: dict, services: Any) -> None:
    flat = api.post("/api/generations", json={"project_id": project["id"], "model_ids": [T2V], "prompt": "x",
                                               "params": {"duration": 4}})
    err = _error(flat, 422, "invalid_param")
    assert "'duration'" in err["message"] and err["field"] == "params"
    other = api.post("/api/generations", json={"project_id": project["id"], "model_ids": [T2V], "prompt": "x",
                                                "params": {T2V: {}, "local/preview-i2v": {"duration": 2}}})
    assert "'local/preview-i2v'" in _error(other, 422, "invalid_param")["message"]
    assert services.jobs.list() == []


@pytest.mark.parametrize("value", [["abc"], {"id": "abc"}, 7])
def test_an_image_id_of_the_wrong_type_is_a_clear_422(api: Api, project: dict, services: Any, value: Any) -> None:
    r = api.post("/api/generations", json={"project_id": project["id"], "model_ids": ["local/preview-i2v"],
                                           "prompt": "x", "image_media_id": value})
    assert _error(r, 422, "image_required")["field"] == "image_media_id"
    assert services.jobs.list() == []


def test_a_non_finite_parameter_from_the_cli_is_refused(services: Any, project: dict) -> None:
    """Text from a form or --param: 'nan' parses as a float, and NaN passes every range check."""
    from reelcut.errors import AppError

    kling = "fal-ai/kling-video/v2.6/pro/text-to-video"
    for value in ("nan", "inf", "-Infinity", float("nan")):
        with pytest.raises(AppError) as e:
            services.jobs.start(project["id"], [kling], "x", {kling: {"cfg_scale": value}})
        assert e.value.status == 422 and e.value.field == "cfg_scale" and "finite" in e.value.message
    assert services.jobs.list() == []


def test_an_unknown_setting_is_refused_and_nothing_changes(api: Api) -> None:
    err = _error(api.put("/api/settings", json={"remote_preview": True, "remote_previews": True}), 400,
                 "invalid_settings")
    assert err["field"] == "remote_previews"
    assert api.get("/api/settings").json["remote_preview"] is False


@pytest.mark.parametrize("route,body", [("open", {"project_id": "x"}), ("save-export", {"export_id": "x"}),
                                        ("reveal", {"media_id": "x"}), ("title", {"title": "x"}),
                                        ("selftest", {"ok": True})])
def test_every_desktop_route_says_desktop_only_in_a_browser(api: Api, route: str, body: dict) -> None:
    """Checked before the body: a browser page gets the same answer whatever it sends."""
    _error(api.post(f"/api/desktop/{route}", json=body), 409, "desktop_only")
