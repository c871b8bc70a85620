"""Probing a download while it arrives: the same verdict as probing the finished file, reached
alongside the writer, and never a hang when the download is abandoned."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pytest

from reelcut.media.live_probe import LiveProbe
from reelcut.media.probe import NotMedia, probe

from . import media_samples as ms


def until(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def copy_in_steps(src: bytes, f: BinaryIO, prober: LiveProbe, steps: int = 8) -> None:
    """Write src in `steps` flushed pieces, telling the prober after each (as a download does)."""
    step = max(1, len(src) // steps)
    for i in range(0, len(src), step):
        f.write(src[i:i + step])
        f.flush()
        prober.wrote(min(len(src), i + step))


@pytest.mark.parametrize("faststart", [True, False])
def test_same_verdict_as_the_finished_file(tmp_path: Path, faststart: bool) -> None:
    """Index at the front (as fal delivers) or at the end (the probe waits for it)."""
    clip = ms.make_video(tmp_path / "clip.mp4", seconds=3, faststart=faststart)
    data = clip.read_bytes()
    with open(tmp_path / "download.part", "wb") as f, LiveProbe(Path(f.name), len(data), "the download") as prober:
        copy_in_steps(data, f, prober)
        live = prober.result()
    assert live == probe(clip)
    assert live.kind == "video" and live.video_codec == "h264" and live.audio_codec == "aac"


def test_the_head_is_probed_before_the_last_byte(tmp_path: Path) -> None:
    clip = ms.make_video(tmp_path / "clip.mp4", seconds=3)
    data = clip.read_bytes()
    half = len(data) // 2
    with open(tmp_path / "download.part", "wb") as f, LiveProbe(Path(f.name), len(data), "the download") as prober:
        f.write(data[:half])
        f.flush()
        prober.wrote(half)
        # half the file is there: the probe has opened it and read into the picture already
        assert until(lambda: prober.bytes_read > 0)
        assert prober.bytes_read <= half
        f.write(data[half:])
        f.flush()
        prober.wrote(len(data))
        assert prober.result() == probe(clip)


def test_a_file_that_ends_early_is_truncated(tmp_path: Path) -> None:
    data = ms.make_video(tmp_path / "clip.mp4", seconds=3).read_bytes()
    with open(tmp_path / "download.part", "wb") as f, LiveProbe(Path(f.name), len(data), "the download") as prober:
        copy_in_steps(data[: len(data) * 2 // 3], f, prober)
        with pytest.raises(NotMedia) as e:
            prober.result()
    assert "the download" in e.value.message


def test_not_video_is_refused(tmp_path: Path) -> None:
    page = b"<html><body>Access denied</body></html>" * 100
    with open(tmp_path / "download.part", "wb") as f, LiveProbe(Path(f.name), len(page), "the result") as prober:
        copy_in_steps(page, f, prober)
        with pytest.raises(NotMedia) as e:
            prober.result()
    assert "'the result' is not a video" in e.value.message


def test_an_abandoned_download_ends_the_probe(tmp_path: Path) -> None:
    """The connection breaks half-way: leaving the block by the error stops the probe's thread,
    which was waiting for bytes that will never come."""
    data = ms.make_video(tmp_path / "clip.mp4", seconds=3).read_bytes()
    before = threading.active_count()
    with pytest.raises(ConnectionError):
        with open(tmp_path / "download.part", "wb") as f, \
                LiveProbe(Path(f.name), len(data), "the download") as prober:
            f.write(data[: len(data) // 2])
            f.flush()
            prober.wrote(len(data) // 2)
            assert until(lambda: prober.bytes_read > 0)
            raise ConnectionError("the connection broke")
    assert threading.active_count() == before


def test_without_a_length_the_finished_file_is_probed(tmp_path: Path) -> None:
    clip = ms.make_video(tmp_path / "clip.mp4", seconds=1)
    with LiveProbe(clip, None, "the download") as prober:
        prober.wrote(123)
        assert prober.result() == probe(clip)
    assert prober.bytes_read == 0
