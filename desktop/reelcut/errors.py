"""The one error type the application surface raises. Routes turn it into
`{"error": {code, message, field?}}` with its status; the CLI prints its message."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    def __init__(self, code: str, message: str, *, status: int = 400, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.field = field

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            d["field"] = self.field
        return d


class NotFound(AppError):
    def __init__(self, what: str) -> None:
        super().__init__("not_found", f"{what} was not found.", status=404)
