"""The model registry: model entries are data (models.json); this module only reads and checks
them. Validation happens before anything is sent, so a bad request never costs money."""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources
from typing import Any

from .base import GenerationError

_TYPES = {"integer": int, "number": (int, float), "string": str, "boolean": bool}


@lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    return json.loads(resources.files(__package__).joinpath("models.json").read_text("utf-8"))


def _load() -> tuple[dict[str, Any], ...]:
    return tuple(_document()["models"])


def all_models() -> list[dict[str, Any]]:
    return [dict(m) for m in _load()]


def get_model(model_id: str) -> dict[str, Any]:
    for m in _load():
        if m["id"] == model_id:
            return dict(m)
    raise GenerationError("unknown_model", f"Unknown model '{model_id}'.", field="model_ids", status=422)


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
    # float() takes "nan" and "inf": not numbers a model (or the JSON the job is stored as) can use
    if (isinstance(value, bool) and kind != "boolean" or not isinstance(value, expected)
            or isinstance(value, float) and not math.isfinite(value)):
        raise GenerationError("invalid_param", f"{spec.get('label', spec['name'])} must be {_article(kind)}.",
                              field=spec["name"], status=422)
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
    """Return the full, typed parameter set (defaults filled in) or raise GenerationError
    naming the field."""
    params = dict(params or {})
    specs = {p["name"]: p for p in model["params"]}
    unknown = sorted(set(params) - set(specs))
    if unknown:
        raise GenerationError("invalid_param", f"{model['name']} has no parameter '{unknown[0]}'.",
                              field=unknown[0], status=422)
    out: dict[str, Any] = {}
    for name, spec in specs.items():
        if name not in params or params[name] is None or params[name] == "":
            if spec.get("default") is not None:
                out[name] = spec["default"]
            elif spec.get("required"):
                raise GenerationError("invalid_param", f"{spec.get('label', name)} is required.",
                                      field=name, status=422)
            continue
        value = _coerce(spec, params[name])
        label = spec.get("label", name)
        if "choices" in spec and value not in spec["choices"]:
            allowed = ", ".join(str(c) for c in spec["choices"])
            raise GenerationError("invalid_param", f"{label} must be one of: {allowed}.", field=name, status=422)
        if "min" in spec and value < spec["min"]:
            raise GenerationError("invalid_param", f"{label} must be at least {spec['min']}.", field=name, status=422)
        if "max_length" in spec and len(value) > spec["max_length"]:
            raise GenerationError("invalid_param", f"{label} can be at most {spec['max_length']} characters.",
                                  field=name, status=422)
        if "max" in spec and value > spec["max"]:
            raise GenerationError("invalid_param", f"{label} must be at most {spec['max']}.", field=name, status=422)
        out[name] = value
    for rule in model.get("rules", []):
        if all(_matches(out.get(k), c) for k, c in rule["when"].items()):
            for name, allowed in rule["require"].items():
                if out.get(name) not in allowed:
                    raise GenerationError("invalid_param", rule["message"], field=name, status=422)
    return out


def check_prompt(model: dict[str, Any], prompt: str) -> None:
    limit = model.get("prompt_max")
    if limit and len(prompt) > limit:
        raise GenerationError("invalid_prompt", f"{model['name']} takes prompts of at most {limit} characters.",
                              field="prompt", status=422)


def duration_of(model: dict[str, Any], params: dict[str, Any]) -> float:
    """Seconds of video a request asks for; models without a duration field have a fixed one."""
    value = params.get("duration", model.get("fixed_duration", 5))
    return float(str(value).rstrip("s"))


def estimate_cost(model: dict[str, Any], params: dict[str, Any]) -> float:
    """Dollars for one request: price per second × seconds, with per-option prices as data."""
    price = float(model.get("price_per_second", 0))
    for override in model.get("price_overrides", []):
        if all(_matches(params.get(k), c) for k, c in override["when"].items()):
            price = float(override["price_per_second"])
            break
    return round(price * duration_of(model, params), 4)


def remote_media_hosts() -> list[str]:
    """Where providers deliver results (https origins), for media-src when the user turns on
    remote preview. Data in models.json beside the models."""
    return list(_document().get("media_hosts", []))
