"""Retake part of a clip in Debian's Chromium on a real server, with the offline retake model: In
and Out inside a lime clip, select it, Retake part…, the model (its cost and whether it can take the
range shown first) → the clip switches to the new take, keeping its place and trims, and the
preview paints the remade range (not lime) while the rest stays lime."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from . import media_samples as ms
from .e2e_helpers import import_file, saved_timeline, until
from .preview_probe import expect_pixel, pixel, wait_painted, wait_playing
from .server_process import ServerProcess
from .test_e2e_browser import Watch
from .test_e2e_generate_here import frame_at

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

LIME = (0, 255, 0)


def test_retake_part_switches_the_clip_to_a_new_take_that_plays(server: ServerProcess, page: Page,
                                                                tmp_path: Path) -> None:
    pid = server.post("/api/projects", json={"name": "Retake"}).json()["project"]["id"]
    item = import_file(server, pid, ms.make_solid(tmp_path / "lime.mp4", "lime", seconds=4, size="320x180"))
    doc = saved_timeline(server, pid)
    doc.update(width=320, height=180)
    v1 = next(t for t in doc["tracks"] if t["name"] == "V1")
    v1["clips"] = [{"id": "lime", "media_id": item["id"], "start": 0, "in": 0.5, "out": 3.5}]
    assert server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc}).status_code == 200

    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("Retake — Reelcut")
    timeline = page.get_by_role("region", name="Timeline")
    retake = timeline.get_by_role("button", name="Retake part…")
    expect(retake).to_be_disabled()  # nothing selected
    zoom = saved_timeline(server, pid)["zoom"]
    ruler = timeline.locator("[data-ruler]")
    # In at 1 s, Out at 2 s (timeline seconds, inside the clip)
    ruler.click(position={"x": round(1 * zoom), "y": 5})
    page.keyboard.press("KeyI")
    ruler.click(position={"x": round(2 * zoom), "y": 5})
    page.keyboard.press("KeyO")
    timeline.locator("[data-clip-id='lime']").click()
    expect(retake).to_be_enabled()
    retake.click()

    dialog = page.get_by_role("dialog", name="Retake 1.00–2.00 s of the clip")
    expect(dialog).to_be_visible()
    model = dialog.get_by_label("Model")
    offered = model.locator("option").evaluate_all("(os) => os.map((o) => o.value)")
    assert sorted(offered) == ["fal-ai/ltx-2.3/retake-video", "local/preview-retake"], offered
    model.select_option("fal-ai/ltx-2.3/retake-video")
    cost = dialog.locator("[data-cost]")
    expect(cost).to_contain_text("$0.10")  # priced before anything runs: 1 s × $0.10
    expect(cost).to_contain_text("at least 2 s")  # and LTX-2.3 cannot take a 1 s range
    model.select_option("local/preview-retake")
    expect(cost).to_contain_text("Free")
    expect(cost).to_contain_text("remakes 1.00 s of the source")
    dialog.get_by_label("Prompt").fill("a storm rolls in")
    dialog.get_by_role("button", name="Retake").click()

    def switched() -> dict | None:
        clip = next(c for t in saved_timeline(server, pid)["tracks"] for c in t["clips"] if c["id"] == "lime")
        return clip if clip["media_id"] != item["id"] else None

    clip = until(switched, 120, "the clip switched to the new take", page=page)
    assert (clip["start"], clip["in"], clip["out"]) == (0, 0.5, 3.5)
    new = server.get(f"/api/media/{clip['media_id']}").json()
    new = new.get("media", new)
    old = server.get(f"/api/media/{item['id']}").json()
    old = old.get("media", old)
    assert new["group_id"] and new["group_id"] == old["group_id"] and new["take"] == 1

    # the inspector names it a take of the clip's media, beside the original
    inspector = page.get_by_role("region", name="Inspector")
    made = inspector.get_by_role("group", name="Generated")
    expect(made).to_contain_text("a storm rolls in")
    take = inspector.get_by_role("combobox", name="Take", exact=True)
    expect(take).to_have_value(new["id"])
    takes = take.locator("option").evaluate_all("(os) => os.map((o) => o.value)")
    assert sorted(takes) == sorted([item["id"], new["id"]]), takes

    # the page plays the new take: inside the range the remade picture, outside it the lime
    local = next(x for x in server.get(f"/api/media/{new['id']}/sources").json()["sources"] if x["kind"] == "local")
    path = tmp_path / "take.mp4"
    path.write_bytes(server.get("/" + local["url"].lstrip("/")).content)
    want = frame_at(path, 2.0)  # timeline 1.5 s is the source's 2.0 s (in 0.5)
    assert max(abs(a - b) for a, b in zip(want, LIME, strict=True)) > 60, want  # the file itself is remade there
    ruler.click(position={"x": round(1.5 * zoom), "y": 5})
    wait_painted(page, 1.5)
    until(lambda: (p := pixel(page, 0.1, 0.1)) is not None and max(abs(a - b) for a, b in zip(p, want, strict=True))
          < 40 and p, 20, "the remade range painted as the new take's frame", page=page)
    ruler.click(position={"x": round(0.5 * zoom), "y": 5})
    expect_pixel(page, LIME, "the untouched part of the new take", at=(0.5, 0.4))
    page.get_by_role("button", name="Play", exact=True).click()
    wait_playing(page)
    watch.assert_clean()
