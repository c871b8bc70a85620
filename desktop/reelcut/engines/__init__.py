"""The desktop window's engines: what differs between pywebview's Qt WebEngine backend and its
GTK (WebKitGTK) backend lives in one module each, behind the one interface of base.Engine, so the
shell only chooses an engine and never branches on which one it has."""

from __future__ import annotations

import importlib

from .base import Engine, EngineMissing

# name -> module; each module has ENGINE (an Engine) and check(), which raises EngineMissing
MODULES = {"qt": "reelcut.engines.qt", "gtk": "reelcut.engines.gtk"}
NAMES = tuple(MODULES)

__all__ = ["NAMES", "Engine", "EngineMissing", "default_name", "load"]


def load(name: str) -> Engine:
    """The engine called name, checked to be usable here. Raises EngineMissing (its message
    says what to install) when its libraries are not, KeyError for a name that is no engine."""
    module = importlib.import_module(MODULES[name])
    module.check()
    return module.ENGINE


def default_name() -> str:
    """Qt: the desktop extra brings all of it from PyPI (no system packages), and the frozen build
    bundles it. GTK needs system packages (WebKitGTK, GStreamer), so it is used when chosen."""
    return "qt"
