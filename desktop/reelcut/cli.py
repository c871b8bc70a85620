"""The `reelcut` command: the desktop app (default), `serve` for a browser, `generate` and
`timeline export|import` for scripts."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import webbrowser
from pathlib import Path

from .config import Config, default_data_dir, default_token
from .errors import AppError


def _config(args: argparse.Namespace) -> Config:
    data_dir = Path(args.data_dir).expanduser() if getattr(args, "data_dir", None) else default_data_dir()
    return Config(data_dir=data_dir, token=default_token(), port=getattr(args, "port", 0) or 0,
                  dev_origins=list(getattr(args, "dev_origin", None) or []))


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def cmd_serve(args: argparse.Namespace) -> int:
    from .server.runner import LocalServer

    server = LocalServer(_config(args))
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
        server.shutdown()
    return 0


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
    from .services import Services

    s = Services(_config(args))
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
    finally:
        s.close()


def cmd_timeline_export(args: argparse.Namespace) -> int:
    from .interchange import service as interchange
    from .services import Services

    s = Services(_config(args))
    try:
        project = s.projects.by_name(args.project)
        content, _, _, warnings = interchange.export_timeline(s.projects, s.media, project["id"], args.format)
        Path(args.out).expanduser().write_bytes(content)
        for line in warnings:
            print(f"reelcut: warning: {line}", file=sys.stderr)
        print(Path(args.out).expanduser().resolve())
        return 0
    finally:
        s.close()


def cmd_timeline_import(args: argparse.Namespace) -> int:
    from .interchange import service as interchange
    from .services import Services

    path = Path(args.path).expanduser()
    if not path.is_file():
        raise AppError("not_found", f"'{args.path}' does not exist.")
    s = Services(_config(args))
    try:
        project = s.projects.by_name(args.project, create=True)
        doc, revision, warnings = interchange.import_timeline(
            s.projects, s.media, project["id"], path.read_bytes(), path.name, args.format, base=path.resolve().parent)
        for line in warnings:
            print(f"reelcut: warning: {line}", file=sys.stderr)
        clips = sum(len(t["clips"]) for t in doc["tracks"])
        print(f"{project['name']}: {clips} clips on {len(doc['tracks'])} tracks (revision {revision})")
        return 0
    finally:
        s.close()


def cmd_desktop(args: argparse.Namespace) -> int:
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
        engine = load(args.gui or default_name())
    except EngineMissing as exc:
        print(f"reelcut: {exc} Or run 'reelcut serve' to use Reelcut in your browser.", file=sys.stderr)
        return 2
    return run_desktop(_config(args), engine, self_test=args.self_test)


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
    parser = argparse.ArgumentParser(prog="reelcut", description="A video editor with AI clip generation.")
    parser.add_argument("--data-dir", help="where projects live (default: REELCUT_DATA_DIR or the user data dir)")
    parser.add_argument("--self-test", action="store_true", help="open the window, generate, play, report JSON")
    parser.add_argument("--gui", choices=("qt", "gtk"),
                        help="the window's engine: qt (Qt WebEngine) or gtk (WebKitGTK, Linux); "
                             "default: qt where it is installed, else gtk")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command")

    serve = sub.add_parser("serve", help="run Reelcut for a web browser")
    serve.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    serve.add_argument("--no-browser", action="store_true", help="do not open a browser")
    serve.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)  # keeps a global --data-dir
    serve.add_argument("--dev-origin", action="append", metavar="URL",
                       help="allow this origin cross-origin (a front-end dev server); repeatable")
    serve.set_defaults(func=cmd_serve)

    gen = sub.add_parser("generate", help="generate a clip into a project and print its path")
    gen.add_argument("--model", required=True, help="model id, e.g. local/preview-t2v")
    gen.add_argument("--prompt", required=True)
    gen.add_argument("--image", help="an image file for image-to-video models")
    gen.add_argument("--param", action="append", metavar="KEY=VALUE", help="a model parameter; repeatable")
    gen.add_argument("--project", default="Generated", help="project name (created if missing)")
    gen.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)  # keeps a global --data-dir
    gen.set_defaults(func=cmd_generate)

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

    mcp = sub.add_parser("mcp", help="an MCP server on stdio for agents (uses the running Reelcut, or starts one)")
    mcp.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)  # keeps a global --data-dir
    mcp.set_defaults(func=cmd_mcp)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    func = getattr(args, "func", cmd_desktop)
    try:
        return func(args)
    except AppError as exc:
        print(f"reelcut: {exc.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
