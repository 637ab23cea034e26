"""A demo discussion moderated in three browsers: the focal point posts for an offline group,
the moderator pins and locks a thread and mutes a participant; the participant sees each step
live, and the same page after a reload."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from tests.browser.helpers import log_in, record_loads, same_after_reload, wait_until_live
from tests.support.servers import RunningServer

pytestmark = pytest.mark.browser

DISCUSSION = "/discussions/partnerships-for-development"
GROUP = "Phone round with returnees in Tambacounda"
GROUP_SAYS = "Returnees want the town hall to keep a register of skills."
REPORTING = "Regular reporting back to the community"


def current_round(page: Page) -> Locator:
    return page.get_by_role("region", name="Round 2 Open")


def thread(page: Page, text: str) -> Locator:
    return current_round(page).locator(".thread").filter(has_text=text)


async def test_a_moderator_pins_locks_and_mutes_while_a_focal_point_posts_for_a_group(
    browser: Browser, site: RunningServer
) -> None:
    """Amina posts for a phone round of 25; Kofi pins that thread, locks Jorge's and mutes Jorge
    for 24 hours; Jorge sees the group post, the pin, the lock and his mute without reloading."""
    contexts = [
        await browser.new_context(timezone_id=zone, viewport={"width": 390, "height": 844})
        for zone in ("Africa/Dakar", "Europe/Madrid", "Africa/Accra")
    ]
    amina, jorge, kofi = [await context.new_page() for context in contexts]
    await log_in(amina, site.base_url, "participant@demo.fair", "demo-participant", DISCUSSION)
    await log_in(jorge, site.base_url, "exhibitor@demo.fair", "demo-exhibitor", DISCUSSION)
    await log_in(kofi, site.base_url, "moderator@demo.fair", "demo-moderator", DISCUSSION)
    for page in (amina, jorge, kofi):
        await wait_until_live(page)
    jorge_loads = await record_loads(jorge)

    await current_round(amina).get_by_text("Post on behalf of a group met offline").click()
    await current_round(amina).get_by_label("Group (a village meeting, a phone round)").fill(GROUP)
    await current_round(amina).get_by_label("How many people took part").fill("25")
    await current_round(amina).get_by_label("What the group said (Markdown)").fill(GROUP_SAYS)
    await current_round(amina).get_by_role("button", name="Post for the group").click()
    await expect(thread(jorge, GROUP_SAYS)).to_contain_text(f"On behalf of: {GROUP}, 25 people")
    await expect(current_round(jorge).locator("[data-offline-count]")).to_contain_text(
        "representing 65 people"
    )

    # The demo's first thread is pinned already; the group's thread, last so far, joins it.
    grouped = thread(kofi, GROUP_SAYS)
    await grouped.get_by_text("Moderate thread").click()
    await grouped.get_by_role("button", name="Pin the thread").click()
    await expect(current_round(jorge).locator(".thread").nth(1)).to_contain_text(GROUP_SAYS)
    await expect(thread(jorge, GROUP_SAYS).locator(".chip.pinned")).to_have_text("Pinned")
    await expect(thread(jorge, REPORTING).get_by_label("Your reply")).to_have_count(1)

    reporting = thread(kofi, REPORTING)
    await reporting.get_by_text("Moderate thread").click()
    await reporting.get_by_role("button", name="Lock the thread").click()
    await expect(thread(jorge, REPORTING).locator("[data-locked-note]")).to_be_visible()
    await expect(thread(jorge, REPORTING).get_by_label("Your reply")).to_have_count(0)

    await kofi.get_by_text("Moderation: slow mode and people").click()
    await kofi.get_by_text("Mute or mark Jorge Ramírez").click()
    person = kofi.locator("li[data-person-id]").filter(has_text="Jorge Ramírez")
    await person.get_by_label("Mute for").select_option("24h")
    await person.get_by_label("Reason (the person is told)").fill("Personal attacks")
    await person.get_by_role("button", name="Mute").click()
    await expect(jorge.locator("[data-muted]")).to_contain_text("Personal attacks")
    await expect(jorge.get_by_label("Start a new thread (Markdown)")).to_have_count(0)
    await expect(
        kofi.locator("li[data-person-id]").filter(has_text="Jorge Ramírez")
    ).to_contain_text("Muted until")
    assert jorge_loads == []

    await same_after_reload(jorge, current_round(jorge).locator("[data-threads]"))
    for context in contexts:
        await context.close()
