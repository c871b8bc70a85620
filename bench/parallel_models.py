"""Four models at once against one model, with a provider whose jobs take L seconds: the
field report's editor ran models one after another (4 × L)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from unittest import mock

from reelcut.generation import registry
from reelcut.generation.base import GeneratedFile, JobContext

from .common import Row, median_of, scratch
from .fixtures import make_clip, services_at


class SleepyProvider:
    """Waits L seconds like a remote queue, then hands over a real clip."""

    def __init__(self, latency: float, clip: Path) -> None:
        self.latency = latency
        self.clip = clip

    def generate(self, ctx: JobContext) -> GeneratedFile:
        ctx.report("queued", 0.0, queue_position=0)
        end = time.monotonic() + self.latency
        while (left := end - time.monotonic()) > 0:
            ctx.report("generating", 1 - left / self.latency)
            time.sleep(min(0.05, left))
        out = ctx.temp_dir / f"{ctx.job_id}.mp4"
        shutil.copyfile(self.clip, out)
        return GeneratedFile(path=out, remote_url=None, cost=0.0)

    def cancel(self, ctx: JobContext) -> None:
        pass


def _models(n: int) -> tuple[dict, ...]:
    base = registry.get_model("local/preview-t2v")
    return tuple({**base, "id": f"bench/model-{i}", "provider": "bench"} for i in range(n))


def run(small: bool) -> list[Row]:
    latency = 1.0 if small else 5.0
    with scratch() as d:
        clip = make_clip(d / "result.mp4", seconds=2, size="1280x720")
        b = services_at(d / "data", {"bench": SleepyProvider(latency, clip)})
        models = _models(4)
        with mock.patch.object(registry, "entries", lambda: models):
            pid = b.projects.create("Bench")["id"]

            def batch(n: int) -> float:
                t = time.perf_counter()
                jobs = b.jobs.start(pid, [m["id"] for m in models[:n]], "a bench prompt")
                for j in jobs:
                    assert b.jobs.wait(j["id"], timeout=120)["status"] == "done"
                return time.perf_counter() - t

            runs = 3
            one = median_of(runs, lambda: batch(1))
            four = median_of(runs, lambda: batch(4))
        b.close()
    return [Row(f"four models at once (L = {latency:g} s), s", four, "s", "one model, s", one, "<= 1.2 x L",
                four <= 1.2 * latency),
            Row("four models one after another (field report), s", 4 * one, "s", "one model, s", one, "", None)]
