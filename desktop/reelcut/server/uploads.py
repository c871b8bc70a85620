"""Where a multipart upload is spooled while it arrives: the data dir's temp folder, not /tmp.
/tmp is often RAM (tmpfs) and another file system than the library; what a crash leaves in the
temp folder is swept at the next start-up (MediaStore.clean_temp).

Each file's spool counts what it is given and stops at the upload limit: a body sent chunked
has no Content-Length to be refused by, and Werkzeug's own cap on it is the whole form's (the
limit plus the form's slack). A file part whose name broke its head (a raw line feed in the
file name splits the Content-Disposition line, and the part arrives as a plain field) is refused
saying so, rather than as "no file"."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from flask import Request, current_app
from werkzeug.formparser import FormDataParser
from werkzeug.http import parse_options_header

from ..errors import AppError, from_os_error
from ..library.files import human_size


class _Spool:
    """One uploaded file's spool. A write that fails (the disk is full) removes it and says so,
    naming the file, instead of an OSError deep in the form parser (a 500)."""

    def __init__(self, f: IO[bytes], filename: str | None, limit: int | None = None) -> None:
        self._f = f
        self._name = filename or "the upload"
        self._limit = limit
        self._size = 0

    def write(self, data: bytes) -> int:
        self._size += len(data)
        if self._limit is not None and self._size > self._limit:
            self._f.close()  # a named temp file: closing deletes it
            raise AppError("too_large", f"'{self._name}' is larger than the {human_size(self._limit)} upload limit.",
                           field="file")
        try:
            return self._f.write(data)
        except OSError as exc:
            self._f.close()  # a named temp file: closing deletes it, so nothing half-written stays
            raise from_os_error(exc, f"receiving '{self._name}'") from exc

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._f)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._f, name)


class _PartHeads:
    """The body as the multipart parser reads it, each part's head checked as it goes by: a raw
    line feed in a file name cuts the Content-Disposition line, so the filename never ends and
    the part would arrive as a plain field (held in memory, then "no file"). It is refused at
    its head instead, whatever the size of what follows."""

    KEEP = 16 * 1024  # the most of one head kept while it arrives over several reads

    def __init__(self, stream: IO[bytes], boundary: bytes) -> None:
        self._stream = stream
        self._delimiter = b"--" + boundary
        self._tail = b""

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        window = self._tail + data
        at = window.find(self._delimiter)
        while at != -1:
            end = window.find(b"\r\n\r\n", at)
            if end == -1:  # this head is still arriving: keep it for the next read
                self._tail = window[at:at + self.KEEP]
                return data
            _check_head(window[at:end])
            at = window.find(self._delimiter, end)
        self._tail = window[-(len(self._delimiter) + 3):]  # a delimiter cut by this read
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _check_head(head: bytes) -> None:
    for line in head.splitlines():  # split as Werkzeug splits it, at a bare \r or \n too
        if line[:20].lower() == b"content-disposition:":
            value = line[20:].decode("utf-8", "replace")
            if "filename" in value.lower() and not set(parse_options_header(value)[1]) & {"filename", "filename*"}:
                raise AppError("invalid_name", "The file name contains a line break.", field="file")


class _FormDataParser(FormDataParser):
    def _parse_multipart(self, stream: IO[bytes], mimetype: str, content_length: int | None,
                         options: dict[str, str]) -> Any:
        boundary = options.get("boundary", "").encode("ascii")
        if boundary:
            stream = _PartHeads(stream, boundary)  # type: ignore[assignment]
        return super()._parse_multipart(stream, mimetype, content_length, options)


def request_class(temp_dir: Path) -> type[Request]:
    class UploadRequest(Request):
        form_data_parser_class = _FormDataParser

        def _get_file_stream(self, total_content_length: int | None, content_type: str | None,
                             filename: str | None = None, content_length: int | None = None) -> IO[bytes]:
            temp_dir.mkdir(parents=True, exist_ok=True)
            f = tempfile.NamedTemporaryFile(dir=temp_dir, prefix="upload-", suffix=".part")  # noqa: SIM115
            return _Spool(f, filename, current_app.extensions["reelcut"].media.upload_limit)  # type: ignore[return-value]

    return UploadRequest
