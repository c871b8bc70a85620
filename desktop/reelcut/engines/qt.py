"""pywebview's Qt backend (Qt WebEngine from PyPI: Chromium without H.264, so the page's
capability report asks for proxies)."""

from __future__ import annotations

import logging
import os
import sys
import threading
import webbrowser
from collections.abc import Callable
from typing import Any

from .. import navigation
from .base import Engine, EngineMissing

log = logging.getLogger(__name__)


def check() -> None:
    try:
        import qtpy  # noqa: F401
        from qtpy import QtWebEngineWidgets  # noqa: F401
    except Exception as exc:  # qtpy raises its own errors when no binding is installed
        raise EngineMissing(f"the Qt window needs Qt WebEngine ({exc}). Install it with "
                            "pip install 'reelcut[desktop]'.") from exc


def dropped_paths(mime: Any) -> list[str]:
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile()] if mime is not None and mime.hasUrls() else []


class QtEngine(Engine):
    name = "qt"
    gui = "qt"
    drop_import = True

    def __init__(self) -> None:
        self._invoker: Any = None  # made on first use, then lives on the GUI thread

    def version(self) -> str:
        from qtpy import QtWebEngineCore

        return f"Qt WebEngine {QtWebEngineCore.qWebEngineVersion()}"

    def prepare(self, self_test: bool) -> None:
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()
        if sys.platform.startswith("linux") and os.geteuid() == 0 and "--no-sandbox" not in flags:
            flags.append("--no-sandbox")  # Chromium's sandbox refuses to run as root
        if self_test:
            # No one clicks Play in a self-test, and a headless machine has no sound card.
            flags += [f for f in ("--autoplay-policy=no-user-gesture-required", "--disable-audio-output")
                      if f not in flags]
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join(flags)

    def lock_navigation(self, app_origin: str) -> None:
        """pywebview has no hook for this, so its page classes are extended."""
        from webview.platforms import qt

        def accept(self: Any, url: Any, nav_type: Any, is_main_frame: bool) -> bool:
            target = url.toString()
            verdict = navigation.decide(target, app_origin)
            if verdict == navigation.EXTERNAL:
                webbrowser.open(target, 2, True)
            elif verdict == navigation.BLOCK:
                log.warning("blocked navigation to %s", target)
            return verdict == navigation.ALLOW

        def new_window(self: Any, url: Any, nav_type: Any, is_main_frame: bool) -> bool:
            target = url.toString()
            if navigation.decide(target, app_origin) == navigation.EXTERNAL:
                webbrowser.open(target, 2, True)
            return False

        qt.BrowserView.WebPage.acceptNavigationRequest = accept
        qt.BrowserView.NavigationHandler.acceptNavigationRequest = new_window

    def record_console_errors(self, sink: list[str]) -> None:
        from webview.platforms import qt

        def console(self: Any, level: Any, message: str, line: int, source: str) -> None:
            if getattr(level, "name", str(level)).startswith("Error"):
                sink.append(f"{message} ({source}:{line})")

        qt.BrowserView.WebPage.javaScriptConsoleMessage = console

    def on_gui_thread(self, fn: Callable[[], Any]) -> None:
        """Qt objects may only be touched from their thread: a queued signal to an object living
        there carries the call."""
        from qtpy import QtCore
        from qtpy.QtWidgets import QApplication

        if self._invoker is None:
            class Invoker(QtCore.QObject):
                call = QtCore.Signal(object)

                def __init__(self) -> None:
                    super().__init__()
                    self.call.connect(self.run, QtCore.Qt.ConnectionType.QueuedConnection)

                @QtCore.Slot(object)
                def run(self, target: Any) -> None:
                    target()

            self._invoker = Invoker()
            self._invoker.moveToThread(QApplication.instance().thread())
        self._invoker.call.emit(fn)

    def run_js(self, window: Any, expression: str, done: Callable[[Any], None]) -> None:
        window.native.webview.page().runJavaScript(expression, 0, done)

    def menu_title(self, title: str, keys: str | None) -> str:
        # Qt shows what follows a tab in a QAction's text in the menu's shortcut column, without
        # binding the key: the page keeps it (a bound QAction would take Ctrl+Z from text fields)
        return f"{title}\t{keys}" if keys else title

    def window_geometry(self, window: Any) -> dict[str, int]:
        # The position is the frame's, as create_window(x=, y=) places it: pywebview's window.x/.y
        # are the inside of the frame on Qt, so each launch crept one frame margin down and right.
        native = window.native
        return {"width": window.width, "height": window.height, "x": native.x(), "y": native.y()}

    def raise_window(self, window: Any) -> None:
        from qtpy import QtCore

        def forward() -> None:
            native = window.native
            native.setWindowState((native.windowState() & ~QtCore.Qt.WindowState.WindowMinimized)
                                  | QtCore.Qt.WindowState.WindowActive)
            native.show()
            native.raise_()
            native.activateWindow()

        self.on_gui_thread(forward)

    def edit_text(self, window: Any, command: str) -> None:
        from qtpy.QtWebEngineCore import QWebEnginePage

        action = getattr(QWebEnginePage.WebAction, command)
        self.on_gui_thread(lambda: window.native.webview.page().triggerAction(action))

    def install_drop_import(self, window: Any, on_paths: Callable[[list[str]], None]) -> None:
        """Files dropped from the file manager arrive at Qt with their full paths; they are
        imported by path (copied, not uploaded) instead of being handed to the page."""
        from qtpy import QtCore

        kinds = (QtCore.QEvent.Type.DragEnter, QtCore.QEvent.Type.DragMove, QtCore.QEvent.Type.Drop)

        class DropFilter(QtCore.QObject):
            def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 - Qt's name
                if event.type() not in kinds:
                    return False
                paths = dropped_paths(event.mimeData())
                if not paths:
                    return False  # drags inside the page (media onto the timeline) stay the page's
                event.acceptProposedAction()
                if event.type() == QtCore.QEvent.Type.Drop:
                    threading.Thread(target=on_paths, args=(paths,), name="drop-import", daemon=True).start()
                return True

        def install() -> None:
            view = window.native.webview
            window.native._reelcut_drop_filter = DropFilter(view)  # kept alive with the window
            for target in (view, view.focusProxy()):
                if target is not None:
                    target.installEventFilter(window.native._reelcut_drop_filter)

        self.on_gui_thread(install)

    def simulate_drop(self, window: Any, paths: list[str]) -> None:
        """A real Qt drop event, sent to the web view."""
        from qtpy import QtCore, QtGui
        from qtpy.QtWidgets import QApplication

        def send() -> None:
            mime = QtCore.QMimeData()
            mime.setUrls([QtCore.QUrl.fromLocalFile(p) for p in paths])
            target = window.native.webview.focusProxy() or window.native.webview
            pos = QtCore.QPointF(200, 200)
            for kind in (QtCore.QEvent.Type.DragEnter, QtCore.QEvent.Type.Drop):
                cls = QtGui.QDragEnterEvent if kind == QtCore.QEvent.Type.DragEnter else QtGui.QDropEvent
                args = (pos.toPoint(),) if cls is QtGui.QDragEnterEvent else (pos,)
                event = cls(*args, QtCore.Qt.DropAction.CopyAction, mime, QtCore.Qt.MouseButton.LeftButton,
                            QtCore.Qt.KeyboardModifier.NoModifier)
                QApplication.sendEvent(target, event)

        self.on_gui_thread(send)


ENGINE = QtEngine()
