"""The composition root: builds every service of one Reelcut process, starts them and closes
them. It holds no policy: routes, the CLI, the desktop shell and the self-test call the
services it built directly."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from .config import Config
from .desktop_actions import DesktopActions
from .eventbus import EventBus
from .generation.base import Provider
from .generation.fal import FalProvider
from .generation.jobs import JobManager
from .generation.local import LocalProvider
from .generation.placements import Placements
from .library.db import Database
from .library.media_store import MediaStore
from .library.projects import Projects
from .library.settings import Settings
from .logs import ClientLog, add_secret_source, log_dir, remove_secret_source
from .preferences import Preferences
from .render.exports import ExportManager
from .render.proxies import ProxyMaker

log = logging.getLogger(__name__)


def default_providers(preferences: Preferences) -> dict[str, Provider]:
    return {"local": LocalProvider(), "fal": FalProvider(preferences.fal_key)}


class Services:
    def __init__(self, config: Config, providers: Mapping[str, Provider] | None = None) -> None:
        """`providers` replaces the default providers of the same name (tests give a FalProvider
        pointed at the fake fal server, benchmarks a provider of their own)."""
        self.config = config
        config.data_dir.mkdir(parents=True, exist_ok=True)
        # The library is private to this user: other local accounts cannot read clips or the db.
        config.data_dir.chmod(0o700)
        self.db = Database(config.db_path, config.db_timeout)
        self.bus = EventBus()
        self.projects = Projects(self.db, config.projects_dir, self.bus)
        self.media = MediaStore(self.db, self.projects, config.data_dir, config.temp_dir, config.upload_limit,
                                bus=self.bus)
        self.preferences = Preferences(Settings(self.db), config.data_dir, self.bus)
        add_secret_source(self.preferences.fal_key)  # the stored key never reaches the log file
        self.client_log = ClientLog()
        self.providers = {**default_providers(self.preferences), **(providers or {})}
        self.jobs = JobManager(self.db, self.media, self.bus, config.temp_dir, self.providers)
        self.projects.before_delete.append(self.jobs.cancel_project)
        self.placements = Placements(self.projects, self.media, self.jobs, config.temp_dir)
        self.jobs.listeners.append(self.placements.job_changed)
        self.exports = ExportManager(self.db, self.media, self.bus, config.data_dir, config.temp_dir,
                                     smart_render=self.preferences.smart_render_enabled)
        # "Caption the timeline" sends the export's mix: the render layer lends it to the jobs
        self.jobs.mix_sound = self.exports.mix_sound
        self.proxies = ProxyMaker(self.db, self.media, self.bus, config.temp_dir,
                                  seek_proxies=self.preferences.preview_proxies_enabled)
        self.desktop = DesktopActions(self.projects, self.media, self.exports, self.bus, self.preferences.settings,
                                      logs_dir=log_dir(config.data_dir))

    def start(self) -> None:
        """Recover from whatever the last run left behind, then resume its jobs."""
        removed = self.media.clean_temp()
        if removed:
            log.info("removed %d leftover temp files", removed)
        purged = self.media.purge_deleted()  # the undo windows of the last run are closed
        if purged:
            log.info("removed %d deleted media items for good", purged)
        self.projects.sweep_orphans()
        self.proxies.start()
        self.exports.fail_interrupted()
        self.jobs.resume_unfinished()
        self.placements.reconcile()  # a job that ended while the app was down lands on the timeline

    def close(self) -> None:
        """Every background run stops (and says so in its row) before the database closes."""
        self.jobs.stop()
        self.exports.stop()
        self.proxies.stop()
        self.bus.close()
        self.proxies.join_feed()
        self.db.close()
        remove_secret_source(self.preferences.fal_key)
