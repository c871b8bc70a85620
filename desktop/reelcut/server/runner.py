"""Serving the app on loopback: bind first (port 0 lets the OS choose), then tell the app
which port it is on, so the Host check knows its own address.

Werkzeug's threaded server gives each connection a thread and, left alone, waits forever on a
client that stops sending: half a request head, or an upload that declared 3 GB and sent less,
would hold a thread for good. So:

- reading has a timeout: the whole head must arrive within `read_timeout`, and a body may pause
  no longer than that between bytes (408 then, and the connection closes);
- writing has none: a paused <video> stops reading its response for minutes, the event stream
  is open for hours, and media goes out by os.sendfile, which needs a blocking socket;
- at most `max_connections` are served at once; one more is answered 503 and closed."""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import threading
import time
from typing import Any

from werkzeug.exceptions import RequestTimeout
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from ..config import Config
from ..services import Services
from . import security
from .app import create_app

REFUSE_SECONDS = 2.0  # how long a refused connection may take to send its head and read the 503
MAX_REFUSING = 16  # refusals in flight at once; past that a connection is closed unanswered


class _Socket:
    """One connection's socket, switched between a read timeout and blocking writes. (Python has
    one timeout per socket for both directions; switching costs a syscall only on a change.)"""

    def __init__(self, sock: socket.socket, read_timeout: float) -> None:
        self.sock = sock
        self.read_timeout = read_timeout
        self.head_deadline: float | None = None
        self._mode: float | None = -1.0

    def _set(self, timeout: float | None) -> None:
        if timeout != self._mode:
            self.sock.settimeout(timeout)
            self._mode = timeout

    def reading(self) -> None:
        timeout = self.read_timeout
        if self.head_deadline is not None:
            left = self.head_deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the request head did not arrive in time")
            timeout = min(timeout, left)
        self._set(timeout)

    def writing(self) -> None:
        self._set(None)


class _Reader(io.RawIOBase):
    """The bytes under the handler's rfile: every recv runs under the read timeout, so the head's
    deadline holds even inside one readline."""

    def __init__(self, sock: _Socket) -> None:
        super().__init__()
        self._sock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        self._sock.reading()
        return self._sock.sock.recv_into(b)

    def fileno(self) -> int:
        return self._sock.sock.fileno()


class _Writer:
    """The handler's wfile: writes block (no timeout), see the module's docstring."""

    def __init__(self, raw: Any, sock: _Socket) -> None:
        self._raw, self._sock = raw, sock

    def write(self, data: bytes) -> int:
        self._sock.writing()
        return self._raw.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


class _BodyInput:
    """wsgi.input: a body that stops arriving is a 408 for the route, not an OSError deep in
    the form parser (which werkzeug would report as a client disconnect)."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw

    def _call(self, name: str, *args: Any) -> Any:
        try:
            return getattr(self._raw, name)(*args)
        except TimeoutError:
            raise RequestTimeout() from None

    def read(self, *args: Any) -> bytes:
        return self._call("read", *args)

    def readinto(self, b: Any) -> int:
        return self._call("readinto", b)

    def readline(self, *args: Any) -> bytes:
        return self._call("readline", *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


class _Handler(WSGIRequestHandler):
    server: _Server

    def setup(self) -> None:
        super().setup()
        self._sock = _Socket(self.connection, self.server.read_timeout)
        self.rfile.close()
        self.rfile = io.BufferedReader(_Reader(self._sock))
        self.wfile = _Writer(self.wfile, self._sock)  # type: ignore[assignment]

    def handle_one_request(self) -> None:
        # the request line and headers together get one deadline, so trickling them slowly
        # (a byte every few seconds) holds a thread no longer than one that stops
        self._sock.head_deadline = time.monotonic() + self.server.read_timeout
        super().handle_one_request()

    def run_wsgi(self) -> None:
        self._sock.head_deadline = None  # the head is in: the body gets the pause timeout
        super().run_wsgi()

    def make_environ(self) -> Any:
        environ = super().make_environ()
        environ["wsgi.input"] = _BodyInput(environ["wsgi.input"])
        return environ

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # request lines would print the ?token= of the first page load

    def log_error(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # "Request timed out" for every idle connection the timeout closes


class _Server(ThreadedWSGIServer):
    """Werkzeug's threaded server with a cap on the connections it serves at once."""

    def __init__(self, config: Config, app: Any) -> None:
        self.read_timeout = config.read_timeout
        self._slots = threading.BoundedSemaphore(config.max_connections)
        self._refusing = threading.BoundedSemaphore(MAX_REFUSING)
        body = json.dumps({"error": {"code": "busy", "message": "Reelcut is serving too many connections. "
                                     "Try again in a moment."}}).encode()
        headers = {**security.security_headers(security.build_csp()), "Cache-Control": "no-store",
                   "Content-Type": "application/json", "Content-Length": str(len(body)),
                   "Retry-After": "1", "Connection": "close"}
        self._busy = ("HTTP/1.1 503 Service Unavailable\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
                      + "\r\n").encode("latin-1") + body
        super().__init__(config.host, config.port, app, handler=_Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self._refuse(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def _refuse(self, request: socket.socket) -> None:
        if not self._refusing.acquire(blocking=False):
            self.shutdown_request(request)  # a flood: no answer, but no thread either
            return
        threading.Thread(target=self._answer_busy, args=(request,), name="reelcut-busy", daemon=True).start()

    def _answer_busy(self, request: socket.socket) -> None:
        """Read the head (closing a socket with unread bytes would reset it before the client
        reads the answer), answer 503, close. Short: REFUSE_SECONDS in all."""
        try:
            deadline = time.monotonic() + REFUSE_SECONDS
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 65536:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                request.settimeout(left)
                chunk = request.recv(65536)
                if not chunk:
                    break
                head += chunk
            request.settimeout(max(0.1, deadline - time.monotonic()))
            request.sendall(self._busy)
        except OSError:
            pass
        finally:
            self.shutdown_request(request)
            self._refusing.release()


log = logging.getLogger(__name__)

DISCOVERY_FILE = "server.json"


def discovery_path(config: Config) -> Any:
    """Where a running Reelcut says where it is, for `reelcut mcp` and scripts."""
    return config.data_dir / DISCOVERY_FILE


class LocalServer:
    def __init__(self, config: Config, services: Services | None = None) -> None:
        self.services = services or Services(config)
        self.app = create_app(config, self.services)
        self.server = _Server(config, self.app)
        self.port = self.server.server_port
        config.port = self.port
        self.app.config["REELCUT_PORT"] = self.port
        self.config = config
        self._thread: threading.Thread | None = None
        self._serving = False
        self._advertised = False

    def advertise(self) -> None:
        """Write the discovery file (`server.json` in the data dir: {url, token, pid}), readable
        by the user only: how `reelcut mcp` finds this running Reelcut. Removed by shutdown."""
        path = discovery_path(self.config)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as f:
                json.dump({"url": self.url, "token": self.config.token, "pid": os.getpid()}, f)
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except OSError as exc:  # a full disk costs agents the discovery, not the user the app
            log.warning("could not write %s: %s", path, exc)
            tmp.unlink(missing_ok=True)
            return
        self._advertised = True

    def _withdraw(self) -> None:
        if not self._advertised:
            return
        self._advertised = False
        path = discovery_path(self.config)
        try:  # only our own: a later launch may have written its own since
            if json.loads(path.read_text()).get("pid") == os.getpid():
                path.unlink()
        except (OSError, ValueError):
            pass

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
        self.services.start()
        self._serving = True
        self.server.serve_forever()

    def start_background(self) -> None:
        self.services.start()
        self._serving = True
        self._thread = threading.Thread(target=self.server.serve_forever, name="reelcut-http", daemon=True)
        self._thread.start()

    def shutdown(self) -> None:
        self._withdraw()
        self.services.bus.close()  # open event streams end with their final chunk
        if self._serving:  # socketserver's shutdown() waits forever for a loop that never ran
            self.server.shutdown()
        self.server.server_close()
        self.services.close()
