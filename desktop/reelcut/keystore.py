"""The fal.ai API key: FAL_KEY wins; else the OS keyring; else (no usable keyring backend) a
file readable only by this user. The key is never logged and never sent to the page."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
SERVICE, USER = "reelcut", "fal"


def _keyring() -> Any:
    """The keyring module if a real backend is available, else None. The `fail` backend
    refuses everything and the `null` one silently forgets: neither can hold the key, and
    priority <= 0 is how keyring itself marks a backend as not viable."""
    try:
        import keyring

        backend = keyring.get_keyring()
        module = type(backend).__module__
        if module in ("keyring.backends.fail", "keyring.backends.null") or getattr(backend, "priority", 1) <= 0:
            return None
        return keyring
    except Exception:  # noqa: BLE001 - any keyring trouble means "use the file"
        return None


def _file(data_dir: Path) -> Path:
    return data_dir / "secrets" / "fal_key"


def _read_keyring() -> str | None:
    kr = _keyring()
    if kr is None:
        return None
    try:
        return kr.get_password(SERVICE, USER)
    except Exception:  # noqa: BLE001
        log.warning("the OS keyring could not be read")
        return None


def get_key(data_dir: Path) -> str | None:
    """The key to use now, or None."""
    env = os.environ.get("FAL_KEY", "").strip()
    if env:
        return env
    stored = _read_keyring()
    if stored:
        return stored
    path = _file(data_dir)
    if path.is_file():
        return path.read_text("utf-8").strip() or None
    return None


def key_source(data_dir: Path) -> str | None:
    """Where get_key finds the key: "env", "keyring", "file" or None (for Settings)."""
    if os.environ.get("FAL_KEY", "").strip():
        return "env"
    if _read_keyring():
        return "keyring"
    if _file(data_dir).is_file():
        return "file"
    return None


def set_key(data_dir: Path, key: str | None) -> str | None:
    """Store (or with None, remove) the key; returns where it went."""
    kr = _keyring()
    path = _file(data_dir)
    if key is None:
        if kr is not None:
            try:
                kr.delete_password(SERVICE, USER)
            except Exception:  # noqa: BLE001 - nothing stored there
                pass
        path.unlink(missing_ok=True)
        return None
    if kr is not None:
        try:
            kr.set_password(SERVICE, USER, key)
            # a locked or misbehaving store can accept a write and keep nothing: read it back
            if kr.get_password(SERVICE, USER) == key:
                path.unlink(missing_ok=True)
                return "keyring"
            log.warning("the OS keyring did not keep the key; keeping it in a private file instead")
        except Exception:  # noqa: BLE001
            log.warning("the OS keyring refused the key; keeping it in a private file instead")
        try:  # an older key left in the keyring would be read before the new file
            kr.delete_password(SERVICE, USER)
        except Exception:  # noqa: BLE001 - nothing stored there
            pass
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    tmp = path.with_suffix(".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # O_CREAT's mode does not apply to a leftover .part from an earlier crash
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(key)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return "file"
