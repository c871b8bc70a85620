"""Offline clips (issue 15, importing): a timeline file's clips whose media is missing keep their
place as offline clips, an export refuses them by name, and relinking makes them media clips
again, keeping their ranges."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import opentimelineio as otio
import pytest

from reelcut.services import Services

from . import media_samples
from .conftest import Api

pytestmark = pytest.mark.timeout(180)
RT = otio.opentime.RationalTime
TR = otio.opentime.TimeRange
FPS = 25


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("relink media")
    return {
        "here": media_samples.make_video(d / "here.mp4", seconds=2, color="blue", rate=FPS),
        "fox": media_samples.make_video(d / "fox.mp4", seconds=3, color="red", rate=FPS),
        "short": media_samples.make_video(d / "short.mp4", seconds=1, color="green", rate=FPS),
    }


def otio_file(here: Path, missing: Path) -> bytes:
    """An OTIO file as another editor writes it: a clip of a present file, then one of a file
    that is not on this machine (1 s to 2.2 s of it, at 2 s on the timeline)."""
    tl = otio.schema.Timeline(name="From Resolve")
    v = otio.schema.Track(name="Video 1", kind=otio.schema.TrackKind.Video)
    for path, start, frames in ((here, 0, 50), (missing, 25, 30)):
        ref = otio.schema.ExternalReference(target_url=path.as_uri(), available_range=TR(RT(0, FPS), RT(100, FPS)))
        v.append(otio.schema.Clip(name=path.stem, media_reference=ref,
                                  source_range=TR(RT(start, FPS), RT(frames, FPS))))
    tl.tracks.append(v)
    return otio.adapters.write_to_string(tl, "otio_json").encode()


def _import(api: Api, project_id: str, data: bytes, name: str = "edit.otio") -> Any:
    return api.post(f"/api/projects/{project_id}/timeline/import", data={"file": (io.BytesIO(data), name)},
                    content_type="multipart/form-data")


def _clips(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted((c for t in doc["tracks"] if t["kind"] == "video" for c in t["clips"]), key=lambda c: c["start"])


@pytest.fixture
def imported(api: Api, services: Services, project: dict[str, Any], files: dict[str, Path],
             tmp_path: Path) -> dict[str, Any]:
    gone = tmp_path / "elsewhere" / "fox.mp4"  # the same name as a file the user has, not there
    r = _import(api, project["id"], otio_file(files["here"], gone))
    assert r.status_code == 200, r.get_data(as_text=True)
    return {"project": project, "body": r.get_json(), "gone": gone}


def test_missing_media_is_kept_offline_and_named(services: Services, imported: dict[str, Any]) -> None:
    pid = imported["project"]["id"]
    warnings = imported["body"]["warnings"]
    assert any(w.startswith("Missing media: fox.mp4") and w.endswith("1 clip kept offline") for w in warnings), \
        warnings
    saved = services.projects.timeline(pid)  # the stored document, not just the answer
    here, fox = _clips(saved)
    assert "media_id" in here and "offline" not in here
    assert fox["offline"] == {"name": "fox.mp4", "path": str(imported["gone"])}
    assert "media_id" not in fox
    assert (fox["start"], fox["in"], fox["out"]) == (2.0, 1.0, 2.2)
    assert [m["filename"] for m in services.media.list(pid)] == ["here.mp4"]


def test_an_export_with_offline_clips_is_refused_naming_them(api: Api, imported: dict[str, Any]) -> None:
    pid = imported["project"]["id"]
    for url in (f"/api/projects/{pid}/exports", f"/api/projects/{pid}/exports/estimate"):
        r = api.post(url, json={})
        assert r.status_code == 409, r.get_data(as_text=True)
        err = r.get_json()["error"]
        assert err["code"] == "media_offline"
        assert err["message"].startswith("1 clip is offline: fox.mp4; relink or remove it"), err["message"]
    assert api.get(f"/api/projects/{pid}/exports").get_json()["exports"] == []


def test_relink_to_a_library_item_keeps_the_ranges(api: Api, services: Services, imported: dict[str, Any],
                                                   files: dict[str, Path]) -> None:
    pid = imported["project"]["id"]
    before, rev = services.projects.timeline_at(pid)
    fox = services.media.import_path(pid, files["fox"])
    r = api.post(f"/api/projects/{pid}/timeline/relink", json={"name": "fox.mp4", "media_id": fox["id"]})
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["relinked"] == 1
    saved, new_rev = services.projects.timeline_at(pid)
    assert new_rev == rev + 1  # one save
    clip = _clips(saved)[1]
    old = _clips(before)[1]
    assert clip["media_id"] == fox["id"] and "offline" not in clip
    assert {k: clip[k] for k in ("id", "start", "in", "out")} == {k: old[k] for k in ("id", "start", "in", "out")}
    # the export no longer refuses it
    r = api.post(f"/api/projects/{pid}/exports/estimate", json={})
    assert r.status_code == 200, r.get_data(as_text=True)
    # and one undo brings the offline clip back
    r = api.post(f"/api/projects/{pid}/timeline/undo", json={})
    assert r.status_code == 200, r.get_data(as_text=True)
    assert _clips(services.projects.timeline(pid))[1]["offline"]["name"] == "fox.mp4"


def test_relink_to_media_too_short_is_refused_naming_the_clip(api: Api, services: Services,
                                                             imported: dict[str, Any], files: dict[str, Path]) -> None:
    pid = imported["project"]["id"]
    before, rev = services.projects.timeline_at(pid)
    short = services.media.import_path(pid, files["short"])
    r = api.post(f"/api/projects/{pid}/timeline/relink", json={"name": "fox.mp4", "media_id": short["id"]})
    assert r.status_code == 422, r.get_data(as_text=True)
    err = r.get_json()["error"]
    assert err["code"] == "invalid_relink" and err["field"] == "media_id"
    assert "shorter than the clip 'fox.mp4'" in err["message"] and "2.2 s" in err["message"], err["message"]
    assert services.projects.timeline_at(pid) == (before, rev)


def test_relink_by_path_imports_the_file_first(api: Api, services: Services, imported: dict[str, Any],
                                               files: dict[str, Path]) -> None:
    pid = imported["project"]["id"]
    r = api.post(f"/api/projects/{pid}/timeline/relink", json={"name": "fox.mp4", "path": str(files["fox"])})
    assert r.status_code == 200, r.get_data(as_text=True)
    item = services.media.get(r.get_json()["media_id"])
    assert item["filename"] == "fox.mp4"
    assert _clips(services.projects.timeline(pid))[1]["media_id"] == item["id"]


def test_relink_naming_no_offline_clip_is_a_422(api: Api, imported: dict[str, Any]) -> None:
    pid = imported["project"]["id"]
    r = api.post(f"/api/projects/{pid}/timeline/relink", json={"name": "nope.mp4", "media_id": "x"})
    assert r.status_code == 422
    assert r.get_json()["error"]["message"] == "No offline clip is named 'nope.mp4'."


def test_an_offline_clip_is_validated(services: Services, imported: dict[str, Any]) -> None:
    pid = imported["project"]["id"]
    doc = services.projects.timeline(pid)
    for bad, field in (({"name": "x", "what": 1}, "offline.what"), ({"name": "x" * 201}, "offline.name"),
                       ({"path": "/a"}, "offline.name")):
        d = json.loads(json.dumps(doc))
        _clips(d)[1]["offline"] = bad
        with pytest.raises(Exception) as exc:
            services.projects.save_timeline(pid, d)
        assert getattr(exc.value, "field", "").endswith(field), exc.value
    d = json.loads(json.dumps(doc))
    _clips(d)[1]["media_id"] = _clips(d)[0]["media_id"]
    with pytest.raises(Exception) as exc:
        services.projects.save_timeline(pid, d)
    assert "relink it instead" in str(getattr(exc.value, "message", exc.value))


def test_an_otio_round_trip_keeps_offline_clips(api: Api, services: Services, imported: dict[str, Any],
                                                files: dict[str, Path]) -> None:
    pid = imported["project"]["id"]
    r = api.get(f"/api/projects/{pid}/timeline/export?format=otio")
    assert r.status_code == 200, r.get_data(as_text=True)
    tl = otio.adapters.read_from_string(r.get_data(as_text=True), "otio_json")
    fox = [c for c in tl.find_clips() if c.name == "fox.mp4"][0]
    assert fox.metadata["reelcut"]["offline"] == {"name": "fox.mp4", "path": str(imported["gone"])}
    other = services.projects.create("Round trip")
    r = _import(api, other["id"], r.get_data())
    assert r.status_code == 200, r.get_data(as_text=True)
    clip = _clips(r.get_json()["timeline"])[1]
    assert clip["offline"] == {"name": "fox.mp4", "path": str(imported["gone"])}
    assert (clip["start"], clip["in"], clip["out"]) == (2.0, 1.0, 2.2)
