"""Reelcut's log file: the one place that configures logging. A user never sees a console, so
what went wrong (a job's phases, a provider's answer, ffmpeg's stderr, what the page reported,
a crash's traceback) goes to a rotating file in the data dir, with the fal.ai key taken out of
every line before it is written."""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from .errors import AppError

LOG_NAME = "reelcut.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUPS = 4  # five files in all: reelcut.log and four older ones
FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"
REDACTED = "[redacted]"

# `Authorization: Key <key>` (fal.ai's scheme) anywhere in a message, and a key of fal's shape
# (<uuid>:<32 hex>) even without the header around it.
_KEY_HEADER = re.compile(r"(\bKey\s+)[^\s'\",}]+")
_FAL_SHAPE = re.compile(r"\b[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}:[0-9a-fA-F]{16,}\b")

_secret_sources: list[Callable[[], str | None]] = []
_handlers: list[logging.Handler] = []  # the ones setup() added: a second setup replaces them


def log_dir(data_dir: Path) -> Path:
    return data_dir / "logs"


_cache: dict[str, Any] = {"at": -1e9, "values": []}
CACHE_SECONDS = 2.0  # a key read from the keyring for each log line would be slow


def add_secret_source(source: Callable[[], str | None]) -> None:
    """A callable giving a secret to take out of every log line (the stored fal.ai key)."""
    _secret_sources.append(source)
    _cache["at"] = -1e9


def remove_secret_source(source: Callable[[], str | None]) -> None:
    if source in _secret_sources:
        _secret_sources.remove(source)


def _secrets() -> list[str]:
    now = time.monotonic()
    if now - _cache["at"] > CACHE_SECONDS:
        found = []
        for source in list(_secret_sources):
            try:
                found.append((source() or "").strip())
            except Exception:  # noqa: BLE001 - a keyring hiccup must not stop logging
                continue
        _cache["at"], _cache["values"] = now, found
    values = [os.environ.get("FAL_KEY", "").strip(), *_cache["values"]]
    return [s for s in values if len(s) >= 8]


def forget_cached_secrets() -> None:
    """The key just changed: the next line reads it again."""
    _cache["at"] = -1e9


def redact(text: str) -> str:
    for secret in _secrets():
        text = text.replace(secret, REDACTED)
    text = _KEY_HEADER.sub(lambda m: m.group(1) + REDACTED, text)
    return _FAL_SHAPE.sub(REDACTED, text)


class RedactKeys(logging.Filter):
    """Rewrites each record with its message (and traceback) redacted, so no handler after it can
    write the key."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string is logged as it is
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def _uncaught(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    logging.getLogger("reelcut.crash").critical("uncaught exception", exc_info=(exc_type, exc, tb))


def _uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread else "?"
    logging.getLogger("reelcut.crash").critical("uncaught exception in thread %s", name,
                                                exc_info=(args.exc_type, args.exc_value, args.exc_traceback))


def setup(data_dir: Path | None, verbose: bool = False) -> Path | None:
    """Console at WARNING (DEBUG with -v), and with a data dir, the rotating file at INFO. Crashes
    of the main thread and of any other thread go to both. Returns the log file's path, or None
    when the file cannot be written (the console still works)."""
    root = logging.getLogger()
    for handler in _handlers:
        root.removeHandler(handler)
        handler.close()
    _handlers.clear()
    redactor = RedactKeys()
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    console.addFilter(redactor)
    _handlers.append(console)
    path = None
    if data_dir is not None:
        try:
            folder = log_dir(data_dir)
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / LOG_NAME
            file = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                                        encoding="utf-8", delay=True)
            file.setLevel(logging.DEBUG if verbose else logging.INFO)
            file.setFormatter(logging.Formatter(FORMAT))
            file.addFilter(redactor)
            _handlers.append(file)
        except OSError as exc:
            path = None
            print(f"reelcut: the log file cannot be written ({exc}); logging to the console only.", file=sys.stderr)
    for handler in _handlers:
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    # third-party chatter stays out of the file unless asked for
    for noisy in ("urllib3", "werkzeug", "PIL", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose else logging.WARNING)
    sys.excepthook = _uncaught
    threading.excepthook = _uncaught_in_thread
    return path


def teardown() -> None:
    """Undo setup(): its handlers closed and removed, the default crash hooks back (tests)."""
    root = logging.getLogger()
    for handler in _handlers:
        root.removeHandler(handler)
        handler.close()
    _handlers.clear()
    root.setLevel(logging.WARNING)  # the logging module's own default
    sys.excepthook = sys.__excepthook__
    threading.excepthook = threading.__excepthook__


class ClientLog:
    """What the page reports (CSP violations, media errors), written to the log: bounded per
    entry and rate-limited, since any script on the page could call it in a loop."""

    MAX_FIELD = 1000
    KINDS = ("csp", "media", "error")
    PER_MINUTE = 60

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._window_start = 0.0
        self._count = 0
        self.dropped = 0
        self._log = logging.getLogger("reelcut.page")

    def record(self, data: Any) -> bool:
        """Log one report; returns False when it was dropped by the rate limit."""
        if not isinstance(data, dict):
            raise AppError("invalid_client_log", "The report must be an object.")
        kind = data.get("kind")
        if kind not in self.KINDS:
            raise AppError("invalid_client_log", f"kind must be one of {', '.join(self.KINDS)}.", field="kind")
        message = data.get("message")
        if not isinstance(message, str) or not message.strip():
            raise AppError("invalid_client_log", "message is required.", field="message")
        if len(message) > self.MAX_FIELD:
            raise AppError("too_large", f"message is longer than {self.MAX_FIELD} characters.", field="message")
        source = data.get("source", "")
        if not isinstance(source, str) or len(source) > self.MAX_FIELD:
            raise AppError("invalid_client_log", f"source must be text of at most {self.MAX_FIELD} characters.",
                           field="source")
        with self._lock:
            now = self._clock()
            if now - self._window_start >= 60:
                if self.dropped:
                    self._log.warning("%d page reports were dropped (over %d a minute)", self.dropped,
                                      self.PER_MINUTE)
                self._window_start, self._count, self.dropped = now, 0, 0
            if self._count >= self.PER_MINUTE:
                self.dropped += 1
                return False
            self._count += 1
        # one line each: a newline in a report must not forge another log line
        clean = " ".join(message.split())
        where = " ".join(source.split())
        self._log.warning("page %s: %s%s", kind, clean, f" ({where})" if where else "")
        return True
