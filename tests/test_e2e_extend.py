"""Extend from the timeline in Debian's Chromium on a real server, with the offline model: select
a clip, press Extend…, choose the model (its cost is shown first) → a placeholder appears after
the clip with its progress → it becomes a clip, which plays in the preview."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from . import media_samples as ms
from .e2e_helpers import import_file, saved_timeline, until
from .preview_probe import expect_pixel
from .server_process import ServerProcess
from .test_e2e_browser import Watch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def test_extend_places_a_placeholder_that_becomes_a_clip_that_plays(server: ServerProcess, page: Page,
                                                                    tmp_path: Path) -> None:
    pid = server.post("/api/projects", json={"name": "Extend"}).json()["project"]["id"]
    item = import_file(server, pid, ms.make_solid(tmp_path / "lime.mp4", "lime", seconds=2, size="320x180"))
    doc = saved_timeline(server, pid)
    doc.update(width=320, height=180)
    v1 = next(t for t in doc["tracks"] if t["name"] == "V1")
    v1["clips"] = [{"id": "lime", "media_id": item["id"], "start": 0, "in": 0, "out": 2}]
    assert server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc}).status_code == 200

    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("Extend — Reelcut")
    timeline = page.get_by_role("region", name="Timeline")
    extend = timeline.get_by_role("button", name="Extend…")
    expect(extend).to_be_disabled()  # nothing selected
    timeline.locator("[data-clip-id='lime']").click()
    expect(extend).to_be_enabled()
    extend.click()

    dialog = page.get_by_role("dialog", name="Extend the clip")
    expect(dialog).to_be_visible()
    model = dialog.get_by_label("Model")
    # only image-to-video models are offered
    offered = model.locator("option").evaluate_all("(os) => os.map((o) => o.value)")
    assert "local/preview-i2v" in offered and "local/preview-t2v" not in offered and "local/preview-flf" not in offered
    model.select_option("local/preview-i2v")
    expect(dialog.locator("[data-cost]")).to_contain_text("Free")
    model.select_option("fal-ai/ltx-2.3/image-to-video")
    expect(dialog.locator("[data-cost]")).to_contain_text("$0.36")  # 6 s × $0.06, before anything runs
    model.select_option("local/preview-i2v")
    dialog.get_by_label("Prompt").fill("the green field goes on")
    dialog.get_by_role("button", name="Extend").click()

    # the placeholder sits right after the clip, in the saved document and on the page
    placeholder = timeline.locator("[data-placeholder-job]")
    saved = until(lambda: [c for t in saved_timeline(server, pid)["tracks"] for c in t["clips"] if "placeholder" in c]
                  or [c for t in saved_timeline(server, pid)["tracks"] for c in t["clips"] if c["id"] != "lime"],
                  30, "the placeholder saved", page=page)
    new_id = saved[0]["id"]
    assert saved[0]["start"] == 2
    # it shows (unless the offline render was already done), then becomes the clip
    landed = timeline.locator(f"[data-clip-id='{new_id}']:not([data-placeholder-job])")
    if not landed.count():
        expect(placeholder).to_be_visible()
        expect(placeholder.get_by_role("button", name="Cancel the generation")).to_be_visible()
    expect(landed).to_be_visible(timeout=120000)
    expect(placeholder).to_have_count(0)
    clip = next(c for t in saved_timeline(server, pid)["tracks"] for c in t["clips"] if c["id"] == new_id)
    assert clip["media_id"] != item["id"] and clip["start"] == 2

    # it plays in the preview: the playhead inside it shows its (lime) picture
    zoom = saved_timeline(server, pid)["zoom"]
    timeline.locator("[data-ruler]").click(position={"x": round(3 * zoom), "y": 5})
    expect_pixel(page, (0, 255, 0), "the extended clip", at=(0.5, 0.4))
    painted = until(lambda: page.evaluate("() => document.querySelector(\"canvas[aria-label='Preview']\")"
                                          ".dataset.paintedAt"), 10, "a painted frame", page=page)
    assert 2 < float(painted) < 6, painted  # the frame drawn is the new clip's, not the source's
    watch.assert_clean()


def test_fill_a_gap_from_the_timeline_bar(server: ServerProcess, page: Page, tmp_path: Path) -> None:
    pid = server.post("/api/projects", json={"name": "Fill"}).json()["project"]["id"]
    red = import_file(server, pid, ms.make_solid(tmp_path / "red.mp4", "red", seconds=2, size="320x180"))
    blue = import_file(server, pid, ms.make_solid(tmp_path / "blue.mp4", "blue", seconds=2, size="320x180"))
    doc = saved_timeline(server, pid)
    doc.update(width=320, height=180)
    v1 = next(t for t in doc["tracks"] if t["name"] == "V1")
    v1["clips"] = [{"id": "red", "media_id": red["id"], "start": 0, "in": 0, "out": 2},
                   {"id": "blue", "media_id": blue["id"], "start": 7, "in": 0, "out": 2}]
    assert server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc}).status_code == 200

    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("Fill — Reelcut")
    timeline = page.get_by_role("region", name="Timeline")
    fill = timeline.get_by_role("button", name="Fill gap…")
    expect(fill).to_be_disabled()  # the playhead is on the red clip
    zoom = saved_timeline(server, pid)["zoom"]
    timeline.locator("[data-ruler]").click(position={"x": round(4 * zoom), "y": 5})
    expect(fill).to_be_enabled()
    fill.focus()
    page.keyboard.press("Enter")  # reachable by the keyboard

    dialog = page.get_by_role("dialog", name="Fill the 5.00 s gap")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Model").select_option("local/preview-flf")
    # told up front: the model makes 4 s (its nearest length), for free
    expect(dialog.locator("[data-cost]")).to_have_text("Free · makes 4 s, the nearest length it offers")
    dialog.get_by_role("button", name="Fill").click()
    expect(page.locator(".toast").filter(has_text="the model makes 4 s")).to_have_count(1)

    def new_clip() -> dict | None:
        return next((c for t in saved_timeline(server, pid)["tracks"] for c in t["clips"]
                     if c["id"] not in ("red", "blue")), None)

    placed = until(new_clip, 30, "the placeholder saved", page=page)
    assert placed["start"] == 2
    expect(timeline.locator(f"[data-clip-id='{placed['id']}']:not([data-placeholder-job])")).to_be_visible(
        timeout=120000)
    landed = new_clip()
    assert landed["media_id"] and landed["out"] - landed["in"] == 4
    watch.assert_clean()
