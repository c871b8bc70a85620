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
        assert m["mode"] in ("text", "image") and m["provider"] in ("local", "fal") and m["name"]
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
