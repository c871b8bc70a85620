"""Offline clips in the page (issue 15, importing), in Debian's Chromium on a real server: a
timeline file naming a file that is not on this machine comes in through "Timeline file" with
that clip kept as an offline card (and a "Media offline" card in the preview); once the file is
in the library, Relink… in the inspector makes it a media clip again, and the paused preview
shows its picture. No CSP violation."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest
from playwright.sync_api import Page, expect

from . import media_samples as ms
from .e2e_helpers import saved_timeline, until
from .preview_probe import expect_pixel
from .server_process import ServerProcess
from .test_e2e_browser import Watch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]
FPS = 25
RT = otio.opentime.RationalTime
TR = otio.opentime.TimeRange


def _otio(path: Path, present: Path, missing: Path) -> Path:
    """Another editor's timeline: 1 s of a file that is here, then 1 s (from 1 s in) of one that is not."""
    tl = otio.schema.Timeline(name="From Resolve")
    track = otio.schema.Track(kind=otio.schema.TrackKind.Video)
    tl.tracks.append(track)
    for src, start in ((present, 0), (missing, FPS)):
        ref = otio.schema.ExternalReference(target_url=src.as_uri(), available_range=TR(RT(0, FPS), RT(75, FPS)))
        track.append(otio.schema.Clip(name=src.stem, media_reference=ref,
                                      source_range=TR(RT(start, FPS), RT(FPS, FPS))))
    otio.adapters.write_to_file(tl, str(path))
    return path


def _clips(server: ServerProcess, pid: str) -> list[dict]:
    return sorted((c for t in saved_timeline(server, pid)["tracks"] for c in t["clips"]), key=lambda c: c["start"])


def test_import_an_offline_clip_and_relink_it(server: ServerProcess, page: Page, tmp_path: Path) -> None:
    pid = server.post("/api/projects", json={"name": "Relink"}).json()["project"]["id"]
    blue = ms.make_solid(tmp_path / "blue.mp4", "blue", seconds=3, size="320x180")
    gone = tmp_path / "elsewhere" / "fox.mp4"  # named by the file, not on this machine
    cut = _otio(tmp_path / "cut.otio", blue, gone)

    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("Relink — Reelcut")

    page.get_by_text("Timeline file", exact=True).click()
    page.get_by_label("Timeline file to import").set_input_files(str(cut))
    until(lambda: any("offline" in c for c in _clips(server, pid)), 15, "the offline clip saved", page)
    toasts = page.get_by_role("status", name="Notifications")
    expect(toasts).to_contain_text("Missing media: fox.mp4")
    expect(toasts).to_contain_text("1 clip kept offline")
    timeline = page.get_by_role("region", name="Timeline")
    card = timeline.locator(".clip.offline")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Offline: fox.mp4")

    # the preview draws the "Media offline" card for its span (dark red), the present clip before it
    zoom = saved_timeline(server, pid)["zoom"]
    timeline.locator("[data-ruler]").click(position={"x": round(1.5 * zoom), "y": 5})
    expect_pixel(page, (0x5a, 0x0f, 0x0f), "the Media offline card", at=(0.5, 0.2), tolerance=30)

    # the file turns up: into the library it goes, through the page
    (tmp_path / "found").mkdir()
    found = ms.make_solid(tmp_path / "found" / "fox.mp4", "lime", seconds=3, size="320x180")
    page.get_by_label("Media files to import").set_input_files(str(found))
    fox = until(lambda: next((m for m in server.get(f"/api/projects/{pid}/media").json()["media"]
                              if m["filename"] == "fox.mp4" and m.get("duration")), None),
                30, "fox.mp4 in the library", page)

    card.click()
    inspector = page.get_by_role("region", name="Inspector")
    expect(inspector).to_contain_text("Offline: fox.mp4")
    inspector.get_by_role("button", name="Relink…").click()
    inspector.get_by_label("Relink to").select_option(fox["id"])

    until(lambda: "media_id" in _clips(server, pid)[1], 15, "the clip relinked", page)
    relinked = _clips(server, pid)[1]
    assert relinked["media_id"] == fox["id"] and "offline" not in relinked
    assert (relinked["start"], relinked["in"], relinked["out"]) == (1.0, 1.0, 2.0)
    expect(card).to_have_count(0)
    # the paused preview at 1.5 s now shows the relinked clip's (lime) picture
    timeline.locator("[data-ruler]").click(position={"x": round(1.5 * zoom), "y": 5})
    expect_pixel(page, (0, 255, 0), "the relinked clip", at=(0.5, 0.4))
    watch.assert_clean()
