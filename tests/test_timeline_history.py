"""One history (issue 17): the server keeps the timeline's undo history, shared by every writer
(the page, an agent, a script), in SQLite, so it survives a reload and a restart. Undo and redo
write the step's document as the timeline with a new revision; every change is told to every
window as `timeline_changed`, with who made it."""

from __future__ import annotations

import queue
from typing import Any

from reelcut.config import Config
from reelcut.library import history
from reelcut.server.app import create_app
from reelcut.services import Services

from .conftest import Api


def _url(project: dict, what: str = "timeline") -> str:
    return f"/api/projects/{project['id']}/{what}"


def _sized(api: Api, project: dict, width: int, revision: int, **extra: Any) -> dict:
    """Save the current timeline at another width (the content that tells the steps apart)."""
    tl = api.get(_url(project)).json["timeline"]
    r = api.put(_url(project), json={"timeline": {**tl, "width": width}, "revision": revision, **extra})
    assert r.status_code == 200, r.json
    return r.json


def _events(q: queue.Queue) -> list[tuple[str, Any]]:
    out = []
    while True:
        try:
            out.append(q.get_nowait())
        except queue.Empty:
            return [e for e in out if e[0] == "timeline_changed"]


def test_undo_twice_redo_and_a_new_save_drops_redo(api: Api, services: Any, project: dict) -> None:
    events = services.bus.subscribe()
    assert _sized(api, project, 1280, 0, source="page")["revision"] == 1
    assert _sized(api, project, 640, 1, source="mcp")["revision"] == 2
    assert _sized(api, project, 320, 2)["revision"] == 3  # no source: "api"
    h = api.get(_url(project, "timeline/history")).json
    assert h["can_undo"] and not h["can_redo"] and h["revision"] == 3
    assert [(s["revision"], s["source"], s["current"]) for s in h["steps"]] == [
        (0, "base", False), (1, "page", False), (2, "mcp", False), (3, "api", True)]

    r = api.post(_url(project, "timeline/undo"), json={"revision": 3, "source": "page"})
    assert r.status_code == 200, r.json
    assert r.json["timeline"]["width"] == 640 and r.json["revision"] == 4
    assert r.json["can_undo"] and r.json["can_redo"]
    assert r.json["label"] == "Undid an edit through the API."
    # the change undone, by the revision its save was given: a window knows its own saves by it
    assert r.json["step"] == {"revision": 3, "source": "api"}
    r = api.post(_url(project, "timeline/undo"), json={"revision": 4, "source": "page"})
    assert r.status_code == 200 and r.json["label"] == "Undid an agent's edit."
    # revision 1's content, at a new, higher revision: revisions only grow
    assert r.json["timeline"]["width"] == 1280 and r.json["revision"] == 5
    got = api.get(_url(project)).json
    assert got["timeline"]["width"] == 1280 and got["revision"] == 5
    row = services.db.one("SELECT timeline, revision FROM projects WHERE id = ?", (project["id"],))
    assert '"width":1280' in row["timeline"] and row["revision"] == 5

    r = api.post(_url(project, "timeline/redo"), json={"revision": 5, "source": "mcp"})
    assert r.status_code == 200 and r.json["timeline"]["width"] == 640 and r.json["revision"] == 6
    assert r.json["can_redo"] and r.json["label"] == "Redid an agent's edit."
    assert r.json["step"] == {"revision": 2, "source": "mcp"}
    # a new save after the undo: what was there to redo (320) is gone
    _sized(api, project, 800, 6, source="page")
    h = api.get(_url(project, "timeline/history")).json
    assert not h["can_redo"] and [s["revision"] for s in h["steps"]] == [0, 1, 2, 7]
    r = api.post(_url(project, "timeline/redo"), json={"revision": 7})
    assert r.status_code == 409 and r.json["error"]["code"] == "nothing_to_redo"
    assert api.get(_url(project)).json["revision"] == 7

    told = [data for _, data in _events(events)]
    assert [(e["revision"], e["source"], e["action"]) for e in told] == [
        (1, "page", "save"), (2, "mcp", "save"), (3, "api", "save"), (4, "page", "undo"), (5, "page", "undo"),
        (6, "mcp", "redo"), (7, "page", "save")]
    assert all(e["project_id"] == project["id"] for e in told)


def test_undo_goes_back_to_the_first_document_and_no_further(api: Api, project: dict) -> None:
    r = api.post(_url(project, "timeline/undo"), json={"revision": 0})
    assert r.status_code == 409 and r.json["error"]["code"] == "nothing_to_undo", r.json
    assert api.get(_url(project, "timeline/history")).json == {"revision": 0, "can_undo": False,
                                                                "can_redo": False, "steps": []}
    _sized(api, project, 1280, 0)
    r = api.post(_url(project, "timeline/undo"), json={"revision": 1})
    assert r.status_code == 200 and r.json["timeline"]["width"] == 1920 and not r.json["can_undo"]
    r = api.post(_url(project, "timeline/undo"), json={"revision": 2})
    assert r.status_code == 409 and r.json["error"]["code"] == "nothing_to_undo"


def test_a_stale_undo_is_refused_and_changes_nothing(api: Api, services: Any, project: dict) -> None:
    _sized(api, project, 1280, 0)
    _sized(api, project, 640, 1)
    events = services.bus.subscribe()
    before = tuple(services.db.one("SELECT timeline, revision, history_at FROM projects WHERE id = ?",
                                   (project["id"],)))
    steps = api.get(_url(project, "timeline/history")).json
    for path in ("timeline/undo", "timeline/redo"):
        r = api.post(_url(project, path), json={"revision": 1})
        assert r.status_code == 409, r.json
        err = r.json["error"]
        assert err["code"] == "stale_timeline" and err["revision"] == 2 and "revision 2" in err["message"]
    r = api.post(_url(project, "timeline/undo"), json={"revision": "2"})
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_revision"
    r = api.post(_url(project, "timeline/undo"), json={"revision": 2, "source": "robot"})
    assert r.status_code == 400 and r.json["error"]["field"] == "source" and "mcp" in r.json["error"]["message"]
    after = tuple(services.db.one("SELECT timeline, revision, history_at FROM projects WHERE id = ?",
                                  (project["id"],)))
    assert after == before and api.get(_url(project, "timeline/history")).json == steps
    assert _events(events) == []


def test_a_refused_save_is_no_step(api: Api, project: dict) -> None:
    _sized(api, project, 1280, 0)
    tl = api.get(_url(project)).json["timeline"]
    r = api.put(_url(project), json={"timeline": {**tl, "width": 1281}, "revision": 1})
    assert r.status_code == 422 and r.json["error"]["field"] == "width"
    r = api.put(_url(project), json={"timeline": tl, "revision": 1, "source": "robot"})
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid_source"
    assert [s["revision"] for s in api.get(_url(project, "timeline/history")).json["steps"]] == [0, 1]


def test_the_source_header_labels_a_save(api: Api, project: dict) -> None:
    tl = api.get(_url(project)).json["timeline"]
    r = api.put(_url(project), json={"timeline": tl, "revision": 0}, headers={"X-Reelcut-Source": "cli"})
    assert r.status_code == 200
    assert api.get(_url(project, "timeline/history")).json["steps"][-1]["source"] == "cli"


def test_the_history_is_capped_oldest_dropped(api: Api, project: dict) -> None:
    n = history.CAP + 5
    tl = api.get(_url(project)).json["timeline"]
    for i in range(n):
        r = api.put(_url(project), json={"timeline": {**tl, "width": 16 + 2 * (i + 1)}, "revision": i})
        assert r.status_code == 200, r.json
    steps = api.get(_url(project, "timeline/history")).json["steps"]
    assert len(steps) == history.CAP
    assert steps[0]["revision"] == n - history.CAP + 1 and steps[-1]["revision"] == n
    revision = n
    for _ in range(history.CAP - 1):
        r = api.post(_url(project, "timeline/undo"), json={"revision": revision})
        assert r.status_code == 200, r.json
        revision = r.json["revision"]
    assert not r.json["can_undo"] and r.json["timeline"]["width"] == 16 + 2 * (n - history.CAP + 1)
    r = api.post(_url(project, "timeline/undo"), json={"revision": revision})
    assert r.status_code == 409 and r.json["error"]["code"] == "nothing_to_undo"


def test_coalesced_saves_are_one_step(api: Api, project: dict) -> None:
    """A writer that saves several times for one gesture says `coalesce: true`: saves of the same
    source within a second make one step. Another source, or no flag, is a step of its own."""
    _sized(api, project, 1280, 0, source="mcp")
    _sized(api, project, 1000, 1, source="mcp", coalesce=True)
    _sized(api, project, 800, 2, source="mcp", coalesce=True)
    steps = api.get(_url(project, "timeline/history")).json["steps"]
    assert [(s["revision"], s["source"]) for s in steps] == [(0, "base"), (3, "mcp")]
    _sized(api, project, 640, 3, source="page", coalesce=True)  # another source: its own step
    _sized(api, project, 480, 4, source="page")  # no flag: its own step
    assert [s["revision"] for s in api.get(_url(project, "timeline/history")).json["steps"]] == [0, 3, 4, 5]
    r = api.post(_url(project, "timeline/undo"), json={"revision": 5})
    r = api.post(_url(project, "timeline/undo"), json={"revision": r.json["revision"]})
    r = api.post(_url(project, "timeline/undo"), json={"revision": r.json["revision"]})
    assert r.json["timeline"]["width"] == 1920 and not r.json["can_undo"]  # the three mcp saves went as one
    tl = api.get(_url(project)).json["timeline"]
    r = api.put(_url(project), json={"timeline": tl, "revision": 8, "coalesce": "yes"})
    assert r.status_code == 400 and r.json["error"]["field"] == "coalesce"


def test_the_history_survives_a_restart(config: Config) -> None:
    first = Services(config)
    first.start()
    api = Api(create_app(config, first))
    project = first.projects.create("Kept")
    _sized(api, project, 1280, 0, source="page")
    _sized(api, project, 640, 1, source="mcp")
    r = api.post(_url(project, "timeline/undo"), json={"revision": 2})
    assert r.status_code == 200 and r.json["revision"] == 3
    first.close()

    second = Services(config)
    second.start()
    try:
        api = Api(create_app(config, second))
        h = api.get(_url(project, "timeline/history")).json
        assert h["can_undo"] and h["can_redo"] and h["revision"] == 3
        assert [(s["source"], s["current"]) for s in h["steps"]] == [("base", False), ("page", True),
                                                                      ("mcp", False)]
        r = api.post(_url(project, "timeline/redo"), json={"revision": 3})
        assert r.status_code == 200 and r.json["timeline"]["width"] == 640 and r.json["revision"] == 4
        r = api.post(_url(project, "timeline/undo"), json={"revision": 4})
        r = api.post(_url(project, "timeline/undo"), json={"revision": 5})
        assert r.json["timeline"]["width"] == 1920 and not r.json["can_undo"]
    finally:
        second.close()


def test_the_history_goes_with_its_project(api: Api, services: Any, project: dict) -> None:
    _sized(api, project, 1280, 0)
    services.projects.delete(project["id"])
    assert services.db.one("SELECT COUNT(*) AS n FROM timeline_history")["n"] == 0


def test_an_undo_leaves_out_the_clips_of_media_deleted_since(api: Api, services: Any, project: dict,
                                                              samples: dict) -> None:
    """Media deleted is gone for good from the timeline (media_deleted): a step saved while it was
    there comes back without its clips, and is saved (not refused for naming it)."""
    item = services.media.import_path(project["id"], samples["video"])
    tl = api.get(_url(project)).json["timeline"]
    top = next(t for t in tl["tracks"] if t["kind"] == "video")
    top["clips"] = [{"id": "a", "media_id": item["id"], "start": 0, "in": 0, "out": 1}]
    assert api.put(_url(project), json={"timeline": tl, "revision": 0}).status_code == 200
    top["clips"].append({"id": "b", "media_id": item["id"], "start": 2, "in": 0, "out": 1})
    assert api.put(_url(project), json={"timeline": {**tl, "width": 1280}, "revision": 1}).status_code == 200
    assert api.delete(f"/api/media/{item['id']}").status_code == 200
    r = api.post(_url(project, "timeline/undo"), json={"revision": 2})
    assert r.status_code == 200, r.json
    assert r.json["timeline"]["width"] == 1920  # the step before, less the deleted media's clips
    assert [c for t in r.json["timeline"]["tracks"] for c in t["clips"]] == []
    # the step before (the empty base) is what this one is now: nothing an undo would change
    assert not r.json["can_undo"] and r.json["can_redo"]
    h = api.get(_url(project, "timeline/history")).json
    assert not h["can_undo"] and h["can_redo"]
    r = api.post(_url(project, "timeline/undo"), json={"revision": 3})
    assert r.status_code == 409 and r.json["error"]["code"] == "nothing_to_undo"
    assert api.get(_url(project)).json["revision"] == 3, "a refused undo moves nothing"
    r = api.post(_url(project, "timeline/redo"), json={"revision": 3})
    assert r.status_code == 200 and r.json["timeline"]["width"] == 1280 and not r.json["can_redo"]


def test_a_step_that_only_brought_deleted_media_is_passed_over(api: Api, services: Any, project: dict,
                                                               samples: dict) -> None:
    """Undo walks the other edits: the drop of a clip whose media was deleted since would change
    nothing, so an undo goes past it to the change before (and says whose that was)."""
    item = services.media.import_path(project["id"], samples["video"])
    _sized(api, project, 1280, 0, source="mcp")
    tl = api.get(_url(project)).json["timeline"]
    next(t for t in tl["tracks"] if t["kind"] == "video")["clips"] = [
        {"id": "a", "media_id": item["id"], "start": 0, "in": 0, "out": 1}]
    assert api.put(_url(project), json={"timeline": tl, "revision": 1, "source": "page"}).status_code == 200
    assert api.delete(f"/api/media/{item['id']}").status_code == 200
    r = api.post(_url(project, "timeline/undo"), json={"revision": 2, "source": "page"})
    assert r.status_code == 200, r.json
    assert r.json["timeline"]["width"] == 1920 and r.json["step"] == {"revision": 1, "source": "mcp"}
    assert r.json["label"] == "Undid an agent's edit." and not r.json["can_undo"] and r.json["can_redo"]
    # redo: back to 1280; the drop (nothing now) is passed over the same way, so nothing is left to redo
    r = api.post(_url(project, "timeline/redo"), json={"revision": 3})
    assert r.status_code == 200 and r.json["timeline"]["width"] == 1280 and not r.json["can_redo"]
    r = api.post(_url(project, "timeline/redo"), json={"revision": 4})
    assert r.status_code == 409 and r.json["error"]["code"] == "nothing_to_redo"


def test_after_a_delete_is_undone_and_its_clips_put_back_an_undo_takes_them_out_again(
        api: Api, services: Any, project: dict, samples: dict) -> None:
    """The page's Undo of a media delete restores the item and saves its clips back (a step): the
    timeline's Undo after it goes to the timeline as the delete left it (the step the delete was at)."""
    item = services.media.import_path(project["id"], samples["video"])
    tl = api.get(_url(project)).json["timeline"]
    top = next(t for t in tl["tracks"] if t["kind"] == "video")
    top["clips"] = [{"id": "a", "media_id": item["id"], "start": 0, "in": 0, "out": 1}]
    assert api.put(_url(project), json={"timeline": tl, "revision": 0}).status_code == 200
    assert api.delete(f"/api/media/{item['id']}").status_code == 200
    assert api.post(f"/api/media/{item['id']}/restore").status_code == 200
    assert api.put(_url(project), json={"timeline": {**tl, "width": 1280}, "revision": 1}).status_code == 200

    def clips(r: Any) -> list[str]:
        return [c["id"] for t in r.json["timeline"]["tracks"] for c in t["clips"]]
    r = api.post(_url(project, "timeline/undo"), json={"revision": 2})
    assert r.status_code == 200 and clips(r) == [] and r.json["timeline"]["width"] == 1920, r.json
    # the step the delete was at is the same as the empty base now: nothing further to undo
    assert not r.json["can_undo"] and r.json["can_redo"]
    r = api.post(_url(project, "timeline/redo"), json={"revision": 3})
    assert r.status_code == 200 and clips(r) == ["a"] and r.json["timeline"]["width"] == 1280
    stored = services.db.one("SELECT timeline FROM timeline_history WHERE project_id = ? AND revision = 1",
                             (project["id"],))["timeline"]
    assert item["id"] not in stored, "the step the delete was at holds the delete too"
