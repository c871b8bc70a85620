"""Shared fixtures: a fresh data dir per test, the services, a Flask test client that speaks
with the token, and a real server on loopback."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail

from reelcut.config import Config
from reelcut.generation.base import Provider
from reelcut.server.app import create_app
from reelcut.server.runner import LocalServer
from reelcut.services import Services

from . import media_samples
from .fake_fal import fake_fal, fal_clip  # noqa: F401 - fixtures for the fal.ai tests
from .server_process import ServerProcess

TOKEN = "test-token-0123456789"
TEST_PORT = 5999  # the Host the Flask test client claims to be

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--autoplay-policy=no-user-gesture-required"]


# No test reads or writes the machine's keyring, in this process or in a server it starts: a key
# left there by one test (or by a backend a test module defines, which keyring then chains in)
# made "no key is set" depend on the tests that ran before.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"


@pytest.fixture(autouse=True)
def no_machine_keyring() -> Iterator[None]:
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(fail.Keyring())


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d


@pytest.fixture
def config(data_dir: Path) -> Config:
    return Config(data_dir=data_dir, token=TOKEN, port=TEST_PORT)


@pytest.fixture
def providers() -> dict[str, Provider]:
    """Generation providers a test module puts beside (or in place of) the defaults: override
    this fixture in the module."""
    return {}


@pytest.fixture
def services(config: Config, providers: dict[str, Provider]) -> Iterator[Services]:
    s = Services(config, providers)
    s.start()
    yield s
    for job in s.jobs.list():
        s.jobs.cancel(job["id"])
        s.jobs.wait(job["id"], timeout=30)
    s.close()


def sources_of(services: Services, media_id: str) -> list[dict[str, str]]:
    """The playback sources the API would answer for this item, without HTTP."""
    from reelcut.playback import playback_sources

    item = services.media.get(media_id)
    return playback_sources(item, use_proxy=services.proxies.needs_proxy(item),
                            remote_allowed=services.preferences.remote_preview_enabled())


class Api:
    """The Flask test client as the page's own code would call it: right Host, Bearer token."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.client = app.test_client()
        self.base_url = f"http://127.0.0.1:{TEST_PORT}"

    def request(self, method: str, path: str, *, auth: bool = True, headers: dict[str, str] | None = None,
                **kw: Any) -> Any:
        h = {"Authorization": f"Bearer {TOKEN}"} if auth else {}
        h.update(headers or {})
        return self.client.open(path, method=method, base_url=self.base_url, headers=h, **kw)

    def get(self, path: str, **kw: Any) -> Any:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Any:
        return self.request("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> Any:
        return self.request("PUT", path, **kw)

    def patch(self, path: str, **kw: Any) -> Any:
        return self.request("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self.request("DELETE", path, **kw)


@pytest.fixture
def app(config: Config, services: Services) -> Any:
    return create_app(config, services)


@pytest.fixture
def api(app: Any) -> Api:
    return Api(app)


@pytest.fixture
def project(services: Services) -> dict[str, Any]:
    return services.projects.create("Test project")


@pytest.fixture
def live_server(data_dir: Path) -> Iterator[LocalServer]:
    server = LocalServer(Config(data_dir=data_dir, token=TOKEN, port=0))
    server.start_background()
    yield server
    server.shutdown()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    """`reelcut serve` as a real child process (the browser tests' app)."""
    s = ServerProcess(tmp_path / "data", TOKEN).start()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("samples")
    return {
        "video": media_samples.make_video(d / "clip.mp4"),
        "image": media_samples.make_image(d / "still.png"),
        "audio": media_samples.make_audio(d / "tone.mp3"),
        "text": media_samples.make_text(d / "notes.txt"),
        "disguised": media_samples.make_text(d / "fake.mp4"),
    }


# -- browser (pytest-playwright) -----------------------------------------------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium: `playwright install` cannot download here. No fallback, no skip: a
    missing browser fails the browser tests loudly."""
    path = os.environ.get("REELCUT_CHROMIUM", CHROMIUM)
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}
