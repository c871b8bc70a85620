"""The desktop window's native menu (desktop/reelcut/menu.py): its data names every item issue 18
asks for, each page item is an action the page answers (web/js/app/menu.js) and shows the key the
one shortcut table gives it; and in the real window of each engine (Qt, GTK) under Xvfb, the menu
bar read from the window's own widgets shows every item with the page's keys, and choosing an item
(its QAction triggered, its Gtk.MenuItem activated) does what the page's own button or key does:
New project creates a project, Undo undoes a saved edit, Open logs folder reaches the desktop action.

The window tests run the real `run_desktop` in a child process, with one probe in place of the
self-test's body (as test_desktop_window does), given the engine and how to read its menu bar: the
probe chooses items and watches the server's answers, bounded, failing with what it waited for."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reelcut import menu

from .test_preview_qt import display  # noqa: F401 - a fixture: Xvfb's screen

ROOT = Path(__file__).resolve().parent.parent
ASKED = {  # issue 18's words
    "File": ["New project", "Open recent", "Import", "Export", "Quit"],
    "Edit": ["Undo", "Redo", "Cut", "Copy", "Paste", "Select all"],
    "View": ["Zoom in", "Zoom out", "Full screen"],
    "Help": ["Shortcuts", "Open logs folder", "About"],
}


def node(script: str) -> Any:
    out = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60,
                         cwd=ROOT)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_the_menu_has_every_item_the_issue_names() -> None:
    got = {title: [item["title"] for item in entries if item is not None] for title, entries in menu.MENU}
    assert got == ASKED


def test_every_page_item_is_an_action_the_page_answers() -> None:
    names = node("import { menuActions } from './web/js/app/menu.js';"
                 "console.log(JSON.stringify(Object.keys(menuActions({ state: {}, actions: {}, parts: {} }))));")
    page = [item["page"] for _, item in menu.items() if "page" in item]
    assert page and set(page) <= set(names), set(page) - set(names)
    assert "openproject" in names  # Open recent's items
    for _, item in menu.items():
        assert ("page" in item) != ("window" in item) or "recent" in item, item
        if "window" in item:
            assert callable(getattr(__import__("reelcut.shell").shell.DesktopShell, f"menu_{item['window']}"))


def test_the_keys_shown_are_the_shortcut_tables() -> None:
    """The menu shows a key only where the page binds it, and as the shortcut sheet writes it."""
    labels = node("import { SHORTCUTS, keyLabel } from './web/js/app/shortcuts.js';"
                  "const first = {};"
                  "for (const r of SHORTCUTS) if (!(r.action in first)) first[r.action] = keyLabel(r.keys[0]);"
                  "console.log(JSON.stringify(first));")
    shown = {item["page"]: item["keys"] for _, item in menu.items() if "keys" in item}
    assert shown and all("page" in item for _, item in menu.items() if "keys" in item)
    assert shown == {action: labels[action] for action in shown}
    # and every menu action the table has a key for shows it
    assert {item["page"] for _, item in menu.items() if "page" in item and item["page"] in labels} == set(shown)


# The probe, one for both engines: ENGINE_MODULE names the engine, and MENUBAR defines
# menubar(window), run on the GUI thread: the window's real menu bar as
# [(menu title, [(item text with its key after a tab, as the engine shows it, activate)])],
# where activate chooses the item as a click does (through the toolkit's own widget or action).
PROBE = r"""
import json, os, sys, threading, time, types
from pathlib import Path
import requests
from reelcut import shell
from ENGINE_MODULE import ENGINE, check
check()  # as engines.load does: it asks for the library versions the engine needs
from reelcut.config import Config

DATA_DIR = Path(sys.argv[1])
WAIT = 45  # seconds any one step may take on a loaded 2-core machine
CLOSE_HUNG = 3  # the exit code when the window did not close
shell.tempfile = types.SimpleNamespace(mkdtemp=lambda prefix="": str(DATA_DIR))

revealed = []
shell.DesktopShell.reveal = lambda self, path: revealed.append(str(path))  # no file manager here

answers = []  # what the page answered each menu item (said when a step fails)
_menu_page = shell.DesktopShell.menu_page
def menu_page(self, action, detail=None):
    focus = self.evaluate("document.activeElement && document.activeElement.outerHTML.slice(0, 120)")
    answers.append((action, focus))
    answers.append((action, _menu_page(self, action, detail)))
    return answers[-1][1]
shell.DesktopShell.menu_page = menu_page

MENUBAR


def until(check, what, seconds=WAIT):
    deadline = time.monotonic() + seconds
    while True:
        try:
            value = check()
        except TimeoutError:  # the engine did not answer one evaluation in time (a loaded machine)
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting for {what}")
        time.sleep(0.1)


def probe(server, sh, window, started, timings, outcome):
    result = {}
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {server.config.token}"
    get = lambda path: api.get(server.url.rstrip("/") + path, timeout=10).json()
    try:
        until(lambda: "window_loaded_s" in timings, "the page to load", 90)
        until(lambda: sh.evaluate("document.title === 'Reelcut' && typeof window.reelcutMenu === 'function'"),
              "the page to start")
        bar = []

        def read():
            try:
                bar.append(menubar(window))
            except Exception as exc:  # said by the probe, not lost in the GUI loop
                bar.append(exc)

        sh.engine.on_gui_thread(read)
        until(lambda: bar and bar[0], "the menu bar")
        if isinstance(bar[0], Exception):
            raise bar[0]
        result["menubar"] = [(title, [text for text, _ in entries]) for title, entries in bar[0]]
        items = {text.split("\t")[0]: activate for _, entries in bar[0] for text, activate in entries}
        choose = lambda title: sh.engine.on_gui_thread(items[title])

        choose("New project")
        until(lambda: sh.evaluate("document.activeElement && document.activeElement.getAttribute('aria-label')"
                                  " === 'Project name'"), "the New project form to take the focus")
        sh.evaluate("(() => { const i = document.activeElement; i.value = 'From the menu';"
                    " i.form.querySelector('button[type=submit]').click(); return true; })()")
        made = until(lambda: [p for p in get("/api/projects")["projects"] if p["name"] == "From the menu"],
                     "the project to be created")[0]
        result["projects"] = [p["name"] for p in get("/api/projects")["projects"]]
        until(lambda: sh.project_id == made["id"], "the window to show the new project")

        timeline = lambda: get(f"/api/projects/{made['id']}/timeline")["timeline"]
        texts = lambda: [c for t in timeline()["tracks"] for c in t["clips"] if c.get("type") == "text"
                         or "text" in c]
        # the user moves on from the form, as a click on Add title does: WebKit may leave the focus
        # in the closed form's field for a while, and Undo there is the field's (answer "text")
        # the window names the project as it starts opening it: its timeline is read after that
        until(lambda: sh.evaluate("!!document.querySelector('.timeline-panel [data-track-id]')"),
              "the new project's timeline to show")
        sh.evaluate("(() => { document.activeElement.blur(); return true; })()")
        sh.evaluate("document.dispatchEvent(new CustomEvent('addtext')) || true")  # the Add title button's verb
        result["after_edit"] = len(until(texts, "the title clip to be saved"))
        choose("Undo")
        until(lambda: not texts(), "Undo to take the title clip out of the saved timeline")
        result["after_undo"] = len(texts())
        choose("Redo")
        result["after_redo"] = len(until(texts, "Redo to put it back"))

        # in a text field, Select all is the field's (the engine's own editing), not the clips'
        sh.evaluate("(() => { const i = document.querySelector(\"input[aria-label='Project name']\");"
                    " i.closest('form').hidden = false; i.value = 'abc'; i.focus(); return true; })()")
        result["select_all_in_field"] = sh.menu_page("selectall")
        result["field_selection"] = until(lambda: sh.evaluate(
            "(() => { const i = document.activeElement; return i.selectionEnd - i.selectionStart; })()"),
            "the field's text to be selected")
        sh.evaluate("(() => { document.activeElement.blur(); return true; })()")

        zoom = timeline()["zoom"]
        choose("Zoom in")
        result["zoom"] = [zoom, until(lambda: timeline()["zoom"] != zoom and timeline()["zoom"],
                                      "the zoomed view to be saved")]

        choose("Open logs folder")
        result["revealed"] = until(lambda: list(revealed), "the logs folder to be shown")
        result["logs_dir"] = str(server.services.desktop.logs_dir)
    except Exception as exc:
        result["error"] = repr(exc)
        logs = Path(server.services.desktop.logs_dir) / "reelcut.log"
        result["log"] = logs.read_text(errors="replace")[-3000:] if logs.exists() else "(no log)"
        result["log"] += f"; the page's answers: {answers}"
    finally:
        print("PROBE " + json.dumps(result), flush=True)
        # a window that does not close (GTK's hung in its closing event) ends the process, saying so
        threading.Timer(20, os._exit, args=(CLOSE_HUNG,)).start()
        window.destroy()


from reelcut import selftest
selftest.run_self_test = probe
shell.run_desktop(Config(), ENGINE, self_test=True)
"""

# Qt: QMenuBar's actions; Qt shows what follows the tab in the shortcut column
QT_MENUBAR = """
def menubar(window):
    return [(a.text(), [(x.text(), x.trigger) for x in a.menu().actions() if not x.isSeparator()])
            for a in window.native.menuBar().actions()]
"""

# GTK: the Gtk.MenuBar a Gtk.ApplicationWindow makes from the application's menu model (an internal
# child, so forall, not get_children); an item's key is what its Gtk.AccelLabel shows
GTK_MENUBAR = """
def menubar(window):
    from gi.repository import Gtk
    from webview.platforms import gtk

    def text(item):
        label = item.get_child()
        key, mods = label.get_accel() if isinstance(label, Gtk.AccelLabel) else (0, 0)
        shown = Gtk.accelerator_get_label(key, mods) if key else ""
        return item.get_label() + (("\\t" + shown) if shown else "")

    bars = []
    gtk.BrowserView.instances[window.uid].window.forall(
        lambda w: bars.append(w) if isinstance(w, Gtk.MenuBar) else None)
    assert len(bars) == 1, f"{len(bars)} menu bars in the window"
    return [(top.get_label(), [(text(x), x.activate) for x in top.get_submenu().get_children()
                               if not isinstance(x, Gtk.SeparatorMenuItem)])
            for top in bars[0].get_children()]
"""


def run_probe(engine_module: str, menubar: str, env: dict[str, str], tmp_path: Path) -> dict[str, Any]:
    """The probe in a child process running the real window; its result, or a failure saying why."""
    script = PROBE.replace("ENGINE_MODULE", engine_module).replace("MENUBAR", menubar)
    env = {**os.environ, **env,
           "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT / "desktop"), os.environ.get("PYTHONPATH")) if p)}
    try:
        out = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True,
                             timeout=200, env=env)
    except subprocess.TimeoutExpired as exc:
        stderr = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else exc.stderr or ""
        stdout = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else exc.stdout or ""
        raise AssertionError(f"the window did not end within 200 s; stdout: {stdout[-2000:]}; "
                             f"stderr: {stderr[-3000:]}") from None
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("PROBE ")), None)
    assert line, f"exit {out.returncode}; stderr: {out.stderr[-3000:]}"
    result = json.loads(line[6:])
    assert "error" not in result, f"{result['error']}; log: {result['log']}; stderr: {out.stderr[-2000:]}"
    # the window closed, and remembered its size and place as it did
    assert out.returncode == 0, f"exit {out.returncode} (3: the window did not close); stderr: {out.stderr[-2000:]}"
    state = json.loads((tmp_path / "window.json").read_text())
    assert sorted(state) == ["height", "width", "x", "y"] and state["width"] > 0, state
    return result


def assert_the_menu_acted(result: dict[str, Any]) -> None:
    """What every engine's window must show: the page's actions done, seen through the server."""
    assert result["projects"] == ["From the menu"]
    assert (result["after_edit"], result["after_undo"], result["after_redo"]) == (1, 0, 1)
    assert result["select_all_in_field"] == "text" and result["field_selection"] == 3
    assert result["zoom"][1] == pytest.approx(result["zoom"][0] * 1.25)
    assert result["revealed"] == [str(Path(result["logs_dir"]) / "reelcut.log")]


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_menu_items_act_through_the_page_in_the_qt_window(display: str, tmp_path: Path) -> None:  # noqa: F811
    result = run_probe("reelcut.engines.qt", QT_MENUBAR, {
        "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox"}, tmp_path)
    # the window has the menu, with the page's keys in the shortcut column
    bar = dict((title, actions) for title, actions in result["menubar"])
    assert list(bar) == ["File", "Edit", "View", "Help"]
    assert "Undo\tCtrl+Z" in bar["Edit"] and "Quit" in bar["File"] and "Open logs folder" in bar["Help"]
    assert_the_menu_acted(result)


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_menu_items_act_through_the_page_in_the_gtk_window(display: str, tmp_path: Path) -> None:  # noqa: F811
    result = run_probe("reelcut.engines.gtk", GTK_MENUBAR, {"DISPLAY": display, "GDK_BACKEND": "x11",
                                                            "HOME": str(tmp_path)}, tmp_path)
    # every item the issue asks for, and the page's keys as GTK writes them (its own order of modifiers)
    bar = dict((title, actions) for title, actions in result["menubar"])
    assert bar == {
        "File": ["New project", "Open recent", "Import", "Export", "Quit"],
        "Edit": ["Undo\tCtrl+Z", "Redo\tShift+Ctrl+Z", "Cut\tCtrl+X", "Copy\tCtrl+C", "Paste\tCtrl+V",
                 "Select all\tCtrl+A"],
        "View": ["Zoom in", "Zoom out", "Full screen"],
        "Help": ["Shortcuts\t?", "Open logs folder", "About"],
    }
    assert_the_menu_acted(result)
