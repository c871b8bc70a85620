"""Which font drawtext uses: the export's text clips and the offline generator's captions."""

from __future__ import annotations

import os
import shutil
import subprocess

_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    "/Library/Fonts/Arial.ttf",
    "C:/Windows/Fonts/arial.ttf",
)


def find_font() -> str | None:
    """REELCUT_FONT wins, then a few well-known bold sans fonts, then fontconfig's choice."""
    env = os.environ.get("REELCUT_FONT")
    for path in ((env,) if env else ()) + _FONT_CANDIDATES:
        if path and os.path.isfile(path):
            return path
    if shutil.which("fc-match"):
        out = subprocess.run(["fc-match", "-f", "%{file}", "sans:bold"], capture_output=True, text=True,
                             timeout=10)
        if out.returncode == 0 and os.path.isfile(out.stdout):
            return out.stdout
    return None
