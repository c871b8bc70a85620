"""What a provider is given and must return. The job manager owns threads, rows and ingest;
a provider only turns one request into one local file."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..errors import STATUS, AppError


class JobCancelled(Exception):
    """Raised inside a provider when the user cancelled the job."""


class GenerationError(AppError):
    """A failure with a message a user can act on. `code` is machine-readable, `field` names
    the parameter at fault (shown next to it in the form), `retryable` says whether trying the
    same request again later could succeed."""

    def __init__(self, code: str, message: str, *, field: str | None = None,
                 status: int | None = None, retryable: bool = False) -> None:
        # a provider's failure is a bad gateway unless errors.STATUS says more
        super().__init__(code, message, status=status or STATUS.get(code, 502), field=field)
        self.retryable = retryable


@dataclass
class GeneratedFile:
    """A finished result on local disk, not yet in the library."""

    path: Path                      # a temp file inside ctx.temp_dir; the manager moves it
    remote_url: str | None = None   # provenance only; never played unless the user allows it
    cost: float | None = None
    sha256: str | None = None       # when the provider hashed it while writing (and fsynced it),
    size: int | None = None         # ingest need not read it again
    probed: Any = None              # the provider's own ProbeResult of this file, if it made one


@dataclass
class JobContext:
    """Everything a provider may use for one job."""

    job_id: str
    model: dict[str, Any]           # the registry entry
    prompt: str
    params: dict[str, Any]          # already validated and typed by the registry
    image_path: Path | None         # the library file for image-to-video, else None
    temp_dir: Path                  # same filesystem as the library, so rename is atomic
    state: dict[str, Any]           # provider state persisted in the job row (request id, URLs)
    report: Callable[..., None]     # report(phase, progress=None, message=None, **extra)
    persist: Callable[[dict[str, Any]], None]  # saves `state` into the job row
    cancel_event: threading.Event = field(default_factory=threading.Event)
    # library files for the model's other media fields, by wire name (end_image_url, audio_url...)
    inputs: dict[str, Path] = field(default_factory=dict)
    seed: int | None = None         # the take's seed (also in params when the model has a seed field)
    cost: float | None = None       # the job's estimate, made when the inputs' lengths were known

    def check_cancelled(self) -> None:
        if self.cancel_event.is_set():
            raise JobCancelled()

    def save_state(self, **values: Any) -> None:
        """Record provider state durably before depending on it (e.g. right after submit),
        so a restarted app resumes the same paid request instead of submitting again."""
        self.state.update(values)
        self.persist(dict(self.state))


class Provider(Protocol):
    def generate(self, ctx: JobContext) -> GeneratedFile:
        """Run (or resume, when ctx.state says a request exists) and return the local file.
        Call ctx.report with phases "queued", "generating", "downloading" and extra keys
        queue_position=, log=, bytes_done=, bytes_total= as they become known. Raise
        GenerationError or JobCancelled."""
        ...

    def cancel(self, ctx: JobContext) -> None:
        """Best-effort remote cancel; called from another thread after cancel_event is set."""
        ...
