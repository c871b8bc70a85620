"""Per-frame values for a filter graph, as an ffmpeg `sendcmd` / `asendcmd` script.

The export samples every animated value in Python (from media/animation.py, the one function
the preview mirrors) and hands ffmpeg plain numbers: at time T, set option O of filter F to V.
A command is written only when a value changes, so a clip holding still costs nothing.

Script syntax: `TIME TARGET COMMAND ARG[, TARGET COMMAND ARG...];` one interval per line.
sendcmd splits on spaces, commas and semicolons, so an argument must contain none of them:
the values here are numbers or comma-free expressions such as `val*0.5`."""

from __future__ import annotations

from pathlib import Path

from .filtergraph import path_value


def num(x: float) -> str:
    """A number for a graph or a script: fixed point (ffmpeg's parsers take no exponent in some
    places), trailing zeros dropped."""
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


class Script:
    """Commands for one layer's filters. `lead` moves every command that much before its time:
    a command fires when the first frame at or after its time passes, and a time written with
    six decimals (2/3 s as 0.666667) could otherwise land just after its own frame."""

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
        self._at.setdefault(max(0.0, t - self.lead), []).append(f"{target} {command} {arg}")

    def __bool__(self) -> bool:
        return bool(self._at)

    def write(self, path: Path) -> str:
        """Write the script; return the graph option that reads it (`f=` with the quoted path)."""
        path.write_text("".join(f"{num(t)} {', '.join(cmds)};\n" for t, cmds in sorted(self._at.items())), "utf-8")
        return f"f={path_value(path)}"
