"""The captions panel's lines at scale and one line's own style (issue 15), in Debian's Chromium
on a real server. A track of 5000 lines (the document's most) opens with fewer than 200 rows in
the page, scrolled to its end its last line is there and seeks to its start, and Up and Down go
from line to line. A line given its own colour in the panel is drawn in it by the preview while
the next line keeps the track's; the saved timeline holds the line's style, Ctrl+Z takes it
back, and "Use track style" clears it. A line's own colour and outline, set in the style form it
shares with the title inspector, is on that line only in the SQLite row, in the preview and in
the decoded export, and one Ctrl+Z a change takes it back. Axe finds nothing serious; no CSP
violation."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from .e2e_helpers import decoded_frames, export_file, saved_timeline, show_panel, until
from .server_process import ServerProcess
from .test_a11y import assert_axe_clean
from .test_e2e_browser import Watch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]


def put_captions(server: ServerProcess, pid: str, lines: list[dict[str, Any]], style: dict[str, Any]) -> None:
    tl = saved_timeline(server, pid)
    tl["tracks"] = [{"id": "cc", "name": "Captions", "kind": "captions", "muted": False, "hidden": False,
                     "style": style, "clips": lines}, *tl["tracks"]]
    r = server.put(f"/api/projects/{pid}/timeline", json={"timeline": tl})
    assert r.status_code == 200, r.text


def stored_lines(server: ServerProcess, pid: str) -> list[dict[str, Any]]:
    return next(t for t in saved_timeline(server, pid)["tracks"] if t["kind"] == "captions")["clips"]


def playhead(server: ServerProcess, pid: str) -> float:
    return server.get(f"/api/projects/{pid}/view").json()["view"]["playhead"]


# Pixels of the preview's lower third near pure red, pure green and white.
PREVIEW_RGB = """() => {
  const c = document.querySelector("canvas[aria-label='Preview']");
  if (!c || !c.width) return null;
  const g = document.createElement('canvas');
  g.width = c.width; g.height = c.height;
  const ctx = g.getContext('2d');
  ctx.drawImage(c, 0, 0);
  const top = Math.floor(c.height * 0.66);
  const d = ctx.getImageData(0, top, c.width, c.height - top).data;
  let red = 0, green = 0, white = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i] > 200 && d[i + 1] < 60 && d[i + 2] < 60) red += 1;
    else if (d[i + 1] > 200 && d[i] < 60 && d[i + 2] < 60) green += 1;
    else if (d[i] > 200 && d[i + 1] > 200 && d[i + 2] > 200) white += 1;
  }
  return { red, green, white };
}"""


def preview(page: Page) -> dict[str, int]:
    return page.evaluate(PREVIEW_RGB)


def test_a_long_list_draws_only_its_window(server: ServerProcess, page: Page) -> None:
    pid = server.post("/api/projects", json={"name": "Long captions"}).json()["project"]["id"]
    put_captions(server, pid, [{"id": f"l{i}", "start": i * 2, "duration": 1, "text": f"line {i + 1}"}
                               for i in range(5000)], {})
    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    t0 = time.monotonic()
    page.goto(server.login_url)
    # the lines are drawn while the Captions tab is hidden (the library opens first), then shown
    hidden = page.get_by_role("tabpanel", name="Captions panel", include_hidden=True)
    expect(hidden.locator(".caption-line").first).to_be_attached()
    expect(hidden).to_be_hidden()
    panel = show_panel(page, "Captions")
    expect(panel.get_by_label("Text of line 1", exact=True)).to_have_value("line 1")
    opened = time.monotonic() - t0
    rows = panel.locator(".caption-line")
    assert 0 < rows.count() < 200, rows.count()
    assert opened < 20, f"the page with 5000 lines opened in {opened:.1f} s"

    # scrolled to the end: the last line is drawn, and its button seeks to its start
    panel.locator(".caption-scroll").evaluate("(l) => { l.scrollTop = l.scrollHeight; }")
    last = panel.get_by_role("button", name="Go to line 5000 at 166:38.000")
    expect(last).to_be_visible()
    assert rows.count() < 200, (rows.count(), panel.locator(".caption-scroll").evaluate(
        "(l) => [l.clientHeight, l.scrollHeight, l.scrollTop, getComputedStyle(l).maxHeight, l.style.paddingTop]"))
    last.click()
    until(lambda: playhead(server, pid) == 9998, 10, "the playhead saved at the last line's start", page)
    expect(panel.locator(".caption-line[aria-current='true']")).to_have_attribute("aria-posinset", "5000")

    # Up goes to the line before (the timeline's edit-point jump does not take the key)
    page.keyboard.press("ArrowUp")
    expect(panel.get_by_role("button", name="Go to line 4999 at 166:36.000")).to_be_focused()
    # back to the top: Down from line 1 goes to line 2, and the drawn rows follow
    panel.locator(".caption-scroll").evaluate("(l) => { l.scrollTop = 0; }")
    first = panel.get_by_role("button", name="Go to line 1 at 0:00.000")
    first.focus()
    page.keyboard.press("ArrowDown")
    expect(panel.get_by_role("button", name="Go to line 2 at 0:02.000")).to_be_focused()
    assert playhead(server, pid) == 9998, "moving between lines does not seek"

    # an edit far down the list is one change of that line
    panel.locator(".caption-scroll").evaluate("(l) => { l.scrollTop = l.scrollHeight / 2; }")
    text = panel.get_by_label("Text of line 2500", exact=True)
    text.fill("the middle")
    text.press("Enter")
    until(lambda: stored_lines(server, pid)[2499]["text"] == "the middle", 10, "the edited line saved", page)
    assert rows.count() < 200

    # a line's text typed and scrolled away from (its row leaves the page) is committed, not lost
    text = panel.get_by_label("Text of line 2501", exact=True)
    text.fill("typed then scrolled")
    panel.locator(".caption-scroll").evaluate("(l) => { l.scrollTop = 0; }")
    until(lambda: stored_lines(server, pid)[2500]["text"] == "typed then scrolled", 10, "the typed text saved", page)

    # the line under the playhead comes into view when the playhead moves to it from elsewhere
    # (the panel not in use): End, then the previous edit point, the last line's start
    panel.locator(".caption-scroll").evaluate("(l) => { l.scrollTop = 0; }")
    page.locator("body").focus()
    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.press("End")
    page.keyboard.press("ArrowUp")
    current = panel.locator(".caption-line[aria-current='true']")
    expect(current).to_have_attribute("aria-posinset", "5000")
    expect(current).to_be_in_viewport()
    # and with the Captions tab closed meanwhile: opened, it shows the line under the playhead
    show_panel(page, "Media")
    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.press("Home")
    show_panel(page, "Captions")
    expect(current).to_have_attribute("aria-posinset", "1")
    expect(current).to_be_in_viewport()
    show_panel(page, "Media")
    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.press("End")
    page.keyboard.press("ArrowUp")
    show_panel(page, "Captions")
    expect(current).to_have_attribute("aria-posinset", "5000")
    expect(current).to_be_in_viewport()

    assert_axe_clean(page)
    watch.assert_clean()


def open_two_lines(server: ServerProcess, page: Page, name: str,
                   second_style: dict[str, Any] | None = None) -> tuple[str, Watch, Locator]:
    """A project whose captions track (size 60) holds two lines, at 1 s and 4 s (the second with
    `second_style`), open in the page: its id, the page's watch and the captions panel."""
    pid = server.post("/api/projects", json={"name": name}).json()["project"]["id"]
    first = {"id": "one", "start": 1, "duration": 2, "text": "MMMM MMMM"}
    second = {"id": "two", "start": 4, "duration": 2, "text": "MMMM MMMM"}
    if second_style:
        second["style"] = second_style
    put_captions(server, pid, [first, second], {"size": 60})
    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    return pid, watch, show_panel(page, "Captions")


def test_a_line_takes_its_own_style(server: ServerProcess, page: Page) -> None:
    pid, watch, panel = open_two_lines(server, page, "Styled line")
    group = panel.get_by_role("group", name="Style for line 1")
    expect(panel.locator(".line-style")).to_be_hidden()  # no line chosen yet

    # line 1 chosen (its button seeks to it): its colour set to red, one saved change
    panel.get_by_role("button", name="Go to line 1 at 0:01.000").click()
    until(lambda: playhead(server, pid) == 1, 10, "the playhead at line 1", page)
    expect(group).to_be_hidden()  # asked for with "Style this line"
    panel.get_by_role("button", name="Style this line").click()
    expect(group).to_be_visible()
    expect(group.get_by_label("Colour", exact=True)).to_have_value("#ffffff")
    expect(group.get_by_label("Font size (px)")).to_have_value("60")
    expect(group).to_contain_text("This line uses the track's style.")
    group.get_by_label("Colour", exact=True).fill("#ff0000")
    until(lambda: stored_lines(server, pid)[0].get("style") == {"color": "#ff0000"}, 10, "line 1's colour saved", page)
    assert "style" not in stored_lines(server, pid)[1]
    expect(group).to_contain_text("This line's own: colour")
    # the preview draws line 1 red, at once, and nothing white
    drawn = until(lambda: (c := preview(page)) and c["red"] > 200 and c["white"] < 20 and c, 10,
                  "line 1 drawn red in the preview", page)
    assert drawn["red"] > 200, drawn

    # line 2 keeps the track's white
    panel.get_by_role("button", name="Go to line 2 at 0:04.000").click()
    until(lambda: playhead(server, pid) == 4, 10, "the playhead at line 2", page)
    line2 = panel.get_by_role("group", name="Style for line 2")
    expect(line2.get_by_label("Colour", exact=True)).to_have_value("#ffffff")
    until(lambda: (c := preview(page)) and c["white"] > 200 and c["red"] < 20 and c, 10,
          "line 2 drawn white in the preview", page)

    # every control of the panel with the group shown is named (axe: nothing serious)
    assert_axe_clean(page)

    # Ctrl+Z takes line 1's colour back: saved, and drawn white again
    panel.get_by_role("button", name="Go to line 1 at 0:01.000").click()
    until(lambda: playhead(server, pid) == 1, 10, "the playhead back at line 1", page)
    page.keyboard.press("Control+z")
    until(lambda: "style" not in stored_lines(server, pid)[0], 10, "the undone colour saved", page)
    until(lambda: (c := preview(page)) and c["white"] > 200 and c["red"] < 20 and c, 10,
          "line 1 drawn white again after undo", page)
    expect(group.get_by_label("Colour", exact=True)).to_have_value("#ffffff")

    # its own size and no bold, a refused size named beside the group, then the track's again
    group.get_by_label("Bold").uncheck()
    until(lambda: stored_lines(server, pid)[0].get("style") == {"bold": False}, 10, "line 1 not bold", page)
    size = group.get_by_label("Font size (px)")
    size.fill("3")
    size.press("Enter")
    expect(panel.locator("[data-captions-error='style']")).to_contain_text("Font size must be 8 to 1000 px")
    size.fill("40")
    size.press("Enter")
    until(lambda: stored_lines(server, pid)[0].get("style") == {"bold": False, "size": 40}, 10, "line 1's size", page)
    group.get_by_role("button", name="Use track style").click()
    until(lambda: "style" not in stored_lines(server, pid)[0], 10, "line 1 back to the track's style", page)
    expect(group.get_by_role("button", name="Use track style")).to_be_disabled()
    expect(group.get_by_label("Bold")).to_be_checked()

    watch.assert_clean()


# Pixels of the lower third near pure red, pure green and white, in RGB rows (a decoded frame).
def counted(rgb: Any) -> dict[str, int]:
    r, g, b = (rgb[int(rgb.shape[0] * 0.66):, :, i].astype(int) for i in range(3))
    return {"red": int(((r > 200) & (g < 60) & (b < 60)).sum()), "green": int(((g > 200) & (r < 60) & (b < 60)).sum()),
            "white": int(((r > 200) & (g > 200) & (b > 200)).sum())}


def stored_in_sqlite(server: ServerProcess, pid: str) -> list[dict[str, Any]]:
    """The caption lines as the projects row in SQLite holds them (not the API's answer)."""
    with sqlite3.connect(server.data_dir / "reelcut.db", timeout=10) as db:
        (text,) = db.execute("SELECT timeline FROM projects WHERE id = ?", (pid,)).fetchone()
    return next(t for t in json.loads(text)["tracks"] if t["kind"] == "captions")["clips"]


def test_a_line_overrides_colour_and_outline_in_the_panel_and_the_export(server: ServerProcess, page: Page,
                                                                          tmp_path: Path) -> None:
    pid, watch, panel = open_two_lines(server, page, "Line override")
    panel.get_by_role("button", name="Go to line 1 at 0:01.000").click()
    until(lambda: playhead(server, pid) == 1, 10, "the playhead at line 1", page)
    toggle = panel.get_by_role("button", name="Style this line")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    group = panel.get_by_role("group", name="Style for line 1")
    # the whole title style, prefilled with the track's and marked inherited
    expect(group.get_by_label("Font size (px)")).to_have_value("60")
    expect(group.get_by_label("Outline width (px)")).to_have_value("0")
    for name in ("Font", "Bold", "Italic", "Align", "Shadow colour", "Box colour", "Box padding (px)"):
        expect(group.get_by_label(name, exact=True)).to_be_visible()
    expect(group.locator("[data-style-key='color'] .inherited-mark")).to_have_text("track's")
    expect(group.locator("[data-style-key='color'] .inherited-mark")).to_be_visible()
    expect(group.locator("[data-style-key='color']")).to_have_class(re.compile(r"\binherited\b"))

    # colour, outline colour, outline width: three saves, on line 1 only
    group.get_by_label("Colour", exact=True).fill("#ff0000")
    until(lambda: stored_in_sqlite(server, pid)[0].get("style") == {"color": "#ff0000"}, 10, "the colour saved", page)
    expect(group.locator("[data-style-key='color']")).not_to_have_class(re.compile(r"\binherited\b"))
    expect(group.locator("[data-style-key='color'] .inherited-mark")).to_be_hidden()
    group.get_by_label("Outline colour", exact=True).fill("#00ff00")
    width = group.get_by_label("Outline width (px)")
    width.fill("6")
    width.press("Enter")
    own = {"color": "#ff0000", "outline": {"color": "#00ff00", "width": 6}}
    until(lambda: stored_in_sqlite(server, pid)[0].get("style") == own, 10, "the outline saved", page)
    lines = stored_in_sqlite(server, pid)
    assert "style" not in lines[1], lines
    assert next(t for t in saved_timeline(server, pid)["tracks"] if t["kind"] == "captions")["style"] == {"size": 60}
    expect(group).to_contain_text("This line's own: colour, outline")

    # the preview: line 1 red inside green, no white; line 2 the track's white, no red nor green
    until(lambda: (c := preview(page)) and c["red"] > 200 and c["green"] > 100 and c["white"] < 20 and c,
          10, "line 1 drawn red with a green outline", page)
    panel.get_by_role("button", name="Go to line 2 at 0:04.000").click()
    until(lambda: playhead(server, pid) == 4, 10, "the playhead at line 2", page)
    until(lambda: (c := preview(page)) and c["white"] > 200 and c["red"] < 20 and c["green"] < 20 and c,
          10, "line 2 drawn in the track's white", page)
    line2 = panel.get_by_role("group", name="Style for line 2")
    expect(line2.get_by_label("Colour", exact=True)).to_have_value("#ffffff")

    # the export draws the same: decoded at line 1's time and at line 2's
    frames = decoded_frames(export_file(server, pid, tmp_path))
    at = {round(t, 2): rgb for t, rgb in frames}
    one = counted(min(at.items(), key=lambda kv: abs(kv[0] - 2.0))[1])
    two = counted(min(at.items(), key=lambda kv: abs(kv[0] - 5.0))[1])
    assert one["red"] > 200 and one["green"] > 100 and one["white"] < 20, one
    assert two["white"] > 200 and two["red"] < 20 and two["green"] < 20, two

    # Ctrl+Z, once per change, takes the override back to nothing (line 1 chosen again)
    panel.get_by_role("button", name="Go to line 1 at 0:01.000").click()
    until(lambda: playhead(server, pid) == 1, 10, "the playhead back at line 1", page)
    page.keyboard.press("Control+z")
    no_width = {"color": "#ff0000", "outline": {"color": "#00ff00", "width": 0}}
    until(lambda: stored_in_sqlite(server, pid)[0].get("style") == no_width, 10, "the outline width undone", page)
    page.keyboard.press("Control+z")
    until(lambda: stored_in_sqlite(server, pid)[0].get("style") == {"color": "#ff0000"}, 10, "the outline undone", page)
    page.keyboard.press("Control+z")
    until(lambda: "style" not in stored_in_sqlite(server, pid)[0], 10, "the override undone", page)
    until(lambda: (c := preview(page)) and c["white"] > 200 and c["red"] < 20 and c["green"] < 20 and c,
          10, "line 1 drawn in the track's white again", page)
    expect(group.get_by_label("Colour", exact=True)).to_have_value("#ffffff")

    assert_axe_clean(page)
    watch.assert_clean()


def test_the_track_style_is_the_same_form_and_lines_inherit_it(server: ServerProcess, page: Page) -> None:
    pid, watch, panel = open_two_lines(server, page, "Track style", {"outline": {"color": "#ff0000", "width": 2}})
    panel.get_by_role("button", name="Track style").click()
    track = panel.get_by_role("group", name="Track style")
    expect(track.get_by_label("Font size (px)")).to_have_value("60")
    expect(track.locator("[data-style-key='size'] .inherited-mark")).to_be_hidden()
    expect(track.locator("[data-style-key='outline.width'] .inherited-mark")).to_have_text("default")
    expect(track.locator("[data-style-key='outline.width'] .inherited-mark")).to_be_visible()
    width = track.get_by_label("Outline width (px)")
    width.fill("4")
    width.press("Enter")
    until(lambda: next(t for t in saved_timeline(server, pid)["tracks"] if t["kind"] == "captions")["style"]
          == {"size": 60, "outline": {"color": "#000000", "width": 4}}, 10, "the track's outline saved", page)
    assert [line.get("style") for line in stored_in_sqlite(server, pid)] == [
        None, {"outline": {"color": "#ff0000", "width": 2}}], "the lines are left as they were"

    # line 1 shows the track's new outline as inherited; line 2 keeps its own
    panel.get_by_role("button", name="Go to line 1 at 0:01.000").click()
    panel.get_by_role("button", name="Style this line").click()
    one = panel.get_by_role("group", name="Style for line 1")
    expect(one.get_by_label("Outline width (px)")).to_have_value("4")
    expect(one.locator("[data-style-key='outline.width'] .inherited-mark")).to_have_text("track's")
    expect(one.locator("[data-style-key='outline.width'] .inherited-mark")).to_be_visible()
    panel.get_by_role("button", name="Go to line 2 at 0:04.000").click()
    two = panel.get_by_role("group", name="Style for line 2")
    expect(two.get_by_label("Outline width (px)")).to_have_value("2")
    expect(two.get_by_label("Outline colour")).to_have_value("#ff0000")
    expect(two.locator("[data-style-key='outline.width'] .inherited-mark")).to_be_hidden()

    # a bad value is said beside the form and nothing is saved; Ctrl+Z takes the track's outline back
    width.fill("99")
    width.press("Enter")
    expect(panel.locator("[data-captions-error='trackstyle']")).to_contain_text("Outline width must be 0 to 50 px")
    page.locator("body").focus()
    page.evaluate("() => document.activeElement.blur()")
    page.keyboard.press("Control+z")
    until(lambda: next(t for t in saved_timeline(server, pid)["tracks"] if t["kind"] == "captions")["style"]
          == {"size": 60}, 10, "the track's outline undone", page)
    expect(track.get_by_label("Outline width (px)")).to_have_value("0")

    assert_axe_clean(page)
    watch.assert_clean()
