"""The shell's window behaviour in the real Qt engine (not only the pure functions): the
navigation lock as Qt applies it, new windows, and the window's size and position written when
it closes and used when it opens again. A probe replaces the self-test's body inside the real
`run_desktop`, so the same wiring the product uses is what gets tested; it runs offscreen in a
subprocess, launched twice on one data dir.

Nothing is judged after a fixed sleep: the probe records every navigation decision the shell's
Qt hooks make, every `loadFinished` and `urlChanged` of the view, and waits (bounded, failing
with what it waited for) for the one each step expects."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PROBE = r'''
import json, sys, threading, time, types, webbrowser
from pathlib import Path
from reelcut import selftest, shell
from reelcut.config import Config
from reelcut.engines.qt import ENGINE, QtEngine

MODE, DATA_DIR = sys.argv[1], Path(sys.argv[2])
WAIT = 20  # seconds any one step may take on a loaded 2-core machine

opened = []
webbrowser.open = lambda url, *a, **k: opened.append(url) or True

# Every navigation decision the shell's hooks make, in order: (hook, url, allowed). Recorded by
# wrapping the hooks lock_navigation installs, so the probe waits for the refusal itself.
changed = threading.Condition()
decisions, loads, url_history, injected = [], [], [], []


def record(target, item):
    with changed:
        target.append(item)
        changed.notify_all()


def recording_lock(self, app_origin, _lock=QtEngine.lock_navigation):
    _lock(self, app_origin)
    from webview.platforms import qt
    for cls, hook in ((qt.BrowserView.WebPage, "page"), (qt.BrowserView.NavigationHandler, "new_window")):
        def accept(self, url, nav_type, is_main_frame, _decide=cls.acceptNavigationRequest, _hook=hook):
            allowed = _decide(self, url, nav_type, is_main_frame)
            record(decisions, (_hook, url.toString(), bool(allowed)))
            return allowed
        cls.acceptNavigationRequest = accept


QtEngine.lock_navigation = recording_lock
# The self-test always makes a fresh data dir; the probe points it at one dir for both launches,
# so the second finds the window.json the first wrote.
shell.tempfile = types.SimpleNamespace(mkdtemp=lambda prefix="": str(DATA_DIR))

# what the shell asked pywebview to open the window with
import webview
asked = {}
_create = webview.create_window
def create_window(*args, **kwargs):
    asked.update({k: kwargs.get(k) for k in ("width", "height", "x", "y")})
    return _create(*args, **kwargs)
webview.create_window = create_window


def wait_for(predicate, what, seconds=WAIT):
    """Block until predicate() holds (checked whenever a decision or load is recorded); fail
    saying what did not happen."""
    with changed:
        if not changed.wait_for(predicate, timeout=seconds):
            raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def probe(server, sh, window, started, timings, outcome):
    from qtpy import QtCore
    from qtpy.QtWebEngineCore import QWebEnginePage
    from qtpy.QtWidgets import QApplication

    result = {"mode": MODE, "asked": asked}

    class Invoker(QtCore.QObject):  # a queued signal carries calls to the GUI thread
        call = QtCore.Signal(object)

        def __init__(self):
            super().__init__()
            self.call.connect(self.run, QtCore.Qt.ConnectionType.QueuedConnection)

        @QtCore.Slot(object)
        def run(self, target):
            target()

    def gui(fn):
        box, done = [], threading.Event()
        invoker.call.emit(lambda: (box.append(fn()), done.set()))
        if not done.wait(WAIT):
            raise AssertionError("the GUI thread did not answer")
        return box[0]

    def geometry():
        """Where the window is: its frame's top-left (where move() puts it, QWidget.pos()) and
        its inner size (what resize() sets)."""
        n = window.native
        return {"width": n.width(), "height": n.height(), "x": n.x(), "y": n.y()}

    def inner_position():
        """The top-left of the inside of the frame (QWidget.geometry()): what pywebview's
        window.x and window.y report."""
        g = window.native.geometry()
        return {"x": g.x(), "y": g.y()}

    try:
        # hidden until loaded: sample Qt's own visibility until the load is reported (run_desktop
        # records the load before it calls show(), so a visible sample with no load is a failure)
        invoker, result["hidden_samples"], result["visible_before_load"] = None, 0, False
        deadline = time.monotonic() + 60
        while "window_loaded_s" not in timings:
            if time.monotonic() > deadline:
                raise AssertionError("timed out after 60 s waiting for the window to report its page loaded")
            if invoker is None and QApplication.instance() is not None:
                invoker = Invoker()
                invoker.moveToThread(QApplication.instance().thread())
            if invoker is not None and getattr(window, "native", None) is not None:
                if gui(window.native.isVisible) and "window_loaded_s" not in timings:
                    result["visible_before_load"] = True
                result["hidden_samples"] += 1
            time.sleep(0.02)  # the sampling rate, not a judgement
        if invoker is None:
            invoker = Invoker()
            invoker.moveToThread(QApplication.instance().thread())
        view = window.native.webview
        # the view's own signals, recorded on the GUI thread where Qt emits them
        gui(lambda: (view.loadFinished.connect(lambda ok: record(loads, (view.url().toString(), bool(ok)))),
                     view.urlChanged.connect(lambda url: record(url_history, url.toString()))))
        # pywebview fires `loaded` after every loadFinished, once its thread has injected its
        # script; the window must not close while one is at it (waited for at the end)
        window.events.loaded += lambda: record(injected, time.monotonic())
        # shown: run_desktop calls show() once loaded; Qt applies it on the GUI thread
        deadline = time.monotonic() + WAIT
        while not gui(window.native.isVisible):
            if time.monotonic() > deadline:
                raise AssertionError(f"the window was still hidden {WAIT} s after its page loaded")
            time.sleep(0.05)
        result["visible_after_load"] = True
        # where it opened, before anything moved it
        result["opened_at"] = gui(geometry)
        result["screen"] = gui(lambda: window.native.screen.getRect())
        origin = server.url.rstrip("/")
        result["origin"] = origin
        result["page_url"] = gui(lambda: view.url().toString())  # where the start-up link landed
        result["app_url"] = server.app_url
        if MODE == "first":
            navigate(result, view, gui, server, QtCore, QWebEnginePage)
            want = {"width": 1111, "height": 777, "x": 33, "y": 44}
            window.resize(want["width"], want["height"])
            window.move(want["x"], want["y"])
            # Qt applies both on the GUI thread; wait until it reports them (offscreen Qt moves
            # a window where it is told)
            deadline = time.monotonic() + WAIT
            while (got := gui(geometry)) != want:
                if time.monotonic() > deadline:
                    raise AssertionError(f"the window did not take {want} within {WAIT} s: it is at {got}")
                time.sleep(0.05)
            result["closed_at"] = got
            result["closed_inner_position"] = gui(inner_position)
        # pywebview's injecting thread (not a daemon) waits for the page to answer; a window closed
        # under it never does, and the process would never exit
        wait_for(lambda: len(injected) >= len(loads), "pywebview to finish its script after every load")
    except Exception as exc:
        result["error"] = repr(exc)
    finally:
        print("PROBE " + json.dumps(result), flush=True)
        window.destroy()


def navigate(result, view, gui, server, QtCore, QWebEnginePage):
    app_url = server.app_url
    nav = result["navigations"] = {}
    for target in ("https://example.com/help", "http://example.com/", "file:///etc/passwd",
                   "data:text/html,hi", app_url + "?probe=1"):
        before, seen, seen_loads = len(opened), len(decisions), len(loads)
        gui(lambda: view.load(QtCore.QUrl(target)))
        decided = lambda: next((d for d in decisions[seen:] if d[0] == "page" and d[1] == target), None)
        wait_for(decided, f"the window to decide about {target}")
        # Qt starts every load and ends it with loadFinished: ok for an allowed one, not ok for a
        # refused one. Until then view.url() may still name the refused target.
        wait_for(lambda: len(loads) > seen_loads, f"the load of {target} to end (loadFinished)")
        nav[target] = {"allowed": decided()[2], "load_ok": loads[seen_loads][1],
                       "url": gui(lambda: view.url().toString()), "opened_in_browser": opened[before:]}
    # what Chromium does for target=_blank / window.open: a new page asked for, then navigated
    before, seen = len(opened), len(decisions)
    targets = ("https://example.com/tab", "http://example.com/tab")
    for target in targets:
        gui(lambda: view.page().createWindow(QWebEnginePage.WebWindowType.WebBrowserTab).load(QtCore.QUrl(target)))
    wait_for(lambda: {d[1] for d in decisions[seen:] if d[0] == "new_window"} >= set(targets),
             f"the window to decide about the new windows {targets}")
    result["new_windows"] = [d for d in decisions[seen:] if d[0] == "new_window"]
    result["new_windows_opened_in_browser"] = opened[before:]
    result["windows"] = gui(lambda: len([w for w in QtCore.QCoreApplication.instance().topLevelWidgets()
                                         if w.isVisible()]))
    # Navigations are handled in order: once a later load of the app's own page has finished, a
    # refused one that had slipped through would have shown in the history by now.
    end = app_url + "?probe=end"
    gui(lambda: view.load(QtCore.QUrl(end)))
    wait_for(lambda: any(u == end and ok for u, ok in loads), f"{end} to finish loading")
    with changed:
        result["url_history"], result["loads"] = list(url_history), list(loads)


selftest.run_self_test = probe
config = Config()
shell.run_desktop(config, ENGINE, self_test=True)
state = DATA_DIR / shell.STATE_FILE
print("STATE " + (state.read_text() if state.exists() else "null"), flush=True)
'''


def launch(data_dir: Path, mode: str) -> dict[str, Any]:
    """Run the real window once on `data_dir`; the probe's report, with the window.json it left."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox"}
    try:
        out = subprocess.run([sys.executable, "-c", PROBE, mode, str(data_dir)], capture_output=True, text=True,
                             timeout=120, env=env)
    except subprocess.TimeoutExpired as exc:  # killed: say what it had printed by then
        def text(b: bytes | str | None) -> str:
            return b.decode(errors="replace") if isinstance(b, bytes) else (b or "")
        raise AssertionError(f"the {mode} launch did not end within 120 s; stdout: {text(exc.stdout)[-2000:]}; "
                             f"stderr: {text(exc.stderr)[-3000:]}") from None
    lines = {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in out.stdout.splitlines()
             if line.startswith(("PROBE ", "STATE "))}
    assert "PROBE" in lines, f"exit {out.returncode}; stderr: {out.stderr[-3000:]}"
    result = json.loads(lines["PROBE"])
    assert "error" not in result, f"{result['error']}; stderr: {out.stderr[-2000:]}"
    result["state"] = json.loads(lines["STATE"]) if "STATE" in lines else None
    return result


@pytest.fixture(scope="module")
def window_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("window-data")


@pytest.fixture(scope="module")
def probe(window_data_dir: Path) -> dict[str, Any]:
    """The first launch: a fresh data dir, so the window opens at the default size."""
    return launch(window_data_dir, "first")


@pytest.fixture(scope="module")
def second(probe: dict[str, Any], window_data_dir: Path) -> dict[str, Any]:
    """The second launch on the data dir the first one closed on."""
    return launch(window_data_dir, "second")


@pytest.mark.slow
def test_the_window_is_shown_once_loaded(probe: dict[str, Any]) -> None:
    assert probe["visible_before_load"] is False and probe["hidden_samples"] > 0
    assert probe["visible_after_load"] is True


@pytest.mark.slow
def test_qt_keeps_the_window_on_the_app_origin(probe: dict[str, Any]) -> None:
    nav = probe["navigations"]
    origin = probe["origin"]
    external = nav["https://example.com/help"]
    assert external["allowed"] is False and external["load_ok"] is False
    assert external["opened_in_browser"] == ["https://example.com/help"]  # the system browser
    assert external["url"].startswith(origin)                             # ...and the window stayed
    for refused in ("http://example.com/", "file:///etc/passwd", "data:text/html,hi"):
        assert nav[refused]["allowed"] is False and nav[refused]["load_ok"] is False, refused
        assert nav[refused]["opened_in_browser"] == [], refused
        assert nav[refused]["url"].startswith(origin), refused
    # not even for a moment: up to a later load of the app's own page, the view never announced
    # (urlChanged) nor finished loading anything off the origin
    assert [u for u in probe["url_history"] if not u.startswith(origin)] == []
    assert [u for u, _ in probe["loads"] if not u.startswith(origin)] == []
    app_url = probe["app_url"]                                            # the session prefix...
    assert app_url.startswith(origin + "/s/") and probe["page_url"] == app_url  # ...is where the link landed
    assert nav[app_url + "?probe=1"] == {"allowed": True, "load_ok": True,      # its own pages still load
                                          "url": app_url + "?probe=1", "opened_in_browser": []}


@pytest.mark.slow
def test_new_windows_never_open_in_the_app(probe: dict[str, Any]) -> None:
    assert sorted(probe["new_windows"]) == [["new_window", "http://example.com/tab", False],
                                           ["new_window", "https://example.com/tab", False]]
    assert probe["new_windows_opened_in_browser"] == ["https://example.com/tab"]
    assert probe["windows"] == 1


# The first launch resizes and moves the window to this, then closes it.
LEFT_AT = {"width": 1111, "height": 777, "x": 33, "y": 44}


@pytest.mark.slow
def test_size_is_written_when_the_window_closes(probe: dict[str, Any]) -> None:
    assert probe["asked"] == {"width": 1400, "height": 880, "x": None, "y": None}  # nothing saved yet: the default
    assert probe["closed_at"] == LEFT_AT
    assert probe["state"] is not None, "window.json was not written"
    assert set(probe["state"]) == {"width", "height", "x", "y"}
    assert (probe["state"]["width"], probe["state"]["height"]) == (1111, 777)


@pytest.mark.slow
def test_position_is_written_where_the_window_was(probe: dict[str, Any]) -> None:
    assert probe["state"] == LEFT_AT, f"the frame was at {probe['closed_at']}, its inside at " \
                                      f"{probe['closed_inner_position']}"


@pytest.mark.slow
def test_a_second_launch_opens_at_what_the_first_saved(probe: dict[str, Any], second: dict[str, Any]) -> None:
    """The shell asks pywebview for the saved size and position, and offscreen Qt puts the window
    exactly there (its frame at x, y; its inside width × height)."""
    saved = probe["state"]
    assert second["asked"] == saved
    assert second["opened_at"] == saved, f"asked for {saved}, opened at {second['opened_at']} on {second['screen']}"


@pytest.mark.slow
def test_the_window_reopens_where_it_was_closed(second: dict[str, Any]) -> None:
    assert second["opened_at"] == LEFT_AT
