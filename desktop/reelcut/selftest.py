"""`reelcut --self-test`: in the real window, generate with the offline model, put the clip on
the timeline, play it in the window's own engine, and report as JSON. Exit 0 only if it
played (and kept playing) with no CSP violation and no console error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from .errors import AppError
from .media.ffmpeg import ffmpeg_exe

PROMPT = "Reelcut self-test"
DEFAULT_MODEL = "local/preview-t2v"
MIN_PLAYED = 1.0  # seconds of currentTime the clip must reach
# The offline clip's length: the page plays past 1.2 s, watches the picture for up to 2 s, then
# reports, and the window is sampled twice after that; a 4 s clip had ended by then on a busy
# machine (both samples at 4.001 s), and a clip that ended cannot show playback going on.
CLIP_SECONDS = 10
# what the page's report must hold (web/js/app/selftest.js)
# the clip's element, as the page's self-test finds it (web/js/app/selftest.js)
CURRENT_TIME = "(document.querySelector('.screen .sources video') || {}).currentTime ?? null"
CLOSE_WAIT = 20.0  # seconds the window gets to close after the report
SAMPLE_GAP = 0.3  # seconds between two samples of currentTime after the page's report
PAGE_FIELDS = ("userAgent", "sourceKind", "currentTime", "violations", "firstFrameEpochMs", "pictureChange")


def _wait(predicate: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AppError("selftest_timeout", f"Timed out waiting for {what}.")


def run_self_test(server: Any, shell: Any, window: Any, started: float, timings: dict[str, float],
                  outcome: dict[str, int]) -> None:
    s = server.services
    report: dict[str, Any] = {"ok": False}
    try:
        _wait(lambda: "window_loaded_s" in timings, 60, "the window to load")
        _wait(lambda: s.proxies.capabilities, 30, "the page to report its codecs")
        project = s.projects.create("Self-test")
        # REELCUT_SELFTEST_MODEL picks another model (the tests use a fal model on the fake fal)
        model = os.environ.get("REELCUT_SELFTEST_MODEL", DEFAULT_MODEL)
        params = {"duration": CLIP_SECONDS, "resolution": "360p"} if model == DEFAULT_MODEL else {}
        job = s.jobs.start(project["id"], [model], PROMPT, {model: params})[0]
        job = s.jobs.wait(job["id"], timeout=120)
        if job["status"] != "done":
            raise AppError("selftest_generation", f"Generation {job['status']}: {job['message']}")
        item = s.media.get(job["media_id"])
        timeline = s.projects.timeline(project["id"])
        timeline["tracks"][0]["clips"] = [{"id": "selftest", "media_id": item["id"], "start": 0.0, "in": 0.0,
                                           "out": item["duration"]}]
        s.projects.save_timeline(project["id"], timeline)
        # a file "dropped from the file manager": a real drop event, imported by its path (on the
        # engines that import drops by path; on the others the page uploads what is dropped)
        report_drop: dict[str, Any] = {"dropped_file_imported": None}
        shell.project_id = project["id"]
        if shell.engine.drop_import:
            before = {m["id"] for m in s.media.list(project["id"])}
            still = Path(tempfile.mkdtemp()) / "dropped.png"
            subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180",
                            "-frames:v", "1", str(still)], check=True)
            shell.simulate_drop([str(still)])
            _wait(lambda: [m for m in s.media.list(project["id"]) if m["id"] not in before], 20,
                  "the dropped file to be imported")
            # what was observed: the new item is the dropped file, stored as an image
            dropped = [m for m in s.media.list(project["id"]) if m["id"] not in before]
            report_drop["dropped_file_imported"] = (len(dropped) == 1 and dropped[0]["kind"] == "image"
                                                    and dropped[0]["name"] == "dropped")
        if s.proxies.needs_proxy(item):
            _wait(lambda: s.media.get(item["id"])["proxy"]["status"] in ("ready", "failed"), 120, "the proxy")
        s.bus.publish("selftest", {"project_id": project["id"]})
        if not shell.selftest_done.wait(60):
            raise AppError("selftest_timeout", "The page did not report playback.")
        page = shell.selftest_report or {}
        missing = [k for k in PAGE_FIELDS if k not in page]
        if missing:
            # a page that stopped reporting a field must not pass as "no violations"
            raise AppError("selftest_report", f"The page's report lacks {', '.join(missing)}.")
        first_frame = page["firstFrameEpochMs"]
        # playback keeps going after the page's one sample: sampled again, twice, from the window
        samples = [shell.evaluate(CURRENT_TIME)]
        time.sleep(SAMPLE_GAP)
        samples.append(shell.evaluate(CURRENT_TIME))
        report = {
            "engine": page["userAgent"],
            "window_engine": {"name": shell.engine.name, "version": shell.engine.version()},
            "codecs": s.proxies.capabilities,
            "media": {"model": model, "video_codec": item["video_codec"],
                      "proxy": s.media.get(item["id"])["proxy"]["status"]},
            "played_source": page["sourceKind"],
            "window_title": window.title,  # the page asks for it over /api/desktop/title
            **report_drop,
            "current_time": page["currentTime"],
            **({"page_error": page["error"]} if page.get("error") else {}),
            "playback_samples": samples,
            "playback_advancing": all(isinstance(t, (int, float)) for t in samples) and samples[1] > samples[0],
            # mean change of the composed preview over half a second of play, up to two when busy
            # (0..255): 0 when the clip's element plays but nothing draws it
            "picture_change": page["pictureChange"],
            "csp_violations": page["violations"],
            "page_errors": list(shell.console_errors),  # console errors and uncaught exceptions
            "timings": {**timings, "first_frame_s": round(first_frame / 1000 - started, 3) if first_frame else None},
        }
        report["ok"] = bool((report["current_time"] or 0) >= MIN_PLAYED and not report["csp_violations"]
                            and report["dropped_file_imported"] is not False and report["playback_advancing"]
                            and (report["picture_change"] or 0) > 0
                            and not report["page_errors"])
    except Exception as exc:  # noqa: BLE001 - the report must say what went wrong
        report["error"] = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
    finally:
        print(json.dumps(report, indent=2), flush=True)
        sys.stdout.flush()
        outcome["code"] = 0 if report.get("ok") else 1
        # a self-test always ends: an engine whose window does not close (a stuck web process)
        # still exits, with the report's verdict
        deadline = threading.Timer(CLOSE_WAIT, os._exit, args=(outcome["code"],))
        deadline.daemon = True  # a window that closes ends the process at once
        deadline.start()
        window.destroy()
