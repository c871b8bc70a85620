"""The preview draws titles with the export's own font file, which the app serves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reelcut.media.fonts import find_font
from reelcut.server import api_fonts

pytestmark = pytest.mark.timeout(30)


def test_the_title_font_is_the_file_drawtext_uses(api: Any) -> None:
    r = api.get("/api/fonts/title")
    assert r.status_code == 200
    assert r.mimetype == "font/ttf"
    assert r.data == Path(find_font() or "").read_bytes()


def test_the_title_font_needs_the_token(api: Any) -> None:
    assert api.get("/api/fonts/title", auth=False).status_code == 401


def test_no_font_on_the_machine_says_what_to_install(api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api_fonts, "find_font", lambda: None)
    r = api.get("/api/fonts/title")
    assert r.status_code == 404
    assert r.json["error"]["message"] == "No font for titles was found on this machine (install fonts-dejavu-core)."
