"""pywebview's GTK backend (WebKitGTK, Debian's gir1.2-webkit2-4.1): media plays through
GStreamer, so H.264 plays without a proxy where gstreamer1.0-libav is installed; the page's
capability report says so, and the server makes proxies only for what it says it cannot play."""

from __future__ import annotations

import json
import logging
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import navigation
from .base import Engine, EngineMissing

log = logging.getLogger(__name__)

# what a clean Debian machine needs (scripts/test.sh installs the same list)
INSTALL = ("apt-get install gir1.2-webkit2-4.1 gstreamer1.0-libav gstreamer1.0-plugins-good "
           "libgirepository1.0-dev libcairo2-dev python3-dev pkg-config gcc, then pip install 'reelcut[gtk]'")
CONSOLE_HANDLER = "reelcutConsole"
# Injected by the engine as a user script, which the page's CSP does not govern (an inline
# <script> would be refused): console errors and uncaught exceptions are posted to the shell.
CONSOLE_SCRIPT = """(() => {
  const post = (text) => window.webkit.messageHandlers.HANDLER.postMessage(String(text));
  const error = console.error.bind(console);
  console.error = (...args) => { post(args.map(String).join(' ')); error(...args); };
  window.addEventListener('error', (e) => post(`${e.message} (${e.filename}:${e.lineno})`));
  window.addEventListener('unhandledrejection', (e) => post(`Uncaught (in promise) ${e.reason}`));
})();""".replace("HANDLER", CONSOLE_HANDLER)


def check() -> None:
    try:
        import gi

        gi.require_version("Gtk", "3.0")
        gi.require_version("WebKit2", "4.1")
        from gi.repository import Gtk, WebKit2  # noqa: F401
    except (ImportError, ValueError) as exc:
        raise EngineMissing(f"the GTK window needs WebKitGTK and PyGObject ({exc}). Install them with: "
                            f"{INSTALL}.") from exc


MODIFIERS = {"Ctrl": "Primary"}  # the shortcut table's names where GTK's differ


def accelerator(keys: str) -> str:
    """A key as the page's shortcut table writes it ("Ctrl+Shift+Z", "?") in GTK's syntax."""
    from gi.repository import Gdk

    *mods, key = keys.split("+") if keys != "+" else ["+"]
    name = Gdk.keyval_name(Gdk.unicode_to_keyval(ord(key.lower()))) if len(key) == 1 else key
    return "".join(f"<{MODIFIERS.get(m, m)}>" for m in mods) + name


def menu_items(widget: Any) -> list[Any]:
    """The items of the Gtk.MenuBar a Gtk.ApplicationWindow makes from the application's menu
    model, and of their submenus (the bar is an internal child: forall, not get_children)."""
    from gi.repository import Gtk

    found: list[Any] = []
    if isinstance(widget, Gtk.MenuItem):
        found.append(widget)
        widget = widget.get_submenu()
    elif not isinstance(widget, (Gtk.Window, Gtk.MenuShell)):
        return found
    if widget is not None:
        widget.forall(lambda child: found.extend(menu_items(child)))
    return found


def _browser(window: Any) -> Any:
    from webview.platforms import gtk

    return gtk.BrowserView.instances[window.uid]


def js_value(value: Any) -> Any:
    """A JavaScriptCore value as Python's."""
    if value is None or value.is_null() or value.is_undefined():
        return None
    if value.is_boolean():
        return value.to_boolean()
    if value.is_number():
        return value.to_double()
    if value.is_string():
        return value.to_string()
    return json.loads(value.to_json(0))


class GtkEngine(Engine):
    name = "gtk"
    gui = "gtk"
    # GTK hands a drop to WebKit, and the page uploads the files itself (no import by path yet)
    drop_import = False
    # A GTK window made hidden and shown later stayed hidden to WebKit (visibilityState "hidden",
    # no animation frames, so the preview never drew while playing; seen under Xvfb). pywebview
    # keeps its GTK view transparent until the page loads, so showing it at once shows no blank.
    starts_hidden = False

    def version(self) -> str:
        from gi.repository import WebKit2

        return f"WebKitGTK {WebKit2.get_major_version()}.{WebKit2.get_minor_version()}.{WebKit2.get_micro_version()}"

    def prepare(self, self_test: bool) -> None:
        self.show_menu_keys()

    def show_menu_keys(self) -> None:
        """pywebview builds GTK's menu without keys. Each item titled "title\tkeys" (menu_title)
        gets the key shown beside it by its Gtk.AccelLabel, which only shows it: the page keeps its
        keys, as on Qt (GTK 3 would bind an "accel" attribute of the menu model, and a bound "?" or
        Ctrl+Z would be taken from the page's text fields)."""
        from gi.repository import Gtk
        from webview.menu import Menu, MenuAction
        from webview.platforms import gtk

        make_menu, make_view = gtk.create_menu, gtk.BrowserView.__init__
        if getattr(make_menu, "reelcut", False):
            return  # done once per process
        keys: dict[str, str] = {}

        def split(items: list[Any]) -> None:
            for item in items:
                if isinstance(item, Menu):
                    split(item.items)
                elif isinstance(item, MenuAction) and "\t" in item.title:
                    title, shown = item.title.split("\t", 1)
                    item.title, keys[title] = title, shown

        def create_menu(menus: list[Any]) -> Any:
            split(menus)
            return make_menu(menus)

        def show(window: Any) -> None:
            for item in menu_items(window):
                label = item.get_child()
                if item.get_label() in keys and isinstance(label, Gtk.AccelLabel):
                    label.set_accel(*Gtk.accelerator_parse(accelerator(keys[item.get_label()])))

        def init(view: Any, window: Any) -> None:
            make_view(view, window)
            view.window.connect("show", show)  # the bar is made by then

        create_menu.reelcut = True  # type: ignore[attr-defined]
        gtk.create_menu, gtk.BrowserView.__init__ = create_menu, init

    def menu_title(self, title: str, keys: str | None) -> str:
        return f"{title}\t{keys}" if keys else title  # shown by show_menu_keys, which takes the tab off

    def start_options(self, data_dir: Path) -> dict[str, Any]:
        # pywebview's private mode turns WebKit's localStorage off altogether (the page keeps its
        # last project there), so the window gets storage of its own in the data dir instead
        return {"private_mode": False, "storage_path": str(data_dir / "webkit")}

    def lock_navigation(self, app_origin: str) -> None:
        """pywebview's decide-policy handler is replaced: it is connected when the view is made."""
        from gi.repository import WebKit2
        from webview.platforms import gtk

        pywebview_decides = gtk.BrowserView.on_navigation

        def on_navigation(self: Any, webview: Any, decision: Any, decision_type: Any) -> bool:
            if not isinstance(decision, WebKit2.NavigationPolicyDecision):
                return pywebview_decides(self, webview, decision, decision_type)  # responses: downloads
            target = decision.get_navigation_action().get_request().get_uri()
            verdict = navigation.decide(target, app_origin)
            if verdict == navigation.EXTERNAL:
                webbrowser.open(target, 2, True)
            elif verdict == navigation.BLOCK:
                log.warning("blocked navigation to %s", target)
            if verdict == navigation.ALLOW and decision_type != WebKit2.PolicyDecisionType.NEW_WINDOW_ACTION:
                # WebKit's default lets only silent media start without a click, and holds the
                # AudioContext until one: Play's click is spent by the time the mixer starts, so
                # the preview stayed paused. The app's own page plays as Chromium's does in Qt.
                decision.use_with_policies(WebKit2.WebsitePolicies(autoplay=WebKit2.AutoplayPolicy.ALLOW))
            else:
                decision.ignore()
            return True

        gtk.BrowserView.on_navigation = on_navigation

    def record_console_errors(self, sink: list[str]) -> None:
        """WebKitGTK has no console signal: a user script posts errors to a message handler."""
        from gi.repository import WebKit2
        from webview.platforms import gtk

        make_view = gtk.BrowserView.__init__

        def received(manager: Any, result: Any) -> None:
            sink.append(str(js_value(result.get_js_value())))

        def init(self: Any, window: Any) -> None:
            make_view(self, window)
            # added before the GUI loop runs again, so before the page's first document starts
            self.manager.register_script_message_handler(CONSOLE_HANDLER)
            self.manager.connect(f"script-message-received::{CONSOLE_HANDLER}", received)
            self.manager.add_script(WebKit2.UserScript.new(
                CONSOLE_SCRIPT, WebKit2.UserContentInjectedFrames.TOP_FRAME,
                WebKit2.UserScriptInjectionTime.START, None, None))

        gtk.BrowserView.__init__ = init

    def on_gui_thread(self, fn: Callable[[], Any]) -> None:
        from gi.repository import GLib

        def once() -> bool:
            fn()
            return False  # not again

        GLib.idle_add(once)

    def run_js(self, window: Any, expression: str, done: Callable[[Any], None]) -> None:
        view = _browser(window).webview

        def finished(source: Any, task: Any) -> None:
            done(js_value(view.evaluate_javascript_finish(task)))

        view.evaluate_javascript(expression, -1, None, None, None, finished)

    def window_geometry(self, window: Any) -> dict[str, int]:
        # Read from GTK itself: pywebview's window.width and .x queue a call to the GUI thread and
        # wait for it, and the closing event runs on that thread, so closing the window hung.
        native = _browser(window).window
        (width, height), (x, y) = native.get_size(), native.get_position()
        return {"width": width, "height": height, "x": x, "y": y}

    def raise_window(self, window: Any) -> None:
        self.on_gui_thread(lambda: _browser(window).window.present())

    def edit_text(self, window: Any, command: str) -> None:
        # WebKit's editing commands: "Cut", "Copy", "Paste", "SelectAll"
        self.on_gui_thread(lambda: _browser(window).webview.execute_editing_command(command))


ENGINE = GtkEngine()
