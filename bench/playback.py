"""Playback in Chromium: first frame after pressing Play on a 1080p clip in the editor (against
the same clip as a blob: URL built from bytes already in memory), and seeking the editor to
random points of a large 1080p clip. Both clips are slow to seek (keyframes 6 s and 2 s apart), so
the editor previews their 540p proxies (render/proxies.py); the originals are measured too, on a
fresh element, against the same clip as a blob: URL, which takes the server out of the picture and
leaves Chromium's own loading and decoding from the previous keyframe."""

from __future__ import annotations

import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from reelcut.media.ffmpeg import ffmpeg_exe
from reelcut.server.runner import LocalServer

from .common import Row, scratch
from .fixtures import make_clip, running_server

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--autoplay-policy=no-user-gesture-required"]

# Timed inside the page: from play() on a fresh element to the first presented frame.
FIRST_FRAME_JS = """async ([url, useBlob]) => {
  let src = url;
  if (useBlob) {
    const bytes = await (await fetch(url)).blob();  // in memory before the clock starts
    src = URL.createObjectURL(bytes);
  }
  const v = document.createElement('video');
  v.muted = true;
  document.body.append(v);
  const t0 = performance.now();
  v.src = src;
  const frame = new Promise((resolve) => v.requestVideoFrameCallback(() => resolve(performance.now())));
  await v.play();
  const t1 = await frame;
  v.pause(); v.remove();
  if (useBlob) URL.revokeObjectURL(src);
  return t1 - t0;
}"""

SEEK_JS = """async ([url, points, useBlob]) => {
  let src = url;
  if (useBlob) src = URL.createObjectURL(await (await fetch(url)).blob());  // whole clip in memory first
  const v = document.createElement('video');
  v.muted = true; v.preload = 'auto';
  document.body.append(v);
  v.src = src;
  await new Promise((r) => v.addEventListener('loadeddata', r, {once: true}));
  const times = [];
  for (const p of points) {
    const t0 = performance.now();
    const shown = new Promise((r) => v.requestVideoFrameCallback(() => r()));
    v.currentTime = p * v.duration;
    await new Promise((r) => v.addEventListener('seeked', r, {once: true}));
    await shown;
    times.push(performance.now() - t0);
  }
  v.remove();
  if (useBlob) URL.revokeObjectURL(src);
  return times;
}"""


# The compositor's element for the clip under the playhead (one per clip on screen or coming up).
CLIP_ELEMENT = "document.querySelector('.screen .sources video')"

# In the editor: the clip is on the timeline under the playhead, so the preview has already
# loaded it; from the click on Play to the next frame its element presents (the canvas draws it
# in the same animation frame).
PRESS_PLAY_JS = f"""async () => {{
  const v = {CLIP_ELEMENT};
  while (v.readyState < 2) await new Promise((r) => setTimeout(r, 10));
  const t0 = performance.now();
  const frame = new Promise((r) => v.requestVideoFrameCallback(() => r(performance.now())));
  document.querySelector('.transport button').click();
  return (await frame) - t0;
}}"""

# In the editor: a seek as the ruler sends it (the same event a click or a scrub emits), until
# the paused preview has drawn the frame at the new playhead (the canvas marks the time it
# painted). The clip starts at 0 with in = 0.
EDITOR_SEEK_JS = f"""async (points) => {{
  const v = {CLIP_ELEMENT};
  const canvas = document.querySelector("canvas[aria-label='Preview']");
  const ruler = document.querySelector('[data-ruler]');
  while (v.readyState < 2) await new Promise((r) => setTimeout(r, 10));
  const times = [];
  for (const p of points) {{
    const time = p * v.duration;
    const t0 = performance.now();
    ruler.dispatchEvent(new CustomEvent('seek', {{bubbles: true, detail: {{time}}}}));
    while (canvas.dataset.paintedAt !== String(time)) await new Promise((r) => requestAnimationFrame(r));
    times.push(performance.now() - t0);
  }}
  return times;
}}"""

SOURCE_KIND_JS = f"() => {{ const v = {CLIP_ELEMENT}; return v ? v.dataset.sourceKind : null; }}"


def _large_clip(path: Path, megabytes: int) -> Path:
    """1080p H.264 at about 20 Mbit/s with a 2 s keyframe interval, as providers deliver."""
    seconds = max(4, megabytes * 8 // 20)
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", "testsrc2=size=1920x1080:rate=25,noise=alls=30:allf=t", "-t", str(seconds),
                    "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "20M", "-maxrate", "20M", "-bufsize", "40M",
                    "-g", "50", "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(path)], check=True)
    return path


def _proxies_ready(server: LocalServer, *media_ids: str) -> None:
    """Preview proxies are made in the background after import; the editor is measured once
    they are there, as a user meets it a moment later."""
    deadline = time.monotonic() + 600
    while any(server.services.media.get(m)["proxy"]["status"] != "ready" for m in media_ids):
        assert time.monotonic() < deadline, "preview proxies were not made"
        assert all(server.services.media.get(m)["proxy"]["status"] != "failed" for m in media_ids)
        time.sleep(0.1)


def _open_editor_on(page: Any, server: LocalServer, pid: str, media: dict[str, Any], kind: str) -> None:
    tl = server.services.projects.timeline(pid)
    tl["tracks"][0]["clips"] = [{"id": "c", "media_id": media["id"], "start": 0, "in": 0, "out": media["duration"]}]
    server.services.projects.save_timeline(pid, tl)
    page.goto(server.app_url)  # the cookie is set: the editor opens on the project
    page.wait_for_function(f"() => ({SOURCE_KIND_JS})() === '{kind}'")


def _press_play(page: Any, server: LocalServer, pid: str, media: dict[str, Any], kind: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        _open_editor_on(page, server, pid, media, kind)
        times.append(page.evaluate(PRESS_PLAY_JS))
    return statistics.median(times)


def run(small: bool) -> list[Row]:
    runs = 9 if small else 25
    with scratch() as d:
        clip = make_clip(d / "hd.mp4", seconds=6, size="1920x1080")
        big = _large_clip(d / "big.mp4", 20 if small else 500)
        with running_server(d / "data", preview_proxies=True) as server, sync_playwright() as pw:
            pid = server.services.projects.create("Bench")["id"]
            hd = server.services.media.import_path(pid, clip)
            large = server.services.media.import_path(pid, big)
            _proxies_ready(server, hd["id"], large["id"])
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(server.login_url)
            url = f"media/{hd['id']}"  # relative to the page: under the session prefix, with the cookie
            page.evaluate(FIRST_FRAME_JS, [url, False])  # warm the decoder once
            served_runs, blob_runs = [], []
            for i in range(runs):  # interleaved, so drift hits both alike
                # a fresh URL each time: fetched from the server, never from Chromium's media cache
                served_runs.append(page.evaluate(FIRST_FRAME_JS, [f"{url}?run={i}", False]))
                blob_runs.append(page.evaluate(FIRST_FRAME_JS, [f"{url}?blob={i}", True]))
            served, blob = statistics.median(served_runs), statistics.median(blob_runs)
            presses = max(5, runs // 3)
            pressed = _press_play(page, server, pid, hd, "proxy", presses)
            server.services.preferences.update({"preview_proxies": False})
            pressed_original = _press_play(page, server, pid, hd, "local", presses)
            server.services.preferences.update({"preview_proxies": True})
            editor_seeks, seeks, blob_seeks = [], [], []
            rounds, per_round = (2, 10) if small else (4, 25)
            _open_editor_on(page, server, pid, large, "proxy")
            for rnd in range(rounds):
                points = [(((i + 31 * rnd) * 7919) % 997) / 997 for i in range(per_round)]
                editor_seeks += page.evaluate(EDITOR_SEEK_JS, points)
            for rnd in range(rounds):  # interleaved; fresh URLs so nothing is cached
                points = [(((i + 31 * rnd) * 7919) % 997) / 997 for i in range(per_round)]
                seeks += page.evaluate(SEEK_JS, [f"media/{large['id']}?seek={rnd}", points, False])
                blob_seeks += page.evaluate(SEEK_JS, [f"media/{large['id']}?blobseek={rnd}", points, True])
            browser.close()
    seek, blob_seek, editor_seek = statistics.median(seeks), statistics.median(blob_seeks), \
        statistics.median(editor_seeks)
    size = f"{large['size'] / 1e6:.0f} MB"
    return [
        Row("Play in the editor: first frame, 1080p, on its proxy, ms", pressed, "ms",
            "the same clip as a blob: URL from memory, ms", blob, "< 300 ms, <= baseline",
            pressed < 300 and pressed <= blob),
        Row("Play in the editor: the same, proxies off, ms", pressed_original, "ms",
            "the same clip as a blob: URL from memory, ms", blob, "< 300 ms, <= baseline",
            pressed_original < 300 and pressed_original <= blob),
        Row("first frame, a fresh element, served original, ms", served, "ms",
            "the same clip as a blob: URL from memory, ms", blob, "", None),
        Row(f"seek in the editor, {size} 1080p, on its proxy, ms", editor_seek, "ms",
            "seek in the original as a blob: URL from memory, ms", blob_seek, "< 150 ms", editor_seek < 150),
        Row(f"seek, a fresh element, served {size} original, ms", seek, "ms",
            "the same clip as a blob: URL from memory, ms", blob_seek, "", None),
    ]
