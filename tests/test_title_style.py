"""A title's style (issue 15): font, bold, italic, outline, shadow, box, align, line_spacing.

Refusals name the field; the export is proven on decoded pixels of real exports (the export
job, from a saved timeline) of white text on the black canvas, 320x180, one second; the font
routes serve the very file the export draws with; a styled title survives the .otio round trip."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from reelcut.errors import AppError
from reelcut.library.timeline import validate_timeline
from reelcut.media import fonts
from reelcut.media.compose import build_export_args
from reelcut.media.fonts import DEFAULT_FAMILY, find_font, font_families, font_file

from .conftest import Api

pytestmark = pytest.mark.timeout(120)

W, H = 320, 180


def _title(**style: Any) -> dict[str, Any]:
    return {"id": "title", "start": 0, "duration": 1, "text": "Hi", "size": 48, "color": "#ffffff", "x": 0.5,
            "y": 0.5, **style}


def _doc(*clips: dict[str, Any]) -> dict[str, Any]:
    return {"version": 2, "width": W, "height": H, "fps": 10, "markers": [],
            "tracks": [{"id": "t1", "name": "T1", "kind": "text", "muted": False, "hidden": False,
                        "clips": list(clips)},
                       {"id": "v1", "name": "V1", "kind": "video", "muted": False, "hidden": False, "clips": []}]}


# -- validation -----------------------------------------------------------------------------------
CP = "tracks[0].clips[0]"


@pytest.mark.parametrize("style,field,words", [
    ({"font": 5}, "font", "text of 1 to 128 characters"),
    ({"font": ""}, "font", "text of 1 to 128 characters"),
    ({"font": "x" * 129}, "font", "text of 1 to 128 characters"),
    ({"bold": "yes"}, "bold", "true or false"),
    ({"italic": 1}, "italic", "true or false"),
    ({"align": "justify"}, "align", "one of left, center, right"),
    ({"line_spacing": 501}, "line_spacing", "from -50 to 500 pixels"),
    ({"line_spacing": -51}, "line_spacing", "from -50 to 500"),
    ({"line_spacing": 2.5}, "line_spacing", "whole number"),
    ({"line_spacing": "10"}, "line_spacing", "from -50 to 500"),
    ({"outline": "red"}, "outline", "an object with color, width"),
    ({"outline": {"color": "#ff0000", "width": 51}}, "outline.width", "from 0 to 50 pixels"),
    ({"outline": {"color": "#ff0000", "width": True}}, "outline.width", "from 0 to 50"),
    ({"outline": {"color": "red", "width": 2}}, "outline.color", "like #ffcc00"),
    ({"outline": {"color": "#ff0000"}}, "outline.width", "is missing"),
    ({"outline": {"color": "#ff0000", "width": 2, "blur": 1}}, "outline.blur", "not one of its fields"),
    ({"shadow": {"color": "#000000", "x": 101, "y": 0, "opacity": 1}}, "shadow.x", "from -100 to 100"),
    ({"shadow": {"color": "#000000", "x": 0, "y": -101, "opacity": 1}}, "shadow.y", "from -100 to 100"),
    ({"shadow": {"color": "#000000", "x": 0, "y": 0, "opacity": 1.5}}, "shadow.opacity", "from 0 to 1"),
    ({"shadow": {"x": 0, "y": 0, "opacity": 1}}, "shadow.color", "is missing"),
    ({"shadow": {"color": "#000000", "x": 0, "y": 0, "opacity": 1, "blur": 3}}, "shadow.blur",
     "not one of its fields (color, x, y, opacity)"),
    ({"box": {"color": "#000000", "opacity": -0.1, "padding": 0}}, "box.opacity", "from 0 to 1"),
    ({"box": {"color": "#000000", "opacity": 1, "padding": 201}}, "box.padding", "from 0 to 200 pixels"),
    ({"box": {"color": "#00000g", "opacity": 1, "padding": 2}}, "box.color", "like #ffcc00"),
    ({"box": {"color": "#000000", "opacity": 1, "padding": 2, "radius": 4}}, "box.radius",
     "not one of its fields"),
    ({"box": []}, "box", "an object with color, opacity, padding"),
])
def test_a_wrong_style_field_is_refused_by_name(style: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(AppError) as e:
        validate_timeline(_doc(_title(**style)), set())
    assert e.value.status == 422 and e.value.code == "invalid_timeline"
    assert e.value.field == f"{CP}.{field}", e.value.field
    assert f"{CP}.{field}" in e.value.message and words in e.value.message, e.value.message


FULL = {"font": "DejaVu Serif", "bold": False, "italic": True, "align": "right", "line_spacing": -50,
        "outline": {"color": "#ff0000", "width": 50}, "shadow": {"color": "#00ff00", "x": -100, "y": 100,
                                                                 "opacity": 0},
        "box": {"color": "#0000FF", "opacity": 1, "padding": 200}}


def test_a_full_style_at_its_bounds_is_stored_as_sent_and_a_refused_one_stores_nothing(
        api: Api, services: Any, project: dict) -> None:
    url = f"/api/projects/{project['id']}/timeline"
    doc = _doc(_title(text="Two\nlines", **FULL))
    r = api.put(url, json={"timeline": doc})
    assert r.status_code == 200, r.json
    stored = json.loads(services.db.one("SELECT timeline FROM projects WHERE id = ?", (project["id"],))["timeline"])
    assert {k: stored["tracks"][0]["clips"][0][k] for k in FULL} == FULL
    bad = copy.deepcopy(doc)
    bad["tracks"][0]["clips"][0]["shadow"]["opacity"] = 2
    r = api.put(url, json={"timeline": bad})
    assert r.status_code == 422 and r.json["error"]["field"] == f"{CP}.shadow.opacity", r.json
    assert json.loads(services.db.one("SELECT timeline FROM projects WHERE id = ?",
                                      (project["id"],))["timeline"]) == stored


def test_the_limits_route_gives_the_style_bounds(api: Api) -> None:
    limits = api.get("/api/timeline/limits").json["limits"]
    assert limits["outline.width"] == {"low": 0, "high": 50, "unit": "pixels", "whole": True, "even": False}
    assert (limits["shadow.x"]["low"], limits["shadow.x"]["high"]) == (-100, 100)
    assert (limits["box.padding"]["high"], limits["line_spacing"]["low"], limits["font"]["high"]) == (200, -50, 128)


# -- the export -----------------------------------------------------------------------------------
def _export(services: Any, project: dict, *clips: dict[str, Any]) -> np.ndarray:
    """Save a timeline of these titles and export it through the job: the frame at 0.5 s, RGB."""
    services.projects.save_timeline(project["id"], _doc(*clips))
    job = services.exports.wait(services.exports.start(project["id"])["id"], timeout=60)
    assert job["status"] == "done", job
    with av.open(str(services.exports.file_path(job["id"]))) as c:
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    return frames[len(frames) // 2].astype(int)


def _mask(img: np.ndarray, rgb: tuple[int, int, int], tol: int = 70) -> np.ndarray:
    return np.all(np.abs(img - np.array(rgb)) < tol, axis=2)


def _bbox(mask: np.ndarray) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the set pixels, inclusive."""
    ys, xs = np.nonzero(mask)
    assert len(xs), "nothing of that colour in the frame"
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def _white(img: np.ndarray) -> np.ndarray:
    return np.all(img > 200, axis=2)


def _ink(img: np.ndarray) -> np.ndarray:
    return img.max(axis=2) > 100  # anything drawn over the black canvas


def test_a_title_without_a_style_is_drawn_as_before(services: Any, project: dict, tmp_path: Path) -> None:
    """The drawtext of an unstyled title has no option a style adds, and the same file; naming
    the default style explicitly draws the identical frame."""
    doc = validate_timeline(_doc(_title()), set())
    build_export_args(doc, {}, tmp_path / "out.mp4", tmp_path, find_font())
    graph = (tmp_path / "graph.txt").read_text()
    assert f"fontfile=\\'{find_font()}\\':" in graph
    for option in ("borderw", "shadow", "box", "text_align", "line_spacing"):
        assert option not in graph
    plain = _export(services, project, _title())
    explicit = _export(services, project, _title(font=DEFAULT_FAMILY, bold=True, italic=False, line_spacing=0,
                                                 outline={"color": "#ff0000", "width": 0}))
    assert np.array_equal(plain, explicit)
    assert _ink(plain).sum() > 300


def test_a_red_outline_surrounds_the_white_glyphs(services: Any, project: dict) -> None:
    plain = _export(services, project, _title(text="H"))
    assert not _mask(plain, (255, 0, 0)).any()
    img = _export(services, project, _title(text="H", outline={"color": "#ff0000", "width": 6}))
    red = _mask(img, (255, 0, 0))
    white = _bbox(_white(img))
    outer = _bbox(red)
    # the outline reaches about its width beyond the glyph on every side
    assert white[0] - outer[0] >= 4 and white[1] - outer[1] >= 4, (white, outer)
    assert outer[2] - white[2] >= 4 and outer[3] - white[3] >= 4, (white, outer)
    # and the glyph stays white inside it
    assert _bbox(_white(plain)) == pytest.approx(white, abs=2)
    assert red.sum() > 200


def test_an_opaque_blue_box_covers_the_text_and_its_padding(services: Any, project: dict) -> None:
    plain = _export(services, project, _title(text="Box"))
    ink = _bbox(_white(plain))
    img = _export(services, project, _title(text="Box", box={"color": "#0000ff", "opacity": 1, "padding": 20}))
    blue = _mask(img, (0, 0, 255))
    left, top, right, bottom = _bbox(blue)
    # beside the ink: the padding (give or take the glyphs' side bearings)
    assert 16 <= ink[0] - left <= 26 and 16 <= right - ink[2] <= 26, (ink, (left, top, right, bottom))
    # above and below: at least the padding (the box spans the font's line, not the ink)
    assert ink[1] - top >= 18 and bottom - ink[3] >= 18, (ink, (left, top, right, bottom))
    # the box is filled: blue wherever the text is not
    inside = np.zeros_like(blue)
    inside[top + 2:bottom - 1, left + 2:right - 1] = True
    text = np.zeros_like(blue)
    text[ink[1] - 2:ink[3] + 3, ink[0] - 2:ink[2] + 3] = True
    assert blue[inside & ~text].mean() > 0.98
    # and nothing blue outside it
    assert not blue[:, : left - 1].any() and not blue[:, right + 2:].any()


def test_a_half_transparent_box_shows_half_its_colour(services: Any, project: dict) -> None:
    img = _export(services, project, _title(text="Box", box={"color": "#0000ff", "opacity": 0.5, "padding": 20}))
    left, top, _, _ = _bbox(img[:, :, 2] > 60)
    b = img[top + 3, left + 3]
    assert abs(b[2] - 128) < 20 and b[0] < 30 and b[1] < 30, b


def test_a_shadow_is_drawn_at_its_offset(services: Any, project: dict) -> None:
    plain = _export(services, project, _title(text="H"))
    ink = _bbox(_white(plain))
    img = _export(services, project, _title(text="H", shadow={"color": "#00ff00", "x": 10, "y": 8, "opacity": 1}))
    green = _bbox(_mask(img, (0, 255, 0)))
    assert abs(green[2] - (ink[2] + 10)) <= 2 and abs(green[3] - (ink[3] + 8)) <= 2, (ink, green)
    # nothing of it to the left of or above where the offset puts it
    assert green[0] >= ink[0] + 8 and green[1] >= ink[1] + 6, (ink, green)
    # the glyph is still drawn, in its place, over its shadow
    assert _bbox(_white(img)) == pytest.approx(ink, abs=2)
    up_left = _bbox(_mask(_export(services, project, _title(
        text="H", shadow={"color": "#00ff00", "x": -10, "y": -8, "opacity": 1})), (0, 255, 0)))
    assert abs(up_left[0] - (ink[0] - 10)) <= 2 and abs(up_left[1] - (ink[1] - 8)) <= 2, (ink, up_left)


def _lines(img: np.ndarray) -> list[tuple[int, int]]:
    """The rows of each line of ink, top first: runs of rows with ink."""
    rows = _ink(img).any(axis=1)
    runs, start = [], None
    for y, on in enumerate([*rows, False]):
        if on and start is None:
            start = y
        elif not on and start is not None:
            runs.append((start, y))
            start = None
    return runs


def test_two_lines_are_drawn_and_aligned_left_right_or_centred(services: Any, project: dict) -> None:
    text = "Wide first line\nEnd"
    left = _export(services, project, _title(text=text, size=24, align="left"))
    right = _export(services, project, _title(text=text, size=24, align="right"))
    center = _export(services, project, _title(text=text, size=24, align="center"))
    for img in (left, right, center):
        assert len(_lines(img)) == 2, _lines(img)
    (a0, a1), (b0, b1) = _lines(left)
    first = [_bbox(_ink(img[a0:a1])) for img in (left, right, center)]
    second = [_bbox(_ink(img[b0:b1])) for img in (left, right, center)]
    # the block (its widest line) is in the same place whatever the alignment: centred on x
    assert all(abs(f[0] - first[0][0]) <= 1 and abs(f[2] - first[0][2]) <= 1 for f in first), first
    assert abs((first[0][0] + first[0][2]) / 2 - W / 2) <= 3
    # the short line starts at the block's left, ends at its right, or sits in its middle
    assert abs(second[0][0] - first[0][0]) <= 3, (first, second)
    assert abs(second[1][2] - first[0][2]) <= 3, (first, second)
    assert second[1][0] - second[0][0] > 80
    assert abs((second[2][0] + second[2][2]) / 2 - W / 2) <= 3, second


def test_line_spacing_adds_pixels_between_lines(services: Any, project: dict) -> None:
    text = "Top\nBottom"
    tight = _lines(_export(services, project, _title(text=text, size=24)))
    loose = _lines(_export(services, project, _title(text=text, size=24, line_spacing=30)))
    gap = lambda runs: runs[1][0] - runs[0][1]  # noqa: E731
    assert abs((gap(loose) - gap(tight)) - 30) <= 2, (tight, loose)


def test_bold_and_regular_differ(services: Any, project: dict) -> None:
    bold = _ink(_export(services, project, _title(text="Title")))
    regular = _ink(_export(services, project, _title(text="Title", bold=False)))
    assert regular.sum() < bold.sum() * 0.85, (regular.sum(), bold.sum())


def _another_family() -> str:
    default = find_font()
    for f in font_families():
        family = str(f["family"])
        if family != DEFAULT_FAMILY and font_file(family, True, False) not in (None, default):
            return family
    raise AssertionError("fontconfig knows no family but the default: install fonts-dejavu-extra or another "
                         "font family to test titles in another font")


def test_a_family_from_the_list_is_drawn_with_its_own_file(services: Any, project: dict, tmp_path: Path) -> None:
    family = _another_family()
    doc = validate_timeline(_doc(_title(text="Title", font=family)), set())
    build_export_args(doc, {}, tmp_path / "out.mp4", tmp_path, find_font())
    assert f"fontfile=\\'{font_file(family, True, False)}\\'" in (tmp_path / "graph.txt").read_text()
    default = _ink(_export(services, project, _title(text="Title")))
    other = _ink(_export(services, project, _title(text="Title", font=family)))
    assert (default != other).sum() > 300, (default != other).sum()


def test_italic_leans_the_glyphs(services: Any, project: dict) -> None:
    upright = _ink(_export(services, project, _title(text="I", size=80)))
    italic = _ink(_export(services, project, _title(text="I", size=80, italic=True)))
    def lean(mask: np.ndarray) -> float:
        top, bottom = _lines(mask[:, :, None].repeat(3, axis=2) * 255)[0]
        third = (bottom - top) // 3
        xs_top = np.nonzero(mask[top:top + third].any(axis=0))[0]
        xs_bottom = np.nonzero(mask[bottom - third:bottom].any(axis=0))[0]
        return float(xs_top.mean() - xs_bottom.mean())
    assert abs(lean(upright)) <= 1 and lean(italic) > 4, (lean(upright), lean(italic))


# -- the font routes ------------------------------------------------------------------------------
def test_the_font_list_puts_the_default_family_first(api: Api) -> None:
    r = api.get("/api/fonts")
    assert r.status_code == 200
    body = r.json
    assert body["default"] == {"family": DEFAULT_FAMILY, "bold": True, "italic": False}
    assert body["fonts"][0]["family"] == DEFAULT_FAMILY and "Bold" in body["fonts"][0]["styles"]
    families = [f["family"] for f in body["fonts"]]
    assert _another_family() in families and len(set(families)) == len(families)
    assert api.get("/api/fonts", auth=False).status_code == 401


def test_the_font_file_is_the_one_the_export_draws_with(api: Api) -> None:
    family = _another_family()
    r = api.get(f"/api/fonts/file?family={family}&bold=0&italic=1")
    assert r.status_code == 200 and r.mimetype.startswith("font/")
    path = font_file(family, False, True)
    assert path and path != find_font()
    assert r.data == Path(path).read_bytes()
    # no style asked: the default look, the file of GET /api/fonts/title
    assert api.get("/api/fonts/file").data == Path(find_font() or "").read_bytes()
    assert api.get(f"/api/fonts/file?family={DEFAULT_FAMILY}&bold=1&italic=0").data == \
        api.get("/api/fonts/title").data


def test_a_family_the_machine_lacks_is_served_as_the_export_draws_it(api: Api) -> None:
    """fontconfig answers every family with some font; the export draws that one, so the preview
    is served the same (the list says which families there are)."""
    r = api.get("/api/fonts/file?family=No Such Family Here&bold=1&italic=0")
    assert r.status_code == 200
    assert r.data == Path(font_file("No Such Family Here", True, False) or "").read_bytes()
    assert "No Such Family Here" not in [f["family"] for f in api.get("/api/fonts").json["fonts"]]


@pytest.mark.parametrize("query,field", [("bold=yes", "bold"), ("italic=2", "italic"),
                                         ("family=", "family"), ("family=" + "x" * 129, "family")])
def test_a_wrong_font_query_is_a_422_naming_it(api: Api, query: str, field: str) -> None:
    r = api.get(f"/api/fonts/file?{query}")
    assert r.status_code == 422 and r.json["error"]["field"] == field, r.json
    assert field in r.json["error"]["message"]


def test_no_font_on_the_machine_is_a_404_saying_what_to_install(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "find_font", lambda: None)
    monkeypatch.setattr(fonts, "_match", lambda *a: None)
    r = api.get("/api/fonts/file?family=DejaVu Serif")
    assert r.status_code == 404
    assert "install fonts-dejavu-core" in r.json["error"]["message"]


# -- interchange ----------------------------------------------------------------------------------
def test_a_styled_title_survives_the_otio_round_trip(api: Api, project: dict) -> None:
    url = f"/api/projects/{project['id']}/timeline"
    title = _title(text="Two\nlines", **FULL)
    assert api.put(url, json={"timeline": _doc(title)}).status_code == 200
    r = api.get(f"{url}/export?format=otio")
    assert r.status_code == 200
    r = api.post(f"{url}/import", data={"file": (io.BytesIO(r.get_data()), "back.otio")},
                 content_type="multipart/form-data")
    assert r.status_code == 200, r.get_data(as_text=True)
    back = [c for t in r.json["timeline"]["tracks"] if t["kind"] == "text" for c in t["clips"]]
    assert [{k: c.get(k) for k in (*FULL, "text")} for c in back] == [{k: title[k] for k in (*FULL, "text")}]
