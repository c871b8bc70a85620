"""Per-frame values for a filter graph, as ffmpeg `sendcmd` / `asendcmd` scripts.

The export samples every animated value in Python (from media/animation.py, the one function
the preview mirrors) and hands ffmpeg plain numbers: at time T, set option O of filter F to V.
A command is written only when a value changes, so a clip holding still costs nothing.

Script syntax: `TIME TARGET COMMAND ARG[, TARGET COMMAND ARG...];` one interval per line.
sendcmd splits on spaces, commas and semicolons, so an argument contains none of them or is
quoted whole: the values here are numbers, comma-free expressions such as `val*0.5`, or an
overlay's position as a quoted expression of time (media/layers.py, PLACE).

sendcmd looks at every interval it holds on every frame (and those it has entered stay
entered, each costing a log line's formatting), so one script of a value that changes every
frame renders in time proportional to frames times commands: quadratic in the clip's length.
A long script is therefore cut by time into windows of at most WINDOW intervals: the stream is
split at each window's first time (segment / asegment), each piece passes its own sendcmd,
and the pieces are joined again (concat) before the filters the commands drive. A frame sees
one window's intervals, so a frame costs the same in a one-minute clip as in a four-hour one.
The commands still reach their filters by name, after the join, on the frame they did before."""

from __future__ import annotations

from pathlib import Path

from .filtergraph import path_value

# intervals one sendcmd holds: a frame's cost in the scan is bounded by it, and a clip adds one
# small filter per window (ffmpeg's scheduler looks at every filter, so windows are not tiny)
WINDOW = 256


def num(x: float) -> str:
    """A number for a graph or a script: fixed point (ffmpeg's parsers take no exponent in some
    places), trailing zeros dropped."""
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


class Script:
    """Commands for one layer's filters. `lead` moves every command that much before its time:
    a command fires when the first frame at or after its time passes, and a time written with
    six decimals (2/3 s as 0.666667) could otherwise land just after its own frame. Times are
    those of the frames (video) or steps (sound) the values belong to, so a window's first time
    is where the stream is split."""

    def __init__(self, lead: float) -> None:
        self.lead = lead
        self._last: dict[tuple[str, str], str] = {}
        self._at: dict[float, list[str]] = {}

    def initial(self, target: str, command: str, arg: str) -> None:
        """The value the filter starts with (set in its options), so no command is needed until it changes."""
        self._last[(target, command)] = arg

    def set(self, t: float, target: str, command: str, arg: str) -> None:
        if self._last.get((target, command)) == arg:
            return
        self._last[(target, command)] = arg
        self._at.setdefault(t, []).append(f"{target} {command} {arg}")

    def __bool__(self) -> bool:
        return bool(self._at)

    def windows(self, size: int | None = None) -> list[list[tuple[float, list[str]]]]:
        """The intervals in time order, cut into runs of at most `size` (WINDOW)."""
        size = size or WINDOW
        items = sorted(self._at.items())
        return [items[i:i + size] for i in range(0, len(items), size)]

    def _text(self, window: list[tuple[float, list[str]]]) -> str:
        return "".join(f"{num(max(0.0, t - self.lead))} {', '.join(cmds)};\n" for t, cmds in window)

    def write(self, path: Path, label: str, rate: float, audio: bool = False) -> str:
        """Write the script (in windows: `path`, then `path.1`, `path.2`...) and return the graph
        text that runs it, to stand in a chain of filters between two commas: one sendcmd, or
        a split by time into one sendcmd per window and the join. `label` names the pads (unique
        in the graph); `rate` is the stream's frames (video) or samples (sound) per second, to
        restore the timestamps concat rewrites: the stream is contiguous, so a frame's time is
        the first one's plus what came before it."""
        a = "a" if audio else ""
        windows = self.windows()
        files = [path if j == 0 else path.with_name(f"{path.name}.{j}") for j in range(len(windows))]
        for file, window in zip(files, windows, strict=True):
            file.write_text(self._text(window), "utf-8")
        if len(windows) == 1:
            return f"{a}sendcmd=f={path_value(files[0])}"
        cuts = "|".join(num(w[0][0]) for w in windows[1:])
        pieces = [f"[{label}_{j}]" for j in range(len(windows))]
        ran = [f"[{label}_{j}c]" for j in range(len(windows))]
        parts = [f"{a}segment=timestamps={cuts}{''.join(pieces)}"]
        parts += [f"{p}{a}sendcmd=f={path_value(f)}{r}" for p, f, r in zip(pieces, files, ran, strict=True)]
        streams = "v=0:a=1" if audio else "v=1:a=0"
        parts.append(f"{''.join(ran)}concat=n={len(windows)}:{streams},{a}setpts=STARTPTS+round(N/({num(rate)}*TB))")
        return ";".join(parts)
