"""A project with 1,000 media items and 500 clips in Chromium: how long until the page shows it
all, and the frame time while scrolling the timeline."""

from __future__ import annotations

import statistics

from playwright.sync_api import sync_playwright

from .common import Row, scratch
from .fixtures import big_project, make_clip, running_server
from .playback import CHROMIUM_ARGS

# Per frame: the work the scroll causes (scroll, style, layout), and the interval between
# frames (16.7 ms at 60 Hz means none was dropped).
SCROLL_JS = """async () => {
  const scroller = document.querySelector('.timeline-scroll');
  const work = [];
  const intervals = [];
  let last = performance.now();
  for (let i = 0; i < 120; i += 1) {
    const t0 = performance.now();
    scroller.scrollLeft += 40;
    document.body.getBoundingClientRect();  // force style and layout now, inside the measurement
    work.push(performance.now() - t0);
    await new Promise((r) => requestAnimationFrame(r));
    const now = performance.now();
    intervals.push(now - last);
    last = now;
  }
  return [work, intervals];
}"""


def run(small: bool) -> list[Row]:
    n_media, n_clips = (200, 100) if small else (1000, 500)
    with scratch() as d:
        clip = make_clip(d / "clip.mp4", seconds=2, size="640x360")
        with running_server(d / "data") as server, sync_playwright() as pw:
            big_project(server.services, clip, n_media, n_clips)
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(server.login_url)
            # the timeline holds only the clips near the view (windowing): shown means its first clip
            # is there, and every media item is listed
            page.wait_for_function("() => !!document.querySelector(\"[data-clip-id='c0']\") && "
                                   f"document.querySelectorAll('li[data-media-id]').length >= {n_media}",
                                   timeout=60000, polling=10)
            ready_ms = page.evaluate("() => performance.now()")
            work, intervals = page.evaluate(SCROLL_JS)
            browser.close()
    work.sort()
    median = statistics.median(work)
    p95 = work[int(len(work) * 0.95)]
    interval = statistics.median(intervals)
    return [Row(f"page shows {n_media} media and {n_clips} clips, ms", ready_ms, "ms", "", None, "< 1000 ms",
                ready_ms < 1000),
            Row("timeline frame work while scrolling (median), ms", median, "ms", "", None, "< 16 ms", median < 16),
            Row("timeline frame work while scrolling (95th pct), ms", p95, "ms", "", None, "< 16 ms", p95 < 16),
            Row("interval between frames while scrolling (median), ms", interval, "ms", "", None,
                "~16.7 = none dropped", None)]
