"""Media bytes: Range requests (200/206/416) streamed from disk in 1 MiB blocks, never read
whole. Werkzeug's conditional handling does the Range arithmetic; the larger block (its
default is 8 KiB) is what lets loopback serving keep up with the disk."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, request, send_file
from werkzeug.wsgi import FileWrapper

from .util import bridge

bp = Blueprint("media", __name__)
BLOCK = 1024 * 1024


def stream_file(path: Path, mimetype: str, max_age: int = 3600) -> Response:
    f = open(path, "rb")  # noqa: SIM115 - closed by the WSGI server through FileWrapper.close
    try:
        stat = path.stat()
        resp = Response(FileWrapper(f, BLOCK), mimetype=mimetype, direct_passthrough=True)
        resp.content_length = stat.st_size
        resp.last_modified = stat.st_mtime
        resp.set_etag(f"{stat.st_mtime_ns:x}-{stat.st_size:x}")
        resp.cache_control.max_age = max_age
        resp.cache_control.private = True
        return resp.make_conditional(request.environ, accept_ranges=True, complete_length=stat.st_size)
    except BaseException:
        f.close()
        raise


@bp.get("/media/<media_id>")
def media_file(media_id: str):
    path, mime = bridge().media_file(media_id)
    return stream_file(path, mime)


@bp.get("/media/<media_id>/thumbnail")
def thumbnail(media_id: str):
    return send_file(bridge().thumbnail_file(media_id), mimetype="image/jpeg", conditional=True, max_age=3600)


@bp.get("/media/<media_id>/filmstrip")
def filmstrip(media_id: str):
    return send_file(bridge().filmstrip_file(media_id), mimetype="image/jpeg", conditional=True, max_age=3600)
