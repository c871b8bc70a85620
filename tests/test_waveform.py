"""Waveforms in bounded memory and time (issue 33, finding 2): peaks folded per bucket while the
sound streams, cached beside the media, computed in the background for a long sound; and the
thumbnail of a 1-pixel-wide video."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from reelcut.media.ffmpeg import ffmpeg_exe

from .conftest import Api

ROOT = Path(__file__).resolve().parents[1]


def _ffmpeg(*args: str) -> None:
    # a concat of MP3s warns of each join's timestamps; only a failure matters here
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "fatal", "-nostdin", "-y", *args], check=True)


def _concat(dest: Path, part: Path, copies: int) -> Path:
    listing = dest.with_suffix(".txt")
    listing.write_text("".join(f"file '{part.name}'\n" for _ in range(copies)))
    _ffmpeg("-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", str(dest))
    return dest


def make_long_audio(folder: Path) -> dict[str, Path]:
    """One minute of a sine at half scale (lavfi's is at 1/8; times 4) as a low-rate MP3, then an
    hour and ten hours of it, joined with stream copy (no encode: seconds, not hours)."""
    minute = folder / "minute.mp3"
    _ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050", "-af", "volume=4", "-t", "60",
            "-ac", "1", "-b:a", "8k", str(minute))
    hour = _concat(folder / "hour.mp3", minute, 60)
    ten = _concat(folder / "ten-hours.mp3", hour, 10)
    return {"minute": minute, "hour": hour, "ten_hours": ten}


@pytest.fixture(scope="module")
def long_audio(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_long_audio(tmp_path_factory.mktemp("long-audio"))


# Runs in a child process, so its peak RSS is the computation's own: the baseline is taken after
# the imports and a warm-up on the one-minute file.
MEASURE = """
import json, resource, sys, time
from pathlib import Path
from reelcut.media.filmstrip import waveform_peaks

def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

waveform_peaks(Path(sys.argv[1]))
before = peak_mb()
t = time.perf_counter()
data = waveform_peaks(Path(sys.argv[2]))
print(json.dumps({"seconds": time.perf_counter() - t, "growth_mb": peak_mb() - before,
                  "children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "duration": data["duration"], "peaks": data["peaks"]}))
"""


def measure_waveform(warmup: Path, src: Path, timeout: float = 900) -> dict[str, Any]:
    env = {"PYTHONPATH": str(ROOT / "desktop"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", MEASURE, str(warmup), str(src)], capture_output=True, text=True,
                         timeout=timeout, env=env, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_ten_hour_waveform_in_bounded_memory(long_audio: dict[str, Path]) -> None:
    m = measure_waveform(long_audio["minute"], long_audio["ten_hours"])
    assert m["growth_mb"] < 100, f"the waveform of 10 hours grew the process by {m['growth_mb']:.0f} MB"
    assert m["children_mb"] < 100, f"ffmpeg peaked at {m['children_mb']:.0f} MB"
    assert abs(m["duration"] - 36000) < 60
    peaks = m["peaks"]
    assert len(peaks) == 4000
    # a sine at half scale all through: every bucket, the last one too, saw it
    assert min(peaks) > 0.4 and max(peaks) < 0.6


def test_fold_matches_whole_array_buckets() -> None:
    """Folding chunk by chunk gives the buckets of the whole array (sample i in bucket
    i * points // total), and each bucket's size is within one of the others'."""
    from reelcut.media.filmstrip import _fold

    rng = np.random.default_rng(7)
    samples = rng.random(100_003).astype(np.float32)
    for points in (1, 7, 4000):
        peaks = np.zeros(points, dtype=np.float32)
        start = 0
        while start < samples.size:
            n = int(rng.integers(1, 5000))
            _fold(peaks, samples[start:start + n], start, samples.size)
            start += n
        which = np.arange(samples.size) * points // samples.size
        expected = np.zeros(points, dtype=np.float32)
        np.maximum.at(expected, which, samples)
        assert np.array_equal(peaks, expected)
        sizes = np.bincount(which)
        assert sizes.size == points and sizes.max() - sizes.min() <= 1
    # more samples than the duration promised: the extra count to the last bucket
    peaks = np.zeros(4, dtype=np.float32)
    _fold(peaks, np.array([0.1] * 8 + [0.9], dtype=np.float32), 0, 8)
    assert peaks.tolist() == pytest.approx([0.1, 0.1, 0.1, 0.9])


def test_waveform_is_cached_beside_the_media_and_deleted_with_it(
        api: Api, services: Any, project: dict, samples: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    item = services.media.import_path(project["id"], samples["audio"])
    first = api.get(f"/api/media/{item['id']}/waveform")
    assert first.status_code == 200
    assert first.json["duration"] > 1.4 and len(first.json["peaks"]) > 50 and max(first.json["peaks"]) > 0.1
    cache = services.projects.folder(project["id"]) / "thumbs" / f"{item['id']}-wave.json"
    assert json.loads(cache.read_text()) == first.json

    def no_second_computation(*args: Any, **kw: Any) -> Any:
        raise AssertionError("the waveform was computed again")

    monkeypatch.setattr("reelcut.library.media_store.waveform_peaks", no_second_computation)
    t = time.perf_counter()
    second = api.get(f"/api/media/{item['id']}/waveform")
    assert second.status_code == 200 and second.json == first.json
    assert time.perf_counter() - t < 0.5
    assert api.delete(f"/api/media/{item['id']}").json == {"ok": True}
    assert not cache.exists(), "the waveform cache outlived its media"


def _poll(api: Api, media_id: str, until: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        r = api.get(f"/api/media/{media_id}/waveform")
        if until(r) or time.monotonic() > deadline:
            return r
        time.sleep(0.05)


def test_waveform_pending_then_ready_through_the_api(api: Api, services: Any, project: dict,
                                                     samples: dict) -> None:
    """A request that would wait answers 202 {status: pending, progress} and the page asks again."""
    item = services.media.import_path(project["id"], samples["audio"])
    services.media.wave_wait = 0  # answer at once, as for a long sound
    r = api.get(f"/api/media/{item['id']}/waveform")
    assert r.status_code == 202
    assert r.json["status"] == "pending" and 0 <= r.json["progress"] <= 1
    assert r.json["peaks"] == []  # a page that ignores the status draws nothing, and does not break
    r = _poll(api, item["id"], lambda r: r.status_code == 200, timeout=30)
    assert r.status_code == 200 and "status" not in r.json
    assert len(r.json["peaks"]) > 50 and max(r.json["peaks"]) > 0.1


def _waveform_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("waveform-")]


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_long_waveform_answers_at_once_in_the_background(api: Api, services: Any, project: dict,
                                                         long_audio: dict[str, Path]) -> None:
    item = services.media.import_path(project["id"], long_audio["ten_hours"])
    t = time.perf_counter()
    r = api.get(f"/api/media/{item['id']}/waveform")
    assert time.perf_counter() - t < 10, "the request thread was held for the whole computation"
    assert r.status_code == 202 and r.json["status"] == "pending"
    progressed = _poll(api, item["id"], lambda r: r.status_code != 202 or r.json["progress"] > 0, timeout=60)
    assert progressed.status_code == 202 and 0 < progressed.json["progress"] < 1
    # deleting the item stops its computation, and leaves no cache behind
    assert _waveform_threads()
    api.delete(f"/api/media/{item['id']}")
    deadline = time.monotonic() + 20
    while _waveform_threads() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _waveform_threads(), "the computation went on for a deleted item"
    assert not (services.projects.folder(project["id"]) / "thumbs" / f"{item['id']}-wave.json").exists()
    assert api.get(f"/api/media/{item['id']}/waveform").status_code == 404


@pytest.fixture
def thin_video(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "thin.mp4"
    _ffmpeg("-f", "lavfi", "-i", "color=c=red:size=1x64:rate=25", "-t", "1", "-c:v", "libx264", "-pix_fmt",
            "yuv444p", str(path))
    yield path


def test_one_pixel_wide_video_gets_a_thumbnail(api: Api, services: Any, project: dict, thin_video: Path,
                                               caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        item = services.media.import_path(project["id"], thin_video)
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    assert item["has_thumbnail"] and item["width"] == 1
    with av.open(str(services.media.thumbnail_path(item["id"]))) as c:
        frame = next(c.decode(video=0))
    assert frame.width >= 2 and frame.height >= 2
    assert frame.to_ndarray(format="rgb24")[..., 0].mean() > 150  # red
    strip = api.get(f"/media/{item['id']}/filmstrip")
    assert strip.status_code == 200 and strip.data[:3] == b"\xff\xd8\xff"


def test_failed_waveform_is_an_error_once_then_tried_again(
        api: Api, services: Any, project: dict, samples: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    from reelcut.errors import AppError

    item = services.media.import_path(project["id"], samples["audio"])

    def unreadable(*args: Any, **kw: Any) -> Any:
        raise AppError("waveform_failed", "The sound could not be read: damaged", status=422)

    monkeypatch.setattr("reelcut.library.media_store.waveform_peaks", unreadable)
    r = api.get(f"/api/media/{item['id']}/waveform")
    assert r.status_code == 422 and r.json["error"]["code"] == "waveform_failed"
    monkeypatch.undo()
    r = api.get(f"/api/media/{item['id']}/waveform")
    assert r.status_code == 200 and len(r.json["peaks"]) > 50


def test_very_wide_video_gets_a_bounded_filmstrip(api: Api, services: Any, project: dict, tmp_path: Path) -> None:
    from reelcut.media.filmstrip import STRIP_FRAMES, STRIP_HEIGHT

    path = tmp_path / "wide.mp4"
    _ffmpeg("-f", "lavfi", "-i", "color=c=blue:size=2000x2:rate=25", "-t", "1", "-c:v", "libx264", "-pix_fmt",
            "yuv444p", str(path))
    item = services.media.import_path(project["id"], path)
    strip = api.get(f"/media/{item['id']}/filmstrip")
    assert strip.status_code == 200 and strip.data[:3] == b"\xff\xd8\xff"
    with av.open(str(services.media.filmstrip_path(item["id"]))) as c:
        frame = next(c.decode(video=0))
    assert frame.height == STRIP_HEIGHT and frame.width <= STRIP_FRAMES * 4 * STRIP_HEIGHT
