"""A title's opacity, fades, and keyframed opacity, x, y and scale, as the export draws them
(media/compose.py from media/animation.py), read back from the decoded frames."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from reelcut.errors import AppError
from reelcut.library.timeline import validate_timeline
from reelcut.media.compose import build_export_args
from reelcut.media.fonts import find_font

pytestmark = pytest.mark.timeout(120)

W, H, FPS = 320, 180, 10


def _title(**fields: Any) -> dict[str, Any]:
    return {"id": "title", "start": 0, "duration": 2, "text": "Hi", "size": 40, "color": "#ffffff", "x": 0.5,
            "y": 0.5, **fields}


def _doc(*clips: dict[str, Any]) -> dict[str, Any]:
    return {"version": 2, "width": W, "height": H, "fps": FPS, "markers": [],
            "tracks": [{"id": "t1", "name": "T1", "kind": "text", "muted": False, "hidden": False,
                        "clips": list(clips)}]}


def _frames(services: Any, project: dict, *clips: dict[str, Any]) -> list[np.ndarray]:
    """Save a timeline of these titles, export it through the job, and decode every frame (RGB)."""
    services.projects.save_timeline(project["id"], _doc(*clips))
    job = services.exports.wait(services.exports.start(project["id"])["id"], timeout=60)
    assert job["status"] == "done", job
    with av.open(str(services.exports.file_path(job["id"]))) as c:
        return [f.to_ndarray(format="rgb24").astype(int) for f in c.decode(video=0)]


def _ink(img: np.ndarray) -> np.ndarray:
    return img.max(axis=2) > 60


def _box(img: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(_ink(img))
    assert len(xs), "no ink in the frame"
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def _peak(img: np.ndarray) -> int:
    return int(img.max())


def test_a_fade_in_is_dim_at_a_quarter_and_full_after(services: Any, project: dict) -> None:
    frames = _frames(services, project, _title(fade_in=1))
    quarter, after = frames[int(0.25 * FPS) + 0], frames[int(1.5 * FPS)]
    # white at a quarter of the fade: about 64 of 255 over black
    assert 40 <= _peak(quarter) <= 95, _peak(quarter)
    assert _peak(after) >= 235
    assert _peak(frames[0]) < 20  # the fade starts from nothing


def test_a_fade_out_and_keyframed_opacity_multiply(services: Any, project: dict) -> None:
    clip = _title(fade_out=1, keyframes={"opacity": [{"time": 0, "value": 0.5}]})
    frames = _frames(services, project, clip)
    assert 110 <= _peak(frames[5]) <= 145  # opacity 0.5, before the fade
    assert 40 <= _peak(frames[15]) <= 90  # 0.5 times half of the fade out: about 64


def test_a_keyframed_x_moves_the_ink(services: Any, project: dict) -> None:
    clip = _title(keyframes={"x": [{"time": 0, "value": 0.25}, {"time": 1, "value": 0.75}]})
    frames = _frames(services, project, clip)
    centres = []
    for n in (0, 5, 10, 15):
        left, _, right, _ = _box(frames[n])
        centres.append((left + right) / 2)
    assert abs(centres[0] - 0.25 * W) <= 4, centres
    assert abs(centres[1] - 0.5 * W) <= 4, centres
    assert abs(centres[2] - 0.75 * W) <= 4, centres
    assert abs(centres[3] - centres[2]) <= 1  # after the last keyframe it holds


def test_a_keyframed_y_moves_the_ink_up(services: Any, project: dict) -> None:
    clip = _title(keyframes={"y": [{"time": 0, "value": 0.8, "easing": "ease-out"}, {"time": 1, "value": 0.4}]})
    frames = _frames(services, project, clip)
    _, top0, _, bottom0 = _box(frames[0])
    _, top1, _, bottom1 = _box(frames[12])
    assert abs((top0 + bottom0) / 2 - 0.8 * H) <= 4
    assert abs((top1 + bottom1) / 2 - 0.4 * H) <= 4


def test_scale_2_doubles_the_ink_width_about_the_same_centre(services: Any, project: dict) -> None:
    one = _frames(services, project, _title())[5]
    two = _frames(services, project, _title(keyframes={"scale": [{"time": 0, "value": 2}]}))[5]
    l1, t1, r1, b1 = _box(one)
    l2, t2, r2, b2 = _box(two)
    assert abs((r2 - l2 + 1) - 2 * (r1 - l1 + 1)) <= 4, ((l1, r1), (l2, r2))
    assert abs((t2 + b2) / 2 - (t1 + b1) / 2) <= 3
    assert abs((l2 + r2) / 2 - (l1 + r1) / 2) <= 3


def test_a_still_title_has_plain_numbers_and_no_alpha(tmp_path: Path) -> None:
    """700 still titles cost what they did: nothing animated is written for them."""
    doc = validate_timeline(_doc(_title()), set())
    build_export_args(doc, {}, tmp_path / "out.mp4", tmp_path, find_font())
    graph = (tmp_path / "graph.txt").read_text()
    assert "alpha" not in graph and "if(" not in graph
    assert "fontsize=40:" in graph and ":x=w*0.5-text_w/2:" in graph


@pytest.mark.parametrize("keyframes,field,words", [
    ({"scale": [{"time": 0, "value": 11}]}, "keyframes.scale[0].value", "from 0.1 to 10"),
    ({"scale": [{"time": 0, "value": 0.05}]}, "keyframes.scale[0].value", "from 0.1 to 10"),
    ({"x": [{"time": 0, "value": 1.5}]}, "keyframes.x[0].value", "from 0 to 1"),
    ({"rotation": [{"time": 0, "value": 1}]}, "keyframes.rotation", "opacity, x, y, scale"),
])
def test_a_title_keyframe_out_of_bounds_is_refused_by_name(keyframes: dict, field: str, words: str) -> None:
    with pytest.raises(AppError) as err:
        validate_timeline(_doc(_title(keyframes=keyframes)), set())
    assert err.value.field == f"tracks[0].clips[0].{field}"
    assert words in err.value.message


def test_a_media_clip_cannot_keyframe_a_title_property() -> None:
    doc = {"version": 2, "width": W, "height": H, "fps": FPS, "markers": [],
           "tracks": [{"id": "v1", "name": "V1", "kind": "video", "muted": False, "hidden": False,
                       "clips": [{"id": "c", "media_id": "m", "start": 0, "in": 0, "out": 1,
                                  "keyframes": {"scale": [{"time": 0, "value": 2}]}}]}]}
    with pytest.raises(AppError) as err:
        validate_timeline(doc, {"m"})
    assert err.value.field == "tracks[0].clips[0].keyframes.scale"


def test_an_animated_scale_grows_the_ink_about_its_centre(services: Any, project: dict) -> None:
    """fontsize is an expression of time here (drawtext measures the text after it): the block
    stays centred on its point while it grows."""
    clip = _title(keyframes={"scale": [{"time": 0, "value": 1}, {"time": 1, "value": 2}]})
    frames = _frames(services, project, clip)
    l0, t0, r0, b0 = _box(frames[0])
    lm, _, rm, _ = _box(frames[5])
    l1, t1, r1, b1 = _box(frames[15])
    assert abs((r1 - l1 + 1) - 2 * (r0 - l0 + 1)) <= 4, ((l0, r0), (l1, r1))
    assert abs((r0 - l0 + 1) * 1.5 - (rm - lm + 1)) <= 4, "halfway: 1.5 times"
    assert abs((l1 + r1) / 2 - (l0 + r0) / 2) <= 3 and abs((t1 + b1) / 2 - (t0 + b0) / 2) <= 3
