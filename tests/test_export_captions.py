"""Captions in the export (issue 15): burnt in, a subtitle file beside it, a subtitle stream in
it, or none; judged from real exports: the decoded frames (caption ink or not), the file's
subtitle stream (its codec, and its cues extracted by the bundled ffmpeg and read by pysubs2)
and the sidecar's bytes through its download route."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import av
import pysubs2
import pytest

from reelcut.media.ffmpeg import ffmpeg_exe

from . import media_samples as ms
from .conftest import Api
from .test_desktop import RecordingShell

pytestmark = pytest.mark.timeout(180)

W, H = 320, 180
LINES = [(0.2, 0.5, "HELLO"), (0.8, 0.6, "WORLD"), (1.6, 0.3, "AGAIN")]
WHOLE = [(200, 700, "HELLO"), (800, 1400, "WORLD"), (1600, 1900, "AGAIN")]
# the range 1..2 s: HELLO is outside it, WORLD is cut at the in point, AGAIN is shifted
RANGED = [(0, 400, "WORLD"), (600, 900, "AGAIN")]


def _dark_copyable(path: Path) -> Path:
    """What the default export writes (H.264, AAC 48 kHz stereo), dark grey at 30 fps with a
    keyframe every second: smart render may copy it, and white caption letters stand out on it."""
    ms._ffmpeg("-f", "lavfi", "-i", f"color=c=0x202020:size={W}x{H}:rate=30", "-f", "lavfi",
               "-i", "sine=frequency=440:sample_rate=48000", "-t", "2",
               "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-g", "30",
               "-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-ac", "2", "-movflags", "+faststart", str(path))
    return path


@pytest.fixture
def timeline(services: Any, project: dict[str, Any], tmp_path: Path) -> str:
    pid = project["id"]
    item = services.media.import_path(pid, _dark_copyable(tmp_path / "dark.mp4"))
    tl = services.projects.timeline(pid)
    tl.update({"width": W, "height": H, "fps": 30})
    tl["tracks"] = [
        {"id": "cc", "name": "English", "kind": "captions", "muted": False, "hidden": False,
         "style": {"color": "#ffffff", "size": 30},
         "clips": [{"id": f"l{i}", "start": s, "duration": d, "text": t} for i, (s, d, t) in enumerate(LINES)]},
        # a second, lower captions track: not the one written (the topmost visible one is)
        {"id": "cc2", "name": "French", "kind": "captions", "muted": False, "hidden": False, "style": {},
         "clips": [{"id": "f0", "start": 0.0, "duration": 1.0, "text": "BONJOUR"}]},
        {"id": "v", "kind": "video", "muted": False, "hidden": False, "clips": [
            {"id": "c1", "media_id": item["id"], "start": 0.0, "in": 0.0, "out": 2.0}]}]
    services.projects.save_timeline(pid, tl)
    return pid


def _export(services: Any, pid: str, settings: dict[str, Any]) -> tuple[dict[str, Any], Path]:
    job = services.exports.start(pid, settings)
    job = services.exports.wait(job["id"], timeout=150)
    assert job["status"] == "done", job
    return job, services.exports.file_path(job["id"])


def _ink(path: Path, t: float) -> int:
    """White pixels in the lower third of the frame shown at `t` (the captions sit at y = 0.9)."""
    with av.open(str(path)) as c:
        frame = None
        for f in c.decode(video=0):
            if f.time is not None and f.time > t + 1e-6:
                break
            frame = f
    assert frame is not None
    rgb = frame.to_ndarray(format="rgb24")[H * 2 // 3:]
    return int((rgb.min(axis=2) > 200).sum())


def _subtitle_streams(path: Path) -> list[str]:
    with av.open(str(path)) as c:
        return [s.codec_context.name for s in c.streams if s.type == "subtitle"]


def _cues(subs: pysubs2.SSAFile) -> list[tuple[int, int, str]]:
    return [(e.start, e.end, e.plaintext) for e in subs]


def _embedded(path: Path, tmp_path: Path) -> list[tuple[int, int, str]]:
    """The file's first subtitle stream, extracted by the bundled ffmpeg to SRT and read."""
    out = tmp_path / f"{path.stem}-extracted.srt"
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(path), "-map", "0:s:0",
                    str(out)], check=True, timeout=60)
    return _cues(pysubs2.load(str(out)))


def test_soft_captions_are_a_mov_text_stream_and_the_picture_is_still_copied(services, timeline, tmp_path):
    job, out = _export(services, timeline, {"captions": "soft"})
    assert job["plan"]["copy"] is True, job["plan"]  # no burn-in: nothing in the picture to encode
    assert _subtitle_streams(out) == ["mov_text"]
    assert _embedded(out, tmp_path) == WHOLE
    assert _ink(out, 0.4) == 0 and _ink(out, 1.0) == 0
    assert job["sidecar"] is None


def test_soft_captions_in_webm_are_webvtt(services, timeline, tmp_path):
    job, out = _export(services, timeline, {"captions": "soft", "format": "webm_vp9", "quality": "small"})
    assert out.suffix == ".webm"
    assert _subtitle_streams(out) == ["webvtt"]
    assert _embedded(out, tmp_path) == WHOLE
    assert _ink(out, 0.4) == 0


def test_sidecar_is_a_subtitle_file_beside_the_export(api: Api, services, timeline):
    job, out = _export(services, timeline, {"captions": "sidecar"})
    assert job["plan"]["copy"] is True, job["plan"]
    assert _subtitle_streams(out) == [] and _ink(out, 0.4) == 0
    listed = api.get(f"/api/projects/{timeline}/exports").json["exports"][0]
    assert listed["sidecar"]["filename"] == f"{out.stem}.srt"
    assert (out.parent / f"{out.stem}.srt").is_file()  # beside the export, in the project's folder
    r = api.get(listed["sidecar"]["download_url"])
    assert r.status_code == 200 and f"{out.stem}.srt" in r.headers["Content-Disposition"]
    assert _cues(pysubs2.SSAFile.from_string(r.get_data(as_text=True), format_="srt")) == WHOLE


def test_save_export_on_the_desktop_puts_the_subtitles_beside_the_saved_file(api: Api, services, timeline, tmp_path):
    """The desktop's Save export… (a native dialog, no downloads): the subtitle file goes beside
    the chosen file under its name, as players look for it; both appear whole."""
    job, out = _export(services, timeline, {"captions": "sidecar"})
    dest = tmp_path / "saved" / "my film.mp4"
    dest.parent.mkdir()
    services.desktop.window = RecordingShell([], str(dest))
    r = api.post("/api/desktop/save-export", json={"export_id": job["id"]})
    assert r.status_code == 200 and r.json["path"] == str(dest)
    assert dest.read_bytes() == out.read_bytes()
    assert (dest.parent / "my film.srt").read_bytes() == (out.parent / f"{out.stem}.srt").read_bytes()
    assert sorted(p.name for p in dest.parent.iterdir()) == ["my film.mp4", "my film.srt"]  # no .part left


def test_sidecar_beside_a_webm_is_webvtt_and_follows_the_range(api: Api, services, timeline):
    job, out = _export(services, timeline, {"captions": "sidecar", "format": "webm_vp9", "quality": "small",
                                            "range": {"in": 1.0, "out": 2.0}})
    assert job["sidecar"]["filename"].endswith(".vtt")
    text = api.get(urls_of(api, job)["sidecar"]["download_url"]).get_data(as_text=True)
    assert text.startswith("WEBVTT")
    assert _cues(pysubs2.SSAFile.from_string(text, format_="vtt")) == RANGED


def urls_of(api: Api, job: dict[str, Any]) -> dict[str, Any]:
    got: dict[str, Any] = api.get(f"/api/exports/{job['id']}").json["job"]
    return got


def test_a_range_shifts_and_cuts_the_soft_stream(services, timeline, tmp_path):
    job, out = _export(services, timeline, {"captions": "soft", "range": {"in": 1.0, "out": 2.0}})
    assert job["plan"]["copy"] is True, job["plan"]  # the range's cut is on a keyframe
    assert _embedded(out, tmp_path) == RANGED


def test_none_leaves_no_ink_and_no_stream(services, timeline):
    job, out = _export(services, timeline, {"captions": "none"})
    assert job["plan"]["copy"] is True and job["sidecar"] is None
    assert _subtitle_streams(out) == [] and _ink(out, 0.4) == 0 and _ink(out, 1.0) == 0


def test_burn_draws_the_captions_and_is_the_default(services, timeline):
    job, out = _export(services, timeline, {})
    assert job["settings"]["captions"] == "burn"
    assert job["plan"]["copy"] is False  # the stretches under a line are encoded
    assert _subtitle_streams(out) == [] and job["sidecar"] is None
    assert _ink(out, 0.4) > 50 and _ink(out, 1.0) > 50  # white letters over the dark grey


@pytest.mark.parametrize("settings,words", [
    ({"captions": "soft", "format": "gif"}, "GIF (no sound) cannot hold a subtitle stream"),
    ({"captions": "soft", "format": "wav"}, "cannot hold a subtitle stream"),
    ({"captions": "subtitles"}, "must be one of burn, sidecar, soft, none"),
])
def test_a_captions_mode_the_format_cannot_take_is_refused(api: Api, services, timeline, settings, words):
    r = api.post(f"/api/projects/{timeline}/exports", json={"settings": settings})
    assert r.status_code == 422, r.json
    assert r.json["error"]["field"] == "settings.captions" and words in r.json["error"]["message"], r.json
    assert services.exports.list(timeline) == []  # no export row


def test_sidecar_without_a_visible_captions_track_is_refused(api: Api, services, timeline):
    tl = services.projects.timeline(timeline)
    for track in tl["tracks"]:
        if track["kind"] == "captions":
            track["hidden"] = True
    services.projects.save_timeline(timeline, tl)
    r = api.post(f"/api/projects/{timeline}/exports", json={"settings": {"captions": "sidecar"}})
    assert r.status_code == 422 and r.json["error"]["field"] == "settings.captions", r.json
    assert "no visible captions track" in r.json["error"]["message"]
    assert services.exports.list(timeline) == []


def test_the_formats_offer_the_captions_modes(api: Api):
    got = api.get("/api/export/formats").json
    assert [m["id"] for m in got["captions_modes"]] == ["burn", "sidecar", "soft", "none"]
    assert got["default"]["captions"] == "burn"
    assert set(got["soft_captions_formats"]) >= {"mp4_h264", "webm_vp9", "mov_prores"}
    assert not {"gif", "wav", "mp3", "m4a_aac"} & set(got["soft_captions_formats"])
