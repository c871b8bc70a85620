"""A title as Final Cut Pro 7's Text generator, and back. Pure functions.

FCP 7 XML writes a title as a `<generatoritem>` whose `<effect>` is the Text generator
(effectid "Text", effecttype "generator") with its settings as `<parameter>`s: `str`, `fontname`,
`fontsize`, `fontstyle`, `fontalign`, `fontcolor` (alpha/red/green/blue 0–255) and `origin`
(horiz/vert, -0.5..0.5 of the frame from its centre, down positive). That is what FCP 7 writes
and what Premiere Pro and Resolve read as titles.

OTIO's FCP 7 adapter writes a GeneratorReference as such a generatoritem when its
`metadata["fcp_xml"]` holds the effect's elements (it reads one back the same way), so
`effect_metadata` gives that dictionary and `clip_fields` reads it. OTIO keeps metadata keys
sorted, so `tidy` puts the elements back in the order FCP 7 writes them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from ..library.timeline import LIMITS
from ..media.animation import DEFAULTS
from ..media.fonts import DEFAULT_BOLD, DEFAULT_ITALIC

KIND = "Text"  # the Text generator's effectid, and the GeneratorReference's generator_kind
STYLES = {(False, False): 1, (True, False): 2, (False, True): 3, (True, True): 4}  # fontstyle's valuelist
STYLE_NAMES = ("Plain", "Bold", "Italic", "Bold/Italic")
ALIGNS = {"left": 1, "center": 2, "right": 3}  # fontalign's valuelist
# what a title has that the Text generator has no parameter for, and how a warning names it
LOST = {"outline": "title outlines", "shadow": "title shadows", "box": "title boxes",
        "line_spacing": "title line spacing", "fade_in": "fades", "fade_out": "fades", "link": "linked clips"}

# the order FCP 7 writes each element's children in (unlisted ones keep their place, after these)
_ORDER = {
    "effect": ("name", "effectid", "effectcategory", "effecttype", "mediatype", "parameter"),
    "parameter": ("parameterid", "name", "valuemin", "valuemax", "valuelist", "value"),
    "valueentry": ("name", "value"),
    "value": ("alpha", "red", "green", "blue", "horiz", "vert"),
}


def _size(clip: dict[str, Any], height: int) -> int:
    # the generator has no scale: a static one is folded into the font size (as compose.py draws it)
    size = clip.get("size") or max(8, height // 12)
    scale = clip.get("scale", 1.0)
    return max(1, round(float(size) * float(scale)))


def _choice(pid: str, name: str, choices: tuple[str, ...], value: int) -> dict[str, Any]:
    entries = [{"name": n, "value": str(i)} for i, n in enumerate(choices, 1)]
    return {"parameterid": pid, "name": name, "valuemin": "1", "valuemax": str(len(choices)),
            "valuelist": {"valueentry": entries}, "value": str(value)}


def effect_metadata(clip: dict[str, Any], height: int) -> dict[str, Any]:
    """The adapter's `metadata["fcp_xml"]` for a text clip's GeneratorReference: the Text
    generator's effect with the clip's text, font, size, style, colour and centre."""
    color = (clip.get("color") or "#ffffff").lstrip("#")
    opacity = clip.get("opacity", 1.0)
    bold, italic = bool(clip.get("bold", DEFAULT_BOLD)), bool(clip.get("italic", DEFAULT_ITALIC))
    x, y = float(clip.get("x", DEFAULTS["x"])), float(clip.get("y", DEFAULTS["y"]))
    params: list[dict[str, Any]] = [
        {"parameterid": "str", "name": "Text", "value": clip.get("text") or ""},
    ]
    if clip.get("font"):
        params.append({"parameterid": "fontname", "name": "Font", "value": clip["font"]})
    params += [
        {"parameterid": "fontsize", "name": "Size", "valuemin": "0", "valuemax": "1000",
         "value": str(_size(clip, height))},
        _choice("fontstyle", "Style", STYLE_NAMES, STYLES[(bold, italic)]),
    ]
    if clip.get("align") in ALIGNS:
        params.append(_choice("fontalign", "Alignment", tuple(a.title() for a in ALIGNS), ALIGNS[clip["align"]]))
    params += [
        {"parameterid": "fontcolor", "name": "Font Color",
         "value": {"alpha": str(round(255 * float(opacity))), "red": str(int(color[0:2], 16)),
                   "green": str(int(color[2:4], 16)), "blue": str(int(color[4:6], 16))}},
        {"parameterid": "origin", "name": "Origin",
         "value": {"horiz": f"{x - 0.5:.6g}", "vert": f"{y - 0.5:.6g}"}},
    ]
    return {"effectcategory": "Text", "effecttype": "generator", "mediatype": "video", "parameter": params}


def losses(clip: dict[str, Any], lost: dict[str, str] = LOST) -> list[str]:
    """What of the text clip the format cannot carry (`lost`: its fields the format has nothing
    for, and how a warning names each; the Text generator's by default), as the warnings name it."""
    out = {what for key, what in lost.items() if clip.get(key) not in (None, {}, 0, 0.0)}
    out |= {f"keyframed {prop}" for prop, keys in (clip.get("keyframes") or {}).items() if keys}
    return sorted(out)


def _number(value: Any) -> float | None:
    try:
        return float(str(value).strip())
    except (TypeError, ValueError):
        return None


def _clamp(value: float, limit: str) -> float:
    lim = LIMITS[limit]
    return min(max(value, lim.low), lim.high)


def clip_fields(effect: Any) -> dict[str, Any]:
    """The text clip fields a Text generator's effect (the adapter's `metadata["fcp_xml"]`, as
    plain dicts and lists) gives: text, font, size, bold, italic, align, color, opacity, x, y.
    What is missing or makes no sense is left out (the clip keeps Reelcut's default)."""
    if not isinstance(effect, dict):
        return {}
    params = effect.get("parameter") or []
    if isinstance(params, dict):  # one parameter is no list in the adapter's reading
        params = [params]
    by_id = {str(p.get("parameterid") or p.get("name") or "").lower(): p.get("value")
             for p in params if isinstance(p, dict)}
    out: dict[str, Any] = {}
    text = by_id.get("str")
    if isinstance(text, str):
        # FCP 7 breaks lines with a carriage return
        out["text"] = text.replace("\r\n", "\n").replace("\r", "\n")[: int(LIMITS["text"].high)]
    font = by_id.get("fontname")
    if isinstance(font, str) and font.strip():
        out["font"] = font.strip()[: int(LIMITS["font"].high)]
    size = _number(by_id.get("fontsize"))
    if size is not None and size > 0:
        out["size"] = int(_clamp(round(size), "size"))
    style = _number(by_id.get("fontstyle"))
    if style is not None and int(style) in STYLES.values():
        out["bold"], out["italic"] = next(k for k, v in STYLES.items() if v == int(style))
    align = _number(by_id.get("fontalign"))
    name = next((n for n, v in ALIGNS.items() if align is not None and v == int(align)), None)
    if name:
        out["align"] = name
    color = by_id.get("fontcolor")
    if isinstance(color, dict):
        rgb = [_number(color.get(k)) for k in ("red", "green", "blue")]
        if all(c is not None for c in rgb):
            out["color"] = "#" + "".join(f"{min(max(round(c), 0), 255):02x}" for c in rgb)
        alpha = _number(color.get("alpha"))
        if alpha is not None and alpha < 255:
            out["opacity"] = round(min(max(alpha, 0.0), 255.0) / 255, 4)
    origin = by_id.get("origin")
    if isinstance(origin, dict):
        for key, axis in (("x", "horiz"), ("y", "vert")):
            v = _number(origin.get(axis))
            if v is not None:
                out[key] = round(_clamp(v + 0.5, "x"), 6)
    return out


def _reorder(parent: ET.Element) -> None:
    order = _ORDER.get(parent.tag)
    if order is not None and len(parent):
        rank = {tag: i for i, tag in enumerate(order)}
        parent[:] = sorted(parent, key=lambda e: rank.get(e.tag, len(order)))  # stable: lists keep order
    for child in parent:
        _reorder(child)


def tidy(xml: str) -> str:
    """The adapter's FCP 7 XML with each Text generator's elements in FCP 7's order, and the
    DOCTYPE FCP 7 writes."""
    root = ET.fromstring(xml)
    for item in root.iter("generatoritem"):
        for effect in item.findall("effect"):
            if effect.findtext("effectid") == KIND:
                _reorder(effect)
    ET.indent(root, space="    ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE xmeml>\n' + ET.tostring(root, encoding="unicode") + "\n"


__all__ = ["KIND", "clip_fields", "effect_metadata", "losses", "tidy"]
