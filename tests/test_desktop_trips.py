"""Issue 32 in the real desktop window (offscreen Qt, the real `run_desktop`, a probe in place of
the self-test's body, as in test_desktop_window.py):

- a double-click on a title puts the cursor in the inspector's Text field and the page keeps
  answering (a window.prompt would hold every script until someone answered it);
- Reveal with no `xdg-open` on PATH, and with one that fails, says so in a toast that names the
  file and offers Copy path, and leaves no defunct child under Reelcut;
- the Save dialog starts in the platform's Videos folder (or home), then in the folder of the
  last save: read from the arguments of the dialog call; while it is up its button waits; the
  toast after the save names the file and offers Reveal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from . import media_samples as ms

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

PROBE = r'''
import json, os, sys, threading, time, types
from pathlib import Path
from reelcut import selftest, shell

DATA_DIR, SAMPLE, WORK = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
WAIT = 30
shell.tempfile = types.SimpleNamespace(mkdtemp=lambda prefix="": str(DATA_DIR))


def zombies():
    """This process's children that have ended and were not waited for."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text.rsplit(")", 1)[1].split()
        if fields[0] == "Z" and int(fields[1]) == os.getpid():
            found.append(text.split(" ", 2)[1])
    return found


def probe(server, sh, window, started, timings, outcome):
    result = {}

    def js(expr):
        return sh.evaluate(expr, timeout=WAIT)

    def until(expr, what, seconds=WAIT):
        deadline = time.monotonic() + seconds
        last = None
        while time.monotonic() < deadline:
            try:
                last = js(expr)
            except TimeoutError:
                raise AssertionError(f"the page stopped answering while waiting for {what}")
            if last:
                return last
            time.sleep(0.1)
        raise AssertionError(f"timed out after {seconds} s waiting for {what}; last: {last!r}")

    def press(selector_js, what):
        """Press a button as a user does: a real click event on it (which focuses it too)."""
        until(f"!!({selector_js})", what)
        js(f"(() => {{ const b = {selector_js}; b.focus(); b.click(); return true; }})()")

    button = lambda name: (f"[...document.querySelectorAll('button')].find((b) => "
                           f"(b.getAttribute('aria-label') || b.textContent.trim()) === {json.dumps(name)})")
    try:
        deadline = time.monotonic() + 90
        while "window_loaded_s" not in timings:
            if time.monotonic() > deadline:
                raise AssertionError("the window did not load")
            time.sleep(0.05)
        s = server.services
        project = s.projects.create("Trips")
        item = s.media.import_path(project["id"], SAMPLE)
        js("location.reload(), true")
        until("document.title === 'Trips — Reelcut' && document.querySelectorAll('.media-item').length === 1",
              "the project open in the window")

        # 1. the title: a double-click, then the page still answers and the cursor is in Text
        press(button("+ Text"), "the + Text button")
        until("!!document.querySelector('[data-clip-id]')", "the title on the timeline")
        js("document.querySelector('[data-clip-id]').dispatchEvent(new MouseEvent('dblclick', {bubbles: true})), true")
        t0 = time.monotonic()
        result["title_focus"] = until(
            "(() => { const a = document.activeElement; return a && a.tagName === 'TEXTAREA' && "
            "a.closest('[data-mount=inspector]') && a.id && "
            "document.querySelector(`label[for=${a.id}]`).textContent; })()",
            "the inspector's Text field focused")
        result["answered_in_s"] = time.monotonic() - t0

        # 2. Reveal: no xdg-open on PATH, then one that fails; a toast each time, no defunct child
        empty = WORK / "empty-bin"
        empty.mkdir()
        saved_path = os.environ["PATH"]
        os.environ["PATH"] = str(empty)
        reveal = f"Reveal {item['name']} in the file manager"
        press(button(reveal), "the Reveal button")
        result["reveal_missing"] = until(
            "[...document.querySelectorAll('.toast.error')].map((t) => t.textContent)"
            ".find((t) => t.includes('No file manager'))",
            "the toast saying there is no file manager")
        result["copy_path_button"] = js(f"!!{button('Copy path')}")
        failing = WORK / "failing-bin"
        failing.mkdir()
        (failing / "xdg-open").write_text("#!/bin/sh\necho 'xdg-open: no method available' >&2\nexit 3\n")
        (failing / "xdg-open").chmod(0o755)
        os.environ["PATH"] = f"{failing}:/usr/bin:/bin"
        js("document.querySelectorAll('.toast').forEach((t) => t.remove()), true")
        press(button(reveal), "the Reveal button again")
        result["reveal_failed"] = until(
            "[...document.querySelectorAll('.toast.error')].map((t) => t.textContent)"
            ".find((t) => t.includes('No file manager'))",
            "the toast after xdg-open failed")
        os.environ["PATH"] = saved_path
        time.sleep(0.3)
        result["zombies"] = zombies()

        # 3. Save export: the dialog's starting folder, the wait, the toast
        asked, release, answers = [], threading.Event(), iter([WORK / "first" / "cut.mp4", WORK / "second" / "cut.mp4"])

        def create_file_dialog(dialog_type, directory="", allow_multiple=False, save_filename="", file_types=()):
            asked.append({"directory": directory, "save_filename": save_filename})
            release.wait(WAIT)
            dest = next(answers)
            dest.parent.mkdir(parents=True, exist_ok=True)
            return str(dest)
        window.create_file_dialog = create_file_dialog
        press(button("Export"), "the Export button")
        # the dialog opens once the formats are read: its button is pressed once it is there to press
        press("[...document.querySelectorAll('dialog[open] button')]"
              ".find((b) => b.textContent.trim() === 'Start export')", "the export dialog's Start export")
        save = button("Save export…")
        until(f"!!({save})", "the finished export's Save button", seconds=120)
        press(save, "Save export…")
        until("!!document.querySelector('button[aria-busy=true]')", "the Save button waiting for the dialog")
        result["busy"] = js("(() => { const b = document.querySelector('button[aria-busy=true]'); "
                            "return [b.textContent, b.disabled]; })()")
        release.set()
        result["saved_toast"] = until(
            "[...document.querySelectorAll('.toast')].map((t) => t.textContent).find((t) => t.startsWith('Saved '))",
            "the toast after the save")
        result["saved_toast_reveal"] = js(f"!!{button('Reveal cut.mp4 in the file manager')}")
        js("document.querySelectorAll('.toast').forEach((t) => t.remove()), true")
        until(f"!!({save}) && !({save}).disabled", "the Save button back")
        press(save, "Save export… again")
        until("[...document.querySelectorAll('.toast')].some((t) => t.textContent.startsWith('Saved '))",
              "the toast after the second save")
        result["asked"] = asked
        from reelcut.desktop_actions import default_save_dir
        result["default_dir"] = str(default_save_dir())
        result["home"] = str(Path.home())
    except Exception as exc:
        import traceback
        result["error"] = traceback.format_exc()
    finally:
        print("PROBE " + json.dumps(result), flush=True)
        window.destroy()


selftest.run_self_test = probe
from reelcut.config import Config
from reelcut.engines.qt import ENGINE
shell.run_desktop(Config(), ENGINE, self_test=True)
'''


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("trips")
    home = root / "home"
    (home / "Videos").mkdir(parents=True)
    sample = ms.make_solid(root / "red.mp4", "red", seconds=1)
    (root / "work").mkdir()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox",
           "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    env.pop("XDG_VIDEOS_DIR", None)
    try:
        out = subprocess.run([sys.executable, "-c", PROBE, str(root / "data"), str(sample), str(root / "work")],
                             capture_output=True, text=True, timeout=240, env=env)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"the window did not finish within 240 s: {exc.stdout!r:.2000} "
                             f"{exc.stderr!r:.3000}") from None
    lines = [line[6:] for line in out.stdout.splitlines() if line.startswith("PROBE ")]
    assert lines, f"exit {out.returncode}; stderr: {out.stderr[-3000:]}"
    result = json.loads(lines[0])
    assert "error" not in result, f"{result['error']}\nstderr: {out.stderr[-2000:]}"
    result["root"] = str(root)
    return result


def test_a_double_click_on_a_title_edits_it_in_the_inspector_without_blocking(report: dict[str, Any]) -> None:
    assert report["title_focus"] == "Text"
    assert report["answered_in_s"] < 10


def test_reveal_without_a_file_manager_says_where_the_file_is(report: dict[str, Any]) -> None:
    for toast in (report["reveal_missing"], report["reveal_failed"]):
        assert toast.startswith("No file manager is available: the file is at "), toast
        assert ".mp4" in toast and "Copy path" in toast
    assert report["copy_path_button"] is True
    assert report["zombies"] == []


def test_the_save_dialog_starts_in_videos_then_in_the_last_folder(report: dict[str, Any]) -> None:
    root = Path(report["root"])
    [first, second] = report["asked"]
    assert first["directory"] == report["default_dir"]
    assert Path(first["directory"]) in (root / "home" / "Videos", root / "home")
    assert second["directory"] == str(root / "work" / "first")
    assert first["save_filename"].endswith(".mp4")
    assert report["busy"] == ["Waiting…", True]
    assert report["saved_toast"].startswith(f"Saved cut.mp4 in {root / 'work' / 'first'}.")
    assert report["saved_toast_reveal"] is True
