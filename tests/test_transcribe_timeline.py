"""Caption the timeline (issue 15): speech to text of the whole timeline's sound, mixed as the
export mixes it (a muted track is not heard, the others are), through the fake fal's fixed
answer; the lines land at timeline time in a new captions track, or beside the lines of a named
one; the cost is the model's price × the timeline's minutes; refused without a key or past the
spending cap, with no job made; Cancel stops it."""

from __future__ import annotations

import base64
import io
import json
import time
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from reelcut.generation import registry
from reelcut.generation.fal import FalProvider
from reelcut.services import Services

from . import media_samples as ms
from .conftest import Api
from .fake_fal import FakeFal
from .test_transcribe import providers  # noqa: F401 - a fixture: the real client on the fake fal, no waits

pytestmark = pytest.mark.timeout(120)
MODEL = "fal-ai/elevenlabs/speech-to-text"
LENGTH = 6.0  # the timeline's: the muted audio clip runs to 6 s


@pytest.fixture
def timeline(services: Services, project: dict, tmp_path: Path) -> dict[str, Any]:
    """440 Hz on a video clip at 0..3 s; 880 Hz on a MUTED audio track at 0..6 s; 660 Hz on an
    audio track at 4..6 s."""
    pid = project["id"]
    talk = services.media.import_path(pid, ms.make_solid(tmp_path / "talk.mp4", seconds=4, tone=440))
    hum = services.media.import_path(pid, ms.make_audio(tmp_path / "hum.wav", seconds=6, tone=880))
    bell = services.media.import_path(pid, ms.make_audio(tmp_path / "bell.wav", seconds=2, tone=660))
    tl = services.projects.timeline(pid)
    tl["tracks"] = [
        {"id": "v", "kind": "video", "muted": False, "hidden": False, "clips": [
            {"id": "c1", "media_id": talk["id"], "start": 0.0, "in": 0.0, "out": 3.0}]},
        {"id": "a1", "kind": "audio", "muted": True, "hidden": False, "clips": [
            {"id": "c2", "media_id": hum["id"], "start": 0.0, "in": 0.0, "out": 6.0}]},
        {"id": "a2", "kind": "audio", "muted": False, "hidden": False, "clips": [
            {"id": "c3", "media_id": bell["id"], "start": 4.0, "in": 0.0, "out": 2.0}]}]
    services.projects.save_timeline(pid, tl)
    return tl


def tone(sound: np.ndarray, rate: int, start: float, end: float, hz: float) -> float:
    """The amplitude of the `hz` component between start and end (a Hann-windowed DFT)."""
    w = sound[int(start * rate):int(end * rate)]
    win = np.hanning(len(w))
    spectrum = np.abs(np.fft.rfft(w * win)) * 2 / win.sum()
    freqs = np.fft.rfftfreq(len(w), 1 / rate)
    return float(spectrum[np.abs(freqs - hz) < 15].max())


def sent_sound(fake_fal: FakeFal) -> tuple[np.ndarray, int, float]:
    """What fal was sent, decoded: (samples, rate, duration)."""
    [req] = fake_fal.requests.values()
    assert req.endpoint == MODEL and "prompt" not in req.input
    head, data = req.input["audio_url"].split(",", 1)
    assert head == "data:audio/mp4;base64"
    with av.open(io.BytesIO(base64.b64decode(data))) as c:
        assert not c.streams.video
        duration = c.duration / av.time_base
        frames = list(c.decode(audio=0))
    samples = np.concatenate([f.to_ndarray().astype(np.float64).mean(axis=0) for f in frames])
    return samples, frames[0].sample_rate, duration


def _lines(track: dict[str, Any]) -> list[tuple[float, float, str]]:
    return [(round(c["start"], 3), round(c["start"] + c["duration"], 3), c["text"]) for c in track["clips"]]


def stored(services: Services, project_id: str) -> dict[str, Any]:
    """The timeline as its SQLite row holds it."""
    row = services.db.one("SELECT timeline FROM projects WHERE id = ?", (project_id,))
    return json.loads(row["timeline"])


def test_the_timelines_mix_is_sent_and_the_lines_land_at_timeline_time(
        api: Api, services: Services, project: dict, timeline: dict, fake_fal: FakeFal) -> None:
    pid = project["id"]
    r = api.post(f"/api/projects/{pid}/captions/transcribe-timeline", json={})
    assert r.status_code == 202, r.json
    job = services.jobs.wait(r.json["job"]["id"], timeout=90)
    assert job["status"] == "done", (job["message"], job["error"], job["logs"])
    assert job["model_id"] == MODEL and job["message"] == "4 caption lines added"
    # the fake answers in seconds of what was sent, which is the timeline from 0: no mapping
    doc = stored(services, pid)
    track = doc["tracks"][0]
    assert track["kind"] == "captions" and track["name"] == "Captions: the timeline"
    assert _lines(track) == [(0.2, 1.0, "Hello there."), (1.6, 2.4, "Second line."), (3.6, 4.6, "Cut at the end."),
                             (5.0, 5.6, "After it.")]
    # what was sent: the timeline's whole length, mono, small; the muted track's 880 Hz is not
    # in it, the heard clips are, each where it plays
    samples, rate, duration = sent_sound(fake_fal)
    assert duration == pytest.approx(LENGTH, abs=0.1) and rate == 16000
    assert tone(samples, rate, 0.5, 2.5, 440) > 0.05 and tone(samples, rate, 4.5, 5.5, 660) > 0.05
    assert tone(samples, rate, 4.5, 5.5, 440) < 0.005 and tone(samples, rate, 0.5, 2.5, 660) < 0.005
    assert max(tone(samples, rate, a, a + 1, 880) for a in (0.5, 2.0, 4.5)) < 0.005
    # the cost: the model's price a minute × the timeline's minutes, on the job's row
    model = registry.get_model(MODEL)
    row = services.db.one("SELECT cost, status FROM jobs WHERE id = ?", (job["id"],))
    assert row["status"] == "done"
    assert row["cost"] == pytest.approx(model["price_per_second"] * 60 * LENGTH / 60) == pytest.approx(0.003)


def test_a_named_track_keeps_its_lines_and_gets_the_others(api: Api, services: Services, project: dict,
                                                           timeline: dict, fake_fal: FakeFal) -> None:
    pid = project["id"]
    tl = services.projects.timeline(pid)
    tl["tracks"].insert(0, {"id": "cap", "name": "Mine", "kind": "captions", "muted": False, "hidden": False,
                            "style": {}, "clips": [{"id": "own", "start": 1.8, "duration": 0.4, "text": "Mine."}]})
    services.projects.save_timeline(pid, tl)
    r = api.post(f"/api/projects/{pid}/captions/transcribe-timeline", json={"track_id": "cap"})
    assert r.status_code == 202, r.json
    job = services.jobs.wait(r.json["job"]["id"], timeout=90)
    assert job["status"] == "done", (job["message"], job["error"])
    assert job["message"] == "3 caption lines added; 1 left out where the track already had lines"
    doc = stored(services, pid)
    assert [t["id"] for t in doc["tracks"] if t["kind"] == "captions"] == ["cap"]
    # "Second line." (1.6-2.4) would overlap the track's own line: left out, the line kept
    assert _lines(doc["tracks"][0]) == [(0.2, 1.0, "Hello there."), (1.8, 2.2, "Mine."),
                                        (3.6, 4.6, "Cut at the end."), (5.0, 5.6, "After it.")]


def test_cancel_stops_it_and_adds_nothing(api: Api, services: Services, project: dict, timeline: dict,
                                          fake_fal: FakeFal) -> None:
    fake_fal.scenario.queue_seconds = 60
    pid = project["id"]
    r = api.post(f"/api/projects/{pid}/captions/transcribe-timeline", json={})
    job_id = r.json["job"]["id"]
    deadline = time.monotonic() + 60
    while not fake_fal.requests and time.monotonic() < deadline:
        time.sleep(0.05)
    assert fake_fal.requests, "the request never reached fal"
    before = services.projects.timeline_at(pid)[1]
    r = api.post(f"/api/generations/{job_id}/cancel", json={})
    assert r.status_code == 200
    job = services.jobs.wait(job_id, timeout=30)
    assert job["status"] == "cancelled", job
    assert fake_fal.count("cancel") == 1
    doc, revision = services.projects.timeline_at(pid)
    assert revision == before and all(t["kind"] != "captions" for t in doc["tracks"])
    assert services.db.one("SELECT status FROM jobs WHERE id = ?", (job_id,))["status"] == "cancelled"


def test_cancel_while_the_sound_is_mixed_sends_nothing(api: Api, services: Services, project: dict,
                                                      timeline: dict, fake_fal: FakeFal, tmp_path: Path) -> None:
    """An hour-long timeline (a still at its end) takes a while to mix: Cancel stops the mix, and
    nothing reaches fal.ai or stays on disk."""
    pid = project["id"]
    still = services.media.import_path(pid, ms.make_image(tmp_path / "still.png", size="64x36"))
    tl = services.projects.timeline(pid)
    tl["tracks"][0]["clips"].append({"id": "c9", "media_id": still["id"], "start": 3590.0, "in": 0.0, "out": 10.0})
    services.projects.save_timeline(pid, tl)
    r = api.post(f"/api/projects/{pid}/captions/transcribe-timeline", json={})
    assert r.status_code == 202 and r.json["job"]["cost"] == pytest.approx(1.8)  # an hour at $0.03 a minute
    job_id = r.json["job"]["id"]
    deadline = time.monotonic() + 30
    while services.jobs.get(job_id)["message"] != "Mixing the timeline's sound" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert services.jobs.get(job_id)["message"] == "Mixing the timeline's sound"
    assert api.post(f"/api/generations/{job_id}/cancel", json={}).status_code == 200
    job = services.jobs.wait(job_id, timeout=30)
    assert job["status"] == "cancelled", job
    assert fake_fal.count("submit") == 0 and fake_fal.requests == {}
    assert not list(services.jobs.temp_dir.glob(f"sound-{job_id}*"))


def test_refusals_name_the_reason_and_start_nothing(api: Api, services: Services, project: dict, timeline: dict,
                                                    fake_fal: FakeFal) -> None:
    pid = project["id"]
    url = f"/api/projects/{pid}/captions/transcribe-timeline"
    r = api.post(url, json={"track_id": "v"})  # a video track is no captions track
    assert r.status_code == 422 and r.json["error"]["field"] == "track_id"
    # past the spending cap: 6 s costs $0.003
    assert api.patch(f"/api/projects/{pid}", json={"spending_cap": 0.002}).status_code == 200
    r = api.post(url, json={})
    assert r.status_code == 422 and r.json["error"]["code"] == "over_spending_cap"
    assert "This would cost $0.00" in r.json["error"]["message"]
    assert api.patch(f"/api/projects/{pid}", json={"spending_cap": None}).status_code == 200
    # nothing heard: every track with sound muted
    tl = services.projects.timeline(pid)
    for t in tl["tracks"]:
        t["muted"] = True
    services.projects.save_timeline(pid, tl)
    r = api.post(url, json={})
    assert r.status_code == 422 and r.json["error"]["code"] == "no_sound"
    tl["tracks"] = []
    services.projects.save_timeline(pid, tl)
    r = api.post(url, json={})
    assert r.status_code == 400 and r.json["error"]["code"] == "empty_timeline"
    assert services.db.query("SELECT id FROM jobs") == [] and fake_fal.calls == []


class TestWithoutAKey:
    @pytest.fixture
    def providers(self) -> dict[str, FalProvider]:
        return {"fal": FalProvider(lambda: None)}

    def test_it_is_refused_and_no_job_is_made(self, api: Api, services: Services, project: dict,
                                              timeline: dict) -> None:
        r = api.post(f"/api/projects/{project['id']}/captions/transcribe-timeline", json={})
        assert r.status_code == 401 and r.json["error"]["code"] == "no_api_key"
        assert "fal.ai API key" in r.json["error"]["message"] and "caption the timeline" in r.json["error"]["message"]
        assert services.db.query("SELECT id FROM jobs") == []
