"""Smart render in the page (issue 31), in Debian's Chromium on a real server: a finished export
says how it was made (its plan's summary), and Settings turns smart render off, which the next
export's summary shows. No CSP violation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from . import media_samples as ms
from .e2e_helpers import import_file, saved_timeline
from .server_process import ServerProcess
from .test_e2e_browser import Watch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def _export_in_page(page: Page) -> None:
    page.get_by_role("button", name="Export", exact=True).click()
    page.get_by_role("dialog", name="Export").get_by_role("button", name="Start export").click()
    expect(page.get_by_role("link", name=re.compile(r"^Download "))).to_be_visible(timeout=120000)


def test_an_export_says_how_it_was_made_and_settings_turn_copying_off(server: ServerProcess, page: Page,
                                                                       tmp_path: Path) -> None:
    pid = server.post("/api/projects", json={"name": "Smart"}).json()["project"]["id"]
    # a 25 fps clip in a 30 fps timeline: encoded, and the summary gives that reason
    item = import_file(server, pid, ms.make_solid(tmp_path / "red.mp4", "red", seconds=1))
    doc = saved_timeline(server, pid)
    top = next(t for t in doc["tracks"] if t["kind"] == "video")
    top["clips"] = [{"id": "red", "media_id": item["id"], "start": 0, "in": 0, "out": 1}]
    assert server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc}).status_code == 200

    watch = Watch(page)
    page.goto(server.login_url)
    expect(page).to_have_title("Smart — Reelcut")
    _export_in_page(page)
    summary = page.locator(".export-plan")
    expect(summary).to_have_text(re.compile(r"^Smart render: .*25 fps in a 30 fps timeline"))

    page.get_by_role("button", name="Settings").click()
    box = page.get_by_role("checkbox", name="Smart render")
    expect(box).to_be_checked()
    box.set_checked(False)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("dialog", name="Settings")).to_be_hidden()
    assert server.get("/api/settings").json()["smart_render"] is False

    _export_in_page(page)
    expect(summary).to_have_text("Smart render is off: the whole timeline is encoded", timeout=120000)
    watch.assert_clean()
