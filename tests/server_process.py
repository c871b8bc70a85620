"""`reelcut serve` as a real child process: started, read for its one line, killed (politely or
with SIGKILL) and started again on the same port and data dir."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

LINE = re.compile(r"^Reelcut running at (http://127\.0\.0\.1:(\d+)/)\?token=(\S+)$")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    def __init__(self, data_dir: Path, token: str, port: int | None = None, env: dict[str, str] | None = None,
                 args: list[str] | None = None) -> None:
        self.data_dir = data_dir
        self.token = token
        self.port = port or free_port()
        self.extra_env = env or {}
        self.args = args or []
        self.proc: subprocess.Popen[str] | None = None
        self.line = ""

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
        assert self.proc.stdout is not None
        self.line = self.proc.stdout.readline().rstrip("\n")
        if not LINE.match(self.line):
            self.proc.kill()
            raise AssertionError(f"unexpected first line {self.line!r}; stderr: {self.proc.stderr.read()[-2000:]}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.get("/api/health").status_code == 200:
                    return self
            except requests.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("server did not answer /api/health")

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
        for stream in (self.proc.stdout, self.proc.stderr) if self.proc else ():
            if stream:
                stream.close()

    def wait_for(self, predicate: Any, timeout: float = 60, interval: float = 0.1) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(interval)
        raise AssertionError("condition not reached in time")
