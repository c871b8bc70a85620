"""Split of a keyframed clip and the canvas, through `reelcut mcp` (the SDK's real stdio client):
the split follows the page's rule (web/js/timeline/split-model.js, run here under node on the same
document), the halves look as the clip did, and set_canvas sets what the page's canvas control
sets."""

from __future__ import annotations

import base64
import copy
import io
import json
import subprocess
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from mcp import Client

from reelcut.library.split import split_clip
from tests.media_samples import make_video
from tests.server_process import ServerProcess
from tests.test_mcp import TOKEN, data, error_text, in_own_thread, params

pytestmark = pytest.mark.timeout(120)
ROOT = Path(__file__).resolve().parent.parent


def node(script: str, doc: Any) -> Any:
    """The page's modules run under node on `doc` (given as DOC): what the script prints, as JSON."""
    out = subprocess.run(["node", "--input-type=module", "-e", f"const DOC = {json.dumps(doc)};\n{script}"],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def page_split(doc: dict, clip_ids: list[str], t: float) -> dict:
    """The page's Split (edit-model.js splitAt, then the transitions settled as project.js's edit
    does), the new clips' ids renamed right-1, right-2… in document order."""
    return node(
        "import { splitAt } from './web/js/timeline/edit-model.js';\n"
        "import { settleTransitions } from './web/js/timeline/transitions-model.js';\n"
        f"const next = settleTransitions(splitAt(DOC, {json.dumps(clip_ids)}, {json.dumps(t)}));\n"
        "const known = new Set(DOC.tracks.flatMap((tr) => tr.clips.map((c) => c.id)));\n"
        "let n = 0;\n"
        "for (const tr of next.tracks) for (const c of tr.clips) if (!known.has(c.id)) c.id = `right-${++n}`;\n"
        "console.log(JSON.stringify(next));", doc)


def python_split(doc: dict, clip_ids: list[str], t: float) -> dict:
    """The Python twin applied as the page applies it: each clip t falls inside, in place."""
    out = copy.deepcopy(doc)
    n = 0
    for track in out["tracks"]:
        clips = []
        for clip in track["clips"]:
            length = clip["duration"] if "duration" in clip else (clip["out"] - clip["in"]) / clip.get("speed", 1)
            if clip["id"] in clip_ids and clip["start"] + 0.05 < t < clip["start"] + length - 0.05:
                n += 1
                clips.extend(split_clip(clip, t, f"right-{n}"))
            else:
                clips.append(clip)
        track["clips"] = clips
    return out


KEYED = {  # every case the rule has: eased and hold keys, a key at the cut, keys all before or after it
    "opacity": [{"time": 0, "value": 0.2, "easing": "linear"}, {"time": 1.5, "value": 1, "easing": "ease-in"},
                {"time": 2.5, "value": 0.4, "easing": "hold"}, {"time": 3.5, "value": 0.9}],
    "transform.x": [{"time": 1.0, "value": 0.1, "easing": "ease-in-out"}, {"time": 3.0, "value": 0.9}],
    "transform.scale": [{"time": 0.25, "value": 2, "easing": "linear"}],
    "volume": [{"time": 3.8, "value": 0.5, "easing": "ease-out"}],
}


def parity_doc() -> dict:
    video = [
        {"id": "a", "media_id": "m1", "start": 0, "in": 1, "out": 5, "keyframes": KEYED, "fade_in": 0.5,
         "fade_out": 0.75, "link": "L1"},
        {"id": "b", "media_id": "m1", "start": 3.5, "in": 0, "out": 4, "speed": 2, "fade_in": 1.9, "fade_out": 0.3,
         "transition_in": {"type": "crossfade", "duration": 0.5}, "keyframes": {
             "opacity": [{"time": 0.1, "value": 0.5, "easing": "ease-out"}, {"time": 1.7, "value": 1}]}},
    ]
    audio = [{"id": "s", "media_id": "m2", "start": 0, "in": 0, "out": 4, "link": "L1", "volume": 0.8}]
    text = [{"id": "t", "start": 1, "duration": 3, "text": "Hi", "keyframes": {
        "y": [{"time": 0, "value": 0.2, "easing": "linear"}, {"time": 2.2, "value": 0.8}]}}]
    return {"version": 2, "fps": 30, "width": 640, "height": 360, "markers": [], "tracks": [
        {"id": "T1", "kind": "text", "name": "T1", "muted": False, "hidden": False, "clips": text},
        {"id": "V1", "kind": "video", "name": "V1", "muted": False, "hidden": False, "clips": video},
        {"id": "A1", "kind": "audio", "name": "A1", "muted": False, "hidden": False, "clips": audio}]}


@pytest.mark.parametrize("t", [0.3, 1.5, 2.0, 3.25, 3.9, 4.2])
def test_the_python_split_is_the_pages(t: float) -> None:
    doc = parity_doc()
    ids = ["a", "b", "s", "t"]
    want = page_split(doc, ids, t)
    got = python_split(doc, ids, t)
    from reelcut.mcp_server import settle_transitions

    settle_transitions(got)
    assert got == want
    assert got != doc  # something was cut at every t


def test_the_halves_keep_the_values_of_linear_and_hold_keyframes() -> None:
    from reelcut.media.animation import fade_factor, property_at

    clip = {"id": "c", "media_id": "m", "start": 2, "in": 0, "out": 4, "fade_in": 0.5, "fade_out": 0.5,
            "keyframes": {"opacity": [{"time": 0, "value": 0.2, "easing": "linear"},
                                      {"time": 1.5, "value": 1, "easing": "hold"},
                                      {"time": 3, "value": 0.4, "easing": "linear"}],
                          "transform.y": [{"time": 1, "value": 0.3, "easing": "linear"},
                                          {"time": 3.5, "value": 0.7}]}}
    left, right = split_clip(clip, 4.1, "r")
    assert (left["out"], right["in"], right["start"]) == pytest.approx((2.1, 2.1, 4.1))
    assert "fade_out" not in left and "fade_in" not in right and (left["fade_in"], right["fade_out"]) == (0.5, 0.5)
    # off the keyframes' own times: at a hold's end the value jumps, and which side of it a time
    # shifted by the cut lands on is the floats' rounding
    for t in np.arange(0.02, 4, 0.05):
        half, at = (left, t) if t < 2.1 else (right, t - 2.1)
        for name in ("opacity", "transform.y"):
            assert property_at(half, name, at) == pytest.approx(property_at(clip, name, t), abs=1e-9), (name, t)
        assert fade_factor(half, at) == pytest.approx(fade_factor(clip, t), abs=1e-9), t


def test_a_cut_inside_a_fade_keeps_the_levels_of_picture_and_sound() -> None:
    """The Python twin on its own (the parity test above holds it to the page's): the fade is
    scaled on the half it ends in and ramped by keyframes on the other."""
    from reelcut.media.animation import opacity_at, volume_at

    clip = {"id": "c", "media_id": "m", "start": 2, "in": 0, "out": 4, "fade_in": 2, "fade_out": 1.5,
            "volume": 0.8, "opacity": 0.9}
    for cut, scaled in ((0.5, 0.25), (3, 1 / 1.5)):
        left, right = split_clip(clip, 2 + cut, "r")
        for t in np.arange(0.01, 4, 0.01):
            half, at = (left, t) if t < cut else (right, t - cut)
            assert opacity_at(half, at) == pytest.approx(opacity_at(clip, t), abs=1e-12), (cut, t)
            assert volume_at(half, at) == pytest.approx(volume_at(clip, t), abs=1e-12), (cut, t)
        faded = left if cut < 2 else right
        assert faded["volume"] == pytest.approx(0.8 * scaled) and faded["opacity"] == pytest.approx(0.9 * scaled)
        ramped = right if cut < 2 else left
        assert len(ramped["keyframes"]["volume"]) == len(ramped["keyframes"]["opacity"]) == 2


def _png(result: Any) -> np.ndarray:
    assert not result.is_error, result.content
    [image] = [c for c in result.content if c.type == "image"]
    with av.open(io.BytesIO(base64.b64decode(image.data))) as c:
        return next(c.decode(video=0)).to_ndarray(format="rgb24").astype(int)


CUT = 1.6
LOOKS = (0.2, 0.9, 1.5, 1.7, 2.2, 2.9)  # inside both fades and on either side of the cut
IN_FADES = ((0.2, (0.1, 0.3, 0.5)), (2.75, (2.6, 2.7, 2.8, 2.95)))  # the fade in ends at 0.4, the out starts at 2.5


async def _split_flow(data_dir: Path, server: ServerProcess, media_dir: Path) -> None:
    pattern = make_video(media_dir / "pattern.mp4", seconds=4, size="320x180")
    async with Client(params(data_dir), read_timeout_seconds=120) as client:
        pid = data(await client.call_tool("create_project", {"name": "Split"}))["project"]["id"]
        media_id = data(await client.call_tool("import_media", {"path": str(pattern)}))["media"][0]["id"]
        clip_id = data(await client.call_tool("add_clip", {"media_id": media_id, "in_point": 0.5,
                                                           "out_point": 3.5}))["clip_id"]
        for prop, keys in {"opacity": [(0, 0.3), (1.0, 1.0), (2.4, 0.5)],
                           "transform.x": [(0.5, 0.35), (2.5, 0.65)],
                           "transform.y": [(0, 0.45), (3, 0.55)]}.items():
            for time, value in keys:
                data(await client.call_tool("set_keyframe", {"clip_id": clip_id, "property": prop, "time": time,
                                                             "value": value, "easing": "linear"}))
        data(await client.call_tool("set_clip_property", {"clip_id": clip_id, "name": "fade_in", "value": 0.4}))
        data(await client.call_tool("set_clip_property", {"clip_id": clip_id, "name": "fade_out", "value": 0.5}))
        before = server.get(f"/api/projects/{pid}/timeline").json()
        unsplit = {t: _png(await client.call_tool("look_at_timeline", {"time": t, "width": 320}))
                   for t in {*LOOKS, *(t for _, times in IN_FADES for t in times)}}

        split = data(await client.call_tool("split_clip", {"clip_id": clip_id, "time": CUT}))
        after = server.get(f"/api/projects/{pid}/timeline").json()
        assert after["revision"] == before["revision"] + 1 == split["revision"]  # one step
        # the stored document is what the page's Split makes of the same one
        want = page_split(before["timeline"], [clip_id], CUT)
        stored = copy.deepcopy(after["timeline"])
        for track in stored["tracks"]:
            for c in track["clips"]:
                if c["id"] == split["new_clip_id"]:
                    c["id"] = "right-1"
        assert stored == want
        [track] = [t for t in after["timeline"]["tracks"] if t["clips"]]
        left, right = track["clips"]
        assert (left["id"], right["id"]) == (clip_id, split["new_clip_id"])
        at_cut = 1 - 0.5 * (CUT - 1) / 1.4  # from 1 at 1.0 s to 0.5 at 2.4 s
        assert left["keyframes"]["opacity"][-1] == {"time": pytest.approx(CUT), "value": pytest.approx(at_cut),
                                                    "easing": "linear"}
        assert right["keyframes"]["opacity"][0]["value"] == left["keyframes"]["opacity"][-1]["value"]
        assert (left["fade_in"], right["fade_out"]) == (0.4, 0.5) and "fade_out" not in left
        # and it looks as it did: the same decoded pixels before and after the cut
        for t in LOOKS:
            now = _png(await client.call_tool("look_at_timeline", {"time": t, "width": 320}))
            assert now.shape == unsplit[t].shape
            assert np.array_equal(now, unsplit[t]), (t, np.abs(now - unsplit[t]).max())
        assert unsplit[0.2].mean() < unsplit[0.9].mean()  # the looks see the fade: they can fail

        # one undo gives the stored document back exactly
        undone = data(await client.call_tool("undo", {}))
        assert undone["label"] == "Undid an agent's edit."
        back = server.get(f"/api/projects/{pid}/timeline").json()
        assert back["timeline"] == before["timeline"]

        # refused: a time outside the clip, too near an edge, an unknown clip; nothing stored
        rev = back["revision"]
        for args, words in (({"clip_id": clip_id, "time": 9}, "not inside the clip"),
                            ({"clip_id": clip_id, "time": 0.02}, "0.05 s from its ends"),
                            ({"clip_id": "nope", "time": 1}, "unknown_clip")):
            assert words in error_text(await client.call_tool("split_clip", args))
        assert server.get(f"/api/projects/{pid}/timeline").json()["revision"] == rev

        # a cut inside each fade keeps its levels: the halves look as the clip did there
        for cut, times in IN_FADES:
            data(await client.call_tool("split_clip", {"clip_id": clip_id, "time": cut}))
            for t in times:
                now = _png(await client.call_tool("look_at_timeline", {"time": t, "width": 320}))
                assert np.array_equal(now, unsplit[t]), (cut, t, np.abs(now - unsplit[t]).max())
            data(await client.call_tool("undo", {}))
        assert server.get(f"/api/projects/{pid}/timeline").json()["timeline"] == before["timeline"]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_mcp_splits_a_keyframed_clip_as_the_page_does(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "data", TOKEN).start()
    try:
        in_own_thread(_split_flow, tmp_path / "data", server, tmp_path, limit=280)
    finally:
        server.stop()


async def _canvas_flow(data_dir: Path, server: ServerProcess, media_dir: Path) -> None:
    pattern = make_video(media_dir / "pattern.mp4", seconds=1, size="320x180")
    async with Client(params(data_dir), read_timeout_seconds=120) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert "set_canvas" in names
        pid = data(await client.call_tool("create_project", {"name": "Vertical"}))["project"]["id"]
        media_id = data(await client.call_tool("import_media", {"path": str(pattern)}))["media"][0]["id"]
        data(await client.call_tool("add_clip", {"media_id": media_id}))
        before = server.get(f"/api/projects/{pid}/timeline").json()

        # bad values: tool errors naming the field, nothing stored
        for args, field in (({"width": 1081}, "width"), ({"height": 8}, "height"), ({"width": 9000}, "width"),
                            ({"fps": 0}, "fps"), ({"fps": 500}, "fps"), ({"width": "wide"}, "width"), ({}, "width")):
            msg = error_text(await client.call_tool("set_canvas", args))
            assert field in msg and "Traceback" not in msg, (args, msg)
        assert server.get(f"/api/projects/{pid}/timeline").json() == before

        made = data(await client.call_tool("set_canvas", {"width": 1080, "height": 1920, "fps": 30}))
        assert made["revision"] == before["revision"] + 1
        assert (made["timeline"]["width"], made["timeline"]["height"], made["timeline"]["fps"]) == (1080, 1920, 30)
        stored = server.get(f"/api/projects/{pid}/timeline").json()["timeline"]
        assert {k: stored[k] for k in ("width", "height", "fps", "format_set")} == {
            "width": 1080, "height": 1920, "fps": 30, "format_set": True}
        assert stored["tracks"] == before["timeline"]["tracks"]
        frame = _png(await client.call_tool("look_at_timeline", {"time": 0.5, "width": 1080}))
        assert frame.shape[:2] == (1920, 1080)
        # a 16:9 picture contained in 9:16: black above and below it, the picture in the middle
        assert frame[:500].max() <= 16 and frame[900:1000].mean() > 40

        # the frame rate alone; then one undo per step
        data(await client.call_tool("set_canvas", {"fps": 25}))
        assert server.get(f"/api/projects/{pid}/timeline").json()["timeline"]["fps"] == 25
        data(await client.call_tool("undo", {}))
        data(await client.call_tool("undo", {}))
        assert server.get(f"/api/projects/{pid}/timeline").json()["timeline"] == before["timeline"]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_mcp_sets_the_canvas(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "data", TOKEN).start()
    try:
        in_own_thread(_canvas_flow, tmp_path / "data", server, tmp_path, limit=280)
    finally:
        server.stop()
