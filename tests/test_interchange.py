"""Interchange (issue 15): the timeline to OpenTimelineIO, FCP 7 XML, FCPXML and CMX 3600 EDL and
back, through OTIO's own adapters, with what each format cannot carry listed, never dropped
silently."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import opentimelineio as otio
import pytest

from reelcut.interchange import FORMATS, to_otio
from reelcut.services import Services

from . import media_samples
from .conftest import Api

pytestmark = pytest.mark.timeout(180)
RT = otio.opentime.RationalTime
TR = otio.opentime.TimeRange
FPS = 25


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("interchange media")  # a space in the path, on purpose
    return {
        "a": media_samples.make_video(d / "a clip.mp4", seconds=4, color="red", rate=FPS),
        "b": media_samples.make_video(d / "b.mp4", seconds=4, color="blue", rate=FPS, tone=660),
        "c": media_samples.make_video(d / "c.mp4", seconds=3, color="green", rate=FPS, tone=880),
        "tone": media_samples.make_audio(d / "tone.wav", seconds=3),
    }


def _media(services: Services, project_id: str, files: dict[str, Path]) -> dict[str, str]:
    return {k: services.media.import_path(project_id, p)["id"] for k, p in files.items()}


def _doc(ids: dict[str, str]) -> dict[str, Any]:
    """Two video tracks, a text track, an audio track: a crossfade, a gap, a speed change, a
    keyframed scale, markers."""
    return {
        "version": 2, "fps": FPS, "width": 1280, "height": 720,
        "tracks": [
            {"id": "t1", "name": "Titles", "kind": "text", "clips": [
                {"id": "title", "start": 0.4, "duration": 1.2, "text": "Hello", "x": 0.5, "y": 0.2, "size": 48,
                 "color": "#ffcc00"}]},
            {"id": "v2", "name": "V2", "kind": "video", "clips": [
                {"id": "over", "media_id": ids["c"], "start": 1.0, "in": 0.0, "out": 1.0, "opacity": 0.5,
                 "keyframes": {"transform.scale": [{"time": 0, "value": 1}, {"time": 0.8, "value": 1.5}]}}]},
            {"id": "v1", "name": "V1", "kind": "video", "clips": [
                {"id": "ca", "media_id": ids["a"], "start": 0.0, "in": 0.4, "out": 2.4},
                {"id": "cb", "media_id": ids["b"], "start": 1.6, "in": 1.0, "out": 3.0,
                 "transition_in": {"type": "crossfade", "duration": 0.4}},
                {"id": "cc", "media_id": ids["c"], "start": 4.0, "in": 0.0, "out": 2.0, "speed": 2.0,
                 "volume": 0.5}]},
            {"id": "a1", "name": "A1", "kind": "audio", "clips": [
                {"id": "snd", "media_id": ids["tone"], "start": 0.2, "in": 0.0, "out": 2.0}]},
        ],
        "markers": [{"id": "m1", "time": 1.0, "name": "Beat", "color": "#e5484d"},
                    {"id": "m2", "time": 3.2, "name": "Drop"}],
    }


@pytest.fixture
def edited(services: Services, project: dict[str, Any], files: dict[str, Path]) -> dict[str, Any]:
    ids = _media(services, project["id"], files)
    doc, rev = services.projects.save_timeline_at(project["id"], _doc(ids))
    return {"project": project, "ids": ids, "doc": doc, "revision": rev}


def _export(api: Api, project_id: str, fmt: str) -> tuple[bytes, list[str]]:
    r = api.get(f"/api/projects/{project_id}/timeline/export?format={fmt}")
    assert r.status_code == 200, r.get_data(as_text=True)
    assert "attachment" in r.headers["Content-Disposition"]
    assert r.headers["Content-Disposition"].endswith(f'{FORMATS[fmt].ext}"')
    return r.get_data(), json.loads(r.headers["X-Reelcut-Warnings"])


def _import(api: Api, project_id: str, data: bytes, name: str) -> Any:
    import io

    return api.post(f"/api/projects/{project_id}/timeline/import", data={"file": (io.BytesIO(data), name)},
                    content_type="multipart/form-data")


def _media_clips(doc: dict[str, Any], kind: str = "video") -> list[dict[str, Any]]:
    return sorted((c for t in doc["tracks"] if t["kind"] == kind for c in t["clips"]), key=lambda c: c["start"])


def _media_rows(services: Services, project_id: str) -> int:
    return len(services.media.list(project_id))


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1 / FPS + 1e-6


# -- the mapping ----------------------------------------------------------------------------------
def test_our_otio_read_back_by_opentimelineio_has_the_same_clips_and_ranges(
        api: Api, edited: dict[str, Any], files: dict[str, Path]) -> None:
    data, warnings = _export(api, edited["project"]["id"], "otio")
    assert not warnings  # OTIO keeps everything: Reelcut's own fields ride in metadata
    tl = otio.adapters.read_from_string(data.decode(), "otio_json")
    kinds = [t.kind for t in tl.tracks]
    assert kinds == ["Video", "Video", "Video", "Audio"]  # bottom first: V1, V2, titles, A1
    v1 = tl.tracks[0]
    clips = list(v1.find_clips())
    assert [Path(c.media_reference.target_url.removeprefix("file://")).name for c in clips] == \
        ["a%20clip.mp4", "b.mp4", "c.mp4"]
    # the cut of the crossfade is at the start of the incoming clip: a keeps 1.6 s, b starts there
    assert [(c.source_range.start_time.to_frames(), c.source_range.duration.to_frames()) for c in clips] == \
        [(10, 40), (25, 50), (0, 25)]
    assert [v1.range_of_child(c).start_time.to_frames() for c in clips] == [0, 40, 100]
    transition = next(i for i in v1 if isinstance(i, otio.schema.Transition))
    assert transition.transition_type == otio.schema.TransitionTypes.SMPTE_Dissolve
    assert (transition.in_offset.to_frames(), transition.out_offset.to_frames()) == (0, 10)
    assert any(isinstance(i, otio.schema.Gap) and i.duration().to_frames() == 10 for i in v1)
    warp = clips[2].effects[0]
    assert isinstance(warp, otio.schema.LinearTimeWarp) and warp.time_scalar == 2.0
    assert [(m.name, m.marked_range.start_time.to_frames(), m.color) for m in tl.tracks.markers] == \
        [("Beat", 25, "RED"), ("Drop", 80, "RED")]
    title = tl.tracks[2].find_clips()[0]
    assert title.media_reference.generator_kind == "Text"
    assert title.media_reference.parameters["text"] == "Hello"
    assert tl.tracks[3].range_of_child(tl.tracks[3].find_clips()[0]).start_time.to_frames() == 5


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_round_trip_keeps_what_the_format_holds_and_reports_the_rest(
        fmt: str, api: Api, services: Services, edited: dict[str, Any]) -> None:
    pid = edited["project"]["id"]
    data, warnings = _export(api, pid, fmt)
    before = _media_rows(services, pid)
    r = _import(api, pid, data, f"back{FORMATS[fmt].ext}")
    assert r.status_code == 200, r.get_data(as_text=True)
    body = r.get_json()
    doc = body["timeline"]
    assert body["revision"] == edited["revision"] + 1
    # the same files are already in the library: reused by their content, not copied again
    assert _media_rows(services, pid) == before
    original = edited["doc"]
    ids = edited["ids"]
    v1 = [c for t in original["tracks"] if t["id"] == "v1" for c in t["clips"]]
    got = _media_clips(doc)
    if fmt == "edl":  # one video track: V1
        assert len(got) == 3
        assert any("holds one video track: V2" in w for w in warnings)
        expect = v1
    else:
        assert len(got) == 4
        expect = sorted(v1 + [c for t in original["tracks"] if t["id"] == "v2" for c in t["clips"]],
                        key=lambda c: c["start"])
    for want, have in zip(expect, got, strict=True):
        assert have["media_id"] == want["media_id"]
        assert _close(have["start"], want["start"]), (have, want)
        assert _close(have["in"], want["in"]), (have, want)
        out = want["out"]
        if want["id"] == "ca" and not FORMATS[fmt].transitions:
            out -= 0.4  # the crossfade became a cut where b starts: a ends there
        if FORMATS[fmt].speed or want.get("speed", 1) == 1:
            assert _close(have["out"], out), (have, want)
    cb = next(c for c in got if c["media_id"] == ids["b"])
    if FORMATS[fmt].transitions:
        assert cb["transition_in"]["type"] == "crossfade"
        assert _close(cb["transition_in"]["duration"], 0.4)
    else:
        assert "transition_in" not in cb
        assert any("no transitions" in w for w in warnings)
    markers = [(m["name"], m["time"]) for m in doc["markers"]]
    if fmt == "edl":  # on clips only, not on one a dissolve follows (its locators would be written twice)
        assert markers == [("DROP", 3.2)]
        assert any("holds markers only on a clip not followed by a dissolve of the main video track: 1 marker "
                   "left out (Beat)" in w for w in warnings), warnings
        assert "CMX 3600 EDL writes marker names in capitals" in warnings
    else:
        assert markers == [("Beat", 1.0), ("Drop", 3.2)]
    texts = [c for t in doc["tracks"] if t["kind"] == "text" for c in t["clips"]]
    if FORMATS[fmt].text:
        assert texts[0]["text"] == "Hello" and texts[0]["color"] == "#ffcc00"
    else:
        assert not texts
        assert any("has no titles: 1 text clip left out" in w for w in warnings)
    if fmt == "otio":  # everything: the whole document comes back
        assert not warnings
        assert next(c for c in got if c["id"] == "over")["keyframes"] == \
            {"transform.scale": [{"time": 0, "value": 1}, {"time": 0.8, "value": 1.5}]}
        assert (doc["width"], doc["height"]) == (1280, 720)
        assert [t["kind"] for t in doc["tracks"]] == [t["kind"] for t in original["tracks"]]
        assert _media_clips(doc, "audio")[0]["start"] == 0.2
    else:
        label = FORMATS[fmt].label
        if fmt != "edl":
            assert f"{label} has no keyframed transform.scale: 1 clip simplified" in warnings
            assert f"{label} has no opacity: 1 clip simplified" in warnings
            titles = ["text"] if FORMATS[fmt].text else []
            assert [t["kind"] for t in doc["tracks"]] == [*titles, "video", "video", "audio"]
            assert [t["name"] for t in doc["tracks"]] == [*(["V3"] if titles else []), "V2", "V1", "A1"]
            assert _close(_media_clips(doc, "audio")[0]["start"], 0.2)
        assert f"{label} has no volume: 1 clip simplified" in warnings
        if not FORMATS[fmt].speed:
            assert f"{label} has no speed changes (a time warp): 1 clip simplified" in warnings


def test_the_export_of_a_missing_file_says_so(api: Api, services: Services, edited: dict[str, Any]) -> None:
    path, _ = services.media.file_path(edited["ids"]["c"])
    path.unlink()
    _, warnings = _export(api, edited["project"]["id"], "fcp7xml")
    assert any(w.startswith("Missing media: c ") for w in warnings)


def test_an_unknown_format_is_refused(api: Api, project: dict[str, Any]) -> None:
    r = api.get(f"/api/projects/{project['id']}/timeline/export?format=aaf")
    assert r.status_code == 422
    assert r.get_json()["error"]["code"] == "unknown_format"


def test_an_empty_timeline_exports_in_every_format(api: Api, project: dict[str, Any]) -> None:
    for fmt in FORMATS:
        data, _ = _export(api, project["id"], fmt)
        assert data


# -- files written by OTIO's own adapters ---------------------------------------------------------
def _foreign(files: dict[str, Path], missing: Path) -> otio.schema.Timeline:
    """A timeline as another tool would hand it over: no Reelcut metadata at all."""
    tl = otio.schema.Timeline(name="From elsewhere", global_start_time=RT(0, FPS))
    v = otio.schema.Track(name="Video 1", kind=otio.schema.TrackKind.Video)

    def clip(name: str, path: Path, start: int, frames: int) -> otio.schema.Clip:
        ref = otio.schema.ExternalReference(target_url=path.as_uri(), available_range=TR(RT(0, FPS), RT(100, FPS)))
        return otio.schema.Clip(name=name, media_reference=ref, source_range=TR(RT(start, FPS), RT(frames, FPS)))

    v.append(clip("a", files["a"], 5, 30))
    v.append(otio.schema.Transition(transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
                                    in_offset=RT(0, FPS), out_offset=RT(10, FPS)))
    v.append(clip("b", files["b"], 20, 40))
    v.append(otio.schema.Gap(source_range=TR(RT(0, FPS), RT(15, FPS))))
    v.append(clip("gone", missing, 0, 20))
    tl.tracks.append(v)
    tl.tracks.markers.append(otio.schema.Marker(name="Note", marked_range=TR(RT(20, FPS), RT(0, FPS)),
                                                color=otio.schema.MarkerColor.GREEN))
    return tl


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_file_written_by_otios_own_adapter_imports(fmt: str, api: Api, services: Services,
                                                     project: dict[str, Any], files: dict[str, Path],
                                                     tmp_path: Path) -> None:
    gone = tmp_path / "gone clip.mp4"
    f = FORMATS[fmt]
    data = otio.adapters.write_to_string(_foreign(files, gone), f.adapter, **({"rate": FPS} if fmt == "edl" else {}))
    project_fps = services.projects.timeline(project["id"])["fps"]
    if fmt == "edl" and project_fps != FPS:  # an EDL has no rate: it is read at the project's
        doc = services.projects.timeline(project["id"])
        services.projects.save_timeline(project["id"], {**doc, "fps": FPS})
    r = _import(api, project["id"], data.encode(), f"edit{f.ext}")
    assert r.status_code == 200, r.get_data(as_text=True)
    body = r.get_json()
    clips = [c for c in _media_clips(body["timeline"]) if "media_id" in c]
    offline = [c for c in _media_clips(body["timeline"]) if "offline" in c]
    assert [c["offline"]["name"] for c in offline] == ["gone clip.mp4"]  # kept in its place, to relink
    names = {m["id"]: m["filename"] for m in services.media.list(project["id"])}
    assert [names[c["media_id"]] for c in clips] == ["a clip.mp4", "b.mp4"]
    a, b = clips
    assert (a["start"], a["in"]) == (0, 0.2)
    if f.transitions:
        assert _close(a["out"], 0.2 + 1.6)  # 30 frames, and the 10 frames the dissolve needs after the cut
        assert b["transition_in"] == {"type": "crossfade", "duration": 0.4}
        assert _close(b["start"], 1.2) and _close(b["in"], 0.8)
    else:
        assert _close(a["out"], 1.4)
        assert _close(b["start"], 1.2) and _close(b["in"], 0.8)
    assert any("Missing media: gone clip.mp4" in w and "1 clip kept offline" in w for w in body["warnings"]), \
        body["warnings"]
    if f.markers == "timeline":
        assert [(m["name"], m["time"]) for m in body["timeline"]["markers"]] == [("Note", 0.8)]
        if fmt == "otio":  # FCP 7 XML's markers have no colour
            assert body["timeline"]["markers"][0]["color"] == "#46a758"
    assert len(names) == 2


# -- failures -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "data"), [
    ("broken.otio", b'{"OTIO_SCHEMA": "Timeline.1", "tracks": '),
    ("broken.xml", b"<xmeml version='4'><sequence><media>"),
    ("broken.fcpxml", b"<fcpxml version='1.9'><resources>"),
    ("broken.edl", b"TITLE: x\n\n001  AX V C 00:00:00:00 garbage\n"),
    ("binary.otio", b"\xff\xfe\x00garbage"),
])
def test_a_malformed_file_is_a_422_and_adds_nothing(name: str, data: bytes, api: Api, services: Services,
                                                    edited: dict[str, Any], files: dict[str, Path],
                                                    tmp_path: Path) -> None:
    pid = edited["project"]["id"]
    before = services.media.list(pid)
    r = _import(api, pid, data, name)
    assert r.status_code == 422, r.get_data(as_text=True)
    assert r.get_json()["error"]["code"] == "invalid_interchange"
    assert services.media.list(pid) == before
    doc, rev = services.projects.timeline_at(pid)
    assert rev == edited["revision"]


def test_a_file_that_maps_to_an_invalid_timeline_imports_no_media(api: Api, services: Services,
                                                                  project: dict[str, Any], files: dict[str, Path],
                                                                  tmp_path: Path) -> None:
    """The media it names exists, but the document is refused (a clip past four hours): nothing
    of it stays."""
    tl = _foreign(files, tmp_path / "none.mp4")
    tl.tracks[0].append(otio.schema.Gap(source_range=TR(RT(0, FPS), RT(5 * 3600 * FPS, FPS))))
    ref = otio.schema.ExternalReference(target_url=files["c"].as_uri())
    tl.tracks[0].append(otio.schema.Clip(name="late", media_reference=ref, source_range=TR(RT(0, FPS), RT(10, FPS))))
    r = _import(api, project["id"], otio.adapters.write_to_string(tl, "otio_json").encode(), "late.otio")
    assert r.status_code == 422, r.get_data(as_text=True)
    assert "4 hours" in r.get_json()["error"]["message"] or "14400" in r.get_json()["error"]["message"]
    assert services.media.list(project["id"]) == []


def test_a_file_that_is_not_media_and_a_relative_path_are_left_out_and_named(
        api: Api, services: Services, project: dict[str, Any], files: dict[str, Path], tmp_path: Path) -> None:
    secret = media_samples.make_text(tmp_path / "secret.mp4")
    tl = otio.schema.Timeline(name="x")
    track = otio.schema.Track(kind=otio.schema.TrackKind.Video)
    for url in (secret.as_uri(), "relative/b.mp4", files["a"].as_uri()):
        track.append(otio.schema.Clip(name=url, media_reference=otio.schema.ExternalReference(target_url=url),
                                      source_range=TR(RT(0, FPS), RT(10, FPS))))
    tl.tracks.append(track)
    r = _import(api, project["id"], otio.adapters.write_to_string(tl, "otio_json").encode(), "x.otio")
    assert r.status_code == 200, r.get_data(as_text=True)
    warnings = r.get_json()["warnings"]
    assert any(w.startswith("Not a media file Reelcut reads: secret.mp4") for w in warnings), warnings
    assert any(w.startswith("Missing media: b.mp4 (relative/b.mp4)") for w in warnings), warnings
    assert [m["filename"] for m in services.media.list(project["id"])] == ["a clip.mp4"]
    clips = _media_clips(r.get_json()["timeline"])
    assert [("media_id" in c, c.get("offline", {}).get("name")) for c in clips] == [(False, "b.mp4"), (True, None)]


def test_an_import_on_a_stale_revision_is_refused_and_its_media_removed(
        api: Api, services: Services, project: dict[str, Any], files: dict[str, Path], tmp_path: Path) -> None:
    import io

    data = otio.adapters.write_to_string(_foreign(files, tmp_path / "gone.mp4"), "otio_json").encode()
    r = api.post(f"/api/projects/{project['id']}/timeline/import", content_type="multipart/form-data",
                 data={"file": (io.BytesIO(data), "t.otio"), "revision": "7"})
    assert r.status_code == 409, r.get_data(as_text=True)
    assert r.get_json()["error"]["code"] == "stale_timeline"
    assert services.media.list(project["id"]) == []  # the two files it brought in are gone again


def test_a_save_that_fails_after_the_media_came_in_removes_that_media(
        services: Services, project: dict[str, Any], files: dict[str, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from reelcut.errors import AppError
    from reelcut.interchange import service

    kept = services.media.import_path(project["id"], files["a"])  # already there: reused, and kept
    data = otio.adapters.write_to_string(_foreign(files, tmp_path / "gone.mp4"), "otio_json").encode()

    def fail(*args: Any, **kw: Any) -> Any:
        raise AppError("db_locked", "The database is busy.")

    monkeypatch.setattr(services.projects, "save_timeline_at", fail)
    with pytest.raises(AppError):
        service.import_timeline(services.projects, services.media, project["id"], data, "t.otio")
    assert [m["id"] for m in services.media.list(project["id"])] == [kept["id"]]


def test_an_unknown_extension_is_refused(api: Api, project: dict[str, Any]) -> None:
    r = _import(api, project["id"], b"hello", "notes.txt")
    assert r.status_code == 422
    assert r.get_json()["error"]["code"] == "unknown_format"


# -- the command line -----------------------------------------------------------------------------
def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reelcut.cli", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, timeout=120)


def test_the_cli_round_trip(tmp_path: Path, files: dict[str, Path]) -> None:
    data_dir = tmp_path / "data"
    from reelcut.config import Config

    s = Services(Config(data_dir=data_dir, token="t", port=0))
    try:
        project = s.projects.create("Short")
        ids = _media(s, project["id"], files)
        s.projects.save_timeline(project["id"], _doc(ids))
    finally:
        s.close()
    out = tmp_path / "short.fcpxml"
    r = _cli(data_dir, "timeline", "export", "--project", "Short", "--format", "fcpxml", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(out.resolve())
    assert "has no titles" not in r.stderr  # the title is a Basic Title
    assert out.read_text().lstrip().startswith("<?xml")
    r = _cli(data_dir, "timeline", "import", "--project", "Copy", str(out))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().startswith("Copy: 6 clips on 4 tracks")
    s = Services(Config(data_dir=data_dir, token="t", port=0))
    try:
        copy = s.projects.by_name("Copy")
        assert len(s.media.list(copy["id"])) == 4  # copied into the new project's library
        doc = s.projects.timeline(copy["id"])
        assert len(_media_clips(doc)) == 4
    finally:
        s.close()
    r = _cli(data_dir, "timeline", "import", "--project", "Copy", str(tmp_path / "nope.edl"))
    assert r.returncode == 1 and "does not exist" in r.stderr
    # an output that cannot be written (its folder is a file): a sentence naming it, no traceback,
    # and nothing half-written left
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    r = _cli(data_dir, "timeline", "export", "--project", "Short", "--format", "otio", "--out",
             str(blocked / "short.otio"))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"writing the timeline file {blocked / 'short.otio'}" in r.stderr, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["a-file", "data", "short.fcpxml"])


def test_the_mapping_is_pure(files: dict[str, Path]) -> None:
    """to_otio needs no database: a document and its media's paths."""
    ids = {k: k for k in files}
    media = {k: {"name": k, "path": str(p), "duration": 3.0} for k, p in files.items()}
    tl, warnings = to_otio(_doc(ids), media, "edl")
    assert len(tl.tracks) == 1 and len(list(tl.tracks[0].find_clips())) == 3
    assert "CMX 3600 EDL has no titles: 1 text clip left out" in warnings


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_an_ntsc_rate_goes_through_every_format(fmt: str, files: dict[str, Path]) -> None:
    """29.97 fps: the EDL's drop-frame timecodes (its speed line too) read back; FCPXML, which OTIO's
    adapter writes at whole rates only, says so."""
    from reelcut.interchange import from_otio
    from reelcut.interchange.service import parse, write

    ids = {k: k for k in files}
    media = {k: {"name": k, "path": str(p), "duration": 3.0} for k, p in files.items()}
    doc = {**_doc(ids), "fps": 29.97}
    f = FORMATS[fmt]
    tl, warnings = to_otio(doc, media, fmt)
    text = write(tl, f)  # the rate the EDL is written at: the timeline's (30000/1001)
    back = from_otio(parse(text.encode(), f, 29.97), fmt, {"fps": 29.97, "width": 1920, "height": 1080}).doc
    want = sorted((c for t in doc["tracks"] if t["kind"] == "video" and (fmt != "edl" or t["id"] == "v1")
                   for c in t["clips"]), key=lambda c: c["start"])
    got = _media_clips(back)
    assert len(got) == len(want)
    if fmt == "fcpxml":
        assert any("whole frame rates only: 29.97 fps is written as 30" in w for w in warnings)
        return
    assert back["fps"] == 29.97
    for w, g in zip(want, got, strict=True):
        assert abs(w["start"] - g["start"]) <= 1 / 29.97 + 1e-6 and abs(w["in"] - g["in"]) <= 1 / 29.97 + 1e-6
    if f.speed:
        assert got[-1]["speed"] == 2.0
