"""SIGKILL the server in the middle of work, start it again, and check what a user would:
the database is intact, no partial file is in the library, temp files are gone, interrupted
jobs resumed or say why they failed, and the last saved timeline is whole."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from . import media_samples as ms
from .server_process import ServerProcess

TOKEN = "crash-token"


@pytest.fixture
def server(tmp_path: Path) -> Any:
    s = ServerProcess(tmp_path / "data", TOKEN).start()
    yield s
    s.stop()


def restart(s: ServerProcess) -> ServerProcess:
    s.kill()
    s.stop()
    return ServerProcess(s.data_dir, TOKEN, port=s.port).start()


def integrity_ok(data_dir: Path) -> None:
    con = sqlite3.connect(data_dir / "reelcut.db")
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()


def library_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in (data_dir / "projects").rglob("*") if p.is_file() and p.parent.name == "media")


def temp_files(data_dir: Path) -> list[Path]:
    tmp = data_dir / "tmp"
    return sorted(tmp.rglob("*")) if tmp.exists() else []


def processes_using(data_dir: Path) -> list[str]:
    """Command lines of live processes that mention the data dir (an orphaned ffmpeg would)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(data_dir) in cmd and "reelcut.cli" not in cmd and "pytest" not in cmd:
            found.append(cmd)
    return found


def new_project(s: ServerProcess) -> str:
    return s.post("/api/projects", json={"name": "Crash"}).json()["project"]["id"]


@pytest.mark.slow
def test_kill_during_import(server: ServerProcess, tmp_path: Path) -> None:
    pid = new_project(server)
    big = ms.make_video(tmp_path / "big.mp4", seconds=4)
    payload = big.read_bytes()
    done = threading.Event()

    def slow_body():
        # multipart by hand, the first half at once and the rest trickled (until the kill, at
        # most ~60 s), so the server is mid-upload when it dies
        yield (b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.mp4\"\r\n"
               b"Content-Type: video/mp4\r\n\r\n")
        half = len(payload) // 2
        yield payload[:half]
        for i in range(half, len(payload), 4096):
            if done.is_set():
                return
            yield payload[i:i + 4096]
            time.sleep(0.05)
        yield b"\r\n--B--\r\n"

    def upload():
        try:
            server.post(f"/api/projects/{pid}/media", data=slow_body(),
                        headers={"Content-Type": "multipart/form-data; boundary=B"}, timeout=30)
        except Exception:  # noqa: BLE001 - the server dies under it
            pass

    t = threading.Thread(target=upload)
    t.start()
    # as the other kills do: wait until the server itself is writing (its spool of the upload in
    # the data dir's temp folder), not only until the client has sent
    server.wait_for(lambda: any(p.stat().st_size > 0 for p in temp_files(server.data_dir)), timeout=20)
    s2 = restart(server)
    done.set()
    t.join(30)
    assert not t.is_alive()
    try:
        integrity_ok(s2.data_dir)
        assert s2.get(f"/api/projects/{pid}/media").json()["media"] == []
        assert library_files(s2.data_dir) == []
        assert temp_files(s2.data_dir) == []
    finally:
        s2.stop()


@pytest.mark.slow
def test_kill_during_export(server: ServerProcess, tmp_path: Path) -> None:
    pid = new_project(server)
    # keyframes close together: quick to seek, so the only temp file is the export's
    clip = ms.make_video(tmp_path / "long.mp4", seconds=30, size="640x360", keyint=12)
    with open(clip, "rb") as f:
        media = server.post(f"/api/projects/{pid}/media", files={"file": ("long.mp4", f, "video/mp4")}).json()
    mid = media["media"][0]["id"]
    tl = server.get(f"/api/projects/{pid}/timeline").json()["timeline"]
    tl.update({"width": 1920, "height": 1080})
    tl["tracks"][0]["clips"] = [{"id": "c", "media_id": mid, "start": 0, "in": 0, "out": 30}]
    assert server.put(f"/api/projects/{pid}/timeline", json={"timeline": tl}).status_code == 200
    job = server.post(f"/api/projects/{pid}/exports", json={}).json()["job"]
    server.wait_for(lambda: server.get(f"/api/exports/{job['id']}").json()["job"]["status"] == "rendering")
    server.wait_for(lambda: temp_files(server.data_dir))
    s2 = restart(server)
    try:
        assert processes_using(s2.data_dir) == []  # ffmpeg died with the server
        integrity_ok(s2.data_dir)
        after = s2.get(f"/api/exports/{job['id']}").json()["job"]
        assert after["status"] == "failed"
        assert "stopped" in after["error"]["message"]
        exports = s2.data_dir / "projects" / pid / "exports"
        assert not exports.exists() or not any(exports.iterdir())
        time.sleep(0.5)  # an orphaned ffmpeg would keep writing here
        assert temp_files(s2.data_dir) == []
        assert len(library_files(s2.data_dir)) == 1
    finally:
        s2.stop()


@pytest.mark.slow
def test_kill_during_timeline_saves(server: ServerProcess) -> None:
    pid = new_project(server)
    tl = server.get(f"/api/projects/{pid}/timeline").json()["timeline"]
    saved: list[float] = []
    stop = threading.Event()

    def writer():
        n = 0
        while not stop.is_set():
            n += 1
            tl["playhead"] = float(n)
            tl["tracks"][0]["name"] = "x" * (n % 5000)  # documents of varying size
            try:
                if server.put(f"/api/projects/{pid}/timeline", json={"timeline": tl}, timeout=5).ok:
                    saved.append(float(n))
            except Exception:  # noqa: BLE001 - the server dies under it
                return

    t = threading.Thread(target=writer)
    t.start()
    server.wait_for(lambda: len(saved) > 20)
    s2 = restart(server)
    stop.set()
    t.join(10)
    try:
        integrity_ok(s2.data_dir)
        got = s2.get(f"/api/projects/{pid}/timeline").json()["timeline"]
        # the last acknowledged save, or the one in flight: never older, never torn
        assert got["playhead"] >= saved[-1]
        assert got["tracks"][0]["name"] == "x" * (int(got["playhead"]) % 5000)
    finally:
        s2.stop()


@pytest.mark.slow
def test_kill_during_offline_generation_resumes(server: ServerProcess) -> None:
    pid = new_project(server)
    r = server.post("/api/generations", json={
        "project_id": pid, "model_ids": ["local/preview-t2v"], "prompt": "a lighthouse in a storm",
        "params": {"local/preview-t2v": {"duration": 8, "resolution": "1080p"}}})
    job_id = r.json()["jobs"][0]["id"]
    server.wait_for(lambda: server.get(f"/api/generations/{job_id}").json()["job"]["status"] == "generating")
    s2 = restart(server)
    try:
        job = s2.wait_for(lambda: (j := s2.get(f"/api/generations/{job_id}").json()["job"])["status"]
                          in ("done", "failed") and j, timeout=120)
        assert job["status"] == "done", job
        media = s2.get(f"/api/projects/{pid}/media").json()["media"]
        assert [m["id"] for m in media] == [job["media_id"]]
        assert len(library_files(s2.data_dir)) == 1
        assert temp_files(s2.data_dir) == []
        integrity_ok(s2.data_dir)
    finally:
        s2.stop()


def _fal_server(tmp_path: Path, fake: Any) -> ServerProcess:
    from .fake_fal import app_env

    return ServerProcess(tmp_path / "data", TOKEN, env=app_env(fake)).start()


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["queued", "downloading"])
def test_kill_during_a_fal_job_then_the_result_lands(tmp_path: Path, fake_fal: Any, moment: str) -> None:
    """A paid request survives a crash: after the restart the app polls the same request (no
    second submit) and stores its result in the right project."""
    if moment == "queued":
        fake_fal.scenario.queue_seconds = 3.0
    else:
        fake_fal.scenario.cdn = ["slow", "ok"]
    s = _fal_server(tmp_path, fake_fal)
    pid = new_project(s)
    other = s.post("/api/projects", json={"name": "Other"}).json()["project"]["id"]
    job_id = s.post("/api/generations", json={"project_id": pid, "model_ids": ["fal-ai/ltx-2/text-to-video/fast"],
                                              "prompt": "a storm over the sea"}).json()["jobs"][0]["id"]
    s.wait_for(lambda: s.get(f"/api/generations/{job_id}").json()["job"]["status"] == moment)
    if moment == "queued":
        # waiting in fal's queue, its request id saved: "queued" alone is also the job's state
        # before and during the submit, and a kill inside a submit rightly fails the job as
        # "may have been submitted" (tests/test_fal_client.py) instead of buying it again
        s.wait_for(lambda: (s.get(f"/api/generations/{job_id}").json()["job"]["message"] or "")
                   .startswith("Waiting in fal.ai's queue"))
    if moment == "downloading":
        s.wait_for(lambda: temp_files(s.data_dir))  # bytes are arriving
    s2 = restart(s)
    try:
        job = s2.wait_for(lambda: (j := s2.get(f"/api/generations/{job_id}").json()["job"])["status"]
                          in ("done", "failed") and j, timeout=60)
        assert job["status"] == "done", job
        assert fake_fal.count("submit") == 1
        assert [m["id"] for m in s2.get(f"/api/projects/{pid}/media").json()["media"]] == [job["media_id"]]
        assert s2.get(f"/api/projects/{other}/media").json()["media"] == []
        assert len(library_files(s2.data_dir)) == 1
        assert temp_files(s2.data_dir) == []
        integrity_ok(s2.data_dir)
    finally:
        s2.stop()


@pytest.mark.slow
def test_kill_during_a_proxy_encode(server: ServerProcess, tmp_path: Path) -> None:
    pid = new_project(server)
    qt = {"codecs": {"h264_aac": "", "vp9_opus": "probably", "av1": "probably"}}
    assert server.post("/api/capabilities", json=qt).status_code == 200
    clip = ms.make_video(tmp_path / "long.mp4", seconds=30, size="1920x1080")
    with open(clip, "rb") as f:
        mid = server.post(f"/api/projects/{pid}/media", files={"file": ("long.mp4", f, "video/mp4")},
                          timeout=60).json()["media"][0]["id"]
    server.wait_for(lambda: server.get(f"/api/media/{mid}").json()["media"]["proxy"]["status"] == "encoding")
    server.wait_for(lambda: temp_files(server.data_dir))
    s2 = restart(server)
    try:
        assert processes_using(s2.data_dir) == []
        integrity_ok(s2.data_dir)
        item = s2.get(f"/api/media/{mid}").json()["media"]
        assert item["proxy"]["status"] == "none"  # not "encoding" forever
        assert temp_files(s2.data_dir) == []
        proxies = s2.data_dir / "projects" / pid / "proxies"
        assert not proxies.exists() or not any(proxies.iterdir())
        assert [s["kind"] for s in s2.get(f"/api/media/{mid}/sources").json()["sources"]] == ["local", "blob"]
        # the next engine report starts the proxy again, and it completes
        assert s2.post("/api/capabilities", json=qt).status_code == 200
        s2.wait_for(lambda: s2.get(f"/api/media/{mid}").json()["media"]["proxy"]["status"] == "ready", timeout=120)
    finally:
        s2.stop()
