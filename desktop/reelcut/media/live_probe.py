"""Probing a download while it is still arriving. Deciding that a result is real video (opening
it, decoding its first frame, checking its last second is there) used to start after the last
byte; run beside the download it is finished a moment after it, so a paid clip is listed as soon
as its bytes are on disk. The verdict is the same as probing the finished file: the reader sees
exactly the bytes written, and waits for the ones not written yet."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType

from .probe import ProbeResult, probe


class GrowingFile:
    """A seekable reader of a file another thread is writing, whose final size is known: a read
    waits until its bytes are written (or the writer finishes early, which reads as end of file,
    or gives up, which raises OSError)."""

    def __init__(self, path: Path, size: int) -> None:
        self.size = size
        self._fd = os.open(path, os.O_RDONLY)
        self._pos = 0
        self.furthest = 0  # how far reads have reached: shows the probe running ahead of the writer
        self._written = 0
        self._finished = False
        self._aborted = False
        self._changed = threading.Condition()

    # the writer's side
    def advance(self, written: int) -> None:
        with self._changed:
            self._written = written
            self._changed.notify_all()

    def finish(self, aborted: bool = False) -> None:
        with self._changed:
            self._finished = True
            self._aborted = aborted
            self._changed.notify_all()

    # the reader's side (what PyAV calls)
    def read(self, n: int = -1) -> bytes:
        end = self.size if n is None or n < 0 else min(self.size, self._pos + n)
        with self._changed:
            self._changed.wait_for(lambda: self._written >= end or self._finished)
            if self._aborted:
                raise OSError("the download was abandoned")
        data = os.pread(self._fd, max(0, end - self._pos), self._pos)
        self._pos += len(data)
        self.furthest = max(self.furthest, self._pos)
        return data

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        os.close(self._fd)


class LiveProbe:
    """Probe `path` while it is written: call `wrote(n)` after each flushed write, then `result()`
    once the file is complete (fsynced, length checked). Leaving the `with` block by an exception
    abandons the probe. With no known size there is nothing to wait against, and `result()`
    probes the finished file."""

    def __init__(self, path: Path, size: int | None, name: str) -> None:
        self.path = path
        self.name = name
        self._view: GrowingFile | None = None
        self._thread: threading.Thread | None = None
        self._outcome: ProbeResult | BaseException | None = None
        if size:
            self._view = GrowingFile(path, size)
            self._thread = threading.Thread(target=self._run, name="live-probe", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        assert self._view is not None
        try:
            self._outcome = probe(self._view, self.name)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller of result()
            self._outcome = exc

    @property
    def bytes_read(self) -> int:
        return self._view.furthest if self._view is not None else 0

    def wrote(self, written: int) -> None:
        if self._view is not None:
            self._view.advance(written)

    def result(self) -> ProbeResult:
        if self._view is None or self._thread is None:
            return probe(self.path, self.name)
        self._view.finish()
        self._thread.join()
        outcome = self._outcome
        assert outcome is not None
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def _close(self, aborted: bool) -> None:
        if self._view is not None and self._thread is not None:
            self._view.finish(aborted)
            self._thread.join()
            self._view.close()

    def __enter__(self) -> LiveProbe:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._close(aborted=exc is not None)
