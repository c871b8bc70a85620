"""Caption the timeline (issue 15), in Debian's Chromium against a real server and the fake
fal.ai: the captions panel says what the timeline's sound would cost before anything starts,
asks in the page's own dialog, and the fixed transcript's lines arrive as a new captions track
at timeline time, listed in the panel and saved. Without a key the button is disabled with the
reason beside it. No CSP violation, nothing serious for axe."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from . import media_samples as ms
from .conftest import TOKEN
from .e2e_helpers import import_file, saved_timeline, show_panel, until
from .fake_fal import FakeFal, app_env
from .server_process import ServerProcess
from .test_a11y import assert_axe_clean
from .test_e2e_browser import Watch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]


def spoken_project(server: ServerProcess, tmp_path: Path) -> str:
    """A project whose timeline is one 6 s clip with sound."""
    pid = server.post("/api/projects", json={"name": "Spoken"}).json()["project"]["id"]
    item = import_file(server, pid, ms.make_solid(tmp_path / "talk.mp4", seconds=6, tone=440))
    got = server.get(f"/api/projects/{pid}/timeline").json()
    doc = got["timeline"]
    doc["tracks"] = [{"id": "v", "kind": "video", "muted": False, "hidden": False, "clips": [
        {"id": "c1", "media_id": item["id"], "start": 0.0, "in": 0.0, "out": 6.0}]}]
    r = server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc, "revision": got["revision"]})
    assert r.status_code == 200, r.text
    return pid


def open_panel(server: ServerProcess, page: Page) -> tuple[Watch, object]:
    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("Spoken — Reelcut")
    return watch, show_panel(page, "Captions")


def test_caption_the_timeline_from_the_captions_panel(tmp_path: Path, page: Page, fake_fal: FakeFal) -> None:
    server = ServerProcess(tmp_path / "data", TOKEN, env=app_env(fake_fal)).start()
    try:
        pid = spoken_project(server, tmp_path)
        watch, panel = open_panel(server, page)
        button = panel.get_by_role("button", name="Caption the timeline…")
        # the cost before anything starts: 6 s at $0.03 a minute
        expect(panel).to_contain_text("0:06 of sound, under $0.01 on fal.ai")
        expect(button).to_be_enabled()
        assert_axe_clean(page)
        button.click()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_contain_text("0:06 of sound, under $0.01 on fal.ai")
        assert fake_fal.requests == {}  # asked first: nothing sent yet
        dialog.get_by_role("button", name="Caption the timeline").click()

        # the fixed answer's lines, at timeline time, in a new captions track: saved and listed
        def captions() -> list[tuple[float, str]]:
            return [(round(c["start"], 3), c["text"]) for t in saved_timeline(server, pid)["tracks"]
                    if t["kind"] == "captions" for c in t["clips"]]
        until(lambda: len(captions()) == 4, 90, "the captions track from the transcript", page)
        assert captions() == [(0.2, "Hello there."), (1.6, "Second line."), (3.6, "Cut at the end."),
                              (5.0, "After it.")]
        expect(panel.locator(".caption-line")).to_have_count(4)
        expect(panel.get_by_label("Text of line 4")).to_have_value("After it.")
        [req] = fake_fal.requests.values()
        assert req.endpoint == "fal-ai/elevenlabs/speech-to-text"
        [job] = server.get(f"/api/generations?project_id={pid}").json()["jobs"]
        assert job["status"] == "done" and job["cost"] == pytest.approx(0.003)
        watch.assert_clean()
    finally:
        server.stop()


def test_without_a_key_it_says_why(tmp_path: Path, page: Page, fake_fal: FakeFal) -> None:
    server = ServerProcess(tmp_path / "data", TOKEN, env={**app_env(fake_fal, key=""),
                                                         "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
                           ).start()
    try:
        spoken_project(server, tmp_path)
        watch, panel = open_panel(server, page)
        expect(panel.get_by_role("button", name="Caption the timeline…")).to_be_disabled()
        expect(panel).to_contain_text("Captioning runs on fal.ai: add a fal.ai key in Settings.")
        assert fake_fal.requests == {}
        watch.assert_clean()
    finally:
        server.stop()
