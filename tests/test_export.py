"""Export correctness, judged from the output file: its duration, codecs, and the colour of
frames sampled where we know which clip must be showing."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from reelcut.media.compose import build_export_args
from reelcut.media.fonts import find_font

from . import media_samples as ms

RED, BLUE, GREEN = (255, 0, 0), (0, 0, 255), (0, 255, 0)


@pytest.fixture(scope="module")
def colour_clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("colours")
    return {
        "red": ms.make_video(d / "red.mp4", color="red", seconds=2),
        "blue": ms.make_video(d / "blue.mp4", color="blue", seconds=3, size="640x480"),
        "green": ms.make_video(d / "green.mp4", color="0x00ff00", seconds=2),
    }


def _frames(path: str) -> list[tuple[float, np.ndarray]]:
    with av.open(path) as c:
        return [(float(f.pts * f.time_base), f.to_ndarray(format="rgb24")) for f in c.decode(video=0)]


def _colour_at(frames: list[tuple[float, np.ndarray]], t: float, y: int = 8, x: int = 8) -> tuple[int, ...]:
    ts, img = min(frames, key=lambda f: abs(f[0] - t))
    return tuple(int(v) for v in img[y, x])


def _close(c: tuple[int, ...], want: tuple[int, int, int], tol: int = 40) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(c, want, strict=True))


def _export(services: Any, project: dict[str, Any], tracks: list[dict[str, Any]], timeout: float = 120,
            **doc: Any) -> dict[str, Any]:
    pid = project["id"]
    tl = services.projects.timeline(pid)
    tl.update({"width": 320, "height": 240, "fps": 25, **doc})
    tl["tracks"] = tracks
    services.projects.save_timeline(pid, tl)
    job = services.exports.start(pid)
    return services.exports.wait(job["id"], timeout=timeout)


def _file(services: Any, job: dict[str, Any]) -> str:
    """Where the finished export lies (the API says only where to download it)."""
    return str(services.exports.file_path(job["id"]))


def _track(tid: str, clips: list[dict[str, Any]], kind: str = "video", **kw: Any) -> dict[str, Any]:
    return {"id": tid, "kind": kind, "muted": False, "hidden": False, "clips": clips, **kw}


def test_export_honours_order_trims_gaps_and_duration(services, project, colour_clips):
    red = services.media.import_path(project["id"], colour_clips["red"])
    blue = services.media.import_path(project["id"], colour_clips["blue"])
    green = services.media.import_path(project["id"], colour_clips["green"])
    job = _export(services, project, [
        # top track: red from 1.0 to 2.0 (trimmed from its middle)
        _track("top", [{"id": "r", "media_id": red["id"], "start": 1.0, "in": 0.5, "out": 1.5}]),
        # bottom track: blue 0..3, then a gap (black) 3..4, then green 4..5
        _track("bottom", [{"id": "b", "media_id": blue["id"], "start": 0.0, "in": 0.0, "out": 3.0},
                          {"id": "g", "media_id": green["id"], "start": 4.0, "in": 0.0, "out": 1.0}]),
    ])
    assert job["status"] == "done", job
    out = services.exports.file_path(job["id"])
    assert out.is_file() and out.parent.name == "exports"
    with av.open(str(out)) as c:
        assert c.streams.video[0].codec_context.name == "h264"
        assert c.streams.audio[0].codec_context.name == "aac"
        assert (c.streams.video[0].width, c.streams.video[0].height) == (320, 240)
        assert abs(c.duration / av.time_base - 5.0) <= 1 / 25 + 0.03
    frames = _frames(str(out))
    assert abs(len(frames) - 125) <= 1
    assert _close(_colour_at(frames, 0.5), BLUE)      # only the bottom track
    assert _close(_colour_at(frames, 1.5), RED)       # the top track wins
    assert _close(_colour_at(frames, 2.5), BLUE)      # top clip ended
    assert _close(_colour_at(frames, 3.5), (0, 0, 0))  # gap is black
    assert _close(_colour_at(frames, 4.5), GREEN)


def test_hidden_track_shows_nothing_and_text_is_drawn(services, project, colour_clips):
    red = services.media.import_path(project["id"], colour_clips["red"])
    blue = services.media.import_path(project["id"], colour_clips["blue"])
    job = _export(services, project, [
        _track("text", [{"id": "t", "start": 0.0, "duration": 1.0, "text": "█████", "x": 0.5, "y": 0.5,
                         "size": 120, "color": "#00ff00"}], kind="text"),
        _track("hidden", [{"id": "r", "media_id": red["id"], "start": 0.0, "in": 0.0, "out": 2.0}], hidden=True),
        _track("base", [{"id": "b", "media_id": blue["id"], "start": 0.0, "in": 0.0, "out": 2.0}]),
    ])
    assert job["status"] == "done", job
    frames = _frames(_file(services, job))
    assert _close(_colour_at(frames, 1.5), BLUE)                  # the hidden red track is not shown
    assert _close(_colour_at(frames, 0.5, y=120, x=160), GREEN)   # the text is drawn at the centre
    assert _close(_colour_at(frames, 1.5, y=120, x=160), BLUE)    # and only during its clip


def _rms(path: str, start: float, end: float) -> float:
    with av.open(path) as c:
        chunks = [f.to_ndarray().astype(np.float64).ravel() for f in c.decode(audio=0)
                  if start <= float(f.pts * f.time_base) < end]
    return float(np.sqrt(np.mean(np.concatenate(chunks) ** 2))) if chunks else 0.0


def test_muted_tracks_are_silent_and_gaps_are_silence(services, project, colour_clips):
    red = services.media.import_path(project["id"], colour_clips["red"])
    blue = services.media.import_path(project["id"], colour_clips["blue"])
    job = _export(services, project, [
        _track("loud", [{"id": "r", "media_id": red["id"], "start": 0.0, "in": 0.0, "out": 1.0}]),
        _track("muted", [{"id": "b", "media_id": blue["id"], "start": 2.0, "in": 0.0, "out": 1.0}], muted=True),
    ])
    assert job["status"] == "done", job
    assert _rms(_file(services, job), 0.1, 0.9) > 0.01     # the tone of the audible clip
    assert _rms(_file(services, job), 1.2, 1.8) < 0.001    # the gap
    assert _rms(_file(services, job), 2.1, 2.9) < 0.001    # the muted track's clip


def test_export_of_empty_timeline_is_refused(api, project):
    r = api.post(f"/api/projects/{project['id']}/exports", json={})
    assert r.status_code == 400
    assert r.json["error"]["code"] == "empty_timeline"
    assert "empty" in r.json["error"]["message"]


def test_export_api_reports_progress_and_serves_the_file(api, services, project, colour_clips):
    red = services.media.import_path(project["id"], colour_clips["red"])
    tl = services.projects.timeline(project["id"])
    tl["tracks"][0]["clips"] = [{"id": "r", "media_id": red["id"], "start": 0.0, "in": 0.0, "out": 2.0}]
    assert api.put(f"/api/projects/{project['id']}/timeline", json={"timeline": tl}).status_code == 200
    r = api.post(f"/api/projects/{project['id']}/exports", json={})
    assert r.status_code == 201
    job_id = r.json["job"]["id"]
    services.exports.wait(job_id, timeout=120)
    job = api.get(f"/api/exports/{job_id}").json["job"]
    assert job["status"] == "done" and job["progress"] == 1.0
    # the page gets a name and a URL; where the file lies on this machine is none of its business
    assert "path" not in job and job["filename"].endswith(".mp4")
    assert str(services.config.data_dir) not in json.dumps(job)
    f = api.get(job["download_url"])
    assert f.status_code == 200
    assert f.headers["Content-Disposition"].startswith("attachment")
    assert job["filename"] in f.headers["Content-Disposition"]
    assert f.data == services.exports.file_path(job["id"]).read_bytes()
    assert f.data[4:8] == b"ftyp"


def test_cancel_export_leaves_no_file(services, project, tmp_path):
    # keyframes close together: quick to seek, so no preview proxy is made beside the export
    long = services.media.import_path(project["id"], ms.make_video(tmp_path / "long.mp4", seconds=20, size="1280x720",
                                                           keyint=12))
    tl = services.projects.timeline(project["id"])
    tl.update({"width": 1920, "height": 1080})
    tl["tracks"][0]["clips"] = [{"id": "l", "media_id": long["id"], "start": 0.0, "in": 0.0, "out": 20.0}]
    services.projects.save_timeline(project["id"], tl)
    job = services.exports.start(project["id"])
    services.exports.cancel(job["id"])
    job = services.exports.wait(job["id"], timeout=60)
    assert job["status"] == "cancelled"
    exports = services.projects.folder(project["id"]) / "exports"
    assert not exports.exists() or not any(exports.iterdir())
    assert not any(services.config.temp_dir.iterdir())


def test_export_api_lists_exports_newest_first_and_cancels_one(api, services, project, tmp_path):
    pid = project["id"]
    # solid colour with keyframes close together: cheap to make, quick to seek (no proxy beside it)
    clip = services.media.import_path(pid, ms.make_video(tmp_path / "long.mp4", seconds=30, size="640x360",
                                                       color="blue", keyint=12))
    done = _export(services, project, [_track("v", [{"id": "s", "media_id": clip["id"], "start": 0, "in": 0,
                                                   "out": 0.5}])])
    assert done["status"] == "done", done
    tl = services.projects.timeline(pid)
    tl.update({"width": 1920, "height": 1080})
    tl["tracks"][0]["clips"] = [{"id": "l", "media_id": clip["id"], "start": 0.0, "in": 0.0, "out": 30.0}]
    assert api.put(f"/api/projects/{pid}/timeline", json={"timeline": tl}).status_code == 200
    started = api.post(f"/api/projects/{pid}/exports", json={}).json["job"]
    r = api.post(f"/api/exports/{started['id']}/cancel", json={})
    assert r.status_code == 200 and r.json["job"]["id"] == started["id"]
    assert r.json["job"]["status"] in ("queued", "rendering", "cancelled")
    services.exports.wait(started["id"], timeout=60)
    listed = api.get(f"/api/projects/{pid}/exports").json["exports"]
    assert [(e["id"], e["status"]) for e in listed] == [(started["id"], "cancelled"), (done["id"], "done")]
    assert listed[0]["message"] == "Cancelled" and listed[0]["download_url"] is None
    assert listed[1]["download_url"] == f"/api/exports/{done['id']}/file"
    assert all("path" not in e for e in listed)
    assert api.get(f"/api/exports/{started['id']}/file").status_code == 404
    exports = services.projects.folder(pid) / "exports"
    assert [p.name for p in exports.iterdir()] == [done["filename"]]  # the cancelled one left nothing
    assert api.post("/api/exports/nope/cancel", json={}).status_code == 404
    assert api.get(f"/api/projects/{services.projects.create('Other')['id']}/exports").json["exports"] == []


def _colour_at_centre(frames: list[tuple[float, np.ndarray]], t: float) -> tuple[int, ...]:
    h, w = frames[0][1].shape[:2]
    return _colour_at(frames, t, y=h // 2, x=w // 2)


def test_a_timeline_of_700_text_clips_exports(services, project, tmp_path):
    """The graph of 700 text clips is larger than the 128 KiB Linux allows one argument ("Argument
    list too long"): it goes to ffmpeg in a file."""
    n, step = 700, 0.1
    colours = ("#00ff00", "#ff0000")
    clips = [{"id": f"t{i}", "start": round(i * step, 3), "duration": step, "text": "█████", "x": 0.5, "y": 0.5,
              "size": 80, "color": colours[i % 2]} for i in range(n)]
    tracks = [_track("text", clips, kind="text")]
    # the same graph, built apart, is indeed past the limit (or this test would prove nothing)
    doc = {**services.projects.timeline(project["id"]), "width": 64, "height": 48, "fps": 10, "tracks": tracks}
    args, _ = build_export_args(doc, {}, tmp_path / "out.mp4", tmp_path, find_font())
    assert (tmp_path / "graph.txt").stat().st_size > 128 * 1024 and max(len(a) for a in args) < 4096
    job = _export(services, project, tracks, width=64, height=48, fps=10, timeout=180)
    assert job["status"] == "done", job
    with av.open(_file(services, job)) as c:
        assert (c.streams.video[0].width, c.streams.video[0].height) == (64, 48)
        assert abs(c.duration / av.time_base - n * step) <= 0.15
    frames = _frames(_file(services, job))
    assert abs(len(frames) - n) <= 1
    for i in (0, 1, 2, 351, 698, 699):  # clip i is the one drawn on frame i (on top of the one ending there)
        got = _colour_at_centre(frames, i * step)
        assert _close(got, GREEN if i % 2 == 0 else RED), (i, got)


def test_closing_the_app_mid_export_says_so_and_leaves_nothing(config, tmp_path):
    """Quitting mid-export kills ffmpeg and records why before the database closes (the export
    thread used to write its end into a closed database)."""
    from reelcut.services import Services

    s = Services(config)
    s.start()
    p = s.projects.create("Quit")
    long = s.media.import_path(p["id"], ms.make_video(tmp_path / "long.mp4", seconds=20, size="1280x720", keyint=12))
    tl = s.projects.timeline(p["id"])
    tl.update({"width": 1920, "height": 1080})
    tl["tracks"][0]["clips"] = [{"id": "l", "media_id": long["id"], "start": 0.0, "in": 0.0, "out": 20.0}]
    s.projects.save_timeline(p["id"], tl)
    q = s.bus.subscribe()
    job = s.exports.start(p["id"])
    deadline = time.monotonic() + 30
    while True:  # until ffmpeg is really rendering
        event, data = q.get(timeout=max(0.1, deadline - time.monotonic()))
        if event == "export" and data["id"] == job["id"] and data["progress"] > 0.02:
            break
        assert time.monotonic() < deadline, "the export never started rendering"
    s.close()
    con = sqlite3.connect(config.db_path)
    status, message = con.execute("SELECT status, message FROM exports WHERE id = ?", (job["id"],)).fetchone()
    con.close()
    assert status == "failed" and "stopped while this export was rendering" in message
    exports = config.projects_dir / p["id"] / "exports"
    assert not exports.exists() or not any(exports.iterdir())
    assert not any(config.temp_dir.iterdir())
