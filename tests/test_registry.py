"""The model registry: data checked by code, with the field named on every refusal."""

from __future__ import annotations

import pytest

from reelcut.errors import AppError
from reelcut.generation import registry

T2V = "local/preview-t2v"


def test_every_model_validates_its_own_defaults() -> None:
    for model in registry.all_models():
        typed = registry.validate_params(model, {})
        assert set(typed) == {p["name"] for p in model["params"] if p.get("default") is not None}
        assert registry.estimate_cost(model, typed) >= 0


def test_every_entry_is_complete() -> None:
    ids = [m["id"] for m in registry.all_models()]
    assert len(ids) == len(set(ids))
    for m in registry.all_models():
        # mode: what the model starts from (the panel's tabs are text and image)
        assert m["mode"] in ("text", "image", "audio", "video", "transcribe") and m["provider"] in ("local", "fal")
        assert m["name"] and registry.output_of(m) in registry.OUTPUTS
        for i in registry.media_inputs(m):
            assert i["kind"] in ("image", "audio", "video") and i["name"].endswith("_url") and i["label"]
            assert i["from"] in ("image_media_id", "end_image_media_id", "audio_media_id", "video_media_id")
            # the panel says why it cannot be ticked (captions are started from a clip, never listed)
            assert i["from"] == "image_media_id" or not i["required"] or i.get("needs") or m["mode"] == "transcribe"
        for p in m["params"]:
            assert p["type"] in ("integer", "number", "string", "boolean")
            for choice in p.get("choices", []):
                assert registry.validate_params(m, {p["name"]: choice})[p["name"]] == choice


def test_text_from_a_form_or_the_cli_is_typed() -> None:
    model = registry.get_model(T2V)
    assert registry.validate_params(model, {"duration": "3", "fps": "30"})["duration"] == 3


@pytest.mark.parametrize("params,field,words", [
    ({"duration": 0}, "duration", "at least 1"),
    ({"duration": "abc"}, "duration", "whole number"),
    ({"duration": 2.5}, "duration", "whole number"),
    ({"duration": True}, "duration", "whole number"),
    ({"resolution": "4k"}, "resolution", "one of"),
    ({"fps": 7}, "fps", "one of"),
    ({"colour": "red"}, "colour", "no parameter"),
])
def test_bad_params_are_refused_naming_the_field(params: dict, field: str, words: str) -> None:
    with pytest.raises(AppError) as e:
        registry.validate_params(registry.get_model(T2V), params)
    assert e.value.field == field and e.value.status == 422 and words in e.value.message


def test_rules_and_prices_are_data() -> None:
    model = {"id": "x", "name": "X", "price_per_second": 0.04,
             "price_overrides": [{"when": {"resolution": "1440p"}, "price_per_second": 0.08}],
             "params": [{"name": "duration", "type": "integer", "default": 6},
                        {"name": "resolution", "type": "string", "default": "1080p", "choices": ["1080p", "1440p"]}],
             "rules": [{"when": {"duration": {"gt": 10}}, "require": {"resolution": ["1080p"]},
                        "message": "Over 10 s needs 1080p."}]}
    assert registry.estimate_cost(model, {"duration": 10, "resolution": "1440p"}) == 0.8
    assert registry.estimate_cost(model, {"duration": 10, "resolution": "1080p"}) == 0.4
    with pytest.raises(AppError) as e:
        registry.validate_params(model, {"duration": 12, "resolution": "1440p"})
    assert e.value.field == "resolution" and e.value.message == "Over 10 s needs 1080p."


def test_unknown_model() -> None:
    with pytest.raises(AppError) as e:
        registry.get_model("nobody/nothing")
    assert e.value.status == 422 and "nobody/nothing" in e.value.message


REQUIRED_FAL = ["fal-ai/ltx-2/text-to-video/fast", "fal-ai/ltx-2/text-to-video", "fal-ai/ltx-2/image-to-video/fast",
                "fal-ai/ltx-2/image-to-video", "fal-ai/kling-video/v2.5-turbo/pro/text-to-video",
                "fal-ai/kling-video/v2.6/pro/text-to-video", "fal-ai/veo3", "fal-ai/veo3/fast", "fal-ai/veo3.1",
                "fal-ai/veo3.1/fast", "fal-ai/bytedance/seedance/v1/pro/text-to-video",
                "fal-ai/minimax/hailuo-02/standard/text-to-video", "fal-ai/minimax/hailuo-2.3/standard/text-to-video",
                "fal-ai/wan-25-preview/text-to-video", "fal-ai/sora-2/text-to-video",
                "fal-ai/sora-2/text-to-video/pro"]


def test_the_fal_models_users_come_for_are_there() -> None:
    ids = {m["id"] for m in registry.all_models()}
    assert set(REQUIRED_FAL) <= ids
    for m in registry.all_models():
        if m["provider"] == "fal":
            assert m["endpoint"] and (m["price_per_second"] > 0 or m.get("price_per_video", 0) > 0)
            if m["mode"] == "image":
                assert m["image_param"] in ("image_url", "start_image_url", "first_frame_url")
                assert registry.media_inputs(m)[0] == {**registry.media_inputs(m)[0], "name": m["image_param"],
                                                       "from": "image_media_id", "required": True}


def test_exact_types_per_model() -> None:
    def kind(model_id: str, name: str) -> str:
        return next(p["type"] for p in registry.get_model(model_id)["params"] if p["name"] == name)

    assert kind("fal-ai/ltx-2/text-to-video/fast", "duration") == "integer"
    assert kind("fal-ai/ltx-2/text-to-video/fast", "fps") == "integer"
    for model_id in ("fal-ai/kling-video/v2.5-turbo/pro/text-to-video", "fal-ai/veo3",
                     "fal-ai/bytedance/seedance/v1/pro/text-to-video",
                     "fal-ai/minimax/hailuo-02/standard/text-to-video"):
        assert kind(model_id, "duration") == "string"
    kling = registry.get_model("fal-ai/kling-video/v2.5-turbo/pro/text-to-video")
    assert registry.validate_params(kling, {"duration": 10})["duration"] == "10"  # a CLI/JSON number becomes "10"


def test_ltx_fast_long_clips_need_1080p_at_25fps() -> None:
    fast = registry.get_model("fal-ai/ltx-2/text-to-video/fast")
    assert registry.validate_params(fast, {"duration": 20})["duration"] == 20
    for bad, field in (({"duration": 12, "resolution": "1440p"}, "resolution"), ({"duration": 14, "fps": 50}, "fps")):
        with pytest.raises(AppError) as e:
            registry.validate_params(fast, bad)
        assert e.value.field == field
    pro = registry.get_model("fal-ai/ltx-2/text-to-video")
    with pytest.raises(AppError) as e:
        registry.validate_params(pro, {"duration": 12})
    assert e.value.field == "duration"


@pytest.mark.parametrize("model_id,params,cost", [
    ("fal-ai/ltx-2/text-to-video/fast", {"duration": 10}, 0.40),
    ("fal-ai/ltx-2/text-to-video/fast", {"duration": 10, "resolution": "2160p"}, 1.60),
    ("fal-ai/ltx-2/text-to-video", {"duration": 6, "resolution": "1440p"}, 0.72),
    ("fal-ai/veo3", {"duration": "8s"}, 3.20),
    ("fal-ai/veo3", {"duration": "8s", "generate_audio": False}, 1.60),
    ("fal-ai/kling-video/v2.5-turbo/pro/text-to-video", {"duration": "5"}, 0.35),
    ("fal-ai/sora-2/text-to-video/pro", {"duration": 4, "resolution": "720p"}, 1.20),
])
def test_costs(model_id: str, params: dict, cost: float) -> None:
    model = registry.get_model(model_id)
    assert registry.estimate_cost(model, registry.validate_params(model, params)) == pytest.approx(cost)


def test_prompt_limits_are_per_model() -> None:
    wan = registry.get_model("fal-ai/wan-25-preview/text-to-video")
    registry.check_prompt(wan, "x" * 800)
    with pytest.raises(AppError) as e:
        registry.check_prompt(wan, "x" * 801)
    assert e.value.field == "prompt" and "800" in e.value.message


def test_every_model_names_its_family() -> None:
    """The generate panel groups the models by family (LTX, Kling, Veo, ...); the offline ones are 'Offline'."""
    for m in registry.all_models():
        assert isinstance(m.get("family"), str) and m["family"], m["id"]
        assert (m["family"] == "Offline") == (m["provider"] == "local"), m["id"]
