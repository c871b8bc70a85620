"""What a window engine really plays, asked of the engine itself (`reelcut doctor`).

The child side (`run`, started as `reelcut doctor --probe-engine NAME`) opens a hidden pywebview
window in that engine, as the app does, on a tiny page served from 127.0.0.1 that imports the
page's own capability module (web/js/app/capabilities.js): the report is the one the app's page
sends to the server, so there is one definition of what is probed. It prints that report as one
JSON line and exits.

The parent side (`probe`) runs the child with a hard time limit, kills its whole process group
(the engine's web processes too) on timeout and reaps it, and says what happened: the report,
or that the engine could not start, timed out or crashed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

MARK = "REELCUT-ENGINE-PROBE "  # the report's line, told apart from what the engine prints
TIMEOUT = 30.0  # seconds the child gets, start to report (a cold Qt WebEngine starts in ~2 s)
PAGE_WAIT = 20.0  # seconds the child waits for the page's report
EXIT_WAIT = 5.0  # seconds the child's window gets to close after the report
PAGE = (b"<!doctype html><meta charset=utf-8><title>Reelcut engine probe</title>"
        b"<script type=module src=probe.js></script>")
# The page's own codecReport (what is POSTed to /api/capabilities), and MediaSource's answer
# for the same types
SCRIPT = b"""import { PROBES, codecReport } from './js/app/capabilities.js';
const mse = typeof MediaSource === 'undefined' ? null
  : Object.fromEntries(Object.entries(PROBES).map(([k, type]) => [k, MediaSource.isTypeSupported(type)]));
window.reelcutProbe = JSON.stringify({ codecs: codecReport(), media_source: mse, user_agent: navigator.userAgent });
"""
REPORT = "window.reelcutProbe ?? null"


def has_display() -> bool:
    if not sys.platform.startswith("linux"):
        return True  # macOS and Windows always have their window system
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _page_server() -> ThreadingHTTPServer:
    """The probe page and the page's own modules under /js/, on a loopback port of its own."""
    from ..config import web_dir

    js_root = (web_dir() / "js").resolve()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            path = self.path.split("?")[0]
            body, kind = None, "text/javascript"
            if path in ("/", "/probe.html"):
                body, kind = PAGE, "text/html; charset=utf-8"
            elif path == "/probe.js":
                body = SCRIPT
            elif path.startswith("/js/") and path.endswith(".js"):
                file = (js_root / path[len("/js/"):]).resolve()
                if file.is_relative_to(js_root) and file.is_file():
                    body = file.read_bytes()
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass  # the child's stdout carries the report only

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, name="probe-page", daemon=True).start()
    return server


def _emit(report: dict[str, Any]) -> None:
    print(MARK + json.dumps(report), flush=True)


def run(name: str) -> int:
    """The child: open a hidden window in engine name, print its report, exit (0 if it answered)."""
    from . import EngineMissing, load

    started = time.monotonic()
    try:
        import webview

        engine = load(name)
    except (ImportError, EngineMissing) as exc:
        _emit({"engine": name, "ok": False, "error": str(exc)})
        return 3
    engine.prepare(self_test=False)
    server = _page_server()
    url = f"http://127.0.0.1:{server.server_address[1]}/probe.html"
    window = webview.create_window("Reelcut engine probe", url, hidden=True, width=320, height=240)
    loaded = threading.Event()
    window.events.loaded += loaded.set
    outcome = {"code": 1}

    def ask() -> None:
        report: dict[str, Any] = {"engine": name, "ok": False}
        try:
            report["version"] = engine.version()
            if not loaded.wait(PAGE_WAIT):
                raise TimeoutError("the probe page did not load")
            deadline = time.monotonic() + PAGE_WAIT
            answer = None
            while answer is None and time.monotonic() < deadline:
                answer = engine.evaluate(window, REPORT, timeout=PAGE_WAIT)
                if answer is None:
                    time.sleep(0.05)
            if answer is None:
                raise TimeoutError("the page's capability module did not report")
            report.update(json.loads(answer), ok=True)
        except Exception as exc:  # noqa: BLE001 - the report must say what went wrong
            report["error"] = f"{type(exc).__name__}: {exc}"
        report["seconds"] = round(time.monotonic() - started, 2)
        _emit(report)
        outcome["code"] = 0 if report["ok"] else 1
        # the report is out: a window that does not close must not keep the process alive
        timer = threading.Timer(EXIT_WAIT, os._exit, args=(outcome["code"],))
        timer.daemon = True
        timer.start()
        window.destroy()

    threading.Thread(target=ask, name="engine-probe", daemon=True).start()
    try:
        webview.start(gui=engine.gui if sys.platform.startswith("linux") else None)
    finally:
        server.shutdown()
    return outcome["code"]


def child_command(name: str) -> list[str]:
    """How this Reelcut starts itself as the probe child (the frozen app is its own interpreter)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "doctor", "--probe-engine", name]
    return [sys.executable, "-m", "reelcut", "doctor", "--probe-engine", name]


def child_env(name: str) -> dict[str, str]:
    env = dict(os.environ)
    if name == "qt" and not has_display() and "QT_QPA_PLATFORM" not in env:
        env["QT_QPA_PLATFORM"] = "offscreen"  # Qt draws without a screen; GTK has no such backend
    if "PYTHONPATH" not in env and not getattr(sys, "frozen", False):
        # the child imports this very package, wherever it was found
        env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    return env


def _kill_group(proc: subprocess.Popen[str]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the child leads its own group: its web processes go too
    except ProcessLookupError:
        pass


def probe(name: str, timeout: float = TIMEOUT) -> dict[str, Any]:
    """Run the child for engine name. The answer always has "engine", "ok" and "seconds"; when
    ok, "codecs" (the page's canPlayType report), "media_source", "user_agent" and "version";
    otherwise "problem": "no_display", "timeout", "crashed" or "failed", and "error"."""
    started = time.monotonic()
    if name == "gtk" and not has_display():
        return {"engine": name, "ok": False, "problem": "no_display", "seconds": 0.0,
                "error": "no display to open a WebKitGTK window on (DISPLAY and WAYLAND_DISPLAY are unset)"}
    proc = subprocess.Popen(child_command(name), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=child_env(name), start_new_session=True, stdin=subprocess.DEVNULL)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        proc.communicate()  # reaped, and its pipes drained
        return {"engine": name, "ok": False, "problem": "timeout", "seconds": round(time.monotonic() - started, 2),
                "error": f"the engine did not answer within {timeout:g} s (killed)"}
    _kill_group(proc)  # a web process the child left behind
    seconds = round(time.monotonic() - started, 2)
    lines = [line[len(MARK):] for line in out.splitlines() if line.startswith(MARK)]
    if lines:
        report = json.loads(lines[-1])
        report["seconds"] = seconds
        if not report.get("ok"):
            report["problem"] = "failed"
        return report
    if proc.returncode < 0:
        how = f"killed by {signal.Signals(-proc.returncode).name}"
    else:
        how = f"exit {proc.returncode}"
    tail = " | ".join(line.strip() for line in err.strip().splitlines()[-3:] if line.strip())
    return {"engine": name, "ok": False, "problem": "crashed", "seconds": seconds, "exit_code": proc.returncode,
            "error": f"the engine's process ended without a report ({how})" + (f": {tail}" if tail else "")}
