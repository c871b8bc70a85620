"""A fake fal.ai: a real HTTP server on 127.0.0.1 speaking the queue protocol (submit, status
with logs and queue position, result, cancel), storage upload (initiate + PUT) and a CDN that
serves a real H.264/AAC clip. Each test scripts its faults through `FakeFal.scenario`.
`stop()`/`start()` (or `restart()`) take the server down and bring it back on the same port
with every request it knew, as when fal.ai or the network goes away in the middle of a job;
`outage(n)` cuts every connection and drops the next n, so an outage lasts until the client has
met it (not for a wall-clock time that may fall between two polls). `Listener` is a second
server that must never be contacted: it records every connection made to it.

Fixtures: `fake_fal` (the fake, with REELCUT_FAL_QUEUE_URL/REELCUT_FAL_REST_URL pointed at it
and FAL_KEY set to `KEY`) and `fal_clip` (the session's small H.264/AAC MP4). They are loaded
by one line in tests/conftest.py:

    from .fake_fal import fake_fal, fal_clip  # noqa: F401 - fixtures for the fal.ai tests

Protocol facts follow shared/reference/fal-queue-api.md (sections 2-5, 8, 10, 15)."""

from __future__ import annotations

import base64
import json
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from . import media_samples

KEY = "test-key-id:test-key-secret"
NGINX_502 = b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>" \
            b"<hr><center>nginx</center></body></html>"


@dataclass
class Reply:
    """A scripted answer: status, JSON (or raw bytes) body, headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    delay: float = 0.0


def _words(*items: tuple[str, float, float]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for text, a, b in items:
        if out:
            out.append({"text": " ", "start": out[-1]["end"], "end": a, "type": "spacing"})
        out.append({"text": text, "start": a, "end": b, "type": "word", "speaker_id": "speaker_0"})
    return out


# ElevenLabs speech-to-text's answer (fal-models-2026.md 5.3): a time for every word, in seconds
# of the file sent
TRANSCRIPT: dict[str, Any] = {
    "text": "Hello there. Second line. Cut at the end. After it.", "language_code": "eng",
    "language_probability": 0.98,
    "words": _words(("Hello", 0.2, 0.5), ("there.", 0.6, 1.0), ("Second", 1.6, 2.0), ("line.", 2.1, 2.4),
                    ("Cut", 3.6, 3.8), ("at", 3.8, 3.9), ("the", 3.9, 4.0), ("end.", 4.0, 4.6),
                    ("After", 5.0, 5.2), ("it.", 5.3, 5.6))}


@dataclass
class Scenario:
    queue_seconds: float = 0.2       # time in IN_QUEUE
    run_seconds: float = 0.3         # time in IN_PROGRESS
    logs: list[str] = field(default_factory=lambda: ["Loading model", "Sampling 50%", "Encoding video"])
    submit_replies: list[Reply] = field(default_factory=list)   # served before a real submit, one each
    status_replies: list[Reply] = field(default_factory=list)   # served before real status answers
    back_to_queue: bool = False      # IN_PROGRESS falls back to IN_QUEUE once (a runner died)
    fail_with: tuple[str, str] | None = None   # COMPLETED with (error, error_type)
    result_in_progress_once: bool = False      # COMPLETED, but the result says "still in progress" once
    cdn: list[str] = field(default_factory=list)   # per download: ok | html | truncate | slow | redirect_http
    locked: str | None = None        # 403 with this reason
    validate: bool = True            # 422 for unknown choice values, like fal's pydantic models
    stream: bool = False             # offer GET .../status/stream (server-sent status events)
    video_url: str | None = None     # the result's video URL (default: this fake's own CDN)
    submit_delay: float = 0.0        # seconds a real submit takes to answer (after queueing it)
    # per real submit, after queueing it (so it is paid for): "silent" closes the connection
    # without a byte, "mid_answer" sends the headers (with the request id) and half the body
    submit_cut: list[str] = field(default_factory=list)
    answer_urls: dict[str, str] = field(default_factory=dict)  # e.g. {"status_url": base}: that URL elsewhere
    redirect_to: str | None = None   # where the CDN's "redirect" mode sends the download
    # speech-to-text's fixed answer (ElevenLabs' {text, words: [{text, start, end, type}]})
    transcript: dict[str, Any] = field(default_factory=lambda: dict(TRANSCRIPT))


@dataclass
class FalRequest:
    id: str
    app: str
    endpoint: str
    input: dict[str, Any]
    created: float
    cancelled: bool = False
    fell_back: bool = False
    result_asked: int = 0
    result_at: float | None = None   # when the result was handed over: the end of its time in flight


def _sample(path: Path, make: Any) -> bytes:
    return (path if path.exists() else make(path)).read_bytes()


class FakeFal:
    def __init__(self, clip: Path) -> None:
        self.clip = clip.read_bytes()
        # what an image model and a voice answer with: a real PNG and a real AAC sound
        self.image = _sample(clip.with_name("fal-result.png"), lambda p: media_samples.make_image(p, size="320x240"))
        self.sound = _sample(clip.with_name("fal-result.m4a"), media_samples.make_audio)
        self.scenario = Scenario()
        self.requests: dict[str, FalRequest] = {}
        self.calls: list[tuple[str, str]] = []
        self.auth: list[tuple[str, str | None]] = []  # (kind, Authorization header) per call
        self.dropping = 0                # connections still to drop in the current outage()
        self.dropped = 0
        self.uploads: dict[str, bytes] = {}
        self.lock = threading.Lock()
        self.conns: set[socket.socket] = set()
        self.port = 0
        self.server: ThreadingHTTPServer | None = None
        self.start()
        self.url = f"http://127.0.0.1:{self.port}"

    def sent(self, url: str) -> bytes:
        """The bytes behind a file URL the app sent in a request: a data: URL's own, or an upload's."""
        if url.startswith("data:"):
            return base64.b64decode(url.split(",", 1)[1])
        return self.uploads[url.rsplit("/", 1)[1]]

    def start(self) -> None:
        """Listen (again) on the same port; requests submitted before keep their state."""
        server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        server.daemon_threads = True
        self.port = server.server_port
        self.server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Go away like a crashed host: stop listening and cut every open connection, so
        keep-alive sessions fail too instead of being served by a lingering thread."""
        if self.server is None:
            return
        self.server.shutdown()
        self.server.server_close()
        self.server = None
        with self.lock:
            conns, self.conns = list(self.conns), set()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut_connections(self) -> None:
        with self.lock:
            conns = list(self.conns)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def outage(self, drops: int) -> None:
        """fal.ai goes away until `drops` connections have been dropped: open ones are cut, new
        ones are closed before a byte of answer. Then it answers again, as it was."""
        with self.lock:
            self.dropping = drops
        self.cut_connections()

    def _drop_this_one(self) -> bool:
        with self.lock:
            if self.dropping <= 0:
                return False
            self.dropping -= 1
            self.dropped += 1
            return True

    def restart(self, down_for: float = 0.0) -> None:
        self.stop()
        time.sleep(down_for)
        self.start()

    def close(self) -> None:
        self.stop()

    def count(self, kind: str) -> int:
        return sum(1 for k, _ in self.calls if k == kind)

    # -- state ------------------------------------------------------------------------------
    def status_of(self, req: FalRequest) -> dict[str, Any]:
        s = self.scenario
        age = time.monotonic() - req.created
        urls = self.urls(req)
        if req.cancelled and age < s.queue_seconds:
            return {"status": "COMPLETED", "logs": [], "error": "Request cancelled", "error_type": "client_cancelled",
                    **urls}
        if age < s.queue_seconds:
            ahead = sum(1 for r in self.requests.values() if r.created < req.created and
                        time.monotonic() - r.created < s.queue_seconds)
            return {"status": "IN_QUEUE", "queue_position": ahead, **urls}
        run_age = age - s.queue_seconds
        if run_age < s.run_seconds:
            if s.back_to_queue and not req.fell_back and run_age > s.run_seconds / 2:
                req.fell_back = True
                req.created += run_age + 0.05  # back in the queue briefly, then runs again
                return {"status": "IN_QUEUE", "queue_position": 0, **urls}
            shown = s.logs[: 1 + int(run_age / s.run_seconds * len(s.logs))]
            return {"status": "IN_PROGRESS", "logs": self.log_items(shown), **urls}
        done = {"status": "COMPLETED", "logs": self.log_items(s.logs), "metrics": {"inference_time": s.run_seconds},
                **urls}
        if req.cancelled:
            done.update(error="Request cancelled", error_type="client_cancelled")
        elif s.fail_with:
            done.update(error=s.fail_with[0], error_type=s.fail_with[1])
        return done

    def until_next_change(self, req: FalRequest) -> float:
        """Seconds until the request's scripted status next changes, so the status stream sends
        each change the moment it happens (as fal's does); at most 5 ms, for changes no clock
        decides (a cancel)."""
        s = self.scenario
        age = time.monotonic() - req.created
        steps = [s.queue_seconds + s.run_seconds * i / max(1, len(s.logs)) for i in range(len(s.logs) + 1)]
        ahead = [t - age for t in (s.queue_seconds, *steps) if t > age]
        return max(0.0, min([0.005, *ahead]))

    @staticmethod
    def log_items(lines: list[str]) -> list[dict[str, str]]:
        return [{"message": m, "level": "INFO", "source": "USER", "timestamp": "2026-11-24T00:00:00Z"} for m in lines]

    def urls(self, req: FalRequest) -> dict[str, str]:
        def at(key: str) -> str:
            return f"{self.scenario.answer_urls.get(key, self.url)}/{req.app}/requests/{req.id}"
        return {"request_id": req.id, "response_url": at("response_url"), "status_url": f"{at('status_url')}/status",
                "cancel_url": f"{at('cancel_url')}/cancel"}

    def note(self, kind: str, detail: str, auth: str | None) -> None:
        self.calls.append((kind, detail))
        self.auth.append((kind, auth))

    # -- HTTP -------------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                with fake.lock:
                    fake.conns.add(self.connection)

            def finish(self) -> None:
                with fake.lock:
                    fake.conns.discard(self.connection)
                try:
                    super().finish()
                except OSError:
                    pass  # the connection was cut by stop()

            def log_message(self, *args: Any) -> None:
                pass

            def handle(self) -> None:
                if fake._drop_this_one():
                    self.close_connection = True  # accepted, then closed unanswered: a host gone away
                    return
                super().handle()

            def note(self, kind: str, detail: str) -> None:
                fake.note(kind, detail, self.headers.get("Authorization"))

            def send(self, reply: Reply) -> None:
                if reply.delay:
                    time.sleep(reply.delay)
                data = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
                self.send_response(reply.status)
                ctype = "text/html" if reply.raw is not None else "application/json"
                self.send_header("Content-Type", reply.headers.pop("Content-Type", ctype))
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def authed(self) -> bool:
                if self.headers.get("Authorization") != f"Key {KEY}":
                    self.send(Reply(401, {"detail": "No user found for Key ID and Secret"}))
                    return False
                if fake.scenario.locked:
                    self.send(Reply(403, {"detail": f"User is locked. Reason: {fake.scenario.locked}"}))
                    return False
                return True

            def do_GET(self) -> None:  # noqa: N802
                path = urlsplit(self.path).path
                if path.startswith("/files/"):
                    return self.cdn(path)
                s = re.fullmatch(r"/([^/]+/[^/]+)/requests/([^/]+)/status/stream", path)
                if s:
                    return self.stream_status(s.group(2))
                m = re.fullmatch(r"/([^/]+/[^/]+)/requests/([^/]+)(/status)?", path)
                if not m:
                    return self.send(Reply(404, {"detail": "Not found"}))
                self.note("status" if m.group(3) else "result", m.group(2))
                if not self.authed():
                    return None
                req = fake.requests.get(m.group(2))
                if req is None:
                    return self.send(Reply(404, {"detail": "Request not found"}))
                if m.group(3):
                    if fake.scenario.status_replies:
                        return self.send(fake.scenario.status_replies.pop(0))
                    with fake.lock:
                        status = fake.status_of(req)
                    logs_wanted = parse_qs(urlsplit(self.path).query).get("logs", ["0"])[0] in ("1", "true")
                    if not logs_wanted and "logs" in status:
                        status["logs"] = None
                    return self.send(Reply(200 if status["status"] == "COMPLETED" else 202, status))
                req.result_asked += 1
                status = fake.status_of(req)
                if status["status"] != "COMPLETED" or (fake.scenario.result_in_progress_once and req.result_asked == 1):
                    return self.send(Reply(400, {"detail": "Request is still in progress"}))
                if status.get("error"):
                    return self.send(Reply(500, {"detail": status["error"], "error_type": status["error_type"]},
                                           {"x-fal-request-id": req.id}))
                if req.endpoint in TRANSCRIBERS:
                    return self.send(Reply(200, fake.scenario.transcript, {"x-fal-request-id": req.id}))
                req.result_at = req.result_at or time.monotonic()
                answer = ANSWERS.get(req.endpoint)
                if answer == "images":
                    url = f"{fake.url}/files/{req.id}.png"
                    return self.send(Reply(200, {"images": [{"url": url, "content_type": "image/png", "width": 320,
                                                             "height": 240}], "seed": 1},
                                           {"x-fal-request-id": req.id}))
                if answer == "audio":
                    url = f"{fake.url}/files/{req.id}.m4a"
                    return self.send(Reply(200, {"audio": {"url": url, "content_type": "audio/mp4"}},
                                           {"x-fal-request-id": req.id}))
                name = f"{req.id}.mp4"
                url = fake.scenario.video_url or f"{fake.url}/files/{name}"
                return self.send(Reply(200, {"video": {"url": url, "content_type": "video/mp4",
                                                       "file_name": name, "file_size": len(fake.clip)}},
                                       {"x-fal-request-id": req.id}))

            def stream_status(self, request_id: str) -> None:
                """Server-sent status objects, one per change, until COMPLETED."""
                self.note("stream", request_id)
                if not fake.scenario.stream:
                    return self.send(Reply(404, {"detail": "Not found"}))
                if not self.authed():
                    return None
                req = fake.requests.get(request_id)
                if req is None:
                    return self.send(Reply(404, {"detail": "Request not found"}))
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                last = None
                while True:
                    with fake.lock:
                        status = fake.status_of(req)
                    key = (status["status"], status.get("queue_position"), len(status.get("logs") or []))
                    if key != last:
                        last = key
                        self.wfile.write(f"data: {json.dumps(status)}\n\n".encode())
                        self.wfile.flush()
                    if status["status"] == "COMPLETED":
                        return None
                    time.sleep(fake.until_next_change(req))

            def cdn(self, path: str) -> None:
                self.note("cdn", path)
                mode = fake.scenario.cdn.pop(0) if fake.scenario.cdn else "ok"
                if mode == "redirect":
                    return self.send(Reply(302, {}, {"Location": fake.scenario.redirect_to or "/"}))
                if mode == "html":
                    return self.send(Reply(200, raw=b"<html><body>Access denied</body></html>"))
                if mode == "redirect_http":
                    return self.send(Reply(302, {}, {"Location": "http://cdn.example.com/video.mp4"}))
                extra = {".png": ("image/png", fake.image), ".m4a": ("audio/mp4", fake.sound)}.get(Path(path).suffix)
                if extra is not None:
                    self.send_response(200)
                    self.send_header("Content-Type", extra[0])
                    self.send_header("Content-Length", str(len(extra[1])))
                    self.end_headers()
                    self.wfile.write(extra[1])
                    return None
                self.send_response(200)
                self.send_header("Content-Type", "video/mp4")
                self.send_header("Content-Length", str(len(fake.clip)))
                self.end_headers()
                if mode == "truncate":
                    self.wfile.write(fake.clip[: len(fake.clip) // 3])
                    self.wfile.flush()
                    self.close_connection = True
                    return None
                if mode == "slow":  # about 4 s, so a test can act in the middle of a download
                    step = max(1, len(fake.clip) // 40)
                    for i in range(0, len(fake.clip), step):
                        self.wfile.write(fake.clip[i:i + step])
                        self.wfile.flush()
                        time.sleep(0.1)
                    return None
                self.wfile.write(fake.clip)
                return None

            def do_POST(self) -> None:  # noqa: N802
                path = urlsplit(self.path).path
                payload = self.body()
                if path == "/storage/upload/initiate":
                    self.note("initiate", path)
                    if not self.authed():
                        return None
                    token = uuid.uuid4().hex
                    info = json.loads(payload)
                    return self.send(Reply(200, {"upload_url": f"{fake.url}/upload/{token}",
                                                 "file_url": f"{fake.url}/files/up-{token}-{info['file_name']}"}))
                endpoint = path.strip("/")
                self.note("submit", endpoint)
                if fake.scenario.submit_replies:
                    return self.send(fake.scenario.submit_replies.pop(0))
                if not self.authed():
                    return None
                try:
                    data = json.loads(payload)
                except ValueError:
                    return self.send(Reply(422, {"detail": [{"loc": ["body"], "msg": "invalid JSON"}]}))
                problem = validate(endpoint, data) if fake.scenario.validate else None
                if problem:
                    return self.send(Reply(422, {"detail": [problem]}))
                req = FalRequest(id=str(uuid.uuid4()), app="/".join(endpoint.split("/")[:2]), endpoint=endpoint,
                                 input=data, created=time.monotonic())
                with fake.lock:
                    fake.requests[req.id] = req
                    position = sum(1 for r in fake.requests.values()
                                   if time.monotonic() - r.created < fake.scenario.queue_seconds) - 1
                answer = Reply(200, {"status": "IN_QUEUE", "queue_position": position, **fake.urls(req)},
                               {"x-fal-request-id": req.id}, delay=fake.scenario.submit_delay)
                cut = fake.scenario.submit_cut.pop(0) if fake.scenario.submit_cut else None
                if cut:
                    return self.cut_off(answer, cut)
                return self.send(answer)

            def cut_off(self, reply: Reply, how: str) -> None:
                """The request is queued (and paid for); the answer never arrives whole."""
                self.close_connection = True
                if how == "mid_answer":
                    data = json.dumps(reply.body).encode()
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)

            def do_PUT(self) -> None:  # noqa: N802
                path = urlsplit(self.path).path
                payload = self.body()
                if path.startswith("/upload/"):
                    self.note("upload", path)
                    fake.uploads[path.rsplit("/", 1)[1]] = payload
                    return self.send(Reply(200, {}))
                m = re.fullmatch(r"/([^/]+/[^/]+)/requests/([^/]+)/cancel", path)
                self.note("cancel", path)
                if not m or not self.authed():
                    return None if m else self.send(Reply(404, {"detail": "Not found"}))
                req = fake.requests.get(m.group(2))
                if req is None:
                    return self.send(Reply(404, {"status": "NOT_FOUND"}))
                if fake.status_of(req)["status"] == "COMPLETED":
                    return self.send(Reply(400, {"status": "ALREADY_COMPLETED"}))
                req.cancelled = True
                return self.send(Reply(202, {"status": "CANCELLATION_REQUESTED"}))

        return Handler


class Listener:
    """Another server on this machine that fal.ai's answers must not be able to reach: it counts
    every connection (even one that never sends a request) and records each request with its
    Authorization header, and answers 404."""

    def __init__(self) -> None:
        self.connections = 0
        self.requests: list[tuple[str, str, str | None]] = []  # method, path, Authorization
        listener = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                listener.connections += 1
                super().setup()

            def log_message(self, *args: Any) -> None:
                pass

            def answer(self) -> None:
                listener.requests.append((self.command, self.path, self.headers.get("Authorization")))
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_PUT = answer  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# fal's own input schemas for the 2026 endpoints, written from shared/reference/fal-models-2026.md
# (fal-js generated types, 2026-08, and the models' llms.txt pages), NOT from Reelcut's registry,
# so a registry entry with a wrong field or wire type is refused here as fal would refuse it.
# A field is (type, allowed values or None, required). Enums are literals: "6" is not 6.
_LTX_RES = ("1080p", "1440p", "2160p")
_LTX_FPS = (24, 25, 48, 50)
_LTX_FAST_DURATIONS = tuple(range(6, 21, 2))
_VEO_FLF = {"prompt": ("str", None, True), "first_frame_url": ("str", None, True),
            "last_frame_url": ("str", None, True), "aspect_ratio": ("str", ("auto", "16:9", "9:16"), False),
            "duration": ("str", ("4s", "6s", "8s"), False), "resolution": ("str", ("720p", "1080p", "4k"), False),
            "generate_audio": ("bool", None, False), "negative_prompt": ("str", None, False),
            "seed": ("int", None, False), "safety_tolerance": ("str", ("1", "2", "3", "4", "5", "6"), False),
            "auto_fix": ("bool", None, False)}
_KLING_V3 = {"prompt": ("str", None, False), "multi_prompt": ("list", None, False),
             "duration": ("str", tuple(str(i) for i in range(3, 16)), False),
             "generate_audio": ("bool", None, False), "negative_prompt": ("str", None, False),
             "cfg_scale": ("float", None, False), "shot_type": ("str", ("customize", "intelligent"), False)}
_KLING_V3_T2V = {**_KLING_V3, "aspect_ratio": ("str", ("16:9", "9:16", "1:1"), False)}
_KLING_V3_I2V = {**_KLING_V3, "start_image_url": ("str", None, True), "end_image_url": ("str", None, False),
                 "elements": ("list", None, False)}
_WAN = {"duration": ("str", ("5", "10", "15"), False), "resolution": ("str", ("720p", "1080p"), False),
        "audio_url": ("str", None, False), "multi_shots": ("bool", None, False),
        "enable_prompt_expansion": ("bool", None, False), "negative_prompt": ("str", None, False),
        "seed": ("int", None, False), "enable_safety_checker": ("bool", None, False)}


def _ltx(i2v: bool, fast: bool) -> dict[str, tuple]:
    fields = {"prompt": ("str", None, True), "duration": ("int", _LTX_FAST_DURATIONS if fast else (6, 8, 10), False),
              "resolution": ("str", _LTX_RES, False), "fps": ("int", _LTX_FPS, False),
              "generate_audio": ("bool", None, False),
              "aspect_ratio": ("str", ("auto", "16:9", "9:16") if i2v else ("16:9", "9:16"), False)}
    if i2v:
        fields.update(image_url=("str", None, True), end_image_url=("str", None, False))
    return fields


def _ltx_fast_rule(data: dict[str, Any]) -> dict[str, Any] | None:
    if data.get("duration", 6) > 10 and (data.get("resolution", "1080p") != "1080p" or data.get("fps", 25) != 25):
        return {"loc": ["body", "duration"], "msg": "Durations longer than 10 seconds require 1080p resolution and "
                "25 fps.", "type": "value_error"}
    return None


def _one_prompt_rule(data: dict[str, Any]) -> dict[str, Any] | None:
    if bool(data.get("prompt")) == bool(data.get("multi_prompt")):
        return {"loc": ["body", "prompt"], "msg": "Provide either prompt or multi_prompt, not both.",
                "type": "value_error"}
    return None


def _a2v_prompt_rule(data: dict[str, Any]) -> dict[str, Any] | None:
    if not data.get("image_url") and not data.get("prompt"):
        return {"loc": ["body", "prompt"], "msg": "prompt is required when no image_url is given.",
                "type": "value_error"}
    return None


SCHEMAS: dict[str, tuple[dict[str, tuple], tuple]] = {
    "fal-ai/ltx-2.3/text-to-video": (_ltx(False, False), ()),
    "fal-ai/ltx-2.3/text-to-video/fast": (_ltx(False, True), (_ltx_fast_rule,)),
    "fal-ai/ltx-2.3/image-to-video": (_ltx(True, False), ()),
    "fal-ai/ltx-2.3/image-to-video/fast": (_ltx(True, True), (_ltx_fast_rule,)),
    "fal-ai/ltx-2.3/audio-to-video": ({"audio_url": ("str", None, True), "image_url": ("str", None, False),
                                       "prompt": ("str", None, False), "guidance_scale": ("float", None, False),
                                       "aspect_ratio": ("str", ("auto", "16:9", "9:16"), False)}, (_a2v_prompt_rule,)),
    "fal-ai/ltx-2.3/extend-video": ({"video_url": ("str", None, True), "prompt": ("str", None, False),
                                     "duration": ("float", None, False), "mode": ("str", ("start", "end"), False),
                                     "context": ("float", None, False)}, ()),
    "fal-ai/ltx-2.3/retake-video": ({"video_url": ("str", None, True), "prompt": ("str", None, True),
                                     "start_time": ("float", None, False), "duration": ("float", None, False),
                                     "retake_mode": ("str", ("replace_audio", "replace_video",
                                                             "replace_audio_and_video"), False)}, ()),
    "fal-ai/veo3.1/first-last-frame-to-video": (_VEO_FLF, ()),
    "fal-ai/veo3.1/fast/first-last-frame-to-video": (_VEO_FLF, ()),
    "fal-ai/kling-video/v3/pro/text-to-video": (_KLING_V3_T2V, (_one_prompt_rule,)),
    "fal-ai/kling-video/v3/standard/text-to-video": (_KLING_V3_T2V, (_one_prompt_rule,)),
    "fal-ai/kling-video/v3/pro/image-to-video": (_KLING_V3_I2V, (_one_prompt_rule,)),
    "fal-ai/kling-video/v3/standard/image-to-video": (_KLING_V3_I2V, (_one_prompt_rule,)),
    "wan/v2.6/text-to-video": ({**_WAN, "prompt": ("str", None, True),
                                "aspect_ratio": ("str", ("16:9", "9:16", "1:1", "4:3", "3:4"), False)}, ()),
    "wan/v2.6/image-to-video": ({**_WAN, "prompt": ("str", None, True), "image_url": ("str", None, True)}, ()),
    "fal-ai/minimax/hailuo-2.3/pro/text-to-video": ({"prompt": ("str", None, True),
                                                     "prompt_optimizer": ("bool", None, False)}, ()),
    "fal-ai/minimax/hailuo-2.3/pro/image-to-video": ({"prompt": ("str", None, True), "image_url": ("str", None, True),
                                                      "prompt_optimizer": ("bool", None, False)}, ()),
}
_IMAGE_SIZES = ("square_hd", "square", "portrait_4_3", "portrait_16_9", "landscape_4_3", "landscape_16_9")
# Images, sound and upscalers (fal-models-2026.md 4, 5.1, 5.2, 6). What each answers: images[],
# audio, or video (MMAudio's is the input video with the sound muxed in).
MEDIA_SCHEMAS: dict[str, tuple[dict[str, tuple], tuple]] = {
    "fal-ai/flux/dev": ({"prompt": ("str", None, True), "image_size": ("str", _IMAGE_SIZES, False),
                         "num_inference_steps": ("int", None, False), "guidance_scale": ("float", None, False),
                         "num_images": ("int", None, False), "seed": ("int", None, False),
                         "output_format": ("str", ("jpeg", "png"), False),
                         "acceleration": ("str", ("none", "regular", "high"), False),
                         "enable_safety_checker": ("bool", None, False), "sync_mode": ("bool", None, False)}, ()),
    "fal-ai/bytedance/seedream/v4.5/text-to-image": (
        {"prompt": ("str", None, True), "image_size": ("str", (*_IMAGE_SIZES, "auto_2K", "auto_4K"), False),
         "num_images": ("int", None, False), "max_images": ("int", None, False), "seed": ("int", None, False),
         "enable_safety_checker": ("bool", None, False)}, ()),
    "fal-ai/nano-banana": ({"prompt": ("str", None, True),
                            "aspect_ratio": ("str", ("21:9", "16:9", "3:2", "4:3", "5:4", "1:1", "4:5", "3:4", "2:3",
                                                     "9:16"), False),
                            "num_images": ("int", None, False),
                            "output_format": ("str", ("jpeg", "png", "webp"), False),
                            "safety_tolerance": ("str", ("1", "2", "3", "4", "5", "6"), False),
                            "seed": ("int", None, False), "limit_generations": ("bool", None, False)}, ()),
    "fal-ai/elevenlabs/tts/eleven-v3": ({"text": ("str", None, True), "voice": ("str", None, False),
                                         "stability": ("float", None, False), "language_code": ("str", None, False),
                                         "apply_text_normalization": ("str", ("auto", "on", "off"), False),
                                         "timestamps": ("bool", None, False)}, ()),
    "fal-ai/mmaudio-v2": ({"video_url": ("str", None, True), "prompt": ("str", None, True),
                           "negative_prompt": ("str", None, False), "duration": ("float", None, False),
                           "num_steps": ("int", None, False), "cfg_strength": ("float", None, False),
                           "seed": ("int", None, False), "mask_away_clip": ("bool", None, False)}, ()),
    "fal-ai/bytedance-upscaler/upscale/video": ({"video_url": ("str", None, True),
                                                 "target_resolution": ("str", ("1080p", "2k", "4k"), False),
                                                 "target_fps": ("str", ("30fps", "60fps"), False),
                                                 "enhancement_tier": ("str", ("fast", "standard", "pro"), False),
                                                 "enhancement_preset": ("str", ("general", "ugc", "short_series",
                                                                                "aigc", "old_film"), False),
                                                 "fidelity": ("str", ("high", "medium"), False),
                                                 "scale_ratio": ("float", None, False)}, ()),
}
ANSWERS = {"fal-ai/flux/dev": "images", "fal-ai/bytedance/seedream/v4.5/text-to-image": "images",
           "fal-ai/nano-banana": "images", "fal-ai/elevenlabs/tts/eleven-v3": "audio"}
# speech to text (fal-models-2026.md 5.3): no prompt
SPEECH_SCHEMAS: dict[str, tuple[dict[str, tuple], tuple]] = {
    "fal-ai/elevenlabs/speech-to-text": ({"audio_url": ("str", None, True), "language_code": ("str", None, False),
                                          "diarize": ("bool", None, False),
                                          "tag_audio_events": ("bool", None, False)}, ()),
}
TRANSCRIBERS = tuple(SPEECH_SCHEMAS)
_PY = {"str": str, "int": int, "float": (int, float), "bool": bool, "list": list}
_TYPE_WORDS = {"str": "a valid string", "int": "a valid integer", "float": "a valid number",
               "bool": "a valid boolean", "list": "a valid list"}


def check_schema(endpoint: str, data: dict[str, Any]) -> dict[str, Any] | None:
    """The first problem fal's pydantic model for `endpoint` finds in `data`, shaped as fal's 422
    detail items; unknown fields are ignored, as fal ignores them."""
    fields, rules = {**SCHEMAS, **SPEECH_SCHEMAS, **MEDIA_SCHEMAS}[endpoint]
    for name, (kind, allowed, required) in fields.items():
        if name not in data or data[name] is None:
            if required:
                return {"loc": ["body", name], "msg": "Field required", "type": "missing"}
            continue
        value = data[name]
        if allowed is not None:
            if value not in allowed or type(value) is not type(allowed[0]):
                words = ", ".join(repr(a) for a in allowed)
                return {"loc": ["body", name], "msg": f"Input should be {words}", "type": "literal_error",
                        "input": value}
        elif isinstance(value, bool) and kind != "bool" or not isinstance(value, _PY[kind]):
            return {"loc": ["body", name], "msg": f"Input should be {_TYPE_WORDS[kind]}", "type": f"{kind}_type",
                    "input": value}
    for rule in rules:
        problem = rule(data)
        if problem:
            return problem
    return None


def validate(endpoint: str, data: dict[str, Any]) -> dict[str, Any] | None:
    """A little of fal's own input validation: the 2026 endpoints against their schema table
    above; the older ones: LTX wants integer durations and fps, Kling strings."""
    if endpoint in SCHEMAS or endpoint in SPEECH_SCHEMAS or endpoint in MEDIA_SCHEMAS:
        problem = check_schema(endpoint, data)
        if problem:
            return problem
    elif not data.get("prompt"):
        return {"loc": ["body", "prompt"], "msg": "field required", "type": "value_error.missing"}
    elif "ltx-2" in endpoint:
        for key in ("duration", "fps"):
            if key in data and not isinstance(data[key], int):
                return {"loc": ["body", key], "msg": "value is not a valid integer", "type": "type_error.integer"}
    elif "kling" in endpoint and "duration" in data and not isinstance(data["duration"], str):
        return {"loc": ["body", "duration"], "msg": "unexpected value; permitted: '5', '10'", "type": "enum"}
    if data.get("prompt") == "forbidden":
        return {"loc": ["body", "prompt"], "msg": "The prompt was flagged by the content checker.",
                "type": "content_policy_violation"}
    return None


def quick_providers(data_dir: Path) -> dict[str, Any]:
    """The app's own fal client pointed at this fake (fake_fal's environment), with no waits
    between polls and retries: a test's `providers`."""
    from reelcut import keystore
    from reelcut.generation.fal import FalProvider
    return {"fal": FalProvider(lambda: keystore.get_key(data_dir), sleep=lambda seconds: None, poll_interval=0.05,
                               http_options={"base_delay": 0.01, "timeout": (2.0, 2.0)})}


def app_env(fake: FakeFal, key: str = KEY) -> dict[str, str]:
    """The environment that points a Reelcut process at this fake, with a key."""
    return {"REELCUT_FAL_QUEUE_URL": fake.url, "REELCUT_FAL_REST_URL": fake.url, "FAL_KEY": key}


@pytest.fixture(scope="session")
def fal_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return media_samples.make_video(tmp_path_factory.mktemp("fal") / "result.mp4", seconds=2, size="320x240")


@pytest.fixture
def fake_fal(fal_clip: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeFal]:
    """The fake, with the app pointed at it and a key in the environment."""
    fake = FakeFal(fal_clip)
    monkeypatch.setenv("REELCUT_FAL_QUEUE_URL", fake.url)
    monkeypatch.setenv("REELCUT_FAL_REST_URL", fake.url)
    monkeypatch.setenv("FAL_KEY", KEY)
    yield fake
    fake.close()
