"""The spending cap in the page, in Debian's Chromium on a real server: Settings shows what the
open project has spent, sets its cap (saved on the project), refuses a wrong value beside the
field, and clears it. No CSP violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .server_process import ServerProcess
from .test_e2e_browser import Watch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def test_settings_sets_the_open_projects_spending_cap(server: ServerProcess, page: Page) -> None:
    pid = server.post("/api/projects", json={"name": "Capped"}).json()["project"]["id"]
    watch = Watch(page)
    page.goto(server.login_url)
    expect(page).to_have_title("Capped — Reelcut")

    page.get_by_role("button", name="Settings").click()
    dialog = page.get_by_role("dialog", name="Settings")
    field = dialog.get_by_role("textbox", name="Spending cap for this project ($)")
    expect(field).to_have_value("")
    expect(dialog.get_by_text("Spent so far on “Capped”: $0.00.")).to_be_visible()
    field.fill("-3")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert").filter(has_text="number of dollars")).to_be_visible()
    expect(field).to_have_attribute("aria-invalid", "true")
    assert server.get(f"/api/projects/{pid}").json()["project"]["spending_cap"] is None

    field.fill("12.5")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    assert server.get(f"/api/projects/{pid}").json()["project"]["spending_cap"] == 12.5

    page.get_by_role("button", name="Settings").click()  # opened again, it shows the saved cap
    expect(field).to_have_value("12.5")
    field.fill("")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    assert server.get(f"/api/projects/{pid}").json()["project"]["spending_cap"] is None
    watch.assert_clean()
