"""Faults a user can meet, each with a clear message and nothing lost: a full disk, a database
locked by another program, ffmpeg missing or failing, a truncated file."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reelcut.config import Config
from reelcut.errors import AppError
from reelcut.media import ffmpeg as ffmpeg_mod
from reelcut.server.app import create_app
from reelcut.services import Services

from . import media_samples as ms
from .conftest import TOKEN, Api


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 8 MB file system (tmpfs), so the disk really fills up: ENOSPC from the kernel,
    not a mock."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mnt)], capture_output=True, text=True)
    assert r.returncode == 0, f"the disk-full tests need root to mount a tmpfs: {r.stderr}"
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def _services(data_dir: Path, providers: dict[str, Any] | None = None, **kw: Any) -> Services:
    b = Services(Config(data_dir=data_dir, token=TOKEN, port=5999, **kw), providers)
    b.start()
    return b


def _integrity_ok(data_dir: Path) -> None:
    con = sqlite3.connect(data_dir / "reelcut.db")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_disk_full_during_export(small_disk: Path, tmp_path: Path) -> None:
    b = _services(small_disk / "data")
    try:
        p = b.projects.create("Full")
        clip = b.media.import_path(p["id"], ms.make_video(tmp_path / "busy.mp4", seconds=2, size="640x360"))
        tl = b.projects.timeline(p["id"])
        tl.update({"width": 1920, "height": 1080})
        tl["tracks"][0]["clips"] = [{"id": f"c{i}", "media_id": clip["id"], "start": 2.0 * i, "in": 0, "out": 2}
                                    for i in range(30)]
        b.projects.save_timeline(p["id"], tl)
        job = b.exports.wait(b.exports.start(p["id"])["id"], timeout=300)
        assert job["status"] == "failed"
        assert job["error"]["code"] == "disk_full"
        assert "disk is full" in job["message"]
        exports = b.projects.folder(p["id"]) / "exports"
        assert not exports.exists() or not any(exports.iterdir())
        assert not any((small_disk / "data" / "tmp").iterdir())
        # nothing lost: the media and the timeline are as they were
        assert [m["id"] for m in b.media.list(p["id"])] == [clip["id"]]
        assert len(b.projects.timeline(p["id"])["tracks"][0]["clips"]) == 30
        _integrity_ok(small_disk / "data")
    finally:
        b.close()


def test_disk_full_during_import(small_disk: Path, tmp_path: Path) -> None:
    b = _services(small_disk / "data")
    try:
        api = Api(create_app(b.config, b))
        p = b.projects.create("Full")
        big = ms.make_video(tmp_path / "big.mp4", seconds=12, size="1280x720")
        assert big.stat().st_size > 8 * 1024 * 1024, "the sample must be larger than the disk"
        with open(big, "rb") as f:
            r = api.post(f"/api/projects/{p['id']}/media", data={"file": (f, "big.mp4")},
                         content_type="multipart/form-data")
        assert r.status_code == 507
        assert r.json["error"]["code"] == "disk_full"
        assert "big.mp4" in r.json["error"]["message"] and "disk is full" in r.json["error"]["message"]
        assert b.media.list(p["id"]) == []
        assert not any((b.projects.folder(p["id"]) / "media").iterdir())
        assert not any((small_disk / "data" / "tmp").iterdir())
        _integrity_ok(small_disk / "data")
    finally:
        b.close()


def test_database_locked_by_another_program(tmp_path: Path) -> None:
    b = _services(tmp_path / "data", db_timeout=0.3)
    try:
        api = Api(create_app(b.config, b))
        other = sqlite3.connect(tmp_path / "data" / "reelcut.db", isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            r = api.post("/api/projects", json={"name": "While locked"})
            assert r.status_code == 503
            assert r.json["error"]["code"] == "db_locked"
            assert "locked by another program" in r.json["error"]["message"]
            assert api.get("/api/projects").status_code == 200  # reading still works (WAL)
        finally:
            other.execute("ROLLBACK")
            other.close()
        r = api.post("/api/projects", json={"name": "After"})
        assert r.status_code == 201
        assert [p["name"] for p in b.projects.list()] == ["After"]
    finally:
        b.close()


@pytest.fixture
def ffmpeg_at(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    def use(path: str) -> None:
        monkeypatch.setenv("REELCUT_FFMPEG", path)
        ffmpeg_mod.ffmpeg_exe.cache_clear()
    yield use
    ffmpeg_mod.ffmpeg_exe.cache_clear()


def _generate(b: Services) -> dict[str, Any]:
    p = b.projects.create("Faulty")
    job = b.jobs.start(p["id"], ["local/preview-t2v"], "a quiet lake",
                             {"local/preview-t2v": {"duration": 1, "resolution": "360p"}})[0]
    return b.jobs.wait(job["id"], timeout=60)


def test_ffmpeg_missing(services: Services, ffmpeg_at: Any, tmp_path: Path) -> None:
    ffmpeg_at(str(tmp_path / "no-such-ffmpeg"))
    job = _generate(services)
    assert job["status"] == "failed"
    assert job["error"]["code"] == "ffmpeg_missing"
    assert "ffmpeg was not found" in job["message"]
    assert not any(services.config.temp_dir.iterdir())


def test_ffmpeg_failing(services: Services, ffmpeg_at: Any, tmp_path: Path) -> None:
    fake = tmp_path / "ffmpeg"
    fake.write_text("#!/bin/sh\necho 'Conversion failed: codec exploded' >&2\nexit 1\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    ffmpeg_at(str(fake))
    job = _generate(services)
    assert job["status"] == "failed"
    assert job["error"]["code"] == "ffmpeg_failed"
    assert "codec exploded" in job["message"]
    assert not any(services.config.temp_dir.iterdir())
    assert services.media.list(job["project_id"]) == []


def test_truncated_mp4_import_is_refused(api: Api, project: dict[str, Any], services: Services, tmp_path: Path) -> None:
    whole = ms.make_video(tmp_path / "whole.mp4", seconds=4).read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    with open(cut, "rb") as f:
        r = api.post(f"/api/projects/{project['id']}/media", data={"file": (f, "cut.mp4")},
                     content_type="multipart/form-data")
    assert r.status_code == 415
    assert "truncated" in r.json["error"]["message"] and "cut.mp4" in r.json["error"]["message"]
    assert services.media.list(project["id"]) == []
    assert os.listdir(services.projects.folder(project["id"]) / "media") == []


def test_failed_job_can_be_retried_without_losing_it(services: Services, ffmpeg_at: Any, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    ffmpeg_at(str(tmp_path / "no-such-ffmpeg"))
    job = _generate(services)
    assert job["status"] == "failed"
    monkeypatch.delenv("REELCUT_FFMPEG")  # ffmpeg is back
    ffmpeg_mod.ffmpeg_exe.cache_clear()
    again = services.jobs.retry(job["id"])
    assert again["status"] in ("queued", "generating") and again["error"] is None
    done = services.jobs.wait(job["id"], timeout=60)
    assert done["status"] == "done"
    assert [m["id"] for m in services.media.list(done["project_id"])] == [done["media_id"]]
    with pytest.raises(AppError) as exc:
        services.jobs.retry(job["id"])
    assert exc.value.status == 409


def test_disk_full_during_a_fal_download_loses_nothing(small_disk: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The paid result does not fit: the job fails saying so, nothing half-written stays, and
    once there is room Retry fetches the same result (no second submit)."""
    from reelcut.generation.fal import FalProvider

    from .fake_fal import KEY, FakeFal

    big = ms.make_video(tmp_path / "big-result.mp4", seconds=6, size="1280x720")
    fake = FakeFal(big)
    monkeypatch.setenv("REELCUT_FAL_QUEUE_URL", fake.url)
    monkeypatch.setenv("REELCUT_FAL_REST_URL", fake.url)
    monkeypatch.setenv("FAL_KEY", KEY)
    from reelcut import keystore

    data = small_disk / "data"
    b = _services(data, {"fal": FalProvider(lambda: keystore.get_key(data), sleep=lambda s: None,
                                            poll_interval=0.05)})
    filler = small_disk / "filler"
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    filler.write_bytes(b"\0" * max(0, free - len(fake.clip) // 2))  # leave room for half the video
    try:
        p = b.projects.create("Full")
        job = b.jobs.start(p["id"], ["fal-ai/ltx-2/text-to-video/fast"], "a big paid clip", {})[0]
        job = b.jobs.wait(job["id"], timeout=60)
        assert job["status"] == "failed" and job["error"]["code"] == "disk_full"
        assert "Nothing was lost" in job["message"]
        assert not any((small_disk / "data" / "tmp").iterdir())
        assert b.media.list(p["id"]) == []
        filler.unlink()
        b.jobs.retry(job["id"])
        done = b.jobs.wait(job["id"], timeout=60)
        assert done["status"] == "done", done
        assert fake.count("submit") == 1
        assert b.media.file_path(done["media_id"])[0].read_bytes() == fake.clip
    finally:
        b.close()
        fake.close()
