"""One Reelcut per data dir (issue 18): a second `reelcut FILE` on the data dir of a running
window hands it the file and exits 0 within seconds, without a second window or opening the
database; the running window comes forward and imports the file into the project it shows. A
stale discovery file (a dead process, or one that does not answer) is no running Reelcut.

The window is the real one: `python -m reelcut.cli` under Xvfb with Qt (test_preview_qt's Window:
its page driven over the DevTools protocol, its server spoken to with the Bearer token)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from reelcut import instance
from reelcut.config import Config
from reelcut.services import Services

from .conftest import TOKEN, Api
from .test_desktop import RecordingShell
from .test_preview_qt import DESKTOP_ROOT, Window, display  # noqa: F401 - display: a fixture (Xvfb)

SECOND_LAUNCH_S = 15  # a second launch asks over loopback and exits: seconds, not a window's start-up


def holders(db: Path) -> set[int]:
    """The processes that have the database file open (from /proc)."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) == str(db) for fd in (entry / "fd").iterdir()):
                pids.add(int(entry.name))
        except OSError:
            continue
    return pids


def with_project(data_dir: Path, name: str) -> str:
    s = Services(Config(data_dir=data_dir, token=TOKEN))
    try:
        return s.projects.create(name)["id"]
    finally:
        s.close()


@pytest.fixture(scope="module")
def running(display: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Window, Path, str]]:  # noqa: F811
    data_dir = tmp_path_factory.mktemp("one-instance")
    pid = with_project(data_dir, "Trip")
    w = Window(data_dir, display)
    try:
        w.cdp.wait_for("document.title.startsWith('Trip ')", "the window to open the project")
        yield w, data_dir, pid
    finally:
        w.cdp.close()
        w.close()


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_second_launch_forwards_its_file_to_the_running_window(running: tuple[Window, Path, str],
                                                                  samples: dict[str, Path], display: str,  # noqa: F811
                                                                  tmp_path: Path) -> None:
    window, data_dir, pid = running
    db = Config(data_dir=data_dir).db_path
    assert holders(db) and all(_in_group(p, window.proc.pid) for p in holders(db))
    clip = tmp_path / "holiday.mp4"
    clip.write_bytes(samples["video"].read_bytes())
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox",
           "PYTHONPATH": os.pathsep.join(p for p in (str(DESKTOP_ROOT), os.environ.get("PYTHONPATH")) if p)}
    env.pop("REELCUT_TOKEN", None)  # the second launch knows only what server.json says
    began = time.monotonic()
    second = subprocess.Popen([sys.executable, "-m", "reelcut.cli", "--data-dir", str(data_dir), "holiday.mp4"],
                              cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: set[int] = set()
    while second.poll() is None and time.monotonic() - began < SECOND_LAUNCH_S:
        seen |= holders(db)  # sampled while it runs: it never opens the database
        time.sleep(0.02)
    try:
        out, err = second.communicate(timeout=max(1.0, SECOND_LAUNCH_S - (time.monotonic() - began)))
    except subprocess.TimeoutExpired:
        second.kill()
        raise AssertionError(f"the second launch did not exit within {SECOND_LAUNCH_S} s") from None
    took = time.monotonic() - began
    assert second.returncode == 0, err
    assert took < SECOND_LAUNCH_S
    assert second.pid not in seen and all(_in_group(p, window.proc.pid) for p in seen)
    assert "imported holiday." in out
    # the running window's project has the file, copied in
    media = window.server.get(f"/api/projects/{pid}/media").json()["media"]
    assert [(m["name"], m["kind"]) for m in media] == [("holiday", "video")]
    window.cdp.wait_for("document.querySelector('[data-mount=media]').textContent.includes('holiday')",
                        "the page to show the new media")
    # the window was asked forward (its log says so), and is still the only one
    log = (data_dir / "logs" / "reelcut.log").read_text("utf-8")
    assert "a second launch asked the window forward, with 1 file(s)" in log
    assert window.proc.poll() is None
    assert window.cdp.wait_for("document.visibilityState === 'visible' && document.hasFocus()",
                               "the window to have the focus")
    assert "Traceback" not in "".join(window.stderr), "".join(window.stderr)[-3000:]
    assert json.loads((data_dir / "server.json").read_text())["pid"] == window.proc.pid


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_the_first_launch_imports_its_files_into_the_project_it_opens(display: str,  # noqa: F811
                                                                       samples: dict[str, Path],
                                                                       tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    pid = with_project(data_dir, "Beach")
    w = Window(data_dir, display, (str(samples["image"]),))
    try:
        deadline = time.monotonic() + 60
        while not (media := w.server.get(f"/api/projects/{pid}/media").json()["media"]):
            assert time.monotonic() < deadline, "the launch's file was not imported within 60 s"
            time.sleep(0.2)
        assert [(m["name"], m["kind"]) for m in media] == [("still", "image")]
    finally:
        w.cdp.close()
        w.close()


def _in_group(pid: int, leader: int) -> bool:
    try:
        return os.getpgid(pid) == leader
    except ProcessLookupError:
        return True  # gone since it was seen: one of the window's short-lived helpers


def test_a_stale_discovery_file_is_ignored(tmp_path: Path) -> None:
    assert instance.running(tmp_path) is None  # none at all
    dead = subprocess.Popen(["true"])
    dead.wait(10)
    info = {"url": "http://127.0.0.1:9/", "token": "t", "pid": dead.pid}
    (tmp_path / "server.json").write_text(json.dumps(info))
    assert instance.running(tmp_path) is None  # its process is gone
    alive = subprocess.Popen(["sleep", "30"])
    try:
        # a live process that is no Reelcut (nothing answers on the port): ignored too
        (tmp_path / "server.json").write_text(json.dumps({**info, "pid": alive.pid}))
        assert instance.running(tmp_path) is None
    finally:
        alive.kill()
        alive.wait(10)
    (tmp_path / "server.json").write_text("{broken")
    assert instance.running(tmp_path) is None


class ActivatedShell(RecordingShell):
    def __init__(self, project_id: str | None) -> None:
        super().__init__([], None)
        self.project_id = project_id
        self.raised = 0

    def raise_window(self) -> None:
        self.raised += 1


def test_activate_is_bearer_only_and_checks_its_paths(api: Api, services: Any, project: dict,
                                                      samples: dict[str, Path]) -> None:
    r = api.post("/api/desktop/activate", json={"paths": []})
    assert r.status_code == 409 and r.json["error"]["code"] == "desktop_only"  # no window: a browser's server
    shell = ActivatedShell(project["id"])
    services.desktop.window = shell
    r = api.post("/api/desktop/activate", json={"paths": ["relative.mp4"]})
    assert r.status_code == 422 and r.json["error"]["field"] == "paths"
    assert api.post("/api/desktop/activate", json={"paths": "x"}).status_code == 422
    assert shell.raised == 0 and services.media.list(project["id"]) == []
    r = api.post("/api/desktop/activate", json={"paths": [str(samples["video"]), str(samples["text"])]})
    assert r.status_code == 200 and r.json["imported"] == ["clip"] and len(r.json["refused"]) == 1
    assert "notes.txt" in r.json["refused"][0]
    assert shell.raised == 1 and [m["name"] for m in services.media.list(project["id"])] == ["clip"]
    # a page's cookie may not make the server read files it names
    api.get(f"/?token={TOKEN}", auth=False)
    prefix = api.app.config["REELCUT_SESSION_PREFIX"]
    r = api.post(prefix + "/api/desktop/activate", auth=False, json={"paths": [str(samples["video"])]},
                 headers={"Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 403 and r.json["error"]["code"] == "bearer_only"
    assert shell.raised == 1


def test_the_command_line_takes_files_for_the_window(tmp_path: Path) -> None:
    from reelcut.cli import main

    # a file that is not there (or a mistyped command) is refused before anything starts
    assert main(["--data-dir", str(tmp_path), "no-such.mp4"]) == 2
    assert not (tmp_path / "server.json").exists() and not (tmp_path / "reelcut.db").exists()


def window_names(screen: str) -> str:
    """The names of the X server's windows (no DevTools in WebKitGTK: the title is read from X)."""
    return subprocess.run(["xwininfo", "-root", "-tree", "-display", screen], capture_output=True, text=True,
                          timeout=30).stdout


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_second_launch_forwards_its_file_to_the_running_gtk_window(samples: dict[str, Path], display: str,  # noqa: F811
                                                                     tmp_path: Path) -> None:
    """The same forwarding with the GTK engine running the window (engines/gtk.py's raise_window)."""
    data_dir = tmp_path / "data"
    pid = with_project(data_dir, "Lagoon")  # a name no other window on the screen has
    env = {**os.environ, "DISPLAY": display, "GDK_BACKEND": "x11", "HOME": str(tmp_path),
           "PYTHONPATH": os.pathsep.join(p for p in (str(DESKTOP_ROOT), os.environ.get("PYTHONPATH")) if p)}
    env.pop("REELCUT_TOKEN", None)
    errors = tmp_path / "first.stderr"  # a file, not a pipe: WebKit's chatter must not fill it and block
    with errors.open("w") as sink:
        first = subprocess.Popen([sys.executable, "-m", "reelcut.cli", "--gui", "gtk", "--data-dir", str(data_dir)],
                                 env=env, stdout=subprocess.DEVNULL, stderr=sink, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while not ((found := instance.running(data_dir)) and '"Lagoon ' in window_names(display)):
            assert first.poll() is None, f"the GTK window ended ({first.returncode}): {errors.read_text()[-3000:]}"
            assert time.monotonic() < deadline, "the GTK window did not open the project within 90 s"
            time.sleep(0.5)
        assert found["pid"] == first.pid
        clip = tmp_path / "holiday.mp4"
        clip.write_bytes(samples["video"].read_bytes())
        began = time.monotonic()
        second = subprocess.run([sys.executable, "-m", "reelcut.cli", "--data-dir", str(data_dir), "holiday.mp4"],
                                cwd=tmp_path, env=env, capture_output=True, text=True, timeout=SECOND_LAUNCH_S)
        assert second.returncode == 0, second.stderr
        assert time.monotonic() - began < SECOND_LAUNCH_S
        assert "imported holiday." in second.stdout
        media = requests.get(f"{found['url']}/api/projects/{pid}/media", timeout=30,
                             headers={"Authorization": f"Bearer {found['token']}"}).json()["media"]
        assert [(m["name"], m["kind"]) for m in media] == [("holiday", "video")]
        log = (data_dir / "logs" / "reelcut.log").read_text("utf-8")
        assert "a second launch asked the window forward, with 1 file(s)" in log
        # still the one window, the first process, which the forward did not disturb
        assert first.poll() is None and window_names(display).count('"Lagoon ') == 1
        assert json.loads((data_dir / "server.json").read_text())["pid"] == first.pid
        assert "Traceback" not in log + errors.read_text(), (log + errors.read_text())[-3000:]
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGTERM)
            try:
                first.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(first.pid, signal.SIGKILL)
                first.wait(10)
