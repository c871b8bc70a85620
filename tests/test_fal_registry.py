"""The fal.ai models in the registry: the data is consistent with itself, every value it offers
is accepted, the types that go on the wire are the ones each model wants, and the prices
match fal's published grid (shared/reference/fal-queue-api.md, sections 11-12)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from reelcut.errors import AppError
from reelcut.generation import registry

LTX_FAST = ["fal-ai/ltx-2/text-to-video/fast", "fal-ai/ltx-2/image-to-video/fast"]
LTX_PRO = ["fal-ai/ltx-2/text-to-video", "fal-ai/ltx-2/image-to-video"]


def fal_models() -> list[dict[str, Any]]:
    return [m for m in registry.all_models() if m["provider"] == "fal"]


def specs(model: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in model["params"]}


def test_every_fal_entry_is_complete() -> None:
    assert len(fal_models()) >= 20
    for m in fal_models():
        assert m["endpoint"] == m["id"] and m["name"] and m["description"], m["id"]
        assert m["price_per_second"] > 0 or m.get("price_per_video", 0) > 0
        # the provider adds the prompt and the media itself; a form field for them would clash
        media = {i["name"] for i in registry.media_inputs(m)}
        assert not ({"prompt", "image_url", "start_image_url"} | media) & set(specs(m)), m["id"]
        if m["mode"] == "image":
            assert m["image_param"] in ("image_url", "start_image_url", "first_frame_url"), m["id"]
        else:
            assert "image_param" not in m, m["id"]
        for p in m["params"]:
            assert p["label"] and p["type"] in ("integer", "number", "string", "boolean")
            if "choices" in p:
                assert p.get("default") is None or p["default"] in p["choices"], (m["id"], p["name"])


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _values_ok(spec: dict[str, Any], cond: Any) -> bool:
    """A rule's or price's condition can only name values the form can produce, and must be
    met by at least one of them (a rule no value can trigger is a typo, not a rule)."""
    if isinstance(cond, dict):
        if not cond or set(cond) - {"in", "gt", "lt"}:
            return False
        if not all(v in spec.get("choices", [v]) for v in cond.get("in", [])):
            return False
        bounds = [cond[k] for k in ("gt", "lt") if k in cond]
        if bounds and (spec["type"] not in ("integer", "number") or not all(_number(b) for b in bounds)):
            return False
        if "choices" in spec:
            return any(registry._matches(c, cond) for c in spec["choices"])
        low, high = spec.get("min", float("-inf")), spec.get("max", float("inf"))
        return ("gt" not in cond or cond["gt"] < high) and ("lt" not in cond or cond["lt"] > low)
    if spec["type"] == "boolean":
        return isinstance(cond, bool)
    return cond in spec.get("choices", [cond])


DURATION = {"name": "duration", "type": "integer", "choices": [6, 8, 10, 12, 20]}
SECONDS = {"name": "seconds", "type": "integer", "min": 2, "max": 12}


@pytest.mark.parametrize("spec,cond,ok", [
    (DURATION, {"gt": 10}, True), (DURATION, {"lt": 8}, True), (DURATION, {"gt": 6, "lt": 12}, True),
    (DURATION, {"gt": 20}, False),          # no offered duration is over 20: the rule never fires
    (DURATION, {"lt": 6}, False),
    (DURATION, {"gt": "10"}, False),        # a bound as text compares with nothing
    (DURATION, {"gt": True}, False),
    (DURATION, {"gte": 10}, False),         # an operator the registry does not know
    (DURATION, {}, False),
    ({"name": "resolution", "type": "string", "choices": ["720p", "1080p"]}, {"gt": 5}, False),
    (SECONDS, {"gt": 10}, True), (SECONDS, {"gt": 12}, False), (SECONDS, {"lt": 2}, False),
    (DURATION, {"in": [6, 8]}, True), (DURATION, {"in": [7]}, False),
])
def test_the_condition_check_itself(spec: dict[str, Any], cond: Any, ok: bool) -> None:
    assert _values_ok(spec, cond) is ok


def test_rules_and_prices_speak_of_real_params_and_values() -> None:
    for m in fal_models():
        s = specs(m)
        for rule in m.get("rules", []):
            assert rule["message"]
            for name, cond in rule["when"].items():
                assert name in s and _values_ok(s[name], cond), (m["id"], name)
            for name, allowed in rule["require"].items():
                assert name in s and set(allowed) <= set(s[name].get("choices", allowed)), (m["id"], name)
        for override in m.get("price_overrides", []):
            assert override.get("price_per_second", 0) > 0 or override.get("price_per_video", 0) > 0
            for name, cond in override["when"].items():
                assert name in s and _values_ok(s[name], cond), (m["id"], name)


def test_every_offered_value_validates_and_has_a_price() -> None:
    for m in fal_models():
        defaults = registry.validate_params(m, {})
        assert registry.estimate_cost(m, defaults) > 0
        for p in m["params"]:
            for choice in p.get("choices", []):
                typed = registry.validate_params(m, {p["name"]: choice})
                assert typed[p["name"]] == choice and type(typed[p["name"]]) is type(choice)
                assert registry.estimate_cost(m, typed) > 0


@pytest.mark.parametrize("model_id", LTX_FAST)
def test_ltx_fast_long_clips_only_at_1080p_and_25fps(model_id: str) -> None:
    fast = registry.get_model(model_id)
    for params, field, words in (
        ({"duration": 12, "resolution": "720p"}, "resolution", "one of"),  # not an LTX resolution at all
        ({"duration": 12, "resolution": "1440p"}, "resolution", "over 10 s need 1080p at 25 fps"),
        ({"duration": 20, "resolution": "2160p"}, "resolution", "over 10 s need 1080p at 25 fps"),
        ({"duration": 12, "fps": 50}, "fps", "over 10 s need 1080p at 25 fps"),
        ({"duration": 7}, "duration", "one of"),
    ):
        with pytest.raises(AppError) as e:
            registry.validate_params(fast, params)
        assert (e.value.field, e.value.status) == (field, 422) and words in e.value.message.lower(), params
    assert registry.validate_params(fast, {"duration": 20, "resolution": "1080p", "fps": 25})["duration"] == 20
    assert registry.validate_params(fast, {"duration": 10, "resolution": "2160p", "fps": 50})["fps"] == 50


@pytest.mark.parametrize("model_id", LTX_PRO)
def test_ltx_pro_stops_at_10_seconds(model_id: str) -> None:
    with pytest.raises(AppError) as e:
        registry.validate_params(registry.get_model(model_id), {"duration": 12})
    assert e.value.field == "duration"


@pytest.mark.parametrize("model_id,given,wire", [
    ("fal-ai/ltx-2/text-to-video/fast", {"duration": "8", "fps": "50"}, {"duration": 8, "fps": 50}),
    ("fal-ai/ltx-2/image-to-video", {"duration": 10}, {"duration": 10, "fps": 25}),
    ("fal-ai/kling-video/v2.5-turbo/pro/text-to-video", {"duration": 10}, {"duration": "10"}),
    ("fal-ai/kling-video/v2.6/pro/image-to-video", {"duration": "5"}, {"duration": "5"}),
    ("fal-ai/veo3", {}, {"duration": "8s"}),
    ("fal-ai/veo3.1/fast", {"duration": "4s"}, {"duration": "4s"}),
    ("fal-ai/bytedance/seedance/v1/pro/text-to-video", {"duration": 7}, {"duration": "7"}),
    ("fal-ai/minimax/hailuo-02/standard/text-to-video", {"duration": 10}, {"duration": "10"}),
    ("fal-ai/minimax/hailuo-2.3/standard/text-to-video", {}, {"duration": "6"}),
    ("fal-ai/wan-25-preview/text-to-video", {"duration": 10}, {"duration": "10"}),
    ("fal-ai/sora-2/text-to-video", {"duration": "8"}, {"duration": 8}),
])
def test_the_types_that_go_on_the_wire(model_id: str, given: dict[str, Any], wire: dict[str, Any]) -> None:
    """What json.dumps sends is what fal's schema wants: LTX and Sora integers, the others
    strings ("5", "8s"), whether the value came from a form, the CLI or JSON."""
    sent = json.loads(json.dumps(registry.validate_params(registry.get_model(model_id), given)))
    for name, value in wire.items():
        assert sent[name] == value and type(sent[name]) is type(value), (name, sent[name])


@pytest.mark.parametrize("model_id,params,cost", [
    ("fal-ai/ltx-2/text-to-video/fast", {}, 0.24),
    ("fal-ai/ltx-2/text-to-video/fast", {"duration": 20}, 0.80),
    ("fal-ai/ltx-2/image-to-video/fast", {"duration": 8, "resolution": "1440p"}, 0.64),
    ("fal-ai/ltx-2/text-to-video", {"duration": 10, "resolution": "2160p"}, 2.40),
    ("fal-ai/ltx-2/image-to-video", {"duration": 8}, 0.48),
    ("fal-ai/kling-video/v2.5-turbo/pro/image-to-video", {"duration": "10"}, 0.70),
    ("fal-ai/kling-video/v2.6/pro/text-to-video", {"duration": "10"}, 1.40),
    ("fal-ai/kling-video/v2.6/pro/text-to-video", {"duration": "10", "generate_audio": False}, 0.70),
    ("fal-ai/veo3.1", {"resolution": "4k"}, 4.80),
    ("fal-ai/veo3.1", {"resolution": "4k", "generate_audio": False}, 3.20),
    ("fal-ai/veo3.1/image-to-video", {"duration": "4s", "generate_audio": False}, 0.80),
    ("fal-ai/veo3/fast", {"duration": "6s"}, 0.90),
    ("fal-ai/minimax/hailuo-02/standard/image-to-video", {"duration": "10"}, 0.45),
    ("fal-ai/minimax/hailuo-2.3/standard/text-to-video", {}, 0.28),
    ("fal-ai/minimax/hailuo-2.3/standard/text-to-video", {"duration": "10"}, 0.56),
    ("fal-ai/wan-25-preview/text-to-video", {"resolution": "480p", "duration": "10"}, 0.50),
    ("fal-ai/wan-25-preview/text-to-video", {}, 0.75),
    ("fal-ai/sora-2/text-to-video", {"duration": 12}, 1.20),
    ("fal-ai/sora-2/image-to-video/pro", {"duration": 8, "resolution": "720p"}, 2.40),
    ("fal-ai/sora-2/image-to-video/pro", {"duration": 4}, 2.00),  # "auto" at the 1080p price
])
def test_costs_follow_the_published_prices(model_id: str, params: dict[str, Any], cost: float) -> None:
    model = registry.get_model(model_id)
    assert registry.estimate_cost(model, registry.validate_params(model, params)) == pytest.approx(cost)


def test_a_whole_request_costs_the_sum_of_its_models() -> None:
    ids = ["fal-ai/ltx-2/text-to-video/fast", "fal-ai/kling-video/v2.5-turbo/pro/text-to-video", "fal-ai/veo3/fast"]
    total = sum(registry.estimate_cost(m, registry.validate_params(m, {})) for m in map(registry.get_model, ids))
    assert total == pytest.approx(0.24 + 0.35 + 1.20)
