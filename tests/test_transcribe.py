"""Caption this clip (issue 15): speech to text through fal.ai (ElevenLabs, against the fake fal's
fixed answer and its own schema check), as a job with progress, cancel and cost; the words
become a captions track placed where the clip plays (its start, trim and speed). Without a key
it is refused and no job is made."""

from __future__ import annotations

import base64
import io
import time
from pathlib import Path
from typing import Any

import av
import pytest

from reelcut.generation.fal import FalProvider
from reelcut.library.captions import speech_lines
from reelcut.services import Services

from . import media_samples as ms
from .conftest import Api
from .fake_fal import FakeFal, quick_providers

pytestmark = pytest.mark.timeout(120)
MODEL = "fal-ai/elevenlabs/speech-to-text"


@pytest.fixture
def providers(data_dir: Path, fake_fal: FakeFal) -> dict[str, Any]:
    return quick_providers(data_dir)


@pytest.fixture
def clip(services: Services, project: dict, tmp_path: Path) -> dict[str, Any]:
    """An 8 s clip with sound, trimmed to 1..5 s of its source, at twice the speed, at 3 s."""
    item = services.media.import_path(project["id"], ms.make_solid(tmp_path / "talk.mp4", seconds=8, tone=440))
    tl = services.projects.timeline(project["id"])
    tl["tracks"] = [{"id": "v", "kind": "video", "muted": False, "hidden": False, "clips": [
        {"id": "c1", "media_id": item["id"], "start": 3.0, "in": 1.0, "out": 5.0, "speed": 2.0}]}]
    services.projects.save_timeline(project["id"], tl)
    return {"item": item}


def _lines(doc: dict[str, Any]) -> list[tuple[float, float, str]]:
    track = doc["tracks"][0]
    assert track["kind"] == "captions"
    return [(round(c["start"], 3), round(c["start"] + c["duration"], 3), c["text"]) for c in track["clips"]]


def test_the_lines_land_where_the_clip_plays(api: Api, services: Services, project: dict, clip: dict,
                                             fake_fal: FakeFal) -> None:
    before = services.projects.timeline_at(project["id"])[1]
    r = api.post(f"/api/projects/{project['id']}/captions/transcribe", json={"clip_id": "c1"})
    assert r.status_code == 202, r.json
    job = services.jobs.wait(r.json["job"]["id"], timeout=60)
    assert job["status"] == "done", (job["message"], job["error"], job["logs"])
    assert job["model_id"] == MODEL and job["message"] == "3 caption lines added"
    # the fake answers in seconds of what was sent, which starts at the clip's in point (1 s):
    # "Hello there." at 0.2-1.0 is source 1.2-2.0, so 3 + 0.2/2 .. 3 + 1.0/2 on the timeline; the
    # last sentence runs past the out point (5 s) and is cut there; "After it." is past it
    doc, revision = services.projects.timeline_at(project["id"])
    assert _lines(doc) == [(3.1, 3.5, "Hello there."), (3.8, 4.2, "Second line."), (4.8, 5.0, "Cut at the end.")]
    assert revision == before + 1 and doc["tracks"][0]["name"] == f"Captions: {clip['item']['name']}"
    # what fal was sent: only the clip's 4 s of sound, in the fields fal's schema takes
    [req] = fake_fal.requests.values()
    assert req.endpoint == MODEL and "prompt" not in req.input
    assert req.input["diarize"] is False and req.input["tag_audio_events"] is False
    head, data = req.input["audio_url"].split(",", 1)
    assert head == "data:audio/mp4;base64"
    with av.open(io.BytesIO(base64.b64decode(data))) as c:
        assert not c.streams.video and c.duration / av.time_base == pytest.approx(4.0, abs=0.1)
    # the cost: $0.03 a minute of the 4 s sent, stored on the job's row
    row = services.db.one("SELECT cost, status FROM jobs WHERE id = ?", (job["id"],))
    assert row["cost"] == pytest.approx(0.002) and row["status"] == "done"


def test_cancel_stops_it_and_adds_nothing(api: Api, services: Services, project: dict, clip: dict,
                                          fake_fal: FakeFal) -> None:
    fake_fal.scenario.queue_seconds = 60
    r = api.post(f"/api/projects/{project['id']}/captions/transcribe", json={"clip_id": "c1"})
    job_id = r.json["job"]["id"]
    deadline = time.monotonic() + 30
    while not fake_fal.requests and time.monotonic() < deadline:
        time.sleep(0.05)
    assert fake_fal.requests, "the request never reached fal"
    before = services.projects.timeline_at(project["id"])[1]
    r = api.post(f"/api/generations/{job_id}/cancel", json={})
    assert r.status_code == 200
    job = services.jobs.wait(job_id, timeout=30)
    assert job["status"] == "cancelled", job
    assert fake_fal.count("cancel") == 1  # the paid request is cancelled at fal.ai too
    doc, revision = services.projects.timeline_at(project["id"])
    assert revision == before and all(t["kind"] != "captions" for t in doc["tracks"])


def test_refusals_name_the_field_and_start_nothing(api: Api, services: Services, project: dict, clip: dict,
                                                   tmp_path: Path) -> None:
    url = f"/api/projects/{project['id']}/captions/transcribe"
    r = api.post(url, json={"clip_id": "nope"})
    assert r.status_code == 422 and r.json["error"]["field"] == "clip_id"
    silent = services.media.import_path(project["id"], ms.make_solid(tmp_path / "mute.mp4", seconds=1, tone=None))
    tl = services.projects.timeline(project["id"])
    tl["tracks"][0]["clips"].append({"id": "c2", "media_id": silent["id"], "start": 10.0, "in": 0.0, "out": 1.0})
    services.projects.save_timeline(project["id"], tl)
    r = api.post(url, json={"clip_id": "c2"})
    assert r.status_code == 422 and "has no sound" in r.json["error"]["message"]
    r = api.post("/api/generations", json={"project_id": project["id"], "model_ids": [MODEL], "prompt": "x"})
    assert r.status_code == 422 and "Caption this clip" in r.json["error"]["message"]
    assert services.jobs.list() == []


def test_the_spending_cap_refuses_it(api: Api, services: Services, project: dict, clip: dict,
                                     fake_fal: FakeFal) -> None:
    # the clip's 4 s cost $0.002
    assert api.patch(f"/api/projects/{project['id']}", json={"spending_cap": 0.001}).status_code == 200
    r = api.post(f"/api/projects/{project['id']}/captions/transcribe", json={"clip_id": "c1"})
    assert r.status_code == 422 and r.json["error"]["code"] == "over_spending_cap"
    assert services.db.query("SELECT id FROM jobs") == [] and fake_fal.calls == []


class TestWithoutAKey:
    @pytest.fixture
    def providers(self) -> dict[str, FalProvider]:
        return {"fal": FalProvider(lambda: None)}

    def test_it_is_refused_and_no_job_is_made(self, api: Api, services: Services, project: dict,
                                              clip: dict) -> None:
        r = api.post(f"/api/projects/{project['id']}/captions/transcribe", json={"clip_id": "c1"})
        assert r.status_code == 401 and r.json["error"]["code"] == "no_api_key"
        assert "fal.ai API key" in r.json["error"]["message"] and "no offline" in r.json["error"]["message"]
        assert services.db.query("SELECT id FROM jobs") == []


def test_words_become_lines_that_follow_place_trim_and_speed() -> None:
    words = [{"text": "one", "start": 0.0, "end": 0.4, "type": "word"},
             {"text": " ", "start": 0.4, "end": 0.5, "type": "spacing"},
             {"text": "(laughs)", "start": 0.5, "end": 0.7, "type": "audio_event"},
             {"text": "two", "start": 0.5, "end": 0.9, "type": "word"},
             {"text": "three", "start": 2.0, "end": 2.5, "type": "word"}]  # after a pause: its own line
    clip = {"start": 10.0, "in": 0.0, "out": 10.0, "speed": 0.5}
    got = [(c["start"], c["duration"], c["text"]) for c in speech_lines(words, clip)]
    assert got == [(10.0, 1.8, "one two"), (14.0, 1.0, "three")]
    # no speed, trimmed at 0.2: the first line loses its start, the times shift by the in point
    got = [(c["start"], round(c["duration"], 6), c["text"])
           for c in speech_lines(words, {"start": 1.0, "in": 0.2, "out": 2.2})]
    assert got == [(1.0, 0.7, "one two"), (2.8, 0.2, "three")]
