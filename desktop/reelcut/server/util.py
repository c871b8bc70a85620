"""Helpers the thin route modules share, and JSON in and out.

Request bodies are parsed here and only here, so every route refuses the same things with a
400 that names the field, before anything is stored: NaN and Infinity (json accepts them, but
they are not JSON: served back they make a document the page cannot parse), numbers too large
for a float (1e999 would become Infinity), nesting deeper than MAX_DEPTH (the walkers and the
encoder recurse), lone surrogates (not text: SQLite and every UTF-8 writer refuse them), and
bodies over the JSON cap, which is far smaller than the upload cap."""

from __future__ import annotations

import json
import math
from typing import Any

from flask import current_app, g, request
from flask.json.provider import DefaultJSONProvider

from ..errors import AppError
from ..library.files import human_size
from ..library.timeline import field_path
from ..services import Services

MAX_DEPTH = 64


def services() -> Services:
    return current_app.extensions["reelcut"]


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON out, refusing to write NaN or Infinity (a 500 that says so, rather than a
    document no JSON parser reads)."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("allow_nan", False)
        return super().dumps(obj, **kwargs)


class _NonFinite:
    """What json.loads makes of NaN, Infinity or an overflowing number, so the walk can name
    where it was."""

    def __init__(self, text: str) -> None:
        self.text = text


def _parse_float(text: str) -> float | _NonFinite:
    value = float(text)
    return value if math.isfinite(value) else _NonFinite(text)


def _surrogate_at(text: str) -> int | None:
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def _refuse(code: str, field: str, message: str) -> AppError:
    return AppError(code, message, field=field or None)


def check_json(value: Any) -> None:
    """Walk a parsed document without recursion and refuse what JSON, the database or the
    renderers cannot carry, naming the field (e.g. `timeline.tracks[0].clips[1].text`)."""
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        node, path, depth = stack.pop()
        where = path or "The body"
        if isinstance(node, _NonFinite):
            raise _refuse("not_finite", path, f"{where} is {node.text}, which is not a number JSON can carry. "
                                              "Send a finite number.")
        if isinstance(node, str):
            at = _surrogate_at(node)
            if at is not None:
                raise _refuse("invalid_text", path, f"{where} has a lone surrogate (\\u{ord(node[at]):04x}) at "
                                                    f"character {at}, which is not text.")
            continue
        if not isinstance(node, (dict, list)):
            continue
        if depth >= MAX_DEPTH:
            raise _refuse("too_deep", path, f"{where} is nested more than {MAX_DEPTH} levels deep.")
        if isinstance(node, dict):
            for key, item in node.items():
                at = _surrogate_at(key)
                if at is not None:
                    raise _refuse("invalid_text", path, f"A key in {where} has a lone surrogate "
                                                        f"(\\u{ord(key[at]):04x}), which is not text.")
                stack.append((item, field_path(path, key), depth + 1))
        else:
            stack.extend((item, field_path(path, i), depth + 1) for i, item in enumerate(node))


def parse_json(raw: bytes) -> Any:
    """Bytes to a checked document, or an AppError (400) saying what is wrong."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise AppError("invalid_json", "The request body is not UTF-8 text.") from None
    try:
        value = json.loads(text, parse_constant=_NonFinite, parse_float=_parse_float)
    except RecursionError:
        # json's own parser gives up near 1,000 levels; far beyond what check_json allows
        raise AppError("too_deep", f"The body is nested more than {MAX_DEPTH} levels deep.") from None
    except ValueError as exc:
        raise AppError("invalid_json", f"The request body is not valid JSON ({exc}).") from None
    check_json(value)
    return value


def body() -> dict[str, Any]:
    """The request's JSON object, read under the JSON cap (config `REELCUT_JSON_LIMIT`), not
    the upload cap."""
    if "reelcut_body" in g:
        return g.reelcut_body  # the stream is read once; a second call gets the same object
    if not request.is_json:
        raise AppError("invalid_json", "The request body must be a JSON object.")
    limit: int = current_app.config["REELCUT_JSON_LIMIT"]
    too_large = AppError("too_large", f"The request body is larger than the {human_size(limit)} JSON limit.")
    if request.content_length is not None and request.content_length > limit:
        raise too_large  # refused from its header, unread
    # read by hand, counting: a chunked body has no Content-Length to refuse it by
    chunks, total = [], 0
    while chunk := request.stream.read(64 * 1024):
        total += len(chunk)
        if total > limit:
            raise too_large
        chunks.append(chunk)
    data = parse_json(b"".join(chunks))
    if not isinstance(data, dict):
        raise AppError("invalid_json", "The request body must be a JSON object.")
    g.reelcut_body = data
    return data




def uploaded(what: str, max_bytes: int) -> tuple[str, bytes, int | None]:
    """A multipart import's `file` (its name and at most max_bytes + 1 bytes, so the service can
    refuse what is too big) and the `revision` the timeline was read at (None: not given)."""
    upload = request.files.get("file")
    if upload is None:
        raise AppError("no_file", f"Choose a {what} to import.", field="file")
    raw = request.form.get("revision")
    revision: int | None = None
    if raw not in (None, ""):
        if not raw.isdigit():
            raise AppError("invalid_revision", "The revision must be a whole number (the one the timeline was "
                           "read at).", field="revision")
        revision = int(raw)
    return upload.filename or "", upload.stream.read(max_bytes + 1), revision
