"""Every URL the server hands the page, built in one place. Services return ids and facts; the
routes and the event stream add URLs here, under the prefix the request came in on (the
page's per-launch path, see security.py), so the page can use them as they are."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request


def _root() -> str:
    # the prefix the request came in on ("" for a Bearer client at the root, or off a request)
    return request.script_root if has_request_context() else ""


def media_file(media_id: str) -> str:
    return f"{_root()}/media/{media_id}"


def proxy_file(media_id: str) -> str:
    return f"{_root()}/media/{media_id}/proxy"


def thumbnail(media_id: str) -> str:
    return f"{_root()}/media/{media_id}/thumbnail"


def filmstrip(media_id: str) -> str:
    return f"{_root()}/media/{media_id}/filmstrip"


def export_file(export_id: str) -> str:
    return f"{_root()}/api/exports/{export_id}/file"


def export_sidecar(export_id: str) -> str:
    return f"{_root()}/api/exports/{export_id}/sidecar"


def media_item(item: dict[str, Any]) -> dict[str, Any]:
    """A media row as the page reads it: with the URL of its poster, if it has one."""
    out = {k: v for k, v in item.items() if k != "has_thumbnail"}
    out["thumbnail_url"] = thumbnail(item["id"]) if item.get("has_thumbnail") else None
    return out


def export_job(job: dict[str, Any]) -> dict[str, Any]:
    """An export as the page reads it: the download URL once the file exists (never its path)."""
    sidecar = job.get("sidecar")
    return {**job, "download_url": export_file(job["id"]) if job.get("filename") else None,
            "sidecar": {**sidecar, "download_url": export_sidecar(job["id"])} if sidecar else None}


def sources(media_id: str, entries: list[dict[str, str]]) -> list[dict[str, str]]:
    """Playback sources (reelcut.playback) with the URL of each local kind filled in."""
    local = {"local": media_file(media_id), "blob": media_file(media_id), "proxy": proxy_file(media_id)}
    return [{**e, "url": e.get("url") or local[e["kind"]]} for e in entries]


def event(name: str, data: Any) -> Any:
    """An event's payload as the page reads it."""
    if name == "media" and isinstance(data, dict) and "media" in data:
        return {**data, "media": media_item(data["media"])}
    if name == "export" and isinstance(data, dict):
        return export_job(data)
    return data
