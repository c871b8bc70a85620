"""fal.ai's queue, for real: submit, follow the status/response/cancel URLs the submit returns,
report queue position and logs, fetch the result, stream the video to a temp file and check it.

A submitted request is paid for, so its URLs are saved in the job row before anything else; a
restarted app polls the same request instead of submitting again. A submit is never sent twice
on the client's own initiative: if its fate is unknown (an answer lost, the app stopped while it
was in flight) the job fails saying so, and only the user's Retry submits again.

Every URL fal.ai's answers name is held to fal_guard's rules before it is kept or contacted."""

from __future__ import annotations

import base64
import hashlib
import json
import mimetypes
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import requests

from ..config import fal_queue_url, fal_rest_url
from ..errors import AppError
from ..media.encode import EncodeCancelled, run_ffmpeg
from ..media.live_probe import LiveProbe
from ..media.probe import NotMedia, ProbeResult, probe
from . import registry
from .base import GeneratedFile, GenerationError, JobCancelled, JobContext
from .fal_http import MAYBE_SENT, FalHttp, check_url, json_of, stream_lines, submit_uncertain

IMAGE_LIMIT = 10 * 1024 * 1024   # fal's image inputs: larger ones are refused before upload
# Per kind of media input. fal states 10 MB for images and 100 MB for Kling's video inputs; the
# sound limit is ours (20 s of audio is far below it).
INPUT_LIMITS = {"audio": 50 * 1024 * 1024, "video": 100 * 1024 * 1024}
DEFAULT_MIME = {"image": "image/png", "audio": "audio/mpeg", "video": "video/mp4"}
DATA_URI_LIMIT = 256 * 1024      # small files travel inline, saving a round trip
DOWNLOAD_TRIES = 3
CHUNK = 1024 * 1024
GIVE_UP_AFTER = 2 * 3600.0       # seconds without fal.ai answering before the job stops waiting
_CANCELLING = threading.Lock()  # one cancel request per fal.ai request
REFUSED = ("insecure_url", "untrusted_url", "untrusted_address")  # final: asking again changes nothing


_SUFFIX = {"video": "mp4", "image": "img", "audio": "snd"}


def _answer_kind(model: dict[str, Any]) -> str:
    """What fal's answer holds: what the model makes, unless its entry says otherwise (MMAudio
    answers with the video, its new sound muxed in)."""
    return str(model.get("result_field") or registry.output_of(model))


def _sound_of(ctx: JobContext, video: Path) -> tuple[Path, ProbeResult]:
    """The sound track of a video fal answered with, as its own AAC file."""
    out = ctx.temp_dir / f"{ctx.job_id}-sound.m4a"
    try:
        run_ffmpeg(["-i", str(video), "-map", "0:a:0", "-vn", "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart",
                    str(out)], duration=1.0, cancel=ctx.cancel_event, what="Taking the sound from fal.ai's video")
    except EncodeCancelled:
        out.unlink(missing_ok=True)
        raise JobCancelled() from None
    except GenerationError:
        out.unlink(missing_ok=True)
        raise
    except AppError as exc:
        out.unlink(missing_ok=True)
        raise GenerationError("bad_result", f"{ctx.model['name']} returned a video without sound "
                              f"({exc.message}).") from None
    finally:
        video.unlink(missing_ok=True)
    return out, probe(out)


def _result_media_url(result: dict[str, Any], output: str) -> str | None:
    """Where fal's answer puts the file: `video.url`, `audio.url` or `images[0].url`
    (fal-models-2026.md, section 0)."""
    if output == "image":
        images = result.get("images")
        first = images[0] if isinstance(images, list) and images else None
        url = first.get("url") if isinstance(first, dict) else None
    else:
        media = result.get(output)
        url = media.get("url") if isinstance(media, dict) else media if isinstance(media, str) else None
    return str(url) if url else None


class FalProvider:
    """One provider serves every fal job; each job gets its own HTTP session. `queue_url` and
    `rest_url` pin the hosts; left None they are read from the settings (REELCUT_FAL_QUEUE_URL,
    REELCUT_FAL_REST_URL) at each submit, so a changed setting applies to the next job. `sleep`
    and `http_options` (attempts, base_delay, max_delay, timeout) make waits injectable."""

    def __init__(self, key_lookup: Callable[[], str | None], *, queue_url: str | None = None,
                 rest_url: str | None = None, sleep: Callable[[float], None] = time.sleep,
                 poll_interval: float = 1.0, http_options: dict[str, Any] | None = None,
                 stream_status: bool = True) -> None:
        self.key_lookup = key_lookup
        self.queue_url = queue_url
        self.rest_url = rest_url
        self.stream_status = stream_status
        self.sleep = sleep
        self.poll_interval = poll_interval
        self.http_options = http_options or {}

    def _http(self) -> FalHttp:
        key = self.key_lookup()
        if not key:
            raise GenerationError("no_api_key", "Add your fal.ai API key in Settings (or set FAL_KEY) to use "
                                  "fal.ai models. The offline models need no key.")
        return FalHttp(key, queue_url=self._queue(), rest_url=self._rest(), media_hosts=registry.remote_media_hosts(),
                       sleep=self.sleep, **self.http_options)

    def _queue(self) -> str:
        return check_url((self.queue_url or fal_queue_url()).rstrip("/"))

    def _rest(self) -> str:
        return check_url((self.rest_url or fal_rest_url()).rstrip("/"))

    def test_key(self, key: str) -> bool:
        """Whether fal.ai accepts a key: one GET of a request's status that does not exist. It
        costs nothing; 401 (or 403) means refused, anything else (404) means the key is known."""
        http = FalHttp(key, queue_url=self._queue(), rest_url=self._rest(), attempts=2, base_delay=0.2,
                       timeout=(10.0, 20.0))
        try:
            url = f"{http.queue_url}/fal-ai/reelcut-key-check/requests/00000000-0000-0000-0000-000000000000/status"
            resp = http.request("GET", url, model_name="the key check", ok=tuple(range(400, 500)))
            return resp.status_code not in (401, 403)
        finally:
            http.close()

    # -- the job ------------------------------------------------------------------------------
    def generate(self, ctx: JobContext) -> GeneratedFile:
        http = self._http()
        name = ctx.model["name"]
        retry_note = lambda message: ctx.report(ctx.state.get("phase", "queued"), message=message)  # noqa: E731
        try:
            if "request_id" not in ctx.state:
                if ctx.state.get("submitting"):
                    # the app stopped while a submit was in flight: fal.ai may have it
                    self._uncertain(ctx, submit_uncertain("Reelcut stopped while the request was being sent"))
                self._submit(http, ctx, retry_note)
                if ctx.cancel_event.is_set():
                    # cancelled while the submit was in flight: cancel() had no URL to call then,
                    # and the paid request must not run on unseen
                    self._cancel_with(http, ctx)
                    raise JobCancelled()
            else:
                ctx.report("queued", message="Resuming the fal.ai request")
            if ctx.model.get("mode") == "transcribe":
                return self._transcript(http, ctx, retry_note)
            url = ctx.state.get("video_url") or self._wait_for_result(http, ctx, retry_note)
            path, size, sha, probed = self._download(http, ctx, url, name, retry_note)
            if _answer_kind(ctx.model) != registry.output_of(ctx.model):
                path, probed = _sound_of(ctx, path)
                size, sha = path.stat().st_size, None
            cost = ctx.cost if ctx.cost is not None else registry.estimate_cost(ctx.model, ctx.params)
            return GeneratedFile(path=path, remote_url=url, cost=cost, sha256=sha, size=size, probed=probed)
        finally:
            http.close()

    def _transcript(self, http: FalHttp, ctx: JobContext, note: Callable[[str], None]) -> GeneratedFile:
        """Speech to text: the answer is the result itself (kept in the job's state, paid for,
        before anything reads it), handed to the manager as a JSON file."""
        if "transcript" not in ctx.state:
            self._wait_for_result(http, ctx, note)
        path = ctx.temp_dir / f"transcript-{ctx.job_id}.json"
        path.write_text(json.dumps(ctx.state["transcript"]), "utf-8")
        cost = ctx.cost if ctx.cost is not None else registry.estimate_cost(ctx.model, ctx.params)
        return GeneratedFile(path=path, cost=cost)

    def _submit(self, http: FalHttp, ctx: JobContext, note: Callable[[str], None]) -> None:
        # speech to text takes no prompt
        # speech to text and upscalers take no prompt; text-to-speech takes it as `text`
        field = registry.prompt_field(ctx.model)
        payload: dict[str, Any] = {**ctx.params} if field is None else {field: ctx.prompt, **ctx.params}
        for spec in registry.media_inputs(ctx.model):
            path = ctx.inputs.get(spec["name"])
            if path is None and spec["from"] == "image_media_id":
                path = ctx.image_path  # a job from before inputs were recorded
            if path is None:
                if not spec.get("required"):
                    continue
                if spec["from"] == "image_media_id":
                    raise GenerationError("image_required", "Choose an image for image-to-video.",
                                          field="image_media_id")
                raise GenerationError("input_required", f"{ctx.model['name']} needs its {spec['label'].lower()}.",
                                      field=spec["from"])
            ctx.report("queued", message=f"Uploading the {spec['label'].lower()}")
            payload[spec["name"]] = self._file_input(http, path, spec, note)
        ctx.check_cancelled()
        ctx.report("queued", message="Sending to fal.ai")
        # Durable before the first byte leaves: if the app stops before the answer is saved, the
        # restarted job knows a paid request may exist and does not send another on its own.
        ctx.save_state(submitting=time.time())
        try:
            resp = http.request("POST", f"{http.queue_url}/{ctx.model['endpoint']}", json=payload, once=True,
                                model_name=ctx.model["name"], on_retry=note)
        except GenerationError as exc:
            if exc.code == "submit_uncertain":
                self._uncertain(ctx, exc)
            ctx.state.pop("submitting", None)  # a definite answer: fal.ai did not take it
            ctx.save_state()
            raise
        try:
            body = json_of(resp, "submit")
        except GenerationError:
            self._uncertain(ctx, submit_uncertain(f"fal.ai sent an answer Reelcut could not read "
                                                  f"(HTTP {resp.status_code})", resp.headers.get("x-fal-request-id")))
        request_id = str(body.get("request_id") or resp.headers.get("x-fal-request-id") or "") or None
        missing = [k for k in ("request_id", "status_url", "response_url") if not body.get(k)]
        if missing:
            self._uncertain(ctx, submit_uncertain(f"fal.ai took the request but did not say where to follow it "
                                                  f"(no {', '.join(missing)})", request_id))
        try:
            for key in ("status_url", "response_url", "cancel_url"):
                if body.get(key):
                    http.check(str(body[key]), "queue")
        except GenerationError as exc:
            # fal.ai's queue took the request, but its answer points elsewhere: keep the id for
            # the user's dashboard, follow none of it
            ctx.state.pop("submitting", None)
            ctx.save_state(refused_answer={"request_id": request_id, "why": exc.message})
            exc.message += f" The request was submitted (fal.ai request id {request_id}); check your fal.ai " \
                           "dashboard."
            exc.extra["fal_request_id"] = request_id
            raise
        ctx.state.pop("submitting", None)
        ctx.save_state(request_id=body["request_id"], status_url=body["status_url"],
                       response_url=body["response_url"], cancel_url=body.get("cancel_url"), phase="queued")
        ctx.report("queued", message="Queued on fal.ai", queue_position=body.get("queue_position"))

    @staticmethod
    def _spent(ctx: JobContext) -> None:
        """fal.ai ended the request with an error: nothing of it can be fetched, so the user's
        Retry submits anew instead of asking again about a request that will only fail again."""
        failed = ctx.state.get("request_id")
        for key in ("request_id", "status_url", "response_url", "cancel_url", "video_url", "phase"):
            ctx.state.pop(key, None)
        ctx.save_state(failed_request_id=failed)

    @staticmethod
    def _uncertain(ctx: JobContext, exc: GenerationError) -> NoReturn:
        """Fail a job whose submit may have reached fal.ai, keeping what is known of it; the
        `submitting` mark goes, so the user's Retry (and only that) submits again."""
        ctx.state.pop("submitting", None)
        ctx.save_state(submit_uncertain={"at": time.time(), "why": exc.message.replace(MAYBE_SENT, "").strip(),
                                         "request_id": exc.extra.get("fal_request_id")})
        raise exc

    def _file_input(self, http: FalHttp, path: Path, spec: dict[str, Any], note: Callable[[str], None]) -> str:
        """A library file as fal takes it in a `*_url` field: a data URI when small, else uploaded
        to fal's storage and named by its file URL."""
        kind = spec["kind"]
        size = path.stat().st_size
        limit = IMAGE_LIMIT if kind == "image" else INPUT_LIMITS[kind]
        if size > limit:
            code = "image_too_large" if kind == "image" else "input_too_large"
            raise GenerationError(code, f"The {spec['label'].lower()} is {size / 1e6:.1f} MB; fal.ai takes {kind} "
                                  f"inputs up to {limit // 1024 // 1024} MB. Use a smaller one.", field=spec["from"])
        mime = mimetypes.guess_type(path.name)[0] or DEFAULT_MIME[kind]
        data = path.read_bytes()
        if size <= DATA_URI_LIMIT:
            return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        resp = http.request("POST", f"{http.rest_url}/storage/upload/initiate?storage_type=fal-cdn-v3",
                            json={"file_name": path.name, "content_type": mime}, model_name="fal.ai storage",
                            to="rest", on_retry=note)
        body = json_of(resp, "upload")
        if not body.get("upload_url") or not body.get("file_url"):
            raise GenerationError("bad_response", "fal.ai storage did not return an upload address.")
        # both must be fal's file hosts: the upload carries the user's file (never the key), and
        # the file URL is what the model will be told to fetch
        file_url = http.check(str(body["file_url"]), "media")
        http.request("PUT", str(body["upload_url"]), data=data, headers={"Content-Type": mime},
                     model_name="fal.ai storage", to="media", on_retry=note)
        return file_url

    def _wait_for_result(self, http: FalHttp, ctx: JobContext, note: Callable[[str], None]) -> str:
        """Follow the request until its result URL is known: fal's status stream first (COMPLETED
        is noticed the moment it happens), polling when the stream is unavailable or breaks."""
        tracker = {"seen_logs": 0, "started": time.monotonic()}
        if self.stream_status:
            url = self._follow_stream(http, ctx, note, tracker)
            if url:
                return url
        return self._poll(http, ctx, note, tracker)

    def _follow_stream(self, http: FalHttp, ctx: JobContext, note: Callable[[str], None],
                       tracker: dict[str, Any]) -> str | None:
        try:
            resp = http.request("GET", f"{ctx.state['status_url']}/stream?logs=1", model_name=ctx.model["name"],
                                stream=True, headers={"Accept": "text/event-stream"})
        except GenerationError as exc:
            if exc.code in ("invalid_key", "account_locked", *REFUSED):
                raise
            return None  # no stream here: poll instead
        with resp:
            if "text/event-stream" not in resp.headers.get("Content-Type", ""):
                return None
            try:
                for line in stream_lines(resp):
                    ctx.check_cancelled()
                    if not line or not line.startswith("data:"):
                        continue
                    try:
                        status = json.loads(line[5:])
                    except ValueError:
                        continue
                    url = self._on_status(http, ctx, note, status, tracker)
                    if url:
                        return url
            except requests.RequestException:
                return None  # the stream broke: polling picks up where it left
        return None

    def _poll(self, http: FalHttp, ctx: JobContext, note: Callable[[str], None], tracker: dict[str, Any]) -> str:
        last_answer = time.monotonic()
        name = ctx.model["name"]
        while True:
            ctx.check_cancelled()
            try:
                resp = http.request("GET", f"{ctx.state['status_url']}?logs=1", model_name=name, on_retry=note)
                status = json_of(resp, "status")
            except GenerationError as exc:
                if not exc.retryable:
                    raise
                # The paid request lives on at fal.ai: keep asking, and say so.
                if time.monotonic() - last_answer > GIVE_UP_AFTER:
                    raise GenerationError("provider_timeout", f"fal.ai has not answered for "
                                          f"{GIVE_UP_AFTER / 3600:.0f} h. The request is kept: use Retry to "
                                          "fetch its result later.", retryable=True) from exc
                ctx.report(ctx.state.get("phase", "queued"), message=f"{exc.message} The job keeps going on fal.ai;"
                           " Reelcut will keep asking.")
                self.sleep(self.poll_interval * 5)
                continue
            last_answer = time.monotonic()
            url = self._on_status(http, ctx, note, status, tracker)
            if url:
                return url
            self.sleep(self.poll_interval)

    def _on_status(self, http: FalHttp, ctx: JobContext, note: Callable[[str], None], status: dict[str, Any],
                   tracker: dict[str, Any]) -> str | None:
        """One status report from fal: progress and logs to the user; the result URL once done."""
        name = ctx.model["name"]
        state = status.get("status")
        logs = status.get("logs") or []
        for entry in logs[tracker["seen_logs"]:]:
            message = entry.get("message") if isinstance(entry, dict) else str(entry)
            if message:
                ctx.report(ctx.state.get("phase", "generating"), log=str(message)[:300])
        tracker["seen_logs"] = max(tracker["seen_logs"], len(logs))
        if state == "IN_QUEUE":
            ctx.state["phase"] = "queued"
            position = status.get("queue_position")
            ctx.report("queued", message="Waiting in fal.ai's queue" +
                       (f" (position {position})" if position is not None else ""), queue_position=position)
        elif state == "IN_PROGRESS":
            ctx.state["phase"] = "generating"
            expected = max(10.0, registry.duration_of(ctx.model, ctx.params) * 6)  # for the progress bar only
            fraction = min(0.95, (time.monotonic() - tracker["started"]) / expected)
            ctx.report("generating", fraction, "Generating on fal.ai")
        elif state == "COMPLETED":
            if status.get("error"):
                kind = f" ({status['error_type']})" if status.get("error_type") else ""
                self._spent(ctx)
                raise GenerationError("generation_failed", f"{name} failed on fal.ai: {status['error']}{kind}")
            return self._result_url(http, ctx, note)
        else:
            raise GenerationError("bad_response", f"fal.ai reported an unknown status {state!r}.")
        return None

    def _result_url(self, http: FalHttp, ctx: JobContext, note: Callable[[str], None]) -> str | None:
        resp = http.request("GET", ctx.state["response_url"], model_name=ctx.model["name"], on_retry=note, ok=(400,))
        if resp.status_code == 400:
            detail = (json_of(resp, "result").get("detail") or "")
            if "in progress" in str(detail).lower():
                return None  # COMPLETED was seen a moment before the result was ready: ask again
            raise GenerationError("provider_error", f"fal.ai refused the result: {detail}")
        result = json_of(resp, "result")
        if ctx.model.get("mode") == "transcribe":
            words = result.get("words")
            if not isinstance(words, list):
                raise GenerationError("bad_response", "fal.ai finished but returned no timed words.")
            ctx.save_state(transcript={"text": result.get("text"), "words": words}, phase="storing")
            return "transcript"
        url = _result_media_url(result, _answer_kind(ctx.model))
        if not url:
            raise GenerationError("bad_response", f"fal.ai finished but returned no {_answer_kind(ctx.model)}.")
        http.check(str(url), "media")  # before it is kept: a refused URL is never saved to be resumed
        ctx.save_state(video_url=url, phase="downloading")
        return url

    def _download(self, http: FalHttp, ctx: JobContext, url: str, name: str,
                  note: Callable[[str], None]) -> tuple[Path, int, str, ProbeResult]:
        """Stream to a temp file, checking status, type and length, and that it probes as video
        (probed while it arrives); a broken download is tried again, then failed, and never left
        visible. Returns the file, its size, its sha256 (hashed on the way in, so it is read once)
        and the probe."""
        last: GenerationError | None = None
        for attempt in range(1, DOWNLOAD_TRIES + 1):
            ctx.check_cancelled()
            out = ctx.temp_dir / f"{ctx.job_id}-fal{attempt}.{_SUFFIX[_answer_kind(ctx.model)]}.part"
            try:
                size, sha, probed = self._fetch(http, ctx, url, out, note)
                return out, size, sha, probed
            except NotMedia as exc:
                last = GenerationError("bad_result", f"{name} returned a file that is not a playable "
                                       f"{_answer_kind(ctx.model)} "
                                       f"({exc.message.split('(', 1)[-1].rstrip(').')}).")
            except GenerationError as exc:
                if exc.code in REFUSED:
                    out.unlink(missing_ok=True)
                    raise  # a refused server (or a redirect to one) stays refused: no second try
                last = exc
            except BaseException:  # cancel, a full disk: nothing half-written stays behind
                out.unlink(missing_ok=True)
                raise
            out.unlink(missing_ok=True)
            if attempt < DOWNLOAD_TRIES:
                ctx.report("downloading", message=f"{last.message} Trying again.")
                self.sleep(self.poll_interval)
        assert last is not None
        raise GenerationError(last.code, f"{last.message} Gave up after {DOWNLOAD_TRIES} tries; the result is "
                              "kept at fal.ai: use Retry to fetch it again.", status=502, retryable=True)

    def _fetch(self, http: FalHttp, ctx: JobContext, url: str, out: Path,
               note: Callable[[str], None]) -> tuple[int, str, ProbeResult]:
        resp = http.request("GET", url, model_name=ctx.model["name"], to="media", on_retry=note, stream=True)
        with resp:
            kind = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
            wanted = _answer_kind(ctx.model)
            if not (kind.startswith(f"{wanted}/") or kind in ("application/octet-stream", "binary/octet-stream")):
                raise GenerationError("bad_result", f"fal.ai's file server sent {kind or 'no content type'} instead "
                                      f"of {'an' if wanted[0] in 'aeiou' else 'a'} {wanted}.")
            total = int(resp.headers.get("Content-Length") or 0) or None
            done = 0
            digest = hashlib.sha256()
            ctx.report("downloading", 0.0, bytes_done=0, bytes_total=total)
            with open(out, "wb") as f, LiveProbe(out, total, "the fal.ai result") as prober:
                try:
                    for chunk in resp.iter_content(CHUNK):
                        ctx.check_cancelled()
                        f.write(chunk)
                        f.flush()  # the probe reads what is written
                        digest.update(chunk)
                        done += len(chunk)
                        prober.wrote(done)
                        ctx.report("downloading", bytes_done=done, bytes_total=total or done)
                except requests.RequestException as exc:  # the connection broke mid-body
                    raise GenerationError("bad_result", f"The download broke off after {done:,} bytes.") from exc
                os.fsync(f.fileno())
                if total is not None and done != total:
                    raise GenerationError("bad_result", f"The download stopped at {done:,} of {total:,} bytes.")
                probed = prober.result()
                if probed.kind != wanted:
                    raise GenerationError("bad_result", f"fal.ai sent {probed.kind or 'a file'} where "
                                          f"{ctx.model['name']} makes {wanted}.")
                return done, digest.hexdigest(), probed

    # -- cancel -------------------------------------------------------------------------------
    def cancel(self, ctx: JobContext) -> None:
        if not ctx.state.get("cancel_url"):
            return  # not submitted yet: generate() cancels the request itself once the submit returns
        http = self._http()
        try:
            self._cancel_with(http, ctx)
        finally:
            http.close()

    def _cancel_with(self, http: FalHttp, ctx: JobContext) -> None:
        # the user's Cancel and a submit that returned just as it was pressed can both get here:
        # fal.ai is asked once
        with _CANCELLING:
            url = ctx.state.get("cancel_url")
            if not url or ctx.state.get("cancel_sent"):
                return
            ctx.state["cancel_sent"] = True
        resp = http.request("PUT", url, model_name=ctx.model["name"], ok=(400, 404))
        answer = (json_of(resp, "cancel").get("status") if resp.content else None) or str(resp.status_code)
        words = {"CANCELLATION_REQUESTED": "fal.ai is cancelling the request.",
                 "ALREADY_COMPLETED": "fal.ai had already finished the request.",
                 "NOT_FOUND": "fal.ai no longer knows the request."}
        # cancel() runs after cancel_event is set, so the job's outcome is already "cancelled";
        # reporting under that status keeps fal's answer even when the job thread has
        # finished first (a finished job's row takes no other status, and would drop it).
        ctx.report("cancelled", log=words.get(answer, f"fal.ai answered {answer}."))


def fal_provider(key_lookup: Callable[[], str | None]) -> FalProvider:
    """The provider the app uses for `"provider": "fal"` models; the key is looked up per job,
    so a key saved in Settings works without a restart."""
    return FalProvider(key_lookup)
