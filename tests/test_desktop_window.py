"""The shell's window behaviour in the real Qt engine (not only the pure functions): the
navigation lock as Qt applies it, new windows, and the window's size and position written when
it closes. A probe replaces the self-test's body inside the real `run_desktop`, so the same
wiring the product uses is what gets tested; it runs offscreen in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

PROBE = r'''
import json, sys, threading, time, webbrowser
from reelcut import selftest, shell
from reelcut.config import Config

opened = []
webbrowser.open = lambda url, *a, **k: opened.append(url) or True


def probe(server, sh, window, started, timings, outcome):
    from qtpy import QtCore
    from qtpy.QtWebEngineCore import QWebEnginePage
    from qtpy.QtWidgets import QApplication

    result = {"navigations": {}}

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
        assert done.wait(10), "the GUI thread did not answer"
        return box[0]

    try:
        # hidden until loaded: sample Qt's own visibility until the load is reported (run_desktop
        # records the load before it calls show(), so a visible sample with no load is a failure)
        invoker, result["hidden_samples"], result["visible_before_load"] = None, 0, False
        while "window_loaded_s" not in timings:
            if invoker is None and QApplication.instance() is not None:
                invoker = Invoker()
                invoker.moveToThread(QApplication.instance().thread())
            if invoker is not None and getattr(window, "native", None) is not None:
                if gui(window.native.isVisible) and "window_loaded_s" not in timings:
                    result["visible_before_load"] = True
                result["hidden_samples"] += 1
            time.sleep(0.02)
        if invoker is None:
            invoker = Invoker()
            invoker.moveToThread(QApplication.instance().thread())
        view = window.native.webview
        deadline = time.monotonic() + 10
        while not gui(window.native.isVisible) and time.monotonic() < deadline:
            time.sleep(0.05)
        result["visible_after_load"] = gui(window.native.isVisible)
        origin = server.url.rstrip("/")
        result["page_url"] = gui(lambda: view.url().toString())  # where the start-up link landed
        result["app_url"] = server.app_url
        for target in ("https://example.com/help", "http://example.com/", "file:///etc/passwd",
                       "data:text/html,hi", server.app_url + "?probe=1"):
            before = len(opened)
            gui(lambda: view.load(QtCore.QUrl(target)))
            time.sleep(1.5)
            result["navigations"][target] = {"url": gui(lambda: view.url().toString()),
                                              "opened_in_browser": opened[before:]}
        # what Chromium does for target=_blank / window.open: a new page asked for, then navigated
        before = len(opened)
        for target in ("https://example.com/tab", "http://example.com/tab"):
            gui(lambda: view.page().createWindow(QWebEnginePage.WebWindowType.WebBrowserTab).load(
                QtCore.QUrl(target)))
        time.sleep(1.0)
        result["new_windows_opened_in_browser"] = opened[before:]
        result["windows"] = gui(lambda: len([w for w in QtCore.QCoreApplication.instance().topLevelWidgets()
                                             if w.isVisible()]))
        window.resize(1111, 777)
        window.move(33, 44)
        time.sleep(0.5)
        result["origin"] = origin
    except Exception as exc:
        result["error"] = repr(exc)
    finally:
        print("PROBE " + json.dumps(result), flush=True)
        window.destroy()


selftest.run_self_test = probe
config = Config()
shell.run_desktop(config, self_test=True)
print("STATE " + (config.data_dir / shell.STATE_FILE).read_text(), flush=True)
'''


@pytest.fixture(scope="module")
def probe() -> dict[str, Any]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox"}
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=180, env=env)
    lines = {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in out.stdout.splitlines()
             if line.startswith(("PROBE ", "STATE "))}
    assert "PROBE" in lines, f"exit {out.returncode}; stderr: {out.stderr[-3000:]}"
    result = json.loads(lines["PROBE"])
    assert "error" not in result, result
    result["state"] = json.loads(lines["STATE"]) if "STATE" in lines else None
    return result


@pytest.mark.slow
def test_the_window_is_shown_once_loaded(probe: dict[str, Any]) -> None:
    assert probe["visible_before_load"] is False and probe["hidden_samples"] > 0
    assert probe["visible_after_load"] is True


@pytest.mark.slow
def test_qt_keeps_the_window_on_the_app_origin(probe: dict[str, Any]) -> None:
    nav = probe["navigations"]
    origin = probe["origin"]
    external = nav["https://example.com/help"]
    assert external["opened_in_browser"] == ["https://example.com/help"]  # the system browser
    assert external["url"].startswith(origin)                             # ...and the window stayed
    for refused in ("http://example.com/", "file:///etc/passwd", "data:text/html,hi"):
        assert nav[refused]["opened_in_browser"] == [], refused
        assert nav[refused]["url"].startswith(origin), refused
    app_url = probe["app_url"]                                            # the session prefix...
    assert app_url.startswith(origin + "/s/") and probe["page_url"] == app_url  # ...is where the link landed
    assert nav[app_url + "?probe=1"]["url"] == app_url + "?probe=1"      # its own pages still load


@pytest.mark.slow
def test_new_windows_never_open_in_the_app(probe: dict[str, Any]) -> None:
    assert probe["new_windows_opened_in_browser"] == ["https://example.com/tab"]
    assert probe["windows"] == 1


@pytest.mark.slow
def test_size_and_position_are_written_when_the_window_closes(probe: dict[str, Any]) -> None:
    assert probe["state"] is not None, "window.json was not written"
    assert probe["state"]["width"] == 1111 and probe["state"]["height"] == 777
    assert set(probe["state"]) == {"width", "height", "x", "y"}
