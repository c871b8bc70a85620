"""A small Chrome DevTools protocol client, for driving the Qt window's page from a test
(Playwright's connect_over_cdp refuses Qt WebEngine). One websocket to one page target: commands
are sent with ids and their answers matched by id; every event that arrives meanwhile is kept, in
order, for `wait_event`. Every wait is bounded and fails saying what it waited for."""

from __future__ import annotations

import base64
import itertools
import json
import time
from typing import Any

import requests
import websocket


class CdpError(AssertionError):
    pass


def page_targets(port: int) -> list[dict[str, Any]]:
    """The debuggable pages of the browser listening on 127.0.0.1:port (empty while it starts)."""
    try:
        r = requests.get(f"http://127.0.0.1:{port}/json/list", timeout=5)
    except requests.ConnectionError:
        return []
    return [t for t in r.json() if t.get("type") == "page"] if r.status_code == 200 else []


def wait_page(port: int, predicate: Any = lambda t: True, timeout: float = 60) -> dict[str, Any]:
    """The first page target that satisfies predicate (its `url`, `webSocketDebuggerUrl`, ...)."""
    deadline = time.monotonic() + timeout
    seen: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        seen = page_targets(port)
        found = next((t for t in seen if predicate(t)), None)
        if found:
            return found
        time.sleep(0.1)
    raise CdpError(f"no page target on DevTools port {port} within {timeout} s; saw {[t.get('url') for t in seen]}")


class Cdp:
    def __init__(self, ws_url: str, timeout: float = 30) -> None:
        self.ws = websocket.create_connection(ws_url, timeout=timeout, suppress_origin=True)
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []
        self.timeout = timeout

    def close(self) -> None:
        self.ws.close()

    def _receive(self, deadline: float) -> dict[str, Any] | None:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        self.ws.settimeout(left)
        try:
            message: dict[str, Any] = json.loads(self.ws.recv())
        except websocket.WebSocketTimeoutException:
            return None
        return message

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float | None = None) -> dict[str, Any]:
        """Send one command; its result (events arriving meanwhile are kept for wait_event)."""
        ident = next(self.ids)
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params or {}}))
        wait = timeout or self.timeout
        deadline = time.monotonic() + wait
        while True:
            message = self._receive(deadline)
            if message is None:
                raise CdpError(f"no answer to {method} within {wait} s")
            if message.get("id") == ident:
                if "error" in message:
                    raise CdpError(f"{method} failed: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            if "method" in message:
                self.events.append(message)

    def wait_event(self, method: str, predicate: Any = lambda params: True, timeout: float | None = None,
                   after: int = 0) -> dict[str, Any]:
        """The params of the first event `method` (from index `after` of self.events on) that
        satisfies predicate, waiting for it if it has not come yet."""
        wait = timeout or self.timeout
        deadline = time.monotonic() + wait
        checked = after
        while True:
            for event in self.events[checked:]:
                if event["method"] == method and predicate(event.get("params", {})):
                    params: dict[str, Any] = event.get("params", {})
                    return params
            checked = len(self.events)
            message = self._receive(deadline)
            if message is None:
                raise CdpError(f"no {method} event within {wait} s")
            if "method" in message:
                self.events.append(message)

    def evaluate(self, expression: str, timeout: float | None = None) -> Any:
        """The value of a JavaScript expression in the page (promises awaited, returned by value)."""
        wait = timeout or self.timeout
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True, "timeout": int(wait * 1000)}, timeout=wait + 5)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise CdpError(f"{expression[:200]!r} threw: {details.get('exception', {}).get('description') or details}")
        return result["result"].get("value")

    def wait_for(self, expression: str, what: str, timeout: float = 30, interval: float = 0.1) -> Any:
        """Evaluate `expression` until it is truthy; its value. Fails saying `what` was awaited."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise CdpError(f"timed out after {timeout} s waiting for {what} (last value {value!r})")
            time.sleep(interval)

    def click(self, x: float, y: float) -> None:
        """A real mouse click at page coordinates (CSS pixels): a user gesture to the page."""
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            extra = {"button": "left", "clickCount": 1} if kind != "mouseMoved" else {}
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, **extra})

    def click_selector(self, selector: str) -> None:
        """Click the middle of the first element matching a CSS selector."""
        box = self.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
                            " if (!e) return null; const r = e.getBoundingClientRect();"
                            " return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        if box is None:
            raise CdpError(f"nothing matches {selector!r} to click")
        self.click(*box)

    def screenshot(self, selector: str) -> bytes:
        """A PNG of the page clipped to an element's box, at one device pixel per CSS pixel."""
        rect = self.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
                             " if (!e) return null; const r = e.getBoundingClientRect();"
                             " return {x: r.x, y: r.y, width: r.width, height: r.height}; })()")
        if not rect or rect["width"] < 1 or rect["height"] < 1:
            raise CdpError(f"{selector!r} has no box to capture: {rect}")
        shot = self.send("Page.captureScreenshot", {"format": "png", "clip": {**rect, "scale": 1}}, timeout=60)
        return base64.b64decode(shot["data"])
