"""Editing as a new user would, in Chromium: import two clips, drag them in, trim one, split the
other, undo and redo, reload, export — and judge the export from the file itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import pytest
import requests
from playwright.sync_api import Page, expect

from . import media_samples as ms
from .conftest import TOKEN
from .server_process import ServerProcess
from .test_e2e_browser import Watch


def clips_on_server(s: ServerProcess, pid: str) -> list[dict[str, Any]]:
    doc = s.get(f"/api/projects/{pid}/timeline").json()["timeline"]
    return sorted((c for t in doc["tracks"] if t["kind"] == "video" for c in t["clips"]), key=lambda c: c["start"])


def drag_by(page: Page, handle: Any, dx: float) -> None:
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y, steps=4)
    page.mouse.move(x + dx, y, steps=4)
    page.mouse.up()


def colour(frames: list[tuple[float, Any]], t: float) -> tuple[int, ...]:
    _, img = min(frames, key=lambda f: abs(f[0] - t))
    h, w = img.shape[:2]
    return tuple(int(v) for v in img[h // 2, w // 2])  # the centre: 4:3 clips are pillarboxed in 16:9


@pytest.mark.slow
def test_edit_undo_reload_export(server: ServerProcess, page: Page, tmp_path: Path) -> None:
    pid = server.post("/api/projects", json={"name": "Cut"}).json()["project"]["id"]
    red = ms.make_video(tmp_path / "red.mp4", color="red", seconds=4)
    blue = ms.make_video(tmp_path / "blue.mp4", color="blue", seconds=4)
    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("Cut — Reelcut")  # the project is open: imports go into it
    page.get_by_label("Media files to import").set_input_files([str(red), str(blue)])
    items = page.get_by_role("list", name="Media").get_by_role("listitem")
    expect(items).to_have_count(2)

    # the top track, V2 as in every editor (the higher track is on top)
    v1 = page.get_by_role("region", name="Timeline").locator("[data-track-id]").nth(0)
    expect(v1).to_have_attribute("aria-label", "Track V2")
    items.filter(has_text="red").drag_to(v1, target_position={"x": 1, "y": 25})
    items.filter(has_text="blue").drag_to(v1, target_position={"x": 200, "y": 25})  # 4 s at 50 px/s
    expect(v1.locator("[data-clip-id]")).to_have_count(2)

    # trim red's end 1 s to the left: 0..3
    red_clip = v1.locator("[data-clip-id]").first
    drag_by(page, red_clip.locator("[data-handle=end]"), -50)
    server.wait_for(lambda: [round(c["out"], 1) for c in clips_on_server(server, pid)][:1] == [3.0], timeout=10)
    assert clips_on_server(server, pid)[0]["in"] == 0  # the media's first frames are kept

    # split blue at 5 s: select it, put the playhead there, press S
    page.get_by_role("region", name="Timeline").locator("[data-ruler]").click(position={"x": 250, "y": 5})
    v1.locator("[data-clip-id]").nth(1).click(position={"x": 10, "y": 10})
    page.keyboard.press("KeyS")
    expect(v1.locator("[data-clip-id]")).to_have_count(3)
    page.keyboard.press("Control+z")
    expect(v1.locator("[data-clip-id]")).to_have_count(2)
    page.keyboard.press("Control+Shift+z")
    expect(v1.locator("[data-clip-id]")).to_have_count(3)
    server.wait_for(lambda: len(clips_on_server(server, pid)) == 3, timeout=10)

    page.reload()
    expect(v1.locator("[data-clip-id]")).to_have_count(3)
    clips = clips_on_server(server, pid)
    assert [round(c["start"], 1) for c in clips] == [0.0, 4.0, 5.0]
    assert [round(c["out"] - c["in"], 1) for c in clips] == [3.0, 1.0, 3.0]

    page.get_by_role("button", name="Export").click()
    page.get_by_role("dialog", name="Export").get_by_role("button", name="Start export").click()
    link = page.get_by_role("link", name="Download")
    expect(link).to_be_visible(timeout=60000)
    out = tmp_path / "export.mp4"
    r = requests.get(server.url.rstrip("/") + link.get_attribute("href"),
                     headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    assert r.status_code == 200
    out.write_bytes(r.content)
    with av.open(str(out)) as c:
        assert abs(c.duration / av.time_base - 8.0) <= 1 / 25 + 0.03
        frames = [(float(f.pts * f.time_base), f.to_ndarray(format="rgb24")) for f in c.decode(video=0)]
    def near(c1: tuple[int, ...], c2: tuple[int, int, int]) -> bool:
        return all(abs(a - b) < 40 for a, b in zip(c1, c2, strict=True))
    assert near(colour(frames, 1.5), (255, 0, 0))   # red, trimmed to 3 s
    assert near(colour(frames, 3.5), (0, 0, 0))     # the gap left by the trim
    assert near(colour(frames, 4.5), (0, 0, 255))   # blue, first part of the split
    assert near(colour(frames, 7.0), (0, 0, 255))   # blue, second part
    watch.assert_clean()
