"""`reelcut mcp` driven by the SDK's real MCP client over stdio, against a real `reelcut serve`
found through the discovery file (and once with none running: it starts its own)."""

from __future__ import annotations

import base64
import io
import json
import os
import stat
import sys
import threading
from pathlib import Path
from typing import Any

import anyio
import av
import numpy as np
import pytest
import requests
from mcp import Client, StdioServerParameters  # a main dependency: missing, these tests fail loudly

from tests.media_samples import make_image, make_solid
from tests.server_process import ServerProcess

pytestmark = pytest.mark.timeout(120)

TOKEN = "mcp-test-token"
REPO = Path(__file__).resolve().parents[1]


def params(data_dir: Path) -> StdioServerParameters:
    env = {**os.environ, "REELCUT_DATA_DIR": str(data_dir),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO / "desktop"), os.environ.get("PYTHONPATH")]))}
    env.pop("REELCUT_TOKEN", None)
    return StdioServerParameters(command=sys.executable, args=["-m", "reelcut.cli", "mcp"], env=env)


def data(result: Any) -> dict:
    assert not result.is_error, result.content
    if result.structured_content is not None:
        return result.structured_content
    return json.loads(result.content[0].text)


def error_text(result: Any) -> str:
    assert result.is_error, result
    return " ".join(getattr(c, "text", "") for c in result.content)



def in_own_thread(fn: Any, *args: Any, limit: float = 110) -> None:
    """Run an async flow on a thread of its own: the browser tests' Playwright keeps an event loop
    running on the main thread, where anyio.run would refuse ("Already running asyncio")."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            anyio.run(fn, *args)
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            failure.append(exc)
    worker = threading.Thread(target=run, name="mcp-client")
    worker.start()
    worker.join(limit)  # inside the test's timeout, so this says what did not end
    assert not worker.is_alive(), f"the MCP session did not end within {limit} s"
    if failure:
        raise failure[0]

@pytest.fixture
def server(tmp_path: Path):
    proc = ServerProcess(tmp_path / "data", TOKEN).start()
    yield proc
    proc.stop()


def test_discovery_file_is_private_and_removed_at_exit(tmp_path: Path) -> None:
    proc = ServerProcess(tmp_path / "data", TOKEN).start()
    try:
        path = tmp_path / "data" / "server.json"
        info = json.loads(path.read_text())
        assert info["url"] == proc.url and info["token"] == TOKEN and info["pid"] == proc.proc.pid
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        proc.stop()
    assert not path.exists()


def test_import_by_path_route(server: ServerProcess, tmp_path: Path) -> None:
    pid = server.post("/api/projects", json={"name": "P"}).json()["project"]["id"]
    r = server.post(f"/api/projects/{pid}/media/path", json={"path": str(tmp_path)})
    assert r.status_code == 400 and r.json()["error"]["field"] == "path"
    r = server.post(f"/api/projects/{pid}/media/path", json={"path": "relative.mp4"})
    assert r.status_code == 400
    text = tmp_path / "notes.txt"
    text.write_text("not media")
    r = server.post(f"/api/projects/{pid}/media/path", json={"path": str(text)})
    assert r.status_code == 415
    assert server.get(f"/api/projects/{pid}/media").json()["media"] == []
    still = make_image(tmp_path / "still.png", size="64x36")
    r = server.post(f"/api/projects/{pid}/media/path", json={"path": str(still)})
    assert r.status_code == 201, r.text
    item = r.json()["media"][0]
    assert item["kind"] == "image" and item["width"] == 64
    assert item["source"] == {"type": "import", "original_name": "still.png"}
    assert still.exists()  # copied, never moved
    # a page's cookie may not make the server read a file it names
    s = requests.Session()
    s.get(server.login_url, timeout=10)
    r = s.post(f"{server.url}api/projects/{pid}/media/path", json={"path": str(text)}, timeout=10)
    assert r.status_code in (401, 403)


def test_edit_rereads_and_retries_once_on_a_stale_revision(server: ServerProcess, tmp_path: Path) -> None:
    from reelcut.mcp_server import Api, Session

    session = Session(Api(server.url, TOKEN), tmp_path)
    session.project_id = server.post("/api/projects", json={"name": "P"}).json()["project"]["id"]
    calls = []

    def change(doc: dict) -> None:
        calls.append(1)
        if len(calls) == 1:  # another writer (the page) saves in between
            got = server.get(f"/api/projects/{session.project_id}/timeline").json()
            got["timeline"]["markers"] = [{"id": "page", "time": 1, "name": "from the page"}]
            assert server.put(f"/api/projects/{session.project_id}/timeline", json=got).status_code == 200
        doc["markers"].append({"id": f"agent{len(calls)}", "time": 2, "name": "from the agent"})

    out = session.edit(change)
    assert len(calls) == 2
    assert [m["id"] for m in out["timeline"]["markers"]] == ["page", "agent2"]
    assert out["revision"] == 2


async def _session_flow(data_dir: Path, server: ServerProcess, out: Path) -> None:
    async with Client(params(data_dir), read_timeout_seconds=120) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert {"create_project", "generate", "add_clip", "add_transition", "add_title", "export", "undo",
                "redo", "transcribe_clip", "transcribe_timeline"} <= names

        project = data(await client.call_tool("create_project", {"name": "Agent cut"}))["project"]
        assert server.get(f"/api/projects/{project['id']}").status_code == 200  # the running server has it

        models = data(await client.call_tool("list_models", {}))["models"]
        assert any(m["id"] == "local/preview-t2v" and m["price_per_second"] == 0 for m in models)
        gen = data(await client.call_tool("generate", {
            "model_ids": ["local/preview-t2v"], "takes": 2, "prompt": "a red kite",
            "params": {"duration": 2, "resolution": "360p"}}))
        assert gen["estimated_cost_usd"] == 0 and len(gen["jobs"]) == 2
        waited = data(await client.call_tool("wait_for_jobs", {"job_ids": [j["id"] for j in gen["jobs"]],
                                                               "timeout": 120}))
        assert waited["finished"] and all(j["status"] == "done" for j in waited["jobs"]), waited
        a, b = (j["media_id"] for j in waited["jobs"])
        media = data(await client.call_tool("media_details", {"media_id": a}))["media"]
        assert media["source"]["type"] == "generation" and media["duration"] == pytest.approx(2, abs=0.1)

        first = data(await client.call_tool("add_clip", {"media_id": a, "out_point": 1.5}))
        second = data(await client.call_tool("add_clip", {"media_id": b, "out_point": 1.5}))
        clips = [c for t in second["timeline"]["tracks"] for c in t["clips"]]
        assert [c["start"] for c in clips] == [0, 1.5]
        faded = data(await client.call_tool("add_transition", {"clip_id": second["clip_id"], "duration": 0.5}))
        by_id = {c["id"]: c for t in faded["timeline"]["tracks"] for c in t["clips"]}
        assert by_id[second["clip_id"]]["transition_in"] == {"type": "crossfade", "duration": 0.5}
        assert by_id[first["clip_id"]]["out"] == pytest.approx(2.0)  # the overlap came from after the cut
        assert faded["timeline"]["duration"] == pytest.approx(3.0)
        style = {"font": "DejaVu Serif", "italic": True, "align": "center", "line_spacing": 4,
                 "outline": {"color": "#000000", "width": 3}, "box": {"color": "#202020", "opacity": 0.5,
                                                                      "padding": 8}}
        title = data(await client.call_tool("add_title", {"text": "Kites\nup", "start": 0, "duration": 1,
                                                          **style}))
        kinds = {t["id"]: t["kind"] for t in title["timeline"]["tracks"]}
        assert kinds[title["track_id"]] == "text"
        styled = next(c for t in title["timeline"]["tracks"] for c in t["clips"] if c["id"] == title["clip_id"])
        assert {k: styled[k] for k in style} == style
        marked = data(await client.call_tool("add_marker", {"time": 1.0, "name": "beat"}))
        assert marked["timeline"]["markers"][0]["name"] == "beat"
        # split, move and delete, on a second title
        extra = data(await client.call_tool("add_title", {"text": "End", "start": 2, "duration": 1}))
        split = data(await client.call_tool("split_clip", {"clip_id": extra["clip_id"], "time": 2.4}))
        moved = data(await client.call_tool("move_clip", {"clip_id": split["new_clip_id"], "start": 2.5}))
        texts = {c["id"]: c for t in moved["timeline"]["tracks"] for c in t["clips"] if "text" in c}
        assert texts[extra["clip_id"]]["duration"] == pytest.approx(0.4)
        assert texts[split["new_clip_id"]]["start"] == 2.5
        assert texts[split["new_clip_id"]]["duration"] == pytest.approx(0.6)
        data(await client.call_tool("delete_clip", {"clip_id": extra["clip_id"]}))
        marked = data(await client.call_tool("delete_clip", {"clip_id": split["new_clip_id"]}))
        assert [c["id"] for t in marked["timeline"]["tracks"] for c in t["clips"] if "text" in c] == [
            title["clip_id"]]
        revision = marked["revision"]

        # bad calls: tool errors with the API's or the tool's message, and nothing changes
        assert "unknown_clip" in error_text(await client.call_tool("trim_clip", {"clip_id": "nope", "out_point": 1}))
        assert "past the media" in error_text(await client.call_tool(
            "trim_clip", {"clip_id": first["clip_id"], "out_point": 99}))
        msg = error_text(await client.call_tool("set_clip_property",
                                                {"clip_id": first["clip_id"], "name": "opacity", "value": 7}))
        assert "invalid_timeline" in msg and "opacity" in msg and "Traceback" not in msg
        msg = error_text(await client.call_tool("add_title", {"text": "x", "start": 2, "duration": 1,
                                                              "shadow": {"color": "#000000", "x": 0, "y": 0}}))
        assert "invalid_timeline" in msg and ".shadow.opacity" in msg and "missing" in msg
        msg = error_text(await client.call_tool("move_clip", {"clip_id": second["clip_id"], "start": 0.2}))
        assert "invalid_timeline" in msg  # it would overlap the first clip
        msg = error_text(await client.call_tool("generate", {"model_ids": ["local/preview-t2v"], "prompt": "x",
                                                             "params": {"duration": 999}}))
        assert "duration" in msg
        assert data(await client.call_tool("read_timeline", {}))["revision"] == revision
        assert server.get(f"/api/projects/{project['id']}/timeline").json()["revision"] == revision

        resources = {str(r.uri) for r in (await client.list_resources()).resources}
        assert "reelcut://project/timeline" in resources
        doc = json.loads((await client.read_resource("reelcut://project/timeline")).contents[0].text)
        assert doc["revision"] == revision and doc["timeline"]["version"] == 2

        # undo and redo are the server's one history, every step of this session labelled as the agent's
        undone = data(await client.call_tool("undo", {}))
        assert undone["label"] == "Undid an agent's edit." and undone["can_undo"] and undone["can_redo"]
        assert undone["revision"] == revision + 1  # revisions only grow
        texts = [c["id"] for t in undone["timeline"]["tracks"] for c in t["clips"] if "text" in c]
        assert split["new_clip_id"] in texts  # the last delete undone
        history = server.get(f"/api/projects/{project['id']}/timeline/history").json()
        assert {s["source"] for s in history["steps"]} == {"base", "mcp"} and history["can_redo"]
        redone = data(await client.call_tool("redo", {}))
        assert redone["revision"] == revision + 2 and not redone["can_redo"]
        assert [c["id"] for t in redone["timeline"]["tracks"] for c in t["clips"] if "text" in c] == [
            title["clip_id"]]
        assert "nothing_to_redo" in error_text(await client.call_tool("redo", {}))
        assert server.get(f"/api/projects/{project['id']}/timeline").json()["revision"] == revision + 2

        exported = data(await client.call_tool("export", {"save_to": str(out), "timeout": 300}))
        assert exported["path"] == str(out)

    with av.open(str(out)) as container:
        kinds = sorted(s.type for s in container.streams)
        assert kinds == ["audio", "video"]
        assert container.duration / 1e6 == pytest.approx(3.0, abs=0.15)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_mcp_session_against_running_server(server: ServerProcess, tmp_path: Path) -> None:
    in_own_thread(_session_flow, tmp_path / "data", server, tmp_path / "cut.mp4")


@pytest.mark.timeout(120)
def test_mcp_starts_its_own_server_when_none_runs(tmp_path: Path) -> None:
    data_dir = tmp_path / "alone"
    # a stale discovery file (a crashed launch) is not trusted
    data_dir.mkdir()
    (data_dir / "server.json").write_text(json.dumps({"url": "http://127.0.0.1:9/", "token": "x", "pid": 999999}))
    log = tmp_path / "stderr.txt"

    async def flow() -> None:
        with open(log, "w") as errlog:
            from mcp.client.session import ClientSession
            from mcp.client.stdio import stdio_client

            async with stdio_client(params(data_dir), errlog=errlog) as (read, write):
                async with ClientSession(read, write, read_timeout_seconds=60) as session:
                    await session.initialize()
                    made = data(await session.call_tool("create_project", {"name": "Solo"}))
                    listed = data(await session.call_tool("list_projects", {}))
                    assert [p["id"] for p in listed["projects"]] == [made["project"]["id"]]
                    assert listed["open_project_id"] == made["project"]["id"]
                    assert "no_project" not in json.dumps(listed)

    in_own_thread(flow)
    first = log.read_text().splitlines()[0]
    assert "no running Reelcut found" in first and "started a headless one" in first


def image_centre(result: Any) -> tuple[np.ndarray, tuple[int, int]]:
    """The tool's ImageContent decoded: the mean colour of its middle, and its size."""
    assert not result.is_error, result.content
    [image] = [c for c in result.content if c.type == "image"]
    assert image.mime_type == "image/png"
    with av.open(io.BytesIO(base64.b64decode(image.data))) as c:
        rgb = next(c.decode(video=0)).to_ndarray(format="rgb24").astype(int)
    h, w = rgb.shape[:2]
    return rgb[h // 3: 2 * h // 3, w // 3: 2 * w // 3].reshape(-1, 3).mean(axis=0), (w, h)


async def _look_and_spend_flow(data_dir: Path, server: ServerProcess, media_dir: Path) -> None:
    red = make_solid(media_dir / "red.mp4", "red", seconds=3)
    blue = make_solid(media_dir / "blue.mp4", "blue", seconds=2)
    async with Client(params(data_dir), read_timeout_seconds=120) as client:
        pid = data(await client.call_tool("create_project", {"name": "Looks"}))["project"]["id"]
        ids = [data(await client.call_tool("import_media", {"path": str(p)}))["media"][0]["id"] for p in (red, blue)]
        data(await client.call_tool("add_clip", {"media_id": ids[0], "out_point": 2}))
        second = data(await client.call_tool("add_clip", {"media_id": ids[1]}))
        data(await client.call_tool("add_transition", {"clip_id": second["clip_id"], "duration": 0.8}))
        # red until 2.0, blue from 2.0 with red running on to 2.8 under it: the midpoint is 2.4
        rgb, size = image_centre(await client.call_tool("look_at_timeline", {"time": 0.5, "width": 96}))
        assert size[0] == 96 and np.all(np.abs(rgb - (255, 0, 0)) <= 20), rgb
        rgb, _ = image_centre(await client.call_tool("look_at_timeline", {"time": 2.4}))
        assert np.all(np.abs(rgb - (127, 0, 127)) <= 25), rgb
        rgb, _ = image_centre(await client.call_tool("look_at_media", {"media_id": ids[1], "time": 1.0}))
        assert np.all(np.abs(rgb - (0, 0, 255)) <= 20), rgb
        msg = error_text(await client.call_tool("look_at_timeline", {"time": 60}))
        assert "outside_timeline" in msg and "outside the timeline" in msg and "4.000 s" in msg, msg
        assert "Traceback" not in msg

        # the spending cap, set where the page sets it: a paid generation past it is a tool error
        assert server.patch(f"/api/projects/{pid}", json={"spending_cap": 0.05}).status_code == 200
        msg = error_text(await client.call_tool("generate", {
            "model_ids": ["wan/v2.6/text-to-video"], "prompt": "a kite", "confirm_cost": True}))
        assert "over_spending_cap" in msg and "left of its $0.05 cap" in msg, msg
        assert server.get(f"/api/generations?project_id={pid}").json()["jobs"] == []
        gen = data(await client.call_tool("generate", {
            "model_ids": ["local/preview-t2v"], "prompt": "free", "params": {"duration": 1, "resolution": "360p"}}))
        assert gen["estimated_cost_usd"] == 0 and gen["spending_cap_usd"] == 0.05 and gen["project_spent_usd"] == 0


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_mcp_looks_at_frames_and_respects_the_spending_cap(server: ServerProcess, tmp_path: Path) -> None:
    in_own_thread(_look_and_spend_flow, tmp_path / "data", server, tmp_path)


def _clips(timeline: dict) -> dict[str, dict]:
    return {c["id"]: c for t in timeline["tracks"] for c in t["clips"]}


async def _ripple_keyframe_export_flow(data_dir: Path, server: ServerProcess, media_dir: Path, out: Path) -> None:
    red = make_solid(media_dir / "red.mp4", "red", seconds=3)
    blue = make_solid(media_dir / "blue.mp4", "blue", seconds=2)
    green = make_solid(media_dir / "green.mp4", "lime", seconds=2)
    async with Client(params(data_dir), read_timeout_seconds=120) as client:
        pid = data(await client.call_tool("create_project", {"name": "Ripple"}))["project"]["id"]
        r, b, g = [data(await client.call_tool("import_media", {"path": str(p)}))["media"][0]["id"]
                   for p in (red, blue, green)]
        a = data(await client.call_tool("add_clip", {"media_id": r, "out_point": 2}))["clip_id"]
        mid = data(await client.call_tool("add_clip", {"media_id": b, "out_point": 1}))["clip_id"]
        c = data(await client.call_tool("add_clip", {"media_id": g, "out_point": 1}))["clip_id"]
        data(await client.call_tool("add_transition", {"clip_id": mid, "duration": 0.5}))
        before = server.get(f"/api/projects/{pid}/timeline").json()
        stored = _clips(before["timeline"])
        assert stored[a]["out"] == pytest.approx(2.5) and stored[c]["start"] == pytest.approx(3)

        # ripple delete: the middle clip and its transition go, the red clip ends where it did
        # before the transition, and the later clip moves left by the hole (1 s)
        rippled = data(await client.call_tool("delete_clip", {"clip_id": mid, "ripple": True}))
        after = server.get(f"/api/projects/{pid}/timeline").json()
        assert after["revision"] == before["revision"] + 1 == rippled["revision"]  # one step
        stored = _clips(after["timeline"])
        assert set(stored) == {a, c}
        assert stored[a]["out"] == pytest.approx(2.0) and stored[c]["start"] == pytest.approx(2.0)
        assert "transition_in" not in stored[c] and rippled["timeline"]["duration"] == pytest.approx(3.0)
        # one undo brings both back as they were
        undone = data(await client.call_tool("undo", {}))
        assert undone["label"] == "Undid an agent's edit."
        assert server.get(f"/api/projects/{pid}/timeline").json()["timeline"] == before["timeline"]
        data(await client.call_tool("redo", {}))

        # keyframes: opacity 1 -> 0 over the red clip, easing in (at the middle: 1 - 0.25 = 0.75)
        data(await client.call_tool("set_keyframe", {"clip_id": a, "property": "opacity", "time": 0, "value": 1,
                                                     "easing": "ease-in"}))
        data(await client.call_tool("set_keyframe", {"clip_id": a, "property": "opacity", "time": 2, "value": 0}))
        read = data(await client.call_tool("read_timeline", {}))
        assert _clips(read["timeline"])[a]["keyframes"] == {"opacity": [
            {"time": 0, "value": 1, "easing": "ease-in"}, {"time": 2, "value": 0, "easing": "ease-in"}]}
        rgb, _ = image_centre(await client.call_tool("look_at_timeline", {"time": 0.0, "width": 96}))
        assert np.all(np.abs(rgb - (255, 0, 0)) <= 20), rgb
        rgb, _ = image_centre(await client.call_tool("look_at_timeline", {"time": 1.0, "width": 96}))
        assert np.all(np.abs(rgb - (191, 0, 0)) <= 20), rgb  # ease-in; linear would be 127
        revision = read["revision"]

        # bad keyframes: tool errors with the document's field-named message, nothing stored
        msg = error_text(await client.call_tool("set_keyframe", {"clip_id": a, "property": "x", "time": 1,
                                                                 "value": 0.5}))
        assert "invalid_timeline" in msg and "(field: tracks[1].clips[0].keyframes.x)" in msg, msg
        assert "is not a property this clip can animate" in msg and "Traceback" not in msg
        msg = error_text(await client.call_tool("set_keyframe", {"clip_id": a, "property": "opacity", "time": 5,
                                                                 "value": 0.5}))
        assert "invalid_timeline" in msg and ".time" in msg and "within the clip, from 0 to 2 seconds" in msg, msg
        msg = error_text(await client.call_tool("set_keyframe", {"clip_id": a, "property": "opacity", "time": 1,
                                                                 "value": 0.5, "easing": "bouncy"}))
        assert "invalid_timeline" in msg and ".easing" in msg and "ease-in-out" in msg, msg
        msg = error_text(await client.call_tool("remove_keyframe", {"clip_id": a, "property": "opacity",
                                                                    "time": 1}))
        assert "no_keyframe" in msg and "0, 2" in msg, msg
        msg = error_text(await client.call_tool("set_keyframe", {"clip_id": "nope", "property": "opacity",
                                                                 "time": 1, "value": 1}))
        assert "unknown_clip" in msg
        assert server.get(f"/api/projects/{pid}/timeline").json()["revision"] == revision

        # removing the last keyframe leaves the property at the value it had there
        data(await client.call_tool("remove_keyframe", {"clip_id": a, "property": "opacity", "time": 2}))
        gone = data(await client.call_tool("remove_keyframe", {"clip_id": a, "property": "opacity", "time": 0}))
        assert "keyframes" not in _clips(gone["timeline"])[a] and _clips(gone["timeline"])[a]["opacity"] == 1
        data(await client.call_tool("undo", {}))
        data(await client.call_tool("undo", {}))  # both keyframes back

        # export with a preset, a field beside it winning: the preset's 9:16 frame, in WebM
        listed = data(await client.call_tool("list_export_presets", {}))
        assert "vertical_1080x1920" in {p["id"] for p in listed["presets"]}
        assert any(f["id"] == "webm_vp9" and f["extension"] == "webm" for f in listed["formats"])
        msg = error_text(await client.call_tool("export", {"preset": "tiktok"}))
        assert "settings.preset" in msg and "vertical_1080x1920" in msg, msg
        msg = error_text(await client.call_tool("export", {"settings": {"fps": 7}}))
        assert "settings.fps" in msg, msg
        msg = error_text(await client.call_tool("export", {"save_to": str(out.with_suffix(".mp4")),
                                                           "preset": "vertical_1080x1920",
                                                           "settings": {"format": "webm_vp9"}}))
        assert "invalid_path" in msg and ".webm" in msg, msg
        assert server.get(f"/api/projects/{pid}/exports").json()["exports"] == []  # none started
        exported = data(await client.call_tool("export", {
            "save_to": str(out), "preset": "vertical_1080x1920", "settings": {"format": "webm_vp9", "quality": "small"},
            "timeout": 200}))
        assert exported["path"] == str(out)
        used = exported["settings"]
        assert (used["preset"], used["format"], used["resolution"], used["quality"]) == (
            "vertical_1080x1920", "webm_vp9", "1080x1920", "small")

        # settings alone, captions as a file beside the export (a captions track made in the page)
        got = server.get(f"/api/projects/{pid}/timeline").json()
        got["timeline"]["tracks"].insert(0, {"id": "cap", "name": "Captions", "kind": "captions", "muted": False,
                                             "hidden": False, "clips": []})
        assert server.put(f"/api/projects/{pid}/timeline", json=got).status_code == 200
        data(await client.call_tool("add_title", {"text": "kites aloft", "start": 0.5, "duration": 1,
                                                  "track_id": "cap"}))
        small = out.with_name("small.mp4")
        exported = data(await client.call_tool("export", {"save_to": str(small), "timeout": 200, "settings": {
            "resolution": "480p", "captions": "sidecar"}}))
        assert exported["settings"]["resolution"] == "480p" and exported["settings"]["preset"] is None
        assert exported["sidecar_path"] == str(small.with_suffix(".srt"))
        assert "kites aloft" in Path(exported["sidecar_path"]).read_text()

    with av.open(str(small)) as container:
        video = container.streams.video[0]
        assert (video.codec_context.name, video.codec_context.width, video.codec_context.height) == (
            "h264", 854, 480)

    with av.open(str(out)) as container:
        video = container.streams.video[0]
        assert video.codec_context.name == "vp9"
        assert (video.codec_context.width, video.codec_context.height) == (1080, 1920)
        assert container.streams.audio[0].codec_context.name == "opus"
        reds = {}
        for frame in container.decode(video=0):
            t = float(frame.pts * frame.time_base)
            for want in (0.1, 1.0):
                if abs(t - want) < 0.02:
                    rgb = frame.to_ndarray(format="rgb24").astype(int)
                    reds[want] = rgb[900:1020, 480:600].reshape(-1, 3).mean(axis=0)
    # the keyframed fade is in the file: nearly full red early on, three quarters at 1 s
    assert np.all(np.abs(reds[0.1] - (250, 0, 0)) <= 25), reds
    assert np.all(np.abs(reds[1.0] - (191, 0, 0)) <= 25), reds


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_mcp_ripple_delete_keyframes_and_export_presets(server: ServerProcess, tmp_path: Path) -> None:
    in_own_thread(_ripple_keyframe_export_flow, tmp_path / "data", server, tmp_path, tmp_path / "vertical.webm",
                  limit=280)
