"""The preview as a compositor, in Chromium: what the canvas shows while a timeline plays, against
a plain <video> playing one of its clips from the same source, in the same run.

What is read, without any hook in the app: an init script records every `drawImage` on the
preview's canvas (when, which clip's element) and, through requestVideoFrameCallback, every
frame each of the compositor's media elements presents (when, its media time); the canvas shows
an element's new frame at its next draw. The baseline's frames come from requestVideoFrameCallback
too.

- playback: a 1080p timeline with a crossfade and a keyframed scale; the intervals between new
  frames of the top layer (median and 95th percentile), and the share of frames the elements
  dropped (getVideoPlaybackQuality), against the plain <video>;
- cuts: three clips back to back; at each cut, how much later than its turn the first frame of the
  clip that starts is drawn: the time from the last drawn frame of the clip that ends, less one
  source frame (target: within one frame at 30 fps);
- drift: one long clip played to its end; how far its element (its picture, and its sound,
  which the element keeps with it) ends from the clock (wall time since its first frame), against
  the same of the plain <video> (target: within one frame);
- CPU: the browser's processor time per second of playback, against the plain <video>.

Headless Chromium composites in software here (--disable-gpu): frame rates are a floor."""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

from playwright.sync_api import sync_playwright

from reelcut.server.runner import LocalServer

from .common import Row, descendants_cpu, scratch
from .fixtures import make_clip, running_server
from .playback import CHROMIUM_ARGS

FRAME_30 = 1000 / 30  # ms

RECORD_DRAWS = """
(() => {
  window.__draws = [];
  window.__frames = [];
  const draw = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (src, ...rest) {
    if (src instanceof HTMLVideoElement && this.canvas.getAttribute('aria-label') === 'Preview') {
      window.__draws.push([performance.now(), src.dataset.clip, src.currentTime]);
    }
    return draw.call(this, src, ...rest);
  };
  // every frame each of the compositor's elements presents: [when, clip, its media time]
  const follow = (v) => {
    const onFrame = (now, meta) => {
      window.__frames.push([now, v.dataset.clip, meta.mediaTime]);
      v.requestVideoFrameCallback(onFrame);
    };
    v.requestVideoFrameCallback(onFrame);
  };
  new MutationObserver((changes) => {
    for (const c of changes) {
      for (const n of c.addedNodes) if (n instanceof HTMLVideoElement && n.dataset.clip) follow(n);
    }
  }).observe(document, {childList: true, subtree: true});
})();
"""

# Play the timeline from the start to its end; the draws, and the elements' playback quality.
PLAY_THROUGH_JS = """async () => {
  const button = document.querySelector('.transport button');
  window.__draws = [];
  window.__frames = [];
  button.click();
  while (button.textContent !== 'Pause') await new Promise((r) => setTimeout(r, 5));
  while (button.textContent !== 'Play') await new Promise((r) => setTimeout(r, 20));
  let dropped = 0, total = 0;
  for (const v of document.querySelectorAll('.screen .sources video')) {
    const q = v.getVideoPlaybackQuality();
    dropped += q.droppedVideoFrames; total += q.totalVideoFrames;
  }
  return {draws: window.__draws, frames: window.__frames, dropped, total};
}"""

# The baseline: a plain <video> plays `url` for `seconds`; its presented frames.
PLAIN_JS = """async ([url, seconds]) => {
  const v = document.createElement('video');
  v.preload = 'auto';
  v.src = url;
  document.body.append(v);
  await new Promise((r) => v.addEventListener('canplaythrough', r, {once: true}));
  const frames = [];
  const onFrame = (now, meta) => { frames.push([now, meta.mediaTime]); v.requestVideoFrameCallback(onFrame); };
  v.requestVideoFrameCallback(onFrame);
  await v.play();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  v.pause();
  const q = v.getVideoPlaybackQuality();
  v.remove();
  return {frames, dropped: q.droppedVideoFrames, total: q.totalVideoFrames};
}"""

PLAYING_SOURCE_JS = "() => { const v = document.querySelector('.screen .sources video'); return v && v.currentSrc; }"


def _presented(frames: list[list[Any]], clip: str) -> list[tuple[float, float]]:
    """The frames one clip's element presented: (when, media time)."""
    return [(f[0], f[2]) for f in frames if f[1] == clip]


def _intervals(times: list[float]) -> list[float]:
    return [b - a for a, b in zip(times, times[1:], strict=False)]


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)] if values else float("nan")


def _timeline(server: LocalServer, pid: str, clips: list[dict[str, Any]]) -> None:
    tl = server.services.projects.timeline(pid)
    tl["tracks"][0]["clips"] = clips
    tl["playhead"] = 0
    server.services.projects.save_timeline(pid, tl)


def _open(page: Any, server: LocalServer) -> None:
    page.goto(server.app_url)
    page.wait_for_function("() => { const v = document.querySelector('.screen .sources video');"
                           " return !!v && v.readyState >= 2; }", timeout=60000)


def _ready(server: LocalServer, *media_ids: str) -> None:
    deadline = time.monotonic() + 600
    while any(server.services.media.get(m)["proxy"]["status"] not in ("ready", "failed", "none")
              for m in media_ids):
        assert time.monotonic() < deadline, "preview proxies were not made"
        time.sleep(0.1)


def run(small: bool) -> list[Row]:
    seconds = 10 if small else 60
    with scratch() as d:
        a = make_clip(d / "a.mp4", seconds=6, size="1920x1080", preset="ultrafast")
        b = make_clip(d / "b.mp4", seconds=6, size="1920x1080", preset="ultrafast")
        long = make_clip(d / "long.mp4", seconds=seconds, size="1920x1080", preset="ultrafast")
        with running_server(d / "data", preview_proxies=True) as server, sync_playwright() as pw:
            pid = server.services.projects.create("Bench")["id"]
            ma, mb, ml = (server.services.media.import_path(pid, p) for p in (a, b, long))
            _ready(server, ma["id"], mb["id"], ml["id"])
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.add_init_script(RECORD_DRAWS)
            page.goto(server.login_url)

            # playback: A, then B crossfading in over A's last second with its scale keyframed
            scale = {"transform.scale": [{"time": 0, "value": 0.6, "easing": "linear"},
                                         {"time": 4, "value": 1.0, "easing": "linear"}]}
            _timeline(server, pid, [
                {"id": "a", "media_id": ma["id"], "start": 0, "in": 0, "out": 5},
                {"id": "b", "media_id": mb["id"], "start": 4, "in": 0, "out": 5, "keyframes": scale,
                 "transition_in": {"type": "crossfade", "duration": 1}}])
            _open(page, server)
            source = page.evaluate(PLAYING_SOURCE_JS)
            cpu0, t0 = descendants_cpu(os.getpid()), time.monotonic()
            played = page.evaluate(PLAY_THROUGH_JS)
            cpu_composed = (descendants_cpu(os.getpid()) - cpu0) / (time.monotonic() - t0)
            # what changes on screen: the top layer's new frames (A's, then B's once it comes in)
            b_in = min(f[0] for f in _presented(played["frames"], "b"))
            top = [w for w, _ in _presented(played["frames"], "a") if w < b_in]
            composed = _intervals(top + [w for w, _ in _presented(played["frames"], "b")])
            cpu0, t0 = descendants_cpu(os.getpid()), time.monotonic()
            plain = page.evaluate(PLAIN_JS, [source, 8])
            cpu_plain = (descendants_cpu(os.getpid()) - cpu0) / (time.monotonic() - t0)
            plain_intervals = _intervals([f[0] for f in plain["frames"]])

            # cuts: three clips back to back
            _timeline(server, pid, [
                {"id": "c1", "media_id": ma["id"], "start": 0, "in": 0, "out": 2},
                {"id": "c2", "media_id": mb["id"], "start": 2, "in": 1, "out": 3},
                {"id": "c3", "media_id": ma["id"], "start": 4, "in": 3, "out": 5}])
            _open(page, server)
            cut = page.evaluate(PLAY_THROUGH_JS)["draws"]
            frame_ms = 1000 / (ma["fps"] or 25)
            gaps = [_cut_latency(cut, prev, nxt, frame_ms) for prev, nxt in (("c1", "c2"), ("c2", "c3"))]

            # drift: one long clip to its end
            _timeline(server, pid, [{"id": "l", "media_id": ml["id"], "start": 0, "in": 0, "out": ml["duration"]}])
            _open(page, server)
            long_source = page.evaluate(PLAYING_SOURCE_JS)
            drift = _drift(_presented(page.evaluate(PLAY_THROUGH_JS)["frames"], "l"))
            plain_drift = _drift(page.evaluate(PLAIN_JS, [long_source, seconds - 0.5])["frames"])
            browser.close()

    dropped = played["dropped"] / max(1, played["total"])
    plain_dropped = plain["dropped"] / max(1, plain["total"])
    return [
        Row("playback, 1080p crossfade + keyframed scale: frame interval, median, ms", statistics.median(composed),
            "ms", "a plain <video> playing one clip, median, ms", statistics.median(plain_intervals), "", None),
        Row("playback: frame interval, 95th percentile, ms", _p95(composed), "ms",
            "a plain <video>, 95th percentile, ms", _p95(plain_intervals), "<= 2 x baseline",
            _p95(composed) <= 2 * _p95(plain_intervals)),
        Row("playback: frames dropped, %", 100 * dropped, "%", "a plain <video>, %", 100 * plain_dropped, "", None),
        Row("playback: browser CPU, s per s", cpu_composed, "s", "a plain <video>, s per s", cpu_plain, "", None),
        Row("cut: the next clip's first frame, later than its turn by, worst of 2, ms", max(gaps), "ms",
            "one frame at 30 fps, ms", FRAME_30, "<= 1 frame at 30 fps", max(gaps) <= FRAME_30),
        Row(f"A/V drift after {seconds} s, ms", drift, "ms", f"a plain <video> after {seconds} s, ms", plain_drift,
            "<= 1 frame at 30 fps", drift <= FRAME_30),
    ]


def _cut_latency(draws: list[list[Any]], prev: str, nxt: str, frame_ms: float) -> float:
    """How much later than its turn the next clip's first frame was drawn, in ms: the time from the
    last drawn frame of the clip that ends to the first of the one that starts, less one frame of
    the sources (the cadence a cut must keep; the canvas draws a frame only when one is new)."""
    return _first(draws, nxt) - _last(draws, prev) - frame_ms


def _last(draws: list[list[Any]], clip: str) -> float:
    return max(d[0] for d in draws if d[1] == clip)


def _first(draws: list[list[Any]], clip: str) -> float:
    return min(d[0] for d in draws if d[1] == clip)


def _drift(frames: list[Any]) -> float:
    """How far the picture ends from the clock, in ms: the offset between wall time and media time
    (averaged over a second of frames, which a frame's own length would blur) at the end, against
    the same at the start."""
    offsets = [w - m * 1000 for w, m in frames]
    n = max(1, min(25, len(offsets) // 4))
    return abs(statistics.mean(offsets[-n:]) - statistics.mean(offsets[:n]))
