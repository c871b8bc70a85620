"""Serving the app on loopback: bind first (port 0 lets the OS choose), then tell the app
which port it is on, so the Host check knows its own address."""

from __future__ import annotations

import threading

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from ..bridge import Bridge
from ..config import Config
from .app import create_app


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # request lines would print the ?token= of the first page load


class LocalServer:
    def __init__(self, config: Config, bridge: Bridge | None = None) -> None:
        self.bridge = bridge or Bridge(config)
        self.app = create_app(config, self.bridge)
        self.server: BaseWSGIServer = make_server(config.host, config.port, self.app, threaded=True,
                                                  request_handler=_QuietHandler)
        self.server.daemon_threads = True
        self.port = self.server.server_port
        config.port = self.port
        self.app.config["REELCUT_PORT"] = self.port
        self.config = config
        self._thread: threading.Thread | None = None
        self._serving = False

    @property
    def url(self) -> str:
        return f"http://{self.config.host}:{self.port}/"

    @property
    def login_url(self) -> str:
        """The start-up link: it trades the token for the cookie and lands on `app_url`."""
        return f"{self.url}?token={self.config.token}"

    @property
    def app_url(self) -> str:
        """Where the page lives this launch (the session prefix; see security.py)."""
        return f"{self.url.rstrip('/')}{self.app.config['REELCUT_SESSION_PREFIX']}/"

    def serve_forever(self) -> None:
        self.bridge.start()
        self._serving = True
        self.server.serve_forever()

    def start_background(self) -> None:
        self.bridge.start()
        self._serving = True
        self._thread = threading.Thread(target=self.server.serve_forever, name="reelcut-http", daemon=True)
        self._thread.start()

    def shutdown(self) -> None:
        self.bridge.bus.close()  # open event streams end with their final chunk
        if self._serving:  # socketserver's shutdown() waits forever for a loop that never ran
            self.server.shutdown()
        self.server.server_close()
        self.bridge.close()
