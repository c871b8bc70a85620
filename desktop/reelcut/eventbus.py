"""In-process publish/subscribe for progress and library changes. The SSE route and the
desktop shell subscribe; services publish. Knows nothing of HTTP."""

from __future__ import annotations

import queue
import threading
from typing import Any


class EventBus:
    def __init__(self, max_backlog: int = 1000) -> None:
        self._subs: set[queue.Queue[tuple[str, Any]]] = set()
        self._lock = threading.Lock()
        self._max = max_backlog

    def subscribe(self) -> queue.Queue[tuple[str, Any]]:
        q: queue.Queue[tuple[str, Any]] = queue.Queue(self._max)
        with self._lock:
            self._subs.add(q)
        return q

    def unsubscribe(self, q: queue.Queue[tuple[str, Any]]) -> None:
        with self._lock:
            self._subs.discard(q)

    def close(self) -> None:
        """Shutting down: every subscriber gets a final None and stops reading."""
        with self._lock:
            subs, self._subs = list(self._subs), set()
        for q in subs:
            try:
                q.put_nowait(("", None))
            except queue.Full:
                pass

    def publish(self, event: str, data: Any) -> None:
        with self._lock:
            subs = list(self._subs)
        for q in subs:
            try:
                q.put_nowait((event, data))
            except queue.Full:
                # A stalled reader must not block generation: it loses old events and
                # re-reads state on reconnect.
                self.unsubscribe(q)
