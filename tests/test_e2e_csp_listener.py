"""The page's own CSP-violation listener (web/js/app/violations.js, wired in main.js) can catch a
violation: the desktop self-test reports whatever it collected, so a listener that stopped
hearing would pass every self-test as "no violations". In Debian's Chromium on a real server
(the CSP header is the server's), a deliberate violation is made, the page is asked for its
self-test report (the `selftest` event the desktop shell sends), and the report it posts must
name that violation. The post is caught in the browser, as a browser page would be refused it
(409 desktop_only)."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

BLOCKED = "https://csp-probe.invalid/deliberate.png"  # img-src is 'self' data: blob: only


def until(page: Page, predicate: Any, timeout: float, what: str) -> Any:
    """Waits in Playwright's own clock, so the route handler runs meanwhile (a plain sleep
    would hold the sync API's dispatcher and the page's post would wait with it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        page.wait_for_timeout(50)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def test_the_pages_listener_reports_a_deliberate_violation(live_server: Any, page: Page) -> None:
    s = live_server.services
    pid = s.projects.create("CSP")["id"]
    reports: list[dict] = []

    def catch(route: Route) -> None:
        reports.append(json.loads(route.request.post_data or "null"))
        route.fulfill(status=200, content_type="application/json", body='{"ok": true}')

    page.route("**/api/desktop/selftest", catch)
    streams_before = len(s.bus._subs)
    page.goto(live_server.login_url)
    expect(page).to_have_title(re.compile("Reelcut"))
    # the page listens to the event stream before it is asked for anything on it
    until(page, lambda: len(s.bus._subs) > streams_before, 15, "the page to subscribe to /api/events")
    page.evaluate("""(src) => { const img = document.createElement('img'); img.src = src;
                                 document.body.append(img); }""", BLOCKED)
    s.bus.publish("selftest", {"project_id": pid})
    # an empty project: the page reports after its 10 s wait for a clip's element
    until(page, lambda: reports, 30, "the page's self-test report")
    [report] = reports
    assert isinstance(report["violations"], list), report
    assert any(v.startswith("img-src") and BLOCKED in v for v in report["violations"]), report["violations"]
