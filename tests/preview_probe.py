"""What the preview shows and plays, read the way a person would judge it: the compositor's
canvas pixels, the media elements it drives (a clip that plays has a currentTime that moves),
the level meter beside the transport. The page draws into the canvas and never reads it back;
only these tests do."""

from __future__ import annotations

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

# the element of a playing clip (the compositor keeps one per clip on screen or coming up)
PLAYING = """(after) => [...document.querySelectorAll('.screen .sources video')]
  .find((v) => !v.paused && v.currentTime > after) || null"""

ALL_PAUSED = """() => [...document.querySelectorAll('.screen .sources video')].every((v) => v.paused)
  && document.querySelector('.transport button').textContent === 'Play'"""

# the mean colour of a small square of the canvas, around (fx, fy) in fractions of it
CANVAS_PIXEL = """([fx, fy]) => {
  const c = document.querySelector("canvas[aria-label='Preview']");
  if (!c || !c.width) return null;
  const g = document.createElement('canvas');
  g.width = c.width; g.height = c.height;
  const ctx = g.getContext('2d');
  ctx.drawImage(c, 0, 0);
  const x = Math.min(c.width - 3, Math.max(0, Math.round(fx * c.width) - 1));
  const y = Math.min(c.height - 3, Math.max(0, Math.round(fy * c.height) - 1));
  const d = ctx.getImageData(x, y, 3, 3).data;
  const sum = [0, 0, 0];
  for (let i = 0; i < d.length; i += 4) { sum[0] += d[i]; sum[1] += d[i + 1]; sum[2] += d[i + 2]; }
  return sum.map((s) => Math.round(s / 9));
}"""


def playing_time(page: Page) -> float | None:
    return page.evaluate(f"() => {{ const v = ({PLAYING})(-1); return v ? v.currentTime : null; }}")


def wait_playing(page: Page, after: float = 0.3, timeout: float = 20000) -> None:
    try:
        page.wait_for_function(f"() => !!({PLAYING})({after})", timeout=timeout)
    except PlaywrightTimeout:
        raise AssertionError("the preview did not start playing") from None


def wait_paused(page: Page, timeout: float = 10000) -> None:
    page.wait_for_function(ALL_PAUSED, timeout=timeout)


def pixel(page: Page, fx: float = 0.5, fy: float = 0.5) -> list[int] | None:
    return page.evaluate(CANVAS_PIXEL, [fx, fy])


def expect_pixel(page: Page, rgb: tuple[int, int, int], what: str, at: tuple[float, float] = (0.5, 0.5),
                 tolerance: int = 60, timeout: float = 20000) -> None:
    """The preview's canvas turns `rgb` around `at`."""
    check = (f"([want, at, tol]) => {{ const px = ({CANVAS_PIXEL})(at);"
             " return !!px && px.every((v, i) => Math.abs(v - want[i]) < tol); }")
    try:
        page.wait_for_function(check, arg=[list(rgb), list(at), tolerance], timeout=timeout)
    except PlaywrightTimeout:
        raise AssertionError(f"the preview never showed {what} {rgb}: it shows {pixel(page, *at)}") from None


def wait_painted(page: Page, t: float, timeout: float = 20000) -> None:
    """The paused preview has drawn the frame at t (every layer sought and ready)."""
    page.wait_for_function("(t) => { const c = document.querySelector(\"canvas[aria-label='Preview']\");"
                           " return !!c && c.dataset.paintedAt !== ''"
                           " && Math.abs(Number(c.dataset.paintedAt) - t) < 1e-6; }",
                           arg=t, timeout=timeout)


def source_kind(page: Page) -> str | None:
    """The kind of source (local, proxy, blob, remote) of the first clip's element, once it has a frame."""
    return page.evaluate("() => { const v = document.querySelector('.screen .sources video');"
                         " return v && v.readyState >= 2 ? v.dataset.sourceKind : null; }")


PEAK_LEVEL = """() => new Promise((resolve) => {
  const meter = document.querySelector("meter[aria-label='Audio level']");
  let peak = 0;
  const until = performance.now() + 30000;
  const look = () => {
    peak = Math.max(peak, meter.value);
    if (document.querySelector('.transport button').textContent === 'Play' || performance.now() > until) resolve(peak);
    else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})"""


def peak_level_until_stopped(page: Page) -> float:
    """The level meter's peak (RMS of full scale) from now until playback stops by itself."""
    return float(page.evaluate(PEAK_LEVEL))


# Installed before the page's scripts: whatever the page connects to the speakers is also fed to
# an analyser of the test's own, so the test hears the preview's mix without any hook in the app.
TAP_AUDIO = """
(() => {
  const connect = AudioNode.prototype.connect;
  AudioNode.prototype.connect = function (target, ...rest) {
    const out = connect.call(this, target, ...rest);
    if (target instanceof AudioDestinationNode && !this.__tapped) {
      const a = this.context.createAnalyser();
      a.fftSize = 8192;
      a.smoothingTimeConstant = 0;
      connect.call(this, a);
      this.__tapped = true;
      window.__tap = a;
    }
    return out;
  };
})();
"""

TONES_WHILE_PLAYING = """([tones, seconds]) => new Promise((resolve) => {
  const peak = Object.fromEntries(tones.map((f) => [f, -Infinity]));
  const until = performance.now() + seconds * 1000;
  const look = () => {
    const a = window.__tap;
    if (a) {
      const bins = new Float32Array(a.frequencyBinCount);
      a.getFloatFrequencyData(bins);
      const hz = a.context.sampleRate / a.fftSize;
      for (const f of tones) {
        const k = Math.round(f / hz);
        for (let i = k - 2; i <= k + 2; i += 1) peak[f] = Math.max(peak[f], bins[i]);
      }
    }
    const stopped = document.querySelector('.transport button').textContent === 'Play';
    if (stopped || performance.now() > until) resolve(Object.fromEntries(tones.map((f) => [f, peak[f]])));
    else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})"""


def tap_audio(page: Page) -> None:
    """Listen to the preview's mix from the next page load on (call before page.goto)."""
    page.add_init_script(TAP_AUDIO)


def tones_while_playing(page: Page, tones: tuple[int, ...], seconds: float = 20) -> dict[int, float]:
    """The loudest level (dBFS in the analyser's spectrum) of each tone in the preview's mix, from
    now until playback stops or `seconds` pass. Silence is -Infinity (or far below -100)."""
    levels = page.evaluate(TONES_WHILE_PLAYING, [list(tones), seconds])
    return {int(k): float(v) if v is not None else float("-inf") for k, v in levels.items()}


BRIGHT_BOX = """(threshold) => {
  const c = document.querySelector("canvas[aria-label='Preview']");
  if (!c || !c.width) return null;
  const g = document.createElement('canvas');
  g.width = c.width; g.height = c.height;
  const ctx = g.getContext('2d');
  ctx.drawImage(c, 0, 0);
  const d = ctx.getImageData(0, 0, c.width, c.height).data;
  let l = Infinity, t = Infinity, r = -1, b = -1;
  for (let y = 0; y < c.height; y += 1) for (let x = 0; x < c.width; x += 1) {
    const i = (y * c.width + x) * 4;
    if (d[i] + d[i + 1] + d[i + 2] > threshold) {
      l = Math.min(l, x); r = Math.max(r, x); t = Math.min(t, y); b = Math.max(b, y);
    }
  }
  return r < 0 ? null : [l / c.width, t / c.height, (r + 1) / c.width, (b + 1) / c.height];
}"""


def bright_box(page: Page, threshold: int = 3 * 160) -> list[float] | None:
    """Left, top, right, bottom (fractions of the canvas) of its bright pixels: text over black."""
    return page.evaluate(BRIGHT_BOX, threshold)


def wait_source_kind(page: Page, kind: str, timeout: float = 60000) -> None:
    """The first clip's element has a frame from a source of `kind`."""
    page.wait_for_function("kind => { const v = document.querySelector('.screen .sources video');"
                           " return !!v && v.readyState >= 2 && v.dataset.sourceKind === kind; }",
                           arg=kind, timeout=timeout)
