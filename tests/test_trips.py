"""Issue 32 on the server side: the fal.ai key's shape is checked before it is stored, "Test key"
asks the (fake) fal.ai once with an unpaid status GET, Reveal says why it failed (and where the
file is) and reaps its child, and the Save dialog starts in the last export folder."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from reelcut import shell
from reelcut.desktop_actions import default_save_dir
from reelcut.errors import AppError

from .conftest import Api
from .fake_fal import KEY, FakeFal


def test_a_key_of_the_wrong_shape_is_refused_and_nothing_is_stored(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAL_KEY", raising=False)
    resp = api.request("PUT", "/api/settings", json={"fal_key": "not-a-real-key"})
    assert resp.status_code == 400
    error = resp.get_json()["error"]
    assert error["field"] == "fal_key" and "key_id:key_secret" in error["message"]
    assert api.request("GET", "/api/settings").get_json()["fal_key_set"] is False
    ok = api.request("PUT", "/api/settings", json={"fal_key": "abc-123:def456"})
    assert ok.status_code == 200 and ok.get_json()["fal_key_set"] is True


def test_test_key_asks_fal_once_and_says_accepted_or_refused(api: Api, fake_fal: FakeFal) -> None:
    good = api.request("POST", "/api/settings/test-key", json={"fal_key": KEY})
    assert good.status_code == 200 and good.get_json()["accepted"] is True
    bad = api.request("POST", "/api/settings/test-key", json={"fal_key": "wrong-id:wrong-secret"})
    assert bad.status_code == 200 and bad.get_json()["accepted"] is False
    # one status GET each; nothing was submitted (no paid call)
    assert fake_fal.count("status") == 2 and fake_fal.count("submit") == 0
    shape = api.request("POST", "/api/settings/test-key", json={"fal_key": "nocolon"})
    assert shape.status_code == 400 and shape.get_json()["error"]["field"] == "fal_key"


def _defunct_children() -> list[str]:
    out = subprocess.run(["ps", "-o", "pid=,stat=,comm=", "--ppid", str(os.getpid())], capture_output=True, text=True)
    return [line for line in out.stdout.splitlines() if " Z" in line or "defunct" in line]


def test_reveal_without_xdg_open_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shell.sys, "platform", "linux")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(AppError) as caught:
        shell.reveal(tmp_path / "clip.mp4")
    assert caught.value.code == "no_file_manager"
    assert caught.value.extra["path"] == str(tmp_path / "clip.mp4")
    assert str(tmp_path / "clip.mp4") in caught.value.message


def test_reveal_whose_launcher_fails_is_reported_and_reaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "xdg-open"
    fake.write_text("#!/bin/sh\necho 'xdg-open: no method available for opening' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(shell.sys, "platform", "linux")
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    with pytest.raises(AppError) as caught:
        shell.reveal(tmp_path / "clip.mp4")
    assert caught.value.code == "no_file_manager"
    time.sleep(0.2)
    assert _defunct_children() == []


def test_reveal_route_answers_409_with_the_path(api: Api, services: Any, project: dict[str, Any],
                                               tmp_path: Path) -> None:
    from . import media_samples as ms

    path = ms.make_solid(tmp_path / "red.mp4", "red", seconds=1)
    with open(path, "rb") as f:
        item = api.request("POST", f"/api/projects/{project['id']}/media",
                           data={"file": (f, "red.mp4")}).get_json()["media"][0]

    class Window:
        def reveal(self, p: Path) -> None:
            err = AppError("no_file_manager", f"No file manager is available: the file is at {p}")
            err.extra["path"] = str(p)
            raise err

    services.desktop.window = Window()
    resp = api.request("POST", "/api/desktop/reveal", json={"media_id": item["id"]})
    assert resp.status_code == 409
    error = resp.get_json()["error"]
    assert error["code"] == "no_file_manager" and error["path"].endswith(".mp4")


def test_the_save_dialog_starts_in_the_last_export_folder(services: Any, tmp_path: Path) -> None:
    asked: list[str] = []
    dest_dir = tmp_path / "exports"
    dest_dir.mkdir()

    class Window:
        def pick_save(self, name: str, directory: str) -> str:
            asked.append(directory)
            return str(dest_dir / name)

    src = tmp_path / "e.mp4"
    src.write_bytes(b"x")
    services.exports.file_path = lambda _id: src
    services.desktop.window = Window()
    assert services.desktop.save_export("e1") == str(dest_dir / "e.mp4")
    assert services.desktop.save_export("e1")
    assert asked == [str(default_save_dir()), str(dest_dir)]
    assert default_save_dir() in (Path.home(), *[p for p in [default_save_dir()] if p.is_dir()])
