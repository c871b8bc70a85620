"""User settings kept in the database (the fal key is not here: see keystore)."""

from __future__ import annotations

from typing import Any

from .db import Database, dumps, loads

# preview_proxies: play a seek-friendly proxy of videos that are slow to seek (render/proxies.py)
# smart_render: an export copies its sources' packets where its plan allows (render/plan.py)
DEFAULTS: dict[str, Any] = {"remote_preview": False, "preview_proxies": True, "smart_render": True}


class Settings:
    """Read through a cache: the security headers ask for remote_preview on every response, and
    this process is the only writer."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._cache: dict[str, Any] = {}

    def get(self, key: str) -> Any:
        if key not in self._cache:
            row = self.db.one("SELECT value FROM settings WHERE key = ?", (key,))
            self._cache[key] = loads(row["value"]) if row else DEFAULTS.get(key)
        return self._cache[key]

    def forget(self) -> None:
        """Drop what was read: the next get() reads the database again."""
        self._cache.clear()

    def set(self, key: str, value: Any) -> None:
        self.db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = "
                        "excluded.value", (key, dumps(value)))
        self._cache[key] = value
