"""Fuzz the API from its own OpenAPI description (schemathesis, bounded): no request may
produce a 500, and every response must carry the security headers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from reelcut.server.openapi import spec

from .conftest import TOKEN

REQUIRED = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Resource-Policy")


@pytest.fixture
def api_schema(live_server: Any, fake_fal: Any) -> Any:
    """fal.ai is the fake one on loopback: a fuzzed "Test key" with a well-shaped key asks it, never
    the real host (these tests talk only to 127.0.0.1)."""
    live_server.services.projects.create("Fuzzed")
    return schemathesis.openapi.from_dict(spec())


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_always_secured(case: Any, live_server: Any) -> None:
    response = case.call(base_url=live_server.url.rstrip("/"), headers={"Authorization": f"Bearer {TOKEN}"},
                         timeout=30)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
    present = {k.lower() for k in response.headers}
    for name in REQUIRED:
        assert name.lower() in present, (case.method, case.formatted_path, name)
    assert "access-control-allow-origin" not in present
    if response.status_code >= 400:
        body = response.json()
        assert body["error"]["code"] and body["error"]["message"]


def test_openapi_is_served_and_names_every_route(api: Any) -> None:
    r = api.get("/api/openapi.json")
    assert r.status_code == 200
    paths = set(r.json["paths"])
    rules = {str(rule.rule).replace("<", "{").replace(">", "}") for rule in api.app.url_map.iter_rules()}
    documented = {p for p in rules if p.startswith(("/api/", "/media/")) and p not in (
        "/api/events", "/api/openapi.json", "/api/exports/{export_id}/file", "/media/{media_id}/filmstrip",
        "/api/fonts/title", "/api/projects/{project_id}/timeline/export")}
    assert documented <= paths, documented - paths


def test_the_api_document_names_every_route(api: Any) -> None:
    """docs/API.md is what a script's author reads: each method and path the server answers has a
    row there (path parameters by any name), and each row names a route that exists."""
    def shape(path: str) -> str:
        return re.sub(r"<[^>]+>", "<>", path.split("?")[0])

    served = {(method, shape(str(rule.rule))) for rule in api.app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"}
              if str(rule.rule).startswith(("/api/", "/media/"))}
    text = (Path(__file__).resolve().parent.parent / "docs" / "API.md").read_text()
    rows = {(method, shape(path)) for method, path in
            re.findall(r"^\| (GET|POST|PUT|PATCH|DELETE) \| `([^`]+)`", text, flags=re.MULTILINE)}
    assert len(rows) > 60  # the table was read
    assert served - rows == set(), "routes docs/API.md does not describe"
    assert rows - served == set(), "rows of docs/API.md for routes that do not exist"
