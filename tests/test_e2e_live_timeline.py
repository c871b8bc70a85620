"""One history (issue 17): an agent's edit of the timeline, made through the HTTP API while a page
has the project open, appears in the page at once, without a reload (the event stream's
`timeline_changed`), driven in Debian's Chromium on a real server. The page's own saves are not
news to it. Undo is the server's: Ctrl+Z in the page and an agent's undo walk one history, which
survives a reload."""

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


def test_the_page_and_an_agent_share_one_undo_history(server: ServerProcess, page: Page, tmp_path: Path) -> None:
    """Ctrl+Z in the page undoes an agent's edit on the server's history; the agent's undo (as MCP's
    undo tool calls it) then undoes the page's own edit; after a reload the history is still there."""
    pid = server.post("/api/projects", json={"name": "Shared"}).json()["project"]["id"]
    item = import_file(server, pid, ms.make_solid(tmp_path / "red.mp4", "red", seconds=3))
    doc = server.get(f"/api/projects/{pid}/timeline").json()["timeline"]
    next(t for t in doc["tracks"] if t["kind"] == "video")["clips"] = [
        {"id": "red", "media_id": item["id"], "start": 0.5, "in": 0, "out": 3}]
    assert server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc}).status_code == 200

    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("Shared — Reelcut")
    timeline = page.get_by_role("region", name="Timeline")
    markers = timeline.locator("[data-marker-id]")
    agent_clip = timeline.locator("[data-clip-id='agent']")
    undo_button = timeline.get_by_role("button", name="Undo")
    redo_button = timeline.get_by_role("button", name="Redo")
    expect(timeline.locator("[data-clip-id='red']")).to_be_visible()
    # the server's history, read when the project opens: the script's save is there to undo
    expect(undo_button).to_be_enabled()
    expect(redo_button).to_be_disabled()

    def history() -> dict:
        return server.get(f"/api/projects/{pid}/timeline/history").json()

    # the page's own edit: a marker at the end, one step of the server's history
    timeline.locator("[data-clip-id='red']").click()
    page.keyboard.press("End")
    page.keyboard.press("m")
    until(lambda: history()["steps"][-1]["source"] == "page", 10, "the page's marker a step", page=page)
    assert len(server.get(f"/api/projects/{pid}/timeline").json()["timeline"]["markers"]) == 1

    # the agent's edit: PUT with the token, the source told by header (as `reelcut mcp` sends it)
    got = server.get(f"/api/projects/{pid}/timeline").json()
    theirs = got["timeline"]
    next(t for t in theirs["tracks"] if t["kind"] == "video")["clips"].append(
        {"id": "agent", "media_id": item["id"], "start": 5, "in": 0, "out": 2})
    r = server.put(f"/api/projects/{pid}/timeline", json={"timeline": theirs, "revision": got["revision"]},
                   headers={"X-Reelcut-Source": "mcp"})
    assert r.status_code == 200, r.text
    expect(agent_clip).to_be_visible(timeout=5000)
    assert [s["source"] for s in history()["steps"]][-2:] == ["page", "mcp"]

    # Ctrl+Z in the page: the server's history moves back over the agent's step, and the page says whose
    page.keyboard.press("Control+z")
    expect(agent_clip).to_have_count(0, timeout=5000)
    expect(page.get_by_role("status", name="Notifications")).to_contain_text("Undid an agent's edit.")
    h = history()
    current = next(i for i, s in enumerate(h["steps"]) if s["current"])
    assert h["can_redo"] and h["steps"][current + 1]["source"] == "mcp", h
    assert h["steps"][current]["source"] == "page"
    saved = server.get(f"/api/projects/{pid}/timeline").json()
    assert [c["id"] for t in saved["timeline"]["tracks"] for c in t["clips"]] == ["red"]
    assert len(saved["timeline"]["markers"]) == 1, "the page's marker stays: only the agent's step was undone"
    expect(redo_button).to_be_enabled()
    expect(markers).to_have_count(1)

    # the agent's undo (MCP's undo tool: the revision just read, source mcp) undoes the page's marker
    r = server.post(f"/api/projects/{pid}/timeline/undo", json={"revision": saved["revision"], "source": "mcp"})
    assert r.status_code == 200, r.text
    assert r.json()["label"] == "Undid an edit in the window."
    expect(markers).to_have_count(0, timeout=5000)
    assert server.get(f"/api/projects/{pid}/timeline").json()["timeline"]["markers"] == []

    # a reload: the history is the server's, so it is still there (the page's marker to redo, the
    # script's clip to undo)
    page.reload()
    expect(timeline.locator("[data-clip-id='red']")).to_be_visible()
    expect(undo_button).to_be_enabled()
    expect(redo_button).to_be_enabled()
    page.keyboard.press("Control+Shift+z")
    expect(markers).to_have_count(1, timeout=5000)
    until(lambda: len(server.get(f"/api/projects/{pid}/timeline").json()["timeline"]["markers"]) == 1, 10,
          "the redo on the server", page=page)
    page.keyboard.press("Control+z")
    expect(markers).to_have_count(0, timeout=5000)
    page.keyboard.press("Control+z")  # the script's save of the red clip: back to the empty timeline
    expect(timeline.locator("[data-clip-id='red']")).to_have_count(0, timeout=5000)
    expect(undo_button).to_be_disabled()
    h = history()
    assert not h["can_undo"] and h["can_redo"] and h["steps"][0]["current"], h
    watch.assert_clean()
