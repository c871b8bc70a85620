"""Generate here, Retake and Extend with extend-video (issue 16): a text prompt makes a clip in
place on an empty spot of the timeline (its placeholder sized to the model's clip, refused with the
room named when it does not fit); a range of a clip is made again and lands as a new take of it;
extend-video is sent the clip's own media."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reelcut.services import Services

from . import media_samples as ms
from .conftest import Api
from .test_extend_fill import FPS, H, W, centre, clip, landed, rgb, setup, v1, wait_for

T2V = "local/preview-t2v"


@pytest.fixture(scope="module")
def sequence(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A source whose colour says which second it is: red, lime, blue."""
    return ms.make_sequence(tmp_path_factory.mktemp("seq") / "seq.mp4", ["red", "lime", "blue"],
                            size=f"{W}x{H}", rate=FPS)


def here(api: Api, project: dict, services: Services, at: float, **body: Any) -> Any:
    track = v1(services.projects.timeline(project["id"]))["id"]
    return api.post(f"/api/projects/{project['id']}/timeline/generate-here",
                    json={"track_id": track, "at": at, "model_id": T2V, "prompt": "a comet over the sea", **body})


# -- Generate here --------------------------------------------------------------------------------
def test_generate_here_places_a_placeholder_at_the_playhead_and_it_becomes_the_clip(
        api: Api, services: Services, project: dict, sequence: Path) -> None:
    # V1: a clip 0..1.6, an empty spot, a clip from 5.0
    media_id, _ = setup(api, services, project, sequence,
                        [clip("", 0.0, 0.2, 1.8, "a"), clip("", 5.0, 2.1, 2.9, "b")])
    r = here(api, project, services, 2.0, params={"duration": 2, "resolution": "360p"})
    assert r.status_code == 201, r.json
    ph = r.json["placeholder"]
    assert ph["start"] == 2.0 and ph["duration"] == 2 and r.json["room"] == pytest.approx(3.0)
    assert ph["placeholder"] == {"job_id": r.json["job"]["id"], "model_id": T2V, "status": "running"}
    saved = {c["id"]: c for c in v1(services.projects.timeline(project["id"]))["clips"]}
    assert ph["id"] in saved and saved["b"]["start"] == 5.0  # nothing moved
    job = services.jobs.wait(r.json["job"]["id"], timeout=120)
    assert job["status"] == "done", job["error"]
    assert job["prompt"] == "a comet over the sea" and job["image_media_id"] is None
    got = wait_for(lambda: landed(services, project, ph["id"]))
    assert got == {"id": ph["id"], "media_id": job["media_id"], "start": 2.0, "in": 0.0, "out": pytest.approx(2.0)}
    # the clip that landed is the offline model's picture (not black), 2 s long
    item = services.media.get(job["media_id"])
    assert item["kind"] == "video" and item["duration"] == pytest.approx(2.0, abs=0.1)
    assert max(centre(rgb(services.media.file_path(item["id"])[0]))) > 20


def test_generate_here_after_the_last_clip_has_all_the_room_it_needs(
        api: Api, services: Services, project: dict, sequence: Path) -> None:
    setup(api, services, project, sequence)
    r = here(api, project, services, 1.6, params={"duration": 1, "resolution": "360p"})
    assert r.status_code == 201, r.json
    assert r.json["room"] is None and r.json["placeholder"]["start"] == 1.6  # right at the clip's end
    services.jobs.wait(r.json["job"]["id"], timeout=120)


@pytest.mark.parametrize("at,body,code,field,words", [
    (2.0, {"params": {"duration": 4}}, "no_room", "at", "only 3.00 s before the next clip"),
    (4.5, {"params": {"duration": 1}}, "no_room", "at", "only 0.50 s"),
    (1.0, {}, "invalid_spot", "at", "inside a clip"),
    (-1, {}, "invalid_spot", "at", "at must be a time"),
    (2.0, {"model_id": "local/preview-i2v"}, "wrong_model", "model_id", "not a text-to-video model"),
    # voice and image models take a text prompt too, but make no clip for a video track
    (2.0, {"model_id": "local/voice"}, "wrong_model", "model_id", "not a text-to-video model"),
    (2.0, {"model_id": "local/preview-image"}, "wrong_model", "model_id", "not a text-to-video model"),
    (2.0, {"model_id": "no/such"}, "wrong_model", "model_id", "Unknown model"),
    (2.0, {"prompt": "", "params": {"duration": 1}}, "invalid_prompt", "prompt", "Write a prompt"),
    (2.0, {"params": {"duration": 99}}, "invalid_param", "duration", "at most"),
    (2.0, {"track_id": "nope"}, "invalid_spot", "track_id", "no track 'nope'"),
])
def test_generate_here_refuses_naming_the_field_and_changes_nothing(
        api: Api, services: Services, project: dict, sequence: Path, at: Any, body: dict, code: str,
        field: str, words: str) -> None:
    setup(api, services, project, sequence, [clip("", 0.0, 0.2, 1.8, "a"), clip("", 5.0, 2.1, 2.9, "b")])
    before = api.get(f"/api/projects/{project['id']}/timeline").json
    r = here(api, project, services, at, **body)
    assert r.status_code == 422, r.json
    err = r.json["error"]
    assert (err["code"], err["field"]) == (code, field) and words in err["message"], err
    assert api.get(f"/api/projects/{project['id']}/timeline").json == before
    assert services.jobs.list(project["id"]) == []


def test_generate_here_refuses_an_audio_track(api: Api, services: Services, project: dict, sequence: Path) -> None:
    setup(api, services, project, sequence)
    audio = next(t for t in services.projects.timeline(project["id"])["tracks"] if t["kind"] == "audio")
    r = api.post(f"/api/projects/{project['id']}/timeline/generate-here",
                 json={"track_id": audio["id"], "at": 0, "model_id": T2V, "prompt": "x"})
    assert r.status_code == 422 and r.json["error"]["field"] == "track_id" and "video tracks" in \
        r.json["error"]["message"], r.json
