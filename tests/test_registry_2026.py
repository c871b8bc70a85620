"""The 2026 fal.ai endpoints (shared/reference/fal-models-2026.md): each one submitted through the
real client against the fake fal, which checks the body against its own table of fal's schemas
(not our registry); the exact wire types fal received; the cross-field rules refused by our API
before anything is sent; the price grids; and takes (N jobs per model, distinct seeds, one group)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from reelcut.generation import registry
from reelcut.services import Services

from . import media_samples as ms
from .conftest import Api
from .fake_fal import KEY, SCHEMAS, FakeFal, quick_providers

LTX_T2V = "fal-ai/ltx-2.3/text-to-video"
LTX_T2V_FAST = "fal-ai/ltx-2.3/text-to-video/fast"
LTX_I2V = "fal-ai/ltx-2.3/image-to-video"
LTX_I2V_FAST = "fal-ai/ltx-2.3/image-to-video/fast"
LTX_A2V = "fal-ai/ltx-2.3/audio-to-video"
LTX_EXTEND = "fal-ai/ltx-2.3/extend-video"
LTX_RETAKE = "fal-ai/ltx-2.3/retake-video"
VEO_FLF = "fal-ai/veo3.1/first-last-frame-to-video"
VEO_FLF_FAST = "fal-ai/veo3.1/fast/first-last-frame-to-video"
KLING_PRO_T2V = "fal-ai/kling-video/v3/pro/text-to-video"
KLING_STD_T2V = "fal-ai/kling-video/v3/standard/text-to-video"
KLING_PRO_I2V = "fal-ai/kling-video/v3/pro/image-to-video"
KLING_STD_I2V = "fal-ai/kling-video/v3/standard/image-to-video"
WAN_T2V = "wan/v2.6/text-to-video"
WAN_I2V = "wan/v2.6/image-to-video"
HAILUO_T2V = "fal-ai/minimax/hailuo-2.3/pro/text-to-video"
HAILUO_I2V = "fal-ai/minimax/hailuo-2.3/pro/image-to-video"

# Each new endpoint, with the wire values fal must receive from our defaults: the types are
# the point (LTX integers, Veo "8s", Kling and Wan "5", the LTX extend/retake floats).
WIRE: dict[str, dict[str, Any]] = {
    LTX_T2V: {"duration": 6, "fps": 25, "resolution": "1080p", "generate_audio": True},
    LTX_T2V_FAST: {"duration": 6, "fps": 25},
    LTX_I2V: {"duration": 6, "fps": 25, "aspect_ratio": "auto"},
    LTX_I2V_FAST: {"duration": 6, "fps": 25},
    LTX_A2V: {"aspect_ratio": "auto"},
    LTX_EXTEND: {"duration": 5.0, "mode": "end"},
    LTX_RETAKE: {"start_time": 0.0, "duration": 5.0, "retake_mode": "replace_audio_and_video"},
    VEO_FLF: {"duration": "8s", "safety_tolerance": "4", "resolution": "720p"},
    VEO_FLF_FAST: {"duration": "8s", "safety_tolerance": "4"},
    KLING_PRO_T2V: {"duration": "5", "aspect_ratio": "16:9", "cfg_scale": 0.5},
    KLING_STD_T2V: {"duration": "5", "shot_type": "customize"},
    KLING_PRO_I2V: {"duration": "5"},
    KLING_STD_I2V: {"duration": "5"},
    WAN_T2V: {"duration": "5", "resolution": "1080p", "multi_shots": True},
    WAN_I2V: {"duration": "5"},
    HAILUO_T2V: {"prompt_optimizer": True},
    HAILUO_I2V: {"prompt_optimizer": True},
}
# The media fields each one is sent, as fal names them.
MEDIA = {LTX_I2V: ("image_url", "end_image_url"), LTX_I2V_FAST: ("image_url", "end_image_url"),
         LTX_A2V: ("audio_url",), LTX_EXTEND: ("video_url",), LTX_RETAKE: ("video_url",),
         VEO_FLF: ("first_frame_url", "last_frame_url"), VEO_FLF_FAST: ("first_frame_url", "last_frame_url"),
         KLING_PRO_I2V: ("start_image_url", "end_image_url"), KLING_STD_I2V: ("start_image_url", "end_image_url"),
         WAN_I2V: ("image_url",), HAILUO_I2V: ("image_url",)}


@pytest.fixture
def providers(data_dir: Path, fake_fal: FakeFal) -> dict[str, Any]:
    return quick_providers(data_dir)


@pytest.fixture
def library(services: Services, project: dict, tmp_path: Path) -> dict[str, str]:
    """A start frame, an end frame, a 3 s sound and a 2 s video in the project."""
    imp = services.media.import_path
    return {
        "image_media_id": imp(project["id"], ms.make_image(tmp_path / "start.png"))["id"],
        "end_image_media_id": imp(project["id"], ms.make_image(tmp_path / "end.png", size="320x180"))["id"],
        "audio_media_id": imp(project["id"], ms.make_audio(tmp_path / "voice.wav", seconds=3))["id"],
        "video_media_id": imp(project["id"], ms.make_video(tmp_path / "shot.mp4", seconds=2))["id"],
    }


def start(services: Services, project: dict, library: dict[str, str], model_ids: list[str], *,
          params: dict | None = None, takes: int = 1) -> list[dict[str, Any]]:
    media = {k: v for k, v in library.items() if k != "image_media_id"}
    return services.jobs.start(project["id"], model_ids, "a lighthouse at dusk", params or {},
                               library["image_media_id"], takes=takes, media=media)


def test_the_fake_knows_every_new_endpoint_and_the_registry_has_them() -> None:
    """The fake's table is its own (written from the reference), and covers every new entry."""
    ids = {m["id"] for m in registry.all_models()}
    assert set(WIRE) <= ids and set(WIRE) == set(SCHEMAS)


@pytest.mark.parametrize("model_id", sorted(WIRE))
def test_each_new_endpoint_submits_with_fals_wire_types(services: Services, project: dict, library: dict[str, str],
                                                         fake_fal: FakeFal, model_id: str) -> None:
    job = start(services, project, library, [model_id])[0]
    job = services.jobs.wait(job["id"], timeout=60)
    assert job["status"] == "done", job["error"]
    [req] = fake_fal.requests.values()
    assert req.endpoint == model_id
    sent = req.input
    for name, value in WIRE[model_id].items():
        assert sent[name] == value and type(sent[name]) is type(value), (name, sent[name])
    for name in MEDIA.get(model_id, ()):
        # small files travel inline as data URIs, larger ones through fal's storage
        assert sent[name].startswith(("data:", f"{fake_fal.url}/files/")), name
    kinds = {"audio_url": "data:audio/", "video_url": "data:video/"}
    for name, prefix in kinds.items():
        if name in sent and sent[name].startswith("data:"):
            assert sent[name].startswith(prefix)
    if "end_image_url" in sent or "last_frame_url" in sent:
        end = sent.get("end_image_url") or sent["last_frame_url"]
        start_url = sent.get("image_url") or sent.get("first_frame_url") or sent["start_image_url"]
        assert end != start_url  # the end frame is the end image, not the start one again
    media = services.media.get(job["media_id"])
    assert media["cost"] == pytest.approx(job["cost"]) and job["cost"] > 0


def _valid_body(model_id: str) -> dict[str, Any]:
    body: dict[str, Any] = {"prompt": "a lighthouse", **registry.validate_params(registry.get_model(model_id), {})}
    for i in registry.media_inputs(registry.get_model(model_id)):
        body[i["name"]] = f"https://v3.fal.media/files/x/{i['name']}.bin"
    return body


# One wrong value per endpoint, as a careless client would send it.
WRONG = {
    LTX_T2V: ("duration", "6"), LTX_T2V_FAST: ("fps", "25"), LTX_I2V: ("duration", 6.0),
    LTX_I2V_FAST: ("duration", 7), LTX_A2V: ("guidance_scale", "5"), LTX_EXTEND: ("duration", "5"),
    LTX_RETAKE: ("retake_mode", "both"), VEO_FLF: ("duration", 8), VEO_FLF_FAST: ("safety_tolerance", 4),
    KLING_PRO_T2V: ("duration", 5), KLING_STD_T2V: ("duration", 5), KLING_PRO_I2V: ("duration", 10),
    KLING_STD_I2V: ("cfg_scale", "0.5"), WAN_T2V: ("duration", 5), WAN_I2V: ("duration", 10),
    HAILUO_T2V: ("prompt_optimizer", "yes"), HAILUO_I2V: ("image_url", None),
}


@pytest.mark.parametrize("model_id", sorted(WIRE))
def test_the_fake_refuses_wrong_types_like_fal(fake_fal: FakeFal, model_id: str) -> None:
    """The same body passes with our types and is refused with one wrong: the fake validates."""
    headers = {"Authorization": f"Key {KEY}"}
    good = _valid_body(model_id)
    assert requests.post(f"{fake_fal.url}/{model_id}", json=good, headers=headers, timeout=10).status_code == 200
    name, value = WRONG[model_id]
    r = requests.post(f"{fake_fal.url}/{model_id}", json={**good, name: value}, headers=headers, timeout=10)
    assert r.status_code == 422, (name, value)
    assert r.json()["detail"][0]["loc"] == ["body", name]


def test_the_ltx_fast_rule_is_refused_by_us_before_any_submit(api: Api, project: dict, fake_fal: FakeFal) -> None:
    for model_id in (LTX_T2V_FAST, LTX_I2V_FAST):
        r = api.post("/api/generations", json={"project_id": project["id"], "model_ids": [model_id],
                                               "prompt": "a long shot",
                                               "params": {model_id: {"duration": 12, "resolution": "1440p"}}})
        assert r.status_code == 422
        err = r.json["error"]
        assert err["field"] == "resolution" and err["model_id"] == model_id
        assert "over 10 s need 1080p at 25 fps" in err["message"]
    assert fake_fal.count("submit") == 0 and fake_fal.calls == []  # nothing reached fal
    # the fake would refuse it too: it is fal's rule, not only ours
    body = {**_valid_body(LTX_T2V_FAST), "duration": 12, "fps": 50}
    r = requests.post(f"{fake_fal.url}/{LTX_T2V_FAST}", json=body, headers={"Authorization": f"Key {KEY}"}, timeout=10)
    assert r.status_code == 422
    assert api.get(f"/api/generations?project_id={project['id']}").json["jobs"] == []


def test_our_api_refuses_before_submitting(api: Api, project: dict, fake_fal: FakeFal) -> None:
    """Nothing reaches fal for a refused request: a rule, a missing end frame, a short sound."""
    def post(**body: Any) -> Any:
        return api.post("/api/generations", json={"project_id": project["id"], "prompt": "x", **body})

    r = post(model_ids=[LTX_T2V_FAST], params={LTX_T2V_FAST: {"duration": 14, "fps": 50}})
    assert (r.status_code, r.json["error"]["field"]) == (422, "fps")
    r = post(model_ids=[VEO_FLF])
    assert (r.status_code, r.json["error"]["field"]) == (422, "image_media_id")
    assert fake_fal.count("submit") == 0 and fake_fal.calls == []


def test_missing_and_wrong_media_name_the_field(services: Services, project: dict, library: dict[str, str],
                                                tmp_path: Path, fake_fal: FakeFal) -> None:
    from reelcut.errors import AppError

    with pytest.raises(AppError) as e:  # the end frame is required by Veo's first/last-frame model
        services.jobs.start(project["id"], [VEO_FLF], "x", {}, library["image_media_id"])
    assert (e.value.field, e.value.status) == ("end_image_media_id", 422) and "end frame" in e.value.message
    with pytest.raises(AppError) as e:  # a sound where an image belongs
        services.jobs.start(project["id"], [VEO_FLF], "x", {}, library["image_media_id"],
                            media={"end_image_media_id": library["audio_media_id"]})
    assert e.value.field == "end_image_media_id" and "an image" in e.value.message
    short = services.media.import_path(project["id"], ms.make_audio(tmp_path / "blip.wav", seconds=1))["id"]
    with pytest.raises(AppError) as e:  # LTX-2.3 audio-to-video takes 2-20 s of sound
        services.jobs.start(project["id"], [LTX_A2V], "x", {}, None, media={"audio_media_id": short})
    assert e.value.field == "audio_media_id" and "2–20 s" in e.value.message
    assert services.jobs.list(project["id"]) == [] and fake_fal.calls == []


def test_cost_up_front_is_takes_times_models_times_seconds_times_price(api: Api, services: Services, project: dict,
                                                                       fake_fal: FakeFal) -> None:
    """2 takes × 2 models. LTX-2.3 Fast at 1440p for 8 s: $0.08 × 8 = $0.64 a take; Kling 3 Pro
    silent for 10 s: $0.112 × 10 = $1.12 a take. Total 2 × (0.64 + 1.12) = $3.52."""
    r = api.post("/api/generations", json={
        "project_id": project["id"], "model_ids": [LTX_T2V_FAST, KLING_PRO_T2V], "prompt": "two takes", "takes": 2,
        "params": {LTX_T2V_FAST: {"duration": 8, "resolution": "1440p"},
                   KLING_PRO_T2V: {"duration": "10", "generate_audio": False}}})
    assert r.status_code == 201, r.json
    assert r.json["estimated_cost"] == pytest.approx(3.52)
    costs = sorted(j["cost"] for j in r.json["jobs"])
    assert costs == pytest.approx([0.64, 0.64, 1.12, 1.12])
    for j in r.json["jobs"]:
        done = services.jobs.wait(j["id"], timeout=60)
        assert done["status"] == "done", done["error"]
        row = services.db.one("SELECT cost, group_id, take FROM media WHERE id = ?", (done["media_id"],))
        assert row["cost"] == pytest.approx(j["cost"]) and row["group_id"] == r.json["group_id"]


@pytest.mark.parametrize("model_id,params,cost", [
    (LTX_T2V, {"duration": 10, "resolution": "2160p"}, 2.40),
    (LTX_I2V_FAST, {"duration": 20}, 0.80),
    (VEO_FLF, {"resolution": "4k"}, 4.80),
    (VEO_FLF, {"generate_audio": False, "duration": "4s"}, 0.80),
    (VEO_FLF_FAST, {}, 1.20),
    (VEO_FLF_FAST, {"resolution": "4k", "generate_audio": False}, 2.40),
    (KLING_PRO_I2V, {"duration": "5"}, 0.84),
    (KLING_STD_T2V, {"duration": "15", "generate_audio": False}, 1.26),
    (KLING_STD_I2V, {}, 0.63),
    (WAN_T2V, {"resolution": "720p", "duration": "10"}, 1.00),
    (HAILUO_T2V, {}, 0.49),
    (HAILUO_I2V, {}, 0.49),
    (LTX_EXTEND, {"duration": 4}, 0.40),
])
def test_price_grids(model_id: str, params: dict, cost: float) -> None:
    model = registry.get_model(model_id)
    assert registry.estimate_cost(model, registry.validate_params(model, params)) == pytest.approx(cost)


def test_audio_to_video_costs_the_sounds_length(services: Services, project: dict, library: dict[str, str],
                                                fake_fal: FakeFal) -> None:
    job = services.jobs.start(project["id"], [LTX_A2V], "x", {}, None,
                              media={"audio_media_id": library["audio_media_id"]})[0]
    assert job["cost"] == pytest.approx(0.10 * 3, abs=0.01)  # $0.10/s × the 3 s sound


def test_three_takes_three_seeds_one_group(api: Api, services: Services, project: dict, fake_fal: FakeFal) -> None:
    r = api.post("/api/generations", json={"project_id": project["id"], "model_ids": [WAN_T2V, "local/preview-t2v"],
                                           "prompt": "three takes", "takes": 3,
                                           "params": {"local/preview-t2v": {"duration": 1, "resolution": "360p"}}})
    assert r.status_code == 201, r.json
    jobs = r.json["jobs"]
    assert len(jobs) == 6 and {j["group_id"] for j in jobs} == {r.json["group_id"]}
    for model_id in (WAN_T2V, "local/preview-t2v"):
        mine = [j for j in jobs if j["model_id"] == model_id]
        assert sorted(j["take"] for j in mine) == [0, 1, 2]
        assert len({j["seed"] for j in mine}) == 3 and all(isinstance(j["seed"], int) for j in mine)
    done = [services.jobs.wait(j["id"], timeout=60) for j in jobs]
    assert all(j["status"] == "done" for j in done), [j["error"] for j in done]
    # fal got each take's own seed in Wan's seed field
    sent = sorted(req.input["seed"] for req in fake_fal.requests.values())
    assert sent == sorted(j["seed"] for j in jobs if j["model_id"] == WAN_T2V)
    assert all(isinstance(s, int) for s in sent)
    rows = services.db.query("SELECT id, group_id, take, seed, model_id, media_id FROM jobs WHERE group_id = ?",
                             (r.json["group_id"],))
    assert len(rows) == 6 and {(r["id"], r["seed"], r["take"]) for r in rows} == {(j["id"], j["seed"], j["take"])
                                                                                 for j in jobs}
    media = services.db.query("SELECT group_id, take, sha256 FROM media WHERE group_id = ?", (r.json["group_id"],))
    assert len(media) == 6 and sorted(m["take"] for m in media) == [0, 0, 1, 1, 2, 2]
    # the offline takes differ: each seed makes its own clip
    local_sha = {services.media.get(j["media_id"])["sha256"] for j in done if j["model_id"] == "local/preview-t2v"}
    assert len(local_sha) == 3


def test_a_given_seed_starts_the_takes(services: Services, project: dict, fake_fal: FakeFal) -> None:
    jobs = services.jobs.start(project["id"], [WAN_T2V], "x", {WAN_T2V: {"seed": 41}}, takes=3)
    assert [j["seed"] for j in jobs] == [41, 42, 43] and [j["params"]["seed"] for j in jobs] == [41, 42, 43]


@pytest.mark.parametrize("takes", [5, 0, -1, "2", 2.0, True, None])
def test_takes_out_of_range_are_refused(api: Api, project: dict, fake_fal: FakeFal, takes: Any) -> None:
    r = api.post("/api/generations", json={"project_id": project["id"], "model_ids": ["local/preview-t2v"],
                                           "prompt": "x", "takes": takes})
    assert r.status_code == 422 and r.json["error"]["field"] == "takes" and "1 to 4" in r.json["error"]["message"]
    assert api.get(f"/api/generations?project_id={project['id']}").json["jobs"] == []


def test_the_same_model_twice_is_still_refused(api: Api, project: dict) -> None:
    r = api.post("/api/generations", json={"project_id": project["id"], "prompt": "x",
                                           "model_ids": ["local/preview-t2v", "local/preview-t2v"]})
    assert r.status_code == 422 and r.json["error"]["field"] == "model_ids" and "takes" in r.json["error"]["message"]


def test_the_models_list_has_the_new_entries_with_prices_and_what_is_unconfirmed(api: Api) -> None:
    models = {m["id"]: m for m in api.get("/api/models").json["models"]}
    for model_id in WIRE:
        m = models[model_id]
        assert m["price_per_second"] > 0 or m["price_per_video"] > 0
    assert models[HAILUO_T2V]["price_per_video"] == 0.49
    assert models[LTX_I2V]["inputs"][1] == {"name": "end_image_url", "kind": "image", "from": "end_image_media_id",
                                            "required": False, "label": "End frame",
                                            "needs": "needs an end frame: use Fill on the timeline"}
    assert any("price" in u for u in models[LTX_EXTEND]["unconfirmed"])
    assert "unconfirmed" not in models[LTX_T2V]
    assert any("still served" in u for u in models["fal-ai/ltx-2/text-to-video"]["unconfirmed"])
