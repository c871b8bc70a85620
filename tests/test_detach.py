"""Detach audio (issue 26, "Separate audio"): a video clip's sound as its own clip on an audio
track, linked to it by `link`, the video clip marked `audio_detached`. Validation names the
field of a wrong link or flag; a link whose partner is removed goes with it; the export plays
the detached sound once, from the audio clip, at its volume — never doubled."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from reelcut.errors import AppError
from reelcut.library.timeline import validate_timeline, without_clips

from . import media_samples as ms
from .conftest import Api
from .test_export_v2 import TONE_AMPLITUDE, Frames, Sound, clip, close, render, track

MEDIA = {"m"}
V = "tracks[0].clips[0]"
A = "tracks[1].clips[0]"


def detached() -> dict[str, Any]:
    """A video clip and its detached sound on A1, linked."""
    return {"version": 2, "width": 1280, "height": 720, "fps": 30, "tracks": [
        {"id": "v1", "kind": "video", "clips": [
            {"id": "v", "media_id": "m", "start": 1, "in": 0, "out": 2, "link": "L-1", "audio_detached": True}]},
        {"id": "a1", "kind": "audio", "clips": [
            {"id": "a", "media_id": "m", "start": 1, "in": 0, "out": 2, "link": "L-1"}]}]}


def _refused(doc: dict[str, Any], field: str, *words: str) -> None:
    with pytest.raises(AppError) as e:
        validate_timeline(doc, MEDIA)
    err = e.value
    assert (err.code, err.status, err.field) == ("invalid_timeline", 422, field), err.message
    assert field in err.message and all(w in err.message for w in words), err.message


def test_a_detached_pair_is_kept_as_it_is() -> None:
    assert validate_timeline(detached(), MEDIA) == detached()
    unlinked = detached()
    for t in unlinked["tracks"]:
        del t["clips"][0]["link"]
    assert validate_timeline(unlinked, MEDIA) == unlinked  # Unlink keeps audio_detached
    long_link = detached()
    long_link["tracks"][0]["clips"][0]["link"] = "x" * 64
    assert validate_timeline(long_link, MEDIA) == long_link


@pytest.mark.parametrize(("where", "key", "value", "field", "words"), [
    (0, "link", 7, f"{V}.link", ("text", "1 to 64")),
    (1, "link", "", f"{A}.link", ("text", "1 to 64")),
    (1, "link", "x" * 65, f"{A}.link", ("1 to 64",)),
    (0, "link", None, f"{V}.link", ("text",)),
    (0, "audio_detached", "yes", f"{V}.audio_detached", ("true or false",)),
    (1, "audio_detached", 1, f"{A}.audio_detached", ("true or false",)),
])
def test_a_wrong_link_or_audio_detached_is_refused_by_name(where: int, key: str, value: Any, field: str,
                                                           words: tuple[str, ...]) -> None:
    doc = detached()
    doc["tracks"][where]["clips"][0][key] = value
    _refused(doc, field, *words)


def test_a_title_has_no_sound_to_detach() -> None:
    doc = detached()
    doc["tracks"].insert(0, {"id": "t", "kind": "text", "clips": [
        {"id": "title", "start": 0, "duration": 1, "text": "Hi", "audio_detached": True}]})
    _refused(doc, "tracks[0].clips[0].audio_detached", "video, image and audio clips only")


def test_removing_one_linked_clip_unlinks_the_other() -> None:
    doc = detached()
    out = without_clips(doc, lambda c: c["id"] == "a")
    assert out["tracks"][0]["clips"] == [{"id": "v", "media_id": "m", "start": 1, "in": 0, "out": 2,
                                          "audio_detached": True}]
    assert doc == detached()  # a copy
    assert without_clips(doc, lambda c: False) == doc


def test_a_link_that_is_not_text_is_a_422_naming_the_field(api: Api, services: Any, project: dict[str, Any],
                                                            samples: dict[str, Path]) -> None:
    item = services.media.import_path(project["id"], samples["video"])
    doc = copy.deepcopy(detached())
    for t in doc["tracks"]:
        t["clips"][0]["media_id"] = item["id"]
    url = f"/api/projects/{project['id']}/timeline"
    doc["tracks"][1]["clips"][0]["link"] = {"id": "L-1"}
    r = api.put(url, json={"timeline": doc})
    assert r.status_code == 422 and r.json["error"]["field"] == f"{A}.link", r.json
    assert f"{A}.link" in r.json["error"]["message"]
    doc["tracks"][1]["clips"][0]["link"] = "L-1"
    r = api.put(url, json={"timeline": doc})
    assert r.status_code == 200, r.json
    assert api.get(url).json["timeline"]["tracks"][0]["clips"][0]["audio_detached"] is True


# -- the export -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("detach")
    return {"red": ms.make_solid(d / "red.mp4", "red", tone=440, seconds=3)}


@pytest.mark.timeout(120)
def test_a_detached_pair_exports_the_tone_once_at_the_audio_clips_volume(tmp_path, media):
    # 0..2: the video clip with its own sound, as a reference; 2..4 the same clip detached, its
    # sound on A1 at volume 0.5. Doubled, 2..4 would be 1.5 times the reference, not 0.5.
    out = render(tmp_path, media,
                 track(clip("red", 0, 2), clip("red", 2, 2, link="L", audio_detached=True)),
                 track(clip("red", 2, 2, link="L", volume=0.5), kind="audio"))
    s = Sound(out)
    whole = s.tone(0.2, 1.8, 440)
    detached_tone = s.tone(2.2, 3.8, 440)
    assert whole > 0.8 * TONE_AMPLITUDE
    assert abs(20 * np.log10(detached_tone / whole) - 20 * np.log10(0.5)) < 0.5, (whole, detached_tone)


@pytest.mark.timeout(120)
def test_a_detached_clip_alone_is_silent_and_its_picture_is_unchanged(tmp_path, media):
    out = render(tmp_path, media, track(clip("red", 0, 2, audio_detached=True)))
    s = Sound(out)
    assert s.rms(0.1, 1.9) < 1e-4
    assert close(Frames(out).colour(1.0), (255, 0, 0))
