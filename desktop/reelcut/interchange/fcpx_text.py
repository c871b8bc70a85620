"""A title as Final Cut Pro's Basic Title in FCPXML, and back. Pure functions.

FCPXML writes a title as a `<title>` that references the Basic Title `<effect>` resource, with
its words in `<text><text-style ref=…>` and their look in a `<text-style-def>` (font, fontSize,
fontColor "r g b a" 0–1, bold, italic, alignment); its centre is the `Position` parameter, in
pixels from the frame's centre, up positive.

The title's outline, shadow and line spacing are attributes of the same `<text-style>` (the
FCPXML DTD lists strokeColor, strokeWidth, shadowColor, shadowOffset, shadowBlurRadius,
lineSpacing). Lengths are written in the pixels Reelcut draws, as fontSize is. strokeWidth is the
outline's width, positive (as Apple's own text-style example writes it, over filled text); a
negative one (AppKit's "stroke and fill") reads back as its size. shadowOffset is "distance angle":
the angle in degrees counter-clockwise from the +x axis with y up, so Reelcut's shadow x/y (pixels,
y down, as drawtext) of (4, 4) is "5.65685 315". Reelcut's shadow is sharp: shadowBlurRadius is 0,
and a blurred one reads back sharp (and says so). The background box stays behind: FCPXML's
text-style has a backgroundColor but nothing for the box's padding, and whether Final Cut draws
it on a Basic Title (rather than only on captions) is unconfirmed; one read from a file becomes a
box with no padding.

OTIO's FCPXML adapter knows no titles either way. On export a text clip goes through it as a
placeholder clip named `TOKEN` + n (so the adapter places it: its lane, its offset in the clip it
is connected to), and `finish` turns each into a `<title>`. On import `read_titles`
finds the `<title>`s the adapter skips, with their place on the timeline."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from fractions import Fraction
from typing import Any

from ..library.timeline import LIMITS
from ..media.animation import DEFAULTS
from ..media.fonts import DEFAULT_BOLD, DEFAULT_ITALIC
from . import fcp7_text

TOKEN = "reelcut-title-"  # the placeholder clips' names, each with its index
BASIC_TITLE = ".../Titles.localized/Bumper:Opener.localized/Basic Title.localized/Basic Title.moti"
POSITION_KEY = "9999/999166631/999166633/1/100/101"
ALIGNS = ("left", "center", "right")
# what of a title a Basic Title's text-style has no attribute for, and how a warning names it
# (outline, shadow and line spacing it carries: `_style_attrs`)
CARRIED = ("outline", "shadow", "line_spacing")
LOST = {key: what for key, what in fcp7_text.LOST.items() if key not in CARRIED}
# what a title read from FCPXML may have that Reelcut has not, and how a warning names it
DROPPED = {"blur": "shadow blur", "stroke_alpha": "outline opacity"}


def _time(value: str | None) -> Fraction:
    """An FCPXML time ("1001/30000s", "5s") in seconds."""
    if not value:
        return Fraction(0)
    return Fraction(value.strip().rstrip("s"))


def _size(clip: dict[str, Any], height: int) -> int:
    size = clip.get("size") or max(8, height // 12)
    return max(1, round(float(size) * float(clip.get("scale", 1.0))))


def _rgba(color: str | None, alpha: float, default: str = "#ffffff") -> str:
    """A #rrggbb and an opacity as FCPXML's "r g b a" (each 0–1)."""
    c = (color or default).lstrip("#")
    return " ".join(f"{v:.6g}" for v in [int(c[i:i + 2], 16) / 255 for i in (0, 2, 4)] + [float(alpha)])


def _color(value: str | None) -> tuple[str, float] | None:
    """FCPXML's "r g b [a]" as (#rrggbb, alpha); None when it is no colour."""
    rgba = [_float(c) for c in (value or "").split()]
    if len(rgba) not in (3, 4) or any(c is None for c in rgba):
        return None
    hexa = "#" + "".join(f"{min(max(round(c * 255), 0), 255):02x}" for c in rgba[:3])
    return hexa, min(max(rgba[3], 0.0), 1.0) if len(rgba) == 4 else 1.0


def shadow_offset(x: float, y: float) -> str:
    """Reelcut's shadow x/y (pixels, y down) as FCPXML's shadowOffset "distance angle"."""
    distance = math.hypot(x, y)
    angle = math.degrees(math.atan2(-y, x)) % 360 if distance else 0.0
    return f"{distance:.6g} {angle:.6g}"


def shadow_xy(offset: str | None) -> tuple[int, int] | None:
    """FCPXML's shadowOffset "distance angle" as Reelcut's whole-pixel x/y (y down)."""
    parts = [_float(v) for v in (offset or "").split()]
    if len(parts) != 2 or any(v is None for v in parts):
        return None
    distance, angle = parts
    rad = math.radians(angle)
    return _whole(distance * math.cos(rad), "shadow.x"), _whole(-distance * math.sin(rad), "shadow.y")


def _style_attrs(clip: dict[str, Any]) -> dict[str, str]:
    """The text-style attributes of a title's outline, shadow and line spacing, each written only
    when the export draws it (compose.py's conditions), so a plain title's XML is as before."""
    out: dict[str, str] = {}
    outline = clip.get("outline")
    if isinstance(outline, dict) and int(outline.get("width", 0)) > 0:
        out["strokeColor"] = _rgba(outline.get("color"), 1.0, "#000000")
        out["strokeWidth"] = str(int(outline["width"]))
    shadow = clip.get("shadow")
    if isinstance(shadow, dict) and float(shadow.get("opacity", 0)) > 0:
        out["shadowColor"] = _rgba(shadow.get("color"), float(shadow["opacity"]), "#000000")
        out["shadowOffset"] = shadow_offset(float(shadow.get("x", 0)), float(shadow.get("y", 0)))
        out["shadowBlurRadius"] = "0"  # drawtext's shadow is a sharp copy of the text
    if int(clip.get("line_spacing", 0)):
        out["lineSpacing"] = str(int(clip["line_spacing"]))
    return out


def title_element(clip: dict[str, Any], placeholder: ET.Element, effect_id: str, style_id: str,
                  width: int, height: int) -> ET.Element:
    """The `<title>` for a text clip, in the place (lane, offset, duration, start) the adapter gave
    its placeholder clip."""
    text = clip.get("text") or ""
    name = (text.splitlines()[0][:60] if text.strip() else "") or "Title"
    attrs = {"ref": effect_id, "name": name}
    for key in ("lane", "offset", "duration", "start"):
        if placeholder.get(key) is not None:
            attrs[key] = placeholder.get(key)
    title = ET.Element("title", attrs)
    x, y = float(clip.get("x", DEFAULTS["x"])), float(clip.get("y", DEFAULTS["y"]))
    ET.SubElement(title, "param", {"name": "Position", "key": POSITION_KEY,
                                   "value": f"{(x - 0.5) * width:.6g} {(0.5 - y) * height:.6g}"})
    ET.SubElement(ET.SubElement(title, "text"), "text-style", {"ref": style_id}).text = text
    # no font: Final Cut's default, and none on the way back (Reelcut's default again)
    style = {"font": clip["font"]} if clip.get("font") else {}
    style.update(fontSize=str(_size(clip, height)), fontColor=_rgba(clip.get("color"), float(clip.get("opacity", 1.0))))
    if clip.get("align") in ALIGNS:
        style["alignment"] = clip["align"]
    if clip.get("bold", DEFAULT_BOLD):
        style["bold"] = "1"
    if clip.get("italic", DEFAULT_ITALIC):
        style["italic"] = "1"
    style.update(_style_attrs(clip))
    ET.SubElement(ET.SubElement(title, "text-style-def", {"id": style_id}), "text-style", style)
    return title


def finish(xml: str, titles: dict[str, dict[str, Any]], width: int, height: int) -> str:
    """The adapter's FCPXML with each placeholder clip (a key of `titles`, its text clip the value)
    a `<title>` of the Basic Title effect, and the placeholders' assets gone. The sequence's format
    gets the frame size (the adapter writes none), which places titles on the way back."""
    root = ET.fromstring(xml)
    resources = root.find("resources")
    assert resources is not None  # the adapter always writes one
    for sequence in root.iter("sequence"):
        for fmt in resources.findall("format"):
            if fmt.get("id") == sequence.get("format") and fmt.get("width") is None:
                fmt.set("width", str(width))
                fmt.set("height", str(height))
    if titles:
        _titles(root, resources, titles, width, height)
    ET.indent(root, space="    ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _titles(root: ET.Element, resources: ET.Element, titles: dict[str, dict[str, Any]], width: int,
            height: int) -> None:
    ids = [int(e.get("id", "r0")[1:]) for e in resources if (e.get("id") or "").startswith("r")
           and e.get("id", "")[1:].isdigit()]
    effect_id = f"r{max(ids, default=0) + 1}"
    ET.SubElement(resources, "effect", {"id": effect_id, "name": "Basic Title", "uid": BASIC_TITLE})
    placeholder_assets = {}
    for asset in resources.findall("asset"):
        if asset.get("name") in titles:
            placeholder_assets[asset.get("id")] = asset
            resources.remove(asset)
    parents = {c: p for p in root.iter() for c in p}
    n = 0
    for clip in list(root.iter("clip")):
        name = clip.get("name")
        if name not in titles:
            continue
        n += 1
        parent = parents[clip]
        title = title_element(titles[name], clip, effect_id, f"ts{n}", width, height)
        title.extend(c for c in clip if c.tag not in ("video", "audio"))  # its markers, connected clips
        parent[list(parent).index(clip)] = title
    # the event's browser clips of the placeholders
    for holder, child in [(h, c) for h in root.iter() for c in h
                          if c.tag == "asset-clip" and c.get("ref") in placeholder_assets]:
        holder.remove(child)


def _float(value: Any) -> float | None:
    """A finite number, or None ("nan" and "inf" are no size, colour or offset)."""
    try:
        v = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _whole(value: float, limit: str) -> int:
    lim = LIMITS[limit]
    return int(min(max(round(value), lim.low), lim.high))


def _style_fields(style: ET.Element, dropped: set[str]) -> dict[str, Any]:
    """A text-style's outline, shadow, line spacing and background as the text clip's fields;
    what Reelcut cannot draw of them goes into `dropped` (keys of DROPPED)."""
    out: dict[str, Any] = {}
    width = _float(style.get("strokeWidth"))
    stroke = _color(style.get("strokeColor")) or ("#000000", 1.0)
    if width is not None and _whole(abs(width), "outline.width") > 0 and stroke[1] > 0:
        out["outline"] = {"color": stroke[0], "width": _whole(abs(width), "outline.width")}
        if stroke[1] < 1:
            dropped.add("stroke_alpha")
    shadow = _color(style.get("shadowColor"))
    if shadow is not None and shadow[1] > 0:
        x, y = shadow_xy(style.get("shadowOffset")) or (0, 0)
        out["shadow"] = {"color": shadow[0], "x": x, "y": y, "opacity": round(shadow[1], 4)}
        if (_float(style.get("shadowBlurRadius")) or 0) > 0:
            dropped.add("blur")
    spacing = _float(style.get("lineSpacing"))
    if spacing is not None and _whole(spacing, "line_spacing"):
        out["line_spacing"] = _whole(spacing, "line_spacing")
    background = _color(style.get("backgroundColor"))
    if background is not None and background[1] > 0:
        out["box"] = {"color": background[0], "opacity": round(background[1], 4), "padding": 0}
    return out


def _merged(definition: ET.Element | None, run: ET.Element) -> ET.Element:
    attrs = dict(definition.attrib) if definition is not None else {}
    attrs.update((k, v) for k, v in run.attrib.items() if k != "ref")
    return ET.Element("text-style", attrs)


def _fields(title: ET.Element, styles: dict[str, ET.Element], width: int, height: int,
            dropped: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    runs = title.findall("text/text-style")
    out["text"] = "".join(r.text or "" for r in runs).replace("\r\n", "\n").replace("\r", "\n")[
        : int(LIMITS["text"].high)]
    # a run's own attributes override its definition's (FCPXML's text-style): the first run with
    # either styles the whole title
    style = next((_merged(styles.get(r.get("ref") or ""), r) for r in runs
                  if r.get("ref") in styles or set(r.attrib) - {"ref"}), None)
    if style is not None:
        if (style.get("font") or "").strip():
            out["font"] = style.get("font").strip()[: int(LIMITS["font"].high)]
        size = _float(style.get("fontSize"))
        if size is not None and size > 0:
            out["size"] = int(min(max(round(size), LIMITS["size"].low), LIMITS["size"].high))
        color = _color(style.get("fontColor"))
        if color is not None:
            out["color"] = color[0]
            if color[1] < 1:
                out["opacity"] = round(color[1], 4)
        # no attribute is Final Cut's regular face (Reelcut's default title is bold)
        out["bold"], out["italic"] = style.get("bold") == "1", style.get("italic") == "1"
        if style.get("alignment") in ALIGNS:
            out["align"] = style.get("alignment")
        out.update(_style_fields(style, dropped))
    position = next((p.get("value") for p in title.findall("param") if p.get("name") == "Position"), None)
    xy = [_float(v) for v in (position or "").split()]
    if len(xy) == 2 and all(v is not None for v in xy):
        out["x"] = round(min(max(0.5 + xy[0] / width, 0.0), 1.0), 6)
        out["y"] = round(min(max(0.5 - xy[1] / height, 0.0), 1.0), 6)
    return out


def read_titles(xml: str, width: int, height: int) -> list[dict[str, Any]]:
    """The first project's `<title>`s: each {start, duration (seconds), lane, fields (the text clip's
    text, font, size, bold, italic, align, color, opacity, outline, shadow, line_spacing, box, x, y),
    dropped (how warnings name what of its style Reelcut cannot draw)}, by start. Positions are
    pixels of the sequence's format, or of `width`×`height` when it gives none."""
    root = ET.fromstring(xml)
    sequence = root.find(".//project/sequence")
    if sequence is None:
        return []
    fmt = next((f for f in root.iter("format") if f.get("id") == sequence.get("format")), None)
    if fmt is not None and (fmt.get("width") or "").isdigit() and (fmt.get("height") or "").isdigit():
        width, height = int(fmt.get("width")), int(fmt.get("height"))
    parents = {c: p for p in root.iter() for c in p}
    styles = {d.get("id"): s for d in root.iter("text-style-def") if (s := d.find("text-style")) is not None}

    def at(elem: ET.Element) -> Fraction:
        """Where on the timeline `elem`'s own time 0 (its offset) falls."""
        parent = parents.get(elem)
        if parent is None or parent is sequence:
            return Fraction(0)
        if parent.tag == "spine":
            # a storyline's items sit one after another on the storyline's own time
            return _time(elem.get("offset")) + (at(parent) if parent.get("offset") is not None else Fraction(0))
        # a connected item's offset is in its parent's media time, from the parent's start
        return _time(elem.get("offset")) - _time(parent.get("start")) + at(parent)

    out = []
    for title in sequence.iter("title"):
        duration = _time(title.get("duration"))
        if duration <= 0:
            continue
        lane = int(title.get("lane") or 0)
        dropped: set[str] = set()
        fields = _fields(title, styles, width, height, dropped)
        out.append({"start": float(at(title)), "duration": float(duration), "lane": lane, "fields": fields,
                    "dropped": sorted(DROPPED[k] for k in dropped)})
    return sorted(out, key=lambda t: (t["start"], t["lane"]))


__all__ = ["DROPPED", "LOST", "TOKEN", "finish", "read_titles", "shadow_offset", "shadow_xy", "title_element"]
