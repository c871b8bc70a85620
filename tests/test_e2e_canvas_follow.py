"""The timeline's format follows its media (issue 31), in Debian's Chromium on a real server: the
first video added to a new project gives the timeline its size and frame rate, and says so; a
format the user chose is kept when a clip lands. Checked in the saved document, with no CSP
violation."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from . import media_samples as ms
from .e2e_helpers import import_file, saved_timeline, until
from .server_process import ServerProcess
from .test_e2e_browser import Watch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]


def _format(server: ServerProcess, pid: str) -> tuple[int, int, float]:
    doc = saved_timeline(server, pid)
    return doc["width"], doc["height"], doc["fps"]


def _open(page: Page, server: ServerProcess, name: str) -> Watch:
    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title(f"{name} — Reelcut")
    return watch


def test_the_first_clip_gives_a_new_timeline_its_format(server: ServerProcess, page: Page, tmp_path: Path) -> None:
    pid = server.post("/api/projects", json={"name": "Follow"}).json()["project"]["id"]
    item = import_file(server, pid, ms.make_video(tmp_path / "clip.mp4", seconds=2, size="640x360", rate=24))
    assert _format(server, pid) == (1920, 1080, 30)
    watch = _open(page, server, "Follow")

    page.get_by_role("button", name=f"Add {item['name']} to the timeline").click()
    until(lambda: _format(server, pid) == (640, 360, 24), 10, "the timeline took the clip's 640 × 360 at 24 fps")
    expect(page.get_by_text("The timeline took its first clip's format: 640 × 360 at 24 fps")).to_be_visible()
    expect(page.get_by_role("combobox", name="Frame rate")).to_have_value("24")
    # one undo takes the clip away and the format back with it
    page.keyboard.press("Control+z")
    until(lambda: _format(server, pid) == (1920, 1080, 30), 10, "undo restored 1920 × 1080 at 30 fps")
    watch.assert_clean()


def test_a_format_the_user_chose_is_kept(server: ServerProcess, page: Page, tmp_path: Path) -> None:
    pid = server.post("/api/projects", json={"name": "Chosen"}).json()["project"]["id"]
    item = import_file(server, pid, ms.make_video(tmp_path / "clip.mp4", seconds=2, size="640x360", rate=24))
    watch = _open(page, server, "Chosen")

    page.get_by_role("combobox", name="Canvas").select_option(label="9:16 · 1080 × 1920")
    until(lambda: _format(server, pid)[:2] == (1080, 1920), 10, "9:16 chosen")
    page.get_by_role("button", name=f"Add {item['name']} to the timeline").click()
    until(lambda: sum(len(t["clips"]) for t in saved_timeline(server, pid)["tracks"]) == 1, 10, "the clip saved")
    assert _format(server, pid) == (1080, 1920, 30)
    assert saved_timeline(server, pid)["format_set"] is True
    watch.assert_clean()
