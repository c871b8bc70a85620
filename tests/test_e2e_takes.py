"""Takes and prompt history as a user meets them, in Debian's Chromium with the offline model:
two takes of one request grouped in the library, take 1 dropped on the timeline and trimmed,
switched to take 2 from the inspector (its place and trims kept, in the saved document), Ctrl+Z
back to take 1, Regenerate making a new one, "Use again" refilling the panel, and the inspector
saying how the clip was made. Zero CSP violations and zero console errors."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .e2e_helpers import saved_timeline, until
from .server_process import ServerProcess
from .test_a11y import assert_axe_clean
from .test_e2e_browser import Watch
from .test_e2e_editing import drag_by

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

T2V = "local/preview-t2v"
PROMPT = "a paper boat on a puddle"


def video_clips(server: ServerProcess, pid: str) -> list[dict[str, Any]]:
    return [c for t in saved_timeline(server, pid)["tracks"] if t["kind"] == "video" for c in t["clips"]]


def test_two_takes_grouped_switched_undone_and_used_again(server: ServerProcess, page: Page) -> None:
    pid = server.post("/api/projects", json={"name": "Takes"}).json()["project"]["id"]
    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("Takes — Reelcut")

    # two takes of the offline model, 3 s each; the cost up front counts them
    page.get_by_role("textbox", name="Prompt", exact=True).fill(PROMPT)
    form = page.locator(f"[data-model-id='{T2V}']")
    form.get_by_label("Duration (s)").fill("3")
    form.get_by_label("Resolution").select_option("360p")
    page.get_by_role("combobox", name="Takes per model").select_option("2")
    expect(page.get_by_text("Estimated cost: ")).to_contain_text("(2 takes)")
    page.get_by_role("button", name="Generate", exact=True).click()

    def done_jobs() -> list[dict[str, Any]]:
        jobs = server.get(f"/api/generations?project_id={pid}").json()["jobs"]
        return jobs if len(jobs) == 2 and all(j["status"] == "done" for j in jobs) else []
    jobs = sorted(server.wait_for(done_jobs, timeout=120), key=lambda j: j["take"])
    assert jobs[0]["group_id"] == jobs[1]["group_id"] and [j["take"] for j in jobs] == [0, 1]
    assert jobs[0]["seed"] != jobs[1]["seed"]
    take1, take2 = jobs[0]["media_id"], jobs[1]["media_id"]

    # the library shows them together, each named by its take
    items = page.get_by_role("list", name="Media").get_by_role("listitem")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_have_attribute("data-media-id", take1)
    expect(items.nth(0)).to_contain_text("Take 1 of 2")
    expect(items.nth(0)).to_contain_text("2 takes of one request")
    expect(items.nth(1)).to_have_attribute("data-media-id", take2)
    expect(items.nth(1)).to_contain_text("Take 2 of 2")
    assert_axe_clean(page)

    # take 1 dropped on the top track and trimmed at both ends: start 0.5, in 0.5, out 2
    v1 = page.get_by_role("region", name="Timeline").locator("[data-track-id]").nth(0)
    items.nth(0).drag_to(v1, target_position={"x": 1, "y": 25})
    clip = v1.locator("[data-clip-id]")
    expect(clip).to_have_count(1)
    drag_by(page, clip.locator("[data-handle=end]"), -50)  # 1 s at 50 px/s
    until(lambda: [round(c["out"], 1) for c in video_clips(server, pid)] == [2.0], 10, "the end trimmed", page=page)
    drag_by(page, clip.locator("[data-handle=start]"), 25)
    until(lambda: [round(c["in"], 1) for c in video_clips(server, pid)] == [0.5], 10, "the start trimmed", page=page)
    before = video_clips(server, pid)[0]
    assert before["media_id"] == take1 and round(before["start"], 1) == 0.5

    # the inspector: how it was made, and the Take list
    clip.click(position={"x": 10, "y": 10})
    inspector = page.get_by_role("region", name="Inspector")
    expect(inspector).to_be_visible()
    made = inspector.get_by_role("group", name="Generated")
    expect(made).to_contain_text(PROMPT)
    expect(made).to_contain_text(str(jobs[0]["seed"]))
    expect(made).to_contain_text("Offline")
    take = inspector.get_by_role("combobox", name="Take", exact=True)
    expect(take).to_have_value(take1)
    assert_axe_clean(page)
    take.select_option(take2)
    until(lambda: video_clips(server, pid)[0]["media_id"] == take2, 10, "the clip shows take 2", page=page)
    after = video_clips(server, pid)[0]
    assert {k: after[k] for k in ("id", "start", "in", "out")} == {k: before[k] for k in ("id", "start", "in", "out")}
    expect(made).to_contain_text(str(jobs[1]["seed"]))  # the inspector follows the take

    # one step to undo
    clip.click(position={"x": 10, "y": 10})
    page.keyboard.press("Control+z")
    until(lambda: video_clips(server, pid)[0]["media_id"] == take1, 10, "Ctrl+Z back to take 1", page=page)
    expect(take).to_have_value(take1)

    # Regenerate: the same request again, a new group, its clip in the library
    made.get_by_role("button", name="Regenerate").click()

    def regenerated() -> dict[str, Any] | None:
        jobs_now = server.get(f"/api/generations?project_id={pid}").json()["jobs"]
        new = [j for j in jobs_now if j["group_id"] != jobs[0]["group_id"]]
        return new[0] if len(new) == 1 and new[0]["status"] == "done" else None
    again = server.wait_for(regenerated, timeout=120)
    assert again["prompt"] == PROMPT and again["model_id"] == T2V and again["params"]["duration"] == 3
    expect(items).to_have_count(3)
    expect(page.locator(f"[data-media-id='{again['media_id']}']")).to_be_visible()

    # Use again: the panel as the request was sent
    page.get_by_role("textbox", name="Prompt", exact=True).fill("something else")
    page.get_by_role("combobox", name="Takes per model").select_option("1")
    again_buttons = page.get_by_role("list", name="Generations").get_by_role("button", name=f"Use again: {PROMPT}")
    again_buttons.last.click()  # newest first: the last is a take of the 2-take request
    expect(page.get_by_role("textbox", name="Prompt", exact=True)).to_have_value(PROMPT)
    expect(page.get_by_role("combobox", name="Takes per model")).to_have_value("2")
    expect(form.get_by_label("Duration (s)")).to_have_value("3")
    watch.assert_clean()
