"""Bins: an item is filed in one (a name, one level) or in none, with PATCH /api/media/<id>."""

from __future__ import annotations

from typing import Any

from .conftest import Api


def test_an_item_is_filed_in_a_bin_and_taken_out(api: Api, services: Any, project: dict, samples: dict) -> None:
    item = services.media.import_path(project["id"], samples["video"])
    assert item["bin"] is None
    r = api.patch(f"/api/media/{item['id']}", json={"bin": "  B-roll\t shots "})
    assert r.status_code == 200 and r.json["media"]["bin"] == "B-roll shots"
    assert r.json["media"]["name"] == item["name"]  # the name stays
    assert api.get(f"/api/projects/{project['id']}/media").json["media"][0]["bin"] == "B-roll shots"
    # a rename keeps the bin; both at once
    assert api.patch(f"/api/media/{item['id']}", json={"name": "Beach"}).json["media"]["bin"] == "B-roll shots"
    both = api.patch(f"/api/media/{item['id']}", json={"name": "Sea", "bin": "Final"}).json["media"]
    assert (both["name"], both["bin"]) == ("Sea", "Final")
    for none in (None, "", "   "):
        assert api.patch(f"/api/media/{item['id']}", json={"bin": none}).json["media"]["bin"] is None


def test_a_bin_is_refused_with_the_field_named(api: Api, services: Any, project: dict, samples: dict) -> None:
    item = services.media.import_path(project["id"], samples["image"])
    for bad in (7, "x" * 101, ["a"]):
        r = api.patch(f"/api/media/{item['id']}", json={"bin": bad})
        assert r.status_code == 400 and r.json["error"]["field"] == "bin", r.json
    r = api.patch(f"/api/media/{item['id']}", json={})
    assert r.status_code == 400 and r.json["error"]["field"] == "name"
    assert api.patch("/api/media/none", json={"bin": "A"}).status_code == 404
