"""The media library as a person uses it, in Debian's Chromium on a real server: search by name
and prompt, sort, filter by kind and by source, names that collide told apart, the details of a
selected item, the full name on hover, and rename in place with F2."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from . import media_samples as ms
from .server_process import ServerProcess
from .test_e2e_features import T2V, import_file, media_items, new_project, open_app, put_timeline, timeline, until

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

DAWN = "a red fox running through fresh snow at dawn"
DUSK = "a red fox running through fresh snow at dusk"


def generate(server: ServerProcess, pid: str, prompt: str) -> dict[str, Any]:
    r = server.post("/api/generations", json={"project_id": pid, "model_ids": [T2V], "prompt": prompt,
                                              "params": {T2V: {"duration": 1, "resolution": "360p"}}})
    assert r.status_code == 201, r.text
    [job] = r.json()["jobs"]

    def done() -> dict[str, Any] | None:
        j = server.get(f"/api/generations/{job['id']}").json()["job"]
        assert j["status"] not in ("failed", "cancelled"), j
        return j if j["status"] == "done" else None
    return until(done, 120, f"the generation of {prompt!r}")


def names(page: Page) -> list[str]:
    return media_items(page).locator(".name").all_inner_texts()


@pytest.fixture
def library(server: ServerProcess, tmp_path: Path) -> dict[str, Any]:
    """A project with an imported video, image and sound, and two generated clips whose names
    collide."""
    pid = new_project(server, "Library")
    video = import_file(server, pid, Path(shutil.copyfile(ms.make_video(tmp_path / "v.mp4", seconds=3),
                                                          tmp_path / "Interview take 2.mp4")))
    image = import_file(server, pid, ms.make_image(tmp_path / "logo.png"))
    audio = import_file(server, pid, ms.make_audio(tmp_path / "music.mp3", seconds=2))
    dawn = generate(server, pid, DAWN)
    dusk = generate(server, pid, DUSK)
    for job in (dawn, dusk):  # one name for both (a generated name is its whole prompt)
        r = server.session().patch(f"{server.url.rstrip('/')}/api/media/{job['media_id']}", json={"name": "Fox take"},
                                   timeout=30)
        assert r.status_code == 200, r.text
    return {"pid": pid, "video": video, "image": image, "audio": audio, "dawn": dawn, "dusk": dusk}


def test_search_sort_filter_and_names_that_collide(server: ServerProcess, page: Page, library: dict[str, Any]) -> None:
    watch = open_app(page, server, "Library")
    items = media_items(page)
    expect(items).to_have_count(5)
    ai = "Fox take"
    assert names(page) == ["Interview take 2", "logo", "music", ai, ai]  # the library's order: oldest first

    # the two generated clips share a name: each carries its creation time, or its short id when
    # both were made in the same second
    tags = items.locator(".tag")
    expect(tags).to_have_count(2)
    dawn_id, dusk_id = library["dawn"]["media_id"], library["dusk"]["media_id"]
    for mid in (dawn_id, dusk_id):
        expect(page.locator(f"[data-media-id='{mid}'] .tag")).to_have_text(re.compile(rf"^(\d\d:\d\d:\d\d|{mid[:6]})$"))
    assert len(set(tags.all_inner_texts())) == 2
    # the full name on hover, even where the row cuts it
    expect(page.locator(f"[data-media-id='{dusk_id}'] .name")).to_have_attribute("title", ai)

    search = page.get_by_role("searchbox", name="Search media")
    search.fill("dusk")  # a word of the prompt only
    expect(items).to_have_count(1)
    expect(items).to_have_attribute("data-media-id", dusk_id)
    search.fill("INTERVIEW")
    expect(items).to_have_count(1)
    expect(items).to_contain_text("Interview take 2")
    search.fill("nothing like this")
    expect(items).to_have_count(0)
    expect(page.get_by_text("No media matches the search or filters.")).to_be_visible()
    search.fill("")
    expect(items).to_have_count(5)

    kind = page.get_by_role("combobox", name="Filter by kind")
    kind.select_option("audio")
    expect(items).to_have_count(1)
    expect(items).to_contain_text("music")
    kind.select_option("image")
    expect(items).to_have_count(1)
    expect(items).to_contain_text("logo")
    kind.select_option("all")
    origin = page.get_by_role("combobox", name="Filter by source")
    origin.select_option("generated")
    expect(items).to_have_count(2)
    origin.select_option("imported")
    expect(items).to_have_count(3)
    origin.select_option("all")

    sort = page.get_by_role("combobox", name="Sort media")
    sort.select_option("name")
    until(lambda: names(page) == [ai, ai, "Interview take 2", "logo", "music"], 5, "the list sorted by name")
    sort.select_option("newest")
    until(lambda: names(page) == [ai, ai, "music", "logo", "Interview take 2"], 5, "the list newest first")
    expect(items.first).to_have_attribute("data-media-id", dusk_id)
    sort.select_option("duration")
    until(lambda: names(page)[0] == "Interview take 2" and names(page)[-1] == "logo", 5, "the list longest first")

    # a sound shows its waveform, not a placeholder
    wave = page.get_by_role("img", name="Waveform of music")
    expect(wave).to_have_attribute("data-drawn", "36", timeout=15000)
    lit = wave.evaluate("c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                        " let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n += 1; return n; }")
    assert lit > 200, lit
    expect(page.locator(f"[data-media-id='{library['audio']['id']}']")).not_to_contain_text("♪")

    # the view stays across a reload of the page
    page.reload()
    expect(items).to_have_count(5)
    expect(sort).to_have_value("duration")
    assert names(page)[0] == "Interview take 2"
    watch.assert_clean()


def test_details_and_rename_in_place(server: ServerProcess, page: Page, library: dict[str, Any]) -> None:
    watch = open_app(page, server, "Library")
    items = media_items(page)
    expect(items).to_have_count(5)
    details = page.get_by_label("Media details")
    expect(details).to_be_hidden()

    video = library["video"]
    row = page.locator(f"[data-media-id='{video['id']}']")
    row.click()
    expect(row).to_have_attribute("aria-current", "true")
    expect(details).to_be_visible()
    for text in ("Interview take 2", "320×240", "25 fps", "h264", "Imported", "Interview take 2.mp4", "3.00 s"):
        expect(details).to_contain_text(text)

    dusk = page.locator(f"[data-media-id='{library['dusk']['media_id']}']")
    dusk.click()
    expect(row).not_to_have_attribute("aria-current", "true")
    for text in ("Generated", T2V, DUSK, "360p", "Preview copy"):
        expect(details).to_contain_text(text)

    # F2 renames the selected item in place; Escape leaves it as it was
    row.click()
    row.press("F2")
    field = page.get_by_role("textbox", name="New name for Interview take 2")
    expect(field).to_be_focused()
    field.fill("Scrapped")
    field.press("Escape")
    expect(field).to_have_count(0)
    expect(row.locator(".name")).to_have_text("Interview take 2")
    row.press("F2")
    field.fill("  Opening shot  ")
    field.press("Enter")
    expect(row.locator(".name")).to_have_text("Opening shot")
    until(lambda: server.get(f"/api/media/{video['id']}").json()["media"]["name"] == "Opening shot", 5,
          "the new name on the server")
    expect(details).to_contain_text("Opening shot")
    expect(row).to_be_focused()  # the keyboard stays in the list

    # a rename that makes two names collide tags both
    row.press("F2")
    field = page.get_by_role("textbox", name="New name for Opening shot")
    field.fill("logo")
    field.press("Enter")
    # (their creation times, or their short ids when both were imported in the same second)
    tag = re.compile(r"^(\d\d:\d\d:\d\d|[0-9a-f]{6})$")
    logo_tag = page.locator(f"[data-media-id='{library['image']['id']}'] .tag")
    expect(logo_tag).to_have_text(tag)
    expect(row.locator(".tag")).to_have_text(tag)
    assert logo_tag.inner_text() != row.locator(".tag").inner_text()

    page.reload()
    expect(page.locator(f"[data-media-id='{video['id']}'] .name")).to_have_text("logo")
    watch.assert_clean()


def test_deleting_media_on_the_timeline_says_so_and_undo_brings_it_back(server: ServerProcess, page: Page,
                                                                        tmp_path: Path) -> None:
    pid = new_project(server, "Library")
    red = import_file(server, pid, ms.make_solid(tmp_path / "red.mp4", "red", seconds=3))
    import_file(server, pid, ms.make_solid(tmp_path / "blue.mp4", "blue", seconds=3))
    doc = timeline(server, pid)
    v1 = next(t for t in doc["tracks"] if t["name"] == "V1")
    v1["clips"] = [{"id": "r1", "media_id": red["id"], "start": 0, "in": 0, "out": 2},
                   {"id": "r2", "media_id": red["id"], "start": 4, "in": 1, "out": 3}]
    put_timeline(server, pid, doc)
    page.on("dialog", lambda d: pytest.fail(f"a blocking dialog: {d.message}"))
    watch = open_app(page, server, "Library")
    items = media_items(page)
    expect(items).to_have_count(2)
    clips = page.get_by_role("region", name="Timeline").locator("[data-clip-id]")
    expect(clips).to_have_count(2)

    ask = "Delete “red”? It is used by 2 clips on the timeline, which go with it."
    page.get_by_role("button", name="Delete red from the library").click()
    question = page.get_by_role("dialog", name=ask)
    expect(question).to_be_visible()
    question.get_by_role("button", name="Keep it").click()
    expect(question).to_have_count(0)
    expect(items).to_have_count(2)

    page.get_by_role("button", name="Delete red from the library").click()
    question.get_by_role("button", name="Delete “red”").click()
    expect(items).to_have_count(1)
    expect(clips).to_have_count(0)
    undo = page.get_by_role("status", name="Deleted media")
    expect(undo).to_contain_text("Deleted “red” and its 2 clips.")
    assert [m["name"] for m in server.get(f"/api/projects/{pid}/media").json()["media"]] == ["blue"]
    assert all(not t["clips"] for t in timeline(server, pid)["tracks"])

    undo.get_by_role("button", name="Undo").click()
    expect(undo).to_be_hidden()
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("red")  # back in its place
    expect(clips).to_have_count(2)
    until(lambda: [(c["id"], c["start"]) for t in timeline(server, pid)["tracks"] for c in t["clips"]]
          == [("r1", 0), ("r2", 4)], 10, "the clips saved again")
    assert server.get(f"/media/{red['id']}").status_code == 200
    # the Undo in the timeline takes them out again, as any edit
    page.keyboard.press("Control+z")
    expect(clips).to_have_count(0)
    page.keyboard.press("Control+Shift+z")
    expect(clips).to_have_count(2)

    page.reload()
    expect(items).to_have_count(2)
    expect(clips).to_have_count(2)
    watch.assert_clean()


def clip_spans(server: ServerProcess, pid: str, track: str = "V1") -> list[tuple[str, float, float, float]]:
    t = next(t for t in timeline(server, pid)["tracks"] if t["name"] == track)
    return [(c["media_id"], round(c["start"], 2), round(c["in"], 2), round(c["out"], 2)) for c in t["clips"]]


def test_source_monitor_marks_in_and_out_and_inserts_or_overwrites_at_the_playhead(server: ServerProcess, page: Page,
                                                                                  tmp_path: Path) -> None:
    pid = new_project(server, "Library")
    red = import_file(server, pid, ms.make_solid(tmp_path / "red.mp4", "red", seconds=3))
    blue = import_file(server, pid, ms.make_solid(tmp_path / "blue.mp4", "blue", seconds=3))
    green = import_file(server, pid, ms.make_solid(tmp_path / "green.mp4", "green", seconds=4))
    doc = timeline(server, pid)
    v1 = next(t for t in doc["tracks"] if t["name"] == "V1")
    v1["clips"] = [{"id": "r", "media_id": red["id"], "start": 0, "in": 0, "out": 2},
                   {"id": "b", "media_id": blue["id"], "start": 2, "in": 0, "out": 2}]
    put_timeline(server, pid, doc)
    assert server.put(f"/api/projects/{pid}/view", json={"playhead": 1.0}).status_code == 200
    watch = open_app(page, server, "Library")
    expect(media_items(page)).to_have_count(3)

    monitor = page.get_by_role("region", name="Source monitor")
    expect(monitor.get_by_role("button", name="Add to timeline")).to_be_disabled()
    page.locator(f"[data-media-id='{green['id']}']").click()
    expect(monitor.locator(".source-name")).to_have_text("green")
    video = monitor.locator("video")
    page.wait_for_function("v => v.readyState >= 2 && !v.hidden", arg=video.element_handle(), timeout=15000)

    # its own play controls: it plays, and the timeline's preview does not move
    monitor.get_by_role("button", name="Start source").click()
    page.wait_for_function("v => v.currentTime > 0.3", arg=video.element_handle(), timeout=10000)
    monitor.get_by_role("button", name="Stop source").click()
    expect(monitor.get_by_role("button", name="Start source")).to_be_visible()

    def seek(t: float) -> None:
        monitor.get_by_role("slider", name="Source position").evaluate(
            "(el, t) => { el.value = t; el.dispatchEvent(new Event('input', { bubbles: true })); }", t)
        page.wait_for_function("([v, t]) => Math.abs(v.currentTime - t) < 0.05 && !v.seeking",
                               arg=[video.element_handle(), t], timeout=5000)

    seek(0.5)
    monitor.focus()
    page.keyboard.press("i")
    marked = monitor.get_by_label("Marked range")
    expect(marked).to_have_text("In 0:00.50 · Out – · 3.50 s")
    seek(2.0)
    monitor.focus()
    page.keyboard.press("o")
    expect(marked).to_have_text("In 0:00.50 · Out 0:02.00 · 1.50 s")

    # `,` inserts the range at the playhead (1 s): red is cut there, and what follows moves right
    page.keyboard.press(",")
    inserted = [(red["id"], 0, 0, 1), (green["id"], 1, 0.5, 2), (red["id"], 2.5, 1, 2), (blue["id"], 3.5, 0, 2)]
    until(lambda: clip_spans(server, pid) == inserted, 10, "the insert saved")
    clips = page.get_by_role("region", name="Timeline").locator("[data-clip-id]")
    expect(clips).to_have_count(4)

    # `.` overwrites at the playhead, now at the end of the new clip (2.5 s): nothing moves
    monitor.focus()
    page.keyboard.press(".")
    overwritten = [(red["id"], 0, 0, 1), (green["id"], 1, 0.5, 2), (green["id"], 2.5, 0.5, 2),
                   (blue["id"], 4.0, 0.5, 2)]
    until(lambda: clip_spans(server, pid) == overwritten, 10, "the overwrite saved")

    # Undo takes the overwrite back, as any edit
    page.keyboard.press("Control+z")
    until(lambda: clip_spans(server, pid) == inserted, 10, "the undo saved")

    # with the marks cleared, Add to timeline inserts the whole item at the playhead (1 s again)
    monitor.get_by_role("button", name="Clear the marks").click()
    expect(marked).to_have_text("In – · Out – · 4.00 s")
    page.get_by_role("region", name="Timeline").focus()
    page.keyboard.press("Home")  # the timeline's own key: the playhead to the start
    monitor.get_by_role("button", name="Add to timeline").click()
    until(lambda: clip_spans(server, pid)[:2] == [(green["id"], 0, 0, 4), (red["id"], 4, 0, 1)], 10,
          "the whole item inserted at the start")
    watch.assert_clean()


def test_bins_group_media_with_drag_and_drop(server: ServerProcess, page: Page, tmp_path: Path) -> None:
    pid = new_project(server, "Library")
    red = import_file(server, pid, ms.make_solid(tmp_path / "red.mp4", "red", seconds=1))
    blue = import_file(server, pid, ms.make_solid(tmp_path / "blue.mp4", "blue", seconds=1))
    import_file(server, pid, ms.make_image(tmp_path / "logo.png"))
    watch = open_app(page, server, "Library")
    items = media_items(page)
    expect(items).to_have_count(3)
    bins = page.get_by_role("group", name="Bins")

    def bin_of(media_id: str) -> str | None:
        return server.get(f"/api/media/{media_id}").json()["media"]["bin"]

    bins.get_by_role("button", name="New bin").click()
    field = page.get_by_role("textbox", name="New bin name")
    field.fill("B-roll")
    field.press("Enter")
    broll = bins.get_by_role("button", name="B-roll")
    expect(broll).to_have_attribute("aria-pressed", "true")  # the new bin is shown: empty
    expect(items).to_have_count(0)
    bins.get_by_role("button", name="All").click()
    expect(items).to_have_count(3)

    for item in (red, blue):
        page.locator(f"[data-media-id='{item['id']}']").drag_to(broll)
        until(lambda item=item: bin_of(item["id"]) == "B-roll", 10, f"{item['name']} filed in B-roll")
    broll.click()
    expect(items).to_have_count(2)
    bins.get_by_role("button", name="Unfiled").click()
    expect(items).to_have_count(1)
    expect(items).to_contain_text("logo")

    # out of the bin again: dragged onto Unfiled
    broll.click()
    page.locator(f"[data-media-id='{blue['id']}']").drag_to(bins.get_by_role("button", name="Unfiled"))
    until(lambda: bin_of(blue["id"]) is None, 10, "blue out of its bin")
    expect(items).to_have_count(1)
    expect(items).to_contain_text("red")
    items.first.click()
    expect(page.get_by_label("Media details")).to_contain_text("red")
    expect(page.get_by_label("Media details")).to_contain_text("B-roll")

    page.reload()
    expect(bins.get_by_role("button", name="B-roll")).to_have_attribute("aria-pressed", "true")
    expect(items).to_have_count(1)
    watch.assert_clean()
