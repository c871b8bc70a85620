"""The export dialog (issue 15, export settings) in Debian's Chromium on a real server: a format, a
resolution and a quality chosen with an estimated size; the file written is what was chosen (probed
with PyAV); In and Out points set with I and O export that stretch only; a vertical preset on a
16:9 canvas asks, and "Keep the canvas" letterboxes (black bars, never stretched); the history
lists the exports newest first, marks them once the timeline is edited, and plays one in the page;
a new project shows none of the previous project's exports. No CSP violation."""

from __future__ import annotations

import re
from pathlib import Path

import av
import numpy as np
import pytest
import requests
from playwright.sync_api import Locator, Page, expect

from . import media_samples as ms
from .conftest import TOKEN
from .e2e_helpers import import_file, saved_timeline, until
from .server_process import ServerProcess
from .test_e2e_browser import Watch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(420)]

FPS = 30


def _download(server: ServerProcess, href: str, out: Path) -> Path:
    r = requests.get(server.url.rstrip("/") + href, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
    assert r.status_code == 200, r.text
    out.write_bytes(r.content)
    return out


def _probe(path: Path) -> tuple[str, int, int, float]:
    """The picture's codec, width, height and the container's duration (s)."""
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        return v.codec_context.name, v.codec_context.width, v.codec_context.height, c.duration / av.time_base


def _open_dialog(page: Page) -> Locator:
    page.get_by_role("button", name="Export", exact=True).click()
    dialog = page.get_by_role("dialog", name="Export")
    expect(dialog).to_be_visible()
    return dialog


def _finished_link(page: Page, not_href: str | None = None) -> str:
    """The timeline bar's Download link of the export just started, once it is done."""
    link = page.locator(".export-slot").get_by_role("link", name=re.compile(r"^Download "))
    expect(link).to_be_visible(timeout=180000)
    if not_href:
        expect(link).not_to_have_attribute("href", not_href, timeout=180000)
    href = link.get_attribute("href")
    assert href
    return href


def _step_to(page: Page, frames: int) -> None:
    """The playhead to a frame with the keys a user presses: Home, then → frame by frame."""
    page.keyboard.press("Home")
    for _ in range(frames):
        page.keyboard.press("ArrowRight")


def test_the_export_dialog_from_choices_to_history(server: ServerProcess, page: Page, tmp_path: Path) -> None:
    pid = server.post("/api/projects", json={"name": "Dialog"}).json()["project"]["id"]
    item = import_file(server, pid, ms.make_solid(tmp_path / "red.mp4", "red", seconds=2, size="640x360", rate=FPS))
    doc = saved_timeline(server, pid)
    doc.update(width=640, height=360, fps=FPS)
    top = next(t for t in doc["tracks"] if t["kind"] == "video")
    top["clips"] = [{"id": "red", "media_id": item["id"], "start": 0, "in": 0, "out": 2}]
    assert server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc}).status_code == 200

    watch = Watch(page)
    page.goto(server.login_url)
    expect(page).to_have_title("Dialog — Reelcut")

    # 1. WebM VP9, 720p, small: an estimate with a size, then the file is what was chosen
    dialog = _open_dialog(page)
    unavailable = dialog.get_by_label("Format").locator("option[disabled]")
    for i in range(unavailable.count()):  # an unavailable format says why
        expect(unavailable.nth(i)).to_have_text(re.compile(r"\(unavailable: .+\)"))
    dialog.get_by_label("Format").select_option("webm_vp9")
    dialog.get_by_label("Resolution").select_option("720p")
    dialog.get_by_label("Quality").select_option("small")
    estimate = dialog.locator(".export-estimate")
    expect(estimate).to_have_text(re.compile(r"^About \d+(\.\d)? (kB|MB) · 2\.0 s · 1280 × 720"))
    dialog.get_by_role("button", name="Start export").click()
    expect(dialog).to_be_hidden()
    first_href = _finished_link(page)
    codec, width, height, _ = _probe(_download(server, first_href, tmp_path / "first.webm"))
    assert (codec, width, height) == ("vp9", 1280, 720)

    # 2. In at 0.5 s and Out at 1.5 s with I and O: shown on the ruler, kept in the view
    page.locator(".timeline-scroll").click(position={"x": 5, "y": 5})
    _step_to(page, 15)
    page.keyboard.press("i")
    _step_to(page, 45)
    page.keyboard.press("o")
    expect(page.locator(".ruler .in-mark")).to_be_visible()
    expect(page.locator(".ruler .out-mark")).to_be_visible()
    view = until(lambda: (v := server.get(f"/api/projects/{pid}/view").json()["view"])["out_point"] is not None and v,
                 5, "the In and Out points saved", page)
    assert (round(view["in_point"], 3), round(view["out_point"], 3)) == (0.5, 1.5)
    page.reload()
    expect(page.locator(".ruler .in-mark")).to_have_attribute("data-time", "0.5")
    expect(page.locator(".ruler .out-mark")).to_have_attribute("data-time", "1.5")

    # the choices were remembered for this project; In to Out exports that stretch only
    dialog = _open_dialog(page)
    expect(dialog.get_by_label("Format")).to_have_value("webm_vp9")
    expect(dialog.get_by_label("Quality")).to_have_value("small")
    dialog.get_by_role("radio", name="In to Out").check()
    expect(dialog.locator("#export-range-hint")).to_have_text("In 0.5 s, Out 1.5 s (1.0 s)")
    expect(estimate).to_have_text(re.compile(r"· 1\.0 s ·"))
    dialog.get_by_role("button", name="Start export").click()
    second_href = _finished_link(page, not_href=first_href)
    codec, _, _, duration = _probe(_download(server, second_href, tmp_path / "second.webm"))
    assert codec == "vp9" and abs(duration - 1.0) < 0.1, duration

    # 3. TikTok 1080×1920 on a 16:9 canvas: asked; "Keep the canvas" letterboxes
    dialog = _open_dialog(page)
    dialog.get_by_label("Preset").select_option("vertical_1080x1920")
    question = page.get_by_role("dialog", name=re.compile(r"This export is 1080 × 1920 \(9:16\)"))
    expect(question).to_be_visible()
    question.get_by_role("button", name="Keep the canvas").click()
    expect(question).to_be_hidden()
    expect(dialog.get_by_label("Resolution")).to_have_value("1080x1920")
    dialog.get_by_role("button", name="Start export").click()
    third_href = _finished_link(page, not_href=second_href)
    out = _download(server, third_href, tmp_path / "third.mp4")
    with av.open(str(out)) as c:
        frame = next(c.decode(video=0)).to_ndarray(format="rgb24").astype(int)
    assert frame.shape[:2] == (1920, 1080)
    assert saved_timeline(server, pid)["width"] == 640, "the canvas was kept"
    # 16:9 in 1080 wide: a picture 608 high in the middle, black above and below, never stretched
    top_bar, bottom_bar = frame[:600].mean(axis=(0, 1)), frame[-600:].mean(axis=(0, 1))
    middle = frame[700:1200].mean(axis=(0, 1))
    assert top_bar.max() < 20 and bottom_bar.max() < 20, (top_bar, bottom_bar)
    assert middle[0] > 180 and middle[1] < 60 and middle[2] < 60, middle
    red_rows = np.flatnonzero(frame[:, 540, 0] > 128)
    assert abs(len(red_rows) - 608) <= 4, len(red_rows)

    # 4. the history, newest first; a preview plays in the page
    dialog = _open_dialog(page)
    entries = dialog.locator(".export-entry")
    expect(entries).to_have_count(3)
    listed = server.get(f"/api/projects/{pid}/exports").json()["exports"]
    assert [entries.nth(i).get_attribute("data-export-id") for i in range(3)] == [e["id"] for e in listed]
    expect(entries.nth(0)).to_contain_text("MP4 (H.264 / AAC)")
    expect(entries.nth(1)).to_contain_text("WebM (VP9 / Opus)")
    expect(entries.nth(1)).to_contain_text("1.0 s")
    expect(dialog.locator(".export-stale")).to_have_count(0)
    entries.nth(1).get_by_role("button", name=re.compile(r"^Preview ")).click()
    video = dialog.locator("video.export-preview")
    expect(video).to_be_visible()
    until(lambda: video.evaluate("(v) => v.currentTime") > 0.2, 10, "the export preview playing", page)
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()

    # 5. an edit: the bar's link and the history say the exports were made before it
    page.locator(".timeline-scroll").click(position={"x": 5, "y": 5})
    page.keyboard.press("m")
    expect(page.locator(".export-slot .export-stale")).to_have_text("⚠ Made before the last edit", timeout=10000)
    dialog = _open_dialog(page)
    expect(dialog.locator(".export-entry .export-stale")).to_have_count(3)
    dialog.get_by_role("button", name="Close").click()

    # 6. a new, empty project shows no export of the previous one
    page.get_by_role("button", name="New project").click()
    page.get_by_role("textbox", name="Project name").fill("Empty")
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_title("Empty — Reelcut")
    expect(page.locator(".export-slot").get_by_role("link")).to_have_count(0)
    expect(page.locator(".export-slot .export-stale")).to_have_count(0)
    expect(page.locator(".ruler .in-mark")).to_be_hidden()
    watch.assert_clean()


def test_a_preset_of_another_shape_can_change_the_canvas(server: ServerProcess, page: Page, tmp_path: Path) -> None:
    """Instagram feed (1080×1350) on a 16:9 canvas: "Change the canvas" makes the canvas 1080×1350
    (one edit, saved), and the estimate then has nothing to ask."""
    pid = server.post("/api/projects", json={"name": "Feed"}).json()["project"]["id"]
    item = import_file(server, pid, ms.make_solid(tmp_path / "blue.mp4", "blue", seconds=1, size="640x360", rate=FPS))
    doc = saved_timeline(server, pid)
    doc.update(width=640, height=360, fps=FPS)
    top = next(t for t in doc["tracks"] if t["kind"] == "video")
    top["clips"] = [{"id": "blue", "media_id": item["id"], "start": 0, "in": 0, "out": 1}]
    assert server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc}).status_code == 200

    watch = Watch(page)
    page.goto(server.login_url)
    expect(page).to_have_title("Feed — Reelcut")
    dialog = _open_dialog(page)
    dialog.get_by_label("Preset").select_option("instagram_feed")
    question = page.get_by_role("dialog", name=re.compile(r"This export is 1080 × 1350 \(4:5\)"))
    question.get_by_role("button", name="Change the canvas to 4:5").click()
    until(lambda: (lambda d: (d["width"], d["height"]))(saved_timeline(server, pid)) == (1080, 1350), 10,
          "the canvas changed to the preset's frame", page)
    expect(dialog.locator(".export-estimate")).to_have_text(re.compile(r"· 1080 × 1350"))
    # asked once: the canvas now has the preset's shape
    expect(page.locator(".confirm-dialog")).to_have_count(0)
    expect(dialog.get_by_label("Preset")).to_have_value("instagram_feed")
    watch.assert_clean()
