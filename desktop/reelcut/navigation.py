"""Where the desktop window may go: the app's own origin stays in the window, external https
links open in the system browser, everything else is refused. Pure, so it is tested alone."""

from __future__ import annotations

from urllib.parse import urlsplit

ALLOW, EXTERNAL, BLOCK = "allow", "external", "block"


def decide(url: str, app_origin: str) -> str:
    parts = urlsplit(url)
    own = urlsplit(app_origin)
    if (parts.scheme, parts.hostname, parts.port) == (own.scheme, own.hostname, own.port):
        return ALLOW
    if url == "about:blank":
        return ALLOW
    if parts.scheme == "https" and parts.hostname:
        return EXTERNAL
    return BLOCK
