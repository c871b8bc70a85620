"""The one error type the application surface raises. Routes turn it into
`{"error": {code, message, field?}}` with its status; the CLI prints its message."""

from __future__ import annotations

import errno
from typing import Any


class AppError(Exception):
    def __init__(self, code: str, message: str, *, status: int = 400, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.field = field
        self.extra: dict[str, Any] = {}  # more context for the page, e.g. which model a field belongs to

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"code": self.code, "message": self.message, **self.extra}
        if self.field:
            d["field"] = self.field
        return d


class NotFound(AppError):
    def __init__(self, what: str) -> None:
        super().__init__("not_found", f"{what} was not found.", status=404)


def from_os_error(exc: OSError, doing: str) -> AppError:
    """An OSError as a message a user can act on. `doing` completes 'while ...'."""
    if exc.errno == errno.ENOSPC:
        return AppError("disk_full", f"The disk is full, so Reelcut stopped while {doing}. Nothing was lost: "
                        "free some space and try again.", status=507)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return AppError("no_permission", f"Reelcut may not write here while {doing} ({exc.strerror}).", status=500)
    return AppError("io_error", f"A file operation failed while {doing}: {exc.strerror or exc}.", status=500)
