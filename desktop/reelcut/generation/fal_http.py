"""HTTP to fal.ai: which URLs may be contacted, what is retried, and what each failure means to
a user. The key travels only in the Authorization header; it is never put in a message."""

from __future__ import annotations

import ipaddress
import random
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

from .base import GenerationError

RETRY_STATUSES = {408, 409, 429}
GATEWAY_STATUSES = {502, 503, 504}
TIMEOUT = (10.0, 60.0)  # connect, read: a status poll or a result must answer within these


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str:
    """Provider URLs must be https; plain http only to this machine (the tests' fake fal)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and is_loopback(parts.hostname):
        return url
    raise GenerationError("insecure_url", f"Refusing to contact {parts.hostname or url!r}: fal.ai addresses must "
                          "use https.", status=502)


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
        return GenerationError("invalid_key", "fal.ai did not accept your API key. Check it in Settings.", status=401)
    if status == 403:
        reason = text or "no reason given"
        return GenerationError("account_locked", f"fal.ai refused the request: {reason}", status=403)
    if status == 404 and "request" in (text or "").lower():
        # a saved request fal.ai has since dropped (results expire): asking again will not help
        return GenerationError("request_expired", f"fal.ai no longer has this {model_name} request ({text}). "
                               "Generate it again.", status=502)
    if status == 404:
        return GenerationError("unknown_endpoint", f"fal.ai does not know the model {model_name}: "
                               f"{text or 'not found'}.", status=502)
    if status == 422:
        if isinstance(detail, list) and detail and isinstance(detail[0], dict):
            first = detail[0]
            loc = [str(x) for x in first.get("loc", []) if x != "body"]
            field = loc[-1] if loc else None
            msg = str(first.get("msg", "is not valid"))
            return GenerationError("invalid_param", f"{model_name}: {field + ': ' if field else ''}{msg}",
                                   field=field, status=422)
        return GenerationError("invalid_param", f"{model_name}: {text or 'fal.ai refused the parameters.'}",
                               status=422)
    if status == 429:
        return GenerationError("busy", "fal.ai is busy and kept refusing the request. Try again in a minute.",
                               status=503, retryable=True)
    if status >= 500:
        why = f": {text}" if text else ""
        return GenerationError("provider_error", f"fal.ai failed while running {model_name} (HTTP {status}{why}).",
                               status=502, retryable=status in GATEWAY_STATUSES)
    return GenerationError("provider_error", f"fal.ai answered HTTP {status}{': ' + text if text else ''}.",
                           status=502)


def should_retry(resp: requests.Response) -> bool:
    if resp.status_code in RETRY_STATUSES:
        return True
    # A gateway error with no request id never reached fal's app: safe to send again. One carrying
    # an id, or a timeout the caller set, came from the app and is final.
    return (resp.status_code in GATEWAY_STATUSES and "x-fal-request-id" not in resp.headers
            and "x-fal-request-timeout-type" not in resp.headers)


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
                              f"HTTP {resp.status_code}). The job was not lost: retry it.", status=502,
                              retryable=True)
    return body


class FalHttp:
    def __init__(self, key: str, *, sleep: Callable[[float], None] = time.sleep, attempts: int = 6,
                 base_delay: float = 0.5, max_delay: float = 20.0,
                 timeout: tuple[float, float] = TIMEOUT) -> None:
        self._session = requests.Session()
        self._session.headers.update({"Authorization": f"Key {key}", "User-Agent": "reelcut"})
        self.sleep = sleep
        self.attempts = attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.timeout = timeout

    def close(self) -> None:
        self._session.close()

    def delay(self, attempt: int) -> float:
        """Exponential backoff with jitter, so many clients do not retry in step."""
        return min(self.base_delay * 2 ** (attempt - 1), self.max_delay) * random.uniform(0.5, 1.5)

    def request(self, method: str, url: str, *, model_name: str, on_retry: Callable[[str], None] | None = None,
                auth: bool = True, ok: tuple[int, ...] = (), **kw: Any) -> requests.Response:
        """Send with retries for what is safe to retry; return a 2xx response (or one whose
        status is in `ok`), raise GenerationError for anything else."""
        check_url(url)
        headers = kw.pop("headers", {}) or {}
        if not auth:
            headers["Authorization"] = None  # storage PUTs and CDN downloads carry no key (None drops it)
        for attempt in range(1, self.attempts + 1):
            try:
                resp = self._follow(method, url, headers=headers, timeout=self.timeout, **kw)
            except requests.Timeout:
                failure = GenerationError("provider_timeout", "fal.ai did not answer in time.", status=504,
                                          retryable=True)
            except requests.ConnectionError:
                failure = GenerationError("provider_unreachable", "fal.ai could not be reached. Check the "
                                          "network connection.", status=502, retryable=True)
            else:
                if resp.ok or resp.status_code in ok:
                    return resp
                failure = error_for(resp, model_name)
                if not should_retry(resp):
                    resp.close()
                    raise failure
                resp.close()
            if attempt == self.attempts:
                raise failure
            wait = self.delay(attempt)
            if on_retry:
                busy = failure.code == "busy"
                on_retry(f"{'fal.ai is busy' if busy else failure.message.rstrip('.')}; retrying in {wait:.0f} s "
                         f"(attempt {attempt + 1} of {self.attempts}).")
            self.sleep(wait)
        raise AssertionError("unreachable")

    def _follow(self, method: str, url: str, **kw: Any) -> requests.Response:
        """Follow redirects by hand, so that every hop is checked: never to plain http."""
        for _ in range(5):
            resp = self._session.request(method, url, allow_redirects=False, **kw)
            if resp.status_code not in (301, 302, 303, 307, 308):
                return resp
            nxt = urljoin(url, resp.headers.get("Location", ""))
            resp.close()
            check_url(nxt)
            if urlsplit(nxt).netloc != urlsplit(url).netloc:
                # the key is for fal.ai's API only, never for whoever a redirect names
                kw["headers"] = {**kw.get("headers", {}), "Authorization": None}
            url = nxt
            if resp.status_code == 303:
                method = "GET"
        raise GenerationError("bad_response", "fal.ai redirected too many times.", status=502)
