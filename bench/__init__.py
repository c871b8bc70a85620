"""Reelcut benchmarks: each prints medians over several runs, a baseline measured in the same
run, and the ratio. Run `python -m bench --help`."""
