"""The fal key: FAL_KEY wins, then the keyring, then a 0600 file; never sent to the page."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from reelcut import keystore

SECRET = "abc123:s3cr3t-value"


@pytest.fixture(autouse=True)
def no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAL_KEY", raising=False)


class MemoryKeyring:
    def __init__(self) -> None:
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, user: str) -> str | None:
        return self.store.get((service, user))

    def set_password(self, service: str, user: str, value: str) -> None:
        self.store[(service, user)] = value

    def delete_password(self, service: str, user: str) -> None:
        self.store.pop((service, user), None)


def test_without_a_keyring_the_key_goes_to_a_private_file(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keystore, "_keyring", lambda: None)
    assert keystore.set_key(data_dir, SECRET) == "file"
    path = data_dir / "secrets" / "fal_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert keystore.get_key(data_dir) == SECRET
    assert keystore.key_source(data_dir) == "file"
    keystore.set_key(data_dir, None)
    assert not path.exists() and keystore.get_key(data_dir) is None


def test_keyring_is_preferred(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ring = MemoryKeyring()
    monkeypatch.setattr(keystore, "_keyring", lambda: ring)
    assert keystore.set_key(data_dir, SECRET) == "keyring"
    assert ring.store[("reelcut", "fal")] == SECRET
    assert not (data_dir / "secrets" / "fal_key").exists()
    assert keystore.key_source(data_dir) == "keyring"


def test_env_wins(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keystore, "_keyring", lambda: None)
    keystore.set_key(data_dir, "stored-key")
    monkeypatch.setenv("FAL_KEY", SECRET)
    assert keystore.get_key(data_dir) == SECRET
    assert keystore.key_source(data_dir) == "env"


def test_the_page_never_sees_the_key(api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keystore, "_keyring", lambda: None)
    r = api.put("/api/settings", json={"fal_key": SECRET})
    assert r.status_code == 200
    assert r.json == {"remote_preview": False, "fal_key_set": True, "fal_key_source": "file"}
    for path in ("/api/settings", "/api/models", "/api/projects", "/"):
        assert SECRET not in api.get(path).get_data(as_text=True)
    r = api.put("/api/settings", json={"fal_key": 42})
    assert r.status_code == 400 and r.json["error"]["field"] == "fal_key"
