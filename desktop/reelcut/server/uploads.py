"""Where a multipart upload is spooled while it arrives: the data dir's temp folder, not /tmp.
/tmp is often RAM (tmpfs) and another file system than the library; what a crash leaves in the
temp folder is swept at the next start-up (MediaStore.clean_temp)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from flask import Request

from ..errors import from_os_error


class _Spool:
    """One uploaded file's spool. A write that fails (the disk is full) removes it and says so,
    naming the file, instead of an OSError deep in the form parser (a 500)."""

    def __init__(self, f: IO[bytes], filename: str | None) -> None:
        self._f = f
        self._name = filename or "the upload"

    def write(self, data: bytes) -> int:
        try:
            return self._f.write(data)
        except OSError as exc:
            self._f.close()  # a named temp file: closing deletes it, so nothing half-written stays
            raise from_os_error(exc, f"receiving '{self._name}'") from exc

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._f)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._f, name)


def request_class(temp_dir: Path) -> type[Request]:
    class UploadRequest(Request):
        def _get_file_stream(self, total_content_length: int | None, content_type: str | None,
                             filename: str | None = None, content_length: int | None = None) -> IO[bytes]:
            temp_dir.mkdir(parents=True, exist_ok=True)
            f = tempfile.NamedTemporaryFile(dir=temp_dir, prefix="upload-", suffix=".part")  # noqa: SIM115
            return _Spool(f, filename)  # type: ignore[return-value]

    return UploadRequest
