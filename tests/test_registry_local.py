"""The registry's offline models (local/…): defaults, typing of CLI text, refusals naming the field, zero cost.
The fal models have their own tests (test_registry.py, test_fal_client.py)."""

from __future__ import annotations

from typing import Any

import pytest

from reelcut.errors import AppError
from reelcut.generation import registry

LOCAL = ["local/preview-t2v", "local/preview-i2v"]
DEFAULTS = {"duration": 4, "resolution": "720p", "aspect_ratio": "16:9", "fps": 25}


def test_the_offline_models_are_listed_as_local_and_free() -> None:
    local = [m for m in registry.all_models() if m["id"].startswith("local/")]
    # the first/last-frame model (Fill on the timeline) has its own tests: test_extend_fill.py; the
    # still, the voice, the tone bed and the upscale theirs: test_gen_media.py; the retake one (Retake
    # on the timeline): test_generate_here.py
    assert [m["id"] for m in local] == [*LOCAL, "local/preview-flf", "local/preview-retake", "local/preview-image",
                                        "local/voice", "local/sound-bed", "local/upscale"]
    assert [m["mode"] for m in local] == ["text", "image", "image", "video", "text", "text", "video", "video"]
    assert [registry.output_of(m) for m in local] == ["video"] * 4 + ["image", "audio", "audio", "video"]
    for m in local:
        assert m["provider"] == "local" and m["price_per_second"] == 0 and m["endpoint"] is None
        assert m["name"] and m["description"]


@pytest.mark.parametrize("model_id", LOCAL)
def test_defaults_validate_to_the_full_typed_set(model_id: str) -> None:
    model = registry.get_model(model_id)
    assert registry.validate_params(model, {}) == DEFAULTS
    assert registry.validate_params(model, None) == DEFAULTS
    # an empty form field or a null means "use the default"
    assert registry.validate_params(model, {"duration": "", "fps": None}) == DEFAULTS


@pytest.mark.parametrize("model_id", LOCAL)
def test_text_from_the_cli_becomes_the_declared_type(model_id: str) -> None:
    model = registry.get_model(model_id)
    typed = registry.validate_params(model, {"duration": " 3 ", "fps": "30", "resolution": "360p",
                                             "aspect_ratio": "9:16"})
    assert typed == {"duration": 3, "fps": 30, "resolution": "360p", "aspect_ratio": "9:16"}
    assert type(typed["duration"]) is int and type(typed["fps"]) is int


@pytest.mark.parametrize("model_id", LOCAL)
@pytest.mark.parametrize("params,field,words", [
    ({"duration": 0}, "duration", "Duration (s) must be at least 1."),
    ({"duration": "21"}, "duration", "Duration (s) must be at most 20."),
    ({"duration": -3}, "duration", "at least 1"),
    ({"duration": "abc"}, "duration", "Duration (s) must be a whole number."),
    ({"duration": 1.5}, "duration", "whole number"),
    ({"duration": False}, "duration", "whole number"),
    ({"duration": [2]}, "duration", "whole number"),
    ({"fps": 60}, "fps", "Frames per second must be one of: 24, 25, 30, 50."),
    ({"fps": "30.0"}, "fps", "whole number"),
    ({"resolution": "4k"}, "resolution", "Resolution must be one of: 360p, 540p, 720p, 1080p."),
    ({"resolution": 360}, "resolution", "one of"),
    ({"aspect_ratio": "4:3"}, "aspect_ratio", "Aspect ratio must be one of: 16:9, 9:16, 1:1."),
    ({"seed": 1}, "seed", "has no parameter 'seed'"),
    ({"duration": 2, "Duration": 2}, "Duration", "has no parameter 'Duration'"),
])
def test_refusals_name_the_field(model_id: str, params: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(AppError) as e:
        registry.validate_params(registry.get_model(model_id), params)
    assert e.value.status == 422 and e.value.code == "invalid_param"
    assert e.value.field == field and words in e.value.message


@pytest.mark.parametrize("model_id", LOCAL)
@pytest.mark.parametrize("params", [{}, {"duration": 20, "resolution": "1080p", "fps": 50}, {"duration": 1}])
def test_offline_generation_costs_nothing(model_id: str, params: dict[str, Any]) -> None:
    model = registry.get_model(model_id)
    assert registry.estimate_cost(model, registry.validate_params(model, params)) == 0


@pytest.mark.parametrize("model_id", LOCAL)
def test_edges_of_the_ranges_are_accepted(model_id: str) -> None:
    model = registry.get_model(model_id)
    for duration in (1, 20, "1", "20"):
        assert registry.validate_params(model, {"duration": duration})["duration"] == int(duration)
    for fps in (24, 25, 30, 50):
        assert registry.validate_params(model, {"fps": str(fps)})["fps"] == fps


def test_the_registry_hands_out_copies() -> None:
    model = registry.get_model("local/preview-t2v")
    model["price_per_second"] = 99
    assert registry.get_model("local/preview-t2v")["price_per_second"] == 0
    listed = registry.all_models()
    listed[0]["id"] = "changed"
    assert registry.all_models()[0]["id"] != "changed"


def test_no_prompt_limit_below_the_job_limit_for_local_models() -> None:
    for model_id in LOCAL:
        registry.check_prompt(registry.get_model(model_id), "x" * 2000)


def test_unknown_local_model_is_refused() -> None:
    with pytest.raises(AppError) as e:
        registry.get_model("local/preview-t2i")
    assert e.value.status == 422 and e.value.field == "model_ids" and "local/preview-t2i" in e.value.message
