"""The `reelcut` command: the desktop app (default), `serve` for a browser, `generate`,
`export`, `timeline export|import` and `captions import|export` for scripts, `doctor` for what this
machine gives Reelcut."""

from __future__ import annotations

import argparse
import signal
import sys
import webbrowser
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from . import logs
from .config import Config, default_data_dir, default_token
from .errors import AppError, from_os_error
from .library.files import write_atomic

if TYPE_CHECKING:
    from .services import Services


def _config(args: argparse.Namespace) -> Config:
    data_dir = Path(args.data_dir).expanduser() if getattr(args, "data_dir", None) else default_data_dir()
    return Config(data_dir=data_dir, token=default_token(), port=getattr(args, "port", 0) or 0,
                  dev_origins=list(getattr(args, "dev_origin", None) or []), dev=bool(getattr(args, "dev", False)))


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir).expanduser() if getattr(args, "data_dir", None) else default_data_dir()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextmanager
def _services(args: argparse.Namespace) -> Iterator[Services]:
    """The app's services on the command's data dir, closed when the command ends."""
    from .services import Services

    s = Services(_config(args))
    try:
        yield s
    finally:
        s.close()


def _write_out(path: Path, content: bytes, doing: str) -> None:
    """A command's output file, whole or not at all, and a sentence (not a traceback) when it
    cannot be written."""
    try:
        write_atomic(path, content)
    except OSError as exc:
        raise from_os_error(exc, f"{doing} {path}") from exc


def cmd_serve(args: argparse.Namespace) -> int:
    from .server.runner import LocalServer

    config = _config(args)
    server = LocalServer(config)
    watcher = None
    if config.dev:
        from .config import web_dir
        from .server.dev_reload import WebWatcher

        watcher = WebWatcher(web_dir(), server.services.bus)
        watcher.start()
    # A service manager's SIGTERM shuts down like Ctrl+C: streams end cleanly, the db closes.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.advertise()
        print(f"Reelcut running at {server.login_url}", flush=True)
        if not args.no_browser:
            webbrowser.open(server.login_url)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if watcher is not None:
            watcher.stop()
        server.shutdown()
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    if args.probe_engine:  # the doctor's own child: one engine's capability report
        from .engines.probe import run

        return run(args.probe_engine)
    from .doctor import report

    text, code = report(_data_dir(args), online=args.online, as_json=args.json, probe=not args.no_probe,
                        probe_timeout=args.probe_timeout)
    print(text)
    return code


def _parse_params(pairs: list[str]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise AppError("invalid_param", f"--param takes key=value, not '{pair}'.")
        params[key.strip()] = value
    return params


def _progress_line(job: dict) -> str:
    width = 30
    done = int(job["progress"] * width)
    bar = "#" * done + "-" * (width - done)
    text = job.get("message") or job["status"]
    return f"\r[{bar}] {int(job['progress'] * 100):3d}% {job['status']}: {text}"[:110].ljust(110)


def cmd_generate(args: argparse.Namespace) -> int:
    from .eventbus import DROPPED
    with _services(args) as s:
        try:
            project = s.projects.by_name(args.project, create=True)
            image_id = None
            if args.image:
                image_id = s.media.import_path(project["id"], Path(args.image))["id"]
            q = s.bus.subscribe()
            jobs = s.jobs.start(project["id"], [args.model], args.prompt, {args.model: _parse_params(args.param or [])},
                                image_id)
            job_id = jobs[0]["id"]
            tty = sys.stderr.isatty()
            while True:
                event, data = q.get()
                if event == DROPPED:  # fell behind the progress events: read the job itself
                    q, data = s.bus.subscribe(), s.jobs.get(job_id)
                    event = "job"
                if event != "job" or data["id"] != job_id:
                    continue
                if tty:
                    print(_progress_line(data), end="", file=sys.stderr, flush=True)
                if data["status"] in ("done", "failed", "cancelled"):
                    break
            job = s.jobs.wait(job_id)
            if tty:
                print(file=sys.stderr)
            if job["status"] != "done":
                message = (job.get("error") or {}).get("message") or job.get("message") or job["status"]
                print(f"reelcut: generation {job['status']}: {message}", file=sys.stderr)
                return 1
            path, _ = s.media.file_path(job["media_id"])
            print(path)
            return 0
        except KeyboardInterrupt:
            return 130


def export_settings_of(args: argparse.Namespace) -> dict[str, object]:
    """The export settings the flags name (render/settings.py checks them); none: the default."""
    settings: dict[str, object] = {}
    for key in ("preset", "format", "resolution", "quality", "captions"):
        if getattr(args, key, None) is not None:
            settings[key] = getattr(args, key)
    if args.fps is not None:
        settings["fps"] = args.fps if args.fps == "canvas" else _fps(args.fps)
    if args.range is not None:
        settings["range"] = {"in": args.range[0], "out": args.range[1]}
    return settings


def _fps(text: str) -> float | str:
    try:
        value = float(text)
    except ValueError:
        return text  # refused by the settings, which name the rates
    return int(value) if value.is_integer() else value


def cmd_export(args: argparse.Namespace) -> int:
    with _services(args) as s:
        try:
            project = s.projects.by_name(args.project)
            settings = export_settings_of(args)
            job = s.exports.start(project["id"], settings or None)
            tty = sys.stderr.isatty()
            while True:
                job = s.exports.wait(job["id"], timeout=0.5)
                if tty:
                    print(_progress_line(job), end="", file=sys.stderr, flush=True)
                if job["status"] in ("done", "failed", "cancelled"):
                    break
            if tty:
                print(file=sys.stderr)
            if job["status"] != "done":
                message = (job.get("error") or {}).get("message") or job.get("message") or job["status"]
                print(f"reelcut: export {job['status']}: {message}", file=sys.stderr)
                return 1
            print(s.exports.file_path(job["id"]))
            return 0
        except KeyboardInterrupt:
            return 130


def cmd_timeline_export(args: argparse.Namespace) -> int:
    from .interchange import service as interchange
    with _services(args) as s:
        project = s.projects.by_name(args.project)
        content, _, _, warnings = interchange.export_timeline(s.projects, s.media, project["id"], args.format)
        _write_out(Path(args.out).expanduser(), content, "writing the timeline file")
        for line in warnings:
            print(f"reelcut: warning: {line}", file=sys.stderr)
        print(Path(args.out).expanduser().resolve())
        return 0


def cmd_timeline_import(args: argparse.Namespace) -> int:
    from .interchange import service as interchange
    path = Path(args.path).expanduser()
    if not path.is_file():
        raise AppError("not_found", f"'{args.path}' does not exist.")
    with _services(args) as s:
        project = s.projects.by_name(args.project, create=True)
        doc, revision, warnings = interchange.import_timeline(
            s.projects, s.media, project["id"], path.read_bytes(), path.name, args.format,
            base=path.resolve().parent)
        for line in warnings:
            print(f"reelcut: warning: {line}", file=sys.stderr)
        clips = sum(len(t["clips"]) for t in doc["tracks"])
        print(f"{project['name']}: {clips} clips on {len(doc['tracks'])} tracks (revision {revision})")
        return 0


def cmd_captions_import(args: argparse.Namespace) -> int:
    from .library import captions
    path = Path(args.path).expanduser()
    if not path.is_file():
        raise AppError("not_found", f"'{args.path}' does not exist.")
    with _services(args) as s:
        project = s.projects.by_name(args.project, create=True)
        with path.open("rb") as f:
            data = f.read(captions.MAX_FILE + 1)
        doc, revision = captions.import_captions(s.projects, project["id"], data, path.name, args.track)
        track = doc["tracks"][0] if not args.track else next(t for t in doc["tracks"] if t["id"] == args.track)
        print(f"{project['name']}: {len(track['clips'])} lines on captions track {track['id']} "
              f"(revision {revision})")
        return 0


def cmd_captions_export(args: argparse.Namespace) -> int:
    from .library import captions
    with _services(args) as s:
        project = s.projects.by_name(args.project)
        content, _, _ = captions.export_captions(s.projects, project["id"], args.track, args.format)
        out = Path(args.out).expanduser()
        _write_out(out, content, "writing the captions file")
        print(out.resolve())
        return 0


def _forwarded(args: argparse.Namespace) -> int | None:
    """When a Reelcut already runs on this data dir: hand it this launch's files and return the
    exit code, without opening a window or the database. None when this launch is the first."""
    from . import instance

    found = instance.running(_data_dir(args))
    if found is None:
        return None
    if not found["desktop"]:
        print(f"reelcut: Reelcut already runs on this data dir for a browser, at {found['url']}/ "
              "(reelcut serve). Stop it first, or open it in your browser.", file=sys.stderr)
        return 1
    answer = instance.forward(found, list(args.files or []))
    for message in answer.get("refused", []):
        print(f"reelcut: {message}", file=sys.stderr)
    imported = answer.get("imported", [])
    print("Reelcut is already open: brought its window forward"
          + (f" and imported {', '.join(imported)}." if imported else "."))
    return 1 if answer.get("refused") else 0


def cmd_desktop(args: argparse.Namespace) -> int:
    missing = [f for f in args.files or [] if not Path(f).expanduser().is_file()]
    if missing:  # a mistyped command lands here too, so say both
        print(f"reelcut: '{missing[0]}' is not a file (nor a command: see reelcut --help).", file=sys.stderr)
        return 2
    # pywebview is imported only when the window opens, so look for it first: a plain
    # `pip install .` has no desktop extra, and that deserves a sentence, not a traceback
    try:
        import webview  # noqa: F401

        from .engines import EngineMissing, default_name, load
        from .shell import run_desktop
    except ImportError as exc:
        print(f"reelcut: the desktop window needs pywebview ({exc}). Install it with "
              "pip install 'reelcut[desktop]', or run 'reelcut serve' to use Reelcut in your browser.",
              file=sys.stderr)
        return 2
    try:
        name = args.gui or default_name()
        engine = load(name)
    except EngineMissing as exc:
        print(f"reelcut: {exc} Or run 'reelcut serve' to use Reelcut in your browser.", file=sys.stderr)
        return 2
    if not args.self_test:  # a self-test has a data dir of its own
        code = _forwarded(args)
        if code is not None:
            return code
    files = [str(Path(f).expanduser().resolve()) for f in args.files or []]
    return run_desktop(_config(args), engine, self_test=args.self_test, files=files)


def cmd_mcp(args: argparse.Namespace) -> int:
    try:
        from .mcp_server import run
    except ImportError as exc:
        print(f"reelcut: the MCP server needs the mcp package ({exc}). Install it with pip install 'mcp>=2.3'.",
              file=sys.stderr)
        return 2
    data_dir = Path(args.data_dir).expanduser() if getattr(args, "data_dir", None) else default_data_dir()
    return run(data_dir)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reelcut", description="A video editor with AI clip generation.",
        usage="reelcut [options] [FILE ...] | reelcut [options] COMMAND ...",
        epilog="With no command, Reelcut opens its window, and imports each FILE into the project it opens. "
               "When a Reelcut window already runs on the data dir, it is brought forward and given the files "
               "instead.")
    parser.add_argument("--data-dir", help="where projects live (default: REELCUT_DATA_DIR or the user data dir)")
    parser.add_argument("--self-test", action="store_true", help="open the window, generate, play, report JSON")
    parser.add_argument("--gui", choices=("qt", "gtk"),
                        help="the window's engine: qt (Qt WebEngine, the default) or gtk (WebKitGTK on "
                             "Linux, through GStreamer)")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command")

    serve = sub.add_parser("serve", help="run Reelcut for a web browser")
    serve.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    serve.add_argument("--no-browser", action="store_true", help="do not open a browser")
    serve.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)  # keeps a global --data-dir
    serve.add_argument("--dev-origin", action="append", metavar="URL",
                       help="allow this origin cross-origin (a front-end dev server); repeatable")
    serve.add_argument("--dev", action="store_true",
                       help="for work on the page: web/ files are never cached, and an edit reloads the page")
    serve.set_defaults(func=cmd_serve)

    gen = sub.add_parser("generate", help="generate a clip into a project and print its path")
    gen.add_argument("--model", required=True, help="model id, e.g. local/preview-t2v")
    gen.add_argument("--prompt", required=True)
    gen.add_argument("--image", help="an image file for image-to-video models")
    gen.add_argument("--param", action="append", metavar="KEY=VALUE", help="a model parameter; repeatable")
    gen.add_argument("--project", default="Generated", help="project name (created if missing)")
    gen.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)  # keeps a global --data-dir
    gen.set_defaults(func=cmd_generate)

    exp = sub.add_parser("export", help="render a project's timeline to a file and print its path")
    exp.add_argument("project", help="project name")
    exp.add_argument("--preset", help="youtube_1080p, youtube_4k, vertical_1080x1920, instagram_feed, master_prores")
    exp.add_argument("--format", help="mp4_h264, mp4_h265, webm_vp9, mov_prores, gif, wav, mp3, m4a_aac")
    exp.add_argument("--resolution", help="canvas, 2160p, 1440p, 1080p, 720p, 480p or a frame such as 1080x1920")
    exp.add_argument("--quality", help="high, medium or small")
    exp.add_argument("--fps", help="canvas, 24, 25, 30, 50 or 60")
    exp.add_argument("--range", nargs=2, type=float, metavar=("IN", "OUT"), help="seconds of the timeline")
    exp.add_argument("--captions", help="burn (into the picture), sidecar (a subtitle file beside it), soft (a "
                     "subtitle stream in it) or none")
    exp.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    exp.set_defaults(func=cmd_export)

    timeline = sub.add_parser("timeline", help="export or import a project's timeline (OTIO, FCP 7 XML, FCPXML, EDL)")
    tsub = timeline.add_subparsers(dest="timeline_command", required=True)
    formats = ("otio", "fcp7xml", "fcpxml", "edl")
    texp = tsub.add_parser("export", help="write the timeline as an interchange file")
    texp.add_argument("--project", required=True, help="project name")
    texp.add_argument("--format", required=True, choices=formats)
    texp.add_argument("--out", required=True, help="the file to write")
    texp.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    texp.set_defaults(func=cmd_timeline_export)
    timp = tsub.add_parser("import", help="replace the project's timeline with an interchange file's")
    timp.add_argument("--project", required=True, help="project name (created if missing)")
    timp.add_argument("--format", choices=formats, help="the file's format (default: from its extension)")
    timp.add_argument("path", help="the .otio, .xml, .fcpxml or .edl file")
    timp.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    timp.set_defaults(func=cmd_timeline_import)

    caps = sub.add_parser("captions", help="import a subtitle file into a project, or export a captions track")
    csub = caps.add_subparsers(dest="captions_command", required=True)
    cimp = csub.add_parser("import", help="read an .srt, .vtt, .ass or .ssa file into a new captions track")
    cimp.add_argument("project", help="project name (created if missing)")
    cimp.add_argument("path", help="the subtitle file")
    cimp.add_argument("--track", help="replace the lines of this captions track (its id) instead")
    cimp.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    cimp.set_defaults(func=cmd_captions_import)
    cexp = csub.add_parser("export", help="write a captions track as an SRT or WebVTT file")
    cexp.add_argument("project", help="project name")
    cexp.add_argument("track", help="the captions track's id")
    cexp.add_argument("--format", required=True, choices=("srt", "vtt"))
    cexp.add_argument("-o", "--out", required=True, help="the file to write")
    cexp.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    cexp.set_defaults(func=cmd_captions_export)
    doctor = sub.add_parser("doctor", help="check what this machine gives Reelcut, with a fix for each problem")
    doctor.add_argument("--online", action="store_true", help="also ask fal.ai whether the key is accepted")
    doctor.add_argument("--json", action="store_true", help="print the checks as JSON")
    doctor.add_argument("--no-probe", action="store_true",
                        help="only check which window engines are installed, not what they play")
    doctor.add_argument("--probe-timeout", type=float, default=30.0, metavar="SECONDS",
                        help="how long each window engine gets to say what it plays (default 30)")
    doctor.add_argument("--probe-engine", choices=("qt", "gtk"), help=argparse.SUPPRESS)  # the doctor's child
    doctor.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)  # keeps a global --data-dir
    doctor.set_defaults(func=cmd_doctor, log_file=False)

    mcp = sub.add_parser("mcp", help="an MCP server on stdio for agents (uses the running Reelcut, or starts one)")
    mcp.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)  # keeps a global --data-dir
    mcp.set_defaults(func=cmd_mcp, log_file=False)  # it logs to stderr, the MCP client's log
    return parser


# the global options that take a value: what follows them is not a command or a file
VALUED = ("--data-dir", "--gui")


def _desktop_files(argv: list[str], commands: set[str]) -> tuple[list[str], list[str]]:
    """`reelcut [FILE ...]`: (argv without the files, the files). Files are the words after the
    global options when the first of them is no command; otherwise there are none."""
    rest: list[str] = []
    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--":
            return rest, argv[i + 1:]
        if not word.startswith("-") or word == "-":
            if word in commands:
                return argv, []
            break
        rest.append(word)
        if word in VALUED:
            rest.extend(argv[i + 1:i + 2])
            i += 1
        i += 1
    files = [w for w in argv[i:] if not w.startswith("-") or w == "-"]
    return rest + [w for w in argv[i:] if w.startswith("-") and w != "-"], files


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = set(next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices)
    argv, files = _desktop_files(argv, commands)
    args = parser.parse_args(argv)
    args.files = files
    # the one place logging is set up: the console, and the rotating file in the data dir (the
    # doctor only reads the machine, and must not create the data dir it is checking)
    logs.setup(_data_dir(args) if getattr(args, "log_file", True) else None, args.verbose)
    func = getattr(args, "func", cmd_desktop)
    try:
        return func(args)
    except AppError as exc:
        print(f"reelcut: {exc.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
