"""The timeline at any size, in Debian's Chromium on a real server: the zoom changes the clips on
screen at once (slider and Ctrl+wheel), and on a 2000-clip timeline (the most the limits allow)
every clip can be reached and selected while the DOM holds only the clips near the view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from . import media_samples as ms
from .e2e_helpers import import_file
from .server_process import ServerProcess
from .test_e2e_browser import Watch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def project(server: ServerProcess, tmp_path: Path, name: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    pid = server.post("/api/projects", json={"name": name}).json()["project"]["id"]
    item = import_file(server, pid, ms.make_solid(tmp_path / "red.mp4", "red", seconds=2))
    return pid, item, server.get(f"/api/projects/{pid}/timeline").json()["timeline"]


def put(server: ServerProcess, pid: str, doc: dict[str, Any]) -> None:
    r = server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc})
    assert r.status_code == 200, r.text


def open_app(page: Page, server: ServerProcess, name: str) -> Watch:
    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title(f"{name} — Reelcut")
    return watch


def test_the_zoom_slider_and_ctrl_wheel_change_the_clips_at_once(server: ServerProcess, page: Page,
                                                                tmp_path: Path) -> None:
    pid, item, doc = project(server, tmp_path, "Zoom")
    doc["tracks"][0]["clips"] = [{"id": "a", "media_id": item["id"], "start": 1, "in": 0, "out": 2}]
    put(server, pid, doc)
    watch = open_app(page, server, "Zoom")
    clip = page.get_by_role("region", name="Timeline").locator("[data-clip-id='a']")
    expect(clip).to_be_visible()
    assert round(clip.bounding_box()["width"]) == 100  # 2 s at 50 px a second

    page.get_by_role("slider", name="Zoom").fill("200")
    page.wait_for_function("() => Math.round(document.querySelector(\"[data-clip-id='a']\")"
                           ".getBoundingClientRect().width) === 400", timeout=5000)

    box = clip.bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + box["height"] / 2)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -100)
    page.keyboard.up("Control")
    page.wait_for_function("() => Math.round(document.querySelector(\"[data-clip-id='a']\")"
                           ".getBoundingClientRect().width) === 460", timeout=5000)
    # the time under the pointer stayed under it
    scroll = page.evaluate("() => document.querySelector('.timeline-scroll').scrollLeft")
    assert abs(clip.bounding_box()["x"] - box["x"]) < 12, (clip.bounding_box(), box, scroll)
    watch.assert_clean()


def test_every_clip_of_a_2000_clip_timeline_can_be_selected(server: ServerProcess, page: Page,
                                                           tmp_path: Path) -> None:
    pid, item, doc = project(server, tmp_path, "Long")
    video = next(t for t in doc["tracks"] if t["kind"] == "video")
    video["clips"] = [{"id": f"v{i}", "media_id": item["id"], "start": 2.0 * i, "in": 0, "out": 1}
                      for i in range(200)]  # the limit on media clips
    titles = [{"id": f"t{n}", "kind": "text", "name": f"T{n}", "muted": False, "hidden": False,
               "clips": [{"id": f"t{n}-{i}", "start": 0.5 * i, "duration": 0.4, "text": f"{n}.{i}"}
                         for i in range(900)]} for n in (1, 2)]
    doc["tracks"] = [*titles, *doc["tracks"]]
    put(server, pid, doc)
    watch = open_app(page, server, "Long")
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline.locator("[data-clip-id='v0']")).to_be_visible()
    in_dom = timeline.locator("[data-clip-id]").count()
    assert in_dom < 300, f"{in_dom} clip elements for 2000 clips: the DOM grows with the timeline"

    for clip_id, start in (("v0", 0), ("v100", 200), ("v199", 398), ("t1-0", 0), ("t1-450", 225), ("t1-899", 449.5),
                           ("t2-6", 3), ("t2-450", 225), ("t2-899", 449.5)):
        page.evaluate("(x) => { document.querySelector('.timeline-scroll').scrollLeft = x; }", max(0, start * 50 - 200))
        node = timeline.locator(f"[data-clip-id='{clip_id}']")
        expect(node).to_be_attached()
        node.click()
        expect(node).to_have_attribute("aria-selected", "true")
    assert timeline.locator("[data-clip-id]").count() < 300
    watch.assert_clean()
