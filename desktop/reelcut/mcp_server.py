"""`reelcut mcp`: the editor for agents, as an MCP server on stdio (the official `mcp` SDK).

It is a CLIENT of the running Reelcut's HTTP API (docs/API.md), with the Bearer token, and never
calls the services directly: every edit goes through the same validation as the page's. It finds
the running Reelcut (the desktop window or `reelcut serve`) through the discovery file the server
writes in the data dir (`server.json`: {url, token, pid}, mode 0600); if none is running it starts a
headless server of its own on a free port and says so in its first log line. Logs go to stderr:
stdout is the protocol.

A timeline edit is a read-modify-write of the document: GET gives `{timeline, revision}`, the
change is made on a copy, PUT sends `{timeline, revision}`; a 409 (someone else saved since) reads
again and makes the change there, once. A refused edit (an unknown clip, a trim past the media, a
rule of the document) is a tool error and stores nothing.

Undo and redo are the server's: one history of the timeline shared by every writer (the page, this
agent, scripts), each step labelled with who made it (this server's requests say "mcp")."""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import os
import secrets
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import requests
from mcp.server.mcpserver.utilities.types import Image
from pydantic import Field

from .config import Config, default_data_dir
from .errors import AppError
from .generation import registry
from .instance import process_alive
from .library.split import split_clip as split_rule
from .media.animation import EASINGS, PROPERTIES, TEXT_PROPERTIES, property_at

log = logging.getLogger("reelcut.mcp")

EPS = 1e-6
MIN_CLIP = 0.1  # seconds: the page's shortest clip (edit-model.js), whose half bounds a split
TRANSITIONS = ("crossfade", "dip_black", "dip_white", "wipe_left", "wipe_right", "slide_left", "slide_right")
FINISHED_JOB = ("done", "failed", "cancelled")


class ApiError(Exception):
    """The API's answer to a refused call, as one sentence an agent can act on."""


# --------------------------------------------------------------------------- the HTTP client


class Api:
    def __init__(self, url: str, token: str) -> None:
        self.url = url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        # every change this server makes is an agent's: so labelled in the timeline's history, and
        # told to open windows as such (timeline_changed)
        self.session.headers["X-Reelcut-Source"] = "mcp"

    def call(self, method: str, path: str, body: Any = None, timeout: float = 60, ok: tuple[int, ...] = ()) -> Any:
        try:
            r = self.session.request(method, self.url + path, json=body, timeout=timeout)
        except requests.RequestException as exc:
            raise ApiError(f"Reelcut did not answer ({type(exc).__name__}). Is it still running?") from None
        if r.status_code < 400 or r.status_code in ok:
            return r.json() if r.content else {}
        raise _refusal(r, path)

    def image(self, path: str, query: dict[str, Any], timeout: float = 60) -> bytes:
        """The bytes of an image the API renders (a frame), or the API's refusal."""
        try:
            r = self.session.get(self.url + path, params=query, timeout=timeout)
        except requests.RequestException as exc:
            raise ApiError(f"Reelcut did not answer ({type(exc).__name__}). Is it still running?") from None
        if r.status_code >= 400:
            raise _refusal(r, path)
        return r.content

    def get(self, path: str, **kw: Any) -> Any:
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.call("POST", path, {} if body is None else body, **kw)

    def download(self, path: str, dest: Path) -> None:
        tmp = dest.with_name(f".{dest.name}.part")
        with self.session.get(self.url + path, stream=True, timeout=60) as r:
            if r.status_code >= 400:
                raise ApiError(f"HTTP {r.status_code} downloading the export")
            with open(tmp, "wb") as f:
                for chunk in r.iter_content(1 << 20):
                    f.write(chunk)
        os.replace(tmp, dest)


def _refusal(r: requests.Response, path: str) -> ApiError:
    """The API's error answer as one sentence: its code, message and the field it names."""
    try:
        err = r.json()["error"]
        message = err.get("message") or err.get("code")
        if err.get("field"):
            message = f"{message} (field: {err['field']})"
        return ApiError(f"{err.get('code', 'error')}: {message}")
    except (ValueError, KeyError, TypeError, AttributeError):
        return ApiError(f"HTTP {r.status_code} from {path}")


# --------------------------------------------------------------------------- discovery


def discover(data_dir: Path) -> Api | None:
    """The running Reelcut named by the discovery file, if its process lives and answers."""
    from .server.runner import DISCOVERY_FILE

    try:
        info = json.loads((data_dir / DISCOVERY_FILE).read_text())
        url, token, pid = info["url"], info["token"], info.get("pid")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not process_alive(pid):
        return None
    api = Api(url, token)
    try:
        if api.session.get(api.url + "/api/health", timeout=5).status_code == 200:
            return api
    except requests.RequestException:
        pass
    return None


def connect(data_dir: Path) -> tuple[Api, Any]:
    """(api, own_server): the running Reelcut, or a headless one started here (own_server set)."""
    api = discover(data_dir)
    if api is not None:
        log.warning("reelcut mcp: using the running Reelcut at %s", api.url)
        return api, None
    from .server.runner import LocalServer

    server = LocalServer(Config(data_dir=data_dir, token=secrets.token_urlsafe(32)))
    server.start_background()
    log.warning("reelcut mcp: no running Reelcut found in %s; started a headless one at %s", data_dir, server.url)
    return Api(server.url, server.config.token), server


# --------------------------------------------------------------------------- the document's arithmetic


def _length(clip: dict) -> float:
    if "media_id" not in clip:
        return float(clip["duration"])
    return (clip["out"] - clip["in"]) / clip.get("speed", 1)


def _end(clip: dict) -> float:
    return clip["start"] + _length(clip)


def _locate(doc: dict, clip_id: str) -> tuple[dict, dict]:
    for track in doc["tracks"]:
        for clip in track["clips"]:
            if clip.get("id") == clip_id:
                return track, clip
    known = [c.get("id") for t in doc["tracks"] for c in t["clips"]]
    raise ApiError(f"unknown_clip: there is no clip '{clip_id}' in the timeline (clips: {', '.join(known) or 'none'}).")


def _track(doc: dict, track_id: str) -> dict:
    for track in doc["tracks"]:
        if track["id"] == track_id:
            return track
    raise ApiError(f"unknown_track: there is no track '{track_id}' "
                   f"(tracks: {', '.join(t['id'] for t in doc['tracks'])}).")


def _previous(track: dict, clip: dict) -> dict | None:
    before = [c for c in track["clips"] if c is not clip and c["start"] < clip["start"] - EPS]
    return max(before, key=lambda c: c["start"]) if before else None


def settle_transitions(doc: dict) -> None:
    """After an edit, each transition follows its clip's overlap with the clip before it, and goes
    when they no longer overlap (as the page's settleTransitions does)."""
    for track in doc["tracks"]:
        for clip in track["clips"]:
            tr = clip.get("transition_in")
            if not tr:
                continue
            before = _previous(track, clip)
            overlap = _end(before) - clip["start"] if before else 0
            if abs(overlap - tr["duration"]) < EPS:
                continue
            if 0.005 <= overlap <= min(_length(clip), _length(before)) + EPS:
                clip["transition_in"] = {**tr, "duration": round(overlap, 6)}
            else:
                del clip["transition_in"]


def remove_transition(track: dict, clip: dict) -> None:
    """The clip's transition goes; the clip before it ends where this one starts again (as the
    page's removeTransition does)."""
    before = _previous(track, clip)
    if before is not None and "media_id" in before:
        before["out"] -= (_end(before) - clip["start"]) * before.get("speed", 1)
    clip.pop("transition_in", None)


def _uncovered(spans: list[tuple[float, float]], covering: list[tuple[float, float]]) -> list[list[float]]:
    """The stretches of `spans` that none of `covering` covers: sorted, merged, each [from, to)."""
    holes: list[list[float]] = []
    for a, b in sorted(spans):
        pieces = [(a, b)]
        for c, d in covering:
            cut = []
            for p, q in pieces:
                if d <= p + EPS or c >= q - EPS:
                    cut.append((p, q))
                else:
                    cut.extend(x for x in ((p, min(q, c)), (max(p, d), q)) if x[1] - x[0] > EPS)
            pieces = cut
        for p, q in pieces:
            if holes and p <= holes[-1][1] + EPS:
                holes[-1][1] = max(holes[-1][1], q)
            else:
                holes.append([p, q])
    return holes


def _drop_lonely_links(doc: dict) -> None:
    count: dict[str, int] = {}
    for t in doc["tracks"]:
        for c in t["clips"]:
            if isinstance(c.get("link"), str):
                count[c["link"]] = count.get(c["link"], 0) + 1
    for t in doc["tracks"]:
        for c in t["clips"]:
            if isinstance(c.get("link"), str) and count[c["link"]] < 2:
                del c["link"]


def ripple_delete(doc: dict, clip_ids: set[str]) -> None:
    """The page's ripple delete (web/js/timeline/ripple-model.js), in place: the clips go, and each
    track closes the time they leave empty, so every later clip moves left by the hole's length.
    Only empty time is closed, so a ripple never makes two clips overlap. The clips' transitions
    go first, and so does a transition into a staying clip from one that goes."""
    for track in doc["tracks"]:
        for clip in track["clips"]:
            if not clip.get("transition_in"):
                continue
            before = _previous(track, clip)
            if clip["id"] in clip_ids or (before is not None and before["id"] in clip_ids):
                remove_transition(track, clip)
    for track in doc["tracks"]:
        removed = [c for c in track["clips"] if c["id"] in clip_ids]
        if not removed:
            continue
        track["clips"] = [c for c in track["clips"] if c["id"] not in clip_ids]
        holes = _uncovered([(c["start"], _end(c)) for c in removed], [(c["start"], _end(c)) for c in track["clips"]])
        for clip in track["clips"]:
            shift = sum(to - frm for frm, to in holes if to <= clip["start"] + EPS)
            if shift > 0:
                clip["start"] = max(0.0, round(clip["start"] - shift, 9))
        track["clips"].sort(key=lambda c: c["start"])
    _drop_lonely_links(doc)


def _near(a: float, b: float, fps: float) -> bool:
    """A keyframe within half a frame of a time is the one "at" it (as the page's keyframeAt)."""
    return abs(a - b) < 0.5 / fps


def with_keyframe(keys: list[dict], t: float, value: Any, fps: float, easing: str | None) -> list[dict]:
    """The list with a keyframe of `value` at t (seconds into the clip): the one there updated, or a
    new one in time order that takes the easing of the one before it unless one is given (the page's
    withKeyframe)."""
    t = round(float(t), 4)
    for i, key in enumerate(keys):
        if _near(key["time"], t, fps):
            changed = {**key, "value": value, **({"easing": easing} if easing is not None else {})}
            return [*keys[:i], changed, *keys[i + 1:]]
    before = [k for k in keys if k["time"] < t]
    new = {"time": t, "value": value, "easing": easing or (before[-1].get("easing", "linear") if before else "linear")}
    return sorted([*keys, new], key=lambda k: k["time"])


def _store(clip: dict, name: str, value: float) -> None:
    head, _, tail = name.partition(".")
    if tail:
        clip[head] = {**(clip.get(head) or {}), tail: value}
    else:
        clip[name] = value


def compact(doc: dict) -> dict:
    """The timeline an agent reads: tracks with their clips' ids, times and set properties."""
    tracks = []
    for t in doc["tracks"]:
        clips = []
        for c in sorted(t["clips"], key=lambda c: c["start"]):
            item = {"id": c["id"], "start": round(c["start"], 6), "end": round(_end(c), 6)}
            item.update({k: v for k, v in c.items() if k not in ("id", "start")})
            clips.append(item)
        tracks.append({"id": t["id"], "name": t.get("name"), "kind": t["kind"],
                       **{k: t[k] for k in ("muted", "hidden", "volume") if t.get(k) not in (None, False)},
                       "clips": clips})
    ends = [_end(c) for t in doc["tracks"] for c in t["clips"]]
    return {"width": doc["width"], "height": doc["height"], "fps": doc["fps"],
            "duration": round(max(ends, default=0.0), 6), "tracks": tracks, "markers": doc.get("markers", [])}


# --------------------------------------------------------------------------- the session


class Session:
    """One MCP session: the API client and the project it has open."""

    def __init__(self, api: Api, data_dir: Path) -> None:
        self.api = api
        self.data_dir = data_dir
        self.project_id: str | None = None

    def project(self) -> str:
        if not self.project_id:
            raise ApiError("no_project: open a project first (open_project, or create_project).")
        return self.project_id

    def media_map(self) -> dict[str, dict]:
        return {m["id"]: m for m in self.api.get(f"/api/projects/{self.project()}/media")["media"]}

    def edit(self, change: Callable[[dict], Any]) -> dict:
        """Read, change a copy, save with the revision; on 409 read again and retry once."""
        pid = self.project()
        for attempt in range(2):
            got = self.api.get(f"/api/projects/{pid}/timeline")
            doc = copy.deepcopy(got["timeline"])
            detail = change(doc)
            settle_transitions(doc)
            answer = self.api.call("PUT", f"/api/projects/{pid}/timeline",
                                   {"timeline": doc, "revision": got["revision"]}, ok=(409,))
            if "error" in answer and answer["error"].get("code") == "stale_timeline":
                if attempt == 0:
                    continue
                raise ApiError("stale_timeline: the timeline kept changing under the edit; read it and try again.")
            out = {"revision": answer["revision"], "timeline": compact(answer["timeline"])}
            if detail:
                out.update(detail)
            return out
        raise AssertionError("unreachable")

    def edit_clip(self, clip_id: str, change: Callable[[dict, dict, dict], Any]) -> dict:
        """An edit of one clip: `change(doc, track, clip)` on the clip found by id (unknown: refused)."""
        return self.edit(lambda doc: change(doc, *_locate(doc, clip_id)))

    def step(self, direction: str) -> dict:
        """Undo or redo on the server's history, made on the revision just read (once more on 409)."""
        pid = self.project()
        for attempt in range(2):
            at = self.api.get(f"/api/projects/{pid}/timeline")["revision"]
            answer = self.api.call("POST", f"/api/projects/{pid}/timeline/{direction}", {"revision": at}, ok=(409,))
            code = answer.get("error", {}).get("code") if "error" in answer else None
            if code == "stale_timeline" and attempt == 0:
                continue
            if code is not None:
                raise ApiError(f"{code}: {answer['error'].get('message')}")
            return {"revision": answer["revision"], "timeline": compact(answer["timeline"]),
                    "can_undo": answer["can_undo"], "can_redo": answer["can_redo"], "label": answer["label"]}
        raise AssertionError("unreachable")


def _need(value: Any, name: str, low: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ApiError(f"invalid_value: {name} must be a number of seconds.")
    if low is not None and value < low:
        raise ApiError(f"invalid_value: {name} must be at least {low}.")
    return float(value)


def _span(media: dict, in_point: float, out_point: float) -> tuple[float, float]:
    """A clip's in and out points in its media, checked against the media's length."""
    if media.get("duration") and out_point > media["duration"] + EPS:
        raise ApiError(f"invalid_value: out_point {out_point} is past the media's end ({media['duration']} s).")
    if out_point <= in_point:
        raise ApiError("invalid_value: out_point must be after in_point.")
    return float(in_point), float(out_point)


def build(session: Session) -> Any:
    """The MCP server with its tools and resources, over `session`."""
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    mcp = MCPServer(
        "reelcut",
        instructions=(
            "Reelcut is a video editor. Open or create a project first; then import or generate media, "
            "place it on the timeline (times are seconds), and export. Read the timeline after edits: "
            "every edit answers the new compact timeline and its revision."),
    )

    def tool(description: str) -> Callable:
        """A tool whose ApiError becomes an MCP tool error with the API's message."""

        def wrap(fn: Callable) -> Callable:
            import functools

            @functools.wraps(fn)
            def run(*args: Any, **kw: Any) -> Any:
                try:
                    return fn(*args, **kw)
                except ApiError as exc:
                    raise ToolError(str(exc)) from None

            return mcp.tool(description=description)(run)

        return wrap

    api = session.api

    # ---- projects

    @tool("List the projects (id, name, times), newest first, and which one is open in this session.")
    def list_projects() -> dict[str, Any]:
        return {"projects": api.get("/api/projects")["projects"], "open_project_id": session.project_id}

    @tool("Create a project and open it in this session.")
    def create_project(name: Annotated[str, Field(description="The project's name")]) -> dict[str, Any]:
        project = api.post("/api/projects", {"name": name})["project"]
        session.project_id = project["id"]
        return {"project": project, "opened": True}

    @tool("Open a project by id: the media, timeline, generate and export tools then work on it.")
    def open_project(project_id: Annotated[str, Field(description="A project id from list_projects")]) -> dict:
        project = api.get(f"/api/projects/{project_id}")["project"]
        session.project_id = project["id"]
        return {"project": project, "opened": True}

    # ---- media

    def media_brief(m: dict) -> dict:
        return {k: m.get(k) for k in ("id", "name", "kind", "duration", "width", "height", "fps", "video_codec",
                                      "audio_codec", "size", "source", "cost")}

    @tool("List the open project's media: id, name, kind, duration (s), size, codecs, how it was made.")
    def list_media() -> dict[str, Any]:
        return {"media": [media_brief(m) for m in session.media_map().values()]}

    @tool("Import a local file (video, image or audio) into the open project by its absolute path. "
          "The file is copied; a file that is not media is refused.")
    def import_media(path: Annotated[str, Field(description="Absolute path of a local media file")]) -> dict:
        items = api.post(f"/api/projects/{session.project()}/media/path", {"path": path})["media"]
        return {"media": [media_brief(m) for m in items]}

    @tool("Everything known about a media item: duration, size, codecs, keyframe interval, how it was made "
          "(import, or generation with model, prompt, params and cost).")
    def media_details(media_id: str) -> dict[str, Any]:
        return {"media": api.get(f"/api/media/{media_id}")["media"]}

    # ---- generation

    @tool("List the video models with their parameters (name, type, default, choices, min/max), rules and "
          "price_per_second (or price_per_video) in USD (0 = free: the offline local/ models); entries may list "
          "'unconfirmed' facts.")
    def list_models() -> dict[str, Any]:
        return {"models": api.get("/api/models")["models"]}

    @tool("Generate clips into the open project with one or more models (each listed once; `takes` for more clips "
          "per model) from one prompt. Starts jobs and "
          "answers their ids at once (use wait_for_jobs). A paid model (price_per_second > 0) is refused unless "
          "confirm_cost is true, and a request that would pass the project's spending cap is refused; the "
          "answer gives the estimated cost, what the project has spent and its cap.")
    def generate(
        model_ids: Annotated[list[str], Field(description="Model ids from list_models, e.g. ['local/preview-t2v']")],
        prompt: Annotated[str, Field(description="What the clip shows")],
        params: Annotated[dict[str, Any] | None, Field(
            description="Parameters for every model, e.g. {'duration': 2, 'resolution': '360p'}; values as "
                        "list_models describes them (string choices stay strings)")] = None,
        params_by_model: Annotated[dict[str, dict[str, Any]] | None, Field(
            description="Per-model parameters {model_id: {...}}, over `params`")] = None,
        image_media_id: Annotated[str | None, Field(description="An image media id for image-to-video models")] = None,
        takes: Annotated[int, Field(description="How many clips each model makes (1-4 takes, each its own job and "
                                                "seed, grouped in the library)", ge=1, le=4)] = 1,
        confirm_cost: Annotated[bool, Field(description="Must be true to run a paid model")] = False,
    ) -> dict[str, Any]:
        models = {m["id"]: m for m in api.get("/api/models")["models"]}
        all_params: dict[str, dict] = {}
        cost = 0.0
        for mid in model_ids:
            p = {**(params or {}), **((params_by_model or {}).get(mid) or {})}
            all_params[mid] = p
            model = models.get(mid)
            if model is None:
                continue  # the API names it
            # the registry's own price grid (per second or per video, by option) on the entry as
            # the API lists it; wrong parameters count nothing here: the API refuses them
            with contextlib.suppress(AppError):
                cost += registry.estimate_cost(model, registry.validate_params(model, p)) * takes
        if cost > 0 and not confirm_cost:
            raise ApiError(f"confirm_cost: this generation costs about ${cost:.2f} (paid models). "
                           "Call again with confirm_cost: true to spend it.")
        body = {"project_id": session.project(), "model_ids": model_ids, "prompt": prompt, "params": all_params,
                "takes": takes}
        if image_media_id:
            body["image_media_id"] = image_media_id
        answer = api.post("/api/generations", body)  # over the project's spending cap: the API refuses
        project = api.get(f"/api/projects/{session.project()}")["project"]
        return {"jobs": answer["jobs"], "group_id": answer["group_id"],
                "estimated_cost_usd": round(answer.get("estimated_cost", cost), 2),
                "project_spent_usd": project.get("spent"), "spending_cap_usd": project.get("spending_cap")}

    def job_brief(j: dict) -> dict:
        return {k: j.get(k) for k in ("id", "model_id", "status", "progress", "message", "error", "media_id",
                                      "cost")}

    @tool("A generation job's status, progress (0..1), error, cost and, when done, its media_id.")
    def job_status(job_id: str) -> dict[str, Any]:
        return {"job": job_brief(api.get(f"/api/generations/{job_id}")["job"])}

    @tool("Wait until the given generation jobs have finished (done, failed or cancelled), up to timeout "
          "seconds; answers each job (media_id when done) and the total cost.")
    def wait_for_jobs(job_ids: list[str],
                      timeout: Annotated[float, Field(description="Seconds to wait at most", gt=0, le=3600)] = 300
                      ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            jobs = [api.get(f"/api/generations/{j}")["job"] for j in job_ids]
            if all(j["status"] in FINISHED_JOB for j in jobs) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        return {"jobs": [job_brief(j) for j in jobs], "finished": all(j["status"] in FINISHED_JOB for j in jobs),
                "cost_usd": round(sum(j.get("cost") or 0 for j in jobs), 4)}

    @tool("Caption a clip of the open project's timeline: speech to text of the sound it plays, on fal.ai (needs "
          "a fal.ai key; paid per second of the clip). Answers the job (follow it with job_status, wait_for_jobs, "
          "cancel_job); when it is done its lines are a new captions track on top, timed where the clip plays.")
    def transcribe_clip(clip_id: Annotated[str, Field(description="A clip id from the timeline")]) -> dict[str, Any]:
        job = api.post(f"/api/projects/{session.project()}/captions/transcribe", {"clip_id": clip_id})["job"]
        return {"job": job_brief(job)}

    @tool("Caption the open project's whole timeline: speech to text of its mixed sound (as the export mixes it) "
          "on fal.ai (needs a fal.ai key; paid per second of the timeline). Answers the job (follow it with "
          "job_status, wait_for_jobs, cancel_job); when it is done its lines are at timeline time in the captions "
          "track track_id (beside its own lines, never over them) or in a new captions track on top.")
    def transcribe_timeline(track_id: Annotated[str | None, Field(
            description="A captions track's id; left out: a new captions track")] = None) -> dict[str, Any]:
        body = {"track_id": track_id} if track_id else {}
        job = api.post(f"/api/projects/{session.project()}/captions/transcribe-timeline", body)["job"]
        return {"job": job_brief(job)}

    @tool("Cancel a generation job.")
    def cancel_job(job_id: str) -> dict[str, Any]:
        return {"job": job_brief(api.post(f"/api/generations/{job_id}/cancel")["job"])}

    # ---- timeline

    @tool("Read the open project's timeline, compact: canvas (width, height, fps), duration, tracks (first = "
          "top of the stack) with clips (id, start, end, media_id, in, out, properties), markers, and revision.")
    def read_timeline() -> dict[str, Any]:
        got = api.get(f"/api/projects/{session.project()}/timeline")
        return {"revision": got["revision"], "timeline": compact(got["timeline"])}

    @tool("Undo the last change of the open project's timeline, whoever made it (this agent, the user in the "
          "window, a script): the timeline has one history. Answers the timeline as it is now, can_undo, "
          "can_redo, and what was undone (label).")
    def undo() -> dict[str, Any]:
        return session.step("undo")

    @tool("Redo the change undone last (possible until the timeline is changed again). Answers as undo.")
    def redo() -> dict[str, Any]:
        return session.step("redo")

    def first_track(doc: dict, kind: str) -> dict:
        tracks = [t for t in doc["tracks"] if t["kind"] == kind]
        if kind == "video" and tracks:  # the lowest picture track: V1
            return tracks[-1]
        if tracks:
            return tracks[0]
        track = {"id": f"{kind[0]}{uuid.uuid4().hex[:8]}", "name": kind.title(), "kind": kind, "muted": False,
                 "hidden": False, "clips": []}
        doc["tracks"].insert(0 if kind != "audio" else len(doc["tracks"]), track)
        return track

    @tool("Put a media item on the timeline. By default on the lowest video track (audio: the first audio "
          "track), starting where that track's last clip ends, using the whole media. Clips on a track may "
          "not overlap (except by a transition).")
    def add_clip(
        media_id: str,
        track_id: Annotated[str | None, Field(description="Track id from read_timeline")] = None,
        start: Annotated[float | None, Field(description="Timeline time in s (default: the track's end)")] = None,
        in_point: Annotated[float, Field(description="Where in the media to start, s", ge=0)] = 0.0,
        out_point: Annotated[float | None, Field(description="Where in the media to end, s (default: its end)")] = None,
    ) -> dict[str, Any]:
        media = session.media_map().get(media_id)
        if media is None:
            raise ApiError(f"unknown_media: there is no media '{media_id}' in the open project.")
        length = media.get("duration") or 5.0  # a still has none: 5 s
        _, out = _span(media, in_point, length if out_point is None else _need(out_point, "out_point"))
        clip_id = uuid.uuid4().hex[:12]

        def change(doc: dict) -> dict:
            kind = "audio" if media["kind"] == "audio" else "video"
            track = _track(doc, track_id) if track_id else first_track(doc, kind)
            at = start if start is not None else max((_end(c) for c in track["clips"]), default=0.0)
            track["clips"].append({"id": clip_id, "media_id": media_id, "start": _need(at, "start", 0),
                                   "in": float(in_point), "out": out})
            return {"clip_id": clip_id, "track_id": track["id"]}

        return session.edit(change)

    @tool("Move a clip to a new start time (s), optionally onto another track. Clips linked to it move by the "
          "same amount.")
    def move_clip(clip_id: str, start: float, track_id: str | None = None) -> dict[str, Any]:
        def change(doc: dict, track: dict, clip: dict) -> None:
            delta = _need(start, "start", 0) - clip["start"]
            if clip.get("link"):
                for t in doc["tracks"]:
                    for c in t["clips"]:
                        if c is not clip and c.get("link") == clip["link"]:
                            c["start"] += delta
            clip["start"] = float(start)
            if track_id and track_id != track["id"]:
                target = _track(doc, track_id)
                track["clips"].remove(clip)
                target["clips"].append(clip)

        return session.edit_clip(clip_id, change)

    @tool("Trim a clip: new in/out points in the media (s) for a media clip, or a new duration for a title. "
          "The clip's start stays; a trim past the media's ends is refused.")
    def trim_clip(clip_id: str, in_point: float | None = None, out_point: float | None = None,
                  duration: Annotated[float | None, Field(description="A title's new length (s)")] = None
                  ) -> dict[str, Any]:
        media = session.media_map()

        def change(doc: dict, track: dict, clip: dict) -> None:
            if "media_id" not in clip:
                if duration is None:
                    raise ApiError("invalid_value: a title is trimmed by its duration.")
                clip["duration"] = _need(duration, "duration", 0.001)
                return
            clip["in"], clip["out"] = _span(
                media.get(clip["media_id"]) or {},
                clip["in"] if in_point is None else _need(in_point, "in_point", 0),
                clip["out"] if out_point is None else _need(out_point, "out_point", 0))

        return session.edit_clip(clip_id, change)

    @tool("Split a clip in two at a timeline time (s) inside it (at least 0.05 s from its ends), as the page's "
          "Split does: the halves play what the clip played. Keyframes are cut with a keyframe at the cut on "
          "both halves (the right half's times count from its own start); the fade in stays on the left half, "
          "the fade out on the right (a cut inside a fade keeps its levels, with opacity and volume keyframes "
          "on the other half); the transition in and a link stay on the left. Answers the new "
          "right-hand clip's id.")
    def split_clip(clip_id: str, time: float) -> dict[str, Any]:
        new_id = uuid.uuid4().hex[:12]

        def change(doc: dict, track: dict, clip: dict) -> dict:
            t = _need(time, "time")
            # the page's bounds (edit-model.js splitAt): half the shortest clip from either end
            if not clip["start"] + MIN_CLIP / 2 < t < _end(clip) - MIN_CLIP / 2:
                raise ApiError(f"invalid_value: time {t:g} is not inside the clip (it runs {clip['start']:g}.."
                               f"{_end(clip):g} s; a cut is at least {MIN_CLIP / 2:g} s from its ends).")
            if clip.get("placeholder"):
                raise ApiError("invalid_value: the clip is still being generated; its job makes one clip.")
            left, right = split_rule(clip, t, new_id)
            i = track["clips"].index(clip)
            track["clips"][i:i + 1] = [left, right]
            return {"new_clip_id": new_id}

        return session.edit_clip(clip_id, change)

    @tool("Delete a clip from the timeline. Its transition goes with it. By default the gap stays; with "
          "ripple: true (ripple delete) every later clip on its track moves left by the time the clip leaves "
          "empty, closing the hole (time another clip still covers, as a transition's overlap, is not closed); "
          "a transition into the next clip from the deleted one goes too. One undo step either way.")
    def delete_clip(clip_id: str,
                    ripple: Annotated[bool, Field(description="Close the hole: move the later clips of its track "
                                                              "left by the deleted clip's length")] = False,
                    ) -> dict[str, Any]:
        def change(doc: dict, track: dict, clip: dict) -> None:
            if ripple:
                ripple_delete(doc, {clip_id})
                return
            track["clips"].remove(clip)
            link = clip.get("link")
            if link:
                partners = [c for t in doc["tracks"] for c in t["clips"] if c.get("link") == link]
                if len(partners) == 1:
                    partners[0].pop("link")

        return session.edit_clip(clip_id, change)

    @tool("Set one property of a clip, validated like the page's edits: e.g. opacity (0..1), volume (0..2), "
          "speed (0.25..4), fit ('contain'|'cover'|'stretch'), fade_in/fade_out (s), transform.x/.y/.scale/"
          ".rotation, crop.left/.top/.right/.bottom, keyframes (an object), and on titles text, size, scale, "
          "color, x, y, font, bold, italic, outline, shadow, box, align, line_spacing. "
          "A null value removes it.")
    def set_clip_property(clip_id: str,
                          name: Annotated[str, Field(description="Property, dotted for nested: 'transform.scale'")],
                          value: Annotated[Any, Field(description="The new value (JSON), or null to remove it")]
                          ) -> dict[str, Any]:
        if name in ("id", "media_id", "start", "in", "out"):
            raise ApiError(f"invalid_value: use move_clip or trim_clip to change {name}.")

        def change(doc: dict, track: dict, clip: dict) -> None:
            parts = name.split(".")
            target = clip
            for part in parts[:-1]:
                target = target.setdefault(part, {})
                if not isinstance(target, dict):
                    raise ApiError(f"invalid_value: {part} is not an object.")
            if value is None:
                target.pop(parts[-1], None)
            else:
                target[parts[-1]] = value

        return session.edit_clip(clip_id, change)

    def keyframe_names(clip: dict) -> tuple[str, ...]:
        return TEXT_PROPERTIES if "media_id" not in clip else PROPERTIES

    @tool("Set a keyframe of an animatable property of a clip: at `time` seconds from the clip's start (0 to "
          "its length) the property is `value`; between keyframes it moves from one to the next by the LEFT "
          "keyframe's easing, and before the first / after the last it holds. A keyframe within half a frame "
          f"of `time` is updated. Media clips animate {', '.join(PROPERTIES)}; titles animate "
          f"{', '.join(TEXT_PROPERTIES)}. Easings: {', '.join(EASINGS)} (default: the easing of the keyframe "
          "before, else linear). Values have the property's own range (opacity 0..1, volume 0..2, "
          "transform.x/.y -2..3 canvas fractions, transform.scale 0.01..10, rotation degrees). A keyframed "
          "property's own value is no longer used.")
    def set_keyframe(clip_id: str,
                     property: Annotated[str, Field(description="e.g. 'opacity', 'transform.scale', a title's 'y'")],
                     time: Annotated[float, Field(description="Seconds from the clip's start (not the timeline's)")],
                     value: Annotated[float, Field(description="The property's value at that time")],
                     easing: Annotated[str | None, Field(description=f"One of {', '.join(EASINGS)}")] = None,
                     ) -> dict[str, Any]:
        def change(doc: dict, track: dict, clip: dict) -> None:
            # the document's validation refuses an unknown property, a time outside the clip, a
            # value out of range or an easing it lacks, naming the keyframe's field
            keys = (clip.get("keyframes") or {}).get(property) or []
            clip["keyframes"] = {**(clip.get("keyframes") or {}),
                                 property: with_keyframe(keys, time, value, float(doc["fps"]), easing)}

        return session.edit_clip(clip_id, change)

    @tool("Remove the keyframe of a clip's property at `time` seconds from the clip's start (within half a "
          "frame). When it was the property's last keyframe, the property keeps the value it had there.")
    def remove_keyframe(clip_id: str, property: str,
                        time: Annotated[float, Field(description="Seconds from the clip's start")]) -> dict[str, Any]:
        def change(doc: dict, track: dict, clip: dict) -> None:
            keys = (clip.get("keyframes") or {}).get(property) or []
            kept = [k for k in keys if not _near(k["time"], time, float(doc["fps"]))]
            if len(kept) == len(keys):
                have = ", ".join(f"{k['time']:g}" for k in keys) or "none"
                raise ApiError(f"no_keyframe: clip '{clip_id}' has no {property} keyframe at {time:g} s "
                               f"(its {property} keyframes are at: {have}).")
            rest = dict(clip["keyframes"])
            if kept:
                rest[property] = kept
            else:
                del rest[property]
                if property in keyframe_names(clip):
                    _store(clip, property, property_at(clip, property, max(0.0, min(time, _length(clip)))))
            if rest:
                clip["keyframes"] = rest
            else:
                del clip["keyframes"]

        return session.edit_clip(clip_id, change)

    @tool("Put a transition into a clip from the clip before it on its track (they must touch). The overlap "
          "is taken from the media after the outgoing clip, else before the incoming one; the incoming clip "
          "then starts `duration` before the outgoing one's end.")
    def add_transition(clip_id: str,
                       duration: Annotated[float, Field(description="Seconds, at least 0.005")] = 0.5,
                       type: Annotated[str, Field(description=f"One of {', '.join(TRANSITIONS)}")] = "crossfade",
                       ) -> dict[str, Any]:
        if type not in TRANSITIONS:
            raise ApiError(f"invalid_value: type must be one of {', '.join(TRANSITIONS)}, not '{type}'.")
        media = session.media_map()

        def change(doc: dict, track: dict, clip: dict) -> None:
            d = _need(duration, "duration", 0.005)
            if "media_id" not in clip:
                raise ApiError("invalid_value: a title has no transitions.")
            if clip.get("transition_in"):  # replace it: the clip before ends where this one starts
                before = _previous(track, clip)
                if before:
                    before["out"] -= (_end(before) - clip["start"]) * before.get("speed", 1)
                del clip["transition_in"]
            before = _previous(track, clip)
            if not before or "media_id" not in before:
                raise ApiError("invalid_value: a transition needs a media clip before this one on its track.")
            if abs(_end(before) - clip["start"]) > 1e-3:
                raise ApiError(f"invalid_value: the clip does not touch the clip before it (a "
                               f"{clip['start'] - _end(before):.3f} s gap); move it first.")
            if d > min(_length(before), _length(clip)) + EPS:
                raise ApiError("invalid_value: the transition is longer than a clip it joins.")
            m = media.get(before["media_id"]) or {}
            after = ((m.get("duration") or float("inf")) - before["out"]) / before.get("speed", 1)
            if after >= d - EPS:
                before["out"] += d * before.get("speed", 1)
            elif clip["in"] / clip.get("speed", 1) >= d - EPS:
                clip["start"] -= d
                clip["in"] -= d * clip.get("speed", 1)
            else:
                raise ApiError(f"invalid_value: a {d} s transition needs {d} s more media after the clip before "
                               f"(it has {max(0, after):.2f} s) or before this one; trim one or choose a shorter one.")
            clip["transition_in"] = {"type": type, "duration": d}

        return session.edit_clip(clip_id, change)

    @tool("Add a title: a text clip on a text track (the top one, made if there is none), drawn over the video. "
          "Text may hold newlines; x, y place the centre of the text block.")
    def add_title(text: str, start: float, duration: float = 3.0,
                  size: Annotated[int | None, Field(description="Pixels, 8..1000")] = None,
                  color: Annotated[str | None, Field(description="Like #ffcc00")] = None,
                  x: Annotated[float | None, Field(description="Centre, 0..1 of the width")] = None,
                  y: Annotated[float | None, Field(description="Centre, 0..1 of the height")] = None,
                  track_id: str | None = None,
                  font: Annotated[str | None, Field(description="Font family, e.g. 'DejaVu Serif' (default "
                                                    "DejaVu Sans); a family the machine lacks is drawn with "
                                                    "fontconfig's nearest")] = None,
                  bold: Annotated[bool | None, Field(description="Default true")] = None,
                  italic: Annotated[bool | None, Field(description="Default false")] = None,
                  outline: Annotated[dict[str, Any] | None, Field(
                      description="{color: '#rrggbb', width: 0..50 px}")] = None,
                  shadow: Annotated[dict[str, Any] | None, Field(
                      description="{color: '#rrggbb', x: -100..100 px, y: -100..100 px, opacity: 0..1}")] = None,
                  box: Annotated[dict[str, Any] | None, Field(
                      description="A box behind the text: {color: '#rrggbb', opacity: 0..1, padding: 0..200 px}"
                  )] = None,
                  align: Annotated[str | None, Field(description="Lines within the block: 'left' (default), "
                                                     "'center' or 'right'")] = None,
                  line_spacing: Annotated[int | None, Field(description="Extra px between lines, -50..500")] = None,
                  ) -> dict[str, Any]:
        clip_id = uuid.uuid4().hex[:12]
        # the style is passed through as given: the server validates it and names a wrong field
        style = {"size": size, "color": color, "x": x, "y": y, "font": font, "bold": bold, "italic": italic,
                 "outline": outline, "shadow": shadow, "box": box, "align": align, "line_spacing": line_spacing}

        def change(doc: dict) -> dict:
            track = _track(doc, track_id) if track_id else first_track(doc, "text")
            clip: dict[str, Any] = {"id": clip_id, "start": _need(start, "start", 0),
                                    "duration": _need(duration, "duration"), "text": text}
            clip.update({k: v for k, v in style.items() if v is not None})
            track["clips"].append(clip)
            return {"clip_id": clip_id, "track_id": track["id"]}

        return session.edit(change)

    @tool("Set the timeline's canvas, as the page's canvas control does: the output size (width, height: even "
          "whole pixels, 16..7680; e.g. 1080 x 1920 for 9:16) and frame rate (fps, 1..120), each left out kept. "
          "Clips keep their places (positions are fractions of the canvas); a clip added later no longer "
          "changes the canvas. One undo step; a refused value names its field and changes nothing.")
    def set_canvas(width: Annotated[int | None, Field(description="Pixels, even, 16..7680")] = None,
                   height: Annotated[int | None, Field(description="Pixels, even, 16..7680")] = None,
                   fps: Annotated[float | None, Field(description="Frames a second, 1..120")] = None,
                   ) -> dict[str, Any]:
        if width is None and height is None and fps is None:
            raise ApiError("invalid_value: give width, height or fps (field: width).")

        def change(doc: dict) -> None:
            # the page's withCanvas (canvas-model.js); the server's save checks the values and
            # names a wrong field (timeline.py's width, height and fps limits)
            for key, value in (("width", width), ("height", height), ("fps", fps)):
                if value is not None:  # 30.0 stored as 30, as the page stores its frame rates
                    doc[key] = int(value) if float(value).is_integer() else value
            doc["format_set"] = True

        return session.edit(change)

    @tool("Add a named marker at a timeline time (s).")
    def add_marker(time: float, name: str, color: Annotated[str | None, Field(description="Like #ffcc00")] = None
                   ) -> dict[str, Any]:
        marker_id = uuid.uuid4().hex[:12]

        def change(doc: dict) -> dict:
            marker = {"id": marker_id, "time": time, "name": name}
            if color is not None:
                marker["color"] = color
            doc.setdefault("markers", []).append(marker)
            return {"marker_id": marker_id}

        return session.edit(change)

    # ---- look

    @tool("Look at the open project's timeline at a time (s): answers a PNG of the composed frame, every track, "
          "transition and title drawn as the export draws them, `width` pixels wide (the canvas's aspect kept). "
          "A time outside the timeline is refused.")
    def look_at_timeline(
        time: Annotated[float, Field(description="Timeline time in seconds, from 0 to the timeline's duration")],
        width: Annotated[int, Field(description="Pixels wide", ge=16, le=1920)] = 640,
    ) -> list[str | Image]:
        png = api.image(f"/api/projects/{session.project()}/frame", {"t": time, "width": width})
        return [f"The timeline at {time:g} s ({width} px wide).", Image(data=png, format="png")]

    @tool("Look at a media item at a time (s) into it: answers a PNG of its picture then (a still: its picture), "
          "`width` pixels wide. A sound has no picture; a time past a video's end is refused.")
    def look_at_media(
        media_id: str,
        time: Annotated[float, Field(description="Seconds into the media")] = 0.0,
        width: Annotated[int, Field(description="Pixels wide", ge=16, le=1920)] = 640,
    ) -> list[str | Image]:
        png = api.image(f"/api/media/{media_id}/frame", {"t": time, "width": width})
        return [f"Media {media_id} at {time:g} s ({width} px wide).", Image(data=png, format="png")]

    # ---- export

    @tool("List what an export can be: the presets (id, label and the settings each fills in: e.g. "
          "'vertical_1080x1920' for 9:16), the formats (id, label, extension, codecs, qualities, whether this "
          "machine can write it), the resolutions, frame rates, qualities, captions modes, and the default.")
    def list_export_presets() -> dict[str, Any]:
        got = api.get("/api/export/formats")
        formats = [{k: f.get(k) for k in ("id", "label", "extension", "video", "audio", "qualities", "available",
                                          "unavailable_reason")} for f in got["formats"]]
        return {"presets": got["presets"], "formats": formats, "resolutions": got["resolutions"],
                "frame_rates": got["frame_rates"], "qualities": got["qualities"],
                "captions_modes": got.get("captions_modes"), "default": got["default"]}

    @tool("Export the open project's timeline and wait for it; answers the file's path and the settings used "
          "(every field filled in). Without preset or settings: an MP4 (H.264/AAC) at the canvas's size and "
          "rate. `preset` is an id from list_export_presets; `settings` are fields as the export API takes "
          "them: format (e.g. 'webm_vp9', 'mov_prores', 'gif'), resolution ('canvas', '720p', or a frame like "
          "'1080x1920': another aspect is letterboxed), fps ('canvas' or 24/25/30/50/60), quality ('high', "
          "'medium', 'small'), range ('whole' or {in, out} seconds), captions ('burn', 'sidecar', 'soft', "
          "'none'); given beside a preset they win over its fields. The file is saved to `save_to` (an "
          "absolute path whose extension is the format's) or to the data dir's exports/ folder.")
    def export(save_to: Annotated[str | None, Field(description="Absolute path for the file")] = None,
               preset: Annotated[str | None, Field(description="A preset id from list_export_presets")] = None,
               settings: Annotated[dict[str, Any] | None, Field(
                   description="Export settings: format, resolution, fps, quality, range, captions")] = None,
               timeout: Annotated[float, Field(description="Seconds to wait at most", gt=0, le=7200)] = 600
               ) -> dict[str, Any]:
        pid = session.project()
        if save_to is not None and not Path(save_to).expanduser().is_absolute():
            raise ApiError("invalid_path: save_to must be an absolute path.")
        # the body the page's export dialog sends: {settings: {preset?, fields...}}, the fields
        # given beside a preset winning over its own (render/settings.py normalize)
        chosen: dict[str, Any] | None = None
        if preset is not None or settings is not None:
            chosen = {**({"preset": preset} if preset is not None else {}), **(settings or {})}
        # checked before anything starts (a wrong field is the API's refusal naming it); the estimate
        # also gives the settings filled in, which the default export's job does not keep
        planned = api.post(f"/api/projects/{pid}/exports/estimate", {"settings": chosen or {}})
        extension = planned["estimate"]["extension"]
        if save_to is not None and Path(save_to).suffix.lower() != f".{extension}":
            raise ApiError(f"invalid_path: save_to must end in .{extension}, the chosen format's extension.")
        job = api.post(f"/api/projects/{pid}/exports", {"settings": chosen} if chosen is not None else {})["job"]
        deadline = time.monotonic() + timeout
        while job["status"] not in ("done", "failed", "cancelled"):
            if time.monotonic() > deadline:
                api.post(f"/api/exports/{job['id']}/cancel")
                raise ApiError(f"export_timeout: the export did not finish in {timeout} s and was cancelled.")
            time.sleep(0.5)
            job = api.get(f"/api/exports/{job['id']}")["job"]
        if job["status"] != "done":
            err = job.get("error") or {}
            raise ApiError(f"export_{job['status']}: {err.get('message') or job.get('message') or job['status']}")
        name = Path(job.get("filename") or f"export.{extension}")
        dest = Path(save_to).expanduser() if save_to else session.data_dir / "exports" / (
            f"{name.stem}-{job['id'][:8]}{name.suffix}")
        dest.parent.mkdir(parents=True, exist_ok=True)
        api.download(f"/api/exports/{job['id']}/file", dest)
        out = {"path": str(dest), "export_id": job["id"], "duration": job.get("duration"),
               "settings": job.get("settings") or planned["settings"],
               "plan_summary": (job.get("plan") or {}).get("summary")}
        sidecar = job.get("sidecar")
        if sidecar:  # captions "sidecar": the subtitle file goes beside the export
            side = dest.with_suffix(Path(sidecar["filename"]).suffix)
            api.download(f"/api/exports/{job['id']}/sidecar", side)
            out["sidecar_path"] = str(side)
        return out

    # ---- resources

    @mcp.resource("reelcut://project/timeline", name="timeline", mime_type="application/json",
                  description="The open project's timeline document (version 2) with its revision.")
    def timeline_resource() -> str:
        try:
            return json.dumps(api.get(f"/api/projects/{session.project()}/timeline"))
        except ApiError as exc:
            from mcp.server.mcpserver.exceptions import ResourceError

            raise ResourceError(str(exc)) from None

    @mcp.resource("reelcut://project/media", name="media", mime_type="application/json",
                  description="The open project's media list.")
    def media_resource() -> str:
        try:
            return json.dumps(api.get(f"/api/projects/{session.project()}/media"))
        except ApiError as exc:
            from mcp.server.mcpserver.exceptions import ResourceError

            raise ResourceError(str(exc)) from None

    return mcp


def run(data_dir: Path | None = None) -> int:
    """`reelcut mcp`: serve MCP on stdio until the client closes it."""
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(message)s", force=True)
    data_dir = data_dir or default_data_dir()
    api, own = connect(data_dir)
    try:
        build(Session(api, data_dir)).run("stdio")
    finally:
        if own is not None:
            own.shutdown()
    return 0
