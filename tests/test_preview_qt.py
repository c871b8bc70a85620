"""The preview's two proofs (picture against the export, both tones heard) in the real Qt
window, under Xvfb: the desktop app as `reelcut` starts it, on a data dir of the test's own,
with Qt WebEngine's DevTools server on a loopback port (QTWEBENGINE_REMOTE_DEBUGGING). The test
speaks the protocol itself (tests/cdp.py): Playwright cannot attach to Qt WebEngine.

Qt WebEngine here cannot decode H.264: the page reports its codecs at start-up and the window's
server makes VP9 preview proxies; nothing is judged until every proxy is ready and every element
on screen plays from one. The picture's bound is test_preview_parity's (and its `difference`);
the sound's thresholds are test_preview_sound's. Playback starts from a real mouse click
(Input.dispatchMouseEvent), a user gesture, so the AudioContext may start as it would for a
person: Play clicked by a script instead (no gesture, and the window, unlike its self-test, has
no --autoplay-policy flag) leaves the context 'suspended' and every element paused. With no sound
card (no /dev/snd here: ALSA says "Unknown PCM default", Chromium "PcmOpen: default") Chromium
falls back to its fake output, which runs the context in real time, and the test hears the mix
through preview_probe's analyser tap."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from . import media_samples as ms
from .cdp import Cdp, wait_page
from .conftest import TOKEN
from .preview_probe import TAP_AUDIO, TONES_WHILE_PLAYING
from .server_process import ServerProcess, free_port
from .test_preview_parity import (
    PARITY_BOUND,
    ZOOM,
    clip,
    difference,
    export,
    frame_at,
    new_project,
    put_doc,
    sources,  # noqa: F401 - a fixture: the parity test's source files
    track,
)
from .test_preview_sound import ABSENT, HEARD

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

DESKTOP_ROOT = Path(__file__).resolve().parent.parent / "desktop"
CANVAS = "canvas[aria-label='Preview']"
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push({directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile});
});
"""


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    """A virtual X screen of its own (Xvfb picks a free display number and writes it to a pipe)."""
    # no skip: a machine without Xvfb fails here, saying what to install (scripts/test.sh does)
    assert _which("Xvfb"), "Xvfb is not installed (apt-get install xvfb)"
    read, write = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    number = b""
    with os.fdopen(read, "rb") as pipe:  # Xvfb writes the number and a newline once it is ready
        while not number.endswith(b"\n"):
            chunk = pipe.read(1)
            if not chunk:
                raise AssertionError(f"Xvfb ended (exit {proc.wait(10)}) before it named its display")
            number += chunk
    try:
        yield ":" + number.decode().strip()
    finally:
        proc.terminate()
        proc.wait(10)


def _which(name: str) -> bool:
    return any(os.access(os.path.join(d, name), os.X_OK) for d in os.environ.get("PATH", "").split(os.pathsep))


class Window:
    """The desktop app in a child process (its own process group, for its Chromium helpers), the
    DevTools session on its page, and its server spoken to as a client would."""

    def __init__(self, data_dir: Path, display: str, args: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "REELCUT_TOKEN": TOKEN,
               "QTWEBENGINE_REMOTE_DEBUGGING": f"127.0.0.1:{self.port}",
               "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox",
               "PYTHONPATH": os.pathsep.join(p for p in (str(DESKTOP_ROOT), os.environ.get("PYTHONPATH")) if p)}
        self.proc = subprocess.Popen([sys.executable, "-m", "reelcut.cli", "--data-dir", str(data_dir), *args], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                     start_new_session=True)
        self.stderr: deque[str] = deque(maxlen=200)
        threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr or []), daemon=True).start()
        try:
            target = wait_page(self.port, lambda t: "/s/" in t.get("url", ""), timeout=90)
        except AssertionError as exc:
            self.close()
            raise AssertionError(f"{exc}; the window's stderr: {''.join(self.stderr)[-3000:]}") from None
        self.app_url = target["url"]
        origin = self.app_url.split("/s/")[0]
        self.server = ServerProcess(data_dir, TOKEN, port=int(origin.rsplit(":", 1)[1]))
        self.cdp = Cdp(target["webSocketDebuggerUrl"])
        self.cdp.send("Page.enable")
        self.cdp.send("Runtime.enable")
        # from the next document on: CSP violations recorded, and the preview's mix tapped
        for script in (RECORD_VIOLATIONS, TAP_AUDIO):
            self.cdp.send("Page.addScriptToEvaluateOnNewDocument", {"source": script})
        self.reload()

    def reload(self) -> None:
        seen = len(self.cdp.events)
        self.cdp.send("Page.reload")
        self.cdp.wait_event("Page.loadEventFired", after=seen, timeout=60)
        self.cdp.wait_for("document.title.endsWith('Reelcut') && Array.isArray(window.__csp)", "the app to load")

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)

    def errors(self) -> list[str]:
        """Exceptions the page threw and errors it logged, as DevTools reported them."""
        found = []
        for e in self.cdp.events:
            p = e.get("params", {})
            if e["method"] == "Runtime.exceptionThrown":
                found.append(p["exceptionDetails"].get("exception", {}).get("description", str(p)))
            elif e["method"] == "Runtime.consoleAPICalled" and p.get("type") == "error":
                found.append(" ".join(str(a.get("value", a.get("description"))) for a in p.get("args", [])))
        return found

    def violations(self) -> list[Any]:
        return list(self.cdp.evaluate("window.__csp"))

    def open_project(self, pid: str, name: str) -> None:
        self.cdp.evaluate(f"(() => {{ const s = document.querySelector(\"select[aria-label='Open project']\");"
                          f" s.value = {json.dumps(pid)}; s.dispatchEvent(new Event('change', {{bubbles: true}}));"
                          " return true; })()")
        self.cdp.wait_for(f"document.title.startsWith({json.dumps(name + ' ')})", f"project {name} to open")

    def click_ruler(self, t: float) -> None:
        """Click the timeline's ruler at time t (as test_preview_parity does)."""
        rect = self.cdp.evaluate("(() => { const r = document.querySelector('[data-ruler]').getBoundingClientRect();"
                                 " return [r.x, r.y]; })()")
        self.cdp.click(rect[0] + t * ZOOM, rect[1] + 5)

    def preview_at(self, t: float, proxied: list[str]) -> tuple[float, np.ndarray]:
        """Seek to t; once the paused preview has painted it, every element on screen ready and
        playing a video of `proxied` (media ids) from its VP9 proxy, the time painted and a
        screenshot of the canvas."""
        self.click_ruler(t)
        painted = self.cdp.wait_for(
            f"(() => {{ const c = document.querySelector({json.dumps(CANVAS)});"
            " const vs = [...document.querySelectorAll('.screen .sources video')];"
            f" return !!c && c.dataset.paintedAt !== '' && Math.abs(Number(c.dataset.paintedAt) - {t}) < 0.011"
            f" && vs.every((v) => v.readyState >= 2"
            f" && (v.dataset.sourceKind === 'proxy' || !{json.dumps(proxied)}.includes(v.dataset.media)))"
            " && Number(c.dataset.paintedAt); })()",
            f"the preview to paint {t} s from the proxies", timeout=30)
        png = self.cdp.screenshot(CANVAS)
        with av.open(io.BytesIO(png)) as c:
            shot = next(c.decode(video=0)).to_ndarray(format="rgb24")
        return float(painted), shot

    def press_play(self, at: float = 0.02) -> None:
        """Seek to `at` and press Play with a real click (a user gesture, so sound may start)."""
        self.click_ruler(at)
        self.cdp.wait_for("document.querySelector('.transport button').textContent === 'Play'", "a paused transport")
        self.cdp.click_selector(".transport button")

    def play_through(self, tones: tuple[int, ...]) -> dict[int, float]:
        """From the start to the end of the timeline, Play pressed with a real click; the loudest
        level of each tone in the mix (dBFS)."""
        self.press_play()
        self.cdp.wait_for("[...document.querySelectorAll('.screen .sources video')]"
                          ".some((v) => !v.paused && v.currentTime > 0.1)", "the preview to play", timeout=20)
        levels = self.cdp.evaluate(f"({TONES_WHILE_PLAYING})({json.dumps([list(tones), 20])})", timeout=40)
        self.cdp.wait_for("[...document.querySelectorAll('.screen .sources video')].every((v) => v.paused)"
                          " && document.querySelector('.transport button').textContent === 'Play'",
                          "playback to stop at the end", timeout=20)
        return {int(k): float(v) if v is not None else float("-inf") for k, v in levels.items()}


def wait_proxies(server: ServerProcess, pid: str, timeout: float = 240) -> list[str]:
    """Every video of the project has its preview proxy made (the page asked for them by
    reporting that it cannot play H.264); their ids."""
    deadline = time.monotonic() + timeout
    while True:
        media = server.get(f"/api/projects/{pid}/media").json()["media"]
        status = {m["name"]: m["proxy"]["status"] for m in media if m["kind"] == "video"}
        if all(s == "ready" for s in status.values()):
            return [m["id"] for m in media if m["kind"] == "video"]
        assert not any(s == "failed" for s in status.values()), f"a proxy failed: {status}"
        if time.monotonic() > deadline:
            raise AssertionError(f"the proxies were not ready within {timeout} s: {status}")
        time.sleep(0.5)


def window_on(data_dir: Path, display: str) -> Iterator[Window]:
    """The Qt window on a data dir of its own, for a module's tests, closed after them."""
    w = Window(data_dir, display)
    try:
        yield w
    finally:
        w.cdp.close()
        w.close()


@pytest.fixture(scope="module")
def window(display: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Window]:
    yield from window_on(tmp_path_factory.mktemp("qt-data"), display)


def test_the_page_is_qt_webengine_on_the_x_screen_and_cannot_play_h264(window: Window) -> None:
    """What the rest stands on: Qt WebEngine's page, on Xvfb's 1600x1000 screen (offscreen Qt
    would report its own), answering that it plays VP9 and not H.264."""
    assert "QtWebEngine/" in window.cdp.evaluate("navigator.userAgent")
    assert window.cdp.evaluate("[screen.width, screen.height]") == [1600, 1000]
    codecs = window.cdp.evaluate("(() => { const v = document.createElement('video');"
                                 " return [v.canPlayType('video/mp4; codecs=\"avc1.42E01E, mp4a.40.2\"'),"
                                 " v.canPlayType('video/webm; codecs=\"vp9, opus\"')]; })()")
    assert codecs == ["", "probably"], f"Qt WebEngine's H.264 and VP9 answers: {codecs}"


def test_the_qt_preview_draws_what_the_export_renders(window: Window, tmp_path: Path) -> None:
    paths = {"red": ms.make_solid(tmp_path / "red.mp4", "red"), "blue": ms.make_solid(tmp_path / "blue.mp4", "blue"),
             "tall": ms.make_bands(tmp_path / "tall.mp4", ["red", "0x00ff00", "0x00ff00", "blue"], vertical=True,
                                   size="90x160")}
    server = window.server
    pid, m = new_project(server, "Qt parity", paths)
    put_doc(server, pid, 320, 180, [track("video", clip(m["red"], 0, opacity=0.5), name="V1"),
                                    track("video", clip(m["blue"], 0), clip(m["tall"], 1, fit="contain"), name="V2")])
    frames = export(server, pid, tmp_path)
    proxied = wait_proxies(server, pid)
    window.open_project(pid, "Qt parity")
    found = {}
    for name, t in (("red at opacity 0.5 over blue", 0.52), ("9:16 in 16:9, contain", 1.52)):
        painted, shot = window.preview_at(t, proxied)
        frame = frame_at(frames, painted)
        found[name] = (difference(shot, frame), shot, frame)
    figures = {k: round(v[0], 2) for k, v in found.items()}
    print("Qt preview against export, mean absolute difference per channel (levels):", figures)
    over = {k: v for k, v in figures.items() if v > PARITY_BOUND}
    assert not over, f"the Qt preview differs from the export by more than {PARITY_BOUND} levels: {over}"
    # the bound bites here too: plain red (the old one-layer preview) against the blend
    _, blend, exported = found["red at opacity 0.5 over blue"]
    red = np.zeros_like(blend)
    red[..., 0] = 255
    assert difference(red, exported) > 4 * PARITY_BOUND
    # ...and a 9:16 clip filling the frame (no pillarbox) against the contained one
    _, _, contained = found["9:16 in 16:9, contain"]
    filled = np.repeat(contained[:, contained.shape[1] // 2:contained.shape[1] // 2 + 1], contained.shape[1], axis=1)
    assert difference(filled, contained) > 4 * PARITY_BOUND
    assert window.violations() == [] and window.errors() == []


def test_the_qt_preview_plays_every_unmuted_track_and_mute_silences_one(window: Window, tmp_path: Path) -> None:
    server = window.server
    paths = {"red": ms.make_solid(tmp_path / "red.mp4", "red", seconds=3, tone=440),
             # 220 Hz, not 330: the analyser's Blackman window spreads V1's 440 Hz about three bins
             # (23 Hz each) either side, so 330 Hz's bins read 440's leakage about 24 dB down,
             # right at the "muted" bound (a slow run failed by 0.2 dB)
             "music": ms.make_audio(tmp_path / "music.mp3", seconds=3, tone=220)}
    pid, m = new_project(server, "Qt sound", paths)
    doc = server.get(f"/api/projects/{pid}/timeline").json()["timeline"]
    doc.update(tracks=[track("video", clip(m["red"], 0, 2), name="V1"),
                       track("audio", clip(m["music"], 0, 2), name="A1")], playhead=0)
    r = server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc})
    assert r.status_code == 200, r.text
    proxied = wait_proxies(server, pid)
    window.open_project(pid, "Qt sound")
    window.preview_at(0.52, proxied)  # the picture is up from the proxy before Play

    both = window.play_through((220, 440))
    print("Qt preview, V1 440 Hz and A1 220 Hz (dBFS):", both)
    assert both[440] > HEARD and both[220] > HEARD, f"V1's 440 Hz and A1's 220 Hz both play (dBFS): {both}"

    window.cdp.click_selector("button[aria-label='Mute A1']")
    window.cdp.wait_for("document.querySelector(\"button[aria-label='Mute A1']\").getAttribute('aria-pressed')"
                        " === 'true'", "Mute A1 to be pressed")
    one = window.play_through((220, 440))
    print("Qt preview, A1 muted (dBFS):", one)
    assert one[440] > HEARD, f"V1 still sounds once A1 is muted (dBFS): {one}"
    assert one[220] < min(ABSENT, both[220] - 24), f"the muted A1 still sounds (dBFS): {one}, before {both}"
    assert window.violations() == [] and window.errors() == []
