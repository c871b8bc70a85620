"""One Reelcut window per data dir: a launch first looks for a running one through its discovery
file (`server.json`, written by server.runner.LocalServer.advertise: {url, token, pid}), and if it
lives and answers, hands it the files it was given and exits, so that two processes never share
the database. A stale file (a dead pid, no answer) is ignored: that launch opens its own window."""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

ASK_TIMEOUT = 5.0  # seconds for the running instance to answer (health, then the activation)
# the activation imports the files (copies them) before answering
ACTIVATE_TIMEOUT = 120.0


def process_alive(pid: Any) -> bool:
    """Whether the pid a discovery file names is a running process (another user's counts)."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it lives
    except OSError:
        return False
    return True


def _ask(url: str, token: str, body: dict[str, Any] | None, timeout: float) -> tuple[int, dict[str, Any]]:
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="GET" if body is None else "POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(exc.read() or b"{}")
        except ValueError:
            return exc.code, {}


def running(data_dir: Path) -> dict[str, Any] | None:
    """The discovery file of the Reelcut running on data_dir ({url, token, pid}, plus `desktop`:
    whether it is a window), or None when there is none or the file is stale."""
    from .server.runner import DISCOVERY_FILE

    try:
        info = json.loads((data_dir / DISCOVERY_FILE).read_text("utf-8"))
        url, token, pid = str(info["url"]).rstrip("/"), str(info["token"]), info.get("pid")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if pid == os.getpid() or not process_alive(pid):  # a launch never hands its files to itself
        return None
    try:
        status, health = _ask(f"{url}/api/health", token, None, ASK_TIMEOUT)
    except (OSError, ValueError):
        return None
    if status != 200:
        return None
    return {"url": url, "token": token, "pid": pid, "desktop": bool(health.get("desktop"))}


def forward(found: dict[str, Any], files: list[str]) -> dict[str, Any]:
    """Ask the running window forward, with files (made absolute here: the window's process has
    another working directory). Returns its answer {imported, refused}; raises AppError when it
    refuses (it is a server for a browser, not a window)."""
    from .errors import AppError

    paths = [str(Path(f).expanduser().resolve()) for f in files]
    status, answer = _ask(f"{found['url']}/api/desktop/activate", found["token"], {"paths": paths}, ACTIVATE_TIMEOUT)
    if status != 200:
        err = answer.get("error") or {}
        raise AppError(err.get("code") or "error", err.get("message") or f"HTTP {status} from the running Reelcut")
    return answer
