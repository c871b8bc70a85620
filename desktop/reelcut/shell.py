"""The desktop app: a pywebview window on the local server, showing the same page as a browser.

The page keeps talking HTTP to the server; native features (file dialogs, reveal in the file
manager, the window title) are reached through /api/desktop routes that call this shell from
Python. So the window needs no JavaScript bridge, and its policy stays the strict one:
pywebview's bridge would need `new Function`, which the CSP forbids."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from .config import Config
from .engines import Engine
from .library.files import write_atomic

log = logging.getLogger(__name__)
STATE_FILE = "window.json"
DEFAULT_SIZE = (1400, 880)


def process_started_at() -> float:
    """Epoch seconds when this process started (Linux: from /proc), for start-up timings."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return time.time() - uptime + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return _IMPORTED_AT


_IMPORTED_AT = time.time()


def load_window_state(data_dir: Path) -> dict[str, int]:
    try:
        state = json.loads((data_dir / STATE_FILE).read_text("utf-8"))
        return {k: int(state[k]) for k in ("width", "height", "x", "y") if isinstance(state.get(k), (int, float))}
    except (OSError, ValueError):
        return {}


def save_window_state(data_dir: Path, state: dict[str, int]) -> None:
    """state: the window's size and position, as Engine.window_geometry reads them."""
    write_atomic(data_dir / STATE_FILE, json.dumps(state).encode("utf-8"))


OPEN_WAIT = 30.0  # seconds a launch's files wait for the page to open a project
REVEAL_WAIT = 5.0  # seconds to wait for the file manager's launcher to say whether it worked


def _reap(proc: subprocess.Popen[bytes]) -> None:
    """Wait for a child in the background, so it never stays defunct."""
    threading.Thread(target=proc.wait, name="reap", daemon=True).start()


def reveal(path: Path) -> None:
    """Show a file in the system's file manager. Raises AppError("no_file_manager"), naming the
    file, when there is no launcher or it fails; the child is always waited for."""
    from .errors import AppError

    if sys.platform == "darwin":
        argv = ["open", "-R", str(path)]
    elif sys.platform == "win32":
        argv = ["explorer", "/select,", str(path)]
    else:
        argv = ["xdg-open", str(path.parent)]

    def refused() -> AppError:
        err = AppError("no_file_manager", f"No file manager is available: the file is at {path}")
        err.extra["path"] = str(path)
        return err

    if shutil.which(argv[0]) is None:
        raise refused()
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    except OSError as exc:
        raise refused() from exc
    try:
        code = proc.wait(timeout=REVEAL_WAIT)
    except subprocess.TimeoutExpired:
        _reap(proc)  # still running (a file manager that stays): reaped when it ends
        return
    if code != 0 and sys.platform != "win32":  # explorer /select answers 1 when it worked
        raise refused()


# the menu's actions that a focused text field takes as its own, by the engine's editing command
TEXT_COMMANDS = {"undo": "Undo", "redo": "Redo", "cutclips": "Cut", "copyclips": "Copy", "pasteclips": "Paste",
                 "selectall": "SelectAll"}


class DesktopShell:
    """What the /api/desktop routes ask of the window."""

    def __init__(self, window: Any, engine: Engine | None = None) -> None:
        self.window = window
        self.engine = engine
        self.selftest_report: dict[str, Any] | None = None
        self.selftest_done = threading.Event()
        self.project_id: str | None = None  # the project the page shows: where drops go
        self.console_errors: list[str] = []  # filled in a self-test (record_console_errors)

    def pick_files(self) -> list[str]:
        import webview

        chosen = self.window.create_file_dialog(
            webview.FileDialog.OPEN, allow_multiple=True,
            file_types=("Media (*.mp4;*.mov;*.webm;*.mkv;*.png;*.jpg;*.jpeg;*.webp;*.gif;*.mp3;*.wav;*.ogg;*.flac;"
                        "*.m4a)", "All files (*.*)"))
        return list(chosen or [])

    def pick_save(self, name: str, directory: str = "") -> str | None:
        import webview

        chosen = self.window.create_file_dialog(webview.FileDialog.SAVE, directory=directory, save_filename=name,
                                                file_types=("MP4 video (*.mp4)",))
        if not chosen:
            return None
        return chosen if isinstance(chosen, str) else chosen[0]

    def reveal(self, path: Path) -> None:
        reveal(path)

    def set_title(self, title: str, project_id: str | None = None) -> None:
        self.project_id = project_id
        self.window.set_title(title)

    def simulate_drop(self, paths: list[str]) -> None:
        """The self-test's stand-in for a user dropping files from the file manager."""
        self.engine.simulate_drop(self.window, paths)

    def evaluate(self, expression: str, timeout: float = 10) -> Any:
        """The value of a JavaScript expression in the page, evaluated outside its CSP. Raises
        TimeoutError when the engine does not answer within timeout."""
        return self.engine.evaluate(self.window, expression, timeout)

    # The native menu (menu.py). Its page items run the page's own action by name.
    def menu_page(self, action: str, detail: dict[str, Any] | None = None) -> Any:
        """Run the page's menu action (web/js/app/menu.js). Its answer "text" means a text field
        has the focus: the editing items (TEXT_COMMANDS) are then the field's, done by the engine."""
        args = f"{json.dumps(action)}, {json.dumps(detail or {})}"
        call = f"window.reelcutMenu ? window.reelcutMenu({args}) : 'not-ready'"
        answer = self.evaluate(call)
        if answer == "text":
            self.engine.edit_text(self.window, TEXT_COMMANDS[action])
        elif answer != "done":
            log.warning("the page did not run the menu's %s: %s", action, answer)
        return answer

    def menu_quit(self) -> None:
        self.window.destroy()

    def menu_fullscreen(self) -> None:
        self.window.toggle_fullscreen()

    def raise_window(self) -> None:
        self.engine.raise_window(self.window)

    def report(self, data: dict[str, Any]) -> None:
        self.selftest_report = data
        self.selftest_done.set()


def run_desktop(config: Config, engine: Engine, self_test: bool = False, files: list[str] | None = None) -> int:
    """Open the window in engine (engines.load) on a server of its own; returns the exit code.
    files (given on the command line) are imported into the project the page opens."""
    import webview

    from . import menu
    from .server.runner import LocalServer

    started = process_started_at()
    if self_test:
        config.data_dir = Path(tempfile.mkdtemp(prefix="reelcut-selftest-"))
    engine.prepare(self_test)
    server = LocalServer(config)
    server.start_background()
    server.advertise()  # `reelcut mcp` finds this window's server (removed by shutdown)
    size = load_window_state(config.data_dir)
    window = webview.create_window("Reelcut", server.login_url, hidden=engine.starts_hidden, min_size=(960, 600),
                                   width=size.get("width", DEFAULT_SIZE[0]), height=size.get("height", DEFAULT_SIZE[1]),
                                   x=size.get("x"), y=size.get("y"), background_color="#14161a",
                                   # text_select=True: pywebview would otherwise inject an inline
                                   # <style>, which the strict CSP (rightly) refuses
                                   text_select=True)
    shell = DesktopShell(window, engine)
    server.services.desktop.window = shell
    engine.lock_navigation(server.url.rstrip("/"))
    if self_test:
        engine.record_console_errors(shell.console_errors)
    timings: dict[str, float] = {}

    def import_dropped(paths: list[str]) -> None:
        server.services.desktop.import_dropped(shell.project_id, paths)

    def on_loaded() -> None:
        if "window_loaded_s" not in timings:
            timings["window_loaded_s"] = round(time.time() - started, 3)
            engine.install_drop_import(window, import_dropped)
            if files:
                threading.Thread(target=import_when_open, args=(files,), name="import-args", daemon=True).start()
        window.show()

    def import_when_open(paths: list[str]) -> None:
        # the page names its project (set_title) once it has opened one
        deadline = time.monotonic() + OPEN_WAIT
        while shell.project_id is None and time.monotonic() < deadline:
            time.sleep(0.1)
        import_dropped(paths)

    window.events.loaded += on_loaded
    window.events.closing += lambda: save_window_state(config.data_dir, engine.window_geometry(window))
    outcome = {"code": 0}
    if self_test:
        from .selftest import run_self_test

        threading.Thread(target=run_self_test, args=(server, shell, window, started, timings, outcome),
                         name="self-test", daemon=True).start()
    try:
        webview.start(gui=engine.gui if sys.platform.startswith("linux") else None,
                      menu=menu.build(shell, server.services.projects.list(), engine.menu_title),
                      **engine.start_options(config.data_dir))
    finally:
        server.shutdown()
    return outcome["code"]
