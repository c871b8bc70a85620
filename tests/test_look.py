"""What an agent sees and spends: a frame of the composed timeline or of a media item (PNG,
decoded and measured here), and the project's spending cap (the row, and fal's submits)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from reelcut.generation.fal import FalProvider
from reelcut.library.timeline import VERSION

from . import media_samples as ms
from .conftest import Api
from .fake_fal import FakeFal, quick_providers

pytestmark = pytest.mark.timeout(120)

W, H, FPS = 160, 90, 25
WAN_T2V = "wan/v2.6/text-to-video"


@pytest.fixture
def providers(data_dir: Path, fake_fal: FakeFal) -> dict[str, FalProvider]:
    """fal.ai is the fake one: what reaches it is counted."""
    return quick_providers(data_dir)


def centre(png: bytes) -> tuple[np.ndarray, tuple[int, int]]:
    """The mean colour of the middle of a PNG, and its (width, height)."""
    with av.open(io.BytesIO(png)) as c:
        frame = next(c.decode(video=0))
        rgb = frame.to_ndarray(format="rgb24").astype(int)
    h, w = rgb.shape[:2]
    return rgb[h // 3: 2 * h // 3, w // 3: 2 * w // 3].reshape(-1, 3).mean(axis=0), (w, h)


def close(rgb: np.ndarray, want: tuple[int, int, int], tol: int = 20) -> bool:
    return bool(np.all(np.abs(rgb - np.array(want)) <= tol))


@pytest.fixture
def red_into_blue(services: Any, project: dict, tmp_path: Path) -> dict[str, str]:
    """Red 0..2 s, blue crossfading in over 1.2..2.0 s, until 3.2 s."""
    red = services.media.import_path(project["id"], ms.make_solid(tmp_path / "red.mp4", "red"))
    blue = services.media.import_path(project["id"], ms.make_solid(tmp_path / "blue.mp4", "blue"))
    tl = services.projects.timeline(project["id"])
    tl.update({"version": VERSION, "width": W, "height": H, "fps": FPS})
    tl["tracks"] = [{"id": "v1", "kind": "video", "muted": False, "hidden": False, "clips": [
        {"id": "r", "media_id": red["id"], "start": 0, "in": 0, "out": 2},
        {"id": "b", "media_id": blue["id"], "start": 1.2, "in": 0, "out": 2,
         "transition_in": {"type": "crossfade", "duration": 0.8}}]}]
    services.projects.save_timeline(project["id"], tl)
    return {"red": red["id"], "blue": blue["id"]}


def test_a_frame_of_the_timeline_shows_what_the_export_shows(api: Api, project: dict, red_into_blue: dict) -> None:
    url = f"/api/projects/{project['id']}/frame"
    r = api.get(f"{url}?t=0.5&width=80")
    assert r.status_code == 200 and r.mimetype == "image/png"
    rgb, size = centre(r.data)
    assert size == (80, 45) and close(rgb, (255, 0, 0)), (rgb, size)  # 80 wide, the canvas's 16:9 kept
    rgb, _ = centre(api.get(f"{url}?t=1.6").data)  # the crossfade's midpoint
    assert close(rgb, (127, 0, 127), tol=25), rgb
    rgb, size = centre(api.get(f"{url}?t=3.0").data)
    assert close(rgb, (0, 0, 255)) and size == (640, 360)  # the default width
    for query, field in (("t=3.2", "t"), ("t=-1", "t"), ("t=99", "t"), ("t=abc", "t"), ("", "t"),
                         ("t=1&width=5", "width"), ("t=1&width=1.5", "width")):
        r = api.get(f"{url}?{query}")
        assert r.status_code == 422 and r.json["error"]["field"] == field, (query, r.json)
    assert "outside the timeline" in api.get(f"{url}?t=3.2").json["error"]["message"]
    assert "3.200 s" in api.get(f"{url}?t=3.2").json["error"]["message"]


def test_a_frame_of_a_gap_is_black_and_an_empty_timeline_says_so(api: Api, services: Any, project: dict,
                                                                 red_into_blue: dict) -> None:
    tl = services.projects.timeline(project["id"])
    tl["tracks"][0]["clips"][1].update(start=3.0)
    del tl["tracks"][0]["clips"][1]["transition_in"]
    services.projects.save_timeline(project["id"], tl)
    rgb, _ = centre(api.get(f"/api/projects/{project['id']}/frame?t=2.5&width=64").data)
    assert close(rgb, (0, 0, 0), tol=4), rgb
    empty = services.projects.create("Empty")
    r = api.get(f"/api/projects/{empty['id']}/frame?t=0")
    assert r.status_code == 422 and "The timeline is empty" in r.json["error"]["message"]


def test_a_frame_of_a_media_item(api: Api, services: Any, project: dict, tmp_path: Path) -> None:
    seq = services.media.import_path(project["id"], ms.make_sequence(tmp_path / "seq.mp4", ["red", "blue"]))
    rgb, size = centre(api.get(f"/api/media/{seq['id']}/frame?t=0.4&width=80").data)
    assert close(rgb, (255, 0, 0)) and size == (80, 45), (rgb, size)
    rgb, _ = centre(api.get(f"/api/media/{seq['id']}/frame?t=1.5").data)
    assert close(rgb, (0, 0, 255)), rgb
    r = api.get(f"/api/media/{seq['id']}/frame?t=2.5")
    assert r.status_code == 422 and r.json["error"]["code"] == "outside_media"
    still = services.media.import_path(project["id"], ms.make_image(tmp_path / "still.png", size="64x36"))
    r = api.get(f"/api/media/{still['id']}/frame?t=0&width=32")
    assert r.status_code == 200 and centre(r.data)[1] == (32, 18)
    sound = services.media.import_path(project["id"], ms.make_audio(tmp_path / "tone.wav"))
    r = api.get(f"/api/media/{sound['id']}/frame?t=0")
    assert r.status_code == 422 and r.json["error"]["code"] == "no_picture"
    assert api.get("/api/media/nope/frame?t=0").status_code == 404


def test_the_spending_cap_refuses_what_would_pass_it(api: Api, services: Any, project: dict,
                                                     fake_fal: FakeFal) -> None:
    pid = project["id"]
    r = api.patch(f"/api/projects/{pid}", json={"spending_cap": 0.5})
    assert r.status_code == 200 and r.json["project"]["spending_cap"] == 0.5 and r.json["project"]["spent"] == 0
    assert services.db.one("SELECT spending_cap FROM projects WHERE id = ?", (pid,))[0] == 0.5
    body = {"project_id": pid, "model_ids": [WAN_T2V], "prompt": "a lighthouse", "takes": 2}
    r = api.post("/api/generations", json=body)
    assert r.status_code == 422, r.json
    err = r.json["error"]
    assert err["code"] == "over_spending_cap" and err["field"] == "spending_cap"
    assert "the project has $0.50 left of its $0.50 cap" in err["message"] and "This would cost $" in err["message"]
    assert services.db.query("SELECT id FROM jobs WHERE project_id = ?", (pid,)) == []
    assert fake_fal.count("submit") == 0 and fake_fal.calls == []
    # free models are never refused by a cap; a cap of null is none
    local = api.post("/api/generations", json={"project_id": pid, "model_ids": ["local/preview-t2v"], "prompt": "x",
                                               "params": {"local/preview-t2v": {"duration": 1, "resolution": "360p"}}})
    assert local.status_code == 201
    services.jobs.wait(local.json["jobs"][0]["id"], timeout=60)
    r = api.patch(f"/api/projects/{pid}", json={"spending_cap": None})
    assert r.status_code == 200 and r.json["project"]["spending_cap"] is None
    r = api.post("/api/generations", json={**body, "takes": 1})
    assert r.status_code == 201, r.json
    cost = r.json["estimated_cost"]
    assert cost > 0 and api.get(f"/api/projects/{pid}").json["project"]["spent"] == pytest.approx(cost)
    services.jobs.wait(r.json["jobs"][0]["id"], timeout=60)
    assert fake_fal.count("submit") == 1
    # what is spent counts: a cap just above it leaves less than one more
    api.patch(f"/api/projects/{pid}", json={"spending_cap": round(cost * 1.5, 2)})
    r = api.post("/api/generations", json={**body, "takes": 1})
    assert r.status_code == 422
    left = round(cost * 1.5, 2) - cost
    assert f"the project has ${left:.2f} left" in r.json["error"]["message"]
    assert fake_fal.count("submit") == 1


def test_a_wrong_cap_names_the_field_and_changes_nothing(api: Api, services: Any, project: dict) -> None:
    pid = project["id"]
    for bad in (-1, "5", True, 1e9):
        r = api.patch(f"/api/projects/{pid}", json={"spending_cap": bad})
        assert r.status_code == 422 and r.json["error"]["field"] == "spending_cap", bad
    r = api.patch(f"/api/projects/{pid}", json={"budget": 3})
    assert r.status_code == 422 and r.json["error"]["field"] == "budget"
    assert services.db.one("SELECT spending_cap FROM projects WHERE id = ?", (pid,))[0] is None
    r = api.patch(f"/api/projects/{pid}", json={"name": "Renamed", "spending_cap": 5})
    assert r.json["project"]["name"] == "Renamed" and r.json["project"]["spending_cap"] == 5


def test_a_frame_deep_into_a_plain_clip_is_cut_out_and_exact(api: Api, services: Any, project: dict,
                                                            tmp_path: Path) -> None:
    """A clip with no fade, keyframe or transition: the frame is rendered from a seek into it
    (render/frames.py), at the right moment of the source, trims and speed included."""
    seq = services.media.import_path(project["id"], ms.make_sequence(tmp_path / "seq.mp4", ["red", "0x00ff00",
                                                                                            "blue"]))
    tl = services.projects.timeline(project["id"])
    tl.update({"version": VERSION, "width": W, "height": H, "fps": FPS})
    # on the timeline from 1 s, from 0.5 s into the source, at double speed: source 0.5..3.0 over 1..2.25
    tl["tracks"] = [{"id": "v1", "kind": "video", "muted": False, "hidden": False, "clips": [
        {"id": "s", "media_id": seq["id"], "start": 1, "in": 0.5, "out": 3, "speed": 2, "opacity": 0.5}]}]
    services.projects.save_timeline(project["id"], tl)
    url = f"/api/projects/{project['id']}/frame"
    for t, source_colour in ((1.1, (255, 0, 0)), (1.6, (0, 255, 0)), (2.2, (0, 0, 255))):
        rgb, _ = centre(api.get(f"{url}?t={t}&width=64").data)
        want = tuple(c // 2 for c in source_colour)  # at half opacity over black
        assert close(rgb, want, tol=14), (t, rgb)
    rgb, _ = centre(api.get(f"{url}?t=0.5&width=64").data)
    assert close(rgb, (0, 0, 0), tol=4), rgb
