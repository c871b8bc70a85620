"""Generate here in Debian's Chromium on a real server, with the offline text-to-video model: the
playhead on an empty spot, Generate here…, a prompt (the cost shown first) → a placeholder in the
document whose card the preview draws (not black) → the clip that lands plays in the preview."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from . import media_samples as ms
from .e2e_helpers import import_file, saved_timeline, until
from .preview_probe import expect_pixel, pixel
from .server_process import ServerProcess
from .test_e2e_browser import Watch
from .test_extend_fill import source_frame

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

CARD = (0x2B, 0x2F, 0x36)  # compose-model.js's CARD.fill


def frame_at(path: Path, t: float) -> list[int]:
    """The top-left corner of the generated file's frame at t (decoded here, not through Reelcut)."""
    img = source_frame(path, t)
    h, w = img.shape[:2]
    return [int(v) for v in img[int(h * 0.1), int(w * 0.1)]]


def test_generate_here_shows_a_card_in_the_preview_then_the_clip_plays(server: ServerProcess, page: Page,
                                                                       tmp_path: Path) -> None:
    pid = server.post("/api/projects", json={"name": "Here"}).json()["project"]["id"]
    item = import_file(server, pid, ms.make_solid(tmp_path / "lime.mp4", "lime", seconds=2, size="320x180"))
    doc = saved_timeline(server, pid)
    doc.update(width=320, height=180)
    v1 = next(t for t in doc["tracks"] if t["name"] == "V1")
    v1["clips"] = [{"id": "a", "media_id": item["id"], "start": 0, "in": 0, "out": 2},
                   {"id": "b", "media_id": item["id"], "start": 6, "in": 0, "out": 2}]
    assert server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc}).status_code == 200
    # a long render made through the API, so its card is surely on screen while it runs
    long = server.post(f"/api/projects/{pid}/timeline/generate-here",
                       json={"track_id": v1["id"], "at": 10, "model_id": "local/preview-t2v", "prompt": "slow",
                             "params": {"duration": 20, "resolution": "1080p", "fps": 50}})
    assert long.status_code == 201, long.text

    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("Here — Reelcut")
    timeline = page.get_by_role("region", name="Timeline")
    here = timeline.get_by_role("button", name="Generate here…")
    zoom = saved_timeline(server, pid)["zoom"]
    ruler = timeline.locator("[data-ruler]")

    # the placeholder's span is a neutral card in the preview, not black
    ruler.click(position={"x": round(11 * zoom), "y": 5})
    expect_pixel(page, CARD, "the placeholder's card", at=(0.1, 0.1), tolerance=8)
    server.post(f"/api/generations/{long.json()['job']['id']}/cancel", json={})
    until(lambda: any(c.get("placeholder", {}).get("status") == "cancelled"
                      for t in saved_timeline(server, pid)["tracks"] for c in t["clips"]), 30, "cancelled", page=page)
    expect_pixel(page, CARD, "the cancelled placeholder's card", at=(0.1, 0.1), tolerance=8)

    ruler.click(position={"x": round(1 * zoom), "y": 5})  # inside clip a: no empty spot
    expect(here).to_be_disabled()
    ruler.click(position={"x": round(3 * zoom), "y": 5})
    expect(here).to_be_enabled()
    here.click()
    dialog = page.get_by_role("dialog", name="Generate here")
    expect(dialog).to_be_visible()
    model = dialog.get_by_label("Model")
    offered = model.locator("option").evaluate_all("(os) => os.map((o) => o.value)")
    assert "local/preview-t2v" in offered and "local/preview-i2v" not in offered
    model.select_option("fal-ai/ltx-2.3/text-to-video")
    expect(dialog.locator("[data-cost]")).to_contain_text("$")  # priced before anything runs
    model.select_option("local/preview-t2v")
    expect(dialog.locator("[data-cost]")).to_contain_text("Free")
    expect(dialog.locator("[data-cost]")).to_contain_text("the longest that fits")  # 4 s by default, ~3 s free
    dialog.get_by_label("Prompt").fill("a comet over the sea")
    dialog.get_by_role("button", name="Generate", exact=True).click()

    def new_clip() -> dict | None:
        clips = [c for t in saved_timeline(server, pid)["tracks"] for c in t["clips"]]
        return next((c for c in clips if c["id"] not in ("a", "b") and 2.5 < c["start"] < 3.5), None)

    placed = until(new_clip, 30, "the placeholder saved", page=page)
    assert placed["start"] + (placed.get("duration") or placed["out"] - placed["in"]) <= 6 + 1e-6
    landed = until(lambda: (c := new_clip()) and "media_id" in c and c, 120, "the clip landed", page=page)
    assert landed["media_id"] != item["id"]

    # it plays in the preview: the frame painted inside it is the generated file's
    t = landed["start"] + 1.0
    ruler.click(position={"x": round(t * zoom), "y": 5})
    painted = until(lambda: page.evaluate("() => document.querySelector(\"canvas[aria-label='Preview']\")"
                                          ".dataset.paintedAt"), 10, "a painted frame", page=page)
    painted = float(painted)
    assert landed["start"] < painted < 6, painted
    got = pixel(page, 0.1, 0.1)
    assert got is not None and max(abs(a - b) for a, b in zip(got, CARD, strict=True)) > 8, got  # not the card
    local = next(x for x in server.get(f"/api/media/{landed['media_id']}/sources").json()["sources"]
                 if x["kind"] == "local")
    path = tmp_path / "landed.mp4"
    path.write_bytes(server.get("/" + local["url"].lstrip("/")).content)
    want = frame_at(path, painted - landed["start"] + landed["in"])
    assert max(abs(a - b) for a, b in zip(got, want, strict=True)) < 40, (got, want)
    watch.assert_clean()
