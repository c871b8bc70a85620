"""`reelcut doctor`: what this machine gives Reelcut, one line per check (OK, WARN or FAIL) with
the fix for each problem. It exits non-zero when something Reelcut cannot work without is broken
(ffmpeg, a writable data dir, a loopback port); a missing window engine or fal.ai key is a
warning, since `reelcut serve` and the offline models work without them."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

OK, WARN, FAIL = "OK", "WARN", "FAIL"
LOW_SPACE = 2 * 1024**3  # below this, a few 1080p exports fill the disk
TOO_LITTLE_SPACE = 200 * 1024**2  # below this, a generated clip does not fit
PYAV_DECODERS = ("h264", "vp9", "aac", "opus")


@dataclass
class Check:
    name: str
    status: str
    detail: str
    fix: str = ""
    needed: bool = False  # a FAIL here makes the doctor exit non-zero

    def line(self) -> str:
        if self.fix and self.status != OK:
            return f"{self.status:<4}  {self.name}: {self.detail.rstrip('.')}. Fix: {self.fix}"
        return f"{self.status:<4}  {self.name}: {self.detail}"


def check_ffmpeg() -> Check:
    from .errors import AppError
    from .media.ffmpeg import ffmpeg_exe

    fix = "reinstall Reelcut (it brings imageio-ffmpeg's ffmpeg), or set REELCUT_FFMPEG to an ffmpeg binary."
    ffmpeg_exe.cache_clear()  # the doctor asks now, not what an earlier call found
    try:
        exe = ffmpeg_exe()
    except AppError as exc:
        return Check("ffmpeg", FAIL, exc.message, fix, needed=True)
    try:
        out = subprocess.run([exe, "-hide_banner", "-version"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check("ffmpeg", FAIL, f"{exe} does not run ({exc}).", fix, needed=True)
    first = (out.stdout.splitlines() or [""])[0]
    if out.returncode != 0 or not first.startswith("ffmpeg version"):
        return Check("ffmpeg", FAIL, f"{exe} is not a working ffmpeg (exit {out.returncode}).", fix, needed=True)
    version = first.split()[2] if len(first.split()) > 2 else "?"
    return Check("ffmpeg", OK, f"{exe} (version {version})", needed=True)


def check_pyav() -> Check:
    try:
        import av
    except ImportError as exc:
        return Check("PyAV", FAIL, f"not importable ({exc}).", "pip install 'av>=12' (a dependency of Reelcut).",
                     needed=True)
    missing = []
    for name in PYAV_DECODERS:
        try:
            av.codec.Codec(name, "r")
        except Exception:  # noqa: BLE001 - UnknownCodecError and its kin
            missing.append(name)
    have = ", ".join(n for n in PYAV_DECODERS if n not in missing)
    if missing:
        return Check("PyAV", WARN, f"version {av.__version__}; decoders {have or 'none'}; missing {', '.join(missing)}",
                     "install PyAV's wheel from PyPI (it bundles FFmpeg with these decoders): "
                     "pip install --force-reinstall av.")
    return Check("PyAV", OK, f"version {av.__version__}; decoders {have}")


def _qt_engine() -> str | None:
    """Qt WebEngine's line, or None when pywebview's Qt backend cannot be imported."""
    try:
        import webview  # noqa: F401
        from PyQt6 import QtCore, QtWebEngineCore  # noqa: F401 - WebEngine's import is the check
    except Exception:  # noqa: BLE001 - any import failure means "not available"
        return None
    # PyPI's Qt WebEngine is built without proprietary codecs: the page's canPlayType report at
    # start-up says H.264 is not playable there, and the library makes VP9/Opus proxies for it
    return f"Qt WebEngine (PyQt6 {QtCore.PYQT_VERSION_STR}): VP9/Opus play; H.264: proxies needed"


def _gtk_engine() -> str | None:
    try:
        import gi

        gi.require_version("WebKit2", "4.1")
        from gi.repository import WebKit2  # noqa: F401
    except Exception:  # noqa: BLE001
        return None
    try:
        gi.require_version("Gst", "1.0")
        from gi.repository import Gst

        Gst.init(None)
        h264 = Gst.ElementFactory.find("avdec_h264") is not None
    except Exception:  # noqa: BLE001
        h264 = False
    plays = "H.264 plays" if h264 else "H.264: proxies needed (install gstreamer1.0-libav to play it)"
    return f"WebKitGTK 4.1: {plays}"


def check_engines() -> Check:
    found = [e for e in (_qt_engine(), _gtk_engine()) if e]
    if not found:
        return Check("window engines", WARN, "none: `reelcut` cannot open its window (reelcut serve works)",
                     "pip install 'reelcut[desktop]' (Qt WebEngine), or install python3-gi and gir1.2-webkit2-4.1.")
    return Check("window engines", OK, "; ".join(found))


def check_keyring() -> Check:
    from . import keystore

    kr = keystore._keyring()
    if kr is None:
        return Check("keyring", OK, "no usable OS keyring: the fal.ai key is kept in a file only you can read (0600)")
    backend = kr.get_keyring()
    return Check("keyring", OK, f"{type(backend).__module__}.{type(backend).__name__}")


def check_data_dir(data_dir: Path) -> list[Check]:
    fix = f"make {data_dir} writable by you, or choose another with --data-dir or REELCUT_DATA_DIR."
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=data_dir, prefix=".doctor-", delete=True) as f:
            f.write(b"ok")
            f.flush()
    except OSError as exc:
        return [Check("data dir", FAIL, f"{data_dir} is not writable ({exc.strerror or exc}).", fix, needed=True)]
    checks = [Check("data dir", OK, f"{data_dir} is writable", needed=True)]
    free = shutil.disk_usage(data_dir).free
    text = f"{free / 1024**3:.1f} GB free at {data_dir}"
    space_fix = "free some space on that disk, or move the data dir (--data-dir, REELCUT_DATA_DIR) to a larger one."
    if free < TOO_LITTLE_SPACE:
        checks.append(Check("free space", FAIL, text, space_fix, needed=True))
    elif free < LOW_SPACE:
        checks.append(Check("free space", WARN, text, space_fix))
    else:
        checks.append(Check("free space", OK, text))
    return checks


def check_fal_key(data_dir: Path, online: bool) -> Check:
    from . import keystore

    source = keystore.key_source(data_dir) if data_dir.is_dir() else ("env" if os.environ.get("FAL_KEY") else None)
    if not source:
        return Check("fal.ai key", WARN, "not set: only the offline models can generate",
                     "add your key in Settings (fal.ai key), or set FAL_KEY.")
    if not online:
        return Check("fal.ai key", OK, f"set ({source}); not tested (add --online to ask fal.ai)")
    from .errors import AppError
    from .generation.fal import FalProvider

    key = keystore.get_key(data_dir) or ""
    try:
        accepted = FalProvider(lambda: key).test_key(key)
    except AppError as exc:
        return Check("fal.ai key", FAIL, f"set ({source}), but fal.ai could not be asked: {exc.message}",
                     "check the network connection and try again.", needed=True)
    if not accepted:
        return Check("fal.ai key", FAIL, f"set ({source}), and fal.ai refused it",
                     "make a new key at fal.ai/dashboard/keys and save it in Settings.", needed=True)
    return Check("fal.ai key", OK, f"set ({source}) and accepted by fal.ai")


def check_port_and_host() -> Check:
    """Bind loopback as the server does (port 0), then ask the server's own Host check: its
    address is accepted, and a rebinding name (evil.example) and `localhost` are refused."""
    from flask import Flask

    from .server import security

    fix = "another program or a firewall blocks loopback ports: check `ss -ltnp`, or pass --port N to reelcut serve."
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            s.listen(1)
            port = s.getsockname()[1]
    except OSError as exc:
        return Check("port and Host", FAIL, f"cannot listen on 127.0.0.1 ({exc.strerror or exc})", fix, needed=True)
    app = Flask("reelcut-doctor")
    app.config.update(REELCUT_HOST="127.0.0.1", REELCUT_PORT=port)
    security.install(app, token="doctor", dev_origins=[])

    @app.get("/api/health")
    def _health() -> str:
        return "ok"

    client = app.test_client()
    own = client.get("/api/health", headers={"Host": f"127.0.0.1:{port}", "Authorization": "Bearer doctor"})
    foreign = [client.get("/api/health", headers={"Host": f"{name}:{port}", "Authorization": "Bearer doctor"})
               for name in ("evil.example", "localhost")]
    if own.status_code != 200 or any(r.status_code != 403 for r in foreign):
        return Check("port and Host", FAIL, f"the Host check answered {own.status_code} to its own address and "
                     f"{[r.status_code for r in foreign]} to foreign ones", "reinstall Reelcut.", needed=True)
    return Check("port and Host", OK, f"127.0.0.1:{port} can be bound; only Host 127.0.0.1:{port} is accepted "
                 "(other names are refused: DNS rebinding)", needed=True)


def run_checks(data_dir: Path, online: bool = False) -> list[Check]:
    steps: list[Callable[[], Check | list[Check]]] = [
        check_ffmpeg, check_pyav, check_engines, check_keyring, lambda: check_data_dir(data_dir),
        lambda: check_fal_key(data_dir, online), check_port_and_host]
    checks: list[Check] = []
    for step in steps:
        result = step()
        checks.extend(result if isinstance(result, list) else [result])
    return checks


def broken(checks: list[Check]) -> bool:
    return any(c.status == FAIL and c.needed for c in checks)


def report(data_dir: Path, online: bool = False, as_json: bool = False) -> tuple[str, int]:
    """The text to print and the exit code."""
    checks = run_checks(data_dir, online)
    code = 1 if broken(checks) else 0
    if as_json:
        return json.dumps({"ok": code == 0, "checks": [asdict(c) for c in checks]}, indent=2), code
    lines = [c.line() for c in checks]
    from .logs import LOG_NAME, log_dir

    lines.append(f"Logs: {log_dir(data_dir) / LOG_NAME}")
    return "\n".join(lines), code
