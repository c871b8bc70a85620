"""Preview proxies: a VP9/Opus WebM copy, at most 540 lines high with a keyframe every half
second, of every video the UI's engine cannot decode (PyPI's Qt WebEngine has no H.264), and,
while the user keeps "preview proxies" on, of every video that is slow to seek: a seek decodes
every frame back to the previous keyframe, and in a 1080p clip with keyframes seconds apart
that is where the time goes (the bytes arrive by Range in a few ms). Made one at a time in the
background, with progress; the player uses it, export never does."""

from __future__ import annotations

import logging
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import AppError
from ..eventbus import DROPPED, EventBus
from ..library.db import Database
from ..library.files import temp_path
from ..library.media_store import MediaStore, media_dict
from ..media.encode import EncodeCancelled, run_ffmpeg, seekable_keyframes
from ..media.probe import Picture, picture
from ..runs import NULL, StatusRows, Threads, failure, move_into_place

log = logging.getLogger(__name__)
PROXY_HEIGHT = 540
PROXY_PIXELS = 960 * 540
# The pixels a seek may decode, worst case, before a proxy is worth making: about 16 frames of
# 1080p, about 70 ms of software decoding in Chromium on these 2-core machines (bench/playback).
SEEK_BUDGET_PIXELS = 1920 * 1080 * 16
# canPlayType keys the page reports, by the codec PyAV names
CAPABILITY_FOR_CODEC = {"h264": "h264_aac", "vp9": "vp9_opus", "vp8": "vp9_opus", "av1": "av1"}
PLAYS = ("probably", "maybe")  # canPlayType's answers for a type the engine decodes


def engine_plays(capabilities: dict[str, str], video_codec: str | None) -> bool:
    """Whether the reporting engine can decode this codec. Before any report, assume yes (a
    browser); codecs the page does not probe (HEVC, ProRes…) get a proxy once it has reported."""
    if not capabilities or not video_codec:
        return True
    key = CAPABILITY_FOR_CODEC.get(video_codec)
    return key is not None and capabilities.get(key) in PLAYS


def slow_to_seek(item: dict[str, Any]) -> bool:
    """Whether the worst seek in this video decodes more than SEEK_BUDGET_PIXELS: every frame
    from the previous keyframe, at full size. With the keyframe spacing unknown (a WebM's index
    is read only when seeking), anything larger than a proxy counts as slow."""
    if item["kind"] != "video" or not item["width"] or not item["height"]:
        return False
    pixels = item["width"] * item["height"]
    if item.get("keyframe_interval") is None:
        return pixels > PROXY_PIXELS
    return item["keyframe_interval"] * (item["fps"] or 25) * pixels > SEEK_BUDGET_PIXELS


def proxy_pix_fmt(picture: Picture | None) -> str:
    """The proxy's pixels, set explicitly (left to itself, libvpx keeps a source's RGB or 4:4:4
    layout, which it either cannot encode, "gbrap is not widely supported", or encodes as a VP9
    profile 1 some engines cannot play): 4:2:0, 8 bits (profile 0), with an alpha plane where the
    source has one (VP9 alpha in WebM, which Chromium shows; libvpx's alpha is 8-bit only), and
    10 bits (profile 2) only for an opaque source deeper than 8."""
    if picture is None:
        return "yuv420p"
    if picture.has_alpha:
        return "yuva420p"
    return "yuv420p10le" if picture.high_bit_depth else "yuv420p"


def proxy_args(src: Path, out: Path, height: int, fps: float | None, pix_fmt: str = "yuv420p") -> list[str]:
    """The height is the display height (a rotated source is turned by ffmpeg before scaling, as
    the stored size is)."""
    target = min(PROXY_HEIGHT, height or PROXY_HEIGHT) // 2 * 2
    return ["-i", str(src), "-map", "0:v:0", "-map", "0:a:0?", "-vf", f"scale=-2:{target},format={pix_fmt}",
            "-pix_fmt", pix_fmt, "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1",
            "-b:v", "1M", *seekable_keyframes(fps), "-c:a", "libopus", "-b:a", "96k", "-f", "webm", str(out)]


class ProxyMaker:
    def __init__(self, db: Database, media: MediaStore, bus: EventBus, temp_dir: Path,
                 seek_proxies: Callable[[], bool] = lambda: True) -> None:
        self.db = db
        self.seek_proxies = seek_proxies  # the user's "preview proxies" setting
        self.media = media
        self.bus = bus
        self.temp_dir = temp_dir
        self.capabilities: dict[str, str] = {}
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._cancel = threading.Event()
        self._threads = Threads("proxies")
        # requested and not yet made or skipped; with it, what was decided for new media
        self._changed = threading.Condition()
        self._pending = 0
        self._decided: OrderedDict[str, bool] = OrderedDict()
        # A proxy once made is never made again; a failed one may be asked for again (Retry). Why
        # it failed is kept on the row (proxy_error) until it is asked for again.
        self.rows = StatusRows(db, bus, table="media", event="media", payload=self._event, terminal=("ready",),
                               touched=None, columns={"status": "proxy_status", "progress": "proxy_progress",
                                                      "path": "proxy_path", "message": None,
                                                      "error": "proxy_error"})
        # a newly stored clip gets its proxy as soon as it appears, if it needs one; turning
        # preview proxies on asks for the missing ones
        self._feed = threading.Thread(target=self._follow_events, name="proxy-feed", daemon=True)
        self._events = bus.subscribe()

    def _event(self, media_id: str) -> dict[str, Any]:
        item = self.media.get(media_id)
        return {"project_id": item["project_id"], "media": item}

    def start(self) -> None:
        self.recover()
        self._feed.start()

    def _follow_events(self) -> None:
        while True:
            event, data = self._events.get()
            if event == DROPPED:
                # fell behind (a burst of imports): catch up from the database instead
                self._events = self.bus.subscribe()
                self.request_missing()
                continue
            if data is None:
                return  # the bus closed: the app is shutting down
            if event == "media":
                self.consider(data["media"])
            elif event == "settings" and "preview_proxies" in data["changed"]:
                self.request_missing()  # turned on: the slow-to-seek videos get theirs

    def join_feed(self, timeout: float = 5) -> None:
        """After the bus closed: the feed may be deciding on a last event (which reads the
        settings), so let it finish before the database closes under it."""
        if self._feed.is_alive():
            self._feed.join(timeout)

    def recover(self) -> None:
        """Start-up: an encode the last run did not finish starts again (its temp file is gone)."""
        self.db.execute("UPDATE media SET proxy_status = 'none', proxy_progress = 0 WHERE proxy_status IN "
                        "('queued', 'encoding')")

    def report_capabilities(self, codecs: Any) -> dict[str, str]:
        """The page's canPlayType answers, as it reports them at start-up."""
        if not isinstance(codecs, dict):
            raise AppError("invalid_capabilities", "codecs must be an object.", field="codecs")
        self.set_capabilities({str(k): str(v)[:40] for k, v in list(codecs.items())[:20]})
        return self.capabilities

    def set_capabilities(self, capabilities: dict[str, str]) -> None:
        self.capabilities = dict(capabilities)
        self.request_missing()

    def request_missing(self) -> None:
        """Queue a proxy for every video that needs one and has none (after an engine report, or
        when the user turns preview proxies on)."""
        for row in self.db.query("SELECT * FROM media WHERE kind = 'video' AND proxy_status IN ('none', 'failed')"
                                   " AND deleted_at IS NULL"):
            if self.needs_proxy(media_dict(row)):
                self.request(row["id"])

    def needs_proxy(self, item: dict[str, Any]) -> bool:
        """The player should use a proxy: the engine cannot decode the original, or it is slow to
        seek and the user wants preview proxies."""
        return item["kind"] == "video" and (not engine_plays(self.capabilities, item["video_codec"]) or
                                            (self.seek_proxies() and slow_to_seek(item)))

    def consider(self, item: dict[str, Any]) -> bool:
        """A media item without a proxy appeared or changed: request one if it needs one.
        Returns whether it was requested; `wait_decided` sees the answer."""
        if item["proxy"]["status"] != "none":
            return False  # it has one, or one is on its way: nothing to decide
        wanted = self.needs_proxy(item)
        if wanted:
            self.request(item["id"])
        with self._changed:
            self._decided[item["id"]] = wanted
            self._decided.move_to_end(item["id"])
            while len(self._decided) > 1000:  # only the latest decisions are ever asked about
                self._decided.popitem(last=False)
            self._changed.notify_all()
        return wanted

    def wait_decided(self, media_id: str, timeout: float) -> bool | None:
        """Whether `consider` requested a proxy for this item, once it has decided (tests: the
        decision is made on the proxy feed's thread); None if it has not within `timeout`."""
        with self._changed:
            self._changed.wait_for(lambda: media_id in self._decided, timeout)
            return self._decided.get(media_id)

    def retry(self, media_id: str) -> dict[str, Any]:
        """The user asks for a video's proxy again (Retry after a failure): queued whether or not
        the engine needs one now (the worker skips it if not), unless it is made or on its way."""
        item = self.media.get(media_id)
        if item["kind"] != "video":
            raise AppError("not_video", "Only a video has a preview proxy.", field="media_id")
        if item["proxy"]["status"] in ("none", "failed"):
            self.request(media_id)
        return self.media.get(media_id)

    def request(self, media_id: str) -> None:
        if self._cancel.is_set():
            return  # shutting down: the next start asks again
        if not self.rows.update(media_id, status="queued", progress=0.0, error=NULL):
            return  # gone, or its proxy is made already
        with self._changed:
            self._pending += 1
        self._queue.put(media_id)
        self._threads.start("worker", self._work, unless_running=True)

    def wait_idle(self, timeout: float = 120) -> bool:
        """Block until every requested proxy is made or skipped (tests, the self-test); False if
        some are still to do after `timeout`."""
        with self._changed:
            return self._changed.wait_for(lambda: self._pending == 0 or self._cancel.is_set(), timeout) \
                and self._pending == 0

    def stop(self, timeout: float = 10) -> None:
        """Shutting down: the running encode is killed, and its row put back to 'none' before
        the caller closes the database."""
        self._cancel.set()
        self._queue.put(None)
        with self._changed:
            self._changed.notify_all()
        self._threads.wait("worker", timeout)

    def _work(self) -> None:
        # One worker for the app's life: idle, it blocks on the queue and costs nothing, and no
        # request can land in the moment an idle worker decides to end.
        while True:
            media_id = self._queue.get()
            if media_id is None or self._cancel.is_set():
                return
            try:
                self._make(media_id)
            except Exception:  # noqa: BLE001 - one bad file must not stop the others
                log.exception("proxy for %s failed", media_id)
            finally:
                with self._changed:
                    self._pending -= 1
                    self._changed.notify_all()

    def _make(self, media_id: str) -> None:
        row = self.db.one("SELECT * FROM media WHERE id = ?", (media_id,))
        if row is None or row["proxy_status"] == "ready":
            return
        if not self.needs_proxy(media_dict(row)):  # preview proxies were turned off while it waited
            self.rows.update(media_id, status="none", progress=0.0)
            return
        tmp = temp_path(self.temp_dir, ".webm")
        last = [0.0]

        def progress(f: float) -> None:
            if f - last[0] >= 0.05:
                last[0] = f
                self.rows.update(media_id, status="encoding", progress=f)

        try:
            src, _ = self.media.file_path(media_id)
            self.rows.update(media_id, status="encoding", progress=0.0)
            pix_fmt = proxy_pix_fmt(picture(src))
            run_ffmpeg(proxy_args(src, tmp, row["height"], row["fps"], pix_fmt), duration=row["duration"] or 0,
                       on_progress=progress, cancel=self._cancel, what="The preview proxy", background=True)
            folder = self.media.projects.folder(row["project_id"]) / "proxies"
            folder.mkdir(parents=True, exist_ok=True)
            final = folder / f"{media_id}.webm"
            move_into_place(tmp, final)
            self.rows.update(media_id, status="ready", progress=1.0, path=str(final.relative_to(self.media.data_dir)))
        except EncodeCancelled:
            self.rows.update(media_id, status="none", progress=0.0)
        except Exception as exc:  # noqa: BLE001 - the row must not stay "encoding" after any failure
            err = failure(exc, what="The preview proxy", doing="making a preview proxy", run_id=media_id)
            log.warning("The preview proxy of %s (%s) failed: %s", media_id, row["name"], err.message)
            self.rows.update(media_id, status="failed", progress=0.0, error=err.to_dict())
        finally:
            tmp.unlink(missing_ok=True)
