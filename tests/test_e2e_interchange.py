"""Timeline files in the page (issue 15), in Debian's Chromium on a real server: "Timeline file"
exports the timeline for another editor (the download's bytes, and what the format could not
carry in a toast), and imports one written by OpenTimelineIO itself (asked first, since it replaces
a timeline with clips; the clips and the media they name arrive). No CSP violation."""

from __future__ import annotations

import re
from pathlib import Path

import opentimelineio as otio
import pytest
from playwright.sync_api import Page, expect

from . import media_samples as ms
from .e2e_helpers import import_file, saved_timeline, until
from .server_process import ServerProcess
from .test_e2e_browser import Watch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]
FPS = 25.0


def _foreign_otio(path: Path, media: Path, missing: Path) -> Path:
    """A timeline another tool wrote: one clip of a file on disk, one of a file that is gone."""
    tl = otio.schema.Timeline(name="From Resolve")
    track = otio.schema.Track(kind=otio.schema.TrackKind.Video)
    tl.tracks.append(track)
    for name, src, start in (("present", media, 0), ("gone", missing, 5)):
        ref = otio.schema.ExternalReference(target_url=src.as_uri(), available_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(0, FPS), otio.opentime.RationalTime(50, FPS)))
        track.append(otio.schema.Clip(name=name, media_reference=ref, source_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(start, FPS), otio.opentime.RationalTime(25, FPS))))
    otio.adapters.write_to_file(tl, str(path))
    return path


def test_export_and_import_a_timeline_file(server: ServerProcess, page: Page, tmp_path: Path) -> None:
    pid = server.post("/api/projects", json={"name": "Travel"}).json()["project"]["id"]
    item = import_file(server, pid, ms.make_solid(tmp_path / "red.mp4", "red", seconds=2))
    doc = saved_timeline(server, pid)
    video = [t for t in doc["tracks"] if t["kind"] == "video"]
    video[0]["clips"] = [{"id": "a", "media_id": item["id"], "start": 0, "in": 0, "out": 2}]
    video[1]["clips"] = [{"id": "b", "media_id": item["id"], "start": 0, "in": 0, "out": 1}]
    assert server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc}).status_code == 200

    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("Travel — Reelcut")

    # out: an EDL holds one video track, and the toast says what was not carried
    page.get_by_text("Timeline file", exact=True).click()
    with page.expect_download() as info:
        page.get_by_role("button", name="Export the timeline as CMX 3600 EDL (.edl)").click()
    download = info.value
    assert download.suggested_filename == "Travel.edl"
    text = Path(download.path()).read_text()
    assert text.startswith("TITLE: Travel") and "red" in text
    toasts = page.get_by_role("status", name="Notifications")
    expect(toasts).to_contain_text(re.compile(r"Saved Travel\.edl\. Not carried: .+"))

    # in: a file OTIO wrote; the timeline has clips, so the page asks first
    foreign = _foreign_otio(tmp_path / "cut.otio", ms.make_solid(tmp_path / "blue.mp4", "blue", seconds=2),
                            tmp_path / "vanished.mp4")
    page.get_by_text("Timeline file", exact=True).click()
    page.get_by_label("Timeline file to import").set_input_files(str(foreign))
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Replace the timeline of “Travel” with cut.otio? Its 2 clips go")
    dialog.get_by_role("button", name="Replace the timeline").click()

    def imported() -> list[dict]:
        return [c for t in saved_timeline(server, pid)["tracks"] for c in t["clips"]]
    until(lambda: any("offline" in c for c in imported()), 15,
          "the imported timeline saved with its present and offline clips", page)
    assert [c.get("offline", {}).get("name") for c in imported()] == [None, "vanished.mp4"]
    names = {m["name"] for m in server.get(f"/api/projects/{pid}/media").json()["media"]}
    assert "blue" in names
    expect(page.get_by_role("status", name="Notifications")).to_contain_text(
        re.compile(r"Imported cut\.otio: 2 clips on \d+ tracks?\. .*vanished\.mp4.*1 clip kept offline"))
    expect(page.get_by_role("tabpanel", name="Media library").get_by_text("blue", exact=True)).to_be_visible()
    watch.assert_clean()
