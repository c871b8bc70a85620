"""Request bodies the JSON parser accepts but nothing after it can carry: NaN and Infinity,
nesting a thousand deep, lone surrogates, bodies past the JSON cap. Each is a 4xx naming the
field, and nothing is stored; and nothing non-finite is ever written (allow_nan=False)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from flask import Flask

from reelcut.config import Config
from reelcut.library.db import dumps
from reelcut.server import util
from reelcut.server.app import create_app

from .conftest import TEST_PORT, TOKEN, Api

KLING = "fal-ai/kling-video/v2.6/pro/text-to-video"  # has cfg_scale (number, 0..1) and negative_prompt (text)


def send(api: Api, method: str, path: str, raw: str | bytes) -> Any:
    return api.request(method, path, data=raw.encode() if isinstance(raw, str) else raw,
                       content_type="application/json")


def strict(resp: Any) -> Any:
    """The body as a strict JSON parser (the page's JSON.parse) reads it."""
    def refuse(text: str) -> None:
        raise AssertionError(f"{text} in a response")
    return json.loads(resp.get_data(as_text=True), parse_constant=refuse)


def timeline_with(api: Api, project: dict, raw_value: str, where: str = "track") -> str:
    """The project's timeline as JSON text with a raw token placed where validation does not
    look (a track's extra property, or a text clip's text)."""
    tl = api.get(f"/api/projects/{project['id']}/timeline").json["timeline"]
    if where == "track":
        tl["tracks"][0]["volume"] = "@@"
    else:
        tl["tracks"].append({"id": "t1", "name": "T1", "kind": "text", "muted": False, "hidden": False,
                             "clips": [{"id": "c1", "start": 0, "duration": 2, "text": "@@"}]})
    return json.dumps({"timeline": tl}).replace('"@@"', raw_value)


# -- NaN and Infinity ------------------------------------------------------------------------------------
@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999", "-1e400"])
def test_a_timeline_with_a_non_finite_number_is_refused_and_nothing_stored(api: Api, services: Any, project: dict,
                                                                          token: str) -> None:
    before = services.projects.timeline(project["id"])
    r = send(api, "PUT", f"/api/projects/{project['id']}/timeline", timeline_with(api, project, token))
    assert r.status_code == 400
    err = strict(r)["error"]
    assert err["code"] == "not_finite" and err["field"] == "timeline.tracks[0].volume"
    assert "timeline.tracks[0].volume" in err["message"] and "finite" in err["message"]
    assert services.projects.timeline(project["id"]) == before
    strict(api.get(f"/api/projects/{project['id']}/timeline"))  # the page can still open the project


@pytest.mark.parametrize("param,token", [("cfg_scale", "NaN"), ("negative_prompt", "Infinity"),
                                         ("cfg_scale", "-Infinity")])
def test_generation_params_with_a_non_finite_number_start_no_job(api: Api, services: Any, project: dict,
                                                                 param: str, token: str) -> None:
    raw = json.dumps({"project_id": project["id"], "model_ids": [KLING], "prompt": "a kite",
                      "params": {KLING: {param: "@@"}}}).replace('"@@"', token)
    r = send(api, "POST", "/api/generations", raw)
    assert r.status_code == 400, r.get_data(as_text=True)
    err = strict(r)["error"]
    assert err["code"] == "not_finite" and err["field"] == f'params["{KLING}"].{param}'
    assert services.jobs.list() == []
    assert services.db.query("SELECT id FROM jobs") == []


def test_nothing_non_finite_is_ever_written(app: Flask) -> None:
    for value in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError):
            dumps({"x": value})  # the database's JSON columns
        with app.app_context(), pytest.raises(ValueError):
            app.json.dumps({"x": value})  # every JSON answer
    assert dumps({"x": 1.5}) == '{"x":1.5}'


def test_a_non_finite_answer_is_a_500_not_invalid_json(api: Api, app: Flask) -> None:
    @app.get("/api/nan-for-test")
    def nan_answer():  # registered for this test only
        return {"x": math.nan}

    r = api.get("/api/nan-for-test")
    assert r.status_code == 500 and strict(r)["error"]["code"].startswith("internal")


# -- nesting ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("depth", [100, 1000, 100_000])
def test_deep_nesting_in_a_project_name_is_a_400(api: Api, services: Any, depth: int) -> None:
    r = send(api, "POST", "/api/projects", '{"name": ' + "[" * depth + "]" * depth + "}")
    assert r.status_code == 400
    err = strict(r)["error"]
    assert err["code"] == "too_deep" and "64" in err["message"]
    assert services.projects.list() == []


def test_deep_nesting_in_a_prompt_and_a_timeline_is_a_400(api: Api, services: Any, project: dict) -> None:
    deep = "[" * 1000 + "]" * 1000
    r = send(api, "POST", "/api/generations", json.dumps({"project_id": project["id"], "model_ids":
                                                          ["local/preview-t2v"], "prompt": "@@"}).replace('"@@"', deep))
    assert r.status_code == 400 and strict(r)["error"]["code"] == "too_deep"
    assert services.jobs.list() == []
    before = services.projects.timeline(project["id"])
    r = send(api, "PUT", f"/api/projects/{project['id']}/timeline", timeline_with(api, project, "[" * 80 + "]" * 80))
    err = strict(r)["error"]
    assert r.status_code == 400 and err["code"] == "too_deep"
    assert err["field"].startswith("timeline.tracks[0].volume[0]")  # where it went too deep
    assert services.projects.timeline(project["id"]) == before


def test_the_depth_limit_is_64() -> None:
    util.parse_json(b"[" * 64 + b"]" * 64)
    with pytest.raises(util.AppError) as e:
        util.parse_json(b"[" * 65 + b"]" * 65)
    assert e.value.code == "too_deep" and e.value.field == "[0]" + "[0]" * 63


# -- lone surrogates --------------------------------------------------------------------------------------
def test_a_lone_surrogate_in_a_project_name_is_a_400(api: Api, services: Any) -> None:
    r = send(api, "POST", "/api/projects", '{"name": "Holiday \\ud800 cut"}')
    assert r.status_code == 400
    err = strict(r)["error"]
    assert err == {"code": "invalid_text", "field": "name", "message": err["message"]}
    assert "name" in err["message"] and "surrogate" in err["message"]
    assert services.projects.list() == []


def test_a_lone_surrogate_in_a_rename_is_a_400(api: Api, services: Any, project: dict) -> None:
    r = send(api, "PATCH", f"/api/projects/{project['id']}", '{"name": "\\udfff"}')
    assert r.status_code == 400 and strict(r)["error"]["field"] == "name"
    assert services.projects.get(project["id"])["name"] == project["name"]


def test_a_lone_surrogate_in_a_prompt_is_a_400(api: Api, services: Any, project: dict) -> None:
    raw = json.dumps({"project_id": project["id"], "model_ids": ["local/preview-t2v"], "prompt": "@@"})
    r = send(api, "POST", "/api/generations", raw.replace('"@@"', '"a kite \\udc00 at dawn"'))
    assert r.status_code == 400
    err = strict(r)["error"]
    assert err["code"] == "invalid_text" and err["field"] == "prompt"
    assert services.jobs.list() == []


def test_a_lone_surrogate_in_a_text_clip_is_a_400(api: Api, services: Any, project: dict) -> None:
    before = services.projects.timeline(project["id"])
    r = send(api, "PUT", f"/api/projects/{project['id']}/timeline",
             timeline_with(api, project, '"Title \\ud83d"', where="text"))
    assert r.status_code == 400
    err = strict(r)["error"]
    assert err["code"] == "invalid_text" and err["field"] == "timeline.tracks[3].clips[0].text"
    assert services.projects.timeline(project["id"]) == before


def test_a_lone_surrogate_in_a_key_is_a_400(api: Api, services: Any) -> None:
    r = send(api, "POST", "/api/projects", '{"name": "ok", "\\ud800": 1}')
    assert r.status_code == 400 and strict(r)["error"]["code"] == "invalid_text"
    assert services.projects.list() == []


def test_paired_surrogates_and_other_text_pass(api: Api) -> None:
    r = send(api, "POST", "/api/projects", '{"name": "Kite \\ud83e\\ude81 — café 風"}')
    assert r.status_code == 201 and r.json["project"]["name"] == "Kite \U0001fa81 — café 風"


# -- syntax, encoding, size ---------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", [b"\xff\xfe{}", b'{"name": "\xed\xa0\x80"}'])
def test_a_body_that_is_not_utf8_is_a_400(api: Api, raw: bytes) -> None:
    r = send(api, "POST", "/api/projects", raw)
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_json"


@pytest.mark.parametrize("raw", ["{", "", "[1]", '"name"', "{'name': 1}"])
def test_a_body_that_is_not_a_json_object_is_a_400(api: Api, raw: str) -> None:
    r = send(api, "POST", "/api/projects", raw)
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_json"


def test_json_bodies_have_their_own_small_cap(data_dir: Any, services: Any) -> None:
    config = Config(data_dir=data_dir, token=TOKEN, port=TEST_PORT, json_limit=4096)
    api = Api(create_app(config, services))
    assert api.post("/api/projects", json={"name": "x" * 100}).status_code == 201
    r = api.post("/api/projects", json={"name": "x" * 5000})
    assert r.status_code == 413
    assert r.json["error"] == {"code": "too_large", "message": "The request body is larger than the 4096 bytes "
                                                               "JSON limit."}
    assert len(services.projects.list()) == 1
    assert Config().json_limit == 8 * 1024**2 < Config().upload_limit


@pytest.mark.parametrize("text", ["NaN", "nan", "inf", "-Infinity", "1e999"])
def test_a_number_param_given_as_non_finite_text_is_refused(api: Api, services: Any, project: dict, text: str) -> None:
    """Text is coerced to a number for forms and the CLI (`--param cfg_scale=nan`): float() takes
    'nan' and 'inf', which must not get past the parser's check that way."""
    r = api.post("/api/generations", json={"project_id": project["id"], "model_ids": [KLING], "prompt": "a kite",
                                           "params": {KLING: {"cfg_scale": text}}})
    assert r.status_code == 422, r.get_data(as_text=True)
    assert r.json["error"]["field"] == "cfg_scale"
    assert services.jobs.list() == []
