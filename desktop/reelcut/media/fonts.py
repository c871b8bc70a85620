"""Which font drawtext uses: the export's text clips and the offline generator's captions.

A title's style names a family and whether it is bold or italic; `font_file` is the one place
that turns that into a file. fontconfig always answers with some font, so a family this machine
does not have is drawn with fontconfig's nearest choice (a document moves between machines, and
refusing it at export would lose the whole render for one title); `font_families` lists what
the machine does have, so the page can say so."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess

_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    "/Library/Fonts/Arial.ttf",
    "C:/Windows/Fonts/arial.ttf",
)
# The look of a title that names no style: find_font()'s file, DejaVu Sans Bold where it is.
DEFAULT_FAMILY = "DejaVu Sans"
DEFAULT_BOLD = True
DEFAULT_ITALIC = False
_FC_TIMEOUT = 10


def find_font() -> str | None:
    """REELCUT_FONT wins, then a few well-known bold sans fonts, then fontconfig's choice."""
    env = os.environ.get("REELCUT_FONT")
    for path in ((env,) if env else ()) + _FONT_CANDIDATES:
        if path and os.path.isfile(path):
            return path
    if shutil.which("fc-match"):
        out = subprocess.run(["fc-match", "-f", "%{file}", "sans:bold"], capture_output=True, text=True,
                             timeout=_FC_TIMEOUT)
        if out.returncode == 0 and os.path.isfile(out.stdout):
            return out.stdout
    return None


def is_default_style(family: str | None, bold: bool, italic: bool) -> bool:
    """The style of a title that names none: drawn with find_font()'s file, as before styles."""
    return (family is None or family == DEFAULT_FAMILY) and bold == DEFAULT_BOLD and italic == DEFAULT_ITALIC


def _pattern(family: str) -> str:
    # in a fontconfig pattern these separate fields and values: a family name holding one must
    # not add a property of its own
    return re.sub(r"([\\:,\-=])", r"\\\1", family)


@functools.lru_cache(maxsize=256)
def _match(family: str, bold: bool, italic: bool) -> str | None:
    if not shutil.which("fc-match"):
        return None
    pattern = (f"{_pattern(family)}:weight={'bold' if bold else 'regular'}"
               f":slant={'italic' if italic else 'roman'}")
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True,
                             timeout=_FC_TIMEOUT)
    except (OSError, ValueError, subprocess.TimeoutExpired):  # ValueError: a NUL in the name
        return None
    return out.stdout if out.returncode == 0 and os.path.isfile(out.stdout) else None


def font_file(family: str | None = None, bold: bool = DEFAULT_BOLD, italic: bool = DEFAULT_ITALIC) -> str | None:
    """The file a title of this style is drawn with, by the export and (served) the preview.
    The default style is find_font()'s file; another is fontconfig's match for the family,
    weight and slant, which falls back to its nearest font for a family it does not know; without
    fontconfig (or without a match) find_font()'s file. None when the machine has no font."""
    if is_default_style(family, bold, italic):
        return find_font()
    return _match(family or DEFAULT_FAMILY, bool(bold), bool(italic)) or find_font()


def font_families() -> list[dict[str, object]]:
    """The families fontconfig knows, each with its style names: the default family first, the
    rest by name. Without fontconfig only the default family, which find_font() stands for."""
    styles: dict[str, set[str]] = {}
    if shutil.which("fc-list"):
        try:
            out = subprocess.run(["fc-list", ":", "family", "style"], capture_output=True, text=True,
                                 timeout=_FC_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired):
            out = None
        for line in (out.stdout.splitlines() if out is not None and out.returncode == 0 else ()):
            names, _, rest = line.partition(":")
            # a face lists each of its family names (and style names) comma separated, with
            # backslash escapes for a comma inside a name
            faces = [n.replace("\\", "").strip() for n in re.split(r"(?<!\\),", names) if n.strip()]
            found = rest.split("style=", 1)[1] if "style=" in rest else ""
            face_styles = [s.replace("\\", "").strip() for s in re.split(r"(?<!\\),", found) if s.strip()]
            # a face's n-th family name goes with its n-th style name (the typographic pair,
            # then the legacy one: "DejaVu Sans" "Condensed Bold", "DejaVu Sans Condensed" "Bold")
            paired = len(faces) == len(face_styles)
            for i, name in enumerate(faces):
                styles.setdefault(name, set()).update({face_styles[i]} if paired else face_styles)
    styles.setdefault(DEFAULT_FAMILY, set())
    order = [DEFAULT_FAMILY] + sorted((n for n in styles if n != DEFAULT_FAMILY), key=str.casefold)
    return [{"family": n, "styles": sorted(styles[n], key=str.casefold)} for n in order]
