"""Accessibility: axe-core (node_modules/axe-core, a dev dependency) run in Debian's Chromium in
each main state of the page, and the editor driven by the keyboard alone.

axe is evaluated through the DevTools protocol (page.evaluate), which the page's Content Security
Policy does not govern: the app's own policy stays as it is and Watch still sees no violation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from . import media_samples as ms
from .e2e_helpers import import_file, saved_timeline, until
from .server_process import ServerProcess
from .test_e2e_browser import Watch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now (injected once per document)."""
    assert AXE.exists(), "axe-core is missing: run `npm ci`"
    if not page.evaluate("() => Boolean(window.axe)"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    return page.evaluate("""async () => {
      const r = await axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })) }));
    }""")


def report(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        lines += [f"    {n['target']}: {(n['summary'] or '').splitlines()[-1].strip()}" for n in v["nodes"][:8]]
    return "\n".join(lines)


def assert_axe_clean(page: Page) -> None:
    """No serious or critical accessibility violation on the page as it is now."""
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    assert not blocking, report(blocking)


def record_axe(page: Page, state: str, seen: dict[str, list[dict[str, Any]]]) -> None:
    found = axe_violations(page)
    seen[state] = found
    print(f"-- {state}\n{report(found) or '    no violation'}")


def test_axe_finds_no_serious_violation_in_any_main_state(server: ServerProcess, page: Page, tmp_path: Path) -> None:
    seen: dict[str, list[dict[str, Any]]] = {}
    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})

    # 1. the first start: no project
    page.goto(server.login_url)
    expect(page.get_by_role("button", name="New project")).to_be_visible()
    record_axe(page, "first start, no project", seen)

    # 2. a project with media and a clip on the timeline
    pid = server.post("/api/projects", json={"name": "Access"}).json()["project"]["id"]
    red = import_file(server, pid, ms.make_solid(tmp_path / "red.mp4", "red", seconds=3))
    blue = import_file(server, pid, ms.make_solid(tmp_path / "blue.mp4", "blue", seconds=3))
    doc = saved_timeline(server, pid)
    top = next(t for t in doc["tracks"] if t["kind"] == "video")
    # red, then blue joined to it by a crossfade (a transition's element sits on the track too)
    top["clips"] = [{"id": "red", "media_id": red["id"], "start": 0.5, "in": 0, "out": 2.5},
                    {"id": "blue", "media_id": blue["id"], "start": 2.5, "in": 0, "out": 3,
                     "transition_in": {"type": "crossfade", "duration": 0.5}}]
    text = next((t for t in doc["tracks"] if t["kind"] == "text"), None)
    if text is None:
        text = {"id": "T1", "kind": "text", "name": "Titles", "muted": False, "hidden": False, "clips": []}
        doc["tracks"].insert(0, text)
    text["clips"] = [{"id": "title", "start": 0.5, "duration": 2, "text": "Hello"}]
    assert server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc}).status_code == 200
    page.reload()
    expect(page).to_have_title("Access — Reelcut")
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline.locator("[data-clip-id='red']")).to_be_visible()
    expect(timeline.locator("[data-transition-for='blue']")).to_be_visible()
    expect(page.get_by_role("list", name="Media").get_by_role("listitem")).to_have_count(2)
    record_axe(page, "a project with media and clips", seen)

    # 3. the clip selected, the inspector open
    timeline.locator("[data-clip-id='red']").click()
    expect(page.get_by_role("region", name="Inspector")).to_be_visible()
    record_axe(page, "a clip selected, the inspector open", seen)
    page.keyboard.press("Escape")

    # 3b. a title selected: its text and style controls (font, outline, shadow, box, ...)
    timeline.locator("[data-clip-id='title']").click()
    inspector = page.get_by_role("region", name="Inspector")
    expect(inspector.get_by_role("combobox", name="Font").locator("option[value='DejaVu Serif']")).to_have_count(1)
    record_axe(page, "a title selected, its style in the inspector", seen)
    page.keyboard.press("Escape")

    # 4. the Generate panel with a running job (the offline model)
    page.get_by_role("textbox", name="Prompt").fill("a slow pan over a quiet harbour")
    model_form = page.locator("[data-model-id='local/preview-t2v']")
    model_form.get_by_label("Duration (s)").fill("4")
    page.get_by_role("button", name="Generate", exact=True).click()
    expect(page.locator("progress").first).to_be_attached(timeout=20000)
    record_axe(page, "the Generate panel with a running job", seen)

    # 5. the export dialog (every control labelled), then the export panel, an export running or done
    page.get_by_role("button", name="Export").click()
    dialog = page.get_by_role("dialog", name="Export")
    expect(dialog.locator(".export-estimate")).to_have_text(re.compile(r"^About "), timeout=20000)
    record_axe(page, "the export dialog", seen)
    dialog.get_by_role("button", name="Start export").click()
    expect(page.get_by_role("button", name="Cancel export").or_(page.get_by_text("Download")).first).to_be_visible(
        timeout=20000)
    record_axe(page, "the export panel", seen)

    # 6. the Settings dialog
    page.get_by_role("button", name="Settings").click()
    expect(page.get_by_role("dialog", name="Settings")).to_be_visible()
    record_axe(page, "the Settings dialog", seen)
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="Settings")).to_be_hidden()

    # 7. the shortcut sheet
    page.locator("body").press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    record_axe(page, "the shortcut sheet", seen)
    page.keyboard.press("Escape")

    blocking = {state: [v for v in found if v["impact"] in BLOCKING] for state, found in seen.items()}
    failures = "\n".join(f"-- {state}\n{report(found)}" for state, found in blocking.items() if found)
    assert not failures, "critical or serious axe violations:\n" + failures
    watch.assert_clean()


def tab_to(page: Page, target: Any, presses: int = 150, key: str = "Tab") -> None:
    """Press Tab until `target` has the focus (it is reachable by the keyboard), or fail."""
    handle = target.element_handle()
    for _ in range(presses):
        if page.evaluate("el => document.activeElement === el", handle):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{target} is not reached with {key}")


def focused_clip(page: Page) -> str | None:
    return page.evaluate("() => document.activeElement && document.activeElement.dataset.clipId || null")


def test_keyboard_only_create_add_split_and_export(server: ServerProcess, page: Page, tmp_path: Path) -> None:
    """A project made, a clip laid on the timeline, split and exported with the keyboard alone: not
    one pointer or mouse-button event reaches the page."""
    watch = Watch(page)
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    page.evaluate("""() => { window.__pointer = 0;
      for (const t of ['pointerdown', 'mousedown', 'mouseup', 'pointerup']) {
        addEventListener(t, () => { window.__pointer += 1; }, true);
      } }""")

    # 1. a new project, by Tab and Enter
    tab_to(page, page.get_by_role("button", name="New project"))
    page.keyboard.press("Enter")
    page.keyboard.type("Keys only")
    page.keyboard.press("Enter")
    expect(page).to_have_title("Keys only — Reelcut")
    pid = server.get("/api/projects").json()["projects"][0]["id"]

    # 2. media arrives (imported on the server's side); "Add to the timeline" on it, by Tab
    import_file(server, pid, ms.make_solid(tmp_path / "red.mp4", "red", seconds=3))
    add = page.get_by_role("button", name="Add red to the timeline")
    expect(add).to_be_visible(timeout=20000)
    tab_to(page, add)
    page.keyboard.press("Enter")
    timeline = page.get_by_role("region", name="Timeline")
    clips = timeline.get_by_role("option")
    expect(clips).to_have_count(1)

    # 3. the playhead one second in (arrows step frames while no clip has the focus); the frame rate
    # is the clip's once it is saved (a new timeline takes its first clip's format)
    until(lambda: sum(len(t["clips"]) for t in saved_timeline(server, pid)["tracks"]) == 1, 10, "the clip saved", page)
    fps = saved_timeline(server, pid)["fps"]
    page.keyboard.press("Escape")
    for _ in range(int(fps)):
        page.keyboard.press("ArrowRight")

    # 4. the clip is the timeline's tab stop; S splits the focused clip, which keeps the focus
    tab_to(page, clips.first)
    assert clips.first.get_attribute("tabindex") == "0"
    assert timeline.locator("[role=option][tabindex='0']").count() == 1
    page.keyboard.press("KeyS")
    expect(clips).to_have_count(2)
    until(lambda: sum(len(t["clips"]) for t in saved_timeline(server, pid)["tracks"]) == 2, 10, "the split saved", page)
    first = focused_clip(page)
    assert first is not None, "the focus stays on the split clip"

    # 5. arrows rove between the two halves; Enter selects; [ trims the focused half to the playhead
    page.keyboard.press("ArrowRight")
    second = focused_clip(page)
    assert second and second != first
    page.keyboard.press("Enter")
    expect(timeline.locator(f"[data-clip-id='{second}']")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowLeft")
    assert focused_clip(page) == first
    page.keyboard.press("Enter")
    expect(timeline.locator(f"[data-clip-id='{first}']")).to_have_attribute("aria-selected", "true")
    expect(timeline.locator(f"[data-clip-id='{second}']")).to_have_attribute("aria-selected", "false")

    # 6. back out of the timeline (Shift+Tab to Export), the playhead half a second on, back in: the
    # focus returns to the clip it was on; → to the second half, [ trims its start to the playhead
    export = page.get_by_role("button", name="Export")
    tab_to(page, export, key="Shift+Tab")
    for _ in range(int(fps) // 2):
        page.keyboard.press("ArrowRight")
    tab_to(page, timeline.locator(f"[data-clip-id='{first}']"))
    page.keyboard.press("ArrowRight")
    assert focused_clip(page) == second
    page.keyboard.press("BracketLeft")
    expect(timeline.locator(f"[data-clip-id='{second}']")).to_have_attribute("aria-selected", "true")

    def trimmed() -> bool:
        clip = next(c for t in saved_timeline(server, pid)["tracks"] for c in t["clips"] if c["id"] == second)
        return abs(clip["start"] - 1.5) < 0.05 and abs(clip["in"] - 1.5) < 0.05
    until(trimmed, 10, "the second half trimmed to start at 1.5 s", page)
    assert focused_clip(page) == second, "the trimmed clip keeps the focus"

    # 7. export, by Tab and Enter (the dialog opens; Tab to Start export, Enter), and its file offered
    tab_to(page, export, key="Shift+Tab")
    page.keyboard.press("Enter")
    start = page.get_by_role("dialog", name="Export").get_by_role("button", name="Start export")
    tab_to(page, start)
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Download")).to_be_visible(timeout=120000)
    # told to a screen reader once when it is done: by the toast (a polite live region), not by the
    # announcer as well (progress went by quarters)
    expect(page.get_by_role("status", name="Notifications")).to_contain_text("Export finished: ")
    expect(page.locator("[data-announce=polite]")).not_to_have_text("Export done.")
    assert page.evaluate("window.__pointer") == 0
    watch.assert_clean()


def test_reduced_motion_stops_ui_transitions(server: ServerProcess, page: Page) -> None:
    page.emulate_media(reduced_motion="reduce")
    page.goto(server.login_url)
    button = page.get_by_role("button", name="New project")
    expect(button).to_be_visible()
    # a transition as a future rule would give it (set through the CSSOM, which the CSP allows)
    button.evaluate("b => { b.style.transition = 'background 400ms ease 100ms'; }")
    timing = "b => [getComputedStyle(b).transitionDuration, getComputedStyle(b).transitionDelay]"
    assert button.evaluate(timing) == ["0s", "0s"]
    page.emulate_media(reduced_motion="no-preference")
    assert button.evaluate("b => getComputedStyle(b).transitionDuration") == "0.4s"


def test_the_roving_focus_follows_into_clips_not_yet_drawn(server: ServerProcess, page: Page, tmp_path: Path) -> None:
    """Only clips near the view are in the DOM: → past the view scrolls the next clip in and
    focuses it; ↓ goes to the nearest clip on the track below; still one tab stop."""
    pid = server.post("/api/projects", json={"name": "Long"}).json()["project"]["id"]
    red = import_file(server, pid, ms.make_solid(tmp_path / "red.mp4", "red", seconds=3))
    doc = saved_timeline(server, pid)
    video = [t for t in doc["tracks"] if t["kind"] == "video"]
    video[0]["clips"] = [{"id": f"c{i}", "media_id": red["id"], "start": i * 20, "in": 0, "out": 2} for i in range(30)]
    video[1]["clips"] = [{"id": "below", "media_id": red["id"], "start": 401, "in": 0, "out": 2}]
    doc["zoom"] = 50
    assert server.put(f"/api/projects/{pid}/timeline", json={"timeline": doc}).status_code == 200
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(server.login_url)
    expect(page).to_have_title("Long — Reelcut")
    timeline = page.get_by_role("region", name="Timeline")
    assert timeline.locator("[data-clip-id='c20']").count() == 0, "c20 (at 400 s) is not drawn yet"
    tab_to(page, timeline.locator("[data-clip-id='c0']"))
    for _ in range(20):
        page.keyboard.press("ArrowRight")
    assert focused_clip(page) == "c20"
    expect(timeline.locator("[data-clip-id='c20']")).to_be_in_viewport()
    # the other video track, above or below as the document orders the tracks (top first)
    rows = [t["id"] for t in doc["tracks"]]
    page.keyboard.press("ArrowDown" if rows.index(video[1]["id"]) > rows.index(video[0]["id"]) else "ArrowUp")
    assert focused_clip(page) == "below"
    expect(timeline.locator("[role=option][tabindex='0']")).to_have_count(1)
