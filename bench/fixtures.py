"""Media and servers for the benchmarks, made the same way the tests make them."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reelcut.config import Config
from reelcut.generation.base import Provider
from reelcut.media.ffmpeg import ffmpeg_exe
from reelcut.server.runner import LocalServer
from reelcut.services import Services

TOKEN = "bench-token"


def make_clip(path: Path, *, seconds: float, size: str = "1920x1080", rate: int = 25, crf: int = 18,
              preset: str = "veryfast") -> Path:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", str(seconds),
                    "-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-pix_fmt", "yuv420p",
                    "-c:a", "aac", "-shortest", "-movflags", "+faststart", str(path)], check=True)
    return path


def make_big_clip(path: Path, megabytes: int) -> Path:
    """A valid MP4 of about the given size, quickly: lossless x264 of heavy noise, which does not
    compress (about 12.5 MB a second at 640x360). The length is floored at 5 frames, not at a
    second: a "6 MB" result must weigh 6 MB, or its fixed costs look smaller than they are."""
    seconds = max(0.2, megabytes / 12.5)
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25,noise=alls=100:allf=t",
                    "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0",
                    "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(path)], check=True)
    return path


@contextmanager
def running_server(data_dir: Path, preview_proxies: bool = False) -> Iterator[LocalServer]:
    """A server on loopback. Preview proxies are off unless asked for: a benchmark of serving or
    storing must not share the cores with a background encode it did not ask for."""
    server = LocalServer(Config(data_dir=data_dir, token=TOKEN, port=0))
    server.services.preferences.update({"preview_proxies": preview_proxies})
    server.start_background()
    try:
        yield server
    finally:
        server.shutdown()


def services_at(data_dir: Path, providers: dict[str, Provider] | None = None) -> Services:
    """The services with preview proxies off (see running_server); an engine report can still ask
    for proxies of what it cannot decode."""
    b = Services(Config(data_dir=data_dir, token=TOKEN, port=0), providers)
    b.preferences.update({"preview_proxies": False})
    b.start()
    return b


def big_project(services: Services, clip: Path, n_media: int, n_clips: int) -> str:
    """A project with n_media items (one real file, its row cloned: listing cost is per row) and
    n_clips clips on the first track. Returns the project id."""
    import uuid

    pid = services.projects.create("Big")["id"]
    first = services.media.import_path(pid, clip)
    with services.db.transaction() as c:
        row = dict(c.execute("SELECT * FROM media WHERE id = ?", (first["id"],)).fetchone())
        original = services.config.data_dir / row["path"]
        for i in range(n_media - 1):
            # each row has a file of its own (a hard link: no copy), as media paths are unique
            path = original.with_name(f"{original.stem}-{i}{original.suffix}")
            os.link(original, path)
            row.update(id=uuid.uuid4().hex, name=f"Clip {i}", path=str(path.relative_to(services.config.data_dir)))
            c.execute(f"INSERT INTO media ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))
    ids = [m["id"] for m in services.media.list(pid)]
    tl = services.projects.timeline(pid)
    tl["tracks"][0]["clips"] = [{"id": f"c{i}", "media_id": ids[i % len(ids)], "start": 2.0 * i, "in": 0, "out": 2.0}
                                for i in range(n_clips)]
    services.projects.save_timeline(pid, tl)
    return pid
