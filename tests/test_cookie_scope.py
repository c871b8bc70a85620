"""The token cookie stays with Reelcut. Browsers do not isolate cookies by port (RFC 6265 §8.5):
a cookie of 127.0.0.1:PORT goes to every server on 127.0.0.1. So the start-up link sets it with
`Path=/s/<secret>/`, the page lives under that prefix, and every URL it uses (its own, and those
the server hands it) stays under it. Checked in a real browser against a second loopback server,
and through the API for each URL the server hands out."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

from reelcut.config import web_dir
from reelcut.library.db import now
from reelcut.server import urls

from .conftest import TOKEN, Api

OTHER_PAGE = b"""<!doctype html><title>other</title><script>
fetch('/other-fetch', {credentials: 'include'}).then(() => fetch('/api/projects', {credentials: 'include'}))
  .finally(() => { document.title = 'fetched'; });
</script>"""


class Recorder(ThreadingHTTPServer):
    """Another program's server on another loopback port: it records every Cookie header."""

    daemon_threads = True

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                recorder.seen.append((self.path, self.headers.get("Cookie", "")))
                page = self.path == "/other-page"
                body = OTHER_PAGE if page else b"ok"
                self.send_response(200)
                self.send_header("Content-Type", "text/html" if page else "text/plain")
                self.send_header("Content-Length", str(len(body)))
                # its own cookie, a positive control: the recorder does see cookies the browser sends
                self.send_header("Set-Cookie", "other_probe=1; Path=/")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def other() -> Iterator[Recorder]:
    server = Recorder()
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.slow
def test_another_loopback_server_never_receives_the_cookie(live_server: Any, other: Recorder, page: Any) -> None:
    page.goto(live_server.login_url)
    page.get_by_role("button", name="New project").wait_for(timeout=15000)
    # the page works from where it landed: a project is created through it (cookie + same origin)
    page.get_by_role("button", name="New project").click()
    page.get_by_role("textbox", name="Project name").fill("Scoped")
    page.get_by_role("button", name="Create").click()
    page.wait_for_function("() => document.title.startsWith('Scoped')", timeout=15000)
    app_page = page.url
    assert [p["name"] for p in live_server.services.projects.list()] == ["Scoped"]

    # another program points the browser at its own port (top-level navigations, which send even
    # SameSite=Strict cookies), at the paths a cookie of Path=/ would reach
    for path in ("/", "/api/projects", "/media/x", "/s/", "/s/guess/", "/?token=x"):
        page.goto(other.url + path)
    # its page fetches from itself, credentials included
    page.goto(other.url + "/other-page")
    page.wait_for_function("() => document.title === 'fetched'", timeout=15000)
    # and Reelcut's own page is navigated there (same site, other port)
    page.goto(app_page)
    page.get_by_role("button", name="New project").wait_for(timeout=15000)
    page.evaluate("(url) => { location.href = url; }", other.url + "/from-reelcut")
    page.wait_for_url(other.url + "/from-reelcut", timeout=15000)

    paths = [p for p, _ in other.seen]
    for expected in ("/", "/api/projects", "/media/x", "/s/guess/", "/other-page", "/other-fetch", "/from-reelcut"):
        assert expected in paths, (expected, paths)
    leaked = [(p, c) for p, c in other.seen if "reelcut_token" in c or TOKEN in c]
    assert leaked == [], f"the token cookie reached another server: {leaked}"
    assert any("other_probe=1" in c for _, c in other.seen[1:])  # cookies are seen when sent

    # where the cookie is, and that it works only there
    prefix = live_server.app.config["REELCUT_SESSION_PREFIX"]
    assert app_page == live_server.app_url == f"{live_server.url.rstrip('/')}{prefix}/"
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "reelcut_token"]
    assert cookie["path"] == prefix + "/" and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert cookie["domain"] == "127.0.0.1"


def test_the_page_uses_no_root_paths() -> None:
    """Every URL in web/ is relative to the page, so it stays under the session prefix (a root
    path like '/api/projects' would arrive without the cookie: 401)."""
    root_path = re.compile(r"""["'`(]/(?:api|media|js|css|s)/""")
    found = []
    for f in sorted(web_dir().rglob("*")):
        if f.suffix in (".js", ".html", ".css"):
            for n, line in enumerate(f.read_text("utf-8").splitlines(), 1):
                if root_path.search(line) and not line.lstrip().startswith("//"):
                    found.append(f"{f.name}:{n}: {line.strip()}")
    assert found == []


def _login(api: Api) -> str:
    api.get(f"/?token={TOKEN}", auth=False)
    return api.app.config["REELCUT_SESSION_PREFIX"]


def test_urls_handed_to_the_page_carry_the_prefix(api: Api, services: Any, project: dict, samples: dict) -> None:
    prefix = _login(api)
    item = services.media.import_path(project["id"], samples["video"])
    listed = api.get(f"{prefix}/api/projects/{project['id']}/media", auth=False).json["media"][0]
    one = api.get(f"{prefix}/api/media/{item['id']}", auth=False).json["media"]
    renamed = api.request("PATCH", f"{prefix}/api/media/{item['id']}", auth=False, json={"name": "Kite"},
                          headers={"Sec-Fetch-Site": "same-origin"}).json["media"]
    for media in (listed, one, renamed):
        assert media["thumbnail_url"] == f"{prefix}/media/{item['id']}/thumbnail"
    sources = api.get(f"{prefix}/api/media/{item['id']}/sources", auth=False).json["sources"]
    assert [s["url"] for s in sources] == [f"{prefix}/media/{item['id']}"] * 2
    # and each works with the cookie alone
    for url in (listed["thumbnail_url"], sources[0]["url"]):
        assert api.get(url, auth=False).status_code == 200, url
    # a Bearer client at the root keeps root paths (the CLI, scripts, the API docs)
    assert api.get(f"/api/media/{item['id']}").json["media"]["thumbnail_url"] == f"/media/{item['id']}/thumbnail"
    assert api.get(f"/api/media/{item['id']}/sources").json["sources"][0]["url"] == f"/media/{item['id']}"


def test_an_export_download_url_carries_the_prefix(api: Api, services: Any, project: dict, data_dir: Path) -> None:
    prefix = _login(api)
    rel = f"projects/{project['id']}/exports/cut.mp4"
    (data_dir / rel).parent.mkdir(parents=True)
    (data_dir / rel).write_bytes(b"\0" * 64)
    services.db.execute("INSERT INTO exports (id, project_id, status, progress, path, created_at, updated_at) "
                      "VALUES ('e1', ?, 'done', 1, ?, ?, ?)", (project["id"], rel, now(), now()))
    job = api.get(f"{prefix}/api/exports/e1", auth=False).json["job"]
    assert job["download_url"] == f"{prefix}/api/exports/e1/file"
    listed = api.get(f"{prefix}/api/projects/{project['id']}/exports", auth=False).json["exports"]
    assert [e["download_url"] for e in listed] == [job["download_url"]]
    assert api.get(job["download_url"], auth=False).status_code == 200
    assert api.get("/api/exports/e1").json["job"]["download_url"] == "/api/exports/e1/file"


def test_events_carry_prefixed_urls(live_server: Any, samples: dict) -> None:
    prefix = live_server.app.config["REELCUT_SESSION_PREFIX"]
    b = live_server.services
    pid = b.projects.create("Events")["id"]
    item = b.media.import_path(pid, samples["video"])
    with requests.get(f"{live_server.app_url}api/events", cookies={"reelcut_token": TOKEN}, stream=True,
                      timeout=10) as r:
        assert r.status_code == 200
        lines = r.iter_lines(decode_unicode=True)
        assert next(lines).startswith("retry:")
        b.bus.publish("media", {"project_id": pid, "media": item})
        data = next(line for line in lines if line.startswith("data: "))
    assert f'"thumbnail_url":"{prefix}/media/{item["id"]}/thumbnail"' in data


def test_the_url_helper(app: Any) -> None:
    with app.test_request_context("/x", environ_overrides={"SCRIPT_NAME": "/s/abc"}):
        assert urls.media_file("m1") == "/s/abc/media/m1"
        assert urls.export_file("e1") == "/s/abc/api/exports/e1/file"
        remote = {"kind": "remote", "url": "https://v3.fal.media/x.mp4", "type": "video/mp4"}
        assert urls.sources("m1", [{"kind": "proxy", "type": "video/webm"}, {"kind": "local", "type": "video/mp4"},
                                   remote]) == [
            {"kind": "proxy", "type": "video/webm", "url": "/s/abc/media/m1/proxy"},
            {"kind": "local", "type": "video/mp4", "url": "/s/abc/media/m1"}, remote]
        assert urls.media_item({"id": "m1", "has_thumbnail": False}) == {"id": "m1", "thumbnail_url": None}
        assert urls.media_item({"id": "m1", "has_thumbnail": True})["thumbnail_url"] == "/s/abc/media/m1/thumbnail"
        assert urls.export_job({"id": "e1", "filename": None})["download_url"] is None
        assert urls.event("job", {"id": "j"}) == {"id": "j"}
    with app.test_request_context("/x"):
        assert urls.media_file("m1") == "/media/m1"
    assert urls.media_file("m1") == "/media/m1"  # outside a request: the root path
