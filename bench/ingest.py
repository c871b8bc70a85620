"""Ingest: from the moment the provider's request turns COMPLETED to the moment the clip is listed
(announced on the event stream the page listens to) and playable, through the real fal client
against the fake fal and a loopback CDN throttled to a realistic 40 MB/s. Baselines, same URL and
rate: a plain streaming download (the floor), and the field report's pattern (the whole body in
memory, then written)."""

from __future__ import annotations

import json
import os
import queue
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests

from reelcut.generation.fal_http import stream_lines

from .common import Row, scratch
from .fixtures import make_big_clip

RATE = 40 * 1024 * 1024  # bytes a second


class ThrottledCdn:
    """Serves files from disk at a fixed rate (rate=None: as fast as loopback allows)."""

    def __init__(self, folder: Path, rate: float | None) -> None:
        cdn = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                path = folder / self.path.rsplit("/", 1)[-1]
                size = path.stat().st_size
                self.send_response(200)
                self.send_header("Content-Type", "video/mp4")
                self.send_header("Content-Length", str(size))
                self.end_headers()
                start = time.monotonic()
                sent = 0
                with open(path, "rb") as f:
                    while chunk := f.read(256 * 1024):
                        self.wfile.write(chunk)
                        sent += len(chunk)
                        if cdn.rate:
                            ahead = sent / cdn.rate - (time.monotonic() - start)
                            if ahead > 0:
                                time.sleep(ahead)

        self.rate = rate
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak(pid: int) -> None:
    """Linux: writing 5 to clear_refs resets VmHWM, so each run's peak is its own."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass


def plain_download(url: str, dest: Path) -> float:
    t = time.perf_counter()
    with requests.get(url, stream=True, timeout=60) as r, open(dest, "wb") as f:
        for chunk in r.iter_content(1024 * 1024):
            f.write(chunk)
    return time.perf_counter() - t


IN_MEMORY = """
import sys, time, requests
t = time.perf_counter()
body = requests.get(sys.argv[1], timeout=120).content
open(sys.argv[2], "wb").write(body)
elapsed = time.perf_counter() - t
peak = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]
print(elapsed, int(peak) / 1024)
"""


def in_memory_download(url: str, dest: Path) -> tuple[float, float]:
    base = subprocess.run([sys.executable, "-c", "import requests\n" + IN_MEMORY.split("t = ")[0] +
                           "print([l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1])"],
                          capture_output=True, text=True, check=True)
    out = subprocess.run([sys.executable, "-c", IN_MEMORY, url, str(dest)], capture_output=True, text=True,
                         check=True).stdout.split()
    return float(out[0]), float(out[1]) - int(base.stdout.strip()) / 1024


class MediaEvents:
    """The server's event stream, read the way the page reads it: when each new item is announced
    (the moment the media panel can list it)."""

    def __init__(self, server: Any) -> None:
        self._resp = server.session().get(f"{server.url}api/events", stream=True, timeout=(5, 600))
        self.listed: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        event = ""
        try:
            for line in stream_lines(self._resp):
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event == "media":
                    self.listed.put((time.monotonic(), json.loads(line[5:])["media"]))
        except (requests.RequestException, ValueError, AttributeError):
            pass  # closed: http.client drops its file under a read in progress (AttributeError)

    def next_new(self, known: set[str], timeout: float) -> tuple[float, dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            at, item = self.listed.get(timeout=max(0.0, deadline - time.monotonic()))
            if item["id"] not in known:
                known.add(item["id"])
                return at, item

    def close(self) -> None:
        self._resp.close()


def ingest_once(server: Any, fake: Any, events: MediaEvents, known: set[str], pid: str) -> tuple[float, float]:
    """One paid generation through the app: seconds from COMPLETED to the item's announcement on
    the event stream, and the server's peak RSS growth in MB. The item must then play: its file
    answers a Range request."""
    reset_peak(server.proc.pid)
    before = peak_rss_mb(server.proc.pid)
    fake.requests.clear()
    job = server.post("/api/generations", json={"project_id": pid, "model_ids": ["fal-ai/ltx-2/text-to-video/fast"],
                                                "prompt": "ingest bench"}).json()["jobs"][0]["id"]
    req = server.wait_for(lambda: next(iter(fake.requests.values()), None), interval=0.005)
    completed_at = req.created + fake.scenario.queue_seconds + fake.scenario.run_seconds
    listed_at, item = events.next_new(known, timeout=300)
    growth = peak_rss_mb(server.proc.pid) - before
    server.wait_for(lambda: server.get(f"/api/generations/{job}").json()["job"]["status"] == "done", timeout=30)
    assert server.get(f"/media/{item['id']}", headers={"Range": "bytes=0-1023"}).status_code == 206
    return listed_at - completed_at, growth


def run(small: bool) -> list[Row]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.fake_fal import KEY, FakeFal
    from tests.server_process import ServerProcess

    sizes = [6] if small else [6, 500]
    rows: list[Row] = []
    with scratch() as d:
        clips = {mb: make_big_clip(d / f"result-{mb}.mp4", mb) for mb in sizes}
        for throttled in (True, False):
            cdn = ThrottledCdn(d, RATE if throttled else None)
            fake = FakeFal(clips[sizes[0]])
            fake.scenario.stream = True
            fake.scenario.queue_seconds, fake.scenario.run_seconds = 0.1, 0.3
            # The client downloads results only from fal's file hosts or, against a fake on
            # loopback, from the configured fal origins: the throttled CDN stands in as fal's REST
            # host (the bench uploads nothing), so its results are allowed.
            env = {"REELCUT_FAL_QUEUE_URL": fake.url, "REELCUT_FAL_REST_URL": cdn.url, "FAL_KEY": KEY}
            server = ServerProcess(d / f"data-{throttled}", "bench", env=env).start()
            # the 500 MB result is slow to seek: its proxy encode must not share the cores with the
            # next download being measured
            server.put("/api/settings", json={"preview_proxies": False})
            events = MediaEvents(server)
            known: set[str] = set()
            try:
                pid = server.post("/api/projects", json={"name": "Ingest"}).json()["project"]["id"]
                for mb in sizes:
                    clip = clips[mb]
                    url = f"{cdn.url}/{clip.name}"
                    fake.scenario.video_url = url
                    runs = 3 if mb < 100 else 2
                    measured = [ingest_once(server, fake, events, known, pid) for _ in range(runs)]
                    ours, growth = [m[0] for m in measured], [m[1] for m in measured]
                    plain = statistics.median(plain_download(url, d / "plain.mp4") for _ in range(runs))
                    mem = [in_memory_download(url, d / "mem.mp4") for _ in range(runs if mb < 100 else 1)]
                    label = f"{clip.stat().st_size / 1e6:.0f} MB, {'40 MB/s' if throttled else 'unthrottled'}"
                    median = statistics.median(ours)
                    rows.append(Row(f"COMPLETED -> listed, {label}, s", median, "s",
                                    "plain streaming download of the same URL, s", plain,
                                    "<= 1.15x" if throttled else "", median <= 1.15 * plain if throttled else None))
                    rows.append(Row(f"field report pattern (in memory), {label}, s",
                                    statistics.median(m[0] for m in mem), "s", "plain streaming download, s", plain,
                                    "", None))
                    if mb >= 100:
                        rows.append(Row(f"server peak RSS growth, {label}, MB", max(growth), "MB",
                                        "field report pattern's growth, MB", max(m[1] for m in mem), "< 50 MB",
                                        max(growth) < 50))
            finally:
                events.close()
                server.stop()
                fake.close()
                cdn.close()
            os.sync()
    return rows
