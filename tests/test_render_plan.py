"""Smart render's plan (render/plan.py), without ffmpeg: documents and fake source facts."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest

from reelcut.render.plan import plan_export, smart_render_off

pytestmark = pytest.mark.timeout(30)
_ids = itertools.count()


def info(fps: float = 30, size: tuple[int, int] = (320, 180), duration: float = 2.0, gop: float = 1.0,
         **video: Any) -> dict[str, Any]:
    v = {"codec": "h264", "profile": "High", "width": size[0], "height": size[1], "pix_fmt": "yuv420p", "fps": fps,
         "constant_rate": True, "sar": "1:1", "color_range": "unknown", "color_space": "unknown",
         "color_primaries": "unknown", "color_trc": "unknown", "duration": duration,
         "keyframes": [i * gop for i in range(int(duration / gop + 1e-9) + (0 if duration % gop < 1e-9 else 1))],
         "params": "p1", **video}
    return {"kind": "video", "video": v, "audio": {"codec": "aac", "profile": "LC", "rate": 48000, "channels": 2}}


def clip(media: str, start: float, out: float = 2.0, in_: float = 0.0, **props: Any) -> dict[str, Any]:
    return {"id": f"c{next(_ids)}", "media_id": media, "start": start, "in": in_, "out": out, **props}


def doc(*tracks: dict[str, Any]) -> dict[str, Any]:
    return {"version": 2, "width": 320, "height": 180, "fps": 30, "tracks": list(tracks)}


def video(*clips: dict[str, Any], **props: Any) -> dict[str, Any]:
    return {"id": f"t{next(_ids)}", "kind": "video", "muted": False, "hidden": False, "clips": list(clips), **props}


def audio(*clips: dict[str, Any], **props: Any) -> dict[str, Any]:
    return {**video(*clips, **props), "kind": "audio"}


SOURCES = {"a": info(), "b": info(), "c": info(duration=3.0)}


def test_whole_clips_back_to_back_are_all_copied() -> None:
    d = doc(video(), video(clip("a", 0), clip("b", 2), clip("c", 4, out=3.0)), audio())
    p = plan_export(d, SOURCES)
    assert p["copy"] is True
    assert [(s["start"], s["end"], s["action"], s["clip"]) for s in p["stretches"]] == [
        (0, 2, "copy", 1), (2, 4, "copy", 2), (4, 7, "copy", 3)]
    assert p["sound"]["action"] == "copy"
    assert p["summary"] == "Smart render: 3 of 3 clips copied"


def test_a_25fps_source_and_an_opacity_are_named_with_reasons() -> None:
    sources = {**SOURCES, "slow": info(fps=25)}
    d = doc(video(clip("a", 0), clip("slow", 2), clip("b", 4, opacity=0.8)))
    p = plan_export(d, sources)
    assert p["copy"] is False
    reasons = {s["clip"]: (s["action"], s["reason"]) for s in p["stretches"]}
    assert reasons == {1: ("copy", "its source as it is"), 2: ("encode", "25 fps in a 30 fps timeline"),
                       3: ("encode", "opacity 0.8")}
    assert p["summary"] == ("Smart render: 1 of 3 clips copied; clip 2 re-encoded (25 fps in a 30 fps timeline); "
                            "clip 3 re-encoded (opacity 0.8)")
    assert p["splice"] is True  # the copied clip is joined to the encoded ones, not encoded again


@pytest.mark.parametrize(("props", "reason"), [
    ({"speed": 2.0, "out": 2.0}, "speed 2"),
    ({"transform": {"scale": 0.5}}, "scale 0.5"),
    ({"transform": {"rotation": 10}}, "rotated 10°"),
    ({"transform": {"x": 0.3}}, "moved off centre"),
    ({"crop": {"left": 0.1}}, "cropped"),
    ({"fade_in": 0.5}, "a fade"),
    ({"keyframes": {"opacity": [{"time": 0, "value": 1}, {"time": 1, "value": 0.5}]}}, "keyframes on opacity"),
    ({"in_": 0.5, "out": 0.9}, "cut between keyframes, with no keyframe to copy from"),
])
def test_each_edit_of_a_clip_is_a_reason(props: dict[str, Any], reason: str) -> None:
    p = plan_export(doc(video(clip("a", 0, **props))), SOURCES)
    assert [s["action"] for s in p["stretches"]] == ["encode"]
    assert p["stretches"][0]["reason"] == reason


def test_a_clip_cut_between_keyframes_is_encoded_to_the_next_keyframe_and_copied_after() -> None:
    # a keyframe every second in a 3 s source: in at 0.4 s, out at 2.5 s
    d = doc(video(clip("a", 0), clip("c", 2, in_=0.4, out=2.5)))
    p = plan_export(d, SOURCES)
    got = [(round(s["start"], 6), round(s["end"], 6), s["action"], s["clip"], s["reason"]) for s in p["stretches"]]
    assert got == [(0, 2, "copy", 1, "its source as it is"),
                   (2, 2.6, "encode", 2, "cut between keyframes: 0.6 s re-encoded to the next keyframe"),
                   (2.6, 3.6, "copy", 2, "its source as it is"),
                   (3.6, 4.1, "encode", 2, "cut between keyframes: 0.5 s re-encoded from the last keyframe")]
    assert p["copy"] is False and p["splice"] is True
    assert p["summary"] == ("Smart render: 2 of 2 clips copied; clip 2 cut between keyframes: 0.6 s re-encoded to "
                            "the next keyframe; cut between keyframes: 0.5 s re-encoded from the last keyframe, "
                            "the rest copied")
    # an out point at the source's end is copied to it
    p = plan_export(doc(video(clip("c", 0, in_=0.6, out=3.0))), SOURCES)
    assert [(s["action"], round(s["end"], 6)) for s in p["stretches"]] == [("encode", 0.4), ("copy", 2.4)]
    assert p["summary"] == ("Smart render: 1 of 1 clip copied; clip 1 cut between keyframes: 0.4 s re-encoded to "
                            "the next keyframe, the rest copied")


def test_a_clip_whose_splice_failed_is_encoded_whole() -> None:
    d = doc(video(clip("a", 0), clip("c", 2, in_=0.4, out=3.0)))
    c2 = d["tracks"][0]["clips"][1]["id"]
    p = plan_export(d, SOURCES, forced={c2: ["its splice did not decode cleanly"]})
    assert [(s["action"], s["reason"]) for s in p["stretches"]] == [
        ("copy", "its source as it is"), ("encode", "its splice did not decode cleanly")]
    assert p["summary"] == ("Smart render: 1 of 2 clips copied; clip 2 re-encoded (its splice did not decode "
                            "cleanly)")


def test_a_clip_off_the_frame_grid_is_encoded() -> None:
    p = plan_export(doc(video(clip("a", 0), clip("b", 2.01))), SOURCES)
    assert p["stretches"][-1]["reason"] == "starts between two frames of the timeline"


def test_in_and_out_on_keyframes_are_copied() -> None:
    p = plan_export(doc(video(clip("c", 0, in_=1.0, out=2.0))), SOURCES)
    assert p["copy"] is True and p["stretches"][0]["action"] == "copy"


@pytest.mark.parametrize(("video_fields", "reason"), [
    ({"codec": "hevc"}, "HEVC source, the export is H.264"),
    ({"profile": "Main"}, "H.264 Main profile, the export is High"),
    ({"width": 640, "height": 360}, "640x360 in a 320x180 timeline"),
    ({"pix_fmt": "yuv444p"}, "yuv444p pixels, the export is yuv420p"),
    ({"sar": "4:3"}, "sample aspect 4:3"),
    ({"color_space": "bt2020nc"}, "colour space bt2020nc"),
    ({"color_range": "pc"}, "colour range pc"),
    ({"constant_rate": False}, "a variable frame rate"),
])
def test_a_source_unlike_the_output_is_encoded(video_fields: dict[str, Any], reason: str) -> None:
    src = info()
    src["video"].update(video_fields)
    p = plan_export(doc(video(clip("x", 0))), {"x": src})
    assert p["stretches"][0]["action"] == "encode" and p["stretches"][0]["reason"] == reason


def test_bt709_tags_match_the_untagged_output() -> None:
    src = info(color_space="bt709", color_primaries="bt709", color_trc="bt709", color_range="tv")
    assert plan_export(doc(video(clip("x", 0))), {"x": src})["copy"] is True


def test_layers_titles_gaps_and_transitions() -> None:
    title = {"id": "title", "kind": "text", "muted": False, "hidden": False,
             "clips": [{"id": "t1", "text": "Hi", "start": 0.5, "duration": 1.0}]}
    d = doc(title, video(clip("b", 3)), video(clip("a", 0), clip("c", 4, out=3.0)))
    p = plan_export(d, SOURCES)
    got = [(s["start"], s["end"], s["action"], s.get("clip"), s["reason"]) for s in p["stretches"]]
    assert got == [(0, 0.5, "copy", 1, "its source as it is"), (0.5, 1.5, "encode", 1, "a title over it"),
                   (1.5, 2, "copy", 1, "its source as it is"), (2, 3, "encode", None, "a gap (black)"),
                   (3, 4, "copy", 2, "its source as it is"),
                   (4, 5, "encode", 2, "another video layer at the same time"),
                   (5, 7, "copy", 3, "its source as it is")]
    assert p["copy"] is False
    # a hidden title and a hidden layer do not count (a hidden track's sound still plays)
    hidden = copy.deepcopy(d)
    hidden["tracks"][0]["hidden"] = True
    hidden["tracks"][1]["hidden"] = True
    hidden["tracks"][2]["clips"][1]["start"] = 2
    assert plan_export(hidden, SOURCES)["sound"]["reason"] == "sound from another track"
    hidden["tracks"][1]["muted"] = True
    assert plan_export(hidden, SOURCES)["copy"] is True

    tr = doc(video(clip("a", 0), clip("b", 1.5, transition_in={"type": "crossfade", "duration": 0.5})))
    reasons = [s["reason"] for s in plan_export(tr, SOURCES)["stretches"]]
    assert reasons == ["a transition out of it", "another video layer at the same time",
                       "a crossfade transition into it"]


def test_the_sound_is_copied_only_when_it_is_each_clips_own() -> None:
    base = [clip("a", 0), clip("b", 2)]

    def sound(*tracks: dict[str, Any], sources: dict[str, Any] = SOURCES) -> dict[str, Any]:
        return plan_export(doc(*tracks), sources)["sound"]

    assert sound(video(*copy.deepcopy(base)))["action"] == "copy"
    assert sound(video(*copy.deepcopy(base), muted=True))["reason"] == "a muted track"
    assert sound(video(*copy.deepcopy(base), volume=0.5))["reason"] == "track volume 0.5"
    assert sound(video(clip("a", 0, volume=0.5)))["reason"] == "a clip's volume"
    assert sound(video(clip("a", 0, audio_detached=True)))["reason"] == "a clip's sound is detached"
    assert sound(video(*copy.deepcopy(base)), audio(clip("c", 0)))["reason"] == "sound from another track"
    mono = info()
    mono["audio"]["channels"] = 1
    assert sound(video(clip("m", 0)), sources={"m": mono})["action"] == "mix"
    short = info()
    short["audio"]["duration"] = 1.5
    assert sound(video(clip("s", 0)), sources={"s": short})["reason"] == "a clip's sound is shorter than its picture"
    silent = info()
    silent["audio"] = None
    assert sound(video(clip("s", 0)), sources={"s": silent})["reason"] == "a clip without sound"
    p = plan_export(doc(video(clip("a", 0, volume=0.5))), SOURCES)
    assert p["copy"] is False and "sound mixed (a clip's volume)" in p["summary"]
    # an encoded picture does not make its untouched sound a reason
    p = plan_export(doc(video(clip("a", 0, opacity=0.5))), SOURCES)
    assert p["sound"]["action"] == "copy" and "sound" not in p["summary"]


def test_copied_clips_share_their_h264_parameters() -> None:
    p = plan_export(doc(video(clip("a", 0), clip("other", 2))), {**SOURCES, "other": info(params="p2")})
    assert p["stretches"][1]["reason"] == "H.264 settings differ from clip 1's"


def test_a_missing_source_or_an_image_is_encoded() -> None:
    p = plan_export(doc(video(clip("gone", 0), clip("img", 2))),
                    {"img": {"kind": "image", "video": None, "audio": None}})
    assert [s["reason"] for s in p["stretches"]] == ["no readable video", "a still image"]


def test_smart_render_off_encodes_everything() -> None:
    p = smart_render_off(doc(video(clip("a", 0), clip("b", 2))))
    assert p["copy"] is False and p["stretches"] == [
        {"start": 0.0, "end": 4.0, "action": "encode", "reason": "smart render is off"}]
    assert p["summary"] == "Smart render is off: the whole timeline is encoded"
