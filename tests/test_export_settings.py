"""Export settings (issue 15): every format, size, rate, quality and range, judged from real
encodes of a tiny timeline (320x180, 1-2 s of solid colours and tones) decoded with PyAV; the
estimate, the history (newest first, stale after an edit) and the refusals, through the API."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from reelcut.media.ffmpeg import ffmpeg_exe
from reelcut.render import settings as export_settings

from . import media_samples as ms

pytestmark = pytest.mark.timeout(180)

W, H = 320, 180


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("settings-media")
    # red then blue, each 1 s; silence for the first second, then a tone: whether picture and
    # sound are still together after a range is cut can be measured
    sync = d / "sync.mp4"
    ms._ffmpeg("-filter_complex", f"color=c=red:s={W}x{H}:r=25:d=1[r];color=c=blue:s={W}x{H}:r=25:d=1[b];"
               "[r][b]concat=n=2:v=1:a=0[v];aevalsrc='if(gte(t,1),0.5*sin(2*PI*440*t),0)':s=48000:d=2[a]",
               "-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast", "-g", "5",
               "-pix_fmt", "yuv420p", "-c:a", "aac", "-t", "2", str(sync))
    return {
        "red": ms.make_solid(d / "red.mp4", "red", seconds=1, size=f"{W}x{H}", tone=440),
        "bands": ms.make_bands(d / "bands.mp4", ["red", "blue"], seconds=1, size=f"{W}x{H}", tone=440),
        "sync": sync,
    }


def _timeline(services: Any, project: dict[str, Any], path: Path, seconds: float = 1.0, **doc: Any) -> str:
    pid = project["id"]
    item = services.media.import_path(pid, path)
    tl = services.projects.timeline(pid)
    tl.update({"width": W, "height": H, "fps": 25, **doc})
    tl["tracks"] = [{"id": "v", "kind": "video", "muted": False, "hidden": False, "clips": [
        {"id": "c1", "media_id": item["id"], "start": 0.0, "in": 0.0, "out": seconds}]}]
    services.projects.save_timeline(pid, tl)
    return item["id"]


def _export(services: Any, project: dict[str, Any], settings: Any) -> dict[str, Any]:
    job = services.exports.start(project["id"], settings)
    job = services.exports.wait(job["id"], timeout=150)
    assert job["status"] == "done", job
    return job


def _streams(path: Path) -> dict[str, Any]:
    with av.open(str(path)) as c:
        return {"format": c.format.name,
                "video": [(s.codec_context.name, s.codec_context.width, s.codec_context.height)
                          for s in c.streams.video],
                "audio": [s.codec_context.name for s in c.streams.audio],
                "duration": c.duration / av.time_base if c.duration else None}


def _frames(path: Path) -> list[tuple[float, np.ndarray]]:
    with av.open(str(path)) as c:
        return [(float(f.time), f.to_ndarray(format="rgb24").astype(int)) for f in c.decode(video=0)]


def _has_libx265() -> bool:
    out = subprocess.run([ffmpeg_exe(), "-hide_banner", "-encoders"], capture_output=True, text=True,
                         check=True).stdout
    return " libx265 " in out


# format -> (container name contains, video codec or None, audio codec or None, extension, MIME)
FORMATS = {
    "mp4_h264": ("mp4", "h264", "aac", "mp4", "video/mp4"),
    "mp4_h265": ("mp4", "hevc", "aac", "mp4", "video/mp4"),
    "webm_vp9": ("webm", "vp9", "opus", "webm", "video/webm"),
    "mov_prores": ("mov", "prores", "pcm_s16le", "mov", "video/quicktime"),
    "gif": ("gif", "gif", None, "gif", "image/gif"),
    "wav": ("wav", None, "pcm_s16le", "wav", "audio/wav"),
    "mp3": ("mp3", None, "mp3", "mp3", "audio/mpeg"),
    "m4a_aac": ("m4a", None, "aac", "m4a", "audio/mp4"),
}


def test_the_formats_are_the_data_and_each_one_is_listed(api):
    r = api.get("/api/export/formats")
    assert r.status_code == 200
    body = r.get_json()
    assert [f["id"] for f in body["formats"]] == list(FORMATS)
    h265 = next(f for f in body["formats"] if f["id"] == "mp4_h265")
    assert h265["available"] is _has_libx265()
    assert (h265["unavailable_reason"] is None) is _has_libx265()
    assert [p["id"] for p in body["presets"]] == ["youtube_1080p", "youtube_4k", "vertical_1080x1920",
                                                  "instagram_feed", "master_prores"]
    assert body["resolutions"] == ["canvas", "2160p", "1440p", "1080p", "720p", "480p"]
    assert body["frame_rates"] == ["canvas", 24, 25, 30, 50, 60]
    assert body["default"] == {"format": "mp4_h264", "resolution": "canvas", "fps": "canvas",
                               "quality": "medium", "range": "whole", "captions": "burn"}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_each_format_writes_its_container_and_codecs(api, services, project, clips, fmt):
    _timeline(services, project, clips["red"])
    container, video, audio, ext, mime = FORMATS[fmt]
    if fmt == "mp4_h265" and not _has_libx265():
        r = api.post(f"/api/projects/{project['id']}/exports", json={"settings": {"format": fmt}})
        err = r.get_json()["error"]
        assert r.status_code == 422 and err["field"] == "settings.format", err
        assert err["code"] == "format_unavailable" and "libx265" in err["message"]
        return
    job = _export(services, project, {"format": fmt})
    path = services.exports.file_path(job["id"])
    assert path.suffix == f".{ext}" and job["filename"].endswith(f".{ext}")
    got = _streams(path)
    assert container in got["format"], got
    assert [v[0] for v in got["video"]] == ([video] if video else []), got
    assert [a.removesuffix("float") for a in got["audio"]] == ([audio] if audio else []), got
    if video:
        assert got["video"][0][1:] == (W, H)
    assert got["duration"] == pytest.approx(1.0, abs=0.08)
    assert job["size"] == path.stat().st_size and job["settings"]["format"] == fmt
    r = api.get(f"/api/exports/{job['id']}/file")
    assert r.status_code == 200 and r.mimetype == mime
    assert len(r.data) == path.stat().st_size
    r.close()


def test_720p_of_a_1080p_canvas_is_1280x720(services, project, clips):
    _timeline(services, project, clips["red"], width=1920, height=1080)
    est = services.exports.estimate(project["id"], {"resolution": "720p"})["estimate"]
    assert (est["width"], est["height"], est["aspect_mismatch"]) == (1280, 720, None)
    job = _export(services, project, {"resolution": "720p"})
    got = _streams(services.exports.file_path(job["id"]))
    assert got["video"] == [("h264", 1280, 720)]
    # a portrait canvas: the named size is its width
    doc = {"width": 1080, "height": 1920, "fps": 25}
    out = export_settings.output(export_settings.normalize({"resolution": "720p"}, 1.0), doc, 1.0)
    assert (out.width, out.height) == (720, 1280)


def test_a_vertical_preset_on_a_landscape_canvas_asks_and_letterboxes(api, services, project, clips):
    _timeline(services, project, clips["bands"])
    r = api.post(f"/api/projects/{project['id']}/exports/estimate",
                 json={"settings": {"preset": "vertical_1080x1920"}})
    assert r.status_code == 200
    body = r.get_json()
    assert body["estimate"]["aspect_mismatch"] == {"canvas": "16:9", "output": "9:16", "canvas_size": [W, H],
                                                   "output_size": [1080, 1920]}
    assert body["settings"]["resolution"] == "1080x1920" and body["settings"]["preset"] == "vertical_1080x1920"
    job = _export(services, project, {"preset": "vertical_1080x1920"})
    frames = _frames(services.exports.file_path(job["id"]))
    img = frames[len(frames) // 2][1]
    assert img.shape[:2] == (1920, 1080)
    # the canvas, 16:9, fills the width: 1080x608 in the middle, black above and below
    lit = [y for y in range(1920) if img[y, 270].sum() > 120]
    assert len(lit) == pytest.approx(608, abs=6), len(lit)
    assert lit[0] == pytest.approx((1920 - 608) // 2, abs=4)
    assert img[100, 540].max() < 30 and img[1820, 540].max() < 30
    mid = 960
    assert img[mid, 270][0] > 200 and img[mid, 270][2] < 60  # the left band red
    assert img[mid, 810][2] > 200 and img[mid, 810][0] < 60  # the right band blue


def test_a_range_starts_at_its_in_frame_with_the_sound_in_step(services, project, clips):
    _timeline(services, project, clips["sync"], seconds=2.0)
    # 0.96 s is the last red frame (frame 24); the blue and the tone both begin 0.04 s in
    job = _export(services, project, {"range": {"in": 0.96, "out": 1.76}})
    path = services.exports.file_path(job["id"])
    assert job["duration"] == pytest.approx(0.8)
    frames = _frames(path)
    assert len(frames) == 20
    first, second = frames[0][1], frames[1][1]
    assert first[90, 160][0] > 200 and first[90, 160][2] < 60, first[90, 160]
    assert second[90, 160][2] > 200 and second[90, 160][0] < 60, second[90, 160]
    with av.open(str(path)) as c:
        samples = np.concatenate([f.to_ndarray().mean(axis=0) for f in c.decode(audio=0)])
        duration = c.duration / av.time_base
    assert duration == pytest.approx(0.8, abs=0.05)
    loud = np.flatnonzero(np.abs(samples) > 0.1)
    assert loud[0] / 48000 == pytest.approx(0.04, abs=0.025)  # the tone starts with the blue


def test_small_quality_is_smaller_and_the_estimate_is_near(services, project, clips):
    _timeline(services, project, clips["red"])
    sizes = {}
    for quality in ("high", "small"):
        job = _export(services, project, {"quality": quality})
        sizes[quality] = services.exports.file_path(job["id"]).stat().st_size
        assert job["size"] == sizes[quality]
        est = services.exports.estimate(project["id"], {"quality": quality})["estimate"]["bytes"]
        assert sizes[quality] / 3 <= est <= sizes[quality] * 3, (quality, est, sizes[quality])
    assert sizes["small"] < sizes["high"]


@pytest.mark.parametrize(("settings", "field"), [
    ({"format": "avi"}, "settings.format"),
    ({"resolution": "999p"}, "settings.resolution"),
    ({"resolution": "1081x1920"}, "settings.resolution"),
    ({"quality": "best"}, "settings.quality"),
    ({"fps": 29}, "settings.fps"),
    ({"range": {"in": 0.2, "out": 5}}, "settings.range.out"),
    ({"range": {"in": 0.8, "out": 0.8}}, "settings.range.in"),
    ({"range": {"in": -1, "out": 0.5}}, "settings.range.in"),
    ({"range": "half"}, "settings.range"),
    ({"preset": "vhs"}, "settings.preset"),
    ({"codec": "h264"}, "settings.codec"),
    ("mp4", "settings"),
])
def test_bad_settings_are_refused_naming_the_field(api, services, project, clips, settings, field):
    _timeline(services, project, clips["red"])
    for url in (f"/api/projects/{project['id']}/exports/estimate", f"/api/projects/{project['id']}/exports"):
        r = api.post(url, json={"settings": settings})
        err = r.get_json()["error"]
        assert r.status_code == 422 and err["field"] == field, err
        assert err["code"] == "invalid_export_settings" and err["message"]
    assert services.db.query("SELECT id FROM exports") == []
    folder = services.projects.folder(project["id"]) / "exports"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_history_lists_exports_newest_first_and_goes_stale_after_an_edit(api, services, project, clips):
    _timeline(services, project, clips["red"])
    first = _export(services, project, None)
    second = _export(services, project, {"format": "wav"})
    listed = api.get(f"/api/projects/{project['id']}/exports").get_json()["exports"]
    assert [e["id"] for e in listed] == [second["id"], first["id"]]
    assert listed[0]["settings"]["format"] == "wav" and listed[1]["settings"] is None
    for e in listed:
        path = services.exports.file_path(e["id"])
        assert e["size"] == path.stat().st_size and e["file_exists"] is True and e["stale"] is False
        assert e["duration"] == pytest.approx(1.0) and e["download_url"]
    # an edit: both were made from the revision before it
    tl = services.projects.timeline(project["id"])
    tl["tracks"][0]["clips"][0]["out"] = 0.5
    services.projects.save_timeline(project["id"], tl)
    services.exports.file_path(first["id"]).unlink()
    listed = api.get(f"/api/projects/{project['id']}/exports").get_json()["exports"]
    assert [e["stale"] for e in listed] == [True, True]
    assert [e["file_exists"] for e in listed] == [True, False]
    # another project's exports are not this one's
    other = services.projects.create("Other")
    assert api.get(f"/api/projects/{other['id']}/exports").get_json()["exports"] == []


def test_smart_render_says_why_the_settings_need_an_encode(services, project, clips):
    _timeline(services, project, clips["red"])
    job = _export(services, project, {"format": "webm_vp9"})
    assert job["plan"]["copy"] is False
    assert [s["reason"] for s in job["plan"]["stretches"]] == ["VP9 chosen in the export settings"]
    assert "VP9 chosen in the export settings" in job["plan"]["summary"]
    job = _export(services, project, {"fps": 30})
    assert job["plan"]["stretches"][0]["reason"] == "30 fps chosen in the export settings"
    with av.open(str(services.exports.file_path(job["id"]))) as c:
        assert float(c.streams.video[0].average_rate) == pytest.approx(30)
    # the default settings plan as no settings do: by the sources themselves
    job = _export(services, project, {})
    assert "chosen in the export settings" not in job["plan"]["summary"]


def test_the_cli_exports_with_a_preset_or_flags(services, project, clips, config):
    _timeline(services, project, clips["red"])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    run = subprocess.run([sys.executable, "-m", "reelcut.cli", "--data-dir", str(config.data_dir), "export",
                          project["name"], "--format", "mp3", "--quality", "small", "--range", "0.25", "0.75"],
                         capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 0, run.stderr
    out = Path(run.stdout.strip())
    assert out.suffix == ".mp3" and out.is_file()
    got = _streams(out)
    assert got["video"] == [] and got["audio"] == ["mp3float"]
    assert got["duration"] == pytest.approx(0.5, abs=0.06)
    bad = subprocess.run([sys.executable, "-m", "reelcut.cli", "--data-dir", str(config.data_dir), "export",
                          project["name"], "--resolution", "999p"], capture_output=True, text=True, timeout=120,
                         env=env)
    assert bad.returncode == 1 and "resolution must be" in bad.stderr


def _copyable(path: Path, tone: int, pattern: str) -> Path:
    """What the default export writes (H.264 High, AAC LC 48 kHz stereo), 320x180 at 30 fps with a
    keyframe every second: smart render may copy it."""
    ms._ffmpeg("-f", "lavfi", "-i", f"{pattern}=size={W}x{H}:rate=30", "-f", "lavfi",
               "-i", f"sine=frequency={tone}:sample_rate=48000", "-t", "2",
               "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-g", "30",
               "-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-ac", "2", "-movflags", "+faststart", str(path))
    return path


def _hashes(path: Path) -> list[bytes]:
    with av.open(str(path)) as c:
        return [b"".join(bytes(p) for p in f.reformat(format="yuv420p").planes) for f in c.decode(video=0)]


def test_a_range_on_keyframes_is_copied_and_one_between_them_encoded(services, project, tmp_path):
    a, b = _copyable(tmp_path / "a.mp4", 440, "testsrc2"), _copyable(tmp_path / "b.mp4", 660, "testsrc")
    pid = project["id"]
    items = [services.media.import_path(pid, p) for p in (a, b)]
    tl = services.projects.timeline(pid)
    tl.update({"width": W, "height": H, "fps": 30})
    tl["tracks"] = [{"id": "v", "kind": "video", "muted": False, "hidden": False, "clips": [
        {"id": f"c{n}", "media_id": item["id"], "start": 2.0 * n, "in": 0.0, "out": 2.0}
        for n, item in enumerate(items)]}]
    services.projects.save_timeline(pid, tl)
    job = _export(services, project, {"range": {"in": 1.0, "out": 3.0}})
    assert job["plan"]["copy"] is True, job["plan"]
    out = services.exports.file_path(job["id"])
    assert _hashes(out) == _hashes(a)[30:] + _hashes(b)[:30]  # the range's frames, untouched
    job = _export(services, project, {"range": {"in": 0.5, "out": 3.0}})
    assert job["plan"]["copy"] is False and "cut between keyframes" in job["plan"]["summary"], job["plan"]
    assert _streams(services.exports.file_path(job["id"]))["duration"] == pytest.approx(2.5, abs=0.05)


def test_a_sound_only_export_of_a_timeline_with_captions_has_the_sound(services, project, clips):
    """Captions are picture: a WAV of a timeline with a captions track (burnt in by default) once
    asked ffmpeg to draw them on a picture the sound-only graph does not have, and failed."""
    _timeline(services, project, clips["red"])
    tl = services.projects.timeline(project["id"])
    tl["tracks"].insert(0, {"id": "cap", "name": "Captions", "kind": "captions", "muted": False, "hidden": False,
                            "style": {}, "clips": [{"id": "l1", "start": 0.2, "duration": 0.5, "text": "Hello"}]})
    services.projects.save_timeline(project["id"], tl)
    job = _export(services, project, {"format": "wav"})
    got = _streams(services.exports.file_path(job["id"]))
    assert got["video"] == [] and got["audio"] == ["pcm_s16le"] and got["duration"] == pytest.approx(1.0, abs=0.05)
