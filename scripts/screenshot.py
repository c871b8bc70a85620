"""Make the README's screenshot (docs/screenshot.png): a 9:16 short composed in the preview (a
background filling the canvas, a clip over it scaled and turned, a title), with the top clip
selected so the inspector shows. Real server, real media (ffmpeg), Debian's Chromium.

    .venv/bin/python scripts/screenshot.py [out.png]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from reelcut.config import Config
from reelcut.media.ffmpeg import ffmpeg_exe
from reelcut.server.runner import LocalServer

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


def clip(path: Path, source: str, seconds: int = 6) -> Path:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", source,
                    "-f", "lavfi", "-i", "sine=frequency=330:sample_rate=48000", "-t", str(seconds),
                    "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
                    str(path)], check=True)
    return path


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="reelcut-shot-") as d:
        work = Path(d)
        server = LocalServer(Config(data_dir=work / "data", token="shot", port=0))
        server.services.preferences.update({"preview_proxies": False})
        server.start_background()
        try:
            s = server.services
            pid = s.projects.create("Summer short")["id"]
            back = s.media.import_path(pid, clip(work / "sky.mp4", "mandelbrot=size=1280x720:rate=30"))
            front = s.media.import_path(pid, clip(work / "city.mp4", "testsrc2=size=1280x720:rate=30"))
            tl = s.projects.timeline(pid)
            tl.update(width=1080, height=1920, fps=30, playhead=1.5)
            text, v2, v1, a1 = ({"kind": "text", "name": "T1", "id": "t1", "muted": False, "hidden": False,
                                 "clips": []}, *tl["tracks"])
            v2["clips"] = [{"id": "front", "media_id": front["id"], "start": 0, "in": 0, "out": 6, "opacity": 0.95,
                            "transform": {"scale": 0.78, "rotation": -6, "y": 0.46}, "fade_in": 0.5}]
            v1["clips"] = [{"id": "back", "media_id": back["id"], "start": 0, "in": 0, "out": 6, "fit": "cover"}]
            text["clips"] = [{"id": "title", "start": 0, "duration": 6, "text": "Golden hour", "x": 0.5, "y": 0.8,
                              "size": 110, "color": "#ffe08a"}]
            tl["tracks"] = [text, v2, v1, a1]
            s.projects.save_timeline(pid, tl)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 860})
                page.goto(server.login_url)
                page.wait_for_function("() => document.title.startsWith('Summer short')")
                page.locator("[data-clip-id='front']").click()
                page.get_by_role("region", name="Inspector").wait_for()
                page.wait_for_function("() => { const c = document.querySelector(\"canvas[aria-label='Preview']\");"
                                       " return c && c.dataset.paintedAt !== ''; }", timeout=30000)
                page.wait_for_timeout(500)  # the filmstrips and the title font
                page.screenshot(path=str(out))
                browser.close()
        finally:
            server.shutdown()
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshot.png")
