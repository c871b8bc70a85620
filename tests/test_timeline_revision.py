"""One writer cannot silently overwrite another: the timeline carries a revision, one more each
save, and a save made on an older revision is refused (409 `stale_timeline`). The view (playhead,
zoom, scroll) is saved apart: cheap, and it never rewrites the timeline nor moves its revision."""

from __future__ import annotations

from typing import Any

from .conftest import Api


def _url(project: dict, what: str = "timeline") -> str:
    return f"/api/projects/{project['id']}/{what}"


def _row(services: Any, project: dict) -> Any:
    return services.db.one("SELECT timeline, revision, updated_at FROM projects WHERE id = ?", (project["id"],))


def test_each_save_increments_the_revision(api: Api, project: dict) -> None:
    got = api.get(_url(project)).json
    assert got["revision"] == 0
    tl = got["timeline"]
    r = api.put(_url(project), json={"timeline": tl, "revision": 0})
    assert r.status_code == 200 and r.json["revision"] == 1
    r = api.put(_url(project), json={"timeline": tl, "revision": 1})
    assert r.status_code == 200 and r.json["revision"] == 2
    assert api.get(_url(project)).json["revision"] == 2
    # a script's save without a revision is taken as it comes, and counts
    r = api.put(_url(project), json={"timeline": tl})
    assert r.status_code == 200 and r.json["revision"] == 3


def test_a_save_on_an_old_revision_is_refused(api: Api, services: Any, project: dict) -> None:
    tl = api.get(_url(project)).json["timeline"]
    mine = {**tl, "width": 1280, "height": 720}
    theirs = {**tl, "width": 640, "height": 360}
    assert api.put(_url(project), json={"timeline": theirs, "revision": 0}).status_code == 200
    before = _row(services, project)
    r = api.put(_url(project), json={"timeline": mine, "revision": 0})
    assert r.status_code == 409, r.json
    err = r.json["error"]
    assert err["code"] == "stale_timeline" and err["revision"] == 1
    assert "changed elsewhere" in err["message"] and "revision 1" in err["message"], err["message"]
    after = _row(services, project)
    assert tuple(after) == tuple(before)  # nothing of the stale save was kept
    assert api.get(_url(project)).json["timeline"]["width"] == 640
    # made again on the current revision, it is saved
    r = api.put(_url(project), json={"timeline": mine, "revision": err["revision"]})
    assert r.status_code == 200 and r.json["revision"] == 2 and r.json["timeline"]["width"] == 1280


def test_a_malformed_revision_is_refused(api: Api, project: dict) -> None:
    tl = api.get(_url(project)).json["timeline"]
    for bad in ("0", -1, 1.5, True):
        r = api.put(_url(project), json={"timeline": tl, "revision": bad})
        assert r.status_code == 400 and r.json["error"]["code"] == "invalid_revision", (bad, r.json)
    assert api.get(_url(project)).json["revision"] == 0


def test_deleting_media_takes_its_clips_without_a_new_revision(api: Api, services: Any, project: dict,
                                                                samples: dict) -> None:
    """No writer can bring the clips back (a save naming the item is refused), and each page takes
    them out of its own copy: its next save is not refused as stale for it."""
    item = services.media.import_path(project["id"], samples["video"])
    tl = api.get(_url(project)).json["timeline"]
    tl["tracks"][0]["clips"] = [{"id": "c", "media_id": item["id"], "start": 0, "in": 0, "out": 1}]
    assert api.put(_url(project), json={"timeline": tl, "revision": 0}).json["revision"] == 1
    assert api.delete(f"/api/media/{item['id']}").status_code == 200
    got = api.get(_url(project)).json
    assert got["revision"] == 1 and got["timeline"]["tracks"][0]["clips"] == []
    r = api.put(_url(project), json={"timeline": tl, "revision": 1})
    assert r.status_code == 422 and r.json["error"]["code"] == "invalid_timeline"
    tl["tracks"][0]["clips"] = []
    assert api.put(_url(project), json={"timeline": tl, "revision": 1}).json["revision"] == 2


NO_MARKS = {"in_point": None, "out_point": None}


def test_the_view_is_saved_apart(api: Api, services: Any, project: dict) -> None:
    tl = api.get(_url(project)).json["timeline"]
    assert api.put(_url(project), json={"timeline": tl, "revision": 0}).status_code == 200
    before = _row(services, project)
    r = api.put(_url(project, "view"), json={"playhead": 2.5, "zoom": 120, "scroll": 340})
    assert r.status_code == 200 and r.json["view"] == {"playhead": 2.5, "zoom": 120.0, "scroll": 340.0, **NO_MARKS}
    # neither the timeline row, its revision nor its updated_at moved
    assert tuple(_row(services, project)) == tuple(before)
    assert api.get(_url(project, "view")).json["view"] == {"playhead": 2.5, "zoom": 120.0, "scroll": 340.0, **NO_MARKS}
    # a part of the view changes that part only
    assert api.put(_url(project, "view"), json={"scroll": 0}).json["view"]["zoom"] == 120.0
    # GET timeline gives the view's playhead and zoom in the document, as it always had them
    got = api.get(_url(project)).json
    assert got["revision"] == 1 and got["timeline"]["playhead"] == 2.5 and got["timeline"]["zoom"] == 120.0


def test_a_view_out_of_bounds_is_refused(api: Api, project: dict) -> None:
    for bad, field in (({"zoom": 0}, "zoom"), ({"playhead": -1}, "playhead"), ({"scroll": "x"}, "scroll"),
                       ({"zoom": True}, "zoom"), ({"pan": 1}, "pan")):
        r = api.put(_url(project, "view"), json=bad)
        assert r.status_code == 422 and r.json["error"]["code"] == "invalid_view", r.json
        assert r.json["error"]["field"] == field
    assert api.get(_url(project, "view")).json["view"] == {"playhead": 0.0, "zoom": 50.0, "scroll": 0.0, **NO_MARKS}


def test_in_and_out_points_are_kept_in_the_view_and_checked(api: Api, services: Any, project: dict) -> None:
    """The export's In and Out points are where the user marked: the view's, never an edit."""
    before = _row(services, project)
    r = api.put(_url(project, "view"), json={"in_point": 0.5, "out_point": 1.5})
    assert r.status_code == 200 and (r.json["view"]["in_point"], r.json["view"]["out_point"]) == (0.5, 1.5)
    assert tuple(_row(services, project)) == tuple(before)
    # the Out point before the In point: refused, naming the field sent, and nothing changes
    r = api.put(_url(project, "view"), json={"out_point": 0.25})
    assert r.status_code == 422 and r.json["error"]["field"] == "out_point", r.json
    assert "before its out_point" in r.json["error"]["message"]
    for bad, field in (({"in_point": -1}, "in_point"), ({"out_point": "x"}, "out_point"),
                       ({"in_point": True}, "in_point")):
        r = api.put(_url(project, "view"), json=bad)
        assert r.status_code == 422 and r.json["error"]["field"] == field, r.json
    assert api.get(_url(project, "view")).json["view"]["out_point"] == 1.5
    # null clears one
    got = api.put(_url(project, "view"), json={"in_point": None}).json["view"]
    assert (got["in_point"], got["out_point"]) == (None, 1.5)


def test_a_timeline_save_carries_its_playhead_and_zoom_into_the_view(api: Api, project: dict) -> None:
    tl = api.get(_url(project)).json["timeline"]
    api.put(_url(project, "view"), json={"playhead": 1, "zoom": 80, "scroll": 10})
    tl.update(playhead=3.5, zoom=120.0)
    assert api.put(_url(project), json={"timeline": tl}).status_code == 200
    assert api.get(_url(project)).json["timeline"] | {} == tl
    assert api.get(_url(project, "view")).json["view"] == {"playhead": 3.5, "zoom": 120.0, "scroll": 10.0, **NO_MARKS}
