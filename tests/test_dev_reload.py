"""`reelcut serve --dev` for work on the page: a change under web/ reloads an open page (in
Debian's Chromium, on a real server process), web/ files are sent no-cache, and the strict CSP is
the same (the reload client is an ordinary module). Without --dev nothing reloads and the cache
headers are as they were."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from reelcut.config import web_dir
from reelcut.server.security import DEV_NO_CACHE, build_csp

from .conftest import TOKEN
from .server_process import ServerProcess

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

WATCHED = web_dir() / "index.html"  # touched (its mtime only): its bytes never change
# the page loads well over a hundred modules: the default buffer of 250 resource entries could
# fill before dev-reload.js (imported last) is recorded
COLLECT = """performance.setResourceTimingBufferSize(100000);
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective));"""


@pytest.fixture
def dev_server(tmp_path: Path) -> Iterator[ServerProcess]:
    s = ServerProcess(tmp_path / "data", TOKEN, args=["--dev"]).start()
    yield s
    s.stop()


def touch(path: Path) -> None:
    stamp = time.time_ns()
    os.utime(path, ns=(stamp, stamp))


def marker(page: Page) -> Any:
    try:
        return page.evaluate("window.__marker")
    except Exception:  # noqa: BLE001 - the page is between two documents
        return "navigating"


def open_page(page: Page, server: ServerProcess) -> None:
    page.add_init_script(COLLECT)  # in every document, the reloaded one too
    page.goto(server.login_url)
    expect(page.get_by_role("button", name="Settings")).to_be_visible()
    page.evaluate("window.__marker = 'before'")


def dev_module_loaded(page: Page) -> bool:
    return page.evaluate("performance.getEntriesByType('resource').some((e) => e.name.endsWith('/dev-reload.js'))")


def test_a_change_under_web_reloads_the_page(dev_server: ServerProcess, page: Page) -> None:
    open_page(page, dev_server)
    # a function, not an expression: Playwright polls an expression with eval, which the page's CSP
    # refuses (the test failed whenever the module was not loaded at the first look)
    page.wait_for_function("() => performance.getEntriesByType('resource')"
                           ".some((e) => e.name.endsWith('/dev-reload.js'))",
                           timeout=60000)  # a loaded CI machine: the module comes after the whole page
    # The stream may take a moment to connect after the module loads: touch again until the
    # page reloads (each touch is a change the watcher sees within half a second).
    reloaded = False
    for _ in range(20):
        touch(WATCHED)
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            if marker(page) is None:  # a new document: the marker set in the old one is gone
                reloaded = True
                break
            page.wait_for_timeout(100)
        if reloaded:
            break
    assert reloaded, "the page did not reload after web/index.html changed"
    expect(page.get_by_role("button", name="Settings")).to_be_visible()
    page.wait_for_timeout(500)
    assert page.evaluate("window.__violations") == []
    log = (dev_server.data_dir / "logs" / "reelcut.log").read_text("utf-8")
    assert "web/ changed (index.html): reloading the page" in log
    assert "page csp" not in log  # what the page's own listener would have sent


def test_dev_headers_and_the_same_csp(dev_server: ServerProcess) -> None:
    for path in ("/", "/js/main.js", "/js/app/dev-reload.js", "/css/app.css"):
        r = dev_server.get(path)
        assert r.status_code == 200, path
        assert r.headers["Cache-Control"] == DEV_NO_CACHE, path
        assert r.headers["Content-Security-Policy"] == build_csp(), path
    assert dev_server.get("/api/health").json()["dev"] is True
    assert dev_server.get("/api/health").headers["Cache-Control"] == "no-store"  # JSON as ever


def test_without_dev_nothing_reloads_and_caching_is_as_before(server: ServerProcess, page: Page) -> None:
    assert server.get("/js/main.js").headers["Cache-Control"] == "no-store"
    assert server.get("/api/health").json()["dev"] is False
    open_page(page, server)
    page.wait_for_timeout(1000)
    touch(WATCHED)
    page.wait_for_timeout(2000)
    assert marker(page) == "before"
    assert not dev_module_loaded(page)
