"""A project with 1,000 media items and 500 clips: how fast the API lists and saves it."""

from __future__ import annotations

import time

import requests

from .common import Row, median_of, scratch
from .fixtures import TOKEN, big_project, make_clip, running_server


def run(small: bool) -> list[Row]:
    n_media, n_clips = (200, 100) if small else (1000, 500)
    with scratch() as d:
        clip = make_clip(d / "clip.mp4", seconds=2, size="640x360")
        with running_server(d / "data") as server:
            pid = big_project(server.services, clip, n_media, n_clips)
            tl = server.services.projects.timeline(pid)
            s = requests.Session()
            s.headers["Authorization"] = f"Bearer {TOKEN}"
            base = server.url.rstrip("/")

            def get(path: str) -> float:
                t = time.perf_counter()
                r = s.get(base + path, timeout=30)
                r.raise_for_status()
                return time.perf_counter() - t

            def put_timeline() -> float:
                t = time.perf_counter()
                s.put(f"{base}/api/projects/{pid}/timeline", json={"timeline": tl}, timeout=30).raise_for_status()
                return time.perf_counter() - t

            runs = 7
            health = median_of(runs, lambda: get("/api/health"))
            listing = median_of(runs, lambda: get(f"/api/projects/{pid}/media"))
            save = median_of(runs, put_timeline)
            load = median_of(runs, lambda: get(f"/api/projects/{pid}/timeline"))
    ms = 1000
    return [
        Row(f"list {n_media} media, ms", listing * ms, "ms", "GET /api/health, ms", health * ms, "< 100 ms",
            listing * ms < 100),
        Row(f"save a timeline of {n_clips} clips, ms", save * ms, "ms", "GET /api/health, ms", health * ms, "", None),
        Row(f"load a timeline of {n_clips} clips, ms", load * ms, "ms", "GET /api/health, ms", health * ms, "", None),
    ]
