"""`/media/<id>` over real HTTP: Range requests answered from disk without reading the file whole."""

from __future__ import annotations

import tracemalloc
from typing import Any

import pytest
import requests

from .conftest import TOKEN, Api


@pytest.fixture
def served(live_server: Any, samples: dict) -> tuple[str, bytes]:
    b = live_server.services
    p = b.projects.create("Range")
    item = b.media.import_path(p["id"], samples["video"])
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


def test_body_is_streamed_not_read_whole(api: Api, services: Any, project: dict, samples: dict) -> None:
    item = services.media.import_path(project["id"], samples["video"])
    r = api.get(f"/media/{item['id']}", buffered=False)
    assert r.is_streamed and not isinstance(r.response, (list, bytes))
    r.close()


@pytest.mark.parametrize("rng,status,start,end", [(None, 200, 0, None), ("0-99", 206, 0, 99),
                                                  ("1000-", 206, 1000, None), ("-100", 206, -100, None)])
def test_ranges_through_the_test_client(api: Api, services: Any, project: dict, samples: dict, rng: str | None,
                                        status: int, start: int, end: int | None) -> None:
    item = services.media.import_path(project["id"], samples["video"])
    data = samples["video"].read_bytes()
    r = api.get(f"/media/{item['id']}", headers={"Range": f"bytes={rng}"} if rng else {})
    want = data[start:] if end is None else data[start:end + 1]
    assert r.status_code == status and r.data == want
    assert int(r.headers["Content-Length"]) == len(want) and r.headers["Accept-Ranges"] == "bytes"
    if status == 206:
        first = start % len(data)
        assert r.headers["Content-Range"] == f"bytes {first}-{first + len(want) - 1}/{len(data)}"
    else:
        assert "Content-Range" not in r.headers


def test_bad_ranges_through_the_test_client(api: Api, services: Any, project: dict, samples: dict) -> None:
    item = services.media.import_path(project["id"], samples["video"])
    size = samples["video"].stat().st_size
    r = api.get(f"/media/{item['id']}", headers={"Range": f"bytes={size}-{size + 100}"})
    assert r.status_code == 416 and r.headers["Content-Range"] == f"bytes */{size}"
    assert r.json["error"]["code"] == "requested_range_not_satisfiable"


def test_head_and_revalidation(api: Api, services: Any, project: dict, samples: dict) -> None:
    item = services.media.import_path(project["id"], samples["video"])
    head = api.request("HEAD", f"/media/{item['id']}")
    assert head.status_code == 200 and head.data == b""
    assert int(head.headers["Content-Length"]) == samples["video"].stat().st_size
    again = api.get(f"/media/{item['id']}", headers={"If-None-Match": head.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_a_large_file_is_served_without_reading_it_whole(api: Api, live_server: Any, samples: dict) -> None:
    size = 96 * 1024 * 1024
    b = live_server.services
    p = b.projects.create("Large")
    item = b.media.import_path(p["id"], samples["video"])
    path, _ = b.media.file_path(item["id"])
    with open(path, "r+b") as f:  # the same clip, padded to 96 MiB (sparse: fast to make)
        f.truncate(size)
        f.seek(size - 16)
        f.write(b"the-last-16-byte")
    url = f"{live_server.url}media/{item['id']}"
    tail = get(url, "-16")
    assert tail.status_code == 206 and tail.content == b"the-last-16-byte"
    assert tail.headers["Content-Range"] == f"bytes {size - 16}-{size - 1}/{size}"
    tracemalloc.start()
    try:
        got = 0
        with requests.get(url, headers={"Authorization": f"Bearer {TOKEN}"}, stream=True, timeout=60) as r:
            assert r.status_code == 200 and int(r.headers["Content-Length"]) == size
            for chunk in r.iter_content(256 * 1024):
                got += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert got == size
    assert peak < 16 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB while serving {size / 1e6:.0f} MB"
