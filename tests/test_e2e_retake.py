"""Retake part of a clip in Debian's Chromium on a real server, with the offline retake model: In
and Out inside a lime clip, select it, Retake part…, the model (its cost and whether it can take the
range shown first) → the clip switches to the new take, keeping its place and trims, and the
preview paints the remade range (not lime) while the rest stays lime. And a retake on the fake
fal.ai, kept running: its progress, model and Cancel on the clip it remakes, a failure's reason
there, Retry and Dismiss."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from . import media_samples as ms
from .conftest import TOKEN
from .e2e_helpers import import_file, saved_timeline, until
from .fake_fal import FakeFal, app_env
from .preview_probe import expect_pixel, pixel, wait_painted, wait_playing
from .server_process import ServerProcess
from .test_e2e_browser import Watch
from .test_e2e_generate_here import frame_at

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

LIME = (0, 255, 0)
LTX_RETAKE = "fal-ai/ltx-2.3/retake-video"


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
    # done and switched: nothing of the retake stays on the clip
    expect(timeline.locator("[data-clip-id='lime']")).to_have_attribute("data-media-id", clip["media_id"])
    expect(timeline.locator("[data-clip-id='lime'] .retake-state")).to_have_count(0)
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


def _job_row(server: ServerProcess, job_id: str) -> tuple[str, str | None] | None:
    """The job's row as SQLite holds it: (status, media_id), or None once it is gone."""
    with sqlite3.connect(server.data_dir / "reelcut.db", timeout=10) as db:
        return db.execute("SELECT status, media_id FROM jobs WHERE id = ?", (job_id,)).fetchone()


def test_a_running_retake_shows_on_its_clip_cancels_from_it_and_a_failure_stays_on_it(
        tmp_path: Path, page: Page, fake_fal: FakeFal) -> None:
    """LTX-2.3 retake on the fake fal.ai, which keeps the request running: the clip being retaken
    shows the remade stretch, the job's progress and model, and Cancel (and the preview says so
    over the picture); Cancel from the clip cancels the job (its row says so) and leaves the clip
    as it was. A retake that fal fails leaves the clip as it was too, with the job's reason on it
    until dismissed (the row goes) or retried (once done, nothing of it stays on the clip)."""
    fake_fal.scenario.queue_seconds, fake_fal.scenario.run_seconds = 0.3, 600.0
    server = ServerProcess(tmp_path / "data", TOKEN, env=app_env(fake_fal)).start()
    try:
        pid = server.post("/api/projects", json={"name": "Retake progress"}).json()["project"]["id"]
        item = import_file(server, pid, ms.make_solid(tmp_path / "lime.mp4", "lime", seconds=4, size="320x180"))
        doc = saved_timeline(server, pid)
        doc.update(width=320, height=180)
        v1 = next(t for t in doc["tracks"] if t["name"] == "V1")
        original = {"id": "lime", "media_id": item["id"], "start": 0, "in": 0.5, "out": 3.5}
        v1["clips"] = [dict(original)]
        assert server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc}).status_code == 200

        watch = Watch(page)
        page.set_viewport_size({"width": 1400, "height": 900})
        page.goto(server.login_url)
        expect(page).to_have_title("Retake progress — Reelcut")
        timeline = page.get_by_role("region", name="Timeline")
        zoom = saved_timeline(server, pid)["zoom"]
        ruler = timeline.locator("[data-ruler]")
        clip = timeline.locator("[data-clip-id='lime']")

        def lime_clip() -> dict:
            return next(c for t in saved_timeline(server, pid)["tracks"] for c in t["clips"] if c["id"] == "lime")

        def retake(prompt: str) -> None:
            # In at 1 s, Out at 3 s: the clip's last two thirds (the source's 1.5–3.5 s)
            ruler.click(position={"x": round(1 * zoom), "y": 5})
            page.keyboard.press("KeyI")
            ruler.click(position={"x": round(3 * zoom), "y": 5})
            page.keyboard.press("KeyO")
            clip.click(position={"x": 20, "y": 8})
            timeline.get_by_role("button", name="Retake part…").click()
            dialog = page.get_by_role("dialog", name="Retake 1.00–3.00 s of the clip")
            dialog.get_by_label("Model").select_option(LTX_RETAKE)
            expect(dialog.locator("[data-cost]")).to_contain_text("remakes 2.00 s of the source")
            dialog.get_by_label("Prompt").fill(prompt)
            dialog.get_by_role("button", name="Retake").click()
            expect(dialog).to_be_hidden()

        retake("a storm rolls in")
        state = clip.locator(".retake-state")
        expect(state).to_have_attribute("data-status", "running", timeout=20000)
        job_id = state.get_attribute("data-retake-job")
        assert job_id and _job_row(server, job_id) is not None
        # fal runs it: the clip says how far it is and with which model, and the bar grows
        expect(state).to_contain_text(re.compile(r"Retaking \d+% · LTX-2\.3 Retake video"), timeout=20000)
        bar = clip.get_by_role("progressbar", name=f"Retake of {item['name']}")
        def percent() -> int:
            return int(bar.get_attribute("aria-valuenow") or 0)

        first = until(percent, 20, "the retake's progress", page=page)
        until(lambda: percent() > first, 20, "the progress to grow", page=page)
        width = bar.evaluate("(b) => b.getBoundingClientRect().width")
        assert width > 0, width
        # the stretch being remade is the clip's last two thirds
        box, span = clip.bounding_box(), state.locator(".retake-span").bounding_box()
        assert box and span
        assert abs(span["x"] - (box["x"] + box["width"] / 3)) < 4, (span, box)
        assert abs(span["x"] + span["width"] - box["x"] - box["width"]) < 4, (span, box)
        assert (fake_fal.requests and next(iter(fake_fal.requests.values())).input["prompt"] == "a storm rolls in")
        # the preview, over the clip, says so too, above the picture (the clip plays on as it is)
        note = page.get_by_role("region", name="Preview panel").locator(".retake-note")
        expect(note).to_be_hidden()  # the playhead is at the clip's end
        ruler.click(position={"x": round(2 * zoom), "y": 5})
        expect(note).to_contain_text(re.compile(r"Retaking \d+% · LTX-2\.3 Retake video"))
        expect_pixel(page, LIME, "the clip itself, still playing its own media", at=(0.5, 0.5))

        # a reload shows it again, from the jobs the page fetches as the project opens
        page.reload()
        expect(state).to_contain_text(re.compile(r"Retaking \d+% · LTX-2\.3 Retake video"), timeout=20000)
        clip.get_by_role("button", name=f"Cancel the retake of {item['name']}").click()
        until(lambda: (row := _job_row(server, job_id)) and row[0] == "cancelled" and row, 30,
              "the job cancelled in SQLite", page=page)
        expect(state).to_have_count(0)  # a cancel is the user's own doing: nothing stays on the clip
        expect(note).to_be_hidden()
        assert lime_clip() == original
        assert page.get_by_role("list", name="Generations").locator(f"[data-job-id='{job_id}']").get_attribute(
            "data-status") == "cancelled"

        # fal fails the next one: the clip stays as it was and says why, until dismissed
        fake_fal.scenario.run_seconds = 1.0
        fake_fal.scenario.fail_with = ("the video could not be decoded", "video_error")
        retake("snow falls")
        failed = clip.locator(".retake-state[data-status='failed']")
        expect(failed).to_contain_text(
            "Retake failed: LTX-2.3 Retake video failed on fal.ai: the video could not be decoded", timeout=30000)
        second = failed.get_attribute("data-retake-job")
        ruler.click(position={"x": round(2 * zoom), "y": 5})
        expect(note).to_contain_text("Retake failed: LTX-2.3 Retake video failed on fal.ai")
        assert second and second != job_id and _job_row(server, second)[0] == "failed"
        assert lime_clip() == original
        clip.get_by_role("button", name=f"Dismiss the failed retake of {item['name']}").click()
        expect(clip.locator(".retake-state")).to_have_count(0)
        expect(note).to_be_hidden()
        until(lambda: _job_row(server, second) is None, 10, "the dismissed job's row gone", page=page)

        # Retry from the clip: fal answers this time, and the retake's state leaves the clip when
        # the job is done (fal's 2 s answer is shorter than the clip plays: a take only, no switch)
        retake("hail")
        failed = clip.locator(".retake-state[data-status='failed']")
        expect(failed).to_be_visible(timeout=30000)
        third = failed.get_attribute("data-retake-job")
        ruler.click(position={"x": round(2 * zoom), "y": 5})
        expect(note).to_contain_text("Retake failed")
        fake_fal.scenario.fail_with = None
        clip.get_by_role("button", name=f"Retry the retake of {item['name']}").click()
        until(lambda: (row := _job_row(server, third)) and row[0] == "done" and row, 60, "the retried job done",
              page=page)
        expect(clip.locator(".retake-state")).to_have_count(0)
        expect(note).to_be_hidden()
        assert lime_clip() == original
        watch.assert_clean()
    finally:
        server.stop()
