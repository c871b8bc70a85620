"""Projects, media import and the timeline document, down to the bytes on disk and the rows."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from reelcut.config import Config
from reelcut.errors import AppError
from reelcut.services import Services

from .conftest import TOKEN, Api


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_project_lifecycle(services: Services, samples: dict) -> None:
    p = services.projects.create("  My   film ")
    assert p["name"] == "My film"
    assert services.projects.rename(p["id"], "Renamed")["name"] == "Renamed"
    services.media.import_path(p["id"], samples["video"])
    folder = services.projects.folder(p["id"])
    assert files_under(folder)
    services.projects.delete(p["id"])
    assert not folder.exists()
    assert services.db.query("SELECT * FROM media WHERE project_id = ?", (p["id"],)) == []
    with pytest.raises(AppError) as e:
        services.projects.get(p["id"])
    assert e.value.status == 404


@pytest.mark.parametrize("name", ["", "   ", None, 5, "x" * 121])
def test_bad_project_names_are_refused(services: Services, name: Any) -> None:
    with pytest.raises(AppError) as e:
        services.projects.create(name)
    assert e.value.field == "name"


@pytest.mark.parametrize("kind,width,height,codec", [("video", 320, 240, "h264"), ("image", 640, 360, "png"),
                                                      ("audio", None, None, None)])
def test_import_records_what_the_file_is(services: Services, project: dict, samples: dict, kind: str,
                                         width: Any, height: Any, codec: Any) -> None:
    src = samples[kind]
    item = services.media.import_path(project["id"], src)
    row = services.db.one("SELECT * FROM media WHERE id = ?", (item["id"],))
    stored = services.config.data_dir / row["path"]
    assert stored.read_bytes() == src.read_bytes()
    assert row["sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert row["size"] == src.stat().st_size
    assert (row["kind"], row["width"], row["height"], row["video_codec"]) == (kind, width, height, codec)
    assert row["created_at"] and item["source"] == {"type": "import", "original_name": src.name}
    if kind == "video":
        assert row["fps"] == 25 and abs(row["duration"] - 2.0) < 0.1 and row["audio_codec"] == "aac"
    if kind == "audio":
        assert abs(row["duration"] - 1.5) < 0.1
    if kind in ("video", "image"):
        thumb = services.media.thumbnail_path(item["id"])
        assert thumb.read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG
    else:
        assert item["has_thumbnail"] is False


@pytest.mark.parametrize("sample", ["text", "disguised"])
def test_non_media_is_refused_and_nothing_is_stored(api: Api, services: Services, project: dict, samples: dict,
                                                    sample: str) -> None:
    src = samples[sample]
    with open(src, "rb") as f:
        r = api.post(f"/api/projects/{project['id']}/media", data={"file": (f, src.name)},
                     content_type="multipart/form-data")
    assert r.status_code == 415
    assert r.json["error"]["code"] == "not_media"
    assert src.name in r.json["error"]["message"]
    assert services.media.list(project["id"]) == []
    assert files_under(services.projects.folder(project["id"])) == []
    assert files_under(services.config.temp_dir) == []


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="red"/></svg>'


@pytest.mark.parametrize("name", ["logo.svg", "logo.png"])
def test_an_svg_is_refused_by_name_not_with_a_500(api: Api, services: Services, project: dict, name: str) -> None:
    """FFmpeg demuxes SVG (svg_pipe) but has no decoder for it: the stream has no codec context,
    which the probe read as a crash. Renamed .png, it is the same bytes."""
    import io

    r = api.post(f"/api/projects/{project['id']}/media", data={"file": (io.BytesIO(SVG), name)},
                 content_type="multipart/form-data")
    assert r.status_code == 415, r.json
    err = r.json["error"]
    assert err["code"] == "not_media" and err["field"] == "file"
    assert name in err["message"] and "cannot decode its format" in err["message"]
    assert services.media.list(project["id"]) == []
    assert files_under(services.projects.folder(project["id"])) == []
    assert files_under(services.config.temp_dir) == []


def test_multipart_import_of_several_files(api: Api, services: Services, project: dict, samples: dict) -> None:
    with open(samples["video"], "rb") as v, open(samples["image"], "rb") as i:
        r = api.post(f"/api/projects/{project['id']}/media",
                     data={"file": [(v, "clip.mp4"), (i, "still.png")]}, content_type="multipart/form-data")
    assert r.status_code == 201
    assert [m["kind"] for m in r.json["media"]] == ["video", "image"]
    assert [m["name"] for m in api.get(f"/api/projects/{project['id']}/media").json["media"]] == ["clip", "still"]


def test_upload_cap(data_dir: Path, samples: dict) -> None:
    b = Services(Config(data_dir=data_dir, token=TOKEN, port=5999, upload_limit=1000))
    try:
        p = b.projects.create("Capped")
        with pytest.raises(AppError) as e:
            b.media.import_path(p["id"], samples["video"])
        assert e.value.status == 413 and "upload limit" in e.value.message
        assert files_under(b.config.temp_dir) == []
    finally:
        b.close()


def test_start_up_cleans_temp_and_orphans(config: Config) -> None:
    config.temp_dir.mkdir(parents=True)
    (config.temp_dir / "half-written.part").write_bytes(b"x" * 100)
    (config.temp_dir / "export-dir").mkdir()
    orphan = config.projects_dir / "deadbeef"
    orphan.mkdir(parents=True)
    b = Services(config)
    b.start()
    try:
        assert list(config.temp_dir.iterdir()) == []
        assert not orphan.exists()
    finally:
        b.close()


def test_data_survives_a_restart(config: Config, samples: dict) -> None:
    b = Services(config)
    p = b.projects.create("Kept")
    item = b.media.import_path(p["id"], samples["video"])
    tl = b.projects.timeline(p["id"])
    tl["tracks"][0]["clips"] = [{"id": "c1", "media_id": item["id"], "start": 1.0, "in": 0.0, "out": 2.0}]
    tl["playhead"], tl["zoom"] = 1.25, 80
    b.projects.save_timeline(p["id"], tl)
    b.close()
    again = Services(config)
    try:
        assert again.projects.list()[0]["name"] == "Kept"
        assert again.media.get(item["id"])["sha256"] == item["sha256"]
        assert again.projects.timeline(p["id"]) == tl
        con = sqlite3.connect(config.db_path)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA user_version").fetchone()[0] >= 2
        con.close()
    finally:
        again.close()


def test_default_timeline_has_two_video_tracks(services: Services, project: dict) -> None:
    tl = services.projects.timeline(project["id"])
    assert [t["kind"] for t in tl["tracks"]].count("video") >= 2
    assert tl["version"] == 2 and tl["fps"] > 0


def _with_clip(services: Services, project: dict, samples: dict, **clip: Any) -> dict:
    item = services.media.import_path(project["id"], samples["video"])
    tl = services.projects.timeline(project["id"])
    tl["tracks"][0]["clips"] = [{"id": "c", "media_id": item["id"], "start": 0, "in": 0, "out": 1, **clip}]
    return tl


@pytest.mark.parametrize("change,field", [
    ({"media_id": "not-in-this-project"}, "tracks[0].clips[0].media_id"),
    ({"out": 0}, "tracks[0].clips[0].out"),
    ({"url": "https://cdn.example/clip.mp4"}, "tracks[0].clips[0].url"),
    ({"start": -1}, "tracks[0].clips[0].start"),
    ({"start": "soon"}, "tracks[0].clips[0].start"),
])
def test_invalid_timelines_are_refused_with_the_reason(api: Api, services: Services, project: dict, samples: dict,
                                                       change: dict, field: str) -> None:
    tl = _with_clip(services, project, samples, **change)
    r = api.put(f"/api/projects/{project['id']}/timeline", json={"timeline": tl})
    assert r.status_code == 422
    assert r.json["error"]["code"] == "invalid_timeline" and r.json["error"]["field"] == field
    assert field.split(".")[-1] in r.json["error"]["message"]
    assert services.projects.timeline(project["id"])["tracks"][0]["clips"] == []  # nothing half-saved


def test_wrong_version_refused(api: Api, services: Services, project: dict) -> None:
    tl = services.projects.timeline(project["id"])
    tl["version"] = 99
    assert api.put(f"/api/projects/{project['id']}/timeline", json={"timeline": tl}).status_code == 422


def test_deleting_media_removes_its_clips_and_files(services: Services, project: dict, samples: dict) -> None:
    tl = _with_clip(services, project, samples)
    services.projects.save_timeline(project["id"], tl)
    media_id = tl["tracks"][0]["clips"][0]["media_id"]
    path, _ = services.media.file_path(media_id)
    services.media.delete(media_id)
    assert services.projects.timeline(project["id"])["tracks"][0]["clips"] == []
    assert path.exists()  # kept until the undo window closes
    services.media.purge_deleted()
    assert not path.exists()
    assert files_under(services.projects.folder(project["id"]) / "thumbs") == []


def _upload(api: Api, project: dict, *paths: Path) -> Any:
    files = [(open(p, "rb"), p.name) for p in paths]  # noqa: SIM115 - closed below
    try:
        return api.post(f"/api/projects/{project['id']}/media", data={"file": files},
                        content_type="multipart/form-data")
    finally:
        for f, _ in files:
            f.close()


def test_multipart_import_stores_the_bytes_and_a_full_row(api: Api, services: Services, project: dict,
                                                          samples: dict) -> None:
    r = _upload(api, project, samples["video"], samples["image"], samples["audio"])
    assert r.status_code == 201, r.json
    video, image, audio = r.json["media"]
    for item, kind in ((video, "video"), (image, "image"), (audio, "audio")):
        src = samples[kind]
        row = services.db.one("SELECT * FROM media WHERE id = ?", (item["id"],))
        stored = services.config.data_dir / row["path"]
        assert stored.is_file() and stored.is_relative_to(services.projects.folder(project["id"]))
        assert stored.read_bytes() == src.read_bytes()
        assert row["sha256"] == item["sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
        assert row["size"] == item["size"] == src.stat().st_size
        assert row["created_at"].endswith("Z") and item["source"] == {"type": "import", "original_name": src.name}
        assert row["project_id"] == project["id"] and row["kind"] == kind
    assert (video["width"], video["height"], video["fps"], video["video_codec"], video["audio_codec"]) == \
        (320, 240, 25, "h264", "aac")
    assert abs(video["duration"] - 2.0) < 0.1
    assert (image["width"], image["height"]) == (640, 360)
    assert (audio["width"], audio["video_codec"], audio["audio_codec"]) == (None, None, "mp3")
    assert abs(audio["duration"] - 1.5) < 0.1
    for item in (video, image):
        thumb = api.get(item["thumbnail_url"])
        assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg" and thumb.data[:3] == b"\xff\xd8\xff"
    assert audio["thumbnail_url"] is None
    assert files_under(services.config.temp_dir) == []


def test_a_refused_file_in_a_batch_stores_nothing_of_itself(api: Api, services: Services, project: dict,
                                                             samples: dict) -> None:
    r = _upload(api, project, samples["disguised"])
    assert r.status_code == 415 and "fake.mp4" in r.json["error"]["message"]
    assert services.db.query("SELECT id FROM media") == []


def test_a_truncated_mp4_is_refused(api: Api, services: Services, project: dict, samples: dict, tmp_path: Path) -> None:
    data = samples["video"].read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(AppError) as e:
        services.media.import_path(project["id"], cut)
    assert e.value.status == 415 and e.value.code == "not_media" and "cut.mp4" in e.value.message
    r = _upload(api, project, cut)
    assert r.status_code == 415 and r.json["error"]["code"] == "not_media"
    assert "truncated" in r.json["error"]["message"]
    assert services.media.list(project["id"]) == []
    assert files_under(services.projects.folder(project["id"])) == []
    assert files_under(services.config.temp_dir) == []


def test_projects_are_listed_newest_first_and_deleting_one_spares_the_other(services: Services, samples: dict) -> None:
    a = services.projects.create("A")
    b = services.projects.create("B")
    assert [p["name"] for p in services.projects.list()] == ["B", "A"]
    kept = services.media.import_path(b["id"], samples["image"])
    services.media.import_path(a["id"], samples["image"])
    services.projects.delete(a["id"])
    assert [p["id"] for p in services.projects.list()] == [b["id"]]
    assert [r["id"] for r in services.db.query("SELECT id FROM media")] == [kept["id"]]
    assert services.media.file_path(kept["id"])[0].read_bytes() == samples["image"].read_bytes()


def test_timeline_round_trips_through_the_api(api: Api, services: Services, project: dict, samples: dict) -> None:
    item = services.media.import_path(project["id"], samples["video"])
    url = f"/api/projects/{project['id']}/timeline"
    tl = api.get(url).json["timeline"]
    tl["playhead"], tl["zoom"] = 3.5, 120.0
    tl["tracks"][1]["clips"] = [{"id": "c9", "media_id": item["id"], "start": 2.0, "in": 0.5, "out": 1.5}]
    r = api.put(url, json={"timeline": tl})
    assert r.status_code == 200 and r.json["timeline"] == tl
    again = api.get(url).json["timeline"]
    assert again == tl and again["playhead"] == 3.5 and again["zoom"] == 120.0
    stored = services.db.one("SELECT timeline FROM projects WHERE id = ?", (project["id"],))["timeline"]
    assert json.loads(stored)["tracks"][1]["clips"] == tl["tracks"][1]["clips"] and "url" not in stored


def test_out_before_in_and_a_wrong_version_give_the_reason(api: Api, services: Services, project: dict,
                                                          samples: dict) -> None:
    tl = _with_clip(services, project, samples, **{"in": 1.5, "out": 0.5})
    r = api.put(f"/api/projects/{project['id']}/timeline", json={"timeline": tl})
    assert r.status_code == 422 and r.json["error"]["field"] == "tracks[0].clips[0].out"
    tl = services.projects.timeline(project["id"])
    tl["version"] = 3
    r = api.put(f"/api/projects/{project['id']}/timeline", json={"timeline": tl})
    assert r.status_code == 422 and r.json["error"]["field"] == "version" and "must be 2" in r.json["error"]["message"]
    other = services.projects.create("Other")
    foreign = services.media.import_path(other["id"], samples["image"])
    tl = _with_clip(services, project, samples, media_id=foreign["id"])
    r = api.put(f"/api/projects/{project['id']}/timeline", json={"timeline": tl})
    assert r.status_code == 422 and r.json["error"]["field"] == "tracks[0].clips[0].media_id"
