"""A title's outline, shadow and line spacing through FCPXML (issue 15): written as the Basic
Title's `<text-style>` attributes (strokeColor, strokeWidth, shadowColor, shadowOffset "distance
angle", shadowBlurRadius, lineSpacing) and read back, so Reelcut → FCPXML → Reelcut keeps them.

Rounding stated by these tests: the outline's width, the shadow's x/y and the line spacing are
whole pixels and come back exactly; colours are 8-bit and come back exactly; the shadow's opacity
comes back within 1e-4 (written with six significant digits, read to four decimals). The box has
no FCPXML attribute Final Cut draws on a title with its padding: it stays in the warnings."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from reelcut.interchange.fcpx_text import shadow_offset, shadow_xy
from reelcut.services import Services

from . import media_samples
from .conftest import Api
from .test_interchange_titles import FCPX_TITLE, _import, _titles

pytestmark = pytest.mark.timeout(180)
FPS = 25
W, H = 1280, 720

STYLED = {"id": "styled", "start": 0.0, "duration": 2.0, "text": "Outlined\nand shadowed", "x": 0.5, "y": 0.5,
          "size": 64, "color": "#ffffff", "outline": {"color": "#102030", "width": 4},
          "shadow": {"color": "#ff0000", "x": 4, "y": 4, "opacity": 0.6}, "line_spacing": 12}
UP_LEFT = {"id": "upleft", "start": 2.0, "duration": 1.0, "text": "Up left", "x": 0.5, "y": 0.8, "size": 40,
           "color": "#00ff00", "shadow": {"color": "#000080", "x": -7, "y": -3, "opacity": 1.0},
           "line_spacing": -5}
BOXED = {"id": "boxed", "start": 3.0, "duration": 1.0, "text": "Boxed", "x": 0.5, "y": 0.2, "size": 40,
         "color": "#ffffff", "outline": {"color": "#000000", "width": 2},
         "box": {"color": "#000000", "opacity": 0.5, "padding": 10}}


def _project(services: Services, project: dict[str, Any], tmp_path: Path, titles: list[dict[str, Any]]) -> str:
    shot = media_samples.make_video(tmp_path / "shot.mp4", seconds=4, color="red", rate=FPS)
    media_id = services.media.import_path(project["id"], shot)["id"]
    doc = {"version": 2, "fps": FPS, "width": W, "height": H, "markers": [], "tracks": [
        {"id": "titles", "name": "Titles", "kind": "text", "clips": titles},
        {"id": "v1", "name": "V1", "kind": "video", "clips": [
            {"id": "shot", "media_id": media_id, "start": 0.0, "in": 0.0, "out": 4.0}]},
    ]}
    services.projects.save_timeline_at(project["id"], doc)
    return project["id"]


def _export(api: Api, project_id: str) -> tuple[bytes, list[str]]:
    r = api.get(f"/api/projects/{project_id}/timeline/export?format=fcpxml")
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_data(), json.loads(r.headers["X-Reelcut-Warnings"])


def _styles(data: bytes) -> dict[str, dict[str, str]]:
    """Each written title's text-style attributes, by its text."""
    return {t.findtext("text/text-style"): dict(t.find("text-style-def/text-style").attrib)
            for t in ET.fromstring(data).iter("title")}


def test_outline_shadow_and_line_spacing_are_written_as_text_style_attributes(
        api: Api, services: Services, project: dict[str, Any], tmp_path: Path) -> None:
    data, warnings = _export(api, _project(services, project, tmp_path, [STYLED, UP_LEFT]))
    styles = _styles(data)
    assert styles["Outlined\nand shadowed"] == {
        "fontSize": "64", "fontColor": "1 1 1 1", "bold": "1",
        "strokeColor": "0.0627451 0.12549 0.188235 1", "strokeWidth": "4",
        # x 4, y 4 (down) is 4√2 pixels at 315°, counter-clockwise from +x with y up: down and right
        "shadowColor": "1 0 0 0.6", "shadowOffset": "5.65685 315", "shadowBlurRadius": "0",
        "lineSpacing": "12"}
    up_left = styles["Up left"]
    assert up_left["shadowColor"] == "0 0 0.501961 1"
    distance, angle = (float(v) for v in up_left["shadowOffset"].split())
    assert distance == pytest.approx((7 ** 2 + 3 ** 2) ** 0.5, abs=1e-4)
    # up (y -3: +3 with y up) and left (x -7): the second quadrant, to six significant digits
    assert 90 < angle < 180 and angle == pytest.approx(math.degrees(math.atan2(3, -7)), abs=1e-3)
    assert up_left["lineSpacing"] == "-5" and "strokeColor" not in up_left
    assert warnings == [], warnings  # FCPXML carries everything these titles have


def test_a_styled_title_comes_back_from_fcpxml(api: Api, services: Services, project: dict[str, Any],
                                               tmp_path: Path) -> None:
    data, _ = _export(api, _project(services, project, tmp_path, [STYLED, UP_LEFT]))
    other = services.projects.create("Back")
    r = _import(api, other["id"], data, "styled.fcpxml")
    assert r.status_code == 200, r.get_data(as_text=True)
    got = _titles(services.projects.timeline(other["id"]))  # the stored row
    assert [c["text"] for c in got] == [STYLED["text"], UP_LEFT["text"]]
    for have, want in zip(got, [STYLED, UP_LEFT], strict=True):
        assert have.get("outline") == want.get("outline")
        assert have.get("line_spacing") == want["line_spacing"]
        shadow, expected = have["shadow"], want["shadow"]
        assert {k: shadow[k] for k in ("color", "x", "y")} == {k: expected[k] for k in ("color", "x", "y")}
        assert shadow["opacity"] == pytest.approx(expected["opacity"], abs=1e-4)
        assert "box" not in have
    assert not any("title" in w.lower() for w in r.get_json()["warnings"]), r.get_json()["warnings"]


def test_every_whole_pixel_shadow_offset_survives_distance_and_angle() -> None:
    """Reelcut's shadow x/y are whole pixels in -100..100: each goes out as "distance angle" and
    comes back exactly."""
    for x in range(-100, 101):
        for y in range(-100, 101):
            assert shadow_xy(shadow_offset(x, y)) == (x, y), (x, y)
    assert shadow_offset(0, 0) == "0 0"
    assert shadow_offset(5, 0) == "5 0" and shadow_offset(0, -5) == "5 90" and shadow_offset(0, 5) == "5 270"


def test_a_title_with_a_box_warns_of_the_box_only(api: Api, services: Services, project: dict[str, Any],
                                                  tmp_path: Path) -> None:
    data, warnings = _export(api, _project(services, project, tmp_path, [BOXED]))
    assert warnings == ["FCPXML has no title boxes: 1 title simplified"]
    (style,) = _styles(data).values()
    assert "backgroundColor" not in style and style["strokeWidth"] == "2"
    # FCP 7 XML's Text generator carries none of the three, and still says so
    r = api.get(f"/api/projects/{project['id']}/timeline/export?format=fcp7xml")
    fcp7 = json.loads(r.headers["X-Reelcut-Warnings"])
    assert "FCP 7 XML has no title boxes: 1 title simplified" in fcp7
    assert "FCP 7 XML has no title outlines: 1 title simplified" in fcp7


# A Basic Title as another tool writes it: AppKit's negative "stroke and fill" width, a blurred
# shadow, line spacing and a background colour.
STYLE_ATTRS = ('strokeColor="1 0 0 1" strokeWidth="-2" shadowColor="0 0 0 0.75" shadowOffset="5 315" '
               'shadowBlurRadius="3" lineSpacing="10" backgroundColor="0 0 0 0.5"')


def test_a_hand_written_fcpxml_title_style_imports(api: Api, services: Services, project: dict[str, Any]) -> None:
    xml = FCPX_TITLE.replace('alignment="right"', f'alignment="right" {STYLE_ATTRS}')
    r = _import(api, project["id"], xml.encode(), "styled by hand.fcpxml")
    assert r.status_code == 200, r.get_data(as_text=True)
    (title,) = _titles(services.projects.timeline(project["id"]))
    assert title["outline"] == {"color": "#ff0000", "width": 2}
    # 5 pixels at 315°: 3.54 right and 3.54 down, to whole pixels
    assert title["shadow"] == {"color": "#000000", "x": 4, "y": 4, "opacity": 0.75}
    assert title["line_spacing"] == 10
    assert title["box"] == {"color": "#000000", "opacity": 0.5, "padding": 0}
    assert "Reelcut titles have no shadow blur: 1 title simplified" in r.get_json()["warnings"]


def test_nonsense_style_attributes_are_left_out(api: Api, services: Services, project: dict[str, Any]) -> None:
    attrs = ('strokeColor="red" strokeWidth="nan" shadowColor="0 0 0 1" shadowOffset="inf 45" '
             'lineSpacing="wide" backgroundColor="0 0 0 0"')
    xml = FCPX_TITLE.replace('alignment="right"', f'alignment="right" {attrs}')
    r = _import(api, project["id"], xml.encode(), "odd.fcpxml")
    assert r.status_code == 200, r.get_data(as_text=True)
    (title,) = _titles(services.projects.timeline(project["id"]))
    assert "outline" not in title and "line_spacing" not in title and "box" not in title
    assert title["shadow"] == {"color": "#000000", "x": 0, "y": 0, "opacity": 1.0}  # no offset: under the text


def test_a_runs_own_style_attributes_override_its_definition(api: Api, services: Services,
                                                             project: dict[str, Any]) -> None:
    """FCPXML's text-style: attributes on the run that refers to a definition override it."""
    xml = FCPX_TITLE.replace('<text-style ref="ts1">Made in </text-style>',
                             '<text-style ref="ts1" strokeColor="0 0 1 1" strokeWidth="6" lineSpacing="20">'
                             'Made in </text-style>')
    xml = xml.replace('alignment="right"', 'alignment="right" strokeColor="1 0 0 1" strokeWidth="2"')
    r = _import(api, project["id"], xml.encode(), "run styles.fcpxml")
    assert r.status_code == 200, r.get_data(as_text=True)
    (title,) = _titles(services.projects.timeline(project["id"]))
    assert title["outline"] == {"color": "#0000ff", "width": 6} and title["line_spacing"] == 20
    assert (title["font"], title["size"]) == ("Futura", 72)  # the rest from the definition
