"""Proxies for engines that cannot decode the original (PyPI's Qt WebEngine has no H.264)."""

from __future__ import annotations

import time
from typing import Any

import av

from reelcut.bridge import Bridge
from reelcut.library.proxies import engine_plays

from .conftest import Api

QT = {"h264_aac": "", "vp9_opus": "probably", "av1": "probably"}
CHROMIUM = {"h264_aac": "probably", "vp9_opus": "probably", "av1": "probably"}


def wait_ready(bridge: Bridge, media_id: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        item = bridge.get_media(media_id)
        if item["proxy"]["status"] in ("ready", "failed"):
            return item
        time.sleep(0.05)
    raise AssertionError("proxy not made in time")


def test_which_engines_need_proxies() -> None:
    assert engine_plays({}, "h264")  # no report yet: a browser
    assert not engine_plays(QT, "h264") and engine_plays(QT, "vp9")
    assert engine_plays(CHROMIUM, "h264")
    assert not engine_plays(CHROMIUM, "hevc")  # never probed, so never trusted


def test_qt_engine_gets_a_vp9_proxy_first(api: Api, bridge: Bridge, project: dict, samples: dict) -> None:
    item = bridge.import_path(project["id"], samples["video"])
    assert item["proxy"]["status"] == "none"
    q = bridge.bus.subscribe()
    assert api.post("/api/capabilities", json={"codecs": QT}).status_code == 200
    item = wait_ready(bridge, item["id"])
    assert item["proxy"]["status"] == "ready" and item["proxy"]["progress"] == 1.0
    sources = api.get(f"/api/media/{item['id']}/sources").json["sources"]
    assert [s["kind"] for s in sources] == ["proxy", "local", "blob"]
    assert sources[0] == {"kind": "proxy", "url": f"/media/{item['id']}/proxy", "type": "video/webm"}
    r = api.get(sources[0]["url"], headers={"Range": "bytes=0-3"})
    assert r.status_code == 206 and r.data == b"\x1a\x45\xdf\xa3"  # EBML: a WebM file
    path = bridge.proxy_file(item["id"])
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


def test_new_clips_get_proxies_in_the_background(bridge: Bridge, project: dict) -> None:
    bridge.report_capabilities(QT)
    job = bridge.start_generation(project["id"], ["local/preview-t2v"], "a proxy please",
                                  {"local/preview-t2v": {"duration": 1, "resolution": "360p"}})[0]
    done = bridge.jobs.wait(job["id"], timeout=60)
    item = wait_ready(bridge, done["media_id"])
    assert item["proxy"]["status"] == "ready"


def test_browsers_that_play_h264_get_no_proxy(bridge: Bridge, project: dict, samples: dict) -> None:
    bridge.report_capabilities(CHROMIUM)
    item = bridge.import_path(project["id"], samples["video"])
    time.sleep(0.3)
    assert bridge.get_media(item["id"])["proxy"]["status"] == "none"
    assert [s["kind"] for s in bridge.playback_sources(item["id"])] == ["local", "blob"]


def test_export_uses_the_originals(bridge: Bridge, project: dict, samples: dict) -> None:
    bridge.report_capabilities(QT)
    item = wait_ready(bridge, bridge.import_path(project["id"], samples["video"])["id"])
    tl = bridge.get_timeline(project["id"])
    tl["tracks"][0]["clips"] = [{"id": "c", "media_id": item["id"], "start": 0, "in": 0, "out": 1}]
    tl.update({"width": 320, "height": 240})
    bridge.save_timeline(project["id"], tl)
    sources = bridge.exports._sources(project["id"])
    assert sources[item["id"]].path == bridge.media_file(item["id"])[0]
    assert sources[item["id"]].path.suffix == ".mp4"


def test_deleting_media_deletes_its_proxy(bridge: Bridge, project: dict, samples: dict) -> None:
    bridge.report_capabilities(QT)
    item = wait_ready(bridge, bridge.import_path(project["id"], samples["video"])["id"])
    proxy = bridge.proxy_file(item["id"])
    bridge.delete_media(item["id"])
    assert not proxy.exists()
