"""The real fal.ai client, through the whole app (services, job manager, library), over real HTTP
against the fake fal server: every protocol case and failure a user can meet."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import pytest

from reelcut import keystore
from reelcut.errors import AppError
from reelcut.generation import fal_guard, registry
from reelcut.generation.base import GenerationError, JobCancelled, JobContext
from reelcut.generation.fal import FalProvider, fal_provider
from reelcut.generation.fal_http import FalHttp, check_url, is_loopback
from reelcut.services import Services

from . import media_samples as ms
from .conftest import sources_of
from .fake_fal import KEY, NGINX_502, FakeFal, Listener, Reply

FAST = "fal-ai/ltx-2/text-to-video/fast"
PRO = "fal-ai/ltx-2/text-to-video"
I2V = "fal-ai/ltx-2/image-to-video/fast"
KLING = "fal-ai/kling-video/v2.5-turbo/pro/text-to-video"
VEO = "fal-ai/veo3/fast"


def quick(seconds: float) -> None:
    time.sleep(min(seconds, 0.01))


@pytest.fixture
def providers(data_dir: Path, fake_fal: FakeFal) -> dict[str, FalProvider]:
    """The app's fal provider, with short waits so retries and polls take milliseconds."""
    return {"fal": FalProvider(lambda: keystore.get_key(data_dir), sleep=quick, poll_interval=0.05,
                               http_options={"base_delay": 0.01, "timeout": (2.0, 1.0)})}


@pytest.fixture
def fal(services: Services, fake_fal: FakeFal) -> FakeFal:
    return fake_fal


def generate(services: Services, project: dict, model: str = FAST, prompt: str = "a fox in the snow",
             image: str | None = None, **params: Any) -> dict[str, Any]:
    job = services.jobs.start(project["id"], [model], prompt, {model: params}, image)[0]
    return services.jobs.wait(job["id"], timeout=60)


def saved_state(services: Services, job_id: str) -> dict[str, Any]:
    """What the job row holds about the remote request (what a restart resumes from)."""
    return json.loads(services.db.one("SELECT state FROM jobs WHERE id = ?", (job_id,))["state"])


def events_for(services: Services) -> Any:
    q = services.bus.subscribe()

    def drain(job_id: str) -> list[dict[str, Any]]:
        out = []
        while not q.empty():
            event, data = q.get_nowait()
            if event == "job" and data["id"] == job_id:
                out.append(data)
        return out
    return drain


def test_success_with_queue_position_logs_and_provenance(services: Services, project: dict, fal: FakeFal) -> None:
    drain = events_for(services)
    job = generate(services, project, duration=8)
    assert job["status"] == "done", job
    seen = drain(job["id"])
    assert any(e["queue_position"] is not None for e in seen if e["status"] == "queued")
    assert "Sampling 50%" in job["logs"] and "Encoding video" in job["logs"]
    assert [s for s in ("queued", "generating", "downloading", "storing", "done")
            if s in {e["status"] for e in seen}] == ["queued", "generating", "downloading", "storing", "done"]
    item = services.media.get(job["media_id"])
    assert item["source"]["remote_url"].startswith(f"{fal.url}/files/")
    assert item["cost"] == pytest.approx(0.04 * 8)
    path, _ = services.media.file_path(item["id"])
    assert path.read_bytes() == fal.clip
    req = next(iter(fal.requests.values()))
    assert req.input["duration"] == 8 and isinstance(req.input["duration"], int)  # LTX wants integers
    assert fal.count("submit") == 1
    # the local file is what plays; the remote URL is provenance only
    assert [s["kind"] for s in sources_of(services, item["id"])] == ["local", "blob"]


def test_kling_durations_go_as_strings(services: Services, project: dict, fal: FakeFal) -> None:
    job = generate(services, project, KLING, duration="10")
    assert job["status"] == "done", job
    assert next(iter(fal.requests.values())).input["duration"] == "10"


def test_bad_params_are_refused_before_anything_is_sent(services: Services, project: dict, fal: FakeFal) -> None:
    with pytest.raises(AppError) as e:
        services.jobs.start(project["id"], [FAST], "x", {FAST: {"duration": 12, "resolution": "1440p"}})
    # a validation error, not a provider failure: the request never reached the provider
    assert not isinstance(e.value, GenerationError) and e.value.status == 422
    assert e.value.field == "resolution" and "over 10 s" in e.value.message.lower()
    assert fal.calls == []


@pytest.mark.parametrize("key,locked,code,words", [
    ("wrong:key", None, "invalid_key", "did not accept your API key"),
    (KEY, "Exhausted balance. Top up your balance at fal.ai/dashboard/billing.", "account_locked",
     "Exhausted balance"),
])
def test_auth_failures_say_what_to_do(services: Services, project: dict, fal: FakeFal, monkeypatch: pytest.MonkeyPatch,
                                      key: str, locked: str | None, code: str, words: str) -> None:
    monkeypatch.setenv("FAL_KEY", key)
    fal.scenario.locked = locked
    job = generate(services, project)
    assert job["status"] == "failed" and job["error"]["code"] == code and words in job["error"]["message"]
    assert fal.count("submit") == 1  # never retried


def test_no_key_is_a_clear_failure(services: Services, project: dict, fal: FakeFal,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAL_KEY")
    job = generate(services, project)
    assert job["error"]["code"] == "no_api_key" and "Settings" in job["message"]
    assert fal.calls == []


def test_422_names_the_field(services: Services, project: dict, fal: FakeFal) -> None:
    job = generate(services, project, prompt="forbidden")
    assert job["status"] == "failed"
    assert job["error"]["field"] == "prompt"
    assert "flagged by the content checker" in job["error"]["message"]
    assert fal.count("submit") == 1


def test_429_is_retried_and_said(services: Services, project: dict, fal: FakeFal) -> None:
    fal.scenario.submit_replies = [Reply(429, {"detail": "Too many requests"}), Reply(429, {"detail": "Too many"})]
    drain = events_for(services)
    job = generate(services, project)
    assert job["status"] == "done"
    assert fal.count("submit") == 3
    assert any("fal.ai is busy; retrying" in (e["message"] or "") for e in drain(job["id"]))


def test_gateway_503_without_request_id_is_retried(services: Services, project: dict, fal: FakeFal) -> None:
    """A 503 from fal's edge says it did not handle the request: a submit may go again. (A 502
    or 504 may come after the queue took it: see test_a_submit_fal_may_have_taken_is_never_sent_twice.)"""
    fal.scenario.submit_replies = [Reply(503, raw=NGINX_502.replace(b"502 Bad Gateway", b"503 Unavailable"))]
    fal.scenario.status_replies = [Reply(502, raw=NGINX_502)]
    job = generate(services, project)
    assert job["status"] == "done", job
    assert fal.count("submit") == 2


def test_application_500_with_request_id_is_not_retried(services: Services, project: dict, fal: FakeFal) -> None:
    fal.scenario.submit_replies = [Reply(500, {"detail": "Internal error in the model", "error_type": "internal_error"},
                                         {"x-fal-request-id": "r-1"})]
    job = generate(services, project)
    assert job["status"] == "failed" and "Internal error in the model" in job["message"]
    assert "HTTP 500" in job["message"] and "Traceback" not in job["message"]
    assert fal.count("submit") == 1


def test_progress_falls_back_to_the_queue_and_finishes(services: Services, project: dict, fal: FakeFal) -> None:
    fal.scenario.back_to_queue = True
    fal.scenario.run_seconds = 0.6
    drain = events_for(services)
    job = generate(services, project)
    assert job["status"] == "done"
    statuses = [e["status"] for e in drain(job["id"])]
    first_generating = statuses.index("generating")
    assert "queued" in statuses[first_generating:]


def test_failure_reported_as_completed_with_error(services: Services, project: dict, fal: FakeFal) -> None:
    fal.scenario.fail_with = ("The GPU ran out of memory", "runner_server_error")
    job = generate(services, project)
    assert job["status"] == "failed"
    assert "The GPU ran out of memory" in job["message"] and "runner_server_error" in job["message"]
    assert fal.count("cdn") == 0
    # the failed request is spent: Retry submits a new one (asking about the old one again would
    # only fail again), and the new one's video is what is stored
    fal.scenario.fail_with = None
    services.jobs.retry(job["id"])
    job = services.jobs.wait(job["id"], timeout=60)
    assert job["status"] == "done", job["message"]
    assert fal.count("submit") == 2 and fal.count("cdn") == 1


def test_result_still_in_progress_is_asked_again(services: Services, project: dict, fal: FakeFal) -> None:
    fal.scenario.result_in_progress_once = True
    job = generate(services, project)
    assert job["status"] == "done"
    assert fal.count("result") == 2


@pytest.mark.parametrize("when", ["queued", "running"])
def test_cancel(services: Services, project: dict, fal: FakeFal, when: str) -> None:
    fal.scenario.queue_seconds, fal.scenario.run_seconds = (5, 1) if when == "queued" else (0.05, 5)
    job = services.jobs.start(project["id"], [FAST], "cancel me", {})[0]
    want = "queued" if when == "queued" else "generating"
    deadline = time.monotonic() + 10
    while services.jobs.get(job["id"])["status"] != want or "cancel_url" not in saved_state(services, job["id"]):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    services.jobs.cancel(job["id"])
    final = services.jobs.wait(job["id"], timeout=10)
    assert final["status"] == "cancelled"
    assert fal.count("cancel") == 1 and next(iter(fal.requests.values())).cancelled
    assert "fal.ai is cancelling the request." in final["logs"]
    assert services.media.list(project["id"]) == []


@pytest.mark.parametrize("modes,status", [(["truncate", "ok"], "done"), (["html", "ok"], "done"),
                                          (["html", "html", "html"], "failed"),
                                          (["truncate", "truncate", "truncate"], "failed")])
def test_broken_downloads_are_retried_then_failed(services: Services, project: dict, fal: FakeFal, modes: list[str],
                                                  status: str) -> None:
    fal.scenario.cdn = list(modes)
    job = generate(services, project)
    assert job["status"] == status, job
    if status == "failed":
        assert "Gave up after 3 tries" in job["message"] and "Retry" in job["message"]
        assert services.media.list(project["id"]) == []
        assert fal.count("submit") == 1  # the paid request was not bought again
    assert list(services.config.temp_dir.iterdir()) == []  # nothing half-written stays


def test_retry_fetches_a_paid_result_again_without_resubmitting(services: Services, project: dict,
                                                                fal: FakeFal) -> None:
    fal.scenario.cdn = ["html", "html", "html"]
    job = generate(services, project)
    assert job["status"] == "failed"
    services.jobs.retry(job["id"])
    done = services.jobs.wait(job["id"], timeout=30)
    assert done["status"] == "done"
    assert fal.count("submit") == 1


def test_garbage_and_hangs_from_the_provider(services: Services, project: dict, fal: FakeFal) -> None:
    fal.scenario.status_replies = [Reply(200, raw=b"this is not json"), Reply(200, {"status": "IN_QUEUE",
                                                                                    "queue_position": 0}, delay=1.5)]
    drain = events_for(services)
    job = generate(services, project)
    assert job["status"] == "done", job
    messages = " ".join(e["message"] or "" for e in drain(job["id"]))
    assert "could not read" in messages and "did not answer in time" in messages
    assert "keeps going" in messages


def test_garbage_submit_answer_fails_clearly(services: Services, project: dict, fal: FakeFal) -> None:
    fal.scenario.submit_replies = [Reply(200, raw=b"<html>gateway</html>")]
    job = generate(services, project)
    assert job["status"] == "failed" and "could not read" in job["message"]


def test_image_to_video_inline_and_uploaded(services: Services, project: dict, fal: FakeFal, samples: dict,
                                            tmp_path: Path) -> None:
    small = services.media.import_path(project["id"], samples["image"])
    job = generate(services, project, I2V, image=small["id"])
    assert job["status"] == "done", job
    assert next(iter(fal.requests.values())).input["image_url"].startswith("data:image/png;base64,")
    big_png = ms.make_image(tmp_path / "big.png", size="1600x1200", noise=True)
    assert big_png.stat().st_size > 256 * 1024
    big = services.media.import_path(project["id"], big_png)
    job = generate(services, project, I2V, image=big["id"])
    assert job["status"] == "done", job
    assert fal.count("initiate") == 1 and fal.count("upload") == 1
    assert list(fal.uploads.values())[0] == big_png.read_bytes()
    latest = max(fal.requests.values(), key=lambda r: r.created)
    assert latest.input["image_url"].startswith(f"{fal.url}/files/up-")


def test_image_size_limit(services: Services, project: dict, fal: FakeFal, tmp_path: Path,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    from reelcut.generation import fal as fal_module

    monkeypatch.setattr(fal_module, "IMAGE_LIMIT", 100 * 1024)
    big = services.media.import_path(project["id"], ms.make_image(tmp_path / "big.png", size="1600x1200", noise=True))
    job = generate(services, project, I2V, image=big["id"])
    assert job["status"] == "failed" and job["error"]["code"] == "image_too_large"
    assert "MB" in job["message"] and job["error"]["field"] == "image_media_id"
    assert fal.calls == []


def test_plain_http_only_to_loopback(services: Services, project: dict, fal: FakeFal,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    assert check_url("http://127.0.0.1:9/x") and check_url("https://queue.fal.run/x")
    for url in ("http://queue.fal.run/x", "http://10.0.0.1/x", "ftp://x/y", "file:///etc/passwd"):
        with pytest.raises(GenerationError):
            check_url(url)
    monkeypatch.setenv("REELCUT_FAL_QUEUE_URL", "http://queue.example.com")
    job = generate(services, project)
    assert job["error"]["code"] == "insecure_url" and "https" in job["message"]


def test_four_models_run_at_once(services: Services, project: dict, fal: FakeFal) -> None:
    """All four requests are in flight at fal at the same time: each was submitted before any
    result was handed over (one after another, each would start after the last one ended). How
    much time that saves is measured by bench/parallel_models.py, not asserted here."""
    fal.scenario.queue_seconds, fal.scenario.run_seconds = 0.5, 1.0
    jobs = services.jobs.start(project["id"], [FAST, PRO, KLING, VEO], "four at once", {})
    finals = [services.jobs.wait(j["id"], timeout=60) for j in jobs]
    assert [j["status"] for j in finals] == ["done"] * 4
    windows = [(r.created, r.result_at) for r in fal.requests.values()]
    assert len(windows) == 4 and all(end is not None for _, end in windows)
    assert max(start for start, _ in windows) < min(end for _, end in windows if end is not None), windows


def test_the_key_never_appears_in_logs_or_messages(services: Services, project: dict, fal: FakeFal,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fal.scenario.submit_replies = [Reply(503, raw=NGINX_502), Reply(500, {"detail": "boom"},
                                                                      {"x-fal-request-id": "r"})]
    jobs = [generate(services, project)]
    fal.scenario.cdn = ["html"] * 3
    jobs.append(generate(services, project))
    secret = KEY.split(":")[1]
    for job in jobs:
        assert secret not in str(job)
    assert all(secret not in r.getMessage() for r in caplog.records)
    assert secret not in str(services.preferences.get())


def test_every_registry_model_generates(services: Services, project: dict, fal: FakeFal, samples: dict,
                                        tmp_path: Path) -> None:
    """Each fal model's defaults are accepted by the (validating) fake, sent to its own endpoint,
    with the image (and any other media it takes) under the model's own parameter names."""
    image = services.media.import_path(project["id"], samples["image"])
    media = {"end_image_media_id": image["id"],
             "audio_media_id": services.media.import_path(project["id"], ms.make_audio(tmp_path / "s.wav", 3))["id"],
             "video_media_id": services.media.import_path(project["id"], samples["video"])["id"]}
    # speech to text makes no clip: tests/test_transcribe.py runs it
    models = [m for m in registry.all_models() if m["provider"] == "fal" and m["mode"] != "transcribe"]
    jobs = []
    for mode in ("text", "image", "audio", "video"):
        ids = [m["id"] for m in models if m["mode"] == mode]
        jobs += services.jobs.start(project["id"], ids, f"every {mode} model", {},
                                    image["id"] if mode == "image" else None, media=media)
    finals = {j["model_id"]: services.jobs.wait(j["id"], timeout=60) for j in jobs}
    assert {k: v["status"] for k, v in finals.items()} == {m["id"]: "done" for m in models}
    sent = {r.endpoint: r.input for r in fal.requests.values()}
    for m in models:
        # the prompt travels as `text` for a voice, and not at all to an upscaler
        prompt = [registry.prompt_field(m)] if registry.prompt_field(m) else []
        assert set(sent[m["endpoint"]]) >= {*prompt, *(p["name"] for p in m["params"] if "default" in p)}
        if m["mode"] == "image":
            assert sent[m["endpoint"]][m["image_param"]].startswith("data:image/png")
        for i in registry.media_inputs(m):
            if i["required"]:
                assert sent[m["endpoint"]][i["name"]].startswith(("data:", f"{fal.url}/files/")), (m["id"], i)


def test_status_stream_notices_completion_without_polling(services: Services, project: dict, fal: FakeFal) -> None:
    fal.scenario.stream = True
    drain = events_for(services)
    job = generate(services, project)
    assert job["status"] == "done", job
    assert fal.count("stream") == 1 and fal.count("status") == 0
    assert "Encoding video" in job["logs"]
    assert any(e["queue_position"] is not None for e in drain(job["id"]))


def test_a_status_event_is_shown_while_the_stream_stays_open(fake_fal: FakeFal, tmp_path: Path) -> None:
    """fal's stream sends an event and then nothing for a long while (a long render): the log it
    carried reaches the user at once, not when later events fill a read buffer."""
    fake_fal.scenario.stream = True
    fake_fal.scenario.queue_seconds, fake_fal.scenario.run_seconds = 0.05, 60.0
    fake_fal.scenario.logs = ["Loading model"]  # one change, then a minute of silence
    ctx, reports, _ = make_ctx(tmp_path)
    fal = FalProvider(lambda: KEY, sleep=quick, http_options={"timeout": (2.0, 60.0)})
    outcome: list[BaseException] = []
    worker = threading.Thread(target=lambda: outcome.append(pytest.raises(JobCancelled, fal.generate, ctx).value))
    worker.start()
    deadline = time.monotonic() + 10
    while not any(r.get("log") == "Loading model" for r in reports):
        assert time.monotonic() < deadline, "the stream's event was held back"
        time.sleep(0.01)
    assert fake_fal.count("status") == 0  # seen on the stream, not by falling back to polling
    ctx.cancel_event.set()
    fake_fal.stop()  # ends the silent stream
    worker.join(10)
    assert not worker.is_alive() and outcome


def test_a_silent_stream_times_out_into_polling(fake_fal: FakeFal, tmp_path: Path) -> None:
    """The stream says nothing for longer than the read timeout: the job polls instead and
    finishes, rather than failing on the timeout."""
    fake_fal.scenario.stream = True
    fake_fal.scenario.queue_seconds, fake_fal.scenario.run_seconds = 0.05, 1.5
    fake_fal.scenario.logs = ["Loading model"]
    ctx, _, _ = make_ctx(tmp_path)
    result = FalProvider(lambda: KEY, sleep=quick, poll_interval=0.05,
                         http_options={"timeout": (2.0, 0.5)}).generate(ctx)
    assert result.path.read_bytes() == fake_fal.clip
    assert fake_fal.count("stream") == 1 and fake_fal.count("status") >= 1


def test_without_a_stream_it_polls(services: Services, project: dict, fal: FakeFal) -> None:
    job = generate(services, project)
    assert job["status"] == "done"
    assert fal.count("stream") == 1 and fal.count("status") >= 2


def test_fal_going_away_mid_job_then_coming_back(services: Services, project: dict, fal: FakeFal) -> None:
    """fal.ai (or the network) disappears while the request runs: the job says it keeps going,
    keeps asking, and when fal answers again the same request's result lands."""
    fal.scenario.queue_seconds, fal.scenario.run_seconds = 0.1, 1.0
    drain = events_for(services)
    job = services.jobs.start(project["id"], [FAST], "through an outage", {})[0]
    deadline = time.monotonic() + 10
    while services.jobs.get(job["id"])["status"] != "generating":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    # every attempt of one poll meets the outage (FalHttp tries 6 times), however the polls fall
    fal.outage(drops=6)
    final = services.jobs.wait(job["id"], timeout=30)
    assert final["status"] == "done", final
    assert fal.dropped == 6 and fal.count("submit") == 1
    messages = " ".join(e["message"] or "" for e in drain(job["id"]))
    assert "could not be reached" in messages and "keeps going" in messages


# -- the provider on its own, as the job manager drives it ---------------------------------------

class Crash(Exception):
    """The app dying at a chosen moment."""


def provider(key: str | None = KEY, **kw: Any) -> FalProvider:
    return FalProvider(lambda: key, sleep=quick, poll_interval=0.02,
                       http_options={"base_delay": 0.01, "timeout": (2.0, 2.0)}, **kw)


def make_ctx(tmp_path: Path, model_id: str = FAST, *, state: dict[str, Any] | None = None,
             image: Path | None = None, prompt: str = "a fox in the snow", persist: Any = None,
             **params: Any) -> tuple[JobContext, list[dict[str, Any]], list[dict[str, Any]]]:
    model = registry.get_model(model_id)
    reports: list[dict[str, Any]] = []
    saved: list[dict[str, Any]] = []

    def report(phase: str, progress: float | None = None, message: str | None = None, **extra: Any) -> None:
        reports.append({"phase": phase, "progress": progress, "message": message, **extra})

    temp = tmp_path / "temp"
    temp.mkdir(exist_ok=True)
    ctx = JobContext(job_id="job1", model=model, prompt=prompt, params=registry.validate_params(model, params),
                     image_path=image, temp_dir=temp, state=dict(state or {}), report=report,
                     persist=persist or saved.append)
    return ctx, reports, saved


def test_provider_success_saves_state_first_and_streams_into_temp(fake_fal: FakeFal, tmp_path: Path) -> None:
    ctx, reports, saved = make_ctx(tmp_path)
    result = provider().generate(ctx)
    assert result.path.parent == ctx.temp_dir and result.path.read_bytes() == fake_fal.clip
    with av.open(str(result.path)) as container:
        assert container.streams.video and container.streams.audio
    assert result.remote_url.startswith(f"{fake_fal.url}/files/")
    assert result.cost == pytest.approx(0.04 * 6)
    # a submit in flight is durable before it is sent, the paid request's URLs before anything
    # depends on them
    assert set(saved[0]) == {"submitting"}
    assert {"request_id", "status_url", "response_url", "cancel_url"} <= set(saved[1]) and "submitting" not in saved[1]
    assert saved[1]["status_url"].endswith(f"/requests/{saved[1]['request_id']}/status")
    assert any(r.get("queue_position") is not None for r in reports)
    assert [r["log"] for r in reports if r.get("log")] == ["Loading model", "Sampling 50%", "Encoding video"]
    last = [r for r in reports if r["phase"] == "downloading" and r.get("bytes_done")][-1]
    assert last["bytes_done"] == last["bytes_total"] == len(fake_fal.clip)


def test_resume_after_a_crash_right_after_submit_never_resubmits(fake_fal: FakeFal, tmp_path: Path) -> None:
    saved: list[dict[str, Any]] = []

    def crash(values: dict[str, Any]) -> None:
        saved.append(values)
        if "request_id" in values:
            raise Crash()

    ctx, _, _ = make_ctx(tmp_path, persist=crash)
    with pytest.raises(Crash):
        provider().generate(ctx)
    assert fake_fal.count("submit") == 1 and "request_id" in saved[-1]
    # the restarted app builds a new context from the job row's state
    ctx2, reports, _ = make_ctx(tmp_path, state=saved[-1])
    result = provider().generate(ctx2)
    assert result.path.read_bytes() == fake_fal.clip
    assert fake_fal.count("submit") == 1
    assert any("Resuming" in (r["message"] or "") for r in reports)


def test_resume_with_a_known_result_only_downloads(fake_fal: FakeFal, tmp_path: Path) -> None:
    ctx, _, saved = make_ctx(tmp_path)
    provider().generate(ctx)
    before = list(fake_fal.calls)
    ctx2, _, _ = make_ctx(tmp_path, state=saved[-1])
    assert "video_url" in saved[-1]
    provider().generate(ctx2)
    assert [kind for kind, _ in fake_fal.calls[len(before):]] == ["cdn"]


@pytest.mark.parametrize("case,words", [
    ("done", "fal.ai had already finished the request."),
    ("unknown", "fal.ai no longer knows the request."),
])
def test_cancel_answers_the_user_understands(fake_fal: FakeFal, tmp_path: Path, case: str, words: str) -> None:
    ctx, reports, saved = make_ctx(tmp_path)
    if case == "done":
        provider().generate(ctx)
    else:
        ctx.state["cancel_url"] = f"{fake_fal.url}/fal-ai/ltx-2/requests/no-such-request/cancel"
    provider().cancel(ctx)
    assert fake_fal.count("cancel") == 1
    assert reports[-1]["log"] == words


def test_cancel_before_submit_sends_nothing(fake_fal: FakeFal, tmp_path: Path) -> None:
    ctx, _, _ = make_ctx(tmp_path)
    provider().cancel(ctx)
    assert fake_fal.calls == []


def test_errors_are_typed_for_the_form(fake_fal: FakeFal, tmp_path: Path) -> None:
    ctx, _, _ = make_ctx(tmp_path, prompt="forbidden")
    with pytest.raises(GenerationError) as e:
        provider().generate(ctx)
    assert (e.value.code, e.value.field, e.value.status) == ("invalid_param", "prompt", 422)
    fake_fal.scenario.locked = "Exhausted balance. Top up your balance at fal.ai/dashboard/billing."
    with pytest.raises(GenerationError) as e:
        provider().generate(make_ctx(tmp_path)[0])
    assert e.value.status == 403 and "Exhausted balance. Top up your balance" in e.value.message


def test_a_wrong_key_never_shows_up_anywhere(fake_fal: FakeFal, tmp_path: Path,
                                             caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "wrong-id:very-secret-part-4711"
    with pytest.raises(GenerationError) as e:
        provider(wrong).generate(make_ctx(tmp_path)[0])
    assert (e.value.code, e.value.status) == ("invalid_key", 401)
    shown = "".join(traceback.format_exception(e.value)) + json.dumps(e.value.to_dict())
    assert "very-secret-part-4711" not in shown and "very-secret-part-4711" not in caplog.text
    assert fake_fal.count("submit") == 1


def test_no_key_sends_nothing(fake_fal: FakeFal, tmp_path: Path) -> None:
    with pytest.raises(GenerationError) as e:
        provider(None).generate(make_ctx(tmp_path)[0])
    assert (e.value.code, e.value.status) == ("no_api_key", 401) and "Settings" in e.value.message
    assert fake_fal.calls == []


def test_hosts_given_to_the_constructor(fake_fal: FakeFal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REELCUT_FAL_QUEUE_URL", "https://queue.invalid")
    monkeypatch.setenv("REELCUT_FAL_REST_URL", "https://rest.invalid")
    big = ms.make_image(tmp_path / "big.png", size="1600x1200", noise=True)
    ctx, _, _ = make_ctx(tmp_path, I2V, image=big)
    provider(queue_url=fake_fal.url, rest_url=fake_fal.url).generate(ctx)
    assert fake_fal.count("initiate") == 1 and fake_fal.count("submit") == 1
    with pytest.raises(GenerationError) as e:
        provider(queue_url="http://queue.fal.run").generate(make_ctx(tmp_path)[0])
    assert e.value.code == "insecure_url"
    assert fake_fal.count("submit") == 1
    assert isinstance(fal_provider(lambda: KEY), FalProvider)


def test_a_result_on_plain_http_is_refused(fake_fal: FakeFal, tmp_path: Path) -> None:
    fake_fal.scenario.video_url = "http://cdn.example.com/video.mp4"
    ctx, _, _ = make_ctx(tmp_path)
    with pytest.raises(GenerationError) as e:
        provider().generate(ctx)
    assert e.value.code == "insecure_url" and "https" in e.value.message
    assert fake_fal.count("cdn") == 0 and list(ctx.temp_dir.iterdir()) == []


def test_a_cut_download_leaves_nothing_behind(fake_fal: FakeFal, tmp_path: Path) -> None:
    fake_fal.scenario.cdn = ["truncate", "html", "truncate"]
    ctx, _, _ = make_ctx(tmp_path)
    with pytest.raises(GenerationError) as e:
        provider().generate(ctx)
    assert e.value.retryable and "Gave up after 3 tries" in e.value.message
    assert list(ctx.temp_dir.iterdir()) == [] and fake_fal.count("cdn") == 3


def test_cancel_while_the_submit_is_in_flight_cancels_the_request(fake_fal: FakeFal, tmp_path: Path) -> None:
    """The user cancels before fal has answered the submit: there is no cancel URL yet, so the
    job cancels the request itself as soon as it learns it, instead of leaving it to run."""
    fake_fal.scenario.submit_delay, fake_fal.scenario.queue_seconds = 0.5, 5.0
    ctx, reports, _ = make_ctx(tmp_path)
    p = provider()
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            p.generate(ctx)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    deadline = time.monotonic() + 5
    while fake_fal.count("submit") == 0:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    ctx.cancel_event.set()
    p.cancel(ctx)  # what the job manager does; nothing to call yet
    assert fake_fal.count("cancel") == 0
    worker.join(10)
    assert outcome and isinstance(outcome[0], JobCancelled)
    assert fake_fal.count("cancel") == 1 and next(iter(fake_fal.requests.values())).cancelled
    assert reports[-1]["log"] == "fal.ai is cancelling the request."
    assert fake_fal.count("status") == 0 and fake_fal.count("cdn") == 0


def test_a_saved_request_fal_has_dropped_is_said_plainly(fake_fal: FakeFal, tmp_path: Path) -> None:
    base = f"{fake_fal.url}/fal-ai/ltx-2/requests/expired-id"
    state = {"request_id": "expired-id", "status_url": f"{base}/status", "response_url": base,
             "cancel_url": f"{base}/cancel"}
    with pytest.raises(GenerationError) as e:
        provider(stream_status=False).generate(make_ctx(tmp_path, state=state)[0])
    assert e.value.code == "request_expired" and "Generate it again" in e.value.message
    assert fake_fal.count("submit") == 0


# -- a hostile provider: its answers send neither the key nor the server anywhere ------------------

def run_job(services: Services, project: dict, model: str = FAST, prompt: str = "a fox in the snow") -> dict[str, Any]:
    job = services.jobs.start(project["id"], [model], prompt, {})[0]
    return services.jobs.wait(job["id"], timeout=60)


@pytest.fixture
def bystander(monkeypatch: pytest.MonkeyPatch) -> Iterator[Listener]:
    """A second server on this machine that nothing may reach. Every name but this machine's
    resolves to it, so a request meant for evil.example or 169.254.169.254 lands here, counted,
    instead of leaving the machine."""
    other = Listener()
    real = socket.getaddrinfo

    def resolve(host: Any, port: Any, *args: Any, **kw: Any) -> Any:
        if isinstance(host, str) and not is_loopback(host):
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", other.port))]
        return real(host, port, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    yield other
    other.close()


@pytest.mark.parametrize("key", ["status_url", "response_url", "cancel_url"])
@pytest.mark.parametrize("elsewhere", ["bystander", "https://evil.example"])
def test_a_submit_answer_pointing_at_another_server_is_refused(services: Services, project: dict, fal: FakeFal,
                                                               bystander: Listener, key: str, elsewhere: str) -> None:
    base = bystander.url if elsewhere == "bystander" else elsewhere
    fal.scenario.answer_urls = {key: base}
    job = run_job(services, project)
    assert job["status"] == "failed" and job["error"]["code"] == "untrusted_url", job
    host = f"127.0.0.1:{bystander.port}" if elsewhere == "bystander" else "evil.example"
    assert f"fal.ai's answer pointed at another server ({host}); Reelcut refused to contact it." in job["message"]
    request_id = next(iter(fal.requests))
    assert f"request id {request_id}" in job["message"]  # what the user needs for the dashboard
    assert bystander.connections == 0 and bystander.requests == []
    assert fal.count("stream") == fal.count("status") == fal.count("cdn") == 0
    state = saved_state(services, job["id"])
    assert "status_url" not in state and state["refused_answer"]["request_id"] == request_id  # nothing to resume


@pytest.mark.parametrize("url", ["{bystander}/files/clip.mp4", "https://169.254.169.254/latest/meta-data/",
                                 "https://10.1.2.3/clip.mp4", "https://[fd00::1]/clip.mp4",
                                 "https://evil.example/clip.mp4", "https://fal.media.evil.example/clip.mp4",
                                 "https://v3.fal.media:8443/files/clip.mp4"])
def test_a_result_off_fal_file_hosts_is_refused(fake_fal: FakeFal, bystander: Listener, tmp_path: Path,
                                                url: str) -> None:
    """Only the registry's media hosts (or, against the fake on loopback, the fake itself) may
    serve a result: not another port of this machine, the cloud metadata address, a private
    address or a look-alike name."""
    fake_fal.scenario.video_url = url.format(bystander=bystander.url)
    ctx, _, saved = make_ctx(tmp_path)
    with pytest.raises(GenerationError) as e:
        provider().generate(ctx)
    assert e.value.code == "untrusted_url" and e.value.status == 502
    assert "a server that is not one of fal.ai's file hosts" in e.value.message and "refused" in e.value.message
    assert bystander.connections == 0 and fake_fal.count("cdn") == 0
    assert all("video_url" not in s for s in saved) and list(ctx.temp_dir.iterdir()) == []


@pytest.mark.parametrize("where,target,code", [
    ("download", "{bystander}/clip.mp4", "untrusted_url"),
    ("download", "http://cdn.example.com/video.mp4", "insecure_url"),
    ("status", "{bystander}/fal-ai/ltx-2/requests/x/status", "untrusted_url"),
])
def test_a_redirect_to_another_server_is_refused(fake_fal: FakeFal, bystander: Listener, tmp_path: Path,
                                                 where: str, target: str, code: str) -> None:
    """Every redirect hop is held to the rule of the first: a file stays on fal's file hosts, a
    status poll on the queue origin; a refusal is final (not tried again)."""
    location = target.format(bystander=bystander.url)
    if where == "download":
        fake_fal.scenario.cdn, fake_fal.scenario.redirect_to = ["redirect"], location
    else:
        fake_fal.scenario.status_replies = [Reply(307, {}, {"Location": location})]
    ctx, _, _ = make_ctx(tmp_path)
    with pytest.raises(GenerationError) as e:
        provider(stream_status=False).generate(ctx)
    assert e.value.code == code
    assert bystander.connections == 0
    assert fake_fal.count("cdn" if where == "download" else "status") == 1
    assert list(ctx.temp_dir.iterdir()) == []


def test_a_fal_file_host_that_resolves_to_this_machine_is_refused(fake_fal: FakeFal, bystander: Listener,
                                                                  tmp_path: Path) -> None:
    """With the real fal.ai configured, a result on v3b.fal.media whose name resolves to this
    machine (DNS rebinding, a poisoned resolver) is refused after resolution, before connecting.
    The job resumes from a saved result URL, so no queue is needed."""
    base = "https://queue.fal.run/fal-ai/ltx-2/requests/r1"
    state = {"request_id": "r1", "status_url": f"{base}/status", "response_url": base,
             "video_url": "https://v3b.fal.media/files/b/0a90dde7/clip.mp4"}
    p = FalProvider(lambda: KEY, queue_url="https://queue.fal.run", rest_url="https://rest.fal.ai", sleep=quick,
                    http_options={"base_delay": 0.01, "timeout": (2.0, 2.0)})
    with pytest.raises(GenerationError) as e:
        p.generate(make_ctx(tmp_path, state=state)[0])
    assert e.value.code == "untrusted_address", e.value.message
    assert "v3b.fal.media leads to this computer (a loopback address) (127.0.0.1)" in e.value.message
    assert bystander.connections == 0


def test_each_connection_goes_to_the_address_that_was_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """A name is resolved once per connection and the socket connects to that checked address
    (an IP literal, so no second lookup): a name that answers a public address for the check
    cannot be switched to a loopback one for the connect."""
    answers = iter(["93.184.216.34", "127.0.0.1"])
    lookups: list[str] = []
    connected: list[tuple[str, int]] = []
    real = socket.getaddrinfo

    def resolve(host: Any, port: Any, *args: Any, **kw: Any) -> Any:
        if host == "v3.fal.media":
            lookups.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (next(answers), port))]
        return real(host, port, *args, **kw)

    def connect(address: tuple[str, int], *args: Any, **kw: Any) -> Any:
        connected.append(address)
        raise ConnectionRefusedError(111, "refused")  # no network: the address is what is checked

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(fal_guard.u3connection, "create_connection", connect)
    http = FalHttp(KEY, queue_url="https://queue.fal.run", rest_url="https://rest.fal.ai",
                   media_hosts=registry.remote_media_hosts(), sleep=lambda s: None, attempts=2)
    with pytest.raises(GenerationError) as e:
        http.request("GET", "https://v3.fal.media/files/clip.mp4", model_name="LTX", to="media")
    assert e.value.code == "untrusted_address"  # the second connection's lookup answered 127.0.0.1
    assert lookups == ["v3.fal.media", "v3.fal.media"] and connected == [("93.184.216.34", 443)]


@pytest.mark.parametrize("ip", ["127.0.0.1", "::1", "::ffff:127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1",
                                "169.254.169.254", "fe80::1", "fd00::1", "0.0.0.0", "::", "224.0.0.251",
                                "ff02::1", "240.0.0.1", "100.64.0.1", "192.0.2.1"])
def test_non_public_addresses_are_refused(ip: str) -> None:
    assert fal_guard.address_problem(ip, allow_loopback=False)
    allowed = fal_guard.address_problem(ip, allow_loopback=True)
    assert (allowed is None) == (ip in ("127.0.0.1", "::1", "::ffff:127.0.0.1"))  # the tests' fake only


@pytest.mark.parametrize("ip", ["93.184.216.34", "34.120.0.1", "2606:4700::1111"])
def test_public_addresses_are_allowed(ip: str) -> None:
    assert fal_guard.address_problem(ip, allow_loopback=False) is None


@pytest.mark.parametrize("url,ok", [
    ("https://v3b.fal.media/files/b/x.mp4", True), ("https://fal.media/files/x.mp4", True),
    ("https://a.b.fal.media/x.mp4", True), ("https://V3.FAL.MEDIA./x.mp4", True),
    ("http://v3.fal.media/x.mp4", False), ("https://v3.fal.media:8443/x.mp4", False),
    ("https://evilfal.media/x.mp4", False), ("https://fal.media.evil.example/x.mp4", False),
    ("https://fal.media@evil.example/x.mp4", False), ("https://evil.example\\@v3.fal.media/x.mp4", False),
    ("https://queue.fal.run/files/x.mp4", False), ("https://storage.googleapis.com/bucket/x.mp4", False),
])
def test_media_hosts_come_from_the_registry(url: str, ok: bool) -> None:
    policy = fal_guard.UrlPolicy("https://queue.fal.run", "https://rest.fal.ai", registry.remote_media_hosts())
    if ok:
        assert policy.check(url, "media")
    else:
        with pytest.raises(GenerationError) as e:
            policy.check(url, "media")
        assert e.value.code in ("untrusted_url", "insecure_url")


def test_the_key_goes_only_to_the_configured_queue_and_rest_origins(services: Services, project: dict, fal: FakeFal,
                                                                    tmp_path: Path) -> None:
    """The upload URL and the file host get no key, even on the same origin as the fake's queue:
    FalHttp attaches it by destination, not each call site by convention."""
    big = services.media.import_path(project["id"], ms.make_image(tmp_path / "big.png", size="1600x1200", noise=True))
    job = services.jobs.start(project["id"], [I2V], "a fox", {}, big["id"])[0]
    assert services.jobs.wait(job["id"], timeout=60)["status"] == "done"
    seen: dict[str, set[str | None]] = {}
    for kind, auth in fal.auth:
        seen.setdefault(kind, set()).add(auth)
    for kind in ("initiate", "submit", "stream", "status", "result"):
        assert seen[kind] == {f"Key {KEY}"}, kind
    assert seen["upload"] == seen["cdn"] == {None}
    http = FalHttp(KEY, queue_url=fal.url, rest_url=fal.url)
    with pytest.raises(GenerationError) as e:
        http.request("GET", "https://evil.example/x", model_name="LTX", to="queue")
    assert e.value.code == "untrusted_url"


# -- never pay twice ------------------------------------------------------------------------------

@pytest.mark.parametrize("cut", ["silent", "mid_answer", "slow", "gateway_502", "gateway_504"])
def test_a_submit_fal_may_have_taken_is_never_sent_twice(services: Services, project: dict, fal: FakeFal,
                                                        cut: str) -> None:
    """fal.ai takes the submit and the answer is lost (the connection drops before or while it
    answers, it answers after the read timeout, a gateway's 502/504): the job fails saying it may
    have been submitted, keeps what it knows, and only the user's Retry submits again."""
    if cut == "slow":
        fal.scenario.submit_delay = 1.5  # past the client's 1 s read timeout
    elif cut.startswith("gateway_"):
        status = int(cut.split("_")[1])
        fal.scenario.submit_replies = [Reply(status, raw=NGINX_502.replace(b"502", str(status).encode()))]
    else:
        fal.scenario.submit_cut = [cut]
    job = run_job(services, project)
    assert job["status"] == "failed" and job["error"]["code"] == "submit_uncertain", job
    assert "The request may have reached fal.ai, so Reelcut did not send it again (to avoid paying twice). " \
           "Check your fal.ai dashboard; use Retry to submit again." in job["message"]
    assert fal.count("submit") == 1
    state = saved_state(services, job["id"])
    assert "request_id" not in state and "submitting" not in state and state["submit_uncertain"]["why"]
    if cut == "mid_answer":  # the headers arrived: fal's request id is kept and shown
        request_id = next(iter(fal.requests))
        assert f"request id {request_id}" in job["message"] and state["submit_uncertain"]["request_id"] == request_id
    fal.scenario.submit_delay = 0.0
    services.jobs.retry(job["id"])  # the user's deliberate choice
    assert services.jobs.wait(job["id"], timeout=60)["status"] == "done"
    assert fal.count("submit") == 2


def test_a_submit_that_never_left_is_sent_again(fake_fal: FakeFal, tmp_path: Path) -> None:
    """Nothing listens at first (connection refused: not a byte was sent), so sending again is
    safe; fal.ai comes back during the wait before the second attempt."""
    fake_fal.stop()

    def sleep(seconds: float) -> None:
        if fake_fal.server is None:
            fake_fal.start()

    ctx, reports, _ = make_ctx(tmp_path)
    result = FalProvider(lambda: KEY, sleep=sleep, poll_interval=0.02,
                         http_options={"base_delay": 0.01, "timeout": (2.0, 2.0)}).generate(ctx)
    assert result.path.read_bytes() == fake_fal.clip
    assert fake_fal.count("submit") == 1
    assert any("could not be reached" in (r["message"] or "") for r in reports)


def test_a_job_stopped_mid_submit_is_not_submitted_again_on_its_own(fake_fal: FakeFal, tmp_path: Path) -> None:
    """The app stopped while a submit was in flight (the row says `submitting`, no request id):
    the resumed job fails saying the request may exist instead of buying it again; the user's
    Retry (run from the state that failure saved) submits."""
    ctx, _, saved = make_ctx(tmp_path, state={"submitting": 1_700_000_000.0})
    with pytest.raises(GenerationError) as e:
        provider().generate(ctx)
    assert e.value.code == "submit_uncertain" and "Reelcut stopped while the request was being sent" in e.value.message
    assert fake_fal.calls == []
    assert "submitting" not in saved[-1] and saved[-1]["submit_uncertain"]
    again, _, _ = make_ctx(tmp_path, state=saved[-1])
    assert provider().generate(again).path.read_bytes() == fake_fal.clip
    assert fake_fal.count("submit") == 1
