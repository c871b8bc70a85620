"""What the desktop window adds to the page: native dialogs, the file manager, the title, files
dropped from the file manager. The page reaches these over /api/desktop/*; in browser mode
there is no window and each answers 409."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Any, Protocol

from .errors import AppError, NotFound, from_os_error
from .eventbus import EventBus
from .interchange import service as interchange
from .library.files import write_atomic
from .library.media_store import MediaStore
from .library.projects import Projects
from .render.exports import ExportManager


class Window(Protocol):
    """The part of the desktop shell these actions use (shell.DesktopShell)."""

    def pick_files(self) -> list[str]: ...
    def pick_save(self, suggested: str, directory: str) -> str | None: ...
    def reveal(self, path: Path) -> None: ...
    def set_title(self, title: str, project_id: str | None) -> None: ...
    def report(self, data: dict[str, Any]) -> None: ...
    def raise_window(self) -> None: ...
    project_id: str | None


log = logging.getLogger(__name__)
LAST_EXPORT_DIR = "last_export_dir"  # the setting: the folder the Save dialog starts in


def default_save_dir() -> Path:
    """The first time: the platform's Videos folder, or home when there is none."""
    try:
        import platformdirs

        videos = Path(platformdirs.user_videos_dir())
        if videos.is_dir():
            return videos
    except Exception:  # noqa: BLE001 - any failure here means "use home"
        pass
    return Path.home()


def _text_id(value: Any, what: str, field: str) -> str:
    if not isinstance(value, str) or not value:
        raise AppError(f"invalid_{what}", f"{field} is required.", field=field)
    return value


class DesktopActions:
    def __init__(self, projects: Projects, media: MediaStore, exports: ExportManager, bus: EventBus,
                 settings: Any = None, logs_dir: Path | None = None) -> None:
        self.projects = projects
        self.logs_dir = logs_dir  # the rotating log file's folder (logs.py)
        self.settings = settings  # library.settings.Settings: keeps the last export folder
        self.saved: set[str] = set()  # files this launch saved: the page may ask to reveal them
        self.media = media
        self.exports = exports
        self.bus = bus
        self.window: Window | None = None  # set by the desktop shell; None in browser mode

    @property
    def available(self) -> bool:
        return self.window is not None

    def _window(self) -> Window:
        if self.window is None:
            raise AppError("desktop_only", "This needs the Reelcut desktop app.")
        return self.window

    def import_files(self, project_id: Any) -> list[dict[str, Any]]:
        """The native Open dialog; chosen files are copied in by path, not uploaded."""
        window = self._window()
        project_id = _text_id(project_id, "project", "project_id")
        self.projects.get(project_id)
        return [self.media.import_path(project_id, Path(path)) for path in window.pick_files()]

    def save_export(self, export_id: Any) -> str | None:
        """Copy a finished export where the user chooses; the destination appears whole or not at
        all. Its subtitle file (captions "sidecar") goes beside it under the same name, as players
        look for it (my film.mp4, my film.srt)."""
        window = self._window()
        export_id = _text_id(export_id, "export", "export_id")
        src = self.exports.file_path(export_id)
        dest = window.pick_save(src.name, str(self.save_dir()))
        if not dest:
            return None
        self._copy_whole(src, Path(dest), "saving the export")
        try:
            side = self.exports.sidecar_path(export_id)
        except NotFound:  # written without a subtitle file
            side = None
        if side is not None:
            self._copy_whole(side, Path(dest).with_suffix(side.suffix), "saving the export's subtitles")
        self._remember(Path(dest))
        return dest

    def _copy_whole(self, src: Path, dest: Path, doing: str) -> None:
        tmp = dest.with_name(dest.name + ".part")
        try:
            shutil.copyfile(src, tmp)
            os.replace(tmp, dest)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise from_os_error(exc, doing) from exc

    def save_timeline(self, project_id: Any, fmt: Any) -> dict[str, Any]:
        """The timeline written as an interchange file where the user chooses, whole or not at all:
        {path (None when the dialog was cancelled), warnings (what the format could not carry)}."""
        window = self._window()
        content, filename, _mime, warnings = interchange.export_timeline(
            self.projects, self.media, _text_id(project_id, "project", "project_id"), fmt)
        dest = window.pick_save(filename, str(self.save_dir()))
        if not dest:
            return {"path": None, "warnings": warnings}
        self._write_whole(Path(dest), content, "saving the timeline file")
        return {"path": dest, "warnings": warnings}

    def _write_whole(self, dest: Path, content: bytes, doing: str) -> None:
        try:
            write_atomic(dest, content)
        except OSError as exc:
            raise from_os_error(exc, doing) from exc
        self._remember(dest)

    def _remember(self, dest: Path) -> None:
        """A file this launch saved: the page may reveal it, and the next Save starts beside it."""
        self.saved.add(str(dest))
        if self.settings is not None:
            self.settings.set(LAST_EXPORT_DIR, str(dest.parent))

    def save_dir(self) -> Path:
        """Where the Save dialog starts: the folder of the last export saved, while it exists."""
        last = self.settings.get(LAST_EXPORT_DIR) if self.settings is not None else None
        if isinstance(last, str) and last and Path(last).is_dir():
            return Path(last)
        return default_save_dir()

    def reveal(self, media_id: Any = None, export_id: Any = None, path: Any = None) -> str:
        """Show a media file, an export, or a file saved in this launch in the file manager.
        Returns the file's path; raises no_file_manager (naming the path) when none can show it."""
        window = self._window()
        if media_id is not None:
            target, _ = self.media.file_path(_text_id(media_id, "media", "media_id"))
        elif export_id is not None:
            target = self.exports.file_path(_text_id(export_id, "export", "export_id"))
        elif isinstance(path, str) and path in self.saved:
            target = Path(path)
        else:
            raise AppError("invalid_reveal", "Say which file to reveal.", field="media_id")
        window.reveal(target)
        return str(target)

    def open_logs(self) -> str:
        """Show the log folder in the file manager. In a browser there is no window to do it, so
        the refusal says where the folder is."""
        if self.logs_dir is None:
            raise AppError("desktop_only", "This Reelcut keeps no log file.")
        if self.window is None:
            err = AppError("desktop_only", f"Reelcut's logs are in {self.logs_dir}")
            err.extra["path"] = str(self.logs_dir)
            raise err
        # the file manager is shown the current log file, selected where the platform can
        current = self.logs_dir / "reelcut.log"
        try:
            self.logs_dir.mkdir(parents=True, exist_ok=True)
            current.touch(exist_ok=True)
        except OSError as exc:
            raise from_os_error(exc, "opening the log folder") from exc
        self.window.reveal(current)
        return str(self.logs_dir)

    def set_title(self, title: Any, project_id: Any = None) -> None:
        window = self._window()
        if not isinstance(title, str) or len(title) > 300:
            raise AppError("invalid_title", "title must be text.", field="title")
        window.set_title(title, project_id if isinstance(project_id, str) else None)

    def import_dropped(self, project_id: str | None, paths: list[str]) -> dict[str, list[str]]:
        """Files dropped on the window (or given to a launch), by full path. Runs off the page's
        request cycle, so outcomes reach the page as events (the new media, or a notice saying
        what was refused); returned too: {imported: names, refused: messages}."""
        outcome: dict[str, list[str]] = {"imported": [], "refused": []}
        if not paths:
            return outcome
        if not project_id:
            message = "Open a project before dropping files."
            self.bus.publish("notice", {"message": message, "kind": "warn"})
            outcome["refused"].append(message)
            return outcome
        for path in paths:
            try:
                outcome["imported"].append(self.media.import_path(project_id, Path(path))["name"])
            except AppError as exc:
                self.bus.publish("notice", {"message": exc.message, "kind": "error"})
                outcome["refused"].append(exc.message)
        return outcome

    def activate(self, paths: Any) -> dict[str, list[str]]:
        """A second launch of Reelcut on this data dir: the window comes forward, and the files
        it was given (absolute paths) are imported into the project the window shows."""
        window = self._window()
        if paths is None:
            paths = []
        if not isinstance(paths, list) or not all(isinstance(p, str) and Path(p).is_absolute() for p in paths):
            raise AppError("invalid_paths", "paths must be a list of absolute file paths.", field="paths")
        log.info("a second launch asked the window forward, with %d file(s)", len(paths))
        window.raise_window()
        return self.import_dropped(window.project_id, paths)

    def selftest_report(self, data: dict[str, Any]) -> None:
        self._window().report(data)
