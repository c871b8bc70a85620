"""The generate panel as a person uses it every minute (issue 19), in Debian's Chromium: Generate
in view at 1280×720, job cards that say which prompt they are, clearing them for good, a paid
model with no key, the draft kept across a reload, why Generate is refused, and a number field
that refuses bad text. Every test ends with zero CSP violations and zero console errors."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .server_process import ServerProcess
from .test_e2e_browser import Watch

T2V = "local/preview-t2v"
FAL = "fal-ai/ltx-2/text-to-video/fast"


def open_app(page: Page, server: ServerProcess, name: str) -> tuple[str, Watch]:
    pid = server.post("/api/projects", json={"name": name}).json()["project"]["id"]
    watch = Watch(page)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(server.login_url)
    expect(page).to_have_title(f"{name} — Reelcut")
    return pid, watch


def in_viewport(page: Page, locator: Any) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return bool(box and size and box["y"] >= 0 and box["y"] + box["height"] <= size["height"]
                and box["x"] >= 0 and box["x"] + box["width"] <= size["width"])


def generate(page: Page, prompt: str) -> None:
    page.get_by_role("textbox", name="Prompt", exact=True).fill(prompt)
    form = page.locator(f"[data-model-id='{T2V}']")
    form.get_by_label("Duration (s)").fill("1")
    form.get_by_label("Resolution").select_option("360p")
    page.get_by_role("button", name="Generate", exact=True).click()


def delete(server: ServerProcess, path: str) -> Any:
    return server.session().delete(server.url.rstrip("/") + path, timeout=30)


def cards(page: Page) -> Any:
    return page.get_by_role("list", name="Generations").get_by_role("listitem")


@pytest.mark.slow
def test_generate_stays_in_view_with_every_model_ticked(server: ServerProcess, page: Page) -> None:
    """At 1280×720 Generate and the cost are in view without scrolling, even with a long model
    list open; the model list has no scroll of its own."""
    _, watch = open_app(page, server, "Fold")
    generate_button = page.get_by_role("button", name="Generate", exact=True)
    expect(generate_button).to_be_visible()
    assert in_viewport(page, generate_button)
    assert in_viewport(page, page.get_by_text("Estimated cost:"))
    for name in ("Kling 2.5 Turbo Pro (text to video)", "Veo 3", "LTX Video 2.0 Pro (text to video)"):
        page.get_by_role("checkbox", name=name, exact=True).check()
    page.get_by_role("group", name="Models").evaluate("e => e.closest('.panel').scrollTop = 0")
    assert in_viewport(page, generate_button)
    overflow = page.get_by_role("group", name="Models").evaluate("e => getComputedStyle(e).overflowY")
    assert overflow == "visible"
    # scrolled to the bottom of the list, it is still there
    page.get_by_role("group", name="Models").evaluate("e => e.closest('.panel').scrollTop = 1e6")
    assert in_viewport(page, generate_button)
    watch.assert_clean()


@pytest.mark.slow
def test_models_are_grouped_filtered_and_searched(server: ServerProcess, page: Page) -> None:
    _, watch = open_app(page, server, "Families")
    models = page.get_by_role("group", name="Models")
    for family in ("Offline", "LTX", "Kling", "Veo"):
        expect(models.get_by_role("group", name=family, exact=True)).to_be_visible()
    page.get_by_role("searchbox", name="Search models").fill("kling 2.6")
    expect(models.locator("[data-model-id]")).to_have_count(2)  # the ticked offline model stays listed
    expect(models.get_by_role("group", name="Kling", exact=True)).to_be_visible()
    expect(models.get_by_role("group", name="Veo", exact=True)).to_have_count(0)
    page.get_by_role("searchbox", name="Search models").fill("")
    shown = models.locator("[data-model-id]")

    def listed() -> list[str]:
        return shown.evaluate_all("(els) => els.map((e) => e.dataset.modelId)")

    # each filter: its models, and the ticked offline text-to-video model, which stays listed
    page.get_by_role("combobox", name="Show models that make").select_option(label="Free (offline)")
    expect(shown).to_have_count(6)  # the Text tab's offline models; retake, sound and upscale need a clip
    assert sorted(listed()) == ["local/preview-image", "local/preview-retake", "local/preview-t2v",
                                "local/sound-bed", "local/upscale", "local/voice"]
    page.get_by_role("combobox", name="Show models that make").select_option(label="Image")
    expect(shown).to_have_count(5)
    assert sorted(listed()) == ["fal-ai/bytedance/seedream/v4.5/text-to-image", "fal-ai/flux/dev",
                                "fal-ai/nano-banana", "local/preview-image", "local/preview-t2v"]
    page.get_by_role("combobox", name="Show models that make").select_option(label="Voice-over")
    expect(shown).to_have_count(3)  # voices only: sound for a clip is the timeline's Add sound
    assert sorted(listed()) == ["fal-ai/elevenlabs/tts/eleven-v3", "local/preview-t2v", "local/voice"]
    page.get_by_role("combobox", name="Show models that make").select_option(label="Video with sound")
    expect(models.get_by_role("group", name="LTX", exact=True)).to_be_visible()
    expect(models.get_by_role("group", name="Hailuo", exact=True)).to_have_count(0)
    watch.assert_clean()


@pytest.mark.slow
def test_models_the_panel_cannot_feed_show_disabled_with_the_reason(server: ServerProcess, page: Page) -> None:
    """Veo's first/last-frame model needs an end frame and LTX-2.3 audio-to-video a sound: both are
    listed, cannot be ticked, and say why; LTX-2.3 image-to-video (its end frame optional) can be."""
    _, watch = open_app(page, server, "Inputs")
    hailuo = page.locator("[data-model-id='fal-ai/minimax/hailuo-2.3/pro/text-to-video']")
    expect(hailuo.locator(".price")).to_have_text("$0.49/video")
    a2v = page.get_by_role("checkbox", name="LTX-2.3 (audio to video)", exact=True)
    expect(a2v).to_be_disabled()
    expect(page.get_by_text("LTX-2.3 (audio to video) needs a sound clip")).to_be_visible()
    page.get_by_role("tab", name="Image").click()
    flf = page.get_by_role("checkbox", name="Veo 3.1 (first and last frame)", exact=True)
    expect(flf).to_be_disabled()
    expect(flf).to_have_accessible_description(
        "Veo 3.1 (first and last frame) needs an end frame: use Fill on the timeline.")
    ltx = page.get_by_role("checkbox", name="LTX-2.3 Pro (image to video)", exact=True)
    expect(ltx).to_be_enabled()
    ltx.check()
    expect(page.get_by_text(re.compile(r"Estimated cost: \$0\.36"))).to_be_visible()  # 6 s at $0.06/s
    watch.assert_clean()


@pytest.mark.slow
def test_the_mode_tabs_take_arrows_home_and_end(server: ServerProcess, page: Page) -> None:
    """The WAI-ARIA tabs keys (the side tabs' rule): arrows wrap, Home and End go to the ends, the
    chosen tab is the only one in the Tab order, and the panel shows the chosen mode."""
    _, watch = open_app(page, server, "Mode keys")
    modes = page.get_by_role("tablist", name="Generation mode")
    text, image = modes.get_by_role("tab", name="Text"), modes.get_by_role("tab", name="Image")
    source = page.get_by_role("combobox", name="Source image")

    def chosen(tab: Any) -> None:
        expect(tab).to_be_focused()
        expect(tab).to_have_attribute("aria-selected", "true")
        expect(modes.locator("[role=tab][tabindex='0']")).to_have_count(1)
        if tab is image:
            expect(source).to_be_visible()
        else:
            expect(source).to_be_hidden()

    text.focus()
    for key, tab in [("ArrowRight", image), ("ArrowRight", text), ("ArrowLeft", image), ("Home", text),
                     ("End", image), ("Home", text)]:
        page.keyboard.press(key)
        chosen(tab)
    page.keyboard.press("Enter")  # a key the tabs leave alone
    chosen(text)
    watch.assert_clean()


@pytest.mark.slow
def test_job_cards_show_their_prompts_and_clear_for_good(server: ServerProcess, page: Page) -> None:
    """Two generations: each card names its prompt, the model, duration and resolution and the
    cost, with a thumbnail once done; a click shows the clip in the library; Clear and Clear
    finished empty the list, and a reload does not bring the cards back."""
    pid, watch = open_app(page, server, "Cards")
    generate(page, "a red kite over green hills\nsecond line")
    expect(cards(page)).to_have_count(1)
    expect(cards(page).first).to_have_attribute("data-status", "done", timeout=60000)
    generate(page, "a lighthouse in fog")
    expect(cards(page)).to_have_count(2)
    expect(cards(page).first).to_have_attribute("data-status", "done", timeout=60000)

    kite = cards(page).filter(has_text="a red kite over green hills")
    expect(kite).to_contain_text("Offline preview (text to video) · 1 s · 360p · 16:9 · Free")
    expect(kite).not_to_contain_text("second line")
    expect(cards(page).filter(has_text="a lighthouse in fog")).to_have_count(1)
    thumb = kite.locator("img.job-thumb")
    expect(thumb).to_be_visible(timeout=20000)
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle(), timeout=20000)

    # a click on the card shows its clip in the library
    kite.locator(".job-title").click()
    item = page.get_by_role("list", name="Media").locator("li[aria-current='true']")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("AI: a red kite over green hills")

    # one by one, then all finished ones
    cards(page).filter(has_text="a lighthouse in fog").get_by_role("button", name="Clear").click()
    expect(cards(page)).to_have_count(1)
    page.get_by_role("button", name="Clear finished").click()
    expect(cards(page)).to_have_count(0)
    assert server.get(f"/api/generations?project_id={pid}").json()["jobs"] == []
    page.reload()
    expect(page).to_have_title("Cards — Reelcut")
    expect(page.get_by_role("list", name="Media").get_by_role("listitem")).to_have_count(2)  # the clips stay
    expect(cards(page)).to_have_count(0)
    watch.assert_clean()


@pytest.mark.slow
def test_a_running_job_cannot_be_cleared(server: ServerProcess, page: Page) -> None:
    pid = server.post("/api/projects", json={"name": "Busy"}).json()["project"]["id"]
    request = {"project_id": pid, "model_ids": [T2V], "prompt": "long",
               "params": {T2V: {"duration": 20, "resolution": "720p"}}}
    job = server.post("/api/generations", json=request).json()["jobs"][0]
    r = delete(server, f"/api/generations/{job['id']}")
    assert r.status_code == 409 and r.json()["error"]["code"] == "job_running"
    server.post(f"/api/generations/{job['id']}/cancel", json={})
    server.wait_for(lambda: server.get(f"/api/generations/{job['id']}").json()["job"]["status"] == "cancelled",
                    timeout=30)
    assert delete(server, f"/api/generations/{job['id']}").status_code == 200
    assert server.get(f"/api/generations/{job['id']}").status_code == 404


@pytest.mark.slow
def test_a_paid_model_without_a_key_says_so_and_opens_settings_at_the_key(server: ServerProcess, page: Page) -> None:
    _, watch = open_app(page, server, "No key")
    row = page.locator(f"[data-model-id='{FAL}']")
    expect(row).to_contain_text("needs key")
    page.get_by_role("textbox", name="Prompt", exact=True).fill("a tram at night")
    row.get_by_role("checkbox", name="LTX Video 2.0 Fast (text to video)").check()
    expect(row.get_by_role("alert")).to_contain_text("needs a fal.ai key")
    generate_button = page.get_by_role("button", name="Generate", exact=True)
    expect(generate_button).to_be_disabled()
    expect(generate_button).to_have_accessible_description(
        "LTX Video 2.0 Fast (text to video) needs a fal.ai key (Settings).")
    row.get_by_role("button", name=re.compile(r"^Add a fal\.ai key for ")).click()
    expect(page.get_by_label("fal.ai API key")).to_be_focused()
    page.get_by_role("button", name="Close", exact=True).click()
    # the offline model alone can generate
    row.get_by_role("checkbox", name="LTX Video 2.0 Fast (text to video)").uncheck()
    expect(generate_button).to_be_enabled()
    watch.assert_clean()


@pytest.mark.slow
def test_generate_says_why_it_is_disabled(server: ServerProcess, page: Page) -> None:
    _, watch = open_app(page, server, "Why")
    generate_button = page.get_by_role("button", name="Generate", exact=True)
    expect(generate_button).to_be_disabled()
    expect(page.locator(".generate-why")).to_have_text("Write a prompt first.")
    page.get_by_role("textbox", name="Prompt", exact=True).fill("a fox")
    expect(generate_button).to_be_enabled()
    page.get_by_role("checkbox", name="Offline preview (text to video)").uncheck()
    expect(generate_button).to_be_disabled()
    expect(page.locator(".generate-why")).to_have_text("Tick a model first.")
    page.get_by_role("tab", name="Image").click()
    expect(page.locator(".generate-why")).to_have_text("Choose a source image first.")
    watch.assert_clean()


@pytest.mark.slow
def test_the_draft_survives_a_reload_per_project(server: ServerProcess, page: Page) -> None:
    pid, watch = open_app(page, server, "Draft")
    page.get_by_role("textbox", name="Prompt", exact=True).fill("a heron in the reeds")
    page.get_by_role("checkbox", name="Kling 2.5 Turbo Pro (text to video)", exact=True).check()
    page.locator(f"[data-model-id='{T2V}']").get_by_label("Duration (s)").fill("7")
    page.locator(f"[data-model-id='{T2V}']").get_by_label("Resolution").select_option("360p")
    page.get_by_role("searchbox", name="Search models").fill("kling")
    page.wait_for_timeout(400)  # the draft is saved a moment after the last change
    page.reload()
    expect(page).to_have_title("Draft — Reelcut")
    expect(page.get_by_role("textbox", name="Prompt", exact=True)).to_have_value("a heron in the reeds")
    expect(page.get_by_role("checkbox", name="Kling 2.5 Turbo Pro (text to video)", exact=True)).to_be_checked()
    form = page.locator(f"[data-model-id='{T2V}']")
    expect(form.get_by_label("Duration (s)")).to_have_value("7")
    expect(form.get_by_label("Resolution")).to_have_value("360p")
    expect(page.get_by_role("searchbox", name="Search models")).to_have_value("kling")

    # another project has its own draft
    server.post("/api/projects", json={"name": "Other"})
    page.get_by_role("combobox", name="Open project").select_option(label="Other")
    expect(page).to_have_title("Other — Reelcut")
    expect(page.get_by_role("textbox", name="Prompt", exact=True)).to_have_value("")
    page.get_by_role("combobox", name="Open project").select_option(label="Draft")
    expect(page.get_by_role("textbox", name="Prompt", exact=True)).to_have_value("a heron in the reeds")
    assert pid
    watch.assert_clean()


@pytest.mark.slow
def test_a_bad_number_is_refused_next_to_the_field(server: ServerProcess, page: Page) -> None:
    posts: list[Any] = []
    page.on("request", lambda r: posts.append(r) if r.method == "POST" and r.url.endswith("/api/generations") else None)
    _, watch = open_app(page, server, "Bad number")
    form = page.locator(f"[data-model-id='{T2V}']")
    duration = form.get_by_label("Duration (s)")
    expect(form.get_by_text("1–20")).to_be_visible()  # the range, from the registry
    page.get_by_role("textbox", name="Prompt", exact=True).fill("a kite")
    duration.fill("")
    message = form.locator(".param").filter(has_text="Duration (s)").locator(".field-error")
    expect(message).to_have_text("Duration (s) is empty: enter a whole number from 1 to 20.")
    duration.fill("99")
    expect(message).to_have_text("Duration (s) must be at most 20.")
    page.get_by_role("button", name="Generate", exact=True).click()
    expect(duration).to_be_focused()
    page.wait_for_timeout(300)
    assert posts == []
    watch.assert_clean()
