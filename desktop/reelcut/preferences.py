"""The user's preferences: switches kept in the database, and the fal.ai key kept in the
keystore. A change is published as a `settings` event, so its owners react (the proxy maker
when preview proxies are turned on) and every open window shows it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from . import keystore, logs
from .errors import AppError
from .eventbus import EventBus
from .library.settings import Settings

SWITCHES = ("remote_preview", "preview_proxies", "smart_render")
MAX_KEY = 500
KEY_SHAPE = re.compile(r"[A-Za-z0-9._-]+:[A-Za-z0-9._-]+")


def key_shape_problem(key: str) -> str | None:
    """Why a fal.ai key cannot be right by its shape alone (key_id:key_secret), or None."""
    key = key.strip()
    if ":" not in key:
        return "A fal.ai key has two parts, key_id:key_secret, joined by a colon."
    if not KEY_SHAPE.fullmatch(key):
        return ("A fal.ai key is key_id:key_secret: letters, digits, dots, dashes or underscores on each side "
                "of one colon.")
    return None


class Preferences:
    def __init__(self, settings: Settings, data_dir: Path, bus: EventBus) -> None:
        self.settings = settings
        self.data_dir = data_dir
        self.bus = bus

    def remote_preview_enabled(self) -> bool:
        return bool(self.settings.get("remote_preview"))

    def preview_proxies_enabled(self) -> bool:
        return bool(self.settings.get("preview_proxies"))

    def smart_render_enabled(self) -> bool:
        """Export by copying the sources' packets where the plan allows (render/plan.py)."""
        return bool(self.settings.get("smart_render"))

    def fal_key(self) -> str | None:
        return keystore.get_key(self.data_dir)

    def get(self) -> dict[str, Any]:
        source = keystore.key_source(self.data_dir)
        return {"remote_preview": self.remote_preview_enabled(),
                "preview_proxies": self.preview_proxies_enabled(),
                "smart_render": self.smart_render_enabled(),
                "fal_key_set": source is not None, "fal_key_source": source}

    def update(self, values: Any) -> dict[str, Any]:
        """Everything is checked before anything is written: a refused request changes nothing."""
        if not isinstance(values, dict):
            raise AppError("invalid_settings", "Settings must be an object.")
        unknown = sorted(set(values) - {*SWITCHES, "fal_key"})
        if unknown:
            raise AppError("invalid_settings", f"There is no setting named '{unknown[0]}'.", field=unknown[0])
        switches = [name for name in SWITCHES if name in values]
        for name in switches:
            if not isinstance(values[name], bool):
                raise AppError("invalid_settings", f"{name} must be true or false.", field=name)
        key = values.get("fal_key")
        if "fal_key" in values and key is not None and (not isinstance(key, str) or len(key) > MAX_KEY):
            raise AppError("invalid_settings", "The fal.ai key must be text.", field="fal_key")
        if isinstance(key, str) and key.strip():
            problem = key_shape_problem(key)
            if problem:
                raise AppError("invalid_settings", problem, field="fal_key")
        for name in switches:
            self.settings.set(name, values[name])
        if "fal_key" in values:
            keystore.set_key(self.data_dir, key.strip() if key else None)
            logs.forget_cached_secrets()
        current = self.get()
        self.bus.publish("settings", {"changed": [*switches, *(["fal_key"] if "fal_key" in values else [])],
                                      "settings": current})
        return current
