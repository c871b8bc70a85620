"""Writing values into an ffmpeg filter graph, and handing the graph to ffmpeg.

A graph is parsed twice: the graph parser splits it into filters (`[ ] , ;` are special, and
it removes one level of quotes and backslashes), then each filter splits its own options
(`:` and `=` are special, and it removes another level). A value such as a file name must be
quoted for the second level and then escaped for the first, or a data directory named
o'brien ends every export with "No such filter"."""

from __future__ import annotations

import re
from pathlib import Path

from .ffmpeg import graph_file_option

_GRAPH_SPECIAL = re.compile(r"([\\'\[\],;])")


def option_value(text: str) -> str:
    """`text` as one filter option value, taken literally by the option parser: inside single
    quotes nothing is special but the quote itself, which is closed, escaped and reopened."""
    return "'" + text.replace("'", "'\\''") + "'"


def graph_value(text: str) -> str:
    """`text` as a literal option value inside a filter graph: quoted for the option parser,
    then every character the graph parser would take (quote, backslash, brackets, comma,
    semicolon) escaped with a backslash, so the option parser receives the quoted form intact."""
    return _GRAPH_SPECIAL.sub(r"\\\1", option_value(text))


def path_value(path: Path | str) -> str:
    """A file name for a filter option (drawtext's fontfile and textfile). Backslashes stay
    backslashes: on Linux they are part of the name, on Windows they separate folders."""
    return graph_value(str(path))


def write_graph(graph: str, path: Path) -> list[str]:
    """Write the graph to `path` and return the ffmpeg arguments that read it from there.
    On the command line the graph is one argument, and Linux refuses any argument over
    128 KiB ("Argument list too long"): a timeline of a few hundred clips is larger."""
    path.write_text(graph, "utf-8")
    return [graph_file_option(), str(path)]
