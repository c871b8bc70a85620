"""Voice-over, Add sound and Upscale from the timeline in Debian's Chromium on a real server, with
the offline models (espeak-ng, the tone bed, the 2x Lanczos upscale): each dialog offers its own
models and prices them first; each result lands on the timeline (on the page and in the saved
document) where it was asked for; the upscaled clip plays media exactly twice the size; and the
preview plays all three (their media elements advance). axe and zero CSP violations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import pytest
from playwright.sync_api import Page, expect

from . import media_samples as ms
from .e2e_helpers import import_file, saved_timeline, until
from .server_process import ServerProcess
from .test_a11y import assert_axe_clean
from .test_e2e_browser import Watch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

# the preview's element for a clip (media-pool.js keeps one per clip, named by data-clip), and
# where it is: playing, its time, its decoded picture's size
ELEMENT = """(id) => {
  const v = document.querySelector(`.screen .sources video[data-clip="${id}"]`);
  return v ? { paused: v.paused, t: v.currentTime, media: v.dataset.media, w: v.videoWidth, h: v.videoHeight,
               ready: v.readyState } : null;
}"""


def clips(server: ServerProcess, pid: str, kind: str) -> list[dict[str, Any]]:
    return [c for t in saved_timeline(server, pid)["tracks"] if t["kind"] == kind for c in t["clips"]]


def downloaded(server: ServerProcess, media_id: str, path: Path) -> Path:
    """The media's own file, fetched the way the preview fetches it (its local source)."""
    local = next(x for x in server.get(f"/api/media/{media_id}/sources").json()["sources"] if x["kind"] == "local")
    path.write_bytes(server.get("/" + local["url"].lstrip("/")).content)
    return path


def element(page: Page, clip_id: str) -> dict[str, Any] | None:
    return page.evaluate(ELEMENT, clip_id)


def test_voice_over_add_sound_and_upscale_land_on_the_timeline_and_play(server: ServerProcess, page: Page,
                                                                        tmp_path: Path) -> None:
    pid = server.post("/api/projects", json={"name": "Sound"}).json()["project"]["id"]
    silent = import_file(server, pid, ms.make_solid(tmp_path / "lime.mp4", "lime", seconds=4, size="320x180",
                                                    tone=None))
    assert silent["audio_codec"] is None and (silent["width"], silent["height"]) == (320, 180)
    doc = saved_timeline(server, pid)
    doc.update(width=320, height=180)
    v1 = next(t for t in doc["tracks"] if t["name"] == "V1")
    v1["clips"] = [{"id": "shot", "media_id": silent["id"], "start": 0, "in": 0.5, "out": 3.5}]
    assert server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc}).status_code == 200

    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("Sound — Reelcut")
    timeline = page.get_by_role("region", name="Timeline")
    zoom = saved_timeline(server, pid)["zoom"]
    ruler = timeline.locator("[data-ruler]")
    shot = timeline.locator("[data-clip-id='shot']")
    voice_button = timeline.get_by_role("button", name="Voice-over…")
    sound_button = timeline.get_by_role("button", name="Add sound…")
    upscale_button = timeline.get_by_role("button", name="Upscale…")
    expect(sound_button).to_be_disabled()  # nothing selected
    expect(upscale_button).to_be_disabled()

    # -- Voice-over at the playhead (0.5 s) ------------------------------------------------------
    ruler.click(position={"x": round(0.5 * zoom), "y": 5})
    voice_button.click()
    dialog = page.get_by_role("dialog", name="Voice-over at")
    expect(dialog).to_be_visible()
    model = dialog.get_by_label("Model")
    offered = model.locator("option").evaluate_all("(os) => os.map((o) => o.value)")
    assert "local/voice" in offered and "fal-ai/elevenlabs/tts/eleven-v3" in offered
    assert not any(m in offered for m in ("local/preview-t2v", "local/preview-image", "local/sound-bed"))
    model.select_option("fal-ai/elevenlabs/tts/eleven-v3")
    expect(dialog.locator("[data-cost]")).to_contain_text("$")  # priced before anything runs
    model.select_option("local/voice")
    expect(dialog.locator("[data-cost]")).to_contain_text("Free")
    dialog.get_by_role("button", name="Speak").click()  # nothing to speak yet: refused in the form
    expect(dialog.get_by_role("alert")).to_have_text("Write the text to speak first.")
    assert_axe_clean(page)
    dialog.get_by_label("Text to speak").fill("Hello from the timeline, this is a voice-over.")
    dialog.get_by_role("button", name="Speak").click()
    expect(dialog).to_have_count(0)
    voice = until(lambda: next((c for c in clips(server, pid, "audio")), None), 60, "the voice-over saved", page=page)
    voice_item = server.get(f"/api/media/{voice['media_id']}").json()["media"]
    assert voice_item["kind"] == "audio" and voice_item["audio_codec"] == "aac"
    assert voice["start"] == pytest.approx(0.5, abs=1 / 25 + 1e-6) and voice["in"] == 0
    assert voice["out"] == pytest.approx(voice_item["duration"], abs=1e-3) and voice_item["duration"] > 1.5
    expect(timeline.locator(f"[data-clip-id='{voice['id']}']")).to_be_visible()

    # -- Add sound under the selected silent clip --------------------------------------------------
    shot.click(position={"x": 10, "y": 10})
    expect(sound_button).to_be_enabled()
    sound_button.click()
    dialog = page.get_by_role("dialog", name="Add sound to the clip")
    expect(dialog).to_be_visible()
    offered = dialog.get_by_label("Model").locator("option").evaluate_all("(os) => os.map((o) => o.value)")
    assert offered[0] == "local/sound-bed" and "fal-ai/mmaudio-v2" in offered and "local/voice" not in offered
    dialog.get_by_label("Model").select_option("local/sound-bed")
    expect(dialog.locator("[data-cost]")).to_contain_text("Free")
    dialog.get_by_role("button", name="Add sound", exact=True).click()
    expect(dialog).to_have_count(0)
    sound = until(lambda: next((c for c in clips(server, pid, "audio") if c["id"] != voice["id"]), None), 60,
                  "the sound saved", page=page)
    assert (sound["start"], sound["in"], sound["out"]) == (0, 0.5, 3.5)  # the clip's own place and trims
    sound_item = server.get(f"/api/media/{sound['media_id']}").json()["media"]
    assert sound_item["kind"] == "audio" and sound_item["duration"] == pytest.approx(4, abs=0.1)
    # the voice-over holds A1 over that stretch, so the sound went on an audio track of its own
    tracks = saved_timeline(server, pid)["tracks"]
    [sound_track] = [t for t in tracks if any(c["id"] == sound["id"] for c in t["clips"])]
    assert sound_track["kind"] == "audio" and not sound_track["muted"]
    assert not any(c["id"] == voice["id"] for c in sound_track["clips"])
    expect(timeline.locator(f"[data-clip-id='{sound['id']}']")).to_be_visible()
    # a clip of an audio track is not a video clip: neither is offered for it
    timeline.locator(f"[data-clip-id='{sound['id']}']").click(position={"x": 10, "y": 10})
    expect(sound_button).to_be_disabled()
    expect(upscale_button).to_be_disabled()

    # -- Upscale the clip in place ---------------------------------------------------------------------
    shot.click(position={"x": 10, "y": 10})
    expect(upscale_button).to_be_enabled()
    upscale_button.click()
    dialog = page.get_by_role("dialog", name="Upscale the clip")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Text to speak")).to_have_count(0)
    expect(dialog.get_by_label("Prompt")).to_have_count(0)  # an upscaler takes no prompt
    offered = dialog.get_by_label("Model").locator("option").evaluate_all("(os) => os.map((o) => o.value)")
    assert offered == ["local/upscale", "fal-ai/bytedance-upscaler/upscale/video"]
    dialog.get_by_label("Model").select_option("fal-ai/bytedance-upscaler/upscale/video")
    expect(dialog.locator("[data-cost]")).to_contain_text("$")
    dialog.get_by_label("Model").select_option("local/upscale")
    expect(dialog.locator("[data-cost]")).to_contain_text("Free")
    assert_axe_clean(page)
    dialog.get_by_role("button", name="Upscale", exact=True).click()
    expect(dialog).to_have_count(0)
    upscaled = until(lambda: next((c for c in clips(server, pid, "video")
                                   if c["id"] == "shot" and c["media_id"] != silent["id"]), None), 120,
                     "the clip switched to the upscaled media", page=page)
    assert (upscaled["start"], upscaled["in"], upscaled["out"]) == (0, 0.5, 3.5)
    big = server.get(f"/api/media/{upscaled['media_id']}").json()["media"]
    assert (big["width"], big["height"]) == (640, 360)
    with av.open(str(downloaded(server, big["id"], tmp_path / "big.mp4"))) as container:
        frame = next(container.decode(video=0)).to_ndarray(format="rgb24")
    assert frame.shape == (360, 640, 3)  # the decoded picture is exactly 2x the source's 320x180
    assert server.get(f"/api/media/{silent['id']}").status_code == 200  # the original stays in the library
    assert_axe_clean(page)

    # -- the preview plays all three: each clip's element advances; the picture is the big one ----------
    ruler.click(position={"x": 1, "y": 5})
    page.get_by_role("button", name="Play", exact=True).click()
    wanted = {"shot": big["id"], voice["id"]: voice["media_id"], sound["id"]: sound["media_id"]}

    def advancing() -> dict[str, Any] | None:
        seen = {cid: element(page, cid) for cid in wanted}
        if not all(s and not s["paused"] and s["t"] > 0 for s in seen.values()):
            return None
        page.wait_for_timeout(300)
        later = {cid: element(page, cid) for cid in wanted}
        if all(later[cid] and later[cid]["t"] > seen[cid]["t"] for cid in wanted):
            return later
        return None

    playing = until(advancing, 20, "the three clips' elements playing and advancing", page=page)
    assert {cid: s["media"] for cid, s in playing.items()} == wanted
    assert (playing["shot"]["w"], playing["shot"]["h"]) == (640, 360)  # Chromium decodes the 2x media
    page.keyboard.press("Space")
    watch.assert_clean()
