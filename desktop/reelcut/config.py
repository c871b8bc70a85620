"""Where Reelcut keeps its data and how a launch is configured: the one place that decides."""

from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP_NAME = "Reelcut"


def default_data_dir() -> Path:
    env = os.environ.get("REELCUT_DATA_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_token() -> str:
    return os.environ.get("REELCUT_TOKEN") or secrets.token_urlsafe(32)


def fal_queue_url() -> str:
    """fal.ai's queue host; tests point it at the fake fal server on loopback."""
    return os.environ.get("REELCUT_FAL_QUEUE_URL", "https://queue.fal.run").rstrip("/")


def fal_rest_url() -> str:
    """fal.ai's REST host (storage uploads)."""
    return os.environ.get("REELCUT_FAL_REST_URL", "https://rest.fal.ai").rstrip("/")


def web_dir() -> Path:
    """The page's files: bundled by PyInstaller, installed inside the package (reelcut/web, by
    `pip install .`), or beside the source tree (an editable install)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "web"
    installed = Path(__file__).resolve().parent / "web"
    if (installed / "index.html").is_file():
        return installed
    return Path(__file__).resolve().parents[2] / "web"


@dataclass
class Config:
    data_dir: Path = field(default_factory=default_data_dir)
    token: str = field(default_factory=default_token)
    host: str = "127.0.0.1"
    port: int = 0
    dev_origins: list[str] = field(default_factory=list)
    dev: bool = False  # `serve --dev`: web/ files are never cached, and a change reloads the page
    upload_limit: int = 4 * 1024**3  # a multipart import
    json_limit: int = 8 * 1024**2  # any JSON body: a big timeline is a few MB
    # Reading a request: its head must arrive within this many seconds, and a body may pause no
    # longer. Writing a response has no timeout (a paused <video> stops reading for minutes).
    read_timeout: float = 30.0
    max_connections: int = 128  # beyond this, a new connection gets 503 (a page uses about 7)
    db_timeout: float = 5.0  # seconds to wait for a database another program has locked

    @property
    def db_path(self) -> Path:
        return self.data_dir / "reelcut.db"

    @property
    def temp_dir(self) -> Path:
        return self.data_dir / "tmp"

    @property
    def projects_dir(self) -> Path:
        return self.data_dir / "projects"
