"""Smart render in the page (issue 31), in Debian's Chromium on a real server: a finished export
says how it was made (its plan's summary), and Settings turns smart render off, which the next
export's summary shows. No CSP violation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from . import media_samples as ms
from .e2e_helpers import import_file, saved_timeline, until
from .server_process import ServerProcess
from .test_e2e_browser import Watch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def _export_in_page(page: Page) -> None:
    page.get_by_role("button", name="Export", exact=True).click()
    page.get_by_role("dialog", name="Export").get_by_role("button", name="Start export").click()
    expect(page.get_by_role("link", name=re.compile(r"^Download "))).to_be_visible(timeout=120000)


def test_an_export_says_how_it_was_made_and_settings_turn_copying_off(server: ServerProcess, page: Page,
                                                                       tmp_path: Path) -> None:
    pid = server.post("/api/projects", json={"name": "Smart"}).json()["project"]["id"]
    # a 25 fps clip in a 30 fps timeline: encoded, and the summary gives that reason
    item = import_file(server, pid, ms.make_solid(tmp_path / "red.mp4", "red", seconds=1))
    doc = saved_timeline(server, pid)
    top = next(t for t in doc["tracks"] if t["kind"] == "video")
    top["clips"] = [{"id": "red", "media_id": item["id"], "start": 0, "in": 0, "out": 1}]
    assert server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc}).status_code == 200

    watch = Watch(page)
    page.goto(server.login_url)
    expect(page).to_have_title("Smart — Reelcut")
    _export_in_page(page)
    summary = page.locator(".export-plan")
    expect(summary).to_have_text(re.compile(r"^Smart render: .*25 fps in a 30 fps timeline"))

    page.get_by_role("button", name="Settings").click()
    box = page.get_by_role("checkbox", name="Smart render")
    expect(box).to_be_checked()
    box.set_checked(False)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("dialog", name="Settings")).to_be_hidden()
    assert server.get("/api/settings").json()["smart_render"] is False

    _export_in_page(page)
    expect(summary).to_have_text("Smart render is off: the whole timeline is encoded", timeout=120000)
    watch.assert_clean()


# 640x360, and the issue's own 1080p30
SIZES = [pytest.param((640, 360), id="360p"), pytest.param((1920, 1080), id="1080p")]


@pytest.mark.parametrize("size", SIZES)
def test_a_spliced_export_plays_in_chromium_through_every_cut(server: ServerProcess, page: Page,
                                                              tmp_path: Path, size: tuple[int, int]) -> None:
    # two clips cut between keyframes (a keyframe every 2 s): the export re-encodes from each in
    # point (and to an out point between keyframes) and copies the rest, joined in one track
    clips = []
    for name, pattern, tone in (("a", "testsrc2", 440), ("b", "testsrc", 660)):
        path = tmp_path / f"{name}.mp4"
        ms._ffmpeg("-f", "lavfi", "-i", f"{pattern}=size={size[0]}x{size[1]}:rate=30", "-f", "lavfi",
                   "-i", f"sine=frequency={tone}:sample_rate=48000", "-t", "6", "-c:v", "libx264", "-preset",
                   "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-g", "60", "-c:a", "aac", "-ar", "48000",
                   "-ac", "2", str(path))
        clips.append(path)
    pid = server.post("/api/projects", json={"name": "Splice"}).json()["project"]["id"]
    a, b = (import_file(server, pid, p) for p in clips)
    doc = saved_timeline(server, pid)
    doc.update({"width": size[0], "height": size[1], "fps": 30})
    top = next(t for t in doc["tracks"] if t["kind"] == "video")
    top["clips"] = [{"id": "a", "media_id": a["id"], "start": 0, "in": 0.5, "out": 6},
                    {"id": "b", "media_id": b["id"], "start": 5.5, "in": 0.3, "out": 4.7}]
    assert server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc}).status_code == 200
    job = server.post(f"/api/projects/{pid}/exports", json={}).json()["job"]
    job = until(lambda: (j := server.get(f"/api/exports/{job['id']}").json()["job"])["status"] in
                ("done", "failed") and j, 240, "the export")
    assert job["status"] == "done" and job["plan"]["splice"] is True, job
    cuts = [s["start"] for s in job["plan"]["stretches"]][1:]
    assert [round(t, 3) for t in cuts] == [1.5, 5.5, 7.2, 9.2]

    watch = Watch(page)
    page.goto(server.login_url)
    expect(page).to_have_title("Splice — Reelcut")
    # the export's own download URL, served with Range by the real server, in a real <video>; the
    # API answered a bearer at the root, and the page's cookie is scoped to its session prefix
    page.evaluate("""(src) => { const v = document.createElement('video'); v.id = 'spliced'; v.muted = true;
        v.src = src; v.playbackRate = 2; document.body.append(v); v.play(); }""", job["download_url"].lstrip("/"))
    seen: list[float] = []

    def played_through() -> bool:
        state = page.evaluate("""() => { const v = document.getElementById('spliced');
            const q = v.getVideoPlaybackQuality();
            return {t: v.currentTime, ended: v.ended, error: v.error && v.error.message,
                    frames: q.totalVideoFrames, corrupt: q.corruptedVideoFrames}; }""")
        assert state["error"] is None, state
        seen.append(state["t"])
        return state["ended"] and state
    state = until(played_through, 120, "the spliced export to play to its end", page)
    assert all(any(s > t for s in seen) for t in cuts) and max(seen) >= 9.8, seen
    assert state["corrupt"] == 0 and state["frames"] >= 0.9 * 297, state  # 9.9 s at 30 fps, a few may drop
    assert sorted(seen) == seen  # currentTime only went forward, through every cut
    watch.assert_clean()
