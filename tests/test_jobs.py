"""Generation jobs with the offline generator: real H.264/AAC files of the requested shape,
named as in the field report, run in parallel, cancellable, resumable."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from reelcut.bridge import Bridge
from reelcut.config import Config
from reelcut.errors import AppError
from reelcut.generation.base import GeneratedFile, GenerationError, JobContext

T2V = "local/preview-t2v"
I2V = "local/preview-i2v"
FAST = {"duration": 1, "resolution": "360p"}


def run(bridge: Bridge, project: dict, prompt: str = "a red kite", model: str = T2V, image: str | None = None,
        **params: Any) -> dict[str, Any]:
    job = bridge.start_generation(project["id"], [model], prompt, {model: {**FAST, **params}}, image)[0]
    return bridge.jobs.wait(job["id"], timeout=60)


def mean_colour(path: Path, at: float = 0.5) -> np.ndarray:
    with av.open(str(path)) as c:
        for frame in c.decode(video=0):
            if frame.time >= at:
                return frame.to_ndarray(format="rgb24").reshape(-1, 3).mean(axis=0)
    raise AssertionError("no frame")


@pytest.mark.parametrize("aspect,size", [("16:9", (640, 360)), ("9:16", (360, 640)), ("1:1", (360, 360))])
def test_offline_clip_is_real_h264_aac_of_the_requested_shape(bridge: Bridge, project: dict, aspect: str,
                                                              size: tuple[int, int]) -> None:
    job = run(bridge, project, aspect_ratio=aspect, fps=30, duration=2)
    assert job["status"] == "done", job
    path, mime = bridge.media_file(job["media_id"])
    assert mime == "video/mp4"
    with av.open(str(path)) as c:
        v, a = c.streams.video[0], c.streams.audio[0]
        assert (v.codec_context.name, a.codec_context.name) == ("h264", "aac")
        assert (v.codec_context.width, v.codec_context.height) == size
        assert float(v.average_rate) == 30
        assert abs(c.duration / av.time_base - 2.0) <= 1 / 30 + 0.05


def test_names_and_provenance_follow_the_field_report(bridge: Bridge, project: dict) -> None:
    prompt = "a lighthouse on a cliff during a thunderstorm at night"
    job = run(bridge, project, prompt)
    item = bridge.get_media(job["media_id"])
    assert item["name"] == f"AI: {prompt[:30]}..."
    assert re.fullmatch(r"AI-Video-local_preview-t2v-\d{8}-\d{6}-\d{3}\.mp4", item["filename"])
    assert item["source"] == {"type": "generation", "model_id": T2V, "prompt": prompt,
                              "params": {**FAST, "aspect_ratio": "16:9", "fps": 25}, "remote_url": None}
    assert item["cost"] == 0


def test_the_picture_comes_from_the_prompt(bridge: Bridge, project: dict) -> None:
    a = bridge.media_file(run(bridge, project, "a calm blue sea")["media_id"])[0]
    b = bridge.media_file(run(bridge, project, "a burning orange forest")["media_id"])[0]
    assert np.abs(mean_colour(a) - mean_colour(b)).sum() > 20


def test_image_to_video_uses_the_library_image(bridge: Bridge, project: dict, samples: dict) -> None:
    image = bridge.import_path(project["id"], samples["image"])
    job = run(bridge, project, "zoom in", model=I2V, image=image["id"])
    assert job["status"] == "done", job
    with pytest.raises(AppError) as e:
        bridge.start_generation(project["id"], [I2V], "no image", {})
    assert e.value.status == 422 and e.value.field == "image_media_id"


def test_invalid_params_start_nothing(bridge: Bridge, project: dict) -> None:
    with pytest.raises(AppError) as e:
        bridge.start_generation(project["id"], [T2V], "x", {T2V: {"duration": 99}})
    assert e.value.status == 422 and e.value.field == "duration" and "at most 20" in e.value.message
    with pytest.raises(AppError) as e:
        bridge.start_generation(project["id"], [T2V, "nobody/unknown"], "x", {})
    assert e.value.status == 422
    with pytest.raises(AppError) as e:
        bridge.start_generation(project["id"], [T2V], "   ", {})
    assert e.value.field == "prompt"
    assert bridge.list_jobs(project["id"]) == []


def test_phases_are_reported_in_order(bridge: Bridge, project: dict) -> None:
    q = bridge.bus.subscribe()
    job = run(bridge, project)
    seen: list[tuple[str, float]] = []
    while not q.empty():
        event, data = q.get_nowait()
        if event == "job" and data["id"] == job["id"]:
            seen.append((data["status"], data["progress"]))
    statuses = [s for s, _ in seen]
    order = ["queued", "generating", "storing", "done"]
    assert [s for s in order if s in statuses] == order
    assert [statuses.index(s) for s in order] == sorted(statuses.index(s) for s in order)
    progress = [p for _, p in seen]
    assert progress == sorted(progress) and progress[-1] == 1.0


class GatedProvider:
    """Finishes only when told, so tests can see jobs running side by side."""

    def __init__(self, clip: Path, fail_for: str | None = None) -> None:
        self.clip = clip
        self.fail_for = fail_for
        self.running: set[str] = set()
        self.most_at_once = 0
        self.release = threading.Event()
        self.lock = threading.Lock()

    def generate(self, ctx: JobContext) -> GeneratedFile:
        with self.lock:
            self.running.add(ctx.job_id)
            self.most_at_once = max(self.most_at_once, len(self.running))
        ctx.report("generating", 0.5)
        while not self.release.wait(0.02):
            ctx.check_cancelled()
        with self.lock:
            self.running.discard(ctx.job_id)
        if ctx.prompt == self.fail_for or ctx.model["id"] == self.fail_for:
            raise GenerationError("provider_failed", "The provider said no.")
        out = ctx.temp_dir / f"{ctx.job_id}.mp4"
        out.write_bytes(self.clip.read_bytes())
        return GeneratedFile(out)

    def cancel(self, ctx: JobContext) -> None:
        pass


@pytest.fixture
def gated(bridge: Bridge, samples: dict, monkeypatch: pytest.MonkeyPatch) -> GatedProvider:
    from reelcut.generation import registry

    base = registry.get_model(T2V)
    models = tuple({**base, "id": f"test/m{i}", "name": f"Model {i}", "provider": "gated"} for i in range(4))
    monkeypatch.setattr(registry, "_load", lambda: models)
    provider = GatedProvider(samples["video"], fail_for="test/m1")
    bridge._providers["gated"] = provider
    return provider


def test_models_run_in_parallel_and_one_failing_spares_the_others(bridge: Bridge, project: dict,
                                                                  gated: GatedProvider) -> None:
    jobs = bridge.start_generation(project["id"], ["test/m0", "test/m1", "test/m2", "test/m3"], "four at once")
    deadline = time.monotonic() + 10
    while gated.most_at_once < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert gated.most_at_once == 4
    gated.release.set()
    done = {j["model_id"]: bridge.jobs.wait(j["id"], timeout=30) for j in jobs}
    assert done["test/m1"]["status"] == "failed" and done["test/m1"]["error"]["message"] == "The provider said no."
    assert [done[m]["status"] for m in ("test/m0", "test/m2", "test/m3")] == ["done"] * 3
    assert len(bridge.list_media(project["id"])) == 3


def test_cancel_mid_job_keeps_nothing(bridge: Bridge, project: dict, gated: GatedProvider) -> None:
    job = bridge.start_generation(project["id"], ["test/m0"], "cancel me")[0]
    deadline = time.monotonic() + 10
    while not gated.running and time.monotonic() < deadline:
        time.sleep(0.01)
    assert bridge.cancel_job(job["id"])["status"] in ("generating", "cancelled")
    final = bridge.jobs.wait(job["id"], timeout=10)
    assert final["status"] == "cancelled"
    assert bridge.list_media(project["id"]) == []
    assert list(bridge.config.temp_dir.iterdir()) == []


def test_cancel_a_real_render(bridge: Bridge, project: dict) -> None:
    job = bridge.start_generation(project["id"], [T2V], "long", {T2V: {"duration": 20, "resolution": "1080p"}})[0]
    time.sleep(0.5)
    bridge.cancel_job(job["id"])
    assert bridge.jobs.wait(job["id"], timeout=30)["status"] == "cancelled"
    assert bridge.list_media(project["id"]) == []
    assert list(bridge.config.temp_dir.iterdir()) == []


def test_unfinished_jobs_resume_after_a_restart(config: Config) -> None:
    first = Bridge(config)
    p = first.create_project("Resume")
    # a job row as a crash would leave it: started, never finished
    first.db.execute("INSERT INTO jobs (id, project_id, model_id, prompt, params, status, progress, created_at,"
                     " updated_at) VALUES ('j1', ?, ?, 'after the crash', ?, 'generating', 0.3, 'x', 'x')",
                     (p["id"], T2V, '{"duration": 1, "resolution": "360p", "aspect_ratio": "16:9", "fps": 25}'))
    first.close()
    second = Bridge(config)
    try:
        second.start()
        job = second.jobs.wait("j1", timeout=60)
        assert job["status"] == "done"
        assert second.get_media(job["media_id"])["project_id"] == p["id"]
    finally:
        second.close()
