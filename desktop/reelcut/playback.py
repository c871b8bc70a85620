"""Where the player may get an item's picture, best first. A pure function: the route gives it
the item and the two facts it depends on, and turns each kind into a URL."""

from __future__ import annotations

from typing import Any


def playback_sources(item: dict[str, Any], *, use_proxy: bool, remote_allowed: bool) -> list[dict[str, str]]:
    """The local file served same-origin, then the same bytes as a blob: URL built by the page,
    then (only when the user allowed remote preview) the provider's URL. A ready proxy goes
    first when the engine cannot decode the original or seeks in it are slow (`use_proxy`);
    the original is still offered after it. Entries other than "remote" carry no URL: the
    server decides where the local bytes live."""
    sources = [{"kind": "local", "type": item["mime"]}, {"kind": "blob", "type": item["mime"]}]
    if use_proxy and item["proxy"]["status"] == "ready":
        sources.insert(0, {"kind": "proxy", "type": "video/webm"})
    remote = item["source"].get("remote_url")
    if remote and remote_allowed:
        sources.append({"kind": "remote", "url": remote, "type": item["mime"]})
    return sources
