"""An export cannot be made to run forever, pile up, or start from a bad request (issue 29):
POST …/exports answers at once for any timeline the limits allow (refused by the render budget,
or planned on the export's own thread where Cancel reaches it), one export a project and a few
in all, the body read like every route's, whole values matched whole, media host patterns
checked by name."""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import pytest

from reelcut.generation.fal_guard import HostRule
from reelcut.library.timeline import field_path
from reelcut.media import compose
from reelcut.media.layers import Canvas
from reelcut.render import exports

from .conftest import Api

pytestmark = pytest.mark.timeout(30)  # each test here answers in seconds; the old code hung for minutes
CLIP_ID = "the-long-one"


def _rss_mb() -> float:
    """This process's resident memory now (the Flask test client serves in this process)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _rotation_keys(n: int, span: float) -> list[dict[str, Any]]:
    return [{"time": round(i * span / (n - 1), 3), "value": 360.0 * (i % 2), "easing": "linear"} for i in range(n)]


def _long_clip(media_id: str, *, source_seconds: float, speed: float, keys: int = 240) -> dict[str, Any]:
    length = source_seconds / speed
    return {"id": CLIP_ID, "media_id": media_id, "start": 0.0, "in": 0.0, "out": source_seconds, "speed": speed,
            "keyframes": {"transform.rotation": _rotation_keys(keys, length)}}


def _save(api: Api, project: dict, clip: dict[str, Any], **doc: Any) -> dict[str, Any]:
    tl = api.get(f"/api/projects/{project['id']}/timeline").json["timeline"]
    tl.update(doc)
    tl["tracks"][0]["clips"] = [clip]
    r = api.put(f"/api/projects/{project['id']}/timeline", json={"timeline": tl})
    assert r.status_code == 200, r.json
    return r.json["timeline"]


@pytest.fixture
def item(services: Any, project: dict, samples: dict) -> dict[str, Any]:
    # a short file stands for an hour-long one: nothing checks a clip's out against the media's
    # length, and nothing here reaches ffmpeg (refused, or cancelled while planning)
    return services.media.import_path(project["id"], samples["video"])


@pytest.mark.timeout(60)
def test_the_worst_timeline_the_limits_allow_is_refused_at_once_naming_the_clip(api: Api, services: Any,
                                                                                 project: dict, item: dict) -> None:
    """An hour of source at speed 0.25 (4 h on the timeline), 7680x4320 at 120 fps, its rotation
    keyframed 240 times: the request gave no answer within 60 s, growing the server by hundreds of MB."""
    _save(api, project, _long_clip(item["id"], source_seconds=3600, speed=0.25), width=7680, height=4320, fps=120)
    before = _rss_mb()
    t0 = time.monotonic()
    r = api.post(f"/api/projects/{project['id']}/exports", json={})
    took = time.monotonic() - t0
    grew = _rss_mb() - before
    print(f"worst timeline: answered {r.status_code} in {took * 1000:.0f} ms, server grew {grew:.1f} MB")
    assert took < 2.0
    assert r.status_code == 422, r.json
    err = r.json["error"]
    assert err["code"] == "over_budget" and err["field"] == "tracks[0].clips[0]"
    assert CLIP_ID in err["message"] and "tracks[0].clips[0]" in err["message"]
    assert "shorten" in err["message"] and "frame rate" in err["message"]
    assert grew < 30, grew
    assert services.exports.list(project["id"]) == []  # nothing started
    temp = services.config.temp_dir
    assert not temp.exists() or list(temp.iterdir()) == []


@pytest.mark.timeout(60)
def test_two_hundred_hours_of_sound_to_plan_are_refused_at_once(api: Api, services: Any, project: dict,
                                                                item: dict) -> None:
    """Every audible clip's gain is sampled every 10 ms before ffmpeg starts: 200 clips of 2 h on
    100 tracks (all within the limits) is 144 million samples, many minutes of planning."""
    tl = api.get(f"/api/projects/{project['id']}/timeline").json["timeline"]
    tl.update(width=16, height=16, fps=1)
    tl["tracks"] = [{"id": f"a{t}", "kind": "audio", "clips": [
        {"id": f"c{t}-{i}", "media_id": item["id"], "start": i * 7200.0, "in": 0, "out": 7200} for i in range(2)]}
        for t in range(100)]
    assert api.put(f"/api/projects/{project['id']}/timeline", json={"timeline": tl}).status_code == 200
    t0 = time.monotonic()
    r = api.post(f"/api/projects/{project['id']}/exports", json={})
    assert time.monotonic() - t0 < 2.0
    assert r.status_code == 422, r.json
    assert r.json["error"]["code"] == "over_budget" and r.json["error"]["field"] == "tracks[0].clips[0]"
    assert "c0-0" in r.json["error"]["message"] and "minutes" in r.json["error"]["message"]


def _start_slow_planning(api: Api, project: dict, item: dict) -> tuple[dict[str, Any], float]:
    """An export within the budget whose planning alone takes seconds (432,000 frames of a
    turning layer, sampled in Python): accepted at once, still planning when the test acts."""
    _save(api, project, _long_clip(item["id"], source_seconds=3600, speed=1.0), width=16, height=16, fps=120)
    t0 = time.monotonic()
    r = api.post(f"/api/projects/{project['id']}/exports", json={})
    took = time.monotonic() - t0
    assert r.status_code == 201, r.json
    return r.json["job"], took


@pytest.mark.timeout(60)
def test_an_export_that_plans_for_seconds_answers_at_once_and_cancels_while_planning(api: Api, services: Any,
                                                                                      project: dict,
                                                                                      item: dict) -> None:
    before = _rss_mb()
    job, took = _start_slow_planning(api, project, item)
    assert took < 1.0, took  # the old code sampled every frame inside the request
    assert job["status"] == "queued" and job["message"] == "Preparing the render"
    time.sleep(0.3)  # well inside the sampling
    assert services.exports.get(job["id"])["status"] == "queued"
    t0 = time.monotonic()
    assert api.post(f"/api/exports/{job['id']}/cancel", json={}).status_code == 200
    done = services.exports.wait(job["id"], timeout=10)
    stopped = time.monotonic() - t0
    grew = _rss_mb() - before
    print(f"planning export: answered in {took * 1000:.0f} ms, cancelled in {stopped * 1000:.0f} ms, "
          f"server grew {grew:.1f} MB")
    assert done["status"] == "cancelled" and done["message"] == "Cancelled", done
    assert stopped < 2.0
    assert grew < 150, grew
    assert not any(services.config.temp_dir.iterdir())  # the planning's files went with it
    assert services.exports.running() == 0


@pytest.mark.timeout(60)
def test_a_second_export_of_a_project_while_one_runs_is_refused(api: Api, services: Any, project: dict,
                                                                item: dict) -> None:
    first, _ = _start_slow_planning(api, project, item)
    try:
        r = api.post(f"/api/projects/{project['id']}/exports", json={})
        assert r.status_code == 409, r.json
        assert r.json["error"]["code"] == "export_running"
        assert r.json["error"]["message"].startswith("An export of this project is already running.")
        assert [e["id"] for e in services.exports.list(project["id"])] == [first["id"]]
    finally:
        services.exports.cancel(first["id"])
        assert services.exports.wait(first["id"], timeout=10)["status"] == "cancelled"
    # once it has ended, the project may export again (refused here only for its empty timeline)
    _save(api, project, {**_long_clip(item["id"], source_seconds=3600, speed=1.0)}, width=16, height=16, fps=120)
    r = api.post(f"/api/projects/{project['id']}/exports", json={})
    assert r.status_code == 201, r.json
    services.exports.cancel(r.json["job"]["id"])
    services.exports.wait(r.json["job"]["id"], timeout=10)


@pytest.mark.timeout(60)
def test_exports_past_the_global_cap_are_refused(api: Api, services: Any, project: dict, item: dict,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "MAX_RUNNING", 1)
    first, _ = _start_slow_planning(api, project, item)
    other = services.projects.create("Other")
    media = services.media.import_path(other["id"], services.media.file_path(item["id"])[0])
    try:
        _save(api, other, {"id": "c", "media_id": media["id"], "start": 0, "in": 0, "out": 1}, width=16, height=16)
        r = api.post(f"/api/projects/{other['id']}/exports", json={})
        assert r.status_code == 409, r.json
        assert r.json["error"]["code"] == "too_many_exports"
        assert r.json["error"]["message"].startswith("1 export is running; wait for one to finish")
        assert services.exports.list(other["id"]) == []
    finally:
        services.exports.cancel(first["id"])
        services.exports.wait(first["id"], timeout=10)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("data,content_type,status,code", [
    (b"{", "application/json", 400, "invalid_json"),
    (b"[]", "application/json", 400, "invalid_json"),
    (b'"x"', "application/json", 400, "invalid_json"),
    (b'{"a": NaN}', "application/json", 400, "not_finite"),
    (b"", None, 400, "invalid_json"),
    (b'{"a": 1}', "application/json", 422, "unknown_field"),
    (b'{"format": "mov"}', "application/json", 422, "unknown_field"),
])
def test_the_export_body_is_read_like_every_routes(api: Api, services: Any, project: dict, item: dict,
                                                   data: bytes, content_type: str | None, status: int,
                                                   code: str) -> None:
    """Each of these started an export (201)."""
    _save(api, project, {"id": "c", "media_id": item["id"], "start": 0, "in": 0, "out": 1}, width=16, height=16)
    headers = {"Content-Type": content_type} if content_type else {}
    r = api.post(f"/api/projects/{project['id']}/exports", data=data, headers=headers)
    assert r.status_code == status, r.json
    assert r.json["error"]["code"] == code
    assert services.exports.list(project["id"]) == []


@pytest.mark.timeout(30)
def test_a_colour_with_a_trailing_newline_is_refused(api: Api, services: Any, project: dict) -> None:
    tl = api.get(f"/api/projects/{project['id']}/timeline").json["timeline"]
    tl["tracks"].insert(0, {"id": "text", "kind": "text", "clips": [
        {"id": "t", "start": 0, "duration": 1, "text": "Hi", "color": "#ffcc00\n"}]})
    r = api.put(f"/api/projects/{project['id']}/timeline", json={"timeline": tl})
    assert r.status_code == 422, r.json
    assert r.json["error"]["field"] == "tracks[0].clips[0].color"
    assert "#ffcc00\n" not in services.db.one("SELECT timeline FROM projects WHERE id = ?",
                                              (project["id"],))["timeline"]
    tl["tracks"][0]["clips"][0]["color"] = "#ffcc00"
    assert api.put(f"/api/projects/{project['id']}/timeline", json={"timeline": tl}).status_code == 200


def test_every_whole_value_pattern_refuses_a_trailing_newline(tmp_path: Path) -> None:
    # the export's own colour check (a document stored before the fix): white, not "0xffcc00\n"
    clip = {"start": 0, "duration": 1, "color": "#ffcc00\n"}
    assert "fontcolor=white:" in compose._text_filter(clip, None, tmp_path / "t.txt", Canvas(320, 240, 25))
    assert "fontcolor=0xffcc00:" in compose._text_filter({**clip, "color": "#ffcc00"}, None, tmp_path / "t.txt",
                                                      Canvas(320, 240, 25))
    # a field name is an identifier only when all of it is
    assert field_path("keyframes", "opacity\n") == 'keyframes["opacity\\n"]'
    assert field_path("keyframes", "opacity") == "keyframes.opacity"
    # a media host
    with pytest.raises(ValueError, match="white space"):
        HostRule.parse("https://fal.media\n")


@pytest.mark.parametrize("entry,why", [
    (".fal.media", "no http or https scheme"),
    ("a..fal.media", "no http or https scheme"),
    ("fal.media", "no http or https scheme"),
    ("*.fal.media", "no http or https scheme"),
    ("ftp://fal.media", "no http or https scheme"),
    ("https://a..fal.media", "empty or invalid part"),
    ("https://.fal.media", "empty or invalid part"),
    ("https://*..fal.media", "empty or invalid part"),
    ("https://fa_l.media", "empty or invalid part"),
    ("https://", "empty or invalid part"),
    ("https://*.media", "wildcard"),
    ("https://fal.media:0", "port"),
    ("https://fal.media:99999", "port"),
    ("https://fal.media/path", "more than a scheme"),
    ("https://user@fal.media", "more than a scheme"),
    ("https://fal.media\n", "white space"),
])
def test_a_malformed_media_host_pattern_is_refused_by_name(entry: str, why: str) -> None:
    with pytest.raises(ValueError) as e:
        HostRule.parse(entry)
    assert repr(entry) in str(e.value) and why in str(e.value)


def test_well_formed_media_host_patterns_still_parse() -> None:
    assert HostRule.parse("https://fal.media") == HostRule("https", "fal.media", 443, False)
    assert HostRule.parse("https://*.fal.media") == HostRule("https", "fal.media", 443, True)
    assert HostRule.parse("https://V3.Fal.Media:8443/") == HostRule("https", "v3.fal.media", 8443, False)


def test_the_budget_is_counted_without_sampling_and_lets_ordinary_films_through() -> None:
    from reelcut.render import budget

    def doc(width: int, height: int, fps: float, clips: list[dict[str, Any]]) -> dict[str, Any]:
        return {"version": 2, "width": width, "height": height, "fps": fps,
                "tracks": [{"id": "v", "kind": "video", "clips": clips}]}

    worst = doc(7680, 4320, 120, [_long_clip("m", source_seconds=3600, speed=0.25)])
    t0 = time.perf_counter()
    cost = budget.estimate(worst)
    assert time.perf_counter() - t0 < 0.05
    assert cost.ms > budget.BUDGET_MS and cost.samples == 14400 * 120
    # a two-hour 1080p film at 30 fps, and an hour of 4K at 60 fps with a keyframed overlay
    film = doc(1920, 1080, 30, [{"id": "f", "media_id": "m", "start": 0, "in": 0, "out": 7200}])
    assert budget.check(film).ms < budget.BUDGET_MS / 4
    overlay = copy.deepcopy(_long_clip("m", source_seconds=3600, speed=1.0, keys=20))
    four_k = doc(3840, 2160, 60, [{"id": "b", "media_id": "m", "start": 0, "in": 0, "out": 3600}])
    four_k["tracks"].insert(0, {"id": "o", "kind": "video", "clips": [overlay]})
    budget.check(four_k)
