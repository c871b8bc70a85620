"""HTTP to fal.ai: what is retried, what a failure means to a user, and (with fal_guard) which
URLs may be contacted. The key travels only in the Authorization header, only to the configured
queue and REST origins; it is never put in a message."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from urllib.parse import urljoin

import requests
import urllib3

from .base import GenerationError
from .fal_guard import Dest, GuardedAdapter, KeyAuth, UrlPolicy, check_url, is_loopback

__all__ = ["FalHttp", "check_url", "error_for", "is_loopback", "json_of", "should_retry", "stream_lines"]

RETRY_STATUSES = {408, 409, 429}
GATEWAY_STATUSES = {502, 503, 504}
REDIRECTS = (301, 302, 303, 307, 308)
TIMEOUT = (10.0, 60.0)  # connect, read: a status poll or a result must answer within these
MAYBE_SENT = ("The request may have reached fal.ai, so Reelcut did not send it again (to avoid paying twice). "
              "Check your fal.ai dashboard; use Retry to submit again.")

ANSWER_LOGGED = 1000  # characters of an answer written to the log

log = logging.getLogger(__name__)


def detail_of(resp: requests.Response) -> Any:
    try:
        body = resp.json()
    except ValueError:
        return None
    return body.get("detail") if isinstance(body, dict) else None


def error_for(resp: requests.Response, model_name: str) -> GenerationError:
    """A failed fal.ai response as a message a user can act on."""
    status = resp.status_code
    detail = detail_of(resp)
    text = detail if isinstance(detail, str) else None
    if status == 401:
        return GenerationError("invalid_key", "fal.ai did not accept your API key. Check it in Settings.")
    if status == 403:
        reason = text or "no reason given"
        return GenerationError("account_locked", f"fal.ai refused the request: {reason}")
    if status == 404 and "request" in (text or "").lower():
        # a saved request fal.ai has since dropped (results expire): asking again will not help
        return GenerationError("request_expired", f"fal.ai no longer has this {model_name} request ({text}). "
                               "Generate it again.")
    if status == 404:
        return GenerationError("unknown_endpoint", f"fal.ai does not know the model {model_name}: "
                               f"{text or 'not found'}.")
    if status == 422:
        if isinstance(detail, list) and detail and isinstance(detail[0], dict):
            first = detail[0]
            loc = [str(x) for x in first.get("loc", []) if x != "body"]
            field = loc[-1] if loc else None
            msg = str(first.get("msg", "is not valid"))
            return GenerationError("invalid_param", f"{model_name}: {field + ': ' if field else ''}{msg}",
                                   field=field)
        return GenerationError("invalid_param", f"{model_name}: {text or 'fal.ai refused the parameters.'}")
    if status == 429:
        return GenerationError("busy", "fal.ai is busy and kept refusing the request. Try again in a minute.",
                               retryable=True)
    if status >= 500:
        why = f": {text}" if text else ""
        return GenerationError("provider_error", f"fal.ai failed while running {model_name} (HTTP {status}{why}).",
                               retryable=status in GATEWAY_STATUSES)
    return GenerationError("provider_error", f"fal.ai answered HTTP {status}{': ' + text if text else ''}.")


def _no_request_id(resp: requests.Response) -> bool:
    return "x-fal-request-id" not in resp.headers and "x-fal-request-timeout-type" not in resp.headers


def should_retry(resp: requests.Response, once: bool = False) -> bool:
    """Whether sending the same request again is safe and may help. `once`: the request is a
    paid submit, so only an answer that says fal.ai did not take it allows a second one."""
    if resp.status_code in (408, 429):
        return True  # fal.ai (or its edge) refused to take the request: nothing was queued
    if resp.status_code in RETRY_STATUSES:
        return not once
    # A gateway error with no request id never reached fal's app: safe to send again. One carrying
    # an id, or a timeout the caller set, came from the app and is final. For a submit only a 503
    # says "not handled"; a 502 or 504 may come after the queue took it.
    if resp.status_code not in GATEWAY_STATUSES or not _no_request_id(resp):
        return False
    return resp.status_code == 503 or not once


def maybe_sent(resp: requests.Response) -> bool:
    """A submit's answer that leaves open whether fal.ai queued it (a gateway's 502 or 504)."""
    return resp.status_code in (502, 504) and _no_request_id(resp)


def nothing_sent(exc: requests.RequestException) -> bool:
    """True only when the failure provably came before the request left this machine: the
    connection could not be opened (refused, unreachable, name not found, connect timeout). A
    read timeout or a connection cut after it opened may come after fal.ai queued, and billed,
    the request."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    cause = exc.args[0] if exc.args else None
    reason = cause.reason if isinstance(cause, urllib3.exceptions.MaxRetryError) else cause
    return isinstance(reason, urllib3.exceptions.NewConnectionError)  # includes NameResolutionError


def submit_uncertain(why: str, request_id: str | None = None) -> GenerationError:
    """The job's failure when a submit's fate is unknown: said plainly, never sent again on its own."""
    known = f" (fal.ai request id {request_id})" if request_id else ""
    err = GenerationError("submit_uncertain", f"{why}{known}. {MAYBE_SENT}")
    if request_id:
        err.extra["fal_request_id"] = request_id
    return err


def stream_lines(resp: requests.Response, size: int = 64 * 1024) -> Iterator[str]:
    """The lines of a streamed response as soon as each arrives. `iter_lines` waits for a full
    read of its chunk size, so on a stream that is not chunk-encoded a status event would sit
    unseen until the next ones filled the buffer or the stream ended."""
    pending = b""
    while True:
        try:
            data = resp.raw.read1(size)
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            # what iter_lines would have raised: a timeout or a cut connection, for the caller
            raise requests.ConnectionError(exc) from exc
        if not data:
            break
        pending += data
        *lines, pending = pending.split(b"\n")
        for line in lines:
            yield line.rstrip(b"\r").decode("utf-8", "replace")
    if pending:
        yield pending.rstrip(b"\r").decode("utf-8", "replace")


def json_of(resp: requests.Response, what: str) -> dict[str, Any]:
    try:
        body = resp.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise GenerationError("bad_response", f"fal.ai sent an answer Reelcut could not read ({what}, "
                              f"HTTP {resp.status_code}). The job was not lost: retry it.",
                              retryable=True)
    return body


class FalHttp:
    """One job's HTTP session. Every request names where it goes (`to`): the URL is checked for
    that kind of destination, each redirect hop again, and each connection once more at connect
    time (fal_guard). The key is attached by the policy, per request, never by a call site."""

    def __init__(self, key: str, *, queue_url: str, rest_url: str, media_hosts: Sequence[str] = (),
                 sleep: Callable[[float], None] = time.sleep, attempts: int = 6, base_delay: float = 0.5,
                 max_delay: float = 20.0, timeout: tuple[float, float] = TIMEOUT) -> None:
        self.policy = UrlPolicy(queue_url, rest_url, list(media_hosts))
        self.queue_url = queue_url.rstrip("/")
        self.rest_url = rest_url.rstrip("/")
        self._key = key
        self._session = requests.Session()
        adapter = GuardedAdapter(self.policy)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._session.headers.update({"User-Agent": "reelcut"})
        self.sleep = sleep
        self.attempts = attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.timeout = timeout

    def close(self) -> None:
        self._session.close()

    def check(self, url: str, to: Dest) -> str:
        """Hold a URL from an answer to the rule for `to` before keeping or passing it on."""
        self.policy.check(url, to)
        return url

    def delay(self, attempt: int) -> float:
        """Exponential backoff with jitter, so many clients do not retry in step."""
        return min(self.base_delay * 2 ** (attempt - 1), self.max_delay) * random.uniform(0.5, 1.5)

    def request(self, method: str, url: str, *, model_name: str, to: Dest = "queue", once: bool = False,
                on_retry: Callable[[str], None] | None = None, ok: tuple[int, ...] = (),
                **kw: Any) -> requests.Response:
        """Send with retries for what is safe to retry; return a 2xx response (or one whose
        status is in `ok`), raise GenerationError for anything else. `once` marks a request that
        costs money (the submit): it is sent again only if it provably never left; any failure
        that leaves its fate open raises `submit_uncertain`."""
        self.policy.check(url, to)
        headers = dict(kw.pop("headers", None) or {})
        stream = kw.pop("stream", False)
        for attempt in range(1, self.attempts + 1):
            try:
                # a submit is streamed so that its headers (fal's request id) survive a cut body
                resp = self._follow(method, url, to=to, headers=headers, timeout=self.timeout,
                                    stream=stream or once, **kw)
            except requests.RequestException as exc:
                if once and not nothing_sent(exc):
                    timeout = isinstance(exc, requests.Timeout)
                    raise submit_uncertain("fal.ai did not answer in time after the request was sent" if timeout
                                           else "The connection to fal.ai broke after the request was sent") from exc
                failure = self._transport_failure(exc)
                log.warning("fal.ai %s %s: %s", method, url, exc)
            else:
                if once and not stream:
                    self._read_answer(resp)
                # the answer, for the log file (the key is redacted there, wherever it appears)
                log.info("fal.ai %s %s: HTTP %s %s", method, url, resp.status_code,
                         "(streamed)" if stream else resp.text[:ANSWER_LOGGED])
                if resp.ok or resp.status_code in ok:
                    return resp
                failure = error_for(resp, model_name)
                resp.close()
                if once and maybe_sent(resp):
                    raise submit_uncertain(f"fal.ai's gateway answered HTTP {resp.status_code}")
                if not should_retry(resp, once):
                    raise failure
            if attempt == self.attempts:
                raise failure
            wait = self.delay(attempt)
            if on_retry:
                busy = failure.code == "busy"
                on_retry(f"{'fal.ai is busy' if busy else failure.message.rstrip('.')}; retrying in {wait:.0f} s "
                         f"(attempt {attempt + 1} of {self.attempts}).")
            self.sleep(wait)
        raise AssertionError("unreachable")

    @staticmethod
    def _transport_failure(exc: requests.RequestException) -> GenerationError:
        if isinstance(exc, requests.Timeout):
            return GenerationError("provider_timeout", "fal.ai did not answer in time.", retryable=True)
        return GenerationError("provider_unreachable", "fal.ai could not be reached. Check the network "
                               "connection.", retryable=True)

    @staticmethod
    def _read_answer(resp: requests.Response) -> None:
        """Read a submit's body now: a body cut short means fal.ai took the request and the
        answer was lost, which must not count as "not sent"."""
        try:
            resp.content  # noqa: B018 - reading it is the point
        except requests.RequestException as exc:
            resp.close()
            raise submit_uncertain("The connection to fal.ai broke while it was answering",
                                   resp.headers.get("x-fal-request-id")) from exc

    def _follow(self, method: str, url: str, *, to: Dest, **kw: Any) -> requests.Response:
        """Follow redirects by hand, so that every hop is held to the same rule as the first
        (a status URL may not redirect off the queue origin, a file not off fal's file hosts)."""
        auth = KeyAuth(self._key, self.policy, to)
        for _ in range(5):
            resp = self._session.request(method, url, allow_redirects=False, auth=auth, **kw)
            if resp.status_code not in REDIRECTS:
                return resp
            nxt = urljoin(url, resp.headers.get("Location", ""))
            resp.close()
            self.policy.check(nxt, to)
            url = nxt
            if resp.status_code == 303:
                method = "GET"
        raise GenerationError("bad_response", "fal.ai redirected too many times.")
