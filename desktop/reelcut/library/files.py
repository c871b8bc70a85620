"""Small file-system primitives for crash-safe writes: nothing half-written is ever visible
under its final name."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
import uuid
from collections.abc import Iterator
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


# Bidirectional marks, embeddings, overrides and isolates: invisible, they make a name read
# otherwise than it is ("evil\u202egnp.mp4" shows as "evil4pm.png").
_BIDI = dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def clean_name(name: str) -> str:
    """A name as a user may see it: control characters (C0, DEL, C1; NUL too) and bidirectional
    controls removed, whitespace (a tab, a line feed) collapsed to single spaces. Import and
    Rename both store names through here."""
    name = name.translate(_BIDI)
    name = "".join(" " if ch.isspace() else ch for ch in name if ch.isspace() or unicodedata.category(ch) != "Cc")
    return " ".join(name.split())


def unique_path(folder: Path, filename: str) -> Path:
    """A name free now, for a writer that is alone on `folder` (an export); anything that may race
    another writer for the name claims it with claim_path instead."""
    candidate = folder / filename
    stem, suffix = os.path.splitext(filename)
    n = 1
    while candidate.exists():
        candidate = folder / f"{stem}-{n}{suffix}"
        n += 1
    return candidate


def _candidates(filename: str) -> Iterator[str]:
    stem, suffix = os.path.splitext(filename)
    yield filename
    n = 1
    while True:
        yield f"{stem}-{n}{suffix}"
        n += 1


def claim_path(folder: Path, filename: str, src: Path) -> Path:
    """Move the finished file `src` into `folder` under `filename`, or `stem-1.ext`, `stem-2.ext`…,
    whichever is free, and return where it went. The name is claimed atomically: a hard link
    fails with FileExistsError if any other writer holds the name, so two writers finishing
    together never get one file (checking exists() and then renaming would let both take it).
    Where hard links are not supported (FAT, exFAT), the name is reserved with an exclusive
    create and the file renamed over the reservation. Nothing is ever visible half-written."""
    for name in _candidates(filename):
        dest = folder / name
        try:
            os.link(src, dest)
        except FileExistsError:
            continue
        except OSError:
            try:
                with open(dest, "x"):
                    pass
            except FileExistsError:
                continue
            try:
                os.replace(src, dest)
            except BaseException:
                dest.unlink(missing_ok=True)
                raise
            break
        src.unlink(missing_ok=True)
        break
    fsync_dir(folder)
    return dest


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
