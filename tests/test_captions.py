"""Captions (issue 15): subtitle files read into a captions track of the timeline, written back
out, refused naming the line that is wrong, and burnt into the export."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pysubs2
import pytest

from reelcut.media.captions import CHAR_EM, caption_clips, wrap
from reelcut.media.compose import build_export_args, timeline_end
from reelcut.media.encode import run_ffmpeg
from reelcut.media.fonts import find_font

from .conftest import Api
from .test_cli import run_cli
from .test_export_v2 import Frames

pytestmark = pytest.mark.timeout(120)

SRT = """1
00:00:01,000 --> 00:00:02,500
Hello there

2
00:00:03,000 --> 00:00:04,250
Two lines
of text
"""
VTT = """WEBVTT

00:01.000 --> 00:02.500
Hello there

cue-2
00:00:03.000 --> 00:00:04.250 align:start
Two lines
of text
"""
STYLE_FORMAT = ("Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, "
                "Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, "
                "Shadow, Alignment, MarginL, MarginR, MarginV, Encoding")
ASS = r"""[Script Info]
ScriptType: v4.00+
PlayResX: 320
PlayResY: 180

[V4+ Styles]
{style_format}
Style: Default,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,2,2,10,10,10,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:01.00,0:00:02.50,Default,,0,0,0,,{\b1}Hello{\b0} there
Comment: 0,0:00:02.00,0:00:05.00,Default,,0,0,0,,a note, not a line
Dialogue: 0,0:00:03.00,0:00:04.25,Default,,0,0,0,,{\pos(10,10)}Two lines\Nof text
""".replace("{style_format}", STYLE_FORMAT)
WANT = [(1.0, 1.5, "Hello there"), (3.0, 1.25, "Two lines\nof text")]


def _stored(services: Any, project: dict) -> tuple[dict[str, Any], int]:
    row = services.db.one("SELECT timeline, revision FROM projects WHERE id = ?", (project["id"],))
    return json.loads(row["timeline"]), int(row["revision"])


def _import(api: Api, project: dict, text: str, name: str, **form: str) -> Any:
    return api.post(f"/api/projects/{project['id']}/captions/import", content_type="multipart/form-data",
                    data={"file": (io.BytesIO(text.encode()), name), **form})


def _lines(track: dict[str, Any]) -> list[tuple[float, float, str]]:
    return [(c["start"], c["duration"], c["text"]) for c in track["clips"]]


@pytest.mark.parametrize("name,text", [("film.srt", SRT), ("film.vtt", VTT), ("film.ass", ASS)])
def test_a_subtitle_file_becomes_a_captions_track(api: Api, services: Any, project: dict, name: str,
                                                  text: str) -> None:
    _, before = _stored(services, project)
    r = _import(api, project, text, name)
    assert r.status_code == 200, r.json
    assert r.json["revision"] == before + 1
    doc, revision = _stored(services, project)
    assert revision == before + 1
    track = doc["tracks"][0]  # on top of the stack
    assert track["kind"] == "captions" and track["name"] == "film" and track["style"] == {}
    assert _lines(track) == WANT
    assert r.json["timeline"]["tracks"][0] == track


def test_import_into_a_track_replaces_its_lines(api: Api, services: Any, project: dict) -> None:
    first = _import(api, project, SRT, "a.srt").json
    track_id = first["timeline"]["tracks"][0]["id"]
    r = _import(api, project, "1\n00:00:07,000 --> 00:00:08,000\nOnly\n", "b.srt", track_id=track_id,
                revision=str(first["revision"]))
    assert r.status_code == 200, r.json
    doc, _ = _stored(services, project)
    assert [t["id"] for t in doc["tracks"] if t["kind"] == "captions"] == [track_id]
    assert _lines(doc["tracks"][0]) == [(7.0, 1.0, "Only")]
    # made on an older revision: refused, and nothing changes
    stale = _import(api, project, SRT, "c.srt", track_id=track_id, revision=str(first["revision"]))
    assert stale.status_code == 409 and stale.json["error"]["code"] == "stale_timeline"
    assert _lines(_stored(services, project)[0]["tracks"][0]) == [(7.0, 1.0, "Only")]


@pytest.mark.parametrize("fmt,ext", [("srt", ".srt"), ("vtt", ".vtt")])
def test_export_reads_back_as_the_same_lines(api: Api, project: dict, fmt: str, ext: str) -> None:
    track_id = _import(api, project, ASS, "film.ass").json["timeline"]["tracks"][0]["id"]
    r = api.get(f"/api/projects/{project['id']}/captions/{track_id}/export?format={fmt}")
    assert r.status_code == 200
    assert r.headers["Content-Disposition"] == f'attachment; filename="film{ext}"'
    subs = pysubs2.SSAFile.from_string(r.get_data(as_text=True), format_=fmt)
    assert [(e.start / 1000, (e.end - e.start) / 1000, e.plaintext) for e in subs] == WANT
    bad = api.get(f"/api/projects/{project['id']}/captions/{track_id}/export?format=ass")
    assert bad.status_code == 422 and "srt or vtt" in bad.json["error"]["message"]
    assert api.get(f"/api/projects/{project['id']}/captions/nope/export?format=srt").status_code == 404


@pytest.mark.parametrize("name,text,line,words", [
    ("bad.srt", SRT.replace("00:00:03,000 --> 00:00:04,250", "00:00:0x,000 --> 00:00:04,250"), 6,
     "is not a cue time"),
    ("bad.vtt", VTT.replace("00:00:03.000 --> 00:00:04.250", "00:00:04.000 --> 00:00:03.250"), 7,
     "ends before it starts"),
    ("bad.ass", ASS.replace("Dialogue: 0,0:00:03.00", "Dialogue: 0,0:00:0x.00"), 14, "is not a time"),
    ("bad.ass", ASS.replace("Dialogue: 0,0:00:03.00,0:00:04.25,Default,,0,0,0,,", "Dialogue: 0,0:00:03.00"), 14,
     "needs 10 fields"),
    ("overlap.srt", SRT.replace("00:00:03,000 --> 00:00:04,250", "00:00:02,000 --> 00:00:04,250"), 6,
     "overlaps the one at line 2"),
    ("latin.srt", None, 3, "not UTF-8"),
])
def test_a_bad_file_is_refused_naming_its_line(api: Api, services: Any, project: dict, name: str,
                                                text: str | None, line: int, words: str) -> None:
    before = _stored(services, project)
    data = text.encode() if text is not None else SRT.replace("Hello", "H\xe9llo").encode("latin-1")
    r = api.post(f"/api/projects/{project['id']}/captions/import", content_type="multipart/form-data",
                 data={"file": (io.BytesIO(data), name)})
    assert r.status_code == 422, r.json
    message = r.json["error"]["message"]
    assert f"at line {line}:" in message and words in message and "Nothing was imported" in message
    assert r.json["error"]["field"] == "file"
    assert _stored(services, project) == before  # the row and its revision untouched


def test_not_a_subtitle_file_and_no_file(api: Api, project: dict) -> None:
    r = _import(api, project, "just some words\n", "notes.txt")
    assert r.status_code == 422 and "not a subtitle file" in r.json["error"]["message"]
    r = api.post(f"/api/projects/{project['id']}/captions/import", content_type="multipart/form-data", data={})
    assert r.status_code == 400 and r.json["error"]["field"] == "file"


def _captions(*lines: dict[str, Any], **track: Any) -> dict[str, Any]:
    return {"id": "cc", "name": "Captions", "kind": "captions", "muted": False, "hidden": False,
            "style": {}, "clips": list(lines), **track}


def _line(start: float, duration: float, text: str = "Hi", **kw: Any) -> dict[str, Any]:
    return {"id": f"l{start}", "start": start, "duration": duration, "text": text, **kw}


def _put(api: Api, project: dict, *tracks: dict[str, Any]) -> Any:
    tl = api.get(f"/api/projects/{project['id']}/timeline").json["timeline"]
    tl["tracks"] = [*tracks, *tl["tracks"]]
    return api.put(f"/api/projects/{project['id']}/timeline", json={"timeline": tl})


@pytest.mark.parametrize("track,field,words", [
    (_captions(_line(0, 2), _line(1.5, 1)), "tracks[0].clips[1].start", "overlaps tracks[0].clips[0]"),
    (_captions(style={"glow": 1}), "tracks[0].style.glow", "is not one of its fields"),
    (_captions(_line(0, 1, style={"wobble": True})), "tracks[0].clips[0].style.wobble", "is not one of its fields"),
    (_captions(style={"max_width": 0.05}), "tracks[0].style.max_width", "from 0.1 to 1"),
    (_captions(style={"color": "red"}), "tracks[0].style.color", "#ffcc00"),
    (_captions(_line(0, 1, x=0.5)), "tracks[0].clips[0].x", "is not one of a caption line's fields"),
    (_captions(_line(0, 1, text="x" * 1001)), "tracks[0].clips[0].text", "1000 characters"),
    (_captions(_line(14399.5, 1)), "tracks[0].clips[0]", "must end by 14400 seconds"),
])
def test_a_captions_track_is_validated(api: Api, services: Any, project: dict, track: dict, field: str,
                                       words: str) -> None:
    before = _stored(services, project)
    r = _put(api, project, track)
    assert r.status_code == 422, r.json
    assert r.json["error"]["field"] == field and words in r.json["error"]["message"], r.json
    assert _stored(services, project) == before


def test_a_valid_captions_track_saves_and_lines_do_not_count_as_clips(api: Api, services: Any,
                                                                      project: dict) -> None:
    lines = [_line(i, 1, f"line {i}") for i in range(2500)]  # past the 2000 clips of a timeline
    track = _captions(*lines, style={"size": 30, "color": "#ffcc00", "max_width": 0.5, "y": 0.8})
    r = _put(api, project, track)
    assert r.status_code == 200, r.json
    stored = _stored(services, project)[0]["tracks"][0]
    assert stored["style"]["max_width"] == 0.5 and len(stored["clips"]) == 2500
    too_many = _captions(*[_line(i, 1) for i in range(5001)])
    r = _put(api, project, too_many)
    assert r.status_code == 422 and "5000 lines" in r.json["error"]["message"]


def test_lines_wrap_to_max_width() -> None:
    assert wrap("the quick brown fox", 9) == "the quick\nbrown fox"
    assert wrap("a\nb c", 3) == "a\nb c"
    assert wrap("abcdefgh", 3) == "abc\ndef\ngh"
    track = _captions(_line(0, 1, "one two three four five six seven eight nine ten"), style={"size": 20})
    # 0.8 of 320 pixels, at 0.6 of 20 pixels a character: 21 characters a line
    assert int(0.8 * 320 / (CHAR_EM * 20)) == 21
    (clip,) = caption_clips(track, 320, 180)
    assert clip["text"] == "one two three four\nfive six seven eight\nnine ten"
    assert clip["size"] == 20 and clip["x"] == 0.5 and clip["y"] == 0.9 and "max_width" not in clip
    # the line's own style wins over the track's
    track["clips"][0]["style"] = {"y": 0.1, "max_width": 1}
    (clip,) = caption_clips(track, 320, 180)
    assert clip["y"] == 0.1 and clip["text"].count("\n") == 1
    assert caption_clips({**track, "hidden": True}, 320, 180) == []


def test_captions_are_burnt_into_the_export(tmp_path: Path) -> None:
    doc = {"version": 2, "width": 320, "height": 180, "fps": 25, "tracks": [
        _captions(_line(0.5, 1.0, "HELLO"), style={"color": "#ffffff", "size": 30}),
        {"id": "v", "kind": "video", "muted": False, "hidden": False, "clips": []}]}
    doc["tracks"][0]["clips"].append(_line(3.0, 0.04, " "))  # blank: ends the timeline, draws nothing
    assert timeline_end(doc) == pytest.approx(3.04)
    args, duration = build_export_args(doc, {}, tmp_path / "out.mp4", tmp_path, find_font())
    run_ffmpeg(args, duration=duration, what="The export")
    frames = Frames(tmp_path / "out.mp4")

    def ink(t: float, rows: slice) -> int:
        return int((frames.at(t)[rows].min(axis=2) > 200).sum())

    lower, upper = slice(120, 180), slice(0, 120)
    assert ink(1.0, lower) > 50  # white letters at y = 0.9
    assert ink(1.0, upper) == 0
    assert ink(2.2, lower) == 0  # after the line
    assert ink(0.2, lower) == 0  # before it
    hidden = {**doc, "tracks": [{**doc["tracks"][0], "hidden": True}, doc["tracks"][1]]}
    work = tmp_path / "hidden"
    work.mkdir()
    args, duration = build_export_args(hidden, {}, work / "out.mp4", work, find_font())
    run_ffmpeg(args, duration=duration, what="The export")
    assert int((Frames(work / "out.mp4").at(1.0).min(axis=2) > 200).sum()) == 0
    assert np.isfinite(duration)



def test_a_line_s_own_colour_is_burnt_in_and_the_next_keeps_the_track_s(tmp_path: Path) -> None:
    """The export's side of a line's override (the page's preview test draws the same)."""
    doc = {"version": 2, "width": 320, "height": 180, "fps": 25, "tracks": [
        _captions(_line(0.0, 1.0, "MMMM", style={"color": "#ff0000"}), _line(1.0, 1.0, "MMMM"),
                  style={"color": "#ffffff", "size": 40}),
        {"id": "v", "kind": "video", "muted": False, "hidden": False, "clips": []}]}
    args, duration = build_export_args(doc, {}, tmp_path / "out.mp4", tmp_path, find_font())
    run_ffmpeg(args, duration=duration, what="The export")
    frames = Frames(tmp_path / "out.mp4")

    def inks(t: float) -> tuple[int, int]:
        px = frames.at(t)[110:180].astype(int)
        red = (px[..., 0] > 180) & (px[..., 1] < 80) & (px[..., 2] < 80)
        white = px.min(axis=2) > 200
        return int(red.sum()), int(white.sum())

    red, white = inks(0.5)
    assert red > 50 and white == 0, (red, white)
    red, white = inks(1.5)
    assert white > 50 and red == 0, (red, white)

def test_interchange_keeps_captions_in_otio_and_warns_elsewhere(api: Api, project: dict) -> None:
    imported = _import(api, project, SRT, "film.srt").json
    track = imported["timeline"]["tracks"][0]
    r = api.get(f"/api/projects/{project['id']}/timeline/export?format=otio")
    assert r.status_code == 200
    otio_bytes = r.get_data()
    edl = api.get(f"/api/projects/{project['id']}/timeline/export?format=edl")
    assert edl.status_code == 200
    warnings = json.loads(edl.headers["X-Reelcut-Warnings"])
    assert any("carries no captions" in w and "film (2 lines)" in w for w in warnings), warnings
    # the .otio comes back with its captions track, lines and all
    back = api.post(f"/api/projects/{project['id']}/timeline/import", content_type="multipart/form-data",
                    data={"file": (io.BytesIO(otio_bytes), "t.otio")})
    assert back.status_code == 200, back.json
    (got,) = [t for t in back.json["timeline"]["tracks"] if t["kind"] == "captions"]
    assert got == track


def test_cli_import_and_export(tmp_path: Path) -> None:
    data = tmp_path / "data"
    src = tmp_path / "film.vtt"
    src.write_text(VTT, "utf-8")
    out = run_cli("captions", "import", "Film", str(src), data_dir=data)
    assert out.returncode == 0, out.stderr
    assert "2 lines on captions track captions-" in out.stdout
    track_id = out.stdout.split("captions track ")[1].split()[0]
    dest = tmp_path / "out.srt"
    out = run_cli("captions", "export", "Film", track_id, "--format", "srt", "-o", str(dest), data_dir=data)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(dest.resolve())
    subs = pysubs2.load(str(dest))
    assert [(e.start / 1000, (e.end - e.start) / 1000, e.plaintext) for e in subs] == WANT
    # an output that cannot be written (its folder is a file): a sentence naming it, no traceback,
    # and the file that was there is left whole
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    out = run_cli("captions", "export", "Film", track_id, "--format", "srt", "-o", str(blocked / "out.srt"),
                  data_dir=data)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert f"writing the captions file {blocked / 'out.srt'}" in out.stderr, out.stderr
    dest.write_text("kept")
    (tmp_path / "locked").mkdir()
    out = run_cli("captions", "export", "Film", track_id, "--format", "srt", "-o", str(tmp_path / "locked"),
                  data_dir=data)
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    assert (tmp_path / "locked").is_dir() and dest.read_text() == "kept"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []  # nothing half-written
    bad = tmp_path / "bad.srt"
    bad.write_text(SRT.replace("00:00:03,000", "00:00:03,0x0"), "utf-8")
    out = run_cli("captions", "import", "Film", str(bad), data_dir=data)
    assert out.returncode == 1 and "at line 6:" in out.stderr


def test_an_imported_captions_track_exports_through_the_api(api: Api, services: Any, project: dict) -> None:
    """The whole way a user takes: import a file, export the project, see the words."""
    tl = services.projects.timeline(project["id"])
    tl["width"], tl["height"] = 320, 180
    assert api.put(f"/api/projects/{project['id']}/timeline", json={"timeline": tl}).status_code == 200
    assert _import(api, project, "1\n00:00:00,500 --> 00:00:01,500\nHELLO\n", "hello.srt").status_code == 200
    r = api.post(f"/api/projects/{project['id']}/exports", json={})
    assert r.status_code == 201, r.json
    job_id = r.json["job"]["id"]
    services.exports.wait(job_id, timeout=120)
    job = api.get(f"/api/exports/{job_id}").json["job"]
    assert job["status"] == "done", job
    frames = Frames(services.exports.file_path(job_id))
    assert frames.duration == pytest.approx(1.5, abs=0.1)  # the timeline ends with its last line
    assert int((frames.at(1.0)[120:].min(axis=2) > 200).sum()) > 50
    assert int((frames.at(0.2)[120:].min(axis=2) > 200).sum()) == 0


def test_a_file_past_the_cap_is_refused(api: Api, services: Any, project: dict) -> None:
    from reelcut.library.captions import MAX_FILE

    before = _stored(services, project)
    big = SRT + "x" * (MAX_FILE + 1 - len(SRT))
    r = _import(api, project, big, "big.srt")
    assert r.status_code == 413 and "8 MB" in r.json["error"]["message"]
    assert _stored(services, project) == before
