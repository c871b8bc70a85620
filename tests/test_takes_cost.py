"""Cost up front: the figure the generate panel shows before Generate (web/js/generate/
params-model.js, run here in Node on the registry the page is served) is the server's
estimated_cost for the same request, takes included."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .conftest import Api
from .fake_fal import FakeFal, quick_providers

ROOT = Path(__file__).resolve().parents[1]
LTX_T2V_FAST = "fal-ai/ltx-2.3/text-to-video/fast"
KLING_PRO_T2V = "fal-ai/kling-video/v3/pro/text-to-video"
OFFLINE = "local/preview-t2v"

# What the panel does: each ticked model's values start from its defaults (panel `defaults`), the
# user's changes over them; the total is takes × the sum of each model's estimate.
PAGE_COST = """
import { defaults, totalEstimate } from '%s';
let input = '';
for await (const chunk of process.stdin) input += chunk;
const { models, request } = JSON.parse(input);
const entries = request.model_ids.map((id) => {
  const model = models.find((m) => m.id === id);
  return { model, values: { ...defaults(model), ...(request.params[id] || {}) } };
});
process.stdout.write(JSON.stringify(totalEstimate(entries, request.takes)));
"""


def page_cost(models: list[dict[str, Any]], request: dict[str, Any]) -> float:
    node = shutil.which("node")
    assert node, "Node.js is needed to run the page's cost estimate"
    script = PAGE_COST % (ROOT / "web/js/generate/params-model.js").as_uri()
    given = json.dumps({"models": models, "request": request})
    out = subprocess.run([node, "--input-type=module", "-e", script], input=given, capture_output=True, text=True,
                         check=True, timeout=60)
    return float(out.stdout)


@pytest.fixture
def providers(data_dir: Path, fake_fal: FakeFal) -> dict[str, Any]:
    return quick_providers(data_dir)


@pytest.mark.parametrize(("model_ids", "params", "takes", "expected"), [
    # LTX-2.3 Fast 1440p 8 s: $0.64 a take; Kling 3 Pro silent 10 s: $1.12 a take
    ([LTX_T2V_FAST, KLING_PRO_T2V], {LTX_T2V_FAST: {"duration": 8, "resolution": "1440p"},
                                     KLING_PRO_T2V: {"duration": "10", "generate_audio": False}}, 2, 3.52),
    ([LTX_T2V_FAST], {}, 3, 3 * 0.04 * 6),  # the defaults: 1080p, 6 s
    ([KLING_PRO_T2V], {KLING_PRO_T2V: {"duration": "5", "generate_audio": False}}, 4, 4 * 0.112 * 5),
    ([OFFLINE], {}, 4, 0.0),
])
def test_the_panels_cost_is_the_servers_estimate(api: Api, project: dict, fake_fal: FakeFal, model_ids: list[str],
                                                 params: dict[str, Any], takes: int, expected: float) -> None:
    models = api.get("/api/models").json["models"]
    request = {"project_id": project["id"], "model_ids": model_ids, "prompt": "a lighthouse at dusk",
               "params": params, "takes": takes}
    shown = page_cost(models, request)
    r = api.post("/api/generations", json=request)
    assert r.status_code == 201, r.json
    assert len(r.json["jobs"]) == takes * len(model_ids)
    assert r.json["estimated_cost"] == pytest.approx(round(shown, 4), abs=1e-9)
    assert shown == pytest.approx(expected)
