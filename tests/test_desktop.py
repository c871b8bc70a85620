"""The desktop app: the real pywebview window (PyPI's Qt WebEngine, offscreen) in a subprocess,
judged by its self-test report; and the shell's pieces that need no window."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reelcut import navigation
from reelcut.engines.base import Engine
from reelcut.server.security import build_csp
from reelcut.shell import DesktopShell, load_window_state, save_window_state

from .conftest import Api


def run_self_test(env: dict[str, str] | None = None, cmd: list[str] | None = None,
                  inherit: bool = True) -> dict[str, Any]:
    """Run a self-test offscreen; with inherit=False the child sees only `env` (a frozen app on a
    bare machine)."""
    env = {**(os.environ if inherit else {}), "QT_QPA_PLATFORM": "offscreen",
           "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox", **(env or {})}
    out = subprocess.run(cmd or [sys.executable, "-m", "reelcut.cli", "--self-test"], capture_output=True, text=True,
                         timeout=300, env=env, cwd=env.get("HOME"))
    start = out.stdout.find("{")
    assert start >= 0, f"no report; exit {out.returncode}; stderr: {out.stderr[-3000:]}"
    report = json.loads(out.stdout[start:])
    report["exit_code"] = out.returncode
    return report


# what decides the self-test's verdict, named first in a failure (pytest cuts a long report short)
VERDICT = ("error", "page_errors", "csp_violations", "playback_samples", "playback_advancing", "picture_change",
           "current_time", "dropped_file_imported")


def assert_played(report: dict[str, Any]) -> None:
    assert report["exit_code"] == 0, ({k: report.get(k) for k in VERDICT}, report)
    assert report["ok"] is True
    assert "QtWebEngine" in report["engine"]
    assert report["codecs"]["h264_aac"] == ""            # PyPI's Qt WebEngine cannot decode H.264...
    assert report["media"]["video_codec"] == "h264"
    assert report["played_source"] == "proxy"            # ...so the VP9 proxy is what played
    assert report["window_title"] == "Self-test — Reelcut"  # the open project's name
    assert report["current_time"] >= 1.0
    assert report["csp_violations"] == []
    assert report["page_errors"] == []                   # console errors and uncaught exceptions
    first, second = report["playback_samples"]           # sampled from the window after the page's report
    assert report["playback_advancing"] is True and second > first >= 1.0, report["playback_samples"]
    assert report["picture_change"] > 0, "the clip played but the preview's picture stood still"
    assert report["dropped_file_imported"] is True       # a real Qt drop event, imported by its path
    assert 0 < report["timings"]["window_loaded_s"] < report["timings"]["first_frame_s"]


@pytest.mark.slow
def test_self_test_plays_an_offline_clip_in_the_qt_window() -> None:
    report = run_self_test()
    assert_played(report)
    assert report["media"]["model"] == "local/preview-t2v"


@pytest.fixture(scope="module")
def fal_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the fake fal.ai answers here: as long as the self-test's offline clip (the session's
    2 s clip had ended before the window's playback was sampled, on a busy machine)."""
    from reelcut.selftest import CLIP_SECONDS

    from .media_samples import make_video

    return make_video(tmp_path_factory.mktemp("fal-desktop") / "result.mp4", seconds=CLIP_SECONDS, size="320x240")


@pytest.mark.slow
def test_a_fal_clip_plays_in_the_qt_window(fake_fal: Any) -> None:
    from .fake_fal import app_env

    report = run_self_test({**app_env(fake_fal), "REELCUT_SELFTEST_MODEL": "fal-ai/ltx-2/text-to-video/fast"})
    assert_played(report)
    assert fake_fal.count("submit") == 1 and fake_fal.count("cdn") == 1


def test_the_desktop_server_sends_the_strict_policy(config: Any, services: Any) -> None:
    # pywebview's JS bridge would need 'unsafe-eval' and its text_select style 'unsafe-inline'; the
    # shell uses neither (HTTP routes instead of a JS services, text_select=True), so the window is
    # served the one strict policy, with its shell attached as `reelcut` (cli.cmd_desktop) does.
    from reelcut.server.app import create_app

    services.desktop.window = DesktopShell(object())
    client = Api(create_app(config, services))
    assert client.get("/api/health").json["desktop"] is True
    for path in ("/", "/api/health", "/js/main.js"):
        csp = client.get(path).headers["Content-Security-Policy"]
        assert csp == build_csp(), path
        assert "unsafe-eval" not in csp and "unsafe-inline" not in csp and "script-src 'self';" in csp


@pytest.mark.parametrize("url,verdict", [
    ("http://127.0.0.1:5999/", navigation.ALLOW), ("http://127.0.0.1:5999/js/main.js", navigation.ALLOW),
    ("http://127.0.0.1:5999/s/Zx9_secret/", navigation.ALLOW),  # the session prefix is the same origin
    ("http://127.0.0.1:6000/", navigation.BLOCK), ("http://localhost:5999/", navigation.BLOCK),
    ("https://fal.ai/dashboard", navigation.EXTERNAL), ("http://example.com/", navigation.BLOCK),
    ("file:///etc/passwd", navigation.BLOCK), ("javascript:alert(1)", navigation.BLOCK),
    ("about:blank", navigation.ALLOW), ("data:text/html,hi", navigation.BLOCK),
])
def test_navigation_lock(url: str, verdict: str) -> None:
    assert navigation.decide(url, "http://127.0.0.1:5999") == verdict


class FakeWindow:
    width, height, x, y = 1200, 700, 40, 30


def test_window_size_and_position_are_remembered(tmp_path: Path) -> None:
    assert load_window_state(tmp_path) == {}
    save_window_state(tmp_path, Engine().window_geometry(FakeWindow()))
    assert load_window_state(tmp_path) == {"width": 1200, "height": 700, "x": 40, "y": 30}
    (tmp_path / "window.json").write_text("{broken")
    assert load_window_state(tmp_path) == {}


class RecordingShell(DesktopShell):
    """The shell with its native dialogs answered by the test."""

    def __init__(self, picks: list[str], save_to: str | None) -> None:
        super().__init__(window=None)
        self.picks, self.save_to = picks, save_to
        self.revealed: list[Path] = []
        self.titles: list[str] = []
        self.save_dirs: list[str] = []

    def pick_files(self) -> list[str]:
        return self.picks

    def pick_save(self, name: str, directory: str = "") -> str | None:
        self.save_dirs.append(directory)
        return self.save_to

    def reveal(self, path: Path) -> None:
        self.revealed.append(path)

    def set_title(self, title: str, project_id: str | None = None) -> None:
        self.titles.append(title)


def test_desktop_routes_refuse_in_browser_mode(api: Api, project: dict) -> None:
    assert api.get("/api/health").json["desktop"] is False
    r = api.post("/api/desktop/open", json={"project_id": project["id"]})
    assert r.status_code == 409 and r.json["error"]["code"] == "desktop_only"


def test_native_open_imports_by_path_and_reveal_and_title(api: Api, services: Any, project: dict, samples: dict,
                                                          tmp_path: Path) -> None:
    shell = RecordingShell([str(samples["video"]), str(samples["image"])], None)
    services.desktop.window = shell
    assert api.get("/api/health").json["desktop"] is True
    r = api.post("/api/desktop/open", json={"project_id": project["id"]})
    assert r.status_code == 200 and [m["kind"] for m in r.json["media"]] == ["video", "image"]
    stored, _ = services.media.file_path(r.json["media"][0]["id"])
    assert stored.read_bytes() == samples["video"].read_bytes() and stored != samples["video"]  # copied
    assert api.post("/api/desktop/reveal", json={"media_id": r.json["media"][0]["id"]}).status_code == 200
    assert shell.revealed == [stored]
    r = api.post("/api/desktop/title", json={"title": "Trip — Reelcut", "project_id": project["id"]})
    assert r.status_code == 200
    assert shell.titles == ["Trip — Reelcut"]


def test_dropped_paths_are_imported_and_refusals_told(services: Any, project: dict, samples: dict) -> None:
    q = services.bus.subscribe()
    services.desktop.import_dropped(project["id"], [str(samples["video"]), str(samples["text"])])
    assert [m["kind"] for m in services.media.list(project["id"])] == ["video"]
    notices = [d for e, d in iter(lambda: q.get_nowait() if not q.empty() else (None, None), (None, None))
               if e == "notice"]
    assert len(notices) == 1 and "notes.txt" in notices[0]["message"] and notices[0]["kind"] == "error"
    services.desktop.import_dropped(None, [str(samples["video"])])
    assert len(services.media.list(project["id"])) == 1


def one_clip(services: Any, project: dict, samples: dict) -> None:
    """The project's timeline: one second of the sample video, on a 320 x 240 canvas."""
    item = services.media.import_path(project["id"], samples["video"])
    tl = services.projects.timeline(project["id"])
    tl["tracks"][0]["clips"] = [{"id": "c", "media_id": item["id"], "start": 0, "in": 0, "out": 1}]
    tl.update({"width": 320, "height": 240})
    services.projects.save_timeline(project["id"], tl)


def test_save_dialog_copies_the_export(api: Api, services: Any, project: dict, samples: dict, tmp_path: Path) -> None:
    one_clip(services, project, samples)
    job = services.exports.wait(services.exports.start(project["id"])["id"], timeout=60)
    dest = tmp_path / "my film.mp4"
    services.desktop.window = RecordingShell([], str(dest))
    r = api.post("/api/desktop/save-export", json={"export_id": job["id"]})
    assert r.status_code == 200 and r.json["path"] == str(dest)
    assert dest.read_bytes() == services.exports.file_path(job["id"]).read_bytes()
    services.desktop.window = RecordingShell([], None)  # the user cancelled the dialog
    assert api.post("/api/desktop/save-export", json={"export_id": job["id"]}).json["path"] is None


def test_save_dialog_writes_the_timeline_file_whole(api: Api, services: Any, project: dict, samples: dict,
                                                    tmp_path: Path) -> None:
    one_clip(services, project, samples)
    dest = tmp_path / "cut.otio"
    services.desktop.window = RecordingShell([], str(dest))
    r = api.post("/api/desktop/save-timeline", json={"project_id": project["id"], "format": "otio"})
    assert r.status_code == 200 and r.json == {"path": str(dest), "warnings": []}, r.json
    assert json.loads(dest.read_text())["OTIO_SCHEMA"].startswith("Timeline")
    # a format that cannot carry everything says so beside the path
    edl = tmp_path / "cut.edl"
    services.desktop.window = RecordingShell([], str(edl))
    r = api.post("/api/desktop/save-timeline", json={"project_id": project["id"], "format": "edl"})
    assert r.status_code == 200 and r.json["path"] == str(edl) and "TITLE:" in edl.read_text()
    # cancelled: nothing written; a place that cannot be written: a sentence, nothing half-written
    services.desktop.window = RecordingShell([], None)
    r = api.post("/api/desktop/save-timeline", json={"project_id": project["id"], "format": "otio"})
    assert r.status_code == 200 and r.json["path"] is None
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    services.desktop.window = RecordingShell([], str(blocked / "cut.otio"))
    r = api.post("/api/desktop/save-timeline", json={"project_id": project["id"], "format": "otio"})
    assert r.status_code == 500 and "while saving the timeline file" in r.json["error"]["message"], r.json
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".part")) == []
    r = api.post("/api/desktop/save-timeline", json={"project_id": project["id"], "format": "doc"})
    assert r.status_code == 422 and r.json["error"]["code"] == "unknown_format"
