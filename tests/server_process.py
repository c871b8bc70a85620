"""`reelcut serve` as a real child process: started, read for its one line, killed (politely or
with SIGKILL) and started again on the same port and data dir. A first start binds port 0 and
reads the port from the line it prints (no port is picked and freed beforehand, for another
process to take); its stderr is drained while it runs, so a chatty server never blocks on a
full pipe, and the tail of it explains a failure."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

import requests

LINE = re.compile(r"^Reelcut running at (http://127\.0\.0\.1:(\d+)/)\?token=(\S+)$")


def free_port() -> int:
    """A port free right now (for the one test of --port N; servers here bind port 0)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    def __init__(self, data_dir: Path, token: str, port: int | None = None, env: dict[str, str] | None = None,
                 args: list[str] | None = None) -> None:
        self.data_dir = data_dir
        self.token = token
        self.port = port or 0
        self.extra_env = env or {}
        self.args = args or []
        self.proc: subprocess.Popen[str] | None = None
        self.line = ""
        self.stderr_tail: deque[str] = deque(maxlen=200)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def login_url(self) -> str:
        return f"{self.url}?token={self.token}"

    def start(self, timeout: float = 30) -> ServerProcess:
        env = {**os.environ, "REELCUT_DATA_DIR": str(self.data_dir), "REELCUT_TOKEN": self.token, **self.extra_env}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "reelcut.cli", "serve", "--no-browser", "--port", str(self.port), *self.args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self.stderr_tail.clear()
        threading.Thread(target=self._drain, args=(self.proc.stderr,), daemon=True).start()
        self.line = self.proc.stdout.readline().rstrip("\n")
        match = LINE.match(self.line)
        if not match:
            self.proc.kill()
            self.proc.wait(10)
            raise AssertionError(f"unexpected first line {self.line!r}; stderr: {self.stderr()[-2000:]}")
        self.port = int(match.group(2))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.get("/api/health").status_code == 200:
                    return self
            except requests.ConnectionError:
                time.sleep(0.05)
        raise AssertionError(f"server did not answer /api/health; stderr: {self.stderr()[-2000:]}")

    def _drain(self, stream: Any) -> None:
        for line in stream:
            self.stderr_tail.append(line)

    def stderr(self) -> str:
        return "".join(self.stderr_tail)

    def session(self) -> requests.Session:
        s = requests.Session()
        s.headers["Authorization"] = f"Bearer {self.token}"
        return s

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.session().get(self.url.rstrip("/") + path, timeout=kw.pop("timeout", 30), **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self.session().post(self.url.rstrip("/") + path, timeout=kw.pop("timeout", 30), **kw)

    def put(self, path: str, **kw: Any) -> requests.Response:
        return self.session().put(self.url.rstrip("/") + path, timeout=kw.pop("timeout", 30), **kw)

    def patch(self, path: str, **kw: Any) -> requests.Response:
        return self.session().patch(self.url.rstrip("/") + path, timeout=kw.pop("timeout", 30), **kw)

    def kill(self) -> None:
        """SIGKILL: no clean-up code of ours runs, as in a crash or a power cut."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()  # stderr is closed by its drain when the process ends

    def wait_for(self, predicate: Any, timeout: float = 60, interval: float = 0.1) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(interval)
        raise AssertionError("condition not reached in time")
