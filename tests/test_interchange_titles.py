"""Titles through FCP 7 XML and FCPXML (issue 15): a text clip travels as Final Cut Pro 7's Text
generator (a `<generatoritem>`, the way FCP 7 writes it and Premiere Pro and Resolve read it) or
as Final Cut Pro's Basic Title (a `<title>`), and comes back as a title; what they have no
parameter for is named in the warnings."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from reelcut.interchange import FORMATS
from reelcut.services import Services

from . import media_samples
from .conftest import Api

pytestmark = pytest.mark.timeout(180)
FPS = 25
W, H = 1280, 720

TITLES = [
    {"id": "hello", "start": 0.4, "duration": 1.2, "text": "First line\nSecond line", "x": 0.25, "y": 0.3,
     "size": 60, "color": "#ff8000", "font": "DejaVu Serif", "bold": False, "italic": True, "align": "left",
     "outline": {"color": "#000000", "width": 3}},
    {"id": "bye", "start": 2.0, "duration": 1.0, "text": "Goodbye", "x": 0.5, "y": 0.85, "size": 40,
     "color": "#00ff00", "box": {"color": "#000000", "opacity": 0.5, "padding": 10}},
]


@pytest.fixture
def titled(services: Services, project: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    clip = media_samples.make_video(tmp_path / "shot.mp4", seconds=4, color="red", rate=FPS)
    media_id = services.media.import_path(project["id"], clip)["id"]
    doc = {"version": 2, "fps": FPS, "width": W, "height": H, "markers": [], "tracks": [
        {"id": "titles", "name": "Titles", "kind": "text", "clips": TITLES},
        {"id": "v1", "name": "V1", "kind": "video", "clips": [
            {"id": "shot", "media_id": media_id, "start": 0.0, "in": 0.0, "out": 3.0}]},
    ]}
    services.projects.save_timeline_at(project["id"], doc)
    return {"project": project, "media_id": media_id}


def _export(api: Api, project_id: str, fmt: str = "fcp7xml") -> tuple[bytes, list[str]]:
    r = api.get(f"/api/projects/{project_id}/timeline/export?format={fmt}")
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_data(), json.loads(r.headers["X-Reelcut-Warnings"])


def _import(api: Api, project_id: str, data: bytes, name: str = "timeline.xml") -> Any:
    return api.post(f"/api/projects/{project_id}/timeline/import", data={"file": (io.BytesIO(data), name)},
                    content_type="multipart/form-data")


def _params(effect: ET.Element) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for p in effect.findall("parameter"):
        value = p.find("value")
        assert value is not None
        out[p.findtext("parameterid")] = {c.tag: c.text for c in value} if len(value) else value.text
    return out


def _titles(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted((c for t in doc["tracks"] if t["kind"] == "text" for c in t["clips"]), key=lambda c: c["start"])


def test_titles_are_written_as_fcp7_text_generators(api: Api, titled: dict[str, Any]) -> None:
    data, warnings = _export(api, titled["project"]["id"])
    root = ET.fromstring(data)
    tracks = root.findall(".//sequence/media/video/track")
    items = [(i, t) for i, t in enumerate(tracks) for _ in t.findall("generatoritem")]
    assert len(items) == 2 and items[0][1] is items[1][1]  # both titles on one track of their own
    title_track = items[0][1]
    assert not title_track.findall("clipitem")
    # the video clip is still a clipitem with its file, on the track below the titles
    shots = [c for t in tracks for c in t.findall("clipitem")]
    assert len(shots) == 1 and shots[0].find("file/pathurl").text.endswith(".mp4")
    assert tracks.index(title_track) > next(i for i, t in enumerate(tracks) if t.findall("clipitem"))

    gens = title_track.findall("generatoritem")
    for gen in gens:
        effect = gen.find("effect")
        # as FCP 7 writes its Text generator, in its order
        assert [(c.tag, c.text) for c in list(effect)[:5]] == [
            ("name", "Text"), ("effectid", "Text"), ("effectcategory", "Text"), ("effecttype", "generator"),
            ("mediatype", "video")]
    timings = [{k: int(gen.findtext(k)) for k in ("start", "end", "in", "out", "duration")} for gen in gens]
    assert timings == [{"start": 10, "end": 40, "in": 0, "out": 30, "duration": 30},
                       {"start": 50, "end": 75, "in": 0, "out": 25, "duration": 25}]
    assert [gen.findtext("rate/timebase") for gen in gens] == ["25", "25"]

    first, second = (_params(gen.find("effect")) for gen in gens)
    assert first["str"] == "First line\nSecond line"
    assert first["fontname"] == "DejaVu Serif"
    assert first["fontsize"] == "60"
    assert first["fontstyle"] == "3"  # Italic
    assert first["fontalign"] == "1"  # Left
    assert first["fontcolor"] == {"alpha": "255", "red": "255", "green": "128", "blue": "0"}
    assert {k: float(v) for k, v in first["origin"].items()} == {"horiz": -0.25, "vert": -0.2}
    assert second["str"] == "Goodbye"
    assert second["fontsize"] == "40"
    assert second["fontstyle"] == "2"  # Reelcut's default title is bold
    assert second["fontcolor"] == {"alpha": "255", "red": "0", "green": "255", "blue": "0"}
    assert {k: float(v) for k, v in second["origin"].items()} == {"horiz": 0.0, "vert": pytest.approx(0.35)}

    assert not any("has no titles" in w for w in warnings), warnings
    assert "FCP 7 XML has no title outlines: 1 title simplified" in warnings
    assert "FCP 7 XML has no title boxes: 1 title simplified" in warnings


@pytest.mark.parametrize("fmt", ["fcp7xml", "fcpxml"])
def test_titles_come_back(fmt: str, api: Api, services: Services, titled: dict[str, Any]) -> None:
    data, _ = _export(api, titled["project"]["id"], fmt)
    other = services.projects.create("Back")
    r = _import(api, other["id"], data, f"timeline{FORMATS[fmt].ext}")
    assert r.status_code == 200, r.get_data(as_text=True)
    stored = services.projects.timeline(other["id"])  # the saved row, not the answer
    got = _titles(stored)
    assert [c["text"] for c in got] == ["First line\nSecond line", "Goodbye"]
    for have, want in zip(got, TITLES, strict=True):
        assert abs(have["start"] - want["start"]) < 1e-6 and abs(have["duration"] - want["duration"]) < 1e-6
        assert have["size"] == want["size"] and have["color"] == want["color"]
        assert abs(have["x"] - want["x"]) * W < 1 and abs(have["y"] - want["y"]) * H < 1
        # FCPXML's text-style carries the outline (fcpx_text); FCP 7's Text generator has no parameter for it
        assert have.get("outline") == (want.get("outline") if fmt == "fcpxml" else None)
        assert "box" not in have
    assert (got[0]["font"], got[0]["bold"], got[0]["italic"], got[0]["align"]) == ("DejaVu Serif", False, True,
                                                                                 "left")
    assert (got[1]["bold"], got[1]["italic"]) == (True, False)
    videos = [c for t in stored["tracks"] if t["kind"] == "video" for c in t["clips"]]
    assert len(videos) == 1 and videos[0]["start"] == 0 and abs(videos[0]["out"] - 3.0) < 1e-6
    assert services.media.get(videos[0]["media_id"])["name"] == "shot"


# A title as Final Cut Pro 7 itself writes its Text generator (trimmed to what matters): line
# breaks are carriage returns, the generator's media runs long and the item uses part of it.
FCP7_TITLE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE xmeml>
<xmeml version="5">
  <sequence id="Sequence 1">
    <name>Sequence 1</name>
    <duration>100</duration>
    <rate><ntsc>FALSE</ntsc><timebase>25</timebase></rate>
    <media>
      <video>
        <format><samplecharacteristics><width>1920</width><height>1080</height></samplecharacteristics></format>
        <track>
          <generatoritem id="Text">
            <name>Text</name>
            <duration>3600</duration>
            <rate><ntsc>FALSE</ntsc><timebase>25</timebase></rate>
            <in>1000</in>
            <out>1050</out>
            <start>25</start>
            <end>75</end>
            <enabled>TRUE</enabled>
            <anamorphic>FALSE</anamorphic>
            <alphatype>black</alphatype>
            <effect>
              <name>Text</name>
              <effectid>Text</effectid>
              <effectcategory>Text</effectcategory>
              <effecttype>generator</effecttype>
              <mediatype>video</mediatype>
              <parameter><parameterid>str</parameterid><name>Text</name>
                <value>Made in FCP&#13;Second line</value></parameter>
              <parameter><parameterid>fontname</parameterid><name>Font</name><value>Lucida Grande</value></parameter>
              <parameter><parameterid>fontsize</parameterid><name>Size</name><valuemin>0</valuemin><valuemax>1000</valuemax><value>36</value></parameter>
              <parameter><parameterid>fontstyle</parameterid><name>Style</name><valuemin>1</valuemin><valuemax>4</valuemax>
                <valuelist><valueentry><name>Plain</name><value>1</value></valueentry><valueentry><name>Bold</name><value>2</value></valueentry></valuelist>
                <value>1</value></parameter>
              <parameter><parameterid>fontalign</parameterid><name>Alignment</name><valuemin>1</valuemin><valuemax>3</valuemax><value>3</value></parameter>
              <parameter><parameterid>fontcolor</parameterid><name>Font Color</name>
                <value><alpha>255</alpha><red>255</red><green>255</green><blue>0</blue></value></parameter>
              <parameter><parameterid>origin</parameterid><name>Origin</name><value><horiz>0.1</horiz><vert>0.3</vert></value></parameter>
              <parameter><parameterid>tracking</parameterid><name>Tracking</name><valuemin>-200</valuemin><valuemax>200</valuemax><value>1</value></parameter>
            </effect>
            <sourcetrack><mediatype>video</mediatype></sourcetrack>
          </generatoritem>
        </track>
      </video>
    </media>
  </sequence>
</xmeml>
"""


def test_a_text_generator_written_by_fcp7_imports_as_a_title(api: Api, services: Services,
                                                               project: dict[str, Any]) -> None:
    r = _import(api, project["id"], FCP7_TITLE.encode(), "from fcp7.xml")
    assert r.status_code == 200, r.get_data(as_text=True)
    stored = services.projects.timeline(project["id"])
    assert [t["kind"] for t in stored["tracks"]] == ["text"]
    (title,) = _titles(stored)
    assert title["text"] == "Made in FCP\nSecond line"
    assert (title["start"], title["duration"]) == (1.0, 2.0)
    assert (title["font"], title["size"], title["bold"], title["italic"], title["align"]) == \
        ("Lucida Grande", 36, False, False, "right")
    assert title["color"] == "#ffff00" and "opacity" not in title
    assert (title["x"], title["y"]) == (pytest.approx(0.6), pytest.approx(0.8))
    assert not any("does not import" in w for w in r.get_json()["warnings"])


# -- FCPXML: Final Cut Pro's Basic Title ----------------------------------------------------------
def test_titles_are_written_as_fcpxml_basic_titles(api: Api, titled: dict[str, Any]) -> None:
    r = api.get(f"/api/projects/{titled['project']['id']}/timeline/export?format=fcpxml")
    assert r.status_code == 200, r.get_data(as_text=True)
    warnings = json.loads(r.headers["X-Reelcut-Warnings"])
    root = ET.fromstring(r.get_data())
    (effect,) = root.findall("resources/effect")
    assert effect.get("name") == "Basic Title" and effect.get("uid").endswith("Basic Title.moti")
    # the placeholders the adapter placed are gone: no asset or clip of them is left
    assert [a.get("name") for a in root.findall("resources/asset")] == ["shot"]
    assert not [c for c in root.iter("clip") if "reelcut-title" in (c.get("name") or "")]
    titles = list(root.iter("title"))
    assert [t.get("ref") for t in titles] == [effect.get("id")] * 2
    # connected to the video clip (offset 0, start 0) above it, at their times
    (shot,) = root.findall(".//spine/clip")
    assert all(t in list(shot) for t in titles)
    assert [(t.get("lane"), *(Fraction(t.get(k).removesuffix("s")) for k in ("offset", "duration")))
            for t in titles] == [("1", Fraction(2, 5), Fraction(6, 5)), ("1", 2, 1)]
    texts = [t.findtext("text/text-style") for t in titles]
    assert texts == ["First line\nSecond line", "Goodbye"]
    styles = [t.find("text-style-def/text-style").attrib for t in titles]
    assert [t.find("text/text-style").get("ref") for t in titles] == \
        [t.find("text-style-def").get("id") for t in titles]
    assert styles[0] == {"font": "DejaVu Serif", "fontSize": "60", "fontColor": "1 0.501961 0 1",
                         "alignment": "left", "italic": "1", "strokeColor": "0 0 0 1", "strokeWidth": "3"}
    assert styles[1] == {"fontSize": "40", "fontColor": "0 1 0 1", "bold": "1"}
    positions = [next(p.get("value") for p in t.findall("param") if p.get("name") == "Position") for t in titles]
    assert positions == ["-320 144", "0 -252"]  # pixels from the centre, up positive
    assert not any("has no titles" in w for w in warnings), warnings
    assert not any("outline" in w for w in warnings), warnings
    assert "FCPXML has no title boxes: 1 title simplified" in warnings


FCPX_TITLE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE fcpxml>
<fcpxml version="1.9">
  <resources>
    <format id="r1" name="FFVideoFormat1080p25" frameDuration="100/2500s" width="1920" height="1080"/>
    <effect id="r2" name="Basic Title"
            uid=".../Titles.localized/Bumper:Opener.localized/Basic Title.localized/Basic Title.moti"/>
  </resources>
  <library>
    <event name="Event">
      <project name="Made in Final Cut">
        <sequence format="r1" duration="5s" tcStart="0s" tcFormat="NDF">
          <spine>
            <gap name="Gap" offset="0s" duration="5s" start="3600s">
              <title ref="r2" lane="1" offset="3601s" name="Hello - Basic Title" start="3600s" duration="2s">
                <param name="Position" key="9999/999166631/999166633/1/100/101" value="192 -108"/>
                <text>
                  <text-style ref="ts1">Made in </text-style>
                  <text-style ref="ts1">Final Cut</text-style>
                </text>
                <text-style-def id="ts1">
                  <text-style font="Futura" fontSize="72" fontFace="Medium" fontColor="1 1 0 1" bold="1"
                              alignment="right"/>
                </text-style-def>
              </title>
            </gap>
          </spine>
        </sequence>
      </project>
    </event>
  </library>
</fcpxml>
"""


def test_a_basic_title_written_by_final_cut_imports_as_a_title(api: Api, services: Services,
                                                                project: dict[str, Any]) -> None:
    r = _import(api, project["id"], FCPX_TITLE.encode(), "from final cut.fcpxml")
    assert r.status_code == 200, r.get_data(as_text=True)
    stored = services.projects.timeline(project["id"])
    assert [t["kind"] for t in stored["tracks"]] == ["text"]
    (title,) = _titles(stored)
    assert title["text"] == "Made in Final Cut"
    assert (title["start"], title["duration"]) == (1.0, 2.0)
    assert (title["font"], title["size"], title["bold"], title["italic"], title["align"]) == \
        ("Futura", 72, True, False, "right")
    assert title["color"] == "#ffff00" and "opacity" not in title
    # the file's own frame (1920×1080) places it, not the project's
    assert (title["x"], title["y"]) == (pytest.approx(0.6), pytest.approx(0.6))


@pytest.mark.parametrize("video", [[{"id": "shot", "media_id": "m", "start": 0.0, "in": 0.0, "out": 3.0}], []],
                         ids=["past the video's end", "over an empty video track"])
def test_a_title_with_no_clip_under_it_still_goes_through_fcpxml(video: list[dict[str, Any]], tmp_path: Path) -> None:
    """FCPXML connects a title to the storyline's item under it: where the video has none, the
    storyline runs on as a gap (the adapter would fail), and the title comes back at its time."""
    from reelcut.interchange import from_otio, to_otio
    from reelcut.interchange.service import parse, write

    doc = {"version": 2, "fps": FPS, "width": W, "height": H, "markers": [], "tracks": [
        {"id": "titles", "name": "Titles", "kind": "text", "clips": [
            {"id": "late", "start": 4.0, "duration": 1.2, "text": "Late", "x": 0.5, "y": 0.5}]},
        {"id": "v1", "name": "V1", "kind": "video", "clips": video}]}
    tl, _ = to_otio(doc, {"m": {"name": "m", "path": str(tmp_path / "m.mp4"), "duration": 4.0}}, "fcpxml")
    text = write(tl, FORMATS["fcpxml"])
    (gap,) = [g for g in ET.fromstring(text).iter("gap") if g.find("title") is not None]
    back = from_otio(parse(text.encode(), FORMATS["fcpxml"], FPS, (W, H)), "fcpxml",
                     {"fps": FPS, "width": W, "height": H}).doc
    (title,) = _titles(back)
    assert (title["text"], title["start"], title["duration"]) == ("Late", 4.0, 1.2)
    assert (title["x"], title["y"]) == (0.5, 0.5)


def test_a_title_among_video_clips_in_fcp7_xml_goes_onto_a_text_track_above(
        api: Api, services: Services, project: dict[str, Any], tmp_path: Path) -> None:
    """FCP 7 lets a Text generator sit on a track between video clips; Reelcut's tracks hold one
    kind, so the title goes onto a text track right above that track's clips."""
    shot = media_samples.make_video(tmp_path / "shot.mp4", seconds=2, color="blue", rate=FPS)
    clipitem = f"""<clipitem id="shot">
            <name>shot</name><duration>50</duration>
            <rate><ntsc>FALSE</ntsc><timebase>25</timebase></rate>
            <in>0</in><out>25</out><start>0</start><end>25</end>
            <file id="file-1"><name>shot.mp4</name><pathurl>{shot.as_uri()}</pathurl>
              <rate><ntsc>FALSE</ntsc><timebase>25</timebase></rate><duration>50</duration>
              <media><video/></media></file>
          </clipitem>
          <generatoritem"""
    xml = FCP7_TITLE.replace("<generatoritem", clipitem, 1)
    r = _import(api, project["id"], xml.encode(), "mixed.xml")
    assert r.status_code == 200, r.get_data(as_text=True)
    stored = services.projects.timeline(project["id"])
    assert [(t["kind"], len(t["clips"])) for t in stored["tracks"]] == [("text", 1), ("video", 1)]
    (title,) = _titles(stored)
    assert title["text"] == "Made in FCP\nSecond line" and title["start"] == 1.0
    assert not any("does not import" in w for w in r.get_json()["warnings"])
