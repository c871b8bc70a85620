"""The captions panel in Chromium with a track of 50 and of 5000 lines (5000 is the most the
document allows): opening the project and its Captions tab until the panel's first row is drawn,
the rows in the page, a scroll step of the list and a line's text edited, each from the input to
the next painted frame. The baseline is the same measure with 50 lines, in the same run: the
panel draws only the rows in view, so 5000 lines keep the rows under 200, the steps within 50 ms,
and the opening at most 2x (the timeline's 5000 caption clips are drawn too)."""

from __future__ import annotations

import statistics
import time
from typing import Any

from playwright.sync_api import sync_playwright

from .common import Row, scratch
from .fixtures import running_server
from .playback import CHROMIUM_ARGS

PAINTED = "new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))"

# a scroll of the list by a screenful, to the frame painted after it
SCROLL_JS = f"""async () => {{
  const box = document.querySelector('.caption-scroll');
  const t0 = performance.now();
  box.scrollTop += box.clientHeight;
  box.dispatchEvent(new Event('scroll'));
  await {PAINTED};
  return performance.now() - t0;
}}"""

# a line's text changed in the panel (one edit of the timeline), to the frame painted after it
EDIT_JS = f"""async (n) => {{
  const input = document.querySelector('.caption-line .line-text');
  input.value = `edited ${{n}}`;
  const t0 = performance.now();
  input.dispatchEvent(new Event('change', {{ bubbles: true }}));
  await {PAINTED};
  return performance.now() - t0;
}}"""


def _captions(server: Any, pid: str, n: int) -> None:
    tl = server.services.projects.timeline(pid)
    tl["tracks"] = [t for t in tl["tracks"] if t["kind"] != "captions"]
    tl["tracks"].insert(0, {"id": "cc", "name": "Captions", "kind": "captions", "muted": False, "hidden": False,
                            "style": {}, "clips": [{"id": f"l{i}", "start": 2.0 * i, "duration": 1.5,
                                                    "text": f"line {i + 1}"} for i in range(n)]})
    server.services.projects.save_timeline(pid, tl)


def _measure(page: Any, server: Any, pid: str, n: int, runs: int) -> dict[str, float]:
    _captions(server, pid, n)
    t0 = time.perf_counter()
    page.goto(server.app_url)
    page.get_by_role("tab", name="Captions").click()  # the left column opens on the library
    page.wait_for_selector(".caption-line")
    page.evaluate(f"() => {PAINTED}")
    load = (time.perf_counter() - t0) * 1000
    rows = page.evaluate("() => document.querySelectorAll('.caption-line').length")
    scroll = [page.evaluate(SCROLL_JS) for _ in range(runs)]
    page.evaluate("() => { document.querySelector('.caption-scroll').scrollTop = 0; }")
    edit = [page.evaluate(EDIT_JS, i) for i in range(runs)]
    return {"load": load, "rows": float(rows), "scroll": statistics.median(scroll), "edit": statistics.median(edit)}


def run(small: bool) -> list[Row]:
    runs = 3 if small else 7
    sizes = (50, 5000)
    with scratch() as d, running_server(d / "data") as server, sync_playwright() as pw:
        pid = server.services.projects.create("Captions")["id"]
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(server.login_url)
        found = {n: _measure(page, server, pid, n, runs) for n in sizes}
        browser.close()
    base, big = found[50], found[5000]
    return [
        Row("5000 lines: open the project, ms", big["load"], "ms", "the same at 50 lines", base["load"],
            "<= 2x baseline", big["load"] <= 2 * base["load"]),
        Row("5000 lines: rows in the panel", big["rows"], "", "the same at 50 lines", base["rows"],
            "< 200", big["rows"] < 200),
        Row("5000 lines: a scroll step to painted, ms", big["scroll"], "ms", "the same at 50 lines", base["scroll"],
            "<= 50 ms", big["scroll"] <= 50),
        Row("5000 lines: a line's text edited to painted, ms", big["edit"], "ms", "the same at 50 lines",
            base["edit"], "<= 50 ms", big["edit"] <= 50),
    ]
