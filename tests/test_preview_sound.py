"""The preview plays every unmuted track at once, through one Web Audio graph: heard by an
analyser of the test's own on whatever the page connects to the speakers (preview_probe's tap),
in Debian's Chromium on a real server. A tone is 'heard' above -45 dBFS in the analyser's
spectrum (a sine the sources hold reads -20 to -35) and 'absent' below -50 and at least 24 dB
under where it was heard: the loudest moment of a playthrough includes its start and end,
whose clicks leak into every bin (seen up to -59 at 330 Hz beside a 440 Hz tone at -32)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from . import media_samples as ms
from .e2e_helpers import import_file
from .preview_probe import tap_audio, tones_while_playing, wait_paused, wait_playing
from .server_process import ServerProcess
from .test_e2e_browser import Watch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

HEARD, ABSENT = -45.0, -50.0
_ids = itertools.count()




def clip(media: dict[str, Any], start: float, length: float, **props: Any) -> dict[str, Any]:
    return {"id": f"c{next(_ids)}", "media_id": media["id"], "start": start, "in": 0.0, "out": length, **props}


def put_tracks(server: ServerProcess, pid: str, video: list[dict[str, Any]], audio: list[dict[str, Any]]) -> None:
    doc = server.get(f"/api/projects/{pid}/timeline").json()["timeline"]
    v1 = next(t for t in doc["tracks"] if t["kind"] == "video")
    a1 = next(t for t in doc["tracks"] if t["kind"] == "audio")
    v1["clips"], a1["clips"] = video, audio
    v1["name"], a1["name"] = "V1", "A1"
    doc["tracks"] = [t for t in doc["tracks"] if t in (v1, a1) or t["kind"] == "text"]
    doc["playhead"] = 0
    r = server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc})
    assert r.status_code == 200, r.text


def play_through(page: Page, tones: tuple[int, ...]) -> dict[int, float]:
    """Play from the start to the end of the timeline; the loudest level of each tone heard."""
    page.get_by_role("region", name="Timeline").locator("[data-ruler]").click(position={"x": 1, "y": 5})
    page.get_by_role("button", name="Play").click()
    wait_playing(page, after=0.1)
    heard = tones_while_playing(page, tones)
    wait_paused(page)
    return heard


@pytest.fixture
def project(server: ServerProcess, tmp_path: Path) -> tuple[str, dict[str, dict[str, Any]]]:
    pid = server.post("/api/projects", json={"name": "Sound"}).json()["project"]["id"]
    media = {
        "red": import_file(server, pid, ms.make_solid(tmp_path / "red.mp4", "red", seconds=3, tone=440)),
        # 220 Hz, well clear of 440 Hz's spread in the analyser (its Blackman window reads 440's
        # leakage at 330 Hz about 24 dB down: the "muted" bound)
        "music": import_file(server, pid, ms.make_audio(tmp_path / "music.mp3", seconds=3, tone=220)),
    }
    return pid, media


def open_app(page: Page, server: ServerProcess) -> Watch:
    tap_audio(page)
    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("Sound — Reelcut")
    return watch


def test_every_unmuted_track_is_heard_and_mute_silences_one(server: ServerProcess, page: Page,
                                                             project: tuple[str, dict[str, Any]]) -> None:
    pid, m = project
    put_tracks(server, pid, [clip(m["red"], 0, 2)], [clip(m["music"], 0, 2)])
    watch = open_app(page, server)

    both = play_through(page, (220, 440))
    assert both[440] > HEARD and both[220] > HEARD, f"V1's 440 Hz and A1's 220 Hz both play (dBFS): {both}"

    mute = page.get_by_role("button", name="Mute A1")
    mute.click()
    expect(mute).to_have_attribute("aria-pressed", "true")
    one = play_through(page, (220, 440))
    assert one[440] > HEARD, f"V1 still sounds once A1 is muted (dBFS): {one}"
    assert one[220] < min(ABSENT, both[220] - 24), f"the muted A1 still sounds (dBFS): {one}, before {both}"
    watch.assert_clean()


def test_volume_and_speed_are_heard(server: ServerProcess, page: Page,
                                    project: tuple[str, dict[str, Any]]) -> None:
    """A clip at volume 0 is silent while the track beside it plays; a clip at double speed keeps
    its pitch (440 Hz, not 880)."""
    pid, m = project
    put_tracks(server, pid, [clip(m["red"], 0, 2, speed=2.0)], [clip(m["music"], 0, 1, volume=0.0)])
    watch = open_app(page, server)
    heard = play_through(page, (220, 440, 880))
    assert heard[440] > HEARD, f"the clip at speed 2 plays at its own pitch (dBFS): {heard}"
    assert heard[880] < ABSENT, f"the clip at speed 2 is pitched up an octave (dBFS): {heard}"
    assert heard[220] < ABSENT, f"the clip at volume 0 sounds (dBFS): {heard}"
    watch.assert_clean()
