"""The timeline's own gestures, in Debian's Chromium on a real server: markers on the ruler (added,
dragged, renamed in place, deleted), a selection box on an empty lane, the snapping toggle, Close
gap, zoom to fit and the view following the playhead. Each edit is checked in the saved document,
and undone in one step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from . import media_samples as ms
from .e2e_helpers import import_file, saved_timeline, until
from .server_process import ServerProcess
from .test_e2e_browser import Watch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]
ZOOM = 50




@pytest.fixture
def project(server: ServerProcess, tmp_path: Path) -> tuple[str, str]:
    """Three 2 s clips on the top video track: 0-2, 3-5 (a 1 s gap before it), 5-7."""
    pid = server.post("/api/projects", json={"name": "View"}).json()["project"]["id"]
    item = import_file(server, pid, ms.make_solid(tmp_path / "red.mp4", "red", seconds=2))
    doc = server.get(f"/api/projects/{pid}/timeline").json()["timeline"]
    top = next(t for t in doc["tracks"] if t["kind"] == "video")
    top["clips"] = [{"id": cid, "media_id": item["id"], "start": start, "in": 0, "out": 2}
                    for cid, start in (("a", 0), ("b", 3), ("c", 5))]
    assert server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc}).status_code == 200
    return pid, top["id"]


def open_view(page: Page, server: ServerProcess) -> Watch:
    """The page on the project, watched for CSP violations and console errors."""
    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("View — Reelcut")
    return watch


def saved(server: ServerProcess, pid: str) -> dict[str, Any]:
    return saved_timeline(server, pid)


def test_markers_on_the_ruler(server: ServerProcess, page: Page, project: tuple[str, str]) -> None:
    pid, _ = project
    watch = open_view(page, server)
    timeline = page.get_by_role("region", name="Timeline")
    ruler = timeline.locator("[data-ruler]")
    ruler.click(position={"x": 2 * ZOOM, "y": 5})
    timeline.get_by_role("button", name="+ Marker").click()
    marker = timeline.get_by_role("button", name="Marker Marker 1 at 00:00:02:00")
    expect(marker).to_be_visible()
    until(lambda: [(m["name"], m["time"]) for m in saved(server, pid).get("markers", [])] == [("Marker 1", 2)], 10,
          "a marker at 2 s")

    # dragged one second right
    box = marker.bounding_box()
    page.mouse.move(box["x"] + 3, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 3 + ZOOM / 2, box["y"] + box["height"] / 2)
    page.mouse.move(box["x"] + 3 + ZOOM, box["y"] + box["height"] / 2)
    page.mouse.up()
    until(lambda: abs(saved(server, pid)["markers"][0]["time"] - 3) < 0.05, 10, "the marker dragged to 3 s")

    # renamed in place
    timeline.locator("[data-marker-id]").dblclick()
    name = timeline.get_by_role("textbox", name="Marker name")
    name.fill("Drop")
    name.press("Enter")
    until(lambda: saved(server, pid)["markers"][0]["name"] == "Drop", 10, "the marker renamed")
    page.keyboard.press("Control+z")
    until(lambda: saved(server, pid)["markers"][0]["name"] == "Marker 1", 10, "the rename undone in one step")
    page.keyboard.press("Control+Shift+z")

    # jumps, then Delete on the focused marker
    page.keyboard.press("Home")
    timeline.get_by_role("button", name="Marker ▸").click()
    expect(timeline.get_by_label("Timecode")).to_have_text("00:00:03:00")
    timeline.locator("[data-marker-id]").focus()
    page.keyboard.press("Delete")
    until(lambda: saved(server, pid).get("markers") == [], 10, "the marker deleted")
    watch.assert_clean()


def test_selection_box_snapping_close_gap_and_fit(server: ServerProcess, page: Page, project: tuple[str, str]) -> None:
    pid, track_id = project
    watch = open_view(page, server)
    timeline = page.get_by_role("region", name="Timeline")
    row = timeline.locator(f"[data-track-id='{track_id}']")

    # a box from the empty stretch after the clips back over b and c selects both
    box = row.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 9 * ZOOM, y)
    page.mouse.down()
    page.mouse.move(box["x"] + 6 * ZOOM, y + 2)
    page.mouse.move(box["x"] + 4 * ZOOM, y + 4)
    page.mouse.up()
    for cid, on in (("a", "false"), ("b", "true"), ("c", "true")):
        expect(timeline.locator(f"[data-clip-id='{cid}']")).to_have_attribute("aria-selected", on)

    # the snapping toggle shows its state
    snap = timeline.get_by_role("button", name="Snap")
    expect(snap).to_have_attribute("aria-pressed", "true")
    snap.click()
    expect(snap).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("n")
    expect(snap).to_have_attribute("aria-pressed", "true")

    # a double-click on the gap between a and b closes it: b and c move left by 1 s
    page.mouse.dblclick(box["x"] + 2.5 * ZOOM, y)
    until(lambda: [c["start"] for c in next(t for t in saved(server, pid)["tracks"] if t["id"] == track_id)["clips"]]
          == [0, 2, 4], 10, "the gap closed")
    page.keyboard.press("Control+z")
    until(lambda: [c["start"] for c in next(t for t in saved(server, pid)["tracks"] if t["id"] == track_id)["clips"]]
          == [0, 3, 5], 10, "close gap undone in one step")

    # a drop snaps: let go 5 px after a's end on the track below, and the new clip starts at a's end
    lower = next(t for t in saved(server, pid)["tracks"] if t["kind"] == "video" and t["id"] != track_id)
    lower_row = timeline.locator(f"[data-track-id='{lower['id']}']")
    item = page.get_by_role("list", name="Media").get_by_role("listitem").first
    item.drag_to(lower_row, target_position={"x": 2 * ZOOM + 5, "y": 20})
    until(lambda: [c["start"] for c in next(t for t in saved(server, pid)["tracks"] if t["id"] == lower["id"])["clips"]]
          == [2], 10, "the drop snapped to the clip's end at 2 s")

    # Fit: the whole timeline (7 s) fills the visible lanes
    timeline.get_by_role("button", name="Fit").click()
    width = page.evaluate("() => document.querySelector('.timeline-scroll').clientWidth")
    page.wait_for_function("(w) => { const c = document.querySelector(\"[data-clip-id='c']\").getBoundingClientRect();"
                           " const s = document.querySelector('.timeline-scroll').getBoundingClientRect();"
                           " return c.right <= s.left + w + 1 && c.right > s.left + w * 0.5; }",
                           arg=width, timeout=5000)
    watch.assert_clean()


def test_edit_points_marker_keys_close_gap_key_cut_and_the_view_following(server: ServerProcess, page: Page,
                                                                          project: tuple[str, str]) -> None:
    pid, track_id = project
    watch = open_view(page, server)
    timeline = page.get_by_role("region", name="Timeline")
    clock = timeline.get_by_label("Timecode")
    keys = page.keyboard

    def starts() -> list[float]:
        return [c["start"] for c in next(t for t in saved(server, pid)["tracks"] if t["id"] == track_id)["clips"]]

    # Up and Down jump between edit points: 0, 2 (a ends), 3 (b starts), 5, 7
    keys.press("Home")
    keys.press("ArrowDown")
    expect(clock).to_have_text("00:00:02:00")
    keys.press("ArrowDown")
    expect(clock).to_have_text("00:00:03:00")
    keys.press("ArrowUp")
    expect(clock).to_have_text("00:00:02:00")

    # Shift+Down and Shift+Up jump between markers
    keys.press("m")  # a marker at 2 s
    keys.press("End")
    keys.press("m")  # and at 7 s
    until(lambda: len(saved(server, pid).get("markers", [])) == 2, 10, "two markers")
    keys.press("Home")
    keys.press("Shift+ArrowDown")
    expect(clock).to_have_text("00:00:02:00")
    keys.press("Shift+ArrowDown")
    expect(clock).to_have_text("00:00:07:00")
    keys.press("Shift+ArrowUp")
    expect(clock).to_have_text("00:00:02:00")

    # Alt+Backspace closes the gap at the playhead (2-3 s): b and c move left by 1 s; one undo
    # (the playhead put there by keys: the ruler there is under the marker's label, a button)
    keys.press("Home")
    keys.press("ArrowDown")
    keys.press("Alt+Backspace")
    until(lambda: starts() == [0, 2, 4], 10, "the gap at the playhead closed")
    keys.press("Control+z")
    until(lambda: starts() == [0, 3, 5], 10, "close gap undone in one step")

    # Ctrl+X cuts c; Ctrl+V at the playhead (the end of b, 5 s) puts it back
    timeline.locator("[data-clip-id='c']").click()
    keys.press("Control+x")
    until(lambda: starts() == [0, 3], 10, "c cut")
    keys.press("Escape")  # the view's focus leaves the clip, so End moves the playhead (to 5 s, b's end)
    keys.press("End")
    keys.press("Control+v")
    until(lambda: starts() == [0, 3, 5], 10, "c pasted back at 5 s")

    # at a close zoom the view follows the playhead: End shows the end of the timeline
    timeline.get_by_role("slider", name="Zoom").fill("400")
    keys.press("Home")
    assert page.evaluate("() => document.querySelector('.timeline-scroll').scrollLeft") == 0
    keys.press("End")
    page.wait_for_function("() => { const s = document.querySelector('.timeline-scroll');"
                           " const x = 7 * 400; return s.scrollLeft <= x && x <= s.scrollLeft + s.clientWidth; }",
                           timeout=5000)
    watch.assert_clean()
