"""python -m bench [NAME ...] [--small]: run benchmarks and print their tables."""

from __future__ import annotations

import argparse
import importlib
import sys

from .common import print_table

BENCHES = {
    "ingest": ("Ingest: COMPLETED to playable", "ingest"),
    "range": ("Range serving throughput", "range_serving"),
    "parallel": ("Several models at once", "parallel_models"),
    "export": ("Export encode", "export_encode"),
    "smart": ("Smart render: a timeline of cuts exported by copy", "smart_render"),
    "animated": ("Animated values: render time per frame", "animated_values"),
    "project": ("A big project", "big_project"),
    "playback": ("Playback in Chromium", "playback"),
    "preview": ("The preview compositor in Chromium", "preview"),
    "timeline": ("The timeline at 50, 500 and 2000 clips", "timeline_ui"),
    "captions": ("The captions panel at 50 and 5000 lines", "captions_ui"),
    "proxy": ("Proxy encode", "proxy_encode"),
    "desktop": ("Desktop start", "desktop_start"),
    "projectui": ("A big project in the page", "big_project_ui"),
    "waveform": ("Waveform of long sound", "waveform"),
    "fill": ("Fill a gap: to the clip playing in place", "fill_to_play"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", choices=[[], *BENCHES], help="benchmarks to run (default: all)")
    parser.add_argument("--small", action="store_true", help="small sizes: a quick check that they run (CI)")
    args = parser.parse_args(argv)
    missed = 0
    for name in args.names or list(BENCHES):
        title, module = BENCHES[name]
        rows = importlib.import_module(f"bench.{module}").run(args.small)
        print_table(f"{title}{' (small)' if args.small else ''}", rows)
        missed += sum(1 for r in rows if r.ok is False)
    print(f"\n{missed} target(s) missed" if missed else "\nall targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
