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
from werkzeug.datastructures import Headers
from werkzeug.formparser import FormDataParser, MultiPartParser

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


class _MultiPartParser(MultiPartParser):
    def get_part_charset(self, headers: Headers) -> str:
        # called for each plain field once it has arrived: a file part whose name was cut by a
        # line feed has a Content-Disposition that starts a filename and never ends it
        disposition = headers.get("content-disposition", "")
        if "filename" in disposition.lower():
            raise AppError("invalid_name", "The file name contains a line break.", field="file")
        return super().get_part_charset(headers)


class _FormDataParser(FormDataParser):
    def _parse_multipart(self, stream: IO[bytes], mimetype: str, content_length: int | None,
                         options: dict[str, str]) -> Any:
        parser = _MultiPartParser(stream_factory=self.stream_factory, max_form_memory_size=self.max_form_memory_size,
                                  max_form_parts=self.max_form_parts, cls=self.cls)
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")
        form, files = parser.parse(stream, boundary, content_length)
        return stream, form, files


def request_class(temp_dir: Path) -> type[Request]:
    class UploadRequest(Request):
        form_data_parser_class = _FormDataParser

        def _get_file_stream(self, total_content_length: int | None, content_type: str | None,
                             filename: str | None = None, content_length: int | None = None) -> IO[bytes]:
            temp_dir.mkdir(parents=True, exist_ok=True)
            f = tempfile.NamedTemporaryFile(dir=temp_dir, prefix="upload-", suffix=".part")  # noqa: SIM115
            return _Spool(f, filename, current_app.extensions["reelcut"].media.upload_limit)  # type: ignore[return-value]

    return UploadRequest
