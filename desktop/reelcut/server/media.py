"""Media bytes: Range requests (200/206/416) streamed from disk, never read whole.
Werkzeug's conditional handling does the Range arithmetic. The bytes then go by
os.sendfile (kernel to socket, no copy through Python) when the server exposes its socket,
else in 1 MiB blocks (Werkzeug's default is 8 KiB, which caps loopback at about 1 GB/s)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from flask import Blueprint, Response, request, send_file
from werkzeug.wsgi import FileWrapper

from .util import services

bp = Blueprint("media", __name__)
BLOCK = 1024 * 1024


class _SendfileBody:
    """A WSGI body that lets the server send the headers (by yielding b""), then hands the file
    range straight to the socket."""

    def __init__(self, f: BinaryIO, offset: int, length: int, sock: object) -> None:
        self.f, self.offset, self.length, self.sock = f, offset, length, sock

    def __iter__(self) -> Iterator[bytes]:
        yield b""  # Werkzeug writes and flushes the status line and headers on the first write
        out = self.sock.fileno()  # type: ignore[attr-defined]
        offset, left = self.offset, self.length
        while left > 0:
            sent = os.sendfile(out, self.f.fileno(), offset, min(left, 64 * BLOCK))
            if sent == 0:
                break
            offset += sent
            left -= sent

    def close(self) -> None:
        self.f.close()


def stream_file(path: Path, mimetype: str) -> Response:
    """Caching headers are security.cache_control's decision, not this route's."""
    f = open(path, "rb")  # noqa: SIM115 - closed by the WSGI server through FileWrapper.close
    try:
        stat = path.stat()
        resp = Response(FileWrapper(f, BLOCK), mimetype=mimetype, direct_passthrough=True)
        resp.content_length = stat.st_size
        resp.last_modified = stat.st_mtime
        resp.set_etag(f"{stat.st_mtime_ns:x}-{stat.st_size:x}")
        resp = resp.make_conditional(request.environ, accept_ranges=True, complete_length=stat.st_size)
        sock = request.environ.get("werkzeug.socket")
        if sock is not None and hasattr(os, "sendfile") and resp.status_code in (200, 206):
            start = resp.content_range.start if resp.status_code == 206 else 0
            resp.response = _SendfileBody(f, start or 0, resp.content_length or 0, sock)
        return resp
    except BaseException:
        f.close()
        raise


@bp.get("/media/<media_id>")
def media_file(media_id: str):
    path, mime = services().media.file_path(media_id)
    return stream_file(path, mime)


@bp.get("/media/<media_id>/proxy")
def proxy(media_id: str):
    return stream_file(services().media.proxy_path(media_id), "video/webm")


@bp.get("/media/<media_id>/thumbnail")
def thumbnail(media_id: str):
    return send_file(services().media.thumbnail_path(media_id), mimetype="image/jpeg", conditional=True)


@bp.get("/media/<media_id>/filmstrip")
def filmstrip(media_id: str):
    return send_file(services().media.filmstrip_path(media_id), mimetype="image/jpeg", conditional=True)
