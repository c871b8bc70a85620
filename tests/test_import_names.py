"""Import loses nothing (issue 33, names): a stored file name is claimed atomically, so uploads
and generation downloads of one name finishing together each keep their own bytes; a migration
adds a unique index on media.path, repairing rows that already share one; imported names are
cleaned of control and bidirectional characters; the errors say what is wrong; the upload cap
holds for a chunked body."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from reelcut.config import Config
from reelcut.library import db as dbmod
from reelcut.library import media_store
from reelcut.server.runner import LocalServer
from reelcut.services import Services

from .conftest import TOKEN, Api

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def png(w: int, h: int, shade: int = 0) -> bytes:
    """A grey PNG, written row by row (a 20000×20000 one is 1.7 MB and never held decoded)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    z = zlib.compressobj(1)
    row = b"\0" + bytes([shade]) * w
    data = b"".join(z.compress(row) for _ in range(h)) + z.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", data) + chunk(b"IEND", b""))


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def assert_rows_own_their_files(services: Services, project_id: str) -> None:
    rows = services.db.query("SELECT * FROM media WHERE project_id = ?", (project_id,))
    paths = [r["path"] for r in rows]
    assert len(set(paths)) == len(paths), f"two rows share a file: {sorted(paths)}"
    for r in rows:
        data = (services.config.data_dir / r["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == r["sha256"], f"{r['path']} serves another item's bytes"


# -- 1. a name is claimed atomically ------------------------------------------------------------
@pytest.fixture
def running(data_dir: Path) -> Iterator[LocalServer]:
    server = LocalServer(Config(data_dir=data_dir, token=TOKEN, port=0))
    server.start_background()
    yield server
    server.shutdown()


@pytest.fixture
def in_step(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Line the writers up where each picks its stored name (old and new code alike), so the
    names are chosen at the same moment, not one probe apart; and let a little time pass after
    any check that a stored name exists, as when a thread is descheduled there (so a check-then-
    move race shows in every round instead of now and then)."""
    state: dict[str, Any] = {"barrier": None}
    real = media_store.safe_filename
    real_exists = Path.exists

    def slow_exists(self: Path, *args: Any, **kw: Any) -> bool:
        found = real_exists(self, *args, **kw)
        if self.parent.name == "media":
            time.sleep(0.005)
        return found

    monkeypatch.setattr(Path, "exists", slow_exists)

    def lined_up(*args: Any, **kw: Any) -> str:
        barrier = state["barrier"]
        if barrier is not None:
            try:
                barrier.wait(timeout=10)
            except threading.BrokenBarrierError:
                pass
        return real(*args, **kw)

    monkeypatch.setattr(media_store, "safe_filename", lined_up)

    def arm(parties: int) -> None:
        state["barrier"] = threading.Barrier(parties)

    return arm


def test_concurrent_uploads_of_one_name_each_keep_their_bytes(running: LocalServer,
                                                              in_step: Callable[[int], None]) -> None:
    services = running.services
    pid = services.projects.create("Clash")["id"]
    url = f"{running.url}api/projects/{pid}/media"
    writers, rounds = 8, 6
    shade = iter(range(1, 255))

    def upload(data: bytes) -> dict[str, Any]:
        r = requests.post(url, headers=AUTH, files={"file": ("clash.png", data, "image/png")}, timeout=60)
        assert r.status_code == 201, r.text
        return r.json()["media"][0]

    with ThreadPoolExecutor(writers) as pool:
        for _ in range(rounds):
            in_step(writers)
            bodies = [png(16, 16, next(shade)) for _ in range(writers)]
            items = list(pool.map(upload, bodies))
            for item, data in zip(items, bodies, strict=True):
                assert item["sha256"] == hashlib.sha256(data).hexdigest()
                served = requests.get(f"{running.url}media/{item['id']}", headers=AUTH, timeout=30)
                assert served.status_code == 200 and served.content == data, "an item serves another's bytes"
    assert_rows_own_their_files(services, pid)
    assert len(services.media.list(pid)) == writers * rounds
    # deleting one of the same-named items leaves every other one playable
    first = services.media.list(pid)[0]
    services.media.delete(first["id"])
    for item in services.media.list(pid):
        services.media.file_path(item["id"])


def test_concurrent_generation_downloads_of_one_model_each_keep_their_bytes(
        services: Services, project: dict, in_step: Callable[[int], None]) -> None:
    """What JobManager does when several takes of one model finish together: ingest a finished
    temp file under the model's file name, listed before its poster."""
    writers, rounds = 6, 6
    shade = iter(range(1, 255))

    def store(data: bytes) -> dict[str, Any]:
        tmp = services.config.temp_dir / f"take-{hashlib.sha256(data).hexdigest()[:12]}.part"
        tmp.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        try:
            return services.media.ingest(project["id"], tmp, name="a take", filename="ltx-video-take.png",
                                         source={"type": "generation", "model_id": "ltx"}, thumbnail_now=False)
        finally:
            tmp.unlink(missing_ok=True)

    with ThreadPoolExecutor(writers) as pool:
        for _ in range(rounds):
            in_step(writers)
            bodies = [png(16, 16, next(shade)) for _ in range(writers)]
            for item, data in zip(pool.map(store, bodies), bodies, strict=True):
                path, _ = services.media.file_path(item["id"])
                assert path.read_bytes() == data
    assert_rows_own_their_files(services, project["id"])
    assert files_under(services.config.temp_dir) == []


def test_without_hard_links_the_name_is_still_claimed_exclusively(
        services: Services, project: dict, in_step: Callable[[int], None], monkeypatch: pytest.MonkeyPatch) -> None:
    """A FAT or exFAT drive has no hard links: the name is reserved by an exclusive create."""
    def no_links(*args: Any, **kw: Any) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    writers = 6
    bodies = [png(16, 16, shade) for shade in range(1, writers + 1)]

    def store(data: bytes) -> dict[str, Any]:
        tmp = services.config.temp_dir / f"take-{hashlib.sha256(data).hexdigest()[:12]}.part"
        tmp.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        return services.media.ingest(project["id"], tmp, name="x", filename="same.png", source={"type": "import"})

    in_step(writers)
    with ThreadPoolExecutor(writers) as pool:
        items = list(pool.map(store, bodies))
    assert {i["filename"] for i in items} == {"same.png"} | {f"same-{n}.png" for n in range(1, writers)}
    assert_rows_own_their_files(services, project["id"])
    assert files_under(services.config.temp_dir) == []


def test_a_taken_name_is_never_overwritten(services: Services, project: dict) -> None:
    """A file already under the name (left by anything) is never replaced: the next name is used."""
    folder = services.projects.folder(project["id"]) / "media"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "still.png").write_bytes(b"someone else's")
    tmp = services.config.temp_dir / "t.part"
    tmp.parent.mkdir(parents=True, exist_ok=True)
    data = png(8, 8, 7)
    tmp.write_bytes(data)
    item = services.media.ingest(project["id"], tmp, name="still.png", source={"type": "import"})
    assert (folder / "still.png").read_bytes() == b"someone else's"
    assert item["filename"] == "still-1.png" and (folder / "still-1.png").read_bytes() == data
    assert not tmp.exists()


# -- 2. the unique index, and the migration that repairs duplicates ---------------------------
def _repair_index() -> int:
    """Where the repairing migration sits in MIGRATIONS (other migrations may follow it)."""
    return dbmod.MIGRATIONS.index(dbmod.unique_media_paths)


def _old_db(data_dir: Path) -> Path:
    """A library made by the release before the repair: the schema up to it, applied by hand."""
    path = data_dir / "reelcut.db"
    data_dir.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    for version, script in enumerate(dbmod.MIGRATIONS[:_repair_index()], start=1):
        assert isinstance(script, str)
        conn.executescript(script)
        conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()
    return path


def _add_row(conn: sqlite3.Connection, media_id: str, name: str, path: str, sha: str, created: str) -> None:
    conn.execute("INSERT INTO media (id, project_id, name, kind, path, mime, size, sha256, source, created_at)"
                 " VALUES (?, 'p1', ?, 'image', ?, 'image/png', 1, ?, '{\"type\":\"import\"}', ?)",
                 (media_id, name, path, sha, created))


def test_the_migration_repairs_rows_sharing_a_file(data_dir: Path) -> None:
    path = _old_db(data_dir)
    folder = data_dir / "projects" / "p1" / "media"
    folder.mkdir(parents=True)
    winner, loser, twin = png(8, 8, 1), png(8, 8, 2), png(8, 8, 3)
    (folder / "clash.png").write_bytes(winner)  # the bytes of b, the second upload, won the race
    (folder / "pair.png").write_bytes(twin)
    (folder / "alone.png").write_bytes(loser)
    sha = {k: hashlib.sha256(v).hexdigest() for k, v in (("w", winner), ("l", loser), ("t", twin))}
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO projects VALUES ('p1', 'P', '{}', 'x', 'x')")
    _add_row(conn, "a", "clash first", "projects/p1/media/clash.png", sha["l"], "2026-01-01T00:00:00.000Z")
    _add_row(conn, "b", "clash second", "projects/p1/media/clash.png", sha["w"], "2026-01-01T00:00:01.000Z")
    _add_row(conn, "c", "twin one", "projects/p1/media/pair.png", sha["t"], "2026-01-01T00:00:02.000Z")
    _add_row(conn, "d", "twin two", "projects/p1/media/pair.png", sha["t"], "2026-01-01T00:00:03.000Z")
    _add_row(conn, "e", "alone", "projects/p1/media/alone.png", sha["l"], "2026-01-01T00:00:04.000Z")
    # a shared file that matches neither row (or is gone): both are told, neither serves it
    _add_row(conn, "f", "gone one", "projects/p1/media/gone.png", sha["w"], "2026-01-01T00:00:05.000Z")
    _add_row(conn, "g", "gone two", "projects/p1/media/gone.png", sha["t"], "2026-01-01T00:00:06.000Z")
    conn.commit()
    conn.close()

    services = Services(Config(data_dir=data_dir, token=TOKEN, port=5999))
    try:
        db = services.db
        assert db.one("PRAGMA user_version")[0] == len(dbmod.MIGRATIONS)
        rows = {r["id"]: r for r in db.query("SELECT * FROM media")}
        assert len(rows) == 7, "no row is dropped"
        # the row whose hash matches keeps the file; the other is marked missing, saying why
        assert rows["b"]["path"] == "projects/p1/media/clash.png" and rows["b"]["missing_reason"] is None
        assert rows["a"]["path"] != rows["b"]["path"]
        reason = rows["a"]["missing_reason"]
        assert reason and "clash.png" in reason and "clash second" in reason
        item = services.media.get("a")
        assert item["missing"] == reason and services.media.get("b")["missing"] is None
        with pytest.raises(Exception) as e:
            services.media.file_path("a")
        assert getattr(e.value, "status", None) == 404
        assert services.media.file_path("b")[0].read_bytes() == winner
        # two rows with the same bytes: neither is lost, each gets its own copy
        assert rows["c"]["missing_reason"] is None and rows["d"]["missing_reason"] is None
        assert rows["c"]["path"] != rows["d"]["path"]
        for mid in ("c", "d"):
            assert services.media.file_path(mid)[0].read_bytes() == twin
        assert rows["e"]["path"] == "projects/p1/media/alone.png" and rows["e"]["missing_reason"] is None
        assert rows["f"]["missing_reason"] and rows["g"]["missing_reason"] and rows["f"]["path"] != rows["g"]["path"]
        for mid in ("f", "g"):
            with pytest.raises(Exception) as e:
                services.media.file_path(mid)
            assert getattr(e.value, "status", None) == 404
        assert [m["id"] for m in services.media.list("p1") if m["missing"]] == ["a", "f", "g"]
        # the index holds from now on
        with pytest.raises(sqlite3.IntegrityError):
            db._conn.execute("UPDATE media SET path = 'projects/p1/media/clash.png' WHERE id = 'e'")
    finally:
        services.close()


def test_a_fresh_library_has_the_unique_index(services: Services) -> None:
    indexes = services.db.query("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'media'")
    assert any(r["sql"] and "UNIQUE" in r["sql"].upper() and "path" in r["sql"] for r in indexes)


# -- 3. names are cleaned -----------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "clean"), [
    ("a\0b", "ab"),
    ("evil\u202egnp.mp4", "evilgnp.mp4"),
    ("\u2066x\u2069 \u200ey\u200f", "x y"),
    ("tab\there\x85next\x1f", "tab here next"),
    ("\x07bell\x9bcsi\x7f", "bellcsi"),
    ("  plain   name  ", "plain name"),
])
def test_clean_name(raw: str, clean: str) -> None:
    from reelcut.library.files import clean_name

    assert clean_name(raw) == clean


def test_import_cleans_the_stored_and_shown_name(services: Services, project: dict, tmp_path: Path) -> None:
    src = tmp_path / "x.png"
    src.write_bytes(png(8, 8, 9))
    with open(src, "rb") as f:
        item = services.media.import_stream(project["id"], f, "holiday\u202egnp\0.mp4\x1b.png")
    assert item["name"] == "holidaygnp.mp4"
    assert item["filename"] == "holidaygnp.mp4.png"
    assert not any(ch in item["name"] + item["filename"] for ch in "\0\u202e\x1b")


def test_rename_cleans_the_same_way(services: Services, project: dict, tmp_path: Path) -> None:
    src = tmp_path / "x.png"
    src.write_bytes(png(8, 8, 9))
    item = services.media.import_path(project["id"], src)
    assert services.media.rename(item["id"], "new\u202e\0 name")["name"] == "new name"


def test_a_name_encoded_with_a_line_feed_is_cleaned(api: Api, services: Services, project: dict) -> None:
    """An RFC 5987 filename* carries a line feed without breaking the part's head."""
    body = (b"--XX\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''two%0Alines%E2%80%AE.png\r\n"
            b"Content-Type: image/png\r\n\r\n" + png(8, 8, 4) + b"\r\n--XX--\r\n")
    r = api.post(f"/api/projects/{project['id']}/media", data=body,
                 content_type="multipart/form-data; boundary=XX")
    assert r.status_code == 201, r.json
    assert r.json["media"][0]["name"] == "two lines"


# -- 4. errors say what is wrong ------------------------------------------------------------------
@pytest.mark.parametrize("padding", [0, 3 * 1024 * 1024], ids=["small", "past-the-form-memory-cap"])
def test_a_raw_line_feed_in_the_file_name_is_named(api: Api, services: Services, project: dict,
                                                   padding: int) -> None:
    body = (b"--XX\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhello\r\n"
            b"--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"two\nlines.png\"\r\n"
            b"Content-Type: image/png\r\n\r\n" + png(8, 8, 4) + b"\0" * padding + b"\r\n--XX--\r\n")
    r = api.post(f"/api/projects/{project['id']}/media", data=body,
                 content_type="multipart/form-data; boundary=XX")
    assert r.status_code == 400
    assert r.json["error"]["message"] == "The file name contains a line break."
    assert services.media.list(project["id"]) == []
    assert files_under(services.config.temp_dir) == []


def test_no_file_at_all_still_asks_for_one(api: Api, project: dict) -> None:
    r = api.post(f"/api/projects/{project['id']}/media", data={"other": "x"}, content_type="multipart/form-data")
    assert r.status_code == 400 and r.json["error"]["message"] == "Choose a file to import."


def test_an_image_over_the_pixel_limit_says_so(api: Api, services: Services, project: dict) -> None:
    from reelcut.media.probe import MAX_PIXELS

    r = api.post(f"/api/projects/{project['id']}/media",
                 data={"file": [(__import__("io").BytesIO(png(20000, 20000)), "huge.png")]},
                 content_type="multipart/form-data")
    assert r.status_code == 413, r.json
    assert r.json["error"]["message"].endswith(f"20000×20000 is over the limit of {MAX_PIXELS:,} pixels.")
    assert services.media.list(project["id"]) == []
    assert files_under(services.projects.folder(project["id"])) == []


# -- 5. the upload cap holds for a chunked body -------------------------------------------------
@pytest.fixture
def small_cap(data_dir: Path) -> Iterator[LocalServer]:
    config = Config(data_dir=data_dir, token=TOKEN, port=0)
    config.upload_limit = 64 * 1024
    server = LocalServer(config)
    server.start_background()
    yield server
    server.shutdown()


def test_a_chunked_upload_past_the_cap_is_413_and_leaves_nothing(small_cap: LocalServer) -> None:
    services = small_cap.services
    pid = services.projects.create("Chunked")["id"]
    sent = {"bytes": 0}

    def body() -> Iterator[bytes]:  # no Content-Length: the cap must hold while it is read
        yield (b"--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.mp4\"\r\n"
               b"Content-Type: video/mp4\r\n\r\n")
        for _ in range(64):  # 4 MiB, far past the cap and its 1 MiB of form slack
            sent["bytes"] += 64 * 1024
            yield b"\0" * (64 * 1024)
        yield b"\r\n--XX--\r\n"

    try:
        r = requests.post(f"{small_cap.url}api/projects/{pid}/media", data=body(), timeout=30,
                          headers={**AUTH, "Content-Type": "multipart/form-data; boundary=XX"})
    except requests.ConnectionError:
        pytest.fail("the server dropped the connection instead of answering 413")
    assert r.status_code == 413, r.text
    assert r.json()["error"]["code"] == "too_large"
    assert "upload limit" in r.json()["error"]["message"]
    assert services.media.list(pid) == []
    assert files_under(services.config.temp_dir) == []
    assert files_under(services.projects.folder(pid)) == []
    assert requests.get(f"{small_cap.url}api/health", headers=AUTH, timeout=10).status_code == 200


def test_a_chunked_upload_under_the_cap_is_imported(small_cap: LocalServer) -> None:
    services = small_cap.services
    pid = services.projects.create("Chunked")["id"]
    data = png(16, 16, 5)

    def body() -> Iterator[bytes]:
        yield (b"--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"small.png\"\r\n"
               b"Content-Type: image/png\r\n\r\n")
        yield data
        yield b"\r\n--XX--\r\n"

    r = requests.post(f"{small_cap.url}api/projects/{pid}/media", data=body(), timeout=30,
                      headers={**AUTH, "Content-Type": "multipart/form-data; boundary=XX"})
    assert r.status_code == 201, r.text
    assert r.json()["media"][0]["sha256"] == hashlib.sha256(data).hexdigest()
    assert files_under(services.config.temp_dir) == []



def test_a_cut_file_name_is_seen_across_reads() -> None:
    """The part's head may arrive over several reads: it is checked once it is whole."""
    import io

    from reelcut.errors import AppError
    from reelcut.server.uploads import _PartHeads

    ok = (b"--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"fine.png\"\r\n\r\n" + b"x" * 50_000
          + b"\r\n--XX--\r\n")
    cut = ok.replace(b"fine.png", b"fi\nne.png")
    for size in (1, 7, 4096):
        reader = _PartHeads(io.BytesIO(ok), b"XX")
        assert b"".join(iter(lambda r=reader: r.read(size), b"")) == ok  # noqa: B023 - read at once
        reader = _PartHeads(io.BytesIO(cut), b"XX")
        with pytest.raises(AppError, match="The file name contains a line break."):
            while reader.read(size):
                pass
