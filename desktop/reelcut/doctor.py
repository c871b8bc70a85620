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
from typing import Any

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
    engines: list[dict[str, Any]] | None = None  # "window engines": one entry per engine

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

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


ENGINE_NAMES = {"qt": "Qt WebEngine", "gtk": "WebKitGTK"}
# the page's canPlayType keys (web/js/app/capabilities.js) as a user reads them
CODEC_NAMES = {"h264_aac": "H.264/AAC", "vp9_opus": "VP9/Opus", "av1": "AV1"}
PROXY_KEY = "vp9_opus"  # the proxies' format: an engine that cannot play it cannot preview
GTK_INSTALL = "apt-get install python3-gi gir1.2-webkit2-4.1 gstreamer1.0-libav gstreamer1.0-plugins-good"


def _qt_installed() -> str | None:
    """None when pywebview's Qt backend can be imported, else why not."""
    try:
        import webview  # noqa: F401
        from PyQt6 import QtWebEngineCore  # noqa: F401 - WebEngine's import is the check
    except Exception as exc:  # noqa: BLE001 - any import failure means "not available"
        return str(exc)
    return None


def _gtk_installed() -> str | None:
    try:
        import gi

        # the typelibs are there: importing WebKit2 would load GTK, which opens the display in
        # the doctor itself (and a display that does not answer would hang it); the probe's child
        # loads them
        gi.require_version("Gtk", "3.0")
        gi.require_version("WebKit2", "4.1")
        import webview  # noqa: F401
    except Exception as exc:  # noqa: BLE001
        return str(exc)
    return None


INSTALLED: dict[str, Callable[[], str | None]] = {"qt": _qt_installed, "gtk": _gtk_installed}


def _probe_fix(name: str, problem: str) -> str:
    if problem == "no_display":
        return ("run reelcut doctor in your desktop session, or on a virtual display: xvfb-run reelcut doctor "
                "(the GTK window needs a display; Qt's probe runs offscreen).")
    see = f"reelcut --self-test --gui {name} -v shows where the window stops"
    if name == "qt":
        return (f"{see}; check that DISPLAY names a working X server (or try QT_QPA_PLATFORM=offscreen), and "
                "reinstall the engine: pip install --force-reinstall 'reelcut[desktop]'.")
    return f"{see}; check that DISPLAY names a working X server, and reinstall WebKitGTK: {GTK_INSTALL}."


def _engine_entry(name: str, probed: dict[str, Any] | None, missing: str | None) -> dict[str, Any]:
    """One engine's part of the report: what it plays, from its own capability report."""
    from .render.proxies import PLAYS  # as the server reads the same report
    entry: dict[str, Any] = {"engine": name, "name": ENGINE_NAMES[name], "installed": missing is None}
    if missing is not None:
        return {**entry, "status": "missing", "error": missing}
    if probed is None:
        return {**entry, "status": OK, "probed": False, "detail": f"{ENGINE_NAMES[name]}: installed"}
    entry.update(probed=True, seconds=probed.get("seconds"), version=probed.get("version") or ENGINE_NAMES[name])
    if not probed.get("ok"):
        problem = probed.get("problem", "failed")
        what = {"no_display": "cannot start", "timeout": "the probe timed out", "crashed": "the probe crashed",
                "failed": "the probe failed"}[problem]
        return {**entry, "status": WARN, "problem": problem, "error": probed.get("error", ""),
                "detail": f"{entry['version']}: {what}: {probed.get('error', '')}", "fix": _probe_fix(name, problem)}
    codecs = {str(k): str(v) for k, v in (probed.get("codecs") or {}).items()}
    plays = [CODEC_NAMES.get(k, k) for k, v in codecs.items() if v in PLAYS]
    not_played = [CODEC_NAMES.get(k, k) for k, v in codecs.items() if v not in PLAYS]
    entry.update(codecs=codecs, media_source=probed.get("media_source"), user_agent=probed.get("user_agent"),
                 plays=plays, does_not_play=not_played, proxies_needed=bool(not_played))
    text = f"{entry['version']}: plays {', '.join(plays) or 'none of the probed formats'}"
    if not_played:
        text += f"; proxies needed for {', '.join(not_played)}"
        if name == "gtk" and codecs.get("h264_aac") not in PLAYS:
            text += " (gstreamer1.0-libav plays H.264 without them)"
    else:
        text += "; no proxies needed"
    text += f" (probed in {probed.get('seconds', 0):.1f} s)"
    entry["detail"] = text
    if codecs.get(PROXY_KEY) not in PLAYS:
        reinstall = "pip install --force-reinstall PyQt6-WebEngine" if name == "qt" else GTK_INSTALL
        entry.update(status=WARN, problem="no_proxy_format",
                     fix=f"reinstall the engine ({reinstall}): it cannot play VP9/Opus, the preview proxies' format.")
    else:
        entry["status"] = OK
    return entry


def check_engines(probe: bool = True, timeout: float = 30.0) -> Check:
    """Which window engines are installed (an import each), then, for those, what each really
    plays: its own page's capability report, asked in a short-lived child (engines/probe.py),
    all engines at once so the doctor waits for the slowest only."""
    from concurrent.futures import ThreadPoolExecutor

    from .engines.probe import probe as probe_engine

    missing = {name: installed() for name, installed in INSTALLED.items()}
    present = [name for name, why in missing.items() if why is None]
    if not present:
        entries = [_engine_entry(name, None, missing[name]) for name in INSTALLED]
        return Check("window engines", WARN, "none: `reelcut` cannot open its window (reelcut serve works)",
                     f"pip install 'reelcut[desktop]' (Qt WebEngine), or {GTK_INSTALL}, then pip install "
                     "'reelcut[gtk]'.", engines=entries)
    probed: dict[str, dict[str, Any] | None] = dict.fromkeys(present)
    if probe:
        with ThreadPoolExecutor(len(present)) as pool:
            for name, answer in zip(present, pool.map(lambda n: probe_engine(n, timeout), present), strict=True):
                probed[name] = answer
    entries = [_engine_entry(name, probed.get(name), missing[name]) for name in INSTALLED]
    shown = [e for e in entries if e["installed"]]
    bad = [e for e in shown if e["status"] != OK]
    detail = "; ".join(e["detail"] for e in shown)
    if not probe:
        detail += " (--no-probe: not asked what they play)"
    fix = " ".join(f"{e['name']}: {e['fix']}" for e in bad)
    return Check("window engines", WARN if bad else OK, detail, fix, engines=entries)


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


def run_checks(data_dir: Path, online: bool = False, probe: bool = True, probe_timeout: float = 30.0) -> list[Check]:
    steps: list[Callable[[], Check | list[Check]]] = [
        check_ffmpeg, check_pyav, lambda: check_engines(probe, probe_timeout), check_keyring,
        lambda: check_data_dir(data_dir), lambda: check_fal_key(data_dir, online), check_port_and_host]
    checks: list[Check] = []
    for step in steps:
        result = step()
        checks.extend(result if isinstance(result, list) else [result])
    return checks


def broken(checks: list[Check]) -> bool:
    return any(c.status == FAIL and c.needed for c in checks)


def report(data_dir: Path, online: bool = False, as_json: bool = False, probe: bool = True,
           probe_timeout: float = 30.0) -> tuple[str, int]:
    """The text to print and the exit code."""
    checks = run_checks(data_dir, online, probe, probe_timeout)
    code = 1 if broken(checks) else 0
    if as_json:
        return json.dumps({"ok": code == 0, "checks": [c.as_dict() for c in checks]}, indent=2), code
    lines = [c.line() for c in checks]
    from .logs import LOG_NAME, log_dir

    lines.append(f"Logs: {log_dir(data_dir) / LOG_NAME}")
    return "\n".join(lines), code
