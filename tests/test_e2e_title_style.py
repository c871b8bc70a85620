"""A title's style, place and text, set as a user sets them in Debian's Chromium on a real server
(issue 15): the inspector's style controls, a drag on the preview (one undo step), and Enter on
the selected title editing its text over several lines; the saved document
(GET /api/projects/<id>/timeline) says what was done."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .e2e_helpers import saved_timeline, until
from .server_process import ServerProcess
from .test_e2e_browser import Watch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def saved_title(server: ServerProcess, pid: str) -> dict[str, Any]:
    return next(c for t in saved_timeline(server, pid)["tracks"] if t["kind"] == "text" for c in t["clips"])


@pytest.fixture
def project(server: ServerProcess) -> str:
    """One title in the middle of the canvas, on for 3 s from 0."""
    pid = server.post("/api/projects", json={"name": "Styled"}).json()["project"]["id"]
    doc = saved_timeline(server, pid)
    text = next((t for t in doc["tracks"] if t["kind"] == "text"), None)
    if text is None:
        text = {"id": "T1", "kind": "text", "name": "Titles", "muted": False, "hidden": False, "clips": []}
        doc["tracks"].insert(0, text)
    text["clips"] = [{"id": "title", "start": 0, "duration": 3, "text": "Drag me", "x": 0.5, "y": 0.5, "size": 80}]
    doc["playhead"] = 0.5
    r = server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc})
    assert r.status_code == 200, r.text
    return pid


def test_style_drag_and_multiline_text(server: ServerProcess, page: Page, project: str) -> None:
    pid = project
    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("Styled — Reelcut")
    page.get_by_role("region", name="Timeline").locator("[data-clip-id='title']").click()
    inspector = page.get_by_role("region", name="Inspector")
    expect(inspector).to_be_visible()

    # the style, control by control: each a step of its own, saved
    width = inspector.get_by_role("textbox", name="Outline width")
    expect(width).to_have_value("0")
    width.fill("4")
    width.press("Enter")
    inspector.get_by_label("Outline colour").fill("#ff0000")
    box = inspector.get_by_role("textbox", name="Box opacity")
    box.fill("60")
    box.press("Enter")
    inspector.get_by_label("Box colour").fill("#0000ff")
    font = inspector.get_by_role("combobox", name="Font")
    expect(font.locator("option[value='DejaVu Serif']")).to_have_count(1)  # the machine's families
    font.select_option("DejaVu Serif")
    inspector.get_by_role("combobox", name="Align").select_option("right")
    want = {"outline": {"color": "#ff0000", "width": 4}, "box": {"color": "#0000ff", "opacity": 0.6, "padding": 12},
            "font": "DejaVu Serif", "align": "right"}
    until(lambda: {k: saved_title(server, pid).get(k) for k in want} == want, 10,
          "the title's style saved", page)
    # a refusal names the range, beside the field; nothing is saved
    width.fill("80")
    width.press("Enter")
    expect(inspector.get_by_role("alert")).to_have_text("Outline width must be 0 to 50 px.")
    page.wait_for_timeout(500)
    assert saved_title(server, pid)["outline"]["width"] == 4

    # drag the title on the preview: it moves, and one Ctrl+Z puts it back
    canvas = page.locator("canvas[aria-label='Preview']")
    page.wait_for_function("() => document.querySelector(\"canvas[aria-label='Preview']\").dataset.paintedAt !== ''")
    area = canvas.bounding_box()
    assert area is not None
    canvas.click(position={"x": 4, "y": 4})  # off the title: nothing moves, the keyboard leaves the fields
    cx, cy = area["x"] + area["width"] / 2, area["y"] + area["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    for i in range(1, 6):
        page.mouse.move(cx + 20 * i, cy + 10 * i)
    page.mouse.up()
    moved = until(lambda: (c := saved_title(server, pid))["x"] != 0.5 and c, 10, "the dragged title saved", page)
    assert moved["x"] == pytest.approx(0.5 + 100 / area["width"], abs=0.01)
    assert moved["y"] == pytest.approx(0.5 + 50 / area["height"], abs=0.01)
    page.keyboard.press("Control+z")
    until(lambda: (c := saved_title(server, pid))["x"] == 0.5 and c["y"] == 0.5, 10, "one undo puts it back", page)
    assert saved_title(server, pid)["align"] == "right", "the undo took back the drag only"

    # Enter on the selected title: its text, in a multi-line editor; Enter is a new line there,
    # Ctrl+Enter commits
    page.keyboard.press("Enter")
    text = inspector.get_by_label("Text", exact=True)
    expect(text).to_be_focused()
    assert text.evaluate("(el) => el.tagName") == "TEXTAREA"
    page.keyboard.type("Line one")
    page.keyboard.press("Enter")
    page.keyboard.type("Line two")
    expect(text).to_be_focused()
    page.keyboard.press("Control+Enter")
    until(lambda: saved_title(server, pid)["text"] == "Line one\nLine two", 10, "the two lines saved", page)
    watch.assert_clean()
