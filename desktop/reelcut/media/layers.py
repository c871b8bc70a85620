"""The picture of one media clip: a chain of filters that turns its source into a layer, and the
overlay that places the layer on the canvas.

    [i:v] setpts (speed, timeline start) -> fps -> crop (fractions of the source)
          -> fit into a box the canvas's shape (contain: transparent bars; cover: cropped; stretch)
          -> sendcmd (this layer's per-frame values, one per window of time) -> rotate -> scale (animated scale only)
          -> drawbox (a wipe clears what it has not reached) -> lut (a dip's colour)
          -> split, blend of the layer with itself (alpha)
      (with an animated scale, lut and blend come before rotate: they cannot take a frame whose
      size changes)
    [canvas][layer] overlay at (x, y) from the clip's centre, only while the clip is visible

The alpha is scaled by blend, not lut: lut rebuilds its tables (about 4 ms) on every command, so
an opacity that changes on every frame cost several times a still clip, while blend takes a new
opacity as a plain number. Blended with itself in `difference` mode, the alpha plane becomes
A + (|A - A| - A) * opacity = A * (1 - opacity), and the colour planes (normal mode, opacity 1)
are copied untouched; the result is lut's `val*alpha` within one level (blend truncates
A - A * (1 - alpha), lut A * alpha). lut also clipped luma to 16..235 and chroma to 16..240 (its
`clipval` on YUV); two limiters keep that, at less than lut's cost.

Every value that can change over time is sampled here, once per output frame, from
animation.py (property_at, opacity_at, transition_at) at the frame's time: the export and the
preview compute a frame from the same function at the same t. A value that never changes is
written into the filter's options; one that does goes into the layer's sendcmd script as a
plain number, written only on the frames where it changes. No easing is re-expressed in
ffmpeg's expression language, so an ease curve cannot drift between the page and the export,
and a clip with no animation has no script at all.

Geometry is known in Python without probing the source: the fit box is the canvas times the
scale, so the layer's size, its rotated bounding box and its position are plain arithmetic.
Transitions are rendered on the two layers rather than with xfade (which needs both clips as
full-canvas streams on one chain, so it cannot keep each clip's own transform and position):
  crossfade   the incoming layer's alpha rises with progress over the outgoing one;
  dip_*       the outgoing picture fades to the colour until the midpoint and is then gone,
              the incoming one appears at the midpoint and fades out of the colour;
  wipe_left   the incoming picture is revealed from the right edge, the edge moving left
              (wipe_right: from the left edge, moving right), both in canvas coordinates;
  slide_left  both pictures move left by the progress times the canvas width, the incoming
              one entering from the right (slide_right: the mirror image).
These match xfade's fade, fadeblack/fadewhite, wipeleft/wiperight and slideleft/slideright
for clips that fill the canvas."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .animation import opacity_at, property_at
from .commands import Script, num
from .placement import Placed

FITS = ("contain", "cover", "stretch")
# a dip's colour as limited-range luma; chroma goes to neutral (128) for both
_DIP_LUMA = {"dip_black": 16.0, "dip_white": 235.0}


@dataclass(frozen=True)
class Canvas:
    width: int
    height: int
    fps: float

    def frames(self, start: float, end: float) -> range:
        """Output frames showing a layer visible over [start, end): frame n is at n / fps, and shows
        what the preview paused at that time shows (start <= t < end). The tolerance keeps 1.04 s
        at 25 fps frame 26, not 27."""
        return range(math.ceil(start * self.fps - 1e-6), math.ceil(end * self.fps - 1e-6))


@dataclass
class _Frame:
    """One output frame of a layer, as numbers."""
    scale: float
    x: float
    y: float
    rotation: float  # degrees, clockwise (as CSS and the page's canvas)
    alpha: float
    dip: float = 0.0  # how far the picture has gone into the dip colour, 0..1
    dip_luma: float = 16.0
    dx: float = 0.0  # a slide's offset, pixels
    wipe: tuple[str, float] | None = None  # ("left", canvas x below which it is hidden) or ("right", from which)


def _even(v: float) -> int:
    return max(2, 2 * round(v / 2))


def _sample(p: Placed, t_abs: float, canvas: Canvas) -> _Frame:
    clip, t = p.clip, t_abs - p.start
    f = _Frame(scale=property_at(clip, "transform.scale", t), x=property_at(clip, "transform.x", t),
               y=property_at(clip, "transform.y", t), rotation=property_at(clip, "transform.rotation", t),
               alpha=opacity_at(clip, t))
    w = canvas.width
    own = p.own(t_abs)
    if own is not None:
        kind, q = own
        if kind == "crossfade":
            f.alpha *= q
        elif kind in _DIP_LUMA:  # shown from the midpoint only, coming out of the colour
            f.dip, f.dip_luma = min(1.0, max(0.0, 2 - 2 * q)), _DIP_LUMA[kind]
        elif kind == "wipe_left":
            f.wipe = ("left", (1 - q) * w)
        elif kind == "wipe_right":
            f.wipe = ("right", q * w)
        elif kind == "slide_left":
            f.dx = (1 - q) * w
        elif kind == "slide_right":
            f.dx = -(1 - q) * w
    out = p.outgoing(t_abs)
    if out is not None:
        kind, q = out
        if kind in _DIP_LUMA and min(1.0, 2 * q) > f.dip:  # shown up to the midpoint only, going into it
            f.dip, f.dip_luma = min(1.0, 2 * q), _DIP_LUMA[kind]
        elif kind == "slide_left":
            f.dx -= q * w
        elif kind == "slide_right":
            f.dx += q * w
    return f


def _rotated(w: int, h: int, degrees: float) -> tuple[int, int]:
    """The bounding box of a w x h picture turned by `degrees`, in whole even pixels."""
    a = math.radians(degrees)
    c, s = abs(math.cos(a)), abs(math.sin(a))
    return _even(math.ceil(w * c + h * s - 1e-6)), _even(math.ceil(w * s + h * c - 1e-6))


def _fit(clip: dict[str, Any], box: tuple[int, int]) -> list[str]:
    """Crop (fractions of the source), then fit into the box; the bars of `contain` are transparent,
    so a pillarboxed clip shows the track below beside it, and a rotated one turns without them."""
    bw, bh = box
    filters = []
    crop = clip.get("crop") or {}
    left, top = float(crop.get("left") or 0), float(crop.get("top") or 0)
    right, bottom = float(crop.get("right") or 0), float(crop.get("bottom") or 0)
    if left or top or right or bottom:
        filters.append(f"crop=w=iw*{num(1 - left - right)}:h=ih*{num(1 - top - bottom)}"
                       f":x=iw*{num(left)}:y=ih*{num(top)}")
    fit = clip.get("fit") or "contain"
    if fit == "stretch":
        filters += [f"scale={bw}:{bh}", "setsar=1", "format=yuva420p"]
    elif fit == "cover":
        filters += [f"scale={bw}:{bh}:force_original_aspect_ratio=increase", f"crop={bw}:{bh}", "setsar=1",
                    "format=yuva420p"]
    else:
        filters += [f"scale={bw}:{bh}:force_original_aspect_ratio=decrease:force_divisible_by=2", "setsar=1",
                    "format=yuva420p", f"pad={bw}:{bh}:(ow-iw)/2:(oh-ih)/2:color=black@0"]
    return filters


# Values are quantized to what the picture can show, so a slow ramp over minutes writes as many
# commands as the value has steps, not one a frame. A value that does change every frame writes
# one a frame, and the script is cut into windows (commands.WINDOW) so a frame's cost in sendcmd
# stays bounded however long the clip.
LEVEL = 1 / 255  # alpha and a dip's mix: the 8-bit planes have no finer step
DEGREE_STEP = 0.05  # a turn that small moves a corner 1000 px from the centre less than a pixel


def _level(v: float) -> float:
    return round(max(0.0, min(1.0, v)) / LEVEL) * LEVEL


def _lut(f: _Frame) -> dict[str, str]:
    """lut options for one frame: luma and chroma pulled towards the dip colour. A dip's colour
    changes only during the dip, so lut's rebuild on each command costs a second's frames at most."""
    k = _level(f.dip)
    return {"y": f"val*{num(1 - k)}+{num(f.dip_luma * k)}", "u": f"val*{num(1 - k)}+{num(128 * k)}",
            "v": f"val*{num(1 - k)}+{num(128 * k)}"}


def _fade(f: _Frame) -> dict[str, str]:
    """The alpha blend's option for one frame: how much of the alpha to take away."""
    return {"c3_opacity": num(1 - _level(f.alpha))}


def picture(p: Placed, source_pad: str, k: int, canvas: Canvas, work_dir: Path) -> tuple[str, str] | None:
    """(the layer's chain ending in [vk], the overlay filter that places it); None when the clip
    is visible on no output frame."""
    frames = canvas.frames(p.picture_start, p.picture_end)
    if not frames:
        return None
    fps, cw, ch = canvas.fps, canvas.width, canvas.height
    samples = [_sample(p, n / fps, canvas) for n in frames]
    scales = [f.scale for f in samples]
    animated_scale = max(scales) - min(scales) > 1e-9
    top = max(scales)
    box = (_even(cw * top), _even(ch * top))
    rotations = [f.rotation for f in samples]
    turned = any(abs(r) > 1e-9 for r in rotations)
    layer = box
    if turned:
        sizes = [_rotated(*box, r) for r in rotations]
        layer = (max(s[0] for s in sizes), max(s[1] for s in sizes))
    wipe = any(f.wipe for f in samples)
    # too small to draw (scale near 0): hidden through alpha, as the preview draws nothing
    for f in samples:
        if cw * f.scale < 1 or ch * f.scale < 1:
            f.alpha = 0.0
    colour = any(f.dip > 0 for f in samples)
    alpha = any(f.alpha < 1 - 1e-6 for f in samples)

    script = Script(lead=0.5 / fps)
    names = {"rotate": f"rotate@r{k}", "scale": f"scale@s{k}", "wipe": f"drawbox@w{k}", "lut": f"lut@l{k}",
             "alpha": f"blend@a{k}", "overlay": f"overlay@o{k}"}
    first: dict[str, dict[str, str]] = {}
    place: list[tuple[int, int, int]] = []  # (frame, x, y) of the overlay
    for i, (n, f) in enumerate(zip(frames, samples, strict=True)):
        values: dict[str, dict[str, str]] = {}
        lw, lh = layer
        if animated_scale:
            lw, lh = _even(layer[0] * f.scale / top), _even(layer[1] * f.scale / top)
            values["scale"] = {"w": str(lw), "h": str(lh)}
        if turned:
            values["rotate"] = {"a": num(math.radians(round(f.rotation / DEGREE_STEP) * DEGREE_STEP))}
        ox = round(f.x * cw - lw / 2 + f.dx)
        place.append((n, ox, round(f.y * ch - lh / 2)))
        if wipe:
            if f.wipe is None:
                bx = -layer[0]  # off the layer: nothing hidden
            elif f.wipe[0] == "left":  # hide the layer left of the canvas edge x
                bx = min(max(round(f.wipe[1]) - ox, 0), lw) - layer[0]
            else:  # hide the layer from the canvas edge x rightwards
                bx = min(max(round(f.wipe[1]) - ox, 0), lw)
            values["wipe"] = {"x": str(bx)}
        if colour:
            values["lut"] = _lut(f)
        if alpha:
            values["alpha"] = _fade(f)
        if i == 0:
            first = values
            for what, opts in values.items():
                for opt, arg in opts.items():
                    script.initial(names[what], opt, arg)
        else:
            for what, opts in values.items():
                for opt, arg in opts.items():
                    script.set(n / fps, names[what], opt, arg)

    x0, y0 = _placement(place, script, names["overlay"], fps)
    speed = p.speed
    pts = f"(PTS-STARTPTS)/{num(speed)}" if speed != 1 else "PTS-STARTPTS"
    chain = [f"setpts={pts}+{num(p.start)}/TB", f"fps={num(fps)}", *_fit(p.clip, box)]
    if script:
        chain.append(script.write(work_dir / f"layer-{k}.cmd", f"cmd{k}", fps))
    tone: list[str] = []  # colour and alpha: per-pixel, so they may go before or after the geometry
    if colour:  # lut's tables also hold luma and chroma to the limited range, as below
        tone.append(f"{names['lut']}=" + ":".join(f"{o}={v}" for o, v in first["lut"].items()))
    elif alpha:
        # a layer shown through is held to the limited range first (the alpha's lut used to do it):
        # the page clamps each layer's colours before it mixes them, so an overshoot (a superwhite,
        # a scaler's ringing) must not be mixed in at full strength either
        tone += ["limiter=min=16:max=235:planes=1", "limiter=min=16:max=240:planes=6"]
    if alpha:
        # the two copies are one frame, so the blend's pair is always the same picture
        tone.append(f"split[op{k}t][op{k}b];[op{k}t][op{k}b]{names['alpha']}=c3_mode=difference"
                    f":c3_opacity={first['alpha']['c3_opacity']}")
    if animated_scale:
        # an animated scale changes the frame's size on the way: lut, limiter and blend size their
        # buffers once, from the first frame (a smaller frame later aborts ffmpeg), so they go first
        chain += tone
    if turned:
        chain.append(f"{names['rotate']}=a={first['rotate']['a']}:ow={layer[0]}:oh={layer[1]}:c=black@0")
    if animated_scale:
        chain.append(f"{names['scale']}=w={first['scale']['w']}:h={first['scale']['h']}")
    if wipe:
        # replace=1: the box's transparent colour replaces the layer's pixels, alpha included
        chain.append(f"{names['wipe']}=x={first['wipe']['x']}:y=0:w={layer[0]}:h={layer[1]}"
                     ":color=black@0:t=fill:replace=1")
    if not animated_scale:
        chain += tone
    # by frame number, not time: the frames sampled above are exactly the frames shown
    overlay = (f"{names['overlay']}=x={x0}:y={y0}:eof_action=pass:repeatlast=0"
               f":enable='between(n,{frames[0]},{frames[-1]})'")
    return f"{source_pad}{','.join(chain)}[v{k}]", overlay


# The overlay's position is not set frame by frame like the layer's own filters. A command fires
# when the layer's frame passes its sendcmd, and a filter in the layer's chain takes that frame
# next; but the overlay waits for the canvas too, which comes through the overlays of the layers
# below, each fed by its own input. When this layer's input decodes ahead of theirs, its frames
# queue at the overlay, their commands already fired, and a frame was placed where a later one
# belongs: a slide's edge a frame or more off, differing from run to run with the threads'
# timing. So the position is an expression of the canvas frame's own time, set once per PLACE
# frames and covering the PLACE frames before as well: a frame is placed by its time, however
# far (up to PLACE frames) the commands have run ahead of it.
PLACE = 128


def by_time(runs: list[tuple[int, Any]], fps: float) -> str:
    """A value by the canvas frame's time: runs of (first frame, value), searched by halves so a
    frame costs a few comparisons. Each boundary is half a frame before the run's first frame.
    Quoted where it is used (the graph's option, sendcmd's argument), its commas stay in it."""
    if len(runs) == 1:
        return str(runs[0][1])
    mid = len(runs) // 2
    return f"if(lt(t,{num((runs[mid][0] - 0.5) / fps)}),{by_time(runs[:mid], fps)},{by_time(runs[mid:], fps)})"


def _runs(place: list[tuple[int, int, int]], axis: int) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for item in place:
        if not runs or runs[-1][1] != item[axis]:
            runs.append((item[0], item[axis]))
    return runs


def _placement(place: list[tuple[int, int, int]], script: Script, target: str, fps: float) -> tuple[str, str]:
    """The overlay's x and y options (a number when the position holds still), and the commands
    that give it the expression for each stretch of PLACE frames."""
    initial = []
    for axis, option in ((1, "x"), (2, "y")):
        if len(_runs(place, axis)) == 1:
            initial.append(str(place[0][axis]))
            continue
        for start in range(0, len(place), PLACE):
            seen = place[max(0, start - PLACE):start + PLACE]
            expr = f"'{by_time(_runs(seen, axis), fps)}'"
            if start == 0:
                initial.append(expr)
                script.initial(target, option, expr)
            else:
                script.set(place[start][0] / fps, target, option, expr)
    return initial[0], initial[1]
