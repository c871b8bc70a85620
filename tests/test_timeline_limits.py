"""What a timeline may hold, checked when it is saved: a document that would crash the export,
render for days or end in ffmpeg's "received no packets" is refused with a 422 naming the field,
and nothing of it is stored."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from reelcut.errors import AppError
from reelcut.library.timeline import LIMITS

from .conftest import Api


def _text(**kw: Any) -> dict[str, Any]:
    return {"id": "t0", "start": 0.0, "duration": 1.0, "text": "Title", "x": 0.5, "y": 0.85, "size": 60,
            "color": "#ffffff", **kw}


@pytest.fixture
def saved(api: Api, services: Any, project: dict, samples: dict) -> dict[str, Any]:
    """A valid timeline with a video clip and a text clip, saved: what a refused save must leave."""
    item = services.media.import_path(project["id"], samples["video"])
    tl = api.get(f"/api/projects/{project['id']}/timeline").json["timeline"]
    tl["tracks"][0]["clips"] = [{"id": "c", "media_id": item["id"], "start": 0, "in": 0, "out": 1}]
    tl["tracks"].insert(0, {"id": "text", "name": "T1", "kind": "text", "muted": False, "hidden": False,
                            "clips": [_text()]})
    assert api.put(f"/api/projects/{project['id']}/timeline", json={"timeline": tl}).status_code == 200
    return tl


def _stored(services: Any, project: dict) -> Any:
    return json.loads(services.db.one("SELECT timeline FROM projects WHERE id = ?", (project["id"],))["timeline"])


def _refused(api: Api, services: Any, project: dict, saved: dict, doc: dict, field: str, *words: str) -> None:
    r = api.put(f"/api/projects/{project['id']}/timeline", json={"timeline": doc})
    assert r.status_code == 422, r.json
    err = r.json["error"]
    assert err["code"] == "invalid_timeline" and err["field"] == field, err
    assert field in err["message"] and all(w in err["message"] for w in words), err["message"]
    assert _stored(services, project) == saved  # nothing of the refused document was kept


def _change(saved: dict, where: str, **values: Any) -> dict:
    doc = copy.deepcopy(saved)
    target = {"doc": doc, "text": doc["tracks"][0]["clips"][0], "video": doc["tracks"][1]["clips"][0]}[where]
    target.update(values)
    return doc


@pytest.mark.parametrize("where,values,field,words", [
    ("video", {"start": 1e9}, "tracks[1].clips[0].start", ("from 0 to 14400 seconds",)),
    ("text", {"start": 1e9}, "tracks[0].clips[0].start", ("14400",)),
    ("text", {"start": 14000, "duration": 1000}, "tracks[0].clips[0]", ("end by 14400",)),
    ("video", {"out": 20000}, "tracks[1].clips[0].out", ("14400",)),
    ("doc", {"width": 321}, "width", ("even",)),
    ("doc", {"height": 241}, "height", ("even",)),
    ("doc", {"width": 320.5}, "width", ("whole",)),
    ("doc", {"width": 8}, "width", ("16", "7680")),
    ("doc", {"height": 100000}, "height", ("7680",)),
    ("doc", {"fps": 0.5}, "fps", ("1", "120")),
    ("doc", {"fps": 10000}, "fps", ("120",)),
    ("doc", {"fps": "25"}, "fps", ("number",)),
    ("doc", {"playhead": -1}, "playhead", ()),
])
def test_out_of_bounds_timelines_are_refused_at_save(api: Api, services: Any, project: dict, saved: dict, where: str,
                                                     values: dict, field: str, words: tuple[str, ...]) -> None:
    _refused(api, services, project, saved, _change(saved, where, **values), field, *words)


@pytest.mark.parametrize("values,field,words", [
    ({"size": "big"}, "size", ("whole number",)),
    ({"size": 12.5}, "size", ("whole number",)),
    ({"size": 4}, "size", ("8", "1000")),
    ({"size": None}, "size", ("number",)),
    ({"size": True}, "size", ("number",)),
    ({"x": "left"}, "x", ("number",)),
    ({"x": 3}, "x", ("0", "1")),
    ({"y": None}, "y", ("number",)),
    ({"y": [0.5]}, "y", ("number",)),
    ({"color": 0xFFFFFF}, "color", ("#ffcc00",)),
    ({"color": "red"}, "color", ("#ffcc00",)),
    ({"color": "#fff"}, "color", ("#ffcc00",)),
    ({"text": 42}, "text", ("text",)),
    ({"text": "x" * 1001}, "text", ("1000 characters",)),
    ({"duration": 0}, "duration", ("0.001",)),
    ({"duration": "1s"}, "duration", ("number",)),
])
def test_text_clip_fields_of_the_wrong_type_or_range_are_refused(api: Api, services: Any, project: dict, saved: dict,
                                                                 values: dict, field: str,
                                                                 words: tuple[str, ...]) -> None:
    """These passed the save and then crashed the export with a 500."""
    _refused(api, services, project, saved, _change(saved, "text", **values), f"tracks[0].clips[0].{field}", *words)


def test_a_text_clip_may_leave_out_its_optional_fields(api: Api, services: Any, project: dict, saved: dict) -> None:
    doc = copy.deepcopy(saved)
    doc["tracks"][0]["clips"] = [{"id": "bare", "start": 0, "duration": 0.5, "text": "Hi"}]
    r = api.put(f"/api/projects/{project['id']}/timeline", json={"timeline": doc})
    assert r.status_code == 200 and _stored(services, project) == doc


def test_too_many_clips_or_tracks_are_refused(api: Api, services: Any, project: dict, saved: dict) -> None:
    most = int(LIMITS["clips"].high)
    doc = copy.deepcopy(saved)
    doc["tracks"][0]["clips"] = [_text(id=f"t{i}", start=i * 0.01) for i in range(most + 1)]
    _refused(api, services, project, saved, doc, "tracks[0].clips", f"{most} clips")
    video = doc["tracks"][1]["clips"][0]
    most_media = int(LIMITS["media_clips"].high)
    doc = copy.deepcopy(saved)
    doc["tracks"][1]["clips"] = [{**video, "id": f"c{i}", "start": float(i)} for i in range(most_media + 1)]
    _refused(api, services, project, saved, doc, "tracks[1].clips", f"{most_media} video, image and audio clips")
    doc = copy.deepcopy(saved)
    doc["tracks"] += [{"id": f"x{i}", "kind": "audio", "clips": []} for i in range(int(LIMITS["tracks"].high))]
    _refused(api, services, project, saved, doc, "tracks", "at most 100 tracks")


def test_a_track_switch_must_be_a_boolean(api: Api, services: Any, project: dict, saved: dict) -> None:
    doc = copy.deepcopy(saved)
    doc["tracks"][1]["hidden"] = "no"
    _refused(api, services, project, saved, doc, "tracks[1].hidden", "true or false")


def test_the_limits_themselves_are_accepted(api: Api, services: Any, project: dict, saved: dict) -> None:
    doc = _change(saved, "doc", width=7680, height=16, fps=120)
    doc["tracks"][0]["clips"] = [_text(start=14399, duration=1, size=1000, x=0, y=1, color="00FF00")]
    r = api.put(f"/api/projects/{project['id']}/timeline", json={"timeline": doc})
    assert r.status_code == 200, r.json
    assert _stored(services, project) == doc


def test_an_export_of_a_timeline_stored_before_the_limits_is_refused_with_the_reason(services: Any,
                                                                                     project: dict) -> None:
    """A document stored by an older Reelcut is checked again when the export starts, so it gets
    the reason rather than an export that runs for ever."""
    doc = services.projects.timeline(project["id"])
    doc["tracks"] = [{"id": "t", "kind": "text", "clips": [_text(start=1e9)]}]
    services.db.execute("UPDATE projects SET timeline = ? WHERE id = ?", (json.dumps(doc), project["id"]))
    with pytest.raises(AppError) as e:
        services.exports.start(project["id"])
    assert e.value.status == 422 and e.value.field == "tracks[0].clips[0].start"
    assert services.exports.list(project["id"]) == []
    temp = services.config.temp_dir
    assert not temp.exists() or list(temp.iterdir()) == []
