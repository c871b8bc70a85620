"""`reelcut serve --dev`: a change under web/ tells open pages to reload (the `dev_reload`
event). A polling mtime scan, twice a second: web/ is a few hundred small files, and polling needs
no new dependency and behaves the same on every platform and file system."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from ..eventbus import EventBus

log = logging.getLogger(__name__)
EVENT = "dev_reload"
INTERVAL = 0.5


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under `root` with its mtime (ns) and size: a change, an addition or a removal
    shows as a different snapshot."""
    found: dict[str, tuple[int, int]] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith(".") or name.endswith(("~", ".swp")):
                continue  # an editor's temporary files are not a change to the page
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                continue  # removed while we looked
            found[os.path.relpath(path, root)] = (st.st_mtime_ns, st.st_size)
    return found


def changed(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


class WebWatcher:
    def __init__(self, root: Path, bus: EventBus, interval: float = INTERVAL) -> None:
        self.root = root
        self.bus = bus
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dev-reload", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        before = snapshot(self.root)
        while not self._stop.wait(self.interval):
            after = snapshot(self.root)
            files = changed(before, after)
            before = after
            if files:
                log.info("web/ changed (%s): reloading the page", ", ".join(files[:5]))
                self.bus.publish(EVENT, {"files": files[:20]})
