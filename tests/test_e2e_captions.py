"""The captions panel (issue 15), in Debian's Chromium on a real server: a subtitle file imported
through the panel becomes a captions track whose lines the panel lists and the timeline shows; a
line's button seeks to it; its text, a shift of every line, a split at the playhead and a merge
are each saved; a malformed file is refused with its line number and changes nothing; the paused
preview draws the line at its time in the lower part of the picture and nothing after it; Export
SRT downloads a file pysubs2 reads back to the lines. No CSP violation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pysubs2
import pytest
from playwright.sync_api import Page, expect

from .e2e_helpers import saved_timeline, show_panel, until
from .preview_probe import bright_box, wait_painted
from .server_process import ServerProcess
from .test_a11y import assert_axe_clean
from .test_e2e_browser import Watch
from .test_e2e_editing import drag_by

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

SRT = """1
00:00:01,000 --> 00:00:02,500
HELLO THERE

2
00:00:03,000 --> 00:00:04,000
SECOND LINE HERE

3
00:00:05,000 --> 00:00:06,000
THE LAST
"""
BAD = """1
00:00:01,000 --> 00:00:02,000
fine

2
00:00:03,000 --> 00:00:0x,000
broken arrow
"""


def lines(server: ServerProcess, pid: str) -> list[tuple[float, float, str]]:
    return [(c["start"], c["duration"], c["text"]) for t in saved_timeline(server, pid)["tracks"]
            if t["kind"] == "captions" for c in t["clips"]]


def view(server: ServerProcess, pid: str) -> dict[str, Any]:
    return server.get(f"/api/projects/{pid}/view").json()["view"]


def seek(page: Page, seconds: float) -> None:
    """A click on the timeline's ruler (at its default zoom, 50 pixels a second)."""
    page.get_by_role("region", name="Timeline").locator("[data-ruler]").click(position={"x": seconds * 50, "y": 5})


def test_captions_panel(server: ServerProcess, page: Page, tmp_path: Path) -> None:
    pid = server.post("/api/projects", json={"name": "Subtitled"}).json()["project"]["id"]
    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("Subtitled — Reelcut")
    panel = show_panel(page, "Captions")
    toasts = page.get_by_role("status", name="Notifications")

    # import: three lines, listed with their times, saved, and on the timeline as clips
    (tmp_path / "film.srt").write_text(SRT)
    panel.get_by_label("Subtitle file to import").set_input_files(str(tmp_path / "film.srt"))
    rows = panel.locator(".caption-line")
    expect(rows).to_have_count(3)
    expect(panel.get_by_label("Start of line 2 (seconds)")).to_have_value("3")
    expect(panel.get_by_label("End of line 2 (seconds)")).to_have_value("4")
    expect(panel.get_by_label("Text of line 3")).to_have_value("THE LAST")
    expect(toasts).to_contain_text("Imported 3 caption lines from film.srt.")
    assert lines(server, pid) == [(1, 1.5, "HELLO THERE"), (3, 1, "SECOND LINE HERE"), (5, 1, "THE LAST")]
    lane = page.locator(".track.captions").first
    expect(lane.locator("[data-clip-id]")).to_have_count(3)
    expect(lane.locator("[data-clip-id]").nth(1)).to_have_text("SECOND LINE HERE")
    # every control of the panel, with lines in it, is named (axe: nothing serious)
    assert_axe_clean(page)

    # a line's button seeks to its start: the clock and the saved view say so
    panel.get_by_role("button", name="Go to line 2 at 0:03.000").click()
    until(lambda: view(server, pid)["playhead"] == 3, 10, "the playhead saved at line 2's start", page)
    expect(rows.nth(1)).to_have_attribute("aria-current", "true")
    expect(rows.nth(0)).not_to_have_attribute("aria-current", "true")

    # its text, edited in place
    text = panel.get_by_label("Text of line 2")
    text.fill("SECOND EDITED")
    text.press("Enter")
    until(lambda: lines(server, pid)[1][2] == "SECOND EDITED", 10, "the edited text saved", page)

    # an end before the start is refused beside the field, and nothing is saved
    end = panel.get_by_label("End of line 2 (seconds)")
    end.fill("2")
    end.press("Enter")
    expect(rows.nth(1).locator(".field-error")).to_have_text("The line would end before it starts.")
    end.fill("5.5")
    end.press("Enter")
    expect(rows.nth(1).locator(".field-error")).to_contain_text("overlap the line at 0:05.000–0:06.000")
    assert lines(server, pid)[1][:2] == (3, 1)

    # shift every line by +1 s; by -3 s is refused (the first would start before 0)
    panel.get_by_label("Shift every line by (seconds)").fill("1")
    panel.get_by_role("button", name="Shift all").click()
    until(lambda: [s for s, _, _ in lines(server, pid)] == [2, 4, 6], 10, "every start moved by 1 s", page)
    panel.get_by_label("Shift every line by (seconds)").fill("-3")
    panel.get_by_role("button", name="Shift all").click()
    expect(panel.locator("[data-captions-error='shift']")).to_contain_text("before 0")

    # split the first line (now 2 to 3.5) at the playhead, then merge it back
    panel.get_by_role("button", name="Go to line 1 at 0:02.000").click()
    until(lambda: view(server, pid)["playhead"] == 2, 10, "the playhead at line 1", page)
    seek(page, 2.8)
    until(lambda: view(server, pid)["playhead"] == pytest.approx(2.8, abs=0.021), 10, "the playhead at 2.8 s", page)
    panel.get_by_role("button", name="Split at playhead").click()
    expect(rows).to_have_count(4)
    split = until(lambda: (got := lines(server, pid)) and len(got) == 4 and got[:2], 10, "the split saved", page)
    cut = view(server, pid)["playhead"]
    assert split == [(2, pytest.approx(cut - 2, abs=0.001), "HELLO"), (pytest.approx(cut, abs=0.001),
                                                                       pytest.approx(3.5 - cut, abs=0.001), "THERE")]
    panel.get_by_role("button", name="Merge line 1 with the next").click()
    expect(rows).to_have_count(3)
    until(lambda: lines(server, pid)[0] == (2, 1.5, "HELLO THERE"), 10, "the merge saved", page)

    # a malformed file: its line number in the panel and a toast; nothing changed
    before = saved_timeline(server, pid)
    (tmp_path / "bad.srt").write_text(BAD)
    panel.get_by_label("Subtitle file to import").set_input_files(str(tmp_path / "bad.srt"))
    expect(panel.locator("[data-captions-error='import']")).to_contain_text("'bad.srt' at line 6")
    expect(toasts).to_contain_text("'bad.srt' at line 6")
    assert saved_timeline(server, pid) == before
    expect(rows).to_have_count(3)

    # the paused preview at a line's time draws it low in the picture; nothing after it ends
    panel.get_by_role("button", name="Go to line 2 at 0:04.000").click()
    wait_painted(page, 4.0)
    box = until(lambda: bright_box(page), 10, "the caption drawn in the preview", page)
    assert box[1] > 0.75, f"the caption is drawn in the lower part of the picture: {box}"
    seek(page, 5.5)
    until(lambda: view(server, pid)["playhead"] == pytest.approx(5.5, abs=0.021), 10, "the playhead at 5.5 s", page)
    wait_painted(page, view(server, pid)["playhead"])
    assert bright_box(page) is None, "no caption between the lines"

    # Export SRT: the file a subtitle library reads back to the lines
    with page.expect_download() as info:
        panel.get_by_role("link", name="Export SRT").click()
    download = info.value
    assert download.suggested_filename.endswith(".srt")
    subs = pysubs2.load(download.path(), format_="srt")
    assert [(e.start, e.end, e.plaintext) for e in subs] == [
        (2000, 3500, "HELLO THERE"), (4000, 5000, "SECOND EDITED"), (6000, 7000, "THE LAST")]

    # on the timeline: the last line's end edge dragged 1 s later, the second line's body 0.5 s;
    # dragged onto its neighbour, a line takes the nearest free place and never overlaps it
    clips = lane.locator("[data-clip-id]")
    drag_by(page, clips.nth(2).locator("[data-handle=end]"), 50)
    until(lambda: lines(server, pid)[2][:2] == (6, 2), 10, "the trimmed line saved", page)
    drag_by(page, clips.nth(1), 25)
    until(lambda: lines(server, pid)[1][:2] == (4.5, 1), 10, "the moved line saved", page)
    drag_by(page, clips.nth(1), 60)
    page.wait_for_timeout(700)  # a save would have been sent by now
    saved = lines(server, pid)
    assert all(a + d <= b + 1e-6 for (a, d, _), (b, _, _) in zip(saved, saved[1:], strict=False)), saved
    expect(panel.get_by_label("Start of line 2 (seconds)")).to_have_value(str(saved[1][0]).removesuffix(".0"))

    # + Captions track: a second, empty track, shown in the panel; a line added at the playhead
    page.get_by_role("button", name="+ Captions track").click()
    expect(panel.get_by_label("Captions track")).to_have_value(re.compile(r"^c2-"))
    expect(rows).to_have_count(0)
    panel.get_by_role("button", name="Add line at playhead").click()
    expect(panel.get_by_label("Text of line 1")).to_have_value("New caption")
    tracks = until(lambda: [t for t in saved_timeline(server, pid)["tracks"] if t["kind"] == "captions" and t["clips"]
                            and t["name"] == "C2"], 10, "the new track and its line saved", page)
    assert [(c["duration"], c["text"]) for c in tracks[0]["clips"]] == [(2, "New caption")]

    assert watch.violations() == []
    # the refused file answers 422, which the browser logs: nothing else may be logged
    assert [e for e in watch.console_errors if "422" not in e] == []
    expect(toasts).not_to_contain_text(re.compile("Request failed"))
