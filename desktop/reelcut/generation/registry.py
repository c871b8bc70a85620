"""The model registry: model entries are data (models.json); this module only reads and checks
them. Validation happens before anything is sent, so a bad request never costs money."""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources
from typing import Any

from ..errors import AppError

_TYPES = {"integer": int, "number": (int, float), "string": str, "boolean": bool}


@lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    return json.loads(resources.files(__package__).joinpath("models.json").read_text("utf-8"))


def entries() -> tuple[dict[str, Any], ...]:
    """Every model entry, as data (tests and benchmarks put their own in its place)."""
    return tuple(_document()["models"])


def all_models() -> list[dict[str, Any]]:
    return [dict(m) for m in entries()]


def get_model(model_id: str) -> dict[str, Any]:
    for m in entries():
        if m["id"] == model_id:
            return dict(m)
    raise AppError("unknown_model", f"Unknown model '{model_id}'.", field="model_ids")


def _coerce(spec: dict[str, Any], value: Any) -> Any:
    """Accept the value as typed, or as text from a form or the CLI, and return it typed
    exactly as the model expects (LTX wants integer durations, Kling wants "5")."""
    kind = spec["type"]
    if isinstance(value, str) and kind != "string":
        text = value.strip()
        try:
            if kind == "integer":
                value = int(text)
            elif kind == "number":
                value = float(text)
            elif kind == "boolean" and text.lower() in ("true", "false", "1", "0", "yes", "no"):
                value = text.lower() in ("true", "1", "yes")
        except ValueError:
            pass
    elif kind == "string" and isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    elif kind == "number" and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    expected = _TYPES[kind]
    if isinstance(value, float) and not math.isfinite(value):
        # NaN passes every range check and Infinity cannot be stored as JSON
        raise AppError("invalid_param", f"{spec.get('label', spec['name'])} must be a finite number.",
                       field=spec["name"])
    if isinstance(value, bool) and kind != "boolean" or not isinstance(value, expected):
        raise AppError("invalid_param", f"{spec.get('label', spec['name'])} must be {_article(kind)}.",
                       field=spec["name"])
    return value


def _article(kind: str) -> str:
    return {"integer": "a whole number", "number": "a number", "string": "text",
            "boolean": "true or false"}[kind]


def _matches(value: Any, cond: Any) -> bool:
    if isinstance(cond, dict):
        if "gt" in cond and not (isinstance(value, (int, float)) and value > cond["gt"]):
            return False
        if "lt" in cond and not (isinstance(value, (int, float)) and value < cond["lt"]):
            return False
        if "in" in cond and value not in cond["in"]:
            return False
        return True
    return value == cond


def validate_params(model: dict[str, Any], params: dict[str, Any] | None) -> dict[str, Any]:
    """Return the full, typed parameter set (defaults filled in) or raise AppError
    naming the field."""
    params = dict(params or {})
    specs = {p["name"]: p for p in model["params"]}
    unknown = sorted(set(params) - set(specs))
    if unknown:
        raise AppError("invalid_param", f"{model['name']} has no parameter '{unknown[0]}'.",
                       field=unknown[0])
    out: dict[str, Any] = {}
    for name, spec in specs.items():
        if name not in params or params[name] is None or params[name] == "":
            if spec.get("default") is not None:
                out[name] = spec["default"]
            elif spec.get("required"):
                raise AppError("invalid_param", f"{spec.get('label', name)} is required.",
                               field=name)
            continue
        value = _coerce(spec, params[name])
        label = spec.get("label", name)
        if "choices" in spec and value not in spec["choices"]:
            allowed = ", ".join(str(c) for c in spec["choices"])
            raise AppError("invalid_param", f"{label} must be one of: {allowed}.", field=name)
        if "min" in spec and value < spec["min"]:
            raise AppError("invalid_param", f"{label} must be at least {spec['min']}.", field=name)
        if "max_length" in spec and len(value) > spec["max_length"]:
            raise AppError("invalid_param", f"{label} can be at most {spec['max_length']} characters.",
                                  field=name)
        if "max" in spec and value > spec["max"]:
            raise AppError("invalid_param", f"{label} must be at most {spec['max']}.", field=name)
        out[name] = value
    for rule in model.get("rules", []):
        if all(_matches(out.get(k), c) for k, c in rule["when"].items()):
            for name, allowed in rule["require"].items():
                if out.get(name) not in allowed:
                    raise AppError("invalid_param", rule["message"], field=name)
    return out


def check_prompt(model: dict[str, Any], prompt: str) -> None:
    limit = model.get("prompt_max")
    if limit and len(prompt) > limit:
        raise AppError("invalid_prompt", f"{model['name']} takes prompts of at most {limit} characters.",
                       field="prompt")


def duration_of(model: dict[str, Any], params: dict[str, Any], seconds: float | None = None) -> float:
    """Seconds of video a request asks for; models without a duration field have a fixed one,
    and those whose length follows an input (audio-to-video) are given it as `seconds`."""
    if seconds is not None and model.get("duration_from"):
        return float(seconds)
    value = params.get("duration", model.get("fixed_duration", 5))
    return float(str(value).rstrip("s"))


def _price(model: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """The price entry that applies: the first override whose `when` matches, else the model's
    own; either prices per second or per video (`price_per_video`)."""
    for override in model.get("price_overrides", []):
        if all(_matches(params.get(k), c) for k, c in override["when"].items()):
            return override
    return model


def estimate_cost(model: dict[str, Any], params: dict[str, Any], seconds: float | None = None) -> float:
    """Dollars for one request: price per second × seconds, or a price per video, with
    per-option prices as data."""
    price = _price(model, params)
    if price.get("price_per_video") is not None:
        return round(float(price["price_per_video"]), 4)
    return round(float(price.get("price_per_second") or 0) * duration_of(model, params, seconds), 4)


def media_inputs(model: dict[str, Any]) -> list[dict[str, Any]]:
    """The library media a model is sent, as data: each {name (the wire field), kind (image,
    audio or video), from (the request field holding the media id), required, label}. Entries
    without `inputs` take one image in `image_param` when their mode is image."""
    if "inputs" in model:
        return [dict(i) for i in model["inputs"]]
    if model.get("mode") == "image":
        return [{"name": model.get("image_param", "image_url"), "kind": "image", "from": "image_media_id",
                 "required": True, "label": "Image"}]
    return []


def remote_media_hosts() -> list[str]:
    """Where providers deliver results (https origins), for media-src when the user turns on
    remote preview. Data in models.json beside the models."""
    return list(_document().get("media_hosts", []))


OUTPUTS = ("video", "image", "audio")


def output_of(model: dict[str, Any]) -> str:
    """What a model makes: video (the default), image or audio."""
    return str(model.get("output", "video"))


def prompt_field(model: dict[str, Any]) -> str | None:
    """The wire field the prompt travels in: `prompt`, `text` for speech, or none (captions,
    upscalers: their prompt only names the job)."""
    if model.get("mode") == "transcribe":
        return None
    return model.get("prompt_field", "prompt")
