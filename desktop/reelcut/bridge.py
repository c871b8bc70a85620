"""The application surface: everything the page (through HTTP routes), the desktop shell and
the CLI can do. It wires the services together and knows nothing of Flask."""

from __future__ import annotations

import logging
import os
import shutil
import threading
from pathlib import Path
from typing import Any, BinaryIO

from . import keystore
from .config import Config
from .errors import AppError, from_os_error
from .eventbus import EventBus
from .generation import registry
from .generation.base import Provider
from .generation.jobs import JobManager
from .generation.local import LocalProvider
from .library.db import Database
from .library.media_store import MediaStore
from .library.projects import Projects
from .library.settings import Settings
from .render.exports import ExportManager
from .render.proxies import ProxyMaker

log = logging.getLogger(__name__)


class Bridge:
    def __init__(self, config: Config) -> None:
        self.config = config
        config.data_dir.mkdir(parents=True, exist_ok=True)
        # The library is private to this user: other local accounts cannot read clips or the db.
        config.data_dir.chmod(0o700)
        self.db = Database(config.db_path, config.db_timeout)
        self.bus = EventBus()
        self.projects = Projects(self.db, config.projects_dir)
        self.media = MediaStore(self.db, self.projects, config.data_dir, config.temp_dir, config.upload_limit)
        self.settings = Settings(self.db)
        self._providers: dict[str, Provider] = {"local": LocalProvider()}
        self.jobs = JobManager(self.db, self.media, self.bus, config.temp_dir, self._provider)
        self.exports = ExportManager(self.db, self.media, self.bus, config.data_dir, config.temp_dir)
        self.proxies = ProxyMaker(self.db, self.media, self.bus, config.temp_dir,
                                  seek_proxies=self.preview_proxies_enabled)
        # a newly stored clip gets its proxy as soon as it appears, if it needs one
        self._proxy_feed = threading.Thread(target=self._watch_new_media, name="proxy-feed", daemon=True)
        self.capabilities: dict[str, Any] = {}
        self.shell: Any = None  # the desktop window's DesktopShell; None in browser mode

    def _provider(self, name: str) -> Provider:
        if name not in self._providers:
            if name != "fal":
                raise AppError("no_provider", f"No provider '{name}' is available.", status=500)
            from .generation.fal import FalProvider

            self._providers[name] = FalProvider(lambda: self.fal_key())
        return self._providers[name]

    def start(self) -> None:
        """Recover from whatever the last run left behind, then resume its jobs."""
        removed = self.media.clean_temp()
        if removed:
            log.info("removed %d leftover temp files", removed)
        self.projects.sweep_orphans()
        self.proxies.recover()
        self._proxy_feed.start()
        self.exports.fail_interrupted()
        self.jobs.resume_unfinished()

    def close(self) -> None:
        self.proxies.stop()
        self.bus.close()
        # the feed may be deciding on a last event (which reads the settings): let it finish
        # before the database closes under it
        if self._proxy_feed.is_alive():
            self._proxy_feed.join(5)
        self.db.close()

    def _watch_new_media(self) -> None:
        q = self.bus.subscribe()
        while True:
            event, data = q.get()
            if data is None:
                return
            if event == "media":
                self.proxies.consider(data["media"])

    # -- projects -----------------------------------------------------------------------------
    def list_projects(self) -> list[dict[str, Any]]:
        return self.projects.list()

    def get_project(self, project_id: str) -> dict[str, Any]:
        return self.projects.get(project_id)

    def create_project(self, name: Any) -> dict[str, Any]:
        project = self.projects.create(name)
        self.bus.publish("project", {"project": project})
        return project

    def rename_project(self, project_id: str, name: Any) -> dict[str, Any]:
        project = self.projects.rename(project_id, name)
        self.bus.publish("project", {"project": project})
        return project

    def delete_project(self, project_id: str) -> None:
        for job in self.jobs.list(project_id):
            self.jobs.cancel(job["id"])
        self.projects.delete(project_id)
        self.bus.publish("project_deleted", {"id": project_id})

    def project_by_name(self, name: str, create: bool = False) -> dict[str, Any]:
        for p in self.projects.list():
            if p["name"] == name:
                return p
        if create:
            return self.create_project(name)
        raise AppError("not_found", f"There is no project named '{name}'.", status=404)

    # -- timeline -----------------------------------------------------------------------------
    def get_timeline(self, project_id: str) -> dict[str, Any]:
        return self.projects.timeline(project_id)

    def save_timeline(self, project_id: str, doc: Any) -> dict[str, Any]:
        return self.projects.save_timeline(project_id, doc)

    # -- export -------------------------------------------------------------------------------
    def start_export(self, project_id: str) -> dict[str, Any]:
        """Render the project's saved timeline, from the original files."""
        return self.exports.start(project_id, self.projects.timeline(project_id))

    def get_export(self, export_id: str) -> dict[str, Any]:
        return self.exports.get(export_id)

    def list_exports(self, project_id: str) -> list[dict[str, Any]]:
        self.projects.get(project_id)
        return self.exports.list(project_id)

    def cancel_export(self, export_id: str) -> dict[str, Any]:
        return self.exports.cancel(export_id)

    def export_file(self, export_id: str) -> Path:
        return self.exports.file_path(export_id)

    # -- media --------------------------------------------------------------------------------
    def list_media(self, project_id: str) -> list[dict[str, Any]]:
        return self.media.list(project_id)

    def get_media(self, media_id: str) -> dict[str, Any]:
        return self.media.get(media_id)

    def import_stream(self, project_id: str, stream: BinaryIO, filename: str) -> dict[str, Any]:
        item = self.media.import_stream(project_id, stream, filename)
        self.bus.publish("media", {"project_id": project_id, "media": item})
        return item

    def import_path(self, project_id: str, path: str | Path) -> dict[str, Any]:
        item = self.media.import_path(project_id, Path(path))
        self.bus.publish("media", {"project_id": project_id, "media": item})
        return item

    def rename_media(self, media_id: str, name: Any) -> dict[str, Any]:
        item = self.media.rename(media_id, name)
        self.bus.publish("media", {"project_id": item["project_id"], "media": item})
        return item

    def delete_media(self, media_id: str) -> None:
        item = self.media.delete(media_id)
        self.bus.publish("media_deleted", {"project_id": item["project_id"], "id": media_id})

    def media_file(self, media_id: str) -> tuple[Path, str]:
        return self.media.file_path(media_id)

    def thumbnail_file(self, media_id: str) -> Path:
        return self.media.thumbnail_path(media_id)

    def filmstrip_file(self, media_id: str) -> Path:
        return self.media.filmstrip_path(media_id)

    def waveform(self, media_id: str) -> dict[str, Any]:
        return self.media.waveform(media_id)

    def playback_sources(self, media_id: str) -> list[dict[str, str]]:
        """Where the player may get this item's picture, best first: the local file served
        same-origin, then the same bytes as a blob: URL built by the page, then (only when the
        user allowed remote preview) the provider's URL."""
        item = self.media.get(media_id)
        self.media.file_path(media_id)  # the file must exist to be offered
        url = f"/media/{media_id}"
        sources = [{"kind": "local", "url": url, "type": item["mime"]},
                   {"kind": "blob", "url": url, "type": item["mime"]}]
        if item["proxy"]["status"] == "ready" and self.proxies.needs_proxy(item):
            # the engine cannot decode the original, or seeks in it are slow: the proxy first,
            # the original still offered
            sources.insert(0, {"kind": "proxy", "url": f"/media/{media_id}/proxy", "type": "video/webm"})
        remote = item["source"].get("remote_url")
        if remote and self.remote_preview_enabled():
            sources.append({"kind": "remote", "url": remote, "type": item["mime"]})
        return sources

    # -- generation ---------------------------------------------------------------------------
    def models(self) -> list[dict[str, Any]]:
        return registry.all_models()

    def start_generation(self, project_id: Any, model_ids: Any, prompt: Any, params: Any = None,
                         image_media_id: Any = None) -> list[dict[str, Any]]:
        if not isinstance(project_id, str):
            raise AppError("invalid_project", "project_id is required.", status=422, field="project_id")
        return self.jobs.start(project_id, model_ids, prompt, params, image_media_id)

    def get_job(self, job_id: str) -> dict[str, Any]:
        return self.jobs.get(job_id)

    def list_jobs(self, project_id: str | None = None) -> list[dict[str, Any]]:
        return self.jobs.list(project_id)

    def cancel_job(self, job_id: str) -> dict[str, Any]:
        return self.jobs.cancel(job_id)

    def retry_job(self, job_id: str) -> dict[str, Any]:
        return self.jobs.retry(job_id)

    # -- settings -----------------------------------------------------------------------------
    def remote_preview_enabled(self) -> bool:
        return bool(self.settings.get("remote_preview"))

    def preview_proxies_enabled(self) -> bool:
        return bool(self.settings.get("preview_proxies"))

    def fal_key(self) -> str | None:
        return keystore.get_key(self.config.data_dir)

    def get_settings(self) -> dict[str, Any]:
        source = keystore.key_source(self.config.data_dir)
        return {"remote_preview": self.remote_preview_enabled(),
                "preview_proxies": self.preview_proxies_enabled(),
                "fal_key_set": source is not None, "fal_key_source": source}

    def update_settings(self, values: Any) -> dict[str, Any]:
        if not isinstance(values, dict):
            raise AppError("invalid_settings", "Settings must be an object.")
        switches = [name for name in ("remote_preview", "preview_proxies") if name in values]
        for name in switches:
            if not isinstance(values[name], bool):
                raise AppError("invalid_settings", f"{name} must be true or false.", field=name)
        for name in switches:
            self.settings.set(name, values[name])
        if "preview_proxies" in switches:
            self.proxies.request_missing()  # turned on: the slow-to-seek videos get theirs
        if "fal_key" in values:
            key = values["fal_key"]
            if key is not None and (not isinstance(key, str) or len(key) > 500):
                raise AppError("invalid_settings", "The fal.ai key must be text.", field="fal_key")
            keystore.set_key(self.config.data_dir, key.strip() if key else None)
        return self.get_settings()

    def report_capabilities(self, codecs: Any) -> dict[str, Any]:
        if not isinstance(codecs, dict):
            raise AppError("invalid_capabilities", "codecs must be an object.", field="codecs")
        self.capabilities = {str(k): str(v)[:40] for k, v in list(codecs.items())[:20]}
        self.proxies.set_capabilities(self.capabilities)
        return self.capabilities

    def proxy_file(self, media_id: str) -> Path:
        return self.media.proxy_path(media_id)

    # -- desktop window ---------------------------------------------------------------------
    def _shell(self) -> Any:
        if self.shell is None:
            raise AppError("desktop_only", "This needs the Reelcut desktop app.", status=409)
        return self.shell

    def desktop_import(self, project_id: Any) -> list[dict[str, Any]]:
        """The native Open dialog; chosen files are copied in by path, not uploaded."""
        if not isinstance(project_id, str):
            raise AppError("invalid_project", "project_id is required.", field="project_id")
        self.projects.get(project_id)
        items = []
        for path in self._shell().pick_files():
            items.append(self.import_path(project_id, path))
        return items

    def desktop_save_export(self, export_id: Any) -> str | None:
        if not isinstance(export_id, str):
            raise AppError("invalid_export", "export_id is required.", field="export_id")
        src = self.export_file(export_id)
        dest = self._shell().pick_save(src.name)
        if not dest:
            return None
        tmp = Path(dest + ".part")
        try:
            shutil.copyfile(src, tmp)
            os.replace(tmp, dest)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise from_os_error(exc, "saving the export") from exc
        return dest

    def desktop_reveal(self, media_id: Any) -> None:
        if not isinstance(media_id, str):
            raise AppError("invalid_media", "media_id is required.", field="media_id")
        path, _ = self.media_file(media_id)
        self._shell().reveal(path)

    def desktop_title(self, title: Any, project_id: Any = None) -> None:
        if not isinstance(title, str) or len(title) > 300:
            raise AppError("invalid_title", "title must be text.", field="title")
        self._shell().set_title(title, project_id if isinstance(project_id, str) else None)

    def import_dropped(self, project_id: str | None, paths: list[str]) -> None:
        """Files dropped on the desktop window, by full path. Runs off the request cycle, so
        outcomes reach the page as events (the new media, or a notice saying what was refused)."""
        if not project_id:
            self.bus.publish("notice", {"message": "Open a project before dropping files.", "kind": "warn"})
            return
        for path in paths:
            try:
                self.import_path(project_id, path)
            except AppError as exc:
                self.bus.publish("notice", {"message": exc.message, "kind": "error"})

    def desktop_selftest_report(self, data: dict[str, Any]) -> None:
        self._shell().report(data)
