"""Images, voice-over, sound for a clip and upscale (issue 16): each new fal endpoint submitted
through the real client against the fake fal (whose schema table is its own, written from
shared/reference/fal-models-2026.md), and each offline counterpart making a real file that is
checked by its pixels, its sound or its size, and where it lands on the saved timeline."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
import requests

from reelcut import keystore
from reelcut.generation import registry
from reelcut.generation.fal import FalProvider
from reelcut.generation.local import LocalProvider
from reelcut.services import Services

from . import media_samples as ms
from .fake_fal import ANSWERS, KEY, MEDIA_SCHEMAS, FakeFal

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


def quick(seconds: float) -> None:
    pass


@pytest.fixture
def providers(data_dir: Path, fake_fal: FakeFal) -> dict[str, Any]:
    return {"fal": FalProvider(lambda: keystore.get_key(data_dir), sleep=quick, poll_interval=0.05,
                               http_options={"base_delay": 0.01, "timeout": (2.0, 2.0)})}


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
