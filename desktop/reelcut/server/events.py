"""Server-sent events: the bus, streamed to the page."""

from __future__ import annotations

import json
import queue

from flask import Blueprint, Response, stream_with_context

from . import urls
from .util import bridge

bp = Blueprint("events", __name__, url_prefix="/api")
PING_SECONDS = 15.0


@bp.get("/events")
def stream():
    bus = bridge().bus
    q = bus.subscribe()

    def generate():
        try:
            yield "retry: 2000\n: connected\n\n"
            while True:
                try:
                    event, data = q.get(timeout=PING_SECONDS)
                except queue.Empty:
                    yield ": ping\n\n"
                    continue
                if data is None:
                    return  # the app is shutting down: end the stream cleanly
                data = urls.event(event, data)
                yield f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'), allow_nan=False)}\n\n"
        finally:
            bus.unsubscribe(q)

    return Response(stream_with_context(generate()), mimetype="text/event-stream",
                    headers={"X-Accel-Buffering": "no"})
