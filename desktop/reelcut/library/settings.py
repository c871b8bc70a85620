"""User settings kept in the database (the fal key is not here: see keystore)."""

from __future__ import annotations

from typing import Any

from .db import Database, dumps, loads

DEFAULTS: dict[str, Any] = {"remote_preview": False}


class Settings:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, key: str) -> Any:
        row = self.db.one("SELECT value FROM settings WHERE key = ?", (key,))
        return loads(row["value"]) if row else DEFAULTS.get(key)

    def set(self, key: str, value: Any) -> None:
        self.db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = "
                        "excluded.value", (key, dumps(value)))
