"""Issue 32 in Debian's Chromium, as a user meets it: nothing in the page blocks it (no alert,
confirm or prompt: a title's double-click goes to the inspector's Text, a deletion is asked in the
page's own dialog while the page keeps running, a track's removal is undone from its toast), the
fal.ai key is checked in Settings (its shape beside the field, "Test key" against the fake fal.ai,
"Remove key" disabled with no key), no two visible buttons share a name, and a media name is whole
in the data and on hover, shortened by CSS only. Zero CSP violations throughout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .conftest import TOKEN
from .fake_fal import KEY, FakeFal
from .server_process import ServerProcess
from .test_e2e_features import (
    add_title,
    import_file,
    media_items,
    new_project,
    open_app,
    timeline,
    toasts,
    tracks,
    until,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def no_native_dialogs(page: Page) -> list[str]:
    """Every alert/confirm/prompt the page opens (there should be none), dismissed so the test goes on."""
    seen: list[str] = []

    def record(d: Any) -> None:
        seen.append(f"{d.type}: {d.message}")
        d.dismiss()
    page.on("dialog", record)
    return seen


def test_nothing_blocks_the_page(server: ServerProcess, page: Page) -> None:
    pid = new_project(server, "Unblocked")
    other = new_project(server, "Other")
    native = no_native_dialogs(page)
    watch = open_app(page, server, "Other")
    page.get_by_role("combobox", name="Open project").select_option(pid)
    expect(page).to_have_title("Unblocked — Reelcut")

    # a double-click on a title: selected, and the cursor in the inspector's Text, text selected
    clip = add_title(page, server, pid)
    clip.dblclick()
    text = page.get_by_role("region", name="Inspector").get_by_label("Text", exact=True)
    expect(text).to_be_focused()
    assert text.evaluate("t => [t.selectionStart, t.selectionEnd]") == [0, len("Title")]
    page.keyboard.type("Edited in place")
    text.press("Tab")
    expect(clip).to_have_text("Edited in place")
    until(lambda: any(c.get("text") == "Edited in place" for t in timeline(server, pid)["tracks"] for c in t["clips"]),
          10, "the edited text on the server")

    # removing a track with clips: no question, one undo step, and the toast offers Undo
    t1 = tracks(page).first
    expect(t1).to_have_attribute("aria-label", "Track T1")
    page.get_by_role("button", name="Remove track T1").click()
    expect(page.locator("[aria-label='Track T1']")).to_have_count(0)
    note = toasts(page).get_by_text("Removed T1 and its 1 clip.")
    expect(note).to_be_visible()
    toasts(page).get_by_role("button", name="Undo the track removal").click()
    expect(page.locator("[aria-label='Track T1']")).to_have_count(1)
    expect(page.locator("[aria-label='Track T1'] [data-clip-id]")).to_have_text("Edited in place")

    # deleting the project is asked in the page's own dialog, and the page runs while it is open
    page.get_by_role("button", name="Delete project").click()
    asked = page.get_by_role("dialog", name="Delete “Unblocked” and all its files?")
    expect(asked).to_be_visible()
    assert page.evaluate("new Promise((r) => setTimeout(() => r('ran'), 30))") == "ran"  # timers still run
    asked.get_by_role("button", name="Keep the project").click()
    expect(asked).to_have_count(0)
    expect(toasts(page).get_by_text("The project was kept.")).to_be_visible()
    assert {p["id"] for p in server.get("/api/projects").json()["projects"]} == {pid, other}
    page.get_by_role("button", name="Delete project").click()
    page.keyboard.press("Escape")  # Escape answers "keep"
    expect(asked).to_have_count(0)
    page.get_by_role("button", name="Delete project").click()
    asked.get_by_role("button", name="Delete “Unblocked”").click()
    expect(page).to_have_title("Other — Reelcut")
    assert [p["id"] for p in server.get("/api/projects").json()["projects"]] == [other]
    assert native == []
    watch.assert_clean()


@pytest.fixture
def fal_server(tmp_path: Path, fake_fal: FakeFal, monkeypatch: pytest.MonkeyPatch) -> Any:
    """`reelcut serve` pointed at the fake fal.ai, with no key in the environment."""
    monkeypatch.delenv("FAL_KEY", raising=False)
    s = ServerProcess(tmp_path / "data", TOKEN, env={"PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}).start()
    yield s
    s.stop()


def test_the_key_is_checked_before_it_is_stored(fal_server: ServerProcess, fake_fal: FakeFal, page: Page) -> None:
    server = fal_server
    new_project(server, "Keys")
    native = no_native_dialogs(page)
    watch = open_app(page, server, "Keys")
    page.get_by_role("button", name="Settings").click()
    dialog = page.get_by_role("dialog", name="Settings")
    key = dialog.get_by_label("fal.ai API key")
    remove = dialog.get_by_role("button", name="Remove key")
    expect(dialog.get_by_text("No fal.ai key")).to_be_visible()
    expect(remove).to_be_disabled()  # nothing stored: nothing to remove

    # the wrong shape: said beside the field, nothing sent, nothing stored
    key.fill("not-a-real-key")
    dialog.get_by_role("button", name="Save").click()
    expect(key).to_have_accessible_description("A fal.ai key has two parts, key_id:key_secret, joined by a colon.")
    expect(key).to_have_attribute("aria-invalid", "true")
    expect(dialog).to_be_visible()
    assert server.get("/api/settings").json()["fal_key_set"] is False

    # Test key: one unpaid status GET to fal.ai each time; accepted or refused
    key.fill("wrong-id:wrong-secret")
    dialog.get_by_role("button", name="Test key").click()
    expect(dialog.get_by_role("status").filter(has_text="fal.ai refused the key.")).to_be_visible()
    key.fill(KEY)
    dialog.get_by_role("button", name="Test key").click()
    expect(dialog.get_by_role("status").filter(has_text="fal.ai accepted the key.")).to_be_visible()
    assert fake_fal.count("status") == 2 and fake_fal.count("submit") == 0

    dialog.get_by_role("button", name="Save").click()
    expect(toasts(page).get_by_text("Settings saved.").last).to_be_visible()
    assert server.get("/api/settings").json()["fal_key_set"] is True
    page.get_by_role("button", name="Settings").click()
    expect(dialog.get_by_text("A fal.ai key is set")).to_be_visible()
    expect(remove).to_be_enabled()
    remove.click()
    expect(toasts(page).get_by_text("The fal.ai key is removed.")).to_be_visible()
    expect(remove).to_be_disabled()
    assert server.get("/api/settings").json()["fal_key_set"] is False
    assert native == []
    watch.assert_clean()


# the names of the visible buttons, and whether each is inside an item of a list
VISIBLE_BUTTONS = """() => [...document.querySelectorAll('button')]
  .filter((b) => b.checkVisibility() && !b.closest('[inert]'))
  .map((b) => {
    const labelled = b.getAttribute('aria-labelledby');
    const name = (b.getAttribute('aria-label')
      || (labelled && labelled.split(' ').map((id) => document.getElementById(id)?.textContent || '').join(' '))
      || b.textContent || b.title || '').replace(/\\s+/g, ' ').trim();
    const item = b.closest('li, [role=listitem], [role=row], [data-clip-id], [data-track-id], [data-marker-id]');
    return { name, item: Boolean(item) };
  })"""


def duplicate_names(page: Page) -> list[str]:
    buttons = page.evaluate(VISIBLE_BUTTONS)
    outside = [b["name"] for b in buttons if not b["item"]]
    return sorted({n for n in outside if outside.count(n) > 1 or not n})


def test_no_two_visible_buttons_share_a_name(server: ServerProcess, page: Page, samples: dict[str, Path]) -> None:
    pid = new_project(server, "Names")
    import_file(server, pid, samples["video"])
    watch = open_app(page, server, "Names")
    expect(media_items(page)).to_have_count(1)
    expect(page.get_by_role("button", name="Delete project", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Delete clip", exact=True)).to_be_visible()  # the timeline's
    expect(page.get_by_role("button", name="Delete clip from the library", exact=True)).to_be_visible()  # "clip.mp4"
    assert duplicate_names(page) == []
    add_title(page, server, pid)  # a selected clip: the inspector's buttons too
    expect(page.get_by_role("region", name="Inspector")).to_be_visible()
    assert duplicate_names(page) == []
    page.get_by_role("button", name="Settings").click()
    assert duplicate_names(page) == []
    watch.assert_clean()


def test_a_media_name_is_whole_in_the_data_and_on_hover(server: ServerProcess, page: Page) -> None:
    pid = new_project(server, "Long names")
    prompt = "A red sailboat on a calm sea at dawn, gulls overhead, the light low and gold across the water"
    [job] = server.post("/api/generations", json={
        "project_id": pid, "model_ids": ["local/preview-t2v"], "prompt": prompt,
        "params": {"local/preview-t2v": {"duration": 1, "resolution": "360p"}}}).json()["jobs"]
    watch = open_app(page, server, "Long names")
    item = media_items(page)
    expect(item).to_have_count(1, timeout=60000)
    [stored] = server.get(f"/api/projects/{pid}/media").json()["media"]
    assert stored["name"] == f"AI: {prompt}", "the stored name is cut"
    name = item.locator(".name")
    expect(name).to_have_text(f"AI: {prompt}")  # the whole text is in the page
    expect(name).to_have_attribute("title", f"AI: {prompt}")  # and shows whole on hover
    style = until(lambda: (s := name.evaluate(
        "n => n.isConnected && [getComputedStyle(n).textOverflow, n.scrollWidth > n.clientWidth]")) and s[0] and s,
        10, "the name laid out")
    assert style == ["ellipsis", True], style  # shortened by CSS only
    assert "..." not in stored["name"] and job["id"]
    watch.assert_clean()
