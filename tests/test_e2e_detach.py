"""Detach audio in Debian's Chromium on a real server, driven as a user does: select a video
clip, press Detach audio, drag the video clip (its sound follows), press Unlink; each step
checked in the saved document (GET /api/projects/<id>/timeline), with no CSP violation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from . import media_samples as ms
from .e2e_helpers import until
from .server_process import ServerProcess
from .test_e2e_browser import Watch
from .test_e2e_inspector import ZOOM, saved

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def clips(server: ServerProcess, pid: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """Clip id -> (track kind, clip) of the saved document."""
    return {c["id"]: (t["kind"], c) for t in saved(server, pid)["tracks"] for c in t["clips"]}


@pytest.fixture
def project(server: ServerProcess, tmp_path: Path) -> str:
    """One red clip with a 440 Hz tone on the top video track, from 0.5 s to 3.5 s."""
    pid = server.post("/api/projects", json={"name": "Detach"}).json()["project"]["id"]
    path = ms.make_solid(tmp_path / "red.mp4", "red", seconds=3, tone=440)
    with open(path, "rb") as f:
        item = server.post(f"/api/projects/{pid}/media", files={"file": ("red.mp4", f, "video/mp4")}).json()["media"][0]
    assert item["audio_codec"]
    doc = saved(server, pid)
    top = next(t for t in doc["tracks"] if t["kind"] == "video")
    top["clips"] = [{"id": "red", "media_id": item["id"], "start": 0.5, "in": 0, "out": 3}]
    assert server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc}).status_code == 200
    return pid


def test_detach_audio_then_move_both_then_unlink(server: ServerProcess, page: Page, project: str) -> None:
    pid = project
    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("Detach — Reelcut")
    timeline = page.get_by_role("region", name="Timeline")
    detach = timeline.get_by_role("button", name="Detach audio")
    unlink = timeline.get_by_role("button", name="Unlink")
    expect(detach).to_be_disabled()
    expect(unlink).to_be_disabled()

    timeline.locator("[data-clip-id='red']").click()
    expect(detach).to_be_enabled()
    detach.click()

    def detached() -> Any:
        found = clips(server, pid)
        sound = [c for kind, c in found.values() if kind == "audio"]
        return (found, sound[0]) if sound and found["red"][1].get("link") else None
    found, sound = until(detached, 10, "the detached sound saved")
    video = found["red"][1]
    assert video["audio_detached"] is True
    assert sound["link"] == video["link"] and isinstance(video["link"], str)
    assert (sound["media_id"], sound["start"], sound["in"], sound["out"]) == (video["media_id"], 0.5, 0, 3)
    # both are marked linked on the timeline, and said to be
    for clip_id in ("red", sound["id"]):
        node = timeline.locator(f"[data-clip-id='{clip_id}']")
        expect(node).to_have_class(re.compile(r"\blinked\b"))
        expect(node).to_have_attribute("aria-description", "Linked to its detached audio" if clip_id == "red"
                                       else "Linked to its video")
    expect(detach).to_be_disabled()  # not twice
    expect(unlink).to_be_enabled()

    # drag the video clip 2 s to the right: its sound follows
    node = timeline.locator("[data-clip-id='red']")
    box = node.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for dx in range(0, 2 * ZOOM + 1, 10):
        page.mouse.move(x + dx, y)
    page.mouse.up()

    def moved() -> Any:
        found = clips(server, pid)
        return found if abs(found["red"][1]["start"] - 2.5) < 0.05 else None
    found = until(moved, 10, "the video clip moved to 2.5 s")
    assert found["red"][1]["start"] == found[sound["id"]][1]["start"], found

    # Unlink from the keyboard: the buttons are in the tab order and take Enter
    timeline.locator("[data-clip-id='red']").click()
    unlink.focus()
    page.keyboard.press("Enter")
    found = until(lambda: (lambda f: f if "link" not in f["red"][1] else None)(clips(server, pid)), 10, "unlinked")
    assert "link" not in found[sound["id"]][1]
    assert found["red"][1]["audio_detached"] is True  # the sound is not doubled
    expect(timeline.locator(".clip.linked")).to_have_count(0)
    expect(unlink).to_be_disabled()
    watch.assert_clean()
