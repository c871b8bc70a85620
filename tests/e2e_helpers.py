"""What the browser tests do on the server's side, written once: wait for a condition with a
deadline that fails saying what did not happen, import a file, read the saved timeline, export
through the API and decode what came out."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import numpy as np
import requests
from playwright.sync_api import Locator, Page, expect

from .conftest import TOKEN
from .server_process import ServerProcess


def until(predicate: Callable[[], Any], seconds: float, what: str, page: Page | None = None) -> Any:
    """Poll until predicate() is truthy; fail naming what did not happen and the last value seen.
    With `page`, wait through the page (its event handlers run only while Playwright is called)."""
    deadline = time.monotonic() + seconds
    last: Any = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        if page is not None:
            page.wait_for_timeout(50)
        else:
            time.sleep(0.05)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}; last seen: {last!r}")


def import_file(server: ServerProcess, pid: str, path: Path) -> dict[str, Any]:
    with open(path, "rb") as f:
        r = server.post(f"/api/projects/{pid}/media", files={"file": (path.name, f, "application/octet-stream")})
    assert r.status_code == 201, r.text
    return r.json()["media"][0]


def saved_timeline(server: ServerProcess, pid: str) -> dict[str, Any]:
    return server.get(f"/api/projects/{pid}/timeline").json()["timeline"]


def export_file(server: ServerProcess, pid: str, folder: Path, timeout: float = 180) -> Path:
    """Export the saved timeline through the API, wait for it, download the file."""
    job = server.post(f"/api/projects/{pid}/exports", json={}).json()["job"]

    def finished() -> dict[str, Any] | None:
        j = server.get(f"/api/exports/{job['id']}").json()["job"]
        return j if j["status"] in ("done", "failed", "cancelled") else None
    job = until(finished, timeout, "the export")
    assert job["status"] == "done", job
    r = requests.get(server.url.rstrip("/") + job["download_url"], headers={"Authorization": f"Bearer {TOKEN}"},
                     timeout=60)
    assert r.status_code == 200, r.text
    out = folder / f"export-{job['id']}.mp4"
    out.write_bytes(r.content)
    return out


def decoded_frames(path: Path) -> list[tuple[float, np.ndarray]]:
    """Every frame of the file's picture: (time, RGB)."""
    with av.open(str(path)) as c:
        return [(float(f.time), f.to_ndarray(format="rgb24")) for f in c.decode(video=0)]


# the left column's tabs, and the aria-label of the panel each opens
PANELS = {"Media": "Media library", "Transitions": "Transitions panel", "Captions": "Captions panel"}


def show_panel(page: Page, tab: str) -> Locator:
    """One of the left column's tabs (Media, Transitions, Captions) chosen: its panel, shown."""
    page.get_by_role("tab", name=tab, exact=True).click()
    panel = page.get_by_role("tabpanel", name=PANELS[tab])
    expect(panel).to_be_visible()
    return panel
