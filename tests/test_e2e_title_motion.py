"""A title's animation, set as a user sets it in Debian's Chromium on a real server (issue 15):
the inspector's preset list writes its keyframes into the saved document as one undo step, and
the diamonds key a title's scale at the playhead as they key a media clip's properties."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .e2e_helpers import until
from .server_process import ServerProcess
from .test_e2e_browser import Watch
from .test_e2e_title_style import project, saved_title

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]
__all__ = ["project"]  # the fixture: one title in the middle, 3 s from 0, the playhead at 0.5 s


def test_slide_up_preset_is_saved_as_keyframes_and_one_undo_takes_it_back(server: ServerProcess, page: Page,
                                                                          project: str) -> None:
    pid = project
    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("Styled — Reelcut")
    page.get_by_role("region", name="Timeline").locator("[data-clip-id='title']").click()
    inspector = page.get_by_role("region", name="Inspector")
    preset = inspector.get_by_role("combobox", name="Preset")
    expect(preset.locator("option")).to_have_text(["Choose…", "Fade", "Slide up", "Pop"])
    preset.select_option(label="Slide up")
    saved = until(lambda: (c := saved_title(server, pid)).get("keyframes") and c, 10, "the preset saved", page)
    assert saved["keyframes"] == {
        "y": [{"time": 0, "value": pytest.approx(0.6), "easing": "ease-out"},
              {"time": 0.5, "value": 0.5, "easing": "linear"}],
        "opacity": [{"time": 0, "value": 0, "easing": "ease-out"}, {"time": 0.5, "value": 1, "easing": "linear"}]}
    expect(preset).to_have_value("")  # back to its prompt, ready for another
    # at the playhead (0.5 s) the y keyframe is under it: its diamond is on
    expect(inspector.get_by_role("button", name="Keyframe at the playhead: Position Y")).to_have_attribute(
        "aria-pressed", "true")

    page.get_by_role("region", name="Timeline").locator("[data-clip-id='title']").click()  # keys go to the page
    page.keyboard.press("Control+z")
    until(lambda: "keyframes" not in saved_title(server, pid), 10, "one undo takes the preset back", page)

    # the scale's diamond: a keyframe of the title's scale at the playhead, then a typed value keys it
    inspector.get_by_role("button", name="Keyframe at the playhead: Scale").click()
    until(lambda: saved_title(server, pid).get("keyframes", {}).get("scale") == [
        {"time": 0.5, "value": 1, "easing": "linear"}], 10, "the scale keyframe saved", page)
    scale = inspector.get_by_role("textbox", name="Scale")
    scale.fill("150")
    scale.press("Enter")
    until(lambda: saved_title(server, pid)["keyframes"]["scale"][0]["value"] == 1.5, 10, "the keyed scale saved", page)
    assert "scale" not in saved_title(server, pid), "a keyframed scale is set by its keyframe"
    watch.assert_clean()
