"""The app's own URLs as the client that asked must use them.

The page lives under the launch's session prefix (/s/<secret>/, see security.py), so a URL the
server hands it (a playback source, a poster, an export's download) must carry that prefix, or
the browser would request it without the cookie. A Bearer client at the root gets root paths.
`request.script_root` is the prefix (or "") for the request being answered, so every URL is
built here from it, and nowhere else.

Services still name their URLs as root paths ("/media/<id>") for now; the routes pass what
they return through `media_item`, `export_job` and `sources`, and the event stream through
`event`. Routes that build a URL themselves call `path()` (or the named helpers)."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request


def path(app_path: str) -> str:
    """`/media/<id>` as this client must request it. Only app paths (one leading slash) are
    rebased; remote https URLs and None pass unchanged."""
    if not app_path.startswith("/") or app_path.startswith("//") or not has_request_context():
        return app_path
    return request.script_root + app_path


def media_file(media_id: str) -> str:
    return path(f"/media/{media_id}")


def media_proxy(media_id: str) -> str:
    return path(f"/media/{media_id}/proxy")


def thumbnail(media_id: str) -> str:
    return path(f"/media/{media_id}/thumbnail")


def export_file(export_id: str) -> str:
    return path(f"/api/exports/{export_id}/file")


def _rebased(d: dict[str, Any], key: str) -> dict[str, Any]:
    value = d.get(key)
    if not isinstance(value, str):
        return d
    return {**d, key: path(value)}


def media_item(item: dict[str, Any]) -> dict[str, Any]:
    return _rebased(item, "thumbnail_url")


def media_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [media_item(i) for i in items]


def export_job(job: dict[str, Any]) -> dict[str, Any]:
    return _rebased(job, "download_url")


def export_jobs(jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [export_job(j) for j in jobs]


def sources(items: list[dict[str, str]]) -> list[dict[str, str]]:
    """Playback sources: the local ones are app paths; a remote one is an https URL, unchanged."""
    return [_rebased(s, "url") for s in items]


def event(name: str, data: Any) -> Any:
    """An event of the bus as this stream's client must read it."""
    if name == "media" and isinstance(data, dict) and isinstance(data.get("media"), dict):
        return {**data, "media": media_item(data["media"])}
    if name == "export" and isinstance(data, dict):
        return export_job(data)
    return data
