"""A project with 1,000 media items and 500 clips: how fast the API lists and saves it."""

from __future__ import annotations

import time
import uuid

import requests

from .common import Row, median_of, scratch
from .fixtures import TOKEN, make_clip, running_server


def run(small: bool) -> list[Row]:
    n_media, n_clips = (200, 100) if small else (1000, 500)
    with scratch() as d:
        clip = make_clip(d / "clip.mp4", seconds=2, size="640x360")
        with running_server(d / "data") as server:
            b = server.bridge
            pid = b.create_project("Big")["id"]
            first = b.import_path(pid, clip)
            # Clone the row: listing cost is per row, not per file.
            with b.db.transaction() as c:
                row = dict(c.execute("SELECT * FROM media WHERE id = ?", (first["id"],)).fetchone())
                for i in range(n_media - 1):
                    row.update(id=uuid.uuid4().hex, name=f"Clip {i}")
                    c.execute(f"INSERT INTO media ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                              tuple(row.values()))
            ids = [m["id"] for m in b.list_media(pid)]
            tl = b.get_timeline(pid)
            tl["tracks"][0]["clips"] = [{"id": f"c{i}", "media_id": ids[i % len(ids)], "start": 2.0 * i, "in": 0,
                                         "out": 2.0} for i in range(n_clips)]
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
