"""One history (issue 17): an agent's edit of the timeline, made through the HTTP API while a page
has the project open, appears in the page at once, without a reload (the event stream's
`timeline_changed`), driven in Debian's Chromium on a real server. The page's own saves are not
news to it, and Ctrl+Z there takes the agent's edit back."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from . import media_samples as ms
from .e2e_helpers import import_file, until
from .server_process import ServerProcess
from .test_e2e_browser import Watch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def test_an_agents_edit_appears_in_the_open_page(server: ServerProcess, page: Page, tmp_path: Path) -> None:
    pid = server.post("/api/projects", json={"name": "Live"}).json()["project"]["id"]
    item = import_file(server, pid, ms.make_solid(tmp_path / "red.mp4", "red", seconds=3))
    doc = server.get(f"/api/projects/{pid}/timeline").json()["timeline"]
    next(t for t in doc["tracks"] if t["kind"] == "video")["clips"] = [
        {"id": "red", "media_id": item["id"], "start": 0.5, "in": 0, "out": 3}]
    assert server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc}).status_code == 200

    watch = Watch(page)
    gets: list[str] = []
    page.on("request", lambda r: gets.append(r.url) if r.method == "GET" and r.url.endswith("/timeline") else None)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("Live — Reelcut")
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline.locator("[data-clip-id='red']")).to_be_visible()
    reads = len(gets)

    # the agent: read, change, save with the revision (Bearer token, source "mcp")
    got = server.get(f"/api/projects/{pid}/timeline").json()
    theirs = got["timeline"]
    next(t for t in theirs["tracks"] if t["kind"] == "video")["clips"].append(
        {"id": "agent", "media_id": item["id"], "start": 5, "in": 0, "out": 2})
    r = server.put(f"/api/projects/{pid}/timeline",
                   json={"timeline": theirs, "revision": got["revision"], "source": "mcp"})
    assert r.status_code == 200, r.text
    agent_revision = r.json()["revision"]
    # shown without a reload, in a few seconds
    expect(timeline.locator("[data-clip-id='agent']")).to_be_visible(timeout=5000)
    assert len(gets) == reads + 1  # read once, on the event
    history = server.get(f"/api/projects/{pid}/timeline/history").json()
    assert [s["source"] for s in history["steps"]][-1] == "mcp"

    # the page's own edit is saved once and not read back as news (its event names its window)
    timeline.locator("[data-clip-id='agent']").click()
    page.keyboard.press("Delete")
    saved = until(lambda: (g := server.get(f"/api/projects/{pid}/timeline").json())["revision"] > agent_revision
                  and g, 10, "the page's delete saved", page=page)
    assert [c["id"] for t in saved["timeline"]["tracks"] for c in t["clips"]] == ["red"]
    assert server.get(f"/api/projects/{pid}/timeline/history").json()["steps"][-1]["source"] == "page"
    page.wait_for_timeout(800)
    assert len(gets) == reads + 1, gets
    # Ctrl+Z in the page: the agent's clip is back, and saved
    page.keyboard.press("Control+z")
    expect(timeline.locator("[data-clip-id='agent']")).to_be_visible()
    until(lambda: any(c["id"] == "agent" for t in server.get(f"/api/projects/{pid}/timeline").json()["timeline"]
                      ["tracks"] for c in t["clips"]), 10, "the undo saved", page=page)

    # an undo through the API (an agent's) shows in the page too
    at = server.get(f"/api/projects/{pid}/timeline").json()["revision"]
    r = server.post(f"/api/projects/{pid}/timeline/undo", json={"revision": at, "source": "mcp"})
    assert r.status_code == 200, r.text
    expect(timeline.locator("[data-clip-id='agent']")).to_have_count(0, timeout=5000)
    watch.assert_clean()
