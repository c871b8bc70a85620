"""server/security.py on its own: a bare Flask app with one dummy view, `security.install(...)`,
and every rule the module owns checked without the rest of Reelcut (no services, no database, no
routes), as Datasette tests its middleware. tests/test_security.py checks the same rules through
the real app and the real server."""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest
from flask import Flask, Response, g, jsonify, request

from reelcut.server import security

TOKEN = "module-token-0123456789"
HOST, PORT = "127.0.0.1", 5999
BASE = f"http://{HOST}:{PORT}"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "Cross-Origin-Resource-Policy": "same-origin", "X-Frame-Options": "DENY"}


class Bare:
    def __init__(self, dev_origins: list[str] | None = None, remote: list[str] | None = None) -> None:
        app = Flask(__name__)
        app.config.update(REELCUT_HOST=HOST, REELCUT_PORT=PORT)
        self.remote = remote or []
        self.prefix = security.install(app, token=TOKEN, dev_origins=dev_origins or [],
                                       remote_hosts=lambda: self.remote)

        @app.route("/", methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"])
        @app.route("/<path:rest>", methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"])
        def dummy(rest: str = "") -> Response:
            """Answers with what the security layer let through; `?status=` and `?expires=1`
            imitate an error and send_file's caching headers."""
            resp = jsonify({"root": request.script_root, "path": request.path, "auth": g.get("auth")})
            resp.status_code = int(request.args.get("status", 200))
            if request.args.get("expires"):
                resp.headers["Expires"] = "Thu, 01 Jan 2099 00:00:00 GMT"
                resp.headers["Cache-Control"] = "public, max-age=31536000"
            return resp

        self.app = app
        self.client = app.test_client()  # keeps cookies, matching their paths as a browser does
        self.raw = app.test_client(use_cookies=False)  # sends the Cookie header it is given

    def get(self, path: str, *, bearer: bool = False, cookie: bool = False, **kw: Any) -> Any:
        return self.open("GET", path, bearer=bearer, cookie=cookie, **kw)

    def open(self, method: str, path: str, *, bearer: bool = False, cookie: bool = False,
             headers: dict[str, str] | None = None, **kw: Any) -> Any:
        h = {"Authorization": f"Bearer {TOKEN}"} if bearer else {}
        if cookie:  # sent by hand, to any path: what a client that ignores Path would do
            h["Cookie"] = f"{security.COOKIE}={TOKEN}"
        h.update(headers or {})
        client = self.raw if cookie else self.client
        return client.open(path, method=method, base_url=BASE, headers=h, **kw)


@pytest.fixture
def bare() -> Bare:
    return Bare()


def set_cookie_attrs(resp: Any) -> dict[str, str]:
    (header,) = resp.headers.getlist("Set-Cookie")
    first, *attrs = [p.strip() for p in header.split(";")]
    name, _, value = first.partition("=")
    out = {"name": name, "value": value}
    for a in attrs:
        k, _, v = a.partition("=")
        out[k.lower()] = v
    return out


def assert_headers(resp: Any) -> None:
    for name, value in HEADERS.items():
        assert resp.headers.get(name) == value, (name, resp.status_code)
    for absent in ("Cross-Origin-Opener-Policy", "Cross-Origin-Embedder-Policy", "Access-Control-Allow-Origin",
                   "Expires"):
        assert absent not in resp.headers, absent


# -- the start-up link and the cookie it sets -------------------------------------------------------
def test_the_login_link_sets_a_cookie_scoped_to_the_session_prefix(bare: Bare) -> None:
    r = bare.get(f"/?token={TOKEN}")
    assert r.status_code == 303
    assert r.headers["Location"] == bare.prefix + "/"
    attrs = set_cookie_attrs(r)
    assert attrs["name"] == security.COOKIE and attrs["value"] == TOKEN
    assert attrs["path"] == bare.prefix + "/"   # the browser sends it nowhere else (RFC 6265 §5.1.4)
    assert "httponly" in attrs and attrs["samesite"] == "Strict"
    assert "domain" not in attrs                # host-only
    assert "max-age" not in attrs and "expires" not in attrs  # gone when the browser closes
    assert_headers(r)


def test_the_prefix_is_as_random_as_the_token_and_unguessable_without_it() -> None:
    prefixes = {security.session_prefix(secrets.token_urlsafe(32)) for _ in range(20)}
    assert len(prefixes) == 20
    for p in prefixes:
        assert re.fullmatch(r"/s/[A-Za-z0-9_-]{22}", p), p  # 16 bytes of HMAC-SHA256
    # the same token (REELCUT_TOKEN fixed across a restart): the same prefix, so an open tab reloads
    assert Bare().prefix == Bare().prefix == security.session_prefix(TOKEN)
    assert TOKEN not in security.session_prefix(TOKEN) and TOKEN[:8] not in security.session_prefix(TOKEN)


def test_a_wrong_link_token_sets_nothing(bare: Bare) -> None:
    r = bare.get("/?token=wrong")
    assert r.status_code == 401 and "Set-Cookie" not in r.headers
    assert_headers(r)


def test_the_login_link_also_works_under_the_prefix(bare: Bare) -> None:
    r = bare.get(f"{bare.prefix}/?token={TOKEN}")
    assert r.status_code == 303 and set_cookie_attrs(r)["path"] == bare.prefix + "/"


def test_the_cookie_is_accepted_under_the_prefix_only(bare: Bare) -> None:
    ok = bare.get(f"{bare.prefix}/api/thing", cookie=True)
    assert ok.status_code == 200
    assert ok.json == {"root": bare.prefix, "path": "/api/thing", "auth": "cookie"}  # routes see root paths
    for path in ("/api/thing", "/", "/s/", "/s/guess/api/thing", bare.prefix + "x/api/thing",
                 bare.prefix.upper() + "/api/thing"):
        r = bare.get(path, cookie=True)
        assert r.status_code == 401 and r.json["error"]["code"] == "unauthorized", path
        assert_headers(r)


def test_the_browser_keeps_the_cookie_to_the_prefix(bare: Bare) -> None:
    """Werkzeug's test client matches cookie paths as a browser does."""
    bare.get(f"/?token={TOKEN}")
    assert bare.get(f"{bare.prefix}/api/thing").json["auth"] == "cookie"
    assert bare.get("/api/thing").status_code == 401


def test_the_bare_prefix_redirects_to_its_directory(bare: Bare) -> None:
    r = bare.get(bare.prefix + "?a=1")
    assert r.status_code == 308 and r.headers["Location"] == bare.prefix + "/?a=1"


def test_bearer_works_at_the_root_and_under_the_prefix(bare: Bare) -> None:
    assert bare.get("/api/thing", bearer=True).json == {"root": "", "path": "/api/thing", "auth": "bearer"}
    assert bare.get(f"{bare.prefix}/api/thing", bearer=True).json["auth"] == "bearer"


@pytest.mark.parametrize("header", [f"Token {TOKEN}", f"bearer {TOKEN}", TOKEN, f"Bearer {TOKEN}x", "Bearer ",
                                    f"Basic {TOKEN}"])
def test_only_an_exact_bearer_header_counts(bare: Bare, header: str) -> None:
    assert bare.get("/api/thing", headers={"Authorization": header}).status_code == 401


def test_the_token_in_a_query_is_only_the_login_link(bare: Bare) -> None:
    assert bare.get(f"/api/thing?token={TOKEN}").status_code == 401
    assert bare.open("POST", f"/?token={TOKEN}", json={}).status_code == 401


# -- Host ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("host", ["localhost:5999", "[::1]:5999", "127.0.0.1", "127.0.0.1:6000", "evil.com",
                                  "evil.com:5999", "127.0.0.1.evil.com:5999", "0.0.0.0:5999"])
def test_only_the_bound_address_is_a_host(bare: Bare, host: str) -> None:
    r = bare.get("/api/thing", bearer=True, headers={"Host": host})
    assert r.status_code == 403 and r.json["error"]["code"] == "bad_host"
    assert_headers(r)
    login = bare.get(f"/?token={TOKEN}", headers={"Host": host})
    assert login.status_code == 403 and "Set-Cookie" not in login.headers  # no cookie for a rebound name


def test_the_allowlist_follows_the_bound_host() -> None:
    app = Flask(__name__)
    app.config.update(REELCUT_HOST="::1", REELCUT_PORT=7000)
    security.install(app, token=TOKEN, dev_origins=[])
    app.get("/")(lambda: "ok")
    c = app.test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert c.get("/", base_url="http://[::1]:7000", headers=auth).status_code == 200
    assert c.get("/", base_url="http://127.0.0.1:7000", headers=auth).status_code == 403


# -- state changes: CSRF and content types -------------------------------------------------------------
def test_cookie_changes_need_our_own_origin(bare: Bare) -> None:
    p = f"{bare.prefix}/api/thing"
    assert bare.open("POST", p, cookie=True, json={}).status_code == 403  # neither header: refused
    for h in ({"Origin": "http://evil.example"}, {"Origin": "http://localhost:5999"}, {"Origin": "null"},
              {"Sec-Fetch-Site": "same-site"}, {"Sec-Fetch-Site": "cross-site"},
              {"Origin": "http://evil.example", "Sec-Fetch-Site": "same-origin"}):
        r = bare.open("POST", p, cookie=True, json={}, headers=h)
        assert r.status_code == 403 and r.json["error"]["code"] == "cross_origin", h
    for h in ({"Origin": BASE}, {"Sec-Fetch-Site": "same-origin"}):
        assert bare.open("PUT", p, cookie=True, json={}, headers=h).status_code == 200, h


def test_bearer_changes_need_no_origin(bare: Bare) -> None:
    # a page cannot set Authorization cross-origin without a CORS preflight, which is refused
    assert bare.open("DELETE", "/api/thing", bearer=True).status_code == 200


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_simple_request_bodies_are_refused(bare: Bare, ctype: str) -> None:
    r = bare.open("POST", "/api/thing", bearer=True, data=b'{"a": 1}', content_type=ctype)
    assert r.status_code == 415 and r.json["error"]["code"] == "bad_content_type"


# -- CORS ---------------------------------------------------------------------------------------------------
def test_no_cors_headers_without_a_dev_origin(bare: Bare) -> None:
    r = bare.open("OPTIONS", "/api/thing", headers={"Origin": "http://localhost:5173",
                                                    "Access-Control-Request-Method": "POST"})
    assert r.status_code == 401 and "Access-Control-Allow-Origin" not in r.headers


def test_a_dev_origin_gets_cors_and_still_needs_the_token() -> None:
    bare = Bare(dev_origins=["http://localhost:5173/"])
    ask = {"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST"}
    pre = bare.open("OPTIONS", "/api/thing", headers=ask)
    assert pre.status_code == 200 and pre.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert bare.get("/api/thing", headers={"Origin": "http://localhost:5173"}).status_code == 401
    r = bare.get("/api/thing", bearer=True, headers={"Origin": "http://localhost:5173"})
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    other = bare.get("/api/thing", bearer=True, headers={"Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


# -- response headers ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("path,status", [("/api/thing", 200), ("/api/thing?status=404", 404),
                                         ("/api/thing?status=500", 500), ("/media/x", 200)])
def test_every_response_carries_the_headers(bare: Bare, path: str, status: int) -> None:
    r = bare.get(path, bearer=True)
    assert r.status_code == status
    assert_headers(r)


def test_remote_hosts_enter_media_src_only_while_allowed() -> None:
    bare = Bare()
    assert bare.get("/", bearer=True).headers["Content-Security-Policy"] == CSP
    bare.remote.append("https://v3.fal.media")
    csp = bare.get("/", bearer=True).headers["Content-Security-Policy"]
    assert "media-src 'self' blob: https://v3.fal.media;" in csp and csp.count("fal.media") == 1


@pytest.mark.parametrize("path,status,expected", [
    ("/media/x", 200, security.MEDIA_CACHE), ("/media/x/thumbnail", 200, security.MEDIA_CACHE),
    ("/media/x", 206, security.MEDIA_CACHE), ("/media/x", 304, security.MEDIA_CACHE),
    ("/media/x", 404, "no-store"), ("/media/x", 416, "no-store"), ("/media/x/proxy", 500, "no-store"),
    ("/api/thing", 200, "no-store"), ("/", 200, "no-store"), ("/js/main.js", 200, "no-store"),
])
def test_cache_control_is_decided_here(bare: Bare, path: str, status: int, expected: str) -> None:
    """The route's own caching headers (send_file's max-age and Expires) never survive."""
    r = bare.get(f"{path}?status={status}&expires=1", bearer=True)
    assert r.status_code == status
    assert r.headers["Cache-Control"] == expected
    assert "Expires" not in r.headers


def test_media_under_the_prefix_is_cached_like_media(bare: Bare) -> None:
    r = bare.get(f"{bare.prefix}/media/x", cookie=True)
    assert r.headers["Cache-Control"] == security.MEDIA_CACHE


def test_an_unauthenticated_media_answer_is_never_cached(bare: Bare) -> None:
    r = bare.get("/media/x")
    assert r.status_code == 401 and r.headers["Cache-Control"] == "no-store"


def test_tokens_are_compared_in_constant_time(bare: Bare, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bytes] = []
    real = security.hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        seen.append(b)
        return real(a, b)

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    assert bare.get("/api/thing", bearer=True).status_code == 200
    assert bare.get(f"{bare.prefix}/api/thing", cookie=True).status_code == 200
    assert TOKEN.encode() in seen and bare.prefix[len(security.SESSION_ROOT):].encode() in seen
