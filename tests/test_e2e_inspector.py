"""The inspector and the canvas format, driven as a user drives them in Debian's Chromium on a real
server: typing, arrow keys, dragging a label, a refusal beside its field, keyframes at the
playhead, undo; then the saved document (GET /api/projects/<id>/timeline) and the exported
frame say the same."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from . import media_samples as ms
from .e2e_helpers import decoded_frames, export_file, import_file, saved_timeline, show_panel, until
from .server_process import ServerProcess
from .test_e2e_browser import Watch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

ZOOM = 50




def saved(server: ServerProcess, pid: str) -> dict[str, Any]:
    return saved_timeline(server, pid)


def saved_clip(server: ServerProcess, pid: str) -> dict[str, Any]:
    return next(c for t in saved(server, pid)["tracks"] for c in t["clips"])


@pytest.fixture
def project(server: ServerProcess, tmp_path: Path) -> str:
    """One red clip on the top video track, starting at 0.5 s."""
    pid = server.post("/api/projects", json={"name": "Inspect"}).json()["project"]["id"]
    item = import_file(server, pid, ms.make_solid(tmp_path / "red.mp4", "red", seconds=3))
    doc = saved(server, pid)
    top = next(t for t in doc["tracks"] if t["kind"] == "video")
    top["clips"] = [{"id": "red", "media_id": item["id"], "start": 0.5, "in": 0, "out": 3}]
    assert server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc}).status_code == 200
    return pid


def open_and_select(page: Page, server: ServerProcess) -> Watch:
    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("Inspect — Reelcut")
    inspector = page.get_by_role("region", name="Inspector")
    expect(inspector).to_be_hidden()
    page.get_by_role("region", name="Timeline").locator("[data-clip-id='red']").click()
    expect(inspector).to_be_visible()
    return watch


def test_inspector_sets_properties_in_the_units_people_use(server: ServerProcess, page: Page, project: str,
                                                            tmp_path: Path) -> None:
    pid = project
    watch = open_and_select(page, server)
    inspector = page.get_by_role("region", name="Inspector")
    opacity = inspector.get_by_role("textbox", name="Opacity")
    expect(opacity).to_have_value("100")

    opacity.fill("50")
    opacity.press("Enter")
    until(lambda: saved_clip(server, pid).get("opacity") == 0.5, 10, "opacity 50 % saved as 0.5")

    # refused beside the field, with the range; nothing saved
    opacity.fill("150")
    opacity.press("Enter")
    expect(inspector.get_by_role("alert")).to_have_text("Opacity must be 0 to 100 %.")
    expect(opacity).to_have_attribute("aria-invalid", "true")
    time.sleep(0.5)  # a save would come 300 ms after an edit: nothing must arrive
    assert saved_clip(server, pid)["opacity"] == 0.5

    # arrow keys step; Shift by ten
    opacity.fill("50")
    opacity.press("Enter")
    opacity.press("ArrowUp")
    opacity.press("Shift+ArrowUp")
    until(lambda: saved_clip(server, pid).get("opacity") == 0.61, 10, "opacity stepped to 61 %")

    # position in canvas pixels: the clip's centre at x = 480 of 1920 is 0.25
    x = inspector.get_by_role("textbox", name="Position X")
    x.fill("480")
    x.press("Enter")
    until(lambda: saved_clip(server, pid).get("transform", {}).get("x") == 0.25, 10, "position X 480 px saved as 0.25")

    # dragging the Scale label: the value follows the pointer, and the whole drag is one undo step
    scale_label = inspector.locator("label", has_text=re.compile(r"^Scale$"))
    box = scale_label.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 5, box["y"] + box["height"] / 2)
    page.mouse.down()
    for dx in range(0, -41, -8):
        page.mouse.move(box["x"] + 5 + dx, box["y"] + box["height"] / 2)
    page.mouse.up()
    scale = inspector.get_by_role("textbox", name="Scale")
    expect(scale).to_have_value("60")
    until(lambda: saved_clip(server, pid).get("transform", {}).get("scale") == 0.6, 10, "scale dragged to 60 %")
    page.keyboard.press("Control+z")
    expect(scale).to_have_value("100")
    until(lambda: saved_clip(server, pid).get("transform", {}).get("scale", 1) == 1, 10, "one undo step")
    assert saved_clip(server, pid)["transform"]["x"] == 0.25, "undo of the drag took more than the drag"

    # a speed that would not fit is refused; the fit is named as people read it
    inspector.get_by_role("combobox", name="Fit").select_option(label="Fill (crop to fill)")
    until(lambda: saved_clip(server, pid).get("fit") == "cover", 10, "fit set to cover")
    watch.assert_clean()


def test_keyframes_at_the_playhead_and_the_canvas_reach_the_export(server: ServerProcess, page: Page, project: str,
                                                                    tmp_path: Path) -> None:
    pid = project
    watch = open_and_select(page, server)
    inspector = page.get_by_role("region", name="Inspector")
    ruler = page.get_by_role("region", name="Timeline").locator("[data-ruler]")

    # a keyframe at 1.5 s on the timeline is 1 s into the clip (it starts at 0.5)
    ruler.click(position={"x": 1.5 * ZOOM, "y": 5})
    diamond = inspector.get_by_role("button", name="Keyframe at the playhead: Opacity")
    diamond.click()
    expect(diamond).to_have_attribute("aria-pressed", "true")
    opacity = inspector.get_by_role("textbox", name="Opacity")
    opacity.fill("0")
    opacity.press("Enter")
    ruler.click(position={"x": 3.0 * ZOOM, "y": 5})
    diamond.click()
    opacity.fill("100")
    opacity.press("Enter")
    keys = until(lambda: (saved_clip(server, pid).get("keyframes") or {}).get("opacity"), 10, "opacity keyframes")
    def opacity_keys() -> list[tuple[float, float]]:
        return [(k["time"], k["value"]) for k in saved_clip(server, pid)["keyframes"]["opacity"]]
    until(lambda: opacity_keys() == [(1, 0), (2.5, 1)], 10, f"keyframes at 1 s and 2.5 s of the clip (seen {keys})")
    # the keyframes show as diamonds on the clip, where they are
    clip = page.get_by_role("region", name="Timeline").locator("[data-clip-id='red']")
    diamonds = clip.locator(".keyframe")
    expect(diamonds).to_have_count(2)
    assert [d.evaluate("d => parseFloat(getComputedStyle(d).left)") for d in diamonds.all()] == [1 * ZOOM, 2.5 * ZOOM]
    inspector.get_by_role("button", name="Previous keyframe: Opacity").click()
    expect(page.get_by_role("region", name="Timeline").get_by_label("Timecode")).to_contain_text("00:00:01")
    inspector.get_by_role("combobox", name="Easing: Opacity").select_option(label="Ease out")
    until(lambda: saved_clip(server, pid)["keyframes"]["opacity"][0].get("easing") == "ease-out", 10, "easing")

    # the canvas: 9:16, then 24 fps; every clip kept
    page.get_by_role("combobox", name="Canvas").select_option(label="9:16 · 1080 × 1920")
    page.get_by_role("combobox", name="Frame rate").select_option(label="24 fps")
    until(lambda: (lambda d: (d["width"], d["height"], d["fps"]))(saved(server, pid)) == (1080, 1920, 24), 10,
          "a 9:16 canvas at 24 fps")
    assert saved_clip(server, pid)["id"] == "red"
    # a custom size is even only, refused beside the field
    page.get_by_role("combobox", name="Canvas").select_option(label="Custom…")
    page.get_by_role("textbox", name="Canvas width").fill("1001")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("region", name="Preview panel").get_by_role("alert")).to_have_text(
        "The width must be an even whole number of pixels from 16 to 7680.")
    page.get_by_role("textbox", name="Canvas width").fill("1000")
    page.get_by_role("textbox", name="Canvas height").fill("1000")
    page.get_by_role("button", name="Apply").click()
    until(lambda: (saved(server, pid)["width"], saved(server, pid)["height"]) == (1000, 1000), 10, "custom 1000 × 1000")
    page.get_by_role("combobox", name="Canvas").select_option(label="9:16 · 1080 × 1920")
    until(lambda: saved(server, pid)["width"] == 1080, 10, "back to 9:16")

    # the export: 1080 × 1920, the red clip invisible at 1.5 s and full at 3 s (the keyframes)
    frames = decoded_frames(export_file(server, pid, tmp_path))
    assert frames[0][1].shape[:2] == (1920, 1080)

    def centre(t: float) -> tuple[int, ...]:
        img = min(frames, key=lambda f: abs(f[0] - t))[1]
        return tuple(int(v) for v in img[960, 540])
    assert centre(1.5)[0] < 30, f"opacity 0 at the first keyframe: {centre(1.5)}"
    assert centre(3.0)[0] > 220, f"opacity 1 at the second: {centre(3.0)}"
    watch.assert_clean()


def test_a_crossfade_dropped_on_a_cut_overlaps_the_clips_and_reaches_the_export(server: ServerProcess, page: Page,
                                                                                 tmp_path: Path) -> None:
    pid = server.post("/api/projects", json={"name": "Inspect"}).json()["project"]["id"]
    media = {colour: import_file(server, pid, ms.make_solid(tmp_path / f"{colour}.mp4", colour, seconds=3))
             for colour in ("red", "blue")}
    doc = saved(server, pid)
    top = next(t for t in doc["tracks"] if t["kind"] == "video")
    top["clips"] = [{"id": "red", "media_id": media["red"]["id"], "start": 0, "in": 0, "out": 2},
                    {"id": "blue", "media_id": media["blue"]["id"], "start": 2, "in": 0, "out": 2}]
    assert server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc}).status_code == 200
    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("Inspect — Reelcut")

    def clips() -> dict[str, dict[str, Any]]:
        return {c["id"]: c for t in saved(server, pid)["tracks"] for c in t["clips"]}

    row = page.get_by_role("region", name="Timeline").locator(f"[data-track-id='{top['id']}']")
    transitions = show_panel(page, "Transitions").get_by_role("list", name="Transitions")
    crossfade = transitions.get_by_role("button", name="Crossfade")
    crossfade.drag_to(row, target_position={"x": 2 * ZOOM + 5, "y": 20})
    until(lambda: clips()["blue"].get("transition_in") == {"type": "crossfade", "duration": 0.5}, 10,
          "a crossfade on the cut")
    assert clips()["red"]["out"] == 2.5, "the overlap comes from the media after the red clip's end"
    assert clips()["blue"]["start"] == 2

    # the overlap is drawn; pressing it shows the transition in the inspector, which changes it
    drawn = row.get_by_role("option", name="Transition: Crossfade, 0.50 s")
    expect(drawn).to_be_visible()
    drawn.click()
    inspector = page.get_by_role("region", name="Inspector")
    expect(inspector.get_by_role("combobox", name="Transition")).to_have_value("crossfade")
    duration = inspector.get_by_role("textbox", name="Duration")
    expect(duration).to_have_value("0.5")
    duration.fill("5")
    duration.press("Enter")
    expect(inspector.get_by_role("alert").filter(has_text="longer")).to_have_text(
        "A 5 s crossfade is longer than a clip it joins (2.00 s).")
    duration.fill("1")
    duration.press("Enter")
    until(lambda: clips()["blue"].get("transition_in", {}).get("duration") == 1, 10, "a 1 s crossfade")
    assert clips()["red"]["out"] == 3

    # the export at the crossfade's midpoint (2.5 s): half red, half blue
    frames = decoded_frames(export_file(server, pid, tmp_path))
    mid = min(frames, key=lambda f: abs(f[0] - 2.5))[1]
    red, _, blue = (int(v) for v in mid[mid.shape[0] // 2, mid.shape[1] // 2])
    assert abs(red - 128) < 30 and abs(blue - 128) < 30, f"the midpoint is half red, half blue: {(red, blue)}"

    # Undo takes the transition off in one step
    page.get_by_role("button", name="Undo").click()
    until(lambda: clips()["blue"].get("transition_in", {}).get("duration") == 0.5, 10, "undo to the 0.5 s crossfade")
    watch.assert_clean()


def test_caption_this_clip_says_why_it_cannot_run_without_a_key(server: ServerProcess, page: Page,
                                                                 project: str) -> None:
    """Without a fal.ai key the button is there, disabled, with the reason beside it (the server
    refuses too: tests/test_transcribe.py); the clip has sound, so the key is the only reason."""
    assert not server.get("/api/settings").json()["fal_key_set"]
    watch = open_and_select(page, server)
    captions = page.get_by_role("region", name="Inspector").get_by_role("group", name="Captions")
    button = captions.get_by_role("button", name="Caption this clip")
    expect(button).to_be_disabled()
    expect(captions).to_contain_text("Captioning runs on fal.ai: add a fal.ai key in Settings.")
    watch.assert_clean()
