"""Proxies for engines that cannot decode the original (PyPI's Qt WebEngine has no H.264), and
for videos that are slow to seek while the user keeps preview proxies on."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import av
import pytest

from reelcut.config import Config
from reelcut.media.probe import probe
from reelcut.render.proxies import engine_plays, slow_to_seek
from reelcut.services import Services

from . import media_samples as ms
from .conftest import Api, sources_of

QT = {"h264_aac": "", "vp9_opus": "probably", "av1": "probably"}
CHROMIUM = {"h264_aac": "probably", "vp9_opus": "probably", "av1": "probably"}


def wait_ready(services: Services, media_id: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        item = services.media.get(media_id)
        if item["proxy"]["status"] in ("ready", "failed"):
            return item
        time.sleep(0.05)
    raise AssertionError("proxy not made in time")


@pytest.fixture(scope="module")
def hd_long_gop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1080p with a single keyframe (x264's default spacing is 10 s): every seek decodes back to 0."""
    return ms.make_video(tmp_path_factory.mktemp("hd") / "hd.mp4", seconds=3, size="1920x1080")


def keyframe_times(path: Path) -> list[float]:
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        return [float(p.pts * p.time_base) for p in c.demux(s) if p.is_keyframe and p.pts is not None]


def test_which_engines_need_proxies() -> None:
    assert engine_plays({}, "h264")  # no report yet: a browser
    assert not engine_plays(QT, "h264") and engine_plays(QT, "vp9")
    assert engine_plays(CHROMIUM, "h264")
    assert not engine_plays(CHROMIUM, "hevc")  # never probed, so never trusted


def test_qt_engine_gets_a_vp9_proxy_first(api: Api, services: Services, project: dict, samples: dict) -> None:
    item = services.media.import_path(project["id"], samples["video"])
    assert item["proxy"]["status"] == "none"
    q = services.bus.subscribe()
    assert api.post("/api/capabilities", json={"codecs": QT}).status_code == 200
    item = wait_ready(services, item["id"])
    assert item["proxy"]["status"] == "ready" and item["proxy"]["progress"] == 1.0
    sources = api.get(f"/api/media/{item['id']}/sources").json["sources"]
    assert [s["kind"] for s in sources] == ["proxy", "local", "blob"]
    assert sources[0] == {"kind": "proxy", "url": f"/media/{item['id']}/proxy", "type": "video/webm"}
    r = api.get(sources[0]["url"], headers={"Range": "bytes=0-3"})
    assert r.status_code == 206 and r.data == b"\x1a\x45\xdf\xa3"  # EBML: a WebM file
    path = services.media.proxy_path(item["id"])
    with av.open(str(path)) as c:
        assert c.streams.video[0].codec_context.name == "vp9"
        assert c.streams.audio[0].codec_context.name == "opus"
        assert c.streams.video[0].codec_context.height <= 540
    statuses = []
    while not q.empty():
        event, data = q.get_nowait()
        if event == "media" and data["media"]["id"] == item["id"]:
            statuses.append(data["media"]["proxy"]["status"])
    assert statuses[0] == "queued" and "encoding" in statuses and statuses[-1] == "ready"


def test_new_clips_get_proxies_in_the_background(services: Services, project: dict) -> None:
    services.proxies.report_capabilities(QT)
    job = services.jobs.start(project["id"], ["local/preview-t2v"], "a proxy please",
                                  {"local/preview-t2v": {"duration": 1, "resolution": "360p"}})[0]
    done = services.jobs.wait(job["id"], timeout=60)
    item = wait_ready(services, done["media_id"])
    assert item["proxy"]["status"] == "ready"


def test_browsers_that_play_h264_get_no_proxy(services: Services, project: dict, samples: dict) -> None:
    services.proxies.report_capabilities(CHROMIUM)
    item = services.media.import_path(project["id"], samples["video"])
    # the proxy feed decides on its own thread: wait for its decision, not for a guessed while
    decided = services.proxies.wait_decided(item["id"], timeout=10)
    assert decided is not None, "the proxy feed did not consider the new clip within 10 s"
    assert decided is False
    assert services.media.get(item["id"])["proxy"]["status"] == "none"
    assert [s["kind"] for s in sources_of(services, item["id"])] == ["local", "blob"]


def test_export_uses_the_originals(services: Services, project: dict, samples: dict) -> None:
    services.proxies.report_capabilities(QT)
    item = wait_ready(services, services.media.import_path(project["id"], samples["video"])["id"])
    tl = services.projects.timeline(project["id"])
    tl["tracks"][0]["clips"] = [{"id": "c", "media_id": item["id"], "start": 0, "in": 0, "out": 1}]
    tl.update({"width": 320, "height": 240})
    services.projects.save_timeline(project["id"], tl)
    sources = services.exports.sources(project["id"])
    assert sources[item["id"]].path == services.media.file_path(item["id"])[0]
    assert sources[item["id"]].path.suffix == ".mp4"


def test_deleting_media_deletes_its_proxy_when_the_undo_window_closes(services: Services, project: dict,
                                                                      samples: dict) -> None:
    services.proxies.report_capabilities(QT)
    item = wait_ready(services, services.media.import_path(project["id"], samples["video"])["id"])
    proxy = services.media.proxy_path(item["id"])
    services.media.delete(item["id"])
    assert proxy.exists()  # kept until the undo window closes
    services.media.purge_deleted()
    assert not proxy.exists()


def video(width: int, height: int, keyframe_interval: float | None, fps: float = 25) -> dict[str, Any]:
    return {"kind": "video", "width": width, "height": height, "fps": fps, "keyframe_interval": keyframe_interval}


def test_which_videos_are_slow_to_seek() -> None:
    assert slow_to_seek(video(1920, 1080, 2.0))           # 50 frames of 1080p back to a keyframe
    assert not slow_to_seek(video(1920, 1080, 0.5))       # a keyframe every half second
    assert slow_to_seek(video(1920, 1080, 0.5, fps=60))   # ...but that is 30 frames at 60 fps
    assert not slow_to_seek(video(1280, 720, 1.0))
    assert slow_to_seek(video(1280, 720, 10.0))           # an encoder's default spacing
    assert not slow_to_seek(video(320, 240, 2.0))
    assert slow_to_seek(video(1920, 1080, None))          # unknown spacing, larger than a proxy
    assert not slow_to_seek(video(960, 540, None))
    assert not slow_to_seek({"kind": "image", "width": 4000, "height": 3000, "fps": None, "keyframe_interval": None})


def test_probe_reads_the_keyframe_spacing_from_the_index(hd_long_gop: Path, samples: dict,
                                                         tmp_path: Path) -> None:
    assert probe(hd_long_gop).keyframe_interval == pytest.approx(3.0, abs=0.05)
    assert probe(samples["video"]).keyframe_interval == pytest.approx(2.0, abs=0.05)
    tight = ms.make_video(tmp_path / "tight.mp4", seconds=3, keyint=10)
    assert probe(tight).keyframe_interval == pytest.approx(0.4, abs=0.05)
    assert probe(samples["image"]).keyframe_interval is None


def test_a_slow_to_seek_video_gets_a_seek_proxy_in_a_browser_too(services: Services, project: dict,
                                                                 hd_long_gop: Path) -> None:
    """Chromium decodes H.264, but a seek in this clip decodes up to 75 frames of 1080p: the player
    gets a 540p proxy with a keyframe every half second."""
    services.proxies.report_capabilities(CHROMIUM)
    item = services.media.import_path(project["id"], hd_long_gop)
    assert item["keyframe_interval"] == pytest.approx(3.0, abs=0.05)
    item = wait_ready(services, item["id"])
    assert item["proxy"]["status"] == "ready"
    assert [s["kind"] for s in sources_of(services, item["id"])] == ["proxy", "local", "blob"]
    proxy = services.media.proxy_path(item["id"])
    keys = keyframe_times(proxy)
    spacing = [b - a for a, b in zip(keys, [*keys[1:], 3.0], strict=True)]
    assert max(spacing) <= 0.5 + 0.01 and len(keys) >= 6
    with av.open(str(proxy)) as c:
        assert c.streams.video[0].codec_context.height == 540


def test_seek_proxies_follow_the_setting(api: Api, services: Services, project: dict, hd_long_gop: Path) -> None:
    services.proxies.report_capabilities(CHROMIUM)
    assert api.put("/api/settings", json={"preview_proxies": False}).status_code == 200
    item = services.media.import_path(project["id"], hd_long_gop)
    assert not services.proxies.needs_proxy(item)
    assert services.proxies.wait_idle(timeout=60), "requested proxies were not done within 60 s"
    assert services.media.get(item["id"])["proxy"]["status"] == "none"
    assert [s["kind"] for s in api.get(f"/api/media/{item['id']}/sources").json["sources"]] == ["local", "blob"]
    # turned on: the videos that are slow to seek get their proxies, and the player uses them
    assert api.put("/api/settings", json={"preview_proxies": True}).json["preview_proxies"] is True
    assert wait_ready(services, item["id"])["proxy"]["status"] == "ready"
    assert [s["kind"] for s in api.get(f"/api/media/{item['id']}/sources").json["sources"]][0] == "proxy"
    # off again: the proxy stays on disk but the original plays
    api.put("/api/settings", json={"preview_proxies": False})
    assert [s["kind"] for s in api.get(f"/api/media/{item['id']}/sources").json["sources"]] == ["local", "blob"]
    # an engine that cannot decode H.264 still gets the proxy, whatever the setting
    services.proxies.report_capabilities(QT)
    assert [s["kind"] for s in api.get(f"/api/media/{item['id']}/sources").json["sources"]][0] == "proxy"


def test_a_proxy_waiting_in_the_queue_is_skipped_once_turned_off(services: Services, project: dict,
                                                                 hd_long_gop: Path) -> None:
    services.proxies.report_capabilities(CHROMIUM)
    services.preferences.update({"preview_proxies": False})
    item = services.media.import_path(project["id"], hd_long_gop)
    services.proxies.request(item["id"])  # queued just before the user turned the setting off
    assert services.proxies.wait_idle(timeout=60), "requested proxies were not done within 60 s"
    assert services.media.get(item["id"])["proxy"]["status"] == "none"


def test_offline_clips_are_quick_to_seek(services: Services, project: dict) -> None:
    """The built-in generator puts a keyframe every half second, so its clips need no seek proxy."""
    services.proxies.report_capabilities(CHROMIUM)
    job = services.jobs.start(project["id"], ["local/preview-t2v"], "keyframes",
                                  {"local/preview-t2v": {"duration": 2, "resolution": "720p"}})[0]
    item = services.media.get(services.jobs.wait(job["id"], timeout=60)["media_id"])
    assert item["keyframe_interval"] is not None and item["keyframe_interval"] <= 0.5 + 0.01
    assert not slow_to_seek(item) and not services.proxies.needs_proxy(item)


def test_closing_during_an_encode_leaves_a_clean_row(config: Config, hd_long_gop: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    """Quitting while a proxy is being made: the encode stops and its row is put back before the
    database closes, so nothing fails on the way out and the next start makes it again."""
    b = Services(config)
    b.start()
    pid = b.projects.create("Quit")["id"]
    b.proxies.report_capabilities(QT)
    item = b.media.import_path(pid, hd_long_gop)
    deadline = time.monotonic() + 30
    while b.media.get(item["id"])["proxy"]["progress"] == 0:  # ffmpeg is writing the proxy
        assert time.monotonic() < deadline, "the proxy encode did not start within 30 s"
        time.sleep(0.005)
    b.close()
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "WARNING")]
    assert list(config.temp_dir.iterdir()) == []  # the half-made proxy is gone already
    again = Services(config)
    again.start()
    try:
        assert again.media.get(item["id"])["proxy"]["status"] == "none"
    finally:
        again.close()


@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_closing_while_the_proxy_feed_decides(config: Config) -> None:
    """A media event arrives just as the app closes: the feed deciding whether it needs a proxy
    (which reads the settings) finishes before the database closes, instead of failing on it."""
    item = {"id": "x", "kind": "video", "width": 1920, "height": 1080, "fps": 25, "keyframe_interval": 10.0,
            "video_codec": "h264", "proxy": {"status": "none", "progress": 0}}
    for _ in range(20):
        b = Services(config)
        b.start()
        b.preferences.settings.forget()  # the setting is read from the database, as at first use
        b.bus.publish("media", {"project_id": "p", "media": item})
        b.close()
