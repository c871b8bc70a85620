"""Small file-system primitives for crash-safe writes: nothing half-written is ever visible
under its final name."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import uuid
from pathlib import Path
from typing import BinaryIO

CHUNK = 1024 * 1024


def fsync_dir(path: Path) -> None:
    fd = os.open(str(path), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_path(temp_dir: Path, suffix: str = "") -> Path:
    """A fresh name in the data dir's temp folder (same file system as the library, so the
    final rename is atomic). Start-up deletes whatever is left there."""
    temp_dir.mkdir(parents=True, exist_ok=True)
    return temp_dir / f"{uuid.uuid4().hex}{suffix}.part"


def copy_stream(src: BinaryIO, dest: Path, limit: int | None = None) -> tuple[int, str]:
    """Stream src into dest, returning (size, sha256); fsynced. Raises OverflowError past limit."""
    digest = hashlib.sha256()
    size = 0
    with open(dest, "wb") as out:
        while chunk := src.read(CHUNK):
            size += len(chunk)
            if limit is not None and size > limit:
                raise OverflowError(size)
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return size, digest.hexdigest()


def hash_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            size += len(chunk)
            digest.update(chunk)
        os.fsync(f.fileno())
    return size, digest.hexdigest()


_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def safe_filename(name: str, default: str = "media") -> str:
    stem = _UNSAFE.sub("_", Path(name).name).strip(" ._") or default
    return stem[:150]


def unique_path(folder: Path, filename: str) -> Path:
    candidate = folder / filename
    stem, suffix = os.path.splitext(filename)
    n = 1
    while candidate.exists():
        candidate = folder / f"{stem}-{n}{suffix}"
        n += 1
    return candidate


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def human_size(n: int) -> str:
    """A byte count as a limit is said to a user (a limit under 1 MiB is a test's, said exactly)."""
    return f"{n // 1024**2} MiB" if n >= 1024**2 else f"{n} bytes"
