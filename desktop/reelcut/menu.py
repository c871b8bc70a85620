"""The desktop window's native menu, as data: each item either runs one of the page's own actions
(by name, through window.reelcutMenu in web/js/app/menu.js, so the menu and the buttons and keys
share one implementation) or asks the window itself (Quit, Full screen).

Accelerators: pywebview's menu API has no shortcuts (webview.menu.MenuAction takes a title and a
function). The keys stay the page's (web/js/app/shortcuts.js binds Ctrl+Z and the rest inside the
page, on both engines); the menu only shows them: on Qt a tab in an action's text puts the key in
the menu's shortcut column without binding it (engines.qt.menu_title); on GTK the item's accel label
shows it, also unbound (engines.gtk.GtkEngine.show_menu_keys). `keys` below must be the
label shortcuts.js gives the action of the same name (tests/test_desktop_menu.py compares them)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

RECENT = "recent"  # the File menu's Open recent: the projects, most recently changed first
RECENT_COUNT = 8

# (menu title, its items); an item: {title, page: the page's menu action} or {title, window: a
# DesktopShell verb}, with `keys` where the page has a shortcut; None is a separator.
MENU: tuple[tuple[str, tuple[dict[str, str] | None, ...]], ...] = (
    ("File", (
        {"title": "New project", "page": "newproject"},
        {"title": "Open recent", "recent": RECENT},
        None,
        {"title": "Import", "page": "import"},
        {"title": "Export", "page": "export"},
        None,
        {"title": "Quit", "window": "quit"},
    )),
    ("Edit", (
        {"title": "Undo", "page": "undo", "keys": "Ctrl+Z"},
        {"title": "Redo", "page": "redo", "keys": "Ctrl+Shift+Z"},
        None,
        {"title": "Cut", "page": "cutclips", "keys": "Ctrl+X"},
        {"title": "Copy", "page": "copyclips", "keys": "Ctrl+C"},
        {"title": "Paste", "page": "pasteclips", "keys": "Ctrl+V"},
        {"title": "Select all", "page": "selectall", "keys": "Ctrl+A"},
    )),
    ("View", (
        {"title": "Zoom in", "page": "zoomin"},
        {"title": "Zoom out", "page": "zoomout"},
        None,
        {"title": "Full screen", "window": "fullscreen"},
    )),
    ("Help", (
        {"title": "Shortcuts", "page": "shortcuts", "keys": "?"},
        {"title": "Open logs folder", "page": "openlogs"},
        {"title": "About", "page": "about"},
    )),
)


def items() -> list[tuple[str, dict[str, str]]]:
    """Every item as (menu title, item), separators left out."""
    return [(title, item) for title, entries in MENU for item in entries if item is not None]


def callback(shell: Any, item: dict[str, str]) -> Callable[[], None]:
    """What choosing item does: the function the native menu calls (from its own thread)."""
    def page() -> None:
        shell.menu_page(item["page"])

    def window() -> None:
        getattr(shell, f"menu_{item['window']}")()

    chosen = page if "page" in item else window

    def run() -> None:
        try:
            chosen()
        except Exception:  # noqa: BLE001 - a menu item that fails must not take the window down
            log.exception("the menu item %s failed", item["title"])

    return run


def open_recent(shell: Any, project_id: str) -> Callable[[], None]:
    def run() -> None:
        try:
            shell.menu_page("openproject", {"id": project_id})
        except Exception:  # noqa: BLE001
            log.exception("opening the recent project %s failed", project_id)

    return run


def build(shell: Any, recent: list[dict[str, Any]], title: Callable[[str, str | None], str]) -> list[Any]:
    """The menu as pywebview's objects. recent: the projects (Projects.list: latest first);
    title(text, keys): how the engine shows an item with its key."""
    from webview.menu import Menu, MenuAction, MenuSeparator

    menus = []
    for name, entries in MENU:
        made: list[Any] = []
        for item in entries:
            if item is None:
                made.append(MenuSeparator())
            elif "recent" in item:
                projects = [MenuAction(p["name"], open_recent(shell, p["id"])) for p in recent[:RECENT_COUNT]]
                made.append(Menu(item["title"], projects or [MenuAction("No projects yet", lambda: None)]))
            else:
                made.append(MenuAction(title(item["title"], item.get("keys")), callback(shell, item)))
        menus.append(Menu(name, made))
    return menus
