"""Generation jobs with the offline generator: real H.264/AAC files of the requested shape,
named as in the field report, run in parallel, cancellable, resumable."""

from __future__ import annotations

import queue
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from reelcut.config import Config
from reelcut.errors import AppError
from reelcut.generation.base import GeneratedFile, GenerationError, JobContext
from reelcut.services import Services

T2V = "local/preview-t2v"
I2V = "local/preview-i2v"
FAST = {"duration": 1, "resolution": "360p"}


def run(services: Services, project: dict, prompt: str = "a red kite", model: str = T2V, image: str | None = None,
        **params: Any) -> dict[str, Any]:
    job = services.jobs.start(project["id"], [model], prompt, {model: {**FAST, **params}}, image)[0]
    return services.jobs.wait(job["id"], timeout=60)


def next_event(q: queue.Queue, match: Callable[[str, Any], bool], timeout: float, what: str) -> Any:
    """The first event that matches; fails saying what did not happen if none comes in time."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            event, data = q.get(timeout=left)
        except queue.Empty:
            break
        if match(event, data):
            return data
    raise AssertionError(f"{what} did not happen within {timeout:g} s")


def mean_colour(path: Path, at: float = 0.5) -> np.ndarray:
    with av.open(str(path)) as c:
        for frame in c.decode(video=0):
            if frame.time >= at:
                return frame.to_ndarray(format="rgb24").reshape(-1, 3).mean(axis=0)
    raise AssertionError("no frame")


@pytest.mark.parametrize("aspect,size,fps,seconds", [("16:9", (640, 360), 30, 1), ("9:16", (360, 640), 24, 2),
                                                     ("1:1", (360, 360), 25, 1)])
def test_offline_clip_is_real_h264_aac_of_the_requested_shape(services: Services, project: dict, aspect: str,
                                                              size: tuple[int, int], fps: int, seconds: int) -> None:
    job = run(services, project, aspect_ratio=aspect, fps=fps, duration=seconds)
    assert job["status"] == "done", job
    path, mime = services.media.file_path(job["media_id"])
    assert mime == "video/mp4" and path.read_bytes()[4:8] == b"ftyp"
    with av.open(str(path)) as c:
        v, a = c.streams.video[0], c.streams.audio[0]
        assert (v.codec_context.name, a.codec_context.name) == ("h264", "aac")
        assert (v.codec_context.width, v.codec_context.height) == size
        assert float(v.average_rate) == fps
        assert abs(float(v.duration * v.time_base) - seconds) <= 1 / fps
        assert abs(c.duration / av.time_base - seconds) <= 1 / fps
        assert sum(1 for _ in c.decode(video=0)) == fps * seconds
    row = services.media.get(job["media_id"])
    assert (row["width"], row["height"], row["fps"], row["video_codec"], row["audio_codec"]) == (*size, fps, "h264",
                                                                                                 "aac")
    assert abs(row["duration"] - seconds) <= 1 / fps


def test_names_and_provenance_follow_the_field_report(services: Services, project: dict) -> None:
    prompt = "a lighthouse on a cliff during a thunderstorm at night"
    job = run(services, project, prompt)
    item = services.media.get(job["media_id"])
    assert item["name"] == f"AI: {prompt}"  # whole: the page shortens it with CSS only
    assert re.fullmatch(r"AI-Video-local_preview-t2v-\d{8}-\d{6}-\d{3}\.mp4", item["filename"])
    assert item["source"] == {"type": "generation", "model_id": T2V, "prompt": prompt,
                              "params": {**FAST, "aspect_ratio": "16:9", "fps": 25}, "remote_url": None,
                              "seed": None}  # one take of a model that takes no seed
    assert item["cost"] == 0


def test_the_picture_comes_from_the_prompt(services: Services, project: dict) -> None:
    a = services.media.file_path(run(services, project, "a calm blue sea")["media_id"])[0]
    b = services.media.file_path(run(services, project, "a burning orange forest")["media_id"])[0]
    assert np.abs(mean_colour(a) - mean_colour(b)).sum() > 20


def test_image_to_video_uses_the_library_image(services: Services, project: dict, samples: dict) -> None:
    image = services.media.import_path(project["id"], samples["image"])
    job = run(services, project, "zoom in", model=I2V, image=image["id"])
    assert job["status"] == "done", job
    with pytest.raises(AppError) as e:
        services.jobs.start(project["id"], [I2V], "no image", {})
    assert e.value.status == 422 and e.value.field == "image_media_id"


def test_invalid_params_start_nothing(services: Services, project: dict) -> None:
    with pytest.raises(AppError) as e:
        services.jobs.start(project["id"], [T2V], "x", {T2V: {"duration": 99}})
    assert e.value.status == 422 and e.value.field == "duration" and "at most 20" in e.value.message
    with pytest.raises(AppError) as e:
        services.jobs.start(project["id"], [T2V, "nobody/unknown"], "x", {})
    assert e.value.status == 422
    with pytest.raises(AppError) as e:
        services.jobs.start(project["id"], [T2V], "   ", {})
    assert e.value.field == "prompt"
    assert services.jobs.list(project["id"]) == []


def test_phases_are_reported_in_order(services: Services, project: dict) -> None:
    q = services.bus.subscribe()
    job = run(services, project)
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
        self.started = threading.Event()  # a job has reached generate()
        self.lock = threading.Lock()

    def generate(self, ctx: JobContext) -> GeneratedFile:
        with self.lock:
            self.running.add(ctx.job_id)
            self.most_at_once = max(self.most_at_once, len(self.running))
        self.started.set()
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
def providers(samples: dict) -> dict[str, GatedProvider]:
    return {"gated": GatedProvider(samples["video"], fail_for="test/m1")}


@pytest.fixture
def gated(services: Services, providers: dict[str, GatedProvider], monkeypatch: pytest.MonkeyPatch) -> GatedProvider:
    from reelcut.generation import registry

    base = registry.get_model(T2V)
    models = tuple({**base, "id": f"test/m{i}", "name": f"Model {i}", "provider": "gated"} for i in range(4))
    monkeypatch.setattr(registry, "entries", lambda: models)
    return providers["gated"]


def test_models_run_in_parallel_and_one_failing_spares_the_others(services: Services, project: dict,
                                                                  gated: GatedProvider) -> None:
    jobs = services.jobs.start(project["id"], ["test/m0", "test/m1", "test/m2", "test/m3"], "four at once")
    deadline = time.monotonic() + 10
    while gated.most_at_once < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert gated.most_at_once == 4
    gated.release.set()
    done = {j["model_id"]: services.jobs.wait(j["id"], timeout=30) for j in jobs}
    assert done["test/m1"]["status"] == "failed" and done["test/m1"]["error"]["message"] == "The provider said no."
    assert [done[m]["status"] for m in ("test/m0", "test/m2", "test/m3")] == ["done"] * 3
    assert len(services.media.list(project["id"])) == 3


def test_cancel_mid_job_keeps_nothing(services: Services, project: dict, gated: GatedProvider) -> None:
    job = services.jobs.start(project["id"], ["test/m0"], "cancel me")[0]
    assert gated.started.wait(10), "the job did not reach its provider within 10 s"
    assert services.jobs.cancel(job["id"])["status"] in ("generating", "cancelled")
    final = services.jobs.wait(job["id"], timeout=10)
    assert final["status"] == "cancelled"
    assert services.media.list(project["id"]) == []
    assert list(services.config.temp_dir.iterdir()) == []


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_cancel_a_real_render(services: Services, project: dict) -> None:
    q = services.bus.subscribe()
    job = services.jobs.start(project["id"], [T2V], "long", {T2V: {"duration": 20, "resolution": "1080p"}})[0]
    next_event(q, lambda event, data: event == "job" and data["id"] == job["id"] and data["status"] == "generating"
               and data["progress"] > 0.05, timeout=10, what="ffmpeg rendering the job")
    assert services.jobs.cancel(job["id"])["status"] in ("generating", "cancelled")
    final = services.jobs.wait(job["id"], timeout=30)
    assert final["status"] == "cancelled" and final["media_id"] is None
    assert services.media.list(project["id"]) == []
    assert files_under(services.projects.folder(project["id"])) == []
    assert list(services.config.temp_dir.iterdir()) == []


def test_cancel_before_the_job_thread_runs_stores_nothing(services: Services, project: dict,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: a cancel that landed before the job's thread registered itself marked the row
    cancelled, yet the clip was still rendered and stored in the library."""
    from reelcut.generation import registry

    real = registry.get_model
    caller = threading.current_thread()

    def slow_on_the_job_thread(model_id: str) -> dict:
        # the job's thread reads its model first thing, before it registers itself
        if threading.current_thread() is not caller:
            time.sleep(0.3)
        return real(model_id)

    monkeypatch.setattr(registry, "get_model", slow_on_the_job_thread)
    job = services.jobs.start(project["id"], [T2V], "too late", {T2V: FAST})[0]
    assert services.jobs.cancel(job["id"])["status"] == "cancelled"
    assert services.jobs.wait(job["id"], timeout=30)["status"] == "cancelled"
    assert services.media.list(project["id"]) == []
    assert files_under(services.projects.folder(project["id"])) == []
    assert list(services.config.temp_dir.iterdir()) == []


def test_two_offline_models_render_side_by_side(services: Services, project: dict, samples: dict) -> None:
    image = services.media.import_path(project["id"], samples["image"])
    q = services.bus.subscribe()
    jobs = services.jobs.start(project["id"], [T2V, I2V], "two at once",
                                   {T2V: {**FAST, "duration": 2}, I2V: {**FAST, "duration": 2}}, image["id"])
    done = [services.jobs.wait(j["id"], timeout=60) for j in jobs]
    assert [d["status"] for d in done] == ["done", "done"]
    status: dict[str, str] = {}
    overlapped = False
    while not q.empty():
        event, data = q.get_nowait()
        if event == "job":
            status[data["id"]] = data["status"]
            overlapped |= [status.get(j["id"]) for j in jobs] == ["generating", "generating"]
    assert overlapped, "the second model waited for the first"
    assert {services.media.get(d["media_id"])["source"]["model_id"] for d in done} == {T2V, I2V}


def test_unfinished_jobs_resume_after_a_restart(config: Config) -> None:
    first = Services(config)
    p = first.projects.create("Resume")
    # a job row as a crash would leave it: started, never finished
    first.db.execute("INSERT INTO jobs (id, project_id, model_id, prompt, params, status, progress, created_at,"
                     " updated_at) VALUES ('j1', ?, ?, 'after the crash', ?, 'generating', 0.3, 'x', 'x')",
                     (p["id"], T2V, '{"duration": 1, "resolution": "360p", "aspect_ratio": "16:9", "fps": 25}'))
    first.close()
    second = Services(config)
    try:
        second.start()
        job = second.jobs.wait("j1", timeout=60)
        assert job["status"] == "done"
        assert second.media.get(job["media_id"])["project_id"] == p["id"]
    finally:
        second.close()


def test_missing_ffmpeg_fails_its_job_and_spares_the_sibling(services: Services, project: dict, providers: dict,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from reelcut.generation import registry
    from reelcut.media.ffmpeg import ffmpeg_exe

    real_models = registry.entries()
    sibling = {**registry.get_model(T2V), "id": "test/sibling", "name": "Sibling", "provider": "gated"}
    monkeypatch.setattr(registry, "entries", lambda: (*real_models, sibling))
    provider = providers["gated"]
    provider.release.set()
    monkeypatch.setenv("REELCUT_FFMPEG", "/nonexistent/ffmpeg")
    ffmpeg_exe.cache_clear()
    try:
        jobs = services.jobs.start(project["id"], [T2V, "test/sibling"], "one breaks", {T2V: FAST})
        local, other = (services.jobs.wait(j["id"], timeout=30) for j in jobs)
    finally:
        monkeypatch.delenv("REELCUT_FFMPEG")
        ffmpeg_exe.cache_clear()
    assert local["status"] == "failed" and local["error"]["code"] == "ffmpeg_missing"
    assert "/nonexistent/ffmpeg" in local["message"] and local["media_id"] is None
    assert other["status"] == "done"
    assert [m["id"] for m in services.media.list(project["id"])] == [other["media_id"]]
    assert list(services.config.temp_dir.iterdir()) == []


def test_closing_the_app_mid_render_leaves_the_job_to_resume(config: Config) -> None:
    """Quitting is not cancelling: the render stops before the database closes, the row stays
    active, and the next start finishes it."""
    first = Services(config)
    first.start()
    p = first.projects.create("Quit")
    q = first.bus.subscribe()
    job = first.jobs.start(p["id"], [T2V], "quit mid-render", {T2V: {"duration": 20, "resolution": "360p"}})[0]
    next_event(q, lambda event, data: event == "job" and data["id"] == job["id"] and data["status"] == "generating"
               and data["progress"] > 0.06, timeout=20, what="ffmpeg rendering the job")
    first.close()  # would raise on a closed database if the job thread outlived it
    con = sqlite3.connect(config.db_path)
    status, message = con.execute("SELECT status, message FROM jobs WHERE id = ?", (job["id"],)).fetchone()
    con.close()
    assert status == "generating" and "resumes at the next start" in message
    assert list(config.temp_dir.iterdir()) == []
    again = Services(config)
    again.start()
    try:
        done = again.jobs.wait(job["id"], timeout=120)
        assert done["status"] == "done", done
        assert again.media.get(done["media_id"])["duration"] == pytest.approx(20, abs=0.2)
    finally:
        again.close()


def test_clear_takes_a_finished_job_off_the_list_and_refuses_a_running_one(services: Services, project: dict,
                                                                          gated: GatedProvider) -> None:
    from reelcut.errors import AppError

    job = services.jobs.start(project["id"], ["test/m0"], "clear me")[0]
    assert gated.started.wait(10), "the job did not reach its provider within 10 s"
    with pytest.raises(AppError) as refused:
        services.jobs.clear(job["id"])
    assert refused.value.status == 409
    gated.release.set()
    assert services.jobs.wait(job["id"], timeout=30)["status"] == "done"
    services.jobs.clear(job["id"])
    assert services.jobs.list(project["id"]) == []
    assert len(services.media.list(project["id"])) == 1  # the clip stays
