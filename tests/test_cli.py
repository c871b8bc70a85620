"""The reelcut command as a user runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import av
import requests

from .server_process import LINE, ServerProcess, free_port


def run_cli(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reelcut.cli", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "REELCUT_DATA_DIR": str(data_dir), **env})


def test_serve_prints_exactly_one_line(tmp_path: Path) -> None:
    port = free_port()
    s = ServerProcess(tmp_path / "data", "cli-token", port=port).start()
    try:
        m = LINE.match(s.line)
        assert m and m.group(2) == str(port) and m.group(3) == "cli-token"
        assert s.get("/api/health").json()["ok"] is True
        assert (tmp_path / "data" / "reelcut.db").is_file()
    finally:
        s.stop()
    assert s.proc.returncode == 0  # SIGTERM shuts down cleanly
    assert s.proc.stdout is None or s.proc.stdout.closed


def test_serve_rest_of_stdout_is_empty(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "reelcut.cli", "serve", "--no-browser", "--data-dir",
                             str(tmp_path / "d")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "REELCUT_TOKEN": "t1"})
    try:
        line = proc.stdout.readline()
        m = LINE.match(line.rstrip("\n"))
        assert m, line
        port = int(m.group(2))
        assert port > 0
        r = requests.get(f"http://127.0.0.1:{port}/api/health", headers={"Authorization": "Bearer t1"}, timeout=10)
        assert r.status_code == 200
        assert (tmp_path / "d" / "reelcut.db").is_file()  # --data-dir was used
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    assert out == ""


def test_random_token_when_none_is_given(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "REELCUT_TOKEN"}
    tokens = []
    for _ in range(2):
        proc = subprocess.Popen([sys.executable, "-m", "reelcut.cli", "serve", "--no-browser"],
                                stdout=subprocess.PIPE, text=True, env={**env, "REELCUT_DATA_DIR": str(tmp_path)})
        m = LINE.match(proc.stdout.readline().rstrip("\n"))
        proc.terminate()
        proc.communicate(timeout=10)
        assert m
        tokens.append(m.group(3))
    assert tokens[0] != tokens[1] and len(tokens[0]) >= 32


def test_generate_prints_the_stored_file(tmp_path: Path) -> None:
    r = run_cli("generate", "--model", "local/preview-t2v", "--prompt", "a paper boat", "--param", "duration=1",
                "--param", "resolution=360p", "--project", "Scripts", data_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    path = Path(r.stdout.strip())
    assert path.is_file() and path.is_relative_to(tmp_path)
    with av.open(str(path)) as c:
        assert c.streams.video[0].codec_context.name == "h264"


def test_generate_with_an_image(tmp_path: Path, samples: dict) -> None:
    r = run_cli("generate", "--model", "local/preview-i2v", "--prompt", "slow zoom", "--image", str(samples["image"]),
                "--param", "duration=1", "--param", "resolution=360p", data_dir=tmp_path)
    assert r.returncode == 0, r.stderr
    assert Path(r.stdout.strip()).is_file()


def test_generate_errors_are_clear(tmp_path: Path) -> None:
    bad = run_cli("generate", "--model", "local/preview-t2v", "--prompt", "x", "--param", "duration=abc",
                  data_dir=tmp_path)
    assert bad.returncode != 0 and bad.stdout == ""
    assert "Duration" in bad.stderr and "whole number" in bad.stderr and "Traceback" not in bad.stderr
    unknown = run_cli("generate", "--model", "nobody/nothing", "--prompt", "x", data_dir=tmp_path)
    assert unknown.returncode != 0 and "Unknown model 'nobody/nothing'" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    malformed = run_cli("generate", "--model", "local/preview-t2v", "--prompt", "x", "--param", "oops",
                        data_dir=tmp_path)
    assert malformed.returncode != 0 and "key=value" in malformed.stderr


def test_generate_with_fal(tmp_path: Path, fake_fal: object) -> None:
    from .fake_fal import app_env

    env = app_env(fake_fal)
    r = run_cli("generate", "--model", "fal-ai/ltx-2/text-to-video/fast", "--prompt", "a tram at night",
                "--param", "duration=8", "--param", "fps=25", data_dir=tmp_path, **env)
    assert r.returncode == 0, r.stderr
    path = Path(r.stdout.strip())
    assert path.read_bytes() == fake_fal.clip
    assert path.name.startswith("AI-Video-fal-ai_ltx-2_text-to-video_fast-")
    sent = next(iter(fake_fal.requests.values())).input
    assert sent["duration"] == 8 and sent["fps"] == 25
    bad = run_cli("generate", "--model", "fal-ai/ltx-2/text-to-video/fast", "--prompt", "x", data_dir=tmp_path,
                  **{**env, "FAL_KEY": "wrong:key"})
    assert bad.returncode == 1 and "did not accept your API key" in bad.stderr
    assert "wrong:key" not in bad.stderr and "Traceback" not in bad.stderr


def _serve_once(args: list[str], env: dict[str, str], exe: list[str] | None = None) -> tuple[str, int, str]:
    """Start `serve`, read its one line, ask /api/health, stop it; the line, the port and the rest of stdout."""
    proc = subprocess.Popen([*(exe or [sys.executable, "-m", "reelcut.cli"]), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env={**os.environ, **env})
    try:
        line = proc.stdout.readline().rstrip("\n")
        m = LINE.match(line)
        assert m, line
        port = int(m.group(2))
        r = requests.get(f"http://127.0.0.1:{port}/api/health",
                         headers={"Authorization": f"Bearer {m.group(3)}"}, timeout=10)
        assert r.status_code == 200 and r.json()["ok"] is True
    finally:
        proc.terminate()
        rest, _ = proc.communicate(timeout=10)
    return line, port, rest


def test_port_zero_picks_a_free_port(tmp_path: Path) -> None:
    line, port, rest = _serve_once(["serve", "--no-browser", "--port", "0"],
                                   {"REELCUT_DATA_DIR": str(tmp_path), "REELCUT_TOKEN": "tok"})
    assert port > 0 and line == f"Reelcut running at http://127.0.0.1:{port}/?token=tok" and rest == ""


def test_data_dir_before_the_command_is_used(tmp_path: Path) -> None:
    """Regression: `reelcut --data-dir DIR serve` silently used the default data dir instead."""
    env = {"REELCUT_DATA_DIR": str(tmp_path / "env-dir"), "REELCUT_TOKEN": "tok"}
    _serve_once(["--data-dir", str(tmp_path / "flag-dir"), "serve", "--no-browser"], env)
    assert (tmp_path / "flag-dir" / "reelcut.db").is_file()
    assert not (tmp_path / "env-dir").exists()
    r = run_cli("--data-dir", str(tmp_path / "gen-dir"), "generate", "--model", "local/preview-t2v", "--prompt", "x",
                "--param", "duration=1", "--param", "resolution=360p", data_dir=tmp_path / "env-dir")
    assert r.returncode == 0, r.stderr
    assert Path(r.stdout.strip()).is_relative_to(tmp_path / "gen-dir")


def test_the_installed_console_script(tmp_path: Path) -> None:
    script = shutil.which("reelcut", path=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    assert script, "the `reelcut` console script is not installed"
    line, port, rest = _serve_once(["serve", "--no-browser"], {"REELCUT_DATA_DIR": str(tmp_path),
                                                               "REELCUT_TOKEN": "script"}, exe=[script])
    assert line.endswith(f":{port}/?token=script") and rest == ""


def test_dev_origin_from_the_command_line(tmp_path: Path) -> None:
    """`reelcut serve --dev-origin URL` allows that origin's CORS (a front-end dev server), and no
    other."""
    dev = "http://localhost:5173"
    s = ServerProcess(tmp_path / "data", "cli-token", args=["--dev-origin", dev]).start()
    try:
        r = s.get("/api/projects", headers={"Origin": dev})
        assert r.status_code == 200 and r.headers.get("Access-Control-Allow-Origin") == dev
        assert r.headers.get("Access-Control-Allow-Credentials") == "true"
        other = s.get("/api/projects", headers={"Origin": "http://localhost:9999"})
        assert other.status_code == 200 and "Access-Control-Allow-Origin" not in other.headers
    finally:
        s.stop()


def test_the_window_without_the_desktop_extra_says_what_to_install(tmp_path: Path) -> None:
    """A plain `pip install .` has no pywebview: `reelcut` says what to install and exits 2, with
    no traceback. A module that refuses to import stands in for the missing package."""
    blocker = tmp_path / "blocker" / "webview"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'webview'\", name='webview')\n")
    path = f"{blocker.parent}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"
    out = run_cli(data_dir=tmp_path / "data", PYTHONPATH=path)
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr
    assert "pip install 'reelcut[desktop]'" in out.stderr and "reelcut serve" in out.stderr
