"""View state is not the document, and one writer cannot silently overwrite another, driven in
Debian's Chromium on a real server: a pause, a zoom (the Zoom slider) and a seek (a click on the
ruler) send no PUT of the timeline, only a small PUT of the view; and when the timeline is saved
behind the page's back as the page's own edit is being saved, that edit meets the 409 and is saved
anyway, not lost. (A change told while the page has nothing waiting is shown at once:
test_e2e_live_timeline.py.)"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Request, Response, Route, expect

from . import media_samples as ms
from .e2e_helpers import until as wait_until
from .server_process import ServerProcess
from .test_e2e_browser import Watch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def until(page: Page, predicate: Callable[[], Any], seconds: float, what: str) -> Any:
    """Waiting in the page (page.on handlers run only while Playwright is being called)."""
    return wait_until(predicate, seconds, what, page=page)


def before_the_pages_save(page: Page, theirs: Callable[[], None]) -> None:
    """Run `theirs` (another writer's save) as the page's next timeline save leaves the browser,
    before it reaches the server: the page's save is then made on the revision before, whatever
    the machine's load (a change told while the page has nothing waiting is shown at once)."""
    done: list[bool] = []

    def handle(route: Route) -> None:
        if route.request.method == "PUT" and not done:
            done.append(True)
            theirs()
        route.continue_()
    page.route(lambda url: url.endswith("/timeline"), handle)


@pytest.fixture
def project(server: ServerProcess, tmp_path: Path) -> str:
    """One red clip on the top video track, from 0.5 s to 3.5 s."""
    pid = server.post("/api/projects", json={"name": "Views"}).json()["project"]["id"]
    path = ms.make_solid(tmp_path / "red.mp4", "red", seconds=3)
    with open(path, "rb") as f:
        item = server.post(f"/api/projects/{pid}/media", files={"file": ("red.mp4", f, "video/mp4")}).json()["media"][0]
    doc = server.get(f"/api/projects/{pid}/timeline").json()["timeline"]
    top = next(t for t in doc["tracks"] if t["kind"] == "video")
    top["clips"] = [{"id": "red", "media_id": item["id"], "start": 0.5, "in": 0, "out": 3}]
    assert server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc}).status_code == 200
    return pid


def test_view_state_is_saved_apart_and_a_stale_save_recovers(server: ServerProcess, page: Page, project: str) -> None:
    watch = Watch(page)
    puts: list[str] = []
    conflicts: list[str] = []

    def on_request(r: Request) -> None:
        if r.method == "PUT":
            puts.append(r.url.split("?")[0].rsplit("/", 1)[-1])

    def on_response(r: Response) -> None:
        if r.request.method == "PUT" and r.status == 409:
            conflicts.append(r.url)

    page.on("request", on_request)
    page.on("response", on_response)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("Views — Reelcut")
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline.locator("[data-clip-id='red']")).to_be_visible()
    revision = server.get(f"/api/projects/{project}/timeline").json()["revision"]

    # a pause: play, then pause
    page.keyboard.press("Space")
    page.wait_for_timeout(400)
    page.keyboard.press("Space")
    # a zoom: the slider dragged to 80
    page.get_by_label("Zoom").evaluate(
        "(el) => { el.value = '80'; el.dispatchEvent(new Event('input', { bubbles: true })); }")
    # a seek: a click on the ruler at 160 px, 2 s at 80 pixels a second
    timeline.locator("[data-ruler]").click(position={"x": 160, "y": 5})
    view = until(page, lambda: (v := server.get(f"/api/projects/{project}/view").json()["view"])["zoom"] == 80
                 and abs(v["playhead"] - 2) < 0.1 and v, 5, "the view saved")
    # the server has the view; the page's request event reaches this test only while Playwright
    # is being called, so it is waited for too (asserting it at once flaked on a loaded machine)
    until(page, lambda: "view" in puts, 5, "the page's PUT of the view")
    page.wait_for_timeout(1000)  # longer than any debounce: a timeline save would have been sent by now
    assert "timeline" not in puts, puts
    got = server.get(f"/api/projects/{project}/timeline").json()
    assert got["revision"] == revision  # the timeline was not saved
    assert got["timeline"]["zoom"] == 80 and got["timeline"]["playhead"] == view["playhead"]

    # another writer saves the timeline behind the page's back (a second clip, later on) as the
    # page's next edit is being saved: that save, made on the revision before, meets the 409
    theirs = got["timeline"]
    top = next(t for t in theirs["tracks"] if t["kind"] == "video")
    top["clips"].append({**top["clips"][0], "id": "other", "start": 6})

    def save_theirs() -> None:
        r = server.put(f"/api/projects/{project}/timeline", json={"timeline": theirs, "revision": revision})
        assert r.status_code == 200 and r.json()["revision"] == revision + 1
    before_the_pages_save(page, save_theirs)

    # the page's next edit: split the red clip at the playhead (2 s)
    timeline.locator("[data-clip-id='red']").click(position={"x": 5, "y": 5})
    page.keyboard.press("s")
    saved = until(page, lambda: (g := server.get(f"/api/projects/{project}/timeline").json())["revision"] > revision + 1
                  and g, 10, "the page's edit saved")
    assert conflicts, "the page's save was not refused as stale"
    clips = sorted((c for t in saved["timeline"]["tracks"] for c in t["clips"]), key=lambda c: c["start"])
    # the edit was not lost: the red clip is split at 2 s; nor was theirs: their clip is still there
    assert [(c["start"], c["in"], c["out"]) for c in clips] == [(0.5, 0, 1.5), (2, 1.5, 3), (6, 0, 3)], clips
    assert clips[2]["id"] == "other"
    toast = page.get_by_role("status", name="Notifications").filter(has_text="changed elsewhere")
    expect(toast).to_contain_text("made again")
    # and the page shows what was saved: their clip too
    expect(timeline.locator("[data-clip-id='other']")).to_be_visible()
    # one save in flight at a time: no more refusals after the one
    page.wait_for_timeout(800)
    assert len(conflicts) == 1, conflicts

    # scrolled far in at a high zoom, then opened again: the view is where it was left
    page.get_by_label("Zoom").evaluate(
        "(el) => { el.value = '400'; el.dispatchEvent(new Event('input', { bubbles: true })); }")
    page.locator(".timeline-scroll").evaluate("(el) => { el.scrollLeft = 900; }")
    until(page, lambda: server.get(f"/api/projects/{project}/view").json()["view"]
          == {"playhead": view["playhead"], "zoom": 400, "scroll": 900, "in_point": None, "out_point": None}, 5,
          "the scroll saved")
    page.reload()
    expect(page.get_by_label("Zoom")).to_have_value("400")
    until(page, lambda: page.locator(".timeline-scroll").evaluate("(el) => el.scrollLeft") == 900, 5,
          "the scroll restored")
    assert watch.violations() == []
    # a refused save is logged by Chromium as a failed load; nothing else went wrong
    assert [e for e in watch.console_errors if "409" not in e] == []


def test_an_edit_that_no_longer_fits_the_other_copy_is_saved_over_it(server: ServerProcess, page: Page,
                                                                      project: str) -> None:
    """Their copy put a clip where the page splits its own: the two overlap, so the combination is
    refused, and the page's copy is saved over theirs (last writer wins, knowingly: a toast says so)."""
    watch = Watch(page)
    conflicts: list[int] = []
    page.on("response", lambda r: conflicts.append(r.status) if r.request.method == "PUT" and r.status >= 400
            else None)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("Views — Reelcut")
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline.locator("[data-clip-id='red']")).to_be_visible()
    timeline.locator("[data-ruler]").click(position={"x": 100, "y": 5})  # 2 s at 50 pixels a second
    got = server.get(f"/api/projects/{project}/timeline").json()
    theirs = got["timeline"]
    top = next(t for t in theirs["tracks"] if t["kind"] == "video")
    red = top["clips"][0]
    top["clips"] = [{**red, "id": "x"}, {**red, "start": 5}]  # red moved on, another clip in its place
    before_the_pages_save(page, lambda: server.put(f"/api/projects/{project}/timeline", json={
        "timeline": theirs, "revision": got["revision"]}).raise_for_status())

    timeline.locator("[data-clip-id='red']").click(position={"x": 5, "y": 5})
    page.keyboard.press("s")
    toast = page.get_by_role("status", name="Notifications").filter(has_text="could not be combined")
    expect(toast).to_be_visible(timeout=10000)
    assert 409 in conflicts and 422 in conflicts, conflicts
    saved = server.get(f"/api/projects/{project}/timeline").json()
    assert saved["revision"] == got["revision"] + 2
    clips = sorted((c for t in saved["timeline"]["tracks"] for c in t["clips"]), key=lambda c: c["start"])
    assert [(c["start"], c["in"], c["out"]) for c in clips] == [(0.5, 0, 1.5), (2, 1.5, 3)], clips
    expect(timeline.locator("[data-clip-id='x']")).to_have_count(0)
    assert watch.violations() == []
    assert [e for e in watch.console_errors if "409" not in e and "422" not in e] == []
