"""Generate here, Retake and Extend with extend-video (issue 16): a text prompt makes a clip in
place on an empty spot of the timeline (its placeholder sized to the model's clip, refused with the
room named when it does not fit); a range of a clip is made again and lands as a new take of it;
extend-video is sent the clip's own media."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from reelcut.config import Config
from reelcut.services import Services

from . import media_samples as ms
from .conftest import Api
from .fake_fal import FakeFal, quick_providers
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
    assert job["retake_clip_id"] is None  # not a retake: no clip shows it as one
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


# -- Retake ---------------------------------------------------------------------------------------
RETAKE = "local/preview-retake"
LTX_RETAKE = "fal-ai/ltx-2.3/retake-video"
LTX_EXTEND = "fal-ai/ltx-2.3/extend-video"


def frames_of(path: Path) -> list[tuple[float, Any]]:
    with av.open(str(path)) as c:
        return [(float(f.time), f.to_ndarray(format="rgb24").astype(int)) for f in c.decode(video=0)]


def test_retake_offline_makes_the_range_again_as_a_new_take_and_the_clip_switches_keeping_its_trims(
        api: Api, services: Services, project: dict, sequence: Path) -> None:
    # clip a plays the source from 0.2 to 2.8 s (red, lime, blue), at 1.0 s on the timeline, faded in
    media_id, _ = setup(api, services, project, sequence, [clip("", 1.0, 0.2, 2.8, "a", fade_in=0.5)])
    # the range: timeline 2.0–2.6 s, i.e. the source's 1.2–1.8 s (lime)
    r = api.post(f"/api/projects/{project['id']}/timeline/retake",
                 json={"clip_id": "a", "start": 2.0, "end": 2.6, "model_id": RETAKE, "prompt": "a storm rolls in"})
    assert r.status_code == 201, r.json
    assert (r.json["start_time"], r.json["duration"]) == (pytest.approx(1.2), pytest.approx(0.6))
    job = services.jobs.wait(r.json["job"]["id"], timeout=120)
    assert job["status"] == "done", job["error"]
    assert job["inputs"] == {"video_url": media_id}
    assert job["params"]["start_time"] == pytest.approx(1.2) and job["params"]["duration"] == pytest.approx(0.6)
    # the page learns from the job itself which clip it remakes (it shows the progress there)
    assert r.json["job"]["retake_clip_id"] == "a"
    listed = api.get(f"/api/generations?project_id={project['id']}").json["jobs"]
    assert [j["retake_clip_id"] for j in listed] == ["a"]

    def switched() -> dict | None:
        c = next(c for c in v1(services.projects.timeline(project["id"]))["clips"] if c["id"] == "a")
        return c if c["media_id"] != media_id else None

    got = wait_for(switched)
    # the same place, trims and properties: only the media changed
    assert got == {"id": "a", "media_id": job["media_id"], "start": 1.0, "in": 0.2, "out": 2.8, "fade_in": 0.5}
    new, old = services.media.get(job["media_id"]), services.media.get(media_id)
    assert new["group_id"] and new["group_id"] == old["group_id"]  # takes of one group
    assert (old["take"], new["take"]) == (0, 1)
    assert new["duration"] == pytest.approx(old["duration"], abs=0.05)
    # the range is drawn again; outside it the picture is the source's
    frames = frames_of(services.media.file_path(new["id"])[0])
    source = dict((round(t, 2), img) for t, img in frames_of(sequence))
    # decoded, it is the source's length frame for frame
    assert len(frames) == len(source) and frames[-1][0] == pytest.approx(max(source), abs=0.01)
    for t, img in frames:
        want = source.get(round(t, 2))
        if want is None:
            continue
        diff = np.abs(img - want).mean()
        if 1.25 <= t <= 1.75:
            assert diff > 30, (t, diff)  # made again: plainly not lime
        elif t < 1.15 or t > 1.85:
            assert diff < 8, (t, diff)  # untouched
    # the switch is one undo step: undo brings the old take back, trims kept
    r = api.post(f"/api/projects/{project['id']}/timeline/undo", json={})
    assert r.status_code == 200, r.json
    back = next(c for c in v1(services.projects.timeline(project["id"]))["clips"] if c["id"] == "a")
    assert back == {**got, "media_id": media_id}


def test_a_second_retake_joins_the_same_group(api: Api, services: Services, project: dict, sequence: Path) -> None:
    media_id, _ = setup(api, services, project, sequence, [clip("", 0.0, 0.0, 3.0, "a")])
    for take, (start, end) in enumerate([(0.5, 1.0), (2.0, 2.5)], start=1):
        r = api.post(f"/api/projects/{project['id']}/timeline/retake",
                     json={"clip_id": "a", "start": start, "end": end, "model_id": RETAKE, "prompt": f"take {take}"})
        assert r.status_code == 201, r.json
        job = services.jobs.wait(r.json["job"]["id"], timeout=120)
        assert job["status"] == "done", job["error"]
        wait_for(lambda j=job: next(c for c in v1(services.projects.timeline(project["id"]))["clips"]
                                    if c["id"] == "a")["media_id"] == j["media_id"])
        assert services.media.get(job["media_id"])["take"] == take
    groups = {services.media.get(m["id"])["group_id"] for m in services.media.list(project["id"])
              if m["kind"] == "video"}
    assert len(groups) == 1 and None not in groups


@pytest.mark.parametrize("body,code,field,words", [
    ({"start": 0.5, "end": 4.0}, "invalid_range", "end", "ends at 4 s, after the clip (0–1.6 s)"),
    ({"start": 1.0, "end": 0.5}, "invalid_range", "end", "must end after it starts"),
    ({"start": 1.6, "end": 2.0}, "invalid_range", "start", "starts at 1.6 s, at or after the clip's end"),
    ({"start": "1", "end": 2}, "invalid_range", "start", "start must be a time"),
    ({"start": 0.5, "end": None}, "invalid_range", "end", "end must be a time"),
    ({"model_id": "local/preview-t2v"}, "wrong_model", "model_id", "not a retake model"),
    ({"model_id": LTX_EXTEND}, "wrong_model", "model_id", "not a retake model"),
    ({"clip_id": "nope"}, "invalid_clip", "clip_id", "no clip 'nope'"),
    ({"prompt": ""}, "invalid_prompt", "prompt", "Write a prompt"),
    # LTX-2.3 retakes 2–20 s: half a second is too short (refused before any key is asked for)
    ({"model_id": LTX_RETAKE}, "invalid_range", "end", "at least 2 s; this one is 0.5 s"),
])
def test_retake_refuses_naming_the_field_and_changes_nothing(api: Api, services: Services, project: dict,
                                                             sequence: Path, body: dict, code: str, field: str,
                                                             words: str) -> None:
    setup(api, services, project, sequence)  # clip a: 0–1.6 s
    before = api.get(f"/api/projects/{project['id']}/timeline").json
    r = api.post(f"/api/projects/{project['id']}/timeline/retake",
                 json={"clip_id": "a", "start": 0.5, "end": 1.0, "model_id": RETAKE, "prompt": "x", **body})
    assert r.status_code == 422, r.json
    err = r.json["error"]
    assert (err["code"], err["field"]) == (code, field) and words in err["message"], err
    assert api.get(f"/api/projects/{project['id']}/timeline").json == before
    assert services.jobs.list(project["id"]) == []


# -- a retake done while the app is down -------------------------------------------------------------
def stored(config: Config, project_id: str) -> tuple[dict[str, Any], int]:
    """The timeline and revision as the project's SQLite row holds them."""
    con = sqlite3.connect(config.db_path)
    try:
        timeline, revision = con.execute("SELECT timeline, revision FROM projects WHERE id = ?",
                                         (project_id,)).fetchone()
    finally:
        con.close()
    return json.loads(timeline), revision


def stored_clip(config: Config, project_id: str, clip_id: str) -> dict[str, Any] | None:
    doc, _ = stored(config, project_id)
    return next((c for c in v1(doc)["clips"] if c["id"] == clip_id), None)


def retake_then_stop(config: Config, sequence: Path,
                     meanwhile: Callable[[Services, dict], None] | None = None) -> tuple[dict, str, dict]:
    """A retake of clip a whose job ends as the app dies: the job is done (its take stored), the
    switch not written. `meanwhile` is what the user does before the app stops. Answers the
    project, the source's media id and the job."""
    first = Services(config)
    first.start()
    try:
        project = first.projects.create("Retake")
        media_id, _ = setup(None, first, project, sequence, [clip("", 1.0, 0.2, 2.8, "a", fade_in=0.5)])
        first.jobs.listeners.remove(first.placements.job_changed)  # the process dies as the job ends
        answer = first.placements.retake(project["id"], "a", 2.0, 2.6, RETAKE, "a storm rolls in")
        job = first.jobs.wait(answer["job"]["id"], timeout=120)
        assert job["status"] == "done", job["error"]
        if meanwhile is not None:
            meanwhile(first, project)
    finally:
        first.close()
    return project, media_id, job


def start_and_close(config: Config, then: Callable[[Services], Any] | None = None,
                    providers: dict[str, Any] | None = None) -> Any:
    """The app started again on the same data (start-up recovery runs), `then` done, and closed."""
    again = Services(config, providers)
    again.start()
    try:
        return then(again) if then else None
    finally:
        again.close()


def test_a_retake_done_while_the_app_was_down_switches_the_clip_at_start_up_once(
        config: Config, sequence: Path) -> None:
    project, media_id, job = retake_then_stop(config, sequence)
    before, revision = stored(config, project["id"])
    assert stored_clip(config, project["id"], "a")["media_id"] == media_id  # not switched yet
    start_and_close(config)
    got = stored_clip(config, project["id"], "a")
    # the new take, where the clip was, with its trims and properties
    assert got == {"id": "a", "media_id": job["media_id"], "start": 1.0, "in": 0.2, "out": 2.8, "fade_in": 0.5}
    _, switched = stored(config, project["id"])
    assert switched == revision + 1  # one write
    # a second start changes nothing: the switch was made once
    start_and_close(config)
    assert stored(config, project["id"])[1] == switched
    assert stored_clip(config, project["id"], "a") == got

    def check(s: Services) -> None:
        new, old = s.media.get(job["media_id"]), s.media.get(media_id)
        assert new["group_id"] == old["group_id"] and (old["take"], new["take"]) == (0, 1)
        assert s.jobs.get(job["id"])["message"] == "Done"
        # one undo step, made by the generation: undo brings the source back, trims kept
        step = s.projects.undo_timeline(project["id"])
        assert step["step"]["source"] == "generation"
        assert next(c for c in v1(step["timeline"])["clips"] if c["id"] == "a") == {**got, "media_id": media_id}
    start_and_close(config, check)


def _delete_clip(s: Services, project: dict) -> None:
    doc = s.projects.timeline(project["id"])
    v1(doc)["clips"] = []
    s.projects.save_timeline(project["id"], doc)


def _switch_to_other_media(s: Services, project: dict) -> None:
    other = ms.make_sequence(s.config.temp_dir / "other.mp4", ["navy", "navy", "navy"], size=f"{W}x{H}", rate=FPS)
    item = s.media.import_path(project["id"], other)
    doc = s.projects.timeline(project["id"])
    v1(doc)["clips"][0]["media_id"] = item["id"]
    s.projects.save_timeline(project["id"], doc)


@pytest.mark.parametrize("meanwhile,why", [
    (_delete_clip, "its clip was deleted from the timeline"),
    (_switch_to_other_media, "its clip plays other media now"),
])
def test_a_retake_done_while_the_app_was_down_leaves_a_changed_clip_alone(
        config: Config, sequence: Path, meanwhile: Callable[[Services, dict], None], why: str) -> None:
    project, media_id, job = retake_then_stop(config, sequence, meanwhile)
    before = stored(config, project["id"])
    start_and_close(config)
    assert stored(config, project["id"]) == before  # nothing written, no new revision

    def check(s: Services) -> None:
        done = s.jobs.get(job["id"])
        assert done["status"] == "done" and why in done["message"], done["message"]
        assert done["message"].startswith("Done, kept in the library only")
        # the take is still in the library, a take of its source
        new = s.media.get(job["media_id"])
        assert new["group_id"] == s.media.get(media_id)["group_id"] and new["take"] == 1
        assert s.jobs.placed_pending() == []
    start_and_close(config, check)


def test_a_retake_whose_switch_was_written_but_not_noted_is_not_made_twice(
        services: Services, project: dict, sequence: Path) -> None:
    """The app stopped between writing the switch and noting it on the job's row: start-up sees
    the clip already plays the take, writes nothing, and notes it."""
    media_id, _ = setup(None, services, project, sequence, [clip("", 0.0, 0.0, 3.0, "a")])
    services.jobs.listeners.remove(services.placements.job_changed)
    try:
        answer = services.placements.retake(project["id"], "a", 0.5, 1.0, RETAKE, "snow")
        job = services.jobs.wait(answer["job"]["id"], timeout=120)
    finally:
        services.jobs.listeners.append(services.placements.job_changed)
    assert job["status"] == "done", job["error"]
    doc, revision = services.projects.timeline_at(project["id"])
    v1(doc)["clips"][0]["media_id"] = job["media_id"]  # the switch, as the write before the stop left it
    _, revision = services.projects.save_timeline_at(project["id"], doc, revision, source="generation")
    assert [j["id"] for j in services.jobs.placed_pending()] == [job["id"]]
    services.placements.reconcile()  # what start-up runs
    assert services.projects.timeline_at(project["id"])[1] == revision
    assert services.jobs.placed_pending() == [] and services.jobs.get(job["id"])["message"] == "Done"


def test_a_retake_started_before_the_switch_was_kept_as_place_still_switches(
        services: Services, project: dict, sequence: Path) -> None:
    """A retake job row from before this version (its switch in state["retake"]) that ends after
    the upgrade switches the clip as it did."""
    media_id, _ = setup(None, services, project, sequence, [clip("", 0.0, 0.0, 3.0, "a")])
    job = services.jobs.start(project["id"], [RETAKE], "old row", {RETAKE: {"start_time": 0.5, "duration": 0.5}},
                              media={"video_media_id": media_id},
                              state={"retake": {"clip_id": "a", "media_id": media_id}})[0]
    job = services.jobs.wait(job["id"], timeout=120)
    assert job["status"] == "done", job["error"]
    assert job["retake_clip_id"] == "a"
    got = wait_for(lambda: landed(services, project, "a") if landed(services, project, "a")["media_id"] ==
                   job["media_id"] else None)
    assert got == {"id": "a", "media_id": job["media_id"], "start": 0.0, "in": 0.0, "out": 3.0}


# -- the requests fal receives --------------------------------------------------------------------
@pytest.fixture
def providers(request: pytest.FixtureRequest, data_dir: Path) -> dict[str, Any]:
    if "fake_fal" not in request.fixturenames:
        return {}
    request.getfixturevalue("fake_fal")
    return quick_providers(data_dir)


def test_extend_with_extend_video_sends_the_clips_media_as_video_url(
        api: Api, services: Services, project: dict, sequence: Path, fake_fal: FakeFal) -> None:
    media_id, _ = setup(api, services, project, sequence)
    r = api.post(f"/api/projects/{project['id']}/timeline/extend",
                 json={"clip_id": "a", "model_id": LTX_EXTEND, "prompt": "the lime room goes on",
                       "params": {"duration": 3}})
    assert r.status_code == 201, r.json
    assert r.json["video_media_id"] == media_id and "frame_media_id" not in r.json
    ph = r.json["placeholder"]
    assert ph["start"] == pytest.approx(1.6) and ph["duration"] == 3
    job = services.jobs.wait(r.json["job"]["id"], timeout=60)
    assert job["status"] == "done", job["error"]
    [req] = fake_fal.requests.values()
    assert req.endpoint == LTX_EXTEND
    # the wire types fal's schema has: a float duration, the mode a string, the video the source's bytes
    assert req.input["duration"] == 3.0 and isinstance(req.input["duration"], float)
    assert req.input["mode"] == "end" and req.input["prompt"] == "the lime room goes on"
    assert fake_fal.sent(req.input["video_url"]) == sequence.read_bytes()
    got = wait_for(lambda: landed(services, project, ph["id"]))
    assert got["media_id"] == job["media_id"] and got["start"] == pytest.approx(1.6)


def test_retake_with_ltx_sends_the_range_in_the_sources_seconds(
        api: Api, services: Services, project: dict, sequence: Path, fake_fal: FakeFal) -> None:
    media_id, _ = setup(api, services, project, sequence, [clip("", 1.0, 0.5, 3.0, "a")])
    r = api.post(f"/api/projects/{project['id']}/timeline/retake",
                 json={"clip_id": "a", "start": 1.5, "end": 3.5, "model_id": LTX_RETAKE, "prompt": "rain",
                       "params": {"retake_mode": "replace_video"}})
    assert r.status_code == 201, r.json
    # the cost is known before it runs: $0.10/s × the 2 s range
    assert r.json["job"]["cost"] == pytest.approx(0.2)
    job = services.jobs.wait(r.json["job"]["id"], timeout=60)
    assert job["status"] == "done", job["error"]
    [req] = fake_fal.requests.values()
    assert req.endpoint == LTX_RETAKE
    assert req.input["start_time"] == 1.0 and isinstance(req.input["start_time"], float)
    assert req.input["duration"] == 2.0 and isinstance(req.input["duration"], float)
    assert req.input["retake_mode"] == "replace_video" and req.input["prompt"] == "rain"
    assert fake_fal.sent(req.input["video_url"]) == sequence.read_bytes()
    # the fake's answer (2 s) is shorter than the clip's out point (3 s): a take, not switched
    new = services.media.get(job["media_id"])
    wait_for(lambda: services.media.get(new["id"])["group_id"] == services.media.get(media_id)["group_id"]
             and services.media.get(media_id)["group_id"])
    assert next(c for c in v1(services.projects.timeline(project["id"]))["clips"])["media_id"] == media_id
    # and the job says why the clip did not switch
    message = wait_for(lambda: services.jobs.get(job["id"])["message"] if services.jobs.placed_pending() == []
                       else None)
    assert "shorter than the clip's out point" in message, message


def test_a_fal_retake_that_finishes_while_the_app_is_closed_switches_the_clip_at_the_next_start(
        config: Config, sequence: Path, fake_fal: FakeFal) -> None:
    """The app closes while fal is still making the retake: the next start polls the paid request
    (never buys it again), stores the take, and switches the clip to it."""
    fake_fal.clip = sequence.read_bytes()  # as long as the source: the clip's out point fits
    fake_fal.scenario.run_seconds = 1.5
    first = Services(config, quick_providers(config.data_dir))
    first.start()
    try:
        project = first.projects.create("Retake on fal")
        media_id, _ = setup(None, first, project, sequence, [clip("", 1.0, 0.5, 3.0, "a")])
        answer = first.placements.retake(project["id"], "a", 1.5, 3.5, LTX_RETAKE, "rain")
        job_id = answer["job"]["id"]
        wait_for(lambda: "request_id" in first.jobs.saved_state(job_id), timeout=30)
    finally:
        first.close()
    assert stored_clip(config, project["id"], "a")["media_id"] == media_id
    [req] = fake_fal.requests.values()
    wait_for(lambda: fake_fal.status_of(req)["status"] == "COMPLETED", timeout=30)  # done while closed

    def resumed(s: Services) -> dict:
        job = s.jobs.wait(job_id, timeout=60)
        assert job["status"] == "done", job["error"]
        wait_for(lambda: s.jobs.placed_pending() == [] and s.jobs.placement(job_id)[1])
        return job
    job = start_and_close(config, resumed, quick_providers(config.data_dir))
    assert len(fake_fal.requests) == 1  # polled, not bought again
    assert stored_clip(config, project["id"], "a") == {"id": "a", "media_id": job["media_id"], "start": 1.0,
                                                       "in": 0.5, "out": 3.0}


def test_retake_of_a_range_longer_than_the_model_takes_is_refused(api: Api, services: Services, project: dict,
                                                                  tmp_path: Path) -> None:
    long = ms.make_solid(tmp_path / "long.mp4", "navy", seconds=22, size=f"{W}x{H}", rate=FPS)
    setup(api, services, project, long, [clip("", 0.0, 0.0, 22.0, "a")])
    r = api.post(f"/api/projects/{project['id']}/timeline/retake",
                 json={"clip_id": "a", "start": 0.5, "end": 21.0, "model_id": RETAKE, "prompt": "x"})
    assert r.status_code == 422 and (r.json["error"]["code"], r.json["error"]["field"]) == ("invalid_range", "end")
    assert "at most 20 s" in r.json["error"]["message"], r.json
    assert services.jobs.list(project["id"]) == []


def test_retake_with_ltx_without_a_key_is_refused_and_starts_nothing(api: Api, services: Services, project: dict,
                                                                     sequence: Path) -> None:
    setup(api, services, project, sequence, [clip("", 0.0, 0.0, 3.0, "a")])
    before = api.get(f"/api/projects/{project['id']}/timeline").json
    r = api.post(f"/api/projects/{project['id']}/timeline/retake",
                 json={"clip_id": "a", "start": 0.5, "end": 2.5, "model_id": LTX_RETAKE, "prompt": "rain"})
    assert r.status_code == 401 and r.json["error"]["code"] == "no_api_key", r.json
    assert "fal.ai API key" in r.json["error"]["message"]
    assert services.db.query("SELECT id FROM jobs") == []
    assert api.get(f"/api/projects/{project['id']}/timeline").json == before


def test_retake_is_held_to_the_spending_cap(api: Api, services: Services, project: dict, sequence: Path,
                                           fake_fal: FakeFal) -> None:
    setup(api, services, project, sequence, [clip("", 0.0, 0.0, 3.0, "a")])
    assert api.patch(f"/api/projects/{project['id']}", json={"spending_cap": 0.15}).status_code == 200
    r = api.post(f"/api/projects/{project['id']}/timeline/retake",
                 json={"clip_id": "a", "start": 0.5, "end": 2.5, "model_id": LTX_RETAKE, "prompt": "rain"})
    assert r.status_code == 422 and r.json["error"]["code"] == "over_spending_cap", r.json
    assert "$0.20" in r.json["error"]["message"]
    assert services.db.query("SELECT id FROM jobs") == [] and fake_fal.requests == {}


def test_extend_video_result_holding_the_source_lands_as_the_continuation_only(
        api: Api, services: Services, project: dict, sequence: Path, fake_fal: FakeFal, tmp_path: Path) -> None:
    # the source is 3 s; fal answers 3 s of it and then 3 s more (6 s): the clip plays the last 3
    answer = ms.make_sequence(tmp_path / "answer.mp4", ["red", "lime", "blue", "navy", "navy", "navy"],
                              size=f"{W}x{H}", rate=FPS)
    fake_fal.clip = answer.read_bytes()
    setup(api, services, project, sequence, [clip("", 0.0, 0.0, 3.0, "a")])
    r = api.post(f"/api/projects/{project['id']}/timeline/extend",
                 json={"clip_id": "a", "model_id": LTX_EXTEND, "prompt": "night falls", "params": {"duration": 3}})
    assert r.status_code == 201, r.json
    job = services.jobs.wait(r.json["job"]["id"], timeout=60)
    assert job["status"] == "done", job["error"]
    got = wait_for(lambda: landed(services, project, r.json["placeholder"]["id"]))
    assert (got["start"], got["in"], got["out"]) == (pytest.approx(3.0), pytest.approx(3.0, abs=0.05),
                                                     pytest.approx(6.0, abs=0.05))
