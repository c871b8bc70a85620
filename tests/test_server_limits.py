"""The real server on 127.0.0.1 against clients that misbehave, over raw sockets: half a request
head, a head trickled a byte at a time, an upload that declares 3 GB and stops, more connections
than the cap. Each is dropped or refused in bounded time while others are served; and the long
answers (media to a client that pauses, the event stream) are not cut by the read timeout."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from reelcut.config import Config
from reelcut.server.runner import LocalServer

from .conftest import TOKEN

AUTH = f"Authorization: Bearer {TOKEN}\r\n"
MARGIN = 3.0  # seconds of slack over a timeout, for a machine shared by several test runs


@pytest.fixture
def start_server(data_dir: Path) -> Iterator[Callable[..., LocalServer]]:
    servers: list[LocalServer] = []

    def start(**limits: Any) -> LocalServer:
        config = Config(data_dir=data_dir, token=TOKEN, port=0)
        for name, value in limits.items():  # set after construction: Config has defaults for them all
            setattr(config, name, value)
        server = LocalServer(config)
        server.start_background()
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.shutdown()


def connect(server: LocalServer, timeout: float = 10) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=timeout)


def head(server: LocalServer, method: str = "GET", path: str = "/api/health", extra: str = "") -> bytes:
    return f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n{AUTH}{extra}\r\n".encode()


def read_all(sock: socket.socket) -> bytes:
    out = b""
    while chunk := sock.recv(65536):
        out += chunk
    return out


def closed_within(sock: socket.socket, seconds: float) -> tuple[bytes, float]:
    """Read until the server closes; fails if it has not closed within `seconds`."""
    sock.settimeout(seconds)
    started = time.monotonic()
    try:
        data = read_all(sock)
    except TimeoutError:
        raise AssertionError(f"the server kept the connection open for more than {seconds} s") from None
    return data, time.monotonic() - started


def health(server: LocalServer) -> int:
    return requests.get(f"{server.url}api/health", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10).status_code


def request_threads() -> int:
    return sum(1 for t in threading.enumerate() if "process_request_thread" in t.name)


def test_half_a_request_head_is_dropped_within_the_read_timeout(start_server: Callable[..., LocalServer]) -> None:
    server = start_server(read_timeout=1.0)
    with connect(server) as sock:
        sock.sendall(head(server)[:-20])  # the request line and part of the headers, then nothing
        assert health(server) == 200  # meanwhile others are served
        data, took = closed_within(sock, 1.0 + MARGIN)
    assert data == b"" and took >= 0.5


def test_a_trickled_head_is_dropped_at_its_deadline(start_server: Callable[..., LocalServer]) -> None:
    """One byte at a time, each well inside the pause timeout: the head as a whole still has one."""
    server = start_server(read_timeout=1.0)
    with connect(server) as sock:
        sock.settimeout(0.3)
        started = time.monotonic()
        closed = False
        for byte in head(server)[:-2]:
            try:
                sock.sendall(bytes([byte]))
                if sock.recv(1) == b"":
                    closed = True
                    break
            except TimeoutError:
                continue  # the byte went; no answer yet, as expected
            except OSError:
                closed = True  # reset by the server while we were writing
                break
            assert time.monotonic() - started < 1.0 + MARGIN, "the trickled head was never dropped"
        assert closed, "the server waited for the whole trickled head"
        assert time.monotonic() - started < 1.0 + MARGIN


def test_an_upload_that_declares_3_gb_and_stalls_is_released(start_server: Callable[..., LocalServer]) -> None:
    server = start_server(read_timeout=1.0)
    pid = server.services.projects.create("Uploads")["id"]
    baseline = request_threads()
    with connect(server) as sock:
        sock.sendall(head(server, "POST", f"/api/projects/{pid}/media",
                          f"Content-Type: multipart/form-data; boundary=B\r\nContent-Length: {3 * 1024**3}\r\n"))
        sock.sendall(b'--B\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\n'
                     b"Content-Type: video/mp4\r\n\r\n" + b"\0" * 200_000)  # then nothing more
        answer, _ = closed_within(sock, 1.0 + MARGIN)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    body = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    assert body["error"]["code"] == "request_timeout" and "stopped arriving" in body["error"]["message"]
    deadline = time.monotonic() + MARGIN
    while request_threads() > baseline and time.monotonic() < deadline:
        time.sleep(0.05)
    assert request_threads() <= baseline, "the upload's thread is still held"
    assert server.services.media.list(pid) == []
    assert not any(server.config.temp_dir.glob("*"))


def test_a_json_body_that_stalls_is_a_408(start_server: Callable[..., LocalServer]) -> None:
    server = start_server(read_timeout=1.0)
    with connect(server) as sock:
        sock.sendall(head(server, "POST", "/api/projects", "Content-Type: application/json\r\nContent-Length: 100\r\n")
                     + b'{"name": ')
        answer, _ = closed_within(sock, 1.0 + MARGIN)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert server.services.projects.list() == []


def _open_stream(server: LocalServer) -> requests.Response:
    r = requests.get(f"{server.url}api/events", headers={"Authorization": f"Bearer {TOKEN}"}, stream=True,
                     timeout=10)
    assert r.status_code == 200
    return r


def _next_event(lines: Iterator[str]) -> str:
    for line in lines:
        if line.startswith("event: "):
            return line[7:]
    raise AssertionError("the stream ended")


def test_connections_beyond_the_cap_are_refused_while_the_others_are_served(
        start_server: Callable[..., LocalServer]) -> None:
    server = start_server(max_connections=3)
    streams = [_open_stream(server) for _ in range(3)]  # three long-lived answers hold every slot
    lines = [s.iter_lines(decode_unicode=True) for s in streams]
    try:
        for it in lines:
            assert next(it).startswith("retry:")
        r = requests.get(f"{server.url}api/health", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
        assert r.status_code == 503
        assert r.json()["error"]["code"] == "busy" and r.headers["Retry-After"] == "1"
        assert r.headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        server.services.bus.publish("notice", {"message": "still here", "kind": "info"})
        assert [_next_event(it) for it in lines] == ["notice"] * 3  # the served ones carry on
    finally:
        for s in streams:
            s.close()


def test_a_freed_slot_is_served_again(start_server: Callable[..., LocalServer]) -> None:
    server = start_server(max_connections=2, read_timeout=1.0)
    holders = [connect(server) for _ in range(2)]
    try:
        for h in holders:
            h.sendall(b"GET /api/health HTTP/1.1\r\n")  # and nothing more: each holds a slot
        time.sleep(0.2)
        assert health(server) == 503
        deadline = time.monotonic() + 1.0 + MARGIN
        while health(server) != 200:  # the read timeout drops the holders and frees their slots
            assert time.monotonic() < deadline, "the slots were never freed"
            time.sleep(0.2)
    finally:
        for h in holders:
            h.close()


def test_an_oversized_upload_is_413_through_the_real_server(start_server: Callable[..., LocalServer],
                                                            samples: dict) -> None:
    server = start_server(upload_limit=1000)
    pid = server.services.projects.create("Small")["id"]
    url = f"{server.url}api/projects/{pid}/media"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    # past MAX_CONTENT_LENGTH (the cap plus 1 MiB of form overhead): refused from its Content-Length
    big = requests.post(url, headers=auth, files={"file": ("big.mp4", b"\0" * (2 * 1024**2), "video/mp4")},
                        timeout=30)
    assert big.status_code == 413 and big.json()["error"]["message"] == "The upload is too large."
    # inside the form's slack but over the cap: refused while it is copied in
    with open(samples["video"], "rb") as f:
        over = requests.post(url, headers=auth, files={"file": ("clip.mp4", f, "video/mp4")}, timeout=30)
    assert over.status_code == 413 and over.json()["error"]["code"] == "too_large"
    assert server.services.media.list(pid) == []
    assert health(server) == 200


def test_a_chunked_json_body_past_the_cap_is_413(start_server: Callable[..., LocalServer]) -> None:
    server = start_server(json_limit=4096)

    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap applies while it is read
        yield b'{"name": "'
        for _ in range(10):
            yield b"x" * 1000
        yield b'"}'

    r = requests.post(f"{server.url}api/projects", data=chunks(), timeout=10,
                      headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    assert server.services.projects.list() == []


def test_media_to_a_client_that_pauses_is_not_cut_by_the_read_timeout(
        start_server: Callable[..., LocalServer], samples: dict) -> None:
    """A paused <video> stops reading; sendfile must wait for it (a socket timeout would make the
    socket non-blocking and break sendfile at the first full buffer)."""
    server = start_server(read_timeout=0.5)
    pid = server.services.projects.create("Pause")["id"]
    item = server.services.media.import_path(pid, samples["video"])
    size = 32 * 1024 * 1024
    path, _ = server.services.media.file_path(item["id"])
    with open(path, "r+b") as f:  # padded (sparse) far past the socket buffers
        f.truncate(size)
        f.seek(size - 4)
        f.write(b"tail")
    with requests.get(f"{server.url}media/{item['id']}", headers={"Authorization": f"Bearer {TOKEN}"},
                      stream=True, timeout=30) as r:
        assert r.status_code == 200
        got = len(r.raw.read(64 * 1024))
        time.sleep(2.0)  # four read timeouts with the server blocked writing
        last = b""
        for chunk in r.iter_content(1024 * 1024):
            got += len(chunk)
            last = (last + chunk)[-4:]
    assert got == size and last == b"tail"


def test_the_event_stream_outlives_the_read_timeout(start_server: Callable[..., LocalServer]) -> None:
    server = start_server(read_timeout=0.5)
    with _open_stream(server) as r:
        lines = r.iter_lines(decode_unicode=True)
        assert next(lines).startswith("retry:")
        time.sleep(2.0)
        server.services.bus.publish("notice", {"message": "later", "kind": "info"})
        assert _next_event(lines) == "notice"
