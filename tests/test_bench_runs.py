"""Benchmarks are not tests; CI only checks that they run, at their small sizes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.timeout(960)  # the benchmarks' own 900 s fits inside it, so their timeout is the one reported
def test_benchmarks_run_small() -> None:
    out = subprocess.run([sys.executable, "-m", "bench", "--small"], cwd=ROOT, capture_output=True, text=True,
                         timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    for title in ("Range serving throughput", "Several models at once", "Export encode", "A big project",
                  "Playback in Chromium", "Proxy encode", "A big project in the page", "Ingest: COMPLETED to playable",
                  "The preview compositor in Chromium", "Waveform of long sound",
                  "Animated values: render time per frame", "The timeline at 50, 500 and 2000 clips",
                  "Smart render: a timeline of cuts exported by copy", "Fill a gap: to the clip playing in place"):
        assert f"## {title}" in out.stdout
    assert "baseline:" in out.stdout


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_the_animated_values_bench_reports_opacity_against_a_still_clip() -> None:
    """The animated-values bench alone (a quick check while working on the export's filters): it
    reports, at each length, the clip whose opacity changes on every frame against the same clip
    held still, with the 1.5x target, beside the moving clip's row."""
    out = subprocess.run([sys.executable, "-m", "bench", "animated", "--small"], cwd=ROOT, capture_output=True,
                         text=True, timeout=280)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "## Animated values: render time per frame (small)" in out.stdout
    for length in ("5 s", "20 s"):
        for what in ("opacity changes every frame", "rotation, position, volume change every frame"):
            row = next((line for line in out.stdout.splitlines() if line.startswith(f"{length}: {what}")), None)
            assert row is not None and "<= 1.5x" in row, (length, what, out.stdout)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_the_smart_render_bench_reports_clips_cut_mid_gop_against_the_re_encode() -> None:
    """The smart-render bench alone: beside the whole clips copied, every clip cut mid-GOP is
    spliced (re-encoded to its next keyframe, copied after) and timed against the re-encode."""
    out = subprocess.run([sys.executable, "-m", "bench", "smart", "--small"], cwd=ROOT, capture_output=True,
                         text=True, timeout=280)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "## Smart render: a timeline of cuts exported by copy (small)" in out.stdout
    spliced = next((line for line in out.stdout.splitlines() if line.startswith("every clip cut mid-GOP")), None)
    assert spliced is not None and "spliced" in spliced and spliced.rstrip().endswith("yes"), out.stdout
    timed = next((line for line in out.stdout.splitlines() if "every clip cut mid-GOP, smart render, s" in line), None)
    assert timed is not None and "<= 0.35x" in timed, out.stdout


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_the_fill_bench_reports_fill_to_playing_against_the_models_own_render() -> None:
    """The Fill bench alone: the click on Fill to the clip playing in the page, beside the offline
    model's render of the same clip measured in the same run, and what Fill adds in seconds."""
    out = subprocess.run([sys.executable, "-m", "bench", "fill", "--small"], cwd=ROOT, capture_output=True,
                         text=True, timeout=280)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "## Fill a gap: to the clip playing in place (small)" in out.stdout
    lines = out.stdout.splitlines()
    plays = next((i for i, line in enumerate(lines) if line.startswith("4 s gap: Fill to the clip playing in place")),
                 None)
    assert plays is not None and "<= render + 1.5 s" in lines[plays], out.stdout
    # a real baseline (the render's seconds) and the ratio against it, not dashes
    figures = re.search(r"\s(\d+\.\d{3}) s\s+(\d+\.\d{3})\s+(\d+\.\d{2})\s", lines[plays])
    assert figures and all(float(f) > 0 for f in figures.groups()), lines[plays]
    assert "offline model's render of the 4 s clip" in lines[plays + 1], out.stdout
    added = next((line for line in lines if line.startswith("4 s gap: what Fill adds to the render, s")), None)
    assert added is not None and "<= 1.5 s" in added, out.stdout
