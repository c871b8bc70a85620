"""The security module, request by request: token, cookie, Host, same-origin, content type,
CORS, the CSP and the headers on every kind of response."""

from __future__ import annotations

import hmac
import socket
from typing import Any

import pytest
import requests

from reelcut.config import Config
from reelcut.server import security
from reelcut.server.app import create_app

from .conftest import TEST_PORT, TOKEN, Api

DESIGN_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
              "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
              "frame-ancestors 'none'; form-action 'self'")
HEADERS = {"Content-Security-Policy": DESIGN_CSP, "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "no-referrer", "Cross-Origin-Resource-Policy": "same-origin"}


def assert_secured(resp: Any) -> None:
    for name, value in HEADERS.items():
        assert resp.headers.get(name) == value, (name, resp.status_code)
    for absent in ("Cross-Origin-Opener-Policy", "Cross-Origin-Embedder-Policy", "Access-Control-Allow-Origin"):
        assert absent not in resp.headers


def test_browser_policy_is_exactly_the_design() -> None:
    csp = security.build_csp()
    assert csp == DESIGN_CSP
    assert "unsafe" not in csp and "http" not in csp


def test_remote_hosts_only_in_media_src() -> None:
    csp = security.build_csp(["https://v3.fal.media"])
    directives = dict(d.split(" ", 1) for d in csp.split("; "))
    assert directives["media-src"] == "'self' blob: https://v3.fal.media"
    assert sum("fal.media" in v for v in directives.values()) == 1
    with pytest.raises(ValueError):
        security.build_csp(["http://insecure.example"])
    with pytest.raises(ValueError):
        security.build_csp(["https://x.example; script-src *"])


def test_remote_preview_setting_controls_the_header(api: Api, services: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from reelcut.generation import registry

    monkeypatch.setattr(registry, "remote_media_hosts", lambda: ["https://v3.fal.media"])
    assert "fal.media" not in api.get("/api/health").headers["Content-Security-Policy"]
    assert api.put("/api/settings", json={"remote_preview": True}).status_code == 200
    assert "media-src 'self' blob: https://v3.fal.media" in api.get("/api/health").headers["Content-Security-Policy"]


def test_every_kind_of_response_carries_the_headers(api: Api, services: Any, project: dict, samples: dict,
                                                     app: Any) -> None:
    item = services.media.import_path(project["id"], samples["video"])

    @app.get("/boom")
    def boom():  # registered for this test only
        raise RuntimeError("secret internal detail")

    responses = {
        "page": api.get("/"), "js": api.get("/js/main.js"), "css": api.get("/css/app.css"),
        "json": api.get("/api/projects"), "media": api.get(f"/media/{item['id']}"),
        "range": api.get(f"/media/{item['id']}", headers={"Range": "bytes=0-9"}),
        "thumbnail": api.get(f"/media/{item['id']}/thumbnail"),
        "401": api.get("/api/projects", auth=False), "403": api.get("/api/projects", headers={"Host": "evil.com"}),
        "404": api.get("/api/media/nope"), "405": api.put("/api/health"),
        "416": api.get(f"/media/{item['id']}", headers={"Range": "bytes=99999999-"}), "500": api.get("/boom"),
        "events": api.get("/api/events", buffered=False),
    }
    expected = {"page": 200, "js": 200, "css": 200, "json": 200, "media": 200, "range": 206, "thumbnail": 200,
                "401": 401, "403": 403, "404": 404, "405": 405, "416": 416, "500": 500, "events": 200}
    for name, resp in responses.items():
        assert resp.status_code == expected[name], name
        assert_secured(resp)
    responses["events"].close()
    assert "secret internal detail" not in responses["500"].get_data(as_text=True)
    assert responses["500"].json["error"]["code"] == "internal"


@pytest.mark.parametrize("path", ["/", "/api/projects", "/api/events", "/api/models", "/js/main.js"])
def test_token_required_everywhere(api: Api, path: str) -> None:
    assert api.get(path, auth=False).status_code == 401
    assert api.get(path, auth=False, headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_media_and_thumbnails_need_the_token(api: Api, services: Any, project: dict, samples: dict) -> None:
    item = services.media.import_path(project["id"], samples["video"])
    for path in (f"/media/{item['id']}", f"/media/{item['id']}/thumbnail", f"/api/media/{item['id']}/sources"):
        r = api.get(path, auth=False)
        assert r.status_code == 401 and r.json["error"]["code"] == "unauthorized"


def test_login_link_trades_the_token_for_a_strict_cookie(api: Api) -> None:
    prefix = api.app.config["REELCUT_SESSION_PREFIX"]
    r = api.get(f"/?token={TOKEN}", auth=False)
    assert r.status_code == 303
    assert r.headers["Location"] == prefix + "/"
    cookie = r.headers["Set-Cookie"]
    assert f"reelcut_token={TOKEN}" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    page = api.get(prefix + "/", auth=False)  # the test client keeps the cookie
    assert page.status_code == 200
    assert TOKEN not in page.get_data(as_text=True)
    assert api.get(prefix + "/api/projects", auth=False).status_code == 200
    assert api.get("/?token=wrong", auth=False).status_code == 401


def test_tokens_are_compared_in_constant_time(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    assert api.get("/api/health").status_code == 200
    assert calls and calls[-1][1] == TOKEN.encode()


@pytest.mark.parametrize("host", ["evil.com", f"evil.com:{TEST_PORT}", "127.0.0.1:1", f"192.168.1.5:{TEST_PORT}"])
def test_wrong_host_is_refused_even_with_the_token(api: Api, host: str) -> None:
    r = api.get("/api/projects", headers={"Host": host})
    assert r.status_code == 403 and r.json["error"]["code"] == "bad_host"


def test_own_host_name_works(api: Api) -> None:
    assert api.get("/api/projects", headers={"Host": f"127.0.0.1:{TEST_PORT}"}).status_code == 200


@pytest.mark.parametrize("host", [f"localhost:{TEST_PORT}", f"[::1]:{TEST_PORT}", f"LOCALHOST:{TEST_PORT}",
                                  "127.0.0.1", f"127.0.0.2:{TEST_PORT}", f"0.0.0.0:{TEST_PORT}"])
def test_names_the_server_does_not_listen_on_are_refused(api: Api, host: str) -> None:
    """Regression: localhost and [::1] were allowed while the server binds 127.0.0.1 only."""
    r = api.get("/api/projects", headers={"Host": host})
    assert r.status_code == 403 and r.json["error"]["code"] == "bad_host"


def test_the_allowlist_is_the_bound_address() -> None:
    assert security.allowed_hosts("127.0.0.1", 5999) == {"127.0.0.1:5999"}
    assert security.allowed_hosts("::1", 5999) == {"[::1]:5999"}
    assert security.own_origins("127.0.0.1", 5999) == {"http://127.0.0.1:5999"}


def test_the_real_server_refuses_localhost(live_server: Any) -> None:
    base = live_server.url.rstrip("/")
    for host in (f"localhost:{live_server.port}", f"[::1]:{live_server.port}"):
        r = requests.get(f"{base}/api/health", headers={"Authorization": f"Bearer {TOKEN}", "Host": host},
                         timeout=10)
        assert r.status_code == 403, host


def _cookie_api(api: Api) -> str:
    """Log in with the start-up link; returns the session prefix the cookie is scoped to."""
    api.get(f"/?token={TOKEN}", auth=False)
    return api.app.config["REELCUT_SESSION_PREFIX"]


def test_cookie_changes_need_same_origin(api: Api) -> None:
    p = _cookie_api(api) + "/api/projects"
    body = {"name": "x"}
    assert api.post(p, auth=False, json=body).status_code == 403
    assert api.post(p, auth=False, json=body, headers={"Origin": "http://evil.example"}).status_code == 403
    assert api.post(p, auth=False, json=body, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert api.post(p, auth=False, json=body, headers={"Origin": f"http://localhost:{TEST_PORT}"}).status_code == 403
    assert api.post(p, auth=False, json=body, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 201
    assert api.post(p, auth=False, json=body,
                    headers={"Origin": f"http://127.0.0.1:{TEST_PORT}"}).status_code == 201


def test_simple_cross_site_bodies_are_refused(api: Api) -> None:
    r = api.post("/api/projects", data='{"name": "x"}', content_type="text/plain")
    assert r.status_code == 415


def test_no_cors_without_dev_origin(api: Api) -> None:
    r = api.request("OPTIONS", "/api/projects", headers={"Origin": "http://localhost:5173",
                                                          "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in r.headers


def test_dev_origin_is_the_only_cors(data_dir: Any, services: Any) -> None:
    config = Config(data_dir=data_dir, token=TOKEN, port=TEST_PORT, dev_origins=["http://localhost:5173"])
    api = Api(create_app(config, services))
    ok = api.get("/api/projects", headers={"Origin": "http://localhost:5173"})
    assert ok.headers.get("Access-Control-Allow-Origin") == "http://localhost:5173"
    other = api.get("/api/projects", headers={"Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


@pytest.mark.parametrize("path", ["/media/..%2f..%2fetc%2fpasswd", "/../../etc/passwd",
                                  "/media/..%2f..%2freelcut.db", "/media/../reelcut.db", "/..%2f..%2fetc%2fpasswd",
                                  "/js/..%2f..%2fpyproject.toml", "/%2e%2e/%2e%2e/etc/passwd"])
def test_traversal_gets_404(api: Api, path: str) -> None:
    r = api.get(path)
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"
    assert b"root:" not in r.data and b"[project]" not in r.data


@pytest.mark.parametrize("path", ["/../../etc/passwd", "/media/..%2f..%2fetc%2fpasswd", "/js/../../../etc/passwd",
                                  "/media/../../reelcut.db"])
def test_traversal_over_a_raw_socket_gets_404(live_server: Any, path: str) -> None:
    """No client-side normalisation: the exact bytes reach the server."""
    with socket.create_connection(("127.0.0.1", live_server.port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{live_server.port}\r\n"
                     f"Authorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 404"), answer[:200]
    assert b"root:" not in answer and b"SQLite format" not in answer


def test_a_tampered_path_outside_the_data_dir_is_not_served(api: Api, services: Any, project: dict,
                                                             samples: dict) -> None:
    item = services.media.import_path(project["id"], samples["video"])
    services.db.execute("UPDATE media SET path = ? WHERE id = ?", ("../../../../etc/passwd", item["id"]))
    assert api.get(f"/media/{item['id']}").status_code == 404


def test_dev_origin_preflight_passes_and_others_do_not(data_dir: Any, services: Any) -> None:
    """Regression: the preflight a --dev-origin's fetch sends (no credentials, by the CORS rules) got 401,
    so no request with a Bearer header or a JSON body could ever leave the dev page."""
    config = Config(data_dir=data_dir, token=TOKEN, port=TEST_PORT, dev_origins=["http://localhost:5173"])
    api = Api(create_app(config, services))
    ask = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"}
    ok = api.request("OPTIONS", "/api/projects", auth=False, headers={"Origin": "http://localhost:5173", **ask})
    assert ok.status_code == 200 and ok.data == b""
    assert ok.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert "authorization" in ok.headers["Access-Control-Allow-Headers"].lower()
    assert_secured_except_cors(ok)
    other = api.request("OPTIONS", "/api/projects", auth=False, headers={"Origin": "http://evil.example", **ask})
    assert other.status_code == 401 and "Access-Control-Allow-Origin" not in other.headers
    # the real request still needs the token, even from the dev origin
    assert api.post("/api/projects", auth=False, json={"name": "x"},
                    headers={"Origin": "http://localhost:5173"}).status_code == 401
    created = api.post("/api/projects", json={"name": "x"}, headers={"Origin": "http://localhost:5173"})
    assert created.status_code == 201 and created.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    # without --dev-origin a preflight is just an unauthenticated request
    plain = Api(create_app(Config(data_dir=data_dir, token=TOKEN, port=TEST_PORT), services))
    r = plain.request("OPTIONS", "/api/projects", auth=False, headers={"Origin": "http://localhost:5173", **ask})
    assert r.status_code == 401 and "Access-Control-Allow-Origin" not in r.headers


def assert_secured_except_cors(resp: Any) -> None:
    for name, value in HEADERS.items():
        assert resp.headers.get(name) == value, name
    assert "Cross-Origin-Opener-Policy" not in resp.headers and "Cross-Origin-Embedder-Policy" not in resp.headers


def test_a_crash_inside_a_real_route_hides_its_details(api: Api, services: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    def explode() -> list:
        raise RuntimeError("db password is hunter2")

    monkeypatch.setattr(services.projects, "list", explode)
    r = api.get("/api/projects")
    assert r.status_code == 500
    assert_secured(r)
    text = r.get_data(as_text=True)
    assert "hunter2" not in text and "Traceback" not in text and "RuntimeError" not in text
    assert r.json["error"]["code"] == "internal" and r.json["error"]["message"]


def test_the_token_in_a_query_is_only_a_login_link(api: Api, services: Any, project: dict, samples: dict) -> None:
    item = services.media.import_path(project["id"], samples["image"])
    for path in ("/api/projects", f"/media/{item['id']}", "/api/events"):
        assert api.get(f"{path}?token={TOKEN}", auth=False).status_code == 401, path
    for header in (f"Token {TOKEN}", f"bearer{TOKEN}", TOKEN, f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer "):
        assert api.get("/api/projects", auth=False, headers={"Authorization": header}).status_code == 401, header


def test_the_cookie_opens_media_thumbnails_and_events(api: Api, services: Any, project: dict, samples: dict) -> None:
    item = services.media.import_path(project["id"], samples["video"])
    login = api.get(f"/?token={TOKEN}", auth=False)
    prefix = api.app.config["REELCUT_SESSION_PREFIX"]
    assert f"Path={prefix}/" in login.headers["Set-Cookie"] and TOKEN not in login.headers["Location"]
    assert api.get(f"{prefix}/media/{item['id']}", auth=False).data == samples["video"].read_bytes()
    assert api.get(f"{prefix}/media/{item['id']}/thumbnail", auth=False).data[:3] == b"\xff\xd8\xff"
    events = api.get(f"{prefix}/api/events", auth=False, buffered=False)
    assert events.status_code == 200 and events.mimetype == "text/event-stream"
    events.close()
    api.client.delete_cookie("reelcut_token", domain="127.0.0.1", path=f"{prefix}/")
    assert api.get(f"{prefix}/media/{item['id']}", auth=False).status_code == 401


def test_the_real_server_checks_host_and_sends_the_headers(live_server: Any, samples: dict) -> None:
    base = live_server.url.rstrip("/")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for host in ("evil.com", f"evil.com:{live_server.port}", f"127.0.0.1:{live_server.port + 1}",
                 f"localhost.evil.com:{live_server.port}"):
        r = requests.get(f"{base}/api/projects", headers={**auth, "Host": host}, timeout=10)
        assert r.status_code == 403 and r.json()["error"]["code"] == "bad_host", host
        assert_secured(r)
    p = live_server.services.projects.create("Headers")
    item = live_server.services.media.import_path(p["id"], samples["video"])
    for path, status in (("/", 200), ("/api/health", 200), (f"/media/{item['id']}", 200),
                         (f"/media/{item['id']}/thumbnail", 200), ("/api/media/nope", 404)):
        r = requests.get(base + path, headers=auth, timeout=10)
        assert r.status_code == status, path
        assert_secured(r)
    assert requests.get(f"{base}/api/health", timeout=10).status_code == 401
