"""A bounded load test against 127.0.0.1 only: 50 concurrent Range readers and 20 jobs kept in
flight for 60 seconds. It must end with zero errors, every job finished and stored, and the
server's peak memory bounded. Figures are printed (run with -s to see them)."""

from __future__ import annotations

import os
import random
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from . import media_samples as ms
from .server_process import ServerProcess

DURATION = float(os.environ.get("REELCUT_LOAD_SECONDS", "60"))
READERS = 50
JOBS_IN_FLIGHT = 20
PEAK_RSS_LIMIT_MB = 600
READ_TIMEOUT = 30.0  # one range request
# Every reader must complete a read in every window of this length. A total count ("more reads
# than readers") passes even when the server serves a few connections and parks the rest (a
# stuck thread, a lock held across a write, a full accept queue); this floor does not: nobody
# may wait 10 s for a read of at most 1 MiB from loopback.
WINDOW = 10.0
# the whole test, and the share of it left for the last jobs once the readers have stopped
TEST_TIMEOUT = DURATION + 240


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def wait(predicate: Any, until: float, what: str, interval: float = 1.0) -> None:
    while not predicate():
        assert time.monotonic() < until, f"gave up waiting for {what} (the test's {TEST_TIMEOUT:.0f} s budget)"
        time.sleep(interval)


@pytest.mark.slow
@pytest.mark.timeout(TEST_TIMEOUT)
def test_range_readers_and_jobs_under_load(tmp_path: Path, fake_fal: Any) -> None:
    from .fake_fal import app_env

    # every wait below ends before pytest's timeout would, so a failure says what it waited for
    until = time.monotonic() + TEST_TIMEOUT - 15
    fake_fal.scenario.queue_seconds, fake_fal.scenario.run_seconds = 0.5, 1.5
    server = ServerProcess(tmp_path / "data", "load-token", env=app_env(fake_fal)).start()
    try:
        _run_load(server, tmp_path, until)
    finally:
        server.stop()


def _run_load(server: ServerProcess, tmp_path: Path, until: float) -> None:
    pid = server.post("/api/projects", json={"name": "Load"}).json()["project"]["id"]
    clip = ms.make_video(tmp_path / "big.mp4", seconds=20, size="1280x720")
    data = clip.read_bytes()
    with open(clip, "rb") as f:
        mid = server.post(f"/api/projects/{pid}/media", files={"file": ("big.mp4", f, "video/mp4")},
                          timeout=60).json()["media"][0]["id"]
    url = f"{server.url}media/{mid}"
    t0 = time.monotonic()
    stop_at = t0 + DURATION
    errors: list[str] = []
    done_at: list[list[float]] = [[] for _ in range(READERS)]  # when each reader's reads completed
    lock = threading.Lock()

    def reader(n: int) -> None:
        rnd = random.Random(n)
        s = server.session()
        while time.monotonic() < stop_at:
            start = rnd.randrange(0, len(data) - 1)
            end = min(len(data) - 1, start + rnd.choice((1, 4096, 256 * 1024, 1024 * 1024)))
            try:
                r = s.get(url, headers={"Range": f"bytes={start}-{end}"}, timeout=READ_TIMEOUT)
                if r.status_code != 206 or r.content != data[start:end + 1]:
                    with lock:
                        errors.append(f"range {start}-{end}: {r.status_code}")
                else:
                    done_at[n].append(time.monotonic() - t0)
            except requests.RequestException as exc:
                with lock:
                    errors.append(f"range {start}-{end}: {exc}")

    submitted: list[str] = []

    def submitter() -> None:
        s = server.session()
        n = 0
        while time.monotonic() < stop_at:
            active = s.get(f"{server.url}api/generations", params={"project_id": pid}, timeout=30).json()["jobs"]
            running = [j for j in active if j["status"] not in ("done", "failed", "cancelled")]
            for _ in range(JOBS_IN_FLIGHT - len(running)):
                n += 1
                # half offline renders, half fal.ai requests against the fake on loopback
                model = "local/preview-t2v" if n % 2 else "fal-ai/ltx-2/text-to-video/fast"
                params = {"duration": 1, "resolution": "360p", "fps": 24} if n % 2 else {}
                r = s.post(f"{server.url}api/generations", timeout=30, json={
                    "project_id": pid, "model_ids": [model], "prompt": f"load test clip {n}",
                    "params": {model: params}})
                if r.status_code != 201:
                    with lock:
                        errors.append(f"submit: {r.status_code} {r.text[:200]}")
                    continue
                submitted.append(r.json()["jobs"][0]["id"])
            time.sleep(0.5)

    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(READERS)]
    threads.append(threading.Thread(target=submitter, daemon=True))
    for t in threads:
        t.start()
    # each thread stops starting requests at stop_at; the last one it started ends within its timeout
    for t in threads:
        t.join(max(0.0, stop_at + READ_TIMEOUT + 5 - time.monotonic()))
    assert not [t for t in threads if t.is_alive()], "a client is still waiting past its request timeout"

    def finished(job_id: str) -> bool:
        return server.get(f"/api/generations/{job_id}").json()["job"]["status"] in ("done", "failed", "cancelled")

    wait(lambda: all(finished(j) for j in submitted), until, f"the last of {len(submitted)} jobs to finish")
    elapsed = time.monotonic() - t0
    jobs = [server.get(f"/api/generations/{j}").json()["job"] for j in submitted]
    media = server.get(f"/api/projects/{pid}/media").json()["media"]
    peak = peak_rss_mb(server.proc.pid)
    fal_jobs = sum(1 for j in jobs if j["model_id"].startswith("fal-ai/"))
    total = sum(len(d) for d in done_at)
    print(f"\nload: {elapsed:.0f}s, {total} range reads ({total / DURATION:.0f}/s) by {READERS} readers "
          f"(fewest by one reader: {min(len(d) for d in done_at)}), {len(jobs)} jobs ({fal_jobs} on fake fal, "
          f"{JOBS_IN_FLIGHT} in flight), {len(errors)} errors, server peak RSS {peak:.0f} MB")
    assert errors == []
    windows = [(w * WINDOW, min((w + 1) * WINDOW, DURATION)) for w in range(max(1, int(DURATION // WINDOW)))]
    starved = [(n, f"{a:.0f}-{b:.0f}s") for n, d in enumerate(done_at) for a, b in windows
               if not any(a <= t < b for t in d)]
    assert starved == [], f"readers with no completed read in a {WINDOW:.0f} s window: {starved[:10]}"
    assert len(jobs) >= JOBS_IN_FLIGHT
    assert [j for j in jobs if j["status"] != "done"] == []
    stored = {m["id"] for m in media}
    assert {j["media_id"] for j in jobs} <= stored and len(stored) == len(jobs) + 1
    for m in media:
        assert (server.data_dir / "projects" / pid / "media" / m["filename"]).is_file()
    assert peak < PEAK_RSS_LIMIT_MB
