"""Range serving throughput over loopback, against reading the same file from disk in Python."""

from __future__ import annotations

import os
import socket
import time

from .common import Row, median_of, scratch
from .fixtures import TOKEN, make_big_clip, running_server

BLOCK = 1024 * 1024


def _read_disk(path) -> float:
    buf = bytearray(BLOCK)
    t = time.perf_counter()
    with open(path, "rb", buffering=0) as f:
        while f.readinto(buf):
            pass
    return time.perf_counter() - t


def _read_http(port: int, path: str, byte_range: str | None = None) -> tuple[float, int]:
    """A minimal client (raw socket, preallocated buffer) so the figure is the server's."""
    headers = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {TOKEN}\r\n"
    if byte_range:
        headers += f"Range: bytes={byte_range}\r\n"
    headers += "Connection: close\r\n\r\n"
    buf = bytearray(BLOCK)
    total = 0
    t = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(headers.encode())
        while n := s.recv_into(buf):
            total += n
    return time.perf_counter() - t, total


def _evict(path) -> None:
    """Drop the file from the page cache, so the next read comes from the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def _cold(fn, path):
    def run() -> float:
        _evict(path)
        return fn()
    return run


def run(small: bool) -> list[Row]:
    rows = []
    with scratch() as d:
        clip = make_big_clip(d / "big.mp4", 50 if small else 500)
        with running_server(d / "data") as server:
            pid = server.services.projects.create("Bench")["id"]
            mid = server.services.media.import_path(pid, clip)["id"]
            stored, _ = server.services.media.file_path(mid)
            size_mb = stored.stat().st_size / 1e6
            path = f"/media/{mid}"
            half = stored.stat().st_size // 2
            runs = 3 if small else 5
            disk = median_of(runs, _cold(lambda: _read_disk(stored), stored))
            full = median_of(runs, _cold(lambda: _read_http(server.port, path)[0], stored))
            part = median_of(runs, _cold(lambda: _read_http(server.port, path, f"{half}-")[0], stored))
            rows.append(Row(f"whole file over HTTP, from disk ({size_mb:.0f} MB), MB/s", size_mb / full, "",
                            "Python reading the same file from disk, MB/s", size_mb / disk, ">= 0.5x disk",
                            full <= 2 * disk))
            rows.append(Row("second half as a Range request, from disk, MB/s", size_mb / 2 / part, "",
                            "Python reading the whole file from disk, MB/s", size_mb / disk, ">= 0.5x disk",
                            part <= disk))
            # From the page cache the baseline is a memory copy (10+ GB/s); loopback TCP itself is
            # the ceiling there (curl measures about the same), so this row is for information.
            warm_disk = median_of(runs, lambda: _read_disk(stored))
            warm = median_of(runs, lambda: _read_http(server.port, path)[0])
            rows.append(Row("whole file over HTTP, page cache, MB/s", size_mb / warm, "",
                            "Python reading it from the page cache, MB/s", size_mb / warm_disk, "(loopback-bound)",
                            None))
    return rows
