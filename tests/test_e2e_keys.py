"""The timeline's shortcuts (issue 27), pressed as a user presses them in Debian's Chromium on a
real server: ripple delete, copy and paste, duplicate, select all and nudge, a marker, snapping
off, zoom to fit, the shortcut sheet. After each edit the saved document (GET /api/projects/<id>/timeline) shows it,
and one undo restores the document before it; no CSP violation, no console error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from . import media_samples as ms
from .e2e_helpers import saved_timeline, until
from .server_process import ServerProcess
from .test_e2e_browser import Watch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

FPS = 30




def saved(server: ServerProcess, pid: str) -> dict[str, Any]:
    return saved_timeline(server, pid)


def clips(server: ServerProcess, pid: str) -> list[tuple[float, float, float]]:
    """The top video track's clips as (start, in, out), in time order."""
    top = next(t for t in saved(server, pid)["tracks"] if t["kind"] == "video")
    return sorted((round(c["start"], 4), c["in"], c["out"]) for c in top["clips"])


START = [(0, 0, 2), (2, 0.5, 2.5), (4, 1, 3)]


@pytest.fixture
def project(server: ServerProcess, tmp_path: Path) -> str:
    """Three clips of one red video back to back on the top video track: a, b, c."""
    pid = server.post("/api/projects", json={"name": "Keys"}).json()["project"]["id"]
    path = ms.make_solid(tmp_path / "red.mp4", "red", seconds=3)
    with open(path, "rb") as f:
        item = server.post(f"/api/projects/{pid}/media", files={"file": ("red.mp4", f, "video/mp4")}).json()["media"][0]
    doc = saved(server, pid)
    top = next(t for t in doc["tracks"] if t["kind"] == "video")
    top["clips"] = [{"id": cid, "media_id": item["id"], "start": s, "in": i, "out": o}
                    for cid, (s, i, o) in zip("abc", START, strict=True)]
    assert server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc}).status_code == 200
    return pid


def test_shortcuts_edit_the_saved_document_and_undo_each_in_one_step(server: ServerProcess, page: Page,
                                                                     project: str) -> None:
    pid = project
    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("Keys — Reelcut")
    timeline = page.get_by_role("region", name="Timeline")
    clip = lambda cid: timeline.locator(f"[data-clip-id='{cid}']")  # noqa: E731
    expect(clip("c")).to_be_visible()
    keys = page.keyboard

    def is_saved(want: list[tuple[float, float, float]], what: str) -> None:
        until(lambda: clips(server, pid) == want, 10, f"{what}: {want} (saved: {clips(server, pid)})")

    def undo(what: str) -> None:
        keys.press("Control+z")
        is_saved(START, f"one undo of {what}")

    # ripple delete: b goes and c moves up to where b began
    clip("b").click()
    keys.press("Shift+Delete")
    is_saved([(0, 0, 2), (2, 1, 3)], "ripple delete")
    undo("the ripple delete")

    # copy a, paste at the end (the playhead): a new clip, the same media and times, at 6
    clip("a").click()
    keys.press("Control+c")
    keys.press("End")
    keys.press("Control+v")
    is_saved([*START, (6, 0, 2)], "the paste")
    ids = {c["id"] for t in saved(server, pid)["tracks"] for c in t["clips"]}
    assert len(ids) == 4, "the pasted clip has an id of its own"
    undo("the paste")

    # a paste onto clips goes to the first place where it fits: Home, paste -> after c
    keys.press("Home")
    keys.press("Control+v")
    is_saved([*START, (6, 0, 2)], "a paste moved to where it fits")
    undo("the moved paste")

    # duplicate c: right after it
    clip("c").click()
    keys.press("Control+d")
    is_saved([*START, (6, 1, 3)], "the duplicate")
    undo("the duplicate")

    # select all, nudge a frame right (Alt+→), then ten frames right (Shift+.)
    keys.press("Control+a")
    keys.press("Alt+ArrowRight")
    is_saved([(round(s + 1 / FPS, 4), i, o) for s, i, o in START], "a one-frame nudge")
    undo("the one-frame nudge")
    keys.press("Shift+Period")
    is_saved([(round(s + 10 / FPS, 4), i, o) for s, i, o in START], "a ten-frame nudge")
    undo("the ten-frame nudge")
    # nothing before 0: a refused nudge says so and changes nothing
    keys.press("Comma")
    expect(page.get_by_text("No room to nudge the selection 1 frame left.")).to_be_visible()
    # Esc clears the selection: Delete then deletes nothing
    keys.press("Escape")
    keys.press("Delete")

    # a marker at the playhead (the end, 6 s)
    keys.press("End")
    keys.press("m")
    until(lambda: [(m["time"], m["name"]) for m in saved(server, pid)["markers"]] == [(6, "Marker 1")], 10,
          "the marker")
    assert clips(server, pid) == START
    keys.press("Control+z")
    until(lambda: saved(server, pid)["markers"] == [], 10, "one undo of the marker")
    assert clips(server, pid) == START

    # N turns snapping off (and says so); Shift+Z zooms so the whole 6 s fit the timeline's width
    keys.press("n")
    expect(page.get_by_text("Snapping off.")).to_be_visible()
    keys.press("Shift+z")
    zoom = until(lambda: saved(server, pid)["zoom"] if saved(server, pid)["zoom"] != 50 else None, 10, "zoom to fit")
    lanes = page.evaluate("document.querySelector('[data-mount=timeline]').clientWidth") - 120
    assert zoom == pytest.approx((lanes - 24) / 6)
    expect(timeline.get_by_role("slider", name="Zoom")).to_have_value(str(round(zoom)))
    assert clips(server, pid) == START, "a zoom is no edit"

    # the shortcut sheet: ? opens it, listing the shortcuts by group; Esc closes it
    keys.press("?")
    sheet = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(sheet).to_be_visible()
    expect(sheet.get_by_role("region", name="Edit")).to_contain_text("Ripple delete")
    expect(sheet).to_contain_text("Shift+Delete")
    expect(sheet.get_by_role("region", name="Markers")).to_contain_text("Add a marker at the playhead")
    keys.press("Escape")
    expect(sheet).to_be_hidden()

    assert clips(server, pid) == START
    watch.assert_clean()
