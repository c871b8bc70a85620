"""The one error type the application surface raises. Routes turn it into
`{"error": {code, message, field?}}` with its status; the CLI prints its message."""

from __future__ import annotations

import errno
from typing import Any

# The HTTP status of each error code that is not a plain 400, in one place: a code means the
# same thing wherever it is raised (tests/test_errors.py checks every raise in the tree).
STATUS: dict[str, int] = {
    # the request is well-formed but names something that does not fit
    "invalid_models": 422, "invalid_param": 422, "invalid_project": 422, "invalid_prompt": 422,
    "image_required": 422, "unknown_model": 422, "invalid_timeline": 422, "unknown_field": 422,
    "input_required": 422, "invalid_takes": 422, "invalid_clip": 422, "invalid_gap": 422, "wrong_model": 422,
    "invalid_spot": 422, "no_room": 422, "invalid_range": 422,
    "over_budget": 422, "waveform_failed": 422,
    "invalid_view": 422, "invalid_interchange": 422, "unknown_format": 422, "invalid_captions": 422,
    "invalid_export_settings": 422, "invalid_relink": 422, "format_unavailable": 422,
    "invalid_frame": 422, "outside_timeline": 422, "outside_media": 422, "no_picture": 422,
    "over_spending_cap": 422, "invalid_spending_cap": 422, "invalid_place": 422, "invalid_paths": 422,
    "invalid_track": 422, "no_sound": 422,
    "not_found": 404,
    "desktop_only": 409, "not_retryable": 409, "missing_media": 409, "media_offline": 409, "export_running": 409,
    "too_many_exports": 409, "stale_timeline": 409, "no_file_manager": 409, "job_running": 409,
    "nothing_to_undo": 409, "nothing_to_redo": 409,
    "too_large": 413, "image_too_large": 413, "input_too_large": 413, "not_media": 415,
    "disk_full": 507, "db_locked": 503, "busy": 503, "missing_tool": 503, "frame_timeout": 503,
    "invalid_key": 401, "no_api_key": 401, "account_locked": 403, "bearer_only": 403,
    # the provider failed us: a bad gateway, or a timeout
    "bad_response": 502, "bad_result": 502, "generation_failed": 502, "insecure_url": 502,
    "provider_error": 502, "provider_unreachable": 502, "request_expired": 502, "unknown_endpoint": 502,
    "submit_uncertain": 502, "untrusted_address": 502, "untrusted_url": 502,
    "provider_timeout": 504,
    # Reelcut itself failed
    "internal": 500, "db_error": 500, "db_too_new": 500, "ffmpeg_failed": 500, "ffmpeg_missing": 500,
    "io_error": 500, "interchange_failed": 500, "no_permission": 500, "no_provider": 500, "selftest_generation": 500,
    "selftest_timeout": 500, "selftest_report": 500,
}


class AppError(Exception):
    def __init__(self, code: str, message: str, *, status: int | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status if status is not None else STATUS.get(code, 400)
        self.field = field
        self.extra: dict[str, Any] = {}  # more context for the page, e.g. which model a field belongs to

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"code": self.code, "message": self.message, **self.extra}
        if self.field:
            d["field"] = self.field
        return d


class NotFound(AppError):
    """`what` names the missing thing ("The project"); `message` says more where that helps."""

    def __init__(self, what: str, message: str | None = None) -> None:
        super().__init__("not_found", message or f"{what} was not found.", status=404)


def from_os_error(exc: OSError, doing: str) -> AppError:
    """An OSError as a message a user can act on. `doing` completes 'while ...'."""
    if exc.errno == errno.ENOSPC:
        return AppError("disk_full", f"The disk is full, so Reelcut stopped while {doing}. Nothing was lost: "
                        "free some space and try again.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return AppError("no_permission", f"Reelcut may not write here while {doing} ({exc.strerror}).")
    return AppError("io_error", f"A file operation failed while {doing}: {exc.strerror or exc}.")
