"""A data directory (and temp folder) whose name ffmpeg's graph syntax would take apart: a quote
and a backslash. Exports, offline generation and proxies must all still work, and the
escaping that makes them work must hold for every character the graph parsers treat as special."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from reelcut.media.ffmpeg import ffmpeg_exe, graph_file_option, major_version
from reelcut.media.filtergraph import path_value, write_graph
from reelcut.media.fonts import find_font

from . import media_samples as ms

ODD = "o'brien\\x"
QT = {"h264_aac": "", "vp9_opus": "probably", "av1": "probably"}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Replaces conftest's: every fixture built on it (services, api) lives under o'brien\\x."""
    d = tmp_path / ODD / "data"
    d.mkdir(parents=True)
    return d


@pytest.fixture
def odd_font(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The font itself under the odd name too (REELCUT_FONT), so drawtext's fontfile is tested."""
    font = find_font()
    assert font, "these tests need a font: install fonts-dejavu-core"
    copy = data_dir.parent / "font's\\dir" / "bold.ttf"
    copy.parent.mkdir()
    shutil.copyfile(font, copy)
    monkeypatch.setenv("REELCUT_FONT", str(copy))
    return copy


def _frames(path: Path) -> list[tuple[float, np.ndarray]]:
    with av.open(str(path)) as c:
        return [(float(f.pts * f.time_base), f.to_ndarray(format="rgb24")) for f in c.decode(video=0)]


def _at(frames: list[tuple[float, np.ndarray]], t: float, y: int, x: int) -> tuple[int, ...]:
    return tuple(int(v) for v in min(frames, key=lambda f: abs(f[0] - t))[1][y, x])


def _close(c: tuple[int, ...], want: tuple[int, int, int], tol: int = 40) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(c, want, strict=True))


def test_export_in_a_data_dir_with_a_quote_and_a_backslash(services: Any, project: dict, odd_font: Path,
                                                            tmp_path: Path) -> None:
    assert ODD in str(services.config.temp_dir)
    pid = project["id"]
    blue = services.media.import_path(pid, ms.make_video(tmp_path / "blue.mp4", color="blue", seconds=2))
    tl = services.projects.timeline(pid)
    tl.update({"width": 320, "height": 240, "fps": 25})
    tl["tracks"] = [
        {"id": "t", "kind": "text", "clips": [{"id": "x", "start": 0, "duration": 1, "text": "█████", "x": 0.5,
                                               "y": 0.5, "size": 120, "color": "#00ff00"}]},
        {"id": "v", "kind": "video", "clips": [{"id": "b", "media_id": blue["id"], "start": 0, "in": 0, "out": 2}]},
    ]
    services.projects.save_timeline(pid, tl)
    job = services.exports.wait(services.exports.start(pid)["id"], timeout=120)
    assert job["status"] == "done", job
    out = services.exports.file_path(job["id"])
    assert ODD in str(out) and out.is_file()
    with av.open(str(out)) as c:
        assert abs(c.duration / av.time_base - 2.0) <= 0.05
    frames = _frames(out)
    assert abs(len(frames) - 50) <= 1
    assert _close(_at(frames, 0.5, 120, 160), (0, 255, 0))   # the text clip is drawn, in its font
    assert _close(_at(frames, 1.5, 120, 160), (0, 0, 255))   # and only for its second
    assert _close(_at(frames, 0.5, 8, 8), (0, 0, 255))


@pytest.mark.parametrize("model", ["local/preview-t2v", "local/preview-i2v"])
def test_offline_generation_in_a_data_dir_with_a_quote_and_a_backslash(services: Any, project: dict, odd_font: Path,
                                                                       samples: dict, model: str) -> None:
    image = services.media.import_path(project["id"], samples["image"])["id"] if model.endswith("i2v") else None
    job = services.jobs.start(project["id"], [model], "a kite over o'brien's field",
                            {model: {"duration": 1, "resolution": "360p", "fps": 24}}, image)[0]
    job = services.jobs.wait(job["id"], timeout=60)
    assert job["status"] == "done", job
    path, _ = services.media.file_path(job["media_id"])
    assert ODD in str(path)
    with av.open(str(path)) as c:
        assert c.streams.video[0].codec_context.name == "h264"
        assert abs(c.duration / av.time_base - 1.0) <= 1 / 24
        assert sum(1 for _ in c.decode(video=0)) == 24


def test_proxy_in_a_data_dir_with_a_quote_and_a_backslash(services: Any, project: dict, samples: dict) -> None:
    item = services.media.import_path(project["id"], samples["video"])
    services.proxies.set_capabilities(QT)
    assert services.proxies.wait_idle(timeout=60), "the proxy was not made within 60 s"
    item = services.media.get(item["id"])
    assert item["proxy"]["status"] == "ready", item["proxy"]
    proxy = services.media.proxy_path(item["id"])
    assert ODD in str(proxy)
    with av.open(str(proxy)) as c:
        assert c.streams.video[0].codec_context.name == "vp9"
        assert sum(1 for _ in c.decode(video=0)) == 50


def test_every_character_the_graph_parsers_treat_as_special_survives(tmp_path: Path) -> None:
    """Both levels of ffmpeg's parsing (the graph's `[],;` and quotes, the options' `:=` and
    quotes), backslashes, spaces and a percent sign, in a textfile's folder name."""
    folder = tmp_path / "a'b\\c:d,e[f]g;h=i j%k 'l'"
    folder.mkdir()
    text = folder / "t.txt"
    text.write_text("█", "utf-8")
    font = find_font()
    assert font
    graph = (f"color=c=black:s=64x48:d=0.2,drawtext=fontfile={path_value(font)}:textfile={path_value(text)}"
             ":expansion=none:fontcolor=0x00ff00:fontsize=60:x=(w-text_w)/2:y=(h-text_h)/2[v]")
    out = folder / "out.mp4"
    r = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
                        *write_graph(graph, folder / "graph.txt"), "-map", "[v]", str(out)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert _close(_at(_frames(out), 0.1, 24, 32), (0, 255, 0))


def test_the_graph_file_option_follows_the_ffmpeg_version() -> None:
    assert major_version("ffmpeg version n9.0.2-17-g2a571b6068-20260930 Copyright (c)") == 9
    assert major_version("ffmpeg version 5.1.6-0+deb12u1 Copyright (c) 2000-2024") == 5
    assert major_version("ffmpeg version N-113000-gdeadbeef Copyright") is None
    assert graph_file_option() == "-/filter_complex"  # what this machine's ffmpeg (9.0) needs
