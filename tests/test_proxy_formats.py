"""A proxy for every video that imports, whatever its pixels (alpha, RGB, 4:4:4, deeper than
8 bits) and however it is turned (a phone's display matrix); a proxy that fails says why, on its
row and through the API, and can be asked for again."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from reelcut.media.ffmpeg import ffmpeg_exe
from reelcut.media.probe import picture, probe
from reelcut.render.proxies import proxy_pix_fmt
from reelcut.services import Services

from . import media_samples as ms
from .conftest import Api
from .server_process import ServerProcess
from .test_proxies import QT, wait_ready


def _ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args], check=True, timeout=120)


def make_alpha_gif(path: Path, seconds: float = 1) -> Path:
    """An animated GIF whose right half is transparent (a palette with a transparent entry)."""
    _ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=160x120:rate=10:d={seconds},format=rgba,"
            "geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='if(lt(X,80),255,0)',split[a][b];"
            "[a]palettegen=reserve_transparent=1[p];[b][p]paletteuse=alpha_threshold=128", str(path))
    return path


def make_encoded(path: Path, *codec: str) -> Path:
    _ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-f", "lavfi",
            "-i", "sine=frequency=440:sample_rate=48000", "-t", "1", *codec, "-shortest", str(path))
    return path


SOURCES = {
    # name: (how to make it, the decoder's pixel format, the proxy's)
    "alpha.gif": (make_alpha_gif, "bgra", "yuva420p"),
    "yuv444.mp4": (lambda p: make_encoded(p, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p",
                                          "-c:a", "aac"), "yuv444p", "yuv420p"),
    "png-rgb.mov": (lambda p: make_encoded(p, "-c:v", "png", "-pix_fmt", "rgb24", "-c:a", "pcm_s16le"),
                    "rgb24", "yuv420p"),
    "rle-argb.mov": (lambda p: make_encoded(p, "-c:v", "qtrle", "-pix_fmt", "argb", "-c:a", "pcm_s16le"),
                     "argb", "yuva420p"),
    "prores4444.mov": (lambda p: make_encoded(p, "-c:v", "prores_ks", "-profile:v", "4444",
                                              "-pix_fmt", "yuva444p10le", "-c:a", "pcm_s16le"),
                       None, "yuva420p"),
}


def decoded_frames(proxy: Path) -> tuple[Any, list[av.VideoFrame]]:
    """The proxy's video stream and its frames, decoded with libvpx, which (unlike FFmpeg's own
    VP9 decoder) reads the alpha plane WebM carries beside the picture."""
    with av.open(str(proxy)) as c:
        stream = c.streams.video[0]
        info = {"codec": stream.codec_context.name, "profile": stream.codec_context.profile,
                "alpha_mode": stream.metadata.get("alpha_mode"),
                "size": (stream.codec_context.width, stream.codec_context.height)}
        decoder = av.CodecContext.create("libvpx-vp9", "r")
        frames = [f for packet in c.demux(stream) for f in decoder.decode(packet)]
    return info, frames


@pytest.mark.parametrize("name", list(SOURCES))
def test_every_pixel_format_gets_a_playable_proxy(services: Services, project: dict, tmp_path: Path,
                                                  name: str) -> None:
    make, source_fmt, want = SOURCES[name]
    src = make(tmp_path / name)
    seen = picture(src)
    assert seen is not None
    if source_fmt:
        assert seen.pix_fmt == source_fmt
    services.proxies.report_capabilities(QT)  # an engine without H.264 (or ProRes, GIF…): all need one
    item = services.media.import_path(project["id"], src)
    assert item["kind"] == "video"
    item = wait_ready(services, item["id"])
    assert item["proxy"]["status"] == "ready", item["proxy"]
    assert item["proxy"]["error"] is None
    info, frames = decoded_frames(services.media.proxy_path(item["id"]))
    assert info["codec"] == "vp9" and info["profile"] == "Profile 0"
    assert len(frames) >= 8 and {f.format.name for f in frames} == {want}
    assert info["size"] == (item["width"], item["height"]) == (160, 120)
    if want == "yuva420p":
        assert info["alpha_mode"] == "1"
    if name == "alpha.gif":  # the transparent half stays transparent
        alpha = frames[0].to_ndarray(format="rgba")[:, :, 3]
        assert alpha[60, 20] > 200 and alpha[60, 140] < 50


def test_the_reason_is_ffmpegs_first_error() -> None:
    from reelcut.media.encode import _reason
    said = ("[libvpx-vp9 @ 0x55be] Pixel format 'gbrap' is not widely supported.\n"
            "[vost#0:0/libvpx-vp9 @ 0x55] [enc:libvpx-vp9 @ 0x55] Error while opening encoder\n"
            "[out#0/webm @ 0x55be] Nothing was written into output file\n")
    assert _reason(said, 1) == "Pixel format 'gbrap' is not widely supported."
    assert _reason("", 187) == "exit code 187"
    assert len(_reason("x" * 1000, 1)) == 300


def test_pixel_format_choice() -> None:
    from reelcut.media.probe import Picture
    assert proxy_pix_fmt(None) == "yuv420p"
    assert proxy_pix_fmt(Picture("yuv444p", False, False)) == "yuv420p"
    assert proxy_pix_fmt(Picture("gbrap", True, False)) == "yuva420p"
    assert proxy_pix_fmt(Picture("yuva444p12le", True, True)) == "yuva420p"  # libvpx's alpha is 8-bit
    assert proxy_pix_fmt(Picture("yuv422p10le", False, True)) == "yuv420p10le"  # profile 2, not 3


# -- a rotated phone video -------------------------------------------------------------------

def make_rotated(tmp_path: Path) -> Path:
    """Coded 160x90, red on the left and blue on the right, with a display matrix turning it a
    quarter: players show it 90x160, one colour above the other."""
    coded = ms.make_bands(tmp_path / "coded.mp4", ["red", "blue"], size="160x90")
    out = tmp_path / "phone.mp4"
    _ffmpeg("-display_rotation", "90", "-i", str(coded), "-c", "copy", str(out))
    return out


def _colour(img: np.ndarray, y: int, x: int) -> str:
    r, g, b = (int(v) for v in img[y, x][:3])
    if r > 150 and g < 90 and b < 90:
        return "red"
    if b > 150 and r < 90 and g < 90:
        return "blue"
    return f"other{(r, g, b)}"


def test_a_rotated_video_agrees_on_its_orientation(services: Services, project: dict, tmp_path: Path) -> None:
    src = make_rotated(tmp_path)
    with av.open(str(src)) as c:  # the file is coded landscape...
        assert (c.streams.video[0].codec_context.width, c.streams.video[0].codec_context.height) == (160, 90)
    assert (probe(src).width, probe(src).height) == (90, 160)  # ...and stored as it is shown
    services.proxies.report_capabilities(QT)
    item = wait_ready(services, services.media.import_path(project["id"], src)["id"])
    assert (item["width"], item["height"]) == (90, 160)
    assert item["proxy"]["status"] == "ready"
    with av.open(str(services.media.proxy_path(item["id"]))) as c:
        proxy = next(c.decode(video=0))
        assert (proxy.width, proxy.height) == (90, 160)
        proxy_img = proxy.to_ndarray(format="rgb24")
    top, bottom = _colour(proxy_img, 20, 45), _colour(proxy_img, 140, 45)
    assert {top, bottom} == {"red", "blue"}, (top, bottom)
    # the export, on a canvas of the stored size, shows the same picture filling it
    tl = services.projects.timeline(project["id"])
    tl.update({"width": item["width"], "height": item["height"], "fps": 25})
    tl["tracks"][0]["clips"] = [{"id": "c", "media_id": item["id"], "start": 0, "in": 0, "out": 1}]
    services.projects.save_timeline(project["id"], tl)
    job = services.exports.wait(services.exports.start(project["id"])["id"], timeout=120)
    assert job["status"] == "done", job
    with av.open(str(services.exports.file_path(job["id"]))) as c:
        frame = next(c.decode(video=0))
        assert (frame.width, frame.height) == (90, 160)
        img = frame.to_ndarray(format="rgb24")
    assert (_colour(img, 20, 45), _colour(img, 140, 45)) == (top, bottom)
    assert _colour(img, 4, 4) == top and _colour(img, 156, 86) == bottom  # no bars: it fills the canvas
    # the media panel's poster and the timeline's filmstrip show it the same way up
    with av.open(str(services.media.thumbnail_path(item["id"]))) as c:
        poster = next(c.decode(video=0)).to_ndarray(format="rgb24")
    assert poster.shape[:2] == (160, 90)
    assert (_colour(poster, 20, 45), _colour(poster, 140, 45)) == (top, bottom)
    with av.open(str(services.media.filmstrip_path(item["id"]))) as c:
        strip = next(c.decode(video=0)).to_ndarray(format="rgb24")
    assert strip.shape[0] == 54 and strip.shape[1] == 10 * 30  # ten portrait pictures, 30x54 each
    assert (_colour(strip, 8, 15), _colour(strip, 46, 15)) == (top, bottom)


# -- a proxy that fails ------------------------------------------------------------------------

def test_a_failed_proxy_says_why_and_can_be_retried(api: Api, services: Services, project: dict, samples: dict,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    item = services.media.import_path(project["id"], samples["video"])
    stored, _ = services.media.file_path(item["id"])
    good = stored.read_bytes()
    stored.write_bytes(b"\0" * len(good))  # the file went bad on disk after import
    with caplog.at_level(logging.INFO):
        services.proxies.report_capabilities(QT)
        item = wait_ready(services, item["id"])
    assert item["proxy"]["status"] == "failed"
    error = item["proxy"]["error"]
    assert error["code"] == "ffmpeg_failed"
    # the cause ffmpeg names first, not its last line ("Nothing was written into output file")
    assert error["message"].startswith("The preview proxy failed: ") and "@ 0x" not in error["message"]
    assert "Invalid data" in error["message"] or "moov atom not found" in error["message"], error
    warned = [r for r in caplog.records if r.levelno == logging.WARNING and r.name == "reelcut.render.proxies"]
    assert warned and error["message"] in warned[0].getMessage()
    # the API and the list say it
    got = api.get(f"/api/media/{item['id']}").json["media"]
    assert got["proxy"]["status"] == "failed" and got["proxy"]["error"] == error
    listed = api.get(f"/api/projects/{project['id']}/media").json["media"]
    assert next(m for m in listed if m["id"] == item["id"])["proxy"]["error"] == error
    # Retry, once the file is whole again: the reason is cleared and the proxy made
    stored.write_bytes(good)
    r = api.post(f"/api/media/{item['id']}/proxy")
    assert r.status_code == 202, r.json
    assert r.json["media"]["proxy"]["status"] in ("queued", "encoding", "ready")
    assert r.json["media"]["proxy"]["error"] is None
    item = wait_ready(services, item["id"])
    assert item["proxy"] == {"status": "ready", "progress": 1.0, "error": None}
    # asking again for a proxy that is made changes nothing
    again = api.post(f"/api/media/{item['id']}/proxy")
    assert again.status_code == 202 and again.json["media"]["proxy"]["status"] == "ready"


def test_retry_refuses_what_has_no_proxy(api: Api, services: Services, project: dict, samples: dict) -> None:
    image = services.media.import_path(project["id"], samples["image"])
    r = api.post(f"/api/media/{image['id']}/proxy")
    assert r.status_code == 400 and r.json["error"]["code"] == "not_video"
    assert api.post("/api/media/nope/proxy").status_code == 404



# -- in a real engine ------------------------------------------------------------------------

PLAY_AND_LOOK = """async (mediaId) => {
  // the proxy lies beside the original, under the page's per-launch prefix (the page itself
  // reported that Chromium plays H.264, so a 4:4:4 H.264 is no longer offered through its proxy)
  const base = location.pathname.replace(/\\/[^/]*$/, '');
  const sources = await (await fetch(`${base}/api/media/${mediaId}/sources`)).json();
  const url = sources.sources.find((s) => s.kind === 'local').url + '/proxy';
  const v = document.createElement('video');
  v.muted = true;
  v.src = url;
  document.body.append(v);
  await v.play();
  await new Promise((done, fail) => {
    const give_up = setTimeout(() => fail(new Error('currentTime stuck at ' + v.currentTime)), 15000);
    const check = () => v.currentTime > 0.5 ? (clearTimeout(give_up), done()) : setTimeout(check, 50);
    check();
  });
  v.pause();
  const c = document.createElement('canvas');
  c.width = v.videoWidth; c.height = v.videoHeight;
  const g = c.getContext('2d');
  g.drawImage(v, 0, 0);
  const alpha = (x, y) => g.getImageData(x, y, 1, 1).data[3];
  const out = {time: v.currentTime, width: v.videoWidth, height: v.videoHeight,
               opaque: alpha(20, 60), clear: alpha(140, 60)};
  v.remove();
  return out;
}"""


@pytest.mark.slow
def test_the_gif_and_rgb_proxies_play_in_chromium(server: ServerProcess, page: Any, tmp_path: Path) -> None:
    """The proxies Qt's engine would be given play in Chromium: time advances, and the GIF's
    transparent half is still transparent on a canvas (VP9 alpha in WebM)."""
    pid = server.post("/api/projects", json={"name": "Formats"}).json()["project"]["id"]
    assert server.post("/api/capabilities", json={"codecs": QT}).status_code == 200
    clips = {"alpha.gif": make_alpha_gif(tmp_path / "alpha.gif", seconds=2),
             "yuv444.mp4": SOURCES["yuv444.mp4"][0](tmp_path / "yuv444.mp4"),
             "png-rgb.mov": SOURCES["png-rgb.mov"][0](tmp_path / "png-rgb.mov")}
    ids = {}
    for name, path in clips.items():
        with open(path, "rb") as f:
            r = server.post(f"/api/projects/{pid}/media", files={"file": (name, f, "application/octet-stream")})
        assert r.status_code == 201, r.text
        ids[name] = r.json()["media"][0]["id"]

    def proxy_status(media_id: str) -> str:
        return server.get(f"/api/media/{media_id}").json()["media"]["proxy"]["status"]

    for name, media_id in ids.items():
        assert server.wait_for(lambda m=media_id: proxy_status(m) in ("ready", "failed"), timeout=90)
        assert proxy_status(media_id) == "ready", name
    page.goto(server.login_url)
    for name, media_id in ids.items():
        seen = page.evaluate(PLAY_AND_LOOK, media_id)
        assert seen["time"] > 0.5 and (seen["width"], seen["height"]) == (160, 120), (name, seen)
        if name == "alpha.gif":
            assert seen["opaque"] > 200 and seen["clear"] < 50, seen
        else:
            assert seen["opaque"] == seen["clear"] == 255, (name, seen)
