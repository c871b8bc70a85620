"""Extend and Fill from the timeline (issue 16): the frames sent are the clips' own frames as the
export draws them (compared by pixels), the placeholder is in the saved document while the job
runs, becomes a media clip when it ends (keeping a trim made meanwhile), or says why it did not,
and it survives a SIGKILL and a restart."""

from __future__ import annotations

import io
import subprocess
import time
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from reelcut.generation import registry
from reelcut.generation.placements import snap_duration
from reelcut.media.ffmpeg import ffmpeg_exe
from reelcut.services import Services

from . import media_samples as ms
from .conftest import TOKEN, Api
from .fake_fal import FakeFal, quick_providers
from .server_process import ServerProcess

W, H, FPS = 320, 180, 25
I2V = "local/preview-i2v"
FLF = "local/preview-flf"
LTX_I2V = "fal-ai/ltx-2.3/image-to-video"
VEO_FLF = "fal-ai/veo3.1/first-last-frame-to-video"
# a source whose colour says which second it is: red, lime, blue
COLOURS = {"red": (255, 0, 0), "lime": (0, 255, 0), "blue": (0, 0, 255)}


def rgb(data: bytes | Path) -> np.ndarray:
    """The first picture of a file (a PNG, or a video) as an RGB array."""
    with av.open(io.BytesIO(data) if isinstance(data, bytes) else str(data)) as c:
        frame = next(c.decode(video=0))
        return frame.to_ndarray(format="rgb24").astype(int)


def source_frame(path: Path, t: float) -> np.ndarray:
    """The source's own frame shown at t seconds (decoded directly, not through Reelcut)."""
    with av.open(str(path)) as c:
        best = None
        for frame in c.decode(video=0):
            if frame.time is not None and frame.time <= t + 1e-6:
                best = frame
            else:
                break
        assert best is not None
        return best.to_ndarray(format="rgb24").astype(int)


def centre(img: np.ndarray) -> tuple[int, int, int]:
    h, w = img.shape[:2]
    patch = img[h // 2 - 2:h // 2 + 3, w // 2 - 2:w // 2 + 3].reshape(-1, 3).mean(axis=0)
    return (int(patch[0]), int(patch[1]), int(patch[2]))


def close(got: tuple[int, ...], want: tuple[int, ...], tol: int = 24) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(got, want, strict=True))


@pytest.fixture(scope="module")
def sequence(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ms.make_sequence(tmp_path_factory.mktemp("seq") / "seq.mp4", ["red", "lime", "blue"],
                            size=f"{W}x{H}", rate=FPS)


def clip(media_id: str, start: float, in_: float, out: float, cid: str, **props: Any) -> dict[str, Any]:
    return {"id": cid, "media_id": media_id, "start": start, "in": in_, "out": out, **props}


def setup(api: Api, services: Services, project: dict, sequence: Path, clips: list[dict[str, Any]] | None = None,
          ) -> tuple[str, dict[str, Any]]:
    """The project's V1 holds the clips (by default, one clip of red then lime); answers the
    media id and the saved document."""
    media_id = services.media.import_path(project["id"], sequence)["id"]
    doc = services.projects.timeline(project["id"])
    doc.update(width=W, height=H, fps=FPS)
    v1 = next(t for t in doc["tracks"] if t["name"] == "V1")
    v1["clips"] = [{**c, "media_id": media_id} for c in clips] if clips else \
        [clip(media_id, 0.0, 0.2, 1.8, "a")]
    services.projects.save_timeline(project["id"], doc)
    return media_id, services.projects.timeline(project["id"])


def v1(doc: dict[str, Any]) -> dict[str, Any]:
    return next(t for t in doc["tracks"] if t["name"] == "V1")


def wait_for(predicate: Any, timeout: float = 60) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def landed(services: Services, project: dict, clip_id: str) -> dict[str, Any] | None:
    for c in v1(services.projects.timeline(project["id"]))["clips"]:
        if c["id"] == clip_id and "media_id" in c:
            return c
    return None


# -- the offline first/last-frame model ----------------------------------------------------------
def test_the_offline_first_last_frame_model_is_listed_free_with_a_models_lengths() -> None:
    model = registry.get_model(FLF)
    assert model["provider"] == "local" and model["mode"] == "image" and model["price_per_second"] == 0
    assert [p for p in model["params"] if p["name"] == "duration"][0]["choices"] == [4, 6, 8]
    assert [i["from"] for i in registry.media_inputs(model)] == ["image_media_id", "end_image_media_id"]


def test_the_offline_first_last_frame_model_moves_from_the_first_image_to_the_last(
        services: Services, project: dict, tmp_path: Path) -> None:
    for name in ("red", "blue"):
        subprocess.run([ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "lavfi", "-i", f"color=c={name}:s=320x180",
                        "-frames:v", "1", str(tmp_path / f"{name}.png")], check=True, timeout=60)
    a = services.media.import_path(project["id"], tmp_path / "red.png")["id"]
    b = services.media.import_path(project["id"], tmp_path / "blue.png")["id"]
    job = services.jobs.start(project["id"], [FLF], "a red room turns blue",
                              {FLF: {"duration": 4, "resolution": "360p"}}, a, media={"end_image_media_id": b})[0]
    job = services.jobs.wait(job["id"], timeout=120)
    assert job["status"] == "done", job["error"]
    item = services.media.get(job["media_id"])
    assert item["duration"] == pytest.approx(4, abs=0.1)
    path, _ = services.media.file_path(item["id"])
    with av.open(str(path)) as c:
        frames = [f.to_ndarray(format="rgb24").astype(int) for f in c.decode(video=0)]
    assert close(centre(frames[0]), COLOURS["red"]) and close(centre(frames[-1]), COLOURS["blue"])
    middle = centre(frames[len(frames) // 2])
    assert 80 < middle[0] < 180 and 80 < middle[2] < 180, middle  # half way: purple


def test_snapping_picks_the_nearest_length_the_model_offers() -> None:
    veo = registry.get_model(VEO_FLF)
    assert snap_duration(veo, 5.2) == ("6s", 6.0)
    assert snap_duration(veo, 1.0) == ("4s", 4.0)
    assert snap_duration(veo, 5.0) == ("4s", 4.0)  # a tie goes to the shorter, which fits
    assert snap_duration(registry.get_model(FLF), 7.9) == (8, 8.0)
    assert snap_duration(registry.get_model(I2V), 3.4) == (3, 3.0)  # a range: whole seconds


# -- Extend ---------------------------------------------------------------------------------------
def test_extend_sends_the_clips_last_frame_and_its_placeholder_becomes_the_clip(
        api: Api, services: Services, project: dict, sequence: Path) -> None:
    media_id, _ = setup(api, services, project, sequence)
    r = api.post(f"/api/projects/{project['id']}/timeline/extend",
                 json={"clip_id": "a", "model_id": I2V, "prompt": "the lime room goes on",
                       "params": {"duration": 2, "resolution": "360p"}})
    assert r.status_code == 201, r.json
    out = r.json
    ph = out["placeholder"]
    assert ph["start"] == pytest.approx(1.6) and ph["duration"] == 2
    assert ph["placeholder"] == {"job_id": out["job"]["id"], "model_id": I2V, "status": "running"}
    # the frame sent is the clip's last frame (source 1.76 s: lime), stored as image media
    frame = services.media.get(out["frame_media_id"])
    assert frame["kind"] == "image" and (frame["width"], frame["height"]) == (W, H)
    sent = rgb(services.media.file_path(frame["id"])[0])
    want = source_frame(sequence, 1.8 - 1 / FPS)
    assert np.abs(sent - want).mean() < 6 and close(centre(sent), COLOURS["lime"])
    job = services.jobs.wait(out["job"]["id"], timeout=120)
    assert job["status"] == "done", job["error"]
    assert job["image_media_id"] == frame["id"]
    got = wait_for(lambda: landed(services, project, ph["id"]))
    assert got == {"id": ph["id"], "media_id": job["media_id"], "start": pytest.approx(1.6), "in": 0.0,
                   "out": pytest.approx(2.0)}
    ids = [c.get("media_id") for c in v1(services.projects.timeline(project["id"]))["clips"]]
    assert ids == [media_id, job["media_id"]]


def test_a_clip_that_ends_where_its_source_ends_sends_its_last_source_frame(
        api: Api, services: Services, project: dict, sequence: Path) -> None:
    # the source's last frame is at 2.96 s (25 fps); the canvas runs at 30 fps
    setup(api, services, project, sequence, [clip("", 0.0, 1.0, 3.0, "a")])
    doc = services.projects.timeline(project["id"])
    services.projects.save_timeline(project["id"], {**doc, "fps": 30})
    r = api.post(f"/api/projects/{project['id']}/timeline/extend",
                 json={"clip_id": "a", "model_id": I2V, "prompt": "on", "params": {"duration": 1}})
    assert r.status_code == 201, r.json
    img = rgb(services.media.file_path(r.json["frame_media_id"])[0])
    assert np.abs(img - source_frame(sequence, 2.96)).mean() < 6 and close(centre(img), COLOURS["blue"])
    services.jobs.wait(r.json["job"]["id"], timeout=120)


def test_extend_takes_the_frame_after_the_clips_transform(api: Api, services: Services, project: dict,
                                                          sequence: Path) -> None:
    setup(api, services, project, sequence, [clip("", 0.0, 0.2, 1.8, "a", transform={"scale": 0.5, "x": 0.25})])
    r = api.post(f"/api/projects/{project['id']}/timeline/extend",
                 json={"clip_id": "a", "model_id": I2V, "prompt": "on", "params": {"duration": 1}})
    assert r.status_code == 201, r.json
    img = rgb(services.media.file_path(r.json["frame_media_id"])[0])
    # half size, centred at a quarter of the width: lime on the left, the black canvas on the right
    assert close(tuple(img[H // 2, W // 4]), COLOURS["lime"]) and close(tuple(img[H // 2, 3 * W // 4]), (0, 0, 0))
    services.jobs.wait(r.json["job"]["id"], timeout=120)


def test_extend_prefills_a_generated_clips_prompt_and_moves_later_clips_to_make_room(
        api: Api, services: Services, project: dict) -> None:
    job = services.jobs.start(project["id"], ["local/preview-t2v"], "a comet over the sea",
                              {"local/preview-t2v": {"duration": 1, "resolution": "360p"}})[0]
    job = services.jobs.wait(job["id"], timeout=120)
    doc = services.projects.timeline(project["id"])
    v1(doc)["clips"] = [clip(job["media_id"], 0.0, 0.0, 1.0, "gen"), clip(job["media_id"], 1.5, 0.0, 1.0, "next")]
    services.projects.save_timeline(project["id"], doc)
    r = api.post(f"/api/projects/{project['id']}/timeline/extend",
                 json={"clip_id": "gen", "model_id": I2V, "params": {"duration": 2, "resolution": "360p"}})
    assert r.status_code == 201, r.json
    assert services.jobs.get(r.json["job"]["id"])["prompt"] == "a comet over the sea"
    clips = {c["id"]: c for c in v1(services.projects.timeline(project["id"]))["clips"]}
    assert clips["next"]["start"] == pytest.approx(3.0)  # 1.0 + 2 s of the coming clip
    services.jobs.wait(r.json["job"]["id"], timeout=120)


@pytest.mark.parametrize("body,field,words", [
    ({"clip_id": "nope", "model_id": I2V, "prompt": "x"}, "clip_id", "no clip 'nope'"),
    ({"model_id": I2V, "prompt": "x"}, "clip_id", "clip_id is required"),
    ({"clip_id": "a", "model_id": "local/preview-t2v", "prompt": "x"}, "model_id", "not an image-to-video model"),
    ({"clip_id": "a", "model_id": VEO_FLF, "prompt": "x"}, "model_id", "not an image-to-video model"),
    ({"clip_id": "a", "model_id": "no/such"}, "model_id", "Unknown model"),
    ({"clip_id": "a", "model_id": I2V}, "prompt", "Write a prompt"),
    ({"clip_id": "a", "model_id": I2V, "prompt": "x", "params": {"duration": 99}}, "duration", "at most 20"),
])
def test_extend_refuses_naming_the_field_and_changes_nothing(api: Api, services: Services, project: dict,
                                                             sequence: Path, body: dict, field: str,
                                                             words: str) -> None:
    setup(api, services, project, sequence)
    before = api.get(f"/api/projects/{project['id']}/timeline").json
    r = api.post(f"/api/projects/{project['id']}/timeline/extend", json=body)
    assert r.status_code == 422, r.json
    assert r.json["error"]["field"] == field and words in r.json["error"]["message"]
    assert api.get(f"/api/projects/{project['id']}/timeline").json == before
    assert services.jobs.list(project["id"]) == []


# -- Fill -----------------------------------------------------------------------------------------
def test_fill_sends_the_neighbours_frames_snaps_the_length_and_lands_in_the_gap(
        api: Api, services: Services, project: dict, sequence: Path) -> None:
    # left: red then lime (ends on lime); right: blue then... starts on blue at 2.1 s of the source
    setup(api, services, project, sequence, [clip("", 0.0, 0.2, 1.8, "left"), clip("", 6.8, 2.1, 2.9, "right")])
    r = api.post(f"/api/projects/{project['id']}/timeline/fill",
                 json={"track_id": v1(services.projects.timeline(project["id"]))["id"], "at": 3.0,
                       "model_id": FLF, "params": {"resolution": "360p"}})
    assert r.status_code == 201, r.json
    out = r.json
    assert out["gap"] == {"start": pytest.approx(1.6), "end": pytest.approx(6.8)}
    assert (out["snapped_from"], out["snapped_to"]) == (pytest.approx(5.2), 6.0)
    assert out["placeholder"]["duration"] == pytest.approx(5.2)  # the gap holds 5.2 s of the 6 s clip
    job = services.jobs.get(out["job"]["id"])
    assert job["params"]["duration"] == 6
    first, last = (rgb(services.media.file_path(m)[0]) for m in out["frame_media_ids"])
    assert np.abs(first - source_frame(sequence, 1.8 - 1 / FPS)).mean() < 6
    assert np.abs(last - source_frame(sequence, 2.1)).mean() < 6
    assert close(centre(first), COLOURS["lime"]) and close(centre(last), COLOURS["blue"])
    assert job["inputs"] == {"first_frame_url": out["frame_media_ids"][0], "last_frame_url": out["frame_media_ids"][1]}
    # the saved document holds the placeholder while the job runs (or the clip, once it ended)
    clips = {c["id"]: c for c in v1(services.projects.timeline(project["id"]))["clips"]}
    assert out["placeholder"]["id"] in clips
    job = services.jobs.wait(job["id"], timeout=180)
    assert job["status"] == "done", job["error"]
    got = wait_for(lambda: landed(services, project, out["placeholder"]["id"]))
    assert got["start"] == pytest.approx(1.6) and got["out"] - got["in"] == pytest.approx(5.2)
    # the result joins both neighbours: it starts on lime and ends (at 6 s) on blue
    path, _ = services.media.file_path(job["media_id"])
    assert close(centre(rgb(path)), COLOURS["lime"])


def test_fill_with_an_exact_length_says_nothing_about_snapping(api: Api, services: Services, project: dict,
                                                                sequence: Path) -> None:
    setup(api, services, project, sequence, [clip("", 0.0, 0.2, 1.0, "left"), clip("", 4.8, 2.1, 2.9, "right")])
    r = api.post(f"/api/projects/{project['id']}/timeline/fill",
                 json={"track_id": v1(services.projects.timeline(project["id"]))["id"], "at": 2,
                       "model_id": FLF, "params": {"resolution": "360p"}})
    assert r.status_code == 201, r.json
    assert "snapped_from" not in r.json and r.json["duration"] == 4.0
    services.jobs.wait(r.json["job"]["id"], timeout=180)


@pytest.mark.parametrize("at,model,words", [
    (1.0, FLF, "inside a clip"),
    (9.0, FLF, "a clip on each side"),
    (3.0, I2V, "not a first/last-frame model"),
    ("3", FLF, "at must be a time"),
])
def test_fill_refuses_what_is_not_a_gap_or_not_such_a_model(api: Api, services: Services, project: dict,
                                                           sequence: Path, at: Any, model: str, words: str) -> None:
    setup(api, services, project, sequence, [clip("", 0.0, 0.2, 1.8, "left"), clip("", 5.0, 2.1, 2.9, "right")])
    before = api.get(f"/api/projects/{project['id']}/timeline").json
    r = api.post(f"/api/projects/{project['id']}/timeline/fill",
                 json={"track_id": v1(before["timeline"])["id"], "at": at, "model_id": model})
    assert r.status_code == 422 and words in r.json["error"]["message"], r.json
    assert api.get(f"/api/projects/{project['id']}/timeline").json == before


# -- placeholders in the document ---------------------------------------------------------------
def test_a_trim_made_while_the_job_runs_is_kept(api: Api, services: Services, project: dict,
                                                sequence: Path) -> None:
    setup(api, services, project, sequence)
    r = api.post(f"/api/projects/{project['id']}/timeline/extend",
                 json={"clip_id": "a", "model_id": I2V, "prompt": "on",
                       "params": {"duration": 20, "resolution": "540p", "fps": 50}})
    assert r.status_code == 201, r.json
    ph_id = r.json["placeholder"]["id"]
    # the user trims the placeholder to 1.5 s and moves it, as the page saves: the whole document
    for _ in range(5):
        got = api.get(f"/api/projects/{project['id']}/timeline").json
        ph = next(c for c in v1(got["timeline"])["clips"] if c["id"] == ph_id)
        if "placeholder" not in ph:
            pytest.fail("the job ended before the trim: the test needs a longer render")
        ph.update(duration=1.5, start=2.0)
        saved = api.put(f"/api/projects/{project['id']}/timeline", json={**got, "source": "page"})
        if saved.status_code == 200:
            break
    assert saved.status_code == 200, saved.json
    job = services.jobs.wait(r.json["job"]["id"], timeout=240)
    assert job["status"] == "done", job["error"]
    got = wait_for(lambda: landed(services, project, ph_id))
    assert got["start"] == 2.0 and got["out"] - got["in"] == pytest.approx(1.5)


def test_a_failed_job_leaves_the_placeholder_with_its_reason_and_retry_runs_it_again(
        api: Api, services: Services, project: dict, sequence: Path) -> None:
    setup(api, services, project, sequence)
    r = api.post(f"/api/projects/{project['id']}/timeline/extend",
                 json={"clip_id": "a", "model_id": I2V, "prompt": "on",
                       "params": {"duration": 20, "resolution": "540p", "fps": 50}})
    job_id, ph_id = r.json["job"]["id"], r.json["placeholder"]["id"]
    assert api.post(f"/api/generations/{job_id}/cancel").status_code == 200
    services.jobs.wait(job_id, timeout=60)

    def marked(status: str) -> dict | None:
        for c in v1(services.projects.timeline(project["id"]))["clips"]:
            if c["id"] == ph_id and c.get("placeholder", {}).get("status") == status:
                return c
        return None

    ph = wait_for(lambda: marked("cancelled"))
    assert ph["placeholder"]["reason"] == "Cancelled"
    # the export leaves the placeholder out: it draws nothing, it does not fail
    est = api.post(f"/api/projects/{project['id']}/exports/estimate", json={})
    assert est.status_code == 200, est.json
    assert est.json["estimate"]["duration"] == pytest.approx(1.6)  # clip "a" alone
    assert api.post(f"/api/generations/{job_id}/retry").json["job"]["status"] in ("queued", "generating")
    ph = wait_for(lambda: marked("running") or landed(services, project, ph_id))
    assert "reason" not in ph.get("placeholder", {})
    services.jobs.cancel(job_id)
    services.jobs.wait(job_id, timeout=60)


def test_a_job_that_fails_says_why_on_its_placeholder(api: Api, services: Services, project: dict,
                                                     sequence: Path) -> None:
    setup(api, services, project, sequence)
    r = api.post(f"/api/projects/{project['id']}/timeline/extend",
                 json={"clip_id": "a", "model_id": I2V, "prompt": "on", "params": {"duration": 20}})
    job_id, ph_id = r.json["job"]["id"], r.json["placeholder"]["id"]
    frame = services.media.file_path(r.json["frame_media_id"])[0]
    services.jobs.cancel(job_id)
    services.jobs.wait(job_id, timeout=60)
    frame.unlink()  # the frame's file is gone: the retry fails, and says so
    api.post(f"/api/generations/{job_id}/retry")
    services.jobs.wait(job_id, timeout=60)
    job = services.jobs.get(job_id)
    assert job["status"] == "failed"

    def failed() -> dict | None:
        for c in v1(services.projects.timeline(project["id"]))["clips"]:
            if c["id"] == ph_id and c.get("placeholder", {}).get("status") == "failed":
                return c
        return None

    ph = wait_for(failed)
    assert ph["placeholder"]["reason"] == job["message"] and ph["placeholder"]["reason"]


def test_placeholders_are_checked_like_any_clip(api: Api, services: Services, project: dict,
                                                sequence: Path) -> None:
    _, doc = setup(api, services, project, sequence)
    bad = [({"id": "p", "start": 3, "duration": 2, "placeholder": {"job_id": "j", "model_id": I2V,
                                                                    "status": "weird"}}, "placeholder.status"),
           ({"id": "p", "start": 3, "duration": 2, "media_id": "x",
             "placeholder": {"job_id": "j", "model_id": I2V, "status": "running"}}, "media_id"),
           ({"id": "p", "start": 1, "duration": 2, "placeholder": {"job_id": "j", "model_id": I2V,
                                                                    "status": "running"}}, "start")]
    for placeholder, field in bad:
        new = {**doc, "tracks": [dict(t) for t in doc["tracks"]]}
        track = v1(new)
        track["clips"] = [*track["clips"], placeholder]
        r = api.put(f"/api/projects/{project['id']}/timeline", json={"timeline": new})
        assert r.status_code == 422 and field in r.json["error"]["field"], (field, r.json)


# -- the request fal receives ---------------------------------------------------------------------
@pytest.fixture
def providers(request: pytest.FixtureRequest, data_dir: Path) -> dict[str, Any]:
    if "fake_fal" not in request.fixturenames:
        return {}
    request.getfixturevalue("fake_fal")
    return quick_providers(data_dir)


def test_extend_with_ltx_2_3_sends_fal_the_clips_last_frame(api: Api, services: Services, project: dict,
                                                            sequence: Path, fake_fal: FakeFal) -> None:
    setup(api, services, project, sequence)
    r = api.post(f"/api/projects/{project['id']}/timeline/extend",
                 json={"clip_id": "a", "model_id": LTX_I2V, "prompt": "the lime room goes on"})
    assert r.status_code == 201, r.json
    job = services.jobs.wait(r.json["job"]["id"], timeout=60)
    assert job["status"] == "done", job["error"]
    [req] = fake_fal.requests.values()
    assert req.endpoint == LTX_I2V and "end_image_url" not in req.input
    img = rgb(fake_fal.sent(req.input["image_url"]))
    assert img.shape == (H, W, 3)
    assert np.abs(img - source_frame(sequence, 1.8 - 1 / FPS)).mean() < 6
    ph = r.json["placeholder"]
    assert ph["duration"] == 6  # LTX-2.3's default length
    got = wait_for(lambda: landed(services, project, ph["id"]))
    assert got["out"] == pytest.approx(2.0)  # the fake's result lasts 2 s: the clip is what came


def test_fill_with_veo_sends_both_neighbours_frames_and_a_snapped_length(
        api: Api, services: Services, project: dict, sequence: Path, fake_fal: FakeFal) -> None:
    setup(api, services, project, sequence, [clip("", 0.0, 0.2, 1.8, "left"), clip("", 8.6, 2.1, 2.9, "right")])
    r = api.post(f"/api/projects/{project['id']}/timeline/fill",
                 json={"track_id": v1(services.projects.timeline(project["id"]))["id"], "at": 5.0,
                       "model_id": VEO_FLF, "prompt": "lime to blue"})
    assert r.status_code == 201, r.json
    assert (r.json["snapped_from"], r.json["snapped_to"]) == (pytest.approx(7.0), 6.0)  # 7 is as near 6 as 8
    job = services.jobs.wait(r.json["job"]["id"], timeout=60)
    assert job["status"] == "done", job["error"]
    [req] = fake_fal.requests.values()
    assert req.input["duration"] == "6s"
    first = rgb(fake_fal.sent(req.input["first_frame_url"]))
    last = rgb(fake_fal.sent(req.input["last_frame_url"]))
    assert np.abs(first - source_frame(sequence, 1.8 - 1 / FPS)).mean() < 6
    assert np.abs(last - source_frame(sequence, 2.1)).mean() < 6


# -- a SIGKILL and a restart ----------------------------------------------------------------------
@pytest.mark.slow
def test_a_placeholder_survives_a_sigkill_and_its_job_resumes(tmp_path: Path, sequence: Path) -> None:
    s = ServerProcess(tmp_path / "data", TOKEN).start()
    try:
        pid = s.post("/api/projects", json={"name": "Crash"}).json()["project"]["id"]
        with open(sequence, "rb") as f:
            media_id = s.post(f"/api/projects/{pid}/media", files={"file": ("seq.mp4", f, "video/mp4")}
                              ).json()["media"][0]["id"]
        got = s.get(f"/api/projects/{pid}/timeline").json()
        doc = got["timeline"]
        doc.update(width=W, height=H, fps=FPS)
        v1(doc)["clips"] = [clip(media_id, 0.0, 0.2, 1.8, "a")]
        assert s.put(f"/api/projects/{pid}/timeline", json={"timeline": doc}).status_code == 200
        r = s.post(f"/api/projects/{pid}/timeline/extend",
                   json={"clip_id": "a", "model_id": I2V, "prompt": "on",
                         "params": {"duration": 20, "resolution": "720p", "fps": 50}})
        assert r.status_code == 201, r.text
        job_id, ph_id = r.json()["job"]["id"], r.json()["placeholder"]["id"]
        s.wait_for(lambda: s.get(f"/api/generations/{job_id}").json()["job"]["status"] == "generating")
        s.kill()
        s.stop()
        s = ServerProcess(s.data_dir, TOKEN, port=s.port).start()
        clips = {c["id"]: c for c in v1(s.get(f"/api/projects/{pid}/timeline").json()["timeline"])["clips"]}
        assert ph_id in clips  # still on the timeline: a placeholder, or already the clip
        if "placeholder" in clips[ph_id]:
            assert clips[ph_id]["placeholder"]["job_id"] == job_id

        def settled() -> dict | None:
            c = next(c for c in v1(s.get(f"/api/projects/{pid}/timeline").json()["timeline"])["clips"]
                     if c["id"] == ph_id)
            return c if "media_id" in c or c["placeholder"]["status"] != "running" else None

        end = s.wait_for(settled, timeout=240)
        job = s.get(f"/api/generations/{job_id}").json()["job"]
        if "media_id" in end:
            assert job["status"] == "done" and end["media_id"] == job["media_id"]
        else:  # resumed and failed: the placeholder says why
            assert job["status"] == "failed" and end["placeholder"]["reason"] == job["message"]
    finally:
        s.stop()
