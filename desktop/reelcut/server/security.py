"""Every security decision of the local server, in one module: the Content-Security-Policy and
the other response headers, the token, the Host allowlist (DNS rebinding), the same-origin
check for state changes, and the only use of CORS (explicit --dev-origin).

Why no COOP/COEP: nothing in the page needs SharedArrayBuffer, and COEP is what blocked the
field report's player (NotSameOriginAfterDefaultedToSameOriginByCoep)."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from typing import Any

from flask import Flask, Response, g, jsonify, redirect, request

COOKIE = "reelcut_token"
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
BODY_TYPES = ("application/json", "multipart/form-data")

BROWSER_POLICY: dict[str, list[str]] = {
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


def build_csp(mode: str = "browser", remote_media_hosts: Iterable[str] = ()) -> str:
    """The policy for a mode. Remote media hosts are added to media-src only, and only when the
    caller says the user enabled remote preview."""
    if mode not in ("browser", "desktop"):
        raise ValueError(f"unknown mode {mode!r}")
    policy = {k: list(v) for k, v in BROWSER_POLICY.items()}
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
        "Cache-Control": "no-store",
    }


def token_matches(given: str | None, expected: str) -> bool:
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _error(status: int, code: str, message: str) -> Response:
    resp = jsonify({"error": {"code": code, "message": message}})
    resp.status_code = status
    return resp


def allowed_hosts(port: int) -> set[str]:
    return {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}


def own_origins(port: int) -> set[str]:
    return {f"http://{h}" for h in allowed_hosts(port)}


def install(app: Flask, *, token: str, mode: str, dev_origins: list[str],
            remote_hosts: Any = lambda: ()) -> None:
    """Attach the checks to every request and the headers to every response (pages, JSON,
    media, errors). `remote_hosts()` returns the media hosts to allow right now."""
    dev = [o.rstrip("/") for o in dev_origins]
    if dev:
        # The only CORS in the app: a web developer's own dev server, named on the command line.
        from flask_cors import CORS

        CORS(app, origins=dev, supports_credentials=True)

    @app.before_request
    def _check() -> Response | None:
        port = app.config["REELCUT_PORT"]
        if request.host not in allowed_hosts(port):
            return _error(403, "bad_host", "This address is not Reelcut's.")
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
            # Trade the token in the address bar for the cookie, and take it out of history.
            resp = redirect("/", code=303)
            resp.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/")
            return resp
        if token_matches(bearer, token):
            g.auth = "bearer"
        elif token_matches(request.cookies.get(COOKIE), token):
            g.auth = "cookie"
        else:
            return _error(401, "unauthorized", "Open Reelcut from the link it printed at start-up.")
        if request.method in STATE_CHANGING:
            if g.auth == "cookie" and not _same_origin(port, dev):
                return _error(403, "cross_origin", "Cross-site requests are refused.")
            ctype = request.mimetype
            has_body = bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "")
            if has_body and ctype not in BODY_TYPES:
                return _error(415, "bad_content_type", "Send JSON or multipart form data.")
        return None

    @app.after_request
    def _headers(resp: Response) -> Response:
        for k, v in security_headers(build_csp(mode, remote_hosts())).items():
            resp.headers[k] = v
        if request.path.startswith("/media/"):
            # Media may be cached by the browser for seeking; it is addressed by immutable id.
            resp.headers["Cache-Control"] = "private, max-age=3600"
        return resp


def _same_origin(port: int, dev: list[str]) -> bool:
    """A cookie-authenticated change must come from our own page (CSRF). Browsers send
    Sec-Fetch-Site; older ones send Origin."""
    site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin in own_origins(port) or origin in dev
    return site == "same-origin"
