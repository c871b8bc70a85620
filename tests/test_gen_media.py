"""Images, voice-over, sound for a clip and upscale (issue 16): each new fal endpoint submitted
through the real client against the fake fal (whose schema table is its own, written from
shared/reference/fal-models-2026.md), and each offline counterpart making a real file that is
checked by its pixels, its sound or its size, and where it lands on the saved timeline."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
import requests

from reelcut.generation import registry
from reelcut.services import Services

from . import media_samples as ms
from .fake_fal import ANSWERS, KEY, MEDIA_SCHEMAS, FakeFal, quick_providers

FLUX = "fal-ai/flux/dev"
SEEDREAM = "fal-ai/bytedance/seedream/v4.5/text-to-image"
NANO = "fal-ai/nano-banana"
TTS = "fal-ai/elevenlabs/tts/eleven-v3"
MMAUDIO = "fal-ai/mmaudio-v2"
UPSCALER = "fal-ai/bytedance-upscaler/upscale/video"

# the wire values fal must receive from our defaults, and the kind of media each job stores
WIRE: dict[str, dict[str, Any]] = {
    FLUX: {"image_size": "landscape_4_3", "num_inference_steps": 28, "guidance_scale": 3.5, "output_format": "jpeg"},
    SEEDREAM: {"image_size": "landscape_16_9", "enable_safety_checker": True},
    NANO: {"aspect_ratio": "1:1", "output_format": "png"},
    TTS: {"voice": "Rachel", "stability": 0.5, "apply_text_normalization": "auto"},
    MMAUDIO: {"duration": 8.0, "num_steps": 25, "cfg_strength": 4.5, "negative_prompt": ""},
    UPSCALER: {"target_resolution": "1080p", "target_fps": "30fps", "enhancement_tier": "standard"},
}
STORED = {FLUX: "image", SEEDREAM: "image", NANO: "image", TTS: "audio", MMAUDIO: "audio", UPSCALER: "video"}
WRONG = {FLUX: ("num_inference_steps", 28.5), SEEDREAM: ("image_size", "4k"), NANO: ("aspect_ratio", 1),
         TTS: ("stability", "0.5"), MMAUDIO: ("duration", "8"), UPSCALER: ("target_fps", 30)}


@pytest.fixture
def providers(data_dir: Path, fake_fal: FakeFal) -> dict[str, Any]:
    return quick_providers(data_dir)


@pytest.fixture
def video(services: Services, project: dict, tmp_path: Path) -> dict[str, Any]:
    """A 2 s silent 320x240 video in the library."""
    path = tmp_path / "silent.mp4"
    ms._ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "2", "-c:v", "libx264",
               "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(path))
    return services.media.import_path(project["id"], path)


def _done(services: Services, job: dict[str, Any]) -> dict[str, Any]:
    job = services.jobs.wait(job["id"], timeout=120)
    assert job["status"] == "done", job["error"]
    return job


def test_the_fake_knows_every_new_endpoint() -> None:
    ids = {m["id"] for m in registry.all_models()}
    assert set(WIRE) <= ids and set(WIRE) == set(MEDIA_SCHEMAS)
    assert {m: registry.output_of(registry.get_model(m)) for m in WIRE} == STORED
    for model_id in WIRE:  # every fal entry says where its schema or price was not confirmed
        assert registry.get_model(model_id).get("sources")


@pytest.mark.parametrize("model_id", sorted(WIRE))
def test_each_endpoint_submits_with_fals_wire_types_and_stores_its_kind(
        services: Services, project: dict, video: dict[str, Any], fake_fal: FakeFal, model_id: str) -> None:
    job = services.jobs.start(project["id"], [model_id], "rain on a tin roof", {},
                              media={"video_media_id": video["id"]})[0]
    job = _done(services, job)
    [req] = fake_fal.requests.values()
    assert req.endpoint == model_id
    for name, value in WIRE[model_id].items():
        assert req.input[name] == value and type(req.input[name]) is type(value), (name, req.input[name])
    prompt_field = registry.prompt_field(registry.get_model(model_id))
    if prompt_field:
        assert req.input[prompt_field] == "rain on a tin roof"
    else:
        assert "prompt" not in req.input
    if model_id in (MMAUDIO, UPSCALER):
        assert req.input["video_url"].startswith(("data:video/", f"{fake_fal.url}/files/"))
    item = services.media.get(job["media_id"])
    assert item["kind"] == STORED[model_id] and item["cost"] == pytest.approx(job["cost"]) and job["cost"] > 0
    path, _ = services.media.file_path(item["id"])
    assert path.stat().st_size > 0 and path.suffix in (".png", ".jpg", ".m4a", ".mp4")
    if STORED[model_id] == "audio":  # MMAudio's video answer is kept as its sound only
        assert item["video_codec"] is None and item["audio_codec"]


@pytest.mark.parametrize("model_id", sorted(WIRE))
def test_the_fake_refuses_wrong_types_like_fal(fake_fal: FakeFal, model_id: str) -> None:
    model = registry.get_model(model_id)
    good: dict[str, Any] = dict(registry.validate_params(model, {}))
    if registry.prompt_field(model):
        good[registry.prompt_field(model)] = "a lighthouse"
    for spec in registry.media_inputs(model):
        good[spec["name"]] = f"https://v3.fal.media/files/x/{spec['name']}.mp4"
    headers = {"Authorization": f"Key {KEY}"}
    assert requests.post(f"{fake_fal.url}/{model_id}", json=good, headers=headers, timeout=10).status_code == 200
    name, value = WRONG[model_id]
    r = requests.post(f"{fake_fal.url}/{model_id}", json={**good, name: value}, headers=headers, timeout=10)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", name]
    if model_id in ANSWERS:  # images[] or audio: what the client reads is there
        assert ANSWERS[model_id] in ("images", "audio")


# -- offline ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("resolution,aspect,size", [("360p", "16:9", (640, 360)), ("540p", "9:16", (540, 960))])
def test_the_offline_still_is_an_image_of_the_requested_size(services: Services, project: dict,
                                                            resolution: str, aspect: str, size: tuple) -> None:
    job = services.jobs.start(project["id"], ["local/preview-image"], "a red kite over the dunes",
                              {"local/preview-image": {"resolution": resolution, "aspect_ratio": aspect}})[0]
    item = services.media.get(_done(services, job)["media_id"])
    assert item["kind"] == "image" and (item["width"], item["height"]) == size
    path, _ = services.media.file_path(item["id"])
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with av.open(str(path)) as container:
        pixels = next(container.decode(video=0)).to_ndarray(format="rgb24").astype(float)
    assert pixels.shape == (size[1], size[0], 3) and pixels.std() > 5  # a picture, not a blank


def _sound(path: Path) -> tuple[np.ndarray, int]:
    """The file's sound as decoded by PyAV: mono floats, and their sample rate."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        rate, channels = stream.rate, stream.channels
        chunks = []
        for f in container.decode(audio=0):
            a = f.to_ndarray().astype(float)
            chunks.append(a.mean(axis=0) if f.format.is_planar else a.reshape(-1, channels).mean(axis=1))
    return np.concatenate(chunks), rate


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples ** 2))) if len(samples) else 0.0


def _timeline_sound(services: Services, project: dict, tmp_path: Path) -> tuple[np.ndarray, int]:
    """The saved timeline's sound as an export mixes it (mute, volume and trims applied)."""
    doc, _ = services.projects.timeline_at(project["id"])
    out = tmp_path / "mix.m4a"
    services.exports.mix_sound(project["id"], doc, out, threading.Event())
    return _sound(out)


def _voice(services: Services, project: dict, text: str) -> dict[str, Any]:
    job = services.jobs.start(project["id"], ["local/voice"], text)[0]
    return services.media.get(_done(services, job)["media_id"])


def test_the_offline_voice_speaks_the_text(services: Services, project: dict) -> None:
    assert shutil.which("espeak-ng"), "espeak-ng must be installed here (apt-get install -y espeak-ng)"
    texts = {"short": "Hello there.",
             "long": "Hello there. This voice-over goes on for quite a bit longer, sentence after sentence, "
                     "so its sound lasts longer too."}
    seconds = {}
    for name, text in texts.items():
        item = _voice(services, project, text)
        assert item["kind"] == "audio" and item["audio_codec"] == "aac" and item["video_codec"] is None
        samples, rate = _sound(services.media.file_path(item["id"])[0])
        seconds[name] = len(samples) / rate
        assert seconds[name] == pytest.approx(item["duration"], abs=0.1)  # the library's length is the sound's
        # speech: energy over its length, and quiet gaps between words
        assert _rms(samples) > 0.02
        window = rate // 20  # 50 ms
        rms = np.sqrt(np.mean(samples[: len(samples) // window * window].reshape(-1, window) ** 2, axis=1))
        assert (rms > 0.05).mean() > 0.3 and (rms < 0.01).any()
        # a speaking pace: between about 1.5 and 5 words a second (espeak-ng's default is near 3)
        words = len(text.split())
        assert words / 5 <= seconds[name] <= words / 1.5 + 0.5, (text, seconds[name])
    assert seconds["long"] > 3 * seconds["short"]


def test_the_offline_voice_without_espeak_ng_says_what_to_install(services: Services, project: dict,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    # an empty PATH: no espeak-ng (ffmpeg is found by its own rule, REELCUT_FFMPEG or imageio-ffmpeg)
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert shutil.which("espeak-ng") is None
    job = services.jobs.wait(services.jobs.start(project["id"], ["local/voice"], "Hello.")[0]["id"], timeout=60)
    assert job["status"] == "failed" and job["media_id"] is None
    assert job["error"]["code"] == "missing_tool"
    assert "espeak-ng" in job["error"]["message"] and "apt-get install espeak-ng" in job["error"]["message"]
    assert services.media.list(project["id"]) == []  # nothing half-made reaches the library


def _timeline_with(services: Services, project: dict, item: dict[str, Any], **clip: Any) -> dict[str, Any]:
    doc, revision = services.projects.timeline_at(project["id"])
    video = next(t for t in doc["tracks"] if t["kind"] == "video")
    video["clips"].append({"id": "shot", "media_id": item["id"], **clip})
    services.projects.save_timeline_at(project["id"], doc, revision)
    return doc


def test_voice_over_lands_at_the_playhead_on_an_audio_track(api: Any, services: Services, project: dict,
                                                           video: dict[str, Any], tmp_path: Path) -> None:
    doc = _timeline_with(services, project, video, start=0.0, **{"in": 0.0, "out": 2.0})
    audio_track = next(t for t in doc["tracks"] if t["kind"] == "audio")
    doc, revision = services.projects.timeline_at(project["id"])
    doc["playhead"] = 1.25
    services.projects.save_timeline_at(project["id"], doc, revision)
    r = api.post(f"/api/projects/{project['id']}/timeline/voice-over",
                 json={"text": "Welcome to the show.", "model_id": "local/voice"})
    assert r.status_code == 201, r.json
    job = _done(services, r.json["job"])
    doc, _ = services.projects.timeline_at(project["id"])
    [clip] = [c for t in doc["tracks"] if t["id"] == audio_track["id"] for c in t["clips"]]
    item = services.media.get(job["media_id"])
    assert clip["media_id"] == item["id"] and clip["start"] == 1.25 and clip["in"] == 0.0
    assert clip["out"] == pytest.approx(item["duration"], abs=1e-6)
    # heard where it landed: the timeline's mix is silent before the playhead (the clip is silent)
    # and speaks after it
    mix, rate = _timeline_sound(services, project, tmp_path)
    assert _rms(mix[: int(1.1 * rate)]) < 0.005 and _rms(mix[int(1.3 * rate):]) > 0.02
    # refusals name the field
    r = api.post(f"/api/projects/{project['id']}/timeline/voice-over", json={"text": "x", "model_id": FLUX})
    assert (r.status_code, r.json["error"]["field"]) == (422, "model_id")
    r = api.post(f"/api/projects/{project['id']}/timeline/voice-over",
                 json={"text": "x", "model_id": "local/voice", "at": -1})
    assert (r.status_code, r.json["error"]["field"]) == (422, "at")
    for text, words in (("  ", "Write the text to speak first."), (None, "Write the text to speak first."),
                        ("word " * 5000, "characters")):
        r = api.post(f"/api/projects/{project['id']}/timeline/voice-over",
                     json={"text": text, "model_id": "local/voice"})
        error = r.json["error"]
        assert (r.status_code, error["field"]) == (422, "text") and words in error["message"], r.json
    assert len(services.jobs.list(project["id"])) == 1  # refusals start nothing


def test_add_sound_lands_under_the_clip_with_its_start_and_length(api: Any, services: Services, project: dict,
                                                                 video: dict[str, Any], tmp_path: Path) -> None:
    _timeline_with(services, project, video, start=3.0, speed=2.0, **{"in": 0.5, "out": 1.7})
    r = api.post(f"/api/projects/{project['id']}/timeline/add-sound",
                 json={"clip_id": "shot", "model_id": "local/sound-bed"})
    assert r.status_code == 201, r.json
    job = _done(services, r.json["job"])
    item = services.media.get(job["media_id"])
    assert item["kind"] == "audio" and item["duration"] == pytest.approx(video["duration"], abs=0.05)
    samples, rate = _sound(services.media.file_path(item["id"])[0])
    assert len(samples) / rate == pytest.approx(video["duration"], abs=0.05)  # the whole source has sound
    assert _rms(samples) > 0.02  # a tone bed, not silence
    doc, _ = services.projects.timeline_at(project["id"])
    shot = next(c for t in doc["tracks"] for c in t["clips"] if c.get("id") == "shot")
    [track] = [t for t in doc["tracks"] if t["kind"] == "audio" and t["clips"]]
    [under] = track["clips"]
    assert under["media_id"] == item["id"] and not track["muted"]
    assert (under["start"], under["in"], under["out"], under.get("speed")) == (3.0, 0.5, 1.7, 2.0)
    assert (shot["start"], shot["in"], shot["out"], shot["speed"]) == (3.0, 0.5, 1.7, 2.0)
    # audible under the clip and only there: (1.7 - 0.5) / 2 = 0.6 s from 3.0
    mix, rate = _timeline_sound(services, project, tmp_path)
    assert len(mix) / rate == pytest.approx(3.6, abs=0.1)
    assert _rms(mix[: int(2.9 * rate)]) < 0.005 and _rms(mix[int(3.05 * rate):int(3.55 * rate)]) > 0.02
    # a clip that has sound is refused, naming the clip
    sounding = services.media.import_path(project["id"], ms.make_video(Path(services.media.file_path(
        video["id"])[0]).with_name("loud.mp4"), seconds=1))
    doc, revision = services.projects.timeline_at(project["id"])
    next(t for t in doc["tracks"] if t["kind"] == "video")["clips"].append(
        {"id": "loud", "media_id": sounding["id"], "start": 10.0, "in": 0.0, "out": 1.0})
    services.projects.save_timeline_at(project["id"], doc, revision)
    r = api.post(f"/api/projects/{project['id']}/timeline/add-sound", json={"clip_id": "loud",
                                                                            "model_id": "local/sound-bed"})
    assert (r.status_code, r.json["error"]["field"]) == (422, "clip_id") and "has sound" in r.json["error"]["message"]


def test_upscale_replaces_the_clips_media_and_keeps_its_trims(api: Any, services: Services, project: dict,
                                                             video: dict[str, Any]) -> None:
    _timeline_with(services, project, video, start=1.0, opacity=0.8, **{"in": 0.4, "out": 1.6})
    r = api.post(f"/api/projects/{project['id']}/timeline/upscale",
                 json={"clip_id": "shot", "model_id": "local/upscale"})
    assert r.status_code == 201, r.json
    job = _done(services, r.json["job"])
    doc, _ = services.projects.timeline_at(project["id"])
    shot = next(c for t in doc["tracks"] for c in t["clips"] if c.get("id") == "shot")
    big = services.media.get(job["media_id"])
    assert shot["media_id"] == big["id"] != video["id"]
    assert (big["width"], big["height"]) == (2 * video["width"], 2 * video["height"]) == (640, 480)
    # the decoded pictures: exactly twice the source's, and the same picture (halved, it matches)
    first = {}
    for name, item in (("source", video), ("big", big)):
        with av.open(str(services.media.file_path(item["id"])[0])) as container:
            first[name] = next(container.decode(video=0)).to_ndarray(format="rgb24").astype(float)
    assert first["big"].shape == (2 * first["source"].shape[0], 2 * first["source"].shape[1], 3) == (480, 640, 3)
    halved = first["big"].reshape(240, 2, 320, 2, 3).mean(axis=(1, 3))
    assert np.abs(halved - first["source"]).mean() < 8
    assert (shot["start"], shot["in"], shot["out"], shot["opacity"]) == (1.0, 0.4, 1.6, 0.8)
    assert services.media.get(video["id"])["id"] == video["id"]  # the original stays in the library
    assert services.media.file_path(video["id"])[0].exists()
    r = api.post(f"/api/projects/{project['id']}/timeline/upscale", json={"clip_id": "shot", "model_id": FLUX})
    assert (r.status_code, r.json["error"]["field"]) == (422, "model_id")


def test_a_result_done_while_the_app_was_down_lands_once_at_start_up(api: Any, services: Services,
                                                                     project: dict) -> None:
    """The job row keeps where its result goes: a voice-over done but not yet written (the app
    stopped between the two) lands when the app starts, and only once."""
    services.jobs.listeners.remove(services.placements.job_changed)  # as if the app stopped as it ended
    try:
        r = api.post(f"/api/projects/{project['id']}/timeline/voice-over",
                     json={"text": "Back again.", "model_id": "local/voice", "at": 2.0})
        assert r.status_code == 201, r.json
        job = _done(services, r.json["job"])
    finally:
        services.jobs.listeners.append(services.placements.job_changed)

    def voice_clips() -> list[dict[str, Any]]:
        doc, _ = services.projects.timeline_at(project["id"])
        return [c for t in doc["tracks"] if t["kind"] == "audio" for c in t["clips"]]
    assert voice_clips() == [] and [j["id"] for j in services.jobs.placed_pending()] == [job["id"]]
    services.placements.reconcile()  # what start-up runs
    [clip] = voice_clips()
    assert clip["media_id"] == job["media_id"] and clip["start"] == 2.0
    services.placements.reconcile()
    assert voice_clips() == [clip] and services.jobs.placed_pending() == []
