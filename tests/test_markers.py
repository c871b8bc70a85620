"""Markers in the timeline document (issue 27): `markers: [{id, time, name, color?}]` at the top
level, validated like the rest with the field named; a new document and a migrated version 1
document have none; a save keeps them."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from reelcut.errors import AppError
from reelcut.library.timeline import LIMITS, default_timeline, migrate, validate_timeline

from .conftest import Api

MEDIA = {"m"}


def base() -> dict[str, Any]:
    return {
        "version": 2, "width": 1920, "height": 1080, "fps": 30, "playhead": 0, "zoom": 50,
        "tracks": [{"id": "v1", "name": "V1", "kind": "video", "clips": [
            {"id": "c0", "media_id": "m", "start": 0, "in": 0, "out": 4}]}],
        "markers": [{"id": "mk1", "time": 1.5, "name": "Marker 1"},
                    {"id": "mk2", "time": 3, "name": "Chorus", "color": "#ffcc00"}]}


def _refused(doc: dict[str, Any], field: str, *words: str) -> None:
    with pytest.raises(AppError) as err:
        validate_timeline(doc, MEDIA)
    assert err.value.code == "invalid_timeline"
    assert err.value.field == field, err.value.message
    assert field in err.value.message
    for w in words:
        assert w in err.value.message, err.value.message


def test_markers_are_kept_as_they_are() -> None:
    doc = base()
    assert validate_timeline(copy.deepcopy(doc), MEDIA) == doc


def test_a_document_without_markers_is_valid() -> None:
    doc = base()
    del doc["markers"]
    assert validate_timeline(copy.deepcopy(doc), MEDIA) == doc


def test_a_new_timeline_has_no_markers_and_is_valid() -> None:
    doc = default_timeline()
    assert doc["markers"] == []
    assert validate_timeline(doc, set()) == doc


def test_version_1_migrates_with_no_markers() -> None:
    v1 = {"version": 1, "fps": 30, "width": 1920, "height": 1080, "tracks": []}
    got = migrate(v1)
    assert got["markers"] == [] and got["version"] == 2
    assert "markers" not in v1
    assert validate_timeline(v1, set())["markers"] == []


@pytest.mark.parametrize(("change", "field", "words"), [
    (lambda d: d.update(markers={"a": 1}), "markers", ("must be a list",)),
    (lambda d: d["markers"].append("x"), "markers[2]", ("must be an object",)),
    (lambda d: d["markers"][0].update(time=-1), "markers[0].time", ("from 0 to 14400",)),
    (lambda d: d["markers"][0].update(time=LIMITS["seconds"].high + 1), "markers[0].time", ("from 0 to 14400",)),
    (lambda d: d["markers"][0].update(time="1"), "markers[0].time", ("a number",)),
    (lambda d: d["markers"][0].update(time=True), "markers[0].time", ("a number",)),
    (lambda d: d["markers"][0].pop("time"), "markers[0].time", ("missing",)),
    (lambda d: d["markers"][1].update(name="x" * 201), "markers[1].name", ("1 to 200 characters",)),
    (lambda d: d["markers"][1].update(name=""), "markers[1].name", ("1 to 200 characters",)),
    (lambda d: d["markers"][1].pop("name"), "markers[1].name", ("1 to 200 characters",)),
    (lambda d: d["markers"][1].update(color="red"), "markers[1].color", ("#ffcc00",)),
    (lambda d: d["markers"][1].update(color="ffcc00"), "markers[1].color", ("#ffcc00",)),
    (lambda d: d["markers"][1].update(color="#ffcc00\n"), "markers[1].color", ("#ffcc00",)),
    (lambda d: d["markers"][1].update(id="mk1"), "markers[1].id", ("used twice",)),
    (lambda d: d["markers"][1].update(id=""), "markers[1].id", ("1 to 64 characters",)),
    (lambda d: d["markers"][1].update(id=7), "markers[1].id", ("1 to 64 characters",)),
    (lambda d: d["markers"][0].update(label="x"), "markers[0].label", ("not one of its fields",)),
    (lambda d: d.update(markers=[{"id": f"m{i}", "time": 0, "name": "m"} for i in range(1001)]), "markers",
     ("at most 1000 markers",)),
])
def test_a_wrong_marker_is_refused_naming_its_field(change: Any, field: str, words: tuple[str, ...]) -> None:
    doc = base()
    change(doc)
    _refused(doc, field, *words)


def test_a_name_of_200_characters_and_a_marker_at_the_last_second_are_fine() -> None:
    doc = base()
    doc["markers"][0].update(name="é" * 200, time=LIMITS["seconds"].high)
    assert validate_timeline(copy.deepcopy(doc), MEDIA) == doc


def test_markers_are_saved_and_read_back(api: Api, project: dict[str, Any]) -> None:
    url = f"/api/projects/{project['id']}/timeline"
    doc = api.get(url).json["timeline"]
    assert doc["markers"] == []
    doc["markers"] = [{"id": "mk1", "time": 2, "name": "Drop", "color": "#00ff00"}]
    assert api.put(url, json={"timeline": doc}).status_code == 200
    assert api.get(url).json["timeline"]["markers"] == doc["markers"]
    doc["markers"][0]["name"] = ""
    r = api.put(url, json={"timeline": doc})
    assert r.status_code == 422
    assert r.json["error"]["field"] == "markers[0].name"
