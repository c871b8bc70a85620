"""In-process publish/subscribe for progress and library changes. The SSE route, the proxy
maker and the CLI subscribe; services publish. Knows nothing of HTTP.

A subscriber reads (event, data) pairs from its queue. `data` is None only for the last item it
will ever get: CLOSED when the app shuts down, DROPPED when it fell so far behind that its queue
filled up. A dropped subscriber has lost events, so it must re-read the state it follows
(the SSE stream ends, and the page reconnects and re-reads)."""

from __future__ import annotations

import queue
import threading
from typing import Any

CLOSED = "closed"
DROPPED = "dropped"

Subscription = queue.Queue  # of (event, data) pairs


class EventBus:
    def __init__(self, max_backlog: int = 1000) -> None:
        self._subs: set[queue.Queue[tuple[str, Any]]] = set()
        self._lock = threading.Lock()
        self._max = max_backlog

    def subscribe(self) -> queue.Queue[tuple[str, Any]]:
        # one slot more than the backlog, so the final (DROPPED, None) always fits
        q: queue.Queue[tuple[str, Any]] = queue.Queue(self._max + 1)
        with self._lock:
            self._subs.add(q)
        return q

    def unsubscribe(self, q: queue.Queue[tuple[str, Any]]) -> None:
        with self._lock:
            self._subs.discard(q)

    def close(self) -> None:
        """Shutting down: every subscriber gets a final (CLOSED, None) and stops reading."""
        with self._lock:
            subs, self._subs = list(self._subs), set()
        for q in subs:
            _finish(q, CLOSED)

    def publish(self, event: str, data: Any) -> None:
        with self._lock:
            subs = list(self._subs)
        for q in subs:
            if q.qsize() >= self._max:
                # A stalled reader must not block generation, and must not go silent either: it
                # is told it was dropped, and re-reads state.
                self.unsubscribe(q)
                _finish(q, DROPPED)
                continue
            try:
                q.put_nowait((event, data))
            except queue.Full:
                self.unsubscribe(q)
                _finish(q, DROPPED)


def _finish(q: queue.Queue[tuple[str, Any]], why: str) -> None:
    """Make (why, None) the next thing the reader gets: what is still queued is stale."""
    while True:
        try:
            q.get_nowait()
        except queue.Empty:
            break
    try:
        q.put_nowait((why, None))
    except queue.Full:
        pass  # the reader is the only other party, and it only takes items out
