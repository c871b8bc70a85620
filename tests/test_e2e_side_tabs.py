"""The left column's tabs (Media, Transitions, Captions), in Debian's Chromium on a real server: at
the desktop window's first size the library shows its items whole (stacked under the other two
panels it kept a strip too thin for one); the keys of the WAI-ARIA tabs pattern; the tab a
button elsewhere needs is opened for it (Show in library, + Captions track); a file dragged over
the Media tab from another one opens the library for the drop (a drag of no file leaves it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from reelcut.shell import DEFAULT_SIZE

from . import media_samples as ms
from .e2e_helpers import PANELS, import_file, until
from .server_process import ServerProcess
from .test_a11y import assert_axe_clean
from .test_e2e_browser import Watch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


def shown(page: Page) -> str:
    """The one tab that is chosen, checked against what is shown and what Tab reaches."""
    tabs = page.get_by_role("tablist", name="Library panels").get_by_role("tab")
    expect(tabs).to_have_count(3)
    chosen = [t for t in tabs.all() if t.get_attribute("aria-selected") == "true"]
    assert len(chosen) == 1, [t.get_attribute("aria-selected") for t in tabs.all()]
    name = chosen[0].inner_text()
    for tab in tabs.all():
        on = tab.inner_text() == name
        assert tab.get_attribute("tabindex") == ("0" if on else "-1"), tab.inner_text()
        panel = page.get_by_role("tabpanel", name=PANELS[tab.inner_text()], include_hidden=True)
        assert panel.is_visible() == on, tab.inner_text()
    return name


def test_the_tabs_give_each_panel_the_column(server: ServerProcess, page: Page, tmp_path: Path) -> None:
    pid = server.post("/api/projects", json={"name": "Tabs"}).json()["project"]["id"]
    for colour in ("red", "green", "blue"):
        import_file(server, pid, ms.make_image(tmp_path / f"{colour}.png", size="64x36"))
    started = server.post("/api/generations", json={"project_id": pid, "model_ids": ["local/preview-t2v"],
                                                    "prompt": "fox", "params": {"local/preview-t2v": {"duration": 1}}})
    assert started.status_code == 201, started.text
    job_id = started.json()["jobs"][0]["id"]
    until(lambda: server.get(f"/api/generations/{job_id}").json()["job"]["status"] == "done", 60, "the generation")

    watch = Watch(page)
    page.set_viewport_size({"width": DEFAULT_SIZE[0], "height": DEFAULT_SIZE[1]})
    page.goto(server.login_url)
    expect(page).to_have_title("Tabs — Reelcut")
    library = page.get_by_role("tabpanel", name="Media library")
    items = library.locator(".media-item")
    expect(items).to_have_count(4)
    # the library opens first, and every item is on screen whole, inside the panel's own box
    assert shown(page) == "Media"
    box = library.bounding_box()
    for item in items.all():
        b = item.bounding_box()
        assert box["y"] <= b["y"] and b["y"] + b["height"] <= box["y"] + box["height"], (b, box)
        assert library.evaluate("(p) => p.scrollTop") == 0
    assert_axe_clean(page)

    # the tabs' keys: arrows (wrapping), Home and End; the focus goes with the choice
    page.get_by_role("tab", name="Media", exact=True).focus()
    for key, want in (("ArrowRight", "Transitions"), ("ArrowRight", "Captions"), ("ArrowRight", "Media"),
                      ("ArrowLeft", "Captions"), ("Home", "Media"), ("End", "Captions")):
        page.keyboard.press(key)
        assert shown(page) == want, key
        assert page.evaluate("document.activeElement.textContent") == want
    assert_axe_clean(page)
    page.get_by_role("tab", name="Transitions", exact=True).click()
    assert shown(page) == "Transitions"
    expect(page.get_by_role("list", name="Transitions").get_by_role("button")).to_have_count(7)
    assert_axe_clean(page)

    # a button elsewhere opens the tab it needs: Show in library, + Captions track
    jobs = page.get_by_role("list", name="Generations")
    jobs.get_by_role("button", name="Show in library").click()
    assert shown(page) == "Media"
    expect(library.locator(".media-item[aria-current='true']")).to_contain_text("fox")
    page.get_by_role("button", name="+ Captions track").click()
    assert shown(page) == "Captions"
    expect(page.get_by_role("tabpanel", name="Captions panel").get_by_label("Captions track")).to_have_count(1)

    # a file dragged over the Media tab opens the library, which takes the drop
    png = (tmp_path / "red.png").read_bytes()
    files = page.evaluate_handle("""(bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], 'dropped.png', { type: 'image/png' }));
      return dt; }""", list(png))
    page.get_by_role("tab", name="Media", exact=True).dispatch_event("dragenter", {"dataTransfer": files})
    assert shown(page) == "Media"
    # a drag that carries no file (a clip, a transition) crossing the tabs leaves the panel as it is
    text = page.evaluate_handle("() => { const dt = new DataTransfer(); dt.setData('text/plain', 'x'); return dt; }")
    page.get_by_role("tab", name="Captions", exact=True).dispatch_event("dragenter", {"dataTransfer": text})
    assert shown(page) == "Media"
    library.dispatch_event("dragover", {"dataTransfer": files})
    library.dispatch_event("drop", {"dataTransfer": files})
    expect(items).to_have_count(5)
    names = {m["name"] for m in server.get(f"/api/projects/{pid}/media").json()["media"]}
    assert "dropped" in names or "dropped.png" in names, names
    watch.assert_clean()
