"""The interface every window engine implements (engines/qt.py, engines/gtk.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any


class EngineMissing(Exception):
    """The engine's libraries are not installed; the message says what to install."""


class Engine:
    """What the shell asks of a window engine. Everything here runs in the app's process, after
    pywebview is imported and before (prepare, hooks) or while (the rest) its GUI loop runs."""

    name = ""  # "qt" or "gtk", as `reelcut --gui` takes it
    gui = ""  # pywebview's name for the backend, for webview.start(gui=...)
    drop_import = False  # whether drops from the file manager are imported by path (else the page uploads them)
    # made hidden and shown once the page has loaded, so no blank window shows first
    starts_hidden = True

    def version(self) -> str:
        """The engine and its version, as a report names it (e.g. "WebKitGTK 2.50.6")."""
        raise NotImplementedError

    def prepare(self, self_test: bool) -> None:
        """Set up the process before pywebview starts the engine (environment, flags)."""

    def start_options(self, data_dir: Path) -> dict[str, Any]:
        """Keyword arguments for webview.start beyond gui."""
        return {}

    def lock_navigation(self, app_origin: str) -> None:
        """Make navigation.decide the judge of every navigation and new-window request."""
        raise NotImplementedError

    def record_console_errors(self, sink: list[str]) -> None:
        """Append the page's console errors (an uncaught exception is one) to sink."""
        raise NotImplementedError

    def on_gui_thread(self, fn: Callable[[], Any]) -> None:
        """Run fn on the engine's GUI thread (pywebview calls handlers from other threads)."""
        raise NotImplementedError

    def run_js(self, window: Any, expression: str, done: Callable[[Any], None]) -> None:
        """On the GUI thread: evaluate expression in the page outside its CSP (unlike
        pywebview's evaluate_js, which wraps it in eval) and call done with its value."""
        raise NotImplementedError

    def evaluate(self, window: Any, expression: str, timeout: float = 10) -> Any:
        """The value of a JavaScript expression in the page. Raises TimeoutError when the engine
        does not answer within timeout."""
        answered = threading.Event()
        result: list[Any] = []

        def done(value: Any) -> None:
            result.append(value)
            answered.set()

        self.on_gui_thread(lambda: self.run_js(window, expression, done))
        if not answered.wait(timeout):
            raise TimeoutError(f"the page did not answer {expression!r} within {timeout} s")
        return result[0]

    def menu_title(self, title: str, keys: str | None) -> str:
        """How a native menu item reads, with the page's key for it (menu.py): only the title
        where the engine's menus cannot show a key without binding it."""
        return title

    def window_geometry(self, window: Any) -> dict[str, int]:
        """The window's size and position, as create_window takes them back. Called while the
        window closes (pywebview's closing event), on the engine's GUI thread."""
        return {"width": window.width, "height": window.height, "x": window.x, "y": window.y}

    def raise_window(self, window: Any) -> None:
        """Bring the window forward (a second launch asked): restored if minimised, focused."""
        window.restore()
        window.show()

    def edit_text(self, window: Any, command: str) -> None:
        """Cut, Copy, Paste or SelectAll in the page's focused text field, as the engine's own
        editing does it (the page's clipboard API needs a user's key press or a permission)."""
        raise NotImplementedError

    def install_drop_import(self, window: Any, on_paths: Callable[[list[str]], None]) -> None:
        """Import files dropped from the file manager by their paths (when drop_import)."""

    def simulate_drop(self, window: Any, paths: list[str]) -> None:
        """The self-test's stand-in for a user dropping files from the file manager."""
        raise NotImplementedError
