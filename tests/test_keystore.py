"""The fal key: FAL_KEY wins, then the keyring, then a 0600 file; never sent to the page."""

from __future__ import annotations

import logging
import stat
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from reelcut import keystore

SECRET = "abc123:s3cr3t-value"


@pytest.fixture(autouse=True)
def no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAL_KEY", raising=False)


@pytest.fixture
def use_keyring() -> Any:
    """Set keyring's backend for a test (as a user's desktop would have it), then put the
    previous one back."""
    before = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(before)


@pytest.fixture
def no_keyring(use_keyring: Any) -> None:
    """A machine with no usable keyring: keyring's own 'fail' backend."""
    use_keyring(fail.Keyring())


class MemoryKeyring(KeyringBackend):
    """A real keyring backend (keyring's own API), kept in memory."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, user: str) -> str | None:
        return self.store.get((service, user))

    def set_password(self, service: str, user: str, value: str) -> None:
        self.store[(service, user)] = value

    def delete_password(self, service: str, user: str) -> None:
        self.store.pop((service, user), None)


def test_without_a_keyring_the_key_goes_to_a_private_file(data_dir: Path, no_keyring: None) -> None:
    assert keystore.set_key(data_dir, SECRET) == "file"
    path = data_dir / "secrets" / "fal_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert keystore.get_key(data_dir) == SECRET
    assert keystore.key_source(data_dir) == "file"
    keystore.set_key(data_dir, None)
    assert not path.exists() and keystore.get_key(data_dir) is None


def test_keyring_is_preferred(data_dir: Path, use_keyring: Any) -> None:
    ring = MemoryKeyring()
    use_keyring(ring)
    assert keystore.set_key(data_dir, SECRET) == "keyring"
    assert ring.store[("reelcut", "fal")] == SECRET
    assert not (data_dir / "secrets" / "fal_key").exists()
    assert keystore.key_source(data_dir) == "keyring"


def test_env_wins(data_dir: Path, no_keyring: None, monkeypatch: pytest.MonkeyPatch) -> None:
    keystore.set_key(data_dir, "stored-key")
    monkeypatch.setenv("FAL_KEY", SECRET)
    assert keystore.get_key(data_dir) == SECRET
    assert keystore.key_source(data_dir) == "env"


def test_the_page_never_sees_the_key(api: Any, no_keyring: None) -> None:
    r = api.put("/api/settings", json={"fal_key": SECRET})
    assert r.status_code == 200
    assert r.json == {"remote_preview": False, "preview_proxies": True, "smart_render": True, "fal_key_set": True,
                      "fal_key_source": "file"}
    for path in ("/api/settings", "/api/models", "/api/projects", "/"):
        assert SECRET not in api.get(path).get_data(as_text=True)
    r = api.put("/api/settings", json={"fal_key": 42})
    assert r.status_code == 400 and r.json["error"]["field"] == "fal_key"


def test_fail_and_null_backends_mean_the_file(data_dir: Path, use_keyring: Any) -> None:
    from keyring.backends import null

    for backend in (fail.Keyring(), null.Keyring()):
        use_keyring(backend)
        assert keystore.set_key(data_dir, SECRET) == "file"
        assert keystore.get_key(data_dir) == SECRET and keystore.key_source(data_dir) == "file"
        keystore.set_key(data_dir, None)


class RefusingKeyring(MemoryKeyring):
    def set_password(self, service: str, user: str, value: str) -> None:
        raise RuntimeError("the keyring is locked")


class ForgetfulKeyring(MemoryKeyring):
    def set_password(self, service: str, user: str, value: str) -> None:
        pass


@pytest.mark.parametrize("ring", [RefusingKeyring(), ForgetfulKeyring()])
def test_a_keyring_that_does_not_keep_the_key_falls_back_to_the_file(
        data_dir: Path, use_keyring: Any, caplog: pytest.LogCaptureFixture, ring: MemoryKeyring) -> None:
    caplog.set_level(logging.DEBUG)
    ring.store[("reelcut", "fal")] = "an-older-key"
    use_keyring(ring)
    assert keystore.set_key(data_dir, SECRET) == "file"
    assert keystore.get_key(data_dir) == SECRET  # the older key in the keyring is not read first
    assert keystore.key_source(data_dir) == "file"
    assert "private file" in caplog.text and SECRET not in caplog.text


def test_the_file_is_private_even_over_a_leftover(data_dir: Path, no_keyring: None) -> None:
    secrets = data_dir / "secrets"
    secrets.mkdir(mode=0o755)
    (secrets / "fal_key.part").write_text("half")
    (secrets / "fal_key.part").chmod(0o644)
    keystore.set_key(data_dir, SECRET)
    assert stat.S_IMODE((secrets / "fal_key").stat().st_mode) == 0o600
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o700
    assert [p.name for p in secrets.iterdir()] == ["fal_key"]
