"""Every security decision of the local server, in one module: the Content-Security-Policy and
the other response headers (Cache-Control included), the token and the cookie it is traded for,
the session prefix that scopes that cookie, the Host allowlist (DNS rebinding), the same-origin
check for state changes, and the only use of CORS (explicit --dev-origin).

Why no COOP/COEP: nothing in the page needs SharedArrayBuffer, and COEP is what blocked the
field report's player (NotSameOriginAfterDefaultedToSameOriginByCoep).

Why a session prefix: browsers do not isolate cookies by port (RFC 6265 §8.5), so a cookie set
by 127.0.0.1:PORT is sent to every other server on 127.0.0.1. The page therefore lives under a
secret path, /s/<secret>/ (derived from the launch's token), and the cookie carries
`Path=/s/<secret>/`: the browser sends it only to that path, which no other listener can guess.
Bearer tokens (scripts, the CLI, tests) keep working at the root paths."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, g, jsonify, redirect, request

COOKIE = "reelcut_token"
SESSION_ROOT = "/s/"
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
BODY_TYPES = ("application/json", "multipart/form-data")
MEDIA_CACHE = "private, max-age=3600"
# `serve --dev`: every way a cache could keep an edited file, refused (no-store alone already keeps
# it out of the cache; no-cache and max-age=0 also stop a heuristic reuse by an older engine)
DEV_NO_CACHE = "no-store, no-cache, must-revalidate, max-age=0"

POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "media-src": ["'self'", "blob:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def build_csp(remote_media_hosts: Iterable[str] = ()) -> str:
    """The one policy, for the browser and the desktop window alike (the window uses no JS
    bridge, so it needs no exception). Remote media hosts are added to media-src only, and only
    when the caller says the user enabled remote preview."""
    policy = {k: list(v) for k, v in POLICY.items()}
    for host in remote_media_hosts:
        if not host.startswith("https://") or any(c in host for c in " ;,'\""):
            raise ValueError(f"refusing remote media host {host!r}")
        policy["media-src"].append(host)
    return "; ".join(f"{k} {' '.join(v)}" for k, v in policy.items())


def security_headers(csp: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Resource-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    }


def cache_control(path: str, status: int, dev: bool = False) -> str:
    """Media bytes, proxies and posters are addressed by an id that never changes its bytes, and
    the player seeks in them, so the browser may keep them (private: never a shared cache). An
    error is never kept (a 404 for a poster not made yet must not stick), nor is anything else:
    JSON, the page, its scripts. In dev mode (`serve --dev`) the page's files say so as plainly as
    HTTP can, so an edit is what the next load runs."""
    if path.startswith("/media/") and status in (200, 206, 304):
        return MEDIA_CACHE
    if dev and not path.startswith(("/api/", "/media/")):
        return DEV_NO_CACHE
    return "no-store"


def token_matches(given: str | None, expected: str) -> bool:
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _error(status: int, code: str, message: str) -> Response:
    resp = jsonify({"error": {"code": code, "message": message}})
    resp.status_code = status
    return resp


def allowed_hosts(host: str, port: int) -> set[str]:
    """The Host headers that name this server: exactly the address it is bound to. `localhost` may
    resolve to ::1, and [::1] is another socket, where another program may listen; a name the
    server does not answer on is not its own."""
    name = f"[{host}]" if ":" in host else host
    return {f"{name}:{port}"}


def own_origins(host: str, port: int) -> set[str]:
    return {f"http://{h}" for h in allowed_hosts(host, port)}


def session_prefix(token: str) -> str:
    """/s/<secret>/'s path, derived from the token (HMAC-SHA256, 16 bytes): as random per launch
    as the token, unguessable without it, and it tells nothing of it. When REELCUT_TOKEN fixes the
    token, the prefix stays too, so an open tab still works after a restart (as it did before)."""
    digest = hmac.new(token.encode("utf-8"), b"reelcut session prefix", hashlib.sha256).digest()[:16]
    return SESSION_ROOT + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class SessionPrefix:
    """WSGI layer: a request under the launch's prefix is routed as if at the root, with the
    prefix moved into SCRIPT_NAME (so `request.script_root` is the prefix and no route changes).
    Anything else passes untouched, and is only reachable with a Bearer token."""

    def __init__(self, wsgi_app: Callable[..., Any], prefix: str) -> None:
        self.wsgi_app = wsgi_app
        self.prefix = prefix
        self._secret = prefix[len(SESSION_ROOT):].encode("latin-1")

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path: str = environ.get("PATH_INFO", "")
        if path.startswith(SESSION_ROOT):
            secret = path[len(SESSION_ROOT):].split("/", 1)[0]
            # compared in constant time: the prefix is what keeps the cookie from other listeners
            if hmac.compare_digest(secret.encode("latin-1", "replace"), self._secret):
                environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + self.prefix
                environ["PATH_INFO"] = path[len(self.prefix):]
        return self.wsgi_app(environ, start_response)


def install(app: Flask, *, token: str, dev_origins: list[str],
            remote_hosts: Callable[[], Iterable[str]] = lambda: (), dev_mode: bool = False) -> str:
    """Attach the checks to every request and the headers to every response (pages, JSON,
    media, errors). `remote_hosts()` returns the media hosts to allow right now. The app must
    say where it listens in `REELCUT_HOST` and `REELCUT_PORT`; `dev_mode` is `serve --dev`.
    Returns the session prefix."""
    dev = [o.rstrip("/") for o in dev_origins]
    if dev:
        # The only CORS in the app: a web developer's own dev server, named on the command line.
        from flask_cors import CORS

        CORS(app, origins=dev, supports_credentials=True)
    prefix = session_prefix(token)
    app.config["REELCUT_SESSION_PREFIX"] = prefix
    app.wsgi_app = SessionPrefix(app.wsgi_app, prefix)  # type: ignore[method-assign]

    @app.before_request
    def _check() -> Response | None:
        host, port = app.config["REELCUT_HOST"], app.config["REELCUT_PORT"]
        if request.host not in allowed_hosts(host, port):
            return _error(403, "bad_host", "This address is not Reelcut's.")
        if request.script_root == prefix and not request.environ.get("PATH_INFO"):
            # /s/<secret> without its slash: the page's relative URLs need the directory form
            query = request.query_string.decode("latin-1")
            return redirect(prefix + "/" + (f"?{query}" if query else ""), code=308)
        if (dev and request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers
                and request.headers.get("Origin", "").rstrip("/") in dev):
            return None  # a --dev-origin's CORS preflight: browsers send it without credentials; it reads nothing
        header = request.headers.get("Authorization", "")
        bearer = header[7:] if header.startswith("Bearer ") else None
        query = request.args.get("token") if request.path == "/" and request.method == "GET" else None
        if query is not None:
            if not token_matches(query, token):
                return _error(401, "bad_token", "This link's token is not valid. Open Reelcut from the link it "
                                                 "printed at start-up.")
            # Trade the token in the address bar for a cookie only the prefix receives, and take
            # the token out of history.
            resp = redirect(prefix + "/", code=303)
            resp.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path=prefix + "/")
            return resp
        if token_matches(bearer, token):
            g.auth = "bearer"
        elif request.script_root == prefix and token_matches(request.cookies.get(COOKIE), token):
            # only under the prefix: a cookie that reached any other path was not sent by the
            # browser as scoped, and is refused like no cookie at all
            g.auth = "cookie"
        else:
            return _error(401, "unauthorized", "Open Reelcut from the link it printed at start-up.")
        if request.method in STATE_CHANGING:
            if g.auth == "cookie" and not _same_origin(host, port, dev):
                return _error(403, "cross_origin", "Cross-site requests are refused.")
            ctype = request.mimetype
            has_body = bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "")
            if has_body and ctype not in BODY_TYPES:
                return _error(415, "bad_content_type", "Send JSON or multipart form data.")
        return None

    @app.after_request
    def _headers(resp: Response) -> Response:
        for k, v in security_headers(build_csp(remote_hosts())).items():
            resp.headers[k] = v
        # decided here only: send_file's own caching headers are replaced, Expires with them
        resp.headers["Cache-Control"] = cache_control(request.path, resp.status_code, dev_mode)
        resp.headers.pop("Expires", None)
        return resp

    return prefix


def _same_origin(host: str, port: int, dev: list[str]) -> bool:
    """A cookie-authenticated change must come from our own page (CSRF). Browsers send
    Sec-Fetch-Site; older ones send Origin."""
    site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin in own_origins(host, port) or origin in dev
    return site == "same-origin"
