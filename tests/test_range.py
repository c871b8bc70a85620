"""`/media/<id>` over real HTTP: Range requests answered from disk without reading the file whole."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from .conftest import TOKEN, Api


@pytest.fixture
def served(live_server: Any, samples: dict) -> tuple[str, bytes]:
    b = live_server.bridge
    p = b.create_project("Range")
    item = b.import_path(p["id"], samples["video"])
    return f"{live_server.url}media/{item['id']}", samples["video"].read_bytes()


def get(url: str, rng: str | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    if rng:
        headers["Range"] = f"bytes={rng}"
    return requests.get(url, headers=headers, timeout=10)


def test_whole_file(served: tuple[str, bytes]) -> None:
    url, data = served
    r = get(url)
    assert r.status_code == 200 and r.content == data
    assert r.headers["Accept-Ranges"] == "bytes" and int(r.headers["Content-Length"]) == len(data)
    assert r.headers["Content-Type"] == "video/mp4"


@pytest.mark.parametrize("rng,start,end", [("0-99", 0, 99), ("100-", 100, None), ("-50", -50, None),
                                           ("10-10", 10, 10)])
def test_ranges(served: tuple[str, bytes], rng: str, start: int, end: int | None) -> None:
    url, data = served
    r = get(url, rng)
    want = data[start:] if end is None else data[start:end + 1]
    assert r.status_code == 206 and r.content == want
    first = start % len(data)
    assert r.headers["Content-Range"] == f"bytes {first}-{first + len(want) - 1}/{len(data)}"


def test_unsatisfiable_range(served: tuple[str, bytes]) -> None:
    url, data = served
    r = get(url, f"{len(data) + 10}-")
    assert r.status_code == 416
    assert r.headers["Content-Range"] == f"bytes */{len(data)}"
    assert r.json()["error"]["code"]


def test_body_is_streamed_not_read_whole(api: Api, bridge: Any, project: dict, samples: dict) -> None:
    item = bridge.import_path(project["id"], samples["video"])
    r = api.get(f"/media/{item['id']}", buffered=False)
    assert r.is_streamed and not isinstance(r.response, (list, bytes))
    r.close()
