"""The value of a property at a time (media/animation.py) against the shared fixture file: the
page's web/js/timeline/values.js runs the same cases (tests/js/timeline/timeline-values.test.mjs), so the
export and the preview cannot drift apart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reelcut.library.timeline import validate_timeline
from reelcut.media import animation
from reelcut.media.animation import EASINGS, PROPERTIES, TEXT_PROPERTIES, TRANSITIONS

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "timeline-values.json").read_text("utf-8"))
CLIPS: dict[str, dict[str, Any]] = FIXTURE["clips"]
CASES: list[dict[str, Any]] = FIXTURE["cases"]
TOL: float = FIXTURE["tolerance"]


def _run(case: dict[str, Any]) -> Any:
    fn = case["fn"]
    if fn == "ease":
        return animation.ease(case["easing"], case["u"])
    clip = CLIPS[case["clip"]]
    if fn == "clip_length":
        return animation.clip_length(clip)
    if fn == "property_at":
        return animation.property_at(clip, case["property"], case["t"])
    return getattr(animation, fn)(clip, case["t"])


def _name(case: dict[str, Any]) -> str:
    what = case.get("easing") or case.get("clip")
    at = case.get("u", case.get("t", ""))
    return f"{case['fn']}-{what}-{case.get('property', '')}-{at}"


@pytest.mark.parametrize("case", CASES, ids=[_name(c) for c in CASES])
def test_every_fixture_case(case: dict[str, Any]) -> None:
    got = _run(case)
    want = case["expected"]
    if want is None or got is None:
        assert got is None and want is None, (got, case)
    elif isinstance(want, list):
        assert isinstance(got, tuple) and got[0] == want[0] and abs(got[1] - want[1]) <= TOL, (got, case)
    else:
        assert isinstance(got, float | int) and abs(got - want) <= TOL, (got, case)


def test_the_fixture_covers_every_easing_property_transition_and_function() -> None:
    """A case list that silently lost, say, its hold keyframes would prove nothing about them."""
    fns = {c["fn"] for c in CASES}
    assert fns == {"ease", "clip_length", "property_at", "fade_factor", "transition_at", "opacity_at", "volume_at"}
    assert {c["easing"] for c in CASES if c["fn"] == "ease"} == set(EASINGS)
    keyed = {c["clip"] for c in CASES if c["fn"] == "property_at"}
    used = {k.get("easing", "linear") for name in keyed for keys in CLIPS[name].get("keyframes", {}).values()
            for k in keys[:-1]}  # the last keyframe's easing is never followed
    assert used == set(EASINGS)
    assert {c["property"] for c in CASES if c["fn"] == "property_at"} == set(PROPERTIES) | set(TEXT_PROPERTIES)
    assert {c["expected"][0] for c in CASES if c["fn"] == "transition_at" and c["expected"]} == set(TRANSITIONS)
    assert any(c["fn"] == "clip_length" and "speed" in CLIPS[c["clip"]] for c in CASES)


def test_every_fixture_clip_is_a_valid_document_clip() -> None:
    """The cases describe clips a saved timeline may hold: a fixture the validator refuses would
    test values no document can have. A clip with a transition gets a clip before it."""
    for name, clip in CLIPS.items():
        text = "media_id" not in clip
        clips = [clip]
        if "transition_in" in clip:
            d = clip["transition_in"]["duration"]
            before = {"id": "before", "media_id": "m", "start": 0, "in": 0, "out": clip["start"] + d}
            clips = [before, clip]
        track = {"id": "t", "kind": "text" if text else "video", "clips": clips}
        doc = {"version": 2, "width": 1280, "height": 720, "fps": 25, "tracks": [track]}
        validate_timeline(doc, {"m"})  # raises naming the field if not
        assert name == clip["id"]


def test_unknown_easings_and_properties_are_errors_not_defaults() -> None:
    with pytest.raises(ValueError):
        animation.ease("bounce", 0.5)
    with pytest.raises(ValueError):
        animation.property_at(CLIPS["plain"], "transform.skew", 0)
