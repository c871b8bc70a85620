"""Animated values cost time in proportion to the frames (issue 29, finding 2).

sendcmd looks at every interval it holds on every frame, so one script for a value that changes
on every frame made a render quadratic in the clip's length. The scripts are now cut into
windows of at most commands.WINDOW intervals, one sendcmd per window on its own piece of the
stream. Proven structurally (no clock): however long the clip, no sendcmd holds more than a
window, and every command is still written; and by rendering: cutting into tiny windows gives
the same picture and sound as one script."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from reelcut.media import commands
from reelcut.media.commands import WINDOW
from reelcut.media.compose import Source, build_export_args
from reelcut.media.encode import run_ffmpeg

from . import media_samples as ms

pytestmark = pytest.mark.timeout(120)

FPS = 30
_SCRIPT = re.compile(r"(a?sendcmd)=f=\\'(.*?)\\'")  # the path as the graph quotes it


def _zigzag(seconds: float, period: float, low: float, high: float) -> list[dict[str, Any]]:
    """Keyframes going from low to high and back every `period` seconds: a value that changes on
    every frame (and every 10 ms step of the sound)."""
    keys, t, up = [], 0.0, True
    while t <= seconds:
        keys.append({"time": round(t, 6), "value": low if up else high, "easing": "ease-in-out"})
        t, up = t + period, not up
    return keys


def _doc(seconds: float, fps: int = FPS, width: int = 64, height: int = 36) -> dict[str, Any]:
    clip = {"id": "c", "media_id": "a", "start": 0.5, "in": 0, "out": seconds, "keyframes": {
        "transform.rotation": _zigzag(seconds, 4, -40, 40), "transform.x": _zigzag(seconds, 3, 0.3, 0.7),
        "opacity": _zigzag(seconds, 2, 0.2, 1), "volume": _zigzag(seconds, 2, 0.1, 1)}}
    return {"version": 2, "width": width, "height": height, "fps": fps,
            "tracks": [{"id": "t", "kind": "video", "muted": False, "hidden": False, "clips": [clip]}]}


def _scripts(work: Path) -> dict[str, list[int]]:
    """Lines of each script the graph names, by filter (sendcmd, asendcmd)."""
    graph = (work / "graph.txt").read_text()
    found: dict[str, list[int]] = {"sendcmd": [], "asendcmd": []}
    for kind, name in _SCRIPT.findall(graph):
        found[kind].append(len(Path(name).read_text().splitlines()))
    return found


def _build(work: Path, seconds: float) -> dict[str, list[int]]:
    work.mkdir()
    build_export_args(_doc(seconds), {"a": Source(work / "a.mp4", "video", True, True)}, work / "o.mp4", work, None)
    return _scripts(work)


def test_no_sendcmd_holds_more_than_a_window_however_long_the_clip(tmp_path):
    """One minute and ten minutes whose rotation, position, opacity and volume change on every
    frame: every command is written (one a frame, one per 10 ms of sound), and the most any one
    sendcmd holds is the same bound for both. Before the windows, the ten-minute clip's one
    script held 18,000 picture intervals and its sound script 60,000."""
    short, long = _build(tmp_path / "one", 60), _build(tmp_path / "ten", 600)
    for kind in ("sendcmd", "asendcmd"):
        assert max(short[kind]) <= WINDOW and max(long[kind]) <= WINDOW, kind
    frames = 600 * FPS
    assert sum(long["sendcmd"]) >= frames * 0.95  # a change on (nearly) every frame, none lost
    assert sum(long["asendcmd"]) >= 600 * 100 * 0.9  # and on (nearly) every 10 ms step
    # the number of windows grows with the clip, the size of one does not
    assert len(long["sendcmd"]) >= 9 * len(short["sendcmd"]) and len(long["sendcmd"]) >= frames // WINDOW
    graph = (tmp_path / "ten" / "graph.txt").read_text()
    assert f"concat=n={len(long['sendcmd'])}:v=1:a=0" in graph
    assert f"concat=n={len(long['asendcmd'])}:v=0:a=1" in graph


def test_a_short_script_is_one_sendcmd_as_before(tmp_path):
    """Fewer intervals than a window: one sendcmd, no split, the graph as it was."""
    found = _build(tmp_path / "w", 2)
    assert found == {"sendcmd": [found["sendcmd"][0]], "asendcmd": [found["asendcmd"][0]]}
    graph = (tmp_path / "w" / "graph.txt").read_text()
    assert "segment=" not in graph and "concat=" not in graph


def _decode(path: Path) -> tuple[list[float], np.ndarray, np.ndarray]:
    with av.open(str(path)) as c:
        frames = list(c.decode(video=0))
        times = [float(f.time) for f in frames]
        pictures = np.stack([f.to_ndarray(format="rgb24").astype(int) for f in frames])
    with av.open(str(path)) as c:
        sound = np.concatenate([f.to_ndarray().astype(np.float64) for f in c.decode(audio=0)], axis=1)
    return times, pictures, sound


def test_windows_render_exactly_what_one_script_renders(tmp_path, monkeypatch):
    """Cut into windows of 7 intervals (dozens of sendcmds, split and joined again), the clip's
    frames keep their times and show the same pictures, and the sound the same envelope, as
    with one script: every command still reaches its filter on its own frame."""
    src = ms.make_video(tmp_path / "src.mp4", seconds=4, size="160x90", rate=25)
    doc = _doc(3, fps=25, width=160, height=90)
    outs = []
    for window in (100_000, 7):
        monkeypatch.setattr(commands, "WINDOW", window)
        work = tmp_path / f"w{window}"
        work.mkdir()
        args, duration = build_export_args(doc, {"a": Source(src, "video", True, True)}, work / "o.mp4", work, None)
        run_ffmpeg(args, duration=duration, what="The export")
        found = _scripts(work)
        assert (len(found["sendcmd"]) == 1) == (window == 100_000)
        outs.append(_decode(work / "o.mp4"))
    (t1, p1, s1), (t2, p2, s2) = outs
    assert t1 == t2 and p1.shape == p2.shape
    # which frames differ, and where: a failure seen once under heavy load (max 86) could not be
    # made again in 12 runs, nor in 36 lossless renders of both scripts six at a time (load 15).
    # The one nondeterminism found since is a layer placed by commands while the layers below
    # came from other inputs (media/layers.py, PLACE); this clip has one input over a generated
    # canvas. If it comes back, this says which frame and by how much
    diff = np.abs(p1.astype(int) - p2.astype(int))
    bad = [(i, float(t1[i]), int(diff[i].max())) for i in range(len(diff)) if diff[i].max() > 2]
    assert not bad, f"frames that differ (index, time, max difference): {bad[:10]}"
    assert s1.shape == s2.shape and np.abs(s1 - s2).max() < 1e-3
