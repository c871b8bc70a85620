"""The log file a user sends with a bug report: what it records, and what it never records (the key)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reelcut import keystore, logs
from reelcut.config import Config
from reelcut.errors import AppError
from reelcut.media.encode import run_ffmpeg
from reelcut.server.app import create_app
from reelcut.services import Services

from .conftest import Api
from .test_cli import run_cli

FAKE_KEY = "0d1e2f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6:0123456789abcdef0123456789abcdef"
STORED_KEY = "stored-id_42:stored-secret.value-xyz"


@pytest.fixture
def log_file(data_dir: Path) -> Iterator[Path]:
    path = logs.setup(data_dir)
    assert path == data_dir / "logs" / "reelcut.log"
    yield path
    logs.teardown()


def text_of(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text("utf-8") if path.exists() else ""


def test_a_jobs_phases_are_in_the_log_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    r = run_cli("generate", "--model", "local/preview-t2v", "--prompt", "a paper boat", "--param", "duration=1",
                data_dir=data, FAL_KEY=FAKE_KEY)
    assert r.returncode == 0, r.stderr
    text = (data / "logs" / "reelcut.log").read_text("utf-8")
    job_lines = [line for line in text.splitlines() if " job " in line]
    phases = [line.split(": ", 2)[-1].split(" ")[0] for line in job_lines]
    assert "storing" in phases and phases[-1] == "done", text
    assert FAKE_KEY not in text  # the FAL_KEY of the process never reaches the file


def test_a_key_in_a_message_is_redacted_in_the_file(log_file: Path, config: Config) -> None:
    keystore.set_key(config.data_dir, None)
    s = Services(config)  # registers the stored key as a secret of the log file
    try:
        s.preferences.update({"fal_key": STORED_KEY})
        log = logging.getLogger("reelcut.generation.fal_http")
        log.info("fal.ai answered %s", {"detail": f"bad key {STORED_KEY}"})
        log.warning("headers: {'Authorization': 'Key %s'}", "some-other:secret-value")
        log.info("a key of fal's shape anywhere: %s.", FAKE_KEY)
        try:
            raise RuntimeError(f"failed with {STORED_KEY}")
        except RuntimeError:
            log.exception("traceback with the key")
    finally:
        s.close()
    text = text_of(log_file)
    assert STORED_KEY not in text and "some-other:secret-value" not in text and FAKE_KEY not in text
    assert text.count(logs.REDACTED) == 4, text  # the message, the header, the shape, the exception
    assert "'Authorization': 'Key [redacted]'" in text


def test_an_ffmpeg_failure_logs_its_stderr_tail(log_file: Path, tmp_path: Path) -> None:
    with pytest.raises(AppError) as caught:
        run_ffmpeg(["-i", str(tmp_path / "no-such-input.mp4"), str(tmp_path / "out.mp4")], duration=1.0,
                   what="The test encode")
    assert caught.value.code == "ffmpeg_failed"
    text = text_of(log_file)
    assert "The test encode failed: ffmpeg exited with" in text
    assert "Error opening input file" in text and "no-such-input.mp4" in text, text


def test_a_crash_in_a_route_and_in_a_thread_leave_a_traceback(log_file: Path, config: Config,
                                                               services: Services) -> None:
    app = create_app(config, services)

    @app.get("/api/test-crash")
    def crash() -> Any:
        raise ZeroDivisionError("the route's own crash")

    r = Api(app).get("/api/test-crash")
    assert r.status_code == 500 and "in its log" in r.get_json()["error"]["message"]
    worker = threading.Thread(target=lambda: 1 / 0, name="doomed-worker")
    worker.start()
    worker.join(10)
    text = text_of(log_file)
    assert "Traceback (most recent call last)" in text
    assert "ZeroDivisionError: the route's own crash" in text
    assert "uncaught exception in thread doomed-worker" in text and "ZeroDivisionError: division by zero" in text


def test_client_log_writes_one_bounded_line(log_file: Path, api: Api) -> None:
    r = api.post("/api/client-log", json={"kind": "csp", "message": "media-src blocked https://x.example/a.mp4\n"
                                          "2026-01-01 CRITICAL forged line", "source": "main.js:3"})
    assert r.status_code == 200 and r.get_json() == {"ok": True, "logged": True}
    r = api.post("/api/client-log", json={"kind": "media", "message": "local source failed: decode error"})
    assert r.status_code == 200
    text = text_of(log_file)
    lines = [line for line in text.splitlines() if "reelcut.page" in line]
    assert len(lines) == 2, text
    assert "page csp: media-src blocked https://x.example/a.mp4 2026-01-01 CRITICAL forged line (main.js:3)" in lines[0]
    assert "page media: local source failed: decode error" in lines[1]
    assert not any(line.startswith("2026-01-01 CRITICAL") for line in text.splitlines())


def test_client_log_refuses_what_is_too_big_or_wrong(api: Api) -> None:
    r = api.post("/api/client-log", json={"kind": "csp", "message": "x" * 5000})
    assert r.status_code == 413 and r.get_json()["error"]["code"] == "too_large"
    r = api.post("/api/client-log", json={"kind": "csp", "message": "x" * 1001})
    assert r.status_code == 413 and r.get_json()["error"]["field"] == "message"
    r = api.post("/api/client-log", json={"kind": "shout", "message": "x"})
    assert r.status_code == 400 and r.get_json()["error"]["field"] == "kind"
    r = api.post("/api/client-log", json={"kind": "csp", "message": "x"}, auth=False)
    assert r.status_code == 401


def test_client_log_is_rate_limited(log_file: Path, api: Api) -> None:
    answers = [api.post("/api/client-log", json={"kind": "error", "message": f"report {i}"}).get_json()["logged"]
               for i in range(logs.ClientLog.PER_MINUTE + 5)]
    assert answers.count(True) == logs.ClientLog.PER_MINUTE and answers[-5:] == [False] * 5
    text = text_of(log_file)
    assert f"report {logs.ClientLog.PER_MINUTE - 1}" in text and f"report {logs.ClientLog.PER_MINUTE}" not in text


def test_open_logs_folder_in_a_browser_names_the_folder(api: Api, config: Config) -> None:
    r = api.post("/api/desktop/open-logs", json={})
    assert r.status_code == 409
    err = r.get_json()["error"]
    assert err["code"] == "desktop_only" and err["path"] == str(config.data_dir / "logs")
    assert str(config.data_dir / "logs") in err["message"]


def test_open_logs_folder_in_the_window_reveals_the_log_file(api: Api, services: Services, config: Config) -> None:
    shown: list[Path] = []

    class Window:
        def reveal(self, path: Path) -> None:
            shown.append(path)

    services.desktop.window = Window()  # type: ignore[assignment]
    r = api.post("/api/desktop/open-logs", json={})
    assert r.status_code == 200 and r.get_json()["path"] == str(config.data_dir / "logs")
    assert shown == [config.data_dir / "logs" / "reelcut.log"] and shown[0].is_file()
