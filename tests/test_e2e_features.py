"""What the page offers that no other browser test clicks, in Debian's Chromium on a real server:
cancelling and retrying a generation, renaming and deleting projects, deleting media (and what a
browser shows instead of Reveal), hiding and muting tracks (in the preview and in the export),
text clips, moving a clip, Allow remote preview, and cancelling an export. Each test judges what
the user sees (roles, text, toasts), what the server stored (rows, files) and, for exports, the
decoded pixels and sound; and every one ends with zero CSP violations and zero console errors."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
import requests
from bench.common import processes
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from reelcut.media.ffmpeg import ffmpeg_exe
from reelcut.media.filtergraph import path_value
from reelcut.media.fonts import find_font

from . import media_samples as ms
from .conftest import TOKEN
from .e2e_helpers import import_file, saved_timeline, until
from .preview_probe import bright_box, expect_pixel, tap_audio, tones_while_playing, wait_paused, wait_playing
from .server_process import ServerProcess
from .test_e2e_browser import Watch

ZOOM = 50  # the page's default pixels per second
T2V = "local/preview-t2v"
FAL_T2V = "fal-ai/ltx-2/text-to-video/fast"


# -- helpers --------------------------------------------------------------------------------------


def ffmpeg_children(pid: int) -> list[int]:
    """The ffmpeg processes the server has spawned and not yet reaped (zombies count: a cancelled
    render must be killed and waited for)."""
    return [p.pid for p in processes() if p.ppid == pid and "ffmpeg" in p.name]


def server_pid(server: ServerProcess) -> int:
    assert server.proc is not None
    return server.proc.pid


def new_project(server: ServerProcess, name: str) -> str:
    """A project whose picture tracks are named V1, V2… from the top, as these tests speak of them
    (a new project's are numbered bottom-up, V2 over V1, as editors number them)."""
    pid = server.post("/api/projects", json={"name": name}).json()["project"]["id"]
    doc = timeline(server, pid)
    for n, track in enumerate((t for t in doc["tracks"] if t["kind"] == "video"), 1):
        track["name"] = f"V{n}"
    put_timeline(server, pid, doc)
    return pid


def timeline(server: ServerProcess, pid: str) -> dict[str, Any]:
    return saved_timeline(server, pid)


def put_timeline(server: ServerProcess, pid: str, doc: dict[str, Any]) -> None:
    r = server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc})
    assert r.status_code == 200, r.text


def media_names(server: ServerProcess, pid: str) -> list[str]:
    return sorted(m["name"] for m in server.get(f"/api/projects/{pid}/media").json()["media"])


def files_named(root: Path, name: str) -> list[Path]:
    return [p for p in root.rglob(name) if p.is_file()]


def open_app(page: Page, server: ServerProcess, title: str) -> Watch:
    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title(f"{title} — Reelcut")
    return watch


def tracks(page: Page) -> Locator:
    return page.get_by_role("region", name="Timeline").locator("[data-track-id]")


def media_items(page: Page) -> Locator:
    return page.get_by_role("list", name="Media").get_by_role("listitem")


def toasts(page: Page) -> Locator:
    return page.get_by_role("status", name="Notifications")


def drag(page: Page, handle: Locator, dx: float, dy: float = 0) -> None:
    """Press on the middle of `handle`, move by (dx, dy) in steps, release: a user's drag."""
    box = handle.bounding_box()
    assert box is not None, "nothing to drag"
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y + dy / 2, steps=5)
    page.mouse.move(x + dx, y + dy, steps=5)
    page.mouse.up()


def seek(page: Page, seconds: float) -> None:
    page.get_by_role("region", name="Timeline").locator("[data-ruler]").click(position={"x": seconds * ZOOM, "y": 5})


def answer_page_dialog(page: Page, message: str, accept: bool) -> None:
    """The page's own confirmation (a <dialog>, never window.confirm): named by its question,
    answered by its first button (confirm) or the other (keep)."""
    dialog = page.get_by_role("dialog", name=message)
    expect(dialog).to_be_visible()
    buttons = dialog.get_by_role("button")
    expect(buttons).to_have_count(2)
    (buttons.nth(1) if accept else buttons.nth(0)).click()
    expect(dialog).to_have_count(0)


def download_export(page: Page, server: ServerProcess, folder: Path) -> Path:
    """Click Export, wait for the Download link, fetch what it points at."""
    page.get_by_role("button", name="Export", exact=True).click()
    page.get_by_role("dialog", name="Export").get_by_role("button", name="Start export").click()
    link = page.get_by_role("link", name=re.compile(r"^Download "))
    expect(link).to_be_visible(timeout=120000)
    expect(toasts(page)).to_contain_text(re.compile(r"Export finished: .+\.mp4\."))  # it names the file
    r = requests.get(server.url.rstrip("/") + link.get_attribute("href"),
                     headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
    assert r.status_code == 200, r.text
    out = folder / "export.mp4"
    out.write_bytes(r.content)
    return out


def video_frames(path: Path) -> list[tuple[float, np.ndarray]]:
    with av.open(str(path)) as c:
        return [(float(f.pts * f.time_base), f.to_ndarray(format="rgb24")) for f in c.decode(video=0)]


def frame_at(frames: list[tuple[float, np.ndarray]], t: float) -> np.ndarray:
    return min(frames, key=lambda f: abs(f[0] - t))[1]


def centre(img: np.ndarray) -> tuple[int, ...]:
    h, w = img.shape[:2]
    return tuple(int(v) for v in img[h // 2, w // 2])


def near(rgb: tuple[int, ...] | list[int] | None, want: tuple[int, int, int], tolerance: int = 60) -> bool:
    return rgb is not None and all(abs(a - b) < tolerance for a, b in zip(rgb, want, strict=True))


def tone_levels(path: Path, start: float, end: float, tones: tuple[int, ...]) -> dict[int, float]:
    """Amplitude of each sine (Hz) in the exported sound between start and end (s), both channels
    averaged: a full-scale sine reads 1.0, ffmpeg's `sine` source 0.125, silence 0."""
    chunks, rate = [], 48000
    with av.open(str(path)) as c:
        for frame in c.decode(audio=0):
            rate = frame.sample_rate
            samples = frame.to_ndarray()
            chunks.append((float(frame.pts * frame.time_base), samples.mean(axis=0) if samples.ndim == 2 else samples))
    t0 = chunks[0][0]
    sound = np.concatenate([s for _, s in chunks])
    part = sound[int((start - t0) * rate):int((end - t0) * rate)]
    spectrum = np.abs(np.fft.rfft(part * np.hanning(len(part)))) * 4 / len(part)
    hz = np.fft.rfftfreq(len(part), 1 / rate)
    return {f: float(spectrum[(hz > f - 5) & (hz < f + 5)].max()) for f in tones}


def expect_preview_shows(page: Page, rgb: tuple[int, int, int], what: str) -> None:
    """The preview's picture (the compositor's canvas, at its centre) turns `rgb`."""
    expect_pixel(page, rgb, what)


def expect_playing(page: Page) -> None:
    page.get_by_role("button", name="Play").click()
    wait_playing(page)


def pause(page: Page) -> None:
    page.get_by_role("button", name="Pause").click()
    wait_paused(page)


# -- generations ---------------------------------------------------------------------------------
@pytest.mark.slow
def test_cancel_a_generation_mid_render_then_retry_it(server: ServerProcess, page: Page) -> None:
    """A 20 s 720p offline render is cancelled while ffmpeg is at work: the row says cancelled and
    offers Retry, ffmpeg is gone, nothing reached the library. Retry runs the same job again to
    the end, and its clip appears in the media list."""
    pid = new_project(server, "Generations")
    watch = open_app(page, server, "Generations")
    prompt = "a slow pan over a harbour at dusk"
    page.get_by_role("textbox", name="Prompt").fill(prompt)
    form = page.locator(f"[data-model-id='{T2V}']")
    form.get_by_label("Duration (s)").fill("20")
    form.get_by_label("Resolution").select_option("720p")
    page.get_by_role("button", name="Generate", exact=True).click()

    row = page.get_by_role("list", name="Generations").get_by_role("listitem")
    expect(row).to_have_count(1)
    cancel, retry = row.get_by_role("button", name="Cancel"), row.get_by_role("button", name="Retry")
    expect(row).to_have_attribute("data-status", "generating", timeout=30000)
    expect(retry).to_be_hidden()
    # mid-render: the bar has moved and ffmpeg is running
    page.wait_for_function("bar => bar.value > 0 && bar.value < 1", arg=row.get_by_role("progressbar").element_handle(),
                           timeout=30000)
    until(lambda: ffmpeg_children(server_pid(server)), 10, "the offline generator's ffmpeg")
    cancel.click()
    expect(row).to_have_attribute("data-status", "cancelled", timeout=15000)
    expect(row).to_contain_text("cancelled")
    expect(cancel).to_be_hidden()
    expect(retry).to_be_visible()
    [job] = server.get(f"/api/generations?project_id={pid}").json()["jobs"]
    assert job["status"] == "cancelled" and job["media_id"] is None, job
    until(lambda: not ffmpeg_children(server_pid(server)), 10, "the cancelled render's ffmpeg to end")
    assert media_names(server, pid) == []
    expect(media_items(page)).to_have_count(0)
    assert files_named(server.data_dir / "tmp", f"{job['id']}*") == []  # the half-rendered file is gone

    retry.click()
    expect(row).to_have_attribute("data-status", re.compile("queued|generating"), timeout=15000)
    expect(row).to_have_attribute("data-status", "done", timeout=180000)
    expect(row).to_have_count(1)  # the same job, run again: no second row
    expect(retry).to_be_hidden()
    item = media_items(page)
    expect(item).to_have_count(1)
    expect(item).to_contain_text("AI: a slow pan over a harbour at")
    expect(item).to_contain_text("0:20")
    [again] = server.get(f"/api/generations?project_id={pid}").json()["jobs"]
    [media] = server.get(f"/api/projects/{pid}/media").json()["media"]
    assert again["id"] == job["id"] and again["status"] == "done" and again["media_id"] == media["id"]
    assert abs(media["duration"] - 20) < 0.1 and (media["width"], media["height"]) == (1280, 720)
    watch.assert_clean()


# -- projects ------------------------------------------------------------------------------------
@pytest.mark.slow
def test_rename_and_delete_projects(server: ServerProcess, page: Page, samples: dict[str, Path]) -> None:
    """Rename fills in the current name and renames it (title, switcher, server, after a reload);
    Delete asks first, and removes the project with its files; the last one leaves the empty state."""
    alpha = new_project(server, "Alpha")
    beta = new_project(server, "Beta")
    clip = import_file(server, alpha, samples["video"])
    alpha_files = files_named(server.data_dir, clip["filename"])
    assert alpha_files, "the imported file is not on disk"
    watch = open_app(page, server, "Beta")  # the most recently changed opens first
    switcher = page.get_by_role("combobox", name="Open project")
    switcher.select_option(label="Alpha")
    expect(page).to_have_title("Alpha — Reelcut")

    bar = page.get_by_role("navigation", name="Projects")
    bar.get_by_role("button", name="Rename").click()
    name = bar.get_by_role("textbox", name="Project name")
    expect(name).to_have_value("Alpha")
    expect(name).to_be_focused()
    name.fill("Alpha cut")
    bar.locator("form").get_by_role("button", name="Rename").click()
    expect(page).to_have_title("Alpha cut — Reelcut")
    expect(name).to_be_hidden()
    expect(switcher.locator("option")).to_have_text(["Alpha cut", "Beta"])
    def names() -> dict[str, str]:
        return {p["id"]: p["name"] for p in server.get("/api/projects").json()["projects"]}

    until(lambda: names().get(alpha) == "Alpha cut", 10, "the rename on the server")
    page.reload()
    expect(page).to_have_title("Alpha cut — Reelcut")  # the last project opened is opened again

    delete = bar.get_by_role("button", name="Delete project")
    delete.click()
    answer_page_dialog(page, "Delete “Alpha cut” and all its files?", False)
    assert {p["id"] for p in server.get("/api/projects").json()["projects"]} == {alpha, beta}  # dismissed: kept
    expect(page).to_have_title("Alpha cut — Reelcut")

    delete.click()
    answer_page_dialog(page, "Delete “Alpha cut” and all its files?", True)
    expect(page).to_have_title("Beta — Reelcut")  # the next project opens
    expect(switcher.locator("option")).to_have_text(["Beta"])
    assert [p["id"] for p in server.get("/api/projects").json()["projects"]] == [beta]
    until(lambda: not any(p.exists() for p in alpha_files), 10, "the deleted project's files to go")
    assert not (server.data_dir / "projects" / alpha).exists()

    delete.click()
    answer_page_dialog(page, "Delete “Beta” and all its files?", True)
    expect(page).to_have_title("Reelcut")
    expect(page.get_by_text("Create a project to start")).to_be_visible()
    expect(switcher).to_be_disabled()
    expect(switcher).to_have_text("No projects yet")
    expect(bar.get_by_role("button", name="Rename")).to_be_hidden()
    expect(delete).to_be_hidden()
    assert server.get("/api/projects").json()["projects"] == []
    watch.assert_clean()


# -- media ---------------------------------------------------------------------------------------
@pytest.mark.slow
def test_delete_media_and_no_reveal_in_a_browser(server: ServerProcess, page: Page, samples: dict[str, Path],
                                                 tmp_path: Path) -> None:
    """Delete asks first, then the item leaves the list and the library (its file stays for Undo until
    the undo window closes: tests/test_media_undo.py). Reveal needs
    the desktop app: a browser page offers no Reveal control, and the route it would call says why."""
    import shutil

    pid = new_project(server, "Library")
    keep = import_file(server, pid, Path(shutil.copyfile(samples["video"], tmp_path / "keep.mp4")))
    drop = import_file(server, pid, Path(shutil.copyfile(samples["image"], tmp_path / "drop.png")))
    drop_files = files_named(server.data_dir, drop["filename"])
    assert drop_files, "the imported file is not on disk"
    watch = open_app(page, server, "Library")
    items = media_items(page)
    expect(items).to_have_count(2)

    expect(page.get_by_role("button", name=re.compile("^Reveal"))).to_have_count(0)
    expect(page.get_by_role("button", name="Delete keep")).to_be_visible()
    r = server.post("/api/desktop/reveal", json={"media_id": keep["id"]})
    assert r.status_code == 409 and r.json()["error"] == {"code": "desktop_only",
                                                          "message": "This needs the Reelcut desktop app."}, r.text

    page.get_by_role("button", name="Delete drop").click()
    answer_page_dialog(page, "Delete “drop” from the project?", False)
    expect(items).to_have_count(2)
    assert media_names(server, pid) == ["drop", "keep"]

    page.get_by_role("button", name="Delete drop").click()
    answer_page_dialog(page, "Delete “drop” from the project?", True)
    expect(items).to_have_count(1)
    expect(items).to_contain_text(["keep"])
    assert media_names(server, pid) == ["keep"]
    assert all(p.exists() for p in drop_files), "the file went at once: Undo could not bring it back"
    assert files_named(server.data_dir, keep["filename"]), "the other item's file went too"
    page.reload()
    expect(items).to_have_count(1)
    watch.assert_clean()


# -- tracks --------------------------------------------------------------------------------------
@pytest.mark.slow
def test_hide_and_mute_tracks_in_the_preview_and_the_export(server: ServerProcess, page: Page,
                                                           tmp_path: Path) -> None:
    """Red (440 Hz) on V1 above blue (660 Hz) on V2, a 330 Hz tone on A1. Hiding V1 shows V2 in
    the preview and leaves red out of every exported frame; muting V2 mutes the preview while it
    plays and leaves 660 Hz out of the export's sound, while A1's tone and V1's own sound stay
    (hiding a track hides its picture; only Mute silences it)."""
    pid = new_project(server, "Tracks")
    red = ms.make_video(tmp_path / "red.mp4", color="red", seconds=2, tone=440)
    blue = ms.make_video(tmp_path / "blue.mp4", color="blue", seconds=2, tone=660)
    tone = ms.make_audio(tmp_path / "tone.mp3", seconds=1.5, tone=330)
    tap_audio(page)
    watch = open_app(page, server, "Tracks")
    page.get_by_label("Media files to import").set_input_files([str(red), str(blue), str(tone)])
    items = media_items(page)
    expect(items).to_have_count(3)
    v1, v2, a1 = tracks(page).nth(0), tracks(page).nth(1), tracks(page).nth(2)
    for row, label in ((v1, "Track V1"), (v2, "Track V2"), (a1, "Track A1")):
        expect(row).to_have_attribute("aria-label", label)
    for name, row in (("red", v1), ("blue", v2), ("tone", a1)):
        items.filter(has_text=name).drag_to(row, target_position={"x": 1, "y": 20})
        expect(row.locator("[data-clip-id]")).to_have_count(1)

    seek(page, 1.0)
    expect_preview_shows(page, (255, 0, 0), "V1's red clip (the top track)")
    hide_v1, mute_v2 = page.get_by_role("button", name="Hide V1"), page.get_by_role("button", name="Mute V2")
    expect(hide_v1).to_have_attribute("aria-pressed", "false")
    hide_v1.click()
    expect(hide_v1).to_have_attribute("aria-pressed", "true")
    expect(v1).to_have_class(re.compile(r"\bis-hidden\b"))
    expect_preview_shows(page, (0, 0, 255), "V2's blue clip once V1 is hidden")

    # what the preview plays, heard through an analyser on its mix (to the end of the timeline)
    seek(page, 0.0)
    expect_playing(page)
    before = tones_while_playing(page, (330, 440, 660))
    assert min(before.values()) > -45, f"every track sounds before any is muted (dBFS): {before}"
    mute_v2.click()
    expect(mute_v2).to_have_attribute("aria-pressed", "true")
    seek(page, 0.0)
    expect_playing(page)
    expect_preview_shows(page, (0, 0, 255), "V2's blue clip playing")
    heard = tones_while_playing(page, (330, 440, 660))
    # what is left at 660 Hz is the other tones' leakage through the analyser's window (-60 dB)
    assert heard[660] < min(-50, before[660] - 24), f"the preview plays the muted track V2's 660 Hz: {heard}"
    assert heard[440] > -45, f"the hidden (not muted) V1 is silent in the preview (dBFS): {heard}"
    wait_paused(page)

    def flags() -> dict[str, tuple[bool, bool]]:
        return {t["name"]: (bool(t.get("hidden")), bool(t.get("muted"))) for t in timeline(server, pid)["tracks"]}

    until(lambda: flags() == {"V1": (True, False), "V2": (False, True), "A1": (False, False)}, 10,
          "the hidden and muted flags on the server")

    out = download_export(page, server, tmp_path)
    frames = video_frames(out)
    reds = [t for t, img in frames if near(centre(img), (255, 0, 0))]
    assert reds == [], f"the hidden track's red is in the export at {reds[:5]}…"
    assert near(centre(frame_at(frames, 1.0)), (0, 0, 255)), centre(frame_at(frames, 1.0))
    levels = tone_levels(out, 0.2, 1.3, (330, 440, 660))
    assert levels[660] < 0.005, f"the muted track's 660 Hz is in the export: {levels}"
    assert levels[330] > 0.05, f"A1's 330 Hz tone is missing: {levels}"
    assert levels[440] > 0.05, f"the hidden (not muted) V1's 440 Hz sound is missing: {levels}"
    watch.assert_clean()


# -- text ----------------------------------------------------------------------------------------
def text_box(img: np.ndarray) -> tuple[int, int, int, int] | None:
    """Left, top, right, bottom of the bright (text) pixels in the lower third, or None."""
    h = img.shape[0]
    lower = img[int(h * 0.65):].astype(int).sum(axis=2) > 3 * 160
    ys, xs = np.nonzero(lower)
    if not len(xs):
        return None
    return int(xs.min()), int(ys.min() + h * 0.65), int(xs.max()), int(ys.max() + h * 0.65)


def reference_text_box(text: str, folder: Path, width: int, height: int, size: int) -> tuple[int, int, int, int]:
    """The same text drawn alone by ffmpeg's drawtext, with the export's font and placement."""
    text_file, png = folder / f"ref-{len(text)}.txt", folder / f"ref-{len(text)}.png"
    text_file.write_text(text, "utf-8")
    font = find_font()
    fontopt = f"fontfile={path_value(font)}:" if font else ""
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"color=c=black:s={width}x{height}", "-vf",
                    f"drawtext={fontopt}textfile={path_value(str(text_file))}:expansion=none:fontcolor=white"
                    f":fontsize={size}:x=w*0.5-text_w/2:y=h*0.85-text_h/2", "-frames:v", "1", str(png)],
                   check=True, timeout=60)
    with av.open(str(png)) as c:
        box = text_box(next(c.decode(video=0)).to_ndarray(format="rgb24"))
    assert box is not None, f"the reference drawing of {text!r} has no text"
    return box


def text_clips(server: ServerProcess, pid: str) -> list[dict[str, Any]]:
    return [c for t in timeline(server, pid)["tracks"] if t["kind"] == "text" for c in t["clips"]]


def add_title(page: Page, server: ServerProcess, pid: str) -> Locator:
    """+ Text: a 3 s "Title" on a new text track T1 at the playhead (0), drawn over the preview."""
    page.get_by_role("button", name="+ Text").click()
    t1 = tracks(page).first
    expect(t1).to_have_attribute("aria-label", "Track T1")
    clip = t1.locator("[data-clip-id]")
    expect(clip).to_have_count(1)
    expect(clip).to_have_text("Title")
    until(lambda: bright_box(page), 10, "the title drawn over the preview")
    [saved] = until(lambda: text_clips(server, pid), 10, "the text clip on the server")
    assert (saved["text"], saved["start"], saved["duration"]) == ("Title", 0, 3), saved
    return clip


def assert_export_draws(out: Path, text: str, server: ServerProcess, pid: str, folder: Path,
                        not_text: str) -> None:
    """The exported frame in the clip's middle has `text` drawn where and as large as the clip
    says: its bright pixels cover what drawtext alone draws for `text` (and not for `not_text`)."""
    doc = timeline(server, pid)
    [clip] = text_clips(server, pid)
    frames = video_frames(out)
    assert abs(frames[-1][0] - 3) < 0.2, "the export is not the text clip's 3 s"
    drawn = text_box(frame_at(frames, 1.5))
    assert drawn is not None, "no text in the exported frame"
    want = reference_text_box(text, folder, doc["width"], doc["height"], clip["size"])
    other = reference_text_box(not_text, folder, doc["width"], doc["height"], clip["size"])
    assert abs((want[2] - want[0]) - (other[2] - other[0])) > 100, "the two texts must differ in width"
    assert all(abs(a - b) <= 4 for a, b in zip(drawn, want, strict=True)), \
        f"drawn at {drawn}; {text!r} alone is at {want}, {not_text!r} at {other}"
    assert near(centre(frame_at(frames, 1.5)), (0, 0, 0)), "the rest of the frame is the black canvas"


class PageBug(AssertionError):
    """The failure of a behaviour that was once a page bug (fixed with these tests): the message
    says what the user would have met."""




@pytest.mark.slow
def test_a_text_clip_added_through_the_page_is_drawn_in_the_export(server: ServerProcess, page: Page,
                                                                  tmp_path: Path) -> None:
    pid = new_project(server, "Titles")
    watch = open_app(page, server, "Titles")
    add_title(page, server, pid)
    out = download_export(page, server, tmp_path)
    assert_export_draws(out, "Title", server, pid, tmp_path, not_text="HELLO WORLD AGAIN")
    watch.assert_clean()


@pytest.mark.slow
def test_double_click_edits_a_text_clip_and_the_export_draws_the_edit(server: ServerProcess, page: Page,
                                                                      tmp_path: Path) -> None:
    """A double-click on the title puts the cursor in the inspector's Text field (no prompt: the
    page is never blocked); the edit shows on the clip and over the preview, is saved, and the
    export draws the new text, not "Title"."""
    pid = new_project(server, "Edited titles")
    watch = open_app(page, server, "Edited titles")
    clip = add_title(page, server, pid)
    clip.dblclick()
    text = page.get_by_role("region", name="Inspector").get_by_label("Text", exact=True)
    expect(text).to_be_focused()
    expect(text).to_have_value("Title")
    page.keyboard.type("HELLO WORLD AGAIN")  # the text was selected: typing replaces it
    text.press("Tab")
    expect(clip).to_have_text("HELLO WORLD AGAIN")
    until(lambda: [c["text"] for c in text_clips(server, pid)] == ["HELLO WORLD AGAIN"], 10,
          "the edited text on the server")
    out = download_export(page, server, tmp_path)
    assert_export_draws(out, "HELLO WORLD AGAIN", server, pid, tmp_path, not_text="Title")
    # the preview draws the new text as wide as the export's drawtext does (within 3% of the width)
    doc, [saved] = timeline(server, pid), text_clips(server, pid)
    want = reference_text_box("HELLO WORLD AGAIN", tmp_path, doc["width"], doc["height"], saved["size"])
    want_width = (want[2] - want[0]) / doc["width"]
    box = until(lambda: (b := bright_box(page)) and abs((b[2] - b[0]) - want_width) < 0.03 and b, 10,
                f"the edited title drawn in the preview {want_width:.3f} of the width wide (it is {bright_box(page)})")
    assert abs((box[0] + box[2]) / 2 - saved["x"]) < 0.02, f"the preview's title is not centred on x: {box}"
    watch.assert_clean()


# -- moving clips --------------------------------------------------------------------------------
def one_clip_project(server: ServerProcess, name: str, clip: Path) -> str:
    """A project with `clip` imported and laid on V1 at 1 s, as clip "c1"."""
    pid = new_project(server, name)
    item = import_file(server, pid, clip)
    doc = timeline(server, pid)
    doc["tracks"][0]["clips"] = [{"id": "c1", "media_id": item["id"], "start": 1.0, "in": 0, "out": item["duration"]}]
    put_timeline(server, pid, doc)
    return pid


def clip_place(server: ServerProcess, pid: str) -> tuple[str, float] | None:
    """(track name, start) of clip c1 as saved."""
    for track in timeline(server, pid)["tracks"]:
        for c in track["clips"]:
            if c["id"] == "c1":
                return track["name"], round(c["start"], 2)
    return None


@pytest.mark.slow
def test_dragging_a_clip_moves_it(server: ServerProcess, page: Page, samples: dict[str, Path]) -> None:
    """The user presses on a clip (not selected yet) and drags it 100 px right: it moves 2 s."""
    pid = one_clip_project(server, "Drag", samples["video"])
    watch = open_app(page, server, "Drag")
    clip = tracks(page).nth(0).locator("[data-clip-id='c1']")
    expect(clip).to_have_attribute("aria-selected", "false")
    drag(page, clip, 100)
    try:
        expect(clip).to_have_css("left", "150px", timeout=3000)  # 3 s at 50 px/s
    except AssertionError:
        raise PageBug(f"the drag left the clip at {clip.evaluate('n => n.style.left')} "
                      f"(selected: {clip.get_attribute('aria-selected')})") from None
    until(lambda: clip_place(server, pid) == ("V1", 3.0), 10, "the moved start on the server")
    watch.assert_clean()


@pytest.mark.slow
def test_moving_a_selected_clip_along_and_across_tracks(server: ServerProcess, page: Page,
                                                        samples: dict[str, Path]) -> None:
    """Selected by a click, a clip dragged 100 px right starts 2 s later (at 50 px/s), on the
    timeline and on the server; dragged down it moves to V2 at the same time; undo puts it back."""
    pid = one_clip_project(server, "Moves", samples["video"])
    watch = open_app(page, server, "Moves")
    v1, v2 = tracks(page).nth(0), tracks(page).nth(1)
    clip = v1.locator("[data-clip-id='c1']")
    clip.click()
    expect(clip).to_have_attribute("aria-selected", "true")

    drag(page, clip, 100)
    expect(clip).to_have_css("left", "150px")  # 3 s
    until(lambda: clip_place(server, pid) == ("V1", 3.0), 10, "the moved start on the server")

    box_v2, box_clip = v2.bounding_box(), clip.bounding_box()
    assert box_v2 and box_clip
    drag(page, clip, 0, box_v2["y"] + box_v2["height"] / 2 - (box_clip["y"] + box_clip["height"] / 2))
    moved = v2.locator("[data-clip-id='c1']")
    expect(moved).to_be_visible()
    expect(v1.locator("[data-clip-id]")).to_have_count(0)
    expect(moved).to_have_css("left", "150px")
    until(lambda: clip_place(server, pid) == ("V2", 3.0), 10, "the clip on V2 on the server")

    page.keyboard.press("Control+z")
    expect(v1.locator("[data-clip-id='c1']")).to_be_visible()
    until(lambda: clip_place(server, pid) == ("V1", 3.0), 10, "the undone move on the server")
    watch.assert_clean()


# -- settings ------------------------------------------------------------------------------------
@pytest.mark.slow
def test_allow_remote_preview_offers_the_remote_url(tmp_path: Path, page: Page, fake_fal: Any) -> None:
    """The box in Settings: ticked and saved, the settings say so, the sources of a fal.ai clip end
    with its remote URL and the page's policy allows the registry's media hosts; cleared, both go."""
    from reelcut.generation import registry

    from .fake_fal import app_env

    s = ServerProcess(tmp_path / "data", TOKEN, env=app_env(fake_fal)).start()
    try:
        pid = new_project(s, "Remote")
        [job] = s.post("/api/generations", json={"project_id": pid, "model_ids": [FAL_T2V], "prompt": "a quiet tram",
                                                 "params": {FAL_T2V: {}}}).json()["jobs"]
        done = until(lambda: (j := s.get(f"/api/generations/{job['id']}").json()["job"])["status"] in ("done", "failed")
                     and j, 60, "the fal.ai generation to end")
        assert done["status"] == "done", done
        item = s.get(f"/api/media/{done['media_id']}").json()["media"]
        remote_url = item["source"]["remote_url"]
        assert remote_url.startswith(f"{fake_fal.url}/files/")

        def kinds() -> list[tuple[str, str]]:
            return [(x["kind"], x["url"]) for x in s.get(f"/api/media/{item['id']}/sources").json()["sources"]]

        assert [k for k, _ in kinds()] == ["local", "blob"]
        watch = Watch(page)
        response = page.goto(s.login_url)
        expect(page).to_have_title("Remote — Reelcut")
        hosts = registry.remote_media_hosts()
        assert hosts and not any(h in _media_src(response.headers["content-security-policy"]) for h in hosts)

        box = page.get_by_role("checkbox", name="Allow remote preview")
        _save_remote_preview(page, box, True)
        assert s.get("/api/settings").json()["remote_preview"] is True
        assert kinds()[-1] == ("remote", remote_url)
        response = page.reload()
        expect(page).to_have_title("Remote — Reelcut")
        assert all(h in _media_src(response.headers["content-security-policy"]) for h in hosts)
        page.get_by_role("button", name="Settings").click()
        expect(box).to_be_checked()  # the dialog shows what is saved
        page.get_by_role("button", name="Close", exact=True).click()

        _save_remote_preview(page, box, False)
        assert s.get("/api/settings").json()["remote_preview"] is False
        assert [k for k, _ in kinds()] == ["local", "blob"]
        watch.assert_clean()
    finally:
        s.stop()


def _media_src(csp: str) -> str:
    return next(d for d in csp.split(";") if d.strip().startswith("media-src"))


def _save_remote_preview(page: Page, box: Locator, on: bool) -> None:
    page.get_by_role("button", name="Settings").click()
    expect(box).to_be_checked(checked=not on)
    box.set_checked(on)
    page.get_by_role("button", name="Save").click()
    expect(toasts(page).get_by_text("Settings saved.").last).to_be_visible()
    expect(page.get_by_role("dialog", name="Settings")).to_be_hidden()


# -- exports -------------------------------------------------------------------------------------
EXPORT_BAR = "progress[aria-label='Export progress']"


def start_long_export(server: ServerProcess, page: Page, name: str) -> tuple[str, Watch]:
    """A project whose timeline is a 30-minute text clip, exporting in the page, ffmpeg at work."""
    pid = new_project(server, name)
    doc = timeline(server, pid)
    doc["tracks"].insert(0, {"id": "t1", "name": "T1", "kind": "text", "muted": False, "hidden": False, "clips": [
        {"id": "long", "start": 0, "duration": 1800, "text": "A long night", "x": 0.5, "y": 0.5, "size": 48,
         "color": "#ffffff"}]})
    put_timeline(server, pid, doc)
    watch = open_app(page, server, name)
    page.get_by_role("button", name="Export", exact=True).click()
    page.get_by_role("dialog", name="Export").get_by_role("button", name="Start export").click()
    expect(page.get_by_role("progressbar", name="Export progress")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Rendering \d+%"))).to_be_visible(timeout=30000)
    # the panel redraws on every progress event: ask for the bar afresh each time
    page.wait_for_function(f"() => {{ const b = document.querySelector(\"{EXPORT_BAR}\"); return b && b.value > 0; }}",
                           timeout=30000)
    until(lambda: ffmpeg_children(server_pid(server)), 10, "the export's ffmpeg")
    return pid, watch


def assert_export_cancelled(server: ServerProcess, page: Page, pid: str) -> None:
    """The page says so and offers Export again; the row says cancelled; ffmpeg, the work folder
    and any output are gone."""
    expect(page.get_by_text("Export cancelled", exact=True)).to_be_visible(timeout=15000)
    expect(page.get_by_role("progressbar", name="Export progress")).to_have_count(0)
    expect(page.get_by_role("button", name="Export", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Download"))).to_have_count(0)
    [export] = server.get(f"/api/projects/{pid}/exports").json()["exports"]
    assert export["status"] == "cancelled" and export["filename"] is None and export["download_url"] is None, export
    assert server.get(f"/api/exports/{export['id']}/file").status_code == 404
    until(lambda: not ffmpeg_children(server_pid(server)), 10, "the cancelled export's ffmpeg to end")
    until(lambda: not list((server.data_dir / "tmp").glob("export-*")), 10, "the export's work folder to go")
    assert list((server.data_dir / "projects" / pid).rglob("*.mp4")) == []


@pytest.mark.slow
def test_cancel_an_export_from_the_page(server: ServerProcess, page: Page) -> None:
    """A 30-minute timeline is exporting; Cancel export stops it mid-render, and no file is left."""
    pid, watch = start_long_export(server, page, "Long")
    page.get_by_role("button", name="Cancel export").click()
    assert_export_cancelled(server, page, pid)
    watch.assert_clean()




@pytest.mark.slow
def test_cancel_export_takes_a_press_held_across_a_progress_update(server: ServerProcess, page: Page) -> None:
    """A user's click lasts about 0.1 s from press to release, and progress updates come 0.2 s
    apart: many presses span one. A press still down when an update arrives must still cancel."""
    pid, watch = start_long_export(server, page, "Held")
    # where the button is and what the bar says, read in one go (the panel may redraw between two reads)
    fresh_value = f"() => document.querySelector(\"{EXPORT_BAR}\").value"
    at = page.evaluate(f"""() => {{
      const b = [...document.querySelectorAll('button')].find((x) => x.textContent === 'Cancel export');
      const r = b.getBoundingClientRect();
      return {{x: r.x + r.width / 2, y: r.y + r.height / 2, value: ({fresh_value})()}};
    }}""")
    page.mouse.move(at["x"], at["y"])
    page.mouse.down()
    try:
        # the next progress update arrives while the button is held
        page.wait_for_function(f"(v) => ({fresh_value})() !== v", arg=at["value"], timeout=10000)
    except PlaywrightTimeout:
        raise AssertionError("no progress update came within 10 s of the press") from None
    finally:
        page.mouse.up()
    try:
        expect(page.get_by_text("Export cancelled", exact=True)).to_be_visible(timeout=5000)
    except AssertionError:
        [export] = server.get(f"/api/projects/{pid}/exports").json()["exports"]
        raise PageBug(f"the held press did not cancel: the export is {export['status']}") from None
    assert_export_cancelled(server, page, pid)
    watch.assert_clean()
