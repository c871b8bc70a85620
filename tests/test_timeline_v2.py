"""The timeline document, version 2 (issue 14's contract): every new field is validated with its
bounds and the error names the field; clips on a track overlap only in a transition; version 1
documents open, and save, migrated."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from reelcut.errors import AppError
from reelcut.library.timeline import LIMITS, VERSION, migrate, validate_timeline, without_clips

from .conftest import Api

FIXTURES = Path(__file__).parent / "fixtures"
MEDIA = {"m", "m-red", "m-blue", "m-green", "m-music"}


def _fixture(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((FIXTURES / name).read_text("utf-8"))["timeline"]
    return doc


def base() -> dict[str, Any]:
    """A title over two video tracks and music: V2's clips are back to back, 4 s each."""
    return {
        "version": 2, "width": 1080, "height": 1920, "fps": 30, "playhead": 0, "zoom": 50,
        "tracks": [
            {"id": "t", "name": "T1", "kind": "text",
             "clips": [{"id": "title", "start": 0, "duration": 2, "text": "Hi"}]},
            {"id": "v2", "name": "V2", "kind": "video", "volume": 1.5, "clips": [
                {"id": "c0", "media_id": "m", "start": 0, "in": 0, "out": 4},
                {"id": "c1", "media_id": "m", "start": 4, "in": 1, "out": 5}]},
            {"id": "v1", "name": "V1", "kind": "video", "muted": True, "hidden": False, "clips": []},
            {"id": "a1", "name": "A1", "kind": "audio", "volume": 0, "clips": [
                {"id": "music", "media_id": "m", "start": 0, "in": 0, "out": 8, "volume": 0.5}]},
        ]}


def everything() -> dict[str, Any]:
    """Every version 2 field, at or near its bounds."""
    doc = base()
    c0, c1 = doc["tracks"][1]["clips"]
    c0.update({"speed": 0.25, "out": 1, "volume": 2, "opacity": 0, "fit": "cover",  # 4 s at a quarter speed
               "transform": {"x": -2, "y": 3, "scale": 10, "rotation": -3600},
               "crop": {"left": 0.5, "right": 0.49, "top": 0, "bottom": 1 - 0.01},
               "fade_in": 1, "fade_out": 2.5,
               "keyframes": {"opacity": [{"time": 0, "value": 0, "easing": "hold"}, {"time": 4, "value": 1}],
                             "volume": [{"time": 1, "value": 2, "easing": "ease-in"}],
                             "transform.x": [{"time": 0, "value": 0.5, "easing": "linear"},
                                             {"time": 0.5, "value": -2, "easing": "ease-out"}],
                             "transform.y": [{"time": 0.25, "value": 3, "easing": "ease-in-out"}],
                             "transform.scale": [{"time": 0, "value": 0.01}, {"time": 3.9, "value": 10}],
                             "transform.rotation": [{"time": 2, "value": 3600}]}})
    c1.update({"start": 3, "speed": 4, "out": 17, "fit": "stretch",  # 4 s, of which its first 1 s over c0
               "transition_in": {"type": "wipe_left", "duration": 1}})
    doc["tracks"][0]["clips"][0].update({"opacity": 0.5, "fade_in": 1, "fade_out": 1,
                                         "keyframes": {"opacity": [{"time": 0.5, "value": 1}]}})
    return doc


def _refused(doc: dict[str, Any], field: str, *words: str) -> AppError:
    with pytest.raises(AppError) as e:
        validate_timeline(doc, MEDIA)
    err = e.value
    assert (err.code, err.status, err.field) == ("invalid_timeline", 422, field), err.message
    assert field in err.message and all(w in err.message for w in words), err.message
    return err


def test_a_document_with_every_field_at_its_bounds_is_kept_as_it_is() -> None:
    doc = everything()
    assert validate_timeline(doc, MEDIA) == everything()
    assert validate_timeline(base(), MEDIA) == base()


def _at(doc: dict[str, Any], where: str) -> dict[str, Any]:
    tracks = doc["tracks"]
    return {"doc": doc, "title": tracks[0]["clips"][0], "c0": tracks[1]["clips"][0], "c1": tracks[1]["clips"][1],
            "v2": tracks[1], "a1": tracks[3], "music": tracks[3]["clips"][0]}[where]


C0 = "tracks[1].clips[0]"
C1 = "tracks[1].clips[1]"


@pytest.mark.parametrize("where,change,field,words", [
    ("c0", {"speed": 0.2}, f"{C0}.speed", ("0.25", "4")),
    ("c0", {"speed": 5}, f"{C0}.speed", ("4",)),
    ("c0", {"speed": "2"}, f"{C0}.speed", ("number",)),
    ("c0", {"speed": 0}, f"{C0}.speed", ()),
    ("c0", {"volume": 2.5}, f"{C0}.volume", ("0", "2")),
    ("music", {"volume": -0.1}, "tracks[3].clips[0].volume", ()),
    ("c0", {"opacity": 1.5}, f"{C0}.opacity", ("0", "1")),
    ("c0", {"opacity": None}, f"{C0}.opacity", ("number",)),
    ("c0", {"transform": [0.5, 0.5]}, f"{C0}.transform", ("object",)),
    ("c0", {"transform": {"skew": 3}}, f"{C0}.transform.skew", ("x, y, scale, rotation",)),
    ("c0", {"transform": {"scale": 0}}, f"{C0}.transform.scale", ("0.01", "10")),
    ("c0", {"transform": {"rotation": 4000}}, f"{C0}.transform.rotation", ("3600", "degrees")),
    ("c0", {"transform": {"x": 3.5}}, f"{C0}.transform.x", ("-2", "3")),
    ("c0", {"transform": {"y": "middle"}}, f"{C0}.transform.y", ("number",)),
    ("c0", {"crop": {"left": 1.2}}, f"{C0}.crop.left", ("0", "1")),
    ("c0", {"crop": {"left": 0.6, "right": 0.5}}, f"{C0}.crop.right", ("left", "0.01")),
    ("c0", {"crop": {"top": 0.5, "bottom": 0.495}}, f"{C0}.crop.bottom", ("top",)),
    ("c0", {"crop": {"middle": 0.1}}, f"{C0}.crop.middle", ("left, top, right, bottom",)),
    ("c0", {"fit": "fill"}, f"{C0}.fit", ("contain, cover, stretch",)),
    ("c0", {"fade_in": -1}, f"{C0}.fade_in", ("0",)),
    ("c0", {"fade_in": 3, "fade_out": 2}, f"{C0}.fade_out", ("fade_in", "longer than the clip (4 seconds)")),
    ("c0", {"fade_in": 5}, f"{C0}.fade_in", ("longer than the clip",)),
    ("c0", {"speed": 2, "fade_out": 3}, f"{C0}.fade_out", ("(2 seconds)",)),  # speed 2 halves the clip
    ("v2", {"volume": 3}, "tracks[1].volume", ("0", "2")),
    ("a1", {"volume": True}, "tracks[3].volume", ("number",)),
])
def test_each_new_field_is_refused_out_of_bounds_by_name(where: str, change: dict[str, Any], field: str,
                                                         words: tuple[str, ...]) -> None:
    doc = base()
    _at(doc, where).update(change)
    _refused(doc, field, *words)


K = f"{C0}.keyframes"


@pytest.mark.parametrize("keyframes,field,words", [
    ([], K, ("object",)),
    ({"blur": []}, f"{K}.blur", ("opacity", "transform.rotation")),
    ({"opacity": {"time": 0, "value": 1}}, f"{K}.opacity", ("list",)),
    ({"opacity": [[0, 1]]}, f"{K}.opacity[0]", ("time, value, easing",)),
    ({"opacity": [{"time": 0}]}, f"{K}.opacity[0].value", ("missing",)),
    ({"opacity": [{"value": 1}]}, f"{K}.opacity[0].time", ("missing",)),
    ({"opacity": [{"time": 0, "value": 1, "ease": "linear"}]}, f"{K}.opacity[0].ease", ("time, value, easing",)),
    ({"opacity": [{"time": 0, "value": 1.5}]}, f"{K}.opacity[0].value", ("0", "1")),
    ({"transform.x": [{"time": 0, "value": 5}]}, f'{K}["transform.x"][0].value', ("-2", "3")),
    ({"transform.rotation": [{"time": 0, "value": -4000}]}, f'{K}["transform.rotation"][0].value', ("3600",)),
    ({"volume": [{"time": 0, "value": 1}, {"time": 4.5, "value": 1}]}, f"{K}.volume[1].time",
     ("within the clip", "4 seconds")),
    ({"volume": [{"time": -0.5, "value": 1}]}, f"{K}.volume[0].time", ()),
    ({"volume": [{"time": 1, "value": 1}, {"time": 1, "value": 2}]}, f"{K}.volume[1].time", ("after", "at 1")),
    ({"volume": [{"time": 2, "value": 1}, {"time": 1, "value": 2}]}, f"{K}.volume[1].time", ("after",)),
    ({"opacity": [{"time": 0, "value": 1, "easing": "bounce"}]}, f"{K}.opacity[0].easing",
     ("linear, ease-in, ease-out, ease-in-out, hold",)),
    ({"opacity": [{"time": t / 100, "value": 1} for t in range(int(LIMITS["keyframes"].high) + 1)]},
     f"{K}.opacity", ("500 keyframes",)),
])
def test_keyframes_are_refused_by_name(keyframes: Any, field: str, words: tuple[str, ...]) -> None:
    doc = base()
    _at(doc, "c0")["keyframes"] = keyframes
    _refused(doc, field, *words)


def test_a_keyframe_lies_within_the_clip_on_the_timeline_whatever_its_speed() -> None:
    doc = base()
    _at(doc, "c0").update({"speed": 2, "keyframes": {"opacity": [{"time": 2, "value": 0}]}})  # 2 s long
    validate_timeline(doc, MEDIA)
    _at(doc, "c0")["keyframes"]["opacity"][0]["time"] = 2.5
    _refused(doc, f"{K}.opacity[0].time", "2 seconds")


def test_the_keyframes_of_a_whole_timeline_are_bounded() -> None:
    doc = base()
    per_clip = int(LIMITS["keyframes"].high)
    clips = [{"id": f"k{i}", "media_id": "m", "start": i * 10.0, "in": 0, "out": 10,
              "keyframes": {"opacity": [{"time": t / 100, "value": 1} for t in range(per_clip)]}}
             for i in range(int(LIMITS["all_keyframes"].high) // per_clip + 1)]
    doc["tracks"][2]["clips"] = clips
    _refused(doc, f"tracks[2].clips[{len(clips) - 1}].keyframes", "20000 keyframes")


def _transition(doc: dict[str, Any], **tr: Any) -> dict[str, Any]:
    """c1 with a transition of 1 s from c0: it starts 1 s before c0's end."""
    c1 = _at(doc, "c1")
    c1["start"] = 3
    c1["transition_in"] = {"type": "crossfade", "duration": 1, **tr}
    return c1


@pytest.mark.parametrize("tr,field,words", [
    ({"type": "zoom"}, f"{C1}.transition_in.type", ("crossfade", "dip_black", "slide_right")),
    ({"type": None}, f"{C1}.transition_in.type", ("crossfade",)),
    ({"duration": 0}, f"{C1}.transition_in.duration", ("0.005",)),
    ({"duration": "1s"}, f"{C1}.transition_in.duration", ("number",)),
    ({"curve": "ease"}, f"{C1}.transition_in.curve", ("type, duration",)),
])
def test_a_transition_is_refused_by_name(tr: dict[str, Any], field: str, words: tuple[str, ...]) -> None:
    doc = base()
    _transition(doc, **tr)
    _refused(doc, field, *words)


def test_every_transition_type_is_accepted_where_it_overlaps_the_clip_before_by_its_duration() -> None:
    for kind in ("crossfade", "dip_black", "dip_white", "wipe_left", "wipe_right", "slide_left", "slide_right"):
        doc = base()
        _transition(doc, type=kind)
        assert validate_timeline(doc, MEDIA) == doc


def test_clips_on_a_track_overlap_only_in_a_transition() -> None:
    doc = base()
    _at(doc, "c1")["start"] = 3.5
    _refused(doc, f"{C1}.start", "overlaps tracks[1].clips[0]", "ends at 4")

    doc = base()
    _transition(doc)["start"] = 3.5  # overlaps by 0.5, not by the transition's 1
    _refused(doc, f"{C1}.start", "must be 3", "1 seconds before the end", "tracks[1].clips[0]")

    doc = base()
    _transition(doc)["start"] = 3.25
    _refused(doc, f"{C1}.start", "must be 3")

    doc = base()
    _transition(doc)["start"] = 4  # back to back: a transition with nothing to mix
    _refused(doc, f"{C1}.start", "must be 3")


def test_a_transition_needs_a_clip_before_it_and_is_not_longer_than_either() -> None:
    doc = base()
    _at(doc, "c0")["transition_in"] = {"type": "crossfade", "duration": 1}
    _refused(doc, f"{C0}.transition_in", "needs a clip before it")

    doc = base()
    _transition(doc, duration=4.5).update({"start": 0, "out": 7})  # c1 is 6 s long, c0 only 4
    _refused(doc, f"{C1}.transition_in.duration", "clip before it", "4 seconds")

    doc = base()
    c1 = _transition(doc, duration=2)
    c1.update({"start": 2, "out": 2.5})  # c1 is 1.5 s long
    _refused(doc, f"{C1}.transition_in.duration", "longer than the clip (1.5 seconds)")


def test_a_transition_overlaps_two_clips_never_three() -> None:
    doc = base()
    c1 = _transition(doc, duration=1)
    c1["out"] = 2.5  # c1: 3 .. 4.5
    doc["tracks"][1]["clips"].append({"id": "c2", "media_id": "m", "start": 3.5, "in": 0, "out": 2,
                                      "transition_in": {"type": "crossfade", "duration": 1}})
    _refused(doc, "tracks[1].clips[2].start", "never three")


def test_clips_that_touch_within_rounding_are_not_an_overlap_and_order_in_the_list_does_not_matter() -> None:
    doc = base()
    a, b = doc["tracks"][1]["clips"]
    a.update({"start": 0.1, "in": 0, "out": 0.2})  # ends at 0.30000000000000004
    b.update({"start": 0.3})
    doc["tracks"][1]["clips"] = [b, a]
    assert validate_timeline(doc, MEDIA)["tracks"][1]["clips"] == [b, a]


def test_a_text_clip_takes_opacity_fades_and_keyframes_of_its_own_properties_only() -> None:
    doc = base()
    title = _at(doc, "title")
    title.update({"opacity": 0.5, "fade_in": 1, "fade_out": 1, "keyframes": {"opacity": [{"time": 0, "value": 0}]}})
    validate_timeline(doc, MEDIA)
    for field, value in (("speed", 2), ("volume", 1), ("transform", {"x": 0.5}), ("crop", {}), ("fit", "cover"),
                         ("transition_in", {"type": "crossfade", "duration": 1})):
        doc = base()
        _at(doc, "title")[field] = value
        _refused(doc, f"tracks[0].clips[0].{field}", "video, image and audio clips only")
    doc = base()
    _at(doc, "title")["keyframes"] = {"volume": [{"time": 0, "value": 1}]}
    _refused(doc, "tracks[0].clips[0].keyframes.volume", "(opacity, x, y, scale)")
    doc = base()
    _at(doc, "title")["fade_in"] = 3
    _refused(doc, "tracks[0].clips[0].fade_in", "(2 seconds)")


def test_a_clip_end_counts_its_speed() -> None:
    doc = base()
    _at(doc, "music").update({"start": 14000, "in": 0, "out": 101, "speed": 0.25})  # 404 s on the timeline
    _refused(doc, "tracks[3].clips[0]", "end by 14400", "ends at 14404")


def test_a_version_that_is_neither_1_nor_2_is_refused() -> None:
    for version in (3, 0, "2", True, None):
        doc = base()
        doc["version"] = version
        _refused(doc, "version", "must be 2", "version 1")


def test_audio_tracks_are_stored_below_the_picture_tracks() -> None:
    """The page adds a video track at the end, below A1: the document still saves, and what is
    stored (and read by the export, agents and formats) has video above audio. The picture and
    the sound are the same: an audio track draws nothing."""
    doc = base()
    doc["tracks"].insert(1, doc["tracks"].pop(3))  # T1, A1, V2, V1
    doc["tracks"].append({"id": "v3", "kind": "video", "clips": []})  # ... V3 at the very bottom
    got = validate_timeline(doc, MEDIA)
    assert [t["id"] for t in got["tracks"]] == ["t", "v2", "v1", "v3", "a1"]
    assert [t["id"] for t in doc["tracks"]] == ["t", "a1", "v2", "v1", "v3"]  # the caller's is left alone


# -- version 1 -------------------------------------------------------------------------------------
def test_a_version_1_document_migrates_to_the_expected_version_2_document() -> None:
    v1, want = _fixture("timeline-v1.json"), _fixture("timeline-v1-migrated.json")
    assert migrate(v1) == want
    assert v1 == _fixture("timeline-v1.json")  # migrate copies; the document read is untouched
    assert validate_timeline(v1, MEDIA) == want  # a v1 save is the same migration
    assert validate_timeline(want, MEDIA) == want  # ... and its result is a valid v2 document
    assert migrate(want) is want  # a v2 document is not migrated again
    assert want["version"] == VERSION


def test_a_version_1_document_is_checked_by_version_1_rules_with_its_own_paths() -> None:
    """The error names the field of the document sent, though migration moves its audio track."""
    v1 = _fixture("timeline-v1.json")
    v1["tracks"][0]["clips"][0]["out"] = -1  # the music, on A1, listed first
    _refused(v1, "tracks[0].clips[0].out")
    v1 = _fixture("timeline-v1.json")
    v1["tracks"][2]["clips"][1]["media_id"] = "gone"
    _refused(v1, "tracks[2].clips[1].media_id", "not in this project")


def test_migration_never_raises_on_a_damaged_stored_document() -> None:
    for doc in ({"version": 1}, {"version": 1, "tracks": "x"}, {"version": 1, "tracks": [None, {"clips": [7]}]},
                {"version": 1, "tracks": [{"id": "v", "clips": [{"start": "a"}, {"start": 0, "in": 0}]}]}, [], None):
        got = migrate(doc)
        assert not isinstance(doc, dict) or got["version"] == 2


def test_removing_clips_drops_a_transition_that_came_from_one_of_them() -> None:
    doc = base()
    _transition(doc)
    doc["tracks"][1]["clips"][0]["media_id"] = "m-red"
    got = without_clips(doc, lambda c: c.get("media_id") == "m-red")
    left = got["tracks"][1]["clips"]
    assert [c["id"] for c in left] == ["c1"] and "transition_in" not in left[0]
    assert validate_timeline(got, MEDIA) == got
    assert "transition_in" in doc["tracks"][1]["clips"][1]  # a copy
    kept = without_clips(doc, lambda c: c["id"] == "music")
    assert kept["tracks"][1] == doc["tracks"][1]


# -- through the library and the API --------------------------------------------------------------
def _with_media(doc: dict[str, Any], media_id: str) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    for track in doc["tracks"]:
        for clip in track["clips"]:
            if "media_id" in clip:
                clip["media_id"] = media_id
    return doc


def _row(services: Any, project: dict[str, Any]) -> Any:
    return json.loads(services.db.one("SELECT timeline FROM projects WHERE id = ?", (project["id"],))["timeline"])


def test_a_stored_version_1_document_opens_migrated_and_is_upgraded_by_the_next_save(
        api: Api, services: Any, project: dict[str, Any], samples: dict[str, Path]) -> None:
    item = services.media.import_path(project["id"], samples["video"])
    v1 = _with_media(_fixture("timeline-v1.json"), item["id"])
    want = _with_media(_fixture("timeline-v1-migrated.json"), item["id"])
    services.db.execute("UPDATE projects SET timeline = ? WHERE id = ?", (json.dumps(v1), project["id"]))
    url = f"/api/projects/{project['id']}/timeline"
    assert services.projects.timeline(project["id"]) == want
    assert api.get(url).json["timeline"] == want
    assert _row(services, project) == v1  # reading changes nothing on disk
    r = api.put(url, json={"timeline": api.get(url).json["timeline"]})
    assert r.status_code == 200 and r.json["timeline"] == want
    assert _row(services, project) == want


def test_a_version_1_document_put_by_an_old_page_is_accepted_and_stored_migrated(
        api: Api, services: Any, project: dict[str, Any], samples: dict[str, Path]) -> None:
    item = services.media.import_path(project["id"], samples["video"])
    url = f"/api/projects/{project['id']}/timeline"
    r = api.put(url, json={"timeline": _with_media(_fixture("timeline-v1.json"), item["id"])})
    assert r.status_code == 200, r.json
    want = _with_media(_fixture("timeline-v1-migrated.json"), item["id"])
    assert r.json["timeline"] == want and _row(services, project) == want


def test_new_projects_get_a_version_2_document_with_the_higher_track_on_top(services: Any,
                                                                            project: dict[str, Any]) -> None:
    doc = services.projects.timeline(project["id"])
    assert doc["version"] == 2
    assert [(t["name"], t["kind"]) for t in doc["tracks"]] == [("V2", "video"), ("V1", "video"), ("A1", "audio")]
    assert validate_timeline(doc, set()) == doc


def test_a_refused_version_2_save_names_the_field_and_stores_nothing(api: Api, services: Any, project: dict[str, Any],
                                                                     samples: dict[str, Path]) -> None:
    item = services.media.import_path(project["id"], samples["video"])
    before = _row(services, project)
    doc = _with_media(everything(), item["id"])
    doc["tracks"][1]["clips"][1]["transition_in"]["type"] = "spin"
    r = api.put(f"/api/projects/{project['id']}/timeline", json={"timeline": doc})
    assert r.status_code == 422 and r.json["error"]["code"] == "invalid_timeline"
    assert r.json["error"]["field"] == f"{C1}.transition_in.type"
    assert _row(services, project) == before
    doc["tracks"][1]["clips"][1]["transition_in"]["type"] = "slide_left"
    r = api.put(f"/api/projects/{project['id']}/timeline", json={"timeline": doc})
    assert r.status_code == 200 and _row(services, project) == doc


def test_deleting_media_drops_the_transition_that_came_from_its_clip(services: Any, project: dict[str, Any],
                                                                     samples: dict[str, Path]) -> None:
    first = services.media.import_path(project["id"], samples["video"])
    second = services.media.import_path(project["id"], samples["image"])
    doc = services.projects.timeline(project["id"])
    doc["tracks"][0]["clips"] = [
        {"id": "a", "media_id": first["id"], "start": 0, "in": 0, "out": 2},
        {"id": "b", "media_id": second["id"], "start": 1.5, "in": 0, "out": 3,
         "transition_in": {"type": "dip_black", "duration": 0.5}}]
    services.projects.save_timeline(project["id"], doc)
    services.media.delete(first["id"])
    left = services.projects.timeline(project["id"])
    assert left["tracks"][0]["clips"] == [{"id": "b", "media_id": second["id"], "start": 1.5, "in": 0, "out": 3}]
    services.projects.save_timeline(project["id"], left)  # and it still saves


def test_format_set_is_kept_and_must_be_true_or_false() -> None:
    doc = {"version": VERSION, "fps": 24, "width": 640, "height": 360, "tracks": [], "markers": [],
           "format_set": True}
    assert validate_timeline(copy.deepcopy(doc), set())["format_set"] is True
    with pytest.raises(AppError) as e:
        validate_timeline({**doc, "format_set": "yes"}, set())
    assert e.value.field == "format_set" and "true or false" in e.value.message
