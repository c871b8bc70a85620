"""A captions track as the text clips the export draws: each line with the track's style
merged with its own, wrapped to the style's `max_width`.

The wrapping measures text by an estimate, not by the font's metrics: every character is
`CHAR_EM` of the font size wide. The page's preview can then wrap a line to the very same
breaks with the same arithmetic, whichever font the browser ends up drawing with (the export's
font file is not the page's), and a caption never wraps differently in the preview and in the
exported film. The estimate is that of a bold sans serif's average letter, so a line wrapped
by it seldom runs past max_width in the drawn font."""

from __future__ import annotations

from typing import Any

CHAR_EM = 0.6  # a character's width, in font sizes
DEFAULTS: dict[str, Any] = {"x": 0.5, "y": 0.9, "max_width": 0.8}


def line_style(track: dict[str, Any], line: dict[str, Any]) -> dict[str, Any]:
    """The line's look: the defaults, then the track's style, then the line's own, key by key."""
    return {**DEFAULTS, **(track.get("style") or {}), **(line.get("style") or {})}


def font_size(style: dict[str, Any], height: int) -> int:
    """The size drawtext draws at (media/compose.py's default: a twelfth of the height)."""
    return max(8, int(style.get("size") or height // 12))


def wrap(text: str, max_chars: int) -> str:
    """`text` with each of its lines broken at spaces into lines of at most `max_chars`
    characters; a word longer than that is broken inside itself. The line breaks it had are kept."""
    max_chars = max(1, max_chars)
    out: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split():
            while len(word) > max_chars:
                if line:
                    out.append(line)
                    line = ""
                out.append(word[:max_chars])
                word = word[max_chars:]
            if not line:
                line = word
            elif len(line) + 1 + len(word) <= max_chars:
                line += " " + word
            else:
                out.append(line)
                line = word
        out.append(line)
    return "\n".join(out)


def caption_clips(track: dict[str, Any], width: int, height: int) -> list[dict[str, Any]]:
    """The text clips of a captions track's lines (none of a hidden track): {start, duration,
    text (wrapped), and the merged style's keys but max_width}."""
    if track.get("hidden"):
        return []
    clips: list[dict[str, Any]] = []
    for line in sorted(track["clips"], key=lambda c: c["start"]):
        style = line_style(track, line)
        size = font_size(style, height)
        max_chars = int(float(style["max_width"]) * width / (CHAR_EM * size))
        text = wrap(str(line.get("text", "")), max_chars)
        if not text.strip():
            continue
        clip = {k: v for k, v in style.items() if k != "max_width"}
        clips.append({**clip, "id": line["id"], "start": float(line["start"]), "duration": float(line["duration"]),
                      "text": text})
    return clips
