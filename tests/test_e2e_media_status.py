"""The media panel tells the user what is wrong with an item, in a real browser (Debian's
Chromium): a preview copy (proxy) that really failed in ffmpeg shows its reason and a Retry,
which makes it once the file is good again; an item whose file is missing says so with the
reason and cannot be laid on the timeline. Zero CSP violations, zero console errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .server_process import ServerProcess
from .test_e2e_browser import Watch


def _import(server: ServerProcess, pid: str, clip: Path, mime: str = "video/mp4") -> dict[str, Any]:
    with open(clip, "rb") as f:
        response = server.post(f"/api/projects/{pid}/media", files={"file": (clip.name, f, mime)})
    assert response.status_code == 201, response.text
    return response.json()["media"][0]


def _stored_file(server: ServerProcess, media_id: str) -> Path:
    with sqlite3.connect(server.data_dir / "reelcut.db", timeout=10) as db:
        (path,) = db.execute("SELECT path FROM media WHERE id = ?", (media_id,)).fetchone()
    return server.data_dir / path


def _proxy(server: ServerProcess, media_id: str) -> dict[str, Any]:
    return server.get(f"/api/media/{media_id}").json()["media"]["proxy"]


@pytest.mark.slow
def test_a_failed_preview_copy_says_why_and_retry_makes_it(server: ServerProcess, page: Page, tmp_path: Path) -> None:
    """A 1080p clip is slow to seek, so with preview proxies on it gets a proxy (Chromium plays
    H.264 itself, so this is the way a proxy is made here). Its stored file is overwritten with
    zeros before the proxy is asked for: ffmpeg cannot read it, the proxy fails, and the panel
    says so with ffmpeg's reason and a Retry. The file is put back, Retry is clicked, and the
    failure goes away: the proxy is ready."""
    from . import media_samples as ms

    assert server.put("/api/settings", json={"preview_proxies": False}).status_code == 200
    pid = server.post("/api/projects", json={"name": "Proxy trouble"}).json()["project"]["id"]
    item = _import(server, pid, ms.make_video(tmp_path / "hd.mp4", seconds=1, size="1920x1080"))
    assert item["proxy"]["status"] == "none" and item["proxy"]["error"] is None

    watch = Watch(page)
    page.goto(server.login_url)
    row = page.get_by_role("list", name="Media").get_by_role("listitem").filter(has_text=item["name"])
    expect(row).to_be_visible(timeout=15000)
    expect(row.get_by_role("button", name=f"Retry the preview copy of {item['name']}")).to_have_count(0)

    stored = _stored_file(server, item["id"])
    original = stored.read_bytes()
    stored.write_bytes(b"\0" * len(original))
    # turned on: the slow-to-seek clip's proxy is asked for, and fails for real in ffmpeg
    assert server.put("/api/settings", json={"preview_proxies": True}).status_code == 200
    proxy = server.wait_for(lambda: (p := _proxy(server, item["id"]))["status"] == "failed" and p, timeout=60)
    assert proxy["error"] and proxy["error"]["message"]

    expect(row).to_contain_text("Preview copy failed", timeout=15000)
    # ffmpeg's own words (for zeros where an MP4 was: "moov atom not found"), said once
    reason = proxy["error"]["message"].split(":")[-1].strip().rstrip(".")
    expect(row).to_contain_text(f"Preview copy failed: {reason}")
    retry = row.get_by_role("button", name=f"Retry the preview copy of {item['name']}")
    expect(retry).to_be_visible()

    stored.write_bytes(original)
    retry.click()
    expect(row).not_to_contain_text("Preview copy failed", timeout=60000)
    expect(retry).to_have_count(0)
    server.wait_for(lambda: _proxy(server, item["id"])["status"] == "ready", timeout=60)
    # once made, the row shows no progress or problem any more
    expect(row).not_to_contain_text("making preview", timeout=15000)
    watch.assert_clean()


@pytest.mark.slow
def test_a_missing_file_is_said_and_cannot_go_on_the_timeline(server: ServerProcess, page: Page,
                                                               tmp_path: Path) -> None:
    """An item marked missing (as the repair of rows that shared one file marks one) says so with
    the reason, and a drag onto the timeline is refused with a reason instead of laying a clip
    that could never play; a good item beside it still drops."""
    from . import media_samples as ms

    pid = server.post("/api/projects", json={"name": "Lost and found"}).json()["project"]["id"]
    lost = _import(server, pid, ms.make_video(tmp_path / "lost.mp4", seconds=1))
    kept = _import(server, pid, ms.make_video(tmp_path / "kept.mp4", seconds=1))
    reason = ("The file of this item was lost: another import with the same file name (lost.mp4) replaced it, "
              "and that file now belongs to \u201cother.mp4\u201d. Import it again.")
    with sqlite3.connect(server.data_dir / "reelcut.db", timeout=10) as db:
        db.execute("UPDATE media SET missing_reason = ? WHERE id = ?", (reason, lost["id"]))
    assert server.get(f"/api/media/{lost['id']}").json()["media"]["missing"] == reason

    watch = Watch(page)
    page.goto(server.login_url)
    media = page.get_by_role("list", name="Media")
    lost_row = media.get_by_role("listitem").filter(has_text=lost["name"])
    kept_row = media.get_by_role("listitem").filter(has_text=kept["name"])
    expect(lost_row).to_contain_text("File missing", timeout=15000)
    expect(lost_row).to_contain_text("Import it again.")
    expect(lost_row).to_have_accessible_description(f"File missing: {reason}")
    expect(kept_row).not_to_contain_text("missing")

    track = page.get_by_role("region", name="Timeline").locator("[data-track-id]").first
    box = track.bounding_box()
    assert box is not None
    lost_row.drag_to(track, target_position={"x": 60, "y": box["height"] / 2})
    toast = page.get_by_role("status", name="Notifications").filter(has_text="cannot go on the timeline")
    expect(toast).to_be_visible(timeout=5000)
    expect(toast).to_contain_text("its file is missing")
    expect(track.locator("[data-clip-id]")).to_have_count(0)

    kept_row.drag_to(track, target_position={"x": 60, "y": box["height"] / 2})
    expect(track.locator("[data-clip-id]")).to_have_count(1)
    watch.assert_clean()
