"""Deleting a media item can be undone: the row and its files stay, marked deleted, until the
undo window closes (UNDO_WINDOW after the delete, or the next start); restore brings the item
back, and a timeline that names it again is saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reelcut.library import media_store

from .conftest import Api


def _files(services: Any, media_id: str) -> list[Path]:
    row = services.db.one("SELECT path, thumbnail FROM media WHERE id = ?", (media_id,))
    return [services.config.data_dir / rel for rel in (row["path"], row["thumbnail"]) if rel]


def _save_with(api: Api, pid: str, media_id: str) -> int:
    return api.put(f"/api/projects/{pid}/timeline", json={"timeline": _timeline_with(api, pid, media_id)}).status_code


def _timeline_with(api: Api, pid: str, media_id: str) -> dict[str, Any]:
    doc = api.get(f"/api/projects/{pid}/timeline").json["timeline"]
    track = next(t for t in doc["tracks"] if t["kind"] == "video")
    track["clips"] = [{"id": "c1", "media_id": media_id, "start": 0, "in": 0, "out": 1.0}]
    return doc


def test_delete_keeps_the_files_and_restore_brings_the_item_and_its_clips_back(api: Api, services: Any,
                                                                              project: dict, samples: dict) -> None:
    pid = project["id"]
    item = services.media.import_path(pid, samples["video"])
    assert _save_with(api, pid, item["id"]) == 200
    files = _files(services, item["id"])
    assert files and all(f.is_file() for f in files)

    assert api.delete(f"/api/media/{item['id']}").json == {"ok": True}
    # gone from the library, the item's routes and the timeline; its files stay
    assert api.get(f"/api/media/{item['id']}").status_code == 404
    assert api.get(f"/api/projects/{pid}/media").json["media"] == []
    doc = api.get(f"/api/projects/{pid}/timeline").json["timeline"]
    assert all(not t["clips"] for t in doc["tracks"])
    assert all(f.is_file() for f in files)
    # a save naming it is refused while it is deleted
    assert _save_with(api, pid, item["id"]) == 422

    restored = api.post(f"/api/media/{item['id']}/restore", json={})
    assert restored.status_code == 200 and restored.json["media"]["id"] == item["id"]
    assert [m["id"] for m in api.get(f"/api/projects/{pid}/media").json["media"]] == [item["id"]]
    assert api.get(f"/media/{item['id']}").status_code == 200
    # the page's own edit puts the clips back
    assert _save_with(api, pid, item["id"]) == 200


def test_the_undo_window_closes_at_the_next_start_or_when_it_runs_out(api: Api, services: Any, project: dict,
                                                                      samples: dict, monkeypatch: Any) -> None:
    pid = project["id"]
    old = services.media.import_path(pid, samples["video"])
    fresh = services.media.import_path(pid, samples["image"])
    old_files, fresh_files = _files(services, old["id"]), _files(services, fresh["id"])
    services.media.delete(old["id"])
    services.db.execute("UPDATE media SET deleted_at = '2000-01-01T00:00:00.000Z' WHERE id = ?", (old["id"],))
    services.media.delete(fresh["id"])  # each delete closes the windows that ran out
    assert services.db.one("SELECT id FROM media WHERE id = ?", (old["id"],)) is None
    assert not any(f.exists() for f in old_files)
    assert all(f.is_file() for f in fresh_files)
    r = api.post(f"/api/media/{old['id']}/restore", json={})
    assert r.status_code == 404 and "undo window" in r.json["error"]["message"]

    # a start-up purges every deleted item, whatever its age
    assert services.media.purge_deleted() == 1
    assert not any(f.exists() for f in fresh_files)
    assert api.post(f"/api/media/{fresh['id']}/restore", json={}).status_code == 404
    assert media_store.UNDO_WINDOW >= 3600


def test_restoring_an_item_that_is_not_deleted_changes_nothing(api: Api, services: Any, project: dict,
                                                               samples: dict) -> None:
    item = services.media.import_path(project["id"], samples["audio"])
    assert api.post(f"/api/media/{item['id']}/restore", json={}).json["media"]["name"] == item["name"]
    assert api.post("/api/media/nothing/restore", json={}).status_code == 404
